//! The simulator: `simulate` (records and ground truth) and `simulateJsonl` (JSON Lines text).

use aybiza_analytics::Error;
use aybiza_analytics::sim::{self, SimConfig};
use chrono::SecondsFormat;
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown, spawn_blocking};
use napi_derive::napi;
use serde_json::{Value, json};

use crate::convert::{self, Checked};
use crate::promise;

/// The simulation config of an object of `SimConfig` fields; `null`,
/// `undefined` or a missing field means the default. `start` is a `Date` or an
/// ISO-8601 string, as time bounds are.
fn sim_config(config: Option<Unknown>) -> napi::Result<Checked<SimConfig>> {
    let Some(config) = config else {
        return Ok(Ok(SimConfig::default()));
    };
    Ok(
        convert::object_json("config", config)?.and_then(|mut value| {
            if let Some(Value::String(start)) = value.get("start") {
                let start = convert::iso8601("config.start", start)?;
                value["start"] = Value::String(start.to_rfc3339_opts(SecondsFormat::AutoSi, true));
            }
            convert::from_json("config", value)
        }),
    )
}

/// Runs the simulation for `config` on a blocking thread and finishes its output with `finish`.
async fn run_simulation<T, F>(config: Checked<SimConfig>, finish: F) -> aybiza_analytics::Result<T>
where
    T: Send + 'static,
    F: FnOnce(sim::SimOutput) -> aybiza_analytics::Result<T> + Send + 'static,
{
    let config = config?;
    spawn_blocking(move || finish(sim::simulate(&config)?))
        .await
        .map_err(|e| Error::Task(e.to_string()))?
}

/// Simulates contact-center data off the JS thread: `{records, truth}`.
///
/// The same config always gives the same output. Rejects with code
/// `InvalidArgument` for an unknown field, a value of the wrong type, or a
/// config outside the limits.
#[napi(catch_unwind, ts_return_type = "Promise<SimOutput>")]
pub fn simulate<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "SimConfig | null")] config: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let config = sim_config(config)?;
    promise::spawn(env, async move {
        run_simulation(config, |output| {
            Ok(json!({
                "records": serde_json::to_value(output.records)?,
                "truth": serde_json::to_value(output.truth)?,
            }))
        })
        .await
    })
}

/// The records `simulate` gives for `config`, as JSON Lines text (ground truth
/// left out), ready for `store.ingestJsonl`. Builds no JS objects, so it takes
/// less time and memory than `simulate` for large outputs.
#[napi(catch_unwind, ts_return_type = "Promise<string>")]
pub fn simulate_jsonl<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "SimConfig | null")] config: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, String>> {
    let config = sim_config(config)?;
    promise::spawn(env, async move {
        run_simulation(config, |output| {
            let mut text = Vec::new();
            sim::write_jsonl(&output.records, &mut text)?;
            // serde_json writes UTF-8; the fallback only guards the conversion.
            Ok(String::from_utf8(text)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
        })
        .await
    })
}
