//! The storage contract, run against both backends (and a scoped store over one, which must
//! keep it for an admin of every tenant): shared fixture cases, idempotency, tenant isolation,
//! time ranges, persistence and durability under SIGKILL.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use aybiza_analytics::access::{MemoryAuditLog, Principal, Role, ScopedStore};
use aybiza_analytics::model::ingest::IngestLimits;
use aybiza_analytics::{
    Call, CallChannel, Direction, JourneyEvent, MemoryStore, MetricSample, Record, Speaker,
    SqliteStore, Store, TimeRange, Utterance,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;

fn fixtures() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/ingest_cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture file"))
        .expect("fixture JSON")
}

/// Runs `check` against a fresh memory store, a fresh SQLite store, and a memory store scoped
/// to an admin of every tenant.
async fn for_each_backend<F, Fut>(check: F)
where
    F: Fn(Box<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    check(Box::new(MemoryStore::new())).await;
    let admin = Principal::new("admin", Role::Admin, ["*"]);
    let audit = Arc::new(MemoryAuditLog::new());
    check(Box::new(
        ScopedStore::new(Arc::new(MemoryStore::new()), admin, audit.clone()).expect("scope"),
    ))
    .await;
    let events = audit.events();
    assert!(!events.is_empty() && events.iter().all(|event| event.allowed));
    let dir = tempfile::tempdir().expect("temp dir");
    check(Box::new(
        SqliteStore::open(dir.path().join("store.db")).expect("open"),
    ))
    .await;
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn call(tenant: &str, id: &str, start: DateTime<Utc>) -> Call {
    Call {
        id: id.into(),
        tenant: tenant.into(),
        customer_id: format!("{id}-customer"),
        agent_id: Some("agent-1".into()),
        channel: CallChannel::Voice,
        direction: Direction::Inbound,
        started_at: start,
        ended_at: Some(start + Duration::minutes(4)),
        queue: Some("billing".into()),
        outcome: None,
        escalated: false,
        transferred: false,
        satisfaction: None,
        tags: vec![],
        attributes: Default::default(),
    }
}

fn utterance(tenant: &str, call_id: &str, seq: u32, text: &str) -> Utterance {
    Utterance {
        tenant: tenant.into(),
        call_id: call_id.into(),
        seq,
        speaker: if seq % 2 == 0 {
            Speaker::Agent
        } else {
            Speaker::Customer
        },
        text: text.into(),
        start_ms: u64::from(seq) * 1000,
        end_ms: u64::from(seq) * 1000 + 800,
        voice: None,
    }
}

fn event(tenant: &str, id: &str, at: DateTime<Utc>) -> JourneyEvent {
    JourneyEvent {
        id: id.into(),
        tenant: tenant.into(),
        customer_id: "cust".into(),
        channel: "web".into(),
        action: "visit".into(),
        timestamp: at,
        value: None,
        sentiment: None,
        attributes: Default::default(),
    }
}

fn metric(tenant: &str, at: DateTime<Utc>, value: f64) -> MetricSample {
    MetricSample {
        tenant: tenant.into(),
        metric: "queue_depth".into(),
        source: "billing".into(),
        timestamp: at,
        value,
    }
}

/// Two tenants with overlapping ids and every record kind.
fn two_tenants() -> Vec<Record> {
    let mut records = Vec::new();
    for tenant in ["acme", "globex"] {
        for i in 0..3 {
            let id = format!("call-{i}");
            records.push(Record::Call(call(tenant, &id, t0() + Duration::hours(i))));
            for seq in 0..4 {
                records.push(Record::Utterance(utterance(
                    tenant,
                    &id,
                    seq,
                    &format!("{tenant} says {seq}"),
                )));
            }
            records.push(Record::JourneyEvent(event(
                tenant,
                &format!("ev-{i}"),
                t0() + Duration::hours(i),
            )));
            records.push(Record::Metric(metric(
                tenant,
                t0() + Duration::hours(i),
                i as f64,
            )));
        }
    }
    records
}

#[tokio::test]
async fn shared_fixture_cases_pass_on_both_backends() {
    let fixtures = fixtures();
    for case in fixtures["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let input: Vec<&str> = case["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let input = input.join("\n");
        for_each_backend(|store| {
            let input = input.clone();
            async move {
                for round in ["first", "second"] {
                    let report = store.ingest_jsonl(input.as_bytes(), &IngestLimits::default()).await.unwrap();
                    let expected = &case[round];
                    assert_eq!(report.written.inserted as u64, expected["inserted"].as_u64().unwrap(), "{name} {round}");
                    assert_eq!(report.written.updated as u64, expected["updated"].as_u64().unwrap(), "{name} {round}");
                    assert_eq!(report.written.unchanged as u64, expected["unchanged"].as_u64().unwrap(), "{name} {round}");
                    let rejected: Vec<Value> = report
                        .rejected
                        .iter()
                        .map(|e| serde_json::json!({"line": e.line, "record_id": e.record_id, "field": e.field}))
                        .collect();
                    assert_eq!(&Value::Array(rejected), &expected["rejected"], "{name} {round}");
                }
                for (tenant, ids) in case["calls"].as_object().unwrap() {
                    let got: Vec<String> = store.calls(tenant, TimeRange::all()).await.unwrap().into_iter().map(|c| c.id).collect();
                    let want: Vec<String> = ids.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
                    assert_eq!(got, want, "{name}: calls of {tenant}");
                }
            }
        })
        .await;
    }
}

#[tokio::test]
async fn ingestion_is_idempotent_and_updates_replace() {
    for_each_backend(|store| async move {
        let records = two_tenants();
        let first = store.put(records.clone()).await.unwrap();
        assert_eq!(first.inserted, records.len());
        let before = store.utterances("acme", TimeRange::all()).await.unwrap();
        let again = store.put(records.clone()).await.unwrap();
        assert_eq!(
            (again.inserted, again.updated, again.unchanged),
            (0, 0, records.len())
        );
        assert_eq!(
            store.utterances("acme", TimeRange::all()).await.unwrap(),
            before
        );
        assert_eq!(
            store.calls("acme", TimeRange::all()).await.unwrap().len(),
            3
        );

        let mut ended = call("acme", "call-1", t0() + Duration::hours(1));
        ended.ended_at = Some(ended.started_at + Duration::minutes(9));
        let update = store.put(vec![Record::Call(ended.clone())]).await.unwrap();
        assert_eq!(
            (update.inserted, update.updated, update.unchanged),
            (0, 1, 0)
        );
        let calls = store.calls("acme", TimeRange::all()).await.unwrap();
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[1], ended);
    })
    .await;
}

