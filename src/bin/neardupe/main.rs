//! The `neardupe` command-line tool: cluster, deduplicate, evaluate and generate corpora.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

mod errors;
mod index;
use neardupe::boilerplate::BoilerplateConfig;
use neardupe::output::{self, ClusterFormat};
use neardupe::{
    Algorithm, Config, Corpus, CorpusConfig, Deduper, Error, Guard, InputFormat, Output, Representative, Result,
    Similarity, Verify,
};

/// Find and cluster near-duplicate texts (syndicated news, web pages, LLM training data).
#[derive(Parser, Debug)]
#[command(name = "neardupe", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Assign every document a cluster id: one output line per document, in input order.
    Cluster {
        #[command(flatten)]
        run: RunArgs,
        /// Output file (`-` for standard output).
        #[arg(short = 'o', long, default_value = "-")]
        output: PathBuf,
        /// Output format.
        #[arg(long = "format", default_value = "jsonl", value_parser = parse::<ClusterFormat>)]
        output_format: ClusterFormat,
    },
    /// Keep one document per cluster: copies the kept input records byte for byte (for
    /// directories of text files, lists the kept paths).
    Dedup {
        #[command(flatten)]
        run: RunArgs,
        /// Where the kept records go (`-` for standard output).
        #[arg(short = 'o', long, default_value = "-")]
        output: PathBuf,
        /// Where the removed records go.
        #[arg(long)]
        removed: Option<PathBuf>,
    },
    /// Explain one pair: shingle counts, estimated and exact Jaccard and containment, the LSH bands
    /// that collide, and whether the pair is linked under the given options.
    Explain {
        /// The first document's id (for text files: the path as listed by `cluster`).
        id1: String,
        /// The second document's id.
        id2: String,
        #[command(flatten)]
        run: RunArgs,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Exact ground truth by brute force: every pair whose exact Jaccard (or containment) of the
    /// same shingles as `cluster` (after the same learnt boilerplate filter; `--boilerplate off`
    /// for every shingle) reaches a threshold, and their connected components as a truth file for
    /// `eval`. Holds every document's shingle set in memory.
    Oracle {
        #[command(flatten)]
        run: RunArgs,
        /// Pairs whose exact Jaccard is at least this are linked.
        #[arg(long, required_unless_present = "containment")]
        jaccard: Option<f64>,
        /// Pairs whose exact containment (|A ∩ B| / min(|A|, |B|)) is at least this are linked too.
        #[arg(long)]
        containment: Option<f64>,
        /// Truth output: `{"id": ..., "cluster": ...}` per document, the connected components.
        #[arg(long)]
        truth_out: PathBuf,
        /// Pairs output: `{"a": id, "b": id, "jaccard": ..., "containment": ..., "intersection": ...}`
        /// per linked pair.
        #[arg(long)]
        pairs_out: Option<PathBuf>,
    },
    /// A persistent index: build it once, add new documents as they arrive (each joins a cluster or
    /// starts one), query it, compact it, export its clusters.
    Index {
        #[command(subcommand)]
        command: index::IndexCommand,
    },
    /// Score predicted clusters against a truth file: pairwise precision, recall, F1 and ARI.
    Eval {
        /// Truth JSONL: `{"id": ..., "cluster": ...}` per line.
        #[arg(long)]
        truth: PathBuf,
        /// Predicted JSONL, as written by `neardupe cluster`.
        #[arg(long)]
        pred: PathBuf,
    },
    /// Generate a labelled syndicated-news corpus (originals, republished copies, distractors).
    Synth {
        /// Number of original stories.
        #[arg(long, default_value_t = 200)]
        stories: usize,
        /// Mean number of copies per story.
        #[arg(long, default_value_t = 2.0)]
        copies: f64,
        /// Fraction of stories that get a same-topic distractor.
        #[arg(long, default_value_t = 0.3)]
        distractors: f64,
        /// Copy tiers, comma-separated (default: the standard tiers; `all` for every tier).
        #[arg(long)]
        tiers: Option<String>,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Corpus output (JSONL).
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Truth output (JSONL).
        #[arg(long)]
        truth: PathBuf,
    },
}

