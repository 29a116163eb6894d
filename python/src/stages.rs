//! The pipeline's stages one by one, batch-shaped, for distributed engines (Spark, Ray): each
//! takes Arrow or numpy columns and returns numpy arrays, validates its options exactly as
//! `Deduper(**options)` does, and calls the library function named in its docstring. Chained as
//! `neardupe::Deduper::run` chains them (see python/neardupe/stages.py), they give the clusters of
//! `neardupe cluster`.

use std::sync::Arc;

use neardupe::boilerplate::ShingleFilter;
use neardupe::link::Linked;
use neardupe::lsh::PAIRWISE_BUCKET;
use neardupe::verify::{BORDERLINE_SE, Decision, EXACT_CHUNK};
use neardupe::{DocId, Edge, SignatureMatrix, UnionFind, Verify};
use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::dedupe::{Docs, Pair, days_of, default_ids, matrix_to_numpy, sign_texts};
use crate::errors::IntoPy;
use crate::options::Options;
use crate::texts::{optional_column, texts_of};

/// Registers the stage functions in the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("PAIRWISE_BUCKET", PAIRWISE_BUCKET)?;
    m.add("EXACT_CHUNK", EXACT_CHUNK)?;
    m.add("DECISION_FAIL", 0u8)?;
    m.add("DECISION_PASS", 1u8)?;
    m.add("DECISION_BORDERLINE", 2u8)?;
    m.add_function(wrap_pyfunction!(boilerplate_positions, m)?)?;
    m.add_function(wrap_pyfunction!(learn_boilerplate, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(band_keys, m)?)?;
    m.add_function(wrap_pyfunction!(bucket_edges, m)?)?;
    m.add_function(wrap_pyfunction!(candidate_edges, m)?)?;
    m.add_function(wrap_pyfunction!(decide, m)?)?;
    m.add_function(wrap_pyfunction!(exact_similarity, m)?)?;
    m.add_function(wrap_pyfunction!(verified_edges, m)?)?;
    m.add_function(wrap_pyfunction!(link, m)?)?;
    Ok(())
}

/// The boilerplate filter of `filter` bytes (sorted little-endian u64 shingle hashes, as
/// `learn_boilerplate` returns them), checked against the options.
fn filter_of(options: &Options, filter: Option<&[u8]>) -> PyResult<Option<Arc<ShingleFilter>>> {
    match (options.config.boilerplate().is_some(), filter) {
        (true, None) => Err(PyValueError::new_err(
            "boilerplate is on: learn the filter once with learn_boilerplate and pass it as `filter` \
             (or set boilerplate=\"off\")",
        )),
        (false, Some(_)) => Err(PyValueError::new_err("boilerplate is off, but a filter was given")),
        (false, None) => Ok(None),
        (true, Some(bytes)) => {
            if bytes.len() % 8 != 0 {
                return Err(PyValueError::new_err(format!(
                    "filter: {} bytes is not a whole number of 8-byte shingle hashes",
                    bytes.len()
                )));
            }
            let frequent = bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect();
            Ok(Some(Arc::new(ShingleFilter::from_frequent(frequent))))
        }
    }
}

fn signature_matrix(
    signatures: &PyReadonlyArray2<'_, u32>,
    set_sizes: &PyReadonlyArray1<'_, u32>,
) -> PyResult<SignatureMatrix> {
    let shape = signatures.shape();
    let values = signatures.as_slice().map_err(|_| PyValueError::new_err("signatures: not a C-contiguous array"))?;
    let sizes = set_sizes.as_slice()?;
    SignatureMatrix::from_parts(shape[1], values.to_vec(), sizes.to_vec()).py()
}