#[tokio::test]
async fn reads_never_cross_tenants() {
    for_each_backend(|store| async move {
        store.put(two_tenants()).await.unwrap();
        for tenant in ["acme", "globex"] {
            let all = TimeRange::all();
            assert!(
                store
                    .calls(tenant, all)
                    .await
                    .unwrap()
                    .iter()
                    .all(|c| c.tenant == tenant)
            );
            let utterances = store.utterances(tenant, all).await.unwrap();
            assert_eq!(utterances.len(), 12);
            assert!(
                utterances
                    .iter()
                    .all(|u| u.tenant == tenant && u.text.starts_with(tenant))
            );
            let transcript = store.transcript(tenant, "call-0").await.unwrap();
            assert_eq!(transcript.len(), 4);
            assert!(transcript.iter().all(|u| u.tenant == tenant));
            assert!(
                store
                    .journey_events(tenant, all)
                    .await
                    .unwrap()
                    .iter()
                    .all(|e| e.tenant == tenant)
            );
            assert!(
                store
                    .metrics(tenant, all)
                    .await
                    .unwrap()
                    .iter()
                    .all(|m| m.tenant == tenant)
            );
        }
        assert!(
            store
                .calls("initech", TimeRange::all())
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .transcript("initech", "call-0")
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(store.tenant_ids().await.unwrap(), vec!["acme", "globex"]);
    })
    .await;
}

#[tokio::test]
async fn queries_respect_time_ranges_and_order() {
    for_each_backend(|store| async move {
        store.put(two_tenants()).await.unwrap();
        // [t0 + 1h, t0 + 2h) holds exactly the second call, event and sample.
        let range = TimeRange::new(t0() + Duration::hours(1), t0() + Duration::hours(2)).unwrap();
        let calls = store.calls("acme", range).await.unwrap();
        assert_eq!(
            calls.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            vec!["call-1"]
        );
        let utterances = store.utterances("acme", range).await.unwrap();
        assert_eq!(
            utterances.iter().map(|u| u.seq).collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        assert!(utterances.iter().all(|u| u.call_id == "call-1"));
        assert_eq!(store.journey_events("acme", range).await.unwrap().len(), 1);
        assert_eq!(store.metrics("acme", range).await.unwrap()[0].value, 1.0);
        let all = store.calls("acme", TimeRange::all()).await.unwrap();
        assert_eq!(
            all.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            vec!["call-0", "call-1", "call-2"]
        );
        assert!(TimeRange::new(t0(), t0() - Duration::seconds(1)).is_err());
    })
    .await;
}

/// Times and bounds with sub-millisecond digits: both backends compare at millisecond
/// precision and so select the same records (the SQLite index holds milliseconds).
#[tokio::test]
async fn sub_millisecond_bounds_select_the_same_records_on_both_backends() {
    let at = |micros: i64| t0() + Duration::microseconds(micros);
    let selections = std::sync::Mutex::new(Vec::new());
    for_each_backend(|store| {
        let selections = &selections;
        async move {
            let mut records = Vec::new();
            // 1.2 ms, 1.7 ms, 2.0 ms and 2.9 ms after t0.
            for (i, micros) in [1_200, 1_700, 2_000, 2_900].into_iter().enumerate() {
                let id = format!("call-{i}");
                records.push(Record::Call(call("acme", &id, at(micros))));
                records.push(Record::Utterance(utterance("acme", &id, 0, "hello")));
                records.push(Record::JourneyEvent(event("acme", &id, at(micros))));
                // A sample's key holds its time to the millisecond: one source per sample.
                let mut sample = metric("acme", at(micros), i as f64);
                sample.source = id.clone();
                records.push(Record::Metric(sample));
            }
            store.put(records).await.unwrap();
            let mut selected = Vec::new();
            for (start, end) in [
                (1_500, 2_500),
                (1_000, 2_000),
                (1_999, 2_001),
                (2_100, 2_950),
            ] {
                let range = TimeRange::new(at(start), at(end)).unwrap();
                let ids = |ids: Vec<&str>| ids.into_iter().map(String::from).collect::<Vec<_>>();
                let calls = store.calls("acme", range).await.unwrap();
                let calls = ids(calls.iter().map(|c| c.id.as_str()).collect());
                let utterances = store.utterances("acme", range).await.unwrap();
                let utterances = ids(utterances.iter().map(|u| u.call_id.as_str()).collect());
                let events = store.journey_events("acme", range).await.unwrap();
                let events = ids(events.iter().map(|e| e.id.as_str()).collect());
                let metrics = store.metrics("acme", range).await.unwrap().len();
                assert_eq!(calls, utterances);
                assert_eq!(calls, events);
                assert_eq!(calls.len(), metrics);
                selected.push(calls);
            }
            selections.lock().unwrap().push(selected);
        }
    })
    .await;
    let selections = selections.into_inner().unwrap();
    assert_eq!(selections[0], selections[1], "memory vs SQLite");
    // [1.5, 2.5) ms truncates to [1, 2) ms: the calls at 1.2 and 1.7 ms.
    assert_eq!(selections[0][0], vec!["call-0", "call-1"]);
    // [2.1, 2.95) ms truncates to [2, 2) ms: empty.
    assert!(selections[0][3].is_empty());
}

#[tokio::test]
async fn transcripts_come_back_in_sequence_order() {
    for_each_backend(|store| async move {
        let seqs = [11, 2, 0, 10, 1];
        let records = seqs
            .iter()
            .map(|&s| Record::Utterance(utterance("acme", "c", s, "x")))
            .collect();
        store.put(records).await.unwrap();
        let got: Vec<u32> = store
            .transcript("acme", "c")
            .await
            .unwrap()
            .iter()
            .map(|u| u.seq)
            .collect();
        assert_eq!(got, vec![0, 1, 2, 10, 11]);
    })
    .await;
}

/// `call#seq` of acme's utterances without a call record.
async fn orphan_keys(store: &dyn Store) -> Vec<String> {
    store
        .utterances_without_call("acme")
        .await
        .unwrap()
        .iter()
        .map(|u| format!("{}#{}", u.call_id, u.seq))
        .collect()
}

/// Utterances stored before (or without) their call's record: no range reaches them, the
/// dedicated query does, per tenant, by call id then sequence, and stops once the call arrives.
#[tokio::test]
async fn utterances_without_a_call_record_are_found_by_their_own_query() {
    for_each_backend(|store| async move {
        store
            .put(vec![
                Record::Call(call("acme", "known", t0())),
                Record::Utterance(utterance("acme", "known", 0, "hello")),
                Record::Utterance(utterance("acme", "pending-b", 10, "x")),
                Record::Utterance(utterance("acme", "pending-b", 2, "x")),
                Record::Utterance(utterance("acme", "pending-a", 0, "x")),
                Record::Utterance(utterance("globex", "pending-g", 0, "x")),
            ])
            .await
            .unwrap();
        assert_eq!(
            orphan_keys(store.as_ref()).await,
            ["pending-a#0", "pending-b#2", "pending-b#10"]
        );
        let in_range = store.utterances("acme", TimeRange::all()).await.unwrap();
        assert_eq!(in_range.len(), 1);
        store
            .put(vec![Record::Call(call("acme", "pending-b", t0()))])
            .await
            .unwrap();
        assert_eq!(orphan_keys(store.as_ref()).await, ["pending-a#0"]);
        assert_eq!(
            store
                .utterances("acme", TimeRange::all())
                .await
                .unwrap()
                .len(),
            3
        );
    })
    .await;
}

#[tokio::test]
async fn sqlite_store_persists_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persist.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        store.put(two_tenants()).await.unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.calls("globex", TimeRange::all()).await.unwrap().len(),
        3
    );
    assert_eq!(store.transcript("globex", "call-2").await.unwrap().len(), 4);
}

