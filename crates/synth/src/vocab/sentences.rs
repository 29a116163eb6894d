//! Slot pools and sentences shared by all the topics of a category, or by all news.

use super::SlotPool;

pub(crate) const POLITICS_SLOTS: &[SlotPool] = &[
    ("party", &["the {National|People's|Progressive|Democratic|Civic} {Alliance|Party|Front|Movement|Congress}"]),
    ("party2", &["the {Liberal|Reform|Unity|Social|Renewal} {Union|Party|Coalition|Bloc|League}"]),
    ("title1", &["President", "Prime Minister", "Chancellor"]),
    ("title2", &["President", "Prime Minister", "Premier"]),
    (
        "issue",
        &[
            "trade",
            "energy security",
            "migration",
            "border security",
            "climate finance",
            "water rights",
            "fishing rights",
            "regional security",
        ],
    ),
    ("issue2", &["visa rules", "tourism", "student exchanges", "rail links", "public health", "digital trade"]),
];

pub(crate) const ECONOMY_SLOTS: &[SlotPool] = &[(
    "union",
    &["the {National|General|United|Federated} {Workers'|Allied Workers'|Public and Private Workers'} Union"],
)];

pub(crate) const SPORT_SLOTS: &[SlotPool] = &[
    ("team", &["<city> {United|Rovers|Athletic|Wanderers|FC}", "{Real|Sporting|Dynamo|Racing|Olympique} <city>"]),
    ("team2", &["<town> {City|Albion|Town|Rangers|SC}", "{Inter|Atlético|Deportivo|Union|Lokomotiv} <town>"]),
    ("league", &["the {Premier|Super|Champions|National} League", "the top flight", "the first division"]),
];

