//! Synthetic syndicated-news corpora with ground truth.
//!
//! [`generate`] writes original wire stories and the copies other outlets make of them, the way
//! news is republished on the web: a new or edited headline, a dateline in the outlet's own style,
//! an attribution line ("(News Source: MPA)"), the outlet's byline and footer boilerplate, the odd
//! typo, dropped, swapped, reworded or truncated paragraphs, editorial prefaces. Each original and
//! its copies form one cluster. Distractors are different stories on the same topic (same
//! templates and vocabulary, different people, places and numbers) in clusters of their own, so a
//! deduplicator that merges on topic rather than on text is caught out.
//!
//! ```
//! use neardupe::synth::{self, DocKind, SynthConfig, Tier};
//!
//! let config = SynthConfig::builder().stories(5).seed(7).tiers(Tier::all()).build()?;
//! let docs = synth::generate(&config);
//! assert_eq!(docs.iter().filter(|d| d.kind == DocKind::Original).count(), 5);
//! assert_eq!(docs, synth::generate(&config)); // the same seed gives the same corpus
//! # Ok::<(), neardupe::Error>(())
//! ```
//!
//! The text comes from the module's own vocabulary: about forty news topics (a summit, an
//! earthquake, a central bank decision, a football transfer, a court ruling...), each with entity
//! slots and sentence templates with several phrasings, plus sentence pools shared by a topic's
//! category and by all news. Everything is drawn from a ChaCha8 generator, so a seed gives
//! byte-identical output on every platform.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{Error, Result};

/// The most copies a story gets.
const MAX_COPIES: usize = 8;
/// The most stories a corpus may have (cluster labels are `u32`).
const MAX_STORIES: usize = 100_000_000;
/// The share of words a copy mistypes.
const TYPO_RATE: f64 = 0.003;

/// How a synthetic corpus is made. Build one with [`SynthConfig::builder`].
#[derive(Clone, Debug, PartialEq)]
pub struct SynthConfig {
    stories: usize,
    copies_per_story: f64,
    distractor_rate: f64,
    seed: u64,
    tiers: Vec<Tier>,
}

impl Default for SynthConfig {
    fn default() -> SynthConfig {
        let b = SynthConfigBuilder::default();
        SynthConfig {
            stories: b.stories,
            copies_per_story: b.copies_per_story,
            distractor_rate: b.distractor_rate,
            seed: b.seed,
            tiers: b.tiers,
        }
    }
}

impl SynthConfig {
    /// A builder with the defaults: 200 stories, 2 copies per story on average, distractors for
    /// 30% of stories, seed 1 and the [standard](Tier::standard) tiers.
    pub fn builder() -> SynthConfigBuilder {
        SynthConfigBuilder::default()
    }
    /// The number of original stories.
    pub fn stories(&self) -> usize {
        self.stories
    }
    /// The mean number of copies per story.
    pub fn copies_per_story(&self) -> f64 {
        self.copies_per_story
    }
    /// The fraction of stories that get a same-topic distractor.
    pub fn distractor_rate(&self) -> f64 {
        self.distractor_rate
    }
    /// The random seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// The tiers in use, without repeats.
    pub fn tiers(&self) -> &[Tier] {
        &self.tiers
    }
}

/// Builds a [`SynthConfig`]; [`build`](SynthConfigBuilder::build) checks the values.
#[derive(Clone, Debug)]
pub struct SynthConfigBuilder {
    stories: usize,
    copies_per_story: f64,
    distractor_rate: f64,
    seed: u64,
    tiers: Vec<Tier>,
}

impl Default for SynthConfigBuilder {
    fn default() -> SynthConfigBuilder {
        SynthConfigBuilder {
            stories: 200,
            copies_per_story: 2.0,
            distractor_rate: 0.3,
            seed: 1,
            tiers: Tier::standard(),
        }
    }
}

