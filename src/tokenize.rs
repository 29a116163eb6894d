//! Tokenising: text into lowercased words, and words into 64-bit hashes.
//!
//! A *word* is a maximal run of alphanumeric characters, lowercased with Unicode's full mapping.
//! Two scanners share that definition:
//!
//! * [`for_each_word`] yields each word's bytes (for character shingles, display and tests);
//! * [`for_each_word_hash`] yields each word's [`word_hash`] without copying the word: it reads the
//!   text eight bytes at a time, classifies the bytes with word-parallel (SWAR) arithmetic, and
//!   hashes ASCII words straight from the text. A word with a multi-byte character is finished on
//!   the slow path and hashed from its lowercased bytes, so both scanners agree on every input.

/// `0x01` in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte.
const HIGH: u64 = 0x8080_8080_8080_8080;
/// The multiplier of the word hash (odd, well-spread bits).
const WORD_MUL: u64 = 0x9fb2_1c65_1e98_df25;
/// The word hash's starting value.
const WORD_SEED: u64 = 0x776f_7264_5f68_6173; // "word_has"

/// `0x20` in every byte: OR-ing it into an ASCII letter or digit lowercases it.
const LOWER: u64 = 0x20 * ONES;

/// For eight bytes packed little-endian in `x`: `0x80` in each byte that may belong to a word (an
/// ASCII letter or digit, or any byte of a multi-byte character), `0` in the others.
///
/// For a 7-bit byte `v`, `v + (0x80 - lo)` has its top bit set iff `v >= lo`, and
/// `v + (0x7f - hi)` iff `v > hi`; neither sum carries into the next byte.
#[inline]
fn word_bytes(x: u64) -> u64 {
    let v = x & !HIGH;
    let folded = v | LOWER; // 'A'..='Z' -> 'a'..='z'; no other byte lands in 'a'..='z'
    let letter = (folded + (0x80 - b'a' as u64) * ONES) & !(folded + (0x7f - b'z' as u64) * ONES);
    let digit = (v + (0x80 - b'0' as u64) * ONES) & !(v + (0x7f - b'9' as u64) * ONES);
    (letter | digit | x) & HIGH
}

