use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::*;
use crate::llm::{LlmBackend, LlmClientConfig, LlmResponse, RetryPolicy};

/// Answers by group label: `billing` and `big` validly, `chatty` with prose
/// around a valid answer, `broken` always off-schema, `down` with a rejection.
#[derive(Default)]
struct ByLabel {
    prompts: Mutex<Vec<(ModelTier, String)>>,
}

const VALID: &str = r#"{"common_issues": [{"text": "Double charges after plan changes", "confidence": 0.8}],
 "faqs": [{"text": "Why was I charged twice?", "confidence": 0.7}], "friction_points": [],
 "resolution_patterns": [{"text": "Refund issued on the call", "confidence": 0.6}],
 "automation_ideas": [{"text": "Self-service refund status", "confidence": 0.5}],
 "training_gaps": [], "product_suggestions": []}"#;

#[async_trait]
impl LlmBackend for ByLabel {
    async fn complete(&self, request: &LlmRequest) -> Result<LlmResponse, LlmError> {
        self.prompts
            .lock()
            .unwrap()
            .push((request.tier, request.user.clone()));
        let text = if request.user.contains("Group \"down\"") {
            return Err(LlmError::Rejected {
                status: 400,
                message: "model not enabled".into(),
            });
        } else if request.user.contains("Group \"broken\"") {
            VALID.replace("0.8", "2")
        } else if request.user.contains("Group \"chatty\"") {
            format!("Here is the analysis:\n```json\n{VALID}\n```")
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

fn brief(label: &str, size: usize) -> GroupBrief {
    GroupBrief {
        group_id: format!("g-{label}"),
        label: label.into(),
        size,
        top_terms: vec!["charged".into(), "twice".into()],
        share_of_calls: Some(0.125),
        escalation_rate: Some(0.2),
        resolution_rate: None,
        average_sentiment: Some(-0.35),
        samples: vec![
            "Customer: I was charged twice, my card is 4111 1111 1111 1111.\nAgent: Let me check."
                .into(),
            "Customer: a weird fee on my bill".into(),
        ],
    }
}

fn client(backend: Arc<ByLabel>) -> LlmClient {
    let config = LlmClientConfig {
        timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        },
        ..LlmClientConfig::default()
    };
    LlmClient::new(backend, config).unwrap()
}

#[tokio::test]
async fn deepens_each_group_and_reports_failures_per_group() {
    let backend = Arc::new(ByLabel::default());
    let llm = client(backend.clone());
    let groups = [
        brief("billing", 20),
        brief("broken", 5),
        brief("big", 51),
        brief("down", 3),
        brief("chatty", 50),
    ];
    let result = deepen_groups(&llm, "tenant-a", &groups, &DeepenOptions::default()).await;

    let analysed: Vec<(&str, &str)> = result
        .groups
        .iter()
        .map(|g| (g.group_id.as_str(), g.model.as_str()))
        .collect();
    assert_eq!(
        analysed,
        [
            ("g-billing", "small"),
            ("g-big", "large"),
            ("g-chatty", "small")
        ]
    );
    let billing = &result.groups[0].insights;
    assert_eq!(
        billing.common_issues[0].text,
        "Double charges after plan changes"
    );
    assert_eq!(billing.faqs[0].confidence, 0.7);
    assert!(billing.training_gaps.is_empty());

    let failures: Vec<(&str, &str)> = result
        .failures
        .iter()
        .map(|f| (f.group_id.as_str(), f.kind.as_str()))
        .collect();
    assert_eq!(
        failures,
        [("g-broken", "invalid_answer"), ("g-down", "rejected")]
    );
    assert!(
        result.failures[0]
            .message
            .contains("/common_issues/0/confidence"),
        "{}",
        result.failures[0].message
    );

    // Three successes of one answer each: 3 × (1000 in, 200 out, $0.01).
    assert_eq!(
        (result.usage.input_tokens, result.usage.output_tokens),
        (3000, 600)
    );
    assert!((result.usage.cost_usd.unwrap() - 0.03).abs() < 1e-12);
    // The ledger also holds the two invalid answers of "broken".
    assert_eq!(llm.ledger().tenant("tenant-a").total.calls, 5);

    let prompts = backend.prompts.lock().unwrap();
    assert!(
        prompts
            .iter()
            .all(|(_, p)| !p.contains("4111") && p.contains("[CARD]"))
    );
}

#[test]
fn prompt_follows_the_design_and_cuts_long_samples() {
    let mut group = brief("billing", 20);
    group.samples = vec!["é".repeat(50); 5];
    let options = DeepenOptions {
        max_samples: 3,
        max_sample_chars: 10,
        ..DeepenOptions::default()
    };
    let prompt = group_prompt(&group, &options);
    assert!(prompt.starts_with("Analyze these call transcripts for patterns:\n\nGroup \"billing\": 20 calls (12% of all calls)\n"));
    assert!(prompt.contains("Most distinctive terms: charged, twice\n"));
    assert!(prompt.contains("Figures: escalation rate 20%; average sentiment -0.35 (-1 to 1)\n"));
    assert!(prompt.contains("Sample transcripts (3 of 20):\n--- Call 1 ---\néééééééééé […]\n"));
    assert!(!prompt.contains("--- Call 4 ---"));
    assert!(prompt.contains("7. Product/service improvement suggestions\n"));
    assert!(prompt.contains("at most 6 entries per list"));
    assert_eq!(options.tier_for(50), ModelTier::Small);
    assert_eq!(options.tier_for(51), ModelTier::Large);
}

#[test]
fn schema_requires_every_category() {
    let schema = insights_schema(2);
    let valid: Value = serde_json::from_str(VALID).unwrap();
    assert_eq!(crate::llm::schema::validate(&schema, &valid), Ok(()));
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("faqs");
    assert!(crate::llm::schema::validate(&schema, &missing).is_err());
    let decoded: GroupInsights = serde_json::from_value(valid).unwrap();
    assert_eq!(decoded.resolution_patterns.len(), 1);
}
