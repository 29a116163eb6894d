//! `neardupe._native`: the extension module of neardupe's Python package (built by maturin from
//! `python/pyproject.toml`; the pure Python modules in `python/neardupe/` wrap it).
//!
//! The module is a thin layer over the `neardupe` library: every option goes through the
//! library's [`neardupe::ConfigBuilder`] (option values through the same `FromStr` impls as the
//! CLI's), every stage is the library's own function, and the GIL is released while Rust works.
//!
//! * `options`: keyword options to a [`neardupe::Config`] (what `neardupe cluster` takes).
//! * `texts`: text columns from Python lists or Arrow arrays (borrowed through the Arrow C Data
//!   Interface, no Python object per document).
//! * `dedupe`: `Deduper` (cluster, signatures, compare).
//! * `index`: `Index`, the persistent index.
//! * `stages`: the pipeline's stages one by one, batch-shaped, for distributed engines.
//!
//! Crates: PyO3 0.30 (abi3 from CPython 3.9), `numpy` 0.30 (its release for PyO3 0.30) and
//! `arrow-array`/`arrow-schema` 59 with only the C Data Interface (`ffi`) feature. See
//! python/README.md for what was compared.

use pyo3::prelude::*;

pub(crate) mod dedupe;
pub(crate) mod errors;
pub(crate) mod index;
pub(crate) mod options;
pub(crate) mod stages;
pub(crate) mod texts;

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<dedupe::Deduper>()?;
    m.add_class::<index::Index>()?;
    m.add_function(wrap_pyfunction!(dedupe::similarity, m)?)?;
    m.add_function(wrap_pyfunction!(options::option_defaults, m)?)?;
    m.add_function(wrap_pyfunction!(options::resolve_options, m)?)?;
    stages::register(m)?;
    Ok(())
}
