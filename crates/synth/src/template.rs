//! The template engine: slots filled once per story, `{a|b}` alternatives, numbers and tidying.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::vocab::{FIRST_NAMES, GLOBAL_SLOTS, LAST_NAMES, PLACES, SlotPool, TOPICS, Topic, category_slots};

// ---------------------------------------------------------------------------------------------
// Randomness

/// A generator for item `index` of stream `stream`: items are independent of each other, so the
/// first stories of a corpus do not change when more are asked for.
pub(super) fn stream_rng(seed: u64, stream: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.set_stream(index);
    rng
}

pub(super) fn pick(rng: &mut ChaCha8Rng, xs: &[&'static str]) -> &'static str {
    xs.choose(rng).copied().unwrap_or("")
}

pub(super) fn pick_topic(rng: &mut ChaCha8Rng) -> &'static Topic {
    &TOPICS[rng.random_range(0..TOPICS.len())]
}

// ---------------------------------------------------------------------------------------------
// Templates

/// The story-level values of the slots in a topic's templates: the same person, place or figure
/// every time a story mentions it.
#[derive(Clone, Debug)]
pub(super) struct Slots {
    pub(super) topic: &'static Topic,
    /// `(name, value, numeric)`.
    values: Vec<(String, String, bool)>,
    /// Slot names no pool or generator knows (for the vocabulary tests).
    pub(super) unknown: Vec<String>,
    /// People whose full name the text has given, so that later mentions use the surname.
    introduced: Vec<String>,
}

/// How deep alternatives and slot values may nest.
const MAX_DEPTH: u32 = 8;

impl Slots {
    pub(super) fn new(topic: &'static Topic) -> Slots {
        Slots { topic, values: Vec::new(), unknown: Vec::new(), introduced: Vec::new() }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.iter().find(|(n, _, _)| n == name).map(|(_, v, _)| v.as_str())
    }

    pub(super) fn set(&mut self, name: &str, value: String, numeric: bool) {
        match self.values.iter_mut().find(|(n, _, _)| n == name) {
            Some(slot) => {
                slot.1 = value;
                slot.2 = numeric;
            }
            None => self.values.push((name.to_string(), value, numeric)),
        }
    }

    /// The same entities (people, places, organisations) with fresh figures, for a follow-up.
    pub(super) fn without_numbers(&self) -> Slots {
        let mut s = self.clone();
        s.values.retain(|(_, _, numeric)| !numeric);
        s.introduced.clear();
        s
    }

    /// The story's main city in capitals, for datelines.
    pub(super) fn city_upper(&self) -> String {
        self.get("city").unwrap_or("LONDON").to_uppercase()
    }

    /// Expands `tpl` into a finished sentence: alternatives chosen, slots filled, spacing and
    /// articles fixed, the first letter capitalised.
    pub(super) fn sentence(&mut self, tpl: &str, rng: &mut ChaCha8Rng) -> String {
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
        if let Some(base) = name.strip_suffix(".last") {
            // The first mention of a person gives the full name.
            let first_mention = is_person(base) && !self.introduced.iter().any(|p| p == base);
            let full = self.resolve(base, rng, depth);
            return match full.split_once(' ') {
                Some((_, last)) if !first_mention => last.to_string(),
                _ => full,
            };
        }
        if is_person(name) && !self.introduced.iter().any(|p| p == name) {
            self.introduced.push(name.to_string());
        }
        // `<move.2>`: the third `;`-separated field of the value; `<move>` is the first.
        let (base, field) = match name.rsplit_once('.').and_then(|(b, f)| Some((b, f.parse::<usize>().ok()?))) {
            Some((b, f)) => (b, f),
            None => (name, 0),
        };
        let value = self.raw(base, rng, depth);
        value.split(';').nth(field).unwrap_or_default().to_string()
    }

    /// A slot's whole value (all its fields), generated and remembered on first use.
    fn raw(&mut self, name: &str, rng: &mut ChaCha8Rng, depth: u32) -> String {
        if let Some(v) = self.get(name) {
            return v.to_string();
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
            "town" => {
                let city = self.raw("city", rng, depth);
                let country = self.raw("country", rng, depth);
                let others: Vec<&str> =
                    PLACES.iter().filter(|(c, k)| *k == country && *c != city).map(|(c, _)| *c).collect();
                let v = others.choose(rng).map_or_else(|| "the capital".to_string(), |c| c.to_string());
                self.set(name, v.clone(), false);
                v
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
            choice = PLACES[rng.random_range(0..PLACES.len())];
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
            let clash = self
                .values
                .iter()
                .any(|(n, v, _)| is_person(n) && v.split_once(' ').is_some_and(|(f, l)| l == last || f == first));
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
    let mut count = 1usize;
    let mut depth = 0i32;
    for &c in b {
        match c {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b'|' if depth == 0 => count += 1,
            _ => {}
        }
    }
    let want = rng.random_range(0..count);
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
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Folds runs of spaces, removes spaces before punctuation, fixes "a" before vowels and
/// capitalises the first letter of each sentence.
fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut words = raw.split(' ').filter(|w| !w.is_empty()).peekable();
    let mut sentence_start = true;
    while let Some(w) = words.next() {
        if !out.is_empty() && !w.starts_with([',', '.', ';', ':', '?', '!']) {
            out.push(' ');
        }
        let next_vowel = words.peek().and_then(|n| n.chars().next()).is_some_and(|c| "aeioAEIO".contains(c));
        let next_consonant = words
            .peek()
            .and_then(|n| n.chars().next())
            .is_some_and(|c| "bcdfgjklmnpqrstvwxyzBCDFGJKLMNPQRSTVWXYZ".contains(c));
        // "Motors's" → "Motors'".
        let possessive;
        let w = match w.find("s's") {
            Some(i) if i > 0 && w[i + 3..].chars().all(|c| !c.is_alphanumeric()) => {
                possessive = format!("{}s'{}", &w[..i], &w[i + 3..]);
                possessive.as_str()
            }
            _ => w,
        };
        let w = match w {
            "a" if next_vowel => "an",
            "A" if next_vowel => "An",
            "an" if next_consonant => "a",
            "An" if next_consonant => "A",
            _ => w,
        };
        match w.char_indices().find(|(_, c)| c.is_alphanumeric()) {
            Some((i, c)) if sentence_start && c.is_lowercase() => {
                out.push_str(&w[..i]);
                out.extend(c.to_uppercase());
                out.push_str(&w[i + c.len_utf8()..]);
            }
            _ => out.push_str(w),
        }
        if w.chars().any(char::is_alphanumeric) {
            sentence_start = false;
        }
        if w.trim_end_matches(['”', '"', ')', '\'']).ends_with(['.', '?', '!']) {
            sentence_start = true;
        }
    }
    out
}

/// Curly typography (’ for apostrophes) or straight (" for “ and ”).
pub(super) fn typography(text: &str, curly: bool) -> String {
    if curly {
        text.replace('\'', "\u{2019}")
    } else {
        text.replace(['\u{201C}', '\u{201D}'], "\"").replace('\u{2019}', "'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_fixes_spacing_articles_and_capitals() {
        assert_eq!(tidy("a  earthquake , a  quake ."), "An earthquake, a quake.");
        assert_eq!(tidy("“we  agree ,” she said. the end"), "“We agree,” she said. The end");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(999), "999");
    }

    #[test]
    fn numbers_follow_their_spec() {
        let mut rng = stream_rng(3, 0, 0);
        for _ in 0..200 {
            let v = number("5.1-7.9", &mut rng).unwrap_or_default();
            let x: f64 = v.parse().unwrap_or(0.0);
            assert!((5.1..=7.9).contains(&x) && v.len() == 3, "{v}");
            let y = number("y1990-2020", &mut rng).unwrap_or_default();
            assert!(y.len() == 4 && !y.contains(','), "{y}");
        }
        assert_eq!(number("12000-12000", &mut rng).as_deref(), Some("12,000"));
        assert_eq!(number("oops", &mut rng), None);
    }
}