fn edges_of(n: usize, a: &[i64], b: &[i64], what: &str) -> PyResult<Vec<Edge>> {
    if a.len() != b.len() {
        return Err(PyValueError::new_err(format!("{what}: {} first and {} second documents", a.len(), b.len())));
    }
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let ok = |v: i64| v >= 0 && (v as u64) < n as u64;
            if !ok(x) || !ok(y) || x == y {
                return Err(PyValueError::new_err(format!("{what}: ({x}, {y}) is no pair of documents 0..{n}")));
            }
            Ok(Edge::new(DocId(x as u32), DocId(y as u32)))
        })
        .collect()
}

type EdgeArrays<'py> = Pair<'py, i64, i64>;
type Signed<'py> = (Bound<'py, PyArray2<u32>>, Bound<'py, PyArray1<u32>>);

fn edge_arrays<'py>(py: Python<'py>, edges: &[Edge]) -> EdgeArrays<'py> {
    let a: Vec<i64> = edges.iter().map(|e| i64::from(e.a.0)).collect();
    let b: Vec<i64> = edges.iter().map(|e| i64::from(e.b.0)).collect();
    (PyArray1::from_vec(py, a), PyArray1::from_vec(py, b))
}

/// boilerplate_positions(n, **options) -> numpy.ndarray
/// --
///
/// The records (0-based, int64, ascending) out of `n` whose texts the boilerplate is learnt from:
/// `BoilerplateConfig::sample_records(n)`, evenly spaced, at most `boilerplate_sample`. Collect
/// exactly these texts, in this order, for `learn_boilerplate`. Empty when boilerplate is off.
#[pyfunction]
#[pyo3(signature = (n, **options))]
fn boilerplate_positions<'py>(
    py: Python<'py>,
    n: usize,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let options = Options::from_kwargs("boilerplate_positions", options)?;
    let positions: Vec<i64> = match options.config.boilerplate() {
        Some(bp) => bp.sample_records(n).map(|i| i as i64).collect(),
        None => Vec::new(),
    };
    Ok(PyArray1::from_vec(py, positions))
}

/// learn_boilerplate(sample_texts, **options) -> bytes
/// --
///
/// Learns the boilerplate filter from the texts at `boilerplate_positions(n)` (in that order):
/// `neardupe::Deduper::learn_boilerplate`, as a run does first. Returns the filter as bytes
/// (sorted little-endian u64 shingle hashes) to hand to `sign` and `exact_similarity` as
/// `filter`, and to broadcast.
#[pyfunction]
#[pyo3(signature = (sample_texts, **options))]
fn learn_boilerplate<'py>(
    py: Python<'py>,
    sample_texts: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let options = Options::from_kwargs("learn_boilerplate", options)?;
    let Some(bp) = options.config.boilerplate().cloned() else {
        return Err(PyValueError::new_err("boilerplate is off: there is no filter to learn"));
    };
    let texts = texts_of(sample_texts, "sample_texts")?;
    if texts.len() > bp.sample() {
        return Err(PyValueError::new_err(format!(
            "sample_texts: {} texts, more than boilerplate_sample ({}): pass the texts at boilerplate_positions(n)",
            texts.len(),
            bp.sample()
        )));
    }
    let ids = default_ids(texts.len());
    let source = Docs {
        texts: &texts,
        ids: &ids,
        days: None,
        max_text_bytes: options.max_record_bytes,
        duplicate_ids: neardupe::DuplicateIds::Number,
    };
    let deduper = neardupe::Deduper::new(options.config.clone());
    let (filter, _) = options.run(py, || deduper.learn_boilerplate(&source, &bp)).py()?;
    let bytes: Vec<u8> = filter.frequent().iter().flat_map(|h| h.to_le_bytes()).collect();
    Ok(PyBytes::new(py, &bytes))
}

