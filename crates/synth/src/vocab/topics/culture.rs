//! Culture topics.

use crate::vocab::{Category, Topic};

/// The culture topics.
pub(crate) const TOPICS: &[Topic] = &[
    Topic {
        key: "festival",
        category: Category::Culture,
        about: "the <city> film festival",
        slots: &[
            (
                "film",
                &[
                    "{The|A} {Silent|Last|Long|Hidden|Burning|Borrowed|Quiet} {River|Summer|House|Season|Harbour|Orchard|Letter}",
                ],
            ),
            ("prize", &["the Golden {Lantern|Compass|Heron|Anchor}", "the top prize", "the Grand Jury Prize"]),
        ],
        headlines: &[
            "<film> wins <prize> at <city> film festival",
            "<city> film festival: <p1>'s <film> {takes|scoops|claims} {top honours|<prize>}",
            "{Red carpet|Stars|Glamour} {return|as} <city> film festival {opens|gets under way}",
            "{Surprise|Popular} winner {at|as} <city> festival {closes|ends}",
        ],
        leads: &[
            "<film>, {a drama|a family saga|a thriller|a documentary} {directed by|from director} <p1>, {won|took|claimed} <prize> at the <city> film festival <when>, {beating|ahead of} {<#12-24> other films|a strong field|the favourites}.",
            "The <city> film festival {opened|got under way|began} <when> with {the premiere|the world premiere} of <film>, {as|with} {stars|actors|filmmakers} {from|across} {around the world|<#30-80> countries} {walking|arriving on} the red carpet.",
            "{Director|Filmmaker} <p1> {was|has been} {awarded|handed} <prize> at the <city> film festival for <film>, {a|an} {intimate|sweeping|unflinching} {portrait of|story about|film about} {a family|a fishing village|a migrant worker|a divided town} in <country2>.",
        ],
        body: &[
            "The {jury|nine-member jury}, {led by|chaired by|headed by} {actor|director|screenwriter} <p2>, {praised the {film|winner} for its {bold storytelling|remarkable performances}|described the {film|winner} as {a masterpiece|a quiet triumph}}.",
            "“{I never imagined standing here|This award belongs to everyone who worked on the film|Cinema can still change how we see each other},” <p1.last> said {as|while} {accepting|receiving|collecting} the {prize|award}.",
            "{The|This} {festival|year's festival}, now in its <#20-79>th {year|edition}, {screened|showed|featured} {more than|about|nearly} <#80-300> films {over|during} <#8-12> days.",
            "The best performance {award|prize} {went to|was won by} <p3> for {a role|the performance} as {a grieving parent|a young nurse|an ageing boxer|a lighthouse keeper}.",
            "{Critics|Reviewers} {had|} {tipped|favoured} {<film>|a rival film|a documentary about climate change} {to win|for the top prize} {after|following} its {premiere|screening} {earlier in the week|on <day2>}.",
            "The {festival|event} {was|had been} {overshadowed|marked} {by|at times by} {protests|a row over|debate about} {the|} {representation of women|funding cuts|a controversial guest}.",
            "<film> {was|had been} {shot|filmed|made} {on a budget of|for} {about|less than|just} <cur><#1-9> million {in|over} <#20-60> days {in|on location in} <country2>.",
            "{Distributors|Streaming services} {are|were} {reported|said} to be {competing|bidding} for the {rights|international rights} to the {film|winner}, {which|and it} {is|was} {expected|due} to {reach|open in} cinemas {in <month>|next year}.",
            "Among the {guests|stars} on the red carpet was <p4>, {an actor|a director} best known for {a long-running television series|a hit crime drama}.",
            "The {festival|event} {ran|was held} under {heavy|tight|unusually tight} security, with {bag checks|metal detectors|police patrols} {at|around} {every entrance|the main venue|the palace}.",
            "{Several|A number of} {films|entries} {in|from} the {competition|line-up} {dealt with|explored|tackled} {migration|war|climate change|family breakdown}, {the|a} {defining|recurring|dominant} theme of this {year's festival|edition}.",
            "{Ticket sales|Attendance} {rose|were up} <#5-30> per cent on last year, {organisers said|the organisers said|according to the festival}.",
        ],
    },
    Topic {
        key: "archaeology",
        category: Category::Culture,
        about: "the archaeological discovery near <city>",
        slots: &[
            (
                "find",
                &[
                    "a {Roman|Bronze Age|medieval|Iron Age} {villa|burial site|settlement|shipwreck}",
                    "a hoard of {gold|silver} coins",
                    "a {<#2-4>,000-year-old|rare} {temple|mosaic|tomb}",
                ],
            ),
            ("age", &["#900-5000"]),
        ],
        headlines: &[
            "{Archaeologists|Researchers} {uncover|discover|find} <find> near <city>",
            "<find> {found|unearthed|discovered} {under a car park|beneath a farm field|on a building site} in <country>",
            "{Rare|Remarkable|Stunning} find: <find> {sheds light|offers clues} on {ancient|early} <country>",
            "{Builders|Farmer|Metal detectorist} {stumbles on|finds} <find> in <country>",
        ],
        leads: &[
            "Archaeologists in <country> {have|} {uncovered|discovered|unearthed} <find> {near|outside|just south of} <city>, {dating back|believed to date back} {about|some|nearly} <age> years, {officials said|the culture ministry said} <when>.",
            "{Builders|Workers|A farmer} {digging|preparing} {foundations|a field|a new road} {near|outside} <city> {stumbled on|came across|uncovered} <find>, which {experts|archaeologists} {say|believe} {is|could be} <age> years old, {officials|the heritage agency} {announced|said} <when>.",
            "A {team|joint team} of {archaeologists|researchers} from <country> and <country2> {revealed|announced|presented} <when> {details of|the discovery of} <find> {at|on} a site {near|close to} <city>.",
        ],
        body: &[
            "The {site|dig}, which covers {about|nearly|more than} <#2-40> hectares, {has|had} {yielded|produced|revealed} {pottery|tools|jewellery|coins|human remains} {and|as well as} {traces of|remains of} {buildings|walls|a road}.",
            "<p1>, {who|the archaeologist who} {leads|is leading|led} the {excavation|dig}, {called|described} the {find|discovery} {as|} {exceptional|extraordinary|one of the most important in decades}.",
            "“{We were not expecting anything like this|Every day brings a new surprise|This changes what we thought we knew about the region},” <p1.last> {said|told <outlet>|told reporters}.",
            "{Experts|Specialists|Scientists} {will|are to|plan to} {use|carry out} {radiocarbon dating|DNA analysis|3D scanning} to {establish|confirm|determine} {the age|the origins|who lived there}.",
            "The {discovery|find} was kept {secret|quiet} for {several|<#2-9>} {months|weeks} to protect the site from {looters|treasure hunters|damage}.",
            "{Construction|Work|Building work} {on|at} the {site|planned housing estate|road} {has been|was} {halted|suspended|paused} {while the excavation continues|until the dig is completed}.",
            "<p2>, {a|an} {historian|archaeologist|expert in ancient history} at {the University of <city2>|<city2> University}, {said|noted} {the find|it} {could|would|might} {rewrite|change|reshape} {understanding|our understanding} of {trade|daily life|settlement} {in the region|in early <country>}.",
            "{Some|The most important} {objects|artefacts|items} {will|are expected to} {go on display|be exhibited|be shown} {at|in} {the national museum|a museum in <city>} {next year|later this year|in <month>}.",
            "{Among|Among the} {most striking|most remarkable|most valuable} {finds|objects} {is|was} {a|an} {bronze|gold|carved stone} {figure|statuette|bowl|ring} {decorated with animals|bearing an inscription|decorated with geometric patterns}.",
            "{Volunteers|Students|Local residents} {helped|have been helping} {with|on} the {dig|excavation} {over|during} the {summer|past <#2-8> months|season}, {sifting|sorting} {through|} {tonnes of|piles of} {soil|earth}.",
            "The {site|area} {was|is} {thought|believed} to have been {abandoned|deserted|destroyed} {after|following} {a fire|a flood|an earthquake|an invasion} {around|about} <#300-3000> years ago.",
            "The {regional|local} {government|council} {said|promised} it would {fund|support|help pay for} {further|continued} {excavations|work|research} {at|on} the site.",
        ],
    },
];
