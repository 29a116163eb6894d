//! Times [`Index::open`] of an existing index and prints one JSON line: the first open (cold when
//! the page cache was dropped just before) and the median, minimum and maximum of the next RUNS
//! opens (warm), in milliseconds. Each time runs from the call to its return; unmapping the files
//! (dropping the index) is not timed.
//!
//! ```text
//! cargo build --release --example index_open
//! target/release/examples/index_open /tmp/neardupe-index-scale/index-1000000 200
//! ```
//!
//! `benches/scripts/index_scale.py` runs it after dropping the page cache and again warm.

use std::time::Instant;

use neardupe::index::Index;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let dir = args.next().ok_or("usage: index_open DIR [RUNS]")?;
    let runs: usize = match args.next() {
        Some(s) => s.to_str().ok_or("RUNS must be a number")?.parse()?,
        None => 100,
    };
    let open = || -> neardupe::Result<(f64, Index)> {
        let t = Instant::now();
        let index = Index::open(&dir)?;
        Ok((t.elapsed().as_secs_f64() * 1e3, index))
    };

    let (first_ms, index) = open()?;
    let documents = index.len();
    drop(index);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (ms, index) = open()?;
        drop(index);
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    let median_ms = match times.len() {
        0 => None,
        n if n % 2 == 1 => Some(times[n / 2]),
        n => Some((times[n / 2 - 1] + times[n / 2]) / 2.0),
    };
    let line = serde_json::json!({
        "documents": documents,
        "first_ms": first_ms,
        "runs": runs,
        "median_ms": median_ms,
        "min_ms": times.first(),
        "max_ms": times.last(),
    });
    println!("{line}");
    Ok(())
}
