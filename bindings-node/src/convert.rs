//! Checking JS arguments and turning JS values into JSON.
//!
//! Each function returns `napi::Result<Checked<T>>`: the outer error means
//! the JS engine itself failed (for instance a getter threw) and is thrown at
//! once; the inner [`Checked`] error is a bad argument, reported with the
//! call's other errors (a rejected Promise, or a thrown `Error` for sync calls).

use std::collections::HashMap;

use aybiza_analytics::model::ingest::{RecordError, identify};
use aybiza_analytics::model::parse_instant;
use aybiza_analytics::predict::table::CsvFrame;
use aybiza_analytics::{Error, TimeRange};
use chrono::{DateTime, SecondsFormat, Utc};
use napi::bindgen_prelude::{Array, BigInt, Object, Uint8ArraySlice, Unknown};
use napi::{JsDate, JsValue, ValueType};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

/// A checked argument, or the `InvalidArgument` error that explains why it was refused.
pub type Checked<T> = aybiza_analytics::Result<T>;

/// One item of an array of records: its JSON, or why it cannot be JSON.
pub type RecordItem = Result<Value, RecordError>;

/// How deep a record may nest before it is refused (this also stops cyclic objects).
const MAX_DEPTH: usize = 64;

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn invalid(message: String) -> Error {
    Error::InvalidArgument(message)
}

/// A JS type's name as `typeof` would print it.
fn describe(value_type: ValueType) -> &'static str {
    match value_type {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        ValueType::BigInt => "bigint",
        ValueType::Unknown => "unknown value",
    }
}

/// The string argument `name`.
pub fn string_arg(name: &str, value: Unknown) -> napi::Result<Checked<String>> {
    Ok(match value.get_type()? {
        // SAFETY: the value was just checked to be a string.
        ValueType::String => Ok(unsafe { value.cast::<String>() }?),
        other => Err(invalid(format!(
            "{name} must be a string, got {}",
            describe(other)
        ))),
    })
}

/// An array of strings (`texts`, `tenants`, `kinds`).
pub fn string_array(name: &str, value: Unknown) -> napi::Result<Checked<Vec<String>>> {
    let value_type = value.get_type()?;
    if value_type != ValueType::Object || !value.is_array()? {
        return Ok(Err(invalid(format!(
            "{name} must be an array of strings, got {}",
            describe(value_type)
        ))));
    }
    // SAFETY: the value was just checked to be an array.
    let array = unsafe { value.cast::<Array>() }?;
    let mut strings = Vec::with_capacity(array.len() as usize);
    for index in 0..array.len() {
        let item = array.get::<Unknown>(index)?;
        let item_type = match &item {
            Some(item) => item.get_type()?,
            None => ValueType::Undefined,
        };
        match item {
            // SAFETY: the item was just checked to be a string.
            Some(item) if item_type == ValueType::String => {
                strings.push(unsafe { item.cast::<String>() }?)
            }
            _ => {
                return Ok(Err(invalid(format!(
                    "{name}[{index}] must be a string, got {}",
                    describe(item_type)
                ))));
            }
        }
    }
    Ok(Ok(strings))
}

/// An optional array of strings: `null` or `undefined` give `None`.
pub fn optional_string_array(
    name: &str,
    value: Option<Unknown>,
) -> napi::Result<Checked<Option<Vec<String>>>> {
    match value {
        None => Ok(Ok(None)),
        Some(value) => Ok(string_array(name, value)?.map(Some)),
    }
}

/// A plain-object argument (a report, a simulation config) as JSON, converted
/// as `ingest` converts records; a value JSON cannot carry is an
/// `InvalidArgument` error naming its field.
pub fn object_json(name: &str, value: Unknown) -> napi::Result<Checked<Value>> {
    let value_type = value.get_type()?;
    if value_type != ValueType::Object || value.is_array()? || value.is_date()? {
        let got = if value_type == ValueType::Object {
            "an array or a Date"
        } else {
            describe(value_type)
        };
        return Ok(Err(invalid(format!("{name} must be an object, got {got}"))));
    }
    let mut builder = JsonBuilder::default();
    let json = builder.value(value)?;
    Ok(match builder.problem {
        None => Ok(json),
        Some(Problem {
            field: Some(field),
            message,
        }) => Err(invalid(format!("{name}: {field}: {message}"))),
        Some(Problem {
            field: None,
            message,
        }) => Err(invalid(format!("{name}: {message}"))),
    })
}

