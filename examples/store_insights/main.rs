//! What an analyst asks of a month of stored calls: the records go into a store, calls are
//! grouped by what they are about (with each group's escalation and resolution rates), the
//! share of confused and repeat callers is measured, and the statistical insights of the last
//! week are ranked by impact.
//!
//! ```sh
//! cargo run -p aybiza-examples --bin store_insights
//! ```
//!
//! `store_insights.py` and `store_insights.js` beside this file do the same in Python and
//! Node and print the same lines (`expected.txt`).

use std::error::Error;

use aybiza_analytics::insights::{InsightGenerator, InsightOptions, StatisticalInsights};
use aybiza_analytics::patterns::discovery::{DiscoveryOptions, discover_patterns};
use aybiza_analytics::sim::{SimConfig, simulate};
use aybiza_analytics::{MemoryStore, Store, TimeRange};
use chrono::{TimeDelta, TimeZone, Utc};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let simulated = simulate(&SimConfig {
        seed: 7,
        tenants: 1,
        ..SimConfig::default()
    })?;
    // The in-memory store; `SqliteStore::open("calls.db")` keeps the records in a file.
    let store = MemoryStore::new();
    let written = store.put(simulated.records).await?;
    let tenant = store.tenant_ids().await?.remove(0);
    println!("{tenant}: {} records stored", written.inserted);

    let findings = discover_patterns(
        &store,
        &tenant,
        TimeRange::all(),
        &DiscoveryOptions::default(),
    )
    .await?;
    println!(
        "{} calls in {} groups of similar calls; the five largest:",
        findings.calls,
        findings.groups.len()
    );
    for group in findings.groups.iter().take(5) {
        println!(
            "  {:>5}  {:>5.1}%  {:<32} escalated {:>5.1}%, resolved {:>5.1}%",
            group.size,
            100.0 * group.share,
            group.label,
            100.0 * group.escalation_rate,
            100.0 * group.resolution_rate,
        );
    }
    println!(
        "confused callers in {:.1}% of calls; repeat callers in {:.1}% of calls",
        100.0 * findings.confusion.share,
        100.0 * findings.repeat_callers.share,
    );

    // The last week of the four, each metric against the week before.
    let start = Utc
        .with_ymd_and_hms(2026, 1, 26, 0, 0, 0)
        .single()
        .ok_or("a date")?;
    let week = TimeRange::new(start, start + TimeDelta::days(7))?;
    let generator = StatisticalInsights {
        options: InsightOptions::default(),
    };
    let insights = generator.generate(&store, &tenant, week).await?;
    println!(
        "{} insights for the week from {}, the five with the most impact:",
        insights.len(),
        start.format("%Y-%m-%d")
    );
    for insight in insights.iter().take(5) {
        println!("  {:.3}  {}", insight.impact, insight.title);
    }
    Ok(())
}
