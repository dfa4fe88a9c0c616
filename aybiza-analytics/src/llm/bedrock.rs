//! The AWS Bedrock backend (feature `bedrock`): Claude models through the
//! Converse API (or InvokeModel with an Anthropic messages body), credentials
//! and region from the standard AWS chain.
//!
//! SDK-level retries are turned off: [`crate::llm::LlmClient`] owns retrying,
//! so a throttled request is not retried twice over.

use async_trait::async_trait;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region};
use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, InferenceConfiguration, Message, SystemContentBlock,
};
use serde::{Deserialize, Serialize};

use super::{LlmBackend, LlmError, LlmRequest, LlmResponse, ModelRouting, ModelTier, PriceTable};

/// Which Bedrock runtime operation carries the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BedrockApi {
    /// `POST /model/{modelId}/converse`: the model-independent Converse API.
    #[default]
    Converse,
    /// `POST /model/{modelId}/invoke` with an Anthropic messages body (Claude models only).
    InvokeModel,
}

/// Settings of a [`BedrockBackend`]. Unset fields come from the AWS chain
/// (environment, shared config and credentials files, SSO-less profiles,
/// container and instance metadata).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BedrockConfig {
    /// AWS region, e.g. `us-east-1`.
    pub region: Option<String>,
    /// Named profile of the shared AWS config files.
    pub profile: Option<String>,
    /// Endpoint override (a VPC endpoint, a proxy, or a test server).
    pub endpoint_url: Option<String>,
    /// Which operation to call.
    pub api: BedrockApi,
    /// Model ids per tier and the large-group threshold.
    pub routing: ModelRouting,
    /// Prices per model id, for the cost ledger.
    pub prices: PriceTable,
}

/// Claude on AWS Bedrock.
#[derive(Debug, Clone)]
pub struct BedrockBackend {
    client: Client,
    config: BedrockConfig,
}

impl BedrockBackend {
    /// Loads credentials and region from the standard AWS chain, with the
    /// overrides of `config`. Fails when no region can be found.
    pub async fn connect(config: BedrockConfig) -> Result<Self, LlmError> {
        Self::connect_with(aws_config::defaults(BehaviorVersion::latest()), config).await
    }

    /// As [`BedrockBackend::connect`], from a caller-prepared loader (for
    /// example with an explicit credentials provider); `config`'s region,
    /// profile and endpoint are applied on top of it.
    pub async fn connect_with(
        loader: ConfigLoader,
        config: BedrockConfig,
    ) -> Result<Self, LlmError> {
        let mut loader = loader.retry_config(RetryConfig::disabled());
        if let Some(region) = &config.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = &config.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &config.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        let sdk_config = loader.load().await;
        if sdk_config.region().is_none() {
            return Err(LlmError::Config(
                "no AWS region: set it in the configuration, AWS_REGION or the profile".into(),
            ));
        }
        Ok(Self {
            client: Client::new(&sdk_config),
            config,
        })
    }

    /// The settings this backend was built with.
    pub fn config(&self) -> &BedrockConfig {
        &self.config
    }