/// Sentences any story may use.
pub(crate) const GENERIC: &[&str] = &[
    "Officials said {the talks|the discussions|the work} would {continue|resume} on <day2>.",
    "{Further|More} details {are expected|were expected to be released|will be announced} {later in the week|in the coming days|on <day2>}.",
    "A {government|ministry} spokesperson {declined to comment|did not respond to requests for comment|could not immediately be reached for comment} {on <day>|on the matter|when contacted by <outlet>}.",
    "{It was not immediately clear|It remained unclear|It is not yet known} {how many people|how many households|how many businesses} {would be affected|were affected|could be affected}.",
    "The {news|announcement|development} {drew|prompted|sparked} {a flurry of|a wave of|mixed} {reactions|responses} on social media, with {many users|some commentators} {questioning|welcoming|criticising} {the timing|the decision|the response}.",
    "{Analysts|Observers|Experts} {said|cautioned|noted} {it was|it is} {too early|still too early} to {say|judge|tell} {what the long-term effects would be|how the situation would develop|whether the measures would work}.",
    "{The situation|The picture} {remains|remained} {fluid|uncertain|unclear}, with {officials|the authorities} {promising|pledging} {regular updates|further updates|another briefing} {throughout the week|on <day2>}.",
    "{This is|It is} {not the first time|the second time this year} {that|} <country> has {faced|confronted|had to deal with} {such|similar} {problems|questions|criticism}.",
    "{Residents|People} {interviewed|contacted} by <outlet> {expressed|voiced} {frustration|concern|cautious optimism} {about|over} {what happens next|the weeks ahead|the lack of information}.",
    "The {figures|numbers|claims} {could not be|have not been} {independently verified|independently confirmed} {by <outlet>|}.",
    "{Opposition|Rival} {politicians|parties|leaders} {called for|demanded} {an inquiry|a full investigation|greater transparency} {into|over} {the handling of the matter|how decisions were made|the events of <day>}.",
    "{Earlier|Previously}, {officials|ministers} had {promised|pledged} to publish {a full report|their findings} {by the end of <month>|within weeks|before the end of the year}.",
    "{Speaking|Writing} on social media, <p8>{, a|, a local|, a former} {councillor|community leader|teacher|shop owner} {in|from} <city>, said {people|the public|residents} {deserved|needed|wanted} {clear answers|honest information|more support}.",
    "The {issue|matter} is {expected|likely|set} to {dominate|feature heavily in|shape} {debate|discussion|the headlines} {in the coming weeks|for some time|ahead of next year's elections}.",
    "<outlet> {has contacted|contacted|reached out to} {the relevant authorities|the ministry concerned|those involved} for {further comment|a response|clarification}.",
    "{An official|A senior official|A source} {familiar with the matter|with knowledge of the discussions|who asked not to be named} {said|told <outlet>} {a decision|an announcement} {could come|was likely|was expected} {as early as <day2>|within days|next week}.",
    "{Meanwhile|Separately|Elsewhere}, {officials|authorities} in <town> {said|announced|confirmed} they {were|would be} {reviewing|re-examining|studying} {their own|similar|existing} {plans|arrangements|procedures}.",
    "{Critics|Sceptics} {say|argue|have long argued} {the measures|the plans|the proposals} {do not go far enough|go too far|came too late}, {while|but} {supporters|backers} {say|insist} they are {a necessary first step|long overdue|the best available option}.",
    "{In a statement|In a brief statement|In a post on its website}, {the organisation|the office|the agency} {said|added} it would {cooperate fully|work closely} with {investigators|the authorities|all parties}.",
    "“{We are doing everything we can|Our priority is the safety of everyone involved|We will not rest until we have answers},” <p9>, {a spokesperson|a spokesperson for the authorities|a senior official}, {said|told reporters|told a news conference}.",
    "{Questions|Doubts} {remain|persist} {over|about} {who will pay|how the plan will be funded|who was responsible|who should have acted sooner}.",
    "{Many|Some|Several} {observers|commentators|analysts} {noted|pointed out} {the contrast|similarities} with {events|a similar episode} in <country2> {last year|in <#y2015-2022>|a few years ago}.",
    "The {decision|announcement} {was welcomed by|drew praise from|was criticised by} {business groups|trade unions|community organisations|rights groups} {on <day2>|within hours|almost immediately}.",
    "{Officials|Authorities} {urged|asked|encouraged} {the public|residents|people} {to stay calm|not to spread rumours|to rely on official sources}, {promising|saying} {more information|an update} would follow.",
    "{Public|Popular} {anger|frustration|unease} {has grown|has been growing} {in recent months|since <month>|over the past year}, {according to opinion polls|recent surveys suggest|local community groups say}.",
    "The {government|administration} {has said|insists|maintains} {it is|it has been} {acting|working} {in the public interest|within the law|as quickly as possible}.",
    "{Asked|When asked} about {the timing|the delay|the cost}, {a spokesperson|an official} {said|replied} {that|} {it was|this was} {a matter for|a question for|up to} {others|the courts|ministers} to {decide|answer}.",
    "{Both|All} {sides|parties} {are due to|will|are expected to} {meet again|hold further talks|report back} {before the end of <month>|next week|in the new year}.",
    "{Ordinary|Many} {people|families} {say they feel|said they felt} {left out of|ignored in|shut out of} {the process|the debate|decisions that affect them}.",
    "The {full|complete} {list|breakdown} of {the measures|the figures|those affected} {is expected|will be published|was due} {on <day2>|later this month|in a separate report}.",
];

/// Sentences any sport, technology or culture story may use.
pub(crate) const SOFT_GENERIC: &[&str] = &[
    "{More|Further} details {are expected|will be announced} {in the coming days|later this week|on <day2>}.",
    "<outlet> {has contacted|contacted} {the club|the company|the organisers} for {further comment|a response}.",
    "The {news|announcement} {drew|prompted|sparked} {a flurry of|a wave of|mixed} {reactions|responses} on social media.",
    "{Observers|Commentators} said it was {too early|still too early} to {say|judge} {what it would mean|how things would develop} {in the long run|over the coming months}.",
    "{It was not immediately clear|It remained unclear} {how|whether} {the decision|the news} would {affect|change} {plans for next year|the rest of the season|ticket prices}.",
    "{Reaction|The reaction} on social media {was|has been} {mixed|largely positive|divided}, with {some|many} {fans|users} {welcoming|questioning} {the news|the decision|the timing}.",
    "A {spokesperson|representative} {declined to comment|would not comment} {further|on the details} {on <day>|when contacted}.",
    "{Industry|Local} {observers|commentators} {noted|pointed out} {similarities|the contrast} with {events|a similar episode} in <country2> {last year|a few years ago}.",
    "The {story|news} {comes|came} {at a busy time|at the end of a busy week|as attention turns to next season}.",
    "{Financial details|The terms} {were not disclosed|have not been made public}.",
    "{A full|The full} {schedule|programme|list of details} {will be|is due to be} {published|announced} {on <day2>|next week|later this month}.",
    "<p8>, {who has followed|a fan who has been following} {the story|events} {for years|closely}, told <outlet> {it was|this was} {a big moment|a surprise|exactly what was needed}.",
    "{Tickets|Passes|Pre-orders} {are|were} {expected|likely} to {sell out|be in high demand} {quickly|within days|within hours}.",
    "The {decision|announcement} {had been|was} {widely expected|rumoured for weeks|kept under wraps until the last minute}.",
    "{Organisers|Officials|Executives} said they {were|are} {pleased|delighted|satisfied} with {the response|how things had gone|the interest shown}.",
    "{Meanwhile|Elsewhere}, {attention|focus} {turns|has turned} to the {next|coming} {weekend|round|stage} {of the calendar|of the season|of the programme}.",
];

