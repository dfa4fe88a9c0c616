//! `aybiza simulate`: realistic sample data with its ground truth.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::sim::{SimConfig, SimOutput, simulate, write_jsonl};
use chrono::{DateTime, Utc};

/// The simulation flags shared by `simulate` and `report --sample`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimFlags {
    /// Seed; the same flags always give the same data.
    #[arg(long, default_value_t = SimConfig::default().seed)]
    seed: u64,
    /// Number of tenants.
    #[arg(long, default_value_t = SimConfig::default().tenants)]
    tenants: usize,
    /// Days to simulate.
    #[arg(long, default_value_t = SimConfig::default().days)]
    days: u32,
    /// Average calls per tenant per day.
    #[arg(long, default_value_t = SimConfig::default().calls_per_day)]
    calls_per_day: usize,
    /// Customers per tenant (callers and existing customers in journeys).
    #[arg(long, default_value_t = SimConfig::default().customers_per_tenant)]
    customers_per_tenant: usize,
    /// Average customer journeys started per tenant per day.
    #[arg(long, default_value_t = SimConfig::default().journeys_per_day)]
    journeys_per_day: usize,
    /// Start of the simulated period (RFC 3339); a Monday by default.
    #[arg(long, default_value_t = SimConfig::default().start)]
    start: DateTime<Utc>,
}

impl SimFlags {
    /// The simulator configuration these flags describe.
    pub fn config(&self) -> SimConfig {
        SimConfig {
            seed: self.seed,
            tenants: self.tenants,
            days: self.days,
            calls_per_day: self.calls_per_day,
            customers_per_tenant: self.customers_per_tenant,
            journeys_per_day: self.journeys_per_day,
            // Short windows get fewer planted anomalies instead of an error.
            anomaly_days: SimConfig::default()
                .anomaly_days
                .min(self.days as usize / 7 + 1),
            start: self.start,
            ..SimConfig::default()
        }
    }
}

/// Arguments of `aybiza simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSON Lines file to write the records to.
    #[arg(long)]
    output: PathBuf,
    /// JSON file to write the ground truth (scenario per call, planted anomalies, …) to.
    #[arg(long)]
    truth: Option<PathBuf>,
    #[command(flatten)]
    sim: SimFlags,
}

/// Simulates and writes the records (and the truth when asked).
pub fn run(args: Args) -> Result<ExitCode> {
    let output = simulate(&args.sim.config())?;
    write_output(&output, &args.output, args.truth.as_deref())?;
    println!(
        "{} records: {}",
        output.records.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the records as JSON Lines and, when `truth` is given, the ground truth as JSON.
pub fn write_output(output: &SimOutput, records: &Path, truth: Option<&Path>) -> Result<()> {
    write_jsonl(&output.records, File::create(records)?)?;
    if let Some(path) = truth {
        let mut out = BufWriter::new(File::create(path)?);
        serde_json::to_writer_pretty(&mut out, &output.truth)?;
        out.flush()?;
    }
    Ok(())
}
