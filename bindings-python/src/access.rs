//! `read_audit_log`: the events a scoped store wrote (`Store.scoped` is in [`crate::store`]).

use std::path::PathBuf;

use aybiza_analytics::access;
use pyo3::prelude::*;

use crate::convert::to_py;
use crate::errors::to_py_err;

/// The events of a JSON Lines audit log, oldest first, as dicts (`at`, `principal`, `role`,
/// `action`, `tenant`, `range`, `call_id`, `allowed`, `records`, `redacted`, `reason`).
#[pyfunction]
pub fn read_audit_log(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyAny>> {
    let events = py
        .detach(|| access::read_audit_log(&path))
        .map_err(to_py_err)?;
    to_py(py, &events)
}
