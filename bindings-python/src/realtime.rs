//! The real-time call tracker: the `CallTracker` class and the `RealtimeError` exception.

use std::sync::{Arc, Mutex, PoisonError};

use aybiza_analytics::model::{Call, CallOutcome};
use aybiza_analytics::patterns::live::LiveRules;
use aybiza_analytics::realtime::{LiveCallTracker, RealtimeConfig, RealtimeError, UtteranceInput};
use aybiza_analytics::sentiment::HybridSentimentAnalyzer;
use pyo3::create_exception;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::convert::{dict_to_json, from_json, time_bound, to_py};
use crate::errors::{InvalidArgumentError, invalid_argument, to_py_err};
use crate::rules::PyLiveRules;
use crate::runtime::run;

create_exception!(
    aybiza_analytics,
    PyRealtimeError,
    InvalidArgumentError,
    "A refused utterance or call operation; `kind` names the reason (empty_text, text_too_long, invalid_voice_feature, invalid_timing, out_of_order, unknown_call, call_ended, already_live, invalid_call, invalid_config, sentiment)."
);

/// Subscriber errors kept for `subscriber_errors` (the oldest are dropped).
const MAX_KEPT_ERRORS: usize = 100;

/// A `RealtimeError` exception with its `kind` attribute set.
fn realtime_err(py: Python<'_>, error: &RealtimeError) -> PyErr {
    let err = PyRealtimeError::new_err(error.to_string());
    if let Err(set) = err.value(py).setattr("kind", error.kind()) {
        return set;
    }
    err
}

/// Live rules from a `LiveRules` object or rule-set text (JSON when it starts with `{`, else
/// TOML); `None` for none.
fn rules_arg(rules: Option<&Bound<'_, PyAny>>) -> PyResult<Option<LiveRules>> {
    let Some(rules) = rules.filter(|r| !r.is_none()) else {
        return Ok(None);
    };
    if let Ok(compiled) = rules.extract::<PyRef<'_, PyLiveRules>>() {
        return Ok(Some(LiveRules::clone(&compiled.0)));
    }
    let Ok(text) = rules.extract::<String>() else {
        return Err(PyTypeError::new_err(
            "rules must be a LiveRules, JSON or TOML rule-set text, or None",
        ));
    };
    let parsed = if text.trim_start().starts_with('{') {
        LiveRules::from_json(&text)
    } else {
        LiveRules::from_toml(&text)
    };
    parsed
        .map(Some)
        .map_err(|e| invalid_argument(e.to_string()))
}

/// Tracks live calls utterance by utterance (Python class `CallTracker`).
#[pyclass(name = "CallTracker", module = "aybiza_analytics", frozen)]
pub struct PyCallTracker {
    tracker: LiveCallTracker,
    subscriber_errors: Arc<Mutex<Vec<String>>>,
}

#[pymethods]
impl PyCallTracker {
    /// A tracker with `config` (a dict of `RealtimeConfig` fields; missing ones take their
    /// defaults), matching `rules` (a `LiveRules`, or JSON/TOML rule-set text) when given.
    #[new]
    #[pyo3(signature = (config=None, rules=None))]
    fn new(
        py: Python<'_>,
        config: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config: RealtimeConfig = match config.filter(|c| !c.is_none()) {
            Some(config) => from_json("config", dict_to_json("config", config)?)?,
            None => RealtimeConfig::default(),
        };
        let rules = rules_arg(rules)?;
        let analyzer = HybridSentimentAnalyzer::new().map_err(to_py_err)?;
        let mut tracker =
            LiveCallTracker::new(Arc::new(analyzer), config).map_err(|e| realtime_err(py, &e))?;
        if let Some(rules) = rules {
            tracker = tracker.with_rules(rules);
        }
        Ok(Self {
            tracker,
            subscriber_errors: Arc::default(),
        })
    }

    /// Replaces the live rules (a `LiveRules`, JSON/TOML rule-set text, or None for none), also
    /// for calls in progress: each picks them up on its next utterance.
    fn set_rules(&self, rules: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        match rules_arg(rules)? {
            Some(rules) => self.tracker.set_rules(rules),
            None => self.tracker.clear_rules(),
        }
        Ok(())
    }

