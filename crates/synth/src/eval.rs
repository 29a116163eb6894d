//! Scoring predicted clusters against a truth file: pairwise precision, recall, F1 and the
//! adjusted Rand index.
//!
//! Both files are JSONL with an `id` and a `cluster` on each line (other fields are ignored; ids
//! and cluster labels may be strings or numbers). Every document of the truth file is scored;
//! documents missing from the prediction count as singletons and are reported, and so are
//! predicted ids the truth lacks. An id listed twice in one file is an error naming both lines
//! (or, with `number_duplicates`, the n-th line with an id is renamed `id~n` in both files). Everything is
//! computed from contingency counts, in O(documents), without enumerating pairs.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};

/// The scores of a prediction against the truth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalReport {
    /// Documents in the truth file.
    pub docs: u64,
    /// Same-cluster pairs in the truth.
    pub true_pairs: u64,
    /// Same-cluster pairs in the prediction (over the truth's documents).
    pub pred_pairs: u64,
    /// Pairs in both.
    pub tp_pairs: u64,
    /// `tp / pred_pairs` (1 when nothing is predicted).
    pub precision: f64,
    /// `tp / true_pairs` (1 when there is nothing to find).
    pub recall: f64,
    /// The harmonic mean of precision and recall.
    pub f1: f64,
    /// The adjusted Rand index (Hubert & Arabie).
    pub ari: f64,
    /// Truth documents absent from the prediction (scored as singletons).
    pub missing_in_pred: u64,
    /// Up to ten of the missing ids.
    pub missing_examples: Vec<String>,
    /// Predicted ids that are not in the truth (not scored).
    pub extra_in_pred: u64,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores `pred` (id → cluster label) against `truth` (id, cluster label), in truth order.
pub fn score(truth: &[(String, String)], pred: &HashMap<String, String>) -> EvalReport {
    let mut cont: HashMap<(&str, Option<&str>, usize), u64> = HashMap::new();
    let mut a: HashMap<&str, u64> = HashMap::new();
    let mut b: HashMap<(Option<&str>, usize), u64> = HashMap::new();
    let mut missing = Vec::new();
    let mut missing_n = 0u64;
    for (i, (id, t)) in truth.iter().enumerate() {
        // A missing document is its own singleton: key it by its position.
        let p = match pred.get(id) {
            Some(c) => (Some(c.as_str()), 0),
            None => {
                missing_n += 1;
                if missing.len() < 10 {
                    missing.push(id.clone());
                }
                (None, i)
            }
        };
        *cont.entry((t.as_str(), p.0, p.1)).or_default() += 1;
        *a.entry(t.as_str()).or_default() += 1;
        *b.entry(p).or_default() += 1;
    }
    let truth_ids: std::collections::HashSet<&str> = truth.iter().map(|(id, _)| id.as_str()).collect();
    let extra = pred.keys().filter(|id| !truth_ids.contains(id.as_str())).count() as u64;
    let n = truth.len() as u64;
    let tp: u64 = cont.values().map(|&v| pairs(v)).sum();
    let true_pairs: u64 = a.values().map(|&v| pairs(v)).sum();
    let pred_pairs: u64 = b.values().map(|&v| pairs(v)).sum();
    let precision = if pred_pairs > 0 { tp as f64 / pred_pairs as f64 } else { 1.0 };
    let recall = if true_pairs > 0 { tp as f64 / true_pairs as f64 } else { 1.0 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    let total = pairs(n) as f64;
    let expected = if total > 0.0 { true_pairs as f64 * pred_pairs as f64 / total } else { 0.0 };
    let max_index = (true_pairs + pred_pairs) as f64 / 2.0;
    let ari =
        if (max_index - expected).abs() > f64::EPSILON { (tp as f64 - expected) / (max_index - expected) } else { 1.0 };
    EvalReport {
        docs: n,
        true_pairs,
        pred_pairs,
        tp_pairs: tp,
        precision,
        recall,
        f1,
        ari,
        missing_in_pred: missing_n,
        missing_examples: missing,
        extra_in_pred: extra,
    }
}

/// Reads `(id, cluster)` pairs from a JSONL file, in file order. An id on two lines is an error
/// of kind [`DuplicateId`](ErrorKind::DuplicateId) naming both.
pub fn read_assignments(path: &Path) -> Result<Vec<(String, String)>> {
    read_assignments_with(path, false)
}

/// [`read_assignments`]; with `number_duplicates`, the later lines with an id already listed
/// are renamed `id~2`, `id~3`, ... (the first suffix that is no id of the file) instead of
/// refused, so that the n-th line with an id in a truth file meets the n-th in a prediction.
pub fn read_assignments_with(path: &Path, number_duplicates: bool) -> Result<Vec<(String, String)>> {
    let data = std::fs::read(path).map_err(|e| Error::io(path, "cannot read", e))?;
    let text = std::str::from_utf8(&data).map_err(|u| {
        Error::new(ErrorKind::Utf8, "invalid UTF-8").with_path(path).with_offset(u.valid_up_to() as u64)
    })?;
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |e: Error| e.with_path(path).with_line(i as u64 + 1);
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| at(Error::new(ErrorKind::Json, format!("invalid JSON: {e}"))))?;
        let field = |name: &str| -> Result<String> {
            match v.get(name) {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
                _ => Err(at(Error::new(ErrorKind::MissingField, format!("no string or number {name:?} field")))),
            }
        };
        out.push((field("id")?, field("cluster")?));
        lines.push(i as u64 + 1);
    }
    if out.is_empty() {
        return Err(Error::new(ErrorKind::Empty, "file holds no assignments").with_path(path));
    }
    let mut first: HashMap<String, u64> = HashMap::with_capacity(out.len());
    let mut later = Vec::new();
    for (j, ((id, _), &line)) in out.iter().zip(&lines).enumerate() {
        match first.get(id) {
            None => {
                first.insert(id.clone(), line);
            }
            Some(&at) if !number_duplicates => {
                let e = Error::new(ErrorKind::DuplicateId, format!("duplicate id {id:?}: also on line {at}"));
                return Err(e.with_path(path).with_line(line));
            }
            Some(_) => later.push(j),
        }
    }
    let mut next: HashMap<String, u64> = HashMap::new();
    for j in later {
        let id = out[j].0.clone();
        let k = next.entry(id.clone()).or_insert(2);
        let renamed = loop {
            let candidate = format!("{id}~{k}");
            *k += 1;
            if !first.contains_key(&candidate) {
                break candidate;
            }
        };
        first.insert(renamed.clone(), lines[j]);
        out[j].0 = renamed;
    }
    Ok(out)
}

