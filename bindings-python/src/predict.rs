//! Outcome and customer prediction: `classify_csv` and `regress_csv` (the
//! `aybiza classify` and `aybiza regress` reports), the `OutcomeModels` class (train on a store's calls, predict,
//! evaluate, save and load), `call_features`, the `CustomerModels` class (churn
//! and upsell propensity on a customer snapshot), `customer_features`, and the
//! `Classifier` and `Regressor` classes (forests on any table: fit, predict, save and load).
//!
//! Arguments are read by `aybiza_analytics::predict::json`, which the Node
//! bindings share, so both languages accept the same settings and return the same shapes.

use std::path::PathBuf;

use aybiza_analytics::predict::json;
use aybiza_analytics::predict::table::CsvFrame;
use aybiza_analytics::predict::{Classifier, CustomerModels, OutcomeModels, Regressor};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::convert::{dict_to_json, time_bound, time_range, to_py};
use crate::errors::{invalid_argument, to_py_err};
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
    cross_validation(
        py,
        path.as_path(),
        target,
        folds,
        settings,
        json::classify_csv,
    )
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
    cross_validation(py, csv, target, folds, settings, json::classify_csv_bytes)
}

/// Cross-validates a random-forest regressor on any CSV and returns the `aybiza regress` report.
#[pyfunction]
#[pyo3(signature = (path, target, folds=5, settings=None))]
pub fn regress_csv<'py>(
    py: Python<'py>,
    path: PathBuf,
    target: &str,
    folds: usize,
    settings: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    cross_validation(
        py,
        path.as_path(),
        target,
        folds,
        settings,
        json::regress_csv,
    )
}

/// `regress_csv` of CSV text in memory (UTF-8 bytes, header row).
#[pyfunction]
#[pyo3(signature = (csv, target, folds=5, settings=None))]
pub fn regress_csv_bytes<'py>(
    py: Python<'py>,
    csv: &[u8],
    target: &str,
    folds: usize,
    settings: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    cross_validation(py, csv, target, folds, settings, json::regress_csv_bytes)
}

/// The report of `cross_validate` on `csv` (a file or CSV text) without the GIL.
fn cross_validation<'py, C: Sync + ?Sized>(
    py: Python<'py>,
    csv: &C,
    target: &str,
    folds: usize,
    settings: Option<&Bound<'py, PyAny>>,
    cross_validate: fn(
        &C,
        &str,
        usize,
        Option<serde_json::Value>,
    ) -> aybiza_analytics::Result<serde_json::Value>,
) -> PyResult<Bound<'py, PyAny>> {
    let settings = optional_dict("settings", settings)?;
    let report = py
        .detach(|| cross_validate(csv, target, folds, settings))
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
        let settings = optional_dict("settings", settings)?;
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
        models_to_bytes(py, &self.models)
    }

    /// Models from bytes written by `to_bytes` or `save`.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        let models = json::models_from_bytes(data).map_err(to_py_err)?;
        Ok(Self { models })
    }

    /// Writes the models to a file.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        save_models_at(py, &self.models, path)
    }

    /// Reads models from a file written by `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let models = load_models_at(py, path)?;
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

/// The snapshot instant `as_of`: a datetime (naive = UTC) or an ISO-8601 string.
fn snapshot_instant(as_of: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    time_bound("as_of", Some(as_of))?
        .ok_or_else(|| invalid_argument("as_of must be a datetime or an ISO-8601 str, not None"))
}

/// An optional dict argument as JSON (`None` when absent or `None`).
fn optional_dict(
    name: &str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<serde_json::Value>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| dict_to_json(name, v))
        .transpose()
}

/// The customer features of `tenant`'s customers at `as_of` (history before it only), one dict per
/// customer (`customer_id` and each feature; `None` when missing).
#[pyfunction]
pub fn customer_features<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    as_of: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let as_of = snapshot_instant(as_of)?;
    let shared = store.shared();
    let rows = run(py, async move {
        json::customer_features(shared.as_ref(), &tenant, as_of).await
    })?;
    to_py(py, &rows)
}

/// The churn and upsell propensity models of a tenant's customers (Python class `CustomerModels`).
#[pyclass(name = "CustomerModels", module = "aybiza_analytics", frozen)]
pub struct PyCustomerModels {
    models: CustomerModels,
}