pub(crate) const POLITICS: &[&str] = &[
    "<party> {has governed|has been in power|has led the government} {since <#y2012-2021>|for most of the past decade|for <#4-14> years}.",
    "{Turnout|Voter turnout} at the {last|previous} {election|national vote} was {about|just under|just over} <#41-78> per cent.",
    "{Members|Lawmakers} {from|of} <party2> {walked out of the chamber in protest|boycotted the session on <day>|staged a protest in parliament}.",
    "The {speaker|chair} of {parliament|the assembly} {called for calm|urged members to respect procedure|urged both sides to show restraint}.",
    "{Political|Constitutional} {analysts|experts} said the {episode|dispute|row} {could|would likely|might} {weaken|strengthen|test} the {governing coalition|government's majority|ruling party}.",
    "{Supporters|Party activists} {of|from} <party> {gathered|celebrated|rallied} {outside|near} {party headquarters|the parliament building} {late into the night|on <day> evening}.",
    "{The|A} {latest|recent|new} {opinion poll|survey} {put|puts|showed} <party2> {<#1-9> points ahead|<#1-9> points behind|level with the governing party}.",
    "{Diplomats|Foreign envoys} {in|based in} <city> {said|told <outlet>} {they were|they are} {watching|following} {developments|events} {closely|with concern}.",
    "The {foreign ministry|ministry of foreign affairs} {summoned|called in} <country2>'s {ambassador|envoy} {to explain|over} {the remarks|the decision|the incident}.",
    "<p6>, {a political scientist|a politics lecturer|a veteran commentator} at {the University of <city>|<city> University}, said the {government|ruling party} {had|has} {misjudged|underestimated|misread} {the public mood|voters|the strength of feeling}.",
    "{Parliament|The assembly|The cabinet} {is due to|will|is expected to} {debate|discuss|consider} the {matter|proposal|issue} {again|further} {on <day2>|next week|after the recess}.",
    "{Under|According to} the constitution, {the president|the head of state} {must|has to} {sign|approve} {any such|the} {measure|law|decision} {within|in} <#7-30> days.",
];

pub(crate) const ECONOMY: &[&str] = &[
    "{Shares|Stocks} {in|of} <firm> {rose|fell|closed} {<#1-9>.<#1-9> per cent|sharply|slightly} {in|during} {early trading|afternoon trading|trading} {on <day>|in <city>}.",
    "The {finance ministry|treasury} {forecasts|expects|projects} {growth|economic growth} of {about|around|just under} <#1-4>.<#0-9> per cent {this year|in <#y2024-2025>}.",
    "{Economists|Analysts} {at|from} <firm2> {said|wrote in a note to clients} {that|} {the outlook remained|the picture was|conditions were} {challenging|mixed|uncertain} {for|in} <sector>.",
    "<sector> {accounts for|makes up|employs} {about|nearly|roughly} <#5-30> per cent of {the workforce|economic output|exports} in <country>.",
    "{Consumer|Business} {confidence|sentiment} {fell|rose|edged up|slipped} {in|during} <month>, {according to|a} {a monthly survey|data released on <day>|the latest figures}.",
    "The {currency|national currency} {weakened|strengthened|held steady} against the {dollar|euro} {after|following} the {announcement|news|figures}.",
    "“{Markets|Investors} {had|have} {largely|already} {priced this in|expected the move|anticipated the news},” said <p6>, {chief economist|a senior economist|head of research} at <firm2>.",
    "{Business groups|Employers' organisations} {warned|said} {that|} {higher costs|rising costs|the uncertainty} {could|would|might} {force|push} {smaller firms|some companies} to {cut jobs|delay investment|raise prices}.",
    "{Unemployment|The jobless rate} {stands at|is currently|was last measured at} <#3-14>.<#0-9> per cent, {according to the statistics office|official figures show|government figures show}.",
    "{Exports|Manufacturing output|Industrial production} {fell|rose|contracted|expanded} for {a|the} {second|third|fourth} {consecutive month|straight month|month in a row} in <month>.",
    "The {ratings agency|credit rating agency} {is due to|will|is expected to} {review|update} <country>'s {credit rating|sovereign rating|debt rating} {next month|later this year|in <month>}.",
    "{Trade unions|Labour groups} {said|argued} {workers|ordinary households} {were|had been} {bearing the brunt|paying the price} of {rising prices|the downturn|years of austerity}.",
];

