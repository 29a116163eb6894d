//! Keyword options: the options of `neardupe cluster`, with the same names (underscores for
//! dashes) and defaults, built into a [`Config`] exactly as the CLI's `config_of` builds it.
//!
//! Option values that name something (`similarity`, `guard`, `verify`, ...) go through the
//! library's `FromStr` impls, so a bad name fails with the CLI's message. Options of the CLI that
//! are about reading files (`--input-format`, `--text-field`, `--skip-invalid`, ...) or writing
//! them (`--output`, `--format`, `--stats-json`, `--quiet`) have no keyword: Python hands the
//! texts and ids over itself.

use std::sync::Arc;

use neardupe::boilerplate::BoilerplateConfig;
use neardupe::corpus::DEFAULT_MAX_RECORD_BYTES;
use neardupe::shingle::Tokenizer;
use neardupe::{Algorithm, Config, DuplicateIds, Guard, Representative, Similarity, Verify};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict};

use crate::errors::IntoPy;

/// Every keyword option, in the order of `neardupe cluster --help`.
pub(crate) const NAMES: [&str; 26] = [
    "threshold",
    "similarity",
    "min_shingles",
    "min_size_ratio",
    "boilerplate",
    "boilerplate_df",
    "boilerplate_min_docs",
    "boilerplate_sample",
    "guard",
    "window",
    "num_perm",
    "ngram",
    "char_ngrams",
    "nfkc",
    "tokenizer",
    "seed",
    "algorithm",
    "bands",
    "rows",
    "verify",
    "representative",
    "threads",
    "max_record_bytes",
    "duplicate_ids",
    "date_format",
    "lsh_weights",
];

/// The options as given (defaults filled in), before they are built into a [`Config`].
#[derive(Clone, Debug)]
struct Raw {
    threshold: f64,
    similarity: Similarity,
    min_shingles: u32,
    min_size_ratio: f64,
    boilerplate: bool,
    boilerplate_df: f64,
    boilerplate_min_docs: u32,
    boilerplate_sample: usize,
    guard: Guard,
    window: Option<u32>,
    num_perm: usize,
    ngram: usize,
    char_ngrams: Option<usize>,
    nfkc: bool,
    tokenizer: Tokenizer,
    seed: u64,
    algorithm: Algorithm,
    bands: Option<usize>,
    rows: Option<usize>,
    verify: Verify,
    representative: Representative,
    threads: Option<usize>,
    max_record_bytes: usize,
    duplicate_ids: DuplicateIds,
    date_format: Option<String>,
    lsh_weights: Option<(f64, f64)>,
}

impl Default for Raw {
    /// The CLI's defaults.
    fn default() -> Raw {
        let bp = BoilerplateConfig::default();
        Raw {
            threshold: neardupe::DEFAULT_THRESHOLD,
            similarity: Similarity::default(),
            min_shingles: neardupe::DEFAULT_MIN_SHINGLES,
            min_size_ratio: neardupe::DEFAULT_MIN_SIZE_RATIO,
            boilerplate: true,
            boilerplate_df: bp.max_df(),
            boilerplate_min_docs: bp.min_docs(),
            boilerplate_sample: bp.sample(),
            guard: Guard::default(),
            window: None,
            num_perm: neardupe::minhash::DEFAULT_NUM_PERM,
            ngram: neardupe::shingle::DEFAULT_WORD_NGRAM,
            char_ngrams: None,
            nfkc: false,
            tokenizer: Tokenizer::default(),
            seed: neardupe::minhash::DEFAULT_SEED,
            algorithm: Algorithm::default(),
            bands: None,
            rows: None,
            verify: Verify::default(),
            representative: Representative::default(),
            threads: None,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            duplicate_ids: DuplicateIds::Refuse,
            date_format: None,
            lsh_weights: None,
        }
    }
}

/// A validated set of options: the library's [`Config`] and the run settings around it.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    raw: Raw,
    /// What decides which documents are near-duplicates.
    pub(crate) config: Config,
    /// The longest text accepted, in bytes (the CLI's `--max-record-bytes`).
    pub(crate) max_record_bytes: usize,
    /// What a run does with repeated ids.
    pub(crate) duplicate_ids: DuplicateIds,
    /// A strftime-style format for date strings.
    pub(crate) date_format: Option<String>,
    pool: Option<Arc<rayon::ThreadPool>>,
}

/// The most worker threads per core, as the CLI's `--threads`.
const THREADS_PER_CORE: usize = 4;

fn type_error(name: &str, expected: &str, v: &Bound<'_, PyAny>) -> PyErr {
    let got = v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!("option {name}: expected {expected}, got {got}"))
}

fn float(name: &str, v: &Bound<'_, PyAny>) -> PyResult<f64> {
    if v.is_instance_of::<PyBool>() {
        return Err(type_error(name, "a number", v));
    }
    v.extract::<f64>().map_err(|_| type_error(name, "a number", v))
}