impl SynthConfigBuilder {
    /// The number of original stories (default 200), at least 1.
    pub fn stories(mut self, n: usize) -> Self {
        self.stories = n;
        self
    }
    /// The mean number of republished copies per story (default 2.0), in `0..=8`.
    ///
    /// The count per story follows a geometric distribution capped at 8 copies, scaled so that
    /// its mean is `mean`: many stories have no or one copy, a few have many.
    pub fn copies_per_story(mut self, mean: f64) -> Self {
        self.copies_per_story = mean;
        self
    }
    /// The fraction of stories that get a distractor (default 0.3), in `0..=1`: a different story
    /// on the same topic, in its own cluster.
    pub fn distractor_rate(mut self, r: f64) -> Self {
        self.distractor_rate = r;
        self
    }
    /// The random seed (default 1). The same seed and settings give byte-identical corpora.
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }
    /// The tiers in use (default [`Tier::standard`]); must not be empty.
    ///
    /// Copies draw their transformation uniformly from the copy tiers in the list (all but
    /// [`Tier::SharedBoilerplate`] and [`Tier::FollowUp`]); when the list holds none, copies are
    /// [`Tier::Light`].
    pub fn tiers(mut self, t: Vec<Tier>) -> Self {
        self.tiers = t;
        self
    }
    /// Checks the values and removes repeated tiers.
    pub fn build(self) -> Result<SynthConfig> {
        if self.stories == 0 || self.stories > MAX_STORIES {
            return Err(Error::config(format!(
                "the number of stories must be between 1 and {MAX_STORIES}, got {}",
                self.stories
            )));
        }
        let c = self.copies_per_story;
        if !(c.is_finite() && (0.0..=MAX_COPIES as f64).contains(&c)) {
            return Err(Error::config(format!(
                "copies per story must be between 0 and {MAX_COPIES}, got {c}"
            )));
        }
        let r = self.distractor_rate;
        if !(r.is_finite() && (0.0..=1.0).contains(&r)) {
            return Err(Error::config(format!("the distractor rate must be between 0 and 1, got {r}")));
        }
        if self.tiers.is_empty() {
            return Err(Error::config("at least one tier is needed"));
        }
        let mut tiers = Vec::with_capacity(self.tiers.len());
        for t in self.tiers {
            if !tiers.contains(&t) {
                tiers.push(t);
            }
        }
        Ok(SynthConfig {
            stories: self.stories,
            copies_per_story: c,
            distractor_rate: r,
            seed: self.seed,
            tiers,
        })
    }
}

/// A kind of copy, or a harder variation of the corpus.
///
/// Every copy tier adds the copying outlet's dateline, attribution line and boilerplate and mistypes
/// about 0.3% of the words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Tier {
    /// Dateline, headline, attribution, boilerplate and typos only.
    Light,
    /// Light, plus a paragraph dropped (30% of copies), two paragraphs swapped (30%) and now and
    /// then a sentence reworded.
    Edited,
    /// Edited, then cut to 70–95% of the paragraphs with "... (continued)" or "Read the full story
    /// on ...".
    Truncated,
    /// Only the first 25–50% of the paragraphs, with dateline and attribution.
    HeavyTruncation,
    /// An edited copy of another copy (which may itself be absent from the corpus).
    CopyOfCopy,
    /// Light, after a preface of 2–4 paragraphs of the outlet's own commentary.
    LongPreface,
    /// Not a copy: every outlet adds 5–8 lines of fixed boilerplate to all its documents, originals
    /// included, so unrelated stories from one outlet share them. No document has this tier.
    SharedBoilerplate,
    /// Not a copy: half the distractors become follow-up stories that quote one or two paragraphs
    /// of the earlier story verbatim. Related, but not duplicates: they have clusters of their own.
    FollowUp,
}

