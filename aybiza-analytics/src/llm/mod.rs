//! Large-language-model backends: the [`LlmBackend`] seam. Local analysis never
//! needs one; a backend only deepens it (pattern summaries, executive insights).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Result;

/// One request to a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmRequest {
    /// System instructions.
    pub system: String,
    /// The user content (redacted of PII before it is sent).
    pub user: String,
    /// JSON schema the answer must follow, when structured output is wanted.
    pub json_schema: Option<serde_json::Value>,
    /// Most tokens to generate.
    pub max_tokens: u32,
    /// Sampling temperature.
    pub temperature: f32,
}

/// Tokens used and what they cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LlmUsage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Generated tokens.
    pub output_tokens: u64,
    /// Cost in US dollars at the backend's prices.
    pub cost_usd: f64,
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmResponse {
    /// The model that answered.
    pub model: String,
    /// The answer's text.
    pub text: String,
    /// The answer parsed and validated against the request's schema, when one was given.
    pub json: Option<serde_json::Value>,
    /// Tokens and cost.
    pub usage: LlmUsage,
}

/// A model provider.
#[async_trait]
pub trait LlmBackend: Send + Sync {
    /// Sends `request` and returns the answer, or a typed error (timeout, throttling, invalid answer).
    async fn complete(&self, request: &LlmRequest) -> Result<LlmResponse>;
}