/// An array argument (of plain objects) as a JSON array, converted as
/// [`object_json`] converts objects (`Date`s become RFC 3339 strings).
pub fn array_json(name: &str, value: Unknown) -> napi::Result<Checked<Value>> {
    let value_type = value.get_type()?;
    if value_type != ValueType::Object || !value.is_array()? {
        return Ok(Err(invalid(format!(
            "{name} must be an array, got {}",
            describe(value_type)
        ))));
    }
    let mut builder = JsonBuilder::default();
    let json = builder.value(value)?;
    Ok(match builder.problem {
        None => Ok(json),
        Some(Problem {
            field: Some(field),
            message,
        }) => Err(invalid(format!("{name}{field}: {message}"))),
        Some(Problem {
            field: None,
            message,
        }) => Err(invalid(format!("{name}: {message}"))),
    })
}

/// An optional object argument: `null` or `undefined` give `None`.
pub fn optional_object_json(
    name: &str,
    value: Option<Unknown>,
) -> napi::Result<Checked<Option<Value>>> {
    match value {
        None => Ok(Ok(None)),
        Some(value) if value.get_type()? == ValueType::Null => Ok(Ok(None)),
        Some(value) => Ok(object_json(name, value)?.map(Some)),
    }
}

/// Reads a library type from the JSON of the argument `name`; a missing,
/// unknown or mistyped field is an `InvalidArgument` error naming it.
pub fn from_json<T: DeserializeOwned>(name: &str, value: Value) -> Checked<T> {
    serde_path_to_error::deserialize(value).map_err(|e| invalid(format!("{name}: {e}")))
}

/// An optional options object read as a library type: `null`, `undefined` or no argument give
/// its defaults; an unknown or mistyped field is an `InvalidArgument` error naming it.
pub fn options_or_default<T: DeserializeOwned + Default>(
    name: &str,
    value: Option<Unknown>,
) -> napi::Result<Checked<T>> {
    Ok(
        optional_object_json(name, value)?.and_then(|value| match value {
            Some(value) => from_json(name, value),
            None => Ok(T::default()),
        }),
    )
}

/// Parses a time bound's text as the core does ([`parse_instant`]: ISO 8601, UTC without an
/// offset, a bare date at midnight UTC), as in Python and the CLI.
pub fn iso8601(name: &str, text: &str) -> Checked<DateTime<Utc>> {
    parse_instant(text).ok_or_else(|| {
        invalid(format!(
            "{name}: {text:?} is not an ISO-8601 date or date-time (e.g. 2026-03-02T14:00:00Z)"
        ))
    })
}

/// The bytes of JSON Lines input given as a string or a `Buffer`/`Uint8Array`.
pub fn jsonl_bytes(input: Unknown) -> napi::Result<Checked<Vec<u8>>> {
    let value_type = input.get_type()?;
    if value_type == ValueType::String {
        // SAFETY: the value was just checked to be a string.
        return Ok(Ok(unsafe { input.cast::<String>() }?.into_bytes()));
    }
    if value_type == ValueType::Object && input.is_typedarray()? {
        // SAFETY: the value is a typed array; the cast checks that its elements are bytes.
        if let Ok(bytes) = unsafe { input.cast::<Uint8ArraySlice>() } {
            return Ok(Ok(bytes.to_vec()));
        }
    }
    Ok(Err(invalid(format!(
        "input must be a string, a Buffer or a Uint8Array, got {}",
        describe(value_type)
    ))))
}

/// A time range from optional `start` and `end` bounds; a missing bound leaves that side open.
pub fn time_range(
    start: Option<Unknown>,
    end: Option<Unknown>,
) -> napi::Result<Checked<TimeRange>> {
    let all = TimeRange::all();
    let start = instant("start", start)?;
    let end = instant("end", end)?;
    Ok(start.and_then(|start| {
        end.and_then(|end| TimeRange::new(start.unwrap_or(all.start), end.unwrap_or(all.end)))
    }))
}