    /// Ids of the live rules in force (empty when none are loaded).
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.tracker.rules().rule_ids()
    }

    /// Starts tracking a live call (a call record dict without `ended_at`).
    fn start_call(&self, py: Python<'_>, call: &Bound<'_, PyAny>) -> PyResult<()> {
        let call: Call = from_json("call", dict_to_json("call", call)?)?;
        self.tracker
            .start_call(call)
            .map_err(|e| realtime_err(py, &e))
    }

    /// Folds one utterance (`{seq, speaker, text, start_ms, end_ms, voice?}`) into a live
    /// call and returns the update dict; subscribers are called before it returns.
    fn on_utterance<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        call_id: &str,
        utterance: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input: UtteranceInput = from_json("utterance", dict_to_json("utterance", utterance)?)?;
        let update = py
            .detach(|| self.tracker.on_utterance(tenant, call_id, &input.as_live()))
            .map_err(|e| realtime_err(py, &e))?;
        to_py(py, &update)
    }

    /// The current state dict of a live call.
    fn state<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        call_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let state = self
            .tracker
            .state(tenant, call_id)
            .map_err(|e| realtime_err(py, &e))?;
        to_py(py, &state)
    }

    /// Ends a live call and returns its summary dict (also queued for `flush_ended` / `take_ended`).
    #[pyo3(signature = (tenant, call_id, outcome=None, ended_at=None))]
    fn end_call<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        call_id: &str,
        outcome: Option<&str>,
        ended_at: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let outcome: Option<CallOutcome> = outcome
            .map(|name| from_json("outcome", Value::String(name.to_owned())))
            .transpose()?;
        let ended_at = time_bound("ended_at", ended_at)?;
        let summary = self
            .tracker
            .end_call(tenant, call_id, outcome, ended_at)
            .map_err(|e| realtime_err(py, &e))?;
        to_py(py, &summary)
    }

    /// Ends calls idle for longer than `idle_timeout_secs`; returns how many.
    fn evict_idle(&self, py: Python<'_>) -> usize {
        py.detach(|| self.tracker.evict_idle(std::time::Instant::now()))
    }

    /// Hands over (and forgets) the summaries of ended and evicted calls, as a list of dicts.
    fn take_ended<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.tracker.take_ended())
    }

    /// Writes the summaries of ended and evicted calls to `store` (a `Store`); returns `{calls, written}`.
    fn flush_ended<'py>(
        &self,
        py: Python<'py>,
        store: &Bound<'py, crate::store::PyStore>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let store = Arc::clone(&store.get().inner);
        let report = run(py, self.tracker.flush_ended(store.as_ref()))?;
        to_py(py, &report)
    }

    /// Number of live calls.
    fn live_calls(&self) -> usize {
        self.tracker.live_calls()
    }

    /// Registers `callback`, called with `{tenant, call_id, update}` for every accepted
    /// utterance. An exception it raises is caught and kept in `subscriber_errors`;
    /// it never reaches the caller of `on_utterance`. Returns the subscription id.
    fn subscribe(&self, callback: Bound<'_, PyAny>) -> PyResult<u64> {
        if !callback.is_callable() {
            return Err(PyTypeError::new_err("callback must be callable"));
        }
        let callback = callback.unbind();
        let errors = self.subscriber_errors.clone();
        let id = self.tracker.subscribe(move |notice| {
            Python::attach(|py| {
                let call = || -> PyResult<()> {
                    let event = PyDict::new(py);
                    event.set_item("tenant", notice.tenant)?;
                    event.set_item("call_id", notice.call_id)?;
                    event.set_item("update", to_py(py, notice.update)?)?;
                    callback.call1(py, (event,))?;
                    Ok(())
                };
                if let Err(error) = call() {
                    let mut kept = errors.lock().unwrap_or_else(PoisonError::into_inner);
                    if kept.len() == MAX_KEPT_ERRORS {
                        kept.remove(0);
                    }
                    kept.push(error.to_string());
                }
            })
        });
        Ok(id.0)
    }

    /// Removes a subscription; False if it was not registered.
    fn unsubscribe(&self, subscription: u64) -> bool {
        self.tracker
            .unsubscribe(aybiza_analytics::realtime::SubscriptionId(subscription))
    }

    /// Messages of the exceptions subscribers raised (the latest 100).
    #[getter]
    fn subscriber_errors(&self) -> Vec<String> {
        self.subscriber_errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn __repr__(&self) -> String {
        format!("CallTracker(live_calls={})", self.tracker.live_calls())
    }
}

/// Adds the class and the exception to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyCallTracker>()?;
    module.add("RealtimeError", module.py().get_type::<PyRealtimeError>())?;
    Ok(())
}
