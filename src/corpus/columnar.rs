//! Tables: Parquet files and Arrow IPC files and streams (feature `parquet`), read column by
//! column, batch by batch.
//!
//! A table is read once, when the corpus is opened: only the columns that the text, the id and
//! the date come from (a dotted name reaches into struct columns, as it reaches into nested
//! JSON objects), a batch of rows at a time, each row written as one JSONL line to an unnamed
//! spill file, which is then read as a JSONL file is (memory-mapped, released chunk by chunk).
//! So the memory a table takes is one batch of its columns, whatever its size, and everything
//! after opening (parsing in parallel, ids, dates, `dedup` copying kept records) is the JSONL
//! reader's. The spill's line `N` is the table's row `N` (a row left out is a blank line), so
//! rows without an id are named `line:N` as JSONL records are, and `dedup` writes the kept rows
//! as JSONL lines with the same field names, which neardupe reads back with the same options.
//!
//! A Parquet file is found by its magic bytes (`PAR1` at both ends) or its extension
//! (`.parquet`, `.pq`); an Arrow IPC file by `ARROW1`, a stream by its first message's
//! continuation marker, or either by its extension (`.arrow`, `.arrows`, `.feather`, `.ipc`;
//! the `datasets` library's cache files are streams). Compressed Parquet pages are read with
//! snappy, zstd, gzip and LZ4 (the codecs that Hugging Face, Spark, pandas and DuckDB write);
//! a brotli-compressed file is an error that names the codec.
//!
//! Columns: the text is a string column (`Utf8`, `LargeUtf8`, `Utf8View`, dictionary-encoded
//! strings) or a binary column holding UTF-8; the id a string or integer column; the date a
//! string column (read as a [JSONL date](crate::date)), a `Date32`/`Date64` or `Timestamp`
//! column, or an integer column of Unix seconds. A missing text column, a column of another
//! type, a null text or date, and a date that does not parse are errors naming the file, the
//! row and the column (with `skip_invalid`, the row is left out and listed); a missing id column
//! or a null id names the row by its number. A file whose footer or schema does not decode is an
//! error of kind [`Malformed`](crate::ErrorKind::Malformed) naming it (with `skip_invalid`, it is left
//! out whole); a batch that does not decode further on, too, but with `skip_invalid` the rows
//! before it are kept and the damage is listed.

use std::path::Path;

use super::CorpusConfig;
use super::source::Bytes;
use crate::error::{Error, Result};

/// The kind of table a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    Parquet,
    /// An Arrow IPC file or stream.
    Arrow,
}

impl Table {
    /// Whether `data` starts (and, for Parquet, ends) with this format's magic bytes.
    pub(crate) fn is_magic(self, data: &[u8]) -> bool {
        match self {
            Table::Parquet => data.len() >= 12 && data.starts_with(b"PAR1") && data.ends_with(b"PAR1"),
            Table::Arrow => data.starts_with(b"ARROW1") || data.starts_with(&[0xFF; 4]),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Table::Parquet => "Parquet",
            Table::Arrow => "Arrow IPC",
        }
    }
}

/// Writes the rows of the table in `bytes` to a spill file as JSONL lines with the fields
/// `config` names, and returns the spill's bytes. Invalid rows go to `reject`, which fails or
/// skips them (a skipped row is a blank line); a file that cannot be read at all is an error of
/// kind `Malformed` (or `Empty` without rows), an error writing the spill file one of kind `Io`.
#[cfg(feature = "parquet")]
pub(crate) fn to_jsonl(
    bytes: Bytes,
    table: Table,
    path: &Path,
    config: &CorpusConfig,
    reject: &mut dyn FnMut(Error) -> Result<()>,
) -> Result<Bytes> {
    let file = super::spill_file(config.spill_dir.as_deref())?;
    let mut rows = read::Rows::new(file, path, table, config);
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read::read(bytes, table, &mut rows, reject)));
    match read {
        Ok(result) => result?,
        // The decoders are meant to return errors on damaged input, not to panic, but arrow-ipc
        // 59 panics on some damaged schemas (an unknown type, a list without its child): the
        // file is reported as damaged rather than the process stopped. (The panic's message is
        // still printed by the panic hook.)
        Err(_) => return Err(rows.malformed("its schema or a batch is damaged (the decoder failed)")),
    }
    rows.finish()
}