fn int<T: TryFrom<i128>>(name: &str, v: &Bound<'_, PyAny>) -> PyResult<T> {
    if v.is_instance_of::<PyBool>() {
        return Err(type_error(name, "an int", v));
    }
    let i: i128 = v.extract().map_err(|_| type_error(name, "an int", v))?;
    T::try_from(i).map_err(|_| PyValueError::new_err(format!("option {name}: {i} is out of range")))
}

fn boolean(name: &str, v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.cast::<PyBool>().map(|b| b.is_true()).map_err(|_| type_error(name, "a bool", v))
}

fn string(name: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    v.extract::<String>().map_err(|_| type_error(name, "a str", v))
}

fn named<T: std::str::FromStr<Err = neardupe::Error>>(name: &str, v: &Bound<'_, PyAny>) -> PyResult<T> {
    string(name, v)?.parse::<T>().map_err(|e: neardupe::Error| PyValueError::new_err(e.message().to_string()))
}

impl Raw {
    fn set(&mut self, name: &str, v: &Bound<'_, PyAny>) -> PyResult<()> {
        // `None` for an option whose default is "not set" leaves it unset.
        let none = v.is_none();
        match name {
            "threshold" => self.threshold = float(name, v)?,
            "similarity" => self.similarity = named(name, v)?,
            "min_shingles" => self.min_shingles = int(name, v)?,
            "min_size_ratio" => self.min_size_ratio = float(name, v)?,
            "boilerplate" => {
                self.boilerplate = if let Ok(b) = v.cast::<PyBool>() {
                    b.is_true()
                } else {
                    match string(name, v).map_err(|_| type_error(name, "\"on\", \"off\" or a bool", v))?.as_str() {
                        "on" => true,
                        "off" => false,
                        other => {
                            return Err(PyValueError::new_err(format!(
                                "unknown boilerplate setting {other:?} (expected on or off)"
                            )));
                        }
                    }
                }
            }
            "boilerplate_df" => self.boilerplate_df = float(name, v)?,
            "boilerplate_min_docs" => self.boilerplate_min_docs = int(name, v)?,
            "boilerplate_sample" => self.boilerplate_sample = int(name, v)?,
            "guard" => self.guard = named(name, v)?,
            "window" => self.window = if none { None } else { Some(int(name, v)?) },
            "num_perm" => self.num_perm = int(name, v)?,
            "ngram" => self.ngram = int(name, v)?,
            "char_ngrams" => self.char_ngrams = if none { None } else { Some(int(name, v)?) },
            "nfkc" => self.nfkc = boolean(name, v)?,
            "tokenizer" => self.tokenizer = named(name, v)?,
            "seed" => self.seed = int(name, v)?,
            "algorithm" => self.algorithm = named(name, v)?,
            "bands" => self.bands = if none { None } else { Some(int(name, v)?) },
            "rows" => self.rows = if none { None } else { Some(int(name, v)?) },
            "verify" => self.verify = named(name, v)?,
            "representative" => self.representative = named(name, v)?,
            "threads" => self.threads = if none { None } else { Some(int(name, v)?) },
            "max_record_bytes" => self.max_record_bytes = int(name, v)?,
            "duplicate_ids" => self.duplicate_ids = named(name, v)?,
            "date_format" => self.date_format = if none { None } else { Some(string(name, v)?) },
            "lsh_weights" => {
                self.lsh_weights = if none {
                    None
                } else {
                    let (a, b): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                        v.extract().map_err(|_| type_error(name, "a pair of numbers", v))?;
                    Some((float(name, &a)?, float(name, &b)?))
                }
            }
            _ => unreachable!("checked against NAMES"),
        }
        Ok(())
    }

    /// The configuration, built as the CLI's `config_of` builds it.
    fn config(&self) -> PyResult<Config> {
        let mut b = Config::builder()
            .threshold(self.threshold)
            .num_perm(self.num_perm)
            .seed(self.seed)
            .algorithm(self.algorithm)
            .nfkc(self.nfkc)
            .tokenizer(self.tokenizer)
            .verify(self.verify)
            .representative(self.representative)
            .similarity(self.similarity)
            .min_shingles(self.min_shingles)
            .min_size_ratio(self.min_size_ratio)
            .guard(self.guard)
            .window_days(self.window);
        if self.boilerplate {
            let bp = BoilerplateConfig::builder()
                .max_df(self.boilerplate_df)
                .min_docs(self.boilerplate_min_docs)
                .sample(self.boilerplate_sample)
                .build()
                .py()?;
            b = b.boilerplate(Some(bp));
        } else {
            b = b.boilerplate(None);
        }
        b = match self.char_ngrams {
            Some(n) => b.char_ngrams(n),
            None => b.word_ngrams(self.ngram),
        };
        match (self.bands, self.rows) {
            (Some(bands), Some(rows)) => b = b.bands_rows(bands, rows),
            (None, None) => {}
            _ => return Err(PyValueError::new_err("bands and rows are given together (a fixed banding)")),
        }
        if let Some((fp, fneg)) = self.lsh_weights {
            b = b.lsh_weights(fp, fneg);
        }
        b.build().py()
    }

