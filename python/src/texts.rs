//! Text columns from Python: a list (or tuple) of `str`, or Arrow string arrays read through the
//! Arrow C Data Interface.
//!
//! An Arrow input is any object with `__arrow_c_array__` (a `pyarrow.Array`, a polars or
//! nanoarrow array), or a `pyarrow.ChunkedArray` (its `.chunks`, each such an array). Its UTF-8
//! buffers are imported by pointer: the documents are read in place, with no Python object and no
//! copy per document, and the buffers stay alive (the producer's release callback runs when the
//! last [`Texts`] clone is dropped) while the GIL is released.

use std::borrow::Cow;
use std::ffi::CStr;

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use arrow_array::{Array, LargeStringArray, StringArray, StringViewArray, make_array};
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList, PyString, PyTuple};

/// One Arrow chunk of strings.
#[derive(Clone, Debug)]
pub(crate) enum Chunk {
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
    Utf8View(StringViewArray),
}

impl Chunk {
    fn value(&self, i: usize) -> &str {
        match self {
            Chunk::Utf8(a) => a.value(i),
            Chunk::LargeUtf8(a) => a.value(i),
            Chunk::Utf8View(a) => a.value(i),
        }
    }
}

/// A column of texts (or ids, or dates) handed over from Python.
#[derive(Clone, Debug)]
pub(crate) enum Texts {
    /// Strings copied out of a Python list.
    Strings(Vec<String>),
    /// Arrow chunks; `starts[c]` is the row of chunk `c`'s first value.
    Arrow { chunks: Vec<Chunk>, starts: Vec<usize>, len: usize },
}

impl Texts {
    /// The number of values.
    pub(crate) fn len(&self) -> usize {
        match self {
            Texts::Strings(v) => v.len(),
            Texts::Arrow { len, .. } => *len,
        }
    }

    /// Value `i`.
    pub(crate) fn get(&self, i: usize) -> &str {
        match self {
            Texts::Strings(v) => &v[i],
            Texts::Arrow { chunks, starts, .. } => {
                let c = starts.partition_point(|&s| s <= i) - 1;
                chunks[c].value(i - starts[c])
            }
        }
    }

    /// Every value, owned.
    pub(crate) fn to_strings(&self) -> Vec<String> {
        match self {
            Texts::Strings(v) => v.clone(),
            Texts::Arrow { .. } => (0..self.len()).map(|i| self.get(i).to_string()).collect(),
        }
    }

    /// Every value, borrowed.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

/// The type name of `obj`, for messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// One Arrow array of `obj` (`__arrow_c_array__`), imported without copying its buffers.
#[allow(unsafe_code)]
fn import_array(obj: &Bound<'_, PyAny>, what: &str, first_row: usize) -> PyResult<Chunk> {
    let pair = obj.call_method0("__arrow_c_array__")?;
    let pair = pair.cast::<PyTuple>().map_err(|_| PyTypeError::new_err("__arrow_c_array__ returned no tuple"))?;
    let schema = pair.get_item(0)?;
    let array = pair.get_item(1)?;
    let schema = schema.cast::<PyCapsule>().map_err(|_| PyTypeError::new_err("no arrow_schema capsule"))?;
    let array = array.cast::<PyCapsule>().map_err(|_| PyTypeError::new_err("no arrow_array capsule"))?;
    let schema_ptr = schema.pointer_checked(Some(SCHEMA))?.cast::<FFI_ArrowSchema>();
    let array_ptr = array.pointer_checked(Some(ARRAY))?.cast::<FFI_ArrowArray>();
    // SAFETY: the capsules named `arrow_schema` and `arrow_array` hold an `ArrowSchema` and an
    // `ArrowArray` of the C Data Interface (the PyCapsule protocol). The schema is only borrowed
    // (its capsule releases it); the array is moved out, its release callback left to the
    // imported buffers, and the capsule's struct marked released so the capsule does not free it
    // again.
    let data = unsafe {
        let ffi_array = FFI_ArrowArray::from_raw(array_ptr.as_ptr());
        from_ffi(ffi_array, schema_ptr.as_ref())
    }
    .map_err(|e| PyTypeError::new_err(format!("{what}: cannot import the Arrow array: {e}")))?;
    let array = make_array(data);
    let chunk = match array.data_type() {
        DataType::Utf8 => Chunk::Utf8(arrow_array::cast::AsArray::as_string::<i32>(&array).clone()),
        DataType::LargeUtf8 => Chunk::LargeUtf8(arrow_array::cast::AsArray::as_string::<i64>(&array).clone()),
        DataType::Utf8View => Chunk::Utf8View(arrow_array::cast::AsArray::as_string_view(&array).clone()),
        other => {
            return Err(PyTypeError::new_err(format!(
                "{what}: expected strings (an Arrow string, large_string or string_view array), got an Arrow {other} array"
            )));
        }
    };
    if array.null_count() > 0 {
        let i = (0..array.len()).find(|&i| array.is_null(i)).unwrap_or(0);
        return Err(PyValueError::new_err(format!("{what}: the value at position {} is null", first_row + i)));
    }
    Ok(chunk)
}

/// The column `obj`: a list or tuple of `str`, an Arrow string array (`__arrow_c_array__`) or a
/// `pyarrow.ChunkedArray` of strings. `what` names the column in errors: a null is a
/// `ValueError` naming its position, anything but strings a `TypeError`.
pub(crate) fn texts_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Texts> {
    if let Ok(list) = obj.cast::<PyList>() {
        return strings_of(list.iter(), list.len(), what);
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return strings_of(tuple.iter(), tuple.len(), what);
    }
    let chunk_objects: Vec<Bound<'_, PyAny>> = if obj.hasattr("__arrow_c_array__")? {
        vec![obj.clone()]
    } else if obj.hasattr("chunks")? && obj.hasattr("num_chunks")? {
        obj.getattr("chunks")?.try_iter()?.collect::<PyResult<_>>()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected a list of str, a pyarrow string array or chunked array, or a pandas Series, got {}",
            type_name(obj)
        )));
    };
    let mut chunks = Vec::with_capacity(chunk_objects.len());
    let mut starts = Vec::with_capacity(chunk_objects.len());
    let mut len = 0;
    for c in &chunk_objects {
        let chunk = import_array(c, what, len)?;
        let n = match &chunk {
            Chunk::Utf8(a) => a.len(),
            Chunk::LargeUtf8(a) => a.len(),
            Chunk::Utf8View(a) => a.len(),
        };
        if n > 0 {
            starts.push(len);
            chunks.push(chunk);
            len += n;
        }
    }
    Ok(Texts::Arrow { chunks, starts, len })
}

fn strings_of<'py>(items: impl Iterator<Item = Bound<'py, PyAny>>, n: usize, what: &str) -> PyResult<Texts> {
    let mut out = Vec::with_capacity(n);
    for (i, item) in items.enumerate() {
        if item.is_none() {
            return Err(PyValueError::new_err(format!("{what}: the value at position {i} is null (None)")));
        }
        let s = item.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!("{what}: expected str at position {i}, got {}", type_name(&item)))
        })?;
        let text: Cow<'_, str> = s.to_cow()?;
        out.push(text.into_owned());
    }
    Ok(Texts::Strings(out))
}

/// `texts_of` for an optional column that must have `n` values.
pub(crate) fn optional_column(obj: Option<&Bound<'_, PyAny>>, what: &str, n: usize) -> PyResult<Option<Texts>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    let t = texts_of(obj, what)?;
    if t.len() != n {
        return Err(PyValueError::new_err(format!("{what}: {} values for {n} texts", t.len())));
    }
    Ok(Some(t))
}
