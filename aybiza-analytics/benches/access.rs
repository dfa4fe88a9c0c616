//! What a scoped store adds to a read: the checks and the audit event (analyst), and masking
//! personal data (viewer), against the same read on the store itself.
//!
//! Run with `cargo bench -p aybiza-analytics --bench access`. Throughput is in utterances read.

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use aybiza_analytics::access::{JsonlAuditLog, Principal, Role, ScopedStore};
use aybiza_analytics::sim::{SimConfig, simulate};
use aybiza_analytics::{MemoryStore, Store, TimeRange};

fn access(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let sim = simulate(&SimConfig {
        tenants: 1,
        days: 2,
        calls_per_day: 400,
        anomaly_days: 0,
        seed: 7,
        ..SimConfig::default()
    })
    .expect("valid simulation config");
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    runtime.block_on(store.put(sim.records)).expect("ingest");
    let tenant = runtime
        .block_on(store.tenant_ids())
        .expect("tenants")
        .remove(0);
    let utterances = runtime
        .block_on(store.utterances(&tenant, TimeRange::all()))
        .expect("read")
        .len();
    let dir = tempfile::tempdir().expect("temp dir");
    let audit = Arc::new(JsonlAuditLog::open(dir.path().join("audit.jsonl")).expect("audit log"));
    let scoped = |role| {
        let principal = Principal::new("bench", role, [tenant.as_str()]);
        ScopedStore::new(store.clone(), principal, audit.clone()).expect("scope")
    };
    let (analyst, viewer) = (scoped(Role::Analyst), scoped(Role::Viewer));

    let mut group = c.benchmark_group("access");
    group.sample_size(10);
    group.throughput(Throughput::Elements(utterances as u64));
    let read = |store: &dyn Store| {
        runtime
            .block_on(store.utterances(&tenant, TimeRange::all()))
            .expect("read")
    };
    group.bench_function("store", |b| b.iter(|| read(store.as_ref())));
    group.bench_function("analyst", |b| b.iter(|| read(&analyst)));
    group.bench_function("viewer_masked", |b| b.iter(|| read(&viewer)));
    group.finish();
}

criterion_group!(benches, access);
criterion_main!(benches);
