//! Parsing and validation of the JSON Lines ingest format.
//!
//! Every line is parsed and validated on its own: a bad line becomes a
//! [`RecordError`] that names the line, the record and the field, and the
//! other lines of the batch are still accepted.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Call, JourneyEvent, MetricSample, Record, RecordKind, Tenant, Utterance, VoiceFeatures,
};

/// Limits applied while validating records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestLimits {
    /// Largest utterance text accepted, in bytes of UTF-8.
    pub max_text_bytes: usize,
    /// Largest JSON line accepted, in bytes.
    pub max_line_bytes: usize,
}

impl Default for IngestLimits {
    fn default() -> Self {
        Self {
            max_text_bytes: 16 * 1024,
            max_line_bytes: 1024 * 1024,
        }
    }
}

/// Why one input record was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordError {
    /// 1-based line number in the input (or 1-based position in a list of records).
    pub line: usize,
    /// The record's id, when it could be read.
    pub record_id: Option<String>,
    /// The offending field (a dotted path such as `voice.energy`), when one is to blame.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(id) = &self.record_id {
            write!(f, " (record {id})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RecordError {}

/// The valid records of an input and the errors of the rest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedBatch {
    /// Records that passed validation, in input order.
    pub records: Vec<Record>,
    /// One entry per rejected line, in input order.
    pub rejected: Vec<RecordError>,
}

/// Parses JSON Lines text. Blank lines are skipped; line numbers count them.
pub fn parse_jsonl(input: &str, limits: &IngestLimits) -> ParsedBatch {
    parse_jsonl_bytes(input.as_bytes(), limits)
}

/// Parses JSON Lines bytes; a line that is not UTF-8 is rejected on its own.
pub fn parse_jsonl_bytes(input: &[u8], limits: &IngestLimits) -> ParsedBatch {
    let mut batch = ParsedBatch::default();
    for (index, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_line(raw, line, limits) {
            Ok(record) => batch.records.push(record),
            Err(error) => batch.rejected.push(error),
        }
    }
    batch
}

/// Parses and validates one JSON line.
pub fn parse_line(raw: &[u8], line: usize, limits: &IngestLimits) -> Result<Record, RecordError> {
    if raw.len() > limits.max_line_bytes {
        return Err(RecordError {
            line,
            record_id: None,
            field: None,
            message: format!(
                "line is {} bytes, over the limit of {}",
                raw.len(),
                limits.max_line_bytes
            ),
        });
    }
    let text = std::str::from_utf8(raw).map_err(|e| RecordError {
        line,
        record_id: None,
        field: None,
        message: format!("not valid UTF-8 ({e})"),
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| RecordError {
        line,
        record_id: None,
        field: None,
        message: format!("not valid JSON ({e})"),
    })?;
    parse_value(value, line, limits)
}

/// Converts one JSON value (an object with a `type` field) into a validated record.
pub fn parse_value(
    value: Value,
    line: usize,
    limits: &IngestLimits,
) -> Result<Record, RecordError> {
    let record_id = identify(&value);
    let fail = |field: Option<String>, message: String| RecordError {
        line,
        record_id: record_id.clone(),
        field,
        message,
    };
    let Value::Object(mut object) = value else {
        return Err(fail(None, "a record must be a JSON object".into()));
    };
    let kind = match object.remove("type") {
        Some(Value::String(kind)) => kind,
        Some(_) => return Err(fail(Some("type".into()), "must be a string".into())),
        None => return Err(fail(Some("type".into()), "missing field `type`".into())),
    };
    let body = Value::Object(object);
    let record = match kind.as_str() {
        "tenant" => Record::Tenant(typed(body).map_err(|(f, m)| fail(f, m))?),
        "call" => Record::Call(typed(body).map_err(|(f, m)| fail(f, m))?),
        "utterance" => Record::Utterance(typed(body).map_err(|(f, m)| fail(f, m))?),
        "journey_event" => Record::JourneyEvent(typed(body).map_err(|(f, m)| fail(f, m))?),
        "metric" => Record::Metric(typed(body).map_err(|(f, m)| fail(f, m))?),
        other => {
            return Err(fail(
                Some("type".into()),
                format!(
                    "unknown record type `{other}`, expected one of {}",
                    RecordKind::ALL.map(RecordKind::as_str).join(", ")
                ),
            ));
        }
    };
    validate(&record, limits).map_err(|(field, message)| fail(Some(field.into()), message))?;
    Ok(record)
}

/// Deserializes one record body, naming the offending field on failure.
fn typed<T: DeserializeOwned>(body: Value) -> Result<T, (Option<String>, String)> {
    serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = missing_field(&message).or_else(|| (path != ".").then_some(path));
        (field, message)
    })
}

/// Converts a list of JSON values; positions are reported 1-based as `line`.
pub fn parse_values(values: Vec<Value>, limits: &IngestLimits) -> ParsedBatch {
    let mut batch = ParsedBatch::default();
    for (index, value) in values.into_iter().enumerate() {
        match parse_value(value, index + 1, limits) {
            Ok(record) => batch.records.push(record),
            Err(error) => batch.rejected.push(error),
        }
    }
    batch
}

