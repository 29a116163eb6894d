//! Fuzzes the whole pipeline: the input, split on NUL bytes, is a batch of documents (lossily
//! decoded as UTF-8) clustered with the default configuration. Checks that every document gets a
//! cluster, that each cluster has exactly one representative, that cluster ids are numbered in
//! order of first member, and that the verified edges connect documents of the same cluster.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use neardupe::{Config, Deduper, DocId, Verify};

fn check(deduper: &Deduper, docs: &[(String, String)]) {
    let out = deduper.clone().cluster(docs).unwrap();
    let n = docs.len();
    let c = &out.clustering;
    assert_eq!(out.ids.len(), n);
    assert_eq!(c.len(), n, "one cluster assignment per document");
    assert_eq!(out.signatures.len(), n);

    let k = c.num_clusters();
    let mut reps = vec![0u32; k];
    let mut sizes = vec![0u32; k];
    let mut next = 0u32;
    for i in 0..n {
        let id = c.clusters()[i];
        assert!((id as usize) < k, "cluster id {id} out of range {k}");
        // Ids are numbered in order of each cluster's first document.
        assert!(id <= next, "cluster {id} numbered out of order");
        if id == next {
            next += 1;
        }
        sizes[id as usize] += 1;
        if c.is_representative(DocId(i as u32)) {
            reps[id as usize] += 1;
        }
    }
    assert_eq!(next as usize, k);
    assert!(reps.iter().all(|&r| r == 1), "each cluster has exactly one representative: {reps:?}");
    for (id, &s) in sizes.iter().enumerate() {
        assert_eq!(c.cluster_size(id as u32), s);
    }
    assert_eq!(c.num_duplicates(), n - k);
    for e in &out.edges {
        assert!(e.a < e.b && e.b.index() < n);
        assert_eq!(c.cluster(e.a), c.cluster(e.b));
    }
    // Identical non-empty texts always land together.
    for i in 1..n.min(64) {
        if docs[i].1 == docs[i - 1].1 && !deduper.shingle_set(&docs[i].1).is_empty() {
            assert_eq!(c.clusters()[i], c.clusters()[i - 1], "identical documents {i} and {} apart", i - 1);
        }
    }
}

/// The default configuration, and one with 1-word shingles, 16 slots, a low threshold and exact
/// verification (more candidates, through the exact path). Built once: building optimises the banding.
fn dedupers() -> &'static [Deduper; 2] {
    static D: OnceLock<[Deduper; 2]> = OnceLock::new();
    D.get_or_init(|| {
        let small = Config::builder().word_ngrams(1).num_perm(16).threshold(0.3).verify(Verify::Exact);
        [Deduper::new(Config::builder().build().unwrap()), Deduper::new(small.build().unwrap())]
    })
}

fuzz_target!(|data: &[u8]| {
    let docs: Vec<(String, String)> = data
        .split(|&b| b == 0)
        .enumerate()
        .map(|(i, d)| (i.to_string(), String::from_utf8_lossy(d).into_owned()))
        .collect();
    let [default, small] = dedupers();
    check(default, &docs);
    check(small, &docs);
});
