//! `aybiza sentiment`: score a text column of a CSV or JSON Lines file.

use std::process::ExitCode;

use aybiza_analytics::sentiment::{HybridSentimentAnalyzer, SentimentAnalyzer};
use aybiza_analytics::{Error, Result};
use serde_json::{Value, json};

use crate::text_table::{RowUpdate, TableArgs, describe};

/// The columns added to every row.
const COLUMNS: [&str; 9] = [
    "score",
    "label",
    "intensity",
    "frustrated",
    "angry",
    "confused",
    "satisfied",
    "happy",
    "urgency",
];

/// Arguments of `aybiza sentiment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    table: TableArgs,
    /// Prefix of the added column names (e.g. `sentiment_` when the input already has a `label` column).
    #[arg(long, default_value = "")]
    column_prefix: String,
}

/// Writes every row with its sentiment columns; rows whose text is empty or only spaces get
/// empty columns (null in JSON Lines). Other texts the analyzer rejects (over 16 KiB) stop the
/// run with the line number.
pub fn run(args: Args) -> Result<ExitCode> {
    let analyzer = HybridSentimentAnalyzer::new()?;
    let names: Vec<String> = COLUMNS
        .iter()
        .map(|c| format!("{}{c}", args.column_prefix))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let rows = args.table.transform(&names, |text, line| {
        if text.trim().is_empty() {
            return Ok(RowUpdate {
                text: None,
                values: vec![Value::Null; COLUMNS.len()],
            });
        }
        let s = analyzer
            .analyze(text)
            .map_err(|e| Error::InvalidArgument(format!("line {line}: {e}")))?;
        let e = &s.emotions;
        Ok(RowUpdate {
            text: None,
            values: vec![
                json!(round(s.score)),
                json!(s.label),
                json!(round(s.intensity)),
                json!(round(e.frustrated)),
                json!(round(e.angry)),
                json!(round(e.confused)),
                json!(round(e.satisfied)),
                json!(round(e.happy)),
                json!(round(s.urgency)),
            ],
        })
    })?;
    eprintln!(
        "scored {rows} rows into {}",
        describe(args.table.output.as_deref())
    );
    Ok(ExitCode::SUCCESS)
}

/// Four decimals: enough for every use of the numbers, and stable output.
fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}