impl Tier {
    /// The tiers a plain syndication corpus has: [`Light`](Tier::Light),
    /// [`Edited`](Tier::Edited) and [`Truncated`](Tier::Truncated).
    pub fn standard() -> Vec<Tier> {
        vec![Tier::Light, Tier::Edited, Tier::Truncated]
    }
    /// Every tier.
    pub fn all() -> Vec<Tier> {
        vec![
            Tier::Light,
            Tier::Edited,
            Tier::Truncated,
            Tier::HeavyTruncation,
            Tier::CopyOfCopy,
            Tier::LongPreface,
            Tier::SharedBoilerplate,
            Tier::FollowUp,
        ]
    }
    /// A stable lowercase name: `light`, `edited`, `truncated`, `heavy-truncation`,
    /// `copy-of-copy`, `long-preface`, `shared-boilerplate` or `follow-up`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Light => "light",
            Tier::Edited => "edited",
            Tier::Truncated => "truncated",
            Tier::HeavyTruncation => "heavy-truncation",
            Tier::CopyOfCopy => "copy-of-copy",
            Tier::LongPreface => "long-preface",
            Tier::SharedBoilerplate => "shared-boilerplate",
            Tier::FollowUp => "follow-up",
        }
    }
    /// Whether the tier is a way of copying a story.
    fn is_copy(self) -> bool {
        !matches!(self, Tier::SharedBoilerplate | Tier::FollowUp)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tier {
    type Err = Error;
    /// Parses a name from [`Tier::as_str`], ignoring case, `-` and `_` (`HeavyTruncation`,
    /// `heavy_truncation` and `heavy-truncation` are the same tier).
    fn from_str(s: &str) -> Result<Tier> {
        let key = |s: &str| -> String {
            s.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).flat_map(char::to_lowercase).collect()
        };
        let want = key(s.trim());
        Tier::all().into_iter().find(|t| key(t.as_str()) == want).ok_or_else(|| {
            let names: Vec<&str> = Tier::all().into_iter().map(Tier::as_str).collect();
            Error::config(format!("unknown tier {s:?}; expected one of {}", names.join(", ")))
        })
    }
}

/// What a document is in the ground truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// A story as first published.
    Original,
    /// A republished copy of an original (same cluster).
    Copy,
    /// A different story on the same topic as an original (its own cluster).
    Distractor,
}

impl DocKind {
    /// `original`, `copy` or `distractor`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Original => "original",
            DocKind::Copy => "copy",
            DocKind::Distractor => "distractor",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One generated document with its ground truth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthDoc {
    /// A unique id: `s0042-orig` for story 42, `s0042-c1`, `s0042-c2`... for its copies and
    /// `d0042` for the distractor of story 42.
    pub id: String,
    /// The text: headline, paragraphs separated by blank lines, boilerplate.
    pub text: String,
    /// The true cluster: an original and its copies share one; each distractor has its own.
    pub cluster: u32,
    /// Original, copy or distractor.
    pub kind: DocKind,
    /// How a copy was made ([`Tier::FollowUp`] for follow-up distractors); `None` for originals
    /// and plain distractors.
    pub tier: Option<Tier>,
    /// The publication date, `YYYY-MM-DD`: originals during 2024, copies 0–3 days after theirs.
    pub date: String,
}

/// Generates the corpus `config` describes, in a deterministic shuffled order in which no two
/// neighbours share a cluster (as far as the cluster sizes allow).
pub fn generate(config: &SynthConfig) -> Vec<SynthDoc> {
    let mut copy_tiers: Vec<Tier> = config.tiers.iter().copied().filter(|t| t.is_copy()).collect();
    if copy_tiers.is_empty() {
        copy_tiers.push(Tier::Light);
    }
    let heavy = config.tiers.contains(&Tier::SharedBoilerplate);
    let follow_up = config.tiers.contains(&Tier::FollowUp);
    let ratio = geometric_ratio(config.copies_per_story);
    let stories = config.stories.min(MAX_STORIES);
    let mut docs = Vec::with_capacity(stories * 4);
    let mut next_cluster = stories as u32;
    for i in 0..stories {
        let mut rng = stream_rng(config.seed, 0, i as u64);
        let story_docs = StoryGen { rng: &mut rng, index: i, copy_tiers: &copy_tiers, heavy, follow_up, ratio }
            .run(config.distractor_rate, &mut next_cluster);
        docs.extend(story_docs);
    }
    let mut rng = stream_rng(config.seed, 1, 0);
    docs.shuffle(&mut rng);
    spread_clusters(&mut docs);
    docs
}

/// News-like English text of about `bytes` bytes (within 5% for requests over a few dozen bytes):
/// stories of headlines and paragraphs separated by blank lines, with curly quotes and apostrophes
/// and a few other non-ASCII characters (é, £, —). The same `bytes` and `seed` give the same text.
pub fn generate_text(bytes: usize, seed: u64) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    let mut k = 0u64;
    while out.len() < bytes {
        let mut rng = stream_rng(seed, 2, k);
        k += 1;
        let topic = pick_topic(&mut rng);
        let outlet = &OUTLETS[rng.random_range(..OUTLETS.len())];
        let story = Story::new(topic, outlet, &mut rng);
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&story.headline);
        let dateline = format!("{} — ", story.slots.city_upper());
        for (j, p) in story.paras.iter().enumerate() {
            out.push_str("\n\n");
            if j == 0 {
                out.push_str(&dateline);
            }
            out.push_str(&join_sents(p));
        }
    }
    if out.len() > bytes {
        let mut end = bytes;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(sp) = out[..end].rfind(char::is_whitespace) {
            if sp * 20 >= bytes * 19 {
                end = sp;
            }
        }
        out.truncate(end);
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
    }
    typography(&out, true)
}

