//! `Deduper`: the library's [`neardupe::Deduper`] under keyword options.

use std::borrow::Cow;

use neardupe::corpus::Document;
use neardupe::{DocId, DocumentSource, DuplicateIds, SignatureMatrix};
use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::IntoPy;
use crate::options::Options;
use crate::texts::{Texts, optional_column, texts_of};

/// Clusters for Python: ids, cluster ids, representative flags.
pub(crate) type Rows<'py> = (Bound<'py, PyList>, Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<bool>>);
/// [`Rows`] and the statistics as JSON.
pub(crate) type RowsAndStats<'py> = (Bound<'py, PyList>, Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<bool>>, String);
/// Two numpy arrays of one length.
pub(crate) type Pair<'py, A, B> = (Bound<'py, PyArray1<A>>, Bound<'py, PyArray1<B>>);

/// Texts with their ids and days, as a [`DocumentSource`] (records in input order, no locations:
/// errors name records by their 1-based number).
pub(crate) struct Docs<'a> {
    pub(crate) texts: &'a Texts,
    pub(crate) ids: &'a [String],
    pub(crate) days: Option<&'a [i32]>,
    pub(crate) max_text_bytes: usize,
    pub(crate) duplicate_ids: DuplicateIds,
}

impl DocumentSource for Docs<'_> {
    fn len(&self) -> usize {
        self.texts.len()
    }
    fn document(&self, i: usize) -> neardupe::Result<Document<'_>> {
        Ok(Document::new(Cow::Borrowed(self.ids[i].as_str()), Cow::Borrowed(self.texts.get(i)))
            .with_day(self.days.map(|d| d[i])))
    }
    fn dated(&self) -> bool {
        self.days.is_some()
    }
    fn max_text_bytes(&self) -> Option<usize> {
        Some(self.max_text_bytes)
    }
    fn duplicate_ids(&self) -> DuplicateIds {
        self.duplicate_ids
    }
}

/// A batch as Python gives it: its texts, its ids (the CLI's `line:N` when none are given) and,
/// with dates, its days.
pub(crate) struct Columns {
    pub(crate) texts: Texts,
    pub(crate) ids: Vec<String>,
    pub(crate) days: Option<Vec<i32>>,
}

impl Columns {
    /// Reads `texts`, `ids` and `dates` (each checked against the texts' length; dates read
    /// with `date_format` as `--date-format`).
    pub(crate) fn read(
        texts: &Bound<'_, PyAny>,
        ids: Option<&Bound<'_, PyAny>>,
        dates: Option<&Bound<'_, PyAny>>,
        date_format: Option<&str>,
    ) -> PyResult<Columns> {
        let texts = texts_of(texts, "texts")?;
        let n = texts.len();
        let ids = match optional_column(ids, "ids", n)? {
            Some(t) => t.to_strings(),
            None => default_ids(n),
        };
        let days = match optional_column(dates, "dates", n)? {
            Some(d) => Some(days_of(&d, date_format)?),
            None => None,
        };
        Ok(Columns { texts, ids, days })
    }

    /// The batch as the library's document source.
    pub(crate) fn docs(&self, max_text_bytes: usize, duplicate_ids: DuplicateIds) -> Docs<'_> {
        Docs { texts: &self.texts, ids: &self.ids, days: self.days.as_deref(), max_text_bytes, duplicate_ids }
    }
}

/// The ids the CLI gives JSONL records without an id field when it reads one file: `line:1`,
/// `line:2`, ...
pub(crate) fn default_ids(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("line:{i}")).collect()
}

/// Days since 1970-01-01 of `dates` (each read as the CLI reads `--date-field` values, with
/// `format` as `--date-format`); a value that is no date is a `ValueError` naming its position.
pub(crate) fn days_of(dates: &Texts, format: Option<&str>) -> PyResult<Vec<i32>> {
    dates
        .iter()
        .enumerate()
        .map(|(i, v)| {
            neardupe::date::parse_day(v, format).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "dates: the value at position {i} is not a date: {v:?} (see date_format)"
                ))
            })
        })
        .collect()
}

