//! The `Store` class: an embedded SQLite file or an in-memory store, with ingestion and tenant-scoped queries.

use std::path::PathBuf;
use std::sync::Arc;

use aybiza_analytics::access::{JsonlAuditLog, Principal, ScopedStore};
use aybiza_analytics::model::ingest::IngestLimits;
use aybiza_analytics::report::build_report;
use aybiza_analytics::{IngestReport, MemoryStore, SqliteStore, Store};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{dict_to_json, from_json, jsonl_bytes, repr_str, time_range, to_py};
use crate::errors::to_py_err;
use crate::ingest::{PyIngestReport, python_records, validate_records};
use crate::report::{paths_to_py, report_options};
use crate::runtime::run;

/// A tenant-scoped store of calls, utterances, journey events and metric samples (Python class `Store`).
#[pyclass(name = "Store", module = "aybiza_analytics", frozen)]
pub struct PyStore {
    pub(crate) inner: Arc<dyn Store>,
    /// How the store was opened, for `repr`.
    origin: String,
}

impl PyStore {
    /// The store itself, for functions that read from it.
    pub(crate) fn shared(&self) -> Arc<dyn Store> {
        Arc::clone(&self.inner)
    }
}

#[pymethods]
impl PyStore {
    /// Opens (creating if needed) the SQLite store file at `path`.
    #[staticmethod]
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let store = py.detach(|| SqliteStore::open(&path)).map_err(to_py_err)?;
        Ok(Self {
            inner: Arc::new(store),
            origin: format!("Store.open({})", repr_str(py, &path.to_string_lossy())?),
        })
    }

    /// An empty store that lives in memory only.
    #[staticmethod]
    fn memory() -> Self {
        Self {
            inner: Arc::new(MemoryStore::new()),
            origin: "Store.memory()".into(),
        }
    }

    /// This store as `principal` (a dict: `id`, `role` — `viewer`, `analyst`, `ingest` or
    /// `admin` — and `tenants`, `["*"]` for all) may use it, with every access appended to the
    /// JSON Lines audit log at `audit_log`. Reads and writes outside the role or tenants raise
    /// `AccessDeniedError`; a viewer's reads come back with personal data masked.
    fn scoped(
        &self,
        py: Python<'_>,
        principal: &Bound<'_, PyAny>,
        audit_log: PathBuf,
    ) -> PyResult<Self> {
        let principal: Principal = from_json("principal", dict_to_json("principal", principal)?)?;
        let origin = format!(
            "{}.scoped({} as {})",
            self.origin,
            repr_str(py, &principal.id)?,
            principal.role.as_str()
        );
        let log = JsonlAuditLog::open(&audit_log).map_err(to_py_err)?;
        let scoped = ScopedStore::new(Arc::clone(&self.inner), principal, Arc::new(log))
            .map_err(to_py_err)?;
        Ok(Self {
            inner: Arc::new(scoped),
            origin,
        })
    }

    /// Parses, validates and stores JSON Lines (`str`, `bytes` or `bytearray`).
    fn ingest_jsonl(&self, py: Python<'_>, input: &Bound<'_, PyAny>) -> PyResult<PyIngestReport> {
        let bytes = jsonl_bytes(input)?;
        let store = Arc::clone(&self.inner);
        run(py, async move {
            store.ingest_jsonl(&bytes, &IngestLimits::default()).await
        })
        .map(PyIngestReport)
    }

    /// Validates and stores records given as dicts (each with `"type"`).
    fn ingest(&self, py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<PyIngestReport> {
        let records = python_records(records)?;
        let store = Arc::clone(&self.inner);
        run(py, async move {
            let batch = validate_records(records, &IngestLimits::default());
            let written = store.put(batch.records).await?;
            Ok(IngestReport {
                written,
                rejected: batch.rejected,
            })
        })
        .map(PyIngestReport)
    }

    /// Ids of every tenant with at least one record, sorted.
    fn tenant_ids(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let store = Arc::clone(&self.inner);
        run(py, async move { store.tenant_ids().await })
    }

    /// The tenant record as a dict, or `None` if none was ingested.
    fn tenant<'py>(&self, py: Python<'py>, tenant_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let store = Arc::clone(&self.inner);
        let tenant = run(py, async move { store.tenant(tenant_id).await })?;
        to_py(py, &tenant)
    }

    /// Calls of `tenant` that started in `[start, end)`, ordered by start time then id.
    #[pyo3(signature = (tenant, start=None, end=None))]
    fn calls<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let range = time_range(start, end)?;
        let store = Arc::clone(&self.inner);
        let calls = run(py, async move { store.calls(tenant, range).await })?;
        to_py(py, &calls)
    }

    /// Utterances of the calls of `tenant` that started in `[start, end)`, by call then sequence.
    #[pyo3(signature = (tenant, start=None, end=None))]
    fn utterances<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let range = time_range(start, end)?;
        let store = Arc::clone(&self.inner);
        let utterances = run(py, async move { store.utterances(tenant, range).await })?;
        to_py(py, &utterances)
    }

    /// Utterances of `tenant` whose call has no call record (yet), by call id then sequence.
    fn utterances_without_call<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let store = Arc::clone(&self.inner);
        let utterances = run(
            py,
            async move { store.utterances_without_call(tenant).await },
        )?;
        to_py(py, &utterances)
    }

    /// One call's utterances in sequence order (empty when the call is unknown).
    fn transcript<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        call_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let store = Arc::clone(&self.inner);
        let utterances = run(py, async move { store.transcript(tenant, call_id).await })?;
        to_py(py, &utterances)
    }

    /// Journey events of `tenant` in `[start, end)`, ordered by timestamp then id.
    #[pyo3(signature = (tenant, start=None, end=None))]
    fn journey_events<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let range = time_range(start, end)?;
        let store = Arc::clone(&self.inner);
        let events = run(py, async move { store.journey_events(tenant, range).await })?;
        to_py(py, &events)
    }

    /// Metric samples of `tenant` in `[start, end)`, ordered by timestamp, metric, then source.
    #[pyo3(signature = (tenant, start=None, end=None))]
    fn metrics<'py>(
        &self,
        py: Python<'py>,
        tenant: &str,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let range = time_range(start, end)?;
        let store = Arc::clone(&self.inner);
        let samples = run(py, async move { store.metrics(tenant, range).await })?;
        to_py(py, &samples)
    }

    /// The analysis report over `[start, end)` for `tenants` (every tenant when `None`), as a dict.
    #[pyo3(signature = (start=None, end=None, tenants=None))]
    fn report<'py>(
        &self,
        py: Python<'py>,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
        tenants: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let range = time_range(start, end)?;
        let options = report_options(tenants);
        let store = Arc::clone(&self.inner);
        let report = run(py, async move {
            build_report(store.as_ref(), range, &options, &|_| {}).await
        })?;
        to_py(py, &report)
    }

    /// Builds the report and writes `report.json` and `report.html` into `dir` (created if missing).
    #[pyo3(signature = (dir, start=None, end=None, tenants=None))]
    fn write_report<'py>(
        &self,
        py: Python<'py>,
        dir: PathBuf,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
        tenants: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let range = time_range(start, end)?;
        let options = report_options(tenants);
        let store = Arc::clone(&self.inner);
        let paths = run(py, async move {
            let report = build_report(store.as_ref(), range, &options, &|_| {}).await?;
            report.write_to_dir(&dir)
        })?;
        paths_to_py(py, paths)
    }

    fn __repr__(&self) -> String {
        self.origin.clone()
    }
}
