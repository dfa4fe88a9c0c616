//! Power BI push datasets: the analytics tables posted over Power BI's REST API into a push
//! dataset, which reports and dashboards read without a gateway or a file.
//!
//! This module is the part that needs no network: the datasets' schema, the row batches and
//! the push's limits, options, results and error. The HTTP client, [`PowerBiClient`], is
//! behind the off-by-default `powerbi` cargo feature (reqwest with rustls). See
//! `docs/export.md`, "Power BI push".

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::format::{JsonRow, cut_text};
use super::{ColumnValues, Table, TableKind};
use crate::{Error, Result};

#[cfg(feature = "powerbi")]
mod client;
#[cfg(feature = "powerbi")]
pub use client::{
    DEFAULT_API_URL, DEFAULT_LOGIN_URL, PowerBiAuth, PowerBiClient, PowerBiConfig, PowerBiSettings,
};

/// The most rows Power BI accepts in one "post rows" request.
pub const MAX_ROWS_PER_REQUEST: usize = 10_000;
/// The most columns a push dataset's table may have.
pub const MAX_COLUMNS: usize = 75;
/// The most characters Power BI accepts in one text value, counted as .NET counts them (UTF-16
/// code units: an emoji counts two). Longer values are cut to this length at a character
/// boundary and counted in [`PushedTable::truncated_values`].
pub const MAX_TEXT_CHARS: usize = 4_000;

/// What a push does with the rows already in the dataset's tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushMode {
    /// Add the rows to those already there (for scheduled pushes of each new period).
    #[default]
    Append,
    /// Delete each pushed table's rows first, so the table holds exactly this push.
    Replace,
}

/// The retention policy of a dataset that a push creates (an existing dataset keeps its own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionPolicy {
    /// Keep every row, up to Power BI's 5,000,000 rows per table.
    #[default]
    None,
    /// Keep the newest 200,000 rows per table, dropping the oldest first.
    BasicFifo,
}

impl RetentionPolicy {
    /// The value of Power BI's `defaultRetentionPolicy` query parameter.
    pub fn as_query(self) -> &'static str {
        match self {
            RetentionPolicy::None => "None",
            RetentionPolicy::BasicFifo => "basicFIFO",
        }
    }
}

/// How to push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PushOptions {
    /// Append (the default) or replace the tables' rows.
    pub mode: PushMode,
    /// Retention of a dataset created by the push.
    pub retention: RetentionPolicy,
    /// Rows per "post rows" request, 1 to [`MAX_ROWS_PER_REQUEST`] (the default).
    pub rows_per_request: usize,
}

impl Default for PushOptions {
    fn default() -> Self {
        Self {
            mode: PushMode::Append,
            retention: RetentionPolicy::None,
            rows_per_request: MAX_ROWS_PER_REQUEST,
        }
    }
}

impl PushOptions {
    /// Refuses a batch size outside 1 to [`MAX_ROWS_PER_REQUEST`].
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_ROWS_PER_REQUEST).contains(&self.rows_per_request) {
            return Err(Error::InvalidArgument(format!(
                "rows_per_request must be 1 to {MAX_ROWS_PER_REQUEST}, not {}",
                self.rows_per_request
            )));
        }
        Ok(())
    }
}

/// What was pushed to one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushedTable {
    /// Which table.
    pub table: TableKind,
    /// Rows Power BI accepted.
    pub rows: usize,
    /// "Post rows" requests it accepted.
    pub requests: usize,
    /// Text values in those rows cut to [`MAX_TEXT_CHARS`].
    pub truncated_values: usize,
}

/// The outcome of a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerBiPush {
    /// The dataset's id in Power BI.
    pub dataset_id: String,
    /// Whether the push created the dataset.
    pub created: bool,
    /// The tables, in the order pushed.
    pub tables: Vec<PushedTable>,
}

/// A push that Power BI, the network or the sign-in refused. It says what Power BI had accepted
/// before the failure, so the caller knows which rows the dataset holds (plus, possibly, a
/// batch whose answer was lost: the message says so).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} failed{}: {message}{}", status_text(*status), pushed_text(pushed))]
pub struct PowerBiError {
    /// What was being done, e.g. "post rows to table 'calls'".
    pub operation: String,
    /// The HTTP status of the refusal; `None` when no answer came (network, timeout).
    pub status: Option<u16>,
    /// Power BI's error message, or the transport's.
    pub message: String,
    /// What Power BI had accepted before the failure (tables with no row accepted are left out).
    pub pushed: Vec<PushedTable>,
}