/// Finds and clusters near-duplicate texts under one set of options.
///
/// Deduper(**options)
/// --
///
/// Takes every option of `neardupe cluster` as a keyword, with the same name (underscores for
/// dashes) and default: see `neardupe.option_defaults()`. A bad value raises `ValueError` with the
/// library's message; an unknown keyword raises `TypeError`.
#[pyclass(module = "neardupe._native", frozen, name = "Deduper")]
pub(crate) struct Deduper {
    pub(crate) options: Options,
}

impl Deduper {
    fn library(&self) -> neardupe::Deduper {
        neardupe::Deduper::new(self.options.config.clone())
    }
}

#[pymethods]
impl Deduper {
    #[new]
    #[pyo3(signature = (**options))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<Deduper> {
        Ok(Deduper { options: Options::from_kwargs("Deduper", options)? })
    }

    /// Every option with its value (given or default).
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.options.to_dict(py)
    }

    /// The number of signature slots.
    #[getter]
    fn num_perm(&self) -> usize {
        self.options.config.minhash().num_perm()
    }

    /// The LSH banding in use, `(bands, rows)` (derived from the threshold unless fixed).
    #[getter]
    fn banding(&self) -> (usize, usize) {
        (self.options.config.lsh().bands(), self.options.config.lsh().rows())
    }

    /// cluster(texts, ids=None, dates=None) -> tuple[list[str], numpy.ndarray, numpy.ndarray, str]
    /// --
    ///
    /// Runs the whole pipeline (`neardupe::Deduper::run`) over `texts`: returns the ids, the
    /// cluster ids (int64), the representative flags (bool) and the run statistics as JSON.
    /// The Python `Deduper.cluster` wraps this in a `ClusterResult`.
    #[pyo3(signature = (texts, ids=None, dates=None))]
    fn cluster<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        ids: Option<&Bound<'py, PyAny>>,
        dates: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<RowsAndStats<'py>> {
        let batch = Columns::read(texts, ids, dates, self.options.date_format.as_deref())?;
        let mut deduper = self.library();
        let source = batch.docs(self.options.max_record_bytes, self.options.duplicate_ids);
        let (out, stats) = self
            .options
            .run(py, || {
                let out = deduper.run(&source)?;
                let stats = serde_json::to_string(&out.stats)
                    .map_err(|e| neardupe::Error::config(format!("cannot write the statistics: {e}")))?;
                Ok::<_, neardupe::Error>((out, stats))
            })
            .py()?;
        let clustering = &out.clustering;
        let clusters: Vec<i64> = clustering.clusters().iter().map(|&c| i64::from(c)).collect();
        let reps: Vec<bool> = (0..clustering.len()).map(|i| clustering.is_representative(DocId(i as u32))).collect();
        Ok((PyList::new(py, &out.ids)?, PyArray1::from_vec(py, clusters), PyArray1::from_vec(py, reps), stats))
    }

    /// signatures(texts) -> numpy.ndarray
    /// --
    ///
    /// The MinHash signature of each text, a `uint32` array of shape `(n, num_perm)`: the rows
    /// `cluster` compares, boilerplate learnt from these texts first when the options ask for
    /// it (as `cluster` does).
    fn signatures<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyArray2<u32>>> {
        let texts = texts_of(texts, "texts")?;
        let (matrix, _) = sign_texts(py, &self.options, &texts, None)?;
        matrix_to_numpy(py, &matrix)
    }

    /// compare(a, b) -> dict[str, object]
    /// --
    ///
    /// What these options make of the pair of texts `a` and `b` (as `neardupe explain`, without
    /// boilerplate learning): set sizes, agreeing slots, estimated and exact Jaccard and
    /// containment, colliding bands, whether verification passes and whether they would be
    /// linked.
    fn compare<'py>(&self, py: Python<'py>, a: &str, b: &str) -> PyResult<Bound<'py, PyAny>> {
        let deduper = self.library();
        let json = self.options.run(py, || serde_json::to_string(&deduper.explain(a, b)));
        let json = json.map_err(|e| PyValueError::new_err(e.to_string()))?;
        py.import("json")?.call_method1("loads", (json,))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.options.to_dict(py)?;
        Ok(format!("Deduper({})", d.repr()?))
    }
}

