//! Cluster a JSONL stream read from standard input, without holding its texts in memory, and
//! write the same cluster lines as `neardupe cluster`.
//!
//! ```sh
//! cat data/news-sample.jsonl | cargo run --release --example cluster_stdin > clusters.jsonl
//! ```
use std::io::Write;

use neardupe::output::{ClusterFormat, write_clusters};
use neardupe::{Config, Corpus, CorpusConfig, Deduper};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The stream is spilled to an unnamed temporary file and read back from there.
    let corpus = Corpus::from_reader(std::io::stdin().lock(), "<stdin>", CorpusConfig::default(), None)?;
    let out = Deduper::new(Config::default()).run(&corpus)?;
    let mut stdout = std::io::stdout().lock();
    write_clusters(&mut stdout, &out, ClusterFormat::Jsonl)?;
    eprintln!("{} documents, {} clusters", out.stats.documents, out.stats.clusters);
    Ok(stdout.flush()?)
}
