//! `aybiza report`: the main job, an HTML and JSON analysis report.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::report::{ReportOptions, ReportProgress, build_report};
use aybiza_analytics::{Result, SqliteStore};
use indicatif::{ProgressBar, ProgressStyle};

use crate::time_args::TimeArgs;

/// Arguments of `aybiza report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite) to report on.
    #[arg(long)]
    store: PathBuf,
    /// Directory to write `report.html` and `report.json` into (created if missing).
    #[arg(long, default_value = "out")]
    output: PathBuf,
    /// Report only this tenant (repeat for several); every tenant by default.
    #[arg(long = "tenant")]
    tenants: Vec<String>,
    #[command(flatten)]
    time: TimeArgs,
}

/// Builds the report with a progress bar per tenant and writes both files.
pub async fn run(args: Args) -> Result<ExitCode> {
    let store = SqliteStore::open(&args.store)?;
    let options = ReportOptions {
        tenants: (!args.tenants.is_empty()).then(|| args.tenants.clone()),
        ..ReportOptions::default()
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{spinner} report [{bar:30}] {pos}/{len} tenants {msg}")
            .expect("static template")
            .progress_chars("=> "),
    );
    let progress = |event: ReportProgress| match event {
        ReportProgress::Started { tenants } => bar.set_length(tenants as u64),
        ReportProgress::TenantStarted { tenant, .. } => bar.set_message(tenant),
        ReportProgress::TenantFinished { .. } => bar.inc(1),
        ReportProgress::Finished => bar.finish_and_clear(),
    };
    let report = build_report(&store, args.time.range()?, &options, &progress).await?;
    let paths = report.write_to_dir(&args.output)?;
    println!(
        "report on {} calls of {} tenants: {} and {}",
        report.overall.metrics.calls.total,
        report.overall.tenants,
        paths.html.display(),
        paths.json.display()
    );
    Ok(ExitCode::SUCCESS)
}
