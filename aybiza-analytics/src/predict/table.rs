//! Typed tables of features: numeric and categorical columns with explicit missing cells.

use std::io::Read;

use serde::{Deserialize, Serialize};

use super::PredictError;
use crate::Result;

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Real numbers (counts, durations, ratios, flags as 0/1).
    Numeric,
    /// Labels from an open set (queue, channel, …), one-hot encoded for the forests.
    Categorical,
}

/// One column: its name and type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Column {
    /// Column name, unique in its schema.
    pub name: String,
    /// Column type.
    pub kind: ColumnKind,
}

impl Column {
    /// A numeric column.
    pub fn numeric(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: ColumnKind::Numeric,
        }
    }

    /// A categorical column.
    pub fn categorical(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: ColumnKind::Categorical,
        }
    }
}

/// The ordered columns of a table; a model accepts only tables of the schema it was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schema {
    /// The columns, in order.
    pub columns: Vec<Column>,
}

impl Schema {
    /// A schema of `columns`; names must be unique.
    pub fn new(columns: Vec<Column>) -> Result<Self> {
        let mut seen = std::collections::HashSet::new();
        for column in &columns {
            if !seen.insert(column.name.as_str()) {
                return Err(PredictError::InvalidParameter(format!(
                    "column {:?} appears twice",
                    column.name
                ))
                .into());
            }
        }
        Ok(Self { columns })
    }

    /// Position of the column called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Fails with [`PredictError::SchemaMismatch`] naming the first difference when `other` is not this schema.
    pub fn check_matches(&self, other: &Schema) -> Result<()> {
        let describe = |c: Option<&Column>| match c {
            Some(c) => format!("column {:?} ({:?})", c.name, c.kind),
            None => "no column".to_owned(),
        };
        for i in 0..self.columns.len().max(other.columns.len()) {
            let (expected, found) = (self.columns.get(i), other.columns.get(i));
            if expected != found {
                return Err(PredictError::SchemaMismatch {
                    expected: format!("{} at position {i}", describe(expected)),
                    found: describe(found),
                }
                .into());
            }
        }
        Ok(())
    }
}

/// One value of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// A value of a numeric column; must be finite.
    Number(f64),
    /// A value of a categorical column.
    Category(String),
    /// No value (imputed by the model; see `docs/prediction.md`).
    Missing,
}

/// Rows of cells under a [`Schema`], checked on construction.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    schema: Schema,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table of `rows` under `schema`. Every row must have one cell per column, numbers in numeric
    /// columns (finite: NaN and infinities are [`PredictError::NonFinite`]), categories in categorical
    /// ones, or [`Cell::Missing`].
    pub fn new(schema: Schema, rows: Vec<Vec<Cell>>) -> Result<Self> {
        for (r, row) in rows.iter().enumerate() {
            if row.len() != schema.columns.len() {
                return Err(PredictError::BadCell {
                    row: r,
                    column: String::new(),
                    message: format!("{} cells for {} columns", row.len(), schema.columns.len()),
                }
                .into());
            }
            for (cell, column) in row.iter().zip(&schema.columns) {
                match (cell, column.kind) {
                    (Cell::Missing, _)
                    | (Cell::Category(_), ColumnKind::Categorical)
                    | (Cell::Number(_), ColumnKind::Numeric) => {}
                    (Cell::Number(_), ColumnKind::Categorical) => {
                        return Err(bad_cell(r, column, "a number in a categorical column"));
                    }
                    (Cell::Category(_), ColumnKind::Numeric) => {
                        return Err(bad_cell(r, column, "a category in a numeric column"));
                    }
                }
                if let Cell::Number(value) = cell
                    && !value.is_finite()
                {
                    return Err(PredictError::NonFinite {
                        row: r,
                        column: column.name.clone(),
                        value: value.to_string(),
                    }
                    .into());
                }
            }
        }
        Ok(Self { schema, rows })
    }

    /// The table's schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The rows.
    pub fn rows(&self) -> &[Vec<Cell>] {
        &self.rows
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows at `indices`, in that order (indices must be in range).
    pub fn select(&self, indices: &[usize]) -> Table {
        Table {
            schema: self.schema.clone(),
            rows: indices.iter().map(|&i| self.rows[i].clone()).collect(),
        }
    }

    /// Replaces column `index` by `cells` (one per row, already checked by the caller).
    pub(crate) fn with_column(&self, index: usize, cells: Vec<Cell>) -> Table {
        let mut rows = self.rows.clone();
        for (row, cell) in rows.iter_mut().zip(cells) {
            row[index] = cell;
        }
        Table {
            schema: self.schema.clone(),
            rows,
        }
    }
}

