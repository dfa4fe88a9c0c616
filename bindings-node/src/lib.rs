//! Node bindings of aybiza-analytics, published as the npm package `aybiza-analytics`.
//!
//! Every result crosses the boundary as the JSON shape of the Rust serde type
//! (converted through `serde_json::Value`), so records, reports and errors
//! look the same in Rust, Python and JavaScript. Store calls return Promises
//! and run on napi's tokio runtime; failures reject with a JS `Error` whose
//! `code` names the Rust error variant (see [`errors`]).
//!
//! Modules: [`store`] (the `Store` class, queries and reports), [`sim`] (the
//! simulator), [`report`] (`renderReportHtml`), [`privacy`] (the `Redactor`
//! class), [`journey`] (attribution, journey maps, cohorts, LTV and the
//! `JourneyTracker` class), [`sentiment`] (the `SentimentAnalyzer`
//! class), [`realtime`] (the `CallTracker` class), [`predict`] (outcome
//! models), [`llm`] (the `LlmClient` class on AWS Bedrock), [`forecast`]
//! (forecasts, anomaly detection with the `AnomalyMonitor` class, staffing), [`rules`] (the
//! `LiveRules` class), [`insights`] (`generateInsights`, the `InsightScheduler` and
//! `LiveInsights` classes), [`export`] (the analytics tables),
//! [`access`] (`readAuditLog`; `Store.scoped` is in [`store`]),
//! and the helpers
//! [`convert`], [`errors`] and [`promise`].
//!
//! Adding a capability: put it in its own module, take JS arguments as
//! `Unknown` and check them with [`convert`], and return
//! [`promise::spawn`] for anything that touches a store or takes time.

#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod access;
pub mod convert;
pub mod errors;
pub mod export;
pub mod forecast;
pub mod insights;
pub mod journey;
pub mod llm;
pub mod patterns;
pub mod predict;
pub mod privacy;
pub mod promise;
pub mod realtime;
pub mod report;
pub mod rules;
pub mod sentiment;
pub mod sim;
pub mod store;

use aybiza_analytics::model::ingest::{IngestLimits, parse_jsonl_bytes};
use napi::bindgen_prelude::Unknown;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::{Value, json};

/// Parses and validates JSON Lines without storing them: `{records, rejected}`.
///
/// `input` is a string or a `Buffer`/`Uint8Array`; a line that is not UTF-8
/// is rejected on its own. Throws an `Error` with `code` `InvalidArgument`
/// when `input` is neither.
#[napi(catch_unwind, ts_return_type = "ParsedBatch")]
pub fn parse_jsonl(
    env: &Env,
    #[napi(ts_arg_type = "string | Uint8Array")] input: Unknown,
) -> Result<Value> {
    let parsed = convert::jsonl_bytes(input)?
        .map(|bytes| parse_jsonl_bytes(&bytes, &IngestLimits::default()))
        .and_then(|batch| {
            Ok(json!({
                "records": serde_json::to_value(batch.records)?,
                "rejected": serde_json::to_value(batch.rejected)?,
            }))
        });
    parsed.map_err(|error| errors::to_napi(env, &error))
}
