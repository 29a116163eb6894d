//! Stories and their copies: copy transformations, datelines, boilerplate and the finished text.

use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;

use super::template::{Slots, pick, pick_topic, typography};
use super::vocab::{
    COMMENTARY, Dateline, FOLLOW_UP_INTROS, HEADLINE_PREFIXES, OUTLETS, OWN_FOLLOW_UP_INTROS, Outlet, TRUNCATION_MARKS,
    Topic, category_sentences, generic_sentences,
};
use super::{DocKind, MAX_COPIES, SynthDoc, Tier};

/// The share of words a copy mistypes.
const TYPO_RATE: f64 = 0.003;

// ---------------------------------------------------------------------------------------------
// Copy counts

/// The ratio `q` of a geometric distribution capped at [`MAX_COPIES`] whose mean is `mean`:
/// `P(k) ∝ q^k`, found by bisection (the capped mean grows with `q`).
pub(super) fn geometric_ratio(mean: f64) -> f64 {
    let capped_mean = |q: f64| -> f64 {
        let (mut num, mut den, mut w) = (0.0, 0.0, 1.0);
        for k in 0..=MAX_COPIES {
            num += k as f64 * w;
            den += w;
            w *= q;
        }
        num / den
    };
    if mean <= 0.0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    if mean >= capped_mean(hi) {
        // Above the mean of a uniform count: grow q past 1.
        hi = 2.0;
        while capped_mean(hi) < mean && hi < 1e6 {
            hi *= 2.0;
        }
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if capped_mean(mid) < mean {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Draws a copy count with `P(k) ∝ ratio^k` for `k` in `0..=MAX_COPIES`.
fn sample_copies(ratio: f64, rng: &mut ChaCha8Rng) -> usize {
    let mut weights = [0.0f64; MAX_COPIES + 1];
    let mut w = 1.0;
    for x in weights.iter_mut() {
        *x = w;
        w *= ratio;
    }
    let total: f64 = weights.iter().sum();
    let mut u = rng.random::<f64>() * total;
    for (k, x) in weights.iter().enumerate() {
        if u < *x {
            return k;
        }
        u -= x;
    }
    MAX_COPIES
}

// ---------------------------------------------------------------------------------------------
// Dates

/// `(year, month, day)` of `days` days after 2024-01-01 (negative: before).
fn civil_date(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's civil_from_days, from 1970-01-01 (2024-01-01 is day 19723).
    let z = days + 19_723 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn iso_date(days: i64) -> String {
    let (y, m, d) = civil_date(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// "Sept 12" (AP month abbreviations).
fn short_date(days: i64) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"];
    let (_, m, d) = civil_date(days);
    format!("{} {d}", MONTHS[(m as usize + 11) % 12])
}

// ---------------------------------------------------------------------------------------------
// Stories

/// A sentence and the template it came from (empty for quoted or fixed text), so an editor can
/// reword it.
#[derive(Clone, Debug)]
pub(super) struct Sent {
    text: String,
    tpl: &'static str,
}

pub(super) fn join_sents(p: &[Sent]) -> String {
    let mut s = String::new();
    for (i, x) in p.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&x.text);
    }
    s
}

fn count_words(p: &[Sent]) -> usize {
    p.iter().map(|s| s.text.split_whitespace().count()).sum()
}

/// An original story: a topic, its entities, a headline and paragraphs of sentences.
#[derive(Clone, Debug)]
pub(super) struct Story {
    pub(super) slots: Slots,
    pub(super) headline: String,
    pub(super) paras: Vec<Vec<Sent>>,
}

impl Story {
    pub(super) fn new(topic: &'static Topic, outlet: &Outlet, rng: &mut ChaCha8Rng) -> Story {
        let mut slots = Slots::new(topic);
        slots.set("outlet", outlet.name.to_string(), false);
        Story::with_slots(slots, rng)
    }

    /// A story on `slots.topic` with the entities already in `slots`.
    fn with_slots(mut slots: Slots, rng: &mut ChaCha8Rng) -> Story {
        let topic = slots.topic;
        let headline = slots.sentence(pick(rng, topic.headlines), rng);
        // Sentences average about 15 words, so twelve paragraphs of at most three hold about 520.
        let target = rng.random_range(250..=560usize);
        let n_paras = (target / rng.random_range(34..=50usize)).clamp(6, 12);
        let mut pools: [(Vec<&'static str>, f64); 3] = [
            (topic.body.to_vec(), 0.7),
            (category_sentences(topic.category).to_vec(), 0.86),
            (generic_sentences(topic.category).to_vec(), 1.0),
        ];
        for (pool, _) in pools.iter_mut() {
            pool.shuffle(rng);
        }
        let lead = pick(rng, topic.leads);
        let mut paras = vec![vec![Sent { text: slots.sentence(lead, rng), tpl: lead }]];
        let mut total = count_words(&paras[0]);
        while paras.len() < 12 {
            let mut para = Vec::new();
            let mut words = 0;
            // Words still wanted per paragraph still to come.
            let left = if paras.len() < n_paras { n_paras - paras.len() } else { 12 - paras.len() };
            let per_para = target.saturating_sub(total) / left.max(1);
            let want = rng.random_range(1..=3usize);
            while para.len() < want || (words < per_para && para.len() < 3) {
                let u = rng.random::<f64>();
                let from = pools.iter().position(|(pool, p)| !pool.is_empty() && u < *p);
                let from = from.or_else(|| pools.iter().position(|(pool, _)| !pool.is_empty()));
                let Some(tpl) = from.and_then(|k| pools[k].0.pop()) else { break };
                let text = slots.sentence(tpl, rng);
                words += text.split_whitespace().count();
                para.push(Sent { text, tpl });
            }
            if para.is_empty() {
                break;
            }
            total += words;
            paras.push(para);
            if total >= target && paras.len() >= 6 {
                break;
            }
        }
        Story { slots, headline, paras }
    }
}

/// A document before boilerplate: what a copy takes from its source and changes.
#[derive(Clone, Debug)]
struct Draft {
    outlet: usize,
    headline: String,
    preface: Vec<String>,
    dateline: String,
    paras: Vec<Vec<Sent>>,
    tail: Vec<String>,
}

pub(super) struct StoryGen<'a> {
    pub(super) rng: &'a mut ChaCha8Rng,
    pub(super) index: usize,
    pub(super) copy_tiers: &'a [Tier],
    pub(super) heavy: bool,
    pub(super) follow_up: bool,
    pub(super) ratio: f64,
}

impl StoryGen<'_> {
    /// The original, its copies and its distractor, if any.
    pub(super) fn run(self, distractor_rate: f64, next_cluster: &mut u32) -> Vec<SynthDoc> {
        let StoryGen { rng, index, copy_tiers, heavy, follow_up, ratio } = self;
        let topic = pick_topic(rng);
        let src = rng.random_range(0..OUTLETS.len());
        let day = rng.random_range(0..366i64);
        let story = Story::new(topic, &OUTLETS[src], rng);
        let cluster = index as u32;
        let mut docs = Vec::new();

        let first_line = if rng.random_bool(0.5) {
            dateline(&OUTLETS[src], &OUTLETS[src], &story.slots, day)
        } else {
            String::new()
        };
        let original = Draft {
            outlet: src,
            headline: story.headline.clone(),
            preface: Vec::new(),
            dateline: first_line,
            paras: story.paras.clone(),
            tail: Vec::new(),
        };
        docs.push(SynthDoc {
            id: format!("s{index:04}-orig"),
            text: render(&original, heavy, rng),
            cluster,
            kind: DocKind::Original,
            tier: None,
            date: iso_date(day),
        });

        let k = sample_copies(ratio, rng);
        let mut others: Vec<usize> = (0..OUTLETS.len()).filter(|&o| o != src).collect();
        others.shuffle(rng);
        let mut drafts: Vec<Draft> = Vec::new();
        for (c, &outlet) in others.iter().cycle().take(k).enumerate() {
            let tier = copy_tiers.choose(rng).copied().unwrap_or(Tier::Light);
            let copy_day = day + rng.random_range(0..=3i64);
            let mut slots = story.slots.clone();
            let draft = if tier == Tier::CopyOfCopy {
                let parent = match drafts.choose(rng) {
                    Some(p) => p.clone(),
                    None => {
                        // The copy in between was never crawled.
                        let via = others.get(k % others.len().max(1)).copied().unwrap_or(src);
                        let via = if via == outlet { src } else { via };
                        copy_draft(&original, src, via, Tier::Light, &mut slots, copy_day, rng)
                    }
                };
                copy_of_copy(&parent, outlet, &mut slots, copy_day, rng)
            } else {
                copy_draft(&original, src, outlet, tier, &mut slots, copy_day, rng)
            };
            docs.push(SynthDoc {
                id: format!("s{index:04}-c{}", c + 1),
                text: render(&draft, heavy, rng),
                cluster,
                kind: DocKind::Copy,
                tier: Some(tier),
                date: iso_date(copy_day),
            });
            drafts.push(draft);
        }

        if rng.random_bool(distractor_rate) {
            let is_follow_up = follow_up && rng.random_bool(0.5);
            let (draft, d_day) = if is_follow_up {
                follow_up_draft(&story, &original, rng, day)
            } else {
                let outlet = rng.random_range(0..OUTLETS.len());
                let other = Story::new(topic, &OUTLETS[outlet], rng);
                let d_day = (day + rng.random_range(-14..=14i64)).clamp(0, 365);
                let dl = if rng.random_bool(0.5) {
                    dateline(&OUTLETS[outlet], &OUTLETS[outlet], &other.slots, d_day)
                } else {
                    String::new()
                };
                let draft = Draft {
                    outlet,
                    headline: other.headline,
                    preface: Vec::new(),
                    dateline: dl,
                    paras: other.paras,
                    tail: Vec::new(),
                };
                (draft, d_day)
            };
            docs.push(SynthDoc {
                id: format!("d{index:04}"),
                text: render(&draft, heavy, rng),
                cluster: *next_cluster,
                kind: DocKind::Distractor,
                tier: is_follow_up.then_some(Tier::FollowUp),
                date: iso_date(d_day),
            });
            *next_cluster = next_cluster.saturating_add(1);
        }
        docs
    }
}

/// The dateline `outlet` puts before a story first published by `src`.
fn dateline(outlet: &Outlet, src: &Outlet, slots: &Slots, day: i64) -> String {
    match outlet.dateline {
        Dateline::Wire => format!("{} ({}) - ", slots.city_upper(), outlet.code),
        Dateline::WireDash => format!("{} ({}) — ", slots.city_upper(), outlet.code),
        Dateline::City => format!("{}: ", outlet.city),
        Dateline::CityDate => format!("{}, {}: ", outlet.city, short_date(day)),
        Dateline::CityDateCode => format!("{}, {} ({}): ", outlet.city, short_date(day), src.code),
        Dateline::CityDash => format!("{} — ", outlet.city),
        Dateline::CityUpper => format!("{} - ", outlet.city.to_uppercase()),
    }
}

/// Fills an outlet's placeholders: `%NAME%`, `%CITY%`, `%DOMAIN%` for `outlet`, and `%SRC%`,
/// `%SRCCODE%`, `%SRCDOMAIN%` for the outlet a story comes from.
fn fill(s: &str, outlet: &Outlet, src: &Outlet) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    s.replace("%NAME%", outlet.name)
        .replace("%CITY%", outlet.city)
        .replace("%DOMAIN%", outlet.domain)
        .replace("%SRCCODE%", src.code)
        .replace("%SRCDOMAIN%", src.domain)
        .replace("%SRC%", src.name)
}

/// A copy of `original` (first published by `src`) by `outlet`.
fn copy_draft(
    original: &Draft,
    src: usize,
    outlet: usize,
    tier: Tier,
    slots: &mut Slots,
    day: i64,
    rng: &mut ChaCha8Rng,
) -> Draft {
    let (o, s) = (&OUTLETS[outlet], &OUTLETS[src]);
    let mut paras = original.paras.clone();
    if matches!(tier, Tier::Edited | Tier::Truncated) {
        edit(&mut paras, slots, rng);
    }
    let mut tail = Vec::new();
    match tier {
        Tier::Truncated => {
            let n = paras.len();
            let keep =
                ((n as f64 * rng.random_range(0.70..=0.95)).round() as usize).clamp(1, n.saturating_sub(1).max(1));
            paras.truncate(keep);
            tail.push(fill(pick(rng, TRUNCATION_MARKS), o, s));
        }
        Tier::HeavyTruncation => {
            let n = paras.len();
            let keep = ((n as f64 * rng.random_range(0.25..=0.50)).round() as usize).clamp(1, n.max(1));
            paras.truncate(keep);
            if rng.random_bool(0.5) {
                tail.push(fill(pick(rng, TRUNCATION_MARKS), o, s));
            }
        }
        _ => {}
    }
    typos(&mut paras, rng);
    tail.push(fill(pick(rng, o.attribution), o, s));
    let preface = if tier == Tier::LongPreface {
        let n = rng.random_range(2..=4usize);
        let mut pool = COMMENTARY.to_vec();
        pool.shuffle(rng);
        pool.iter().take(n).map(|t| fill(&slots.sentence(t, rng), o, s)).collect()
    } else {
        Vec::new()
    };
    Draft {
        outlet,
        headline: copy_headline(&original.headline, slots, rng),
        preface,
        dateline: dateline(o, s, slots, day),
        paras,
        tail,
    }
}

/// An edited copy by `outlet` of another outlet's copy `parent`.
fn copy_of_copy(parent: &Draft, outlet: usize, slots: &mut Slots, day: i64, rng: &mut ChaCha8Rng) -> Draft {
    let (o, p) = (&OUTLETS[outlet], &OUTLETS[parent.outlet]);
    let mut paras = parent.paras.clone();
    let keep_dateline = rng.random_bool(0.5);
    if keep_dateline && let Some(first) = paras.first_mut().and_then(|p| p.first_mut()) {
        first.text = format!("{}{}", parent.dateline, first.text);
    }
    if rng.random_bool(0.6) {
        paras.extend(parent.tail.iter().map(|t| vec![Sent { text: t.clone(), tpl: "" }]));
    }
    edit(&mut paras, slots, rng);
    typos(&mut paras, rng);
    Draft {
        outlet,
        headline: copy_headline(&parent.headline, slots, rng),
        preface: Vec::new(),
        dateline: if keep_dateline { String::new() } else { dateline(o, p, slots, day) },
        paras,
        tail: vec![fill(pick(rng, o.attribution), o, p)],
    }
}

/// A copy's headline: kept, rewritten from the topic's headlines, or prefixed.
fn copy_headline(headline: &str, slots: &mut Slots, rng: &mut ChaCha8Rng) -> String {
    let base =
        if rng.random_bool(0.3) { slots.sentence(pick(rng, slots.topic.headlines), rng) } else { headline.to_string() };
    if rng.random_bool(0.15) { format!("{}{base}", pick(rng, HEADLINE_PREFIXES)) } else { base }
}

/// An editor's changes: maybe a paragraph dropped, two swapped, sentences reworded.
fn edit(paras: &mut Vec<Vec<Sent>>, slots: &mut Slots, rng: &mut ChaCha8Rng) {
    if paras.len() >= 4 && rng.random_bool(0.3) {
        let i = rng.random_range(1..paras.len());
        paras.remove(i);
    }
    if paras.len() >= 3 && rng.random_bool(0.3) {
        let i = rng.random_range(1..paras.len() - 1);
        paras.swap(i, i + 1);
    }
    let rewords = if rng.random_bool(0.4) { rng.random_range(1..=2usize) } else { 0 };
    for _ in 0..rewords {
        let i = rng.random_range(0..paras.len().max(1));
        let Some(para) = paras.get_mut(i) else { continue };
        let j = rng.random_range(0..para.len().max(1));
        let Some(sent) = para.get_mut(j) else { continue };
        if sent.tpl.is_empty() {
            continue;
        }
        for _ in 0..4 {
            let text = slots.sentence(sent.tpl, rng);
            if text != sent.text {
                sent.text = text;
                break;
            }
        }
    }
}

/// Mistypes about [`TYPO_RATE`] of the words: two letters swapped or one dropped.
fn typos(paras: &mut [Vec<Sent>], rng: &mut ChaCha8Rng) {
    for sent in paras.iter_mut().flatten() {
        let mut out = String::with_capacity(sent.text.len());
        for (k, tok) in sent.text.split(' ').enumerate() {
            if k > 0 {
                out.push(' ');
            }
            match rng.random_bool(TYPO_RATE).then(|| mistype(tok, rng)).flatten() {
                Some(t) => out.push_str(&t),
                None => out.push_str(tok),
            }
        }
        sent.text = out;
    }
}

fn mistype(tok: &str, rng: &mut ChaCha8Rng) -> Option<String> {
    let b = tok.as_bytes();
    if !tok.is_ascii() || b.len() < 4 {
        return None;
    }
    let start = b.iter().position(u8::is_ascii_alphabetic)?;
    let len = b[start..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if len < 4 {
        return None;
    }
    let mut out = b.to_vec();
    let p = start + rng.random_range(1..len - 1);
    if rng.random_bool(0.5) {
        out.swap(p, p + 1);
    } else {
        out.remove(p);
    }
    String::from_utf8(out).ok()
}

/// A follow-up on `story` (same people and places, new figures and wording) that quotes one or
/// two of its paragraphs, and its date.
fn follow_up_draft(story: &Story, original: &Draft, rng: &mut ChaCha8Rng, day: i64) -> (Draft, i64) {
    let outlet = if rng.random_bool(0.5) { original.outlet } else { rng.random_range(0..OUTLETS.len()) };
    let (o, s) = (&OUTLETS[outlet], &OUTLETS[original.outlet]);
    let d_day = day + rng.random_range(1..=7i64);
    let mut next = Story::with_slots(story.slots.without_numbers(), rng);
    let n = rng.random_range(1..=2usize).min(story.paras.len());
    let from = rng.random_range(0..=story.paras.len() - n);
    let intro = if outlet == original.outlet { pick(rng, OWN_FOLLOW_UP_INTROS) } else { pick(rng, FOLLOW_UP_INTROS) };
    let intro = fill(&next.slots.sentence(intro, rng), o, s);
    let at = rng.random_range(1..=3usize).min(next.paras.len());
    let mut quoted = vec![vec![Sent { text: intro, tpl: "" }]];
    quoted.extend(story.paras[from..from + n].iter().cloned());
    next.paras.splice(at..at, quoted);
    let dl = dateline(o, s, &next.slots, d_day);
    let draft = Draft {
        outlet,
        headline: next.headline,
        preface: Vec::new(),
        dateline: dl,
        paras: next.paras,
        tail: Vec::new(),
    };
    (draft, d_day)
}

/// The finished text of `draft` in its outlet's boilerplate and typography.
fn render(draft: &Draft, heavy: bool, rng: &mut ChaCha8Rng) -> String {
    let o = &OUTLETS[draft.outlet];
    let mut blocks: Vec<String> = vec![draft.headline.clone()];
    if rng.random_bool(0.6) {
        blocks.push(fill(pick(rng, o.bylines), o, o));
    }
    blocks.extend(draft.preface.iter().cloned());
    for (i, p) in draft.paras.iter().enumerate() {
        let text = join_sents(p);
        blocks.push(if i == 0 { format!("{}{text}", draft.dateline) } else { text });
    }
    blocks.extend(draft.tail.iter().cloned());
    let mut footers = o.footers.to_vec();
    footers.shuffle(rng);
    let n = rng.random_range(1..=2usize);
    let mut foot: Vec<&str> = footers.iter().take(n).copied().collect();
    if heavy {
        foot.retain(|f| !o.heavy.contains(f));
        foot.extend(o.heavy.iter().copied());
    }
    let foot: Vec<String> = foot.iter().map(|f| fill(f, o, o)).collect();
    let mut text = blocks.join("\n\n");
    if !foot.is_empty() {
        text.push_str("\n\n");
        text.push_str(&foot.join("\n"));
    }
    typography(&text, o.curly)
}

/// Moves documents so that no two neighbours share a cluster, where a swap can manage it.
pub(super) fn spread_clusters(docs: &mut [SynthDoc]) {
    let n = docs.len();
    let at = |docs: &[SynthDoc], i: usize| docs.get(i).map(|d| d.cluster);
    for i in 1..n {
        if docs[i].cluster != docs[i - 1].cluster {
            continue;
        }
        let ci = docs[i].cluster;
        let fits = |docs: &[SynthDoc], j: usize| {
            let cj = docs[j].cluster;
            let near_i = [i.checked_sub(1), Some(i + 1)];
            let near_j = [j.checked_sub(1), Some(j + 1)];
            cj != ci
                && near_i.iter().flatten().filter(|&&x| x != j).all(|&x| at(docs, x) != Some(cj))
                && near_j.iter().flatten().filter(|&&x| x != i).all(|&x| at(docs, x) != Some(ci))
        };
        let later = (i + 2..n).take(4096);
        let earlier = (0..i.saturating_sub(1)).rev().take(4096);
        if let Some(j) = later.chain(earlier).find(|&j| fits(docs, j)) {
            docs.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::stream_rng;
    use crate::vocab::TOPICS;
    use neardupe::shingle::{ShingleConfig, ShingleSet, Shingler};

    #[test]
    fn dates_count_from_new_year_2024() {
        assert_eq!(iso_date(0), "2024-01-01");
        assert_eq!(iso_date(59), "2024-02-29");
        assert_eq!(iso_date(365), "2024-12-31");
        assert_eq!(iso_date(368), "2025-01-03");
        assert_eq!(iso_date(-1), "2023-12-31");
        assert_eq!(short_date(255), "Sept 12");
    }

    #[test]
    fn copy_counts_have_the_requested_mean() {
        for mean in [0.0, 0.5, 2.0, 5.0, 8.0] {
            let q = geometric_ratio(mean);
            let mut rng = stream_rng(11, 0, 0);
            let n = 40_000;
            let draws: Vec<usize> = (0..n).map(|_| sample_copies(q, &mut rng)).collect();
            let got = draws.iter().sum::<usize>() as f64 / n as f64;
            assert!((got - mean).abs() < 0.05 + 0.02 * mean, "mean {mean}: got {got}");
            assert!(draws.iter().all(|&k| k <= MAX_COPIES));
        }
    }

    fn five_grams(text: &str) -> ShingleSet {
        let config = ShingleConfig::builder().words(5).build().unwrap_or_default();
        Shingler::new(config).shingle_set(text)
    }

    fn story_text(s: &Story) -> String {
        let mut t = s.headline.clone();
        for p in &s.paras {
            t.push_str("\n\n");
            t.push_str(&join_sents(p));
        }
        t
    }

    fn percentile(v: &mut [f64], p: f64) -> f64 {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * p).round() as usize]
    }

    /// Two stories on one topic share vocabulary but few word 5-grams.
    #[test]
    fn same_topic_stories_are_different_texts() {
        let mut shingle = Vec::new();
        let mut words = Vec::new();
        for (k, topic) in TOPICS.iter().enumerate() {
            for pair in 0..6u64 {
                let mut rng = stream_rng(77, k as u64, pair);
                let a = Story::new(topic, &OUTLETS[0], &mut rng);
                let b = Story::new(topic, &OUTLETS[1], &mut rng);
                let (ta, tb) = (story_text(&a), story_text(&b));
                shingle.push(five_grams(&ta).jaccard(&five_grams(&tb)));
                let unigram = |t: &str| {
                    let c = ShingleConfig::builder().words(1).build().unwrap_or_default();
                    Shingler::new(c).shingle_set(t)
                };
                words.push(unigram(&ta).jaccard(&unigram(&tb)));
            }
        }
        let n = shingle.len();
        let below = shingle.iter().filter(|&&j| j < 0.3).count();
        let (median, p95, max) =
            (percentile(&mut shingle, 0.5), percentile(&mut shingle, 0.95), percentile(&mut shingle, 1.0));
        let word_median = percentile(&mut words, 0.5);
        eprintln!(
            "same-topic story pairs: {n}; 5-gram Jaccard median {median:.3}, p95 {p95:.3}, max {max:.3}; \
             word Jaccard median {word_median:.3}"
        );
        assert!(below * 100 >= n * 95, "only {below}/{n} pairs below 0.3");
        assert!(word_median > 0.2, "same-topic stories should share vocabulary: {word_median}");
    }

    #[test]
    fn stories_have_news_shape() {
        let mut lengths = Vec::new();
        for i in 0..300u64 {
            let mut rng = stream_rng(5, 0, i);
            let s = Story::new(pick_topic(&mut rng), &OUTLETS[2], &mut rng);
            assert!((6..=12).contains(&s.paras.len()), "{} paragraphs", s.paras.len());
            assert!(s.paras.iter().all(|p| (1..=3).contains(&p.len())));
            lengths.push(s.paras.iter().map(|p| count_words(p)).sum::<usize>() as f64);
        }
        let inside = lengths.iter().filter(|&&w| (230.0..=760.0).contains(&w)).count();
        let (lo, med, hi) =
            (percentile(&mut lengths, 0.0), percentile(&mut lengths, 0.5), percentile(&mut lengths, 1.0));
        eprintln!("story words: min {lo}, median {med}, max {hi}");
        assert!(inside >= 285, "{inside}/300 stories within 230-760 words");
    }

    #[test]
    fn typos_touch_few_words() {
        let mut rng = stream_rng(1, 0, 0);
        let text = "The ministry said the measures would remain in place until further notice ".repeat(300);
        let mut paras = vec![vec![Sent { text: text.clone(), tpl: "" }]];
        typos(&mut paras, &mut rng);
        let changed = text.split(' ').zip(paras[0][0].text.split(' ')).filter(|(a, b)| a != b).count();
        let total = text.split(' ').count();
        assert!(changed > 0 && changed * 100 < total, "{changed} of {total} words changed");
    }
}