pub(crate) const DISASTER: &[&str] = &[
    "{Rescue teams|Emergency crews|Rescuers} {worked|searched|dug} {through the night|around the clock|for hours} {in|amid} {difficult|treacherous|dangerous} conditions.",
    "{Forecasters|Meteorologists} {predicted|warned of} {more rain|strong winds|further bad weather} {over the weekend|later in the week|on <day2>}, which {could|may} {hamper|complicate|slow} {relief efforts|the rescue operation|recovery work}.",
    "{Aid agencies|Humanitarian groups|Charities} {said|warned} {that|} {clean water|food|shelter|medical supplies} {was|were} {running low|in short supply|urgently needed} in {the worst-hit areas|several districts|remote villages}.",
    "{Hospitals|Local hospitals|Medical centres} in <city> {were|are} {overwhelmed|struggling to cope|treating dozens of people}, {officials said|according to health workers|local media reported}.",
    "{Schools|Roads|Airports} in {the region|the affected area|parts of <country>} {were closed|remained closed|will stay closed} {until further notice|on <day2>|for a second day}.",
    "The {government|cabinet} {declared|announced} a state of {emergency|disaster} {in|across} {the affected areas|<#2-9> districts|the region} and released {emergency funds|<cur><#2-90> million in aid}.",
    "{Television|Video} {footage|images} {showed|broadcast on <day> showed} {collapsed buildings|submerged streets|blackened hillsides|overturned vehicles} and {people|residents} {searching|picking} through {the debris|the rubble|what remained of their homes}.",
    "{Neighbouring|Several} {countries|governments} {offered|sent|pledged} {help|assistance|rescue teams}, {including|among them} <country2>.",
    "“{I have never seen anything like it|Everything we owned is gone|We heard a terrible noise and then everything went dark},” <p6>, a {<#24-81>-year-old|local} {resident|shopkeeper|farmer|parent of three}, told <outlet>.",
    "{Power|Electricity} and {phone|mobile} {services|networks} {were cut|were down|remained disrupted} {in|across} {large parts of|several districts of|much of} the {region|province|area}.",
    "{Experts|Scientists|Engineers} {have long warned|had repeatedly warned} that {the region|the area|<country>} {is|was} {poorly prepared|vulnerable} {for|to} {such|this kind of} {disasters|events}.",
    "{Officials|Authorities} {said|warned} {that|} the {death toll|number of casualties} {was likely to|could|may} {rise|climb} {as|once} {rescuers|crews} {reach|reached} {remote areas|cut-off villages|the worst-hit districts}.",
];

