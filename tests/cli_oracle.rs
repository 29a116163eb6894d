//! `neardupe oracle`: exact pairs and components on a handmade corpus whose similarities are
//! worked out by hand, and on the bundled sample, checked against `neardupe explain` and against
//! `neardupe cluster --verify exact`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::bin;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join("news-sample.jsonl")
}

fn ok(cmd: &mut Command) -> Output {
    let o = cmd.output().expect("the neardupe binary runs");
    assert!(o.status.success(), "neardupe failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

fn jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("output exists");
    text.lines().map(|l| serde_json::from_str(l).expect("valid JSON line")).collect()
}

/// `n` distinct words `{prefix}{i}`, starting at `from`, joined by spaces.
fn words(prefix: &str, from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("{prefix}{i:02}")).collect::<Vec<_>>().join(" ")
}

/// Runs the oracle on `input` with `args`; returns (truth lines, pair lines, stderr).
fn oracle(input: &Path, args: &[&str]) -> (Vec<Value>, Vec<Value>, String) {
    let dir = tempfile::tempdir().unwrap();
    let (truth, pairs) = (dir.path().join("truth.jsonl"), dir.path().join("pairs.jsonl"));
    let o = ok(bin().arg("oracle").args(args).arg("--truth-out").arg(&truth).arg("--pairs-out").arg(&pairs).arg(input));
    (jsonl(&truth), jsonl(&pairs), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// The pairs as `(a, b, jaccard, containment)`, in file order.
fn pair_list(pairs: &[Value]) -> Vec<(String, String, f64, f64)> {
    pairs
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap().to_string();
            (s("a"), s("b"), p["jaccard"].as_f64().unwrap(), p["containment"].as_f64().unwrap())
        })
        .collect()
}

/// Groups of ids with one cluster label, each sorted, the groups sorted.
fn groups(truth: &[Value]) -> Vec<Vec<String>> {
    let mut by: HashMap<String, Vec<String>> = HashMap::new();
    for t in truth {
        by.entry(t["cluster"].to_string()).or_default().push(t["id"].as_str().unwrap().to_string());
    }
    let mut g: Vec<Vec<String>> = by.into_values().map(|mut v| (v.sort(), v).1).collect();
    g.sort();
    g
}

fn handmade(dir: &Path) -> PathBuf {
    // Word 5-grams: 20 distinct words give 16 shingles.
    let docs = [
        ("a", words("w", 1, 20)),
        ("a2", format!("{} zz", words("w", 1, 19))), // 16 shingles, 15 shared with a: J 15/17
        ("b", words("x", 1, 20)),
        ("b2", format!("Kathmandu, Nepal: {}", words("x", 1, 20))), // 18 shingles, all 16 of b: J 16/18
        ("c", words("y", 1, 20)),
        ("e", String::new()),                                             // no shingles: never pairs
        ("half", format!("{} {}", words("w", 1, 10), words("v", 1, 10))), // 6 shared with a and a2: J 6/26
    ];
    let path = dir.join("hand.jsonl");
    let lines: Vec<String> =
        docs.iter().map(|(id, text)| serde_json::json!({ "id": id, "text": text }).to_string()).collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn strings(v: &[&[&str]]) -> Vec<Vec<String>> {
    v.iter().map(|g| g.iter().map(|s| s.to_string()).collect()).collect()
}

#[test]
fn handmade_corpus_pairs_and_components() {
    let dir = tempfile::tempdir().unwrap();
    let input = handmade(dir.path());

    let (truth, pairs, stderr) = oracle(&input, &["--jaccard", "0.5"]);
    let ids: Vec<&str> = truth.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "a2", "b", "b2", "c", "e", "half"], "one line per document, input order");
    let clusters: Vec<u64> = truth.iter().map(|t| t["cluster"].as_u64().unwrap()).collect();
    assert_eq!(clusters, [0, 0, 1, 1, 2, 3, 4], "components numbered by first member");
    let p = pair_list(&pairs);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!((p[0].0.as_str(), p[0].1.as_str()), ("a", "a2"));
    assert!((p[0].2 - 15.0 / 17.0).abs() < 1e-12 && (p[0].3 - 15.0 / 16.0).abs() < 1e-12);
    assert_eq!((p[1].0.as_str(), p[1].1.as_str()), ("b", "b2"));
    assert!((p[1].2 - 16.0 / 18.0).abs() < 1e-12 && p[1].3 == 1.0);
    assert_eq!(pairs[0]["intersection"], 15);
    assert!(
        stderr.contains("7 documents") && stderr.contains("2 pairs") && stderr.contains("2 components"),
        "{stderr}"
    );

    // Lower Jaccard, or containment alone, brings in the half copy (6 of 16 shingles shared).
    let four = strings(&[&["a", "a2", "half"], &["b", "b2"], &["c"], &["e"]]);
    for args in
        [&["--jaccard", "0.2"][..], &["--containment", "0.35"][..], &["--jaccard", "0.9", "--containment", "0.3"]]
    {
        let (truth, pairs, _) = oracle(&input, args);
        assert_eq!(groups(&truth), four, "{args:?}");
        assert_eq!(pairs.len(), 4, "{args:?}");
    }
    let (_, pairs, _) = oracle(&input, &["--jaccard", "0.24"]);
    assert_eq!(pairs.len(), 2, "6/26 = 0.2308 is below 0.24");

    // The shingling options are the pipeline's: word 3-grams give a and a2 17 of 19.
    let (_, pairs, _) = oracle(&input, &["--jaccard", "0.5", "--ngram", "3"]);
    assert!((pair_list(&pairs)[0].2 - 17.0 / 19.0).abs() < 1e-12);
}

