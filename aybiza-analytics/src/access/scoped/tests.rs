use super::*;
use crate::MemoryStore;
use crate::access::{JsonlAuditLog, MemoryAuditLog, Role, read_audit_log};
use crate::export::{TableKind, TableOptions, tenant_tables};

fn records() -> Vec<Record> {
    let lines = [
        r#"{"type":"call","id":"c1","tenant":"north","customer_id":"k1","channel":"voice","direction":"inbound","started_at":"2026-03-09T10:00:00Z","tags":["callback 555-867-5309"],"attributes":{"email":"jo@example.com"}}"#,
        r#"{"type":"utterance","tenant":"north","call_id":"c1","seq":0,"speaker":"customer","text":"my card is 4111 1111 1111 1111","start_ms":0,"end_ms":3000}"#,
        r#"{"type":"call","id":"c2","tenant":"south","customer_id":"k2","channel":"chat","direction":"inbound","started_at":"2026-03-09T11:00:00Z"}"#,
        r#"{"type":"journey_event","id":"e1","tenant":"north","customer_id":"k1","channel":"web","action":"visit","timestamp":"2026-03-09T09:00:00Z","attributes":{"ssn":"078-05-1120"}}"#,
    ];
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn filled() -> Arc<dyn Store> {
    let store = MemoryStore::new();
    store.put(records()).await.unwrap();
    Arc::new(store)
}

fn scoped(
    inner: Arc<dyn Store>,
    role: Role,
    tenants: &[&str],
) -> (ScopedStore, Arc<MemoryAuditLog>) {
    let audit = Arc::new(MemoryAuditLog::new());
    let principal = Principal::new("pat", role, tenants.iter().copied());
    let store = ScopedStore::new(inner, principal, audit.clone()).unwrap();
    (store, audit)
}

#[tokio::test]
async fn a_viewer_reads_its_tenant_with_personal_data_masked() {
    let (viewer, audit) = scoped(filled().await, Role::Viewer, &["north"]);
    let all = TimeRange::all();
    let calls = viewer.calls("north", all).await.unwrap();
    assert_eq!(calls[0].tags, ["callback [PHONE]"]);
    assert_eq!(calls[0].attributes["email"], "[EMAIL]");
    let transcript = viewer.transcript("north", "c1").await.unwrap();
    assert_eq!(transcript[0].text, "my card is [CARD]");
    assert_eq!(
        viewer.utterances("north", all).await.unwrap()[0].text,
        "my card is [CARD]"
    );
    let events = viewer.journey_events("north", all).await.unwrap();
    assert_eq!(events[0].attributes["ssn"], "[SSN]");

    let log = audit.events();
    assert_eq!(log.len(), 4);
    assert!(
        log.iter()
            .all(|e| e.allowed && e.redacted && e.principal == "pat")
    );
    assert_eq!(log[0].action, AuditAction::Calls);
    assert_eq!(log[0].range, Some(all));
    assert_eq!(log[1].call_id.as_deref(), Some("c1"));
    assert_eq!(log[1].records, 1);
}

#[tokio::test]
async fn an_analyst_reads_records_as_stored() {
    let inner = filled().await;
    let (analyst, audit) = scoped(inner.clone(), Role::Analyst, &["north"]);
    let all = TimeRange::all();
    assert_eq!(
        analyst.calls("north", all).await.unwrap(),
        inner.calls("north", all).await.unwrap()
    );
    assert_eq!(
        analyst.transcript("north", "c1").await.unwrap()[0].text,
        "my card is 4111 1111 1111 1111"
    );
    assert!(audit.events().iter().all(|e| e.allowed && !e.redacted));
}

#[tokio::test]
async fn other_tenants_are_denied_and_the_denial_is_audited() {
    let (viewer, audit) = scoped(filled().await, Role::Viewer, &["north"]);
    let error = viewer.calls("south", TimeRange::all()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Forbidden(m) if m.contains("'pat' may not access tenant 'south'"))
    );
    assert_eq!(viewer.tenant_ids().await.unwrap(), ["north"]);
    let log = audit.events();
    assert!(!log[0].allowed && log[0].records == 0 && !log[0].redacted);
    assert_eq!(log[0].tenant.as_deref(), Some("south"));
    assert!(log[0].reason.as_deref().unwrap().contains("south"));
    assert!(log[1].allowed && log[1].action == AuditAction::TenantIds && log[1].records == 1);

    let (everyone, _) = scoped(filled().await, Role::Analyst, &["*"]);
    assert_eq!(everyone.tenant_ids().await.unwrap(), ["north", "south"]);
}

