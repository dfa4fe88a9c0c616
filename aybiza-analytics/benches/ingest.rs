//! Ingestion throughput (records/s) into the embedded SQLite store and the in-memory store.
//!
//! Run with `cargo bench -p aybiza-analytics --bench ingest`. Each iteration
//! writes a fresh batch of simulated records (calls with their utterances,
//! journey events and metric samples) into an empty store.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

use aybiza_analytics::sim::{SimConfig, simulate};
use aybiza_analytics::{MemoryStore, SqliteStore, Store};

fn ingest(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let records = simulate(&SimConfig {
        tenants: 1,
        days: 2,
        calls_per_day: 400,
        anomaly_days: 0,
        seed: 7,
        ..SimConfig::default()
    })
    .expect("valid simulation config")
    .records;
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.throughput(Throughput::Elements(records.len() as u64));

    group.bench_function("sqlite", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temp dir");
                let store = SqliteStore::open(dir.path().join("bench.db")).expect("open store");
                (dir, store, records.clone())
            },
            |(dir, store, batch)| {
                runtime.block_on(store.put(batch)).expect("ingest");
                drop(dir);
            },
            BatchSize::PerIteration,
        )
    });

    group.bench_function("memory", |b| {
        b.iter_batched(
            || (MemoryStore::new(), records.clone()),
            |(store, batch)| runtime.block_on(store.put(batch)).expect("ingest"),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
