//! `aybiza tables`: a tenant's analytics tables (calls, utterances, journey events, metric
//! samples, agents) as CSV, JSON Lines or Parquet files for BI tools and dataframes.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::export::{TableFormat, TableKind, TableOptions, export_tables};

use crate::time_args::TimeArgs;

/// Arguments of `aybiza tables`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite).
    #[arg(long)]
    store: PathBuf,
    /// The tenant whose tables to write.
    #[arg(long)]
    tenant: String,
    /// The directory to write `<table>.<format>` files into (created if missing; files of the same name are replaced).
    #[arg(long)]
    output: PathBuf,
    /// File format: csv, jsonl or parquet.
    #[arg(long, default_value = "csv", value_parser = parse_format)]
    format: TableFormat,
    #[command(flatten)]
    selection: Selection,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Which analytics tables to build and how: the flags `aybiza tables` and `aybiza powerbi` share.
#[derive(Debug, clap::Args)]
pub struct Selection {
    /// Tables, comma-separated (calls, utterances, journey_events, metrics, agents); all by default.
    #[arg(long, value_delimiter = ',', value_parser = parse_table)]
    tables: Vec<TableKind>,
    /// Keep utterance text, tags and attribute values as stored, without redacting PII.
    #[arg(long)]
    keep_pii: bool,
    /// Leave out the sentiment columns (faster; no utterance is scored).
    #[arg(long)]
    no_sentiment: bool,
}

impl Selection {
    /// The table options these flags ask for.
    pub fn options(&self) -> TableOptions {
        TableOptions {
            tables: if self.tables.is_empty() {
                TableKind::ALL.to_vec()
            } else {
                self.tables.clone()
            },
            redact: !self.keep_pii,
            sentiment: !self.no_sentiment,
        }
    }
}

fn parse_format(text: &str) -> std::result::Result<TableFormat, String> {
    text.parse()
        .map_err(|e: aybiza_analytics::Error| e.to_string())
}

fn parse_table(text: &str) -> std::result::Result<TableKind, String> {
    text.parse()
        .map_err(|e: aybiza_analytics::Error| e.to_string())
}

/// Builds the tables, writes one file each, and prints a line per file.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let store = stores.existing(&args.store)?;
    let options = args.selection.options();
    let range = args.time.range()?;
    let files = export_tables(
        &*store,
        &args.tenant,
        range,
        &options,
        args.format,
        &args.output,
    )
    .await?;
    for file in files {
        println!(
            "{}: {} rows, {} columns",
            file.path.display(),
            file.rows,
            file.columns
        );
    }
    Ok(ExitCode::SUCCESS)
}