/// Where documents come from and how they are read (shared by every command that reads input).
#[derive(Args, Debug)]
struct InputArgs {
    /// Input files and directories (JSONL files, directories of text files, text files).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// How inputs are read: auto (by extension), jsonl or text.
    #[arg(long, default_value = "auto", value_parser = parse::<InputFormat>)]
    input_format: InputFormat,
    /// JSONL field with the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSONL field with the id (records without it are named by line number).
    #[arg(long, default_value = "id")]
    id_field: String,
    /// Split text files into records at this string (escapes \n, \t, \r and \\ are understood).
    #[arg(long)]
    delimiter: Option<String>,
    /// Only read files with these extensions from directories (comma-separated, e.g. `txt,md`).
    #[arg(long, value_delimiter = ',')]
    ext: Vec<String>,
    /// Skip invalid records (bad JSON or UTF-8, no text, too large, empty files) and count them.
    #[arg(long)]
    skip_invalid: bool,
    /// Replace invalid UTF-8 with U+FFFD instead of rejecting the record (legacy encodings).
    #[arg(long)]
    lossy_utf8: bool,
    /// The largest record accepted, in bytes.
    #[arg(long, default_value_t = neardupe::corpus::DEFAULT_MAX_RECORD_BYTES)]
    max_record_bytes: usize,
    /// Read input files instead of memory-mapping them.
    #[arg(long)]
    no_mmap: bool,
    /// JSONL field with each document's date (ISO 8601, RFC 2822, Unix seconds, `26-Feb-1987`;
    /// see --date-format). Needed by --window.
    #[arg(long)]
    date_field: Option<String>,
    /// A strftime-style format for --date-field values (e.g. `%d/%m/%Y`).
    #[arg(long, requires = "date_field")]
    date_format: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    quiet: bool,
}

/// Options shared by the commands that run the pipeline.
#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Similarity at which two documents are near-duplicates, on the --similarity scale.
    #[arg(long, default_value_t = neardupe::DEFAULT_THRESHOLD)]
    threshold: f64,
    /// Similarity measure: containment (|A∩B| / min(|A|,|B|): also finds reprints cut to their
    /// first paragraphs and copies after a long preface) or jaccard (|A∩B| / |A∪B|: the two texts
    /// are mostly the same text).
    #[arg(long, default_value = "containment", value_parser = parse::<Similarity>)]
    similarity: Similarity,
    /// Containment guard: pairs whose smaller document has fewer shingles are judged by Jaccard,
    /// so that a very short text does not join every document it occurs in.
    #[arg(long, default_value_t = neardupe::DEFAULT_MIN_SHINGLES)]
    min_shingles: u32,
    /// Containment: the smallest size ratio (smaller / larger document) searched for; lower finds
    /// shorter excerpts at a higher candidate cost.
    #[arg(long, default_value_t = neardupe::DEFAULT_MIN_SIZE_RATIO)]
    min_size_ratio: f64,
    /// Boilerplate: learn shingles that occur in very many documents (footers, "Read more",
    /// copyright lines) from the corpus and leave them out (on), or keep every shingle (off).
    #[arg(long, default_value = "on", value_parser = ["on", "off"])]
    boilerplate: String,
    /// Boilerplate: the document frequency (fraction of documents) from which a shingle is
    /// boilerplate.
    #[arg(long, default_value_t = BoilerplateConfig::default().max_df())]
    boilerplate_df: f64,
    /// Boilerplate: the fewest documents a boilerplate shingle occurs in.
    #[arg(long, default_value_t = BoilerplateConfig::default().min_docs())]
    boilerplate_min_docs: u32,
    /// Boilerplate: the most documents (evenly spaced) counted to learn it.
    #[arg(long, default_value_t = BoilerplateConfig::default().sample())]
    boilerplate_sample: usize,
    /// Chaining guard: none (every verified pair links its clusters) or representative (two
    /// clusters merge only if their cores, the members with the most shingles, are similar).
    #[arg(long, default_value = "representative", value_parser = parse::<Guard>)]
    guard: Guard,
    /// Never put documents more than this many days apart in one cluster (needs --date-field).
    #[arg(long, requires = "date_field")]
    window: Option<u32>,
    /// Number of MinHash slots (permutations).
    #[arg(long, default_value_t = neardupe::minhash::DEFAULT_NUM_PERM)]
    num_perm: usize,
    /// Word n-gram size.
    #[arg(long, default_value_t = neardupe::shingle::DEFAULT_WORD_NGRAM, conflicts_with = "char_ngrams")]
    ngram: usize,
    /// Use character n-grams of this size instead of word n-grams.
    #[arg(long)]
    char_ngrams: Option<usize>,
    /// Apply Unicode NFKC normalisation before shingling.
    #[arg(long)]
    nfkc: bool,
    /// Hash seed.
    #[arg(long, default_value_t = neardupe::minhash::DEFAULT_SEED)]
    seed: u64,
    /// MinHash algorithm: oph (one-permutation hashing, fast) or classic.
    #[arg(long, default_value = "oph", value_parser = parse::<Algorithm>)]
    algorithm: Algorithm,
    /// LSH bands (with --rows; default: optimised for the threshold).
    #[arg(long, requires = "rows")]
    bands: Option<usize>,
    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands")]
    rows: Option<usize>,
    /// Candidate verification: hybrid (the signature estimate, and exact Jaccard for pairs within
    /// three standard errors of the threshold), estimate, exact (shingle sets) or none.
    #[arg(long, default_value = "hybrid", value_parser = parse::<Verify>)]
    verify: Verify,
    /// Which cluster member is kept: first (input order) or longest.
    #[arg(long, default_value = "first", value_parser = parse::<Representative>)]
    representative: Representative,
    /// Write run statistics as JSON to this file.
    #[arg(long)]
    stats_json: Option<PathBuf>,
}

