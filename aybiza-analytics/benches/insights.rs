//! Insights over a simulated month: the live detector's cost per ended call and per journey
//! event, and one scheduled daily run (the statistical generator over a day against the day
//! before) for one tenant.
//!
//! Run with `cargo bench -p aybiza-analytics --bench insights`. Throughput is in calls (journey
//! events).
//! Before the timings, one pass of the detector over the month prints its heap allocations
//! per call and the heap it holds at the end (`insights: live_observe: ...`), counted by
//! `benches/support/counting_alloc.rs`.

use chrono::TimeDelta;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

use aybiza_analytics::insights::{
    InsightSchedule, InsightScheduler, LiveInsightOptions, LiveInsights, SchedulerState,
};
use aybiza_analytics::model::{Call, JourneyEvent, Record};
use aybiza_analytics::sim::{SimConfig, simulate};
use aybiza_analytics::{MemoryStore, Store};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{Counting, allocations, live_bytes};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn insights(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let sim = simulate(&SimConfig {
        tenants: 1,
        days: 28,
        calls_per_day: 600,
        seed: 7,
        ..SimConfig::default()
    })
    .expect("valid simulation config");
    let mut calls: Vec<Call> = sim
        .records
        .iter()
        .filter_map(|record| match record {
            Record::Call(call) if call.ended_at.is_some() => Some(call.clone()),
            _ => None,
        })
        .collect();
    calls.sort_by_key(|call| call.ended_at);
    let mut journey_events: Vec<JourneyEvent> = sim
        .records
        .iter()
        .filter_map(|record| match record {
            Record::JourneyEvent(event) => Some(event.clone()),
            _ => None,
        })
        .collect();
    journey_events.sort_by_key(|event| event.timestamp);
    let last_end = calls.last().and_then(|call| call.ended_at).expect("calls");
    let store = MemoryStore::new();
    runtime.block_on(store.put(sim.records)).expect("ingest");

    let heap_before = live_bytes();
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).expect("options");
    let before = allocations();
    let mut events = 0;
    for call in &calls {
        events += detector.observe(call).expect("ended call").len();
    }
    let allocated = allocations() - before;
    println!(
        "insights: live_observe: {:.3} allocations per call ({allocated} over {} calls, \
         {events} raised or cleared insights); the detector holds {} KiB",
        allocated as f64 / calls.len() as f64,
        calls.len(),
        (live_bytes() - heap_before) / 1024
    );
    drop(detector);

    let mut group = c.benchmark_group("insights");
    group.sample_size(10);
    group.throughput(Throughput::Elements(calls.len() as u64));
    group.bench_function("live_observe", |b| {
        b.iter_batched(
            || LiveInsights::new(LiveInsightOptions::default()).expect("options"),
            |mut detector| {
                for call in &calls {
                    detector.observe(call).expect("ended call");
                }
                detector
            },
            BatchSize::LargeInput,
        )
    });
    group.throughput(Throughput::Elements(journey_events.len() as u64));
    group.bench_function("live_observe_journey_events", |b| {
        b.iter_batched(
            || LiveInsights::new(LiveInsightOptions::default()).expect("options"),
            |mut detector| {
                for event in &journey_events {
                    detector
                        .observe_journey_event(event)
                        .expect("journey event");
                }
                detector
            },
            BatchSize::LargeInput,
        )
    });
    let day_calls = calls
        .iter()
        .filter(|call| call.started_at > last_end - TimeDelta::days(2))
        .count();
    group.throughput(Throughput::Elements(day_calls as u64));
    let due = last_end
        .date_naive()
        .and_hms_opt(6, 0, 0)
        .expect("06:00")
        .and_utc();
    group.bench_function("scheduled_daily_run", |b| {
        b.iter_batched(
            || {
                let start = due - TimeDelta::hours(1);
                InsightScheduler::new(
                    vec![InsightSchedule::daily()],
                    start,
                    SchedulerState::default(),
                )
                .expect("schedule")
            },
            |mut scheduler| {
                let runs = runtime
                    .block_on(scheduler.run_due(&store, due))
                    .expect("run");
                assert_eq!(runs.len(), 1);
                runs
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, insights);
criterion_main!(benches);
