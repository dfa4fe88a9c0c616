//! The layer against a scripted in-process backend (no feature needed).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use serde_json::json;

use super::*;

/// What the scripted backend does on one call.
enum Step {
    Answer(&'static str),
    Fail(LlmError),
    Sleep(Duration),
}

/// A backend that plays `steps` in order and records the requests it saw.
#[derive(Default)]
struct Scripted {
    steps: Mutex<VecDeque<Step>>,
    seen: Mutex<Vec<LlmRequest>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    hold: Duration,
}

impl Scripted {
    fn new(steps: Vec<Step>) -> Arc<Self> {
        Arc::new(Self {
            steps: Mutex::new(steps.into()),
            ..Self::default()
        })
    }

    fn seen(&self) -> Vec<LlmRequest> {
        self.seen.lock().unwrap().clone()
    }
}

#[async_trait]
impl LlmBackend for Scripted {
    async fn complete(&self, request: &LlmRequest) -> Result<LlmResponse, LlmError> {
        self.seen.lock().unwrap().push(request.clone());
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.hold).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let step = self.steps.lock().unwrap().pop_front();
        match step {
            Some(Step::Answer(text)) => Ok(LlmResponse {
                model: "scripted".into(),
                text: text.into(),
                json: None,
                usage: LlmUsage {
                    input_tokens: 100,
                    output_tokens: 10,
                    cost_usd: Some(0.5),
                },
            }),
            Some(Step::Fail(error)) => Err(error),
            Some(Step::Sleep(wait)) => {
                tokio::time::sleep(wait).await;
                Err(LlmError::Transport("slept past the test".into()))
            }
            None => Err(LlmError::Rejected {
                status: 400,
                message: "script exhausted".into(),
            }),
        }
    }

    fn model_for(&self, _tier: ModelTier) -> String {
        "scripted".into()
    }
}

fn fast_config() -> LlmClientConfig {
    LlmClientConfig {
        timeout: Duration::from_millis(200),
        retry: RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
        },
        ..LlmClientConfig::default()
    }
}

fn client(backend: Arc<Scripted>) -> LlmClient {
    LlmClient::new(backend, fast_config()).unwrap()
}

fn throttled() -> LlmError {
    LlmError::Throttled {
        message: "slow down".into(),
    }
}

fn schema() -> serde_json::Value {
    json!({"type": "object", "required": ["score"], "properties": {"score": {"type": "number", "minimum": 0, "maximum": 1}}})
}

#[tokio::test]
async fn retries_throttling_and_5xx_then_succeeds() {
    let backend = Scripted::new(vec![
        Step::Fail(throttled()),
        Step::Fail(LlmError::Server {
            status: 503,
            message: "unavailable".into(),
        }),
        Step::Answer("hello"),
    ]);
    let llm = client(backend.clone());
    let answer = llm
        .complete("t1", &LlmRequest::new("sys", "hi"))
        .await
        .unwrap();
    assert_eq!(answer.text, "hello");
    assert_eq!(answer.json, None);
    assert_eq!(backend.seen().len(), 3);
    assert_eq!(llm.ledger().tenant("t1").total.calls, 1);
}

#[tokio::test]
async fn gives_up_after_max_attempts_with_the_last_error() {
    let backend = Scripted::new(vec![
        Step::Fail(throttled()),
        Step::Fail(throttled()),
        Step::Fail(throttled()),
    ]);
    let error = client(backend.clone())
        .complete("t1", &LlmRequest::new("sys", "hi"))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        LlmError::RetriesExhausted {
            attempts: 3,
            last: Box::new(throttled())
        }
    );
    assert_eq!(error.root().kind(), "throttled");
    assert_eq!(backend.seen().len(), 3);
}

#[tokio::test]
async fn does_not_retry_a_rejected_request() {
    let rejected = LlmError::Rejected {
        status: 403,
        message: "access denied".into(),
    };
    let backend = Scripted::new(vec![Step::Fail(rejected.clone()), Step::Answer("never")]);
    let error = client(backend.clone())
        .complete("t1", &LlmRequest::new("sys", "hi"))
        .await
        .unwrap_err();
    assert_eq!(error, rejected);
    assert_eq!(backend.seen().len(), 1);
}

#[tokio::test]
async fn times_out_a_slow_attempt_and_retries() {
    let backend = Scripted::new(vec![
        Step::Sleep(Duration::from_secs(30)),
        Step::Answer("late but fine"),
    ]);
    let started = std::time::Instant::now();
    let answer = client(backend.clone())
        .complete("t1", &LlmRequest::new("sys", "hi"))
        .await
        .unwrap();
    assert_eq!(answer.text, "late but fine");
    assert!(started.elapsed() < Duration::from_secs(5));
    let all_slow = Scripted::new(vec![
        Step::Sleep(Duration::from_secs(30)),
        Step::Sleep(Duration::from_secs(30)),
        Step::Sleep(Duration::from_secs(30)),
    ]);
    let error = client(all_slow)
        .complete("t1", &LlmRequest::new("s", "u"))
        .await
        .unwrap_err();
    assert_eq!(error.root(), &LlmError::Timeout(Duration::from_millis(200)));
}

