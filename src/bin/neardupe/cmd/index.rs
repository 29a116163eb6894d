//! `neardupe index ...`: build, extend, query, inspect, compact and export a persistent index.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use neardupe::index::{Index, InsertOptions, Insertion, Moved, RemoveOptions};
use neardupe::output;
use neardupe::{Corpus, Error, Result};

use crate::args::{IdList, IdsFormat, IndexCommand, InputArgs};
use crate::common::{config_of, corpus_config_of, pool_of, progress_bar, rate};
use crate::outputs::{self, Outputs, Sink};

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
            let done = insert(&mut index, &corpus, &run.input, &pool, &InsertOptions::new())?;
            drop(index);
            std::fs::rename(tmp.path(), &target)
                .map_err(|e| Error::io(&dir, "cannot move the new index into place", e))?;
            let _ = tmp.keep();
            // The rename is the build's commit: sync the parent so that it survives a crash.
            #[cfg(unix)]
            std::fs::File::open(parent)
                .and_then(|d| d.sync_all())
                .map_err(|e| Error::io(parent, "cannot sync the directory of the new index", e))?;
            let index = Index::open(&dir)?;
            if !run.input.quiet {
                summary(&index, &done, &corpus, t);
            }
            Ok(())
        }
        IndexCommand::Add { dir, input, output, existing_ids, changes } => {
            let t = Instant::now();
            // The reports are opened before the batch: once the batch is committed, only a full
            // disk or a failing device can keep them from being written.
            let mut outs = Outputs::new(&input.inputs, Some(&dir));
            let mut report = outs.open("-o", &output)?;
            let changes = outs.open_some("--changes", changes.as_deref())?;
            let pool = pool_of(&input)?;
            let corpus = Corpus::open(&input.inputs, corpus_config_of(&input)?)?;
            let mut index = Index::open_writable(&dir)?;
            // The window is the index's; the dates are the new documents'.
            dates_match_window(&index, &dir, &input, &corpus, "new document")?;
            let options = InsertOptions::new().existing_ids(existing_ids);
            let done = insert(&mut index, &corpus, &input, &pool, &options)?;
            let written = report.write(|w| {
                for id in &done.skipped_ids {
                    let line = serde_json::json!({"id": id, "status": "skipped", "reason": "already in the index"});
                    writeln!(w, "{line}")?;
                }
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
            let written = written.and_then(|()| report.commit()).and_then(|()| write_changes(changes, &done.moved));
            committed(written)?;
            if !input.quiet {
                summary(&index, &done, &corpus, t);
            }
            Ok(())
        }
        IndexCommand::Remove { dir, ids, list, missing, changes, quiet } => {
            let t = Instant::now();
            let inputs: Vec<PathBuf> = list.file.iter().cloned().collect();
            let mut changes = Outputs::new(&inputs, Some(&dir)).open_some("--changes", changes.as_deref())?;
            let ids = read_ids(ids, &list, &dir)?;
            if ids.is_empty() {
                return Err(Error::config(
                    "no ids to remove: give them as arguments or with --ids FILE (nothing was removed)",
                ));
            }
            let mut index = Index::open_writable(&dir)?;
            let done = index.remove_with(&ids, &RemoveOptions::new().missing(missing))?;
            committed(write_changes(changes.take(), &done.moved))?;
            if !quiet {
                eprintln!(
                    "neardupe: removed {} documents in {:.2} s ({} ids not in the index); {} remaining documents changed cluster; index: {} documents, {} clusters",
                    done.removed.len(),
                    t.elapsed().as_secs_f64(),
                    done.missing.len(),
                    done.moved.len(),
                    index.len(),
                    index.stats().clusters
                );
            }
            Ok(())
        }
        IndexCommand::Get { dir, ids, list, output } => {
            let inputs: Vec<PathBuf> = list.file.iter().cloned().collect();
            let mut out = Outputs::new(&inputs, Some(&dir)).open("-o", &output)?;
            let ids = read_ids(ids, &list, &dir)?;
            let index = Index::open(&dir)?;
            let mut lines = Vec::with_capacity(ids.len());
            for id in &ids {
                let line = match index.lookup(id)? {
                    None => serde_json::json!({"id": id, "found": false}),
                    Some(found) => {
                        let members: Vec<&str> = index
                            .members(found.cluster)?
                            .iter()
                            .map(|&d| index.document_id(d))
                            .collect::<Result<_>>()?;
                        serde_json::json!({
                            "id": id,
                            "found": true,
                            "doc": found.doc.0,
                            "cluster": found.cluster,
                            "representative": index.document_id(found.representative)?,
                            "members": members,
                        })
                    }
                };
                lines.push(line.to_string());
            }
            out.write(|w| {
                for l in &lines {
                    writeln!(w, "{l}")?;
                }
                w.flush()
            })?;
            out.commit()
        }
        IndexCommand::Query { dir, input, limit, duplicates_only, output } => {
            let mut out = Outputs::new(&input.inputs, Some(&dir)).open("-o", &output)?;
            let pool = pool_of(&input)?;
            let corpus = Corpus::open(&input.inputs, corpus_config_of(&input)?)?;
            let mut index = Index::open(&dir)?;
            index.set_max_text_bytes(input.max_record_bytes);
            // Matches further apart than the window are not duplicates: that takes a date.
            dates_match_window(&index, &dir, &input, &corpus, "query")?;
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
                // No documents, no ratio: null rather than the files' size over 1.
                "bytes_per_document": (!index.is_empty()).then(|| index.stats().bytes as f64 / index.len() as f64),
                "parameters": {
                    "similarity": config.similarity().as_str(),
                    "threshold": config.threshold(),
                    "num_perm": config.minhash().num_perm(),
                    "seed": config.minhash().seed(),
                    "algorithm": config.minhash().algorithm().as_str(),
                    "bands": config.lsh().bands(),
                    "rows": config.lsh().rows(),
                    "shingle": format!("{}:{}", config.shingle().unit().as_str(), config.shingle().size()),
                    "tokenizer": config.shingle().tokenizer().as_str(),
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
            // An export is read as the truth about every document: it verifies every checksum
            // first (a byte changed at rest in an id would otherwise be exported as that id).
            index.check()?;
            let rows = index
                .clusters()
                .map(|a| a.map(|a| (a.id, a.cluster, a.is_representative)).map_err(std::io::Error::other));
            let format = output_format.unwrap_or_else(|| output::ClusterFormat::for_path(&output));
            out.write(|w| output::write_cluster_rows(w, rows, format))?;
            out.commit()
        }
        IndexCommand::Check { dir } => {
            let index = Index::open(&dir)?;
            index.check()?;
            eprintln!("neardupe: {}: {} documents, every checksum matches", dir.display(), index.len());
            let repeated = index.repeated_ids()?;
            if !repeated.is_empty() {
                let first: Vec<String> =
                    repeated.iter().take(5).map(|(id, docs)| format!("{id:?} ({} documents)", docs.len())).collect();
                eprintln!(
                    "neardupe: warning: {} ids are held by more than one document (an index written by an older version), such as {}; `index remove` removes every document with an id",
                    repeated.len(),
                    first.join(", ")
                );
            }
            Ok(())
        }
    }
}

/// The result of writing reports after a commit: an error says the change is committed.
fn committed(written: Result<()>) -> Result<()> {
    match written {
        Err(e) if crate::errors::is_broken_pipe(&e) => Err(e),
        Err(e) => {
            let message = format!("committed, report not written: {}", crate::errors::cli_message(&e));
            Err(Error::new(e.kind(), message))
        }
        Ok(()) => Ok(()),
    }
}

/// Writes the changed-cluster report, if asked for: one JSON object a line.
fn write_changes(changes: Option<Sink>, moved: &[Moved]) -> Result<()> {
    let Some(mut sink) = changes else { return Ok(()) };
    sink.write(|w| {
        for m in moved {
            let line = serde_json::json!({
                "id": m.id,
                "doc": m.doc.0,
                "old_cluster": m.old_cluster,
                "old_representative": m.old_representative,
                "cluster": m.cluster,
                "representative": m.representative,
            });
            writeln!(w, "{line}")?;
        }
        w.flush()
    })?;
    sink.commit()
}

/// The ids given as arguments, then those of the `--ids` file. A file inside the index
/// directory is refused (an index file is no id list, and reading it is a mistyped path).
fn read_ids(mut ids: Vec<String>, list: &IdList, dir: &Path) -> Result<Vec<String>> {
    let Some(file) = &list.file else { return Ok(ids) };
    let (name, bytes) = if file.as_path() == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| Error::io(file, "cannot read the id list", e))?;
        ("standard input".to_string(), buf)
    } else {
        if let (Ok(f), Ok(d)) = (std::fs::canonicalize(file), std::fs::canonicalize(dir))
            && f.starts_with(&d)
        {
            return Err(Error::config(format!(
                "--ids {} is inside the index directory {}: refusing to read it as an id list",
                file.display(),
                dir.display()
            )));
        }
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, "cannot read the id list", e))?;
        (file.display().to_string(), bytes)
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::config(format!("{name}:{line}: the id list is not UTF-8"))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let at = || format!("{name}:{}", i + 1);
        match list.ids_format {
            IdsFormat::Lines => {
                if line.is_empty() {
                    return Err(Error::config(format!("{}: empty line, not an id", at())));
                }
                ids.push(line.to_string());
            }
            IdsFormat::Jsonl => {
                if line.trim().is_empty() {
                    continue;
                }
                let value: serde_json::Value =
                    serde_json::from_str(line).map_err(|e| Error::config(format!("{}: invalid JSON: {e}", at())))?;
                match value.get("id") {
                    Some(serde_json::Value::String(s)) => ids.push(s.clone()),
                    Some(serde_json::Value::Number(n)) => ids.push(n.to_string()),
                    Some(_) => return Err(Error::config(format!("{}: \"id\" is not a string or a number", at()))),
                    None => return Err(Error::config(format!("{}: the record has no \"id\" field", at()))),
                }
            }
        }
    }
    Ok(ids)
}

