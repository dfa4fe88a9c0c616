//! A small JSON-schema validator for the subset this crate's prompts emit, and
//! the extraction of a JSON value from a model's text answer.
//!
//! Supported keywords: `type` (a name or a list of names; `integer` accepts
//! numbers without a fraction), `properties`, `required`,
//! `additionalProperties: false`, `items` (one schema), `enum`, `minimum`,
//! `maximum`, `minItems`, `maxItems`, `minLength`, `maxLength`. Other keywords
//! are ignored, so a schema using them validates less than it says: keep
//! schemas given to [`crate::llm::LlmClient`] inside this subset.
//! (The `jsonschema` crate would cover the full drafts but brings a regex
//! engine, an HTTP client for remote references and much build time.)

use serde_json::Value;

/// The first place where a value breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at {path}: {message}")]
pub struct SchemaViolation {
    /// JSON pointer to the offending value (`""` is the root, shown as `/`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Checks `value` against `schema`; returns the first violation found.
pub fn validate(schema: &Value, value: &Value) -> Result<(), SchemaViolation> {
    check(schema, value, &mut String::new())
}

fn violation(path: &str, message: String) -> SchemaViolation {
    SchemaViolation {
        path: if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        },
        message,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "integer" => value
            .as_f64()
            .is_some_and(|n| n.fract() == 0.0 && n.is_finite()),
        other => type_name(value) == other,
    }
}

