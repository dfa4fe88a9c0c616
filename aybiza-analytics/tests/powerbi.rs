//! The Power BI push client against a local server that keeps push datasets as Power BI does
//! (workspaces, datasets, table schemas, rows; its limits enforced) and signs service principals
//! in as Microsoft Entra ID does, with injected faults: throttling, server errors, refusals and
//! connections dropped before the answer.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aybiza_analytics::export::powerbi::{
    MAX_ROWS_PER_REQUEST, PowerBiAuth, PowerBiClient, PowerBiConfig, PowerBiSettings, PushMode,
    PushOptions, RetentionPolicy, rows_body,
};
use aybiza_analytics::export::{Table, TableKind, TableOptions, tenant_tables};
use aybiza_analytics::llm::RetryPolicy;
use aybiza_analytics::model::ingest::IngestLimits;
use aybiza_analytics::sim::{SimConfig, simulate};
use aybiza_analytics::{Error, MemoryStore, SqliteStore, Store, TimeRange};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[path = "support/http.rs"]
mod http;
use http::{accept_each, bind, read_request, write_response};

/// A fault the server injects instead of handling a request.
#[derive(Debug, Clone)]
enum Fault {
    /// Answer with this status, an optional `Retry-After` (seconds) and a Power BI error body.
    Status(u16, Option<u64>),
    /// Apply the request, then close the connection without answering.
    DropAfterApplying,
    /// Apply the request, answer 200, then close the connection halfway through the body.
    CutShortAfterApplying,
    /// Handle the request normally.
    Pass,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: String,
    /// Rows in a "post rows" body.
    rows: usize,
}

#[derive(Default)]
struct Dataset {
    name: String,
    push: bool,
    retention: String,
    /// Table name to (column names, rows).
    tables: BTreeMap<String, (Vec<String>, Vec<Value>)>,
}

#[derive(Default)]
struct State {
    datasets: BTreeMap<String, Dataset>,
    seen: Vec<Seen>,
    /// Faults for requests whose "METHOD path" contains the key, in order.
    faults: Vec<(String, VecDeque<Fault>)>,
    /// Tokens issued to the service principal; the valid one is the last.
    issued: Vec<String>,
    client_secret: String,
    /// Tokens the API accepts.
    valid_tokens: Vec<String>,
}

#[derive(Clone)]
struct FakePowerBi {
    url: String,
    state: Arc<Mutex<State>>,
}

impl FakePowerBi {
    async fn start() -> Self {
        let (listener, url) = bind().await;
        let server = FakePowerBi {
            url,
            state: Arc::new(Mutex::new(State {
                client_secret: "s3cret".into(),
                valid_tokens: vec!["user-token".into()],
                ..State::default()
            })),
        };
        let state = server.clone();
        accept_each(listener, move |stream| {
            let state = state.clone();
            async move { state.serve(stream).await }
        });
        server
    }

    fn api_url(&self) -> String {
        format!("{}/v1.0/myorg", self.url)
    }

