//! Conversions between Python objects and the core's types: JSON values, time bounds and JSON Lines input.

use std::borrow::Cow;

use aybiza_analytics::TimeRange;
use aybiza_analytics::model::parse_instant;
use chrono::{DateTime, NaiveDateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
    PyTzInfo,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::errors::{invalid_argument, to_py_err};

/// Deepest nesting of lists and dicts accepted in a record (the same limit serde_json applies to JSON text).
const MAX_DEPTH: usize = 128;

/// Serializes `value` with serde and builds the equivalent Python object (dicts, lists, str, int, float, bool, None).
pub fn to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value).map_err(|e| to_py_err(e.into()))?;
    json_to_py(py, &json)
}

/// Builds the Python object for a JSON value.
pub fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                // Without serde_json's arbitrary_precision every other number is an f64.
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, json_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// Why a Python object could not become a JSON record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionProblem {
    /// Dotted path of the offending field (`voice.energy`, `tags[2]`); `None` for the record itself.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// A record converted to JSON, and the first problem met, if any.
///
/// When there is a problem the value is still built, without the offending
/// fields (a list keeps `null` in their place), so that the record's id can be
/// read for the error.
pub struct ConvertedRecord {
    /// The record as JSON.
    pub value: Value,
    /// The first field that could not be represented in JSON.
    pub problem: Option<ConversionProblem>,
}

/// Converts one Python object (normally a dict) into JSON without raising.
///
/// Non-finite floats, integers beyond 64 bits, non-string keys, unsupported
/// types and nesting deeper than [`MAX_DEPTH`] become a [`ConversionProblem`]
/// naming the field. `datetime` values become RFC 3339 strings in UTC (a naive
/// `datetime` is taken as UTC).
pub fn record_to_json(object: &Bound<'_, PyAny>) -> ConvertedRecord {
    let mut converter = Converter {
        path: Vec::new(),
        problem: None,
    };
    let value = converter.convert(object).unwrap_or(Value::Null);
    ConvertedRecord {
        value,
        problem: converter.problem,
    }
}

/// One step of the path from the record to a nested value.
enum Segment {
    Key(String),
    Index(usize),
}

struct Converter {
    path: Vec<Segment>,
    problem: Option<ConversionProblem>,
}

impl Converter {
    /// The JSON for `object`, or `None` after recording why it has none.
    fn convert(&mut self, object: &Bound<'_, PyAny>) -> Option<Value> {
        if self.path.len() > MAX_DEPTH {
            return self.fail(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        if object.is_none() {
            Some(Value::Null)
        } else if let Ok(b) = object.cast::<PyBool>() {
            Some(Value::Bool(b.is_true()))
        } else if object.is_instance_of::<PyInt>() {
            if let Ok(i) = object.extract::<i64>() {
                Some(Value::from(i))
            } else if let Ok(u) = object.extract::<u64>() {
                Some(Value::from(u))
            } else {
                self.fail("integer does not fit in 64 bits")
            }
        } else if let Ok(f) = object.cast::<PyFloat>() {
            let x = f.value();
            match Number::from_f64(x) {
                Some(n) => Some(Value::Number(n)),
                None => self.fail(format!("must be a finite number, got {x}")),
            }
        } else if let Ok(s) = object.cast::<PyString>() {
            match s.to_str() {
                Ok(text) => Some(Value::String(text.to_owned())),
                Err(e) => self.fail(format!("not valid Unicode ({e})")),
            }
        } else if let Ok(dict) = object.cast::<PyDict>() {
            let mut map = Map::new();
            for (key, item) in dict.iter() {
                let Some(key) = key
                    .cast::<PyString>()
                    .ok()
                    .and_then(|k| k.to_str().ok().map(str::to_owned))
                else {
                    let kind = type_name(&key);
                    self.fail(format!("dict keys must be str, got {kind}"));
                    continue;
                };
                self.path.push(Segment::Key(key.clone()));
                let value = self.convert(&item);
                self.path.pop();
                // A field without JSON is left out, so the record's id can still be read.
                if let Some(value) = value {
                    map.insert(key, value);
                }
            }
            Some(Value::Object(map))
        } else if object.is_instance_of::<PyList>() || object.is_instance_of::<PyTuple>() {
            let Ok(items) = object.try_iter() else {
                return self.fail("list could not be iterated");
            };
            let mut values = Vec::new();
            for (index, item) in items.enumerate() {
                self.path.push(Segment::Index(index));
                let value = match item {
                    Ok(item) => self.convert(&item),
                    Err(e) => self.fail(format!("list could not be iterated ({e})")),
                };
                self.path.pop();
                values.push(value.unwrap_or(Value::Null));
            }
            Some(Value::Array(values))
        } else if let Ok(datetime) = object.cast::<PyDateTime>() {
            match datetime_to_utc(datetime) {
                Ok(t) => Some(Value::String(
                    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                )),
                Err(e) => self.fail(format!("datetime cannot be converted to UTC ({e})")),
            }
        } else {
            let kind = type_name(object);
            self.fail(format!("unsupported Python type {kind}"))
        }
    }

    /// Records the first problem, at the current path, and gives no value.
    fn fail(&mut self, message: impl Into<String>) -> Option<Value> {
        if self.problem.is_none() {
            self.problem = Some(ConversionProblem {
                field: self.field(),
                message: message.into(),
            });
        }
        None
    }

    /// The current path in the notation of the core's field names (`voice.energy`, `tags[2]`).
    fn field(&self) -> Option<String> {
        let mut field = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(key) => {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(key);
                }
                Segment::Index(index) => field.push_str(&format!("[{index}]")),
            }
        }
        (!field.is_empty()).then_some(field)
    }
}

