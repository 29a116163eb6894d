//! Justice topics.

use crate::vocab::{Category, Topic};

/// The justice topics.
pub(crate) const TOPICS: &[Topic] = &[
    Topic {
        key: "court",
        category: Category::Justice,
        about: "the court ruling in <country>",
        slots: &[
            // Fields: headline verb; lead verb; side; verdict.
            ("verdict", &["strikes down;struck down;against;unlawful", "upholds;upheld;in favour of;lawful"]),
            (
                "case",
                &[
                    "a challenge to the government's {deportation|surveillance|mining} policy",
                    "a landmark {climate|land rights|privacy} case",
                    "a dispute over {election results|a river dam|pension cuts}",
                    "a challenge to a ban on {street protests|a popular app|foreign funding for charities}",
                ],
            ),
        ],
        headlines: &[
            "<country>'s {top|supreme|highest} court <verdict> {government policy|law} in {landmark|key} case",
            "{Court rules|Judges rule|Judges deliver verdict} in <case>",
            "{Landmark|Historic} ruling: <country> court <verdict> {disputed|controversial} policy",
            "{Government|Ministers} {to appeal|vow to respect|criticise} court ruling on <case>",
        ],
        leads: &[
            "<country>'s {supreme court|constitutional court|highest court} {ruled|decided} <when> <verdict.2> the government in <case>, {a decision|a ruling} {campaigners|lawyers} {described as|called} {historic|a landmark|a major setback}.",
            "{Judges|A panel of <#3-11> judges} in <city> <verdict.1> {a|the} {key|controversial} {government|} {policy|law} <when>, {ruling|finding} {that|} it {was|had been} <verdict.3> in <case>.",
            "{A court|The high court} in <city> {has|} {delivered|handed down} its {verdict|judgment|ruling} <when> in <case>, {which|a case that} has been {closely watched|followed closely} {across|throughout} <country>.",
        ],
        body: &[
            "The {ruling|decision|judgment} was {split <#4-7> to <#2-4>|reached by a majority}, with {two|several} judges {writing|issuing} {dissenting|separate} opinions.",
            "{Chief Justice|Presiding judge} <p1> {said|wrote} {in the judgment|in the ruling|when reading the verdict} {that|} the {government|state|authorities} {had|} {failed|exceeded its powers|acted lawfully} {in|when} {introducing|applying|enforcing} the {policy|measure|rules}.",
            "“{This ruling is a victory for every citizen|The court has reminded the government that no one is above the law|We are disappointed and will study the judgment carefully},” said <p2>, {a lawyer for|who represented|counsel for} the {claimants|campaigners|government}.",
            "The {case|challenge} was {brought|filed|lodged} {in <#y2019-2023>|<#2-5> years ago|last year} by {a group of|a coalition of|<#3-40>} {residents|campaigners|non-governmental organisations|farmers}.",
            "{Dozens of|Hundreds of} {supporters|campaigners|protesters} {gathered|waited|cheered} {outside|on the steps of} the {court|courthouse} {as|when} the {verdict|ruling|decision} was {announced|read out}.",
            "The {justice ministry|government spokesperson} {said|told reporters} {the government|ministers} would {study|examine|review} the {ruling|decision} {carefully|in detail} before deciding {on next steps|whether to appeal}.",
            "{The|This} {decision|ruling} {cannot|can no longer} be {appealed|challenged}, {and|but} {parliament|the government} {could|may} {pass|draft|introduce} {new|amended} {legislation|rules} to {address|respond to} the court's {concerns|findings}.",
            "{Legal scholars|Constitutional experts} called the {ruling|judgment} {one of the most important|the most significant} in <country> {in|for} {decades|a generation|years}.",
            "The {court|judges} {gave|ordered} the government <#3-12> months to {comply with the ruling|change the rules|bring the law into line with the constitution}.",
            "{Supporters of the {government|policy} accused the {judges|court} of {overreach|interfering in politics}|Critics of the {government|policy} praised the {judges|court} for standing up for the rule of law}.",
            "The {hearing|case} {lasted|ran for|stretched over} <#3-30> days, {with|and} {the court|judges} {hearing|receiving} {evidence|submissions} from {dozens of|more than <#10-60>} {witnesses|experts|organisations}.",
            "{The|This} {verdict|judgment} {is likely to|could|may} {affect|have implications for} {thousands of|hundreds of|similar} {cases|people|pending cases} {across|in} the country.",
            "The full {written|} judgment, {running to|of} {more than|about|nearly} <#80-400> pages, {will be|was} {published|made public} {on <day2>|later|on the court's website}.",
        ],
    },
    Topic {
        key: "corruption",
        category: Category::Justice,
        about: "the corruption case against <p1>",
        slots: &[(
            "post",
            &[
                "former {mayor of <city>|health minister|governor of the central bank|head of the national airline|customs chief}",
            ],
        )],
        headlines: &[
            "<country>: <post> <p1> arrested {in|over} {corruption|bribery|graft} {probe|case}",
            "<p1>, <post>, {charged with|accused of} {bribery|money laundering|embezzlement}",
            "{Anti-corruption|Graft} {police|investigators} {raid|search} {home|offices} of <p1>",
            "<post> <p1> {denies|rejects} {corruption|bribery} {charges|allegations}",
        ],
        leads: &[
            "{Anti-corruption|Police} {investigators|officers} in <country> {arrested|detained} <p1>, <post>, <when> {on suspicion of|over allegations of|in connection with} {taking bribes|embezzling public funds|money laundering} worth <cur><#2-90> million.",
            "<p1>, <post> of <country>, {was charged <when> with|appeared in court <when> accused of} {corruption|bribery|abuse of office|money laundering}, {prosecutors said|the prosecutor's office said}.",
            "{Police|Investigators} {raided|searched} the {home|homes|offices} of <p1>, <post>, <when> {as part of|in} {a|an} {corruption|bribery|fraud} {investigation|inquiry} {involving|into} {public contracts|a road-building project|arms purchases}.",
        ],
        body: &[
            "{Prosecutors|Investigators} {allege|say|claim} <p1.last> {received|accepted|took} {kickbacks|bribes|payments} {from|paid by} {construction firms|contractors|a foreign company} {in exchange for|in return for} {lucrative|public|government} {contracts|licences|permits}.",
            "<p1.last> {denies|has denied|rejects} {all|the} {charges|allegations|accusations} and {says|has said|insists} {the case|the investigation} {is|was} {politically motivated|a witch-hunt|an attempt to silence opponents}.",
            "{During|In} {the|a} {raid|search}, {officers|investigators} {seized|found|recovered} {cash|documents|luxury cars|jewellery} {worth|valued at} {about|some|more than} <cur><#100-900>,000, {according to prosecutors|prosecutors said|a police statement said}.",
            "{Several|<#2-9>|A number of} {other|} {people|officials|businessmen}, {including|among them} <p2>, {were also|have also been} {detained|arrested|questioned} {in|as part of} the {investigation|operation|case}.",
            "“{My client is innocent and will prove it in court|These charges have no basis in fact|We will fight this all the way},” <p3>, {a lawyer for|who represents} <p1.last>, told {reporters|<outlet>} {outside|at} the {court|police headquarters}.",
            "The {court|judge} {ordered that|ruled that} <p1.last> {be held|remain} in custody for <#7-30> days {while|as} {investigators|police} {continue|pursue} their {inquiries|investigation}.",
            "<country> {ranked|was ranked|placed} <#40-150> {out of|among} <#160-180> countries {in|on} {the latest|a} {corruption perceptions index|global corruption index}.",
            "{The|An} {anti-corruption|ethics} {agency|commission} {said|added} {it was|that it was} {also|} {investigating|examining|tracing} {assets|bank accounts|properties} {held|owned} {abroad|overseas|in <country2>}.",
            "{Supporters|Dozens of supporters} of <p1.last> {gathered|protested|chanted} {outside|near} {the court|police headquarters} {to|in order to} {demand|call for} {their release|a fair trial|an end to the case}.",
            "{The|This} {arrest|case} is {the|} {latest|most high-profile|biggest} in {a|an} {anti-corruption|anti-graft} {drive|campaign|crackdown} {launched|begun|promised} by the government {last year|in <#y2021-2023>|after the election}.",
            "{Opposition politicians|Critics|Rights groups} {said|argued} the {campaign|crackdown} {had|has} {targeted|focused on} {mostly|largely} {opponents|critics} of the government, while {sparing|leaving alone} {its allies|senior figures in the ruling party}.",
            "{If convicted|If found guilty}, <p1.last> {could|would} {face|be jailed for} up to <#8-20> years in prison {and|as well as} {the confiscation of|the seizure of} {assets|property}.",
        ],
    },
    Topic {
        key: "cyberattack",
        category: Category::Justice,
        about: "the cyber-attack on <victim>",
        slots: &[(
            "victim",
            &[
                "<country>'s {national|state} {health service|tax authority|railway operator}",
                "<firm>",
                "the {<city> city council|port of <city>|main airport in <city>}",
            ],
        )],
        headlines: &[
            "{Cyber-attack hits|Ransomware attack cripples|Hackers disrupt} <victim>",
            "<victim> {hit by|confirms} {data breach|cyber-attack}, {millions|customers} {affected|warned}",
            "{Hackers|Criminal gang} {demand ransom|leak data} {after|in} attack on <victim>",
            "{Systems down|Services disrupted} {after|as} cyber-attack {on|targets} <victim>",
        ],
        leads: &[
            "<victim> {was hit by|suffered|confirmed} a {major|serious|large-scale} {cyber-attack|ransomware attack} <when>, {disrupting|shutting down|crippling} {services|computer systems|operations} {across|in} <country>.",
            "{Hackers|A criminal gang|Cyber criminals} {stole|accessed|obtained} the {personal data|records|details} of {about|more than|nearly} <#1-12> million {people|customers|patients} in {an|a} {attack|breach} on <victim>, {officials|the organisation} {said|confirmed} <when>.",
            "{Computer systems|IT systems} at <victim> {went down|were knocked offline|remained offline} <when> {following|after} {what officials called|what was described as} a {sophisticated|targeted|criminal} {cyber-attack|hacking attack}.",
        ],
        body: &[
            "{A|The} {ransomware|hacking} group {calling itself|known as} {BlackHarbour|NightLedger|Cobalt Moth|GreyFang} {claimed responsibility|said it was behind the attack} {on|in a post on} {its|a} {dark web site|leak site|website}.",
            "{The|The hackers'} {gang|group} {demanded|is demanding|asked for} {a ransom|payment} of {about|} <cur><#1-30> million {in cryptocurrency|in bitcoin}, {according to|said} {people familiar with the matter|local media|security researchers}.",
            "<p1>, {a spokesperson for|the chief executive of|the head of IT at} <victim>, {said|confirmed} {that|} {the organisation|it} {had|} {isolated|shut down|disconnected} {affected|its} systems {as a precaution|to contain the attack}.",
            "“{We will not pay criminals|Our priority is to restore services safely|We are working around the clock with experts to restore our systems},” <p1.last> {said|told reporters} {on <day>|in a statement}.",
            "The {national cyber security centre|cyber security agency} {said|confirmed} it was {working with|helping} <victim> {to|in order to} {investigate|assess the impact|restore systems}.",
            "{Customers|Patients|Passengers} {reported|complained of} {long delays|cancelled appointments|being unable to log in|long queues} {on|since} <day>.",
            "{Data|Information} {stolen|taken|accessed} in the {attack|breach} {may|could|is believed to} {include|have included} {names|addresses|bank details|medical records} and {dates of birth|phone numbers|passport numbers}.",
            "{People|Customers|Those affected} {were|have been} {urged|advised} to {change their passwords|watch out for suspicious emails|check their bank statements} and to {be alert to|beware of} {phishing|fraud|scam} {attempts|messages}.",
            "{Cyber security|Security} {experts|researchers} {said|warned} {that|} {public bodies|organisations like <victim>} {were|are} {attractive|easy} targets {because|as} {they|many} {run|rely on} {outdated|ageing|legacy} {software|systems}.",
            "<p2>, {a|an} {cyber security|information security} {researcher|expert|consultant} {at|with} <firm2>, {said|told <outlet>} the {attack|breach} {appeared|seemed} to have {begun|started} {with|through} a {phishing email|stolen password|compromised supplier}.",
            "{Police|Investigators} {have|had} {opened|launched} {a criminal investigation|an inquiry} and {are|were} {working with|assisted by} {international|foreign} {partners|agencies}.",
            "{It could|It may} {take|be} {days|weeks|several weeks} {before|until} all {services|systems} {are|were} {fully restored|back to normal}, {officials said|the organisation warned}.",
            "{The|This} {attack|incident} is the {latest|third|biggest} {in|of} a {series|string|wave} of {cyber-attacks|ransomware attacks} on {public institutions|companies} in <country> {this year|since <month>}.",
        ],
    },
    Topic {
        key: "smuggling",
        category: Category::Justice,
        about: "the drugs seizure at <city>",
        slots: &[("tonnes", &["#1.2-9.8"]), ("drug", &["cocaine", "heroin", "methamphetamine", "cannabis resin"])],
        headlines: &[
            "{Police|Customs|Authorities} seize <tonnes> tonnes of <drug> {at|in} <city> {port|harbour}",
            "{Record|Massive|Huge} <drug> {haul|seizure} in <country>",
            "<drug> worth <cur><#50-900>m {found|seized} {in|hidden in} {shipment|containers} {of|of} {bananas|coffee|scrap metal}",
            "<country> {police|customs} {bust|dismantle} {smuggling|trafficking} {ring|network}",
        ],
        leads: &[
            "{Customs officers|Police|Anti-narcotics officers} in <country> {seized|found|intercepted} <tonnes> tonnes of <drug> {hidden|concealed|stashed} in {a shipment of|containers of|crates of} {bananas|coffee beans|frozen fish|car parts} at the port of <city> <when>, {officials said|authorities said}.",
            "{Police|Authorities} in <country> {said|announced} <when> they had {seized|confiscated} <tonnes> tonnes of <drug> {worth|with a street value of} {about|an estimated|more than} <cur><#50-900> million, the {largest|biggest} {haul|seizure} {in the country's history|on record|in years}.",
            "{A|An} {international|joint} {operation|investigation} {involving|by} {police|agencies} in <country> and <country2> {led to|resulted in} the seizure of <tonnes> tonnes of <drug> <when>, {officials said|according to a police statement}.",
        ],
        body: &[
            "The shipment had been {sent|brought in} from <country2> and was {destined for|bound for|due to be sent on to} {markets|buyers|dealers} in {Europe|the region|neighbouring countries}.",
            "{Officers|Police} {arrested|detained} <#2-14> {people|suspects|men}, {including|among them} {port workers|a customs official|a lorry driver|the owner of an import company}, {in|during} {raids|a series of raids} {across|in} <city> and <town>.",
            "“{This is a major blow to organised crime|Criminal gangs will find no safe haven here|This seizure shows our vigilance is paying off},” <p1>, {head of|the chief of} {the anti-narcotics unit|customs|national police}, {told a news conference|said}.",
            "{Sniffer dogs|Scanners|X-ray scanners} {detected|spotted} {the|} {drugs|packages} {hidden|concealed} {inside|behind} {false walls|the refrigeration units|pallets|hollowed-out fruit} {in|of} the {containers|shipment}.",
            "{Investigators|Police} {believe|suspect|say} {the shipment was|the drugs were} {linked to|organised by|connected with} {a|an} {international|transnational|local} {crime|criminal|trafficking} {network|gang|cartel}.",
            "The {port|harbour} of <city> {handles|processes} {about|more than|some} <#1-9> million containers {a year|every year|annually}, {of which|but} {only|fewer than|about} <#2-8> per cent {are|can be} {physically|fully} {inspected|checked|searched}.",
            "{Seizures|Drug seizures} {at|in} {ports|the ports of} <country> {have|had} {risen sharply|increased dramatically|doubled} {in recent years|since <#y2019-2022>}, as {traffickers|gangs|cartels} {seek|look for} {new routes|new markets}.",
            "{The|Those} {suspects|detained} {are|were} {due|expected} to {appear|be brought} before {a judge|a magistrate|court} {on <day2>|later this week}, {charged with|on charges of} {drug trafficking|smuggling|importing illegal drugs}.",
            "{Experts|Analysts} {said|warned} {that|} {large|record} seizures often {had|made} {little|only a temporary} {impact|effect} on {street prices|supply|the drug trade}.",
            "<p2>, {a|an} {organised crime|drug policy} {researcher|expert} at {the University of <city2>|an institute in <city>}, {said|noted} {that|} {corruption|insiders} {at|in} {ports|customs} {was|remained} {a|the} {key|major} {weakness|problem}.",
            "{Officers|Investigators} {said|believe} the {gang|network} {had|may have} {used|relied on} {corrupt|bribed} {port staff|insiders} to {move|clear} {containers|shipments} {through customs|without inspection} {for months|for at least a year}.",
            "{The drugs will be|The haul was to be|The haul will be} {destroyed|burned|incinerated} {under judicial supervision|in the presence of officials|on a court order}, {police said|the authorities said}.",
        ],
    },
];
