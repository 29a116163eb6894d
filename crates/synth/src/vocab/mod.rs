//! The vocabulary: news topics, outlets, names, places and the sentence pools stories are
//! written from.
//!
//! Template syntax: `{a|b|c}` picks one alternative (they nest, and may be empty); `<name>` is a
//! slot the story fills once and reuses: a topic, category or global pool, a place (`city`,
//! `country`, `city2`, `country2`), a person (`p1`...`p9`, and `p1.last` for the surname),
//! `about` (the topic's description) or `outlet` (the publishing outlet). `<#lo-hi>` is a fresh
//! number each time; pool values starting with `#` are story-level numbers. Sentences use “curly”
//! double quotes and straight apostrophes; each outlet's typography converts them.

mod entities;
mod outlets;
mod sentences;
mod topics;

pub(super) use entities::{FIRST_NAMES, GLOBAL_SLOTS, LAST_NAMES, PLACES};
pub(super) use outlets::{
    COMMENTARY, FOLLOW_UP_INTROS, HEADLINE_PREFIXES, OUTLETS, OWN_FOLLOW_UP_INTROS, TRUNCATION_MARKS,
};
use sentences::{
    CULTURE, DISASTER, ECONOMY, ECONOMY_SLOTS, GENERIC, HEALTH, JUSTICE, POLITICS, POLITICS_SLOTS, SOFT_GENERIC, SPORT,
    SPORT_SLOTS, TECH,
};
pub(super) use topics::TOPICS;

/// A slot name and the values a story picks one of.
pub(super) type SlotPool = (&'static str, &'static [&'static str]);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Category {
    Politics,
    Economy,
    Disaster,
    Justice,
    Sport,
    Tech,
    Health,
    Culture,
}

/// A news topic: what a story is about and the sentences it is written from.
#[derive(Clone, Copy, Debug)]
pub(super) struct Topic {
    /// A short name (used by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) key: &'static str,
    pub(super) category: Category,
    /// A noun phrase for the outlets' commentary (`the earthquake in <country>`).
    pub(super) about: &'static str,
    pub(super) slots: &'static [SlotPool],
    pub(super) headlines: &'static [&'static str],
    /// First sentences.
    pub(super) leads: &'static [&'static str],
    pub(super) body: &'static [&'static str],
}

/// How an outlet starts a story's first paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dateline {
    /// `LONDON (MPA) - `, with the story's city.
    Wire,
    /// `SINGAPORE (PPW) — `, with the story's city.
    WireDash,
    /// `Kathmandu: `, with the outlet's city.
    City,
    /// `Lagos, Sept 12: `.
    CityDate,
    /// `Mumbai, Sept 12 (MPA): `, with the source's code.
    CityDateCode,
    /// `Nairobi — `.
    CityDash,
    /// `CAPE TOWN - `.
    CityUpper,
}

/// A fictional news outlet and its house style.
#[derive(Debug)]
pub(super) struct Outlet {
    pub(super) name: &'static str,
    pub(super) code: &'static str,
    pub(super) domain: &'static str,
    pub(super) city: &'static str,
    pub(super) dateline: Dateline,
    pub(super) curly: bool,
    pub(super) bylines: &'static [&'static str],
    /// Short footer lines; each document gets one or two.
    pub(super) footers: &'static [&'static str],
    /// The fixed block every document gets with
    /// [`Tier::SharedBoilerplate`](crate::Tier::SharedBoilerplate).
    pub(super) heavy: &'static [&'static str],
    /// How the outlet credits the source of a copied story.
    pub(super) attribution: &'static [&'static str],
}

pub(super) fn category_slots(c: Category) -> &'static [SlotPool] {
    match c {
        Category::Politics => POLITICS_SLOTS,
        Category::Sport => SPORT_SLOTS,
        Category::Economy => ECONOMY_SLOTS,
        _ => &[],
    }
}

/// The sentences any story of category `c` may use.
pub(super) fn generic_sentences(c: Category) -> &'static [&'static str] {
    match c {
        Category::Sport | Category::Tech | Category::Culture => SOFT_GENERIC,
        _ => GENERIC,
    }
}

