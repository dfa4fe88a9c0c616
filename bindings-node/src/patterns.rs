//! `discoverPatterns`: batch pattern discovery for one tenant and period of a store;
//! `analyzeCallPatterns`: the same, deepened per group by an `LlmClient` when one is given.

use aybiza_analytics::patterns::analyze::{
    PatternAnalysisOptions, analyze_call_patterns as analyze,
};
use aybiza_analytics::patterns::discovery::{DiscoveryOptions, discover_patterns as discover};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;
use serde_json::Value;

use crate::convert;
use crate::llm::{LlmClient, connected};
use crate::promise;
use crate::store::Store;

/// Groups a tenant's calls of `[start, end)` and runs the specialised analyses (escalation triggers,
/// successful resolutions, confusion, repeat callers, automation candidates, FAQs); resolves to the
/// findings (snake_case keys, as the Rust serde types write them). `options` holds `DiscoveryOptions`
/// fields (`vectorize`, `cluster`, `analyses`); an unknown field rejects with code `InvalidArgument`.
#[napi(catch_unwind, ts_return_type = "Promise<Record<string, unknown>>")]
pub fn discover_patterns<'env>(
    env: &'env Env,
    store: &Store,
    tenant: String,
    #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    #[napi(ts_arg_type = "Record<string, unknown> | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let range = convert::time_range(start, end)?;
    let options = convert::options_or_default::<DiscoveryOptions>("options", options)?;
    let store = store.shared();
    promise::spawn(env, async move {
        let findings = discover(store.as_ref(), &tenant, range?, &options?).await?;
        Ok(serde_json::to_value(findings)?)
    })
}

/// Runs `discoverPatterns`, then, with `llmClient`, asks the model about each group (largest first, at
/// most `max_llm_groups`) and attaches its answer as the group's `llm_insights`; groups whose analysis
/// failed are listed in `llm_failures`, the tokens and cost of the others in `llm_usage`. `options` holds
/// `PatternAnalysisOptions` fields (`discovery`, `deepen`, `max_llm_groups`); an unknown field rejects
/// with code `InvalidArgument`.
#[napi(catch_unwind, ts_return_type = "Promise<Record<string, unknown>>")]
pub fn analyze_call_patterns<'env>(
    env: &'env Env,
    store: &Store,
    tenant: String,
    #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    #[napi(ts_arg_type = "Record<string, unknown> | null")] options: Option<Unknown>,
    llm_client: Option<&LlmClient>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let range = convert::time_range(start, end)?;
    let options = convert::options_or_default::<PatternAnalysisOptions>("options", options)?;
    let store = store.shared();
    let connection = llm_client.map(LlmClient::connection);
    promise::spawn(env, async move {
        let client = match &connection {
            Some((settings, cell)) => Some(connected(settings, cell).await?),
            None => None,
        };
        let analysis = analyze(store.as_ref(), &tenant, range?, &options?, client.as_ref()).await?;
        Ok(serde_json::to_value(analysis)?)
    })
}
