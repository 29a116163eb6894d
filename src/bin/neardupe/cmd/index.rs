//! `neardupe index ...`: build, extend, query, inspect, compact and export a persistent index.

use std::path::Path;
use std::time::Instant;

use neardupe::index::{Index, Insertion};
use neardupe::output;
use neardupe::{Corpus, Error, Result};

use crate::args::{IndexCommand, InputArgs};
use crate::common::{config_of, corpus_config_of, pool_of, progress_bar, rate};
use crate::outputs::{self, Outputs};

/// Runs one `index` subcommand.
pub(crate) fn run(command: IndexCommand) -> Result<()> {
    match command {
        IndexCommand::Build { run, dir } => {
            let t = Instant::now();
            let config = config_of(&run)?;
            let pool = pool_of(&run.input)?;
            Outputs::new(&run.input.inputs, None).check_new_dir("-o", &dir)?;
            if dir.join("MANIFEST").exists() {
                Index::create(&dir, config)?; // refuses, naming the parameters that differ
                return Err(Error::config(format!("{} already holds an index", dir.display())));
            }
            // A link to the index directory stays a link: the index goes where it leads.
            let target = outputs::resolve_links(&dir);
            match std::fs::read_dir(&target).map(|mut entries| entries.next().is_some()) {
                Ok(true) => {
                    let e = format!("{} exists and is not empty: refusing to build an index over it", dir.display());
                    return Err(Error::config(e));
                }
                Ok(false) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&dir, "cannot use as the index directory", e)),
            }
            let corpus = Corpus::open(&run.input.inputs, corpus_config_of(&run.input)?)?;
            // Built beside DIR and renamed into place when complete: a failed or killed build
            // never leaves a partial index under DIR.
            let parent = match target.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => std::path::Path::new("."),
            };
            let tmp = tempfile::Builder::new()
                .prefix(".neardupe-build-")
                .tempdir_in(parent)
                .map_err(|e| Error::io(parent, "cannot create a temporary index directory", e))?;
            let mut index = Index::create(tmp.path(), config)?;
            let done = insert(&mut index, &corpus, &run.input, &pool)?;
            drop(index);
            std::fs::rename(tmp.path(), &target)
                .map_err(|e| Error::io(&dir, "cannot move the new index into place", e))?;
            let _ = tmp.keep();
            let index = Index::open(&dir)?;
            if !run.input.quiet {
                summary(&index, &done, &corpus, t);
            }
            Ok(())
        }
        IndexCommand::Add { dir, input, output } => {
            let t = Instant::now();
            // The report is opened before the batch: once the batch is committed, only a full
            // disk or a failing device can keep the report from being written.
            let mut report = Outputs::new(&input.inputs, Some(&dir)).open("-o", &output)?;
            let pool = pool_of(&input)?;
            let corpus = Corpus::open(&input.inputs, corpus_config_of(&input)?)?;
            let mut index = Index::open_writable(&dir)?;
            // The window is the index's; the dates are the new documents'.
            dates_match_window(&index, &dir, &input, "new document")?;
            let done = insert(&mut index, &corpus, &input, &pool)?;
            let written = report.write(|w| {
                for a in &done.added {
                    let rep = index.document_id(a.representative).map_err(std::io::Error::other)?;
                    let line = serde_json::json!({
                        "id": a.id,
                        "doc": a.doc.0,
                        "cluster": a.cluster,
                        "status": if a.started { "started" } else { "joined" },
                        "representative": rep,
                    });
                    writeln!(w, "{line}")?;
                }
                w.flush()
            });
            match written.and_then(|()| report.commit()) {
                Err(e) if crate::errors::is_broken_pipe(&e) => return Err(e),
                Err(e) => {
                    let message = format!("committed, report not written: {}", crate::errors::cli_message(&e));
                    return Err(Error::new(e.kind(), message));
                }
                Ok(()) => {}
            }
            if !input.quiet {
                summary(&index, &done, &corpus, t);
            }
            Ok(())
        }
        IndexCommand::Query { dir, input, limit, duplicates_only, output } => {
            let mut out = Outputs::new(&input.inputs, Some(&dir)).open("-o", &output)?;
            let pool = pool_of(&input)?;
            let corpus = Corpus::open(&input.inputs, corpus_config_of(&input)?)?;
            let mut index = Index::open(&dir)?;
            index.set_max_text_bytes(input.max_record_bytes);
            // Matches further apart than the window are not duplicates: that takes a date.
            dates_match_window(&index, &dir, &input, "query")?;
            let t = Instant::now();
            let lines: Vec<Result<std::result::Result<String, Error>>> = pool.install(|| {
                use rayon::prelude::*;
                (0..corpus.len())
                    .into_par_iter()
                    .map(|i| {
                        let doc = match corpus.document(i) {
                            Ok(d) => d,
                            Err(e) if input.skip_invalid => return Ok(Err(e)),
                            Err(e) => return Err(e),
                        };
                        let found = match doc.day {
                            Some(day) => index.query_at(&doc.text, day, limit),
                            None => index.query(&doc.text, limit),
                        };
                        let mut found = match found {
                            Ok(found) => found,
                            Err(e) if e.kind().is_invalid_input() => {
                                let e = e.with_location(corpus.record_location(i));
                                return if input.skip_invalid { Ok(Err(e)) } else { Err(e) };
                            }
                            Err(e) => return Err(e),
                        };
                        if duplicates_only {
                            found.retain(|m| m.duplicate);
                        }
                        let matches: Vec<serde_json::Value> = found
                            .iter()
                            .map(|m| {
                                Ok(serde_json::json!({
                                    "id": m.id,
                                    "doc": m.doc.0,
                                    "jaccard": m.jaccard,
                                    "containment": m.containment,
                                    "similarity": m.similarity,
                                    "duplicate": m.duplicate,
                                    "outside_window": m.outside_window,
                                    "cluster": m.cluster,
                                    "representative": index.document_id(m.representative)?,
                                }))
                            })
                            .collect::<Result<_>>()?;
                        Ok(Ok(serde_json::json!({"id": doc.id, "matches": matches}).to_string()))
                    })
                    .collect()
            });
            let lines: Vec<std::result::Result<String, Error>> = lines.into_iter().collect::<Result<_>>()?;
            let mut skipped = corpus.skipped().clone();
            for e in lines.iter().filter_map(|l| l.as_ref().err()) {
                skipped.push(e.clone());
            }
            crate::job::report_skipped(&[&skipped], input.quiet);
            let lines: Vec<String> = lines.into_iter().filter_map(std::result::Result::ok).collect();
            let duplicates = lines.iter().filter(|l| l.contains("\"duplicate\":true")).count();
            out.write(|w| {
                for l in &lines {
                    writeln!(w, "{l}")?;
                }
                w.flush()
            })?;
            out.commit()?;
            if !input.quiet {
                eprintln!(
                    "neardupe: {} documents queried against {} in {:.3} s; {} have a near-duplicate in the index",
                    lines.len(),
                    index.len(),
                    t.elapsed().as_secs_f64(),
                    duplicates
                );
            }
            Ok(())
        }
        IndexCommand::Stats { dir } => {
            let index = Index::open(&dir)?;
            let config = index.config();
            let json = serde_json::json!({
                "stats": index.stats(),
                "bytes_per_document": index.stats().bytes as f64 / (index.len().max(1) as f64),
                "parameters": {
                    "similarity": config.similarity().as_str(),
                    "threshold": config.threshold(),
                    "num_perm": config.minhash().num_perm(),
                    "seed": config.minhash().seed(),
                    "algorithm": config.minhash().algorithm().as_str(),
                    "bands": config.lsh().bands(),
                    "rows": config.lsh().rows(),
                    "shingle": format!("{}:{}", config.shingle().unit().as_str(), config.shingle().size()),
                    "guard": config.guard().as_str(),
                    "window": config.window(),
                    "verify": config.verify().as_str(),
                },
            });
            let text = serde_json::to_string_pretty(&json).map_err(|e| Error::config(e.to_string()))?;
            outln!("{text}");
            Ok(())
        }
        IndexCommand::Compact { dir } => {
            let t = Instant::now();
            let mut index = Index::open_writable(&dir)?;
            let before = index.stats().segments;
            index.compact()?;
            eprintln!(
                "neardupe: {} segments merged into {} in {:.2} s",
                before,
                index.stats().segments,
                t.elapsed().as_secs_f64()
            );
            Ok(())
        }
        IndexCommand::Export { dir, output, output_format } => {
            let mut out = Outputs::new(&[], Some(&dir)).open("-o", &output)?;
            let index = Index::open(&dir)?;
            let rows = index
                .clusters()
                .map(|a| a.map(|a| (a.id, a.cluster, a.is_representative)).map_err(std::io::Error::other));
            out.write(|w| output::write_cluster_rows(w, rows, output_format))?;
            out.commit()
        }
        IndexCommand::Check { dir } => {
            let index = Index::open(&dir)?;
            index.check()?;
            eprintln!("neardupe: {}: {} documents, every checksum matches", dir.display(), index.len());
            Ok(())
        }
    }
}

