//! Customer journeys: attribution, journey maps and funnels, cohorts, BG/NBD and
//! Gamma-Gamma lifetime value, and the live `JourneyTracker` class.
//!
//! Arguments are read by `aybiza_analytics::journey::json`, which the Node
//! bindings share, so both languages accept the same shapes and raise the same errors.

use std::path::PathBuf;

use aybiza_analytics::JourneyTracker;
use aybiza_analytics::journey::json;
use aybiza_analytics::journey::ltv::{BgNbd, GammaGamma};
use aybiza_analytics::journey::map;
use aybiza_analytics::journey::tracker::LiveJourneyTracker;
use pyo3::prelude::*;
use serde_json::Value;

use crate::convert::{dict_to_json, list_to_json, time_bound, time_range, to_py};
use crate::errors::{invalid_argument, to_py_err};
use crate::runtime::run;
use crate::store::PyStore;

/// The optional dict argument `name` as JSON.
fn optional_dict(name: &str, object: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Value>> {
    object
        .filter(|o| !o.is_none())
        .map(|o| dict_to_json(name, o))
        .transpose()
}

/// Every attribution model (first/last touch, linear, time decay, position based, Markov, Shapley) on aggregated paths.
#[pyfunction]
#[pyo3(signature = (paths, options=None))]
pub fn attribution<'py>(
    py: Python<'py>,
    paths: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let paths = list_to_json("paths", paths)?;
    let options = optional_dict("options", options)?;
    let report = py
        .detach(|| json::attribution(paths, options))
        .map_err(to_py_err)?;
    to_py(py, &report)
}

/// Every attribution model on the aggregated paths of a CSV file (`.gz` decompressed).
#[pyfunction]
#[pyo3(signature = (path, columns=None))]
pub fn attribution_csv<'py>(
    py: Python<'py>,
    path: PathBuf,
    columns: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let columns = optional_dict("columns", columns)?;
    let report = py
        .detach(|| json::attribution_csv(&path, columns))
        .map_err(to_py_err)?;
    to_py(py, &report)
}

/// The journeys of journey-event records: each customer's events cut at conversion and churn
/// actions and after the inactivity window of `config`.
#[pyfunction]
#[pyo3(signature = (events, config=None))]
pub fn journeys<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    config: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let events = list_to_json("events", events)?;
    let config = optional_dict("config", config)?;
    let journeys = py
        .detach(|| json::journeys(events, config))
        .map_err(to_py_err)?;
    to_py(py, &journeys)
}

/// The channel paths of the journeys of journey-event records, one row per distinct path: the
/// input of `attribution`.
#[pyfunction]
#[pyo3(signature = (events, config=None))]
pub fn journey_paths<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    config: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let events = list_to_json("events", events)?;
    let config = optional_dict("config", config)?;
    let paths = py
        .detach(|| json::journey_paths(events, config))
        .map_err(to_py_err)?;
    to_py(py, &paths)
}

/// The journey map (variants, edges, start/end activities, durations) of `{case, activity, timestamp}` events.
#[pyfunction]
pub fn journey_map<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let events = list_to_json("events", events)?;
    let journey_map = py
        .detach(|| json::event_log(events).map(|log| map::journey_map(&log)))
        .map_err(to_py_err)?;
    to_py(py, &journey_map)
}

/// The journey map of a CSV event log (`.gz` decompressed).
#[pyfunction]
#[pyo3(signature = (path, columns=None))]
pub fn journey_map_csv<'py>(
    py: Python<'py>,
    path: PathBuf,
    columns: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let columns = optional_dict("columns", columns)?;
    let journey_map = py
        .detach(|| json::event_log_csv(&path, columns).map(|log| map::journey_map(&log)))
        .map_err(to_py_err)?;
    to_py(py, &journey_map)
}

/// The journey-map metrics side by side per segment of `{case, activity, timestamp, segment}` events.
#[pyfunction]
#[pyo3(signature = (events, options=None))]
pub fn journey_segments<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let events = list_to_json("events", events)?;
    let options = optional_dict("options", options)?;
    let comparison = py
        .detach(|| json::segments(events, options))
        .map_err(to_py_err)?;
    to_py(py, &comparison)
}

