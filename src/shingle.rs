//! Normalisation and shingling: text in, 64-bit shingle hashes out.
//!
//! A [`Shingler`] cuts a text into *shingles*, word or character n-grams of its normalised text,
//! and hashes each to a `u64`. A document's set of shingles ([`ShingleSet`]) is what similarity is
//! measured on: exact Jaccard `|A ∩ B| / |A ∪ B|` and containment `|A ∩ B| / min(|A|, |B|)`
//! here, their MinHash estimates in [`crate::minhash`].
//!
//! ```
//! use neardupe::shingle::words;
//! use neardupe::{ShingleConfig, Shingler};
//!
//! let story = "The armoured train that Kim uses for foreign visits appears to have departed \
//!              Pyongyang, South Korean media said.";
//! let reprint = format!("Kathmandu: {story} (News Source: BBC)");
//! let mut shingler = Shingler::new(ShingleConfig::default()); // word 5-grams
//! let a = shingler.shingle_set(story);
//! let b = shingler.shingle_set(&reprint);
//! assert_eq!((a.len(), b.len()), (14, 18)); // 18 and 22 words
//! assert_eq!(a.intersection_len(&b), 14);
//! assert_eq!(a.containment(&b), 1.0); // the story is all inside the reprint
//! assert_eq!(a.jaccard(&b), 14.0 / 18.0);
//!
//! // Case, punctuation and runs of whitespace are folded away.
//! assert_eq!(words("Kim's  train!"), ["kim", "s", "train"]);
//! assert_eq!(shingler.shingle_set(&story.to_uppercase()), a);
//! // A text shorter than n words is one shingle; a text without words has none.
//! assert_eq!(shingler.shingles("Breaking news").count(), 1);
//! assert!(shingler.shingle_set("... !!!").is_empty());
//!
//! // Character 4-grams of "kim s train": 11 characters, 8 shingles.
//! let mut chars = Shingler::new(ShingleConfig::builder().chars(4).build()?);
//! assert_eq!(chars.shingles("Kim's  train!").count(), 8);
//! # Ok::<(), neardupe::Error>(())
//! ```
//!
//! Text is normalised the same way for every shingle kind:
//!
//! * optional Unicode NFKC normalisation ([`ShingleConfigBuilder::nfkc`]), which folds
//!   compatibility characters such as full-width letters and ligatures;
//! * full-Unicode lowercasing;
//! * tokenising into *words*, the maximal runs of alphanumeric characters, so that punctuation and
//!   runs of whitespace are folded away ("Kim's  train!" and "kim s train" give the same words);
//!   in scripts written without spaces (Chinese, Japanese, Thai...) each character is a word of its
//!   own, with its combining marks ([`Tokenizer::Scripts`], the default; [`Tokenizer::Runs`] keeps
//!   a run of them as one word, as format versions 1 and 2 did).
//!
//! ```
//! use neardupe::shingle::{Tokenizer, words};
//! use neardupe::{ShingleConfig, Shingler};
//!
//! let story = "朝鲜领导人金正恩乘坐专列前往俄罗斯符拉迪沃斯托克，与普京举行会晤。";
//! let reprint = format!("【环球网报道】{story}（来源：新华社）");
//! assert_eq!(words(story).len(), 31); // one word a character: 27 word 5-grams
//! let mut shingler = Shingler::default();
//! assert_eq!(shingler.shingle_set(story).containment(&shingler.shingle_set(&reprint)), 1.0);
//!
//! // The tokeniser of format version 2: two "words", one shingle each, nothing in common.
//! let runs = ShingleConfig::builder().tokenizer(Tokenizer::Runs).build()?;
//! let mut old = Shingler::new(runs);
//! assert_eq!(old.shingle_set(story).containment(&old.shingle_set(&reprint)), 0.0);
//! # Ok::<(), neardupe::Error>(())
//! ```
//!
//! Word shingles are the `n`-grams of consecutive words; character shingles are the `n`-grams of
//! characters of the words joined by single spaces, words always cut by [`Tokenizer::Runs`]
//! (characters of Chinese are not spaced apart: character shingles do not depend on the
//! tokeniser). A document with fewer than `n` words (or
//! characters) is one shingle; a document with no words has no shingles. Each shingle is hashed
//! to a `u64`: words by a word-at-a-time hash (see the tokeniser), word n-grams by a rolling
//! polynomial over the word hashes (mixed with a seed that depends on `n`), character n-grams by
//! xxh3. A shingler made [`with_filter`](Shingler::with_filter) leaves out the boilerplate
//! shingles of a [`ShingleFilter`] (see [`crate::boilerplate`]).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use std::sync::Arc;

