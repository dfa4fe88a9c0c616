//! The `LlmClient` class: Claude on AWS Bedrock behind the library's LLM layer
//! (redaction, retries, timeouts, schema validation, per-tenant costs).

use std::sync::Arc;

use aybiza_analytics::Error;
use aybiza_analytics::llm::bedrock::BedrockClientSettings;
use aybiza_analytics::llm::deepen::{DeepenOptions, GroupBrief, deepen_groups};
use aybiza_analytics::llm::summarize::executive_summary;
use aybiza_analytics::llm::{LlmClient as CoreClient, LlmRequest};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::convert;
use crate::promise;

/// The tenant booked when none is given.
const DEFAULT_TENANT: &str = "default";

/// A model client on AWS Bedrock: `new LlmClient(settings)`. It connects on the
/// first call (credentials and region from the AWS chain, with the overrides in
/// `settings`); every call returns a Promise that rejects with an `Error` of
/// `code` `Llm` when the model fails, or `InvalidArgument` for bad arguments.
#[napi]
pub struct LlmClient {
    settings: BedrockClientSettings,
    client: Arc<OnceCell<CoreClient>>,
}

/// The connected client, connecting on first use.
pub(crate) async fn connected(
    settings: &BedrockClientSettings,
    cell: &OnceCell<CoreClient>,
) -> aybiza_analytics::Result<CoreClient> {
    cell.get_or_try_init(|| async { settings.connect().await.map_err(Error::from) })
        .await
        .cloned()
}

/// An optional string argument, or the default tenant.
fn tenant_arg(tenant: Option<String>) -> String {
    tenant.unwrap_or_else(|| DEFAULT_TENANT.to_owned())
}

impl LlmClient {
    /// What [`connected`] needs to reach this client's core client from a spawned task.
    pub(crate) fn connection(&self) -> (BedrockClientSettings, Arc<OnceCell<CoreClient>>) {
        (self.settings.clone(), Arc::clone(&self.client))
    }
}

#[napi]
impl LlmClient {
    /// A client for Bedrock with `settings` (region, profile, endpointUrl-style
    /// snake_case keys as in the Rust `BedrockClientSettings`; all optional).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        #[napi(ts_arg_type = "BedrockSettings")] settings: Option<Unknown>,
    ) -> napi::Result<Self> {
        let settings = convert::optional_object_json("settings", settings)?
            .and_then(|value| convert::from_json("settings", value.unwrap_or_else(|| json!({}))))
            .map_err(|error| napi::Error::new(napi::Status::InvalidArg, error.to_string()))?;
        Ok(Self {
            settings,
            client: Arc::new(OnceCell::new()),
        })
    }

    /// Sends one request (`system`, `user`, optional `json_schema`, `max_tokens`, `temperature`, `tier`).
    #[napi(catch_unwind, ts_return_type = "Promise<LlmResponse>")]
    pub fn complete<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "LlmRequest")] request: Unknown,
        tenant: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let request = convert::object_json("request", request)?
            .and_then(|value| convert::from_json::<LlmRequest>("request", value));
        let (settings, cell, tenant) = (
            self.settings.clone(),
            Arc::clone(&self.client),
            tenant_arg(tenant),
        );
        promise::spawn(env, async move {
            let request = request?;
            let client = connected(&settings, &cell).await?;
            let response = client.complete(&tenant, &request).await?;
            Ok(serde_json::to_value(response)?)
        })
    }

    /// Asks the model about each pattern group; failed groups are listed in `failures`.
    #[napi(catch_unwind, ts_return_type = "Promise<DeepenResult>")]
    pub fn deepen<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "ReadonlyArray<GroupBrief>")] groups: Unknown,
        tenant: Option<String>,
        #[napi(ts_arg_type = "DeepenOptions")] options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let groups = convert::array_json("groups", groups)?
            .and_then(|value| convert::from_json::<Vec<GroupBrief>>("groups", value));
        let options = convert::optional_object_json("options", options)?.and_then(|value| {
            convert::from_json::<DeepenOptions>("options", value.unwrap_or_else(|| json!({})))
        });
        let (settings, cell, tenant) = (
            self.settings.clone(),
            Arc::clone(&self.client),
            tenant_arg(tenant),
        );
        promise::spawn(env, async move {
            let (groups, options) = (groups?, options?);
            let client = connected(&settings, &cell).await?;
            Ok(serde_json::to_value(
                deepen_groups(&client, &tenant, &groups, &options).await,
            )?)
        })
    }

    /// An executive summary of `keyFigures` (any JSON-shaped object) from the large model.
    #[napi(catch_unwind, ts_return_type = "Promise<SummaryResult>")]
    pub fn summarize<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Record<string, unknown>")] key_figures: Unknown,
        tenant: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let figures = convert::object_json("keyFigures", key_figures)?;
        let (settings, cell, tenant) = (
            self.settings.clone(),
            Arc::clone(&self.client),
            tenant_arg(tenant),
        );
        promise::spawn(env, async move {
            let figures = figures?;
            let client = connected(&settings, &cell).await?;
            Ok(serde_json::to_value(
                executive_summary(&client, &tenant, &figures).await?,
            )?)
        })
    }

    /// Tokens and dollars per tenant so far: `{tenant: {total, by_model}}` (empty before the first call).
    #[napi(catch_unwind, ts_return_type = "Record<string, TenantCost>")]
    pub fn costs(&self) -> napi::Result<Value> {
        let snapshot = self
            .client
            .get()
            .map(|client| client.ledger().snapshot())
            .unwrap_or_default();
        serde_json::to_value(snapshot).map_err(|e| napi::Error::from_reason(e.to_string()))
    }
}
