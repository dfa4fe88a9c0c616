//! Text sentiment: the `SentimentAnalyzer` class.

use aybiza_analytics::sentiment::{
    HybridSentimentAnalyzer, Sentiment, SentimentAnalyzer, SentimentConfig,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};

use crate::convert::{to_py, type_name};
use crate::errors::{invalid_argument, to_py_err};

/// The text of `item`: a `str`, or `bytes`/`bytearray` holding UTF-8.
///
/// Bytes that are not UTF-8 and a `str` with lone surrogates are an
/// `InvalidArgumentError` naming the first bad byte; any other type is a `TypeError`.
fn text_of(name: &str, item: &Bound<'_, PyAny>) -> PyResult<String> {
    let from_bytes = |bytes: &[u8]| -> PyResult<String> {
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|e| {
            invalid_argument(format!(
                "{name} is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })
    };
    if let Ok(text) = item.cast::<PyString>() {
        return text.to_str().map(str::to_owned).map_err(|_| {
            invalid_argument(format!(
                "{name} holds a lone surrogate, which is not valid UTF-8"
            ))
        });
    }
    if let Ok(bytes) = item.cast::<PyBytes>() {
        return from_bytes(bytes.as_bytes());
    }
    if let Ok(array) = item.cast::<PyByteArray>() {
        return from_bytes(&array.to_vec());
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be str or bytes, got {}",
        type_name(item)
    )))
}

/// One flat table row as a dict, in column order: the sentiment with the emotions as columns of their own.
fn flat_row<'py>(py: Python<'py>, s: &Sentiment) -> PyResult<Bound<'py, PyDict>> {
    let e = &s.emotions;
    let row = PyDict::new(py);
    row.set_item("score", s.score)?;
    row.set_item("label", to_py(py, &s.label)?)?;
    row.set_item("intensity", s.intensity)?;
    for (name, value) in [
        ("frustrated", e.frustrated),
        ("angry", e.angry),
        ("confused", e.confused),
        ("satisfied", e.satisfied),
        ("happy", e.happy),
        ("urgency", s.urgency),
    ] {
        row.set_item(name, value)?;
    }
    Ok(row)
}

/// Scores the sentiment, emotions and urgency of text, offline, with the
/// weights shipped in the library (Python class `SentimentAnalyzer`).
#[pyclass(name = "SentimentAnalyzer", module = "aybiza_analytics", frozen)]
pub struct PySentimentAnalyzer(HybridSentimentAnalyzer);

#[pymethods]
impl PySentimentAnalyzer {
    /// The analyzer with the shipped weights; texts longer than `max_text_bytes` (UTF-8) are refused.
    #[new]
    #[pyo3(signature = (max_text_bytes=None))]
    fn new(max_text_bytes: Option<usize>) -> PyResult<Self> {
        let mut config = SentimentConfig::default();
        if let Some(limit) = max_text_bytes {
            config.max_text_bytes = limit;
        }
        HybridSentimentAnalyzer::with_config(config)
            .map(Self)
            .map_err(to_py_err)
    }

    /// The longest accepted text, in bytes of UTF-8.
    #[getter]
    fn max_text_bytes(&self) -> usize {
        self.0.config().max_text_bytes
    }

    /// `{score, label, intensity, emotions, urgency}` of one text (`str` or UTF-8 `bytes`).
    fn analyze<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = text_of("text", text)?;
        let sentiment = self.0.analyze(&text).map_err(to_py_err)?;
        to_py(py, &sentiment)
    }

    /// The sentiments of a column of texts (a list, tuple, pandas Series, pyarrow
    /// array, or the `text_column` of a DataFrame / Table / list of row dicts).
    #[pyo3(signature = (texts, *, text_column="text", output="rows"))]
    fn analyze_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        text_column: &str,
        output: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !matches!(output, "rows" | "pandas" | "arrow") {
            return Err(PyValueError::new_err(format!(
                "output must be 'rows', 'pandas' or 'arrow', got {output:?}"
            )));
        }
        if texts.is_instance_of::<PyString>()
            || texts.is_instance_of::<PyBytes>()
            || texts.is_instance_of::<PyByteArray>()
        {
            return Err(PyTypeError::new_err(
                "texts must be a column of texts, not a single str or bytes; use analyze()",
            ));
        }
        let frames = py.import("aybiza_analytics.frames")?;
        let column = frames.call_method1("column", (texts, text_column))?;
        let column = column.cast::<PyList>()?;
        let mut owned = Vec::with_capacity(column.len());
        for (index, item) in column.iter().enumerate() {
            owned.push(text_of(&format!("texts[{index}]"), &item)?);
        }
        let analyzer = &self.0;
        let scored = py.detach(|| {
            let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
            analyzer.analyze_batch(&texts)
        });
        let scored = scored.map_err(to_py_err)?;
        if output == "rows" {
            return to_py(py, &scored);
        }
        let rows = PyList::empty(py);
        for sentiment in &scored {
            rows.append(flat_row(py, sentiment)?)?;
        }
        frames.call_method1("to_table", (rows, output))
    }

    fn __repr__(&self) -> String {
        format!(
            "SentimentAnalyzer(max_text_bytes={})",
            self.0.config().max_text_bytes
        )
    }
}
