//! One pipeline run as `cluster` and `dedup` make it: setup, the run with a progress bar, the
//! summary and `--stats-json`.

use std::time::Instant;

use neardupe::{Corpus, CorpusConfig, Deduper, Error, MemoryConfig, Output, Result, Skipped};

use crate::args::{MemoryArgs, MemoryLimit, RunArgs};
use crate::common::{config_of, corpus_config_of, pool_of, progress_bar, rate};
use crate::outputs::Sink;

/// One pipeline run: the opened corpus and its output, with timings.
pub(crate) struct Job {
    pub(crate) corpus: Corpus,
    pub(crate) out: Output,
    started: Instant,
}

impl Job {
    /// The deduper, corpus options and worker pool that `args` ask for.
    pub(crate) fn setup(args: &RunArgs) -> Result<(Deduper, CorpusConfig, rayon::ThreadPool)> {
        Ok((Deduper::new(config_of(args)?), corpus_config_of(&args.input)?, pool_of(&args.input)?))
    }

    pub(crate) fn run(args: &RunArgs, memory: &MemoryArgs) -> Result<Job> {
        let started = Instant::now();
        let (deduper, corpus_config, pool) = Job::setup(args)?;
        let args_memory = memory;
        let limit = match memory.memory {
            Some(MemoryLimit::Bytes(b)) => Some(b),
            Some(MemoryLimit::Unlimited) => None,
            None => neardupe::spill::default_limit(),
        };
        let mut memory = MemoryConfig::builder().limit_opt(limit);
        if let Some(b) = args_memory.memory_baseline {
            memory = memory.baseline(b);
        }
        if let Some(dir) = &args.input.tmp_dir {
            memory = memory.tmp_dir(dir);
        }
        let mut deduper = deduper.with_memory(memory.build()?);
        // The number of documents is known only once the input is open, and documents are
        // signed while compressed input is still being decompressed: the bar counts up.
        let bar = progress_bar(args.input.quiet, None);
        let report = |docs: u64, bytes: u64| {
            if let Some(bar) = &bar {
                bar.set_position(docs);
                if let Some(mb_per_s) = rate(bytes as f64 / 1e6, bar.elapsed().as_secs_f64()) {
                    bar.set_message(format!("{mb_per_s:.1} MB/s"));
                }
            }
        };
        // In the pool: compressed inputs are decompressed one per worker thread at a time.
        let (corpus, out) = pool.install(|| deduper.open_and_run(&args.input.inputs, corpus_config, Some(&report)))?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        // A mapped input changed during the run: its results may be a mix of old and new bytes.
        corpus.check_unchanged()?;
        if out.stats.renamed_ids > 0 {
            eprintln!(
                "neardupe: warning: {} documents had the id of an earlier document and were renamed id~2, id~3, ... (--duplicate-ids number)",
                out.stats.renamed_ids
            );
        }
        Ok(Job { corpus, out, started })
    }

    /// Records the write time, prints warnings and the summary, and writes `--stats-json` to
    /// `stats` (opened before the run).
    pub(crate) fn finish(&mut self, args: &RunArgs, write_started: Instant, stats: Option<&mut Sink>) -> Result<()> {
        self.out.stats.seconds.write = write_started.elapsed().as_secs_f64();
        report_skipped(&[self.corpus.skipped(), &self.out.skipped], args.input.quiet);
        if !args.input.quiet {
            self.summary();
        }
        if let Some(sink) = stats {
            let s = &self.out.stats;
            let wall = self.started.elapsed().as_secs_f64();
            let json = serde_json::json!({
                "stats": s,
                "input_bytes": self.corpus.total_bytes(),
                "wall_seconds": wall,
                "mb_per_s": rate(self.corpus.total_bytes() as f64 / 1e6, wall),
                "threshold": args.threshold,
                "similarity": args.similarity.as_str(),
                "num_perm": args.num_perm,
                "shingle": if let Some(n) = args.char_ngrams { format!("chars:{n}") } else { format!("words:{}", args.ngram) },
                "skipped_examples": self.corpus.skipped().iter().chain(&self.out.skipped).take(10).map(|e| e.to_string()).collect::<Vec<_>>(),
            });
            let text = serde_json::to_string_pretty(&json).map_err(|e| Error::config(e.to_string()))?;
            sink.write(|w| writeln!(w, "{text}"))?;
        }
        Ok(())
    }

    fn summary(&self) {
        let s = &self.out.stats;
        let wall = self.started.elapsed().as_secs_f64();
        let mb = self.corpus.total_bytes() as f64 / 1e6;
        let t = &s.seconds;
        let mb_per_s = rate(mb, wall).map(|r| format!(" ({r:.1} MB/s)")).unwrap_or_default();
        eprintln!(
            "neardupe: {} documents ({:.1} MB) in {:.2} s{mb_per_s}; {} skipped",
            s.documents, mb, wall, s.skipped
        );
        eprintln!(
            "neardupe: {} candidates, {} verified edges, {} clusters ({} with duplicates, largest {}), {} duplicates",
            s.candidates, s.verified_edges, s.clusters, s.duplicate_clusters, s.largest_cluster, s.duplicates
        );
        if s.boilerplate_sample > 0 {
            eprintln!(
                "neardupe: boilerplate: {} shingles left out (learnt from {} documents)",
                s.boilerplate_shingles, s.boilerplate_sample
            );
        }
        if s.guard_refusals + s.window_refusals > 0 {
            eprintln!(
                "neardupe: merges refused: {} by the chaining guard, {} by the time window",
                s.guard_refusals, s.window_refusals
            );
        }
        for c in s.largest_clusters.iter().filter(|c| c.giant || c.loose) {
            eprintln!(
                "neardupe: warning: suspicious cluster {} ({} documents, representative {:?}, lowest member similarity {:.2}{}{}): check its pairs with `neardupe explain`",
                c.cluster,
                c.size,
                c.representative,
                c.min_similarity,
                if c.giant { ", giant" } else { "" },
                if c.loose { ", loose" } else { "" },
            );
        }
        if s.suspicious_clusters > 0 {
            eprintln!("neardupe: {} suspicious clusters (giant or loose; see --stats-json)", s.suspicious_clusters);
        }
        let parse_share = t.parse_cpu / (t.parse_cpu + t.sketch_cpu).max(1e-9);
        eprintln!(
            "neardupe: seconds: read {:.3}, boilerplate {:.3}, parse+shingle+sign {:.3} (parse {:.0}%), band {:.3}, verify {:.3} ({} exact checks), union {:.3}, write {:.3} (bands {} x rows {})",
            t.read,
            t.boilerplate,
            t.sign,
            100.0 * parse_share,
            t.band,
            t.verify,
            s.exact_checks,
            t.union,
            t.write,
            s.bands,
            s.rows
        );
    }
}

/// Lists what was left out on standard error: the first ten with their reasons, and the count.
/// With `quiet` only the count, which is never silent: records left out are data lost.
pub(crate) fn report_skipped(skipped: &[&Skipped], quiet: bool) {
    let total: usize = skipped.iter().map(|s| s.len()).sum();
    let Some(first) = skipped.iter().flat_map(|s| s.iter()).next() else { return };
    if !quiet {
        for e in skipped.iter().flat_map(|s| s.iter()).take(10) {
            eprintln!("neardupe: skipped: {}", crate::errors::cli_message(e));
        }
    }
    let first = if quiet { format!(" (first: {})", crate::errors::cli_message(first)) } else { String::new() };
    eprintln!("neardupe: warning: {total} invalid records or files left out{first}");
}
