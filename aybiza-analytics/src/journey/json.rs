//! The journey functions over JSON arguments, shared by the Python and Node
//! bindings so that both read the same inputs, apply the same defaults and
//! report the same errors.
//!
//! Every argument is a `serde_json::Value` of the documented shape; timestamps
//! are strings in a format [`parse_timestamp_micros`] reads. A missing,
//! unknown or mistyped field is an [`Error::InvalidArgument`] naming it.

use std::io::{BufReader, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::attribution::{AttributionOptions, AttributionReport, PathColumns, PathData, attribute};
use super::cohort::{CohortBuilder, CohortTable, Period};
use super::ltv::{CustomerRfm, ModelParams};
use super::map::{EventLog, LogColumns, parse_timestamp_micros};
use super::segment::{SegmentComparison, SegmentOptions, SegmentedLog, compare_segments};
use super::split::{case_names, split_journeys};
use super::tracker::{JourneyConfig, JourneyEnd, LiveJourneyTracker, TransitionModel};
use crate::model::JourneyEvent;
use crate::{Error, Result};

/// Reads `T` from `value`, prefixing errors with the argument's `name`.
fn read<T: DeserializeOwned>(name: &str, value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| Error::InvalidArgument(format!("{name}: {e}")))
}

/// Reads a settings object of `T` in which every field is optional: the given
/// fields replace those of `T::default()`; an unknown field is an error.
pub fn with_defaults<T>(name: &str, value: Option<Value>) -> Result<T>
where
    T: Default + Serialize + DeserializeOwned,
{
    let mut merged = serde_json::to_value(T::default())?;
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Object(given)) => {
            let Value::Object(fields) = &mut merged else {
                return Err(Error::InvalidArgument(format!(
                    "{name}: has no settings fields"
                )));
            };
            for (key, field) in given {
                if !fields.contains_key(&key) {
                    let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                    return Err(Error::InvalidArgument(format!(
                        "{name}: unknown field `{key}`, expected one of {}",
                        known.join(", ")
                    )));
                }
                fields.insert(key, field);
            }
        }
        Some(_) => {
            return Err(Error::InvalidArgument(format!("{name} must be an object")));
        }
    }
    read(name, merged)
}

/// Items of the list argument `name`.
fn items(name: &str, value: Value) -> Result<Vec<Value>> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(Error::InvalidArgument(format!("{name} must be a list"))),
    }
}

/// The instant of a timestamp string, or an error naming `field`.
fn instant(field: &str, text: &str) -> Result<DateTime<Utc>> {
    parse_timestamp_micros(text)
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| Error::InvalidArgument(format!("{field}: `{text}` is not a timestamp")))
}

/// Opens a CSV file for reading; a name ending in `.gz` is decompressed (gzip, multi-member).
pub fn open_csv(path: &Path) -> Result<Box<dyn Read + Send>> {
    let file = std::fs::File::open(path).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    })?;
    let gzip = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("gz"));
    Ok(if gzip {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(
            BufReader::new(file),
        )))
    } else {
        Box::new(BufReader::new(file))
    })
}

/// A path's channels: a list of names, or one string joined by the separator.
#[derive(Deserialize)]
#[serde(untagged)]
enum PathChannels {
    Joined(String),
    List(Vec<String>),
}

/// One aggregated path as the bindings take it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathInput {
    path: PathChannels,
    conversions: f64,
    #[serde(default)]
    value: f64,
    #[serde(default)]
    nulls: f64,
}

/// Settings of [`attribution`]: [`AttributionOptions`] plus the path separator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributionSettings {
    /// Half-life of the time-decay model, in touches.
    pub time_decay_half_life: f64,
    /// Order of the Markov model (1 to 3).
    pub markov_order: usize,
    /// Separator of paths given as one string.
    pub separator: String,
}

impl Default for AttributionSettings {
    fn default() -> Self {
        let options = AttributionOptions::default();
        Self {
            time_decay_half_life: options.time_decay_half_life,
            markov_order: options.markov_order,
            separator: PathColumns::default().separator,
        }
    }
}

/// Every attribution model on `paths`, a list of `{path, conversions, value?, nulls?}`
/// where `path` is a list of channel names or one string joined by `options.separator`.
pub fn attribution(paths: Value, options: Option<Value>) -> Result<AttributionReport> {
    let settings: AttributionSettings = with_defaults("options", options)?;
    let mut data = PathData::new();
    for (i, item) in items("paths", paths)?.into_iter().enumerate() {
        let name = format!("paths[{i}]");
        let row: PathInput = read(&name, item)?;
        let pushed = match &row.path {
            PathChannels::Joined(text) => data.push_joined(
                text,
                &settings.separator,
                row.conversions,
                row.value,
                row.nulls,
            ),
            PathChannels::List(list) => data.push(
                list.iter().map(String::as_str),
                row.conversions,
                row.value,
                row.nulls,
            ),
        };
        pushed.map_err(|e| Error::InvalidArgument(format!("{name}: {e}")))?;
    }
    attribute(
        &data,
        &AttributionOptions {
            time_decay_half_life: settings.time_decay_half_life,
            markov_order: settings.markov_order,
        },
    )
}

