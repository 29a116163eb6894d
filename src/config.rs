//! What decides which documents are near-duplicates: [`Config`], built by [`ConfigBuilder`] with
//! validated values and the banding derived from the threshold.
//!
//! ```
//! use neardupe::{Config, Similarity};
//!
//! let config = Config::builder().similarity(Similarity::Jaccard).threshold(0.8).build()?;
//! assert_eq!(config.threshold(), 0.8);
//! // The banding catches a pair at the target with probability at least 0.99.
//! assert!(config.lsh().probability(0.8) >= 0.99);
//! assert!(Config::builder().threshold(1.5).build().is_err());
//! # Ok::<(), neardupe::Error>(())
//! ```

use crate::boilerplate::BoilerplateConfig;
use crate::cluster::{Guard, Representative};
use crate::error::{Error, Result};
use crate::lsh::LshParams;
use crate::minhash::{Algorithm, MinHashConfig};
use crate::shingle::{ShingleConfig, ShingleUnit, Tokenizer};
use crate::verify::{Criterion, Similarity, Verify};

/// The default similarity threshold (on the default [`Similarity::Containment`] scale), chosen
/// by measurement (see the README).
pub const DEFAULT_THRESHOLD: f64 = 0.6;

/// The default containment guard: pairs whose smaller document has fewer shingles are judged by
/// Jaccard.
pub const DEFAULT_MIN_SHINGLES: u32 = 10;

/// The default smallest size ratio (smaller set / larger set) at which containment pairs are
/// searched for: a reprint cut to a quarter of its original is still found.
pub const DEFAULT_MIN_SIZE_RATIO: f64 = 0.25;

/// The probability with which the default banding makes a pair at the target similarity
/// collide in some band (when [`LSH_MIN_ROWS`] allow it).
pub const LSH_RECALL: f64 = 0.99;

/// The fewest rows per band of the default banding (see [`LshParams::for_recall`]): with 128
/// slots, containment's low targets get 64 bands of 2 rows.
pub const LSH_MIN_ROWS: usize = 2;

/// Everything that decides which documents are near-duplicates. Build with [`Config::builder`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    shingle: ShingleConfig,
    minhash: MinHashConfig,
    similarity: Similarity,
    threshold: f64,
    min_shingles: u32,
    min_size_ratio: f64,
    lsh: LshParams,
    verify: Verify,
    representative: Representative,
    boilerplate: Option<BoilerplateConfig>,
    guard: Guard,
    window: Option<u32>,
}

impl Config {
    /// A builder with the measured defaults: word 5-grams, 128-slot one-permutation MinHash,
    /// boilerplate learnt from the corpus, containment at [`DEFAULT_THRESHOLD`] (Jaccard below
    /// [`DEFAULT_MIN_SHINGLES`] shingles), banding aimed at pairs down to a size ratio of
    /// [`DEFAULT_MIN_SIZE_RATIO`] (probability [`LSH_RECALL`], at least [`LSH_MIN_ROWS`] rows),
    /// hybrid verification, the [`Guard::Representative`] chaining guard.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }
    /// Shingling.
    pub fn shingle(&self) -> &ShingleConfig {
        &self.shingle
    }
    /// MinHash parameters.
    pub fn minhash(&self) -> &MinHashConfig {
        &self.minhash
    }
    /// The similarity measure.
    pub fn similarity(&self) -> Similarity {
        self.similarity
    }
    /// The threshold, on the [`similarity`](Config::similarity)'s scale, at which two documents
    /// are duplicates.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    /// The decision rule: measure, threshold and containment guard.
    pub fn criterion(&self) -> Criterion {
        Criterion::new(self.similarity, self.threshold, self.min_shingles)
    }
    /// The Jaccard similarity the banding is built to catch: the threshold for Jaccard; for
    /// containment, the Jaccard of a pair at the threshold whose smaller set is
    /// `min_size_ratio` of the larger.
    pub fn lsh_target(&self) -> f64 {
        lsh_target(self.similarity, self.threshold, self.min_size_ratio)
    }
    /// How boilerplate is learnt, or `None` when it is kept.
    pub fn boilerplate(&self) -> Option<&BoilerplateConfig> {
        self.boilerplate.as_ref()
    }
    /// The size ratio down to which the banding aims to catch pairs at the threshold.
    pub fn min_size_ratio(&self) -> f64 {
        self.min_size_ratio
    }

    /// The chaining guard.
    pub fn guard(&self) -> Guard {
        self.guard
    }
    /// The time window in days, if any: documents further apart are never in one cluster.
    pub fn window(&self) -> Option<u32> {
        self.window
    }
    /// The banding.
    pub fn lsh(&self) -> &LshParams {
        &self.lsh
    }
    /// How candidates are verified.
    pub fn verify(&self) -> Verify {
        self.verify
    }
    /// The representative policy.
    pub fn representative(&self) -> Representative {
        self.representative
    }
}

