//! Health topics.

use crate::vocab::{Category, Topic};

/// The health topics.
pub(crate) const TOPICS: &[Topic] = &[
    Topic {
        key: "outbreak",
        category: Category::Health,
        about: "the <disease> outbreak in <country>",
        slots: &[
            ("disease", &["cholera", "dengue fever", "measles", "bird flu", "mpox", "diphtheria"]),
            ("cases", &["#40-4000"]),
        ],
        headlines: &[
            "<disease> outbreak in <country>: {cases rise to|<cases> cases|health emergency declared}",
            "<country> {battles|confirms|races to contain} <disease> outbreak {in|near} <city>",
            "{Health alert|Vaccination drive} as <disease> {spreads|cases climb} in <country>",
            "<disease>: {what you need to know|how the outbreak spread|WHO sends experts} to <country>",
        ],
        leads: &[
            "Health authorities in <country> {have confirmed|confirmed|reported} <cases> cases of <disease> {in|across} {<city> and surrounding areas|the <region>|several districts} <when>, {declaring|and declared} {a public health emergency|an outbreak}.",
            "{An outbreak of|A surge in} <disease> {has|} {killed|claimed the lives of} {at least|} <#3-90> people and {infected|sickened} <cases> {others|more} in <country>, {the health ministry said|officials said} <when>.",
            "<country> {launched|began|started} {an emergency|a mass} {vaccination|prevention} {campaign|drive} <when> {to|in a bid to} {contain|halt|slow} {an outbreak of|the spread of} <disease>, {which|that} has {infected|affected} <cases> people.",
        ],
        body: &[
            "The {first|initial} {cases|case} {were|was} {detected|reported|identified} {in <month>|<#2-8> weeks ago|last month} in {a|an} {informal settlement|village|district|school} {on the outskirts of|near|north of} <city>.",
            "<p1>, the {health minister|director of public health|chief medical officer}, {said|told reporters} {that|} the {situation|outbreak} {was|is} {under control|serious but manageable|a cause for concern} and {urged|called on} {people|the public} to {follow|respect} {hygiene|health} {advice|guidelines}.",
            "{Children under <#5-12>|People over <#60-75>} {account for|make up|represent} {about|nearly|more than} <#20-60> per cent of {cases|infections|deaths}, {according to ministry data|official figures show}.",
            "The {World Health Organization|WHO} {said|announced} it {had sent|was sending} {experts|a team of specialists|medical supplies} to {support|assist|help} {local|national} {authorities|health workers}.",
            "{Contaminated|Unsafe} {water|drinking water|food} {is|was|is believed to be} the {likely|main|suspected} {source|cause} of the {outbreak|infections}, {officials said|health officials said}.",
            "“{We are seeing new patients every hour|Our wards are full|We need more supplies and more staff},” said <p2>, a {doctor|nurse|medical officer} at {the main hospital|a clinic|a treatment centre} in <city>.",
            "{Schools|Markets|Public gatherings} {in|across} {affected|the worst-hit} {areas|districts} {were|have been} {closed|suspended|banned} {as a precaution|until further notice|for two weeks}.",
            "The {ministry|government} {has|had} {received|ordered|secured} <#50-900>,000 {doses|vaccine doses} and {aims|plans|hopes} to {vaccinate|reach} {about|nearly|more than} <#100-900>,000 people {within|over} {<#2-6> weeks|the next month}.",
            "{Health workers|Volunteers} {went|are going} {door to door|house to house} {to|in order to} {identify|trace|check on} {cases|contacts|people with symptoms} and {distribute|hand out} {water purification tablets|leaflets|soap}.",
            "{Neighbouring|Nearby} {countries|governments}, {including|among them} <country2>, {have|had} {stepped up|tightened|introduced} {health|border} {checks|screening} {at|for} {border crossings|airports|travellers}.",
            "The {health ministry|ministry} {set up|opened|launched} {a hotline|a free helpline|an information line} for {people|residents} {with symptoms|worried about the outbreak} and {urged|asked} {people|the public} not to {share|spread} {rumours|unverified information} {online|on social media}.",
            "{Experts|Epidemiologists} {warned|said} {that|} {the|} {rainy season|coming months|crowded conditions} {could|may|might} {speed up|accelerate|worsen} the {spread|outbreak}.",
        ],
    },
    Topic {
        key: "study",
        category: Category::Health,
        about: "the new study on <habit>",
        slots: &[
            (
                "habit",
                &[
                    "coffee drinking",
                    "daily walking",
                    "screen time",
                    "ultra-processed food",
                    "afternoon naps",
                    "air pollution",
                    "loneliness",
                    "a four-day working week",
                ],
            ),
            (
                "outcome",
                &["heart disease", "dementia", "depression", "type 2 diabetes", "stroke", "high blood pressure"],
            ),
            ("n", &["#1200-480000"]),
            // Fields: risk; verb; likelihood.
            ("dir", &["higher;raise the risk of;more", "lower;protect against;less"]),
        ],
        headlines: &[
            "<habit> {linked to|tied to|associated with} <dir> risk of <outcome>, study {finds|suggests}",
            "{Study|Research} of <n> people {finds|suggests} <habit> {may|could} <dir.1> <outcome>",
            "{Scientists|Researchers} {find|discover} {link|new link} between <habit> and <outcome>",
            "{Does|Can} <habit> {affect|reduce} <outcome>? {New study|Researchers} {says|say}",
        ],
        leads: &[
            "{People|Adults} {who|whose} {report|reported|had} {high levels of|more|regular} <habit> {have|had|may have} a {significantly|} <dir> risk of <outcome>, according to {a new study|new research|a large study} {published|released} <when>.",
            "A study {of|involving|following} <n> {people|adults|participants} {in|across} <country> {and|and <country2>|} {has|} {found|suggested|identified} {a|an} {link|association|connection} between <habit> and <outcome>.",
            "{Researchers|Scientists} at {the University of <city>|<city> University|a medical institute in <city>} said <when> that <habit> {could|may} {play a role in|influence|affect} <outcome>, after {tracking|studying|analysing} <n> people for {up to|nearly|more than} <#5-25> years.",
        ],
        body: &[
            "The {study|research|analysis}, {published|which appears} in {a peer-reviewed journal|the journal <city> Medicine|a leading medical journal}, {followed|tracked|examined} {participants|volunteers|people} aged <#18-50> to <#60-90>.",
            "{Those|Participants} in the highest {group|category} were <#10-60> per cent <dir.2> likely to {develop|be diagnosed with|suffer from} <outcome> than those in the lowest group.",
            "<p1>, {the study's|the} {lead author|principal investigator|senior author}, {said|cautioned|stressed} {that|} the {study|research} {showed|found} {an association|a link|a correlation}, {not|rather than} {cause and effect|proof of cause|a causal relationship}.",
            "“{People should not panic or change their habits overnight|This adds to a growing body of evidence|The findings are striking, but more work is needed},” <p1.last> {said|told <outlet>|added}.",
            "{The|Researchers} {adjusted|controlled} {for|the results for} {factors|other factors} {such as|including} {age|income|smoking|diet|exercise} and {education|body weight}.",
            "<p2>, {a|an} {professor|expert|specialist} {of|in} {epidemiology|public health|cardiology|neurology} {who|but who} {was not involved in|had no role in} the {research|study}, {called|described} the {findings|results} {interesting|important|intriguing} {but|and} {said|noted} {the study had|there were} {limitations|some limitations}.",
            "{About|Nearly|More than} <#2-40> million people {in|across} <country> {are|were} {living with|affected by|diagnosed with} <outcome>, {according to|official figures|health charities} {estimates|say}.",
            "The {research|study} {was|had been} {funded|paid for|supported} by {a government research council|the national health institute|a medical research charity}.",
            "{Previous|Earlier|Other} {studies|research} {have|had} {produced|reached} {mixed|conflicting|similar} {results|conclusions|findings} on the {link|question|issue}.",
            "{Participants|Volunteers} {filled in|completed|answered} {detailed|regular} {questionnaires|surveys} {about|on} their {habits|lifestyle|diet} {every|once every} {two|few|<#2-5>} years and {underwent|had} {regular|periodic} {health checks|medical examinations}.",
            "The {link|effect} {appeared|seemed|was} {stronger|weaker|more pronounced} {among|in} {women|men|people over 60|younger adults}, {the|} {researchers|authors} {found|noted|reported}.",
            "{Health|Public health} {officials|bodies} {said|stressed} that {the advice had not changed|current guidelines were unchanged}: {a balanced diet|regular exercise|moderation} {is|remains} {key|the best approach}.",
        ],
    },
];
