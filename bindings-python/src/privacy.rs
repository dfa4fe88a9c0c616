//! PII detection and redaction: the `Redactor` class.

use aybiza_analytics::{PiiKind, Redacted, Redactor};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString};

use crate::convert::{to_py, type_name};
use crate::errors::invalid_argument;

/// The kind named `name` (its snake_case JSON name).
fn pii_kind(name: &str) -> PyResult<PiiKind> {
    PiiKind::ALL
        .into_iter()
        .find(|kind| kind.as_str() == name)
        .ok_or_else(|| {
            let known: Vec<&str> = PiiKind::ALL.iter().map(|kind| kind.as_str()).collect();
            invalid_argument(format!(
                "unknown PII kind {name:?}; the kinds are {}",
                known.join(", ")
            ))
        })
}

/// The strings of an iterable argument; a single `str` (or `bytes`) is refused as ambiguous.
fn strings(name: &str, items: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let refuse = || {
        PyTypeError::new_err(format!(
            "{name} must be an iterable of str, got {}",
            type_name(items)
        ))
    };
    if items.is_instance_of::<PyString>()
        || items.is_instance_of::<PyBytes>()
        || items.is_instance_of::<PyByteArray>()
    {
        return Err(refuse());
    }
    let mut out = Vec::new();
    for item in items.try_iter().map_err(|_| refuse())? {
        let item = item?;
        let text = item.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{name} must hold only str, got {}",
                type_name(&item)
            ))
        })?;
        out.push(text.to_str()?.to_owned());
    }
    Ok(out)
}

/// Finds and redacts personal data in text (Python class `Redactor`).
#[pyclass(name = "Redactor", module = "aybiza_analytics", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyRedactor(Redactor);

#[pymethods]
impl PyRedactor {
    /// A redactor for the named kinds, or for every kind when `kinds` is `None`.
    #[new]
    #[pyo3(signature = (kinds=None))]
    fn new(kinds: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(kinds) = kinds.filter(|k| !k.is_none()) else {
            return Ok(Self(Redactor::new()));
        };
        let kinds = strings("kinds", kinds)?
            .iter()
            .map(|name| pii_kind(name))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Self(Redactor::with_kinds(kinds)))
    }

    /// The kinds looked for, in the stable order of every kind.
    #[getter]
    fn kinds(&self) -> Vec<&'static str> {
        self.0.kinds().into_iter().map(PiiKind::as_str).collect()
    }

    /// The entities in `text` as dicts, sorted by offset and non-overlapping.
    fn find<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
        let entities = py.detach(|| self.0.find(text));
        to_py(py, &entities)
    }

    /// `{"text": redacted text, "entities": [...]}` for `text`.
    fn redact<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
        let redacted = py.detach(|| self.0.redact(text));
        to_py(py, &redacted)
    }

    /// Redacts every text of `texts`, in order, with the GIL released.
    fn redact_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let texts = strings("texts", texts)?;
        let redacted: Vec<Redacted> =
            py.detach(|| texts.iter().map(|text| self.0.redact(text)).collect());
        let out = PyList::empty(py);
        for item in &redacted {
            out.append(to_py(py, item)?)?;
        }
        Ok(out)
    }

    fn __repr__(&self) -> String {
        let kinds: Vec<String> = self
            .kinds()
            .into_iter()
            .map(|kind| format!("'{kind}'"))
            .collect();
        format!("Redactor(kinds=[{}])", kinds.join(", "))
    }
}