use crate::boilerplate::ShingleFilter;
use crate::error::{Error, ErrorKind, Result};
use crate::hash::fmix64;
pub use crate::tokenize::{Tokenizer, words};
use crate::tokenize::{for_each_word, for_each_word_hash};

/// The multiplier of the rolling word-shingle hash (odd, with well-spread bits).
const ROLL: u64 = 0x9e37_79b9_7f4a_7c15;

/// The largest supported shingle size, in words or characters.
pub const MAX_SHINGLE_SIZE: usize = 32;

/// What a shingle is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShingleUnit {
    /// `n` consecutive words.
    Words,
    /// `n` consecutive characters of the normalised text.
    Chars,
}

crate::names::option_names! {
    ShingleUnit, "shingle unit" {
        Words => "words",
        Chars => "chars",
    }
}

/// How documents are cut into shingles. Build one with [`ShingleConfig::builder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShingleConfig {
    unit: ShingleUnit,
    size: usize,
    nfkc: bool,
    tokenizer: Tokenizer,
}

impl Default for ShingleConfig {
    fn default() -> ShingleConfig {
        ShingleConfig { unit: ShingleUnit::Words, size: DEFAULT_WORD_NGRAM, nfkc: false, tokenizer: Tokenizer::Scripts }
    }
}

/// The default word n-gram size, chosen by measurement (see the README's table).
pub const DEFAULT_WORD_NGRAM: usize = 5;

impl ShingleConfig {
    /// A builder starting from the defaults (word 5-grams, no NFKC, [`Tokenizer::Scripts`]).
    pub fn builder() -> ShingleConfigBuilder {
        ShingleConfigBuilder { config: ShingleConfig::default() }
    }

    /// Words or characters.
    pub fn unit(&self) -> ShingleUnit {
        self.unit
    }

    /// The n-gram size.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether text is NFKC-normalised before tokenising.
    pub fn nfkc(&self) -> bool {
        self.nfkc
    }

    /// How word shingles cut text into words (character shingles do not depend on it).
    pub fn tokenizer(&self) -> Tokenizer {
        self.tokenizer
    }
}

/// Builds a [`ShingleConfig`]; [`build`](ShingleConfigBuilder::build) checks the values.
#[derive(Clone, Debug)]
pub struct ShingleConfigBuilder {
    config: ShingleConfig,
}

impl ShingleConfigBuilder {
    /// Word n-grams of `n` words.
    pub fn words(mut self, n: usize) -> Self {
        self.config.unit = ShingleUnit::Words;
        self.config.size = n;
        self
    }

    /// Character n-grams of `n` characters.
    pub fn chars(mut self, n: usize) -> Self {
        self.config.unit = ShingleUnit::Chars;
        self.config.size = n;
        self
    }

    /// Applies Unicode NFKC normalisation before lowercasing (slower; off by default).
    pub fn nfkc(mut self, yes: bool) -> Self {
        self.config.nfkc = yes;
        self
    }

    /// How word shingles cut text into words (default [`Tokenizer::Scripts`]); character
    /// shingles do not depend on it.
    pub fn tokenizer(mut self, tokenizer: Tokenizer) -> Self {
        self.config.tokenizer = tokenizer;
        self
    }

    /// Checks the configuration: the size must be in `1..=MAX_SHINGLE_SIZE`.
    pub fn build(self) -> Result<ShingleConfig> {
        let n = self.config.size;
        if n == 0 || n > MAX_SHINGLE_SIZE {
            return Err(Error::config(format!("shingle size must be between 1 and {MAX_SHINGLE_SIZE}, got {n}"))
                .with_hint("`word_ngrams` or `char_ngrams`"));
        }
        Ok(self.config)
    }
}

/// Turns text into shingle hashes. Cheap to clone; reuse one per thread with its scratch space.
#[derive(Clone, Debug)]
pub struct Shingler {
    config: ShingleConfig,
    words: Vec<u64>,
    token: String,
    joined: String,
    /// Mixed into word-shingle hashes; depends on the n-gram size only.
    seed: u64,
    /// Boilerplate shingles left out of every document.
    filter: Option<Arc<ShingleFilter>>,
    /// Shingles whose presence in the last document is noted in `watched` (see
    /// [`ShingleFilter::mask_of`]): signing with a boilerplate filter learnt early, to tell
    /// later which documents a change of the filter touches.
    watch: Option<Arc<ShingleFilter>>,
    /// The last document's mask of `watch`'s shingles, before boilerplate is left out.
    watched: u64,
    /// The longest normalised text [`try_shingle_into`](Shingler::try_shingle_into) accepts.
    max_text_bytes: Option<usize>,
    /// The NFKC-normalised text of the current document.
    normalized: String,
}

