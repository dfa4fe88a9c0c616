//! Customer journeys across channels: four simulated weeks of touchpoints (web, app, e-mail,
//! chat, calls) cut into journeys, the most common paths and how long journeys take, an
//! acquisition funnel, and which channels earn the conversions under every attribution model.
//!
//! ```sh
//! cargo run -p aybiza-examples --bin journeys
//! ```
//!
//! `journeys.py` and `journeys.js` beside this file do the same in Python and Node and print
//! the same lines (`expected.txt`).

use std::collections::BTreeMap;
use std::error::Error;

use aybiza_analytics::journey::attribution::{AttributionOptions, PathData, attribute};
use aybiza_analytics::journey::map::{funnel, journey_map};
use aybiza_analytics::journey::split::{journey_log, split_journeys};
use aybiza_analytics::journey::tracker::{JourneyConfig, JourneyEnd};
use aybiza_analytics::model::Record;
use aybiza_analytics::sim::{SimConfig, simulate};

fn main() -> Result<(), Box<dyn Error>> {
    let simulated = simulate(&SimConfig {
        seed: 7,
        tenants: 1,
        ..SimConfig::default()
    })?;
    let events: Vec<_> = simulated
        .records
        .into_iter()
        .filter_map(|record| match record {
            Record::JourneyEvent(event) => Some(event),
            _ => None,
        })
        .collect();

    // A journey ends at a conversion or a cancellation, or after a week without a touchpoint.
    let config = JourneyConfig {
        conversion_actions: vec![
            "purchase".into(),
            "upgrade_plan".into(),
            "accept_retention_offer".into(),
        ],
        churn_actions: vec!["cancel_subscription".into()],
        inactivity_secs: 7 * 24 * 3600,
        ..JourneyConfig::default()
    };
    let journeys = split_journeys(&events, &config);
    let mut ends: BTreeMap<&str, usize> = BTreeMap::new();
    for journey in &journeys {
        let end = journey
            .end
            .map_or("still open at the end of the data", JourneyEnd::as_str);
        *ends.entry(end).or_default() += 1;
    }
    let ends: Vec<String> = ends.iter().map(|(end, n)| format!("{n} {end}")).collect();
    println!(
        "{} touchpoints, {} journeys: {}",
        events.len(),
        journeys.len(),
        ends.join(", ")
    );
    println!(
        "the simulator planted {} journeys",
        simulated.truth.journeys.len()
    );

    // The journey map: one case per journey, its actions as activities.
    let log = journey_log(&events, &journeys, |event| &event.action);
    let map = journey_map(&log);
    println!("{} distinct paths; the most common:", map.variants.len());
    for variant in map.variants.iter().take(5) {
        println!(
            "  {:>4}  {:>5.1}%  {}",
            variant.count,
            100.0 * variant.share,
            variant.path.join(" > ")
        );
    }
    let hours = |secs: f64| secs / 3600.0;
    println!(
        "journey duration: median {:.1} h, 90th percentile {:.1} h",
        hours(map.durations.p50),
        hours(map.durations.p90)
    );

    let stages = ["view_product", "view_pricing", "start_checkout", "purchase"];
    println!("acquisition funnel (journeys reaching each stage, share of the stage before):");
    for step in funnel(&log, &stages)? {
        println!(
            "  {:<15} {:>4}  {:>5.1}%",
            step.stage,
            step.cases,
            100.0 * step.conversion_from_previous
        );
    }

    // Attribution: the journeys' channel paths, then every model side by side.
    let paths = PathData::from_journey_events(&events, &config)?;
    let report = attribute(&paths, &AttributionOptions::default())?;
    let names: Vec<String> = report
        .models
        .iter()
        .map(|m| format!("{:>15}", m.model))
        .collect();
    println!(
        "conversions credited ({:.0} in all):",
        paths.total_conversions()
    );
    println!("  {:<8}{}  removal effect", "channel", names.join(""));
    // Channels by name (their order in the report is the order they were first seen).
    let mut order: Vec<usize> = (0..report.channels.len()).collect();
    order.sort_by(|&a, &b| report.channels[a].cmp(&report.channels[b]));
    for i in order {
        let channel = &report.channels[i];
        let credits: Vec<String> = report
            .models
            .iter()
            .map(|m| format!("{:>15.1}", m.conversions[i]))
            .collect();
        println!(
            "  {channel:<8}{}  {:>14.3}",
            credits.join(""),
            report.removal_effects[i]
        );
    }
    Ok(())
}