/// Writes `docs` as two JSONL files: `corpus` gets `{"id","date","text"}` per line and `truth`
/// gets `{"id","cluster","kind","tier"}` (`tier` is `null` for originals and plain distractors).
///
/// Both writers are buffered internally and flushed before returning.
pub fn write_jsonl<W1: Write, W2: Write>(docs: &[SynthDoc], corpus: W1, truth: W2) -> io::Result<()> {
    #[derive(Serialize)]
    struct CorpusLine<'a> {
        id: &'a str,
        date: &'a str,
        text: &'a str,
    }
    #[derive(Serialize)]
    struct TruthLine<'a> {
        id: &'a str,
        cluster: u32,
        kind: &'static str,
        tier: Option<&'static str>,
    }
    let mut corpus = io::BufWriter::new(corpus);
    let mut truth = io::BufWriter::new(truth);
    for d in docs {
        serde_json::to_writer(&mut corpus, &CorpusLine { id: &d.id, date: &d.date, text: &d.text })?;
        corpus.write_all(b"\n")?;
        let line = TruthLine { id: &d.id, cluster: d.cluster, kind: d.kind.as_str(), tier: d.tier.map(Tier::as_str) };
        serde_json::to_writer(&mut truth, &line)?;
        truth.write_all(b"\n")?;
    }
    corpus.flush()?;
    truth.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// A generator for item `index` of stream `stream`: items are independent of each other, so the
/// first stories of a corpus do not change when more are asked for.
fn stream_rng(seed: u64, stream: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.set_stream(index);
    rng
}

