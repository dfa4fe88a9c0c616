//! The call data model shared by every analyzer and storage backend.
//!
//! Records arrive as JSON Lines (one [`Record`] per line, tagged by `"type"`),
//! are validated by [`ingest`], and are stored per tenant. The field-by-field
//! reference is `docs/data-model.md`.

pub mod ingest;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A tenant: one contact-center customer of the platform whose data is kept apart from every other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// Stable tenant id; every other record names it.
    pub id: String,
    /// Display name.
    pub name: String,
    /// IANA time zone used for hour-of-day and day-of-week views (e.g. `America/New_York`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// The medium a call was held on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallChannel {
    /// A phone or voice-AI call.
    Voice,
    /// A live chat conversation.
    Chat,
    /// A video call.
    Video,
    /// A text-message conversation.
    Sms,
    /// An e-mail thread handled as one contact.
    Email,
}

/// Who started the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The customer contacted the center.
    Inbound,
    /// The center contacted the customer.
    Outbound,
}

/// How a call ended, as recorded by the contact-center system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// The customer's issue was resolved on this call.
    Resolved,
    /// The call ended with the issue still open.
    Unresolved,
    /// The customer hung up before being served.
    Abandoned,
    /// A follow-up (callback, ticket) was promised.
    FollowUp,
}

impl CallOutcome {
    /// Every outcome, in a stable order for reports.
    pub const ALL: [CallOutcome; 4] = [
        CallOutcome::Resolved,
        CallOutcome::Unresolved,
        CallOutcome::Abandoned,
        CallOutcome::FollowUp,
    ];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Resolved => "resolved",
            CallOutcome::Unresolved => "unresolved",
            CallOutcome::Abandoned => "abandoned",
            CallOutcome::FollowUp => "follow_up",
        }
    }
}

impl CallChannel {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CallChannel::Voice => "voice",
            CallChannel::Chat => "chat",
            CallChannel::Video => "video",
            CallChannel::Sms => "sms",
            CallChannel::Email => "email",
        }
    }
}

impl Direction {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

/// One call (or other contact) with its metadata. Its utterances are separate records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// Call id, unique within the tenant.
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// The customer's id in the tenant's systems.
    pub customer_id: String,
    /// The agent who handled the call; `None` for calls handled by a bot alone or abandoned in queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// Medium of the contact.
    pub channel: CallChannel,
    /// Inbound or outbound.
    pub direction: Direction,
    /// When the call started (RFC 3339).
    pub started_at: DateTime<Utc>,
    /// When the call ended; `None` while it is live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Queue or skill the call was routed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// How the call ended; `None` while it is live or when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<CallOutcome>,
    /// Whether the call was escalated to a supervisor or a higher tier.
    #[serde(default)]
    pub escalated: bool,
    /// Whether the call was transferred to another agent or queue.
    #[serde(default)]
    pub transferred: bool,
    /// Customer satisfaction score on a 1–5 scale, when a survey answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<f64>,
    /// Free-form tags from the source system.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Extra key/value attributes (the simulator records its ground truth here, under `sim.*`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl Call {
    /// A call from JSON: a call record of the ingest format (with `"type": "call"`, as the
    /// bindings' store reads return it) or the bare call object. Anything else is an
    /// [`crate::Error::InvalidArgument`] naming the offending field.
    pub fn from_json(mut value: serde_json::Value) -> crate::Result<Call> {
        let invalid = |message: String| crate::Error::InvalidArgument(format!("call: {message}"));
        if let Some(map) = value.as_object_mut()
            && let Some(kind) = map.remove("type")
            && kind != "call"
        {
            return Err(invalid(format!("expected a call record, got type {kind}")));
        }
        serde_path_to_error::deserialize(value).map_err(|e| invalid(e.to_string()))
    }

    /// Duration in seconds, when the call has ended.
    pub fn duration_secs(&self) -> Option<f64> {
        self.ended_at
            .map(|end| (end - self.started_at).num_milliseconds() as f64 / 1000.0)
    }
}

/// Who spoke an utterance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// A human agent.
    Agent,
    /// The customer.
    Customer,
    /// A voice or chat bot.
    Bot,
}

impl Speaker {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Customer => "customer",
            Speaker::Bot => "bot",
        }
    }
}

/// Acoustic features of one utterance, as a speech pipeline measures them. All are optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceFeatures {
    /// Signal energy, normalised to 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy: Option<f64>,
    /// Mean fundamental frequency in Hz.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitch_mean_hz: Option<f64>,
    /// Variance of the fundamental frequency in Hz².
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitch_variance: Option<f64>,
    /// Speaking rate in words per minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaking_rate_wpm: Option<f64>,
    /// Loudness in dBFS (0 is full scale, so values are usually negative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_db: Option<f64>,
    /// Silence before the utterance began, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silence_before_ms: Option<u64>,
    /// Whether the speaker started while the other party was still talking.
    #[serde(default)]
    pub interruption: bool,
}

