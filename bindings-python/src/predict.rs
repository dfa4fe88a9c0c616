//! Outcome prediction: `classify_csv` (the `aybiza classify` report), the
//! `OutcomeModels` class (train on a store's calls, predict, evaluate, save and
//! load) and `call_features`.
//!
//! Arguments are read by `aybiza_analytics::predict::json`, which the Node
//! bindings share, so both languages accept the same settings and return the same shapes.

use std::path::PathBuf;

use aybiza_analytics::predict::OutcomeModels;
use aybiza_analytics::predict::json;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::{dict_to_json, time_range, to_py};
use crate::errors::to_py_err;
use crate::runtime::run;
use crate::store::PyStore;

/// Cross-validates a random forest on any CSV and returns the `aybiza classify` report.
#[pyfunction]
#[pyo3(signature = (path, target, folds=5, settings=None))]
pub fn classify_csv<'py>(
    py: Python<'py>,
    path: PathBuf,
    target: &str,
    folds: usize,
    settings: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let settings = settings
        .filter(|s| !s.is_none())
        .map(|s| dict_to_json("settings", s))
        .transpose()?;
    let report = py
        .detach(|| json::classify_csv(&path, target, folds, settings))
        .map_err(to_py_err)?;
    to_py(py, &report)
}

/// `classify_csv` of CSV text in memory (UTF-8 bytes, header row).
#[pyfunction]
#[pyo3(signature = (csv, target, folds=5, settings=None))]
pub fn classify_csv_bytes<'py>(
    py: Python<'py>,
    csv: &[u8],
    target: &str,
    folds: usize,
    settings: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let settings = settings
        .filter(|s| !s.is_none())
        .map(|s| dict_to_json("settings", s))
        .transpose()?;
    let report = py
        .detach(|| json::classify_csv_bytes(csv, target, folds, settings))
        .map_err(to_py_err)?;
    to_py(py, &report)
}

/// The call features (`"context"` or `"full"`) of the calls of `tenant` in `[start, end)`,
/// one dict per call (`call_id` and each feature; `None` when missing).
#[pyfunction]
#[pyo3(signature = (store, tenant, start=None, end=None, feature_set="full"))]
pub fn call_features<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    feature_set: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let range = time_range(start, end)?;
    let shared = store.shared();
    let set = feature_set.to_owned();
    let rows = run(py, async move {
        json::call_features(shared.as_ref(), &tenant, range, &set).await
    })?;
    to_py(py, &rows)
}

/// The four call-outcome models: resolution, escalation, duration and satisfaction (Python class `OutcomeModels`).
#[pyclass(name = "OutcomeModels", module = "aybiza_analytics", frozen)]
pub struct PyOutcomeModels {
    models: OutcomeModels,
}

#[pymethods]
impl PyOutcomeModels {
    /// Trains the models on the calls of `tenant` in `[start, end)` held by `store`.
    #[staticmethod]
    #[pyo3(signature = (store, tenant, start=None, end=None, settings=None))]
    fn train(
        py: Python<'_>,
        store: &PyStore,
        tenant: String,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
        settings: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let range = time_range(start, end)?;
        let settings = settings
            .filter(|s| !s.is_none())
            .map(|s| dict_to_json("settings", s))
            .transpose()?;
        let shared = store.shared();
        let models = run(py, async move {
            json::train_outcome_models(shared.as_ref(), &tenant, range, settings).await
        })?;
        Ok(Self { models })
    }

    /// Predictions for every call of `tenant` in `[start, end)`.
    #[pyo3(signature = (store, tenant, start=None, end=None))]
    fn predict<'py>(
        &self,
        py: Python<'py>,
        store: &PyStore,
        tenant: String,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let range = time_range(start, end)?;
        let shared = store.shared();
        let models = &self.models;
        let predictions = run(py, async move {
            json::predict_outcomes(models, shared.as_ref(), &tenant, range).await
        })?;
        to_py(py, &predictions)
    }

    /// Metrics of the models on the calls of `tenant` in `[start, end)`.
    #[pyo3(signature = (store, tenant, start=None, end=None))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        store: &PyStore,
        tenant: String,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let range = time_range(start, end)?;
        let shared = store.shared();
        let models = &self.models;
        let evaluation = run(py, async move {
            json::evaluate_outcome_models(models, shared.as_ref(), &tenant, range).await
        })?;
        to_py(py, &evaluation)
    }

    /// The models in the versioned JSON file format, as bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let text = self.models.to_json().map_err(to_py_err)?;
        Ok(PyBytes::new(py, text.as_bytes()))
    }

    /// Models from bytes written by `to_bytes` or `save`.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        let models = json::outcome_models_from_bytes(data).map_err(to_py_err)?;
        Ok(Self { models })
    }

    /// Writes the models to a file.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| json::save_outcome_models(&self.models, &path))
            .map_err(to_py_err)
    }

    /// Reads models from a file written by `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let models = py
            .detach(|| json::load_outcome_models(&path))
            .map_err(to_py_err)?;
        Ok(Self { models })
    }

    /// Whether a satisfaction model was trained (it needs enough surveyed calls).
    #[getter]
    fn has_satisfaction(&self) -> bool {
        self.models.satisfaction.is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "OutcomeModels(trees={}, satisfaction={})",
            self.models.resolution.params().trees,
            if self.models.satisfaction.is_some() {
                "True"
            } else {
                "False"
            }
        )
    }
}
