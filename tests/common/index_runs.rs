//! The index's oracle for the integration tests: the clusters of one full run of its deduper
//! over the same (dated) JSONL files, and the index's own assignments, both as
//! `(id, cluster, representative)`.

use std::path::PathBuf;

use neardupe::index::Index;
use neardupe::{Corpus, CorpusConfig, DocId};

/// The JSONL files at `paths`, read with their `date` field.
pub(crate) fn open(paths: &[PathBuf]) -> Corpus {
    Corpus::open(paths, CorpusConfig::builder().date_field(Some("date".into())).build().unwrap()).unwrap()
}

/// `(id, cluster, representative)` of a full run of `index`'s deduper over `paths`.
pub(crate) fn full_run(index: &Index, paths: &[PathBuf]) -> Vec<(String, u32, bool)> {
    let out = index.deduper().clone().run(&open(paths)).unwrap();
    (0..out.ids.len())
        .map(|i| DocId(i as u32))
        .map(|d| (out.ids[d.index()].clone(), out.clustering.cluster(d), out.clustering.is_representative(d)))
        .collect()
}

/// `(id, cluster, representative)` of every document of `index`.
pub(crate) fn assignments(index: &Index) -> Vec<(String, u32, bool)> {
    index.clusters().map(|a| a.map(|a| (a.id.to_string(), a.cluster, a.is_representative)).unwrap()).collect()
}