/// One turn of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Utterance {
    /// Owning tenant.
    pub tenant: String,
    /// The call this utterance belongs to.
    pub call_id: String,
    /// Position in the call, from 0; `(tenant, call_id, seq)` identifies the utterance.
    pub seq: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said.
    pub text: String,
    /// Start offset from the start of the call, in milliseconds.
    pub start_ms: u64,
    /// End offset from the start of the call, in milliseconds.
    pub end_ms: u64,
    /// Acoustic features, when the pipeline provides them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceFeatures>,
}

/// A customer touchpoint on any channel, the unit of a customer journey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyEvent {
    /// Event id, unique within the tenant.
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// The customer whose journey this is.
    pub customer_id: String,
    /// Channel name (`web`, `app`, `chat`, `email`, `voice`, or any the tenant uses).
    pub channel: String,
    /// What happened (`visit_pricing`, `start_checkout`, `call_support`, `purchase`, …).
    pub action: String,
    /// When it happened.
    pub timestamp: DateTime<Utc>,
    /// Monetary value attached to the event (e.g. an order total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Sentiment at this touchpoint in [-1, 1], when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<f64>,
    /// Extra key/value attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// One sample of a system or contact-center metric (latency, error rate, queue depth, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSample {
    /// Owning tenant.
    pub tenant: String,
    /// Metric name, e.g. `asr_latency_ms` or `queue_depth`.
    pub metric: String,
    /// The component that reported it; part of the sample's identity.
    #[serde(default)]
    pub source: String,
    /// When it was measured; `(tenant, metric, source, timestamp)` identifies the sample.
    pub timestamp: DateTime<Utc>,
    /// The measured value.
    pub value: f64,
}

/// One line of the JSON Lines ingest format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// A tenant definition.
    Tenant(Tenant),
    /// A call.
    Call(Call),
    /// An utterance of a call.
    Utterance(Utterance),
    /// A journey touchpoint.
    JourneyEvent(JourneyEvent),
    /// A metric sample.
    Metric(MetricSample),
}

impl Record {
    /// The tenant the record belongs to (a tenant record belongs to itself).
    pub fn tenant(&self) -> &str {
        match self {
            Record::Tenant(t) => &t.id,
            Record::Call(c) => &c.tenant,
            Record::Utterance(u) => &u.tenant,
            Record::JourneyEvent(e) => &e.tenant,
            Record::Metric(m) => &m.tenant,
        }
    }

    /// The record's identity within its tenant and kind, used for idempotent ingestion. A
    /// metric sample's is `metric|source|ms`, with the nanoseconds within the millisecond
    /// after a dot when there are any (`asr_latency_ms|asr-1|1772460000123.000450`), so
    /// samples less than a millisecond apart stay apart.
    pub fn key(&self) -> String {
        match self {
            Record::Tenant(t) => t.id.clone(),
            Record::Call(c) => c.id.clone(),
            Record::Utterance(u) => format!("{}#{}", u.call_id, u.seq),
            Record::JourneyEvent(e) => e.id.clone(),
            Record::Metric(m) => {
                let ms = m.timestamp.timestamp_millis();
                match m.timestamp.timestamp_subsec_nanos() % 1_000_000 {
                    0 => format!("{}|{}|{ms}", m.metric, m.source),
                    nanos => format!("{}|{}|{ms}.{nanos:06}", m.metric, m.source),
                }
            }
        }
    }

    /// The record kind as named in the `type` field.
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Tenant(_) => RecordKind::Tenant,
            Record::Call(_) => RecordKind::Call,
            Record::Utterance(_) => RecordKind::Utterance,
            Record::JourneyEvent(_) => RecordKind::JourneyEvent,
            Record::Metric(_) => RecordKind::Metric,
        }
    }
}

/// The kinds of [`Record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// [`Record::Tenant`].
    Tenant,
    /// [`Record::Call`].
    Call,
    /// [`Record::Utterance`].
    Utterance,
    /// [`Record::JourneyEvent`].
    JourneyEvent,
    /// [`Record::Metric`].
    Metric,
}

impl RecordKind {
    /// Every kind, in storage order.
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Tenant,
        RecordKind::Call,
        RecordKind::Utterance,
        RecordKind::JourneyEvent,
        RecordKind::Metric,
    ];

    /// The name used in the `type` field.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Tenant => "tenant",
            RecordKind::Call => "call",
            RecordKind::Utterance => "utterance",
            RecordKind::JourneyEvent => "journey_event",
            RecordKind::Metric => "metric",
        }
    }
}