    fn inject(&self, request: &str, faults: Vec<Fault>) {
        let mut state = self.state.lock().unwrap();
        state.faults.push((request.into(), faults.into()));
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    fn add_dataset(&self, id: &str, name: &str, push: bool, tables: &[&str]) {
        let mut state = self.state.lock().unwrap();
        let tables = tables
            .iter()
            .map(|t| (t.to_string(), (Vec::new(), Vec::new())))
            .collect();
        let dataset = Dataset {
            name: name.into(),
            push,
            retention: "None".into(),
            tables,
        };
        state.datasets.insert(id.into(), dataset);
    }

    /// The rows stored in table `table` of the only dataset called `name`.
    fn rows(&self, name: &str, table: &str) -> Vec<Value> {
        let state = self.state.lock().unwrap();
        let dataset = state.datasets.values().find(|d| d.name == name).unwrap();
        dataset.tables[table].1.clone()
    }

    async fn serve(&self, mut stream: TcpStream) {
        let mut buffer = Vec::new();
        while let Some(request) = read_request(&mut stream, &mut buffer).await {
            let authorization = request.header("authorization").unwrap_or_default();
            let (status, retry_after, answer, fault) =
                self.handle(&request.method, &request.path, authorization, &request.body);
            match fault {
                Some(Fault::DropAfterApplying) => return,
                Some(Fault::CutShortAfterApplying) => {
                    let cut = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{}";
                    let _ = stream.write_all(cut.as_bytes()).await;
                    return;
                }
                _ => {}
            }
            let retry_after = retry_after.map(|seconds| ("retry-after", seconds.to_string()));
            if write_response(&mut stream, status, retry_after, &answer)
                .await
                .is_err()
            {
                return;
            }
        }
    }

    /// Status, Retry-After, body, and the fault that applies to delivering the answer.
    fn handle(
        &self,
        method: &str,
        path: &str,
        authorization: &str,
        body: &[u8],
    ) -> (u16, Option<u64>, String, Option<Fault>) {
        let mut state = self.state.lock().unwrap();
        let raw = body;
        let body: Value = serde_json::from_slice(raw).unwrap_or(Value::Null);
        let rows = body["rows"].as_array().map_or(0, Vec::len);
        state.seen.push(Seen {
            method: method.into(),
            path: path.into(),
            authorization: authorization.into(),
            rows,
        });
        let request = format!("{method} {path}");
        let fault = state
            .faults
            .iter_mut()
            .find(|(key, faults)| request.contains(key.as_str()) && !faults.is_empty())
            .and_then(|(_, faults)| faults.pop_front());
        if let Some(Fault::Status(status, retry_after)) = fault {
            let error =
                json!({"error": {"code": "Injected", "message": format!("injected {status}")}});
            return (status, retry_after, error.to_string(), None);
        }
        let (status, answer) = if path.contains("/oauth2/v2.0/token") {
            sign_in(&mut state, &String::from_utf8_lossy(raw))
        } else if !state
            .valid_tokens
            .iter()
            .any(|t| authorization == format!("Bearer {t}"))
        {
            (
                401,
                json!({"error": {"code": "TokenExpired", "message": "bad token"}}),
            )
        } else {
            api(&mut state, method, path, &body)
        };
        (status, None, answer.to_string(), fault)
    }
}

/// The token endpoint: a client-credentials grant in a form body.
fn sign_in(state: &mut State, form: &str) -> (u16, Value) {
    let fields: HashMap<&str, &str> = form
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .collect();
    if fields.get("grant_type") != Some(&"client_credentials")
        || fields.get("client_secret") != Some(&state.client_secret.as_str())
        || fields.get("scope")
            != Some(&"https%3A%2F%2Fanalysis.windows.net%2Fpowerbi%2Fapi%2F.default")
    {
        return (
            401,
            json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}),
        );
    }
    let token = format!("sp-token-{}", state.issued.len() + 1);
    state.issued.push(token.clone());
    state.valid_tokens = vec![token.clone()];
    (
        200,
        json!({"token_type": "Bearer", "expires_in": 3599, "access_token": token}),
    )
}