/// A dict argument (a report, a simulation config) as JSON.
///
/// Raises `TypeError` when `object` is not a dict, and
/// [`InvalidArgumentError`](crate::errors::InvalidArgumentError) naming the
/// field when a value has no JSON form (see [`record_to_json`]).
pub fn dict_to_json(name: &str, object: &Bound<'_, PyAny>) -> PyResult<Value> {
    if !object.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a dict, got {}",
            type_name(object)
        )));
    }
    let converted = record_to_json(object);
    match converted.problem {
        None => Ok(converted.value),
        Some(ConversionProblem {
            field: Some(field),
            message,
        }) => Err(invalid_argument(format!("{name}: {field}: {message}"))),
        Some(ConversionProblem {
            field: None,
            message,
        }) => Err(invalid_argument(format!("{name}: {message}"))),
    }
}

/// Reads a core type from the JSON of the argument `name`; a missing, unknown
/// or mistyped field raises [`InvalidArgumentError`](crate::errors::InvalidArgumentError) naming it.
pub fn from_json<T: DeserializeOwned>(name: &str, value: Value) -> PyResult<T> {
    serde_path_to_error::deserialize(value).map_err(|e| invalid_argument(format!("{name}: {e}")))
}

/// An optional options dict read as a core type: `None` or no argument give its defaults; a
/// missing, unknown or mistyped field raises [`InvalidArgumentError`](crate::errors::InvalidArgumentError) naming it.
pub fn options_or_default<T: DeserializeOwned + Default>(
    name: &str,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<T> {
    match options.filter(|o| !o.is_none()) {
        Some(o) => from_json(name, dict_to_json(name, o)?),
        None => Ok(T::default()),
    }
}

/// The Python type name of `object`, for messages.
pub fn type_name(object: &Bound<'_, PyAny>) -> String {
    object
        .get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "<unknown>".into())
}

/// Python's `repr` of a string.
pub fn repr_str(py: Python<'_>, text: &str) -> PyResult<String> {
    Ok(PyString::new(py, text).repr()?.to_cow()?.into_owned())
}

/// Python's `repr` of an optional string (`None` when absent).
pub fn repr_opt(py: Python<'_>, text: Option<&str>) -> PyResult<String> {
    text.map_or_else(|| Ok("None".into()), |text| repr_str(py, text))
}