#[pymethods]
impl PyCustomerModels {
    /// Trains both models on a snapshot of `tenant`'s customers at `as_of`: features from the
    /// history before it, labels from the journey-event actions in the horizon after it.
    #[staticmethod]
    #[pyo3(signature = (store, tenant, as_of, labels=None, settings=None))]
    fn train(
        py: Python<'_>,
        store: &PyStore,
        tenant: String,
        as_of: &Bound<'_, PyAny>,
        labels: Option<&Bound<'_, PyAny>>,
        settings: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let as_of = snapshot_instant(as_of)?;
        let labels = optional_dict("labels", labels)?;
        let settings = optional_dict("settings", settings)?;
        let shared = store.shared();
        let models = run(py, async move {
            json::train_customer_models(shared.as_ref(), &tenant, as_of, labels, settings).await
        })?;
        Ok(Self { models })
    }

    /// Churn and upsell propensities of every customer of `tenant` with history before `as_of`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        store: &PyStore,
        tenant: String,
        as_of: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = snapshot_instant(as_of)?;
        let shared = store.shared();
        let models = &self.models;
        let predictions = run(py, async move {
            json::predict_customers(models, shared.as_ref(), &tenant, as_of).await
        })?;
        to_py(py, &predictions)
    }

    /// Metrics of the models on a snapshot at `as_of`, labelled as in training.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        store: &PyStore,
        tenant: String,
        as_of: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = snapshot_instant(as_of)?;
        let shared = store.shared();
        let models = &self.models;
        let evaluation = run(py, async move {
            json::evaluate_customer_models(models, shared.as_ref(), &tenant, as_of).await
        })?;
        to_py(py, &evaluation)
    }

    /// The models in the versioned JSON file format, as bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        models_to_bytes(py, &self.models)
    }

    /// Models from bytes written by `to_bytes` or `save`.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        let models = json::models_from_bytes(data).map_err(to_py_err)?;
        Ok(Self { models })
    }

    /// Writes the models to a file.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        save_models_at(py, &self.models, path)
    }

    /// Reads models from a file written by `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let models = load_models_at(py, path)?;
        Ok(Self { models })
    }

    /// Whether a churn model was trained (it needs enough customers who churned and who did not).
    #[getter]
    fn has_churn(&self) -> bool {
        self.models.churn.is_some()
    }

    /// Whether an upsell model was trained (it needs enough customers who upgraded and who did not).
    #[getter]
    fn has_upsell(&self) -> bool {
        self.models.upsell.is_some()
    }

    /// The label settings the models were trained with (`churn_actions`, `upsell_actions`, `horizon_days`).
    #[getter]
    fn labels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.models.labels)
    }

    fn __repr__(&self) -> String {
        let yes = |b: bool| if b { "True" } else { "False" };
        format!(
            "CustomerModels(horizon_days={}, churn={}, upsell={})",
            self.models.labels.horizon_days,
            yes(self.models.churn.is_some()),
            yes(self.models.upsell.is_some())
        )
    }
}

/// A table (pandas DataFrame, pyarrow Table, dict of columns, list of row dicts) as text cells,
/// written as CSV by the package's `predict_tables.table_csv` exactly as `classify_table` is.
fn table_frame(py: Python<'_>, table: &Bound<'_, PyAny>) -> PyResult<CsvFrame> {
    let csv: Vec<u8> = py
        .import("aybiza_analytics.predict_tables")?
        .getattr("table_csv")?
        .call1((table,))?
        .extract()?;
    py.detach(|| CsvFrame::read(csv.as_slice()))
        .map_err(to_py_err)
}

/// Trains a model with `fit` on `table` (read by [`table_frame`]), the column `target` and the
/// forest `settings` (`None` for the defaults), without the GIL.
fn fit_on_table<M: Send>(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    target: &str,
    settings: Option<&Bound<'_, PyAny>>,
    fit: fn(CsvFrame, &str, Option<serde_json::Value>) -> aybiza_analytics::Result<M>,
) -> PyResult<M> {
    let frame = table_frame(py, table)?;
    let settings = optional_dict("settings", settings)?;
    py.detach(|| fit(frame, target, settings))
        .map_err(to_py_err)
}

