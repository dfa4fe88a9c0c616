//! Writing [`Table`]s as CSV, JSON Lines or Parquet.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::tables::{ColumnValues, Table, TableKind, TableOptions, tenant_tables};
use crate::model::TimeRange;
use crate::store::Store;
use crate::{Error, Result};

/// A file format for [`Table`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableFormat {
    /// RFC 4180 CSV with a header row: blanks for missing values, timestamps in RFC 3339 UTC
    /// with milliseconds, `true`/`false`, floats in their shortest exact form.
    Csv,
    /// One JSON object per row, `null` for missing values, timestamps as in CSV.
    JsonLines,
    /// Apache Parquet (Snappy-compressed), typed columns: UTF-8 strings, 64-bit integers and
    /// floats, booleans, and millisecond timestamps in UTC (feature `parquet`).
    #[cfg(feature = "parquet")]
    Parquet,
}

impl TableFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::JsonLines => "jsonl",
            #[cfg(feature = "parquet")]
            TableFormat::Parquet => "parquet",
        }
    }
}

impl FromStr for TableFormat {
    type Err = Error;

    /// `csv`, `jsonl` (or `json_lines`), and `parquet` when built with the feature.
    fn from_str(name: &str) -> Result<Self> {
        match name {
            "csv" => Ok(TableFormat::Csv),
            "jsonl" | "json_lines" => Ok(TableFormat::JsonLines),
            #[cfg(feature = "parquet")]
            "parquet" => Ok(TableFormat::Parquet),
            #[cfg(not(feature = "parquet"))]
            "parquet" => Err(Error::InvalidArgument(
                "this build has no Parquet support (cargo feature `parquet`)".into(),
            )),
            other => Err(Error::InvalidArgument(format!(
                "unknown table format '{other}' (expected csv, jsonl or parquet)"
            ))),
        }
    }
}

/// Writes `table` to `out` in `format`. A table whose columns differ in length is an
/// [`Error::InvalidArgument`], and nothing is written.
pub fn write_table(table: &Table, format: TableFormat, out: impl Write + Send) -> Result<()> {
    table.check_shape()?;
    match format {
        TableFormat::Csv => write_csv(table, out),
        TableFormat::JsonLines => write_json_lines(table, out),
        #[cfg(feature = "parquet")]
        TableFormat::Parquet => parquet::write(table, out),
    }
}

/// Writes each table to `directory/<table>.<extension>` (creating the directory), replacing
/// files of the same name; returns the paths in the order of `tables`. Each file is written
/// under a temporary name and renamed when complete, so a failed write never leaves a
/// truncated table where a complete one was (the rename is not fsynced: a power cut may).
pub fn write_tables(
    tables: &[Table],
    format: TableFormat,
    directory: &Path,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(directory)?;
    tables
        .iter()
        .map(|table| {
            let name = format!("{}.{}", table.kind.as_str(), format.extension());
            let path = directory.join(&name);
            let partial = directory.join(format!(".{name}.{}.partial", std::process::id()));
            let written = File::create(&partial)
                .map_err(Error::from)
                .and_then(|file| write_table(table, format, file));
            match written.and_then(|()| Ok(std::fs::rename(&partial, &path)?)) {
                Ok(()) => Ok(path),
                Err(error) => {
                    let _ = std::fs::remove_file(&partial);
                    Err(error)
                }
            }
        })
        .collect()
}

/// One file written by [`export_tables`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableFile {
    /// The table in the file.
    pub table: TableKind,
    /// Where it was written.
    pub path: PathBuf,
    /// Its data rows.
    pub rows: usize,
    /// Its columns.
    pub columns: usize,
}

/// Builds `tenant`'s [`tenant_tables`] for `range` and writes them with [`write_tables`] to
/// `directory`, one file per table.
///
/// ```no_run
/// use aybiza_analytics::export::{TableFormat, TableKind, TableOptions, export_tables};
/// use aybiza_analytics::{SqliteStore, TimeRange};
///
/// # async fn run() -> aybiza_analytics::Result<()> {
/// let store = SqliteStore::open("out/sample.db")?;
/// let options = TableOptions {
///     tables: vec![TableKind::Calls, TableKind::Utterances],
///     sentiment: false,
///     ..TableOptions::default()
/// };
/// let format = TableFormat::Csv;
/// for file in export_tables(&store, "northwind", TimeRange::all(), &options, format, "bi".as_ref()).await? {
///     println!("{}: {} rows", file.path.display(), file.rows);
/// }
/// # Ok(()) }
/// ```
pub async fn export_tables(
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
    options: &TableOptions,
    format: TableFormat,
    directory: &Path,
) -> Result<Vec<TableFile>> {
    let tables = tenant_tables(store, tenant, range, options).await?;
    let paths = write_tables(&tables, format, directory)?;
    Ok(tables
        .iter()
        .zip(paths)
        .map(|(table, path)| TableFile {
            table: table.kind,
            path,
            rows: table.rows(),
            columns: table.columns.len(),
        })
        .collect())
}

