//! `aybiza insights`: statistical insights for one tenant and period.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::insights::{InsightGenerator, InsightOptions, StatisticalInsights};
use aybiza_analytics::{Error, Result, SqliteStore};

use crate::time_args::TimeArgs;

/// Arguments of `aybiza insights`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite) to read.
    #[arg(long)]
    store: PathBuf,
    /// The tenant whose calls are analysed.
    #[arg(long)]
    tenant: String,
    /// The period; with both ends given it is also compared with the period of equal length
    /// before it.
    #[command(flatten)]
    time: TimeArgs,
    /// Expected share of chance findings among those reported (Benjamini–Hochberg).
    #[arg(long, default_value_t = InsightOptions::default().false_discovery_rate)]
    false_discovery_rate: f64,
    /// Most insights listed, highest impact first.
    #[arg(long, default_value_t = InsightOptions::default().max_insights)]
    max_insights: usize,
    /// Write the insights as JSON to this file instead of printing them.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Generates the insights and prints them or writes them as JSON.
pub async fn run(args: Args) -> Result<ExitCode> {
    if !args.store.exists() {
        return Err(Error::InvalidArgument(format!(
            "store {} does not exist",
            args.store.display()
        )));
    }
    let range = args.time.range()?;
    let generator = StatisticalInsights {
        options: InsightOptions {
            false_discovery_rate: args.false_discovery_rate,
            max_insights: args.max_insights,
            ..InsightOptions::default()
        },
    };
    let store = SqliteStore::open(&args.store)?;
    let insights = generator.generate(&store, &args.tenant, range).await?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, serde_json::to_vec_pretty(&insights)?)?;
            println!("{} insights: {}", insights.len(), path.display());
        }
        None if insights.is_empty() => println!("no insights: nothing differs beyond chance"),
        None => {
            for insight in &insights {
                println!("[{:.3}] {}", insight.impact, insight.title);
                println!("        {}", insight.description);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