#[tokio::test]
async fn validates_structured_answers_and_retries_once_with_the_error() {
    let backend = Scripted::new(vec![
        Step::Answer("{\"score\": 7}"),
        Step::Answer("```json\n{\"score\": 0.7}\n```"),
    ]);
    let llm = client(backend.clone());
    let request = LlmRequest {
        json_schema: Some(schema()),
        ..LlmRequest::new("Rate it.", "the call")
    };
    let answer = llm.complete("t1", &request).await.unwrap();
    assert_eq!(answer.json, Some(json!({"score": 0.7})));
    assert_eq!(
        (answer.usage.input_tokens, answer.usage.output_tokens),
        (200, 20)
    );
    assert_eq!(answer.usage.cost_usd, Some(1.0));
    let seen = backend.seen();
    assert!(seen[0].system.starts_with("Rate it.") && seen[0].system.contains("\"minimum\":0"));
    assert_eq!(seen[0].user, "the call");
    assert!(
        seen[1]
            .user
            .starts_with("the call\n\nYour previous answer was rejected")
    );
    assert!(
        seen[1].user.contains("at /score: 7 is above the maximum 1"),
        "{}",
        seen[1].user
    );
    let cost = llm.ledger().tenant("t1");
    assert_eq!((cost.total.calls, cost.total.cost_usd), (2, 1.0));
}

#[tokio::test]
async fn reports_an_answer_invalid_twice() {
    let backend = Scripted::new(vec![
        Step::Answer("not json at all"),
        Step::Answer("{\"other\": 1}"),
    ]);
    let request = LlmRequest {
        json_schema: Some(schema()),
        ..LlmRequest::new("s", "u")
    };
    let error = client(backend).complete("t1", &request).await.unwrap_err();
    let LlmError::InvalidAnswer {
        model,
        attempts,
        reason,
    } = error
    else {
        panic!("expected InvalidAnswer, got {error:?}");
    };
    assert_eq!((model.as_str(), attempts), ("scripted", 2));
    assert_eq!(
        reason,
        "the answer breaks the schema at /: missing required property \"score\""
    );
}

#[tokio::test]
async fn redacts_prompts_unless_turned_off() {
    let request = LlmRequest::new(
        "agent email is a.b@example.com",
        "my card is 4111 1111 1111 1111 thanks",
    );
    let backend = Scripted::new(vec![Step::Answer("ok")]);
    client(backend.clone())
        .complete("t1", &request)
        .await
        .unwrap();
    let seen = backend.seen();
    assert_eq!(seen[0].system, "agent email is [EMAIL]");
    assert_eq!(seen[0].user, "my card is [CARD] thanks");

    let backend = Scripted::new(vec![Step::Answer("ok")]);
    let config = LlmClientConfig {
        redact_prompts: false,
        ..fast_config()
    };
    LlmClient::new(backend.clone(), config)
        .unwrap()
        .complete("t1", &request)
        .await
        .unwrap();
    assert_eq!(backend.seen()[0].user, request.user);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounds_requests_in_flight() {
    let backend = Arc::new(Scripted {
        steps: Mutex::new((0..8).map(|_| Step::Answer("ok")).collect()),
        hold: Duration::from_millis(30),
        ..Scripted::default()
    });
    let config = LlmClientConfig {
        max_concurrency: 2,
        ..fast_config()
    };
    let llm = LlmClient::new(backend.clone(), config).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let llm = llm.clone();
        tasks.spawn(async move {
            llm.complete(&format!("t{}", i % 2), &LlmRequest::new("s", "u"))
                .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().unwrap();
    }
    assert_eq!(backend.most_in_flight.load(Ordering::SeqCst), 2);
    let ledger = llm.ledger().snapshot();
    assert_eq!((ledger["t0"].total.calls, ledger["t1"].total.calls), (4, 4));
}

#[test]
fn rejects_degenerate_settings() {
    let backend: Arc<dyn LlmBackend> = Scripted::new(Vec::new());
    for config in [
        LlmClientConfig {
            max_concurrency: 0,
            ..fast_config()
        },
        LlmClientConfig {
            max_concurrency: 1 << 62,
            ..fast_config()
        },
        LlmClientConfig {
            timeout: Duration::ZERO,
            ..fast_config()
        },
        LlmClientConfig {
            retry: RetryPolicy {
                max_attempts: 0,
                ..RetryPolicy::default()
            },
            ..fast_config()
        },
    ] {
        assert!(matches!(
            LlmClient::new(backend.clone(), config),
            Err(LlmError::Config(_))
        ));
    }
}

#[test]
fn a_mistyped_request_field_is_refused() {
    let typo = json!({"system": "s", "user": "u", "schema": {"type": "object"}});
    let error = serde_json::from_value::<LlmRequest>(typo).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `schema`"),
        "{error}"
    );
    let request: LlmRequest = serde_json::from_value(json!({"system": "s", "user": "u"})).unwrap();
    assert_eq!(request.max_tokens, 1024);
}
