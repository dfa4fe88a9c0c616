use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::*;
use crate::MemoryStore;
use crate::llm::{
    LlmBackend, LlmClientConfig, LlmError, LlmRequest, LlmResponse, ModelTier, RetryPolicy,
};
use crate::sim::{SimConfig, simulate};

const VALID: &str = r#"{"common_issues": [{"text": "Double charges after plan changes", "confidence": 0.8}],
 "faqs": [{"text": "Why was I charged twice?", "confidence": 0.7}], "friction_points": [],
 "resolution_patterns": [], "automation_ideas": [{"text": "Self-service refunds", "confidence": 0.5}],
 "training_gaps": [], "product_suggestions": []}"#;

/// Answers every group validly, except the group labelled `failing` (rejected) and, when `invalid`,
/// every group with an answer off the schema.
#[derive(Default)]
struct Scripted {
    failing: Option<String>,
    invalid: bool,
    prompts: Mutex<Vec<String>>,
}

#[async_trait]
impl LlmBackend for Scripted {
    async fn complete(&self, request: &LlmRequest) -> std::result::Result<LlmResponse, LlmError> {
        self.prompts.lock().unwrap().push(request.user.clone());
        if let Some(label) = &self.failing
            && request.user.contains(&format!("Group \"{label}\""))
        {
            return Err(LlmError::Rejected {
                status: 400,
                message: "model not enabled".into(),
            });
        }
        let text = if self.invalid {
            r#"{"common_issues": "billing"}"#.to_owned()
        } else {
            VALID.to_owned()
        };
        Ok(LlmResponse {
            model: self.model_for(request.tier),
            text,
            json: None,
            usage: LlmUsage {
                input_tokens: 1000,
                output_tokens: 200,
                cost_usd: Some(0.01),
            },
        })
    }

    fn model_for(&self, tier: ModelTier) -> String {
        format!("{tier:?}").to_lowercase()
    }
}

fn client(backend: Arc<Scripted>) -> LlmClient {
    let config = LlmClientConfig {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        },
        ..LlmClientConfig::default()
    };
    LlmClient::new(backend, config).unwrap()
}

/// A store with one simulated tenant's day of calls, and the tenant.
async fn store() -> (MemoryStore, String) {
    let output = simulate(&SimConfig {
        tenants: 1,
        days: 1,
        calls_per_day: 200,
        journeys_per_day: 0,
        anomaly_days: 0,
        ..SimConfig::default()
    })
    .unwrap();
    let tenant = output.truth.calls[0].tenant.clone();
    let store = MemoryStore::new();
    store.put(output.records).await.unwrap();
    (store, tenant)
}

/// The groups without their model insights (what local discovery alone gives).
fn local_groups(analysis: &PatternAnalysis) -> Vec<PatternGroup> {
    let mut groups = analysis.findings.groups.clone();
    for group in &mut groups {
        group.llm_insights = None;
    }
    groups
}

async fn run(
    store: &MemoryStore,
    tenant: &str,
    options: &PatternAnalysisOptions,
    llm: Option<&LlmClient>,
) -> PatternAnalysis {
    analyze_call_patterns(store, tenant, TimeRange::all(), options, llm)
        .await
        .unwrap()
}

#[tokio::test]
async fn without_a_model_the_result_is_local_discovery() {
    let (store, tenant) = store().await;
    let options = PatternAnalysisOptions::default();
    let analysis = run(&store, &tenant, &options, None).await;
    let local = discover_patterns(&store, &tenant, TimeRange::all(), &options.discovery)
        .await
        .unwrap();
    assert!(analysis.findings.groups.len() >= 2);
    assert_eq!(analysis.findings.groups, local.groups);
    assert!(analysis.llm_failures.is_empty());
    assert_eq!(analysis.llm_usage, None);
    let json = serde_json::to_value(&analysis).unwrap();
    assert!(json["groups"][0].get("llm_insights").is_none());
    assert_eq!(json["llm_failures"], serde_json::json!([]));
    assert_eq!(json["calls"], local.calls);
}

