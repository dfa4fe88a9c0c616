//! `aybiza redact`: replace PII in a text column of a CSV or JSON Lines file.

use std::process::ExitCode;

use aybiza_analytics::{Redactor, Result};
use serde_json::json;

use crate::text_table::{RowUpdate, TableArgs, describe};

/// Arguments of `aybiza redact`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    table: TableArgs,
    /// Name of the added column listing the entities found.
    #[arg(long, default_value = "pii_entities")]
    entities_column: String,
}

/// Writes every row with the text column redacted (`[CARD]`, `[SSN]`, `[PHONE]`, `[EMAIL]`,
/// `[IBAN]`, `[DOB]`, and `[NUMBER]` for other spoken digit runs) and a column listing the entities: a JSON array of
/// `{"kind", "start", "end", "char_start", "char_end"}` with offsets into the original text.
pub fn run(args: Args) -> Result<ExitCode> {
    let redactor = Redactor::new();
    let mut found = 0usize;
    let rows = args
        .table
        .transform(&[args.entities_column.as_str()], |text, _line| {
            let redacted = redactor.redact(text);
            found += redacted.entities.len();
            Ok(RowUpdate {
                values: vec![json!(redacted.entities)],
                text: Some(redacted.text),
            })
        })?;
    eprintln!(
        "redacted {found} entities in {rows} rows into {}",
        describe(args.table.output.as_deref())
    );
    Ok(ExitCode::SUCCESS)
}
