//! `aybiza insights`: statistical insights for one tenant and period.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::insights::{Insight, InsightGenerator, InsightOptions, StatisticalInsights};
use aybiza_analytics::llm::summarize::{SummaryResult, executive_summary};

use crate::llm_args::LlmArgs;
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
    /// Journey event actions that convert (comma-separated or repeated; default `purchase`).
    #[arg(long, value_delimiter = ',')]
    conversion_action: Vec<String>,
    /// Journey event actions that churn (comma-separated or repeated; default `cancel`).
    #[arg(long, value_delimiter = ',')]
    churn_action: Vec<String>,
    /// Write the insights as JSON to this file instead of printing them.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Also print an executive summary of the insights written by a language model
    /// (`--llm bedrock`); when the model fails, the insights stand and the failure is printed.
    #[command(flatten)]
    llm: LlmArgs,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Generates the insights and prints them or writes them as JSON.
pub async fn run(mut args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let store = stores.existing(&args.store)?;
    let range = args.time.range()?;
    let llm = args.llm.client().await?;
    let mut options = InsightOptions {
        false_discovery_rate: args.false_discovery_rate,
        max_insights: args.max_insights,
        ..InsightOptions::default()
    };
    if !args.conversion_action.is_empty() {
        options.journey.conversion_actions = std::mem::take(&mut args.conversion_action);
    }
    if !args.churn_action.is_empty() {
        options.journey.churn_actions = std::mem::take(&mut args.churn_action);
    }
    let generator = StatisticalInsights { options };
    let insights = generator.generate(&*store, &args.tenant, range).await?;
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
    if let Some(client) = llm.filter(|_| !insights.is_empty()) {
        match summarize(&client, &args.tenant, &insights).await {
            Ok(result) => print!("{}", summary_text(&result)),
            Err(error) => eprintln!("the executive summary failed: {error}"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The model's executive summary of `insights`.
async fn summarize(
    client: &aybiza_analytics::llm::LlmClient,
    tenant: &str,
    insights: &[Insight],
) -> Result<SummaryResult> {
    let figures = serde_json::json!({ "tenant": tenant, "insights": insights });
    Ok(executive_summary(client, tenant, &figures).await?)
}

/// The summary as text, with the model and its cost.
fn summary_text(result: &SummaryResult) -> String {
    use std::fmt::Write;
    let summary = &result.summary;
    let mut out = format!("\nexecutive summary ({}):\nkey findings:\n", result.model);
    for finding in &summary.key_findings {
        let _ = writeln!(out, "  - {finding}");
    }
    let _ = writeln!(out, "business impact: {}", summary.business_impact);
    let _ = writeln!(out, "recommended actions:");
    for action in &summary.recommended_actions {
        let _ = writeln!(out, "  - {action}");
    }
    let _ = writeln!(out, "risk factors:");
    for risk in &summary.risk_factors {
        let _ = writeln!(out, "  - {risk}");
    }
    let cost = result
        .usage
        .cost_usd
        .map(|c| format!("${c:.4}"))
        .unwrap_or_else(|| "cost unknown".into());
    let _ = writeln!(
        out,
        "tokens: {} in, {} out, {cost}",
        result.usage.input_tokens, result.usage.output_tokens
    );
    out
}