pub(super) fn category_sentences(c: Category) -> &'static [&'static str] {
    match c {
        Category::Politics => POLITICS,
        Category::Economy => ECONOMY,
        Category::Disaster => DISASTER,
        Category::Justice => JUSTICE,
        Category::Sport => SPORT,
        Category::Tech => TECH,
        Category::Health => HEALTH,
        Category::Culture => CULTURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Slots, stream_rng};

    fn all_templates() -> Vec<(&'static Topic, &'static str)> {
        let mut out = Vec::new();
        for t in TOPICS {
            for tpl in t.headlines.iter().chain(t.leads).chain(t.body) {
                out.push((t, *tpl));
            }
            let pools = category_sentences(t.category).iter().chain(GENERIC).chain(SOFT_GENERIC).chain(COMMENTARY);
            for tpl in pools {
                out.push((t, *tpl));
            }
            for tpl in FOLLOW_UP_INTROS.iter().chain(OWN_FOLLOW_UP_INTROS) {
                out.push((t, *tpl));
            }
        }
        out
    }

    fn balanced(s: &str) -> bool {
        let (mut braces, mut angles) = (0i32, 0i32);
        for c in s.chars() {
            match c {
                '{' => braces += 1,
                '}' => braces -= 1,
                '<' => angles += 1,
                '>' => angles -= 1,
                _ => {}
            }
            if braces < 0 || !(0..=1).contains(&angles) {
                return false;
            }
        }
        braces == 0 && angles == 0
    }

    #[test]
    fn vocabulary_is_large_enough() {
        assert!(TOPICS.len() >= 40, "{} topics", TOPICS.len());
        let mut keys: Vec<&str> = TOPICS.iter().map(|t| t.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), TOPICS.len(), "topic keys must be unique");
        let mut problems = Vec::new();
        for t in TOPICS {
            let n = t.leads.len() + t.body.len();
            if t.headlines.len() < 4 || t.leads.len() < 3 || !(15..=30).contains(&n) {
                problems.push(format!(
                    "{}: {} headlines, {} leads, {n} sentences",
                    t.key,
                    t.headlines.len(),
                    t.leads.len()
                ));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(OUTLETS.len() >= 15);
        for o in OUTLETS {
            assert!((5..=8).contains(&o.heavy.len()), "{}: {} heavy lines", o.name, o.heavy.len());
            assert!(!o.bylines.is_empty() && !o.footers.is_empty() && !o.attribution.is_empty(), "{}", o.name);
        }
    }

    #[test]
    fn every_template_expands_cleanly() {
        let mut problems = Vec::new();
        for (topic, tpl) in all_templates() {
            if !balanced(tpl) {
                problems.push(format!("{}: unbalanced template {tpl}", topic.key));
                continue;
            }
            for seed in 0..12 {
                let mut rng = stream_rng(seed, 9, 0);
                let mut slots = Slots::new(topic);
                slots.set("outlet", "The Valley Gazette".into(), false);
                let s = slots.sentence(tpl, &mut rng);
                let mut bad = Vec::new();
                if !slots.unknown.is_empty() {
                    bad.push(format!("unknown slots {:?}", slots.unknown));
                }
                if s.contains(['{', '}', '<', '>', '|']) {
                    bad.push("leftover syntax".to_string());
                }
                if s.contains("  ") || s.contains(" ,") || s.contains(" .") {
                    bad.push("bad spacing".to_string());
                }
                let words: Vec<&str> = s.split_whitespace().collect();
                if words.windows(2).any(|w| w[0].eq_ignore_ascii_case(w[1]) && w[0].chars().all(char::is_alphabetic)) {
                    bad.push("repeated word".to_string());
                }
                if s.chars().find(|c| c.is_alphanumeric()).is_none_or(char::is_lowercase) {
                    bad.push("not capitalised".to_string());
                }
                if !bad.is_empty() {
                    problems.push(format!("{}: {}: {s:?}", topic.key, bad.join(", ")));
                    break;
                }
            }
        }
        problems.sort();
        problems.dedup();
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    }
}