/// Checks the rules that the types alone do not enforce. On failure returns the field and the reason.
pub fn validate(record: &Record, limits: &IngestLimits) -> Result<(), (&'static str, String)> {
    match record {
        Record::Tenant(t) => validate_tenant(t),
        Record::Call(c) => validate_call(c),
        Record::Utterance(u) => validate_utterance(u, limits),
        Record::JourneyEvent(e) => validate_journey_event(e),
        Record::Metric(m) => validate_metric(m),
    }
}

type Check = Result<(), (&'static str, String)>;

fn non_empty(field: &'static str, value: &str) -> Check {
    if value.trim().is_empty() {
        Err((field, "must not be empty".into()))
    } else {
        Ok(())
    }
}

/// A tenant id: not empty, and not `*`, which a [`crate::access::Principal`] uses for every tenant.
fn tenant_id(field: &'static str, value: &str) -> Check {
    non_empty(field, value)?;
    if value.trim() == "*" {
        return Err((
            field,
            "`*` is reserved (it means every tenant to a principal)".into(),
        ));
    }
    Ok(())
}

fn finite(field: &'static str, value: f64) -> Check {
    if value.is_finite() {
        Ok(())
    } else {
        Err((field, format!("must be a finite number, got {value}")))
    }
}

fn within(field: &'static str, value: f64, low: f64, high: f64) -> Check {
    finite(field, value)?;
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err((
            field,
            format!("must be between {low} and {high}, got {value}"),
        ))
    }
}

/// Timestamps of records lie in the years 1 to 9999, so that time arithmetic on them (grids,
/// windows, differences) stays far inside chrono's range.
fn in_calendar(field: &'static str, at: chrono::DateTime<chrono::Utc>) -> Check {
    use chrono::Datelike;
    if (1..=9999).contains(&at.year()) {
        Ok(())
    } else {
        Err((field, format!("{at} is outside the years 1 to 9999")))
    }
}

fn validate_tenant(t: &Tenant) -> Check {
    tenant_id("id", &t.id)?;
    non_empty("name", &t.name)
}

fn validate_call(c: &Call) -> Check {
    non_empty("id", &c.id)?;
    tenant_id("tenant", &c.tenant)?;
    non_empty("customer_id", &c.customer_id)?;
    in_calendar("started_at", c.started_at)?;
    if let Some(end) = c.ended_at {
        in_calendar("ended_at", end)?;
    }
    if let Some(end) = c.ended_at
        && end < c.started_at
    {
        return Err((
            "ended_at",
            format!("call ends ({end}) before it starts ({})", c.started_at),
        ));
    }
    if let Some(score) = c.satisfaction {
        within("satisfaction", score, 1.0, 5.0)?;
    }
    Ok(())
}

fn validate_utterance(u: &Utterance, limits: &IngestLimits) -> Check {
    tenant_id("tenant", &u.tenant)?;
    non_empty("call_id", &u.call_id)?;
    if u.end_ms < u.start_ms {
        return Err((
            "end_ms",
            format!(
                "utterance ends ({} ms) before it starts ({} ms)",
                u.end_ms, u.start_ms
            ),
        ));
    }
    if u.text.len() > limits.max_text_bytes {
        return Err((
            "text",
            format!(
                "text is {} bytes, over the limit of {}",
                u.text.len(),
                limits.max_text_bytes
            ),
        ));
    }
    if let Some(voice) = &u.voice {
        validate_voice(voice)?;
    }
    Ok(())
}

fn validate_voice(v: &VoiceFeatures) -> Check {
    if let Some(x) = v.energy {
        within("voice.energy", x, 0.0, 1.0)?;
    }
    if let Some(x) = v.pitch_mean_hz {
        within("voice.pitch_mean_hz", x, 0.0, 2000.0)?;
    }
    if let Some(x) = v.pitch_variance {
        within("voice.pitch_variance", x, 0.0, f64::MAX)?;
    }
    if let Some(x) = v.speaking_rate_wpm {
        within("voice.speaking_rate_wpm", x, 0.0, 1000.0)?;
    }
    if let Some(x) = v.volume_db {
        within("voice.volume_db", x, -200.0, 50.0)?;
    }
    Ok(())
}

fn validate_journey_event(e: &JourneyEvent) -> Check {
    non_empty("id", &e.id)?;
    tenant_id("tenant", &e.tenant)?;
    non_empty("customer_id", &e.customer_id)?;
    non_empty("channel", &e.channel)?;
    non_empty("action", &e.action)?;
    in_calendar("timestamp", e.timestamp)?;
    if let Some(v) = e.value {
        finite("value", v)?;
    }
    if let Some(s) = e.sentiment {
        within("sentiment", s, -1.0, 1.0)?;
    }
    Ok(())
}

fn validate_metric(m: &MetricSample) -> Check {
    tenant_id("tenant", &m.tenant)?;
    non_empty("metric", &m.metric)?;
    // `|` separates the parts of the sample's key (`Record::key`).
    for (field, name) in [("metric", &m.metric), ("source", &m.source)] {
        if name.contains('|') {
            return Err((field, format!("`{name}` contains `|`, which names may not")));
        }
    }
    in_calendar("timestamp", m.timestamp)?;
    finite("value", m.value)
}