/// The journey-map metrics per segment of a CSV event log (`.gz` decompressed), segments read from `segment_column`.
#[pyfunction]
#[pyo3(signature = (path, segment_column, columns=None, options=None))]
pub fn journey_segments_csv<'py>(
    py: Python<'py>,
    path: PathBuf,
    segment_column: &str,
    columns: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let columns = optional_dict("columns", columns)?;
    let options = optional_dict("options", options)?;
    let comparison = py
        .detach(|| json::segments_csv(&path, segment_column, columns, options))
        .map_err(to_py_err)?;
    to_py(py, &comparison)
}

/// How many cases reach each stage, in order, of `{case, activity, timestamp}` events.
#[pyfunction]
pub fn funnel<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    stages: Vec<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let events = list_to_json("events", events)?;
    let steps = py
        .detach(|| {
            let log = json::event_log(events)?;
            let stages: Vec<&str> = stages.iter().map(String::as_str).collect();
            map::funnel(&log, &stages)
        })
        .map_err(to_py_err)?;
    to_py(py, &steps)
}

/// The cohort table of `{customer, timestamp, value?}` activities by `period` (`day`, `week`, `month`).
#[pyfunction]
#[pyo3(signature = (activities, period="month", until=None))]
pub fn cohorts<'py>(
    py: Python<'py>,
    activities: &Bound<'py, PyAny>,
    period: &str,
    until: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let activities = list_to_json("activities", activities)?;
    let until = time_bound("until", until)?;
    let table = py
        .detach(|| json::cohorts(activities, period, until))
        .map_err(to_py_err)?;
    to_py(py, &table)
}

/// Fits the BG/NBD model to `{frequency, recency, age, monetary_value}` customers.
#[pyfunction]
pub fn fit_bg_nbd<'py>(
    py: Python<'py>,
    customers: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let customers = list_to_json("customers", customers)?;
    let params = py
        .detach(|| BgNbd::fit(&json::customers(customers)?))
        .map_err(to_py_err)?;
    to_py(py, &params)
}

/// Fits the Gamma-Gamma spend model to `{frequency, recency, age, monetary_value}` customers.
#[pyfunction]
pub fn fit_gamma_gamma<'py>(
    py: Python<'py>,
    customers: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let customers = list_to_json("customers", customers)?;
    let params = py
        .detach(|| GammaGamma::fit(&json::customers(customers)?))
        .map_err(to_py_err)?;
    to_py(py, &params)
}

/// Fitted parameters and one customer from their dicts.
fn params_and_customer<
    T: serde::de::DeserializeOwned + aybiza_analytics::journey::ltv::ModelParams,
>(
    params: &Bound<'_, PyAny>,
    customer: &Bound<'_, PyAny>,
) -> PyResult<(T, aybiza_analytics::journey::ltv::CustomerRfm)> {
    let params = json::params(dict_to_json("params", params)?).map_err(to_py_err)?;
    let customer = json::customer(dict_to_json("customer", customer)?).map_err(to_py_err)?;
    Ok((params, customer))
}

/// Probability that a customer is still active, under fitted BG/NBD parameters.
#[pyfunction]
pub fn bg_nbd_probability_alive(
    params: &Bound<'_, PyAny>,
    customer: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let (params, customer): (BgNbd, _) = params_and_customer(params, customer)?;
    Ok(params.probability_alive(&customer))
}

/// Expected transactions of a customer in the next `t` time units, under fitted BG/NBD parameters.
#[pyfunction]
pub fn bg_nbd_expected_transactions(
    params: &Bound<'_, PyAny>,
    customer: &Bound<'_, PyAny>,
    t: f64,
) -> PyResult<f64> {
    if !(t.is_finite() && t >= 0.0) {
        return Err(invalid_argument(format!(
            "t must be a finite number >= 0, got {t}"
        )));
    }
    let (params, customer): (BgNbd, _) = params_and_customer(params, customer)?;
    Ok(params.expected_transactions(&customer, t))
}