/// Scores the prediction file against the truth file; an id listed twice in either file is an
/// error.
pub fn evaluate_files(truth: &Path, pred: &Path) -> Result<EvalReport> {
    evaluate_files_with(truth, pred, false)
}

/// [`evaluate_files`], numbering ids listed twice apart when `number_duplicates` (see
/// [`read_assignments_with`]).
pub fn evaluate_files_with(truth: &Path, pred: &Path, number_duplicates: bool) -> Result<EvalReport> {
    let truth = read_assignments_with(truth, number_duplicates)?;
    let pred: HashMap<String, String> = read_assignments_with(pred, number_duplicates)?.into_iter().collect();
    Ok(score(&truth, &pred))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn perfect_and_partial_predictions() {
        let truth = t(&[("a", "1"), ("b", "1"), ("c", "1"), ("d", "2"), ("e", "3")]);
        let pred: HashMap<_, _> = truth.iter().cloned().collect();
        let r = score(&truth, &pred);
        assert_eq!((r.true_pairs, r.tp_pairs), (3, 3));
        assert_eq!((r.precision, r.recall, r.f1, r.ari), (1.0, 1.0, 1.0, 1.0));

        // c split off and wrongly merged with d: tp = 1 (a-b), pred pairs = 2, true pairs = 3.
        let pred: HashMap<_, _> =
            t(&[("a", "x"), ("b", "x"), ("c", "y"), ("d", "y"), ("e", "z")]).into_iter().collect();
        let r = score(&truth, &pred);
        assert_eq!((r.tp_pairs, r.pred_pairs), (1, 2));
        assert!((r.precision - 0.5).abs() < 1e-12 && (r.recall - 1.0 / 3.0).abs() < 1e-12);
        assert!(r.ari < 0.5);
    }

    #[test]
    fn missing_documents_are_singletons() {
        let truth = t(&[("a", "1"), ("b", "1"), ("c", "2")]);
        let pred: HashMap<_, _> = t(&[("a", "0")]).into_iter().collect();
        let r = score(&truth, &pred);
        assert_eq!(r.missing_in_pred, 2);
        assert_eq!(r.missing_examples, vec!["b".to_string(), "c".to_string()]);
        assert_eq!(r.pred_pairs, 0);
        assert_eq!(r.recall, 0.0);
    }

    #[test]
    fn ids_listed_twice_are_refused_or_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let (truth, pred) = (dir.path().join("t.jsonl"), dir.path().join("p.jsonl"));
        let lines = |v: &[(&str, u32)]| {
            v.iter().map(|(id, c)| format!("{{\"id\":{id:?},\"cluster\":{c}}}\n")).collect::<String>()
        };
        std::fs::write(&truth, lines(&[("a", 0), ("b", 0), ("a", 1), ("a~2", 2)])).unwrap();
        std::fs::write(&pred, lines(&[("a", 5), ("b", 5), ("a", 6), ("a~2", 7), ("z", 8)])).unwrap();
        let e = evaluate_files(&truth, &pred).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DuplicateId);
        assert!(e.to_string().ends_with("t.jsonl:line 3: duplicate id \"a\": also on line 1"), "{e}");
        let r = evaluate_files_with(&truth, &pred, true).unwrap();
        assert_eq!(read_assignments_with(&truth, true).unwrap()[2].0, "a~3");
        assert_eq!((r.docs, r.missing_in_pred, r.extra_in_pred), (4, 0, 1));
        assert_eq!((r.precision, r.recall), (1.0, 1.0));
    }

    #[test]
    fn ari_matches_a_hand_computed_value() {
        // truth {a,b},{c,d}; pred {a,b,c},{d}: n=4, total 6, true 2, pred 3, tp 1.
        // expected = 2*3/6 = 1, max = 2.5, ari = (1-1)/(2.5-1) = 0.
        let truth = t(&[("a", "1"), ("b", "1"), ("c", "2"), ("d", "2")]);
        let pred: HashMap<_, _> = t(&[("a", "x"), ("b", "x"), ("c", "x"), ("d", "y")]).into_iter().collect();
        assert!(score(&truth, &pred).ari.abs() < 1e-12);
    }
}
