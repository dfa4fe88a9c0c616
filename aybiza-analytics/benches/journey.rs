//! Journeys over about one million simulated events, reading included: parse the event log
//! from CSV bytes, then the journey map, attribution (every model, Markov order 1) and monthly
//! cohorts.
//!
//! Run with `cargo bench -p aybiza-analytics --bench journey`.

use std::fmt::Write as _;
use std::hint::black_box;

use aybiza_analytics::journey::attribution::{AttributionOptions, PathData, attribute};
use aybiza_analytics::journey::cohort::{CohortBuilder, Period};
use aybiza_analytics::journey::map::{EventLog, LogColumns, journey_map};
use aybiza_analytics::journey::tracker::JourneyConfig;
use aybiza_analytics::sim::{SimConfig, simulate};
use aybiza_analytics::{JourneyEvent, Record};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn journeys(c: &mut Criterion) {
    let output = simulate(&SimConfig {
        tenants: 2,
        days: 365,
        calls_per_day: 0,
        journeys_per_day: 330,
        anomaly_days: 0,
        ..SimConfig::default()
    })
    .expect("simulate");
    let events: Vec<JourneyEvent> = output
        .records
        .into_iter()
        .filter_map(|r| match r {
            Record::JourneyEvent(e) => Some(e),
            _ => None,
        })
        .collect();
    let mut csv = String::from("case_id,activity,timestamp,channel,value\n");
    for e in &events {
        let value = e.value.map(|v| v.to_string()).unwrap_or_default();
        writeln!(
            csv,
            "{}/{},{},{},{},{value}",
            e.tenant,
            e.customer_id,
            e.action,
            e.timestamp.to_rfc3339(),
            e.channel
        )
        .expect("write to string");
    }
    let until = events.iter().map(|e| e.timestamp).max().expect("events");
    let config = JourneyConfig::default();

    let mut group = c.benchmark_group("journeys");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function(format!("read_and_map_{}_events", events.len()), |b| {
        b.iter(|| {
            let log = EventLog::read_csv(csv.as_bytes(), &LogColumns::default()).expect("read");
            black_box(journey_map(&log))
        })
    });
    group.bench_function("attribution_all_models", |b| {
        b.iter(|| {
            let paths = PathData::from_journey_events(&events, &config).expect("paths");
            black_box(attribute(&paths, &AttributionOptions::default()).expect("attribute"))
        })
    });
    group.bench_function("monthly_cohorts", |b| {
        b.iter(|| {
            let mut cohorts = CohortBuilder::new();
            for e in &events {
                cohorts
                    .push(&e.customer_id, e.timestamp, e.value.unwrap_or(0.0))
                    .expect("finite value");
            }
            black_box(cohorts.build(Period::Month, until).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, journeys);
criterion_main!(benches);