/// Inserts `corpus` with a progress bar.
fn insert(index: &mut Index, corpus: &Corpus, input: &InputArgs, pool: &rayon::ThreadPool) -> Result<Insertion> {
    let bar = progress_bar(input.quiet, corpus.len() as u64);
    let report = |docs: u64, _bytes: u64| {
        if let Some(bar) = &bar {
            bar.set_position(docs);
        }
    };
    let done = pool.install(|| index.insert_batch_with_progress(corpus, Some(&report)))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Err(e) = corpus.check_unchanged() {
        eprintln!("neardupe: warning: {} (the batch is committed)", crate::errors::cli_message(&e));
    }
    // Warnings are not the summary: printed with --quiet too.
    for w in &done.warnings {
        eprintln!("neardupe: warning: {w}");
    }
    crate::job::report_skipped(&[corpus.skipped(), &done.skipped], input.quiet);
    Ok(done)
}

fn summary(index: &Index, done: &Insertion, corpus: &Corpus, t: Instant) {
    let secs = t.elapsed().as_secs_f64();
    let joined = done.added.iter().filter(|a| !a.started).count();
    let s = index.stats();
    let docs_per_s = rate(done.added.len() as f64, secs).map(|r| format!(" ({r:.0} docs/s)")).unwrap_or_default();
    eprintln!(
        "neardupe: added {} documents ({:.1} MB) in {:.2} s{docs_per_s}: {} joined a cluster, {} started one; {} skipped",
        done.added.len(),
        corpus.total_bytes() as f64 / 1e6,
        secs,
        joined,
        done.added.len() - joined,
        done.skipped.len() + corpus.skipped().len()
    );
    eprintln!(
        "neardupe: {} candidates, {} verified edges; index: {} documents in {} segments, {} clusters ({} with duplicates), {:.1} MB on disk ({:.0} bytes/document)",
        done.candidates,
        done.verified_edges,
        s.documents,
        s.segments,
        s.clusters,
        s.duplicate_clusters,
        s.bytes as f64 / 1e6,
        s.bytes as f64 / (s.documents.max(1) as f64)
    );
    if done.guard_refusals + done.window_refusals > 0 {
        eprintln!(
            "neardupe: merges refused: {} by the chaining guard, {} by the time window",
            done.guard_refusals, done.window_refusals
        );
    }
}

/// An index with a time window needs a date for every document it is given (`what`); one
/// without a window has no use for dates, and says so rather than ignore `--date-field` quietly.
fn dates_match_window(index: &Index, dir: &Path, input: &InputArgs, what: &str) -> Result<()> {
    match (index.config().window(), &input.date_field) {
        (Some(days), None) => Err(Error::config(format!(
            "{} keeps a time window of {days} days, so every {what} needs a date: name its field with --date-field (and --date-format if needed)",
            dir.display()
        ))),
        (None, Some(field)) => {
            eprintln!(
                "neardupe: warning: {} keeps no time window, so the dates in --date-field {field:?} are read but not compared",
                dir.display()
            );
            Ok(())
        }
        _ => Ok(()),
    }
}
