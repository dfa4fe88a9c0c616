//! The simulator: `simulate` (records and ground truth as dicts) and `simulate_jsonl` (JSON Lines text).

use aybiza_analytics::sim::{self, SimConfig};
use chrono::SecondsFormat;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::{Value, json};

use crate::convert::{dict_to_json, from_json, json_to_py, time_bound};
use crate::errors::to_py_err;

/// The simulation config of a dict of `SimConfig` fields; `None` or a missing field means the default.
///
/// `start` may also be any time-bound string the queries accept (`"2026-01-05"`,
/// `"2026-01-05 09:00"`, ...) or a `datetime` (naive = UTC).
fn sim_config(config: Option<&Bound<'_, PyAny>>) -> PyResult<SimConfig> {
    let Some(config) = config.filter(|c| !c.is_none()) else {
        return Ok(SimConfig::default());
    };
    let mut value = dict_to_json("config", config)?;
    if let Ok(dict) = config.cast::<PyDict>()
        && let Some(start) = dict.get_item("start")?
        && start.is_instance_of::<PyString>()
        && let Some(instant) = time_bound("config: start", Some(&start))?
    {
        value["start"] = Value::String(instant.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    }
    from_json("config", value)
}

/// Simulates contact-center data: `{"records": [...], "truth": {...}}`.
#[pyfunction]
#[pyo3(signature = (config=None))]
pub fn simulate<'py>(
    py: Python<'py>,
    config: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let config = sim_config(config)?;
    let output = py
        .detach(|| -> aybiza_analytics::Result<Value> {
            let output = sim::simulate(&config)?;
            Ok(json!({
                "records": serde_json::to_value(output.records)?,
                "truth": serde_json::to_value(output.truth)?,
            }))
        })
        .map_err(to_py_err)?;
    json_to_py(py, &output)
}

/// Simulates contact-center data and returns the records as JSON Lines text (ground truth left out).
#[pyfunction]
#[pyo3(signature = (config=None))]
pub fn simulate_jsonl(py: Python<'_>, config: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let config = sim_config(config)?;
    py.detach(|| -> aybiza_analytics::Result<String> {
        let output = sim::simulate(&config)?;
        let mut text = Vec::new();
        sim::write_jsonl(&output.records, &mut text)?;
        // serde_json writes UTF-8; the fallback only guards the conversion.
        Ok(String::from_utf8(text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    })
    .map_err(to_py_err)
}
