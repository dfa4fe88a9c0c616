//! `aybiza live-insights`: replays stored calls, in the order they ended, with their customers'
//! sentiment, and journey events, in time order, through the live insight detector and prints
//! what it raises and clears.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::insights::{
    CallSentiments, LiveInsightOptions, LiveInsightState, LiveInsights, LiveRecord,
};
use aybiza_analytics::sentiment::HybridSentimentAnalyzer;

use crate::time_args::TimeArgs;

/// Arguments of `aybiza live-insights`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite) to read.
    #[arg(long)]
    store: PathBuf,
    /// Replay only this tenant's records (default: every tenant's, interleaved in time).
    #[arg(long)]
    tenant: Option<String>,
    /// The calls replayed, by start time, and the journey events, by time.
    #[command(flatten)]
    time: TimeArgs,
    /// Detector options as a JSON object of `LiveInsightOptions` fields.
    #[arg(long)]
    options: Option<String>,
    /// Write the events as JSON Lines to this file instead of printing them.
    #[arg(long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Replays the calls and journey events and prints or writes the raised and cleared insights.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let store = stores.existing(&args.store)?;
    let range = args.time.range()?;
    let options: LiveInsightOptions = match &args.options {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| aybiza_analytics::Error::InvalidArgument(format!("--options: {e}")))?,
        None => LiveInsightOptions::default(),
    };
    let mut detector = LiveInsights::new(options)?;
    let tenants = match &args.tenant {
        Some(tenant) => vec![tenant.clone()],
        None => store.tenant_ids().await?,
    };
    let analyzer = HybridSentimentAnalyzer::new()?;
    let (mut calls, mut journey_events) = (Vec::new(), Vec::new());
    // Per tenant: call ids are unique within a tenant only.
    let mut sentiments = std::collections::HashMap::new();
    for tenant in &tenants {
        calls.extend(store.calls(tenant, range).await?);
        let utterances = store.utterances(tenant, range).await?;
        sentiments.insert(
            tenant.clone(),
            CallSentiments::score(&utterances, &analyzer),
        );
        journey_events.extend(store.journey_events(tenant, range).await?);
    }
    calls.retain(|call| call.ended_at.is_some());
    let mut records: Vec<LiveRecord<'_>> = calls
        .iter()
        .map(|call| {
            let sentiment = sentiments
                .get(&call.tenant)
                .and_then(|scores: &CallSentiments| scores.get(&call.id));
            LiveRecord::Call(call, sentiment)
        })
        .chain(journey_events.iter().map(LiveRecord::JourneyEvent))
        .collect();
    let events = detector.replay(&mut records)?;

    let mut output = match &args.output {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    let (mut raised, mut cleared) = (0usize, 0usize);
    for event in events {
        match event.state {
            LiveInsightState::Raised => raised += 1,
            LiveInsightState::Cleared => cleared += 1,
        }
        match output.as_mut() {
            Some(out) => {
                serde_json::to_writer(&mut *out, &event)?;
                out.write_all(b"\n")?;
            }
            None => println!(
                "{} {:<7} {} [{:.3}] {}",
                event.at.format("%Y-%m-%d %H:%M"),
                match event.state {
                    LiveInsightState::Raised => "raised",
                    LiveInsightState::Cleared => "cleared",
                },
                event.tenant,
                event.insight.impact,
                event.insight.title
            ),
        }
    }
    if let Some(mut out) = output {
        out.flush()?;
    }
    eprintln!(
        "{} calls and {} journey events replayed: {raised} insights raised, {cleared} cleared",
        calls.len(),
        journey_events.len()
    );
    Ok(ExitCode::SUCCESS)
}
