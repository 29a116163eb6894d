//! `Index`: the library's persistent, memory-mapped [`neardupe::index::Index`].

use std::path::PathBuf;
use std::sync::Mutex;

use neardupe::DuplicateIds;
use neardupe::index::{ExistingIds, InsertOptions, MissingIds, RemoveOptions};
use numpy::PyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::{Value, json};

use crate::dedupe::{Columns, Rows};
use crate::errors::IntoPy;
use crate::options::Options;
use crate::texts::texts_of;

/// A persistent index of documents and their clusters, in a directory: documents added batch by
/// batch get the clusters one run over all of them would give.
///
/// Make one with `Index.create(path, **options)` or `Index.open(path)`.
#[pyclass(module = "neardupe._native", frozen, name = "Index")]
pub(crate) struct Index {
    inner: Mutex<neardupe::index::Index>,
    path: PathBuf,
    duplicate_ids: DuplicateIds,
    date_format: Option<String>,
    max_record_bytes: usize,
}

fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (v.to_string(),))
}

fn to_value<T: serde::Serialize>(v: &T) -> PyResult<Value> {
    serde_json::to_value(v).map_err(|e| PyValueError::new_err(e.to_string()))
}

impl Index {
    /// The index, locked. Only ever called without the GIL (inside `py.detach`): a thread that
    /// waited for the lock while holding the GIL would deadlock with the holder, which needs the
    /// GIL back to return. A panic in another call leaves the committed state on disk intact, so
    /// a poisoned lock is taken over.
    fn lock(&self) -> std::sync::MutexGuard<'_, neardupe::index::Index> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[pymethods]
impl Index {
    /// create(path, **options) -> Index
    /// --
    ///
    /// Creates an empty index in directory `path` (made if missing) under `options` (those of
    /// `Deduper`; the index verifies by the signature estimate, so `verify="hybrid"` becomes
    /// `"estimate"`, and `"exact"` is refused) and opens it for writing.
    #[staticmethod]
    #[pyo3(signature = (path, **options))]
    fn create(py: Python<'_>, path: PathBuf, options: Option<&Bound<'_, PyDict>>) -> PyResult<Index> {
        let options = Options::from_kwargs("Index.create", options)?;
        let config = options.config.clone();
        let p = path.clone();
        let mut index = py.detach(|| neardupe::index::Index::create(&p, config)).py()?;
        index.set_max_text_bytes(options.max_record_bytes);
        Ok(Index {
            inner: Mutex::new(index),
            path,
            duplicate_ids: options.duplicate_ids,
            date_format: options.date_format.clone(),
            max_record_bytes: options.max_record_bytes,
        })
    }

    /// open(path, writable=True, duplicate_ids="refuse", date_format=None) -> Index
    /// --
    ///
    /// Opens the index in `path`: for writing (taking its writer lock; `OSError` if another
    /// writer holds it), or read-only (`writable=False`: the state committed now, no lock).
    /// `duplicate_ids` and `date_format` apply to the batches added through this handle.
    #[staticmethod]
    #[pyo3(signature = (path, writable=true, duplicate_ids="refuse", date_format=None))]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        writable: bool,
        duplicate_ids: &str,
        date_format: Option<String>,
    ) -> PyResult<Index> {
        let duplicate_ids: DuplicateIds = duplicate_ids.parse().py()?;
        let p = path.clone();
        let index =
            py.detach(|| {
                if writable { neardupe::index::Index::open_writable(&p) } else { neardupe::index::Index::open(&p) }
            })
            .py()?;
        Ok(Index {
            inner: Mutex::new(index),
            path,
            duplicate_ids,
            date_format,
            max_record_bytes: neardupe::corpus::DEFAULT_MAX_RECORD_BYTES,
        })
    }

