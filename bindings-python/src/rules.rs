//! Live pattern rules: the `LiveRules` class.

use std::sync::Arc;

use aybiza_analytics::patterns::live::{self, TranscriptUtterance};
use pyo3::prelude::*;

use crate::convert::{from_json, list_to_json, to_py};
use crate::errors::invalid_argument;

/// A compiled live-rule set (Python class `LiveRules`): phrases, sentiment, silence and
/// interruption conditions over a call's transcript.
#[pyclass(name = "LiveRules", module = "aybiza_analytics", frozen)]
#[derive(Debug, Clone)]
pub struct PyLiveRules(Arc<live::LiveRules>);

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

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __repr__(&self) -> String {
        format!("LiveRules({} rules)", self.0.len())
    }
}
