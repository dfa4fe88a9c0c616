//! Large-language-model backends: the [`LlmBackend`] seam. Local analysis never
//! needs one; a backend only deepens it (pattern summaries, executive insights).
//!
//! Layers, from the wire up:
//! - a backend (`bedrock::BedrockBackend` behind the `bedrock` feature, or your
//!   own [`LlmBackend`]) sends one request and classifies failures as typed
//!   [`LlmError`]s that say whether a retry can help;
//! - [`LlmClient`] wraps any backend with PII redaction of every prompt, a
//!   concurrency limit, per-attempt timeouts, jittered exponential backoff on
//!   retryable errors, JSON-schema validation of structured answers (one retry
//!   with the validation error appended) and a per-tenant [`CostLedger`];
//! - [`deepen`] and [`summarize`] build prompts from local findings and return
//!   validated, typed insights.
//!
//! Configuration, routing, prices and the testing approach are in `docs/llm.md`.

#[cfg(feature = "bedrock")]
pub mod bedrock;
mod client;
pub mod deepen;
mod error;
mod ledger;
pub mod schema;
pub mod summarize;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use crate::retry::RetryPolicy;
pub use client::{LlmClient, LlmClientConfig, MAX_CONCURRENCY};
pub use error::LlmError;
pub use ledger::{CostLedger, ModelCost, ModelPrice, PriceTable, TenantCost};

/// Claude 3.7 Sonnet on Bedrock: the design's model for large groups and summaries.
pub const CLAUDE_3_7_SONNET: &str = "anthropic.claude-3-7-sonnet-20250219-v1:0";
/// Claude 3 Haiku on Bedrock: the design's model for small groups.
pub const CLAUDE_3_HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

/// Which class of model a request needs; each backend maps a tier to a model id
/// (see [`ModelRouting`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelTier {
    /// A fast, cheap model (Claude 3 Haiku by default).
    #[default]
    Small,
    /// A stronger, dearer model (Claude 3.7 Sonnet by default).
    Large,
}

/// Model ids per tier (which requests use which tier is the caller's choice:
/// [`deepen`] sends groups of more than 50 calls to the large tier, as the design does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelRouting {
    /// Model id for [`ModelTier::Small`].
    pub small_model: String,
    /// Model id for [`ModelTier::Large`].
    pub large_model: String,
}

impl Default for ModelRouting {
    fn default() -> Self {
        Self {
            small_model: CLAUDE_3_HAIKU.to_owned(),
            large_model: CLAUDE_3_7_SONNET.to_owned(),
        }
    }
}

impl ModelRouting {
    /// The model id for `tier`.
    pub fn model(&self, tier: ModelTier) -> &str {
        match tier {
            ModelTier::Small => &self.small_model,
            ModelTier::Large => &self.large_model,
        }
    }
}

/// One request to a model. From JSON an unknown field is an error (a mistyped `json_schema`
/// would otherwise silently turn validation off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmRequest {
    /// System instructions.
    pub system: String,
    /// The user content ([`LlmClient`] redacts PII before it is sent).
    pub user: String,
    /// JSON schema the answer must follow, when structured output is wanted.
    #[serde(default)]
    pub json_schema: Option<serde_json::Value>,
    /// Most tokens to generate (1024 when absent from JSON).
    #[serde(default = "default_max_tokens")]
    pub max_tokens: u32,
    /// Sampling temperature (0.2 when absent from JSON).
    #[serde(default = "default_temperature")]
    pub temperature: f32,
    /// Which class of model to use.
    #[serde(default)]
    pub tier: ModelTier,
}

fn default_max_tokens() -> u32 {
    1024
}

fn default_temperature() -> f32 {
    0.2
}

impl LlmRequest {
    /// A free-text request for the small tier (1024 tokens, temperature 0.2).
    pub fn new(system: impl Into<String>, user: impl Into<String>) -> Self {
        Self {
            system: system.into(),
            user: user.into(),
            json_schema: None,
            max_tokens: default_max_tokens(),
            temperature: default_temperature(),
            tier: ModelTier::Small,
        }
    }
}

/// Tokens used and what they cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LlmUsage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Generated tokens.
    pub output_tokens: u64,
    /// Cost in US dollars at the backend's prices; `None` when the model has no price.
    pub cost_usd: Option<f64>,
}

impl LlmUsage {
    /// The sum of two usages; the cost is known only if both are.
    pub fn plus(self, other: LlmUsage) -> LlmUsage {
        LlmUsage {
            input_tokens: self.input_tokens + other.input_tokens,
            output_tokens: self.output_tokens + other.output_tokens,
            cost_usd: self.cost_usd.zip(other.cost_usd).map(|(a, b)| a + b),
        }
    }
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmResponse {
    /// The model that answered.
    pub model: String,
    /// The answer's text.
    pub text: String,
    /// The answer parsed and validated against the request's schema, when one
    /// was given (set by [`LlmClient`]; backends leave it `None`).
    pub json: Option<serde_json::Value>,
    /// Tokens and cost of this answer (for [`LlmClient`]: of every attempt it made).
    pub usage: LlmUsage,
}

/// A model provider: sends one request, once. Retries, timeouts, redaction and
/// validation belong to [`LlmClient`].
#[async_trait]
pub trait LlmBackend: Send + Sync {
    /// Sends `request` and returns the answer, or a typed error telling whether
    /// a retry may help ([`LlmError::is_retryable`]).
    async fn complete(&self, request: &LlmRequest) -> Result<LlmResponse, LlmError>;

    /// The model id this backend uses for `tier` (for reports and the ledger).
    fn model_for(&self, tier: ModelTier) -> String;
}