fn check(schema: &Value, value: &Value, path: &mut String) -> Result<(), SchemaViolation> {
    let Some(schema) = schema.as_object() else {
        // `true` or an empty schema accepts anything; `false` accepts nothing.
        return match schema {
            Value::Bool(false) => Err(violation(path, "no value is allowed here".to_owned())),
            _ => Ok(()),
        };
    };
    if let Some(expected) = schema.get("type") {
        let names: Vec<&str> = match expected {
            Value::String(name) => vec![name.as_str()],
            Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.is_empty() && !names.iter().any(|name| has_type(value, name)) {
            return Err(violation(
                path,
                format!(
                    "expected {}, found {}",
                    names.join(" or "),
                    type_name(value)
                ),
            ));
        }
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        return Err(violation(
            path,
            format!("{value} is not one of {}", Value::Array(allowed.clone())),
        ));
    }
    match value {
        Value::Number(n) => check_number(schema, n.as_f64().unwrap_or(f64::NAN), path)?,
        Value::String(s) => check_length(
            schema,
            s.chars().count(),
            "minLength",
            "maxLength",
            "characters",
            path,
        )?,
        Value::Array(items) => {
            check_length(schema, items.len(), "minItems", "maxItems", "items", path)?;
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    check(item_schema, item, path)?;
                    path.truncate(len);
                }
            }
        }
        Value::Object(fields) => {
            if let Some(Value::Array(required)) = schema.get("required") {
                for name in required.iter().filter_map(Value::as_str) {
                    if !fields.contains_key(name) {
                        return Err(violation(
                            path,
                            format!("missing required property \"{name}\""),
                        ));
                    }
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
            for (name, field) in fields {
                let len = path.len();
                path.push('/');
                path.push_str(&name.replace('~', "~0").replace('/', "~1"));
                match properties.and_then(|p| p.get(name)) {
                    Some(field_schema) => check(field_schema, field, path)?,
                    None if closed => {
                        path.truncate(len);
                        return Err(violation(path, format!("unexpected property \"{name}\"")));
                    }
                    None => {}
                }
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
    Ok(())
}

fn check_number(
    schema: &serde_json::Map<String, Value>,
    n: f64,
    path: &str,
) -> Result<(), SchemaViolation> {
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && n < min
    {
        return Err(violation(path, format!("{n} is below the minimum {min}")));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && n > max
    {
        return Err(violation(path, format!("{n} is above the maximum {max}")));
    }
    Ok(())
}

fn check_length(
    schema: &serde_json::Map<String, Value>,
    len: usize,
    min_key: &str,
    max_key: &str,
    unit: &str,
    path: &str,
) -> Result<(), SchemaViolation> {
    if let Some(min) = schema.get(min_key).and_then(Value::as_u64)
        && (len as u64) < min
    {
        return Err(violation(path, format!("{len} {unit}, fewer than {min}")));
    }
    if let Some(max) = schema.get(max_key).and_then(Value::as_u64)
        && (len as u64) > max
    {
        return Err(violation(path, format!("{len} {unit}, more than {max}")));
    }
    Ok(())
}

/// Parses the JSON value in a model's answer: the whole text, or else the text
/// inside a Markdown code fence, or else the span from the first `{` to the
/// last `}` (models often wrap JSON in prose).
pub fn extract_json(text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    let first_error = match serde_json::from_str(trimmed) {
        Ok(value) => return Ok(value),
        Err(e) => e.to_string(),
    };
    if let Some(start) = trimmed.find("```") {
        let body = &trimmed[start + 3..];
        let body = body.strip_prefix("json").unwrap_or(body);
        if let Some(end) = body.find("```")
            && let Ok(value) = serde_json::from_str(body[..end].trim())
        {
            return Ok(value);
        }
    }
    if let (Some(start), Some(end)) = (trimmed.find('{'), trimmed.rfind('}'))
        && start < end
        && let Ok(value) = serde_json::from_str(&trimmed[start..=end])
    {
        return Ok(value);
    }
    Err(format!("the answer is not valid JSON ({first_error})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["items", "score"],
            "additionalProperties": false,
            "properties": {
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "level": {"type": "string", "enum": ["low", "high"]},
                "count": {"type": "integer"},
                "items": {"type": "array", "maxItems": 2, "items": {
                    "type": "object", "required": ["text"],
                    "properties": {"text": {"type": "string", "minLength": 1}}
                }}
            }
        })
    }

    #[test]
    fn accepts_a_conforming_value() {
        let value = json!({"score": 0.5, "level": "low", "count": 3, "items": [{"text": "a"}]});
        assert_eq!(validate(&schema(), &value), Ok(()));
    }

    #[test]
    fn reports_the_first_violation_with_its_path() {
        let cases = [
            (
                json!({"score": 0.5}),
                "/",
                "missing required property \"items\"",
            ),
            (
                json!({"score": 1.5, "items": []}),
                "/score",
                "1.5 is above the maximum 1",
            ),
            (
                json!({"score": -1, "items": []}),
                "/score",
                "-1 is below the minimum 0",
            ),
            (
                json!({"score": "x", "items": []}),
                "/score",
                "expected number, found string",
            ),
            (
                json!({"score": 0, "items": [], "level": "mid"}),
                "/level",
                "\"mid\" is not one of [\"low\",\"high\"]",
            ),
            (
                json!({"score": 0, "items": [], "count": 1.5}),
                "/count",
                "expected integer, found number",
            ),
            (
                json!({"score": 0, "items": [{"text": ""}]}),
                "/items/0/text",
                "0 characters, fewer than 1",
            ),
            (
                json!({"score": 0, "items": [{}, {}, {}]}),
                "/items",
                "3 items, more than 2",
            ),
            (
                json!({"score": 0, "items": [{"text": 3}]}),
                "/items/0/text",
                "expected string, found number",
            ),
            (
                json!({"score": 0, "items": [], "extra": 1}),
                "/",
                "unexpected property \"extra\"",
            ),
            (json!([1]), "/", "expected object, found array"),
        ];
        for (value, path, message) in cases {
            let err = validate(&schema(), &value).expect_err(&value.to_string());
            assert_eq!(
                (err.path.as_str(), err.message.as_str()),
                (path, message),
                "{value}"
            );
        }
    }

    #[test]
    fn extracts_json_from_fences_and_prose() {
        assert_eq!(extract_json(" {\"a\": 1} "), Ok(json!({"a": 1})));
        assert_eq!(
            extract_json("Here:\n```json\n{\"a\": 2}\n```\nDone"),
            Ok(json!({"a": 2}))
        );
        assert_eq!(
            extract_json("Sure! {\"a\": {\"b\": 3}} hope it helps"),
            Ok(json!({"a": {"b": 3}}))
        );
        let err = extract_json("{\"a\": ").unwrap_err();
        assert!(err.starts_with("the answer is not valid JSON"), "{err}");
        assert!(extract_json("no json here").is_err());
    }
}
