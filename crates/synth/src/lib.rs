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
//! use neardupe_synth::{self as synth, DocKind, SynthConfig, Tier};
//!
//! let config = SynthConfig::builder().stories(5).seed(7).tiers(Tier::all()).build()?;
//! let docs = synth::generate(&config);
//! assert_eq!(docs.iter().filter(|d| d.kind == DocKind::Original).count(), 5);
//! assert_eq!(docs, synth::generate(&config)); // the same seed gives the same corpus
//! # Ok::<(), neardupe_synth::Error>(())
//! ```
//!
//! The text comes from the crate's own vocabulary: about forty news topics (a summit, an
//! earthquake, a central bank decision, a football transfer, a court ruling...), each with entity
//! slots and sentence templates with several phrasings, plus sentence pools shared by a topic's
//! category and by all news. Everything is drawn from a ChaCha8 generator, so a seed gives
//! byte-identical output on every platform.
//!
//! [`eval`] scores predicted clusters against a truth file (pairwise precision, recall, F1 and the
//! adjusted Rand index), such as the one [`write_jsonl`] writes.
//!
//! This crate is part of the [neardupe](https://docs.rs/neardupe) workspace: the test data and
//! the scorer of the `neardupe synth` and `neardupe eval` commands, its benchmarks and its
//! evaluations, kept out of the `neardupe` library so that the library does not depend on `rand`.

mod error;
pub mod eval;
mod story;
mod template;
mod vocab;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use rand::Rng;
use rand::seq::SliceRandom;
use serde::Serialize;

pub use error::{Error, ErrorKind, Result};
use story::{Story, StoryGen, geometric_ratio, join_sents, spread_clusters};
use template::{pick_topic, stream_rng, typography};
use vocab::OUTLETS;

/// The most copies a story gets.
const MAX_COPIES: usize = 8;
/// The most stories a corpus may have (cluster labels are `u32`).
const MAX_STORIES: usize = 100_000_000;

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
            return Err(Error::config(format!("copies per story must be between 0 and {MAX_COPIES}, got {c}")));
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
        Ok(SynthConfig { stories: self.stories, copies_per_story: c, distractor_rate: r, seed: self.seed, tiers })
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
/// neighbours share a cluster (as far as the cluster sizes allow): the blocks of
/// [`generate_blocks`], one after another.
pub fn generate(config: &SynthConfig) -> Vec<SynthDoc> {
    generate_blocks(config).flatten().collect()
}

/// The stories of one block of [`generate_blocks`].
pub const BLOCK_STORIES: usize = 4096;

/// The corpus `config` describes, as blocks of the documents of [`BLOCK_STORIES`] stories each
/// (an original, its copies and distractors stay in their story's block), each block shuffled
/// so that no two neighbours share a cluster (as far as the cluster sizes allow). Memory stays
/// that of one block however many stories are asked for; a corpus of at most
/// [`BLOCK_STORIES`] stories is one block.
pub fn generate_blocks(config: &SynthConfig) -> impl Iterator<Item = Vec<SynthDoc>> + '_ {
    let mut copy_tiers: Vec<Tier> = config.tiers.iter().copied().filter(|t| t.is_copy()).collect();
    if copy_tiers.is_empty() {
        copy_tiers.push(Tier::Light);
    }
    let heavy = config.tiers.contains(&Tier::SharedBoilerplate);
    let follow_up = config.tiers.contains(&Tier::FollowUp);
    let ratio = geometric_ratio(config.copies_per_story);
    let stories = config.stories.min(MAX_STORIES);
    let mut next_cluster = stories as u32;
    (0..stories.div_ceil(BLOCK_STORIES)).map(move |block| {
        let first = block * BLOCK_STORIES;
        let mut docs = Vec::with_capacity(BLOCK_STORIES * 4);
        for i in first..stories.min(first + BLOCK_STORIES) {
            let mut rng = stream_rng(config.seed, 0, i as u64);
            let story_docs = StoryGen { rng: &mut rng, index: i, copy_tiers: &copy_tiers, heavy, follow_up, ratio }
                .run(config.distractor_rate, &mut next_cluster);
            docs.extend(story_docs);
        }
        let mut rng = stream_rng(config.seed, 1, block as u64);
        docs.shuffle(&mut rng);
        spread_clusters(&mut docs);
        docs
    })
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
        let outlet = &OUTLETS[rng.random_range(0..OUTLETS.len())];
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
        if let Some(sp) = out[..end].rfind(char::is_whitespace)
            && sp * 20 >= bytes * 19
        {
            end = sp;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_validates() {
        assert!(SynthConfig::builder().build().is_ok());
        assert_eq!(SynthConfig::builder().build().ok(), Some(SynthConfig::default()));
        for bad in [
            SynthConfig::builder().stories(0),
            SynthConfig::builder().copies_per_story(-1.0),
            SynthConfig::builder().copies_per_story(8.5),
            SynthConfig::builder().copies_per_story(f64::NAN),
            SynthConfig::builder().distractor_rate(1.5),
            SynthConfig::builder().tiers(vec![]),
        ] {
            let err = bad.build().err().map(|e| e.kind());
            assert_eq!(err, Some(ErrorKind::Config));
        }
        let c = SynthConfig::builder().tiers(vec![Tier::Light, Tier::Light, Tier::Edited]).build();
        assert_eq!(c.ok().map(|c| c.tiers().to_vec()), Some(vec![Tier::Light, Tier::Edited]));
    }

    #[test]
    fn tier_names_round_trip() {
        for t in Tier::all() {
            assert_eq!(t.as_str().parse::<Tier>().ok(), Some(t));
            assert_eq!(t.to_string(), t.as_str());
        }
        assert_eq!("Heavy_Truncation".parse::<Tier>().ok(), Some(Tier::HeavyTruncation));
        assert_eq!("CopyOfCopy".parse::<Tier>().ok(), Some(Tier::CopyOfCopy));
        assert!("medium".parse::<Tier>().is_err());
        assert!(Tier::standard().iter().all(|t| Tier::all().contains(t)));
    }

    #[test]
    fn neighbours_are_from_different_clusters() {
        let config = SynthConfig::builder().stories(150).copies_per_story(3.0).build().unwrap_or_default();
        let docs = generate(&config);
        let same = docs.windows(2).filter(|w| w[0].cluster == w[1].cluster).count();
        assert_eq!(same, 0);
    }
}
