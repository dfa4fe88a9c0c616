//! An executive summary of a report's key figures (the design's
//! executive-summary prompt: key findings, business impact, recommended
//! actions, risk factors), as validated JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{LlmClient, LlmError, LlmRequest, LlmUsage, ModelTier};

/// A summary for executives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutiveSummary {
    /// The most critical findings (3 to 5).
    pub key_findings: Vec<String>,
    /// The business impact, quantified where the figures allow.
    pub business_impact: String,
    /// Clear recommended actions.
    pub recommended_actions: Vec<String>,
    /// Risks to watch.
    pub risk_factors: Vec<String>,
}

/// An [`ExecutiveSummary`] with the model that wrote it and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryResult {
    /// The summary.
    pub summary: ExecutiveSummary,
    /// The model that answered.
    pub model: String,
    /// Tokens and cost.
    pub usage: LlmUsage,
}

/// The JSON schema of the summary.
pub fn summary_schema() -> Value {
    let strings = |min: usize, max: usize| json!({"type": "array", "minItems": min, "maxItems": max, "items": {"type": "string", "minLength": 1}});
    json!({
        "type": "object",
        "required": ["key_findings", "business_impact", "recommended_actions", "risk_factors"],
        "additionalProperties": false,
        "properties": {
            "key_findings": strings(3, 5),
            "business_impact": {"type": "string", "minLength": 1},
            "recommended_actions": strings(1, 6),
            "risk_factors": strings(0, 6)
        }
    })
}

/// The prompt for `key_figures` (before redaction, which [`LlmClient`] applies).
pub fn summary_prompt(key_figures: &Value) -> String {
    format!(
        "Create an executive summary from these insights:\n\n{key_figures}\n\n\
         The summary should:\n\
         1. Highlight the most critical findings\n\
         2. Quantify business impact where possible\n\
         3. Provide clear recommendations\n\
         4. Be concise (max 500 words)\n\
         5. Use business-friendly language\n\n\
         Structure: key_findings (3-5 bullet points), business_impact, recommended_actions, risk_factors."
    )
}

/// Asks the large model (as the design does) for an executive summary of
/// `key_figures` (any JSON: a report's headline numbers, findings, forecasts),
/// booked under `tenant`.
pub async fn executive_summary(
    client: &LlmClient,
    tenant: &str,
    key_figures: &Value,
) -> Result<SummaryResult, LlmError> {
    let request = LlmRequest {
        system:
            "You write executive summaries of contact-center analytics. Use only the figures given."
                .to_owned(),
        user: summary_prompt(key_figures),
        json_schema: Some(summary_schema()),
        max_tokens: 1024,
        temperature: 0.3,
        tier: ModelTier::Large,
    };
    let response = client.complete(tenant, &request).await?;
    let summary = serde_json::from_value(response.json.unwrap_or(Value::Null)).map_err(|e| {
        LlmError::InvalidAnswer {
            model: response.model.clone(),
            attempts: 1,
            reason: e.to_string(),
        }
    })?;
    Ok(SummaryResult {
        summary,
        model: response.model,
        usage: response.usage,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;

    use super::*;
    use crate::llm::{LlmBackend, LlmClientConfig, LlmResponse};

    struct Fixed {
        answer: &'static str,
        seen: Mutex<Vec<LlmRequest>>,
    }

    #[async_trait]
    impl LlmBackend for Fixed {
        async fn complete(&self, request: &LlmRequest) -> Result<LlmResponse, LlmError> {
            self.seen.lock().unwrap().push(request.clone());
            Ok(LlmResponse {
                model: self.model_for(request.tier),
                text: self.answer.into(),
                json: None,
                usage: LlmUsage::default(),
            })
        }

        fn model_for(&self, tier: ModelTier) -> String {
            format!("{tier:?}")
        }
    }

    fn client(answer: &'static str) -> (Arc<Fixed>, LlmClient) {
        let backend = Arc::new(Fixed {
            answer,
            seen: Mutex::new(Vec::new()),
        });
        (
            backend.clone(),
            LlmClient::new(backend, LlmClientConfig::default()).unwrap(),
        )
    }

    #[tokio::test]
    async fn summarizes_with_the_large_model() {
        let (backend, llm) = client(
            r#"{"key_findings": ["Volume up 12%", "Billing drives escalations", "FCR 71%"],
                "business_impact": "About 300 extra agent hours a month.",
                "recommended_actions": ["Automate refund status"], "risk_factors": []}"#,
        );
        let figures = json!({"calls": 10432, "escalation_rate": 0.14});
        let result = executive_summary(&llm, "t", &figures).await.unwrap();
        assert_eq!(result.model, "Large");
        assert_eq!(result.summary.key_findings.len(), 3);
        assert_eq!(
            result.summary.recommended_actions,
            ["Automate refund status"]
        );
        let seen = backend.seen.lock().unwrap();
        assert!(
            seen[0]
                .user
                .contains(r#"{"calls":10432,"escalation_rate":0.14}"#)
        );
        assert_eq!(seen[0].tier, ModelTier::Large);
    }

    #[tokio::test]
    async fn reports_a_summary_that_breaks_the_schema() {
        let (backend, llm) = client(
            r#"{"key_findings": ["only one"], "business_impact": "x", "recommended_actions": ["y"], "risk_factors": []}"#,
        );
        let error = executive_summary(&llm, "t", &json!({})).await.unwrap_err();
        assert_eq!(error.kind(), "invalid_answer");
        assert!(
            error
                .to_string()
                .contains("/key_findings: 1 items, fewer than 3"),
            "{error}"
        );
        assert_eq!(backend.seen.lock().unwrap().len(), 2);
    }
}