fn pick(rng: &mut ChaCha8Rng, xs: &[&'static str]) -> &'static str {
    xs.choose(rng).copied().unwrap_or("")
}

fn pick_topic(rng: &mut ChaCha8Rng) -> &'static Topic {
    &TOPICS[rng.random_range(..TOPICS.len())]
}

/// The ratio `q` of a geometric distribution capped at [`MAX_COPIES`] whose mean is `mean`:
/// `P(k) ∝ q^k`, found by bisection (the capped mean grows with `q`).
fn geometric_ratio(mean: f64) -> f64 {
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
// Templates

/// The story-level values of the slots in a topic's templates: the same person, place or figure
/// every time a story mentions it.
#[derive(Clone, Debug)]
struct Slots {
    topic: &'static Topic,
    /// `(name, value, numeric)`.
    values: Vec<(String, String, bool)>,
    /// Slot names no pool or generator knows (for the vocabulary tests).
    unknown: Vec<String>,
}

/// How deep alternatives and slot values may nest.
const MAX_DEPTH: u32 = 8;

impl Slots {
    fn new(topic: &'static Topic) -> Slots {
        Slots { topic, values: Vec::new(), unknown: Vec::new() }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.iter().find(|(n, _, _)| n == name).map(|(_, v, _)| v.as_str())
    }

    fn set(&mut self, name: &str, value: String, numeric: bool) {
        match self.values.iter_mut().find(|(n, _, _)| n == name) {
            Some(slot) => {
                slot.1 = value;
                slot.2 = numeric;
            }
            None => self.values.push((name.to_string(), value, numeric)),
        }
    }

    /// The same entities (people, places, organisations) with fresh figures, for a follow-up.
    fn without_numbers(&self) -> Slots {
        let mut s = self.clone();
        s.values.retain(|(_, _, numeric)| !numeric);
        s
    }

    /// The story's main city in capitals, for datelines.
    fn city_upper(&self) -> String {
        self.get("city").unwrap_or("LONDON").to_uppercase()
    }

    /// Expands `tpl` into a finished sentence: alternatives chosen, slots filled, spacing and
    /// articles fixed, the first letter capitalised.
    fn sentence(&mut self, tpl: &str, rng: &mut ChaCha8Rng) -> String {
        let mut raw = String::with_capacity(tpl.len() + 32);
        self.expand_into(tpl, rng, &mut raw, 0);
        tidy(&raw)
    }

    fn expand_into(&mut self, tpl: &str, rng: &mut ChaCha8Rng, out: &mut String, depth: u32) {
        let b = tpl.as_bytes();
        let (mut i, mut lit) = (0, 0);
        while i < b.len() {
            match b[i] {
                b'{' => {
                    out.push_str(&tpl[lit..i]);
                    let end = closing(b, i + 1, b'{', b'}');
                    let inner = &tpl[i + 1..end];
                    let alt = alternative(inner, rng);
                    if depth < MAX_DEPTH {
                        self.expand_into(alt, rng, out, depth + 1);
                    }
                    i = (end + 1).min(b.len());
                    lit = i;
                }
                b'<' => {
                    out.push_str(&tpl[lit..i]);
                    let end = closing(b, i + 1, b'<', b'>');
                    let value = self.resolve(&tpl[i + 1..end], rng, depth);
                    out.push_str(&value);
                    i = (end + 1).min(b.len());
                    lit = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&tpl[lit..]);
    }

    fn resolve(&mut self, name: &str, rng: &mut ChaCha8Rng, depth: u32) -> String {
        if let Some(spec) = name.strip_prefix('#') {
            return number(spec, rng).unwrap_or_else(|| {
                self.unknown.push(name.to_string());
                String::new()
            });
        }
        if let Some(v) = self.get(name) {
            return v.to_string();
        }
        if let Some(base) = name.strip_suffix(".last") {
            let full = self.resolve(base, rng, depth);
            return match full.split_once(' ') {
                Some((_, last)) => last.to_string(),
                None => full,
            };
        }
        if name == "about" {
            let mut v = String::new();
            self.expand_into(self.topic.about, rng, &mut v, depth + 1);
            self.set(name, v.clone(), false);
            return v;
        }
        let pool = lookup(self.topic.slots, name)
            .or_else(|| lookup(category_slots(self.topic.category), name))
            .or_else(|| lookup(GLOBAL_SLOTS, name));
        if let Some(pool) = pool {
            let raw = pick(rng, pool);
            let (v, numeric) = match raw.strip_prefix('#') {
                Some(spec) => (number(spec, rng).unwrap_or_default(), true),
                None => {
                    let mut v = String::new();
                    if depth < MAX_DEPTH {
                        self.expand_into(raw, rng, &mut v, depth + 1);
                    }
                    (v, false)
                }
            };
            self.set(name, v.clone(), numeric);
            return v;
        }
        match name {
            "city" | "country" => {
                self.place(rng, "city", "country", "country2");
                self.get(name).unwrap_or_default().to_string()
            }
            "city2" | "country2" => {
                self.place(rng, "city2", "country2", "country");
                self.get(name).unwrap_or_default().to_string()
            }
            _ if is_person(name) => {
                let v = self.person(rng);
                self.set(name, v.clone(), false);
                v
            }
            _ => {
                self.unknown.push(name.to_string());
                String::new()
            }
        }
    }

    /// Picks a city and its country, in another country than `avoid`'s.
    fn place(&mut self, rng: &mut ChaCha8Rng, city: &str, country: &str, avoid: &str) {
        let avoid = self.get(avoid).map(str::to_string);
        let mut choice = PLACES[0];
        for _ in 0..32 {
            choice = PLACES[rng.random_range(..PLACES.len())];
            if avoid.as_deref() != Some(choice.1) {
                break;
            }
        }
        self.set(city, choice.0.to_string(), false);
        self.set(country, choice.1.to_string(), false);
    }

    /// A new full name whose surname no other person in the story has.
    fn person(&self, rng: &mut ChaCha8Rng) -> String {
        let mut name = String::new();
        for _ in 0..32 {
            let first = pick(rng, FIRST_NAMES);
            let last = pick(rng, LAST_NAMES);
            name = format!("{first} {last}");
            let clash = self.values.iter().any(|(n, v, _)| {
                is_person(n) && v.split_once(' ').is_some_and(|(f, l)| l == last || f == first)
            });
            if !clash {
                break;
            }
        }
        name
    }
}

/// Person slots are `p1`, `p2`, ... `p9`.
fn is_person(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 2 && b[0] == b'p' && b[1].is_ascii_digit()
}

fn lookup(slots: &'static [SlotPool], name: &str) -> Option<&'static [&'static str]> {
    slots.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The index of the byte closing the group opened just before `from` (nesting counted), or the
/// end of `b` when it is not closed.
fn closing(b: &[u8], from: usize, open: u8, close: u8) -> usize {
    let mut depth = 0usize;
    for (j, &c) in b.iter().enumerate().skip(from) {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return j;
            }
            depth -= 1;
        }
    }
    b.len()
}

/// One of the `|`-separated top-level alternatives of `inner`, uniformly.
fn alternative<'t>(inner: &'t str, rng: &mut ChaCha8Rng) -> &'t str {
    let b = inner.as_bytes();
    let mut count = 1;
    let mut depth = 0i32;
    for &c in b {
        match c {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b'|' if depth == 0 => count += 1,
            _ => {}
        }
    }
    let want = rng.random_range(..count);
    let (mut k, mut start) = (0, 0);
    depth = 0;
    for (j, &c) in b.iter().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b'|' if depth == 0 => {
                if k == want {
                    return &inner[start..j];
                }
                k += 1;
                start = j + 1;
            }
            _ => {}
        }
    }
    &inner[start..]
}

