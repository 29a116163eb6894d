//! Normalisation and shingling: text in, 64-bit shingle hashes out.
//!
//! Text is normalised the same way for every shingle kind:
//!
//! * optional Unicode NFKC normalisation ([`ShingleConfigBuilder::nfkc`]), which folds
//!   compatibility characters such as full-width letters and ligatures;
//! * full-Unicode lowercasing;
//! * tokenising into *words*, the maximal runs of alphanumeric characters, so that punctuation and
//!   runs of whitespace are folded away ("Kim's  train!" and "kim s train" give the same words).
//!
//! Word shingles are the `n`-grams of consecutive words; character shingles are the `n`-grams of
//! characters of the words joined by single spaces. A document with fewer than `n` words (or
//! characters) is one shingle; a document with no words has no shingles. Each shingle is hashed
//! with xxh3 to a `u64`.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::error::{Error, Result};
use crate::minhash::fmix64;

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

impl ShingleUnit {
    /// A stable name, as used by the CLI and in saved parameters.
    pub fn as_str(self) -> &'static str {
        match self {
            ShingleUnit::Words => "words",
            ShingleUnit::Chars => "chars",
        }
    }
}

/// How documents are cut into shingles. Build one with [`ShingleConfig::builder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShingleConfig {
    unit: ShingleUnit,
    size: usize,
    nfkc: bool,
}

impl Default for ShingleConfig {
    fn default() -> ShingleConfig {
        ShingleConfig { unit: ShingleUnit::Words, size: DEFAULT_WORD_NGRAM, nfkc: false }
    }
}

/// The default word n-gram size, chosen by measurement (see the README's table).
pub const DEFAULT_WORD_NGRAM: usize = 5;

impl ShingleConfig {
    /// A builder starting from the defaults (word 5-grams, no NFKC).
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

    /// Checks the configuration: the size must be in `1..=MAX_SHINGLE_SIZE`.
    pub fn build(self) -> Result<ShingleConfig> {
        let n = self.config.size;
        if n == 0 || n > MAX_SHINGLE_SIZE {
            return Err(Error::config(format!("shingle size must be between 1 and {MAX_SHINGLE_SIZE}, got {n}")));
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
}

impl Default for Shingler {
    fn default() -> Shingler {
        Shingler::new(ShingleConfig::default())
    }
}

impl Shingler {
    /// A shingler for `config`.
    pub fn new(config: ShingleConfig) -> Shingler {
        let seed = xxh3_64_with_seed(&(config.size as u64).to_le_bytes(), 0x0073_6869_6e67_6c65);
        Shingler { config, words: Vec::new(), token: String::new(), joined: String::new(), seed }
    }

    /// The configuration this shingler applies.
    pub fn config(&self) -> &ShingleConfig {
        &self.config
    }

    /// Appends the hash of every shingle of `text` to `out`, in text order (repeats included).
    pub fn shingle_into(&mut self, text: &str, out: &mut Vec<u64>) {
        let text: Cow<'_, str> = if self.config.nfkc { Cow::Owned(text.nfkc().collect()) } else { Cow::Borrowed(text) };
        match self.config.unit {
            ShingleUnit::Words => self.word_shingles(&text, out),
            ShingleUnit::Chars => self.char_shingles(&text, out),
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
        for_each_word(text, &mut self.token, |w| words.push(xxh3_64(w)));
        let words = &self.words;
        if words.is_empty() {
            return;
        }
        let window = n.min(words.len());
        out.reserve(words.len() + 1 - window);
        // A rolling polynomial over the words' xxh3 hashes: h = sum of w[j] * K^(window-1-j) mod 2^64,
        // updated in O(1) per shingle, then mixed with a seed that depends on n (so that n-grams
        // of different sizes never share hashes). The words' hashes are uniformly random, so two
        // different windows collide with probability about 2^-64.
        let top = (1..window).fold(1u64, |p, _| p.wrapping_mul(ROLL));
        let mut h = words[..window].iter().fold(0u64, |h, &w| h.wrapping_mul(ROLL).wrapping_add(w));
        let seed = self.seed;
        out.push(fmix64(h ^ seed));
        for j in window..words.len() {
            h = h.wrapping_sub(words[j - window].wrapping_mul(top)).wrapping_mul(ROLL).wrapping_add(words[j]);
            out.push(fmix64(h ^ seed));
        }
    }

    fn char_shingles(&mut self, text: &str, out: &mut Vec<u64>) {
        let n = self.config.size;
        self.joined.clear();
        let joined = &mut self.joined;
        for_each_word(text, &mut self.token, |w| {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(&String::from_utf8_lossy(w));
        });
        if joined.is_empty() {
            return;
        }
        let bounds: Vec<usize> = joined.char_indices().map(|(i, _)| i).chain(std::iter::once(joined.len())).collect();
        let chars = bounds.len() - 1;
        let window = n.min(chars);
        for start in 0..=(chars - window) {
            let s = &joined.as_bytes()[bounds[start]..bounds[start + window]];
            out.push(xxh3_64_with_seed(s, 0x6368_6172 ^ n as u64));
        }
    }
}

/// The class of each byte value for tokenising: ASCII separators, ASCII alphanumerics, and bytes
/// of multi-byte UTF-8 characters (decoded on the slow path).
const SEP: u8 = 0;
const ALNUM: u8 = 1;
const MULTI: u8 = 2;
static BYTE_CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 {
            MULTI
        } else if c.is_ascii_alphanumeric() {
            ALNUM
        } else {
            SEP
        };
        b += 1;
    }
    t
};

/// Calls `f` with each lowercased word of `text`: each maximal run of alphanumeric characters.
///
/// Runs of ASCII bytes take a fast path (a table lookup per byte; lowercasing is `| 0x20`, which
/// maps `A-Z` to `a-z` and leaves digits alone); a word with a multi-byte character is decoded
/// and lowercased with Unicode's full mapping.
fn for_each_word(text: &str, token: &mut String, mut f: impl FnMut(&[u8])) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let class = |i: usize| BYTE_CLASS[bytes[i] as usize];
    let mut i = 0;
    while i < n {
        while i < n && class(i) == SEP {
            i += 1;
        }
        let start = i;
        while i < n && class(i) == ALNUM {
            i += 1;
        }
        if i == n || class(i) == SEP {
            if i == start {
                break; // only separators were left
            }
            let word = &bytes[start..i];
            let mut lower = [0u8; 64];
            if word.len() <= lower.len() {
                for (d, &b) in lower.iter_mut().zip(word) {
                    *d = b | 0x20;
                }
                f(&lower[..word.len()]);
            } else {
                token.clear();
                token.extend(word.iter().map(|&b| (b | 0x20) as char));
                f(token.as_bytes());
            }
            continue;
        }
        // A multi-byte character at `i`: finish the word (or skip a non-word character) slowly.
        token.clear();
        token.extend(bytes[start..i].iter().map(|&b| (b | 0x20) as char));
        i = finish_word(text, i, token);
        if !token.is_empty() {
            f(token.as_bytes());
        }
    }
}