pub(crate) const JUSTICE: &[&str] = &[
    "{Lawyers|The legal team} for {the defendants|the accused|the company} {said|told reporters} they {would|planned to|intended to} {appeal|challenge the decision|take the case to a higher court}.",
    "The {prosecutor's office|public prosecutor} {said|announced} {in a statement|on <day>} that {the investigation was|inquiries were} {continuing|ongoing|at an early stage}.",
    "{Legal experts|Lawyers not involved in the case} said the {ruling|case|decision} {could|might} {set|create} {an important|a significant} precedent.",
    "{Rights groups|Civil liberties organisations} {welcomed|criticised|questioned} the {decision|ruling|move}, {saying|arguing} {it|that it} {would|could} {affect|have consequences for} {thousands of people|ordinary citizens|future cases}.",
    "{The case|The hearing|The trial} {has been|was} {closely watched|followed closely} {in|across} <country> and {abroad|beyond}.",
    "{Police|Investigators} declined to say whether {further arrests|more charges} {were|are} {expected|likely}.",
    "The {judge|panel of judges} {ordered|told} {both sides|the parties} to {return|appear} {on <day2>|next month|in <month>} {for sentencing|for a further hearing|for the next stage}.",
    "“{Justice has been done|This is a dark day for the rule of law|We respect the court but disagree with its reasoning},” <p6>, a {lawyer|spokesperson} for {the family|the plaintiffs|the defence}, said {outside court|on the courthouse steps|after the hearing}.",
    "{The|An} {independent|parliamentary} {watchdog|commission} {is|has been} {also|separately} {investigating|looking into} the {matter|affair}.",
    "{If convicted|If found guilty}, {they|the accused} {could|would} {face|be sentenced to} up to <#5-25> years in prison.",
];

pub(crate) const SPORT: &[&str] = &[
    "<team> {sit|are|lie} {second|third|fifth|eighth|11th|14th} in <league> {after|with} <#8-30> {games|matches} {played|so far this season}.",
    "{The|Their} {next match|next fixture|next game} is {away at|at home to|against} <team2> on <day2>.",
    "{Fans|Supporters} {took to social media|flooded social media|reacted online} {to|in order to} {express|voice} {delight|anger|disbelief} at the {news|result|decision}.",
    "{The|A} {club|team} {statement|spokesperson} {thanked|praised} {the fans|supporters} for their {patience|loyalty|backing} {during|throughout} {a difficult|a testing|an eventful} {season|period|week}.",
    "{Former|Ex-} {players|internationals|coaches} {turned|working as} {pundits|commentators} {were|have been} {divided|split|scathing} {over|about} the {decision|performance|move}.",
    "<team> {have won|have lost|have drawn} <#2-6> of their last <#6-10> {matches|games} in all competitions.",
    "The {stadium|ground|arena}, which {holds|has a capacity of} {about|some|nearly} <#12-80>,000, was {sold out|packed|half empty} for the {occasion|match|game}.",
    "The {broadcaster|television network} {said|reported} {that|} {a record|an estimated} <#2-30> million {viewers|people} {watched|tuned in to} the {match|event|final}.",
    "{The|Their} {manager|head coach|coach} {said|admitted|insisted} the {squad|players|team} {needed|had} to {improve|learn quickly|show more consistency}.",
    "“{It's a special day|We showed real character|It's been a long road to get here},” said <p6>, the {club captain|team captain|longest-serving player}, {afterwards|after the match|on <day>}.",
    "{Injuries|Suspensions} {have|had} {hampered|disrupted|undermined} <team>'s {season|campaign|preparations} {since|from} {the start|<month>|the winter break}.",
    "{Tickets|Season tickets|Shirts} {went on sale|sold out|will go on sale} {within hours|on <day2>|next week}, {the club said|according to the organisers}.",
];

pub(crate) const TECH: &[&str] = &[
    "{The company|The firm} {did not disclose|declined to reveal|would not say} {how much|how many|what} {it had spent|units it expected to sell|it had invested} {on|in} {development|the project|research}.",
    "{Industry|Technology} analysts at <firm2> {said|estimated} {that|} the {market|sector} could {reach|be worth} <cur><#10-300> billion {by <#y2027-2032>|within five years|by the end of the decade}.",
    "{Privacy campaigners|Digital rights groups|Consumer advocates} {raised|voiced|expressed} {concerns|doubts|questions} about {how|what} {data|personal information} {would be|is} {collected|stored|shared}.",
    "{Shares|The company's shares} {rose|fell|edged} <#1-9>.<#0-9> per cent {in|during} {after-hours trading|trading on <day>|early trading}.",
    "{Regulators|Competition authorities} in {Europe|several countries|<country2>} {have|had} {already|previously} {opened|launched} {investigations|inquiries} into {the company|the sector|similar products}.",
    "{Engineers|Developers|Researchers} {spent|worked for} {more than|nearly|about} <#2-7> years {on|developing} the {technology|system|project}, {the company said|according to the firm}.",
    "“{This is just the beginning|We think this changes everything|The technology is finally ready}”, <p1.last> told {the audience|the crowd|reporters} {to|amid} {applause|cheers|polite applause}.",
    "{Early|Initial} {reviews|reactions|tests} {have been|were} {mixed|largely positive|lukewarm}, with {some|several} {critics|testers|reviewers} {pointing to|highlighting} {the price|battery life|software glitches}.",
    "The {company|firm} {employs|has} {about|more than|nearly} <#2-90>,000 people {worldwide|around the world|in <#8-40> countries}.",
    "{Cybersecurity|Security} {experts|researchers} {warned|cautioned} that {new|such} {systems|devices|services} {could|may} {become|be} {targets|a target} for {hackers|criminals|fraudsters}.",
];