/// The REST API: datasets, tables, rows.
fn api(state: &mut State, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = path
        .strip_prefix("/v1.0/myorg")
        .expect("the API's base path");
    let path = match path.strip_prefix("/groups/") {
        Some(rest) => rest.split_once('/').map_or("", |(_, rest)| rest),
        None => path.trim_start_matches('/'),
    };
    let parts: Vec<&str> = path.split('/').collect();
    let bad = |message: &str| {
        (
            400,
            json!({"error": {"code": "BadRequest", "message": message}}),
        )
    };
    match (method, parts.as_slice()) {
        ("GET", ["datasets"]) => {
            let value: Vec<Value> = state
                .datasets
                .iter()
                .map(|(id, d)| json!({"id": id, "name": d.name, "addRowsAPIEnabled": d.push}))
                .collect();
            (200, json!({ "value": value }))
        }
        ("POST", ["datasets"]) => {
            if body["defaultMode"] != "Push" {
                return bad("only push datasets");
            }
            let id = format!("ds-{}", state.datasets.len() + 1);
            let mut dataset = Dataset {
                name: body["name"].as_str().unwrap_or_default().into(),
                push: true,
                retention: query.trim_start_matches("defaultRetentionPolicy=").into(),
                tables: BTreeMap::new(),
            };
            for table in body["tables"].as_array().unwrap() {
                let columns = column_names(table);
                if columns.len() > 75 {
                    return bad("too many columns");
                }
                dataset.tables.insert(
                    table["name"].as_str().unwrap().into(),
                    (columns, Vec::new()),
                );
            }
            state.datasets.insert(id.clone(), dataset);
            (
                201,
                json!({"id": id, "name": body["name"], "defaultRetentionPolicy": query}),
            )
        }
        ("GET", ["datasets", id, "tables"]) => match state.datasets.get(*id) {
            Some(d) => {
                let value: Vec<Value> = d.tables.keys().map(|name| json!({"name": name})).collect();
                (200, json!({ "value": value }))
            }
            None => (404, json!({"error": {"code": "ItemNotFound"}})),
        },
        ("PUT", ["datasets", id, "tables", table]) => {
            match state
                .datasets
                .get_mut(*id)
                .and_then(|d| d.tables.get_mut(*table))
            {
                Some(existing) => {
                    existing.0 = column_names(body);
                    (200, body.clone())
                }
                None => (404, json!({"error": {"code": "ItemNotFound"}})),
            }
        }
        ("DELETE", ["datasets", id, "tables", table, "rows"]) => {
            match state
                .datasets
                .get_mut(*id)
                .and_then(|d| d.tables.get_mut(*table))
            {
                Some(existing) => {
                    existing.1.clear();
                    (200, json!({}))
                }
                None => (404, json!({"error": {"code": "ItemNotFound"}})),
            }
        }
        ("POST", ["datasets", id, "tables", table, "rows"]) => {
            let Some((columns, stored)) = state
                .datasets
                .get_mut(*id)
                .and_then(|d| d.tables.get_mut(*table))
            else {
                return (404, json!({"error": {"code": "ItemNotFound"}}));
            };
            let rows = body["rows"].as_array().cloned().unwrap_or_default();
            if rows.len() > MAX_ROWS_PER_REQUEST {
                return bad("too many rows");
            }
            for row in &rows {
                for (key, value) in row.as_object().unwrap() {
                    if !columns.contains(key) {
                        return bad(&format!("unknown column {key}"));
                    }
                    if value.as_str().is_some_and(|s| s.chars().count() > 4000) {
                        return bad("string too long");
                    }
                }
            }
            stored.extend(rows);
            (200, json!({}))
        }
        _ => (404, json!({"error": {"code": "NotFound", "message": path}})),
    }
}

