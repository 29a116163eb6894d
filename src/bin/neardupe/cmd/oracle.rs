//! `neardupe oracle`: exact ground truth by brute force over every document's shingle set.

use std::path::Path;
use std::time::Instant;

use neardupe::{Corpus, Error, Result};

use crate::args::RunArgs;
use crate::job::Job;
use crate::outputs::Outputs;

/// `neardupe oracle`: shingles every document as `cluster` does, finds every pair that reaches a
/// threshold exactly, and writes their components (and the pairs).
pub(crate) fn run(
    args: &RunArgs,
    jaccard: Option<f64>,
    containment: Option<f64>,
    truth_out: &Path,
    pairs_out: Option<&Path>,
) -> Result<()> {
    use neardupe::ShingleSet;
    use neardupe::oracle::ExactPair;
    use rayon::prelude::*;

    for (flag, t) in [("--jaccard", jaccard), ("--containment", containment)] {
        if t.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
            return Err(Error::config(format!("{flag} must be between 0 and 1")));
        }
    }
    let mut outputs = Outputs::new(&args.input.inputs, None);
    let mut truth = outputs.open("--truth-out", truth_out)?;
    let mut pairs_file = outputs.open_some("--pairs-out", pairs_out)?;
    let started = Instant::now();
    let (deduper, corpus_config, pool) = Job::setup(args)?;
    let corpus = Corpus::open(&args.input.inputs, corpus_config)?;
    // The same boilerplate as `cluster` learns from these inputs (`--boilerplate off`: every shingle).
    let deduper = pool.install(|| deduper.with_boilerplate_of(&corpus))?;
    let limit = Some(corpus.config().max_record_bytes());
    let shingled: Vec<Result<(String, ShingleSet)>> = pool.install(|| {
        (0..corpus.len())
            .into_par_iter()
            .map_init(
                || deduper.shingler().with_max_text_bytes(limit),
                |shingler, i| {
                    let doc = corpus.document(i)?;
                    let mut shingles = Vec::new();
                    shingler
                        .try_shingle_into(&doc.text, &mut shingles)
                        .map_err(|e| e.with_location(corpus.record_location(i)))?;
                    Ok((doc.id.into_owned(), ShingleSet::from_hashes(shingles)))
                },
            )
            .collect()
    });
    let mut skipped = corpus.skipped().clone();
    let (mut ids, mut sets) = (Vec::with_capacity(shingled.len()), Vec::with_capacity(shingled.len()));
    let mut records = Vec::with_capacity(shingled.len());
    for (i, r) in shingled.into_iter().enumerate() {
        match r {
            Ok((id, set)) => {
                ids.push(id);
                sets.push(set);
                records.push(i);
            }
            Err(e) if args.input.skip_invalid => skipped.push(e),
            Err(e) => return Err(e),
        }
    }
    // The truth names documents by id, as `cluster` does: ids must be unique (or numbered apart).
    let renamed = neardupe::source::unique_ids(&mut ids, &records, &corpus, corpus.config().duplicate_ids())?;
    if renamed > 0 {
        eprintln!(
            "neardupe: warning: {renamed} documents had an id of an earlier document and were renamed id~2, id~3, ..."
        );
    }
    if u32::try_from(sets.len()).is_err() {
        return Err(Error::config("the oracle takes fewer than 2^32 documents"));
    }
    let shingle_seconds = started.elapsed().as_secs_f64();

    let t = Instant::now();
    let (min_j, min_c) = (jaccard.unwrap_or(f64::INFINITY), containment.unwrap_or(f64::INFINITY));
    // Pairs are streamed: into the union-find of the truth, and to --pairs-out as they are found
    // (in (a, b) order), never all held (20,000 identical documents have 200 million pairs).
    let mut uf = neardupe::UnionFind::new(ids.len());
    let mut pairs = 0u64;
    // The pairs are counted on the worker pool and handed over a bounded channel to this thread,
    // which writes them.
    let mut stream = |write: &mut dyn FnMut(&ExactPair) -> std::io::Result<()>| -> std::io::Result<()> {
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<ExactPair>>(2);
            let sets = &sets;
            let pool = &pool;
            let producer = scope.spawn(move || {
                pool.install(|| {
                    neardupe::oracle::par_exact_pairs_each(sets, min_j, min_c, |found| tx.send(found.to_vec()))
                })
            });
            let mut result = Ok(());
            for batch in rx.iter() {
                pairs += batch.len() as u64;
                for p in &batch {
                    uf.union(p.a, p.b);
                }
                if let Err(e) = batch.iter().try_for_each(&mut *write) {
                    result = Err(e);
                    break;
                }
            }
            drop(rx); // a producer still sending stops
            let _ = producer.join();
            result
        })
    };
    match &mut pairs_file {
        Some(sink) => sink.write(|w| {
            stream(&mut |p: &ExactPair| {
                w.write_all(b"{\"a\":")?;
                serde_json::to_writer(&mut *w, &ids[p.a as usize])?;
                w.write_all(b",\"b\":")?;
                serde_json::to_writer(&mut *w, &ids[p.b as usize])?;
                writeln!(
                    w,
                    ",\"jaccard\":{},\"containment\":{},\"intersection\":{}}}",
                    p.jaccard, p.containment, p.intersection
                )
            })?;
            w.flush()
        })?,
        None => stream(&mut |_| Ok(())).map_err(|e| Error::io(truth_out, "cannot count pairs", e))?,
    }
    drop(sets);
    let comp = neardupe::Clustering::from_union_find(&mut uf, neardupe::Representative::First, &[]).clusters().to_vec();
    let pair_seconds = t.elapsed().as_secs_f64();

    truth.write(|w| {
        for (id, c) in ids.iter().zip(&comp) {
            w.write_all(b"{\"id\":")?;
            serde_json::to_writer(&mut *w, id)?;
            writeln!(w, ",\"cluster\":{c}}}")?;
        }
        w.flush()
    })?;
    truth.commit()?;
    if let Some(pairs_file) = pairs_file {
        pairs_file.commit()?;
    }
    crate::job::report_skipped(&[&skipped], args.input.quiet);
    if !args.input.quiet {
        let mut sizes = vec![0u32; ids.len()];
        for &c in &comp {
            sizes[c as usize] += 1;
        }
        let multi = sizes.iter().filter(|&&s| s > 1).count();
        let criteria: Vec<String> = [("J", jaccard), ("containment", containment)]
            .iter()
            .filter_map(|(name, t)| t.map(|t| format!("{name} >= {t}")))
            .collect();
        eprintln!(
            "neardupe: oracle: {} documents ({} skipped), {} pairs at {}, {} components with more than one document, {:.2} s (shingle {:.2} s, pairs {:.2} s)",
            ids.len(),
            skipped.len(),
            pairs,
            criteria.join(" or "),
            multi,
            started.elapsed().as_secs_f64(),
            shingle_seconds,
            pair_seconds
        );
    }
    Ok(())
}