/// Continues the word in `token` from byte `i` (a char boundary) until a non-alphanumeric
/// character, and returns where scanning resumes: at an ASCII separator, or past a multi-byte one.
fn finish_word(text: &str, i: usize, token: &mut String) -> usize {
    for (off, c) in text[i..].char_indices() {
        if c.is_ascii_alphanumeric() {
            token.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            token.extend(c.to_lowercase());
        } else if c.is_ascii() {
            return i + off;
        } else {
            return i + off + c.len_utf8();
        }
    }
    text.len()
}

/// The lowercased words of `text` (for display and tests; the shingler does not allocate these).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = String::new();
    for_each_word(text, &mut token, |w| out.push(String::from_utf8_lossy(w).into_owned()));
    out
}

/// Counts the distinct values of hash lists without sorting them; reuse one per thread.
#[derive(Clone, Debug, Default)]
pub struct DistinctCounter {
    seen: std::collections::HashSet<u64, std::hash::BuildHasherDefault<IdentityHasher>>,
}

impl DistinctCounter {
    /// The number of distinct values in `hashes` (already uniformly distributed 64-bit hashes).
    pub fn count(&mut self, hashes: &[u64]) -> usize {
        self.seen.clear();
        self.seen.reserve(hashes.len());
        self.seen.extend(hashes.iter().copied());
        self.seen.len()
    }
}

/// A `Hasher` that passes a `u64` through: shingle hashes are already uniformly random.
#[derive(Clone, Copy, Debug, Default)]
struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
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
    fn words_fold_case_punctuation_and_space() {
        assert_eq!(words("Kim's  ARMOURED\ttrain!"), ["kim", "s", "armoured", "train"]);
        assert_eq!(words("ÉCOLE Straße İ"), ["école", "straße", "i\u{307}"]);
        assert_eq!(words("  ...  "), Vec::<String>::new());
        assert_eq!(words("Kathmandu: North Korea’s leader"), ["kathmandu", "north", "korea", "s", "leader"]);
    }

    /// The oracle: a plain char-by-char tokeniser.
    fn reference_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        for c in text.chars() {
            if c.is_alphanumeric() {
                cur.extend(c.to_lowercase());
            } else if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fast_tokeniser_matches_reference(text in "(?s)[ -~\n\t\u{a0}-\u{17f}\u{2018}-\u{201d}\u{4e00}-\u{4e10}\u{1f600}]{0,80}") {
            proptest::prop_assert_eq!(words(&text), reference_words(&text));
        }
        #[test]
        fn fast_tokeniser_matches_reference_on_any_string(text in ".{0,60}") {
            proptest::prop_assert_eq!(words(&text), reference_words(&text));
        }
    }

    #[test]
    fn mixed_words_and_separators() {
        for t in ["Zürich’s “ÉTÉ” café—Ünïcode", "ab€cd", "€", "a€", "€a", "A\u{2014}B", "x\u{a0}y", "ÀB1 2c"]
        {
            assert_eq!(words(t), reference_words(t), "{t:?}");
        }
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
    fn distinct_counter_counts() {
        let mut c = DistinctCounter::default();
        assert_eq!(c.count(&[5, 1, 5, 9, 1]), 3);
        assert_eq!(c.count(&[]), 0);
        let v: Vec<u64> = (0..1000).map(|i| fmix64(i % 700)).collect();
        assert_eq!(c.count(&v), 700);
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