/// A number from a spec: `lo-hi` (an integer, with thousands separators from 1,000), `ylo-hi`
/// (an integer without separators, such as a year) or `lo.d-hi.d` (one decimal per digit of `lo`).
fn number(spec: &str, rng: &mut ChaCha8Rng) -> Option<String> {
    let (plain, spec) = match spec.strip_prefix('y') {
        Some(s) => (true, s),
        None => (false, spec),
    };
    let (lo, hi) = spec.split_once('-')?;
    if let Some((_, frac)) = lo.split_once('.') {
        let decimals = frac.len();
        let scale = 10f64.powi(decimals as i32);
        let lo: f64 = lo.parse().ok()?;
        let hi: f64 = hi.parse().ok()?;
        let (a, b) = ((lo * scale).round() as i64, (hi * scale).round() as i64);
        let v = rng.random_range(a.min(b)..=a.max(b));
        return Some(format!("{:.*}", decimals, v as f64 / scale));
    }
    let lo: u64 = lo.parse().ok()?;
    let hi: u64 = hi.parse().ok()?;
    let v = rng.random_range(lo.min(hi)..=lo.max(hi));
    Some(if plain { v.to_string() } else { grouped(v) })
}

/// `12345` as `12,345`.
fn grouped(v: u64) -> String {
    let digits = v.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Folds runs of spaces, removes spaces before punctuation, fixes "a" before vowels and
/// capitalises the first letter.
fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut words = raw.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(w) = words.next() {
        if !out.is_empty() && !w.starts_with([',', '.', ';', ':', '?', '!']) {
            out.push(' ');
        }
        let next_vowel = words.peek().and_then(|n| n.chars().next()).is_some_and(|c| "aeioAEIO".contains(c));
        match w {
            "a" if next_vowel => out.push_str("an"),
            "A" if next_vowel => out.push_str("An"),
            _ => out.push_str(w),
        }
    }
    if let Some((i, c)) = out.char_indices().find(|(_, c)| c.is_alphanumeric()) {
        if c.is_lowercase() {
            let upper: String = c.to_uppercase().collect();
            out.replace_range(i..i + c.len_utf8(), &upper);
        }
    }
    out
}

/// Curly typography (’ for apostrophes) or straight (" for “ and ”).
fn typography(text: &str, curly: bool) -> String {
    if curly {
        text.replace('\'', "\u{2019}")
    } else {
        text.replace(['\u{201C}', '\u{201D}'], "\"").replace('\u{2019}', "'")
    }
}

// ---------------------------------------------------------------------------------------------
// Stories

/// A sentence and the template it came from (empty for quoted or fixed text), so an editor can
/// reword it.
#[derive(Clone, Debug)]
struct Sent {
    text: String,
    tpl: &'static str,
}