/// Every attribution model on the aggregated paths of the CSV file at `path`
/// (`.gz` decompressed); `columns` holds [`PathColumns`] fields, defaults for the missing ones.
pub fn attribution_csv(path: &Path, columns: Option<Value>) -> Result<AttributionReport> {
    let columns: PathColumns = with_defaults("columns", columns)?;
    let data = PathData::read_csv(open_csv(path)?, &columns)?;
    attribute(&data, &AttributionOptions::default())
}

/// One event of an event log as the bindings take it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseEvent {
    case: String,
    activity: String,
    timestamp: String,
}

/// The event log of `events`, a list of `{case, activity, timestamp}`.
pub fn event_log(events: Value) -> Result<EventLog> {
    let mut log = EventLog::new();
    for (i, item) in items("events", events)?.into_iter().enumerate() {
        let name = format!("events[{i}]");
        let event: CaseEvent = read(&name, item)?;
        let micros = parse_timestamp_micros(&event.timestamp).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "{name}.timestamp: `{}` is not a timestamp",
                event.timestamp
            ))
        })?;
        log.push(&event.case, &event.activity, micros);
    }
    Ok(log)
}

/// The event log of the CSV file at `path` (`.gz` decompressed); `columns` holds
/// [`LogColumns`] fields, defaults for the missing ones.
pub fn event_log_csv(path: &Path, columns: Option<Value>) -> Result<EventLog> {
    let columns: LogColumns = with_defaults("columns", columns)?;
    EventLog::read_csv(open_csv(path)?, &columns)
}

/// One event of a segmented event log as the bindings take it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentEvent {
    case: String,
    activity: String,
    timestamp: String,
    #[serde(default)]
    segment: Option<String>,
}

/// The journey-map metrics of every segment of `events`, a list of
/// `{case, activity, timestamp, segment}` (a missing or null segment is blank);
/// `options` holds [`SegmentOptions`] fields, defaults for the missing ones.
pub fn segments(events: Value, options: Option<Value>) -> Result<SegmentComparison> {
    let options: SegmentOptions = with_defaults("options", options)?;
    let mut log = SegmentedLog::new();
    for (i, item) in items("events", events)?.into_iter().enumerate() {
        let name = format!("events[{i}]");
        let event: SegmentEvent = read(&name, item)?;
        let micros = parse_timestamp_micros(&event.timestamp).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "{name}.timestamp: `{}` is not a timestamp",
                event.timestamp
            ))
        })?;
        log.push(
            &event.case,
            &event.activity,
            micros,
            event.segment.as_deref().unwrap_or_default(),
        );
    }
    compare_segments(&log, &options)
}

/// [`segments`] of the CSV event log at `path` (`.gz` decompressed), the segment read from
/// `segment_column`; `columns` holds [`LogColumns`] fields, defaults for the missing ones.
pub fn segments_csv(
    path: &Path,
    segment_column: &str,
    columns: Option<Value>,
    options: Option<Value>,
) -> Result<SegmentComparison> {
    let columns: LogColumns = with_defaults("columns", columns)?;
    let options: SegmentOptions = with_defaults("options", options)?;
    let log = SegmentedLog::read_csv(open_csv(path)?, &columns, segment_column)?;
    compare_segments(&log, &options)
}

/// One activity of a customer as the bindings take it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivityInput {
    customer: String,
    timestamp: String,
    #[serde(default)]
    value: f64,
}

/// The cohort table of `activities`, a list of `{customer, timestamp, value?}`, by `period`
/// (`day`, `week` or `month`), followed up to `until` (default: the latest activity).
pub fn cohorts(
    activities: Value,
    period: &str,
    until: Option<DateTime<Utc>>,
) -> Result<CohortTable> {
    let period: Period = match period {
        "day" => Period::Day,
        "week" => Period::Week,
        "month" => Period::Month,
        other => {
            return Err(Error::InvalidArgument(format!(
                "period must be `day`, `week` or `month`, got `{other}`"
            )));
        }
    };
    let mut builder = CohortBuilder::new();
    let mut latest: Option<DateTime<Utc>> = None;
    for (i, item) in items("activities", activities)?.into_iter().enumerate() {
        let name = format!("activities[{i}]");
        let activity: ActivityInput = read(&name, item)?;
        let at = instant(&format!("{name}.timestamp"), &activity.timestamp)?;
        latest = latest.max(Some(at));
        builder
            .push(&activity.customer, at, activity.value)
            .map_err(|e| Error::InvalidArgument(format!("{name}: {e}")))?;
    }
    let until = until.or(latest).unwrap_or_else(Utc::now);
    builder.build(period, until)
}