    /// The index directory.
    #[getter]
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// The index's options (as `Deduper.options`, from the parameters it stores).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = py.detach(|| self.lock().config().clone());
        let d = PyDict::new(py);
        d.set_item("threshold", c.threshold())?;
        d.set_item("similarity", c.similarity().as_str())?;
        d.set_item("min_shingles", c.criterion().min_shingles())?;
        d.set_item("min_size_ratio", c.min_size_ratio())?;
        d.set_item("boilerplate", if c.boilerplate().is_some() { "on" } else { "off" })?;
        d.set_item("guard", c.guard().as_str())?;
        d.set_item("window", c.window())?;
        d.set_item("num_perm", c.minhash().num_perm())?;
        d.set_item("seed", c.minhash().seed())?;
        d.set_item("algorithm", c.minhash().algorithm().as_str())?;
        d.set_item("bands", c.lsh().bands())?;
        d.set_item("rows", c.lsh().rows())?;
        d.set_item("verify", c.verify().as_str())?;
        d.set_item("representative", c.representative().as_str())?;
        Ok(d)
    }

    /// add(texts, ids=None, dates=None, existing_ids="refuse") -> dict
    /// --
    ///
    /// Adds a batch in one commit (`Index::insert_batch_with`) and returns what the library's
    /// `Insertion` says: `added` (each new document's `id`, `doc`, `cluster`, `representative`
    /// id and whether it `started` a cluster), `skipped_ids`, `replaced`, `moved` (stored
    /// documents whose cluster the batch changed), `candidates`, `verified_edges`,
    /// `guard_refusals`, `window_refusals`, `seconds` and `warnings`. `ids` default to `line:1`,
    /// `line:2`, ... (as the CLI names JSONL records without an id), which a second batch would
    /// repeat: give ids when adding more than once. `existing_ids`: `"refuse"` (a `ValueError`
    /// naming the id; nothing is added), `"skip"` or `"replace"`.
    #[pyo3(signature = (texts, ids=None, dates=None, existing_ids="refuse"))]
    fn add<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        ids: Option<&Bound<'py, PyAny>>,
        dates: Option<&Bound<'py, PyAny>>,
        existing_ids: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let policy: ExistingIds = existing_ids.parse().py()?;
        let batch = Columns::read(texts, ids, dates, self.date_format.as_deref())?;
        let source = batch.docs(self.max_record_bytes, self.duplicate_ids);
        let report = py
            .detach(|| {
                let mut guard = self.lock();
                let index = &mut *guard;
                let ins = index.insert_batch_with(&source, &InsertOptions::new().existing_ids(policy), None)?;
                let mut added = Vec::with_capacity(ins.added.len());
                for a in &ins.added {
                    added.push(json!({
                        "id": a.id,
                        "doc": a.doc.0,
                        "cluster": a.cluster,
                        "representative": index.document_id(a.representative)?,
                        "started": a.started,
                    }));
                }
                Ok::<_, neardupe::Error>(json!({
                    "added": added,
                    "skipped_ids": ins.skipped_ids,
                    "replaced": ins.replaced.iter().map(|r| json!({"id": r.id, "doc": r.doc.0})).collect::<Vec<_>>(),
                    "moved": serde_json::to_value(&ins.moved).unwrap_or(Value::Null),
                    "candidates": ins.candidates,
                    "verified_edges": ins.verified_edges,
                    "guard_refusals": ins.guard_refusals,
                    "window_refusals": ins.window_refusals,
                    "seconds": ins.seconds,
                    "warnings": ins.warnings,
                }))
            })
            .py()?;
        json_to_py(py, &report)
    }

    /// query(text, limit=5, date=None) -> list[dict]
    /// --
    ///
    /// The best matches of `text` among the stored documents, best first, without changing the
    /// index (`Index::query`, or `Index::query_at` with a `date`): each with the stored `id`,
    /// `doc`, estimated `jaccard` and `containment`, `similarity` on the index's measure,
    /// whether it is a `duplicate` (passes the threshold), `outside_window`, its `cluster` and
    /// the cluster's `representative` id.
    #[pyo3(signature = (text, limit=5, date=None))]
    fn query<'py>(&self, py: Python<'py>, text: &str, limit: usize, date: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        if limit == 0 {
            return Err(PyValueError::new_err("limit must be at least 1"));
        }
        let day = match date {
            Some(d) => Some(
                neardupe::date::parse_day(d, self.date_format.as_deref())
                    .ok_or_else(|| PyValueError::new_err(format!("date: not a date: {d:?} (see date_format)")))?,
            ),
            None => None,
        };
        let out = py
            .detach(|| {
                let guard = self.lock();
                let index = &*guard;
                let matches = match day {
                    Some(day) => index.query_at(text, day, limit)?,
                    None => index.query(text, limit)?,
                };
                matches
                    .iter()
                    .map(|m| {
                        Ok(json!({
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
                    .collect::<neardupe::Result<Vec<Value>>>()
            })
            .py()?;
        json_to_py(py, &Value::Array(out))
    }

    /// remove(ids, missing="refuse") -> dict
    /// --
    ///
    /// Removes documents by id in one commit (`Index::remove_with`): the clusters afterwards are
    /// those of a run over the remaining documents. Returns `removed` (ids), `missing`, `moved`,
    /// `candidates`, `verified_edges` and `seconds`. `missing`: `"refuse"` (`FileNotFoundError`
    /// naming an id the index does not hold; nothing is removed) or `"ignore"`.
    #[pyo3(signature = (ids, missing="refuse"))]
    fn remove<'py>(&self, py: Python<'py>, ids: &Bound<'py, PyAny>, missing: &str) -> PyResult<Bound<'py, PyAny>> {
        let policy: MissingIds = missing.parse().py()?;
        let ids = if let Ok(s) = ids.extract::<String>() { vec![s] } else { texts_of(ids, "ids")?.to_strings() };
        let report = py
            .detach(|| {
                let mut guard = self.lock();
                let index = &mut *guard;
                let r = index.remove_with(&ids, &RemoveOptions::new().missing(policy))?;
                Ok::<_, neardupe::Error>(json!({
                    "removed": r.removed.iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
                    "missing": r.missing,
                    "moved": serde_json::to_value(&r.moved).unwrap_or(Value::Null),
                    "candidates": r.candidates,
                    "verified_edges": r.verified_edges,
                    "seconds": r.seconds,
                }))
            })
            .py()?;
        json_to_py(py, &report)
    }

    /// lookup(id) -> dict | None
    /// --
    ///
    /// The stored document with this id (`Index::lookup`): its `doc` number, `cluster` and the
    /// cluster's `representative` id; None if the index does not hold it.
    fn lookup<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let found = py.detach(|| {
            let guard = self.lock();
            let index = &*guard;
            let Some(l) = index.lookup(id)? else { return Ok(None) };
            Ok::<_, neardupe::Error>(Some(json!({
                "id": id,
                "doc": l.doc.0,
                "cluster": l.cluster,
                "representative": index.document_id(l.representative)?,
            })))
        });
        match found.py()? {
            Some(v) => Ok(Some(json_to_py(py, &v)?)),
            None => Ok(None),
        }
    }

    /// export() -> tuple[list[str], numpy.ndarray, numpy.ndarray]
    /// --
    ///
    /// Every stored document's id, cluster (int64) and representative flag (bool), in document
    /// order (`Index::clusters`): what `neardupe index export` writes. The Python `Index.export`
    /// makes a pyarrow Table of it.
    fn export<'py>(&self, py: Python<'py>) -> PyResult<Rows<'py>> {
        let (ids, clusters, reps) = py
            .detach(|| {
                let guard = self.lock();
                let index = &*guard;
                let (mut ids, mut clusters, mut reps) = (Vec::new(), Vec::new(), Vec::new());
                for a in index.clusters() {
                    let a = a?;
                    ids.push(a.id.to_string());
                    clusters.push(i64::from(a.cluster));
                    reps.push(a.is_representative);
                }
                Ok::<_, neardupe::Error>((ids, clusters, reps))
            })
            .py()?;
        Ok((PyList::new(py, ids)?, PyArray1::from_vec(py, clusters), PyArray1::from_vec(py, reps)))
    }

    /// stats() -> dict
    /// --
    ///
    /// Counts and sizes (`Index::stats`): generation, documents, segments, clusters,
    /// duplicate_clusters, duplicates, edges, boilerplate_shingles, unfiltered_documents, bytes.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stats = py.detach(|| self.lock().stats());
        json_to_py(py, &to_value(&stats)?)
    }

    /// compact() -> None
    /// --
    ///
    /// Merges the index's segments into one (`Index::compact`; clusters do not change).
    fn compact(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.lock().compact()).py()
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        py.detach(|| self.lock().len())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let n = py.detach(|| self.lock().len());
        format!("Index({:?}, documents={n})", self.path.display().to_string())
    }
}
