//! Technology topics.

use crate::vocab::{Category, Topic};

/// The technology topics.
pub(crate) const TOPICS: &[Topic] = &[
    Topic {
        key: "launch",
        category: Category::Tech,
        about: "the launch of <firm>'s new <gadget>",
        slots: &[
            (
                "gadget",
                &[
                    "smartphone",
                    "folding phone",
                    "smartwatch",
                    "mixed-reality headset",
                    "electric scooter",
                    "laptop",
                    "AI assistant",
                    "home robot",
                ],
            ),
            ("model", &["{Nova|Aura|Pulse|Vertex|Lumen|Echo|Zenith|Orbit} {X|Pro|Max|One|<#2-9>}"]),
            ("price", &["#199-1999"]),
        ],
        headlines: &[
            "<firm> {unveils|launches|shows off} <model> <gadget>",
            "<firm>'s <model>: {first look|hands-on|what you need to know|price and release date}",
            "<firm> {bets on|goes big on} <gadget>s with <model>",
            "<model> <gadget> {to go on sale|arrives|ships} {in <month>|next month|this autumn} for <cur><price>",
        ],
        leads: &[
            "<firm> {unveiled|launched|showed off} its {long-awaited|latest|new} <model> <gadget> at {an event|a launch event|a glitzy event} in <city> <when>, {promising|touting|boasting of} {longer battery life|a faster chip|a brighter display|new AI features}.",
            "{Technology company|Tech giant} <firm> {announced|revealed|took the wraps off} the <model> <when>, a <gadget> {that|which} {will|is set to} {go on sale|be available} {in <month>|next month|in <#12-40> countries} {priced at|for|starting at} <cur><price>.",
            "<firm> {is betting|has bet|hopes} {that|} its new <model> <gadget>, {unveiled|launched|presented} <when>, {will|can} {revive|boost|turn around} {flagging|slowing|falling} sales {in|of} {its|the} {core|consumer} business.",
        ],
        body: &[
            "{The|A} <model> {features|has|comes with} a <#5-7>.<#1-9>-inch {screen|display}, {a|an} {upgraded|new|improved} {camera|processor|battery} and {up to|as much as} <#128-1024> gigabytes of storage.",
            "<p1>, {chief executive|head of products|chief product officer} {of|at} <firm>, {told|said to} {the audience|the crowd|reporters} {that|} the <gadget> {was|had been} {designed|built} {for|with} {everyday users|creators|families|professionals} {in mind|at its heart}.",
            "The {starting|base} price of <cur><price> {is|was} {higher|lower|slightly higher|slightly lower} than {the|its} {previous|last} {model|generation|version}, which {cost|sold for} <cur><#150-1800>.",
            "{Pre-orders|Orders} {open|opened|will open} {on <day2>|immediately|next week}, with {deliveries|shipments|the first devices} {expected|due} {from|in} <month>.",
            "The {company|firm} {said|claimed} the {device's|<gadget>'s} {battery|new battery} {would|could} {last|run for} {up to|as long as} <#18-60> hours {on a single charge|between charges}.",
            "{Rivals|Competitors} {including|such as} <firm2> {are|have been} {expected|rumoured|preparing} to {launch|release|unveil} {similar|competing|their own} {devices|products} {later this year|in the coming months|before the holiday season}.",
            "{Sales|Global sales} of <gadget>s {fell|rose|grew|slipped} <#2-15> per cent last year, according to {the research firm|market analysts at} <firm2>.",
            "{Much|Some} of the {presentation|event|launch} {focused|was focused} on {artificial intelligence|AI features|privacy|sustainability}, with <p1.last> {promising|claiming} the <model> {could|would} {summarise|translate|organise} {messages|photos|documents} {automatically|on the device|in real time}.",
            "The {company|firm} {said|pledged} the <gadget> {was|is} {made|built} {with|from|using} {recycled|reused} {aluminium|materials|plastics} and {would|will} {receive|get} software updates for <#5-8> years.",
            "{Hundreds of|Dozens of|Long} {fans|queues of customers} {queued|waited|camped} {outside|in front of} <firm>'s {flagship store|showroom|store} in <city> {for hours|overnight|before dawn} {to|hoping to} {get a first look|see the <gadget>|try the device}.",
            "The <gadget> {will be|is} {made|assembled|manufactured} {in|at} {factories|plants} in <country2>, {and|while} {some|several} {components|parts|chips} {come|are sourced} from {suppliers|partners} in <country>.",
            "{Some|Several} {reviewers|analysts|commentators} {questioned|were sceptical about|wondered} {whether|if} {consumers|buyers|customers} {would|will} {pay|be willing to pay} {a premium|so much|more} for {what they called|what some described as} {modest|incremental|minor} {improvements|upgrades|changes}.",
        ],
    },
    Topic {
        key: "space",
        category: Category::Tech,
        about: "the <mission> mission",
        slots: &[
            ("mission", &["{Aurora|Helios|Kestrel|Meridian|Polaris|Tethys|Vega} <#1-9>"]),
            (
                "target",
                &[
                    "the Moon",
                    "Mars",
                    "an asteroid",
                    "Jupiter's moon Europa",
                    "low Earth orbit",
                    "the far side of the Moon",
                ],
            ),
        ],
        headlines: &[
            "<country> {launches|sends} <mission> {mission|probe|spacecraft} to <target>",
            "<mission>: {rocket lifts off|probe on its way|what the mission will do}",
            "{Historic|Successful} {launch|landing} for <country>'s <mission>",
            "<country>'s <mission> {mission|probe} {begins journey|is on its way|lifts off}",
        ],
        leads: &[
            "<country>'s space agency {launched|sent} its <mission> {mission|probe|spacecraft} to <target> <when>, with the rocket {lifting off|blasting off} {from|at} {a launch site|the spaceport} {near|outside} <city> {at|shortly after} <#1-11>:<#10-59> {am|pm} local time.",
            "{A|The} {rocket|launcher} {carrying|with} <country>'s <mission> {spacecraft|probe|lander} {lifted off|blasted off|launched} {successfully|without a hitch|on schedule} <when>, {beginning|starting} a {<#3-14>-month|long} journey to <target>.",
            "{Engineers|Mission controllers} {celebrated|cheered|erupted in applause} <when> {after|as} <country>'s <mission> {probe|spacecraft} {separated from its rocket|sent its first signal|reached its planned orbit} on its way to <target>, {a first|a milestone} for the country's space programme.",
        ],
        body: &[
            "The {mission|probe}, which {cost|is costing} {about|around|nearly} <cur><#80-900> million, {aims|is designed|will attempt} to {study|map|analyse} {the surface|the atmosphere|water ice|the geology} of <target>.",
            "<p1>, {head|director|chief} of <country>'s {space agency|national space agency}, {called|described} the {launch|mission} {as|} {a proud moment|a historic day|a giant leap} for {the nation|the country|the country's scientists}.",
            "“{Today we have shown what our engineers can do|This mission will inspire a generation of young people|Space belongs to all of humanity},” <p1.last> {said|told reporters|said at mission control}.",
            "The {spacecraft|probe} {carries|has|is equipped with} <#4-12> {scientific instruments|cameras and sensors|experiments}, {including|among them} {a high-resolution camera|a spectrometer|a radar|a seismometer}.",
            "The {earlier|previous} {attempt|mission} {in <#y2015-2022>|<#2-6> years ago} {failed|ended in failure|was lost} {when|after} {the|its} {lander|probe|rocket} {crashed|lost contact|suffered an engine failure}.",
            "{Only|Just} {a handful of|a few|<#3-6>} countries {have|had} {successfully|} {reached|landed on|sent missions to} <target> {before|so far|until now}.",
            "<p2>, {a|an} {planetary scientist|astrophysicist|space policy expert} at {the University of <city2>|<city2> University}, {said|noted} {that|} the {mission|data} {could|would} {help|allow} {scientists|researchers} to {understand|learn more about|answer questions about} {how the solar system formed|whether life could exist there|the history of water}.",
            "The {launch|mission} {had been|was} {delayed|postponed} {several times|twice|by <#2-18> months} {because of|due to} {technical problems|bad weather|funding shortfalls}.",
            "{Data|The first images} from the {probe|spacecraft|mission} {are|were} {expected|due} {within|in} {weeks|days|a few months}, {the agency said|officials said}.",
            "{Thousands of|Crowds of} {spectators|people|schoolchildren} gathered {on nearby beaches|at viewing points|outside the space centre} to {watch the launch|see the rocket lift off|cheer as the rocket climbed}.",
            "The {spacecraft|probe} {is|was} {powered|driven} by {solar panels|solar arrays|a nuclear battery} and weighs {about|nearly|just over} <#300-3500> kilograms.",
            "The {government|country} {has|had} {increased|doubled|boosted} {spending|its budget} on {space|the space programme} {in recent years|since <#y2018-2022>}, {seeing|as it sees} {it|the sector} as {a source of|a driver of} {national prestige|high-tech jobs|economic growth}.",
        ],
    },
    Topic {
        key: "techfine",
        category: Category::Tech,
        about: "the fine against <firm>",
        slots: &[("fine", &["#40-900"])],
        headlines: &[
            "<firm> fined <cur><fine>m {over|for} {data breaches|anti-competitive practices|misleading users}",
            "{Regulator|Watchdog} {hits|slaps} <firm> with <cur><fine>m fine",
            "<firm> to appeal <cur><fine>m {fine|penalty} from <country> regulator",
            "<country> {watchdog|regulator} {cracks down|takes aim} at <firm>",
        ],
        leads: &[
            "{Regulators|The competition regulator|The data protection authority} in <country> {fined <firm> <cur><fine> million|imposed a <cur><fine> million fine on <firm>} <when> {for|over} {breaching|violating} {privacy|competition|consumer protection} {rules|laws}.",
            "<firm> {has been|was} {ordered|told} to pay <cur><fine> million <when> after <country>'s {competition|data protection} {watchdog|authority} {found|ruled} that {it|the company} had {abused its dominant position|mishandled users' personal data|misled customers}.",
            "<firm> said <when> it would {appeal|challenge|contest} a <cur><fine> million {fine|penalty} {imposed|handed down} by <country>'s {regulator|watchdog} {over|for} {its|the way it} {handling of user data|treatment of rivals|advertising practices}.",
        ],
        body: &[
            "The {investigation|inquiry}, which {began|was opened} {in <#y2020-2023>|<#2-4> years ago}, {found|concluded} {that|} <firm> {had|} {collected|shared|used} {users'|customers'} {data|information} {without|without proper} {consent|permission}.",
            "<p1>, {head|chair|president} of the {regulator|authority|watchdog}, {said|told reporters} {that|} {no company|no firm, however large,} {was|is} {above|beyond} the {law|rules}.",
            "“{We disagree with the decision and will appeal|We have always complied with the law|We take our obligations very seriously},” <firm> {said|told <outlet>} {in a statement|on <day>}.",
            "{In addition to|Besides|As well as} the fine, <firm> {was|has been} {ordered|told|required} to {change|stop|overhaul} {its|some of its} {practices|data policies|contracts} {within|in} <#3-12> months.",
            "{The|This} {fine|penalty} {is|was} {equivalent to|about} <#1-6> per cent of the {company's|firm's} {annual|global} {revenue|turnover}, well below the {maximum|legal maximum} of <#4-10> per cent.",
            "{Consumer groups|Privacy campaigners} {welcomed|praised} the {decision|ruling} {but|and} {said|argued} {that|} {fines|penalties} {alone|on their own} {were|would be} {not enough|insufficient} to {change|alter} {the behaviour of|how} {large|big} {technology|tech} companies {behave|}.",
            "{Regulators|Authorities} in <country2> {are|have been|were} {also|} {investigating|examining} {the company|<firm>|similar practices} and {could|may} {impose|issue} {their own|further} {penalties|fines}.",
            "<firm> {has|had} {previously|already} {been fined|faced fines} {in|by} {several|other} {countries|jurisdictions} {for|over} {similar|related} {issues|breaches}.",
            "<p2>, {a|an} {competition lawyer|technology law professor|digital policy expert} {at|with} <firm2>, said {the case|the decision} {could|would} {set|establish} {an important|a significant} {precedent|benchmark} for {the sector|other companies|future cases}.",
            "{The|This} {case|investigation} {was|had been} {triggered|prompted} by {complaints|a complaint} from {rival|smaller} {companies|firms|businesses} and {consumer groups|a consumer association}, {the regulator said|according to the regulator}.",
            "{Users|Customers} in <country> {will|may} be {able|entitled} to {claim compensation|opt out of tracking|delete their data} {under|thanks to} the {ruling|decision|new rules}, {lawyers said|according to consumer groups}.",
            "The {company's|firm's} {shares|stock} {fell|slipped|were little changed} {after|following|on} the {announcement|news|ruling}.",
        ],
    },
];