    async fn converse(
        &self,
        model: &str,
        request: &LlmRequest,
    ) -> Result<(String, u64, u64), LlmError> {
        let message = Message::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text(request.user.clone()))
            .build()
            .map_err(|e| LlmError::Config(e.to_string()))?;
        let inference = InferenceConfiguration::builder()
            .max_tokens(i32::try_from(request.max_tokens).unwrap_or(i32::MAX))
            .temperature(request.temperature)
            .build();
        let mut call = self
            .client
            .converse()
            .model_id(model)
            .messages(message)
            .inference_config(inference);
        if !request.system.is_empty() {
            call = call.system(SystemContentBlock::Text(request.system.clone()));
        }
        let output = call.send().await.map_err(classify)?;
        let message = output
            .output()
            .and_then(|o| o.as_message().ok())
            .ok_or_else(|| LlmError::MalformedResponse("the reply holds no message".into()))?;
        let text: String = message
            .content()
            .iter()
            .filter_map(|block| block.as_text().ok())
            .map(String::as_str)
            .collect();
        let (input, output_tokens) = output
            .usage()
            .map_or((0, 0), |u| (u.input_tokens(), u.output_tokens()));
        Ok((text, to_count(input), to_count(output_tokens)))
    }

    async fn invoke(
        &self,
        model: &str,
        request: &LlmRequest,
    ) -> Result<(String, u64, u64), LlmError> {
        let mut body = serde_json::json!({
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "messages": [{"role": "user", "content": [{"type": "text", "text": request.user}]}],
        });
        if !request.system.is_empty() {
            body["system"] = serde_json::Value::String(request.system.clone());
        }
        let bytes = serde_json::to_vec(&body).map_err(|e| LlmError::Config(e.to_string()))?;
        let output = self
            .client
            .invoke_model()
            .model_id(model)
            .content_type("application/json")
            .accept("application/json")
            .body(Blob::new(bytes))
            .send()
            .await
            .map_err(classify)?;
        let reply: AnthropicReply = serde_json::from_slice(output.body().as_ref())
            .map_err(|e| LlmError::MalformedResponse(format!("Anthropic messages reply: {e}")))?;
        let text = reply
            .content
            .into_iter()
            .filter(|block| block.kind == "text")
            .filter_map(|block| block.text)
            .collect();
        Ok((text, reply.usage.input_tokens, reply.usage.output_tokens))
    }
}

/// The part of an Anthropic messages reply this backend reads.
#[derive(Deserialize)]
struct AnthropicReply {
    content: Vec<AnthropicBlock>,
    usage: AnthropicUsage,
}

#[derive(Deserialize)]
struct AnthropicBlock {
    #[serde(rename = "type")]
    kind: String,
    text: Option<String>,
}

#[derive(Deserialize)]
struct AnthropicUsage {
    input_tokens: u64,
    output_tokens: u64,
}

fn to_count(tokens: i32) -> u64 {
    u64::try_from(tokens).unwrap_or(0)
}

/// Maps an SDK failure to a typed error: 429 or `ThrottlingException` is
/// throttling, 5xx a server error, other 4xx a rejection, an unreadable 2xx
/// body a malformed response, and no response at all a transport failure.
fn classify<E>(error: SdkError<E>) -> LlmError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match error {
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            let err = context.err();
            let message = match (err.code(), err.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_owned(),
                (None, Some(message)) => message.to_owned(),
                (None, None) => DisplayErrorContext(err).to_string(),
            };
            if status == 429 || err.code() == Some("ThrottlingException") {
                LlmError::Throttled { message }
            } else if status >= 500 {
                LlmError::Server { status, message }
            } else if (200..300).contains(&status) {
                LlmError::MalformedResponse(message)
            } else {
                LlmError::Rejected { status, message }
            }
        }
        SdkError::ResponseError(context) => LlmError::MalformedResponse(
            DisplayErrorContext(&SdkError::<E>::ResponseError(context)).to_string(),
        ),
        SdkError::ConstructionFailure(_) => {
            LlmError::Config(DisplayErrorContext(&error).to_string())
        }
        other => LlmError::Transport(DisplayErrorContext(&other).to_string()),
    }
}

#[async_trait]
impl LlmBackend for BedrockBackend {
    async fn complete(&self, request: &LlmRequest) -> Result<LlmResponse, LlmError> {
        let model = self.config.routing.model(request.tier).to_owned();
        let (text, input_tokens, output_tokens) = match self.config.api {
            BedrockApi::Converse => self.converse(&model, request).await?,
            BedrockApi::InvokeModel => self.invoke(&model, request).await?,
        };
        Ok(LlmResponse {
            usage: self
                .config
                .prices
                .usage(&model, input_tokens, output_tokens),
            model,
            text,
            json: None,
        })
    }

    fn model_for(&self, tier: ModelTier) -> String {
        self.config.routing.model(tier).to_owned()
    }
}

