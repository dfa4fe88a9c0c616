//! Row-by-row transformation of a text column in CSV or JSON Lines files, for `aybiza sentiment`
//! and `aybiza redact`: one row in memory at a time, errors naming the line.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use aybiza_analytics::{Error, Result};
use serde_json::{Map, Value};

use crate::input;

/// The layout of the input (and of the output, which follows the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Input, output and column flags shared by the text-table commands.
#[derive(Debug, Clone, clap::Args)]
pub struct TableArgs {
    /// CSV with a header row or JSON Lines (`.jsonl`, `.ndjson`); `.gz` is decompressed; `-` is standard input.
    #[arg(long)]
    pub input: PathBuf,
    /// The column (CSV) or field (JSON Lines) holding the text.
    #[arg(long, default_value = "text")]
    pub text_column: String,
    /// Where to write the rows, in the input's format; standard output by default.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// The input's format, when its name does not tell (`.csv`, `.jsonl`, `.ndjson`, with or without `.gz`).
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,
}

/// What a row's text becomes: an optional replacement of the text, and the new columns' values.
pub struct RowUpdate {
    /// The text to write in place of the original, if it changes.
    pub text: Option<String>,
    /// One value per new column, in order.
    pub values: Vec<Value>,
}

impl TableArgs {
    fn resolved_format(&self) -> Result<TableFormat> {
        if let Some(format) = self.format {
            return Ok(format);
        }
        let name = self.input.to_string_lossy().to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            Ok(TableFormat::Jsonl)
        } else if name.ends_with(".csv") {
            Ok(TableFormat::Csv)
        } else {
            Err(Error::InvalidArgument(format!(
                "cannot tell the format of {} from its name; pass --format csv or --format jsonl",
                self.input.display()
            )))
        }
    }

    /// Reads every row, calls `update(text, line)` on its text, writes the row with the new
    /// columns `columns`. Returns the number of rows written.
    pub fn transform(
        &self,
        columns: &[&str],
        mut update: impl FnMut(&str, u64) -> Result<RowUpdate>,
    ) -> Result<u64> {
        let format = self.resolved_format()?;
        let reader = input::open(&self.input)?;
        let writer = input::create_output(&self.input, self.output.as_deref())?;
        match format {
            TableFormat::Csv => self.csv(reader, writer, columns, &mut update),
            TableFormat::Jsonl => self.jsonl(reader, writer, columns, &mut update),
        }
    }

    fn csv(
        &self,
        reader: Box<dyn std::io::Read>,
        writer: Box<dyn Write>,
        columns: &[&str],
        update: &mut dyn FnMut(&str, u64) -> Result<RowUpdate>,
    ) -> Result<u64> {
        let mut reader = csv::ReaderBuilder::new().from_reader(reader);
        let mut writer = csv::Writer::from_writer(writer);
        let headers = reader.headers().map_err(csv_error)?.clone();
        let text_index = headers
            .iter()
            .position(|h| h == self.text_column)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "the input has no column `{}` (columns: {})",
                    self.text_column,
                    headers.iter().collect::<Vec<_>>().join(", ")
                ))
            })?;
        if let Some(clash) = columns.iter().find(|c| headers.iter().any(|h| h == **c)) {
            return Err(Error::InvalidArgument(format!(
                "the input already has a column `{clash}`, which this command writes (see --help for renaming the added columns)"
            )));
        }
        writer
            .write_record(headers.iter().chain(columns.iter().copied()))
            .map_err(csv_error)?;
        let mut record = csv::StringRecord::new();
        let mut rows = 0;
        let mut out: Vec<String> = Vec::new();
        while reader.read_record(&mut record).map_err(csv_error)? {
            let line = record.position().map_or(0, |p| p.line());
            let row = update(&record[text_index], line)?;
            out.clear();
            for (index, field) in record.iter().enumerate() {
                match (&row.text, index == text_index) {
                    (Some(text), true) => out.push(text.clone()),
                    _ => out.push(field.to_owned()),
                }
            }
            out.extend(row.values.iter().map(csv_field));
            writer.write_record(&out).map_err(csv_error)?;
            rows += 1;
        }
        writer.flush()?;
        Ok(rows)
    }

    fn jsonl(
        &self,
        reader: Box<dyn std::io::Read>,
        mut writer: Box<dyn Write>,
        columns: &[&str],
        update: &mut dyn FnMut(&str, u64) -> Result<RowUpdate>,
    ) -> Result<u64> {
        let mut rows = 0;
        let mut buffer = String::new();
        let mut reader = BufReader::new(reader);
        let mut line = 0u64;
        loop {
            buffer.clear();
            let read = reader.read_line(&mut buffer).map_err(|e| {
                Error::InvalidArgument(format!("line {}: cannot read: {e}", line + 1))
            })?;
            if read == 0 {
                break;
            }
            line += 1;
            if buffer.trim().is_empty() {
                continue;
            }
            let bad = |message: String| Error::InvalidArgument(format!("line {line}: {message}"));
            let mut object: Map<String, Value> = match serde_json::from_str(&buffer) {
                Ok(Value::Object(object)) => object,
                Ok(_) => return Err(bad("not a JSON object".into())),
                Err(e) => return Err(bad(format!("invalid JSON: {e}"))),
            };
            if let Some(clash) = columns.iter().find(|c| object.contains_key(**c)) {
                return Err(bad(format!(
                    "the object already has a field `{clash}`, which this command writes (see --help for renaming the added columns)"
                )));
            }
            let text = match object.get(&self.text_column) {
                Some(Value::String(text)) => text.clone(),
                Some(_) => {
                    return Err(bad(format!("field `{}` is not a string", self.text_column)));
                }
                None => return Err(bad(format!("no field `{}`", self.text_column))),
            };
            let row = update(&text, line)?;
            if let Some(replacement) = row.text {
                object.insert(self.text_column.clone(), Value::String(replacement));
            }
            for (column, value) in columns.iter().zip(row.values) {
                object.insert((*column).to_owned(), value);
            }
            serde_json::to_writer(&mut writer, &object)?;
            writer.write_all(b"\n")?;
            rows += 1;
        }
        writer.flush()?;
        Ok(rows)
    }
}

/// A value as a CSV field: strings as they are, null as empty, everything else as JSON.
fn csv_field(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn csv_error(error: csv::Error) -> Error {
    let line = error.position().map(|p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::Io(e) => format!("cannot read or write: {e}"),
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields but the header has {expected_len}"),
        _ => error.to_string(),
    };
    match line {
        Some(line) => Error::InvalidArgument(format!("line {line}: {message}")),
        None => Error::InvalidArgument(message),
    }
}

/// The path for messages: the file name, or `standard output`.
pub fn describe(path: Option<&Path>) -> String {
    match path {
        Some(path) if path.as_os_str() != "-" => path.display().to_string(),
        _ => "standard output".to_owned(),
    }
}
