//! Live pattern rules: the `LiveRules` class.

use std::sync::{Arc, Mutex};

use aybiza_analytics::patterns::live::{self, TranscriptUtterance};
use pyo3::prelude::*;

use crate::convert::dict_to_json;
use crate::convert::{from_json, list_to_json, to_py};
use crate::errors::invalid_argument;

/// A compiled live-rule set (Python class `LiveRules`): phrases, sentiment, silence and
/// interruption conditions over a call's transcript.
#[pyclass(name = "LiveRules", module = "aybiza_analytics", frozen)]
#[derive(Debug, Clone)]
pub struct PyLiveRules(pub(crate) Arc<live::LiveRules>);

#[pymethods]
impl PyLiveRules {
    /// Parses and compiles a JSON rule set.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        live::LiveRules::from_json(text)
            .map(|rules| Self(Arc::new(rules)))
            .map_err(|e| invalid_argument(e.to_string()))
    }

    /// Parses and compiles a TOML rule set.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        live::LiveRules::from_toml(text)
            .map(|rules| Self(Arc::new(rules)))
            .map_err(|e| invalid_argument(e.to_string()))
    }

    /// The shipped default rules.
    #[staticmethod]
    fn default() -> Self {
        Self(Arc::new(live::LiveRules::default_rules()))
    }

    /// The rule ids, in order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.0.rule_ids()
    }

    /// The rule set as a dict (the JSON format).
    fn rule_set<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.0.rule_set())
    }

    /// Runs a call's utterances (dicts: speaker, text, seq, start_ms, and optionally end_ms,
    /// sentiment, silence_ms, interruptions) through the rules, then ends the call at
    /// `call_end_ms` (default: the latest utterance end). Returns the hits as dicts.
    #[pyo3(signature = (utterances, call_end_ms=None))]
    fn match_transcript<'py>(
        &self,
        py: Python<'py>,
        utterances: &Bound<'py, PyAny>,
        call_end_ms: Option<u64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let utterances: Vec<TranscriptUtterance> =
            from_json("utterances", list_to_json("utterances", utterances)?)?;
        let rules = Arc::clone(&self.0);
        let hits = py.detach(move || rules.match_transcript(&utterances, call_end_ms));
        to_py(py, &hits)
    }

    /// A matcher for one live call: feed it utterances as they come.
    fn new_call(&self) -> PyLiveRuleCall {
        PyLiveRuleCall {
            state: Mutex::new(self.0.new_call()),
            rules: Arc::clone(&self.0),
        }
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __repr__(&self) -> String {
        format!("LiveRules({} rules)", self.0.len())
    }
}

/// One live call's rule state (Python class `LiveRuleCall`), from `LiveRules.new_call()`.
#[pyclass(name = "LiveRuleCall", module = "aybiza_analytics", frozen)]
#[derive(Debug)]
pub struct PyLiveRuleCall {
    rules: Arc<live::LiveRules>,
    state: Mutex<live::CallRuleState>,
}

impl PyLiveRuleCall {
    fn state(&self) -> PyResult<std::sync::MutexGuard<'_, live::CallRuleState>> {
        self.state
            .lock()
            .map_err(|_| invalid_argument("the call state is unusable after a panic"))
    }
}

#[pymethods]
impl PyLiveRuleCall {
    /// Feeds one utterance (a dict as in `LiveRules.match_transcript`); returns the rules that fired.
    /// After `end_call` utterances are ignored.
    fn on_utterance<'py>(
        &self,
        py: Python<'py>,
        utterance: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let utterance: TranscriptUtterance =
            from_json("utterance", dict_to_json("utterance", utterance)?)?;
        let hits = self
            .rules
            .on_utterance(&mut *self.state()?, &utterance.as_live());
        to_py(py, &hits)
    }

    /// Ends the call at `call_end_ms` (ms since its start): returns the rules decided by the end
    /// (`last_secs` windows, `not`). A second call returns nothing.
    fn end_call<'py>(&self, py: Python<'py>, call_end_ms: u64) -> PyResult<Bound<'py, PyAny>> {
        let hits = self.rules.end_call(&mut *self.state()?, call_end_ms);
        to_py(py, &hits)
    }

    /// Whether `end_call` has run.
    #[getter]
    fn is_ended(&self) -> PyResult<bool> {
        Ok(self.state()?.is_ended())
    }
}