/// Signs `texts` under `options` (learning boilerplate from them first when the options ask for
/// it and no `filter` is given): the signature matrix with its set sizes, and the filter used.
pub(crate) fn sign_texts(
    py: Python<'_>,
    options: &Options,
    texts: &Texts,
    filter: Option<std::sync::Arc<neardupe::boilerplate::ShingleFilter>>,
) -> PyResult<(SignatureMatrix, Option<std::sync::Arc<neardupe::boilerplate::ShingleFilter>>)> {
    let ids = default_ids(texts.len());
    let source = Docs {
        texts,
        ids: &ids,
        days: None,
        max_text_bytes: options.max_record_bytes,
        duplicate_ids: DuplicateIds::Number,
    };
    let config = options.config.clone();
    options
        .run(py, || {
            let base = neardupe::Deduper::new(config).with_filter(filter);
            let deduper = base.with_boilerplate_of(&source)?;
            let k = deduper.config().minhash().num_perm();
            let mut matrix = SignatureMatrix::new(k);
            let mut rows = vec![0u32; texts.len() * k];
            sign_rows(&deduper, &source, &mut rows, &mut matrix)?;
            Ok((matrix, deduper.filter().cloned()))
        })
        .py()
}

fn sign_rows(
    deduper: &neardupe::Deduper,
    source: &Docs<'_>,
    rows: &mut [u32],
    matrix: &mut SignatureMatrix,
) -> neardupe::Result<()> {
    use rayon::prelude::*;
    let k = deduper.config().minhash().num_perm();
    let sizes: Vec<u32> = rows
        .par_chunks_mut(k.max(1))
        .enumerate()
        .map_init(
            || deduper.sketcher().with_max_text_bytes(Some(source.max_text_bytes)),
            |sketcher, (i, row)| {
                sketcher.try_sketch_into(source.texts.get(i), row).map_err(|e| {
                    neardupe::Error::new(e.kind(), format!("texts: the value at position {i}: {}", e.message()))
                })
            },
        )
        .collect::<neardupe::Result<_>>()?;
    for (i, size) in sizes.into_iter().enumerate() {
        matrix.push_empty(size).copy_from_slice(&rows[i * k..(i + 1) * k]);
    }
    Ok(())
}

/// A signature matrix as a `uint32` array of shape `(n, num_perm)`.
pub(crate) fn matrix_to_numpy<'py>(py: Python<'py>, m: &SignatureMatrix) -> PyResult<Bound<'py, PyArray2<u32>>> {
    PyArray1::from_slice(py, m.values()).reshape([m.len(), m.num_perm()])
}

/// similarity(sig_a, sig_b) -> float
/// --
///
/// The estimated Jaccard similarity of two signatures (1-D `uint32` arrays of one length, rows of
/// `Deduper.signatures` or `stages.sign` made under the same options): the fraction of slots on
/// which they agree, 0 for the signature of an empty set (`neardupe::minhash::estimate_jaccard`).
#[pyfunction]
pub(crate) fn similarity(sig_a: PyReadonlyArray1<'_, u32>, sig_b: PyReadonlyArray1<'_, u32>) -> PyResult<f64> {
    let (a, b) = (sig_a.as_slice()?, sig_b.as_slice()?);
    if a.len() != b.len() {
        return Err(PyValueError::new_err(format!(
            "signatures of different lengths ({} and {} slots)",
            a.len(),
            b.len()
        )));
    }
    Ok(neardupe::minhash::estimate_jaccard(a, b))
}