fn bad_cell(row: usize, column: &Column, message: &str) -> crate::Error {
    PredictError::BadCell {
        row,
        column: column.name.clone(),
        message: message.to_owned(),
    }
    .into()
}

/// Texts read as a missing value in CSV input (besides the empty field).
pub const MISSING_MARKERS: [&str; 6] = ["NA", "N/A", "NaN", "nan", "null", "NULL"];

/// Whether a CSV field is a missing value: empty or one of [`MISSING_MARKERS`].
fn is_missing(field: &str) -> bool {
    field.is_empty() || MISSING_MARKERS.contains(&field)
}

/// A CSV file as text cells, before its columns are typed.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvFrame {
    /// Header names.
    pub headers: Vec<String>,
    /// Rows of raw fields, one per header.
    pub rows: Vec<Vec<String>>,
}

impl CsvFrame {
    /// Reads a CSV with a header row; every row must have one field per header.
    pub fn read(reader: impl Read) -> Result<Self> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(reader);
        let csv_error = |e: csv::Error| PredictError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        };
        let headers: Vec<String> = csv
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for record in csv.records() {
            let record = record.map_err(csv_error)?;
            rows.push(record.iter().map(|f| f.trim().to_owned()).collect());
        }
        Ok(Self { headers, rows })
    }

    /// Removes the column `name` and returns its fields.
    pub fn take_column(&mut self, name: &str) -> Result<Vec<String>> {
        let index = self
            .headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| PredictError::UnknownColumn(name.to_owned()))?;
        self.headers.remove(index);
        Ok(self.rows.iter_mut().map(|row| row.remove(index)).collect())
    }

    /// The columns `schema` names, matched by header and typed as the schema says (other columns
    /// are left out): new rows for a trained model, whose schema their own values might not
    /// imply (a numeric column all blank, say). A column the frame lacks is
    /// [`PredictError::UnknownColumn`]; a present field of a numeric column that is not a finite
    /// number is [`PredictError::BadCell`]. Empty fields and [`MISSING_MARKERS`] are missing.
    pub fn to_table_as(&self, schema: &Schema) -> Result<Table> {
        let positions = schema
            .columns
            .iter()
            .map(|column| {
                self.headers
                    .iter()
                    .position(|header| *header == column.name)
                    .ok_or_else(|| PredictError::UnknownColumn(column.name.clone()).into())
            })
            .collect::<Result<Vec<usize>>>()?;
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                positions
                    .iter()
                    .zip(&schema.columns)
                    .map(|(&i, column)| {
                        let field = row[i].as_str();
                        Ok(if is_missing(field) {
                            Cell::Missing
                        } else if column.kind == ColumnKind::Numeric {
                            match field.parse::<f64>() {
                                Ok(value) if value.is_finite() => Cell::Number(value),
                                _ => {
                                    return Err(bad_cell(
                                        r,
                                        column,
                                        &format!("{field:?} in a numeric column"),
                                    ));
                                }
                            }
                        } else {
                            Cell::Category(field.to_owned())
                        })
                    })
                    .collect::<Result<Vec<Cell>>>()
            })
            .collect::<Result<Vec<Vec<Cell>>>>()?;
        Table::new(schema.clone(), rows)
    }

    /// Types the columns: a column whose every present field parses as a finite number is numeric,
    /// any other is categorical. Empty fields and [`MISSING_MARKERS`] are missing cells.
    pub fn into_table(self) -> Result<Table> {
        let columns = self
            .headers
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let numeric = self.rows.iter().all(|row| {
                    let field = row[i].as_str();
                    is_missing(field) || field.parse::<f64>().is_ok_and(f64::is_finite)
                });
                if numeric {
                    Column::numeric(name.clone())
                } else {
                    Column::categorical(name.clone())
                }
            })
            .collect();
        let schema = Schema::new(columns)?;
        let rows = self
            .rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .zip(&schema.columns)
                    .map(|(field, column)| {
                        if is_missing(&field) {
                            Cell::Missing
                        } else if column.kind == ColumnKind::Numeric {
                            Cell::Number(field.parse().unwrap_or(f64::NAN))
                        } else {
                            Cell::Category(field)
                        }
                    })
                    .collect()
            })
            .collect();
        Table::new(schema, rows)
    }
}