fn column_names(table: &Value) -> Vec<String> {
    table["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// A store with one simulated tenant, "northwind": two days of calls, journeys and metrics.
async fn store() -> MemoryStore {
    let output = simulate(&SimConfig {
        tenants: 1,
        days: 2,
        calls_per_day: 60,
        customers_per_tenant: 200,
        agents_per_tenant: 6,
        journeys_per_day: 10,
        anomaly_days: 0,
        ..SimConfig::default()
    })
    .unwrap();
    let store = MemoryStore::new();
    store.put(output.records).await.unwrap();
    store
}

const TENANT: &str = "northwind";

/// The client's configuration against `server`, with a user's token and quick retries.
fn config(server: &FakePowerBi) -> PowerBiConfig {
    let mut config = PowerBiConfig::new(PowerBiAuth::AccessToken("user-token".into()));
    config.api_url = server.api_url();
    config.login_url = server.url.clone();
    config.timeout = Duration::from_secs(10);
    config.retry = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    };
    config
}

fn options(rows_per_request: usize) -> PushOptions {
    PushOptions {
        rows_per_request,
        ..PushOptions::default()
    }
}

fn only(kinds: &[TableKind]) -> TableOptions {
    TableOptions {
        tables: kinds.to_vec(),
        ..TableOptions::default()
    }
}

/// The rows of `table` as Power BI should store them.
fn expected_rows(table: &Table) -> Vec<Value> {
    let (body, _) = rows_body(table, 0..table.rows()).unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    body["rows"].as_array().unwrap().clone()
}

fn power_bi_error(error: Error) -> aybiza_analytics::export::powerbi::PowerBiError {
    match error {
        Error::PowerBi(error) => error,
        other => panic!("expected a Power BI error, got {other:?}"),
    }
}

fn posts_to(seen: &[Seen], table: &str) -> Vec<Seen> {
    seen.iter()
        .filter(|s| s.method == "POST" && s.path.ends_with(&format!("/tables/{table}/rows")))
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_first_push_creates_the_dataset_and_posts_every_row_in_batches() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    let table_options = TableOptions::default();
    let push = client
        .push_tenant(
            &store,
            TENANT,
            TimeRange::all(),
            &table_options,
            "Calls",
            &options(500),
        )
        .await
        .unwrap();
    let tables = tenant_tables(&store, TENANT, TimeRange::all(), &table_options)
        .await
        .unwrap();
    assert!(push.created);
    assert_eq!(push.dataset_id, "ds-1");
    assert_eq!(push.tables.len(), 5);
    let seen = server.seen();
    for (pushed, table) in push.tables.iter().zip(&tables) {
        let name = table.kind.as_str();
        assert_eq!(pushed.table, table.kind);
        assert!(table.rows() > 0, "{name} is empty");
        assert_eq!(pushed.rows, table.rows(), "{name}");
        assert_eq!(pushed.requests, table.rows().div_ceil(500), "{name}");
        assert_eq!(server.rows("Calls", name), expected_rows(table), "{name}");
        let posts = posts_to(&seen, name);
        assert_eq!(posts.len(), pushed.requests);
        assert!(posts.iter().all(|p| p.rows <= 500));
    }
    assert!(seen.iter().all(|s| s.authorization == "Bearer user-token"));
    let state = server.state.lock().unwrap();
    assert_eq!(state.datasets["ds-1"].retention, "None");
    // The PII in the simulated transcripts stays in the process.
    let utterances = &state.datasets["ds-1"].tables["utterances"].1;
    assert!(
        utterances
            .iter()
            .any(|row| row["text"].as_str().unwrap().contains("["))
    );
}

#[tokio::test]
async fn pushing_again_appends_or_replaces_and_keeps_the_schema_in_step() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    let calls = only(&[TableKind::Calls]);
    let fifo = PushOptions {
        retention: RetentionPolicy::BasicFifo,
        ..PushOptions::default()
    };
    let first = client
        .push_tenant(&store, TENANT, TimeRange::all(), &calls, "Calls", &fifo)
        .await
        .unwrap();
    let rows = first.tables[0].rows;
    let second = client
        .push_tenant(&store, TENANT, TimeRange::all(), &calls, "Calls", &fifo)
        .await
        .unwrap();
    assert!(!second.created);
    assert_eq!(second.dataset_id, first.dataset_id);
    assert_eq!(server.rows("Calls", "calls").len(), 2 * rows);
    // Appending keeps the dataset's schema: no column is dropped by a period without it.
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.method != "PUT" && s.method != "DELETE")
    );

    // A call with a new attribute key brings a column the dataset lacks: Power BI refuses
    // the rows in append mode, and replace mode sets the new schema.
    let campaign = r#"{"type":"call","id":"campaign-1","tenant":"northwind","customer_id":"k1","channel":"voice","direction":"inbound","started_at":"2026-01-05T10:00:00Z","ended_at":"2026-01-05T10:01:00Z","attributes":{"campaign":"winter"}}"#;
    let report = store
        .ingest_jsonl(campaign.as_bytes(), &IngestLimits::default())
        .await
        .unwrap();
    assert_eq!(report.written.inserted, 1, "{report:?}");
    let error = client
        .push_tenant(&store, TENANT, TimeRange::all(), &calls, "Calls", &fifo)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("unknown column attr_campaign"),
        "{error}"
    );
    let replace = PushOptions {
        mode: PushMode::Replace,
        ..PushOptions::default()
    };
    client
        .push_tenant(&store, TENANT, TimeRange::all(), &calls, "Calls", &replace)
        .await
        .unwrap();
    let stored = server.rows("Calls", "calls");
    assert_eq!(stored.len(), rows + 1);
    assert_eq!(
        stored
            .iter()
            .filter(|row| row["attr_campaign"] == "winter")
            .count(),
        1
    );
    let state = server.state.lock().unwrap();
    assert_eq!(state.datasets["ds-1"].retention, "basicFIFO");
    let seen: Vec<&str> = state.seen.iter().map(|s| s.method.as_str()).collect();
    let delete = seen.iter().position(|m| *m == "DELETE").unwrap();
    assert_eq!(
        seen[delete + 1],
        "PUT",
        "the schema is set after the rows are deleted"
    );
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_without_duplicating_rows() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject(
        "/tables/metrics/rows",
        vec![
            Fault::Pass,
            Fault::Status(429, Some(0)),
            Fault::Status(503, None),
        ],
    );
    let push = push_metrics(&client, &store).await.unwrap();
    let metrics = metrics_table(&store).await;
    let pushed = &push.tables[0];
    assert!(pushed.requests >= 2, "the faults hit the second batch");
    assert_eq!(pushed.rows, metrics.rows());
    assert_eq!(server.rows("Ops", "metrics"), expected_rows(&metrics));
    assert_eq!(
        posts_to(&server.seen(), "metrics").len(),
        pushed.requests + 2
    );
}

