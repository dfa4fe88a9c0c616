//! `generateInsights`: statistical insights for one tenant and period of a store.

use aybiza_analytics::insights::{InsightGenerator, InsightOptions, StatisticalInsights};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;
use serde_json::Value;

use crate::convert;
use crate::promise;
use crate::store::Store;

/// Insights for a tenant's calls of `[start, end)`, highest impact first (`kind`, `category`,
/// `segment`, `title`, `description`, `impact`, `evidence`): queues, channels and agents that
/// differ from the rest and, with both ends given, changes against the period of equal length
/// before. `options` holds `InsightOptions` fields (`false_discovery_rate`, `min_calls`,
/// `min_relative_change`, `max_insights`, `segment_by`); an unknown field or a value out of range
/// rejects with code `InvalidArgument`.
#[napi(
    catch_unwind,
    ts_return_type = "Promise<Array<Record<string, unknown>>>"
)]
pub fn generate_insights<'env>(
    env: &'env Env,
    store: &Store,
    tenant: String,
    #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    #[napi(ts_arg_type = "Record<string, unknown> | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let range = convert::time_range(start, end)?;
    let options = convert::options_or_default::<InsightOptions>("options", options)?;
    let store = store.shared();
    promise::spawn(env, async move {
        let generator = StatisticalInsights { options: options? };
        let insights = generator.generate(store.as_ref(), &tenant, range?).await?;
        Ok(serde_json::to_value(insights)?)
    })
}