/// `predict` applied to `table` (read by [`table_frame`]) without the GIL.
fn on_table<T: Send>(
    py: Python<'_>,
    table: &Bound<'_, PyAny>,
    predict: impl FnOnce(&CsvFrame) -> aybiza_analytics::Result<T> + Send,
) -> PyResult<T> {
    let frame = table_frame(py, table)?;
    py.detach(|| predict(&frame)).map_err(to_py_err)
}

/// `models` in the versioned JSON file format.
fn models_to_bytes<'py, M: json::SavedModels>(
    py: Python<'py>,
    models: &M,
) -> PyResult<Bound<'py, PyBytes>> {
    let text = models.to_json().map_err(to_py_err)?;
    Ok(PyBytes::new(py, text.as_bytes()))
}

/// Writes `models` to the file at `path` without the GIL.
fn save_models_at<M: json::SavedModels + Sync>(
    py: Python<'_>,
    models: &M,
    path: PathBuf,
) -> PyResult<()> {
    py.detach(|| json::save_models(models, &path))
        .map_err(to_py_err)
}

/// Reads models from the file at `path` without the GIL.
fn load_models_at<M: json::SavedModels + Send>(py: Python<'_>, path: PathBuf) -> PyResult<M> {
    py.detach(|| json::load_models(&path)).map_err(to_py_err)
}

/// A random-forest classifier on any table (Python class `Classifier`).
#[pyclass(name = "Classifier", module = "aybiza_analytics", frozen)]
pub struct PyClassifier {
    model: Classifier,
}

#[pymethods]
impl PyClassifier {
    /// Trains on `table` with the column `target` as the class.
    #[staticmethod]
    #[pyo3(signature = (table, target, settings=None))]
    fn fit(
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        target: String,
        settings: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let model = fit_on_table(py, table, &target, settings, json::fit_classifier_frame)?;
        Ok(Self { model })
    }

    /// The class and the probability of each class for every row of `table`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        table: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let predictions = on_table(py, table, |frame| json::classify_rows(&self.model, frame))?;
        to_py(py, &predictions)
    }

    #[getter]
    fn classes(&self) -> Vec<String> {
        self.model.classes().to_vec()
    }

    #[getter]
    fn feature_names(&self) -> Vec<String> {
        self.model.feature_names().to_vec()
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        models_to_bytes(py, &self.model)
    }

    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        let model = json::models_from_bytes(data).map_err(to_py_err)?;
        Ok(Self { model })
    }

    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        save_models_at(py, &self.model, path)
    }

    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let model = load_models_at(py, path)?;
        Ok(Self { model })
    }

    fn __repr__(&self) -> String {
        format!(
            "Classifier(classes={:?}, features={}, trees={})",
            self.model.classes(),
            self.model.feature_names().len(),
            self.model.params().trees
        )
    }
}

/// A random-forest regressor on any table (Python class `Regressor`).
#[pyclass(name = "Regressor", module = "aybiza_analytics", frozen)]
pub struct PyRegressor {
    model: Regressor,
}

#[pymethods]
impl PyRegressor {
    /// Trains on `table` with the numeric column `target` as the value to predict.
    #[staticmethod]
    #[pyo3(signature = (table, target, settings=None))]
    fn fit(
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        target: String,
        settings: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let model = fit_on_table(py, table, &target, settings, json::fit_regressor_frame)?;
        Ok(Self { model })
    }

    /// The predicted value of every row of `table`.
    fn predict(&self, py: Python<'_>, table: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
        on_table(py, table, |frame| json::regress_rows(&self.model, frame))
    }

    #[getter]
    fn feature_names(&self) -> Vec<String> {
        self.model.feature_names().to_vec()
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        models_to_bytes(py, &self.model)
    }

    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        let model = json::models_from_bytes(data).map_err(to_py_err)?;
        Ok(Self { model })
    }

    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        save_models_at(py, &self.model, path)
    }

    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let model = load_models_at(py, path)?;
        Ok(Self { model })
    }

    fn __repr__(&self) -> String {
        format!(
            "Regressor(features={}, trees={})",
            self.model.feature_names().len(),
            self.model.params().trees
        )
    }
}
