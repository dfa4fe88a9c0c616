//! The analysis report: options of `Store.report` / `Store.write_report`, and `render_report_html`.

use aybiza_analytics::report::{Report, ReportOptions, ReportPaths, render_html};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{dict_to_json, from_json};

/// Report options selecting `tenants` (every tenant when `None`).
pub fn report_options(tenants: Option<Vec<String>>) -> ReportOptions {
    ReportOptions {
        tenants,
        ..ReportOptions::default()
    }
}

/// `{"json": path, "html": path}` of a written report, as `str` (file-system encoding).
pub fn paths_to_py<'py>(py: Python<'py>, paths: ReportPaths) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("json", paths.json.into_os_string())?;
    dict.set_item("html", paths.html.into_os_string())?;
    Ok(dict)
}

/// Renders a report dict (as `Store.report` returns it) as a self-contained HTML page.
#[pyfunction]
pub fn render_report_html(py: Python<'_>, report: &Bound<'_, PyAny>) -> PyResult<String> {
    let report: Report = from_json("report", dict_to_json("report", report)?)?;
    Ok(py.detach(|| render_html(&report)))
}
