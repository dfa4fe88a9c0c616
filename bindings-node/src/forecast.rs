//! Forecasting, anomaly detection and staffing: `forecast`, `detectAnomalies`, the
//! `AnomalyMonitor` class and `staffing`.
//!
//! Arguments are read by `aybiza_analytics::forecast::json`, which the Python bindings share,
//! so both languages accept the same options (snake_case fields) and report the same errors.
//! Forecasts and batch detection run off the JS thread and return a Promise; the monitor and
//! staffing are synchronous.

use std::sync::Mutex;

use aybiza_analytics::Error;
use aybiza_analytics::forecast::anomaly::StreamingDetector;
use aybiza_analytics::forecast::json;
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown, spawn_blocking};
use napi_derive::napi;
use serde_json::Value;

use crate::convert::{self, Checked};
use crate::{errors, promise};

/// The array-of-numbers argument `name`.
fn numbers(name: &str, value: Unknown) -> napi::Result<Checked<Vec<f64>>> {
    Ok(convert::array_json(name, value)?.and_then(|json| convert::from_json(name, json)))
}

/// Runs `work` on a blocking thread and returns a Promise of its result's JSON.
fn blocking<'env, T, F>(env: &'env Env, work: F) -> napi::Result<PromiseRaw<'env, Value>>
where
    T: serde::Serialize,
    F: FnOnce() -> aybiza_analytics::Result<T> + Send + 'static,
{
    promise::spawn(env, async move {
        spawn_blocking(move || Ok(serde_json::to_value(work()?)?))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    })
}

/// Forecasts `horizon` steps after `values` with prediction intervals: `{model, periods,
/// columns, rows}`, one row per step (`step`, `timestamp`, `point`, `lower_80`, `upper_80`,
/// …). Options: `model` (`auto`, the default, or `prophet` in builds with the `prophet`
/// feature; elsewhere an `InvalidArgument`), `timestamps` (with `step`,
/// `aggregate`, `fill`: resampled to a regular grid),
/// `periods` (detected when absent), `calendar` (working-day flags, see `ForecastOptions`),
/// `levels` (default `[80, 95]`), `calibration_windows`, `max_cycles`, `volatility_scaling`
/// (default true: intervals of seasonal models widen after a turbulent spell), `lower_bound`
/// (e.g. 0 for counts: points and bounds below it are raised to it). Rejects with
/// code `InvalidArgument` for bad input (too short, non-finite, horizon 0 or too long, unknown
/// option).
#[napi(catch_unwind, ts_return_type = "Promise<ForecastResult>")]
pub fn forecast<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<number>")] values: Unknown,
    horizon: f64,
    #[napi(ts_arg_type = "ForecastOptions | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let values = numbers("values", values)?;
    let options = convert::optional_object_json("options", options)?;
    let horizon = whole("horizon", horizon);
    blocking(env, move || json::forecast(values?, horizon?, options?))
}

/// A whole number of steps, or an `InvalidArgument` error.
fn whole(name: &str, value: f64) -> Checked<usize> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= usize::MAX as f64 {
        Ok(value as usize)
    } else {
        Err(Error::InvalidArgument(format!(
            "{name} must be a whole number >= 0, got {value}"
        )))
    }
}

/// The anomalous intervals of `values` against their forecast band: `[{start, end,
/// peak_probability, direction}]`. Options as for the `AnomalyMonitor`, plus `max_gap` and
/// `min_len`.
#[napi(catch_unwind, ts_return_type = "Promise<AnomalyInterval[]>")]
pub fn detect_anomalies<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<number>")] values: Unknown,
    #[napi(ts_arg_type = "AnomalyOptions | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let values = numbers("values", values)?;
    let options = convert::optional_object_json("options", options)?;
    blocking(env, move || json::anomalies(&values?, options?))
}

/// Agents required per interval for `calls[i]` calls in interval `i`: `[{interval, calls,
/// agents, traffic_erlangs, occupancy, service_level, probability_of_waiting,
/// expected_wait_secs, probability_of_abandoning}]`. Options: `interval_secs` (900),
/// `aht_secs` (300), `service_level` (0.8), `answer_within_secs` (20), `max_occupancy` (1),
/// `model` (`erlang_c`, or `erlang_a` with `patience_secs`).
#[napi(catch_unwind, ts_return_type = "StaffingRow[]")]
pub fn staffing(
    env: &Env,
    #[napi(ts_arg_type = "ReadonlyArray<number>")] calls: Unknown,
    #[napi(ts_arg_type = "StaffingOptions | null")] options: Option<Unknown>,
) -> napi::Result<Value> {
    let calls = numbers("calls", calls)?;
    let options = convert::optional_object_json("options", options)?;
    calls
        .and_then(|calls| json::staffing(&calls, options?))
        .and_then(|rows| Ok(serde_json::to_value(rows)?))
        .map_err(|e| errors::to_napi(env, &e))
}

/// A streaming anomaly detector: `observe(value)` scores each live interval against the band
/// forecast from the values before it.
#[napi]
pub struct AnomalyMonitor {
    detector: Mutex<StreamingDetector>,
}

/// The error of a monitor whose lock was poisoned by an earlier failure.
fn unusable() -> Error {
    Error::InvalidArgument("the monitor failed earlier and is unusable".into())
}

#[napi]
impl AnomalyMonitor {
    /// A monitor with these options (`periods`, `band_level`, `threshold`, `transform`,
    /// `refit_every`, `warm_up`, `max_history`, `calibration_windows`, `window`). Throws an
    /// `Error` with code `InvalidArgument` for a bad option.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "AnomalyOptions | null")] options: Option<Unknown>,
    ) -> napi::Result<Self> {
        let detector = convert::optional_object_json("options", options)?
            .and_then(json::anomaly_monitor)
            .map_err(|e| errors::to_napi(env, &e))?;
        Ok(Self {
            detector: Mutex::new(detector),
        })
    }

    /// Scores the next value: `null` during the warm-up, else `{value, expected, lower, upper,
    /// probability, anomalous, direction}`. Throws for a non-finite value.
    #[napi(catch_unwind, ts_return_type = "AnomalyVerdict | null")]
    pub fn observe(&self, env: &Env, value: f64) -> napi::Result<Value> {
        self.detector
            .lock()
            .map_err(|_| unusable())
            .and_then(|mut detector| json::observe(&mut detector, value))
            .and_then(|verdict| Ok(serde_json::to_value(verdict)?))
            .map_err(|e| errors::to_napi(env, &e))
    }

    /// Values kept as history.
    #[napi(getter)]
    pub fn history_len(&self, env: &Env) -> napi::Result<u32> {
        self.detector
            .lock()
            .map(|d| u32::try_from(d.history_len()).unwrap_or(u32::MAX))
            .map_err(|_| errors::to_napi(env, &unusable()))
    }
}
