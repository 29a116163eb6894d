//! The multilingual corpus (`data/multilingual.jsonl`: stories in English, Chinese, Japanese,
//! Thai, Arabic, Nepali, Russian, Korean, French and German, each with republished copies and a
//! different story on the same topic) clusters exactly as its truth at the defaults, through the
//! `neardupe` binary and `neardupe eval`. Under `--tokenizer runs` (the tokeniser of format
//! version 2) the scripts written without spaces lose their copies and the others do not change.
//! An index of format version 2 keeps its tokeniser through `index add`, `index stats` and
//! `index build`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Output;

mod common;
use common::{bin, data, run, stderr, stdout};

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "neardupe failed: {}", stderr(&o));
    o
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Each document's `(truth cluster, language)`, by id.
fn truth() -> HashMap<String, (String, String)> {
    jsonl(&data("multilingual.truth.jsonl"))
        .into_iter()
        .map(|v| {
            let id = v["id"].as_str().unwrap().to_string();
            (id, (v["cluster"].as_str().unwrap().to_string(), v["lang"].as_str().unwrap().to_string()))
        })
        .collect()
}

/// `neardupe cluster` over the corpus with `args`: each document's predicted cluster by id, and
/// `neardupe eval`'s report.
fn cluster(args: &[&str]) -> (HashMap<String, u64>, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let pred = dir.path().join("clusters.jsonl");
    ok(run(bin().args(["cluster", "-q"]).args(args).arg("-o").arg(&pred).arg(data("multilingual.jsonl"))));
    let o = ok(run(bin().args(["eval", "--truth"]).arg(data("multilingual.truth.jsonl")).arg("--pred").arg(&pred)));
    let report = serde_json::from_str(stdout(&o).trim()).unwrap();
    let clusters = jsonl(&pred)
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_string(), v["cluster"].as_u64().unwrap()))
        .collect();
    (clusters, report)
}

/// For each language, the stories whose documents are not all in one predicted cluster, and the
/// predicted clusters that hold more than one story.
fn mistakes(pred: &HashMap<String, u64>) -> BTreeMap<String, (BTreeSet<String>, usize)> {
    let truth = truth();
    let mut stories: HashMap<&str, BTreeSet<u64>> = HashMap::new();
    let mut clusters: HashMap<u64, BTreeSet<&str>> = HashMap::new();
    for (id, (story, _)) in &truth {
        stories.entry(story).or_default().insert(pred[id]);
        clusters.entry(pred[id]).or_default().insert(story);
    }
    let mut out: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    for (id, (story, lang)) in &truth {
        let entry = out.entry(lang.clone()).or_default();
        if stories[story.as_str()].len() > 1 {
            entry.0.insert(story.clone());
        }
        if id.ends_with("-orig") && clusters[&pred[id]].len() > 1 {
            entry.1 += 1;
        }
    }
    out
}

#[test]
fn every_story_is_one_cluster_at_the_defaults() {
    let (pred, report) = cluster(&[]);
    let truth = truth();
    assert_eq!((truth.len(), pred.len()), (102, 102));
    let langs: BTreeSet<&str> = truth.values().map(|(_, l)| l.as_str()).collect();
    assert_eq!(langs.len(), 10, "{langs:?}");
    for (lang, (split, merged)) in mistakes(&pred) {
        assert!(split.is_empty(), "{lang}: the copies of {split:?} are not all in their story's cluster");
        assert_eq!(merged, 0, "{lang}: a cluster holds two stories");
    }
    assert_eq!((report["precision"].as_f64(), report["recall"].as_f64()), (Some(1.0), Some(1.0)), "{report}");
    assert_eq!(report["missing_in_pred"], 0);
}

#[test]
fn the_runs_tokenizer_loses_the_scripts_written_without_spaces() {
    let (pred, report) = cluster(&["--tokenizer", "runs"]);
    let mistakes = mistakes(&pred);
    for lang in ["zh", "ja", "th"] {
        assert!(!mistakes[lang].0.is_empty(), "{lang}: every story found without cutting the script: {report}");
    }
    // Scripts written with spaces cluster exactly as at the defaults: the tokenisers agree there.
    let (defaults, _) = cluster(&[]);
    let truth = truth();
    for lang in ["en", "ar", "ne", "ru", "ko", "fr", "de"] {
        assert!(mistakes[lang].0.is_empty() && mistakes[lang].1 == 0, "{lang}: {:?}", mistakes[lang]);
        for (id, _) in truth.iter().filter(|(_, (_, l))| l == lang) {
            for (other, _) in truth.iter().filter(|(_, (_, l))| l == lang) {
                assert_eq!(pred[id] == pred[other], defaults[id] == defaults[other], "{id} {other}");
            }
        }
    }
}

#[test]
fn an_unknown_tokenizer_is_a_usage_error() {
    let o = run(bin().args(["cluster", "-q", "--tokenizer", "words"]).arg(data("multilingual.jsonl")));
    assert_eq!(o.status.code(), Some(2), "usage errors exit with 2");
    assert!(stderr(&o).contains(r#"unknown tokenizer "words" (expected scripts or runs)"#), "{}", stderr(&o));
}

/// `neardupe index stats` of the stored index of format version 2 (`tests/data/index-v2/`).
fn index_stats(dir: &Path) -> serde_json::Value {
    let o = ok(run(bin().args(["index", "stats"]).arg(dir)));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// An index of format version 2 keeps the tokeniser it was signed with through the command line:
/// `index stats` says `runs` before and after `index add`, and `index build` over it with the
/// default tokeniser names the difference. A new index says `scripts`.
#[test]
fn an_index_of_format_version_2_keeps_the_runs_tokenizer() {
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("v2");
    std::fs::create_dir(&old).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/index-v2");
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name == "MANIFEST" || name.ends_with(".nd") {
            std::fs::copy(&path, old.join(name)).unwrap();
        }
    }
    assert_eq!(index_stats(&old)["parameters"]["tokenizer"], "runs");
    let batch = tmp.path().join("zh.jsonl");
    let zh: Vec<String> = std::fs::read_to_string(data("multilingual.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| l.contains(r#""lang":"zh""#))
        .take(3)
        .map(String::from)
        .collect();
    std::fs::write(&batch, zh.join("\n") + "\n").unwrap();
    let args = ["--date-field", "date", "--window", "7", "--boilerplate-min-docs", "4", "-q"];
    let o = run(bin().args(["index", "build"]).arg(&batch).arg("-o").arg(&old).args(args));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("with other parameters: tokenizer: scripts vs runs"), "{}", stderr(&o));
    ok(run(bin().args(["index", "add"]).arg(&old).arg(&batch).args(["--date-field", "date", "-q", "-o", "/dev/null"])));
    let stats = index_stats(&old);
    assert_eq!(
        (stats["parameters"]["tokenizer"].as_str(), stats["stats"]["documents"].as_u64()),
        (Some("runs"), Some(43))
    );
    let new = tmp.path().join("v3");
    ok(run(bin().args(["index", "build"]).arg(&batch).arg("-o").arg(&new).args(args)));
    assert_eq!(index_stats(&new)["parameters"]["tokenizer"], "scripts");
}