fn status_text(status: Option<u16>) -> String {
    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

fn pushed_text(pushed: &[PushedTable]) -> String {
    if pushed.is_empty() {
        return "; no rows were pushed".into();
    }
    let tables: Vec<String> = pushed
        .iter()
        .map(|p| format!("{} {} rows", p.table.as_str(), p.rows))
        .collect();
    format!("; already pushed: {}", tables.join(", "))
}

/// The Power BI data type of a column.
fn data_type(values: &ColumnValues) -> &'static str {
    match values {
        ColumnValues::Text(_) => "String",
        ColumnValues::Integer(_) => "Int64",
        ColumnValues::Float(_) => "Double",
        ColumnValues::Boolean(_) => "Boolean",
        ColumnValues::Timestamp(_) => "DateTime",
    }
}

/// A table's schema as Power BI's REST API takes it: `{"name", "columns": [{"name",
/// "dataType"}]}`, named as the table's files are (`calls`, `utterances`, ...). Refuses a table
/// with more than [`MAX_COLUMNS`] columns (say, a calls table with many attribute keys).
///
/// ```
/// use aybiza_analytics::export::powerbi::table_schema;
/// use aybiza_analytics::export::{Column, ColumnValues, Table, TableKind};
///
/// let table = Table {
///     kind: TableKind::Metrics,
///     columns: vec![Column { name: "value".into(), values: ColumnValues::Float(vec![Some(1.5)]) }],
/// };
/// let schema = table_schema(&table)?;
/// assert_eq!(schema["columns"][0]["dataType"], "Double");
/// # Ok::<(), aybiza_analytics::Error>(())
/// ```
pub fn table_schema(table: &Table) -> Result<Value> {
    table.check_shape()?;
    if table.columns.len() > MAX_COLUMNS {
        return Err(Error::InvalidArgument(format!(
            "table '{}' has {} columns; a Power BI push dataset takes at most {MAX_COLUMNS}",
            table.kind.as_str(),
            table.columns.len()
        )));
    }
    let mut names: Vec<String> = table
        .columns
        .iter()
        .map(|c| c.name.to_lowercase())
        .collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(Error::InvalidArgument(format!(
            "table '{}' has two columns named '{}' when case is ignored, as Power BI ignores it",
            table.kind.as_str(),
            twice[0]
        )));
    }
    let columns: Vec<Value> = table
        .columns
        .iter()
        .map(|c| json!({ "name": c.name, "dataType": data_type(&c.values) }))
        .collect();
    Ok(json!({ "name": table.kind.as_str(), "columns": columns }))
}

