//! The names of option values: every spelling the CLI accepts, the canonical names `as_str`
//! gives (saved files store them), and the error messages, word for word.

use std::str::FromStr;

use neardupe::output::ClusterFormat;
use neardupe::shingle::{ShingleUnit, Tokenizer};
use neardupe::{Algorithm, Error, ErrorKind, Guard, InputFormat, Representative, Similarity, Verify, WarcId};

fn message<T: FromStr<Err = Error>>(s: &str) -> String {
    let Err(e) = s.parse::<T>() else { panic!("{s:?} parsed") };
    assert_eq!(e.kind(), ErrorKind::Config);
    e.message().to_string()
}

/// `canonical` round-trips through `as_str`; `aliases` parse to their value.
fn check<T>(canonical: &[T], as_str: fn(T) -> &'static str, aliases: &[(&str, T)])
where
    T: FromStr<Err = Error> + Copy + PartialEq + std::fmt::Debug,
{
    for &v in canonical {
        assert_eq!(as_str(v).parse::<T>().unwrap(), v);
    }
    for &(s, v) in aliases {
        assert_eq!(s.parse::<T>().unwrap(), v, "{s}");
    }
}

#[test]
fn every_spelling_parses() {
    check(
        &[Guard::None, Guard::Representative],
        Guard::as_str,
        &[("off", Guard::None), ("core", Guard::Representative)],
    );
    check(&[Representative::First, Representative::Longest], Representative::as_str, &[]);
    check(
        &[Verify::None, Verify::Estimate, Verify::Exact, Verify::Hybrid],
        Verify::as_str,
        &[("off", Verify::None), ("signature", Verify::Estimate), ("on", Verify::Estimate)],
    );
    check(&[Similarity::Jaccard, Similarity::Containment], Similarity::as_str, &[]);
    check(
        &[Algorithm::Classic, Algorithm::OnePermutation],
        Algorithm::as_str,
        &[("one-permutation", Algorithm::OnePermutation)],
    );
    check(
        &[
            InputFormat::Auto,
            InputFormat::Jsonl,
            InputFormat::Text,
            InputFormat::Warc,
            InputFormat::Parquet,
            InputFormat::Arrow,
        ],
        InputFormat::as_str,
        &[
            ("ndjson", InputFormat::Jsonl),
            ("txt", InputFormat::Text),
            ("wet", InputFormat::Warc),
            ("ipc", InputFormat::Arrow),
            ("feather", InputFormat::Arrow),
        ],
    );
    check(
        &[ClusterFormat::Jsonl, ClusterFormat::Csv, ClusterFormat::Parquet],
        ClusterFormat::as_str,
        &[("json", ClusterFormat::Jsonl)],
    );
    check(
        &[WarcId::RecordId, WarcId::TargetUri],
        WarcId::as_str,
        &[("uri", WarcId::TargetUri), ("url", WarcId::TargetUri)],
    );
    check(&[ShingleUnit::Words, ShingleUnit::Chars], ShingleUnit::as_str, &[]);
    check(&[Tokenizer::Scripts, Tokenizer::Runs], Tokenizer::as_str, &[]);
}

#[test]
fn canonical_names() {
    let names = [
        Guard::None.as_str(),
        Guard::Representative.as_str(),
        Representative::First.as_str(),
        Representative::Longest.as_str(),
        Verify::None.as_str(),
        Verify::Estimate.as_str(),
        Verify::Exact.as_str(),
        Verify::Hybrid.as_str(),
        Similarity::Jaccard.as_str(),
        Similarity::Containment.as_str(),
        Algorithm::Classic.as_str(),
        Algorithm::OnePermutation.as_str(),
        InputFormat::Auto.as_str(),
        InputFormat::Jsonl.as_str(),
        InputFormat::Text.as_str(),
        ClusterFormat::Jsonl.as_str(),
        ClusterFormat::Csv.as_str(),
        ShingleUnit::Words.as_str(),
        ShingleUnit::Chars.as_str(),
        Tokenizer::Scripts.as_str(),
        Tokenizer::Runs.as_str(),
    ];
    assert_eq!(
        names,
        [
            "none",
            "representative",
            "first",
            "longest",
            "none",
            "estimate",
            "exact",
            "hybrid",
            "jaccard",
            "containment",
            "classic",
            "oph",
            "auto",
            "jsonl",
            "text",
            "jsonl",
            "csv",
            "words",
            "chars",
            "scripts",
            "runs",
        ]
    );
}

#[test]
fn unknown_names_are_config_errors_that_list_the_canonical_names() {
    assert_eq!(message::<Guard>("x"), r#"unknown chaining guard "x" (expected none or representative)"#);
    assert_eq!(message::<Representative>("x"), r#"unknown representative policy "x" (expected first or longest)"#);
    assert_eq!(message::<Verify>("x"), r#"unknown verification "x" (expected hybrid, estimate, exact or none)"#);
    assert_eq!(message::<Similarity>("x"), r#"unknown similarity "x" (expected containment or jaccard)"#);
    assert_eq!(message::<Algorithm>("x"), r#"unknown MinHash algorithm "x" (expected classic or oph)"#);
    assert_eq!(
        message::<InputFormat>("x"),
        r#"unknown input format "x" (expected auto, jsonl, text, warc, parquet or arrow)"#
    );
    assert_eq!(message::<ClusterFormat>("x"), r#"unknown output format "x" (expected jsonl, csv or parquet)"#);
    assert_eq!(message::<WarcId>("x"), r#"unknown WARC id header "x" (expected record-id or target-uri)"#);
    assert_eq!(message::<ShingleUnit>("x"), r#"unknown shingle unit "x" (expected words or chars)"#);
    assert_eq!(message::<Tokenizer>("x"), r#"unknown tokenizer "x" (expected scripts or runs)"#);
    // Names are case-sensitive.
    assert_eq!(message::<Guard>("None"), r#"unknown chaining guard "None" (expected none or representative)"#);
}