/// One time bound: a `Date`, an ISO-8601 string, or nothing (`null`/`undefined`).
pub fn instant(name: &str, value: Option<Unknown>) -> napi::Result<Checked<Option<DateTime<Utc>>>> {
    let Some(value) = value else {
        return Ok(Ok(None));
    };
    let value_type = value.get_type()?;
    if value_type == ValueType::String {
        // SAFETY: the value was just checked to be a string.
        let text = unsafe { value.cast::<String>() }?;
        return Ok(iso8601(name, &text).map(Some));
    }
    if value_type == ValueType::Object && value.is_date()? {
        // SAFETY: the value was just checked to be a Date.
        let millis = unsafe { value.cast::<JsDate>() }?.value_of()?;
        return Ok(date_from_millis(millis)
            .map(Some)
            .ok_or_else(|| invalid(format!("{name} is an invalid Date"))));
    }
    Ok(Err(invalid(format!(
        "{name} must be a Date, an ISO-8601 string, null or undefined, got {}",
        describe(value_type)
    ))))
}

/// A table argument, an array of row objects or an object of equally long column arrays, as
/// text cells the way CSV fields read (then typed by [`CsvFrame::into_table`]): `null`,
/// `undefined`, `NaN` and a key missing from a row are empty (missing); numbers and booleans
/// are their text, strings are trimmed, `Date`s are RFC 3339. Columns keep the order in which
/// their names first appear. An infinite number or a cell of another type is refused.
pub fn table_frame(name: &str, value: Unknown) -> napi::Result<Checked<CsvFrame>> {
    let value_type = value.get_type()?;
    if value_type != ValueType::Object || value.is_date()? {
        return Ok(Err(invalid(format!(
            "{name} must be an array of row objects or an object of column arrays, got {}",
            describe(value_type)
        ))));
    }
    let mut headers: Vec<String> = Vec::new();
    let mut columns: Vec<Vec<String>> = Vec::new();
    let rows;
    if value.is_array()? {
        // SAFETY: the value was just checked to be an array.
        let array = unsafe { value.cast::<Array>() }?;
        rows = array.len() as usize;
        let mut index: HashMap<String, usize> = HashMap::new();
        for r in 0..array.len() {
            let row = array.get::<Unknown>(r)?;
            let Some(row) = row.filter(|row| {
                row.get_type().is_ok_and(|t| t == ValueType::Object)
                    && !row.is_array().unwrap_or(true)
            }) else {
                return Ok(Err(invalid(format!("{name}[{r}] must be a row object"))));
            };
            // SAFETY: the row was just checked to be a (non-array) object.
            let object = unsafe { row.cast::<Object>() }?;
            for key in Object::keys(&object)? {
                let Some(cell) = object.get::<Unknown>(&key)? else {
                    continue;
                };
                let text = match cell_text(&format!("{name}[{r}].{key}"), cell)? {
                    Ok(text) => text,
                    Err(e) => return Ok(Err(e)),
                };
                let column = *index.entry(key.clone()).or_insert_with(|| {
                    headers.push(key);
                    columns.push(vec![String::new(); r as usize]);
                    columns.len() - 1
                });
                columns[column].push(text);
            }
            for column in &mut columns {
                column.resize(r as usize + 1, String::new());
            }
        }
    } else {
        // SAFETY: the value is a (non-array, non-Date) object.
        let object = unsafe { value.cast::<Object>() }?;
        let mut length = None;
        for key in Object::keys(&object)? {
            let Some(column) = object.get::<Unknown>(&key)? else {
                continue;
            };
            if column.get_type()? != ValueType::Object || !column.is_array()? {
                return Ok(Err(invalid(format!("{name}.{key} must be an array"))));
            }
            // SAFETY: the column was just checked to be an array.
            let array = unsafe { column.cast::<Array>() }?;
            if *length.get_or_insert(array.len()) != array.len() {
                return Ok(Err(invalid(format!(
                    "{name}.{key} has {} values, the columns before it {}",
                    array.len(),
                    length.unwrap_or_default()
                ))));
            }
            let mut texts = Vec::with_capacity(array.len() as usize);
            for r in 0..array.len() {
                let text = match array.get::<Unknown>(r)? {
                    None => String::new(),
                    Some(cell) => match cell_text(&format!("{name}.{key}[{r}]"), cell)? {
                        Ok(text) => text,
                        Err(e) => return Ok(Err(e)),
                    },
                };
                texts.push(text);
            }
            headers.push(key);
            columns.push(texts);
        }
        rows = length.unwrap_or(0) as usize;
    }
    let rows = (0..rows)
        .map(|r| columns.iter().map(|column| column[r].clone()).collect())
        .collect();
    Ok(Ok(CsvFrame { headers, rows }))
}

