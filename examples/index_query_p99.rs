//! Times [`Index::query`] against an index of many identical documents (the cost cliff of issue
//! 16: every query's buckets hold every stored document) and prints one JSON line: the number of
//! stored documents, queries, and the p50, p99 and maximum time of one query in milliseconds.
//!
//! Builds the index in DIR first if DIR holds none: DOCS copies of one news story (default
//! 200,000), in one batch, with the default configuration. Then runs QUERIES queries (default
//! 1,000) on one thread, alternating the stored text itself and a near copy of it (a few words
//! changed), each asking for 5 matches.
//!
//! ```text
//! cargo build --release --example index_query_p99
//! target/release/examples/index_query_p99 /tmp/identical-200k 200000 1000
//! ```

use std::time::Instant;

use neardupe::Config;
use neardupe::index::Index;

const STORY: &str = "the central bank raised interest rates by a quarter point on tuesday citing \
    persistent inflation in services and a tight labour market across the region while officials \
    signalled that further increases were possible if wage growth did not slow in the coming \
    months and analysts said the decision had been widely expected by markets which barely moved \
    after the announcement although the currency rose slightly against the dollar in late trading";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let dir = args.next().ok_or("usage: index_query_p99 DIR [DOCS] [QUERIES]")?;
    let mut number = |default: usize| -> Result<usize, Box<dyn std::error::Error>> {
        match args.next() {
            Some(s) => Ok(s.to_str().ok_or("not a number")?.parse()?),
            None => Ok(default),
        }
    };
    let (docs, queries) = (number(200_000)?, number(1_000)?);
    if !std::path::Path::new(&dir).join("MANIFEST").exists() {
        let t = Instant::now();
        let mut index = Index::create(&dir, Config::builder().build()?)?;
        let batch: Vec<(String, &str)> = (0..docs).map(|i| (format!("same-{i}"), STORY)).collect();
        index.insert_batch(&batch[..])?;
        eprintln!("built {} documents in {:.1} s", index.len(), t.elapsed().as_secs_f64());
    }
    let index = Index::open(&dir)?;
    let near = STORY.replace("tuesday", "wednesday").replace("slightly", "sharply");
    let texts = [STORY, near.as_str()];
    let mut times = Vec::with_capacity(queries);
    let mut top = String::new();
    for q in 0..queries {
        let t = Instant::now();
        let found = index.query(texts[q % 2], 5)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        if q == 0 {
            top = found.first().map(|m| m.id.clone()).unwrap_or_default();
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    println!(
        "{{\"documents\":{},\"queries\":{},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"max_ms\":{:.3},\"top\":{:?}}}",
        index.len(),
        times.len(),
        at(0.50),
        at(0.99),
        at(1.0),
        top
    );
    Ok(())
}
