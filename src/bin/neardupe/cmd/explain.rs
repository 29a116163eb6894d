//! `neardupe explain`: the numbers behind one pair, and whether a run links them.

use neardupe::{Corpus, DocId, Error, Result};

use crate::args::RunArgs;
use crate::job::Job;

/// `neardupe explain`: finds the two documents by id and prints what the pipeline makes of them.
pub(crate) fn run(id1: &str, id2: &str, args: &RunArgs, json: bool) -> Result<()> {
    let (deduper, corpus_config, pool) = Job::setup(args)?;
    let corpus = Corpus::open(&args.input.inputs, corpus_config)?;
    // The same boilerplate as `cluster` learns from these inputs.
    let mut deduper = pool.install(|| deduper.with_boilerplate_of(&corpus))?;
    let mut found: [Option<(usize, String)>; 2] = [None, None];
    for i in 0..corpus.len() {
        let doc = match corpus.document(i) {
            Ok(doc) => doc,
            Err(_) if args.input.skip_invalid => continue,
            Err(e) => return Err(e),
        };
        for (slot, id) in found.iter_mut().zip([id1, id2]) {
            if slot.is_none() && doc.id == id {
                *slot = Some((i, doc.text.clone().into_owned()));
            }
        }
        if found.iter().all(Option::is_some) {
            break;
        }
    }
    let [Some((ra, a)), Some((rb, b))] = found else {
        let missing: Vec<&str> =
            [id1, id2].into_iter().zip(&found).filter(|(_, f)| f.is_none()).map(|(id, _)| id).collect();
        return Err(Error::config(format!("no document with id {} in the inputs", missing.join(" or "))));
    };
    // Whether a whole run puts them together (through other documents, or kept apart by the
    // chaining guard or the window). First: the run refuses (or leaves out) a record that is
    // invalid, e.g. too long once normalised, before `explain` would shingle it without a limit.
    let out = pool.install(|| deduper.run(&corpus))?;
    let cluster_of = |r: usize| out.records.binary_search(&r).ok().map(|i| out.clustering.cluster(DocId(i as u32)));
    for (id, r) in [(id1, ra), (id2, rb)] {
        if cluster_of(r).is_none() {
            let why = out.skipped.iter().find(|e| e.location() == &corpus.record_location(r));
            let why = why.map_or_else(String::new, |e| format!(": {}", crate::errors::cli_message(e)));
            return Err(Error::config(format!("document {id} was left out as invalid{why}")));
        }
    }
    let e = deduper.explain(&a, &b);
    let same_cluster = matches!((cluster_of(ra), cluster_of(rb)), (Some(x), Some(y)) if x == y);
    if json {
        let value = serde_json::json!({ "id1": id1, "id2": id2, "explanation": e, "same_cluster": same_cluster });
        outln!("{value}");
        return Ok(());
    }
    let where_ = |r: usize| {
        let s = &corpus.spans()[r];
        if corpus.is_whole_file(r) {
            corpus.record_path_escaped(r).into_owned()
        } else {
            format!("{}:{}", corpus.record_path_escaped(r), s.line)
        }
    };
    let shingle = deduper.config().shingle();
    outln!("{id1} ({}) and {id2} ({})", where_(ra), where_(rb));
    let unit = if shingle.unit().as_str() == "chars" { "character" } else { "word" };
    outln!("  shingles: {} and {} distinct {unit} {}-grams", e.set_sizes[0], e.set_sizes[1], shingle.size());
    outln!(
        "  Jaccard: estimated {:.3} ({} of {} slots agree), exact {:.3}",
        e.estimated_jaccard,
        e.agreeing_slots,
        e.num_perm,
        e.exact_jaccard
    );
    outln!("  containment: estimated {:.3}, exact {:.3}", e.estimated_containment, e.exact_containment);
    outln!(
        "  judged on {} at threshold {} (Jaccard {:.3} for these sizes)",
        e.measure,
        e.threshold,
        e.jaccard_threshold
    );
    let bands: Vec<String> = e.colliding_bands.iter().map(|b| b.to_string()).collect();
    outln!(
        "  LSH {} bands x {} rows: {} of {} bands collide{} -> {}",
        e.bands,
        e.rows,
        e.colliding_bands.len(),
        e.bands,
        if bands.is_empty() { String::new() } else { format!(" ({})", bands.join(", ")) },
        if e.candidate { "candidate" } else { "not a candidate" }
    );
    let decided = if e.borderline { " (borderline: the exact similarity decides)" } else { "" };
    outln!(
        "  verification {} at threshold {}: {}{}",
        e.verify,
        e.threshold,
        if e.passes_verification { "passes" } else { "fails" },
        decided
    );
    outln!("  linked directly: {}", if e.linked { "yes" } else { "no" });
    let why = match (e.linked, same_cluster) {
        (true, false) => " (the chaining guard or the time window kept their clusters apart)",
        (false, true) => " (through other documents)",
        _ => "",
    };
    outln!("  same cluster in a run: {}{why}", if same_cluster { "yes" } else { "no" });
    Ok(())
}