/// The top bit of each byte of `x`, packed into the low eight bits (bit `j` from byte `j`).
#[inline]
fn movemask(x: u64) -> u64 {
    ((x >> 7) & ONES).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Eight bytes as a little-endian `u64`.
#[inline]
fn le64(c: &[u8]) -> u64 {
    u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
}

/// Bit `j` is set iff byte `j` of the 64-byte `block` may belong to a word (see [`word_bytes`]).
#[inline]
fn block_mask(block: &[u8]) -> u64 {
    let mut mask = 0;
    for (k, c) in block.chunks_exact(8).enumerate() {
        mask |= movemask(word_bytes(le64(c))) << (8 * k);
    }
    mask
}

/// The word hash, one step: folds in up to eight bytes of a word.
#[inline]
fn absorb(h: u64, chunk: u64) -> u64 {
    (h.rotate_left(29) ^ chunk).wrapping_mul(WORD_MUL)
}

/// The final mix of the word hash (Murmur3's 64-bit finaliser with the length folded in).
#[inline]
fn finish(h: u64, len: usize) -> u64 {
    crate::hash::fmix64(h ^ len as u64)
}

/// The 64-bit hash of one (already lowercased) word.
///
/// Words of up to eight bytes are mapped one to one (no two collide); longer words are folded
/// eight bytes at a time.
pub(crate) fn word_hash(word: &[u8]) -> u64 {
    let mut h = WORD_SEED;
    for chunk in word.chunks(8) {
        let mut buf = [0u8; 8];
        buf[..chunk.len()].copy_from_slice(chunk);
        h = absorb(h, u64::from_le_bytes(buf));
    }
    finish(h, word.len())
}

/// The [`word_hash`] of the run `bytes[start..end]` of ASCII letters and digits, read straight
/// from the text and lowercased on the fly; `None` if the run holds a non-ASCII byte.
#[inline(always)]
fn ascii_run_hash(bytes: &[u8], start: usize, end: usize) -> Option<u64> {
    let word = &bytes[start..end];
    let mut h = WORD_SEED;
    let mut seen = 0u64;
    let mut chunks = word.chunks_exact(8);
    for c in &mut chunks {
        let x = le64(c);
        seen |= x;
        h = absorb(h, x | LOWER);
    }
    let tail = chunks.remainder().len();
    if tail > 0 {
        // The last `tail` bytes: the top of the eight bytes that end the run, shifted down (or
        // copied when the text is shorter than eight bytes).
        let x = match end.checked_sub(8) {
            Some(s) => le64(&bytes[s..end]) >> (8 * (8 - tail)),
            None => {
                let mut buf = [0u8; 8];
                buf[..tail].copy_from_slice(chunks.remainder());
                u64::from_le_bytes(buf)
            }
        };
        seen |= x;
        h = absorb(h, (x | LOWER) & ((1u64 << (8 * tail)) - 1));
    }
    (seen & HIGH == 0).then(|| finish(h, word.len()))
}

/// Calls `f` with the [`word_hash`] of each word of the run `text[start..end]`.
#[inline(always)]
fn run_words(text: &str, start: usize, end: usize, token: &mut String, f: &mut impl FnMut(u64)) {
    match ascii_run_hash(text.as_bytes(), start, end) {
        Some(h) => f(h),
        None => slow_run_words(&text[start..end], token, f),
    }
}

/// The slow path of [`run_words`]: a run with multi-byte characters (`run` starts and ends next
/// to ASCII separators or the text's ends, so it is a whole `str`).
#[cold]
fn slow_run_words(run: &str, token: &mut String, f: &mut impl FnMut(u64)) {
    for_each_word(run, token, |w| f(word_hash(w)));
}

/// Calls `f` with the [`word_hash`] of each word of `text`, in order.
///
/// The text is classified 64 bytes at a time into a bit mask of the bytes that may belong to a
/// word. Each run of such bytes is one ASCII word, hashed straight from the text, unless it holds
/// a multi-byte character: then the run is tokenised on the slow path (it may hold non-ASCII
/// punctuation that splits it). `token` is scratch space for that path.
pub(crate) fn for_each_word_hash(text: &str, token: &mut String, mut f: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    // The start of a run that reaches the end of the previous block.
    let mut open: Option<usize> = None;
    let mut base = 0;
    while base < bytes.len() {
        let mask = match bytes.get(base..base + 64) {
            Some(block) => block_mask(block),
            None => {
                let mut block = [0u8; 64];
                block[..bytes.len() - base].copy_from_slice(&bytes[base..]);
                block_mask(&block)
            }
        };
        let mut mask = mask;
        if let Some(start) = open {
            let len = (!mask).trailing_zeros() as usize;
            if len == 64 {
                base += 64;
                continue;
            }
            run_words(text, start, base + len, token, &mut f);
            open = None;
            mask &= mask.wrapping_add(1); // clear the run's bits
        }
        while mask != 0 {
            let s = mask.trailing_zeros() as usize;
            let len = (!(mask >> s)).trailing_zeros() as usize;
            if s + len == 64 {
                open = Some(base + s);
                break;
            }
            run_words(text, base + s, base + s + len, token, &mut f);
            mask &= mask.wrapping_add(1 << s); // clear the run's bits
        }
        base += 64;
    }
    if let Some(start) = open {
        run_words(text, start, bytes.len(), token, &mut f);
    }
}

/// The class of each byte value for [`for_each_word`]: ASCII separators, ASCII alphanumerics, and
/// bytes of multi-byte UTF-8 characters (decoded on the slow path).
const SEP: u8 = 0;
const ALNUM: u8 = 1;
static BYTE_CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 {
            2
        } else if c.is_ascii_alphanumeric() {
            ALNUM
        } else {
            SEP
        };
        b += 1;
    }
    t
};

