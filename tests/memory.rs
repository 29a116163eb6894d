//! Runs under a memory limit: whatever the limit and the thread count, the output is the output
//! of the run in memory, and a limit too small to work is refused with the smallest that works.

#![cfg(all(feature = "parallel", feature = "mmap"))]

use neardupe::{Config, Deduper, ErrorKind, MemoryConfig, Output, Similarity, Verify};
use neardupe_synth::{self as synth, SynthConfig, Tier};

fn corpus(stories: usize, seed: u64) -> Vec<(String, String)> {
    let config = SynthConfig::builder().stories(stories).seed(seed).tiers(Tier::all()).build().expect("valid config");
    synth::generate(&config).into_iter().map(|d| (d.id, d.text)).collect()
}

fn run(config: &Config, docs: &[(String, String)], memory: MemoryConfig, threads: usize) -> neardupe::Result<Output> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    pool.install(|| Deduper::new(config.clone()).with_memory(memory).cluster(docs))
}

fn limited(bytes: u64) -> MemoryConfig {
    MemoryConfig::builder().baseline(0).limit(bytes).build().expect("valid limit")
}

/// Everything a run's output says, but the signatures (not kept when spilled) and the times.
fn assert_same(got: &Output, want: &Output, what: &str) {
    assert_eq!(got.ids, want.ids, "{what}");
    assert_eq!(got.clustering.clusters(), want.clustering.clusters(), "{what}");
    assert_eq!(got.clustering.representatives(), want.clustering.representatives(), "{what}");
    assert_eq!(got.edges, want.edges, "{what}");
    let (g, w) = (&got.stats, &want.stats);
    assert_eq!(
        (g.candidates, g.verified_edges, g.exact_checks, g.exact_documents, g.guard_refusals, g.clusters, g.duplicates),
        (w.candidates, w.verified_edges, w.exact_checks, w.exact_documents, w.guard_refusals, w.clusters, w.duplicates),
        "{what}"
    );
    assert_eq!(g.largest_clusters, w.largest_clusters, "{what}");
    assert_eq!(g.suspicious_clusters, w.suspicious_clusters, "{what}");
}

/// The smallest limit that works, read from the refusal of a limit of 1 byte.
fn smallest(config: &Config, docs: &[(String, String)]) -> u64 {
    let err = run(config, docs, limited(1), 1).expect_err("a limit of one byte is refused");
    assert_eq!(err.kind(), ErrorKind::Config);
    let message = err.message().to_string();
    let size = message.split("the smallest limit that works is ").nth(1).expect("names the smallest limit");
    let mut parts = size.split_whitespace();
    let value: f64 = parts.next().and_then(|v| v.parse().ok()).expect("a number");
    let unit = match parts.next() {
        Some("KiB") => 1u64 << 10,
        Some("MiB") => 1 << 20,
        Some("GiB") => 1 << 30,
        other => panic!("unit {other:?} in {message}"),
    };
    (value * unit as f64) as u64
}

#[test]
fn spilled_runs_give_the_output_of_the_run_in_memory() {
    let docs = corpus(1200, 5);
    let configs = [
        Config::builder().build().expect("defaults"),
        Config::builder()
            .similarity(Similarity::Jaccard)
            .threshold(0.8)
            .verify(Verify::Estimate)
            .build()
            .expect("valid"),
        Config::builder().verify(Verify::Exact).build().expect("valid"),
    ];
    for config in &configs {
        let want = run(config, &docs, MemoryConfig::unlimited(), 1).expect("in memory");
        assert_eq!(want.stats.spilled_bytes, 0);
        let floor = smallest(config, &docs);
        let signature_bytes = docs.len() as u64 * config.minhash().num_perm() as u64 * 4;
        for limit in [floor, floor + floor / 2, floor * 3] {
            for threads in [1, 2] {
                let got = run(config, &docs, limited(limit), threads).expect("within the limit");
                let what = format!("{:?} at {limit} bytes on {threads} threads", config.verify());
                assert!(got.stats.spilled_bytes >= signature_bytes, "{what}: spilled {}", got.stats.spilled_bytes);
                assert!(got.signatures.is_empty(), "{what}");
                assert_same(&got, &want, &what);
            }
        }
        // At the smallest limit the candidates go to sorted runs too.
        let got = run(config, &docs, limited(floor), 2).expect("within the limit");
        assert!(
            got.stats.spilled_bytes > signature_bytes,
            "runs of candidate edges were written ({} candidates, {} documents)",
            got.stats.candidates,
            docs.len()
        );
    }
}

#[test]
fn a_limit_the_run_fits_in_keeps_everything_in_memory() {
    let docs = corpus(100, 7);
    let config = Config::default();
    let want = run(&config, &docs, MemoryConfig::unlimited(), 2).expect("in memory");
    let got = run(&config, &docs, MemoryConfig::builder().limit(1 << 30).build().expect("valid"), 2).expect("fits");
    assert_eq!(got.stats.spilled_bytes, 0);
    assert_eq!(got.signatures, want.signatures);
    assert_same(&got, &want, "1 GiB");
}

#[test]
fn limits_below_what_a_run_takes_are_refused() {
    let docs = corpus(100, 7);
    let err = MemoryConfig::builder().limit(10 << 20).build().expect_err("below the default baseline");
    assert_eq!(err.kind(), ErrorKind::Config);
    let config = Config::default();
    let floor = smallest(&config, &docs);
    assert!(run(&config, &docs, limited(floor / 2), 1).is_err());
    let dir = tempfile::tempdir().expect("dir");
    let memory = MemoryConfig::builder().baseline(0).limit(floor).tmp_dir(dir.path()).build().expect("valid");
    run(&config, &docs, memory, 2).expect("works at the smallest limit");
    // Spill files have no names: nothing is left in the directory.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}