#[test]
fn bad_input_and_options_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"id\": \"x\", \"text\": \"fine\"}\n{\"id\": \"y\", \"text\": \n").unwrap();
    let truth = dir.path().join("truth.jsonl");
    for args in [&["--jaccard", "0.5"][..], &["--jaccard", "1.5"], &["--containment=-1"]] {
        let o = bin().arg("oracle").args(args).arg("--truth-out").arg(&truth).arg(&bad).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.starts_with("neardupe: error:") && !e.contains("panicked"), "{e}");
        assert!(!truth.exists(), "no output after an error");
    }
    let o = bin().arg("oracle").args(["--jaccard", "0.5"]).arg("--truth-out").arg(&truth).arg(&bad).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.jsonl:line 2"));
    // With --skip-invalid the good record is written and the bad one counted.
    ok(bin().args(["oracle", "--skip-invalid", "--jaccard", "0.5", "--truth-out"]).arg(&truth).arg(&bad));
    assert_eq!(jsonl(&truth).len(), 1);
}

/// Every listed pair is recomputed by `neardupe explain` (an independent code path: two
/// documents found by id, shingled and compared pairwise) and reaches the threshold; the truth
/// file's components are those of the pairs; and `cluster --verify exact` at the same threshold,
/// (Jaccard or containment), which can only link pairs at or above it, scores precision 1
/// against the oracle's truth.
#[test]
fn sample_pairs_agree_with_explain_and_bound_exact_clustering() {
    let input = sample();
    let (truth, pairs, _) = oracle(&input, &["--jaccard", "0.5"]);
    let p = pair_list(&pairs);
    assert!(p.len() > 100, "the sample has many near-duplicate pairs: {}", p.len());
    assert!(p.iter().all(|x| x.2 >= 0.5));

    let lowest = p.iter().min_by(|x, y| x.2.total_cmp(&y.2)).unwrap().clone();
    for (a, b, j, c) in p.iter().take(3).chain(p.iter().rev().take(3)).chain([&lowest]) {
        let o = ok(bin().args(["explain", "--json", a, b]).arg(&input));
        let e: Value = serde_json::from_slice(&o.stdout).unwrap();
        let x = &e["explanation"];
        let (ej, ec) = (x["exact_jaccard"].as_f64().unwrap(), x["exact_containment"].as_f64().unwrap());
        assert!((ej - j).abs() < 1e-12 && (ec - c).abs() < 1e-12, "{a} {b}: {e}");
    }

    // Components of the pairs file, by repeated relabelling (independent of union-find).
    let mut label: HashMap<String, String> =
        truth.iter().map(|t| (t["id"].as_str().unwrap().to_string(), t["id"].as_str().unwrap().to_string())).collect();
    loop {
        let mut changed = false;
        for (a, b, _, _) in &p {
            let m = label[a].clone().min(label[b].clone());
            for d in [a, b] {
                if label[d] != m {
                    label.insert(d.clone(), m.clone());
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let relabelled: Vec<Value> = truth
        .iter()
        .map(|t| serde_json::json!({ "id": t["id"], "cluster": label[t["id"].as_str().unwrap()] }))
        .collect();
    assert_eq!(groups(&truth), groups(&relabelled));

    // Exact verification on either measure links only pairs the oracle lists at that threshold.
    let dir = tempfile::tempdir().unwrap();
    let (truth_path, pred) = (dir.path().join("truth.jsonl"), dir.path().join("pred.jsonl"));
    for (measure, oracle_flag, t) in [("jaccard", "--jaccard", "0.5"), ("containment", "--containment", "0.6")] {
        ok(bin().args(["oracle", "-q", oracle_flag, t, "--truth-out"]).arg(&truth_path).arg(&input));
        ok(bin()
            .args(["cluster", "-q", "--similarity", measure, "--threshold", t, "--verify", "exact", "-o"])
            .arg(&pred)
            .arg(&input));
        let o = ok(bin().args(["eval", "--truth"]).arg(&truth_path).arg("--pred").arg(&pred));
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["precision"].as_f64(), Some(1.0), "{measure} {t}: {report}");
        assert!(report["recall"].as_f64().unwrap() > 0.9, "{measure} {t}: {report}");
        assert_eq!(report["missing_in_pred"], 0);
    }
}