#[tokio::test]
async fn writes_need_a_writing_role_and_every_tenant_of_the_batch() {
    let inner: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let (pipeline, audit) = scoped(inner.clone(), Role::Ingest, &["north"]);
    let north: Vec<Record> = records()
        .into_iter()
        .filter(|r| r.tenant() == "north")
        .collect();
    assert_eq!(pipeline.put(north.clone()).await.unwrap().inserted, 3);
    // One foreign record refuses the whole batch: nothing of it is written.
    let error = pipeline.put(records()).await.unwrap_err();
    assert!(matches!(&error, Error::Forbidden(m) if m.contains("may not write to tenant 'south'")));
    assert!(
        inner
            .calls("south", TimeRange::all())
            .await
            .unwrap()
            .is_empty()
    );
    // An ingest principal reads nothing, not even its own tenant.
    let error = pipeline.calls("north", TimeRange::all()).await.unwrap_err();
    assert!(matches!(&error, Error::Forbidden(m) if m.contains("ingest role, which may not read")));
    let log = audit.events();
    assert_eq!(
        log.iter()
            .map(|e| (e.action, e.allowed, e.records))
            .collect::<Vec<_>>(),
        [
            (AuditAction::Put, true, 3),
            // The refused batch: one event for each of its two tenants.
            (AuditAction::Put, false, 0),
            (AuditAction::Put, false, 0),
            (AuditAction::Calls, false, 0),
        ]
    );

    let (viewer, _) = scoped(inner, Role::Viewer, &["north"]);
    let error = viewer.put(north).await.unwrap_err();
    assert!(
        matches!(&error, Error::Forbidden(m) if m.contains("viewer role, which may not write"))
    );
}

#[tokio::test]
async fn analyses_through_a_scoped_store_see_what_the_principal_sees() {
    let (viewer, audit) = scoped(filled().await, Role::Viewer, &["north"]);
    // Even asked not to redact, the tables of a viewer hold masked text.
    let options = TableOptions {
        tables: vec![TableKind::Utterances],
        redact: false,
        ..TableOptions::default()
    };
    let tables = tenant_tables(&viewer, "north", TimeRange::all(), &options)
        .await
        .unwrap();
    let crate::export::ColumnValues::Text(texts) = &tables[0].column("text").unwrap().values else {
        panic!("text column");
    };
    assert_eq!(texts[0].as_deref(), Some("my card is [CARD]"));
    assert!(
        audit
            .events()
            .iter()
            .any(|e| e.action == AuditAction::Utterances)
    );
    assert!(
        tenant_tables(&viewer, "south", TimeRange::all(), &options)
            .await
            .is_err()
    );
}

struct BrokenLog;

impl AuditLog for BrokenLog {
    fn record(&self, _: &AuditEvent) -> Result<()> {
        Err(Error::Io(std::io::Error::other("disk full")))
    }
}

#[tokio::test]
async fn nothing_is_returned_when_the_access_cannot_be_audited() {
    let principal = Principal::new("pat", Role::Analyst, ["north"]);
    let store = ScopedStore::new(filled().await, principal, Arc::new(BrokenLog)).unwrap();
    let error = store.calls("north", TimeRange::all()).await.unwrap_err();
    assert!(matches!(&error, Error::Io(e) if e.to_string() == "disk full"));
    let error = store.calls("south", TimeRange::all()).await.unwrap_err();
    assert!(
        matches!(error, Error::Io(_)),
        "a denial that cannot be audited is still an error"
    );
}

#[test]
fn principals_need_an_id_and_tenants() {
    let inner: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let audit = Arc::new(MemoryAuditLog::new());
    for principal in [
        Principal::new(" ", Role::Viewer, ["north"]),
        Principal::new("pat", Role::Viewer, Vec::<String>::new()),
        Principal::new("pat", Role::Viewer, [""]),
    ] {
        let error = ScopedStore::new(inner.clone(), principal, audit.clone()).err();
        assert!(matches!(error, Some(Error::InvalidArgument(_))));
    }
    let parsed: std::result::Result<Principal, _> =
        serde_json::from_str(r#"{"id":"pat","role":"owner","tenants":["*"]}"#);
    assert!(parsed.is_err());
}

#[tokio::test]
async fn a_jsonl_audit_log_reads_back_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let principal = Principal::new("pat", Role::Viewer, ["north"]);
    let audit = Arc::new(JsonlAuditLog::open(&path).unwrap());
    let store = ScopedStore::new(filled().await, principal, audit).unwrap();
    store.calls("north", TimeRange::all()).await.unwrap();
    store.metrics("south", TimeRange::all()).await.unwrap_err();
    // A second log on the same file appends.
    let again = JsonlAuditLog::open(&path).unwrap();
    let events = read_audit_log(&path).unwrap();
    again.record(&events[0]).unwrap();
    let events = read_audit_log(&path).unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0], events[2]);
    assert!(events[0].allowed && !events[1].allowed);
    assert_eq!(events[1].action, AuditAction::Metrics);

    std::fs::write(&path, "{\"not\":\"an event\"}\n").unwrap();
    let error = read_audit_log(&path).unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(m) if m.contains("line 1")));
}