/// Reads a record's id from raw JSON, for error messages, before it is known to be valid:
/// `call_id#seq` for an utterance, the metric name for a metric sample, `id` for the rest.
/// Bindings use it to name a record they reject before it reaches [`parse_value`].
pub fn identify(value: &Value) -> Option<String> {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    match value.get("type").and_then(Value::as_str) {
        Some("utterance") => {
            let call = text("call_id")?;
            Some(match value.get("seq") {
                Some(seq) => format!("{call}#{seq}"),
                None => call,
            })
        }
        Some("metric") => text("metric"),
        _ => text("id"),
    }
}

/// Pulls the field name out of serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: &str = r#"{"type":"call","id":"c1","tenant":"t1","customer_id":"u1","channel":"voice","direction":"inbound","started_at":"2026-01-05T09:00:00Z","ended_at":"2026-01-05T09:05:00Z"}"#;

    #[test]
    fn good_and_bad_lines_are_separated() {
        let input = format!(
            "{CALL}\n\n{}\n{}\n",
            r#"{"type":"call","tenant":"t1","customer_id":"u1","channel":"voice","direction":"inbound","started_at":"2026-01-05T09:00:00Z"}"#,
            r#"{"type":"utterance","tenant":"t1","call_id":"c1","seq":0,"speaker":"robot","text":"hi","start_ms":0,"end_ms":10}"#
        );
        let batch = parse_jsonl(&input, &IngestLimits::default());
        assert_eq!(batch.records.len(), 1);
        assert_eq!(batch.rejected.len(), 2);
        assert_eq!(batch.rejected[0].line, 3);
        assert_eq!(batch.rejected[0].field.as_deref(), Some("id"));
        assert_eq!(batch.rejected[1].line, 4);
        assert_eq!(batch.rejected[1].record_id.as_deref(), Some("c1#0"));
        assert_eq!(batch.rejected[1].field.as_deref(), Some("speaker"));
    }

    #[test]
    fn end_before_start_is_named() {
        let line = CALL.replace("09:05:00", "08:55:00");
        let err = parse_line(line.as_bytes(), 7, &IngestLimits::default()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("ended_at"));
        assert_eq!(err.record_id.as_deref(), Some("c1"));
        assert!(
            err.to_string()
                .starts_with("line 7 (record c1): field `ended_at`")
        );
    }

    #[test]
    fn timestamps_outside_the_years_1_to_9999_are_named() {
        let line = CALL.replace("\"2026-01-05T09:00:00Z\"", "\"+262142-12-31T23:30:00Z\"");
        let err = parse_line(line.as_bytes(), 1, &IngestLimits::default()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("started_at"));
        assert!(
            err.to_string().contains("outside the years 1 to 9999"),
            "{err}"
        );
    }

    #[test]
    fn the_tenant_wildcard_is_not_a_tenant_id() {
        let line = CALL.replace(r#""tenant":"t1""#, r#""tenant":"*""#);
        let err = parse_line(line.as_bytes(), 1, &IngestLimits::default()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("tenant"));
        assert!(err.to_string().contains("reserved"), "{err}");
        let tenant = r#"{"type":"tenant","id":" * ","name":"All"}"#;
        let err = parse_line(tenant.as_bytes(), 1, &IngestLimits::default()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("id"));
    }

    #[test]
    fn metric_names_with_the_key_separator_are_refused() {
        let line = r#"{"type":"metric","tenant":"t","metric":"a|b","source":"c","timestamp":"2026-01-05T09:00:00Z","value":1}"#;
        let err = parse_line(line.as_bytes(), 1, &IngestLimits::default()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("metric"));
        let line = line
            .replace(r#""a|b""#, r#""a""#)
            .replace(r#""c""#, r#""b|c""#);
        let err = parse_line(line.as_bytes(), 1, &IngestLimits::default()).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("source"));
    }

    #[test]
    fn oversized_text_and_invalid_utf8_are_rejected() {
        let limits = IngestLimits {
            max_text_bytes: 4,
            ..IngestLimits::default()
        };
        let line = r#"{"type":"utterance","tenant":"t1","call_id":"c1","seq":0,"speaker":"agent","text":"hello","start_ms":0,"end_ms":10}"#;
        let err = parse_line(line.as_bytes(), 1, &limits).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("text"));
        let err = parse_line(b"{\"type\":\"call\",\"id\":\"\xff\"}", 2, &limits).unwrap_err();
        assert!(err.message.contains("UTF-8"));
    }

    #[test]
    fn non_finite_numbers_are_rejected() {
        let mut call: Call = serde_json::from_str(&CALL.replace(r#""type":"call","#, "")).unwrap();
        call.satisfaction = Some(f64::NAN);
        let err = validate(&Record::Call(call), &IngestLimits::default()).unwrap_err();
        assert_eq!(err.0, "satisfaction");
    }
}