/// Builds a [`Config`]; [`build`](ConfigBuilder::build) validates it and picks the banding.
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    unit: ShingleUnit,
    ngram: usize,
    nfkc: bool,
    tokenizer: Tokenizer,
    algorithm: Algorithm,
    num_perm: usize,
    seed: u64,
    similarity: Similarity,
    threshold: f64,
    min_shingles: u32,
    min_size_ratio: f64,
    bands_rows: Option<(usize, usize)>,
    lsh_weights: Option<(f64, f64)>,
    verify: Verify,
    representative: Representative,
    boilerplate: Option<BoilerplateConfig>,
    guard: Guard,
    window: Option<u32>,
}

impl Default for Config {
    /// The measured defaults of [`Config::builder`].
    fn default() -> Config {
        ConfigBuilder::default().build().expect("the default configuration is valid")
    }
}

impl Default for ConfigBuilder {
    fn default() -> ConfigBuilder {
        let s = ShingleConfig::default();
        let m = MinHashConfig::default();
        ConfigBuilder {
            unit: s.unit(),
            ngram: s.size(),
            nfkc: s.nfkc(),
            tokenizer: s.tokenizer(),
            algorithm: m.algorithm(),
            num_perm: m.num_perm(),
            seed: m.seed(),
            similarity: Similarity::default(),
            threshold: DEFAULT_THRESHOLD,
            min_shingles: DEFAULT_MIN_SHINGLES,
            min_size_ratio: DEFAULT_MIN_SIZE_RATIO,
            bands_rows: None,
            lsh_weights: None,
            verify: Verify::default(),
            representative: Representative::default(),
            boilerplate: Some(BoilerplateConfig::default()),
            guard: Guard::default(),
            window: None,
        }
    }
}