/// Without the `parquet` feature: an error naming it.
#[cfg(not(feature = "parquet"))]
pub(crate) fn to_jsonl(
    bytes: Bytes,
    table: Table,
    path: &Path,
    config: &CorpusConfig,
    reject: &mut dyn FnMut(Error) -> Result<()>,
) -> Result<Bytes> {
    let _ = (bytes, config, reject);
    Err(Error::new(
        crate::error::ErrorKind::Unsupported,
        format!("reading {} files needs neardupe's `parquet` feature, which this build lacks", table.name()),
    )
    .with_path(path))
}

#[cfg(feature = "parquet")]
mod read {
    use std::io::{BufWriter, Write};
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use arrow_array::cast::AsArray;
    use arrow_array::types::{
        Date32Type, Date64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
        TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type,
        UInt64Type,
    };
    use arrow_array::{Array, ArrayRef, RecordBatch};
    use arrow_schema::{ArrowError, DataType, Fields, Schema, TimeUnit};

    use super::super::source::{self, Bytes, Hint};
    use super::super::{CorpusConfig, human_bytes};
    use super::Table;
    use crate::error::{Error, ErrorKind, Result};

    /// Rows decoded at a time: a batch of long web pages is tens of megabytes.
    const BATCH_ROWS: usize = 1024;

    /// The spill file is written this much at a time. Not more: the page cache keeps a file
    /// written in large writes in large folios, and a read of a mapped page then maps the whole
    /// folio, so a run's random reads (exact verification) would keep several times the memory
    /// resident (1 MiB writes: a peak of 963 MB on the 1 GiB corpus; 64 KiB writes: 351 MB).
    const SPILL_WRITE: usize = 64 << 10;

    /// Spill bytes written between two hints that the table's pages read so far may leave the
    /// resident set (a memory-mapped table is read once, front to back).
    const RELEASE_EVERY: u64 = 64 << 20;

