//! The Bedrock backend's real SDK client against a local server that speaks
//! the Bedrock runtime API (Converse and InvokeModel) and injects faults:
//! throttling, 5xx, slow answers, malformed bodies, schema-breaking answers.
//! Each test starts its own server on 127.0.0.1; SDK retries are off, so the
//! request counts show that `LlmClient` alone retried.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_sdk_bedrockruntime::config::Credentials;
use aybiza_analytics::llm::bedrock::{BedrockApi, BedrockBackend, BedrockConfig};
use aybiza_analytics::llm::deepen::{DeepenOptions, GroupBrief, deepen_groups};
use aybiza_analytics::llm::{
    CLAUDE_3_7_SONNET, CLAUDE_3_HAIKU, LlmClient, LlmClientConfig, LlmError, LlmRequest, ModelTier,
    RetryPolicy,
};
use serde_json::{Value, json};
use tokio::net::TcpStream;

// Shared with the Power BI tests; this server does not look at every field of a request.
#[allow(dead_code)]
#[path = "support/http.rs"]
mod http;
use http::{accept_each, bind, read_request, write_response};

/// What the server does with one request.
#[derive(Clone)]
enum Reply {
    /// 200 with the model answering this text (in the protocol of the path).
    Text(&'static str),
    /// An error status with a Bedrock error type.
    Error(u16, &'static str),
    /// Wait, then answer the text.
    Slow(Duration, &'static str),
    /// 200 with this raw body.
    Raw(&'static str),
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    authorization: String,
    body: Value,
}

#[derive(Clone)]
struct Server {
    url: String,
    script: Arc<Mutex<VecDeque<Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    async fn start(script: Vec<Reply>) -> Server {
        let (listener, url) = bind().await;
        let server = Server {
            url,
            script: Arc::new(Mutex::new(script.into())),
            seen: Arc::new(Mutex::new(Vec::new())),
        };
        let state = server.clone();
        accept_each(listener, move |stream| {
            let state = state.clone();
            async move { state.serve(stream).await }
        });
        server
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Serves requests on one connection until the client closes it.
    async fn serve(&self, mut stream: TcpStream) {
        let mut buffer = Vec::new();
        while let Some(request) = read_request(&mut stream, &mut buffer).await {
            let authorization = request
                .header("authorization")
                .unwrap_or_default()
                .to_owned();
            let path = request.path;
            let body = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            self.seen.lock().unwrap().push(Seen {
                path: path.clone(),
                authorization,
                body,
            });
            let reply = self
                .script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Reply::Error(400, "ValidationException"));
            let (status, error_type, body) = match reply {
                Reply::Text(text) => (200, None, answer(&path, text)),
                Reply::Slow(wait, text) => {
                    tokio::time::sleep(wait).await;
                    (200, None, answer(&path, text))
                }
                Reply::Raw(raw) => (200, None, raw.to_owned()),
                Reply::Error(status, kind) => (
                    status,
                    Some(kind),
                    json!({"message": format!("injected {kind}")}).to_string(),
                ),
            };
            let error_type = error_type.map(|kind| {
                let value = format!("{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/");
                ("x-amzn-errortype", value)
            });
            if write_response(&mut stream, status, error_type, &body)
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

/// A successful reply body: Converse's, or an Anthropic messages reply for InvokeModel.
fn answer(path: &str, text: &str) -> String {
    if path.ends_with("/invoke") {
        json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude",
               "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
               "usage": {"input_tokens": 1200, "output_tokens": 300}})
    } else {
        json!({"output": {"message": {"role": "assistant", "content": [{"text": text}]}},
               "stopReason": "end_turn", "usage": {"inputTokens": 2000, "outputTokens": 400, "totalTokens": 2400},
               "metrics": {"latencyMs": 12}})
    }
    .to_string()
}

async fn backend(url: &str, api: BedrockApi) -> BedrockBackend {
    let loader = aws_config::defaults(BehaviorVersion::latest()).credentials_provider(
        Credentials::new("AKIDTEST", "test-secret", None, None, "test"),
    );
    let config = BedrockConfig {
        region: Some("us-east-1".into()),
        endpoint_url: Some(url.to_owned()),
        api,
        ..BedrockConfig::default()
    };
    BedrockBackend::connect_with(loader, config).await.unwrap()
}

fn client_config() -> LlmClientConfig {
    LlmClientConfig {
        timeout: Duration::from_millis(800),
        retry: RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        },
        ..LlmClientConfig::default()
    }
}

async fn client(server: &Server, api: BedrockApi) -> LlmClient {
    LlmClient::new(Arc::new(backend(&server.url, api).await), client_config()).unwrap()
}

const HAIKU_CONVERSE: &str = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";

#[tokio::test]
async fn converse_round_trip_signs_routes_and_prices() {
    let server = Server::start(vec![Reply::Text("Customers were charged twice.")]).await;
    let llm = client(&server, BedrockApi::Converse).await;
    let request = LlmRequest {
        max_tokens: 300,
        temperature: 0.1,
        ..LlmRequest::new(
            "You analyse calls.",
            "My SSN is 123-45-6789; why two charges?",
        )
    };
    let answer = llm.complete("tenant-a", &request).await.unwrap();
    assert_eq!(answer.text, "Customers were charged twice.");
    assert_eq!(answer.model, CLAUDE_3_HAIKU);
    assert_eq!(
        (answer.usage.input_tokens, answer.usage.output_tokens),
        (2000, 400)
    );
    // Haiku: 2000 × $0.25/M + 400 × $1.25/M = $0.001.
    assert!((answer.usage.cost_usd.unwrap() - 0.001).abs() < 1e-12);
    assert!((llm.ledger().tenant("tenant-a").total.cost_usd - 0.001).abs() < 1e-12);

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, HAIKU_CONVERSE);
    assert!(
        seen[0]
            .authorization
            .starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"),
        "{}",
        seen[0].authorization
    );
    let body = &seen[0].body;
    assert_eq!(body["system"], json!([{"text": "You analyse calls."}]));
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(
        body["messages"][0]["content"][0]["text"],
        "My SSN is [SSN]; why two charges?"
    );
    assert_eq!(body["inferenceConfig"]["maxTokens"], 300);
    assert!((body["inferenceConfig"]["temperature"].as_f64().unwrap() - 0.1).abs() < 1e-6);
}

#[tokio::test]
async fn invoke_model_round_trip_uses_the_anthropic_body_and_the_large_model() {
    let server = Server::start(vec![Reply::Text("{\"ok\": true}")]).await;
    let llm = client(&server, BedrockApi::InvokeModel).await;
    let request = LlmRequest {
        tier: ModelTier::Large,
        json_schema: Some(
            json!({"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}),
        ),
        ..LlmRequest::new("sys", "user")
    };
    let answer = llm.complete("t", &request).await.unwrap();
    assert_eq!(answer.model, CLAUDE_3_7_SONNET);
    assert_eq!(answer.json, Some(json!({"ok": true})));
    // Sonnet: 1200 × $3/M + 300 × $15/M = $0.0081.
    assert!((answer.usage.cost_usd.unwrap() - 0.0081).abs() < 1e-12);
    let seen = server.seen();
    assert_eq!(
        seen[0].path,
        "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/invoke"
    );
    assert_eq!(seen[0].body["anthropic_version"], "bedrock-2023-05-31");
    assert_eq!(seen[0].body["messages"][0]["content"][0]["text"], "user");
    assert!(
        seen[0].body["system"]
            .as_str()
            .unwrap()
            .contains("JSON schema")
    );
}

#[tokio::test]
async fn throttling_and_5xx_are_retried_to_success() {
    for api in [BedrockApi::Converse, BedrockApi::InvokeModel] {
        let server = Server::start(vec![
            Reply::Error(429, "ThrottlingException"),
            Reply::Error(500, "InternalServerException"),
            Reply::Text("fine"),
        ])
        .await;
        let answer = client(&server, api)
            .await
            .complete("t", &LlmRequest::new("s", "u"))
            .await
            .unwrap();
        assert_eq!(answer.text, "fine");
        assert_eq!(
            server.seen().len(),
            3,
            "{api:?}: the SDK must not retry on its own"
        );
    }
}

#[tokio::test]
async fn persistent_throttling_ends_in_a_typed_error() {
    let server = Server::start(vec![Reply::Error(429, "ThrottlingException"); 5]).await;
    let error = client(&server, BedrockApi::Converse)
        .await
        .complete("t", &LlmRequest::new("s", "u"))
        .await
        .unwrap_err();
    let LlmError::RetriesExhausted { attempts: 3, last } = &error else {
        panic!("expected RetriesExhausted after 3 attempts, got {error:?}");
    };
    let LlmError::Throttled { message } = last.as_ref() else {
        panic!("expected Throttled, got {last:?}");
    };
    assert!(message.contains("ThrottlingException"), "{message}");
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let server = Server::start(vec![
        Reply::Slow(Duration::from_secs(10), "late"),
        Reply::Text("prompt"),
    ])
    .await;
    let started = Instant::now();
    let answer = client(&server, BedrockApi::Converse)
        .await
        .complete("t", &LlmRequest::new("s", "u"))
        .await
        .unwrap();
    assert_eq!(answer.text, "prompt");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    let server = Server::start(vec![Reply::Slow(Duration::from_secs(10), "late"); 3]).await;
    let started = Instant::now();
    let error = client(&server, BedrockApi::Converse)
        .await
        .complete("t", &LlmRequest::new("s", "u"))
        .await
        .unwrap_err();
    assert_eq!(error.root(), &LlmError::Timeout(Duration::from_millis(800)));
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_malformed_reply_and_a_rejection_are_reported_without_retry() {
    let server = Server::start(vec![Reply::Raw("{\"output\": {\"message\": ")]).await;
    let error = client(&server, BedrockApi::Converse)
        .await
        .complete("t", &LlmRequest::new("s", "u"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "malformed_response", "{error:?}");
    assert_eq!(server.seen().len(), 1);

    let server = Server::start(vec![Reply::Raw("not json")]).await;
    let error = client(&server, BedrockApi::InvokeModel)
        .await
        .complete("t", &LlmRequest::new("s", "u"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "malformed_response", "{error:?}");

    let server = Server::start(vec![Reply::Error(400, "ValidationException")]).await;
    let error = client(&server, BedrockApi::Converse)
        .await
        .complete("t", &LlmRequest::new("s", "u"))
        .await
        .unwrap_err();
    let LlmError::Rejected {
        status: 400,
        message,
    } = &error
    else {
        panic!("expected Rejected, got {error:?}");
    };
    assert!(message.contains("ValidationException"), "{message}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_transport_error() {
    let (listener, url) = bind().await;
    drop(listener);
    let llm = LlmClient::new(
        Arc::new(backend(&url, BedrockApi::Converse).await),
        client_config(),
    )
    .unwrap();
    let error = llm
        .complete("t", &LlmRequest::new("s", "u"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "retries_exhausted");
    assert_eq!(error.root().kind(), "transport", "{error:?}");
}

#[tokio::test]
async fn schema_breaking_answers_are_retried_once_then_reported() {
    let schema = json!({"type": "object", "required": ["score"], "properties": {"score": {"type": "number", "maximum": 1}}});
    let request = LlmRequest {
        json_schema: Some(schema),
        ..LlmRequest::new("s", "rate this call")
    };
    let server = Server::start(vec![
        Reply::Text("{\"score\": 5}"),
        Reply::Text("{\"score\": 0.5}"),
    ])
    .await;
    let answer = client(&server, BedrockApi::Converse)
        .await
        .complete("t", &request)
        .await
        .unwrap();
    assert_eq!(answer.json, Some(json!({"score": 0.5})));
    assert_eq!(answer.usage.input_tokens, 4000);
    let retry = server.seen()[1].body["messages"][0]["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(retry.contains("Your previous answer was rejected: the answer breaks the schema at /score: 5 is above the maximum 1"), "{retry}");

    let server = Server::start(vec![
        Reply::Text("{\"score\": "),
        Reply::Text("{\"grade\": 1}"),
    ])
    .await;
    let error = client(&server, BedrockApi::Converse)
        .await
        .complete("t", &request)
        .await
        .unwrap_err();
    let LlmError::InvalidAnswer {
        model,
        attempts: 2,
        reason,
    } = &error
    else {
        panic!("expected InvalidAnswer, got {error:?}");
    };
    assert_eq!(model, CLAUDE_3_HAIKU);
    assert!(
        reason.contains("missing required property \"score\""),
        "{reason}"
    );
}

#[tokio::test]
async fn deepening_keeps_successes_and_reports_failed_groups() {
    let valid = r#"{"common_issues": [{"text": "Double charges", "confidence": 0.9}], "faqs": [],
        "friction_points": [], "resolution_patterns": [], "automation_ideas": [], "training_gaps": [],
        "product_suggestions": []}"#;
    let server = Server::start(vec![
        Reply::Text(valid),
        Reply::Error(400, "AccessDeniedException"),
    ])
    .await;
    let config = LlmClientConfig {
        max_concurrency: 1,
        ..client_config()
    };
    let llm = LlmClient::new(
        Arc::new(backend(&server.url, BedrockApi::Converse).await),
        config,
    )
    .unwrap();
    let groups = [
        GroupBrief {
            group_id: "g1".into(),
            label: "billing".into(),
            size: 80,
            samples: vec!["Customer: charged twice".into()],
            ..GroupBrief::default()
        },
        GroupBrief {
            group_id: "g2".into(),
            label: "password".into(),
            size: 12,
            ..GroupBrief::default()
        },
    ];
    let result = deepen_groups(&llm, "t", &groups, &DeepenOptions::default()).await;
    // With one request in flight, the groups reach the server in spawn order only
    // by chance; check by outcome instead of by order.
    assert_eq!(result.groups.len() + result.failures.len(), 2);
    assert_eq!(result.groups.len(), 1);
    assert_eq!(result.failures.len(), 1);
    assert_eq!(result.failures[0].kind, "rejected");
    let seen = server.seen();
    let paths: Vec<&str> = seen.iter().map(|s| s.path.as_str()).collect();
    assert!(
        paths.contains(&"/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse"),
        "{paths:?}"
    );
    assert!(paths.contains(&HAIKU_CONVERSE), "{paths:?}");
}

#[test]
fn settings_from_json_map_to_backend_and_client_configs() {
    use aybiza_analytics::llm::bedrock::BedrockClientSettings;
    let settings: BedrockClientSettings = serde_json::from_value(json!({
        "region": "eu-west-1", "endpoint_url": "http://127.0.0.1:9", "api": "invoke_model",
        "large_model": "anthropic.claude-sonnet-4", "timeout_seconds": 2.5, "max_attempts": 2,
        "prices": {"anthropic.claude-sonnet-4": {"input_per_million": 3.0, "output_per_million": 15.0}},
        "redact_prompts": false
    }))
    .unwrap();
    let (backend, client) = settings.split().unwrap();
    assert_eq!(backend.region.as_deref(), Some("eu-west-1"));
    assert_eq!(backend.api, BedrockApi::InvokeModel);
    assert_eq!(backend.routing.model(ModelTier::Small), CLAUDE_3_HAIKU);
    assert_eq!(
        backend.routing.model(ModelTier::Large),
        "anthropic.claude-sonnet-4"
    );
    assert_eq!(backend.prices.models.len(), 3);
    assert_eq!(client.timeout, Duration::from_millis(2500));
    assert_eq!(client.retry.max_attempts, 2);
    assert!(!client.redact_prompts);
    assert!(serde_json::from_value::<BedrockClientSettings>(json!({"regoin": "x"})).is_err());
    let negative = BedrockClientSettings {
        timeout_seconds: -1.0,
        ..BedrockClientSettings::default()
    };
    assert_eq!(negative.split().unwrap_err().kind(), "config");
}

/// `aybiza patterns --llm bedrock` end to end: the CLI reads a store, discovers groups and deepens
/// them through the real SDK against the local server, then prints the model's insights.
#[cfg(all(feature = "cli", feature = "patterns"))]
#[tokio::test]
async fn the_patterns_cli_prints_the_models_insights() {
    use aybiza_analytics::sim::{SimConfig, simulate};
    use aybiza_analytics::{SqliteStore, Store};

    let valid = r#"{"common_issues": [{"text": "Double charges after a plan change", "confidence": 0.9}],
        "faqs": [], "friction_points": [], "resolution_patterns": [], "automation_ideas": [],
        "training_gaps": [], "product_suggestions": []}"#;
    let server = Server::start(vec![Reply::Text(valid); 16]).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let output = simulate(&SimConfig {
        tenants: 1,
        days: 1,
        calls_per_day: 120,
        journeys_per_day: 0,
        anomaly_days: 0,
        ..SimConfig::default()
    })
    .unwrap();
    let tenant = output.truth.calls[0].tenant.clone();
    SqliteStore::open(&db)
        .unwrap()
        .put(output.records)
        .await
        .unwrap();

    let db = db.to_string_lossy().into_owned();
    let run = aybiza_with_model(&server, &["patterns", "--store", &db, "--tenant", &tenant]).await;
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{run:?}");
    assert!(stdout.contains("model insights:"), "{stdout}");
    assert!(
        stdout.contains("common issues: Double charges after a plan change (0.90)"),
        "{stdout}"
    );
    let requests = server.seen().len();
    assert!(requests >= 2, "{requests} requests");
    assert!(
        stdout.contains(&format!("tokens: {} in", 2000 * requests)),
        "{stdout}"
    );
}

/// Runs the `aybiza` binary with `args` and `--llm bedrock` against `server`, with test
/// credentials and no AWS configuration from the machine.
#[cfg(feature = "cli")]
async fn aybiza_with_model(server: &Server, args: &[&str]) -> std::process::Output {
    let url = server.url.clone();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_aybiza"))
            .args(&args)
            .args([
                "--llm",
                "bedrock",
                "--llm-region",
                "us-east-1",
                "--llm-endpoint",
                &url,
            ])
            .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/aybiza-aws-config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/aybiza-aws-credentials",
            )
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// `aybiza insights --llm bedrock` end to end: the insights, then the large model's executive
/// summary of them; an answer that breaks the schema leaves the insights printed and the
/// failure on stderr.
#[cfg(feature = "cli")]
#[tokio::test]
async fn the_insights_cli_prints_an_executive_summary() {
    use aybiza_analytics::sim::{SimConfig, simulate};
    use aybiza_analytics::{SqliteStore, Store};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let output = simulate(&SimConfig {
        tenants: 1,
        days: 7,
        calls_per_day: 80,
        journeys_per_day: 0,
        anomaly_days: 0,
        ..SimConfig::default()
    })
    .unwrap();
    let tenant = output.truth.calls[0].tenant.clone();
    SqliteStore::open(&db)
        .unwrap()
        .put(output.records)
        .await
        .unwrap();
    let db = db.to_string_lossy().into_owned();
    let args = ["insights", "--store", &db, "--tenant", &tenant];

    let summary = r#"{"key_findings": ["Tech support resolves fewer calls", "Billing escalates more",
        "The general queue resolves fastest"], "business_impact": "About a tenth of the calls.",
        "recommended_actions": ["Coach tech support"], "risk_factors": []}"#;
    let server = Server::start(vec![Reply::Text(summary)]).await;
    let run = aybiza_with_model(&server, &args).await;
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{run:?}");
    assert!(stdout.starts_with('['), "the insights come first: {stdout}");
    assert!(
        stdout.contains(&format!("executive summary ({CLAUDE_3_7_SONNET}):")),
        "{stdout}"
    );
    assert!(
        stdout.contains("  - Tech support resolves fewer calls"),
        "{stdout}"
    );
    assert!(stdout.contains("business impact: About a tenth of the calls."));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].path.contains("claude-3-7-sonnet"),
        "{}",
        seen[0].path
    );
    // The prompt carries the insights.
    assert!(seen[0].body.to_string().contains("escalation_rate"));

    let broken = Server::start(vec![Reply::Text("no summary here"); 4]).await;
    let run = aybiza_with_model(&broken, &args).await;
    assert!(run.status.success(), "{run:?}");
    assert!(String::from_utf8_lossy(&run.stdout).starts_with('['));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("the executive summary failed"), "{stderr}");
}