/// Scratch buffers larger than this many elements are given back after the document that grew
/// them, so that one huge record does not keep its memory for the rest of a run.
pub(crate) const KEEP_CAPACITY: usize = 1 << 22;

impl Default for Shingler {
    fn default() -> Shingler {
        Shingler::new(ShingleConfig::default())
    }
}

impl Shingler {
    /// A shingler for `config`.
    pub fn new(config: ShingleConfig) -> Shingler {
        let seed = xxh3_64_with_seed(&(config.size as u64).to_le_bytes(), 0x0073_6869_6e67_6c65);
        Shingler {
            config,
            words: Vec::new(),
            token: String::new(),
            joined: String::new(),
            seed,
            filter: None,
            watch: None,
            watched: 0,
            max_text_bytes: None,
            normalized: String::new(),
        }
    }

    /// This shingler, leaving out the boilerplate shingles of `filter` (see
    /// [`ShingleFilter::apply`]); an empty filter is no filter.
    pub fn with_filter(mut self, filter: Option<Arc<ShingleFilter>>) -> Shingler {
        self.filter = filter.filter(|f| !f.is_empty());
        self
    }

    /// This shingler, refusing in [`try_shingle_into`](Shingler::try_shingle_into) a text
    /// whose normalised form is longer than `limit` bytes (NFKC can make a text many times
    /// longer: U+FDFA becomes 18 characters), so that the memory one document takes stays within
    /// a multiple of the limit. A corpus's [`max_record_bytes`](crate::corpus::CorpusConfigBuilder::max_record_bytes)
    /// is the limit a run uses.
    pub fn with_max_text_bytes(mut self, limit: Option<usize>) -> Shingler {
        self.max_text_bytes = limit;
        self
    }

    /// This shingler, noting which shingles of `watch` each document has (see
    /// [`watched`](Shingler::watched)).
    pub(crate) fn with_watch(mut self, watch: Option<Arc<ShingleFilter>>) -> Shingler {
        self.watch = watch;
        self
    }

    /// The mask of the watched shingles ([`ShingleFilter::mask_of`]) of the last document
    /// shingled, before its boilerplate was left out; 0 without a watch.
    pub(crate) fn watched(&self) -> u64 {
        self.watched
    }

    /// The boilerplate filter in use, if any.
    pub fn filter(&self) -> Option<&Arc<ShingleFilter>> {
        self.filter.as_ref()
    }

    /// The configuration this shingler applies.
    pub fn config(&self) -> &ShingleConfig {
        &self.config
    }

    /// Appends the hash of every shingle of `text` to `out`, in text order (repeats included),
    /// leaving out boilerplate when the shingler has a [filter](Shingler::with_filter).
    pub fn shingle_into(&mut self, text: &str, out: &mut Vec<u64>) {
        let start = out.len();
        let text: Cow<'_, str> = if self.config.nfkc { Cow::Owned(text.nfkc().collect()) } else { Cow::Borrowed(text) };
        self.shingle_normalized(&text, out, start);
    }

    /// [`shingle_into`](Shingler::shingle_into), refusing a text whose normalised form is longer
    /// than the [limit](Shingler::with_max_text_bytes) with an error of kind
    /// [`RecordTooLarge`](ErrorKind::RecordTooLarge) (nothing is appended then). Without NFKC
    /// the normalised text is the text itself.
    pub fn try_shingle_into(&mut self, text: &str, out: &mut Vec<u64>) -> Result<()> {
        let start = out.len();
        let limit = self.max_text_bytes.unwrap_or(usize::MAX);
        if !self.config.nfkc {
            if text.len() > limit {
                return Err(too_long(text.len(), limit));
            }
            self.shingle_normalized(text, out, start);
            return Ok(());
        }
        let mut normalized = std::mem::take(&mut self.normalized);
        normalized.clear();
        for c in text.nfkc() {
            normalized.push(c);
            if normalized.len() > limit {
                self.normalized = String::new();
                return Err(too_long(text.len(), limit));
            }
        }
        self.shingle_normalized(&normalized, out, start);
        if normalized.capacity() <= KEEP_CAPACITY {
            self.normalized = normalized;
        }
        Ok(())
    }

