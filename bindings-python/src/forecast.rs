//! Forecasting, anomaly detection and staffing: `forecast`, `detect_anomalies`, the
//! `AnomalyMonitor` class and `staffing`.
//!
//! Arguments are read by `aybiza_analytics::forecast::json`, which the Node bindings share, so
//! both languages accept the same options and raise the same errors. The table-friendly
//! wrappers (pandas, pyarrow) are in `aybiza_analytics/__init__.py`.

use std::sync::MutexGuard;

use aybiza_analytics::forecast::anomaly::StreamingDetector;
use aybiza_analytics::forecast::json;
use pyo3::prelude::*;
use serde_json::Value;

use crate::convert::{dict_to_json, to_py};
use crate::errors::{invalid_argument, to_py_err};
use crate::fork_safe::ForkSafeMutex;

/// The optional dict argument `name` as JSON.
fn optional_dict(name: &str, object: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Value>> {
    object
        .filter(|o| !o.is_none())
        .map(|o| dict_to_json(name, o))
        .transpose()
}

/// Forecasts `horizon` steps after `values`: `{model, periods, columns, rows}` with one row per
/// step (`step`, `timestamp`, `point`, `lower_80`, `upper_80`, …).
#[pyfunction]
#[pyo3(signature = (values, horizon, options=None))]
pub fn forecast<'py>(
    py: Python<'py>,
    values: Vec<f64>,
    horizon: usize,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = optional_dict("options", options)?;
    let table = py
        .detach(|| json::forecast(values, horizon, options))
        .map_err(to_py_err)?;
    to_py(py, &table)
}

/// The anomalous intervals of `values` against their forecast band: `[{start, end,
/// peak_probability, direction}]`.
#[pyfunction]
#[pyo3(signature = (values, options=None))]
pub fn detect_anomalies<'py>(
    py: Python<'py>,
    values: Vec<f64>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = optional_dict("options", options)?;
    let intervals = py
        .detach(|| json::anomalies(&values, options))
        .map_err(to_py_err)?;
    to_py(py, &intervals)
}

/// Agents required per interval for `calls[i]` calls in interval `i`, with occupancy and
/// expected wait (Erlang C, or Erlang A with `patience_secs`).
#[pyfunction]
#[pyo3(signature = (calls, options=None))]
pub fn staffing<'py>(
    py: Python<'py>,
    calls: Vec<f64>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = optional_dict("options", options)?;
    let rows = py
        .detach(|| json::staffing(&calls, options))
        .map_err(to_py_err)?;
    to_py(py, &rows)
}

/// A streaming anomaly detector: `observe(value)` scores each live interval against the band
/// forecast from the ones before it.
#[pyclass(name = "AnomalyMonitor", module = "aybiza_analytics", frozen)]
pub struct PyAnomalyMonitor {
    /// Fork-safe: `observe` holds it with the GIL released, while another thread may fork.
    detector: ForkSafeMutex<StreamingDetector>,
}

/// The monitor's name in errors.
const MONITOR: &str = "AnomalyMonitor";

impl PyAnomalyMonitor {
    /// The detector, locked; refused once a panic inside `observe` left it unusable.
    fn detector(&self, py: Python<'_>) -> PyResult<MutexGuard<'_, StreamingDetector>> {
        self.detector
            .lock(py, MONITOR)?
            .map_err(|_| invalid_argument("the monitor failed earlier and is unusable"))
    }
}

#[pymethods]
impl PyAnomalyMonitor {
    /// A monitor with these options (the `detect_anomalies` options without `max_gap`/`min_len`).
    #[new]
    #[pyo3(signature = (options=None))]
    fn new(options: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let options = optional_dict("options", options)?;
        let detector = json::anomaly_monitor(options).map_err(to_py_err)?;
        Ok(Self {
            detector: ForkSafeMutex::new(detector),
        })
    }

    /// Scores the next value: `None` during the warm-up, else `{value, expected, lower, upper,
    /// probability, anomalous, direction}`.
    fn observe<'py>(&self, py: Python<'py>, value: f64) -> PyResult<Bound<'py, PyAny>> {
        let mut detector = self.detector(py)?;
        let detector: &mut StreamingDetector = &mut detector;
        let verdict = py.detach(|| json::observe(detector, value).map_err(to_py_err))?;
        to_py(py, &verdict)
    }

    /// Values kept as history.
    #[getter]
    fn history_len(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.detector(py)?.history_len())
    }
}