impl ConfigBuilder {
    /// Word n-gram shingles of `n` words.
    pub fn word_ngrams(mut self, n: usize) -> Self {
        self.unit = ShingleUnit::Words;
        self.ngram = n;
        self
    }
    /// Character n-gram shingles of `n` characters.
    pub fn char_ngrams(mut self, n: usize) -> Self {
        self.unit = ShingleUnit::Chars;
        self.ngram = n;
        self
    }
    /// NFKC-normalise text before shingling.
    pub fn nfkc(mut self, yes: bool) -> Self {
        self.nfkc = yes;
        self
    }
    /// How word shingles cut text into words (default [`Tokenizer::Scripts`]: each character of
    /// Chinese, Japanese, Thai... is a word).
    pub fn tokenizer(mut self, t: Tokenizer) -> Self {
        self.tokenizer = t;
        self
    }
    /// The MinHash algorithm.
    pub fn algorithm(mut self, a: Algorithm) -> Self {
        self.algorithm = a;
        self
    }
    /// The number of signature slots.
    pub fn num_perm(mut self, n: usize) -> Self {
        self.num_perm = n;
        self
    }
    /// The hash seed.
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }
    /// The similarity measure (default [`Similarity::Containment`]).
    pub fn similarity(mut self, s: Similarity) -> Self {
        self.similarity = s;
        self
    }
    /// The threshold on the similarity's scale, in `(0, 1)`.
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = t;
        self
    }
    /// The containment guard: pairs whose smaller document has fewer shingles are judged by
    /// Jaccard (default [`DEFAULT_MIN_SHINGLES`]).
    pub fn min_shingles(mut self, n: u32) -> Self {
        self.min_shingles = n;
        self
    }
    /// The smallest size ratio (smaller / larger set) for which containment pairs are searched
    /// (default [`DEFAULT_MIN_SIZE_RATIO`]); lower finds shorter excerpts at more candidate cost.
    pub fn min_size_ratio(mut self, r: f64) -> Self {
        self.min_size_ratio = r;
        self
    }
    /// Learn boilerplate shingles from the corpus and leave them out (`Some`, the default), or
    /// keep every shingle (`None`).
    pub fn boilerplate(mut self, b: Option<BoilerplateConfig>) -> Self {
        self.boilerplate = b;
        self
    }
    /// The chaining guard (default [`Guard::Representative`]).
    pub fn guard(mut self, g: Guard) -> Self {
        self.guard = g;
        self
    }
    /// Never put documents more than `days` apart in one cluster (`Some(0)`: only documents of
    /// the same day). Documents need dates: see [`crate::CorpusConfig`]'s date field; a run
    /// refuses a document without one.
    pub fn window_days(mut self, days: Option<u32>) -> Self {
        self.window = days;
        self
    }
    /// Fixes the banding instead of deriving it from the threshold.
    pub fn bands_rows(mut self, bands: usize, rows: usize) -> Self {
        self.bands_rows = Some((bands, rows));
        self
    }
    /// Derive the banding by weighing false positives against false negatives (the area under
    /// the S-curve below the target against the area above it) instead of the default: with
    /// verification, the banding with the most rows that still catches a pair at the target with
    /// probability [`LSH_RECALL`]; with [`Verify::None`], equal weights. Not with
    /// [`bands_rows`](ConfigBuilder::bands_rows), which fixes the banding.
    pub fn lsh_weights(mut self, false_positive: f64, false_negative: f64) -> Self {
        self.lsh_weights = Some((false_positive, false_negative));
        self
    }
    /// How candidates are verified.
    pub fn verify(mut self, v: Verify) -> Self {
        self.verify = v;
        self
    }
    /// Which member represents a cluster.
    pub fn representative(mut self, r: Representative) -> Self {
        self.representative = r;
        self
    }
    /// Validates the values and picks the banding: a [`Config`](crate::ErrorKind::Config) error
    /// names the first bad value or combination (a shingle size, `num_perm` outside 1..=8192, a
    /// threshold outside (0, 1), a fixed banding with `bands * rows > num_perm`, LSH weights with
    /// a fixed banding, containment without verification), so that a built `Config` never fails
    /// later for its own sake.
    pub fn build(self) -> Result<Config> {
        let shingle = match self.unit {
            ShingleUnit::Words => ShingleConfig::builder().words(self.ngram),
            ShingleUnit::Chars => ShingleConfig::builder().chars(self.ngram),
        }
        .nfkc(self.nfkc)
        .tokenizer(self.tokenizer)
        .build()?;
        let minhash =
            MinHashConfig::builder().algorithm(self.algorithm).num_perm(self.num_perm).seed(self.seed).build()?;
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(Error::config(format!("the threshold must be in (0, 1), got {}", self.threshold))
                .with_hint("`threshold`"));
        }
        if !(self.min_size_ratio > 0.0 && self.min_size_ratio <= 1.0) {
            return Err(Error::config(format!(
                "the minimum size ratio must be in (0, 1], got {}",
                self.min_size_ratio
            ))
            .with_hint("`min_size_ratio`"));
        }
        if self.similarity == Similarity::Containment && self.verify == Verify::None {
            return Err(Error::config("containment needs verification: its candidates include low-Jaccard pairs")
                .with_hint("set `verify` to hybrid, estimate or exact, or `similarity` to jaccard"));
        }
        if let Some((fp, fneg)) = self.lsh_weights {
            if self.bands_rows.is_some() {
                return Err(Error::config("LSH weights choose a banding, but the banding is fixed (bands_rows)"));
            }
            if !(fp >= 0.0 && fneg >= 0.0 && fp + fneg > 0.0 && (fp + fneg).is_finite()) {
                return Err(Error::config(format!(
                    "LSH weights must be finite, non-negative and not both 0, got ({fp}, {fneg})"
                )));
            }
        }
        let target = lsh_target(self.similarity, self.threshold, self.min_size_ratio);
        let lsh = match (self.bands_rows, self.lsh_weights, self.verify) {
            (Some((b, r)), _, _) => LshParams::new(b, r, self.num_perm)?,
            (None, Some((fp, fneg)), _) => LshParams::optimal(target, self.num_perm, fp, fneg)?,
            // Unverified candidates are the output: balance misses and false pairs.
            (None, None, Verify::None) => LshParams::optimal(target, self.num_perm, 0.5, 0.5)?,
            // Verified: a missed pair is lost for good, a false candidate costs one check.
            (None, None, _) => LshParams::for_recall(target, self.num_perm, LSH_RECALL, LSH_MIN_ROWS)?,
        };
        Ok(Config {
            shingle,
            minhash,
            similarity: self.similarity,
            threshold: self.threshold,
            min_shingles: self.min_shingles,
            min_size_ratio: self.min_size_ratio,
            lsh,
            verify: self.verify,
            representative: self.representative,
            boilerplate: self.boilerplate,
            guard: self.guard,
            window: self.window,
        })
    }
}

/// The Jaccard similarity of a pair at `threshold` on `similarity`'s scale whose smaller set is
/// `ratio` of the larger: `t·ρ / (1 + ρ − t·ρ)` for containment.
pub(crate) fn lsh_target(similarity: Similarity, threshold: f64, ratio: f64) -> f64 {
    match similarity {
        Similarity::Jaccard => threshold,
        Similarity::Containment => threshold * ratio / (1.0 + ratio - threshold * ratio),
    }
}