fn join_sents(p: &[Sent]) -> String {
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
struct Story {
    slots: Slots,
    headline: String,
    paras: Vec<Vec<Sent>>,
}

impl Story {
    fn new(topic: &'static Topic, outlet: &Outlet, rng: &mut ChaCha8Rng) -> Story {
        let mut slots = Slots::new(topic);
        slots.set("outlet", outlet.name.to_string(), false);
        Story::with_slots(slots, rng)
    }

    /// A story on `slots.topic` with the entities already in `slots`.
    fn with_slots(mut slots: Slots, rng: &mut ChaCha8Rng) -> Story {
        let topic = slots.topic;
        let headline = slots.sentence(pick(rng, topic.headlines), rng);
        let target = rng.random_range(250..=700usize);
        let n_paras = (target / rng.random_range(38..=58usize)).clamp(6, 12);
        let per_para = target / n_paras;
        let mut pools: [(Vec<&'static str>, f64); 3] = [
            (topic.body.to_vec(), 0.66),
            (category_sentences(topic.category).to_vec(), 0.2),
            (GENERIC.to_vec(), 1.0),
        ];
        for (pool, _) in pools.iter_mut() {
            pool.shuffle(rng);
        }
        let lead = pick(rng, topic.leads);
        let mut paras = vec![vec![Sent { text: slots.sentence(lead, rng), tpl: lead }]];
        let mut total = count_words(&paras[0]);
        while paras.len() < n_paras {
            let mut para = Vec::new();
            let mut words = 0;
            let want = rng.random_range(1..=3usize);
            while para.len() < want || (words < per_para * 2 / 3 && para.len() < 3) {
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

struct StoryGen<'a> {
    rng: &'a mut ChaCha8Rng,
    index: usize,
    copy_tiers: &'a [Tier],
    heavy: bool,
    follow_up: bool,
    ratio: f64,
}

impl StoryGen<'_> {
    /// The original, its copies and its distractor, if any.
    fn run(self, distractor_rate: f64, next_cluster: &mut u32) -> Vec<SynthDoc> {
        let StoryGen { rng, index, copy_tiers, heavy, follow_up, ratio } = self;
        let topic = pick_topic(rng);
        let src = rng.random_range(..OUTLETS.len());
        let day = rng.random_range(0..366i64);
        let story = Story::new(topic, &OUTLETS[src], rng);
        let cluster = index as u32;
        let mut docs = Vec::new();

        let dateline =
            if rng.random_bool(0.5) { dateline(&OUTLETS[src], &OUTLETS[src], &story.slots, day) } else { String::new() };
        let original = Draft {
            outlet: src,
            headline: story.headline.clone(),
            preface: Vec::new(),
            dateline,
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
                let outlet = rng.random_range(..OUTLETS.len());
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
            let keep = ((n as f64 * rng.random_range(0.70..=0.95)).round() as usize).clamp(1, n.saturating_sub(1).max(1));
            paras.truncate(keep);
            tail.push(fill(pick(rng, TRUNCATION_MARKS), o, s));
        }
        Tier::HeavyTruncation => {
            let n = paras.len();
            let keep = ((n as f64 * rng.random_range(0.25..=0.50)).round() as usize).clamp(1, n);
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
    if keep_dateline {
        if let Some(first) = paras.first_mut().and_then(|p| p.first_mut()) {
            first.text = format!("{}{}", parent.dateline, first.text);
        }
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
    let base = if rng.random_bool(0.3) {
        slots.sentence(pick(rng, slots.topic.headlines), rng)
    } else {
        headline.to_string()
    };
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
        let i = rng.random_range(..paras.len().max(1));
        let Some(para) = paras.get_mut(i) else { continue };
        let j = rng.random_range(..para.len().max(1));
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
    let outlet = if rng.random_bool(0.5) { original.outlet } else { rng.random_range(..OUTLETS.len()) };
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
    let draft =
        Draft { outlet, headline: next.headline, preface: Vec::new(), dateline: dl, paras: next.paras, tail: Vec::new() };
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
    let mut foot: Vec<String> = footers.iter().take(n).map(|f| fill(f, o, o)).collect();
    if heavy {
        foot.extend(o.heavy.iter().map(|f| fill(f, o, o)));
    }
    let mut text = blocks.join("\n\n");
    if !foot.is_empty() {
        text.push_str("\n\n");
        text.push_str(&foot.join("\n"));
    }
    typography(&text, o.curly)
}

/// Moves documents so that no two neighbours share a cluster, where a swap can manage it.
fn spread_clusters(docs: &mut [SynthDoc]) {
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