async fn metrics_table(store: &MemoryStore) -> Table {
    let options = only(&[TableKind::Metrics]);
    let mut tables = tenant_tables(store, TENANT, TimeRange::all(), &options)
        .await
        .unwrap();
    tables.remove(0)
}

/// Pushes the metrics table with `client` in batches of 300.
async fn push_metrics(
    client: &PowerBiClient,
    store: &MemoryStore,
) -> aybiza_analytics::Result<aybiza_analytics::export::powerbi::PowerBiPush> {
    let metrics = only(&[TableKind::Metrics]);
    client
        .push_tenant(
            store,
            TENANT,
            TimeRange::all(),
            &metrics,
            "Ops",
            &options(300),
        )
        .await
}

#[tokio::test]
async fn a_server_error_that_may_follow_applied_rows_is_not_retried() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject(
        "/tables/metrics/rows",
        vec![Fault::Pass, Fault::Status(500, None)],
    );
    let error = power_bi_error(push_metrics(&client, &store).await.unwrap_err());
    assert_eq!(error.status, Some(500));
    assert!(error.message.contains("may have been applied"), "{error}");
    assert_eq!(error.pushed[0].rows, 300);
    assert_eq!(posts_to(&server.seen(), "metrics").len(), 2);
}

#[tokio::test]
async fn reads_are_retried_after_a_server_error_or_a_cut_short_answer() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject(
        "GET /v1.0/myorg/datasets",
        vec![Fault::Status(500, None), Fault::CutShortAfterApplying],
    );
    push_metrics(&client, &store).await.unwrap();
    let lists = server
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.path == "/v1.0/myorg/datasets")
        .count();
    assert_eq!(lists, 3);
}

#[tokio::test]
async fn retries_stop_after_the_last_attempt() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject("/tables/metrics/rows", vec![Fault::Status(503, None); 5]);
    let error = power_bi_error(push_metrics(&client, &store).await.unwrap_err());
    assert_eq!(error.status, Some(503));
    assert!(!error.message.contains("may have been applied"), "{error}");
    assert!(error.pushed.is_empty());
    assert_eq!(posts_to(&server.seen(), "metrics").len(), 3, "max_attempts");
}

#[tokio::test]
async fn a_success_whose_answer_is_cut_short_counts_as_pushed() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject(
        "/tables/metrics/rows",
        vec![Fault::Pass, Fault::CutShortAfterApplying],
    );
    let push = push_metrics(&client, &store).await.unwrap();
    let metrics = metrics_table(&store).await;
    assert_eq!(push.tables[0].rows, metrics.rows());
    assert_eq!(server.rows("Ops", "metrics"), expected_rows(&metrics));
    assert_eq!(
        posts_to(&server.seen(), "metrics").len(),
        push.tables[0].requests
    );
}