#[tokio::test]
async fn every_write_is_audited_per_tenant_even_when_refused_or_empty() {
    let inner: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let (pipeline, audit) = scoped(inner.clone(), Role::Ingest, &["north"]);
    pipeline.put(Vec::new()).await.unwrap();
    pipeline.put(records()).await.unwrap_err();
    let (viewer, viewer_audit) = scoped(inner, Role::Viewer, &["north"]);
    viewer.put(records()).await.unwrap_err();
    let summary = |log: &MemoryAuditLog| {
        log.events()
            .iter()
            .map(|e| (e.tenant.clone(), e.allowed, e.records))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        summary(&audit),
        [
            (None, true, 0),
            (Some("north".to_owned()), false, 0),
            (Some("south".to_owned()), false, 0),
        ]
    );
    assert_eq!(
        viewer_audit.events()[1].reason.as_deref(),
        Some("'pat' has the viewer role, which may not write records")
    );
    assert_eq!(summary(&viewer_audit).len(), 2);
    // Every event has every key, null where it does not apply.
    let json = serde_json::to_value(&audit.events()[0]).unwrap();
    for key in ["tenant", "range", "call_id", "reason"] {
        assert_eq!(json[key], serde_json::Value::Null, "{key}");
    }
}

#[tokio::test]
async fn a_denied_read_never_reaches_the_inner_store() {
    struct Unreachable;
    #[async_trait]
    impl Store for Unreachable {
        async fn put(&self, _: Vec<Record>) -> Result<WriteCounts> {
            unreachable!("denied")
        }
        async fn tenant_ids(&self) -> Result<Vec<String>> {
            unreachable!("denied")
        }
        async fn tenant(&self, _: &str) -> Result<Option<Tenant>> {
            unreachable!("denied")
        }
        async fn calls(&self, _: &str, _: TimeRange) -> Result<Vec<Call>> {
            unreachable!("denied")
        }
        async fn utterances(&self, _: &str, _: TimeRange) -> Result<Vec<Utterance>> {
            unreachable!("denied")
        }
        async fn utterances_without_call(&self, _: &str) -> Result<Vec<Utterance>> {
            unreachable!("denied")
        }
        async fn transcript(&self, _: &str, _: &str) -> Result<Vec<Utterance>> {
            unreachable!("denied")
        }
        async fn journey_events(&self, _: &str, _: TimeRange) -> Result<Vec<JourneyEvent>> {
            unreachable!("denied")
        }
        async fn metrics(&self, _: &str, _: TimeRange) -> Result<Vec<MetricSample>> {
            unreachable!("denied")
        }
    }
    let (viewer, audit) = scoped(Arc::new(Unreachable), Role::Viewer, &["north"]);
    let all = TimeRange::all();
    assert!(viewer.calls("south", all).await.is_err());
    assert!(viewer.utterances_without_call("south").await.is_err());
    assert!(viewer.metrics("south", all).await.is_err());
    assert!(viewer.tenant("south").await.is_err());
    assert!(viewer.put(records()).await.is_err());
    assert_eq!(audit.events().len(), 1 + 1 + 1 + 1 + 2);
}

#[tokio::test]
async fn utterances_without_a_call_are_masked_for_a_viewer_too() {
    let inner = filled().await;
    let orphan: Record = serde_json::from_str(
        r#"{"type":"utterance","tenant":"north","call_id":"c9","seq":0,"speaker":"customer","text":"mail jo@example.com","start_ms":0,"end_ms":900}"#,
    )
    .unwrap();
    inner.put(vec![orphan]).await.unwrap();
    let (viewer, audit) = scoped(inner, Role::Viewer, &["north"]);
    let orphans = viewer.utterances_without_call("north").await.unwrap();
    assert_eq!(orphans[0].text, "mail [EMAIL]");
    let tenant = viewer.tenant("north").await.unwrap();
    assert!(tenant.is_none());
    let events = audit.events();
    assert_eq!(events[0].action, AuditAction::UtterancesWithoutCall);
    assert!(events[0].redacted);
    assert_eq!(events[1].action, AuditAction::Tenant);
    assert!(!events[1].redacted);
}

#[test]
fn roles_parse_from_their_names() {
    for role in Role::ALL {
        assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
    }
    let error = "owner".parse::<Role>().unwrap_err();
    assert!(
        error.to_string().contains("unknown role 'owner'"),
        "{error}"
    );
}