fn parse<T: std::str::FromStr<Err = Error>>(s: &str) -> std::result::Result<T, String> {
    s.parse().map_err(|e: Error| e.message().to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("neardupe: error: {}", errors::cli_message(&e));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Cluster { run, output, output_format } => {
            let mut job = Job::run(&run)?;
            let t = Instant::now();
            write_to(&output, |w| output::write_clusters(w, &job.out, output_format))?;
            job.finish(&run, t)
        }
        Command::Dedup { run, output, removed } => {
            let mut job = Job::run(&run)?;
            let t = Instant::now();
            let delim = run.input.delimiter.as_deref().map(unescape);
            let c = &job.out.clustering;
            write_to(&output, |w| {
                output::write_records(w, &job.corpus, &job.out, delim.as_deref(), |i| c.is_representative(i))
            })?;
            if let Some(removed) = &removed {
                write_to(removed, |w| {
                    output::write_records(w, &job.corpus, &job.out, delim.as_deref(), |i| !c.is_representative(i))
                })?;
            }
            job.finish(&run, t)
        }
        Command::Explain { id1, id2, run, json } => explain(&id1, &id2, &run, json),
        Command::Oracle { run, jaccard, containment, truth_out, pairs_out } => {
            oracle(&run, jaccard, containment, &truth_out, pairs_out.as_deref())
        }
        Command::Index { command } => index::run(command),
        Command::Eval { truth, pred } => {
            let report = neardupe::eval::evaluate_files(&truth, &pred)?;
            let line = serde_json::to_string(&report).map_err(|e| Error::config(e.to_string()))?;
            println!("{line}");
            if report.missing_in_pred > 0 {
                eprintln!(
                    "neardupe: warning: {} truth ids missing from {} (scored as singletons), e.g. {:?}",
                    report.missing_in_pred,
                    pred.display(),
                    report.missing_examples
                );
            }
            Ok(())
        }
        Command::Synth { stories, copies, distractors, tiers, seed, output, truth } => {
            use neardupe::synth::{self, SynthConfig, Tier};
            let tiers = match tiers.as_deref() {
                None => Tier::standard(),
                Some("all") => Tier::all(),
                Some(list) => list.split(',').map(|t| t.trim().parse::<Tier>()).collect::<Result<Vec<_>>>()?,
            };
            let config = SynthConfig::builder()
                .stories(stories)
                .copies_per_story(copies)
                .distractor_rate(distractors)
                .tiers(tiers)
                .seed(seed)
                .build()?;
            let docs = synth::generate(&config);
            let mut corpus = Vec::new();
            let mut truth_buf = Vec::new();
            synth::write_jsonl(&docs, &mut corpus, &mut truth_buf)
                .map_err(|e| Error::io(&output, "cannot write", e))?;
            write_to(&output, |w| w.write_all(&corpus))?;
            write_to(&truth, |w| w.write_all(&truth_buf))?;
            eprintln!("neardupe: wrote {} documents to {} and {}", docs.len(), output.display(), truth.display());
            Ok(())
        }
    }
}