pub(crate) const HEALTH: &[&str] = &[
    "The {World Health Organization|regional health body|national public health agency} {said|stressed} {it was|that it was} {monitoring|following} the {situation|outbreak|findings} {closely|with concern}.",
    "{Doctors|Health workers|Nurses} {said|warned} {that|} {hospitals|clinics|emergency departments} {were|are} {already|increasingly} {under strain|stretched|short of staff}.",
    "{People|Patients} {with symptoms|who feel unwell|at higher risk} {were|are} {advised|urged|told} to {seek medical advice|contact a doctor|stay at home}.",
    "{Health|Public health} {officials|authorities} {stressed|said|insisted} {that|} {the risk|the overall risk} to {the general public|most people|the wider population} {remained|was} {low|small|limited}.",
    "The {health ministry|ministry of health} {has|had} {set aside|allocated|requested} <cur><#2-80> million {for|to fund} {testing|treatment|prevention and awareness campaigns}.",
    "“{Prevention is always better than cure|Early detection saves lives|We must not be complacent},” said <p6>, {an epidemiologist|a public health specialist|an infectious disease specialist} at {the University of <city>|<city> General Hospital}.",
    "{Experts|Researchers} {said|cautioned} {that|} {more studies were|further research was|larger trials would be} {needed|required} to {confirm the findings|draw firm conclusions about the link}.",
    "{Vaccination|Screening} {rates|coverage} in <country> {have fallen to|have risen to|stand at} {about|around} <#40-95> per cent, {according to official data|official figures show}.",
    "The {pharmaceutical|drug} {company|maker} <firm2> {said|confirmed} it {was|had been} {working|in talks} with {health authorities|regulators} {on|about} {supplies|a response|next steps}.",
    "{Free|Mobile} {clinics|testing centres|health camps} {have been|were|will be} {set up|opened} in {several|<#3-20>} {districts|towns|neighbourhoods}.",
];

pub(crate) const CULTURE: &[&str] = &[
    "{Tickets|Entry|Admission} {costs|will cost|is priced at} <cur><#5-60>, {with concessions for|and discounts are available to} {students|children|pensioners}.",
    "{Organisers|The organisers} {expect|are expecting|hope to attract} {more than|about|nearly} <#10-200>,000 {visitors|people} {over|during} the {coming weeks|next few months|summer}.",
    "{Critics|Reviewers} {have|had} {praised|hailed|welcomed} the {work|event|discovery} as {a landmark|a triumph|a turning point} {for|in} {the field|the region|<country>}.",
    "The {culture|heritage} {minister|ministry} described the {event|project|find} as {a source of|a matter of} {national pride|great pride|enormous pride}.",
    "The {exhibition|collection|programme} {will|is due to} {travel|tour|move} to <city2> {later this year|next spring|in <month>}.",
    "{Local|Small} {businesses|hotels|restaurants} {said|reported} {that|} {the event|the attention|the publicity} {had brought|was bringing} {a welcome|a much-needed} {boost|rise in trade|increase in visitors}.",
    "{Funding|Money} for the {project|work|festival} {came|comes} {partly|largely|mostly} from {private donors|the national lottery|a regional development fund}.",
    "“{It's a dream come true|We never imagined this would happen|This belongs to everyone}”, <p6>, {one of the volunteers|one of the organisers|a volunteer} {involved|behind it}, told <outlet>.",
    "{Environmental|Conservation|Heritage} {groups|campaigners|organisations} {said|warned} {that|} {more|greater} {protection|funding|care} {was|is} {needed|required} {to|in order to} {preserve|safeguard|protect} {the site|the area|it for future generations}.",
    "{A|The} {documentary|book|film} about the {project|story|event} is {planned for release|due out} {next year|in <#y2025-2026>|later this year}.",
];
