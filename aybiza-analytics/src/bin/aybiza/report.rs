//! `aybiza report`: the main job, an HTML and JSON analysis report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aybiza_analytics::report::{ReportOptions, ReportProgress, build_report};
use aybiza_analytics::sim::simulate;
use aybiza_analytics::{Result, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::simulate::{SimFlags, write_output};
use crate::time_args::TimeArgs;

/// Arguments of `aybiza report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite) to report on; with `--sample`, `OUTPUT/sample.db` by default.
    #[arg(long, required_unless_present = "sample")]
    store: Option<PathBuf>,
    /// Report on generated sample data: simulate (seeded), write `OUTPUT/sample.jsonl` and its
    /// ground truth, ingest them into the store, then report.
    #[arg(long)]
    sample: bool,
    #[command(flatten)]
    sim: SimFlags,
    /// Directory to write `report.html` and `report.json` into (created if missing).
    #[arg(long, default_value = "out")]
    output: PathBuf,
    /// Report only this tenant (repeat for several); every tenant by default.
    #[arg(long = "tenant")]
    only_tenants: Vec<String>,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Builds the report with a progress bar per tenant and writes both files.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    std::fs::create_dir_all(&args.output)?;
    let store_path = args
        .store
        .clone()
        .unwrap_or_else(|| args.output.join("sample.db"));
    let store = stores.open(&store_path)?;
    if args.sample {
        ingest_sample(&*store, &store_path, &args).await?;
    }
    let options = ReportOptions {
        tenants: (!args.only_tenants.is_empty()).then(|| args.only_tenants.clone()),
        patterns: true,
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
    let report = build_report(&*store, args.time.range()?, &options, &progress).await?;
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

/// Simulates the sample data, keeps a copy beside the report, and stores it.
async fn ingest_sample(store: &dyn Store, store_path: &Path, args: &Args) -> Result<()> {
    let spinner = ProgressBar::new_spinner().with_message("simulating sample data");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let output = simulate(&args.sim.config())?;
    let records_path = args.output.join("sample.jsonl");
    write_output(
        &output,
        &records_path,
        Some(&args.output.join("sample-truth.json")),
    )?;
    spinner.set_message(format!("storing {} sample records", output.records.len()));
    let written = store.put(output.records).await?;
    spinner.finish_and_clear();
    println!(
        "sample data: {} ({} new records, {} already stored) in {}",
        records_path.display(),
        written.inserted,
        written.unchanged + written.updated,
        store_path.display()
    );
    Ok(())
}