/// `neardupe explain`: finds the two documents by id and prints what the pipeline makes of them.
fn explain(id1: &str, id2: &str, args: &RunArgs, json: bool) -> Result<()> {
    let (deduper, corpus_config, pool) = Job::setup(args)?;
    let corpus = Corpus::open(&args.input.inputs, corpus_config)?;
    // The same boilerplate as `cluster` learns from these inputs.
    let deduper = pool.install(|| deduper.with_boilerplate_of(&corpus))?;
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
    let e = deduper.explain(&a, &b);
    // Whether a whole run puts them together (through other documents, or kept apart by the
    // chaining guard or the window).
    let out = pool.install(|| deduper.run(&corpus, args.input.skip_invalid, None))?;
    let cluster_of = |r: usize| out.records.binary_search(&r).ok().map(|i| out.clustering.cluster(i));
    let same_cluster = matches!((cluster_of(ra), cluster_of(rb)), (Some(x), Some(y)) if x == y);
    if json {
        let value = serde_json::json!({ "id1": id1, "id2": id2, "explanation": e, "same_cluster": same_cluster });
        println!("{value}");
        return Ok(());
    }
    let where_ = |r: usize| {
        let s = &corpus.spans()[r];
        if corpus.is_whole_file(r) {
            corpus.record_path(r).display().to_string()
        } else {
            format!("{}:{}", corpus.record_path(r).display(), s.line)
        }
    };
    let shingle = deduper.config().shingle();
    println!("{id1} ({}) and {id2} ({})", where_(ra), where_(rb));
    let unit = if shingle.unit().as_str() == "chars" { "character" } else { "word" };
    println!("  shingles: {} and {} distinct {unit} {}-grams", e.set_sizes[0], e.set_sizes[1], shingle.size());
    println!(
        "  Jaccard: estimated {:.3} ({} of {} slots agree), exact {:.3}",
        e.estimated_jaccard, e.agreeing_slots, e.num_perm, e.exact_jaccard
    );
    println!("  containment: estimated {:.3}, exact {:.3}", e.estimated_containment, e.exact_containment);
    println!(
        "  judged on {} at threshold {} (Jaccard {:.3} for these sizes)",
        e.measure, e.threshold, e.jaccard_threshold
    );
    let bands: Vec<String> = e.colliding_bands.iter().map(|b| b.to_string()).collect();
    println!(
        "  LSH {} bands x {} rows: {} of {} bands collide{} -> {}",
        e.bands,
        e.rows,
        e.colliding_bands.len(),
        e.bands,
        if bands.is_empty() { String::new() } else { format!(" ({})", bands.join(", ")) },
        if e.candidate { "candidate" } else { "not a candidate" }
    );
    let decided = if e.borderline { " (borderline: the exact similarity decides)" } else { "" };
    println!(
        "  verification {} at threshold {}: {}{}",
        e.verify,
        e.threshold,
        if e.passes_verification { "passes" } else { "fails" },
        decided
    );
    println!("  linked directly: {}", if e.linked { "yes" } else { "no" });
    let why = match (e.linked, same_cluster) {
        (true, false) => " (the chaining guard or the time window kept their clusters apart)",
        (false, true) => " (through other documents)",
        _ => "",
    };
    println!("  same cluster in a run: {}{why}", if same_cluster { "yes" } else { "no" });
    Ok(())
}

