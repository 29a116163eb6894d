//! Tokenising: text into lowercased words, and words into 64-bit hashes.
//!
//! ```
//! use neardupe::shingle::Tokenizer;
//!
//! // A word is a maximal run of alphanumeric characters, lowercased with Unicode's full mapping...
//! assert_eq!(Tokenizer::Scripts.words("Kim's  ARMOURED train!"), ["kim", "s", "armoured", "train"]);
//! // ...except in scripts written without spaces, where each character is a word of its own, with
//! // the combining marks that follow it.
//! assert_eq!(Tokenizer::Scripts.words("北京（新华社）"), ["北", "京", "新", "华", "社"]);
//! assert_eq!(Tokenizer::Scripts.words("ตั้งแต่ 2024"), ["ตั้", "ง", "แ", "ต่", "2024"]);
//! assert_eq!(Tokenizer::Scripts.words("iPhone用"), ["iphone", "用"]);
//! // The tokeniser of format versions 1 and 2 keeps a run of Chinese as one word.
//! assert_eq!(Tokenizer::Runs.words("北京（新华社）"), ["北京", "新华社"]);
//! ```
//!
//! [`Tokenizer`] says which scripts are written without spaces; the `Script` and
//! `Script_Extensions` properties come from the `unicode-script` crate, combining marks from
//! `unicode-normalization` (already used for NFKC), and a few blocks of common characters are
//! decided without a table search (`in_unspaced_script`, tested against the tables on every
//! character).
//!
//! Why characters, and not dictionary words: a word n-gram of characters is a character n-gram,
//! which is what near-duplicate detection of Chinese and Japanese text has always used; it needs no
//! dictionary, is deterministic and fast, and a typo changes the shingles around one character
//! only. The README's *Scripts* section has the measurements against UAX #29 word segments and
//! ICU's dictionary segmenter.
//!
//! Two scanners share the definition:
//!
//! * [`for_each_word`] yields each word's bytes (for display and tests);
//! * [`for_each_word_hash`] yields each word's [`word_hash`] without copying the word: it reads the
//!   text eight bytes at a time, classifies the bytes with word-parallel (SWAR) arithmetic, and
//!   hashes ASCII words straight from the text. A run with a multi-byte character is finished on
//!   the slow path ([`for_each_word`] over the run) and hashed from its lowercased bytes, so both
//!   scanners agree on every input, and ASCII text takes the same path under both tokenisers.

// Public items, so that the fuzz targets can use them under `cfg(fuzzing)`; private otherwise.
#![cfg_attr(not(fuzzing), allow(unreachable_pub))]

use unicode_normalization::char::is_combining_mark;
use unicode_script::{Script, ScriptExtension, UnicodeScript};

/// How text is cut into words, for word shingles.
///
/// ```
/// use neardupe::shingle::Tokenizer;
///
/// assert_eq!(Tokenizer::Scripts.words("東京で、コーヒーを"), ["東", "京", "で", "コ", "ー", "ヒ", "ー", "を"]);
/// assert_eq!(Tokenizer::Runs.words("東京で、コーヒーを"), ["東京で", "コーヒーを"]);
/// assert_eq!(Tokenizer::Scripts.words("Zürich’s café"), Tokenizer::Runs.words("Zürich’s café"));
/// ```
///
/// The two agree on every text without a character of a script written without spaces: Latin,
/// Greek, Cyrillic, Arabic, Hebrew, Devanagari and the other scripts of South Asia, Hangul (Korean
/// puts spaces between words) and everything else. The scripts written without spaces are Han
/// (every block of CJK ideographs, extensions included), Hiragana, Katakana (half-width forms
/// included), Bopomofo, Yi, Tangut, Nüshu and the Khitan small script (UAX #14 breaks lines
/// around each of their characters), and Thai, Lao, Khmer, Myanmar, Tai Le, New Tai Lue, Tai
/// Tham, Tai Viet and Ahom (whose words UAX #14 leaves to a dictionary). A character belongs to
/// one by its Unicode `Script`, or, for one of script Common or Inherited, by its
/// `Script_Extensions` when they name only such scripts (`ー`, the prolonged sound mark of
/// Hiragana and Katakana). The combining marks (general category M) that follow such a character
/// are part of its word: Thai vowel and tone marks, the combining kana voicing marks.
///
/// The tokeniser is part of the parameters that make signatures comparable: an index records it,
/// and an index written before it existed (format version 1 or 2) keeps signing with
/// [`Tokenizer::Runs`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tokenizer {
    /// Words are maximal runs of alphanumeric characters, except that each character of a script
    /// written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar...) is a word of
    /// its own, with the combining marks that follow it. The default.
    #[default]
    Scripts,
    /// Words are maximal runs of alphanumeric characters, whatever the script: a sentence of
    /// Chinese between two punctuation marks is one word. The tokeniser of neardupe's format
    /// versions 1 and 2, kept to read their indexes.
    Runs,
}