/// Expected average spend per transaction of a customer, under fitted Gamma-Gamma parameters.
#[pyfunction]
pub fn gamma_gamma_expected_spend(
    params: &Bound<'_, PyAny>,
    customer: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let (params, customer): (GammaGamma, _) = params_and_customer(params, customer)?;
    Ok(params.expected_spend(&customer))
}

/// The retention callback, when one is given; a `TypeError` when it is not callable.
fn callable_hook(hook: Option<Bound<'_, PyAny>>) -> PyResult<Option<Py<PyAny>>> {
    match hook.filter(|hook| !hook.is_none()) {
        Some(hook) if !hook.is_callable() => Err(pyo3::exceptions::PyTypeError::new_err(
            "on_retention_risk must be callable",
        )),
        hook => Ok(hook.map(Bound::unbind)),
    }
}

/// Follows customers' journeys event by event (Python class `JourneyTracker`).
#[pyclass(name = "JourneyTracker", module = "aybiza_analytics", frozen)]
pub struct PyJourneyTracker {
    tracker: LiveJourneyTracker,
    on_retention_risk: Option<Py<PyAny>>,
}

#[pymethods]
impl PyJourneyTracker {
    /// A tracker configured by `config` whose model is learned from `history`
    /// (`{case, activity, timestamp}` events of past journeys).
    #[new]
    #[pyo3(signature = (config=None, history=None, on_retention_risk=None))]
    fn new(
        py: Python<'_>,
        config: Option<&Bound<'_, PyAny>>,
        history: Option<&Bound<'_, PyAny>>,
        on_retention_risk: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config = optional_dict("config", config)?;
        let history = match history.filter(|h| !h.is_none()) {
            Some(history) => list_to_json("history", history)?,
            None => Value::Array(Vec::new()),
        };
        let on_retention_risk = callable_hook(on_retention_risk)?;
        let tracker = py
            .detach(|| json::tracker(config, history))
            .map_err(to_py_err)?;
        Ok(Self {
            tracker,
            on_retention_risk,
        })
    }

    /// A tracker configured by `config` whose model is learned from the past journeys of
    /// `tenant` in `[start, end)` held by `store` (its journey events, cut into journeys by `config`).
    #[staticmethod]
    #[pyo3(signature = (store, tenant, config=None, start=None, end=None, on_retention_risk=None))]
    fn from_store(
        py: Python<'_>,
        store: &PyStore,
        tenant: String,
        config: Option<&Bound<'_, PyAny>>,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
        on_retention_risk: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config = json::tracker_config(optional_dict("config", config)?).map_err(to_py_err)?;
        let range = time_range(start, end)?;
        let on_retention_risk = callable_hook(on_retention_risk)?;
        let shared = store.shared();
        let tracker = run(py, async move {
            LiveJourneyTracker::from_store(shared.as_ref(), &tenant, range, config).await
        })?;
        Ok(Self {
            tracker,
            on_retention_risk,
        })
    }

    /// Appends a journey event to its customer's journey and returns the journey's new state.
    ///
    /// When the update has `retention_triggered`, the `on_retention_risk`
    /// callback is called with it first; an exception it raises propagates
    /// (the event stays tracked).
    fn track<'py>(
        &self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let event = json::journey_event(dict_to_json("event", event)?).map_err(to_py_err)?;
        let update = py
            .detach(|| self.tracker.track(&event))
            .map_err(to_py_err)?;
        let update_py = to_py(py, &update)?;
        if update.retention_triggered
            && let Some(hook) = &self.on_retention_risk
        {
            hook.call1(py, (to_py(py, &update)?,))?;
        }
        Ok(update_py)
    }

    /// Number of open journeys.
    fn open_journeys(&self) -> usize {
        self.tracker.open_journeys()
    }

    /// Closes journeys idle for longer than the inactivity window before `now`; returns their customers.
    fn evict_idle(&self, py: Python<'_>, now: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        let now = time_bound("now", Some(now))?
            .ok_or_else(|| invalid_argument("now must be a datetime or an ISO-8601 str"))?;
        Ok(py.detach(|| self.tracker.evict_idle(now)))
    }

    fn __repr__(&self) -> String {
        format!(
            "JourneyTracker(open_journeys={})",
            self.tracker.open_journeys()
        )
    }
}