    /// The options as a dict of plain values (names as strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("threshold", self.threshold)?;
        d.set_item("similarity", self.similarity.as_str())?;
        d.set_item("min_shingles", self.min_shingles)?;
        d.set_item("min_size_ratio", self.min_size_ratio)?;
        d.set_item("boilerplate", if self.boilerplate { "on" } else { "off" })?;
        d.set_item("boilerplate_df", self.boilerplate_df)?;
        d.set_item("boilerplate_min_docs", self.boilerplate_min_docs)?;
        d.set_item("boilerplate_sample", self.boilerplate_sample)?;
        d.set_item("guard", self.guard.as_str())?;
        d.set_item("window", self.window)?;
        d.set_item("num_perm", self.num_perm)?;
        d.set_item("ngram", self.ngram)?;
        d.set_item("char_ngrams", self.char_ngrams)?;
        d.set_item("nfkc", self.nfkc)?;
        d.set_item("tokenizer", self.tokenizer.as_str())?;
        d.set_item("seed", self.seed)?;
        d.set_item("algorithm", self.algorithm.as_str())?;
        d.set_item("bands", self.bands)?;
        d.set_item("rows", self.rows)?;
        d.set_item("verify", self.verify.as_str())?;
        d.set_item("representative", self.representative.as_str())?;
        d.set_item("threads", self.threads)?;
        d.set_item("max_record_bytes", self.max_record_bytes)?;
        d.set_item("duplicate_ids", self.duplicate_ids.as_str())?;
        d.set_item("date_format", self.date_format.as_deref())?;
        d.set_item("lsh_weights", self.lsh_weights)?;
        Ok(d)
    }
}

impl Options {
    /// The options of `kwargs` (the defaults for those not given); `caller` names the function
    /// in the `TypeError` for an unknown keyword.
    pub(crate) fn from_kwargs(caller: &str, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
        let mut raw = Raw::default();
        if let Some(kw) = kwargs {
            let mut unknown = Vec::new();
            for (k, v) in kw.iter() {
                let name: String = k.extract()?;
                if NAMES.contains(&name.as_str()) {
                    raw.set(&name, &v)?;
                } else {
                    unknown.push(format!("{name:?}"));
                }
            }
            if !unknown.is_empty() {
                unknown.sort();
                return Err(PyTypeError::new_err(format!(
                    "{caller}() got unexpected keyword argument{} {} (options: {})",
                    if unknown.len() == 1 { "" } else { "s" },
                    unknown.join(", "),
                    NAMES.join(", ")
                )));
            }
        }
        let config = raw.config()?;
        let pool = match raw.threads {
            None => None,
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            Some(n) => {
                let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
                let n = n.min(THREADS_PER_CORE * cores);
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| PyValueError::new_err(format!("cannot start worker threads: {e}")))?;
                Some(Arc::new(pool))
            }
        };
        Ok(Options {
            max_record_bytes: raw.max_record_bytes,
            duplicate_ids: raw.duplicate_ids,
            date_format: raw.date_format.clone(),
            raw,
            config,
            pool,
        })
    }

    /// The options as a dict of plain values, every option present.
    pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.raw.to_dict(py)
    }

    /// Runs `f` without the GIL, on this options' worker pool (`threads`) or rayon's global one.
    pub(crate) fn run<T: Send, F: FnOnce() -> T + Send>(&self, py: Python<'_>, f: F) -> T {
        match &self.pool {
            Some(pool) => py.detach(|| pool.install(f)),
            None => py.detach(f),
        }
    }
}

/// option_defaults() -> dict[str, object]
/// --
///
/// Every option with its default: the defaults of `neardupe cluster`.
#[pyfunction]
pub(crate) fn option_defaults(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    Raw::default().to_dict(py)
}

/// resolve_options(**options) -> dict[str, object]
/// --
///
/// Validates `options` as `Deduper(**options)` does (`ValueError` with the library's message for a
/// bad value, `TypeError` for an unknown keyword) and returns every option with its value: the
/// ones given and the defaults. Distributed engines resolve the options once on the driver and
/// hand the same dict to every stage.
#[pyfunction]
#[pyo3(signature = (**options))]
pub(crate) fn resolve_options<'py>(
    py: Python<'py>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    Options::from_kwargs("resolve_options", options)?.to_dict(py)
}