/// Calls `f` with each lowercased word of `text`.
///
/// Runs of ASCII bytes take a fast path (a table lookup per byte; lowercasing is `| 0x20`, which
/// maps `A-Z` to `a-z` and leaves digits alone); a word with a multi-byte character is decoded
/// and lowercased with Unicode's full mapping.
pub(crate) fn for_each_word(text: &str, token: &mut String, mut f: impl FnMut(&[u8])) {
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
        token.clear();
        token.extend(bytes[start..i].iter().map(|&b| (b | 0x20) as char));
        if i < n && class(i) != SEP {
            // A multi-byte character at `i`: finish the word (or skip a non-word character) slowly.
            i = finish_word(text, i, token);
        }
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

/// The lowercased words of `text`, as the shingler sees them (for display and tests; the shingler
/// itself does not allocate words).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut token = String::new();
    for_each_word(text, &mut token, |w| out.push(String::from_utf8_lossy(w).into_owned()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn fast_hashes(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_word_hash(text, &mut String::new(), |h| out.push(h));
        out
    }

    fn reference_hashes(text: &str) -> Vec<u64> {
        reference_words(text).iter().map(|w| word_hash(w.as_bytes())).collect()
    }

    #[test]
    fn words_fold_case_punctuation_and_space() {
        assert_eq!(words("Kim's  ARMOURED\ttrain!"), ["kim", "s", "armoured", "train"]);
        assert_eq!(words("ÉCOLE Straße İ"), ["école", "straße", "i\u{307}"]);
        assert_eq!(words("  ...  "), Vec::<String>::new());
        assert_eq!(words("Kathmandu: North Korea’s leader"), ["kathmandu", "north", "korea", "s", "leader"]);
    }

    #[test]
    fn byte_classes() {
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b, b' ', b, b'a', 0, b, 0xc3, b]);
            let w = u64::from(b.is_ascii_alphanumeric() || b >= 0x80);
            assert_eq!(movemask(word_bytes(x)), w | 0b1000 | w << 2 | w << 5 | 0b100_0000 | w << 7, "byte {b:#x}");
        }
    }

    #[test]
    fn short_words_never_collide() {
        let words = ["a", "b", "ab", "ba", "a1", "abcdefgh", "abcdefg", "abcdefghi", "abcdefgh1"];
        let mut hashes: Vec<u64> = words.iter().map(|w| word_hash(w.as_bytes())).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), words.len());
    }

    #[test]
    fn mixed_words_and_separators() {
        for t in [
            "Zürich’s “ÉTÉ” café—Ünïcode",
            "ab€cd",
            "€",
            "a€",
            "€a",
            "A\u{2014}B",
            "x\u{a0}y",
            "ÀB1 2c",
            "abcdefghÉ",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 tail",
            "exactly8",
            "exactly8 ",
            "16-byte-words-xx",
        ] {
            assert_eq!(words(t), reference_words(t), "{t:?}");
            assert_eq!(fast_hashes(t), reference_hashes(t), "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn tokenisers_match_reference(text in "(?s)[ -~\n\t\u{a0}-\u{17f}\u{2018}-\u{201d}\u{4e00}-\u{4e10}\u{1f600}]{0,300}") {
            proptest::prop_assert_eq!(words(&text), reference_words(&text));
            proptest::prop_assert_eq!(fast_hashes(&text), reference_hashes(&text));
        }
        #[test]
        fn tokenisers_match_reference_on_any_string(text in ".{0,60}") {
            proptest::prop_assert_eq!(words(&text), reference_words(&text));
            proptest::prop_assert_eq!(fast_hashes(&text), reference_hashes(&text));
        }
        #[test]
        fn long_ascii_words_match(text in "[a-zA-Z0-9 ]{0,200}|[a-z]{60,140}( [a-z\u{e9}]{1,70}){0,3}") {
            proptest::prop_assert_eq!(fast_hashes(&text), reference_hashes(&text));
        }
    }
}