#[tokio::test]
async fn a_refusal_midway_reports_exactly_what_was_pushed() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject(
        "/tables/utterances/rows",
        vec![Fault::Pass, Fault::Pass, Fault::Status(400, None)],
    );
    let error = client
        .push_tenant(
            &store,
            TENANT,
            TimeRange::all(),
            &TableOptions::default(),
            "Calls",
            &options(300),
        )
        .await
        .unwrap_err();
    let error = power_bi_error(error);
    assert_eq!(error.status, Some(400));
    assert_eq!(error.operation, "post rows to table 'utterances'");
    assert_eq!(error.pushed.len(), 2, "{error}");
    assert_eq!(error.pushed[0].table, TableKind::Calls);
    assert_eq!(error.pushed[0].rows, server.rows("Calls", "calls").len());
    assert_eq!(error.pushed[1].table, TableKind::Utterances);
    assert_eq!(error.pushed[1].rows, 600);
    assert_eq!(server.rows("Calls", "utterances").len(), 600);
    assert_eq!(posts_to(&server.seen(), "journey_events").len(), 0);
    assert!(error.to_string().contains("injected 400"), "{error}");
}

#[tokio::test]
async fn a_throttle_longer_than_allowed_fails_at_once() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject("/tables/metrics/rows", vec![Fault::Status(429, Some(3600))]);
    let error = push_metrics(&client, &store).await.unwrap_err();
    let error = power_bi_error(error);
    assert_eq!(error.status, Some(429));
    assert!(error.message.contains("wait 3600 s"), "{error}");
    assert!(error.pushed.is_empty());
    assert_eq!(posts_to(&server.seen(), "metrics").len(), 1);
}

#[tokio::test]
async fn rows_whose_answer_was_lost_are_not_posted_twice() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject(
        "/tables/metrics/rows",
        vec![Fault::Pass, Fault::DropAfterApplying],
    );
    let error = push_metrics(&client, &store).await.unwrap_err();
    let error = power_bi_error(error);
    assert_eq!(error.status, None);
    assert!(error.message.contains("may have been applied"), "{error}");
    assert_eq!(error.pushed[0].rows, 300);
    assert_eq!(posts_to(&server.seen(), "metrics").len(), 2);
    // Power BI did apply the lost batch: the error's `pushed` is what is known to be there.
    assert_eq!(server.rows("Ops", "metrics").len(), 600);
}

fn service_principal(server: &FakePowerBi, secret: &str) -> PowerBiConfig {
    let mut config = config(server);
    config.auth = PowerBiAuth::ClientCredentials {
        tenant_id: "contoso.onmicrosoft.com".into(),
        client_id: "app-1".into(),
        client_secret: secret.into(),
    };
    config.workspace = Some("ws 1".into());
    config
}

#[tokio::test]
async fn a_service_principal_signs_in_once_and_again_when_its_token_is_refused() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(service_principal(&server, "s3cret")).unwrap();
    push_metrics(&client, &store).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].path, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
    let api: Vec<&Seen> = seen[1..].iter().collect();
    assert!(api.len() > 3);
    assert!(
        api.iter()
            .all(|s| s.path.starts_with("/v1.0/myorg/groups/ws%201/datasets"))
    );
    assert!(api.iter().all(|s| s.authorization == "Bearer sp-token-1"));
    // Power BI stops accepting the token (revoked): the client signs in again, once.
    server.state.lock().unwrap().valid_tokens.clear();
    push_metrics(&client, &store).await.unwrap();
    assert_eq!(server.state.lock().unwrap().issued.len(), 2);
    assert_eq!(
        server.seen().last().unwrap().authorization,
        "Bearer sp-token-2"
    );
}

#[tokio::test]
async fn a_failed_sign_in_is_retried_and_a_refused_token_renewed_only_once() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(service_principal(&server, "s3cret")).unwrap();
    server.inject("/oauth2/v2.0/token", vec![Fault::Status(503, None)]);
    push_metrics(&client, &store).await.unwrap();
    assert_eq!(server.state.lock().unwrap().issued.len(), 1);

    server.inject("GET /v1.0/myorg/groups", vec![Fault::Status(401, None); 2]);
    let error = power_bi_error(push_metrics(&client, &store).await.unwrap_err());
    assert_eq!(error.status, Some(401));
    assert_eq!(server.state.lock().unwrap().issued.len(), 2, "one renewal");
}