    fn shingle_normalized(&mut self, text: &str, out: &mut Vec<u64>, start: usize) {
        match self.config.unit {
            ShingleUnit::Words => self.word_shingles(text, out),
            ShingleUnit::Chars => self.char_shingles(text, out),
        }
        if let Some(w) = &self.watch {
            self.watched = w.mask_of(&out[start..]);
        }
        if let Some(f) = &self.filter {
            f.apply_from(out, start);
        }
        // One huge text does not keep its buffers for the rest of the run.
        if self.words.capacity() > KEEP_CAPACITY {
            self.words = Vec::new();
        }
        if self.joined.capacity() > KEEP_CAPACITY {
            self.joined = String::new();
        }
    }

    /// The shingle hashes of `text` as an iterator (in text order, repeats included).
    pub fn shingles(&mut self, text: &str) -> std::vec::IntoIter<u64> {
        let mut out = Vec::new();
        self.shingle_into(text, &mut out);
        out.into_iter()
    }

    /// The set of shingle hashes of `text`, sorted and without repeats.
    pub fn shingle_set(&mut self, text: &str) -> ShingleSet {
        let mut out = Vec::new();
        self.shingle_into(text, &mut out);
        ShingleSet::from_hashes(out)
    }

    fn word_shingles(&mut self, text: &str, out: &mut Vec<u64>) {
        let n = self.config.size;
        self.words.clear();
        let words = &mut self.words;
        for_each_word_hash(text, self.config.tokenizer, &mut self.token, |h| words.push(h));
        let words = &self.words;
        if words.is_empty() {
            return;
        }
        let window = n.min(words.len());
        out.reserve(words.len() + 1 - window);
        // A rolling polynomial over the words' hashes: h = sum of w[j] * K^(window-1-j) mod 2^64,
        // updated in O(1) per shingle, then mixed with a seed that depends on n (so that n-grams
        // of different sizes never share hashes). The words' hashes are uniformly random, so two
        // different windows collide with probability about 2^-64.
        let top = (1..window).fold(1u64, |p, _| p.wrapping_mul(ROLL));
        let mut h = words[..window].iter().fold(0u64, |h, &w| h.wrapping_mul(ROLL).wrapping_add(w));
        let seed = self.seed;
        out.push(fmix64(h ^ seed));
        out.extend(words[window..].iter().zip(words).map(|(&new, &old)| {
            h = h.wrapping_sub(old.wrapping_mul(top)).wrapping_mul(ROLL).wrapping_add(new);
            fmix64(h ^ seed)
        }));
    }

    fn char_shingles(&mut self, text: &str, out: &mut Vec<u64>) {
        let n = self.config.size;
        self.joined.clear();
        self.joined.reserve(text.len());
        let joined = &mut self.joined;
        for_each_word(text, Tokenizer::Runs, &mut self.token, |w| {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(&String::from_utf8_lossy(w));
        });
        if joined.is_empty() {
            return;
        }
        // Windows of `window` characters, from two cursors over the character boundaries (no
        // array of boundaries: 8 bytes a character for a huge text).
        let chars = joined.chars().count();
        let window = n.min(chars);
        out.reserve(chars + 1 - window);
        let starts = joined.char_indices().map(|(i, _)| i);
        let ends = joined.char_indices().map(|(i, _)| i).chain(std::iter::once(joined.len())).skip(window);
        let seed = 0x6368_6172 ^ n as u64;
        out.extend(starts.zip(ends).map(|(s, e)| xxh3_64_with_seed(&joined.as_bytes()[s..e], seed)));
    }
}

/// The error of a text whose normalised form is longer than `limit` bytes.
fn too_long(len: usize, limit: usize) -> Error {
    let human = crate::corpus::human_bytes;
    Error::new(
        ErrorKind::RecordTooLarge,
        format!(
            "text of {} grows past the limit of {} under NFKC normalisation (the limit applies to the normalised text)",
            human(len as u64),
            human(limit as u64)
        ),
    )
    .with_hint("`max_record_bytes`")
}

/// A set of shingle hashes: sorted, without repeats. Used for exact Jaccard.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ShingleSet(Vec<u64>);

impl ShingleSet {
    /// Sorts and deduplicates `hashes` into a set.
    pub fn from_hashes(mut hashes: Vec<u64>) -> ShingleSet {
        hashes.sort_unstable();
        hashes.dedup();
        ShingleSet(hashes)
    }

    /// The number of distinct shingles.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The hashes, sorted ascending.
    pub fn as_slice(&self) -> &[u64] {
        &self.0
    }

    /// The size of the intersection with `other`, by merging the two sorted lists.
    pub fn intersection_len(&self, other: &ShingleSet) -> usize {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    }

    /// Exact Jaccard similarity |A ∩ B| / |A ∪ B|; 0 when both sets are empty.
    pub fn jaccard(&self, other: &ShingleSet) -> f64 {
        let inter = self.intersection_len(other);
        let union = self.len() + other.len() - inter;
        if union == 0 { 0.0 } else { inter as f64 / union as f64 }
    }