    /// What a column is for.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Role {
        Text,
        Id,
        Date,
    }

    impl Role {
        fn what(self) -> &'static str {
            match self {
                Role::Text => "text (strings, or binary UTF-8)",
                Role::Id => "ids (strings or integers)",
                Role::Date => "dates (strings, dates, timestamps or integer Unix seconds)",
            }
        }
    }

    /// A wanted column: the JSONL key it is written under, its role, and where it is (indices
    /// from the top-level field down through struct fields), if the table has it. One column may
    /// have several roles (`date_field` = `id_field`): it is checked for each and written once.
    #[derive(Debug)]
    struct Column {
        key: String,
        role: Role,
        path: Option<Vec<usize>>,
        write: bool,
    }

    /// The row writer: the wanted columns, the spill file and the counts.
    pub(super) struct Rows<'c> {
        path: PathBuf,
        table: Table,
        config: &'c CorpusConfig,
        columns: Vec<Column>,
        out: BufWriter<std::fs::File>,
        line: Vec<u8>,
        /// Rows seen (the number of the last row).
        rows: u64,
        /// Rows written as records.
        written: u64,
        bytes: u64,
    }

    impl<'c> Rows<'c> {
        pub(super) fn new(file: std::fs::File, path: &Path, table: Table, config: &'c CorpusConfig) -> Rows<'c> {
            Rows {
                path: path.to_path_buf(),
                table,
                config,
                columns: Vec::new(),
                out: BufWriter::with_capacity(SPILL_WRITE, file),
                line: Vec::new(),
                rows: 0,
                written: 0,
                bytes: 0,
            }
        }

        /// An error about the whole file.
        pub(super) fn malformed(&self, what: impl std::fmt::Display) -> Error {
            let msg = format!("cannot read {} file: {what}", self.table.name());
            Error::new(ErrorKind::Malformed, msg).with_path(&self.path)
        }

        /// A batch that does not decode: with rows read before it, they are kept when `reject`
        /// skips the damage (the end of the table is left out); the whole file is the error
        /// otherwise.
        fn damaged(&self, e: ArrowError, reject: &mut dyn FnMut(Error) -> Result<()>) -> Result<()> {
            if self.rows == 0 {
                return Err(self.malformed(e));
            }
            let e = self.malformed(format!("{e} (after row {}; the rest of the file is left out)", self.rows));
            reject(e)
        }

        /// An error about row `row`.
        fn row_error(&self, kind: ErrorKind, row: u64, what: String) -> Error {
            Error::new(kind, format!("row {row}: {what}")).with_path(&self.path)
        }

        /// Finds the wanted columns in `schema`: the text's must be there, the id's may not be,
        /// the date's must be when dates are read. Returns the top-level fields to read.
        fn resolve(&mut self, schema: &Schema) -> Result<Vec<usize>> {
            let c = self.config;
            let mut wanted = vec![(c.text_field.as_str(), Role::Text)];
            if !c.id_field.is_empty() {
                wanted.push((c.id_field.as_str(), Role::Id));
            }
            if let Some(d) = c.date_field.as_deref() {
                wanted.push((d, Role::Date));
            }
            for (name, role) in wanted {
                let path = find(schema.fields(), name);
                let field = path.as_deref().map(|p| field_at(schema.fields(), p));
                match (field, role) {
                    (None, Role::Id) => {}
                    (None, _) => {
                        let names: Vec<String> = all_names(schema.fields(), "");
                        let e = Error::new(
                            ErrorKind::MissingField,
                            format!(
                                "the {} file has no column {name:?} (its columns: {})",
                                self.table.name(),
                                names.join(", ")
                            ),
                        )
                        .with_path(&self.path)
                        .with_hint(if role == Role::Text {
                            "see `text_field`"
                        } else {
                            "see `date_field`"
                        });
                        return Err(e);
                    }
                    (Some(dt), _) => {
                        if !accepts(role, dt) {
                            let e = Error::new(
                                ErrorKind::MissingField,
                                format!("column {name:?} holds {dt} values, not {}", role.what()),
                            )
                            .with_path(&self.path);
                            return Err(e);
                        }
                        if role == Role::Date && c.date_format.is_some() && !is_bytes(dt) {
                            let e = Error::new(
                                ErrorKind::Config,
                                format!("column {name:?} holds {dt} values: a date format reads only string dates"),
                            )
                            .with_path(&self.path)
                            .with_hint("`date_format` is for dates written as text");
                            return Err(e);
                        }
                    }
                }
                let write = self.columns.iter().all(|c| c.key != name);
                self.columns.push(Column { key: name.to_string(), role, path, write });
            }
            let mut roots: Vec<usize> = self.columns.iter().filter_map(|c| c.path.as_ref().map(|p| p[0])).collect();
            roots.sort_unstable();
            roots.dedup();
            Ok(roots)
        }

        /// Writes the rows of `batch`, which holds the top-level fields `roots` in order.
        fn batch(
            &mut self,
            batch: &RecordBatch,
            roots: &[usize],
            reject: &mut dyn FnMut(Error) -> Result<()>,
        ) -> Result<()> {
            let mut cells = Vec::with_capacity(self.columns.len());
            for c in &self.columns {
                let Some(path) = &c.path else {
                    cells.push(None);
                    continue;
                };
                let Some(at) = roots.iter().position(|&r| r == path[0]).filter(|&i| i < batch.num_columns()) else {
                    return Err(self.malformed("a batch lacks a column of the schema"));
                };
                let mut array: &ArrayRef = batch.column(at);
                let mut parents: Vec<&ArrayRef> = Vec::new();
                for &child in &path[1..] {
                    let Some(s) = array.as_struct_opt().filter(|s| child < s.num_columns()) else {
                        return Err(self.malformed("a batch's struct column differs from the schema"));
                    };
                    parents.push(array);
                    array = s.column(child);
                }
                let Some(values) = Cells::of(array.as_ref()) else {
                    return Err(self.malformed(format!("column {:?} holds {} values", c.key, array.data_type())));
                };
                cells.push(Some((values, parents)));
            }
            for i in 0..batch.num_rows() {
                self.rows += 1;
                match self.row(i, &cells) {
                    Ok(()) => {
                        self.written += 1;
                        self.out.write_all(&self.line).map_err(|e| self.spill_error(e))?;
                        self.bytes += self.line.len() as u64;
                    }
                    Err(e) => {
                        reject(e)?;
                        self.out.write_all(b"\n").map_err(|e| self.spill_error(e))?;
                        self.bytes += 1;
                    }
                }
            }
            Ok(())
        }

        fn spill_error(&self, e: std::io::Error) -> Error {
            Error::io(&self.path, "cannot write the table's rows to a spill file", e)
        }

        /// Puts row `i` of the batch into `self.line` as a JSONL line (with its `\n`).
        fn row(&mut self, i: usize, cells: &[Option<(Cells<'_>, Vec<&ArrayRef>)>]) -> Result<()> {
            let row = self.rows;
            let mut line = std::mem::take(&mut self.line);
            line.clear();
            line.push(b'{');
            let mut first = true;
            for (c, cell) in self.columns.iter().zip(cells) {
                let value = match cell {
                    None => Cell::Null,
                    Some((_, parents)) if parents.iter().any(|p| p.is_null(i)) => Cell::Null,
                    Some((values, _)) => values.get(i),
                };
                let null = |what: &str| {
                    let hint = "`skip_invalid` leaves such rows out";
                    self.row_error(ErrorKind::MissingField, row, format!("column {:?} is null{what}", c.key))
                        .with_hint(hint)
                };
                let text: std::borrow::Cow<'_, str> = match (c.role, value) {
                    (Role::Id, Cell::Null) => continue,
                    (_, Cell::Null) => return Err(null("")),
                    // Arrow's string arrays hold UTF-8, checked when they were decoded.
                    (role, Cell::Str(s)) => {
                        self.check_date(role, c, row, s)?;
                        std::borrow::Cow::Borrowed(s)
                    }
                    (role, Cell::Bytes(b)) => {
                        let s = match std::str::from_utf8(b) {
                            Ok(s) => std::borrow::Cow::Borrowed(s),
                            Err(_) if self.config.lossy_utf8 => String::from_utf8_lossy(b),
                            Err(u) => {
                                let at = u.valid_up_to();
                                let msg = format!("column {:?} is not valid UTF-8 (byte {at} of the value)", c.key);
                                let hint = "`lossy_utf8` replaces invalid bytes, `skip_invalid` skips the row";
                                return Err(self.row_error(ErrorKind::Utf8, row, msg).with_hint(hint));
                            }
                        };
                        self.check_date(role, c, row, &s)?;
                        s
                    }
                    (Role::Date, Cell::Int(secs)) => {
                        match i32::try_from(secs.div_euclid(86_400)).ok().and_then(iso_day) {
                            Some(day) => day.into(),
                            None => return Err(null(" or out of range")),
                        }
                    }
                    (_, Cell::Int(n)) => n.to_string().into(),
                    (_, Cell::Day(d)) => match iso_day(d) {
                        Some(day) => day.into(),
                        None => return Err(null(" or out of range")),
                    },
                };
                if !c.write {
                    // Its value is written under its first role.
                    continue;
                }
                if !first {
                    line.push(b',');
                }
                first = false;
                write_json_str(&mut line, &c.key);
                line.push(b':');
                write_json_str(&mut line, &text);
            }
            line.extend_from_slice(b"}\n");
            self.line = line;
            if self.line.len() - 1 > self.config.max_record_bytes {
                let msg = format!(
                    "record of {} is larger than the limit of {}",
                    human_bytes(self.line.len() as u64 - 1),
                    human_bytes(self.config.max_record_bytes as u64)
                );
                return Err(self.row_error(ErrorKind::RecordTooLarge, row, msg).with_hint("`max_record_bytes`"));
            }
            Ok(())
        }

        /// For a date column, that `s` is a date (as the JSONL reader reads dates).
        fn check_date(&self, role: Role, c: &Column, row: u64, s: &str) -> Result<()> {
            if role == Role::Date && crate::date::parse_day(s, self.config.date_format.as_deref()).is_none() {
                let msg = format!("column {:?} is not a date: {s:?}", c.key);
                return Err(self.row_error(ErrorKind::MissingField, row, msg).with_hint("see `date_format`"));
            }
            Ok(())
        }

        /// Closes the spill file and maps (or reads) it.
        pub(super) fn finish(self) -> Result<Bytes> {
            let what = self.table.name();
            if self.rows == 0 {
                return Err(Error::new(ErrorKind::Empty, format!("{what} file has no rows")).with_path(&self.path));
            }
            if self.written == 0 {
                let msg = format!("{what} file has no row with a text (all {} were left out)", self.rows);
                return Err(Error::new(ErrorKind::Empty, msg).with_path(&self.path));
            }
            let path = self.path.clone();
            let file =
                self.out.into_inner().map_err(|e| Error::io(&path, "cannot write the spill file", e.into_error()))?;
            source::from_file(file, &path, self.config.mmap)
        }
    }

    /// Writes `s` as a JSON string.
    fn write_json_str(out: &mut Vec<u8>, s: &str) {
        // Writing to a Vec cannot fail, and a `str` is always valid JSON.
        let _ = serde_json::to_writer(out, s);
    }

    /// `YYYY-MM-DD` for the day `days` after 1970-01-01, if it is a date jiff can write.
    fn iso_day(days: i32) -> Option<String> {
        let epoch = jiff::civil::Date::new(1970, 1, 1).ok()?;
        let date = epoch.checked_add(jiff::Span::new().try_days(i64::from(days)).ok()?).ok()?;
        Some(date.to_string())
    }

    /// The path of field indices to the field `name`: a top-level field of that name, else (the
    /// longest prefix first) a struct field named by what comes before a dot and, inside it,
    /// what comes after, as dotted names reach into nested JSON objects.
    fn find(fields: &Fields, name: &str) -> Option<Vec<usize>> {
        if let Some(i) = fields.iter().position(|f| f.name() == name) {
            return Some(vec![i]);
        }
        for (dot, _) in name.rmatch_indices('.') {
            let (head, rest) = (&name[..dot], &name[dot + 1..]);
            let Some(i) = fields.iter().position(|f| f.name() == head) else { continue };
            if let DataType::Struct(children) = fields[i].data_type()
                && let Some(mut path) = find(children, rest)
            {
                path.insert(0, i);
                return Some(path);
            }
        }
        None
    }

    /// The type of the field at `path` (found by [`find`]).
    fn field_at<'f>(fields: &'f Fields, path: &[usize]) -> &'f DataType {
        let mut dt = fields[path[0]].data_type();
        for &i in &path[1..] {
            if let DataType::Struct(children) = dt {
                dt = children[i].data_type();
            }
        }
        dt
    }

    /// Every field's dotted name, struct fields' children included, for messages.
    fn all_names(fields: &Fields, prefix: &str) -> Vec<String> {
        let mut out = Vec::new();
        for f in fields {
            let name = format!("{prefix}{}", f.name());
            if let DataType::Struct(children) = f.data_type() {
                out.extend(all_names(children, &format!("{name}.")));
            } else {
                out.push(name);
            }
        }
        out
    }

    /// Whether `dt` holds strings or bytes (possibly dictionary-encoded).
    fn is_bytes(dt: &DataType) -> bool {
        match dt {
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
            | DataType::Null => true,
            DataType::Dictionary(_, values) => is_bytes(values),
            _ => false,
        }
    }

    fn is_int(dt: &DataType) -> bool {
        match dt {
            DataType::Dictionary(_, values) => is_int(values),
            _ => dt.is_integer(),
        }
    }

    /// Whether a column of type `dt` can hold `role`'s values.
    fn accepts(role: Role, dt: &DataType) -> bool {
        let binary = matches!(dt, DataType::Binary | DataType::LargeBinary | DataType::BinaryView);
        match role {
            Role::Text => is_bytes(dt),
            Role::Id => (is_bytes(dt) && !binary) || is_int(dt),
            Role::Date => {
                (is_bytes(dt) && !binary)
                    || is_int(dt)
                    || matches!(dt, DataType::Date32 | DataType::Date64 | DataType::Timestamp(..))
            }
        }
    }

    /// One value of a column.
    #[derive(Clone, Copy, Debug)]
    enum Cell<'a> {
        Null,
        /// A string (of a string column, whose UTF-8 the decoder checked).
        Str(&'a str),
        /// Bytes that should be UTF-8 (of a binary column).
        Bytes(&'a [u8]),
        /// An integer (an id, or Unix seconds).
        Int(i128),
        /// Days since 1970-01-01.
        Day(i32),
    }

    /// A batch's values of one column.
    enum Cells<'a> {
        Strs(Vec<Option<&'a str>>),
        Bytes(Vec<Option<&'a [u8]>>),
        Ints(Vec<Option<i128>>),
        Days(Vec<Option<i32>>),
    }

    impl<'a> Cells<'a> {
        fn get(&self, i: usize) -> Cell<'a> {
            match self {
                Cells::Strs(v) => v.get(i).copied().flatten().map_or(Cell::Null, Cell::Str),
                Cells::Bytes(v) => v.get(i).copied().flatten().map_or(Cell::Null, Cell::Bytes),
                Cells::Ints(v) => v.get(i).copied().flatten().map_or(Cell::Null, Cell::Int),
                Cells::Days(v) => v.get(i).copied().flatten().map_or(Cell::Null, Cell::Day),
            }
        }

        /// The values of `a`, or `None` for a type that holds none of the roles' values.
        fn of(a: &'a dyn Array) -> Option<Cells<'a>> {
            fn ints<T: arrow_array::ArrowPrimitiveType>(a: &dyn Array) -> Option<Cells<'_>>
            where
                T::Native: Into<i128>,
            {
                Some(Cells::Ints(a.as_primitive_opt::<T>()?.iter().map(|v| v.map(Into::into)).collect()))
            }
            fn secs<T: arrow_array::ArrowPrimitiveType<Native = i64>>(
                a: &dyn Array,
                per_second: i64,
            ) -> Option<Cells<'_>> {
                let days = a
                    .as_primitive_opt::<T>()?
                    .iter()
                    .map(|v| v.and_then(|v| i32::try_from(v.div_euclid(per_second).div_euclid(86_400)).ok()));
                Some(Cells::Days(days.collect()))
            }
            match a.data_type() {
                DataType::Null => Some(Cells::Strs(vec![None; a.len()])),
                DataType::Utf8 => Some(Cells::Strs(a.as_string_opt::<i32>()?.iter().collect())),
                DataType::LargeUtf8 => Some(Cells::Strs(a.as_string_opt::<i64>()?.iter().collect())),
                DataType::Utf8View => Some(Cells::Strs(a.as_string_view_opt()?.iter().collect())),
                DataType::Binary => Some(Cells::Bytes(a.as_binary_opt::<i32>()?.iter().collect())),
                DataType::LargeBinary => Some(Cells::Bytes(a.as_binary_opt::<i64>()?.iter().collect())),
                DataType::BinaryView => Some(Cells::Bytes(a.as_binary_view_opt()?.iter().collect())),
                DataType::Int8 => ints::<Int8Type>(a),
                DataType::Int16 => ints::<Int16Type>(a),
                DataType::Int32 => ints::<Int32Type>(a),
                DataType::Int64 => ints::<Int64Type>(a),
                DataType::UInt8 => ints::<UInt8Type>(a),
                DataType::UInt16 => ints::<UInt16Type>(a),
                DataType::UInt32 => ints::<UInt32Type>(a),
                DataType::UInt64 => ints::<UInt64Type>(a),
                DataType::Date32 => Some(Cells::Days(a.as_primitive_opt::<Date32Type>()?.iter().collect())),
                DataType::Date64 => {
                    let days = a.as_primitive_opt::<Date64Type>()?.iter();
                    Some(Cells::Days(
                        days.map(|v| v.and_then(|ms| i32::try_from(ms.div_euclid(86_400_000)).ok())).collect(),
                    ))
                }
                DataType::Timestamp(TimeUnit::Second, _) => secs::<TimestampSecondType>(a, 1),
                DataType::Timestamp(TimeUnit::Millisecond, _) => secs::<TimestampMillisecondType>(a, 1_000),
                DataType::Timestamp(TimeUnit::Microsecond, _) => secs::<TimestampMicrosecondType>(a, 1_000_000),
                DataType::Timestamp(TimeUnit::Nanosecond, _) => secs::<TimestampNanosecondType>(a, 1_000_000_000),
                DataType::Dictionary(..) => {
                    let d = a.as_any_dictionary_opt()?;
                    let values = Cells::of(d.values().as_ref())?;
                    let n = d.values().len();
                    if n == 0 {
                        return Some(Cells::Strs(vec![None; a.len()]));
                    }
                    let keys = d.normalized_keys();
                    let pick = |i: usize| (!d.keys().is_null(i)).then(|| keys[i]);
                    Some(match values {
                        Cells::Strs(v) => Cells::Strs((0..a.len()).map(|i| pick(i).and_then(|k| v[k])).collect()),
                        Cells::Bytes(v) => Cells::Bytes((0..a.len()).map(|i| pick(i).and_then(|k| v[k])).collect()),
                        Cells::Ints(v) => Cells::Ints((0..a.len()).map(|i| pick(i).and_then(|k| v[k])).collect()),
                        Cells::Days(v) => Cells::Days((0..a.len()).map(|i| pick(i).and_then(|k| v[k])).collect()),
                    })
                }
                _ => None,
            }
        }
    }

    /// The table's bytes, shared with the decoder without a copy.
    struct Shared(Arc<Bytes>);

    impl AsRef<[u8]> for Shared {
        fn as_ref(&self) -> &[u8] {
            self.0.as_slice()
        }
    }

    /// Reads the table in `bytes` batch by batch into `rows`.
    pub(super) fn read(
        bytes: Bytes,
        table: Table,
        rows: &mut Rows<'_>,
        reject: &mut dyn FnMut(Error) -> Result<()>,
    ) -> Result<()> {
        let bytes = Arc::new(bytes);
        match table {
            Table::Parquet => parquet(&bytes, rows, reject),
            Table::Arrow => arrow(&bytes, rows, reject),
        }
    }

    fn parquet(bytes: &Arc<Bytes>, rows: &mut Rows<'_>, reject: &mut dyn FnMut(Error) -> Result<()>) -> Result<()> {
        use parquet::arrow::ProjectionMask;
        use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
        if !Table::Parquet.is_magic(bytes.as_slice()) {
            return Err(rows.malformed("not a Parquet file (no `PAR1` at its start and end)"));
        }
        let data = bytes::Bytes::from_owner(Shared(Arc::clone(bytes)));
        // The Arrow schema a writer may embed is not read: the Parquet schema gives every type
        // the reader needs, and decoding the embedded one panics on some damage (arrow-ipc 59).
        let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
        let builder =
            ParquetRecordBatchReaderBuilder::try_new_with_options(data, options).map_err(|e| rows.malformed(e))?;
        // Row counts that are negative or add up past `i64::MAX` (the decoder adds them unchecked).
        let counts = builder.metadata().row_groups().iter().map(|g| g.num_rows());
        if counts
            .map(|n| u64::try_from(n).ok())
            .try_fold(0u64, |sum, n| sum.checked_add(n?))
            .is_none_or(|n| n > i64::MAX as u64)
        {
            return Err(rows.malformed("its row groups' row counts are out of range"));
        }
        let roots = rows.resolve(builder.schema())?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots.iter().copied());
        let reader =
            builder.with_projection(mask).with_batch_size(BATCH_ROWS).build().map_err(|e| rows.malformed(e))?;
        write_batches(reader, &roots, bytes, rows, reject)
    }

    /// An Arrow IPC file (its batches found through its footer) or stream, decoded in place:
    /// every offset and length is checked against the bytes there are before it is used, so a
    /// damaged length costs no allocation of its size, and the arrays borrow the file's bytes.
    fn arrow(bytes: &Arc<Bytes>, rows: &mut Rows<'_>, reject: &mut dyn FnMut(Error) -> Result<()>) -> Result<()> {
        let all = arrow_buffer::Buffer::from(bytes::Bytes::from_owner(Shared(Arc::clone(bytes))));
        if bytes.as_slice().starts_with(b"ARROW1") {
            return arrow_file(bytes, all, rows, reject);
        }
        let mut decoded = Decoded { decoder: arrow_ipc::reader::StreamDecoder::new(), buffer: all, done: false };
        // The schema comes before the first batch.
        let first = match decoded.next() {
            Some(Err(e)) => return Err(rows.malformed(e)),
            first => first,
        };
        let Some(schema) = decoded.decoder.schema() else {
            return Err(rows.malformed("an Arrow IPC stream without a schema"));
        };
        let roots = rows.resolve(&schema)?;
        let wanted = roots.clone();
        let batches = first.into_iter().chain(decoded).map(move |b| b.and_then(|b| b.project(&wanted)));
        write_batches(batches, &roots, bytes, rows, reject)
    }

    /// An Arrow IPC file: `ARROW1`, the stream of messages, the footer (the schema and where
    /// each dictionary and batch is), its length, `ARROW1`.
    fn arrow_file(
        bytes: &Arc<Bytes>,
        all: arrow_buffer::Buffer,
        rows: &mut Rows<'_>,
        reject: &mut dyn FnMut(Error) -> Result<()>,
    ) -> Result<()> {
        use arrow_ipc::reader::{FileDecoder, read_footer_length};
        let data = bytes.as_slice();
        let bad = |rows: &Rows<'_>, what: &str| rows.malformed(format!("an Arrow IPC file with {what}"));
        let trailer = data.len().checked_sub(10).and_then(|at| <[u8; 10]>::try_from(&data[at..]).ok());
        let footer_len =
            trailer.and_then(|t| read_footer_length(t).ok()).ok_or_else(|| bad(rows, "no valid footer"))?;
        let footer_start = (data.len() - 10)
            .checked_sub(footer_len)
            .filter(|&s| s >= 8)
            .ok_or_else(|| bad(rows, "no valid footer"))?;
        let footer = arrow_ipc::root_as_footer(&data[footer_start..data.len() - 10]).map_err(|e| rows.malformed(e))?;
        let schema = Arc::new(arrow_ipc::convert::fb_to_schema(footer.schema().ok_or_else(|| bad(rows, "no schema"))?));
        let roots = rows.resolve(&schema)?;
        // A block's message and body, if they lie inside the messages.
        let block = |b: &arrow_ipc::Block| {
            let (meta, body) = (usize::try_from(b.metaDataLength()).ok()?, usize::try_from(b.bodyLength()).ok()?);
            let (offset, len) = (usize::try_from(b.offset()).ok()?, meta.checked_add(body)?);
            (offset >= 8 && offset.checked_add(len)? <= footer_start && meta <= len)
                .then(|| all.slice_with_length(offset, len))
        };
        let mut decoder = FileDecoder::new(Arc::clone(&schema), footer.version()).with_projection(roots.clone());
        for d in footer.dictionaries().iter().flatten() {
            let buf = block(d).ok_or_else(|| bad(rows, "a dictionary outside the file"))?;
            decoder.read_dictionary(d, &buf).map_err(|e| rows.malformed(e))?;
        }
        let blocks: Vec<arrow_ipc::Block> = footer.recordBatches().iter().flatten().copied().collect();
        let batches = blocks.into_iter().map(move |b| {
            let buf = block(&b).ok_or_else(|| ArrowError::IpcError("a batch outside the file".into()))?;
            decoder
                .read_record_batch(&b, &buf)?
                .ok_or_else(|| ArrowError::IpcError("a batch block without a batch".into()))
        });
        write_batches(batches, &roots, bytes, rows, reject)
    }

    /// The batches of an Arrow IPC stream in a buffer; an error ends them.
    struct Decoded {
        decoder: arrow_ipc::reader::StreamDecoder,
        buffer: arrow_buffer::Buffer,
        done: bool,
    }

    impl Iterator for Decoded {
        type Item = std::result::Result<RecordBatch, ArrowError>;

        fn next(&mut self) -> Option<Self::Item> {
            while !self.done {
                if self.buffer.is_empty() {
                    // A message cut short is an error here.
                    self.done = true;
                    return self.decoder.finish().err().map(Err);
                }
                match self.decoder.decode(&mut self.buffer) {
                    Ok(Some(batch)) => return Some(Ok(batch)),
                    Ok(None) => {}
                    Err(e) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
            }
            None
        }
    }

    /// Writes the rows of every batch of `batches` (which hold the top-level fields `roots`),
    /// until a batch does not decode. With the `parallel` feature the batches are decoded on a
    /// thread of their own, a few ahead, while this one writes the rows before them; the pages of
    /// the table read so far are released from the resident set as the rows are written.
    fn write_batches<I>(
        batches: I,
        roots: &[usize],
        bytes: &Bytes,
        rows: &mut Rows<'_>,
        reject: &mut dyn FnMut(Error) -> Result<()>,
    ) -> Result<()>
    where
        I: Iterator<Item = std::result::Result<RecordBatch, ArrowError>> + Send,
    {
        let mut released = 0;
        let mut each = |batch: std::result::Result<RecordBatch, ArrowError>| {
            let batch = match batch {
                Ok(batch) => batch,
                // The rest of the table is left out (or the whole file is the error).
                Err(e) => return rows.damaged(e, reject).map(|()| false),
            };
            rows.batch(&batch, roots, reject)?;
            if rows.bytes - released >= RELEASE_EVERY {
                bytes.hint(Hint::Release, 0, bytes.as_slice().len());
                released = rows.bytes;
            }
            Ok(true)
        };
        #[cfg(feature = "parallel")]
        {
            std::thread::scope(|scope| {
                let (to_writer, decoded) = std::sync::mpsc::sync_channel(2);
                let decoder = scope.spawn(move || {
                    let mut batches = batches;
                    loop {
                        // A decoder that panics on damage (see `to_jsonl`) ends the table here.
                        let batch = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| batches.next())) {
                            Ok(Some(batch)) => batch,
                            Ok(None) => break,
                            Err(_) => Err(ArrowError::ParseError("the decoder failed (it panicked)".into())),
                        };
                        let last = batch.is_err();
                        // The writer stopped (an error, or the damage): so does the decoder.
                        if to_writer.send(batch).is_err() || last {
                            break;
                        }
                    }
                });
                // (`decoded` is dropped on every way out, so a decoder waiting to send stops.)
                let written = (|| {
                    for batch in decoded {
                        if !each(batch)? {
                            break;
                        }
                    }
                    Ok(())
                })();
                // Joined here rather than left to the scope, which waits only for the closure:
                // the thread has then ended, its thread-local destructors run, on every path.
                let _ = decoder.join();
                written
            })
        }
        #[cfg(not(feature = "parallel"))]
        {
            for batch in batches {
                if !each(batch)? {
                    break;
                }
            }
            Ok(())
        }
    }
}