/// Samples of one metric and source less than a millisecond apart are two samples; a file of
/// schema version 1 (keys to the millisecond) is re-keyed when opened.
#[tokio::test]
async fn metric_samples_under_a_millisecond_apart_stay_apart() {
    let at = t0() + chrono::Duration::microseconds(123_450);
    let samples = [
        metric("acme", at, 1.0),
        metric("acme", at + chrono::Duration::microseconds(500), 2.0),
        metric("acme", t0(), 3.0),
    ];
    let records = || {
        samples
            .iter()
            .cloned()
            .map(Record::Metric)
            .collect::<Vec<_>>()
    };
    for_each_backend(|store| async move {
        assert_eq!(store.put(records()).await.unwrap().inserted, 3);
        let values: Vec<f64> = store
            .metrics("acme", TimeRange::all())
            .await
            .unwrap()
            .iter()
            .map(|m| m.value)
            .collect();
        assert_eq!(values, [3.0, 1.0, 2.0]);
    })
    .await;

    // A version 1 file: keys cut at the millisecond (so it could not hold samples 0 and 1
    // both).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    let v1_records = vec![
        Record::Metric(samples[0].clone()),
        Record::Metric(samples[2].clone()),
    ];
    SqliteStore::open(&path)
        .unwrap()
        .put(v1_records.clone())
        .await
        .unwrap();
    let connection = rusqlite::Connection::open(&path).unwrap();
    let cut = connection
        .execute(
            "UPDATE records SET key = substr(key, 1, instr(key, '.') - 1) WHERE instr(key, '.') > 0",
            [],
        )
        .unwrap();
    assert_eq!(cut, 1);
    // A body that does not parse keeps its key rather than locking the file.
    connection
        .execute(
            "INSERT INTO records (tenant, kind, key, ts_ms, body) VALUES ('acme', 'metric', 'x|y|1', 1, '{')",
            [],
        )
        .unwrap();
    connection.pragma_update(None, "user_version", 1).unwrap();
    drop(connection);
    let store = SqliteStore::open(&path).unwrap();
    let again = store.put(v1_records).await.unwrap();
    assert_eq!((again.inserted, again.unchanged), (0, 2));
    let added = store.put(records()).await.unwrap();
    assert_eq!((added.inserted, added.unchanged), (1, 2));
}