/// The RFM summaries of `customers`, a list of `{frequency, recency, age, monetary_value}`.
pub fn customers(customers: Value) -> Result<Vec<CustomerRfm>> {
    items("customers", customers)?
        .into_iter()
        .enumerate()
        .map(|(i, item)| read(&format!("customers[{i}]"), item))
        .collect()
}

/// One customer's RFM summary, `{frequency, recency, age, monetary_value}`.
pub fn customer(value: Value) -> Result<CustomerRfm> {
    let customer: CustomerRfm = read("customer", value)?;
    customer.check().map_err(|e| prefixed("customer", e))?;
    Ok(customer)
}

/// Fitted model parameters (a `BgNbd` or `GammaGamma` object as returned by the fits), checked.
pub fn params<T: DeserializeOwned + ModelParams>(value: Value) -> Result<T> {
    let params: T = read("params", value)?;
    params.check().map_err(|e| prefixed("params", e))?;
    Ok(params)
}

/// An `InvalidArgument` error's message under the argument's name.
fn prefixed(name: &str, error: Error) -> Error {
    match error {
        Error::InvalidArgument(message) => Error::InvalidArgument(format!("{name}: {message}")),
        other => other,
    }
}

/// The tracker configuration of `config` ([`JourneyConfig`] fields; defaults for the missing ones).
pub fn tracker_config(config: Option<Value>) -> Result<JourneyConfig> {
    with_defaults("config", config)
}

/// A tracker with `config` whose transition model is learned from `history`,
/// a list of `{case, activity, timestamp}` (one case per past journey).
pub fn tracker(config: Option<Value>, history: Value) -> Result<LiveJourneyTracker> {
    let config = tracker_config(config)?;
    let model = TransitionModel::learn(&event_log(history)?, &config);
    LiveJourneyTracker::new(config, model)
}

/// A journey event of the data model's shape; `tenant` and `channel` may be
/// left out (empty), and a `type` of `journey_event` (a record's tag) is accepted.
pub fn journey_event(value: Value) -> Result<JourneyEvent> {
    let Value::Object(mut fields) = value else {
        return Err(Error::InvalidArgument("event must be an object".into()));
    };
    match fields.remove("type") {
        None => {}
        Some(Value::String(kind)) if kind == "journey_event" => {}
        Some(other) => {
            return Err(Error::InvalidArgument(format!(
                "event: type must be `journey_event`, got {other}"
            )));
        }
    }
    for key in ["tenant", "channel"] {
        fields
            .entry(key)
            .or_insert_with(|| Value::String(String::new()));
    }
    if let Some(Value::String(text)) = fields.get("timestamp") {
        let at = instant("event.timestamp", text)?;
        fields.insert(
            "timestamp".into(),
            Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        );
    }
    read("event", Value::Object(fields))
}

/// The journey events of `events`, a list of journey-event records (see [`journey_event`]);
/// a bad one is an error naming its index.
fn journey_events(events: Value) -> Result<Vec<JourneyEvent>> {
    items("events", events)?
        .into_iter()
        .enumerate()
        .map(|(i, item)| journey_event(item).map_err(|e| prefixed(&format!("events[{i}]"), e)))
        .collect()
}

/// One journey cut from journey events by [`journeys`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Journey {
    /// `customer#n`: the customer and the journey's rank among theirs, from 1 (the case name
    /// of journey maps made from journeys).
    pub case: String,
    /// The customer.
    pub customer_id: String,
    /// `converted`, `churned` or `abandoned`; `None` while the journey is still open (its last
    /// event within the inactivity window of the latest event passed).
    pub end: Option<JourneyEnd>,
    /// Its events in time order (an event id repeated in the input counts once).
    pub events: Vec<JourneyEvent>,
}

/// The journeys of `events` (journey-event records in any order, any customers), cut as
/// [`split_journeys`] does with `config` ([`JourneyConfig`] fields, defaults for the missing
/// ones): at a conversion or churn action, or after `inactivity_secs` without events. Ordered
/// by customer, then start.
pub fn journeys(events: Value, config: Option<Value>) -> Result<Vec<Journey>> {
    let config = tracker_config(config)?;
    let events = journey_events(events)?;
    let slices = split_journeys(&events, &config);
    Ok(case_names(&slices)
        .into_iter()
        .zip(slices)
        .map(|(case, slice)| Journey {
            case,
            end: slice.end,
            events: slice.events.iter().map(|&i| events[i].clone()).collect(),
            customer_id: slice.customer_id,
        })
        .collect())
}