crate::names::option_names! {
    Tokenizer, "tokenizer" {
        Scripts => "scripts",
        Runs => "runs",
    }
}

impl Tokenizer {
    /// The lowercased words of `text`, as the shingler sees them (for display and tests; the
    /// shingler itself does not allocate words).
    pub fn words(self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut token = String::new();
        for_each_word(text, self, &mut token, |w| out.push(String::from_utf8_lossy(w).into_owned()));
        out
    }
}

/// The scripts written without spaces between words: each of their characters is a word.
const UNSPACED: [Script; 17] = [
    // Ideographic and syllabic scripts broken around every character (UAX #14 classes ID, CJ).
    Script::Han,
    Script::Hiragana,
    Script::Katakana,
    Script::Bopomofo,
    Script::Yi,
    Script::Tangut,
    Script::Nushu,
    Script::Khitan_Small_Script,
    // Scripts whose words only a dictionary finds (UAX #14 class SA).
    Script::Thai,
    Script::Lao,
    Script::Khmer,
    Script::Myanmar,
    Script::Tai_Le,
    Script::New_Tai_Lue,
    Script::Tai_Tham,
    Script::Tai_Viet,
    Script::Ahom,
];

/// The first character of any script in [`UNSPACED`] (Thai's first letter); every character
/// below it is tested to belong to none
/// (`nothing_below_the_first_unspaced_character_and_the_fast_blocks_agree`).
const FIRST_UNSPACED: char = '\u{e01}';

/// Whether `c` is an alphanumeric character of a script written without spaces: a word of its
/// own under [`Tokenizer::Scripts`] (`finish_word` tests the same, in its own order).
#[cfg(test)]
fn is_unspaced(c: char) -> bool {
    c >= FIRST_UNSPACED && c.is_alphanumeric() && in_unspaced_script(c)
}

/// Whether `c` belongs to a script of [`UNSPACED`]: by its `Script`, or for a character of
/// script Common or Inherited, by its `Script_Extensions` when every script there is in
/// [`UNSPACED`] (`ー` is Common, used by Hiragana and Katakana only; `ʼ`, used by Latin,
/// Cyrillic and Thai among others, is not a word of its own, so that `donʼt` stays one word).
fn in_unspaced_script(c: char) -> bool {
    // No table search for the commonest characters of Chinese, Japanese and Thai text: the
    // blocks of CJK Unified Ideographs, Hiragana and Katakana, and Thai, whose alphanumeric
    // characters are all of those scripts, nor for Hangul syllables and the Latin of Vietnamese
    // (tested on every character).
    match c {
        '\u{4e00}'..='\u{9fff}' | '\u{3041}'..='\u{30ff}' | '\u{e01}'..='\u{e5b}' => return true,
        '\u{ac00}'..='\u{d7a3}' | '\u{1e00}'..='\u{1eff}' => return false,
        _ => {}
    }
    match c.script() {
        Script::Common | Script::Inherited => {
            let ext = c.script_extension();
            only_unspaced(ext)
        }
        s => UNSPACED.contains(&s),
    }
}

