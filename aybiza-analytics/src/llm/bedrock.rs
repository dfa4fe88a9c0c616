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