#[tokio::test]
async fn a_wrong_secret_or_token_fails_without_retrying() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(service_principal(&server, "wrong")).unwrap();
    let error = push_metrics(&client, &store).await.unwrap_err();
    let error = power_bi_error(error);
    assert_eq!(error.operation, "sign in to Microsoft Entra ID");
    assert_eq!(error.status, Some(401));
    assert!(error.message.contains("AADSTS7000215"), "{error}");
    assert_eq!(server.seen().len(), 1);

    let mut config = config(&server);
    config.auth = PowerBiAuth::AccessToken("expired".into());
    let client = PowerBiClient::new(config).unwrap();
    let error = push_metrics(&client, &store).await.unwrap_err();
    assert_eq!(power_bi_error(error).status, Some(401));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn an_existing_dataset_must_be_one_push_dataset_with_our_tables() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    let push = |dataset: &'static str| {
        let (client, store) = (&client, &store);
        async move {
            let tables = only(&[TableKind::Calls, TableKind::Metrics]);
            let error = client
                .push_tenant(
                    store,
                    TENANT,
                    TimeRange::all(),
                    &tables,
                    dataset,
                    &options(400),
                )
                .await
                .unwrap_err();
            power_bi_error(error).to_string()
        }
    };
    server.add_dataset("imported", "Imported", false, &["calls", "metrics"]);
    assert!(push("Imported").await.contains("is not a push dataset"));
    server.add_dataset("partial", "Partial", true, &["calls"]);
    assert!(push("Partial").await.contains("has no table 'metrics'"));
    server.add_dataset("twin-1", "Twin", true, &["calls", "metrics"]);
    server.add_dataset("twin-2", "Twin", true, &["calls", "metrics"]);
    assert!(push("Twin").await.contains("2 datasets are called 'Twin'"));
    let seen = server.seen();
    assert!(seen.iter().all(|s| s.method == "GET"), "{seen:?}");
}

#[tokio::test]
async fn bad_arguments_are_refused_before_any_request() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    let all = TableOptions::default();
    for (dataset, push) in [
        ("", PushOptions::default()),
        ("Calls", options(0)),
        ("Calls", options(MAX_ROWS_PER_REQUEST + 1)),
    ] {
        let error = client
            .push_tenant(&store, TENANT, TimeRange::all(), &all, dataset, &push)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidArgument(_)), "{error:?}");
    }
    let tables = tenant_tables(
        &store,
        TENANT,
        TimeRange::all(),
        &only(&[TableKind::Metrics]),
    )
    .await
    .unwrap();
    let twice = [tables[0].clone(), tables[0].clone()];
    let error = client
        .push_tables("Ops", &twice, &PushOptions::default())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("given twice"), "{error}");
    assert!(server.seen().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_pushes_with_the_sign_in_from_the_environment() {
    let server = FakePowerBi::start().await;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("calls.db");
    let records = simulate(&SimConfig {
        tenants: 1,
        days: 1,
        calls_per_day: 20,
        customers_per_tenant: 50,
        agents_per_tenant: 3,
        journeys_per_day: 5,
        anomaly_days: 0,
        ..SimConfig::default()
    })
    .unwrap()
    .records;
    SqliteStore::open(&path)
        .unwrap()
        .put(records)
        .await
        .unwrap();
    let run = |token: Option<&'static str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_aybiza"));
        command
            .args([
                "powerbi",
                "--tenant",
                TENANT,
                "--dataset",
                "Calls",
                "--tables",
                "calls,metrics",
            ])
            .arg("--store")
            .arg(&path)
            .args(["--api-url", &server.api_url()]);
        for name in [
            "POWERBI_ACCESS_TOKEN",
            "AZURE_TENANT_ID",
            "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET",
        ] {
            command.env_remove(name);
        }
        if let Some(token) = token {
            command.env("POWERBI_ACCESS_TOKEN", token);
        }
        tokio::task::spawn_blocking(move || command.output().unwrap())
    };
    let output = run(Some("user-token")).await.unwrap();
    assert!(output.status.success(), "{output:?}");
    let push: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(push["created"], true);
    assert_eq!(push["tables"][0]["table"], "calls");
    assert_eq!(push["tables"][1]["table"], "metrics");
    assert_eq!(
        push["tables"][0]["rows"].as_u64().unwrap() as usize,
        server.rows("Calls", "calls").len()
    );

    let output = run(None).await.unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("POWERBI_ACCESS_TOKEN"), "{stderr}");
}