/// Whether the scripts of `ext` are all in [`UNSPACED`] (and there is one).
fn only_unspaced(ext: ScriptExtension) -> bool {
    !ext.is_common() && !ext.is_inherited() && !ext.is_empty() && ext.iter().all(|s| UNSPACED.contains(&s))
}

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
pub fn word_hash(word: &[u8]) -> u64 {
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
fn run_words(text: &str, start: usize, end: usize, tokenizer: Tokenizer, token: &mut String, f: &mut impl FnMut(u64)) {
    match ascii_run_hash(text.as_bytes(), start, end) {
        Some(h) => f(h),
        None => slow_run_words(&text[start..end], tokenizer, token, f),
    }
}

/// The slow path of [`run_words`]: a run with multi-byte characters (`run` starts and ends next
/// to ASCII separators or the text's ends, so it is a whole `str`, and no word or combining mark
/// crosses its ends).
#[cold]
fn slow_run_words(run: &str, tokenizer: Tokenizer, token: &mut String, f: &mut impl FnMut(u64)) {
    for_each_word(run, tokenizer, token, |w| f(word_hash(w)));
}

/// Calls `f` with the [`word_hash`] of each word of `text`, in order.
///
/// The text is classified 64 bytes at a time into a bit mask of the bytes that may belong to a
/// word. Each run of such bytes is one ASCII word, hashed straight from the text, unless it holds
/// a multi-byte character: then the run is tokenised on the slow path (it may hold non-ASCII
/// punctuation that splits it). `token` is scratch space for that path.
pub fn for_each_word_hash(text: &str, tokenizer: Tokenizer, token: &mut String, mut f: impl FnMut(u64)) {
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
            run_words(text, start, base + len, tokenizer, token, &mut f);
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
            run_words(text, base + s, base + s + len, tokenizer, token, &mut f);
            mask &= mask.wrapping_add(1 << s); // clear the run's bits
        }
        base += 64;
    }
    if let Some(start) = open {
        run_words(text, start, bytes.len(), tokenizer, token, &mut f);
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

/// Calls `f` with each lowercased word of `text` under `tokenizer`.
///
/// Runs of ASCII bytes take a fast path (a table lookup per byte; lowercasing is `| 0x20`, which
/// maps `A-Z` to `a-z` and leaves digits alone); a word with a multi-byte character is decoded
/// and lowercased with Unicode's full mapping.
pub fn for_each_word(text: &str, tokenizer: Tokenizer, token: &mut String, mut f: impl FnMut(&[u8])) {
    let split = tokenizer == Tokenizer::Scripts;
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
            i = finish_word(text, i, split, token);
        }
        if !token.is_empty() {
            f(token.as_bytes());
        }
    }
}

/// Continues the word in `token` from byte `i` (a char boundary) until it ends, and returns
/// where scanning resumes: at an ASCII separator, past a multi-byte one, or (with `split`) at a
/// character of a script written without spaces that ends the word, or past it and its combining
/// marks when it is the word (`token` empty at it).
fn finish_word(text: &str, i: usize, split: bool, token: &mut String) -> usize {
    for (off, c) in text[i..].char_indices() {
        if c.is_ascii_alphanumeric() {
            token.push(c.to_ascii_lowercase());
        } else if c.is_ascii() {
            return i + off;
        } else if !c.is_alphanumeric() {
            return i + off + c.len_utf8();
        } else if split && c >= FIRST_UNSPACED && in_unspaced_script(c) {
            if !token.is_empty() {
                return i + off;
            }
            token.push(c); // these scripts have no case (tested)
            let rest = &text[i + off + c.len_utf8()..];
            // Combining marks start at U+0300.
            let mark = |&m: &char| m >= '\u{300}' && is_combining_mark(m);
            let marks = rest.chars().take_while(mark).map(char::len_utf8).sum::<usize>();
            token.push_str(&rest[..marks]);
            return text.len() - rest.len() + marks;
        } else {
            token.extend(c.to_lowercase());
        }
    }
    text.len()
}