/// The body of a "post rows" request for rows `rows` of `table`: `{"rows": [{column: value}]}`,
/// timestamps in ISO 8601 UTC with milliseconds, blanks as `null`, text cut to
/// [`MAX_TEXT_CHARS`]. Returns the body and how many text values were cut.
pub fn rows_body(table: &Table, rows: std::ops::Range<usize>) -> Result<(Vec<u8>, usize)> {
    table.check_shape()?;
    if rows.start > rows.end || rows.end > table.rows() {
        return Err(Error::InvalidArgument(format!(
            "rows {}..{} of table '{}', which has {}",
            rows.start,
            rows.end,
            table.kind.as_str(),
            table.rows()
        )));
    }
    let truncated = table
        .columns
        .iter()
        .filter_map(|c| match &c.values {
            ColumnValues::Text(v) => Some(v),
            _ => None,
        })
        .map(|v| {
            v[rows.clone()]
                .iter()
                .flatten()
                .filter(|text| cut_text(text, MAX_TEXT_CHARS).1)
                .count()
        })
        .sum();
    let mut body = Vec::with_capacity(64 * table.columns.len() * rows.len());
    body.extend_from_slice(b"{\"rows\":[");
    for (n, row) in rows.enumerate() {
        if n > 0 {
            body.push(b',');
        }
        serde_json::to_writer(
            &mut body,
            &JsonRow {
                table,
                row,
                max_text_units: MAX_TEXT_CHARS,
            },
        )?;
    }
    body.extend_from_slice(b"]}");
    Ok((body, truncated))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::export::Column;

    fn table(columns: Vec<Column>) -> Table {
        Table {
            kind: TableKind::Utterances,
            columns,
        }
    }

    #[test]
    fn a_schema_names_each_columns_power_bi_type() {
        let table = table(vec![
            Column {
                name: "text".into(),
                values: ColumnValues::Text(vec![]),
            },
            Column {
                name: "sequence".into(),
                values: ColumnValues::Integer(vec![]),
            },
            Column {
                name: "score".into(),
                values: ColumnValues::Float(vec![]),
            },
            Column {
                name: "interrupted".into(),
                values: ColumnValues::Boolean(vec![]),
            },
            Column {
                name: "at".into(),
                values: ColumnValues::Timestamp(vec![]),
            },
        ]);
        let schema = table_schema(&table).unwrap();
        assert_eq!(
            schema,
            json!({"name": "utterances", "columns": [
                {"name": "text", "dataType": "String"},
                {"name": "sequence", "dataType": "Int64"},
                {"name": "score", "dataType": "Double"},
                {"name": "interrupted", "dataType": "Boolean"},
                {"name": "at", "dataType": "DateTime"},
            ]})
        );
    }

    #[test]
    fn a_table_wider_than_power_bi_allows_is_refused() {
        let columns = (0..=MAX_COLUMNS)
            .map(|i| Column {
                name: format!("attr_{i}"),
                values: ColumnValues::Text(vec![]),
            })
            .collect();
        let error = table_schema(&table(columns)).unwrap_err();
        assert!(error.to_string().contains("76 columns"), "{error}");
    }

    #[test]
    fn rows_are_posted_as_json_objects_with_long_text_cut_at_a_character_boundary() {
        let long = "é".repeat(MAX_TEXT_CHARS + 5);
        let short_in_chars = "é".repeat(MAX_TEXT_CHARS); // 8,000 bytes but 4,000 characters
        let table = table(vec![
            Column {
                name: "text".into(),
                values: ColumnValues::Text(vec![
                    Some("hello".into()),
                    None,
                    Some(long),
                    Some(short_in_chars.clone()),
                ]),
            },
            Column {
                name: "at".into(),
                values: ColumnValues::Timestamp(vec![
                    Some(Utc.with_ymd_and_hms(2026, 3, 9, 10, 0, 0).unwrap()),
                    None,
                    None,
                    None,
                ]),
            },
        ]);
        let (body, truncated) = rows_body(&table, 0..4).unwrap();
        assert_eq!(truncated, 1);
        let body: Value = serde_json::from_slice(&body).unwrap();
        let rows = body["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[0],
            json!({"text": "hello", "at": "2026-03-09T10:00:00.000Z"})
        );
        assert_eq!(rows[1], json!({"text": null, "at": null}));
        assert_eq!(rows[2]["text"], json!(short_in_chars));
        assert_eq!(rows[3]["text"], json!(short_in_chars));

        let (body, truncated) = rows_body(&table, 1..2).unwrap();
        assert_eq!(truncated, 0);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body, json!({"rows": [{"text": null, "at": null}]}));
    }

    #[test]
    fn text_is_cut_in_utf16_units_as_power_bi_counts_them() {
        let emoji_last = format!("{}😀", "a".repeat(MAX_TEXT_CHARS - 1)); // 4,001 UTF-16 units
        let exact = format!("{}😀", "a".repeat(MAX_TEXT_CHARS - 2));
        let table = table(vec![Column {
            name: "text".into(),
            values: ColumnValues::Text(vec![Some(emoji_last), Some(exact.clone())]),
        }]);
        let (body, truncated) = rows_body(&table, 0..2).unwrap();
        assert_eq!(truncated, 1);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body["rows"][0]["text"],
            json!("a".repeat(MAX_TEXT_CHARS - 1))
        );
        assert_eq!(body["rows"][1]["text"], json!(exact));
    }

    #[test]
    fn misshapen_tables_and_ranges_are_refused() {
        let ragged = table(vec![
            Column {
                name: "a".into(),
                values: ColumnValues::Integer(vec![Some(1), Some(2)]),
            },
            Column {
                name: "b".into(),
                values: ColumnValues::Integer(vec![Some(1)]),
            },
        ]);
        assert!(table_schema(&ragged).is_err());
        assert!(rows_body(&ragged, 0..1).is_err());
        let twins = table(vec![
            Column {
                name: "attr_Region".into(),
                values: ColumnValues::Text(vec![None]),
            },
            Column {
                name: "attr_region".into(),
                values: ColumnValues::Text(vec![None]),
            },
        ]);
        let error = table_schema(&twins).unwrap_err();
        assert!(error.to_string().contains("'attr_region'"), "{error}");
        assert!(rows_body(&twins, 0..1).is_ok(), "rows need no schema");
        assert!(rows_body(&twins, 0..2).is_err(), "past the last row");
        assert!(rows_body(&twins, 1..1).is_ok());
    }

    #[test]
    fn the_batch_size_must_be_one_to_power_bis_limit() {
        for bad in [0, MAX_ROWS_PER_REQUEST + 1] {
            let options = PushOptions {
                rows_per_request: bad,
                ..PushOptions::default()
            };
            assert!(options.validate().is_err());
        }
        assert!(PushOptions::default().validate().is_ok());
    }

    #[test]
    fn an_error_says_what_had_been_pushed() {
        let error = PowerBiError {
            operation: "post rows to table 'utterances'".into(),
            status: Some(400),
            message: "bad row".into(),
            pushed: vec![PushedTable {
                table: TableKind::Calls,
                rows: 8664,
                requests: 1,
                truncated_values: 0,
            }],
        };
        assert_eq!(
            error.to_string(),
            "post rows to table 'utterances' failed (HTTP 400): bad row; already pushed: calls 8664 rows"
        );
    }
}