#[test]
fn settings_read_as_the_bindings_give_them() {
    let settings: PowerBiSettings = serde_json::from_value(json!({
        "access_token": "x", "workspace": "ws-1", "api_url": "http://127.0.0.1:9",
        "max_attempts": 2, "timeout_seconds": 1.5,
    }))
    .unwrap();
    let config = settings.config().unwrap();
    assert_eq!(config.workspace.as_deref(), Some("ws-1"));
    assert_eq!(config.retry.max_attempts, 2);
    assert_eq!(config.timeout, Duration::from_millis(1500));
    assert!(serde_json::from_value::<PowerBiSettings>(json!({"token": "x"})).is_err());
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let auth = PowerBiAuth::ClientCredentials {
        tenant_id: "t".into(),
        client_id: "c".into(),
        client_secret: "hunter2".into(),
    };
    assert!(!format!("{auth:?}").contains("hunter2"));
    assert!(!format!("{:?}", PowerBiAuth::AccessToken("eyJ0".into())).contains("eyJ0"));
    let settings = PowerBiSettings {
        access_token: Some("eyJ0".into()),
        client_secret: Some("hunter2".into()),
        ..PowerBiSettings::default()
    };
    let debug = format!("{settings:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("eyJ0"),
        "{debug}"
    );
}

#[test]
fn bad_configurations_are_refused() {
    let credentials = PowerBiAuth::ClientCredentials {
        tenant_id: "t".into(),
        client_id: "c".into(),
        client_secret: "s".into(),
    };
    let refused = |config: PowerBiConfig| PowerBiClient::new(config).unwrap_err().to_string();
    assert!(refused(PowerBiConfig::new(credentials)).contains("workspace"));
    assert!(refused(PowerBiConfig::new(PowerBiAuth::AccessToken(" ".into()))).contains("empty"));
    let mut bad_url = PowerBiConfig::new(PowerBiAuth::AccessToken("x".into()));
    bad_url.api_url = "ftp://example".into();
    assert!(refused(bad_url).contains("not an http(s) URL"));
    let mut no_attempts = PowerBiConfig::new(PowerBiAuth::AccessToken("x".into()));
    no_attempts.retry.max_attempts = 0;
    assert!(refused(no_attempts).contains("max_attempts"));

    let token = PowerBiSettings {
        access_token: Some("x".into()),
        ..PowerBiSettings::default()
    };
    assert!(matches!(
        token.config().unwrap().auth,
        PowerBiAuth::AccessToken(_)
    ));
    let half = PowerBiSettings {
        tenant_id: Some("t".into()),
        client_id: Some("c".into()),
        ..PowerBiSettings::default()
    };
    assert!(
        half.config()
            .unwrap_err()
            .to_string()
            .contains("either access_token")
    );
    let negative = PowerBiSettings {
        timeout_seconds: -1.0,
        ..token
    };
    assert!(
        negative
            .config()
            .unwrap_err()
            .to_string()
            .contains("timeout_seconds")
    );
}

#[tokio::test]
async fn power_bis_error_bodies_give_the_message() {
    let server = FakePowerBi::start().await;
    let store = store().await;
    let client = PowerBiClient::new(config(&server)).unwrap();
    server.inject("GET /v1.0/myorg/datasets", vec![Fault::Status(403, None)]);
    let error = push_metrics(&client, &store).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Power BI: list the workspace's datasets failed (HTTP 403): Injected: injected 403; no rows were pushed"
    );
}