/// The lowercased words of `text` under the default tokeniser, [`Tokenizer::Scripts`] (see
/// [`Tokenizer::words`]).
pub fn words(text: &str) -> Vec<String> {
    Tokenizer::default().words(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: [Tokenizer; 2] = [Tokenizer::Scripts, Tokenizer::Runs];

    /// The oracle: a plain char-by-char tokeniser.
    fn reference_words(text: &str, tokenizer: Tokenizer) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        // Whether `cur` is one character of a script written without spaces (and its marks).
        let mut unit = false;
        for c in text.chars() {
            if unit && is_combining_mark(c) {
                cur.push(c);
                continue;
            }
            if unit || (tokenizer == Tokenizer::Scripts && reference_is_unspaced(c)) {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                unit = false;
            }
            if c.is_alphanumeric() {
                cur.extend(c.to_lowercase());
                unit = tokenizer == Tokenizer::Scripts && reference_is_unspaced(c);
            } else if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    /// The property from the crate's tables alone: no fast range, no lower bound.
    fn reference_is_unspaced(c: char) -> bool {
        c.is_alphanumeric() && (UNSPACED.contains(&c.script()) || only_unspaced(c.script_extension()))
    }

    fn fast_hashes(text: &str, tokenizer: Tokenizer) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_word_hash(text, tokenizer, &mut String::new(), |h| out.push(h));
        out
    }

    fn reference_hashes(text: &str, tokenizer: Tokenizer) -> Vec<u64> {
        reference_words(text, tokenizer).iter().map(|w| word_hash(w.as_bytes())).collect()
    }

    /// Both scanners equal the oracle under both tokenisers, and the tokenisers agree on text
    /// without a character of a script written without spaces.
    fn check(text: &str) {
        for t in BOTH {
            assert_eq!(t.words(text), reference_words(text, t), "{t:?} {text:?}");
            assert_eq!(fast_hashes(text, t), reference_hashes(text, t), "{t:?} {text:?}");
        }
        if !text.chars().any(reference_is_unspaced) {
            assert_eq!(Tokenizer::Scripts.words(text), Tokenizer::Runs.words(text), "{text:?}");
        }
    }

    #[test]
    fn words_fold_case_punctuation_and_space() {
        assert_eq!(words("Kim's  ARMOURED\ttrain!"), ["kim", "s", "armoured", "train"]);
        assert_eq!(words("ÉCOLE Straße İ"), ["école", "straße", "i\u{307}"]);
        assert_eq!(words("  ...  "), Vec::<String>::new());
        assert_eq!(words("Kathmandu: North Korea’s leader"), ["kathmandu", "north", "korea", "s", "leader"]);
    }

    #[test]
    fn unspaced_scripts_are_cut_into_characters() {
        let w = |t: &str| Tokenizer::Scripts.words(t);
        // Chinese, with an extension B ideograph and full-width punctuation.
        assert_eq!(
            w("新华社北京3月5日电：𠀀字"),
            ["新", "华", "社", "北", "京", "3", "月", "5", "日", "电", "𠀀", "字"]
        );
        // Japanese: kana, the prolonged sound mark (script Common), half-width katakana, a
        // combining voicing mark kept with its kana.
        assert_eq!(w("コーヒーを飲む"), ["コ", "ー", "ヒ", "ー", "を", "飲", "む"]);
        assert_eq!(w("ｺｰﾋｰ"), ["ｺ", "ｰ", "ﾋ", "ｰ"]);
        assert_eq!(w("か\u{3099}き"), ["か\u{3099}", "き"]);
        // Thai, Lao, Khmer and Myanmar: vowel and tone marks stay with their consonant.
        assert_eq!(w("น้ำท่วม"), ["น้", "ำ", "ท่", "ว", "ม"]);
        assert_eq!(w("ນ້ຳ"), ["ນ້", "ຳ"]);
        assert_eq!(w("ទឹក"), ["ទឹ", "ក"]);
        assert_eq!(w("ရေ"), ["ရေ"]);
        // Mixed with Latin words and digits.
        assert_eq!(w("iPhone用USB-C，2024年"), ["iphone", "用", "usb", "c", "2024", "年"]);
        // Scripts written with spaces are untouched: Hangul, Devanagari (the virama is not
        // alphanumeric and still splits, as before), Arabic, Cyrillic.
        assert_eq!(w("서울에서 지진이"), ["서울에서", "지진이"]);
        assert_eq!(w("नेपाल सरकार"), ["नेपाल", "सरकार"]);
        assert_eq!(w("प्रधानमन्त्री"), Tokenizer::Runs.words("प्रधानमन्त्री"));
        assert_eq!(w("الحكومة اليمنية"), ["الحكومة", "اليمنية"]);
        assert_eq!(w("Правительство России"), ["правительство", "россии"]);
        // A mark with no character of its script before it is what it was: a separator.
        assert_eq!(w("a\u{0e48}b"), ["a", "b"]);
    }

    #[test]
    fn runs_is_the_tokeniser_of_format_version_2() {
        let w = |t: &str| Tokenizer::Runs.words(t);
        assert_eq!(w("新华社北京3月5日电：𠀀字"), ["新华社北京3月5日电", "𠀀字"]);
        // Non-alphanumeric marks (Thai tone marks) split a run.
        assert_eq!(w("น้ำท่วม"), ["น", "ำท", "วม"]);
        assert_eq!(w("iPhone用"), ["iphone用"]);
    }

    #[test]
    fn script_properties() {
        for c in [
            '中',
            '々',
            '〇',
            '𠀀',
            '𪚲',
            '\u{f900}',
            '\u{2f800}',
            'あ',
            'ア',
            'ｱ',
            'ー',
            'ｰ',
            'ㄅ',
            'ꀀ',
            'ก',
            'ຂ',
            'ក',
            'က',
            'ᥐ',
            'ᦀ',
            'ᨠ',
            'ꪀ',
        ] {
            assert!(is_unspaced(c) && reference_is_unspaced(c), "{c:?} U+{:04X}", c as u32);
        }
        for c in [
            'a', 'é', 'ß', 'ʼ', 'Ж', 'ا', 'न', 'ক', '한', 'ㄱ', '๑', /* Thai digit: Thai, numeric */
            '、', '。', '〜', '\u{3099}', '\u{e48}', '１', 'Ａ',
        ] {
            let want = c == '๑';
            assert_eq!(is_unspaced(c), want, "{c:?} U+{:04X}", c as u32);
            assert_eq!(reference_is_unspaced(c), want, "{c:?}");
        }
    }

    /// The fast bounds of [`is_unspaced`] agree with the crate's tables on every character.
    #[test]
    fn nothing_below_the_first_unspaced_character_and_the_fast_blocks_agree() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            assert_eq!(is_unspaced(c), reference_is_unspaced(c), "U+{:04X}", c as u32);
            if is_unspaced(c) {
                assert!(c.to_lowercase().eq([c]), "U+{:04X} has case", c as u32);
            }
            if is_combining_mark(c) {
                assert!(c >= '\u{300}', "U+{:04X}", c as u32);
            }
        }
        assert!(('\u{4e00}'..='\u{9fff}').all(|c| c.script() == Script::Han && c.is_alphanumeric()));
        assert!(reference_is_unspaced(FIRST_UNSPACED));
    }

    #[test]
    fn names() {
        assert_eq!(Tokenizer::default(), Tokenizer::Scripts);
        assert_eq!("runs".parse::<Tokenizer>().unwrap(), Tokenizer::Runs);
        assert_eq!(Tokenizer::Scripts.as_str(), "scripts");
        let e = "chars".parse::<Tokenizer>().unwrap_err();
        assert_eq!(e.message(), r#"unknown tokenizer "chars" (expected scripts or runs)"#);
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
            "中文abc中文",
            "abcdefgh中ijklmnop",
            "中",
            "a中",
            "中a",
            "\u{0e48}\u{0e48}ก\u{0e48}\u{0e48} ก",
            "ก\u{0e48}a\u{0e48}",
            "é\u{0301}中\u{0301}\u{0301}x",
            "ｶﾞｷﾞ ガギ",
            "東京—大阪、ソウル서울 Москва",
        ] {
            check(t);
        }
    }

    proptest::proptest! {
        #[test]
        fn tokenisers_match_reference(text in "(?s)[ -~\n\t\u{a0}-\u{17f}\u{2018}-\u{201d}\u{4e00}-\u{4e10}\u{1f600}]{0,300}") {
            check(&text);
        }
        #[test]
        fn tokenisers_match_reference_on_any_string(text in ".{0,60}") {
            check(&text);
        }
        /// Every script of the test corpus, with their marks, punctuation and digits, next to
        /// ASCII words of every length (the SWAR path's block and word boundaries).
        #[test]
        fn tokenisers_match_reference_on_scripts(
            text in "(?s)([a-zA-Z0-9]{0,12}|[ ,.\n]|[\u{e00}-\u{e7f}]{1,6}|[\u{e80}-\u{eff}]{1,3}|[\u{1780}-\u{17ff}]{1,3}|[\u{1000}-\u{109f}]{1,3}|[\u{3000}-\u{30ff}]{1,6}|[\u{ff61}-\u{ff9f}]{1,4}|[\u{4e00}-\u{4e40}]{1,6}|[\u{20000}-\u{20010}]|[\u{ac00}-\u{ac40}]{1,3}|[\u{900}-\u{97f}]{1,5}|[\u{600}-\u{6ff}]{1,5}|[\u{400}-\u{45f}]{1,5}|[\u{300}-\u{36f}]|[é€—’])*"
        ) {
            check(&text);
        }
        #[test]
        fn long_ascii_words_match(text in "[a-zA-Z0-9 ]{0,200}|[a-z]{60,140}( [a-z\u{e9}]{1,70}){0,3}") {
            for t in BOTH {
                proptest::prop_assert_eq!(fast_hashes(&text, t), reference_hashes(&text, t));
            }
        }
    }
}