#[tokio::test]
async fn sqlite_store_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    let connection = rusqlite::Connection::open(&path).unwrap();
    connection.pragma_update(None, "user_version", 99).unwrap();
    drop(connection);
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(error.to_string().contains("schema version 99"), "{error}");
}

/// Environment variable that turns `sigkill_writer` into the writer process of the durability test.
const WRITER_ENV: &str = "AYBIZA_SIGKILL_WRITER_DB";
const BATCH: usize = 50;

fn durability_call(i: usize) -> Record {
    Record::Call(call(
        "acme",
        &format!("call-{i:07}"),
        t0() + Duration::seconds(i as i64),
    ))
}

/// The writer half of the durability test, spawned by it as a child process.
/// It writes batches forever and prints `ACK n` after each batch `put` returns.
#[tokio::test]
#[ignore = "the writer process of acknowledged_writes_survive_sigkill, which runs it"]
async fn sigkill_writer() {
    let path = std::env::var(WRITER_ENV).expect("spawned by acknowledged_writes_survive_sigkill");
    let store = SqliteStore::open(PathBuf::from(path)).unwrap();
    let mut next = 0;
    loop {
        let batch = (next..next + BATCH).map(durability_call).collect();
        store.put(batch).await.unwrap();
        next += BATCH;
        println!("ACK {next}");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("durable.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "sigkill_writer",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(WRITER_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acknowledged = 0;
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while acknowledged < 200 * BATCH {
        let line = lines.next().expect("writer ended early").unwrap();
        if let Some(n) = line.strip_prefix("ACK ") {
            acknowledged = n.trim().parse().unwrap();
        }
    }
    // SIGKILL while the writer is in the middle of further batches.
    child.kill().unwrap();
    child.wait().unwrap();

    let store = SqliteStore::open(&path).unwrap();
    let calls = store.calls("acme", TimeRange::all()).await.unwrap();
    assert!(
        calls.len() >= acknowledged,
        "{} stored < {acknowledged} acknowledged",
        calls.len()
    );
    assert_eq!(calls.len() % BATCH, 0, "a batch was stored in part");
    for (i, stored) in calls.iter().enumerate() {
        assert_eq!(stored.id, format!("call-{i:07}"));
    }
}
