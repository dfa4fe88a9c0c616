//! Ingestion results (`RecordError`, `WriteCounts`, `IngestReport`), record validation, and `parse_jsonl`.

use aybiza_analytics::IngestReport;
use aybiza_analytics::model::ingest::{
    IngestLimits, ParsedBatch, RecordError, identify, parse_jsonl_bytes, parse_value,
};
use aybiza_analytics::store::WriteCounts;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};
use serde_json::Value;

use crate::convert::{jsonl_bytes, record_to_json, repr_opt, repr_str, to_py, type_name};

/// Why one input record was rejected (Python class `RecordError`).
#[pyclass(name = "RecordError", module = "aybiza_analytics", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyRecordError(pub RecordError);

#[pymethods]
impl PyRecordError {
    /// 1-based line number (or position in a list of records).
    #[getter]
    fn line(&self) -> usize {
        self.0.line
    }

    /// The record's id, when it could be read.
    #[getter]
    fn record_id(&self) -> Option<&str> {
        self.0.record_id.as_deref()
    }

    /// The offending field as a dotted path, when one is to blame.
    #[getter]
    fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// What is wrong.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// The JSON shape: `{"line", "record_id", "field", "message"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "RecordError(line={}, record_id={}, field={}, message={})",
            self.0.line,
            repr_opt(py, self.0.record_id.as_deref())?,
            repr_opt(py, self.0.field.as_deref())?,
            repr_str(py, &self.0.message)?,
        ))
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }
}

/// How a write changed the store (Python class `WriteCounts`).
#[pyclass(name = "WriteCounts", module = "aybiza_analytics", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyWriteCounts(pub WriteCounts);

#[pymethods]
impl PyWriteCounts {
    /// Records whose key was new.
    #[getter]
    fn inserted(&self) -> usize {
        self.0.inserted
    }

    /// Records whose key existed with different content, now replaced.
    #[getter]
    fn updated(&self) -> usize {
        self.0.updated
    }

    /// Records identical to what was already stored.
    #[getter]
    fn unchanged(&self) -> usize {
        self.0.unchanged
    }

    /// The JSON shape: `{"inserted", "updated", "unchanged"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "WriteCounts(inserted={}, updated={}, unchanged={})",
            self.0.inserted, self.0.updated, self.0.unchanged
        )
    }
}

/// The result of ingesting a batch (Python class `IngestReport`).
#[pyclass(name = "IngestReport", module = "aybiza_analytics", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyIngestReport(pub IngestReport);

#[pymethods]
impl PyIngestReport {
    /// Counts of the accepted records.
    #[getter]
    fn written(&self) -> PyWriteCounts {
        PyWriteCounts(self.0.written)
    }

    /// Number of records accepted (inserted + updated + unchanged).
    #[getter]
    fn accepted(&self) -> usize {
        self.0.accepted()
    }

    /// The rejected records in input order; the rest of the batch was stored.
    #[getter]
    fn rejected(&self) -> Vec<PyRecordError> {
        self.0.rejected.iter().cloned().map(PyRecordError).collect()
    }

    /// The JSON shape: `{"written": {...}, "rejected": [...]}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let written = self.0.written;
        format!(
            "IngestReport(written=WriteCounts(inserted={}, updated={}, unchanged={}), rejected=<{} RecordError>)",
            written.inserted,
            written.updated,
            written.unchanged,
            self.0.rejected.len()
        )
    }
}

/// A record handed in from Python: its JSON, or why it cannot be one.
pub type PythonRecord = Result<Value, RecordError>;

/// Converts a Python iterable of dicts into JSON values, one per position.
///
/// Items that are not dicts, or that hold a value JSON cannot carry (NaN, a
/// 65-bit integer, an object), become [`RecordError`]s at their 1-based
/// position, naming the field. Raises `TypeError` when `records` is not an
/// iterable of records (a dict, str or bytes is refused as ambiguous).
pub fn python_records(records: &Bound<'_, PyAny>) -> PyResult<Vec<PythonRecord>> {
    if records.is_instance_of::<PyDict>()
        || records.is_instance_of::<PyString>()
        || records.is_instance_of::<PyBytes>()
        || records.is_instance_of::<PyByteArray>()
    {
        return Err(PyTypeError::new_err(format!(
            "records must be a list of dicts, got {}",
            type_name(records)
        )));
    }
    let items = records.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "records must be a list of dicts, got {}",
            type_name(records)
        ))
    })?;
    let mut out = Vec::new();
    for (index, item) in items.enumerate() {
        let item = item?;
        let line = index + 1;
        if !item.is_instance_of::<PyDict>() {
            out.push(Err(RecordError {
                line,
                record_id: None,
                field: None,
                message: format!("a record must be a dict, got {}", type_name(&item)),
            }));
            continue;
        }
        let converted = record_to_json(&item);
        out.push(match converted.problem {
            None => Ok(converted.value),
            Some(problem) => Err(RecordError {
                line,
                record_id: identify(&converted.value),
                field: problem.field,
                message: problem.message,
            }),
        });
    }
    Ok(out)
}

/// Validates converted Python records with the core's rules, keeping positions as line numbers.
pub fn validate_records(records: Vec<PythonRecord>, limits: &IngestLimits) -> ParsedBatch {
    let mut batch = ParsedBatch::default();
    for (index, record) in records.into_iter().enumerate() {
        match record.and_then(|value| parse_value(value, index + 1, limits)) {
            Ok(record) => batch.records.push(record),
            Err(error) => batch.rejected.push(error),
        }
    }
    batch
}

/// Parses and validates JSON Lines without storing them.
///
/// Returns `(records, rejected)`: the valid records as dicts (with `"type"`),
/// and one `RecordError` per rejected line.
#[pyfunction]
pub fn parse_jsonl<'py>(
    py: Python<'py>,
    input: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let bytes = jsonl_bytes(input)?;
    let batch = py.detach(|| parse_jsonl_bytes(&bytes, &IngestLimits::default()));
    batch_to_py(py, batch)
}

/// The `(records, rejected)` tuple of a parsed batch.
fn batch_to_py<'py>(py: Python<'py>, batch: ParsedBatch) -> PyResult<Bound<'py, PyTuple>> {
    let records = PyList::empty(py);
    for record in &batch.records {
        records.append(to_py(py, record)?)?;
    }
    let rejected = PyList::empty(py);
    for error in batch.rejected {
        rejected.append(PyRecordError(error))?;
    }
    PyTuple::new(py, [records.into_any(), rejected.into_any()])
}