fn timestamp_text(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn write_csv(table: &Table, out: impl Write) -> Result<()> {
    let csv_error = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::Io(e),
        other => Error::Io(std::io::Error::other(format!("{other:?}"))),
    };
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(table.columns.iter().map(|c| c.name.as_str()))
        .map_err(csv_error)?;
    let mut row = Vec::with_capacity(table.columns.len());
    for i in 0..table.rows() {
        row.clear();
        row.extend(table.columns.iter().map(|c| match &c.values {
            ColumnValues::Text(v) => v[i].clone().unwrap_or_default(),
            ColumnValues::Integer(v) => v[i].map(|x| x.to_string()).unwrap_or_default(),
            ColumnValues::Float(v) => v[i].map(|x| x.to_string()).unwrap_or_default(),
            ColumnValues::Boolean(v) => v[i].map(|x| x.to_string()).unwrap_or_default(),
            ColumnValues::Timestamp(v) => v[i].as_ref().map(timestamp_text).unwrap_or_default(),
        }));
        writer.write_record(&row).map_err(csv_error)?;
    }
    writer.flush()?;
    Ok(())
}

fn write_json_lines(table: &Table, out: impl Write) -> Result<()> {
    let mut out = BufWriter::new(out);
    for row in 0..table.rows() {
        let row = JsonRow {
            table,
            row,
            max_text_units: usize::MAX,
        };
        serde_json::to_writer(&mut out, &row)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// One row of a table as a JSON object whose keys keep the columns' order (a
/// `serde_json::Map` would sort them).
pub(super) struct JsonRow<'a> {
    /// The table.
    pub(super) table: &'a Table,
    /// The row's index.
    pub(super) row: usize,
    /// Text values longer than this many UTF-16 code units are cut to it ([`cut_text`]).
    pub(super) max_text_units: usize,
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let i = self.row;
        let mut map = serializer.serialize_map(Some(self.table.columns.len()))?;
        for column in &self.table.columns {
            match &column.values {
                ColumnValues::Text(v) => {
                    let text = v[i].as_deref().map(|t| cut_text(t, self.max_text_units).0);
                    map.serialize_entry(&column.name, &text)?
                }
                ColumnValues::Integer(v) => map.serialize_entry(&column.name, &v[i])?,
                ColumnValues::Float(v) => map.serialize_entry(&column.name, &v[i])?,
                ColumnValues::Boolean(v) => map.serialize_entry(&column.name, &v[i])?,
                ColumnValues::Timestamp(v) => {
                    map.serialize_entry(&column.name, &v[i].as_ref().map(timestamp_text))?
                }
            }
        }
        map.end()
    }
}

/// `text` cut to at most `max_units` UTF-16 code units (the unit in which .NET services such
/// as Power BI count characters) at a character boundary, and whether it was cut.
pub(super) fn cut_text(text: &str, max_units: usize) -> (&str, bool) {
    // A character takes at least as many UTF-8 bytes as UTF-16 units.
    if text.len() <= max_units {
        return (text, false);
    }
    let mut units = 0;
    for (end, c) in text.char_indices() {
        units += c.len_utf16();
        if units > max_units {
            return (&text[..end], true);
        }
    }
    (text, false)
}

#[cfg(feature = "parquet")]
mod parquet {
    //! Tables as Arrow record batches, written by the `parquet` crate's Arrow writer.

    use std::io::Write;
    use std::sync::Arc;

    use arrow_array::{
        ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
        TimestampMillisecondArray,
    };
    use arrow_schema::{DataType, Field, Schema, TimeUnit};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;

    use super::{ColumnValues, Table};
    use crate::{Error, Result};

    fn write_error(error: impl std::fmt::Display) -> Error {
        Error::Io(std::io::Error::other(format!("writing Parquet: {error}")))
    }

    /// Writes `table` as one Parquet file (one row group per million rows).
    pub(super) fn write(table: &Table, out: impl Write + Send) -> Result<()> {
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = table
            .columns
            .iter()
            .map(|column| {
                let (data_type, array): (DataType, ArrayRef) = match &column.values {
                    ColumnValues::Text(v) => (
                        DataType::Utf8,
                        Arc::new(v.iter().map(Option::as_deref).collect::<StringArray>()),
                    ),
                    ColumnValues::Integer(v) => {
                        (DataType::Int64, Arc::new(Int64Array::from(v.clone())))
                    }
                    ColumnValues::Float(v) => {
                        (DataType::Float64, Arc::new(Float64Array::from(v.clone())))
                    }
                    ColumnValues::Boolean(v) => {
                        (DataType::Boolean, Arc::new(BooleanArray::from(v.clone())))
                    }
                    ColumnValues::Timestamp(v) => (
                        DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
                        Arc::new(
                            TimestampMillisecondArray::from(
                                v.iter()
                                    .map(|t| t.map(|t| t.timestamp_millis()))
                                    .collect::<Vec<_>>(),
                            )
                            .with_timezone("UTC"),
                        ),
                    ),
                };
                (Field::new(&column.name, data_type, true), array)
            })
            .unzip();
        let schema = Arc::new(Schema::new(fields));
        let batch = if arrays.is_empty() {
            RecordBatch::new_empty(schema.clone())
        } else {
            RecordBatch::try_new(schema.clone(), arrays).map_err(write_error)?
        };
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let mut writer =
            ArrowWriter::try_new(out, schema, Some(properties)).map_err(write_error)?;
        writer.write(&batch).map_err(write_error)?;
        writer.close().map_err(write_error)?;
        Ok(())
    }
}