/// `neardupe oracle`: shingles every document as `cluster` does, finds every pair that reaches a
/// threshold exactly, and writes their components (and the pairs).
fn oracle(
    args: &RunArgs,
    jaccard: Option<f64>,
    containment: Option<f64>,
    truth_out: &Path,
    pairs_out: Option<&Path>,
) -> Result<()> {
    use neardupe::ShingleSet;
    use rayon::prelude::*;

    for (flag, t) in [("--jaccard", jaccard), ("--containment", containment)] {
        if t.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
            return Err(Error::config(format!("{flag} must be between 0 and 1")));
        }
    }
    let started = Instant::now();
    let (deduper, corpus_config, pool) = Job::setup(args)?;
    let corpus = Corpus::open(&args.input.inputs, corpus_config)?;
    // The same boilerplate as `cluster` learns from these inputs (`--boilerplate off`: every shingle).
    let deduper = pool.install(|| deduper.with_boilerplate_of(&corpus))?;
    let shingled: Vec<Result<(String, ShingleSet)>> = pool.install(|| {
        (0..corpus.len())
            .into_par_iter()
            .map_init(
                || deduper.shingler(),
                |shingler, i| {
                    let doc = corpus.document(i)?;
                    Ok((doc.id.into_owned(), shingler.shingle_set(&doc.text)))
                },
            )
            .collect()
    });
    let mut skipped: Vec<Error> = corpus.skipped().to_vec();
    let (mut ids, mut sets) = (Vec::with_capacity(shingled.len()), Vec::with_capacity(shingled.len()));
    for r in shingled {
        match r {
            Ok((id, set)) => {
                ids.push(id);
                sets.push(set);
            }
            Err(e) if args.input.skip_invalid => skipped.push(e),
            Err(e) => return Err(e),
        }
    }
    if u32::try_from(sets.len()).is_err() {
        return Err(Error::config("the oracle takes fewer than 2^32 documents"));
    }
    let shingle_seconds = started.elapsed().as_secs_f64();

    let t = Instant::now();
    let (min_j, min_c) = (jaccard.unwrap_or(f64::INFINITY), containment.unwrap_or(f64::INFINITY));
    let pairs = pool.install(|| neardupe::oracle::par_exact_pairs(&sets, min_j, min_c));
    drop(sets);
    let comp = neardupe::oracle::components(ids.len(), &pairs);
    let pair_seconds = t.elapsed().as_secs_f64();

    write_to(truth_out, |w| {
        for (id, c) in ids.iter().zip(&comp) {
            w.write_all(b"{\"id\":")?;
            serde_json::to_writer(&mut *w, id)?;
            writeln!(w, ",\"cluster\":{c}}}")?;
        }
        w.flush()
    })?;
    if let Some(path) = pairs_out {
        write_to(path, |w| {
            for p in &pairs {
                w.write_all(b"{\"a\":")?;
                serde_json::to_writer(&mut *w, &ids[p.a as usize])?;
                w.write_all(b",\"b\":")?;
                serde_json::to_writer(&mut *w, &ids[p.b as usize])?;
                writeln!(
                    w,
                    ",\"jaccard\":{},\"containment\":{},\"intersection\":{}}}",
                    p.jaccard, p.containment, p.intersection
                )?;
            }
            w.flush()
        })?;
    }
    if !args.input.quiet {
        for e in skipped.iter().take(10) {
            eprintln!("neardupe: skipped: {}", errors::cli_message(e));
        }
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
            pairs.len(),
            criteria.join(" or "),
            multi,
            started.elapsed().as_secs_f64(),
            shingle_seconds,
            pair_seconds
        );
    }
    Ok(())
}

/// Writes to a file atomically, or to standard output for `-`.
fn write_to(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    if path == Path::new("-") {
        let stdout = std::io::stdout();
        let mut lock = std::io::BufWriter::new(stdout.lock());
        return write(&mut lock).map_err(|e| Error::io(path, "cannot write to standard output", e));
    }
    output::write_atomic(path, write)
}

/// Understands `\n`, `\t`, `\r` and `\\` in a delimiter given on the command line.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The configuration that `args` ask for.
fn config_of(args: &RunArgs) -> Result<Config> {
    let mut b = Config::builder()
        .threshold(args.threshold)
        .num_perm(args.num_perm)
        .seed(args.seed)
        .algorithm(args.algorithm)
        .nfkc(args.nfkc)
        .verify(args.verify)
        .representative(args.representative)
        .similarity(args.similarity)
        .min_shingles(args.min_shingles)
        .min_size_ratio(args.min_size_ratio)
        .guard(args.guard)
        .window_days(args.window);
    if args.boilerplate == "on" {
        let bp = BoilerplateConfig::builder()
            .max_df(args.boilerplate_df)
            .min_docs(args.boilerplate_min_docs)
            .sample(args.boilerplate_sample)
            .build()?;
        b = b.boilerplate(Some(bp));
    } else {
        b = b.boilerplate(None);
    }
    b = match args.char_ngrams {
        Some(n) => b.char_ngrams(n),
        None => b.word_ngrams(args.ngram),
    };
    if let (Some(bands), Some(rows)) = (args.bands, args.rows) {
        b = b.bands_rows(bands, rows);
    }
    b.build()
}