/// One table cell as CSV field text (see [`table_frame`]); `field` names it in errors.
fn cell_text(field: &str, value: Unknown) -> napi::Result<Checked<String>> {
    // SAFETY (all casts below): each matches the type `get_type` just reported.
    Ok(match value.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(String::new()),
        ValueType::Boolean => Ok(unsafe { value.cast::<bool>() }?.to_string()),
        ValueType::String => Ok(unsafe { value.cast::<String>() }?.trim().to_owned()),
        ValueType::Number => {
            let number = unsafe { value.cast::<f64>() }?;
            if number.is_nan() {
                Ok(String::new())
            } else if number.is_infinite() {
                Err(invalid(format!(
                    "{field} must be a finite number (or null or NaN when missing), got {number}"
                )))
            } else {
                Ok(number.to_string())
            }
        }
        ValueType::Object if value.is_date()? => {
            let millis = unsafe { value.cast::<JsDate>() }?.value_of()?;
            date_from_millis(millis)
                .map(|instant| instant.to_rfc3339_opts(SecondsFormat::Millis, true))
                .ok_or_else(|| invalid(format!("{field} is an invalid Date")))
        }
        other => Err(invalid(format!(
            "{field}: a {} cannot be a table cell",
            describe(other)
        ))),
    })
}

/// The instant of a JS `Date`'s time value, if it is a valid date chrono can hold.
fn date_from_millis(millis: f64) -> Option<DateTime<Utc>> {
    if millis.is_finite() {
        DateTime::from_timestamp_millis(millis as i64)
    } else {
        None
    }
}

/// The items of an array of records, each turned into JSON on its own.
///
/// An item that JSON cannot carry (a `NaN`, an infinity, a function, a
/// symbol, an invalid `Date`, a cycle) becomes a [`RecordError`] naming its
/// 1-based position, the record's id and the offending field, so the rest
/// of the array can still be stored.
pub fn record_items(records: Unknown) -> napi::Result<Checked<Vec<RecordItem>>> {
    let value_type = records.get_type()?;
    if value_type != ValueType::Object || !records.is_array()? {
        return Ok(Err(invalid(format!(
            "records must be an array of objects, got {}",
            describe(value_type)
        ))));
    }
    // SAFETY: the value was just checked to be an array.
    let array = unsafe { records.cast::<Array>() }?;
    let mut items = Vec::with_capacity(array.len() as usize);
    for index in 0..array.len() {
        let mut builder = JsonBuilder::default();
        let value = match array.get::<Unknown>(index)? {
            Some(item) => builder.value(item)?,
            None => Value::Null,
        };
        items.push(match builder.problem {
            None => Ok(value),
            Some(problem) => Err(RecordError {
                line: index as usize + 1,
                record_id: identify(&value),
                field: problem.field,
                message: problem.message,
            }),
        });
    }
    Ok(Ok(items))
}

/// Why a JS value has no faithful JSON form, and where in the record.
struct Problem {
    field: Option<String>,
    message: String,
}

/// One step of the path from a record to one of its values.
enum Step {
    Key(String),
    Index(u32),
}

/// Converts JS values to JSON like `JSON.stringify` (`undefined` properties
/// are left out, `Date`s become RFC 3339 strings), except that values JSON
/// would silently change or drop are recorded as the first [`Problem`].
#[derive(Default)]
struct JsonBuilder {
    path: Vec<Step>,
    problem: Option<Problem>,
}

