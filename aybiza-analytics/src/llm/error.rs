//! Typed failures of LLM calls.

use std::time::Duration;

/// Why an LLM call failed. [`LlmError::is_retryable`] tells the retry layer
/// which failures a later attempt may cure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    /// The provider throttled the request (HTTP 429, `ThrottlingException`). Retryable.
    #[error("throttled by the model provider: {message}")]
    Throttled {
        /// The provider's message.
        message: String,
    },
    /// The provider failed (HTTP 5xx: internal error, unavailable, model timeout). Retryable.
    #[error("model provider error (HTTP {status}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The provider's message.
        message: String,
    },
    /// No answer within the configured time. Retryable.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The request never got an answer (connection refused or reset, DNS). Retryable.
    #[error("could not reach the model provider: {0}")]
    Transport(String),
    /// The provider refused the request (HTTP 4xx other than 429: bad request,
    /// access denied, unknown model). Not retryable.
    #[error("request rejected by the model provider (HTTP {status}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The provider's message.
        message: String,
    },
    /// The provider's reply could not be read (not the expected protocol body). Not retryable.
    #[error("unreadable reply from the model provider: {0}")]
    MalformedResponse(String),
    /// The model's answer broke the requested JSON schema, also on the retry
    /// that was told what was wrong. Not retryable.
    #[error("model {model} gave an invalid answer after {attempts} attempts: {reason}")]
    InvalidAnswer {
        /// The model that answered.
        model: String,
        /// Attempts made (each with its own validation error).
        attempts: u32,
        /// The last validation error.
        reason: String,
    },
    /// Every attempt failed with a retryable error.
    #[error("gave up after {attempts} attempts; last error: {last}")]
    RetriesExhausted {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's error.
        last: Box<LlmError>,
    },
    /// The backend or client is misconfigured (bad region, endpoint, options). Not retryable.
    #[error("LLM configuration: {0}")]
    Config(String),
}

impl LlmError {
    /// Whether another attempt of the same request may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            LlmError::Throttled { .. }
                | LlmError::Server { .. }
                | LlmError::Timeout(_)
                | LlmError::Transport(_)
        )
    }

    /// A short snake_case name for the kind of failure (stable; used in results and bindings).
    pub fn kind(&self) -> &'static str {
        match self {
            LlmError::Throttled { .. } => "throttled",
            LlmError::Server { .. } => "server",
            LlmError::Timeout(_) => "timeout",
            LlmError::Transport(_) => "transport",
            LlmError::Rejected { .. } => "rejected",
            LlmError::MalformedResponse(_) => "malformed_response",
            LlmError::InvalidAnswer { .. } => "invalid_answer",
            LlmError::RetriesExhausted { .. } => "retries_exhausted",
            LlmError::Config(_) => "config",
        }
    }

    /// For [`LlmError::RetriesExhausted`], the last underlying error; otherwise `self`.
    pub fn root(&self) -> &LlmError {
        match self {
            LlmError::RetriesExhausted { last, .. } => last.root(),
            other => other,
        }
    }
}