#[tokio::test]
async fn every_group_gets_the_models_insights() {
    let (store, tenant) = store().await;
    let backend = Arc::new(Scripted::default());
    let llm = client(backend.clone());
    let options = PatternAnalysisOptions::default();
    let baseline = run(&store, &tenant, &options, None).await;
    let analysis = run(&store, &tenant, &options, Some(&llm)).await;

    assert_eq!(local_groups(&analysis), baseline.findings.groups);
    assert!(analysis.llm_failures.is_empty());
    let groups = analysis.findings.groups.len();
    for group in &analysis.findings.groups {
        let insights = group.llm_insights.as_ref().unwrap();
        let tier = if group.size > 50 { "large" } else { "small" };
        assert_eq!(insights["model"], tier, "group of {}", group.size);
        assert_eq!(
            insights["common_issues"][0]["text"],
            "Double charges after plan changes"
        );
        assert_eq!(insights["faqs"][0]["confidence"], 0.7);
        assert_eq!(insights["usage"]["input_tokens"], 1000);
    }
    let usage = analysis.llm_usage.unwrap();
    assert_eq!(usage.input_tokens, 1000 * groups as u64);
    assert!((usage.cost_usd.unwrap() - 0.01 * groups as f64).abs() < 1e-9);

    // One prompt per group, with its label, figures and representative transcripts.
    let prompts = backend.prompts.lock().unwrap().clone();
    assert_eq!(prompts.len(), groups);
    for group in &analysis.findings.groups {
        let prompt = prompts
            .iter()
            .find(|p| p.contains(&format!("Group \"{}\": {} calls", group.label, group.size)))
            .unwrap();
        assert!(prompt.contains("escalation rate"), "{prompt}");
        assert!(
            prompt.contains("--- Call 1 ---\nCustomer: ")
                || prompt.contains("--- Call 1 ---\nAgent: ")
                || prompt.contains("--- Call 1 ---\nBot: "),
            "{prompt}"
        );
    }
    assert_eq!(llm.ledger().snapshot()[&tenant].total.calls, groups as u64);
}

#[tokio::test]
async fn a_failing_group_keeps_its_local_findings() {
    let (store, tenant) = store().await;
    let options = PatternAnalysisOptions::default();
    let baseline = run(&store, &tenant, &options, None).await;
    let failing = baseline.findings.groups[1].clone();
    let backend = Arc::new(Scripted {
        failing: Some(failing.label.clone()),
        ..Scripted::default()
    });
    let analysis = run(&store, &tenant, &options, Some(&client(backend))).await;

    assert_eq!(local_groups(&analysis), baseline.findings.groups);
    let failures: Vec<(&str, &str, &str)> = analysis
        .llm_failures
        .iter()
        .map(|f| (f.group_id.as_str(), f.label.as_str(), f.kind.as_str()))
        .collect();
    assert_eq!(failures, [("1", failing.label.as_str(), "rejected")]);
    for group in &analysis.findings.groups {
        assert_eq!(
            group.llm_insights.is_none(),
            group.id == 1,
            "group {}",
            group.id
        );
    }
}

#[tokio::test]
async fn invalid_answers_are_failures_not_insights() {
    let (store, tenant) = store().await;
    let backend = Arc::new(Scripted {
        invalid: true,
        ..Scripted::default()
    });
    let options = PatternAnalysisOptions {
        max_llm_groups: 2,
        ..PatternAnalysisOptions::default()
    };
    let baseline = run(&store, &tenant, &options, None).await;
    let analysis = run(&store, &tenant, &options, Some(&client(backend.clone()))).await;

    assert_eq!(analysis.findings.groups, baseline.findings.groups);
    let failures: Vec<(&str, &str)> = analysis
        .llm_failures
        .iter()
        .map(|f| (f.group_id.as_str(), f.kind.as_str()))
        .collect();
    assert_eq!(failures, [("0", "invalid_answer"), ("1", "invalid_answer")]);
    // Two groups sent, each asked twice (the retry told what was wrong).
    assert_eq!(backend.prompts.lock().unwrap().len(), 4);
    assert_eq!(analysis.llm_usage.unwrap().input_tokens, 0);
}

#[test]
fn options_reject_unknown_fields() {
    let parsed: PatternAnalysisOptions =
        serde_json::from_str(r#"{"max_llm_groups": 3, "deepen": {"max_samples": 2}}"#).unwrap();
    assert_eq!((parsed.max_llm_groups, parsed.deepen.max_samples), (3, 2));
    assert!(serde_json::from_str::<PatternAnalysisOptions>(r#"{"llm": true}"#).is_err());
}
