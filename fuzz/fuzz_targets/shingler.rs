//! Fuzzes shingling and MinHash signing on arbitrary UTF-8.
//!
//! Input layout: byte 0 picks the n-gram size (1..=8), byte 1 the number of MinHash slots, the
//! rest is the text (skipped unless it is valid UTF-8). Checks:
//!
//! * `shingle_set` is sorted and free of repeats, and equals the set of `shingles`;
//! * the two scanners of the tokeniser agree under both tokenisers (`scripts`, which cuts Chinese,
//!   Japanese, Thai... into characters, and `runs`): the word-at-a-time hashes of
//!   `for_each_word_hash` (SWAR blocks, ASCII words hashed in place) are the `word_hash` of each
//!   word `for_each_word` yields, and `Tokenizer::words` lists those words;
//! * the number of shingles is `max(units - n + 1, 1)` for texts with words, 0 without, where
//!   units are the words of `Tokenizer::words` for word shingles (under the configuration's
//!   tokeniser), or the characters of the `runs` words joined by single spaces for character
//!   shingles, on the NFKC-normalised text when NFKC is on;
//! * MinHash signing (both algorithms) never leaves an `EMPTY_SLOT` for a non-empty set, leaves
//!   only empty slots for an empty one, and ignores order and repeats.

#![no_main]

use libfuzzer_sys::fuzz_target;
use neardupe::minhash::EMPTY_SLOT;
use neardupe::shingle::{ShingleConfig, Tokenizer};
use neardupe::tokenize::{for_each_word, for_each_word_hash, word_hash};
use neardupe::{Algorithm, MinHashConfig, MinHasher, Shingler};
use unicode_normalization::UnicodeNormalization;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let n = (data[0] % 8) as usize + 1;
    let num_perm = data[1] as usize + 1;
    let Ok(text) = std::str::from_utf8(&data[2..]) else {
        return;
    };

    for tokenizer in [Tokenizer::Scripts, Tokenizer::Runs] {
        let mut token = String::new();
        let (mut hashes, mut words) = (Vec::new(), Vec::new());
        for_each_word_hash(text, tokenizer, &mut token, |h| hashes.push(h));
        for_each_word(text, tokenizer, &mut token, |w| words.push(w.to_vec()));
        let expected: Vec<u64> = words.iter().map(|w| word_hash(w)).collect();
        assert_eq!(hashes, expected, "{tokenizer:?}: the scanners disagree on {text:?}");
        let listed: Vec<Vec<u8>> = tokenizer.words(text).into_iter().map(String::into_bytes).collect();
        assert_eq!(listed, words, "{tokenizer:?}");
    }

    for (nfkc, tokenizer) in [(false, Tokenizer::Scripts), (true, Tokenizer::Scripts), (false, Tokenizer::Runs)] {
        let normalised: String = if nfkc { text.nfkc().collect() } else { text.to_string() };
        let word_units = tokenizer.words(&normalised).len();
        let char_units = Tokenizer::Runs.words(&normalised).join(" ").chars().count();

        for (chars, units) in [(false, word_units), (true, char_units)] {
            let b = ShingleConfig::builder().nfkc(nfkc).tokenizer(tokenizer);
            let config = if chars { b.chars(n) } else { b.words(n) }.build().unwrap();
            let mut shingler = Shingler::new(config);

            let list: Vec<u64> = shingler.shingles(text).collect();
            let expected = if units == 0 { 0 } else { units.saturating_sub(n) + 1 };
            assert_eq!(
                list.len(),
                expected,
                "{} {n}-grams (nfkc = {nfkc}, {tokenizer:?}) of {units} units",
                if chars { "char" } else { "word" }
            );

            let set = shingler.shingle_set(text);
            let s = set.as_slice();
            assert!(s.windows(2).all(|w| w[0] < w[1]), "shingle_set is not sorted and deduplicated");
            let mut sorted = list.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(s, &sorted[..], "shingle_set differs from the set of shingles");
            assert_eq!(set.is_empty(), list.is_empty());
            if !set.is_empty() {
                assert_eq!(set.jaccard(&set), 1.0);
            }

            for algorithm in [Algorithm::Classic, Algorithm::OnePermutation] {
                let mc = MinHashConfig::builder().algorithm(algorithm).num_perm(num_perm).build().unwrap();
                let hasher = MinHasher::new(mc);
                let sig = hasher.sign(s);
                assert_eq!(sig.as_slice().len(), num_perm);
                if set.is_empty() {
                    assert!(sig.is_empty_set(), "{algorithm:?}: empty set gave a non-empty signature");
                } else {
                    assert!(
                        sig.as_slice().iter().all(|&v| v != EMPTY_SLOT),
                        "{algorithm:?} with {num_perm} slots left an empty slot for {} shingles",
                        s.len()
                    );
                    // Order and repeats do not matter.
                    let mut rev = list.clone();
                    rev.reverse();
                    assert_eq!(hasher.sign(&rev), sig, "{algorithm:?}: signature depends on order");
                    assert_eq!(sig.jaccard(&sig), 1.0);
                }
            }
        }
    }
});
