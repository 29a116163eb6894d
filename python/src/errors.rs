//! The library's errors as Python exceptions.

use neardupe::{Error, ErrorKind};
use pyo3::PyErr;
use pyo3::exceptions::{PyFileExistsError, PyFileNotFoundError, PyOSError, PyValueError};

/// `e` as a Python exception carrying the library's message (and its hint, when it has one):
/// `FileNotFoundError` and `FileExistsError` for a missing or existing index, `OSError` for
/// input/output, locks and read-only indexes, `ValueError` for everything else (bad options,
/// bad documents, duplicate ids, corrupt or incompatible indexes).
pub(crate) fn py_err(e: Error) -> PyErr {
    let text = e.to_string();
    match e.kind() {
        ErrorKind::NotFound => PyFileNotFoundError::new_err(text),
        ErrorKind::AlreadyExists => PyFileExistsError::new_err(text),
        ErrorKind::Io | ErrorKind::Locked | ErrorKind::ReadOnly => PyOSError::new_err(text),
        _ => PyValueError::new_err(text),
    }
}

/// `Result<T, Error>` to `PyResult<T>`.
pub(crate) trait IntoPy<T> {
    /// The result with the error as a Python exception ([`py_err`]).
    fn py(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py(self) -> pyo3::PyResult<T> {
        self.map_err(py_err)
    }
}
