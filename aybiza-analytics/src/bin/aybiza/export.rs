//! `aybiza export`: a tenant's records out of a store as JSON Lines.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::export::export_tenant;

use crate::time_args::TimeArgs;

/// Arguments of `aybiza export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite).
    #[arg(long)]
    store: PathBuf,
    /// The tenant to export.
    #[arg(long)]
    tenant: String,
    /// JSON Lines output; standard output by default.
    #[arg(long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Writes the tenant's records in the ingest format and a count per kind to stderr.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let store = stores.existing(&args.store)?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => {
            crate::input::refuse_same_file(&args.store, path)?;
            Box::new(File::create(path)?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let counts = export_tenant(&*store, &args.tenant, args.time.range()?, out).await?;
    eprintln!(
        "exported {}: {} calls, {} utterances, {} journey events, {} metric samples",
        args.tenant, counts.calls, counts.utterances, counts.journey_events, counts.metrics
    );
    Ok(ExitCode::SUCCESS)
}
