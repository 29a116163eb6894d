//! Cluster a JSONL news corpus with the library and print the largest clusters.
//!
//! ```sh
//! cargo run --release --example cluster_news -- data/news-sample.jsonl
//! ```

use neardupe::{Config, Corpus, CorpusConfig, Deduper};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "data/news-sample.jsonl".to_string());
    let corpus = Corpus::open(&[&path], CorpusConfig::builder().text_field("text").build()?)?;
    let mut deduper = Deduper::new(Config::builder().threshold(0.4).word_ngrams(5).build()?);
    let out = deduper.run(&corpus)?;

    println!(
        "{} documents, {} clusters, {} duplicates ({} candidate pairs, {} verified)",
        out.stats.documents, out.stats.clusters, out.stats.duplicates, out.stats.candidates, out.stats.verified_edges
    );
    // Documents of each cluster, by their position in the output.
    let groups = out.clustering.groups();
    for (cluster, size) in out.clustering.largest(5) {
        let docs = &groups[cluster as usize];
        let first = corpus.document(out.records[docs[0].index()])?;
        let headline = first.text.lines().next().unwrap_or("");
        println!("cluster {cluster} ({size} documents): {headline:.70}");
        let ids: Vec<&str> = docs.iter().map(|d| out.ids[d.index()].as_str()).collect();
        println!("  {}", ids.join(", "));
    }
    Ok(())
}