/// sign(texts, filter=None, **options) -> tuple[numpy.ndarray, numpy.ndarray]
/// --
///
/// Shingles and signs each text (`neardupe::Sketcher::try_sketch_into`, the shingler carrying the
/// boilerplate `filter`): the signatures, `uint32` of shape `(n, num_perm)`, and the set sizes
/// (distinct shingles after the filter), `uint32` of shape `(n,)`. With boilerplate on (the
/// default) `filter` is required: the bytes of `learn_boilerplate`; with it off, it must be None.
/// Null texts are a `ValueError` naming the position, non-string columns a `TypeError`.
#[pyfunction]
#[pyo3(signature = (texts, filter=None, **options))]
fn sign<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    filter: Option<&[u8]>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Signed<'py>> {
    let options = Options::from_kwargs("sign", options)?;
    let filter = filter_of(&options, filter)?;
    let texts = texts_of(texts, "texts")?;
    let (matrix, _) = sign_texts(py, &options, &texts, filter)?;
    Ok((matrix_to_numpy(py, &matrix)?, PyArray1::from_slice(py, matrix.set_sizes())))
}

/// band_keys(signatures, **options) -> numpy.ndarray
/// --
///
/// The LSH band keys of each signature, `uint64` of shape `(n, bands)`: column `b` is
/// `LshParams::band_key(b, row)` (xxh3 of the band's slots seeded by the band index), the keys
/// `neardupe::lsh` buckets documents by. A document whose set size is 0 gets keys too, but the
/// library puts it in no bucket: leave such documents out before grouping.
#[pyfunction]
#[pyo3(signature = (signatures, **options))]
fn band_keys<'py>(
    py: Python<'py>,
    signatures: PyReadonlyArray2<'py, u32>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray2<u64>>> {
    let options = Options::from_kwargs("band_keys", options)?;
    let lsh = *options.config.lsh();
    let k = options.config.minhash().num_perm();
    let shape = signatures.shape();
    if shape[1] != k {
        return Err(PyValueError::new_err(format!("signatures: {} slots, but num_perm is {k}", shape[1])));
    }
    let values = signatures.as_slice().map_err(|_| PyValueError::new_err("signatures: not a C-contiguous array"))?;
    let n = shape[0];
    let keys: Vec<u64> = options.run(py, || {
        use rayon::prelude::*;
        values.par_chunks(k.max(1)).take(n).flat_map_iter(|row| lsh.band_keys(row).collect::<Vec<_>>()).collect()
    });
    PyArray1::from_vec(py, keys).reshape([n, lsh.bands()])
}

/// bucket_edges(members) -> tuple[numpy.ndarray, numpy.ndarray]
/// --
///
/// The candidate edges of one LSH bucket by the library's bucket rule (`neardupe::lsh`,
/// `push_member_edges`): `members` are the bucket's documents (int64, the global document
/// numbers); they are sorted and deduplicated first. Each of the first `PAIRWISE_BUCKET` (24)
/// members is paired with every member before it; each later member with the first member and
/// the member just before it. Returns `(a, b)` int64 arrays with `a < b`, possibly repeating
/// edges of other buckets: the candidates are the distinct edges over all buckets of all bands.
#[pyfunction]
fn bucket_edges<'py>(py: Python<'py>, members: PyReadonlyArray1<'py, i64>) -> PyResult<EdgeArrays<'py>> {
    let mut docs: Vec<DocId> = members
        .as_array()
        .iter()
        .map(|&d| u32::try_from(d).map(DocId))
        .collect::<Result<_, _>>()
        .map_err(|_| PyValueError::new_err("members: document numbers must be in 0..2**32"))?;
    docs.sort_unstable();
    docs.dedup();
    let mut edges = Vec::new();
    for (j, &d) in docs.iter().enumerate() {
        neardupe::lsh::push_member_edges(&docs[..j.min(PAIRWISE_BUCKET)], docs[..j].last().copied(), j, d, &mut edges);
    }
    Ok(edge_arrays(py, &edges))
}

