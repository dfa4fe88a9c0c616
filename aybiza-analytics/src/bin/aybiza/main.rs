//! `aybiza`: the command-line face of aybiza-analytics.
//!
//! Each subcommand lives in its own file; `main` parses arguments, runs one,
//! and turns any error into one line on stderr and a non-zero exit.

#[cfg(feature = "predict")]
mod classify;
mod export;
mod forecast;
#[cfg(feature = "predict")]
mod forest_args;
mod ingest;
mod input;
mod insights;
mod journey;
mod live_insights;
mod llm_args;
#[cfg(feature = "patterns")]
mod patterns;
#[cfg(feature = "powerbi")]
mod powerbi;
#[cfg(feature = "predict")]
mod predict;
mod redact;
#[cfg(feature = "predict")]
mod regress;
mod report;
mod rules;
mod schedule;
mod sentiment;
mod simulate;
mod tables;
mod text_table;
mod time_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Contact-center call analytics: simulate, ingest, report and predict.
#[derive(Debug, Parser)]
#[command(name = "aybiza", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write realistic sample contact-center data (JSON Lines) and its ground truth.
    Simulate(simulate::Args),
    /// Load JSON Lines records into a store file, reporting any line that is rejected.
    Ingest(ingest::Args),
    /// Write a tenant's records from a store as JSON Lines (the ingest format).
    Export(export::Args),
    /// Write a tenant's analytics tables (calls, utterances, journey events, metrics, agents) as CSV, JSON Lines or Parquet.
    Tables(tables::Args),
    /// Push a tenant's analytics tables into a Power BI push dataset (sign-in from the environment).
    #[cfg(feature = "powerbi")]
    Powerbi(powerbi::Args),
    /// Write the analysis report (HTML and JSON) for a store.
    Report(report::Args),
    /// Journey map of an event log: variants, directly-follows graph, start and end activities.
    JourneyMap(journey::MapArgs),
    /// Multi-touch attribution of aggregated paths: heuristic, Markov and Shapley models.
    Attribution(journey::AttributionArgs),
    /// Cross-validate a random-forest classifier on a CSV: per-fold and mean accuracy, ROC AUC, timings.
    #[cfg(feature = "predict")]
    Classify(classify::Args),
    /// Cross-validate a random-forest regressor on a CSV: per-fold and mean MAE, RMSE, R², timings.
    #[cfg(feature = "predict")]
    Regress(regress::Args),
    /// Apply a saved model (`classify` or `regress --save-model`) to new rows of a CSV: the prediction per row (and each class's probability).
    #[cfg(feature = "predict")]
    Predict(predict::Args),
    /// Group a tenant's calls by reason and find escalation triggers, repeat callers, automation candidates and FAQs.
    #[cfg(feature = "patterns")]
    Patterns(patterns::Args),
    /// Rank what changed against the previous period and which queues, channels and agents differ.
    Insights(insights::Args),
    /// Replay stored calls through the live insight detector: metrics of the last hour that differ from the day before.
    LiveInsights(live_insights::Args),
    /// Run the scheduled insight runs that are due (daily, weekly, or cron schedules of a config file) and write them as JSON.
    Schedule(schedule::Args),
    /// Forecast a series (e.g. call volume) from a CSV file, with calibrated prediction intervals.
    Forecast(forecast::Args),
    /// Score the sentiment of a text column (CSV or JSON Lines): score, label, intensity, emotions, urgency.
    Sentiment(sentiment::Args),
    /// Redact personal data in a text column (CSV or JSON Lines) and list what was found.
    Redact(redact::Args),
    /// Replay calls through live-pattern rules (default or a TOML/JSON file) and print the hits.
    Rules(rules::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Simulate(args) => simulate::run(args),
            Command::Ingest(args) => ingest::run(args).await,
            Command::Export(args) => export::run(args).await,
            Command::Tables(args) => tables::run(args).await,
            #[cfg(feature = "powerbi")]
            Command::Powerbi(args) => powerbi::run(args).await,
            Command::Report(args) => report::run(args).await,
            Command::JourneyMap(args) => journey::map(args),
            Command::Attribution(args) => journey::attribution(args),
            #[cfg(feature = "predict")]
            Command::Classify(args) => classify::run(args),
            #[cfg(feature = "predict")]
            Command::Regress(args) => regress::run(args),
            #[cfg(feature = "predict")]
            Command::Predict(args) => predict::run(args),
            Command::Insights(args) => insights::run(args).await,
            Command::LiveInsights(args) => live_insights::run(args).await,
            Command::Schedule(args) => schedule::run(args).await,
            Command::Forecast(args) => forecast::run(args),
            Command::Sentiment(args) => sentiment::run(args),
            Command::Redact(args) => redact::run(args),
            Command::Rules(args) => rules::run(args).await,
            #[cfg(feature = "patterns")]
            Command::Patterns(args) => patterns::run(args).await,
        }
    });
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// clap checks in debug builds that every subcommand's arguments are consistent.
    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