/// The corpus options that `input` asks for.
fn corpus_config_of(input: &InputArgs) -> Result<CorpusConfig> {
    CorpusConfig::builder()
        .format(input.input_format)
        .text_field(input.text_field.clone())
        .id_field(input.id_field.clone())
        .delimiter(input.delimiter.as_deref().map(unescape))
        .extensions(input.ext.clone())
        .max_record_bytes(input.max_record_bytes)
        .skip_invalid(input.skip_invalid)
        .lossy_utf8(input.lossy_utf8)
        .mmap(!input.no_mmap)
        .date_field(input.date_field.clone())
        .date_format(input.date_format.clone())
        .build()
}

/// The worker pool of `--threads`.
fn pool_of(input: &InputArgs) -> Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = input.threads {
        if n == 0 {
            return Err(Error::config("--threads must be at least 1"));
        }
        pool = pool.num_threads(n);
    }
    pool.build().map_err(|e| Error::config(format!("cannot start worker threads: {e}")))
}

/// One pipeline run: the opened corpus and its output, with timings.
struct Job {
    corpus: Corpus,
    out: Output,
    started: Instant,
}

impl Job {
    /// The deduper, corpus options and worker pool that `args` ask for.
    fn setup(args: &RunArgs) -> Result<(Deduper, CorpusConfig, rayon::ThreadPool)> {
        Ok((Deduper::new(config_of(args)?), corpus_config_of(&args.input)?, pool_of(&args.input)?))
    }

    fn run(args: &RunArgs) -> Result<Job> {
        let started = Instant::now();
        let (deduper, corpus_config, pool) = Job::setup(args)?;
        let t = Instant::now();
        let corpus = Corpus::open(&args.input.inputs, corpus_config)?;
        let read = t.elapsed().as_secs_f64();

        let bar = progress_bar(args.input.quiet, corpus.len() as u64);
        let report = |docs: u64, bytes: u64| {
            if let Some(bar) = &bar {
                bar.set_position(docs);
                let secs = bar.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(format!("{:.1} MB/s", bytes as f64 / 1e6 / secs));
            }
        };
        let mut out = pool.install(|| deduper.run(&corpus, args.input.skip_invalid, Some(&report)))?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        out.stats.seconds.read = read;
        out.stats.skipped += corpus.skipped().len() as u64;
        Ok(Job { corpus, out, started })
    }

    /// Records the write time, prints warnings and the summary, and writes `--stats-json`.
    fn finish(&mut self, args: &RunArgs, write_started: Instant) -> Result<()> {
        self.out.stats.seconds.write = write_started.elapsed().as_secs_f64();
        let skipped: Vec<&Error> = self.corpus.skipped().iter().chain(&self.out.skipped).collect();
        if !args.input.quiet {
            for e in skipped.iter().take(10) {
                eprintln!("neardupe: skipped: {}", errors::cli_message(e));
            }
            if skipped.len() > 10 {
                eprintln!("neardupe: skipped {} more invalid records", skipped.len() - 10);
            }
            self.summary();
        }
        if let Some(path) = &args.stats_json {
            let s = &self.out.stats;
            let wall = self.started.elapsed().as_secs_f64();
            let json = serde_json::json!({
                "stats": s,
                "input_bytes": self.corpus.total_bytes(),
                "wall_seconds": wall,
                "mb_per_s": self.corpus.total_bytes() as f64 / 1e6 / wall.max(1e-9),
                "threshold": args.threshold,
                "similarity": args.similarity.as_str(),
                "num_perm": args.num_perm,
                "shingle": if let Some(n) = args.char_ngrams { format!("chars:{n}") } else { format!("words:{}", args.ngram) },
                "skipped_examples": skipped.iter().take(10).map(|e| errors::cli_message(e)).collect::<Vec<_>>(),
            });
            let text = serde_json::to_string_pretty(&json).map_err(|e| Error::config(e.to_string()))?;
            output::write_atomic(path, |w| writeln!(w, "{text}"))?;
        }
        Ok(())
    }

    fn summary(&self) {
        let s = &self.out.stats;
        let wall = self.started.elapsed().as_secs_f64();
        let mb = self.corpus.total_bytes() as f64 / 1e6;
        let t = &s.seconds;
        eprintln!(
            "neardupe: {} documents ({:.1} MB) in {:.2} s ({:.1} MB/s); {} skipped",
            s.documents,
            mb,
            wall,
            mb / wall.max(1e-9),
            s.skipped
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

fn progress_bar(quiet: bool, len: u64) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} docs [{bar:30}] {msg} {elapsed}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}
