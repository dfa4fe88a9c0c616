//! `tenant_tables` and `export_tables`: a tenant's analytics tables as Python columns or files.

use std::path::PathBuf;

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
/// `utterances`, `journey_events`, `metrics`) to a dict of columns. `options` holds
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