/// candidate_edges(signatures, set_sizes, **options) -> tuple[numpy.ndarray, numpy.ndarray]
/// --
///
/// Every candidate edge of a signature matrix on one machine: `neardupe::lsh::par_band_edges`,
/// what `Deduper::candidates` runs (sorted, distinct, `a < b`). The distributed form is
/// `band_keys`, a group-by on `(band, key)` over documents with a non-empty set, `bucket_edges`
/// per bucket, and the distinct edges.
#[pyfunction]
#[pyo3(signature = (signatures, set_sizes, **options))]
fn candidate_edges<'py>(
    py: Python<'py>,
    signatures: PyReadonlyArray2<'py, u32>,
    set_sizes: PyReadonlyArray1<'py, u32>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<EdgeArrays<'py>> {
    let options = Options::from_kwargs("candidate_edges", options)?;
    let matrix = signature_matrix(&signatures, &set_sizes)?;
    let lsh = *options.config.lsh();
    let edges = options.run(py, || neardupe::lsh::par_band_edges(&matrix, &lsh));
    Ok(edge_arrays(py, &edges))
}

/// decide(sig_a, sig_b, size_a, size_b, **options) -> numpy.ndarray
/// --
///
/// What the signatures say about each pair `(sig_a[i], sig_b[i])` with set sizes `size_a[i]`,
/// `size_b[i]`, under the options' `verify`: `uint8` codes `DECISION_FAIL` (0), `DECISION_PASS`
/// (1) and `DECISION_BORDERLINE` (2, the exact similarity decides: `exact_similarity`). As
/// `neardupe::verify::verify_candidates`: hybrid is `Criterion::decide` with the margin
/// `BORDERLINE_SE` (3 standard errors); estimate is `decide` with margin 0; exact makes every
/// pair borderline; none passes every pair.
#[pyfunction]
#[pyo3(signature = (sig_a, sig_b, size_a, size_b, **options))]
fn decide<'py>(
    py: Python<'py>,
    sig_a: PyReadonlyArray2<'py, u32>,
    sig_b: PyReadonlyArray2<'py, u32>,
    size_a: PyReadonlyArray1<'py, u32>,
    size_b: PyReadonlyArray1<'py, u32>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    let options = Options::from_kwargs("decide", options)?;
    let k = options.config.minhash().num_perm();
    let n = sig_a.shape()[0];
    if sig_a.shape() != [n, k]
        || sig_b.shape() != [n, k]
        || size_a.as_slice()?.len() != n
        || size_b.as_slice()?.len() != n
    {
        return Err(PyValueError::new_err(format!(
            "decide: expected signatures of shape ({n}, {k}) and {n} set sizes on each side"
        )));
    }
    let contiguous = |_| PyValueError::new_err("signatures: not C-contiguous arrays");
    let (a, b) = (sig_a.as_slice().map_err(contiguous)?, sig_b.as_slice().map_err(contiguous)?);
    let (sa, sb) = (size_a.as_slice()?, size_b.as_slice()?);
    let criterion = options.config.criterion();
    let verify = options.config.verify();
    let code = |d: Decision| match d {
        Decision::Fail => 0u8,
        Decision::Pass => 1,
        Decision::Borderline => 2,
    };
    let codes: Vec<u8> = options.run(py, || {
        use rayon::prelude::*;
        (0..n)
            .into_par_iter()
            .map(|i| match verify {
                Verify::None => 1,
                Verify::Exact => 2,
                Verify::Estimate | Verify::Hybrid => {
                    let margin = if verify == Verify::Hybrid { BORDERLINE_SE } else { 0.0 };
                    let agree = neardupe::hash::agreeing_slots(&a[i * k..(i + 1) * k], &b[i * k..(i + 1) * k]);
                    code(criterion.decide(agree, k, sa[i], sb[i], margin))
                }
            })
            .collect()
    });
    Ok(PyArray1::from_vec(py, codes))
}