/// Inserts `corpus` with a progress bar.
fn insert(
    index: &mut Index,
    corpus: &Corpus,
    input: &InputArgs,
    pool: &rayon::ThreadPool,
    options: &InsertOptions,
) -> Result<Insertion> {
    let bar = progress_bar(input.quiet, Some(corpus.len() as u64));
    let report = |docs: u64, _bytes: u64| {
        if let Some(bar) = &bar {
            bar.set_position(docs);
        }
    };
    let done = pool.install(|| index.insert_batch_with(corpus, options, Some(&report)))?;
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
    if !done.skipped_ids.is_empty() || !done.replaced.is_empty() {
        eprintln!(
            "neardupe: {} documents skipped and {} replaced, their ids being in the index already; {} stored documents changed cluster",
            done.skipped_ids.len(),
            done.replaced.len(),
            done.moved.len()
        );
    }
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
fn dates_match_window(index: &Index, dir: &Path, input: &InputArgs, corpus: &Corpus, what: &str) -> Result<()> {
    match (index.config().window(), &input.date_field) {
        // WARC records are dated by their `WARC-Date`.
        (Some(days), None) if !corpus.dated() => Err(Error::config(format!(
            "{} keeps a time window of {days} days, so every {what} needs a date: name its field with --date-field (and --date-format if needed), or give WARC input",
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
