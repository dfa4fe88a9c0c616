//! `tenant_tables`, `export_tables` and `push_power_bi`: a tenant's analytics tables as Python
//! columns, as files, or in a Power BI push dataset.

use std::path::PathBuf;

use aybiza_analytics::export::powerbi::{PowerBiSettings, PushOptions};
use aybiza_analytics::export::{self, ColumnValues, Table, TableFormat, TableOptions};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{options_or_default, time_range, to_py};
use crate::errors::to_py_err;
use crate::runtime::run;
use crate::store::PyStore;

/// One table as a dict of column name to list (timestamps as UTC `datetime`s, blanks as `None`).
fn table_to_py<'py>(py: Python<'py>, table: Table) -> PyResult<Bound<'py, PyDict>> {
    let columns = PyDict::new(py);
    for column in table.columns {
        let values = match column.values {
            ColumnValues::Text(v) => v.into_pyobject(py)?,
            ColumnValues::Integer(v) => v.into_pyobject(py)?,
            ColumnValues::Float(v) => v.into_pyobject(py)?,
            ColumnValues::Boolean(v) => v.into_pyobject(py)?,
            ColumnValues::Timestamp(v) => v.into_pyobject(py)?,
        };
        columns.set_item(column.name, values)?;
    }
    Ok(columns)
}

/// A tenant's analytics tables for `[start, end)` as a dict of table name (`calls`,
/// `utterances`, `journey_events`, `metrics`, `agents`) to a dict of columns. `options` holds
/// `TableOptions` fields: `tables` (names, all by default), `redact` (default `True`: PII in
/// text, tags and attributes becomes placeholders such as `[CARD]`) and `sentiment` (default
/// `True`: sentiment and emotion columns).
#[pyfunction]
#[pyo3(signature = (store, tenant, start=None, end=None, options=None))]
pub fn tenant_tables<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let range = time_range(start, end)?;
    let options: TableOptions = options_or_default("options", options)?;
    let store = store.shared();
    let tables = run(py, async move {
        export::tenant_tables(store.as_ref(), &tenant, range, &options).await
    })?;
    let out = PyDict::new(py);
    for table in tables {
        out.set_item(table.kind.as_str(), table_to_py(py, table)?)?;
    }
    Ok(out)
}

/// Writes a tenant's analytics tables for `[start, end)` to `directory` as `<table>.<format>`
/// files (`format`: `csv`, `jsonl` or `parquet`); returns one dict per file (`table`, `path`,
/// `rows`, `columns`). `options` as for `tenant_tables`.
#[pyfunction]
#[pyo3(signature = (store, tenant, directory, format="csv", start=None, end=None, options=None))]
#[allow(clippy::too_many_arguments)]
pub fn export_tables<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    directory: PathBuf,
    format: &str,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let format: TableFormat = format.parse().map_err(to_py_err)?;
    let range = time_range(start, end)?;
    let options: TableOptions = options_or_default("options", options)?;
    let store = store.shared();
    let files = run(py, async move {
        export::export_tables(store.as_ref(), &tenant, range, &options, format, &directory).await
    })?;
    to_py(py, &files)
}

/// Pushes a tenant's analytics tables for `[start, end)` into the Power BI push dataset called
/// `dataset` (created if the workspace has none of that name); returns a dict with
/// `dataset_id`, `created` and per table `rows`, `requests` and `truncated_values`.
/// `settings` holds `PowerBiSettings` fields (`access_token`, or `tenant_id`, `client_id` and
/// `client_secret`; `workspace`, `api_url`, timeouts and retries; the sign-in comes from the
/// environment when none is given). `options` as for `tenant_tables`; `push` holds
/// `PushOptions` fields (`mode`: `append` or `replace`, `retention`: `none` or `basic_fifo`,
/// `rows_per_request`). A refused push raises `PowerBiError`, whose `pushed` attribute lists
/// what Power BI had accepted (the message says the same).
#[pyfunction]
#[pyo3(signature = (store, tenant, dataset, settings=None, start=None, end=None, options=None, push=None))]
#[allow(clippy::too_many_arguments)]
pub fn push_power_bi<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    dataset: String,
    settings: Option<&Bound<'py, PyAny>>,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    push: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let settings: PowerBiSettings = options_or_default("settings", settings)?;
    let range = time_range(start, end)?;
    let options: TableOptions = options_or_default("options", options)?;
    let push: PushOptions = options_or_default("push", push)?;
    let client = settings.connect().map_err(to_py_err)?;
    let store = store.shared();
    let pushed = run(py, async move {
        client
            .push_tenant(store.as_ref(), &tenant, range, &options, &dataset, &push)
            .await
    })?;
    to_py(py, &pushed)
}