    /// Exact containment |A ∩ B| / min(|A|, |B|); 0 when either set is empty.
    pub fn containment(&self, other: &ShingleSet) -> f64 {
        let small = self.len().min(other.len());
        if small == 0 { 0.0 } else { self.intersection_len(other) as f64 / small as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shingler(n: usize) -> Shingler {
        Shingler::new(ShingleConfig::builder().words(n).build().unwrap())
    }

    #[test]
    fn same_words_same_shingles() {
        let mut s = shingler(3);
        let a: Vec<u64> = s.shingles("The armoured train, departed Pyongyang.").collect();
        let b: Vec<u64> = s.shingles("the ARMOURED   train departed -- pyongyang").collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
    }

    #[test]
    fn short_document_is_one_shingle_and_empty_has_none() {
        let mut s = shingler(5);
        assert_eq!(s.shingles("two words").count(), 1);
        assert_eq!(s.shingles("").count(), 0);
        assert_eq!(s.shingles("!!! ???").count(), 0);
        assert_ne!(s.shingles("two words").next(), s.shingles("two birds").next());
    }

    #[test]
    fn order_matters_within_a_shingle() {
        let mut s = shingler(2);
        let a = s.shingle_set("a b");
        let b = s.shingle_set("b a");
        assert_eq!(a.intersection_len(&b), 0);
    }

    #[test]
    fn char_shingles_join_words_with_one_space() {
        let mut s = Shingler::new(ShingleConfig::builder().chars(4).build().unwrap());
        let a: Vec<u64> = s.shingles("Hi, there").collect();
        let b: Vec<u64> = s.shingles("hi   THERE!").collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), "hi there".len() - 3);
        assert_eq!(s.shingles("héé").count(), 1);
    }

    #[test]
    fn nfkc_folds_compatibility_forms() {
        let cfg = ShingleConfig::builder().words(1).nfkc(true).build().unwrap();
        let mut s = Shingler::new(cfg);
        assert_eq!(s.shingle_set("ＢＢＣ ﬁle"), s.shingle_set("bbc file"));
        let mut plain = shingler(1);
        assert_ne!(plain.shingle_set("ＢＢＣ"), plain.shingle_set("bbc"));
    }

    #[test]
    fn normalised_text_longer_than_the_limit_is_refused() {
        let cfg = ShingleConfig::builder().words(5).nfkc(true).build().unwrap();
        let text = "\u{fdfa}".repeat(100); // 300 bytes, 3,300 after NFKC
        let mut out = Vec::new();
        let mut s = Shingler::new(cfg).with_max_text_bytes(Some(1000));
        let e = s.try_shingle_into(&text, &mut out).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RecordTooLarge);
        assert!(e.to_string().contains("NFKC"), "{e}");
        assert!(out.is_empty());
        let mut s = Shingler::new(cfg).with_max_text_bytes(Some(4000));
        s.try_shingle_into(&text, &mut out).unwrap();
        assert_eq!(out, Shingler::new(cfg).shingles(&text).collect::<Vec<_>>());
    }

    #[test]
    fn char_windows_are_those_of_the_boundaries() {
        let mut s = Shingler::new(ShingleConfig::builder().chars(3).build().unwrap());
        let text = "héllo wörld ünïcode ab";
        let joined = "héllo wörld ünïcode ab";
        let b: Vec<usize> = joined.char_indices().map(|(i, _)| i).chain([joined.len()]).collect();
        let want: Vec<u64> =
            (0..b.len() - 3).map(|i| xxh3_64_with_seed(&joined.as_bytes()[b[i]..b[i + 3]], 0x6368_6172 ^ 3)).collect();
        assert_eq!(s.shingles(text).collect::<Vec<_>>(), want);
    }

    #[test]
    fn exact_set_measures() {
        let a = ShingleSet::from_hashes(vec![1, 2, 3, 4, 4]);
        let b = ShingleSet::from_hashes(vec![3, 4, 5]);
        assert_eq!(a.len(), 4);
        assert_eq!(a.intersection_len(&b), 2);
        assert!((a.jaccard(&b) - 2.0 / 5.0).abs() < 1e-12);
        assert!((a.containment(&b) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(ShingleSet::default().jaccard(&ShingleSet::default()), 0.0);
    }

    #[test]
    fn config_is_checked() {
        assert!(ShingleConfig::builder().words(0).build().is_err());
        assert!(ShingleConfig::builder().chars(MAX_SHINGLE_SIZE + 1).build().is_err());
    }
}