/// exact_similarity(text_a, text_b, filter=None, **options) -> tuple[numpy.ndarray, numpy.ndarray]
/// --
///
/// The exact similarity of each pair of texts `(text_a[i], text_b[i])` on the pair's measure
/// (`Criterion::exact` of the two shingle sets, made by the shingler with the boilerplate
/// `filter` as in `sign`), `float64`, and whether it reaches the threshold
/// (`Criterion::exact_passes`), `bool`: the check `verify_candidates` makes of borderline pairs.
#[pyfunction]
#[pyo3(signature = (text_a, text_b, filter=None, **options))]
fn exact_similarity<'py>(
    py: Python<'py>,
    text_a: &Bound<'py, PyAny>,
    text_b: &Bound<'py, PyAny>,
    filter: Option<&[u8]>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Pair<'py, f64, bool>> {
    let options = Options::from_kwargs("exact_similarity", options)?;
    let filter = filter_of(&options, filter)?;
    let a = texts_of(text_a, "text_a")?;
    let b = texts_of(text_b, "text_b")?;
    if a.len() != b.len() {
        return Err(PyValueError::new_err(format!("text_a has {} texts, text_b {}", a.len(), b.len())));
    }
    let deduper = neardupe::Deduper::new(options.config.clone()).with_filter(filter);
    let criterion = options.config.criterion();
    let (sims, passes): (Vec<f64>, Vec<bool>) = options.run(py, || {
        use rayon::prelude::*;
        (0..a.len())
            .into_par_iter()
            .map_init(
                || deduper.shingler(),
                |shingler, i| {
                    let (x, y) = (shingler.shingle_set(a.get(i)), shingler.shingle_set(b.get(i)));
                    let s = criterion.exact(x.intersection_len(&y), x.len(), y.len());
                    (s, criterion.exact_passes(s))
                },
            )
            .unzip()
    });
    Ok((PyArray1::from_vec(py, sims), PyArray1::from_vec(py, passes)))
}

/// verified_edges(n, pass_a, pass_b, borderline_a, borderline_b, borderline_passes) -> tuple[numpy.ndarray, numpy.ndarray]
/// --
///
/// The verified edges of a run, from the candidates that `decide` passed and the borderline
/// candidates with their exact verdicts (`exact_similarity`'s second array): the bookkeeping of
/// `neardupe::verify::verify_candidates`. It takes the borderline edges in sorted order, in
/// chunks of `EXACT_CHUNK` (4096), and keeps a chunk's passing edges only when the edges kept so
/// far do not already connect their two documents (`verify::unlinked`), exactly as a run does, so
/// that linking (`link`) sees the same set of edges. `n` is the number of documents. Returns the
/// sorted edges `(a, b)`, int64.
#[pyfunction]
fn verified_edges<'py>(
    py: Python<'py>,
    n: usize,
    pass_a: PyReadonlyArray1<'py, i64>,
    pass_b: PyReadonlyArray1<'py, i64>,
    borderline_a: PyReadonlyArray1<'py, i64>,
    borderline_b: PyReadonlyArray1<'py, i64>,
    borderline_passes: PyReadonlyArray1<'py, bool>,
) -> PyResult<EdgeArrays<'py>> {
    let kept = edges_of(n, pass_a.as_slice()?, pass_b.as_slice()?, "pass edges")?;
    let border = edges_of(n, borderline_a.as_slice()?, borderline_b.as_slice()?, "borderline edges")?;
    let passes = borderline_passes.as_slice()?;
    if passes.len() != border.len() {
        return Err(PyValueError::new_err("borderline_passes: one verdict per borderline edge"));
    }
    let edges = py.detach(|| {
        let mut border: Vec<(Edge, bool)> = border.into_iter().zip(passes.iter().copied()).collect();
        border.sort_unstable_by_key(|&(e, _)| e);
        border.dedup_by_key(|&mut (e, _)| e);
        let mut kept = kept;
        kept.sort_unstable();
        kept.dedup();
        let mut linked = UnionFind::new(n);
        for e in &kept {
            linked.union(e.a.0, e.b.0);
        }
        if !border.is_empty() {
            for chunk in border.chunks(EXACT_CHUNK) {
                let passed: Vec<Edge> = chunk
                    .iter()
                    .filter(|&&(e, pass)| pass && linked.find(e.a.0) != linked.find(e.b.0))
                    .map(|&(e, _)| e)
                    .collect();
                for e in &passed {
                    linked.union(e.a.0, e.b.0);
                }
                kept.extend(passed);
            }
            kept.sort_unstable();
        }
        kept
    });
    Ok(edge_arrays(py, &edges))
}