/// A half-open time range `[start, end)`; every store query is scoped to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    /// Inclusive start.
    pub start: DateTime<Utc>,
    /// Exclusive end.
    pub end: DateTime<Utc>,
}

impl TimeRange {
    /// A range from `start` (inclusive) to `end` (exclusive).
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> crate::Result<Self> {
        if end < start {
            return Err(crate::Error::InvalidArgument(format!(
                "time range ends ({end}) before it starts ({start})"
            )));
        }
        Ok(Self { start, end })
    }

    /// The range covering every representable instant.
    pub fn all() -> Self {
        Self {
            start: DateTime::<Utc>::MIN_UTC,
            end: DateTime::<Utc>::MAX_UTC,
        }
    }

    /// Whether the range has both ends (neither is the edge of [`TimeRange::all`]).
    pub fn is_bounded(&self) -> bool {
        let all = TimeRange::all();
        self.start > all.start && self.end < all.end
    }

    /// The period of equal length just before this one, when the range is bounded on both
    /// sides and the calendar reaches back that far.
    pub fn previous(&self) -> Option<TimeRange> {
        if !self.is_bounded() {
            return None;
        }
        let start = self.start.checked_sub_signed(self.end - self.start)?;
        Some(TimeRange {
            start,
            end: self.start,
        })
    }

    /// Whether `t` falls inside the range, to the nanosecond. (A [`crate::Store`]'s range
    /// queries compare at millisecond precision instead; see there.)
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }
}

/// Parses a time bound as the CLI and the bindings accept it: ISO 8601 with an offset (`Z`,
/// `+02:00`, `+0200`) is exact; without one it is UTC; a bare date (`2026-03-02`) is its
/// midnight UTC. Minutes without seconds and a space instead of `T` are accepted.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::*;

    #[test]
    fn instants_parse_in_every_accepted_shape() {
        let at = |h, m, s| Utc.with_ymd_and_hms(2026, 3, 2, h, m, s).unwrap();
        for (text, expected) in [
            ("2026-03-02T14:00:00Z", at(14, 0, 0)),
            (" 2026-03-02T16:00:00+02:00 ", at(14, 0, 0)),
            ("2026-03-02T16:00:00+0200", at(14, 0, 0)),
            ("2026-03-02 14:00:05", at(14, 0, 5)),
            ("2026-03-02T14:30", at(14, 30, 0)),
            ("2026-03-02", at(0, 0, 0)),
        ] {
            assert_eq!(parse_instant(text), Some(expected), "{text}");
        }
        for bad in ["", "yesterday", "2026-13-02", "2026-03-02T25:00:00Z"] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_previous_period_needs_both_ends_and_a_calendar_that_reaches_back() {
        let start = Utc.with_ymd_and_hms(2026, 3, 9, 0, 0, 0).unwrap();
        let week = TimeRange::new(start, start + TimeDelta::days(7)).unwrap();
        assert!(week.is_bounded());
        assert_eq!(
            week.previous(),
            Some(TimeRange::new(start - TimeDelta::days(7), start).unwrap())
        );
        let all = TimeRange::all();
        for open in [
            all,
            TimeRange::new(start, all.end).unwrap(),
            TimeRange::new(all.start, start).unwrap(),
        ] {
            assert!(!open.is_bounded());
            assert_eq!(open.previous(), None);
        }
        // Bounded, but a period as long before it would start before chrono's first instant.
        let long = TimeRange::new(all.start + TimeDelta::days(1), start).unwrap();
        assert!(long.is_bounded());
        assert_eq!(long.previous(), None);
    }

    #[test]
    fn a_call_reads_from_its_record_or_its_bare_object() {
        let bare = serde_json::json!({
            "id": "c1", "tenant": "t", "customer_id": "k", "channel": "voice",
            "direction": "inbound", "started_at": "2026-03-02T14:00:00Z"
        });
        let mut record = bare.clone();
        record["type"] = "call".into();
        let call = Call::from_json(bare).unwrap();
        assert_eq!(Call::from_json(record.clone()).unwrap(), call);
        assert_eq!(call.id, "c1");

        record["type"] = "tenant".into();
        let error = Call::from_json(record.clone()).unwrap_err().to_string();
        assert!(
            error.contains("expected a call record, got type \"tenant\""),
            "{error}"
        );
        record["type"] = "call".into();
        record["started_at"] = "yesterday".into();
        let error = Call::from_json(record).unwrap_err().to_string();
        assert!(error.contains("started_at"), "{error}");
    }
}