/// One aggregated channel path, in the shape [`attribution`] takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelPath {
    /// The channels touched, in order.
    pub path: Vec<String>,
    /// Journeys along this path that converted.
    pub conversions: f64,
    /// The summed value of those conversions.
    pub value: f64,
    /// Journeys along this path that did not convert.
    pub nulls: f64,
}

/// The channel paths of the journeys of `events` (cut as [`journeys`] does), one row per
/// distinct path ([`PathData::from_journey_events`]): the input of [`attribution`].
pub fn journey_paths(events: Value, config: Option<Value>) -> Result<Vec<ChannelPath>> {
    let config = tracker_config(config)?;
    let data = PathData::from_journey_events(&journey_events(events)?, &config)?;
    Ok(data
        .paths
        .iter()
        .map(|row| ChannelPath {
            path: row
                .touches
                .iter()
                .map(|&channel| data.channels[channel as usize].clone())
                .collect(),
            conversions: row.conversions,
            value: row.value,
            nulls: row.nulls,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attribution_of_lists_and_joined_paths_agree() {
        let lists = json!([
            {"path": ["a", "b"], "conversions": 1, "value": 10},
            {"path": ["a"], "conversions": 0, "nulls": 1},
            {"path": ["b"], "conversions": 1, "value": 30, "nulls": 1},
        ]);
        let joined = json!([
            {"path": "a|b", "conversions": 1, "value": 10},
            {"path": "a", "conversions": 0, "nulls": 1},
            {"path": "b", "conversions": 1, "value": 30, "nulls": 1},
        ]);
        let from_lists = attribution(lists, None).unwrap();
        let from_joined = attribution(joined, Some(json!({"separator": "|"}))).unwrap();
        assert_eq!(from_lists, from_joined);
        let effects = &from_lists.removal_effects;
        assert!((effects[0] - 1.0 / 3.0).abs() < 1e-9, "{effects:?}");
        assert!((effects[1] - 1.0).abs() < 1e-9, "{effects:?}");
    }

    #[test]
    fn unknown_settings_and_bad_rows_are_errors() {
        let error = attribution(json!([]), Some(json!({"order": 2}))).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `order`"),
            "{error}"
        );
        let error = attribution(json!([{"path": "a", "conversions": -1}]), None).unwrap_err();
        assert!(error.to_string().contains("paths[0]"), "{error}");
        let error =
            event_log(json!([{"case": "1", "activity": "x", "timestamp": "soon"}])).unwrap_err();
        assert!(error.to_string().contains("events[0].timestamp"), "{error}");
        assert!(cohorts(json!([]), "year", None).is_err());
    }

    #[test]
    fn journey_events_default_tenant_and_channel() {
        let event = journey_event(json!({
            "id": "e1", "customer_id": "c", "action": "visit",
            "timestamp": "2026-01-05 09:00:00", "type": "journey_event"
        }))
        .unwrap();
        assert_eq!(event.channel, "");
        assert_eq!(event.timestamp.to_rfc3339(), "2026-01-05T09:00:00+00:00");
    }

    /// The `journeys` case of `tests/fixtures/journey_cases.json`, shared with the Python and
    /// Node suites.
    fn journeys_case() -> Value {
        let cases: Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/journey_cases.json"
        )))
        .unwrap();
        cases["journeys"].clone()
    }

    #[test]
    fn journeys_are_cut_at_conversions_churn_and_inactivity() {
        let case = journeys_case();
        let cut = journeys(case["events"].clone(), Some(case["config"].clone())).unwrap();
        let summary: Vec<Value> = cut
            .iter()
            .map(|j| {
                let ids: Vec<&str> = j.events.iter().map(|e| e.id.as_str()).collect();
                json!({"case": j.case, "customer_id": j.customer_id, "end": j.end, "event_ids": ids})
            })
            .collect();
        assert_eq!(Value::from(summary), case["journeys"]);

        let paths = journey_paths(case["events"].clone(), Some(case["config"].clone())).unwrap();
        assert_eq!(serde_json::to_value(&paths).unwrap(), case["paths"]);
        // The rows are what `attribution` takes.
        let report = attribution(serde_json::to_value(&paths).unwrap(), None).unwrap();
        assert_eq!(report.channels, ["web", "email", "call"]);
    }

    #[test]
    fn bad_journey_events_are_named() {
        let error = journeys(json!([{"id": "e1"}]), None).unwrap_err();
        assert!(error.to_string().contains("events[0]"), "{error}");
        let error = journey_paths(json!([]), Some(json!({"inactivity": 1}))).unwrap_err();
        assert!(error.to_string().contains("unknown field"), "{error}");
        assert!(journey_paths(json!({}), None).is_err());
    }
}