/// link(n, edges_a, edges_b, signatures, set_sizes, days=None, lengths=None, **options) -> tuple[numpy.ndarray, numpy.ndarray]
/// --
///
/// Clusters of `n` documents from their verified edges (`verified_edges`): `neardupe::link::link`,
/// the last stage of a run, with the chaining guard and time window of the options. `signatures`
/// and `set_sizes` are every document's (`sign`), `days` (dates as strings, read as
/// `--date-field` values with `date_format`) are needed with a `window`, `lengths` (text bytes,
/// int) with `representative="longest"`. Returns the cluster of each document (int64, numbered as
/// `neardupe cluster` numbers them) and whether it represents its cluster (bool).
#[pyfunction]
#[pyo3(signature = (n, edges_a, edges_b, signatures, set_sizes, days=None, lengths=None, **options))]
#[allow(clippy::too_many_arguments)]
fn link<'py>(
    py: Python<'py>,
    n: usize,
    edges_a: PyReadonlyArray1<'py, i64>,
    edges_b: PyReadonlyArray1<'py, i64>,
    signatures: PyReadonlyArray2<'py, u32>,
    set_sizes: PyReadonlyArray1<'py, u32>,
    days: Option<&Bound<'py, PyAny>>,
    lengths: Option<PyReadonlyArray1<'py, u64>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Pair<'py, i64, bool>> {
    let options = Options::from_kwargs("link", options)?;
    let matrix = signature_matrix(&signatures, &set_sizes)?;
    if matrix.len() != n || matrix.num_perm() != options.config.minhash().num_perm() {
        return Err(PyValueError::new_err(format!(
            "signatures: expected shape ({n}, {}), got ({}, {})",
            options.config.minhash().num_perm(),
            matrix.len(),
            matrix.num_perm()
        )));
    }
    let edges = edges_of(n, edges_a.as_slice()?, edges_b.as_slice()?, "edges")?;
    // As a run: days are only compared under a window (and then every document needs one).
    let days = match optional_column(days, "days", n)? {
        Some(d) if options.config.window().is_some() => Some(days_of(&d, options.date_format.as_deref())?),
        Some(_) => None,
        None if options.config.window().is_some() => {
            return Err(PyValueError::new_err("a time window needs dated documents: pass days"));
        }
        None => None,
    };
    let lengths: Vec<u64> = match &lengths {
        Some(l) if l.as_slice()?.len() == n => l.as_slice()?.to_vec(),
        Some(l) => {
            return Err(PyValueError::new_err(format!("lengths: {} values for {n} documents", l.as_slice()?.len())));
        }
        None if options.config.representative() == neardupe::Representative::Longest => {
            return Err(PyValueError::new_err("representative=\"longest\" needs the texts' lengths: pass lengths"));
        }
        None => Vec::new(),
    };
    let config = options.config.clone();
    let Linked { clustering, .. } =
        options.run(py, || neardupe::link::link(&config, &edges, &matrix, days.as_deref(), &lengths));
    let clusters: Vec<i64> = clustering.clusters().iter().map(|&c| i64::from(c)).collect();
    let reps: Vec<bool> = (0..n).map(|i| clustering.is_representative(DocId(i as u32))).collect();
    Ok((PyArray1::from_vec(py, clusters), PyArray1::from_vec(py, reps)))
}
