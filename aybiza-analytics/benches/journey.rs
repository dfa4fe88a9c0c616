//! Journeys over about one million simulated events, reading included: parse the event log
//! from CSV bytes, then the journey map, attribution (every model, Markov order 1) and monthly
//! cohorts. Then the exact Markov attribution alone on synthetic paths over many channels
//! (10 to 200, orders 1 to 3), where its cost grows with the number of channels (one chain
//! solve per channel removed).
//!
//! Run with `cargo bench -p aybiza-analytics --bench journey`.

use std::fmt::Write as _;
use std::hint::black_box;

use aybiza_analytics::journey::attribution::{AttributionOptions, PathData, attribute, markov};
use aybiza_analytics::journey::cohort::{CohortBuilder, Period};
use aybiza_analytics::journey::map::{EventLog, LogColumns, journey_map};
use aybiza_analytics::journey::tracker::JourneyConfig;
use aybiza_analytics::sim::{SimConfig, simulate};
use aybiza_analytics::{JourneyEvent, Record};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

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

/// `paths` path rows (equal paths not merged) of 1 to 8 touches over `channels` channels,
/// drawn with a skew towards low channel numbers (a few channels carry most touches, as in
/// real data), each with 1 to 50 journeys of which a channel-dependent share converts. Like
/// `scripts/eval_attribution_scale.py`'s paths, but not the same draws: the timings do not
/// compare with that script's.
fn synthetic_paths(channels: usize, paths: usize, seed: u64) -> PathData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let names: Vec<String> = (0..channels).map(|c| format!("channel-{c:03}")).collect();
    let mut data = PathData::new();
    let mut touches = Vec::new();
    for _ in 0..paths {
        touches.clear();
        let length = rng.random_range(1..=8);
        for _ in 0..length {
            let u: f64 = rng.random();
            touches.push((u * u * channels as f64) as usize);
        }
        let journeys = f64::from(rng.random_range(1u32..=50));
        let rate = 0.05 + 0.3 * (touches[touches.len() - 1] % 7) as f64 / 7.0;
        let conversions = (journeys * rate).round();
        data.push(
            touches.iter().map(|&c| names[c].as_str()),
            conversions,
            conversions * 40.0,
            journeys - conversions,
        )
        .expect("valid path");
    }
    data
}

fn markov_many_channels(c: &mut Criterion) {
    let mut group = c.benchmark_group("markov_many_channels");
    group.sample_size(10);
    for channels in [10, 50, 200] {
        let data = synthetic_paths(channels, 20_000, 7);
        for order in [1, 2, 3] {
            group.bench_with_input(
                BenchmarkId::new(format!("order_{order}"), format!("{channels}_channels")),
                &data,
                |b, data| b.iter(|| black_box(markov(data, order).expect("markov"))),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, journeys, markov_many_channels);
criterion_main!(benches);