impl JsonBuilder {
    /// The current path in the data model's notation: `voice.energy`, `tags[2]`.
    fn field(&self) -> Option<String> {
        if self.path.is_empty() {
            return None;
        }
        let mut field = String::new();
        for step in &self.path {
            match step {
                Step::Key(key) if field.is_empty() => field.push_str(key),
                Step::Key(key) => {
                    field.push('.');
                    field.push_str(key);
                }
                Step::Index(index) => field.push_str(&format!("[{index}]")),
            }
        }
        Some(field)
    }

    /// Records a problem at the current path, unless an earlier one was found; returns the stand-in `null`.
    fn flag(&mut self, message: String) -> Value {
        if self.problem.is_none() {
            self.problem = Some(Problem {
                field: self.field(),
                message,
            });
        }
        Value::Null
    }

    fn value(&mut self, value: Unknown) -> napi::Result<Value> {
        // SAFETY (all casts below): each matches the type `get_type` just reported.
        Ok(match value.get_type()? {
            ValueType::Undefined | ValueType::Null => Value::Null,
            ValueType::Boolean => Value::Bool(unsafe { value.cast::<bool>() }?),
            ValueType::Number => self.number(unsafe { value.cast::<f64>() }?),
            ValueType::String => Value::String(unsafe { value.cast::<String>() }?),
            ValueType::BigInt => self.bigint(&unsafe { value.cast::<BigInt>() }?),
            ValueType::Object => self.object(value)?,
            other => self.flag(format!("a {} cannot be stored", describe(other))),
        })
    }

    fn number(&mut self, number: f64) -> Value {
        if !number.is_finite() {
            let shown = if number.is_nan() {
                "NaN"
            } else if number > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            };
            return self.flag(format!("must be a finite number, got {shown}"));
        }
        if number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER {
            // Integral and exact: keep it an integer so integer fields accept it.
            if number >= 0.0 {
                Value::from(number as u64)
            } else {
                Value::from(number as i64)
            }
        } else {
            Number::from_f64(number).map_or(Value::Null, Value::Number)
        }
    }

    fn bigint(&mut self, number: &BigInt) -> Value {
        let (signed, signed_exact) = number.get_i64();
        if signed_exact {
            return Value::from(signed);
        }
        let (negative, unsigned, unsigned_exact) = number.get_u64();
        if !negative && unsigned_exact {
            return Value::from(unsigned);
        }
        self.flag("is a BigInt outside the 64-bit integer range".into())
    }

    fn object(&mut self, value: Unknown) -> napi::Result<Value> {
        if self.path.len() >= MAX_DEPTH {
            return Ok(self.flag(format!(
                "nests more than {MAX_DEPTH} levels deep (is the object cyclic?)"
            )));
        }
        if value.is_date()? {
            // SAFETY: the value was just checked to be a Date.
            let millis = unsafe { value.cast::<JsDate>() }?.value_of()?;
            return Ok(match date_from_millis(millis) {
                Some(instant) => {
                    Value::String(instant.to_rfc3339_opts(SecondsFormat::Millis, true))
                }
                None => self.flag("is an invalid Date".into()),
            });
        }
        if value.is_array()? {
            // SAFETY: the value was just checked to be an array.
            let array = unsafe { value.cast::<Array>() }?;
            let mut elements = Vec::with_capacity(array.len() as usize);
            for index in 0..array.len() {
                self.path.push(Step::Index(index));
                let element = match array.get::<Unknown>(index)? {
                    Some(element) => self.value(element)?,
                    None => Value::Null,
                };
                self.path.pop();
                elements.push(element);
            }
            return Ok(Value::Array(elements));
        }
        // SAFETY: the value is an object.
        let object = unsafe { value.cast::<Object>() }?;
        let mut map = Map::new();
        for key in Object::keys(&object)? {
            // `get` gives `None` for `undefined`, which JSON leaves out.
            if let Some(property) = object.get::<Unknown>(&key)? {
                self.path.push(Step::Key(key.clone()));
                let json = self.value(property)?;
                self.path.pop();
                map.insert(key, json);
            }
        }
        Ok(Value::Object(map))
    }
}