/// Everything needed to build an [`LlmClient`](crate::llm::LlmClient) on
/// Bedrock, as one JSON-friendly object (the bindings take it as a dict /
/// object). Durations are in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BedrockClientSettings {
    /// AWS region; from the AWS chain when unset.
    pub region: Option<String>,
    /// Named AWS profile.
    pub profile: Option<String>,
    /// Endpoint override.
    pub endpoint_url: Option<String>,
    /// `converse` or `invoke_model`.
    pub api: BedrockApi,
    /// Model id of the small tier (Claude 3 Haiku by default).
    pub small_model: Option<String>,
    /// Model id of the large tier (Claude 3.7 Sonnet by default).
    pub large_model: Option<String>,
    /// Prices for models other than the two default ones, by model id.
    pub prices: std::collections::BTreeMap<String, super::ModelPrice>,
    /// Seconds allowed per attempt.
    pub timeout_seconds: f64,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Upper bound of the first backoff, in seconds.
    pub initial_backoff_seconds: f64,
    /// Upper bound of any backoff, in seconds.
    pub max_backoff_seconds: f64,
    /// Most requests in flight.
    pub max_concurrency: usize,
    /// Whether prompts are redacted of PII before they are sent.
    pub redact_prompts: bool,
}

impl Default for BedrockClientSettings {
    fn default() -> Self {
        let client = super::LlmClientConfig::default();
        Self {
            region: None,
            profile: None,
            endpoint_url: None,
            api: BedrockApi::default(),
            small_model: None,
            large_model: None,
            prices: std::collections::BTreeMap::new(),
            timeout_seconds: client.timeout.as_secs_f64(),
            max_attempts: client.retry.max_attempts,
            initial_backoff_seconds: client.retry.initial_backoff.as_secs_f64(),
            max_backoff_seconds: client.retry.max_backoff.as_secs_f64(),
            max_concurrency: client.max_concurrency,
            redact_prompts: client.redact_prompts,
        }
    }
}

fn seconds(name: &str, value: f64) -> Result<std::time::Duration, LlmError> {
    std::time::Duration::try_from_secs_f64(value).map_err(|_| {
        LlmError::Config(format!(
            "{name} must be a non-negative number of seconds, got {value}"
        ))
    })
}

impl BedrockClientSettings {
    /// The backend and client configurations these settings describe.
    pub fn split(&self) -> Result<(BedrockConfig, super::LlmClientConfig), LlmError> {
        let mut routing = ModelRouting::default();
        if let Some(model) = &self.small_model {
            routing.small_model = model.clone();
        }
        if let Some(model) = &self.large_model {
            routing.large_model = model.clone();
        }
        let mut prices = PriceTable::default();
        prices
            .models
            .extend(self.prices.iter().map(|(k, v)| (k.clone(), *v)));
        let backend = BedrockConfig {
            region: self.region.clone(),
            profile: self.profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
            api: self.api,
            routing,
            prices,
        };
        let client = super::LlmClientConfig {
            timeout: seconds("timeout_seconds", self.timeout_seconds)?,
            retry: super::RetryPolicy {
                max_attempts: self.max_attempts,
                initial_backoff: seconds("initial_backoff_seconds", self.initial_backoff_seconds)?,
                max_backoff: seconds("max_backoff_seconds", self.max_backoff_seconds)?,
            },
            max_concurrency: self.max_concurrency,
            redact_prompts: self.redact_prompts,
            ..super::LlmClientConfig::default()
        };
        Ok((backend, client))
    }

    /// Connects to Bedrock (credentials and region from the AWS chain, with
    /// these overrides) and wraps the backend in an [`LlmClient`](crate::llm::LlmClient).
    pub async fn connect(&self) -> Result<super::LlmClient, LlmError> {
        let (backend, client) = self.split()?;
        let backend = BedrockBackend::connect(backend).await?;
        super::LlmClient::new(std::sync::Arc::new(backend), client)
    }
}