/// Converts a `datetime` to UTC; a naive one (no UTC offset) is taken as UTC.
fn datetime_to_utc(datetime: &Bound<'_, PyDateTime>) -> PyResult<DateTime<Utc>> {
    let py = datetime.py();
    if datetime.call_method0("utcoffset")?.is_none() {
        let without_zone = PyDict::new(py);
        without_zone.set_item("tzinfo", py.None())?;
        let naive: NaiveDateTime = datetime
            .call_method("replace", (), Some(&without_zone))?
            .extract()?;
        Ok(naive.and_utc())
    } else {
        datetime
            .call_method1("astimezone", (PyTzInfo::utc(py)?,))?
            .extract()
    }
}

/// Reads one end of a time range: `None`, a `datetime` (naive = UTC) or an ISO-8601 string.
///
/// Raises `TypeError` for other types and [`InvalidArgumentError`](crate::errors::InvalidArgumentError)
/// for strings that are not dates.
pub fn time_bound(name: &str, bound: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DateTime<Utc>>> {
    let Some(bound) = bound.filter(|b| !b.is_none()) else {
        return Ok(None);
    };
    if let Ok(datetime) = bound.cast::<PyDateTime>() {
        return datetime_to_utc(datetime)
            .map(Some)
            .map_err(|e| invalid_argument(format!("{name}: cannot convert to UTC ({e})")));
    }
    if let Ok(text) = bound.cast::<PyString>() {
        let text = text.to_cow()?;
        return parse_instant(&text).map(Some).ok_or_else(|| {
            invalid_argument(format!(
                "{name}: {text:?} is not an ISO-8601 date or date-time (e.g. 2026-03-02T14:00:00Z)"
            ))
        });
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be a datetime, an ISO-8601 str or None, got {}",
        type_name(bound)
    )))
}

/// The range `[start, end)`; a missing bound leaves that side open.
pub fn time_range(
    start: Option<&Bound<'_, PyAny>>,
    end: Option<&Bound<'_, PyAny>>,
) -> PyResult<TimeRange> {
    let all = TimeRange::all();
    let start = time_bound("start", start)?.unwrap_or(all.start);
    let end = time_bound("end", end)?.unwrap_or(all.end);
    TimeRange::new(start, end).map_err(to_py_err)
}

/// The bytes of JSON Lines input given as `str`, `bytes` or `bytearray`, borrowed when possible.
///
/// A `str` holding lone surrogates is encoded with `surrogatepass`, so only the
/// lines holding them fail UTF-8 validation.
pub fn jsonl_bytes<'a>(input: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(bytes) = input.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(bytes.as_bytes()));
    }
    if let Ok(text) = input.cast::<PyString>() {
        return Ok(match text.to_str() {
            Ok(text) => Cow::Borrowed(text.as_bytes()),
            Err(_) => Cow::Owned(
                text.call_method1("encode", ("utf-8", "surrogatepass"))?
                    .cast_into::<PyBytes>()?
                    .as_bytes()
                    .to_vec(),
            ),
        });
    }
    if let Ok(array) = input.cast::<PyByteArray>() {
        return Ok(Cow::Owned(array.to_vec()));
    }
    Err(PyTypeError::new_err(format!(
        "JSON Lines input must be str, bytes or bytearray, got {}",
        type_name(input)
    )))
}

/// A list argument (a list or tuple of dicts) as a JSON array, converted as
/// [`dict_to_json`] converts dicts (`datetime`s become RFC 3339 strings).
///
/// Raises `TypeError` when `object` is neither a list nor a tuple.
pub fn list_to_json(name: &str, object: &Bound<'_, PyAny>) -> PyResult<Value> {
    if !(object.is_instance_of::<PyList>() || object.is_instance_of::<PyTuple>()) {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a list, got {}",
            type_name(object)
        )));
    }
    let converted = record_to_json(object);
    match converted.problem {
        None => Ok(converted.value),
        Some(ConversionProblem {
            field: Some(field),
            message,
        }) => Err(invalid_argument(format!("{name}{field}: {message}"))),
        Some(ConversionProblem {
            field: None,
            message,
        }) => Err(invalid_argument(format!("{name}: {message}"))),
    }
}
