//! The backend-independent layer: redaction, concurrency limit, timeouts,
//! retries with jittered exponential backoff, schema validation, cost ledger.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::schema::{extract_json, validate};
use super::{CostLedger, LlmBackend, LlmError, LlmRequest, LlmResponse, LlmUsage, ModelTier};
use crate::privacy::Redactor;
use crate::retry::{Jitter, RetryPolicy};

/// Settings of an [`LlmClient`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmClientConfig {
    /// Time allowed for one attempt.
    pub timeout: Duration,
    /// Retries of throttling, 5xx, timeouts and transport failures.
    pub retry: RetryPolicy,
    /// Most requests in flight at once (at least 1).
    pub max_concurrency: usize,
    /// Whether prompts (system and user) are redacted of PII before they leave the process.
    pub redact_prompts: bool,
    /// The redactor used when `redact_prompts` is on.
    pub redactor: Redactor,
}

impl Default for LlmClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            max_concurrency: 4,
            redact_prompts: true,
            redactor: Redactor::new(),
        }
    }
}

struct Inner {
    backend: Arc<dyn LlmBackend>,
    config: LlmClientConfig,
    permits: Semaphore,
    ledger: CostLedger,
    jitter: Jitter,
}

/// Any [`LlmBackend`] made safe to call: every prompt is redacted of PII (unless
/// turned off), at most `max_concurrency` requests are in flight, each attempt
/// has a timeout, retryable failures are retried with jittered exponential
/// backoff, structured answers are validated against their schema (an invalid
/// answer is retried once with the validation error appended, then reported as
/// [`LlmError::InvalidAnswer`]), and every answer is booked in a per-tenant
/// [`CostLedger`]. Cheap to clone; clones share the limit and the ledger.
#[derive(Clone)]
pub struct LlmClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Most requests a client may keep in flight at once.
pub const MAX_CONCURRENCY: usize = 1_024;

/// Attempts at a valid structured answer: the first, and one retry told what was wrong.
const VALIDATION_ATTEMPTS: u32 = 2;

impl LlmClient {
    /// Wraps `backend`. Fails on a zero `max_attempts` or `timeout`, and on a
    /// `max_concurrency` outside 1 to [`MAX_CONCURRENCY`].
    pub fn new(backend: Arc<dyn LlmBackend>, config: LlmClientConfig) -> Result<Self, LlmError> {
        if !(1..=MAX_CONCURRENCY).contains(&config.max_concurrency) {
            return Err(LlmError::Config(format!(
                "max_concurrency must be between 1 and {MAX_CONCURRENCY}, got {}",
                config.max_concurrency
            )));
        }
        if config.retry.max_attempts == 0 {
            return Err(LlmError::Config("max_attempts must be at least 1".into()));
        }
        if config.timeout.is_zero() {
            return Err(LlmError::Config("timeout must be positive".into()));
        }
        Ok(Self {
            inner: Arc::new(Inner {
                permits: Semaphore::new(config.max_concurrency),
                backend,
                config,
                ledger: CostLedger::default(),
                jitter: Jitter::new(),
            }),
        })
    }

    /// The settings.
    pub fn config(&self) -> &LlmClientConfig {
        &self.inner.config
    }

    /// Token use and cost per tenant so far.
    pub fn ledger(&self) -> &CostLedger {
        &self.inner.ledger
    }

    /// The model id the backend uses for `tier`.
    pub fn model_for(&self, tier: ModelTier) -> String {
        self.inner.backend.model_for(tier)
    }

    /// Sends `request` on behalf of `tenant` (booked in the ledger) and returns
    /// the answer; with a schema, `json` holds the validated value and `usage`
    /// covers every attempt.
    pub async fn complete(
        &self,
        tenant: &str,
        request: &LlmRequest,
    ) -> Result<LlmResponse, LlmError> {
        // Redact what came from the caller (and, below, the validation error,
        // which may quote the answer); the schema is ours and is left intact.
        let mut outgoing = LlmRequest {
            system: self.redact(&request.system),
            user: self.redact(&request.user),
            ..request.clone()
        };
        if let Some(schema) = &request.json_schema {
            outgoing.system = format!(
                "{}\n\nAnswer with a single JSON value and nothing else. It must follow this JSON schema:\n{}",
                outgoing.system, schema
            );
        }
        let redacted_user = outgoing.user.clone();
        let _permit =
            self.inner.permits.acquire().await.map_err(|_| {
                LlmError::Config("the client's concurrency limit was closed".into())
            })?;
        let mut usage = LlmUsage {
            cost_usd: Some(0.0),
            ..LlmUsage::default()
        };
        let mut validation_attempt = 0;
        loop {
            validation_attempt += 1;
            let response = self.send_with_retries(tenant, &outgoing).await?;
            usage = usage.plus(response.usage);
            let Some(schema) = &request.json_schema else {
                return Ok(LlmResponse { usage, ..response });
            };
            let checked = extract_json(&response.text).and_then(|value| {
                validate(schema, &value)
                    .map(|()| value)
                    .map_err(|violation| format!("the answer breaks the schema {violation}"))
            });
            match checked {
                Ok(value) => {
                    return Ok(LlmResponse {
                        json: Some(value),
                        usage,
                        ..response
                    });
                }
                Err(reason) if validation_attempt < VALIDATION_ATTEMPTS => {
                    tracing::warn!(model = %response.model, %reason, "invalid structured answer; asking again");
                    outgoing.user = format!(
                        "{redacted_user}\n\nYour previous answer was rejected: {}. \
                         Reply again with only a JSON value that follows the schema.",
                        self.redact(&reason)
                    );
                }
                Err(reason) => {
                    return Err(LlmError::InvalidAnswer {
                        model: response.model,
                        attempts: validation_attempt,
                        reason,
                    });
                }
            }
        }
    }

    /// `text` redacted of PII, or unchanged when redaction is off.
    fn redact(&self, text: &str) -> String {
        let config = &self.inner.config;
        if config.redact_prompts {
            config.redactor.redact(text).text
        } else {
            text.to_owned()
        }
    }

    async fn send_with_retries(
        &self,
        tenant: &str,
        request: &LlmRequest,
    ) -> Result<LlmResponse, LlmError> {
        let config = &self.inner.config;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome =
                match tokio::time::timeout(config.timeout, self.inner.backend.complete(request))
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err(LlmError::Timeout(config.timeout)),
                };
            match outcome {
                Ok(response) => {
                    self.inner
                        .ledger
                        .record(tenant, &response.model, &response.usage);
                    return Ok(response);
                }
                Err(error) if !error.is_retryable() => return Err(error),
                Err(error) if attempt >= config.retry.max_attempts => {
                    return Err(LlmError::RetriesExhausted {
                        attempts: attempt,
                        last: Box::new(error),
                    });
                }
                Err(error) => {
                    let wait = self
                        .inner
                        .jitter
                        .wait(config.retry.backoff_cap(attempt - 1));
                    tracing::warn!(%error, attempt, ?wait, "LLM attempt failed; retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
