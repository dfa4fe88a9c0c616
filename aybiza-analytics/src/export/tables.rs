//! Analytics tables: calls, utterances, journey events and metric samples as flat, typed
//! columns, one row per record, with the analysis joined in, and the agents' performance, one
//! row per agent. Tables join on `tenant` and `call_id` (calls and utterances), `customer_id`
//! (calls and journey events) or `agent_id` (calls and agents).

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::model::{
    Call, CallOutcome, JourneyEvent, MetricSample, Speaker, TimeRange, Utterance, VoiceFeatures,
};
use crate::patterns::live::call_end_ms;
use crate::privacy::Redactor;
use crate::sentiment::{
    HybridSentimentAnalyzer, Sentiment, SentimentAnalyzer, aggregate, customer_quarters,
    customer_score, text_weight,
};
use crate::store::Store;
use crate::{Error, Result};

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// One row per call: its record, utterance counts, call and customer sentiment, customer
    /// sentiment per quarter of the call, and one `attr_<key>` column per attribute key.
    Calls,
    /// One row per utterance: text (redacted by default), sentiment and emotions, voice features.
    Utterances,
    /// One row per journey event, with one `attr_<key>` column per attribute key.
    JourneyEvents,
    /// One row per metric sample.
    Metrics,
    /// One row per agent of the calls: call counts, outcome and escalation rates, handle
    /// time, satisfaction and the customers' mean sentiment over the period.
    Agents,
}

impl TableKind {
    /// Every table, in the order they are built and written.
    pub const ALL: [TableKind; 5] = [
        TableKind::Calls,
        TableKind::Utterances,
        TableKind::JourneyEvents,
        TableKind::Metrics,
        TableKind::Agents,
    ];

    /// The snake_case name, used in JSON and as the file name's stem.
    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::Calls => "calls",
            TableKind::Utterances => "utterances",
            TableKind::JourneyEvents => "journey_events",
            TableKind::Metrics => "metrics",
            TableKind::Agents => "agents",
        }
    }
}

impl FromStr for TableKind {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        TableKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown table '{name}' (expected calls, utterances, journey_events, metrics or agents)"
                ))
            })
    }
}

/// The values of one column, one per row; `None` is a blank (CSV) or null (JSON, Parquet).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    /// UTF-8 text.
    Text(Vec<Option<String>>),
    /// 64-bit signed integers.
    Integer(Vec<Option<i64>>),
    /// 64-bit floats (never NaN: the data model rejects non-finite numbers).
    Float(Vec<Option<f64>>),
    /// Booleans.
    Boolean(Vec<Option<bool>>),
    /// Instants in UTC, at millisecond precision when written.
    Timestamp(Vec<Option<DateTime<Utc>>>),
}

impl ColumnValues {
    /// How many rows the column has.
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Text(v) => v.len(),
            ColumnValues::Integer(v) => v.len(),
            ColumnValues::Float(v) => v.len(),
            ColumnValues::Boolean(v) => v.len(),
            ColumnValues::Timestamp(v) => v.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The column's name, unique in its table.
    pub name: String,
    /// Its values.
    pub values: ColumnValues,
}

/// A table: named columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Which table this is.
    pub kind: TableKind,
    /// Its columns, in a stable order: the fixed columns, then `attr_<key>` columns by key.
    pub columns: Vec<Column>,
}

impl Table {
    /// How many rows the table has.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Refuses a table whose columns differ in length (possible in a hand-built table: the
    /// fields are public), which the writers would otherwise index past.
    pub fn check_shape(&self) -> Result<()> {
        match self.columns.iter().find(|c| c.values.len() != self.rows()) {
            Some(column) => Err(Error::InvalidArgument(format!(
                "column '{}' of table '{}' has {} values, the first column {}",
                column.name,
                self.kind.as_str(),
                column.values.len(),
                self.rows()
            ))),
            None => Ok(()),
        }
    }
}

/// What [`analytics_tables`] builds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TableOptions {
    /// The tables to build, in this order (all five by default).
    pub tables: Vec<TableKind>,
    /// Replace PII in utterance text, tags and attribute values with typed placeholders such
    /// as `[CARD]` (on by default: the tables leave the process).
    pub redact: bool,
    /// Score every utterance with the default sentiment analyzer and add the sentiment
    /// columns to the calls and utterances tables (on by default).
    pub sentiment: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        Self {
            tables: TableKind::ALL.to_vec(),
            redact: true,
            sentiment: true,
        }
    }
}

/// Builds the tables `options` asks for from records of one or more tenants (every row names
/// its tenant). Utterances join their call on tenant and call id; an utterance without a call
/// record still has its row in the utterances table. Sentiment is scored on the original text,
/// before redaction; a text the analyzer rejects (empty, or over its size limit) has blank
/// sentiment.
///
/// ```
/// use aybiza_analytics::export::{TableKind, TableOptions, analytics_tables};
/// use aybiza_analytics::model::{MetricSample, TimeRange};
///
/// let sample: MetricSample = serde_json::from_str(
///     r#"{"tenant":"t1","metric":"latency_ms","source":"ivr","timestamp":"2026-03-09T10:00:00Z","value":120.0}"#,
/// )?;
/// let options = TableOptions { tables: vec![TableKind::Metrics], ..TableOptions::default() };
/// let tables = analytics_tables(&[], &[], &[], &[sample], &options)?;
/// assert_eq!(tables[0].rows(), 1);
/// assert!(tables[0].column("value").is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn analytics_tables(
    calls: &[Call],
    utterances: &[Utterance],
    journey_events: &[JourneyEvent],
    metrics: &[MetricSample],
    options: &TableOptions,
) -> Result<Vec<Table>> {
    let mut seen = BTreeSet::new();
    if let Some(twice) = options.tables.iter().find(|kind| !seen.insert(**kind)) {
        return Err(Error::InvalidArgument(format!(
            "table '{}' is asked for twice",
            twice.as_str()
        )));
    }
    let needs_scores = options.sentiment
        && options.tables.iter().any(|kind| {
            matches!(
                kind,
                TableKind::Calls | TableKind::Utterances | TableKind::Agents
            )
        });
    // One score per utterance when sentiment is asked for (`None` where the text is rejected).
    let scores: Option<Vec<Option<Sentiment>>> = if needs_scores {
        let analyzer = HybridSentimentAnalyzer::new()?;
        Some(
            utterances
                .iter()
                .map(|u| analyzer.analyze(&u.text).ok())
                .collect(),
        )
    } else {
        None
    };
    let redactor = options.redact.then(Redactor::new);
    // What each call's utterances add, for the calls and agents tables (computed once).
    let analyses = if options
        .tables
        .iter()
        .any(|kind| matches!(kind, TableKind::Calls | TableKind::Agents))
    {
        analyze_calls(calls, utterances, scores.as_deref())
    } else {
        Vec::new()
    };
    options
        .tables
        .iter()
        .map(|kind| match kind {
            TableKind::Calls => Ok(calls_table(
                calls,
                &analyses,
                scores.is_some(),
                redactor.as_ref(),
            )),
            TableKind::Utterances => {
                utterances_table(utterances, scores.as_deref(), redactor.as_ref())
            }
            TableKind::JourneyEvents => Ok(journey_events_table(journey_events, redactor.as_ref())),
            TableKind::Metrics => Ok(metrics_table(metrics)),
            TableKind::Agents => Ok(agents_table(calls, &analyses, scores.is_some())),
        })
        .collect()
}

/// Reads `tenant`'s records in `range` from `store` and builds [`analytics_tables`] from them.
/// With [`TimeRange::all`], the utterances table also has the utterances whose call has no
/// record yet ([`Store::utterances_without_call`]), as [`super::export_tenant`] does.
pub async fn tenant_tables(
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
    options: &TableOptions,
) -> Result<Vec<Table>> {
    let wants = |kind| options.tables.contains(&kind);
    let wants_calls = wants(TableKind::Calls) || wants(TableKind::Agents);
    // The agents table needs the utterances only for the customers' sentiment.
    let wants_utterances = wants(TableKind::Calls)
        || wants(TableKind::Utterances)
        || (wants(TableKind::Agents) && options.sentiment);
    let (calls, utterances, events, metrics) = tokio::try_join!(
        async {
            match wants_calls {
                true => store.calls(tenant, range).await,
                false => Ok(Vec::new()),
            }
        },
        async {
            if !wants_utterances {
                return Ok(Vec::new());
            }
            // As the records export does: with all of time, the utterances whose call has no
            // record yet are rows too (no time range selects them). Read first, so a call
            // stored meanwhile brings them along instead of hiding them from both reads.
            let without_call = if range == TimeRange::all() && wants(TableKind::Utterances) {
                store.utterances_without_call(tenant).await?
            } else {
                Vec::new()
            };
            let mut utterances = store.utterances(tenant, range).await?;
            utterances.extend(without_call);
            Ok(utterances)
        },
        async {
            match wants(TableKind::JourneyEvents) {
                true => store.journey_events(tenant, range).await,
                false => Ok(Vec::new()),
            }
        },
        async {
            match wants(TableKind::Metrics) {
                true => store.metrics(tenant, range).await,
                false => Ok(Vec::new()),
            }
        },
    )?;
    analytics_tables(&calls, &utterances, &events, &metrics, options)
}

/// A column's name and how to read its value from a record.
type Field<T, V> = (&'static str, fn(&T) -> V);

/// A call's utterances with their sentiment (when scored), in input order.
type Transcript<'a> = Vec<(&'a Utterance, Option<&'a Sentiment>)>;

/// Columns collected for one table, each from one value per row.
struct TableBuilder {
    kind: TableKind,
    columns: Vec<Column>,
}

impl TableBuilder {
    fn new(kind: TableKind) -> Self {
        Self {
            kind,
            columns: Vec::new(),
        }
    }

    fn push(&mut self, name: &str, values: ColumnValues) {
        self.columns.push(Column {
            name: name.to_owned(),
            values,
        });
    }

    fn text<S: Into<String>>(&mut self, name: &str, values: impl Iterator<Item = Option<S>>) {
        self.push(
            name,
            ColumnValues::Text(values.map(|v| v.map(Into::into)).collect()),
        );
    }

    fn integer(&mut self, name: &str, values: impl Iterator<Item = Option<i64>>) {
        self.push(name, ColumnValues::Integer(values.collect()));
    }

    fn float(&mut self, name: &str, values: impl Iterator<Item = Option<f64>>) {
        self.push(name, ColumnValues::Float(values.collect()));
    }

    fn boolean(&mut self, name: &str, values: impl Iterator<Item = Option<bool>>) {
        self.push(name, ColumnValues::Boolean(values.collect()));
    }

    fn timestamp(&mut self, name: &str, values: impl Iterator<Item = Option<DateTime<Utc>>>) {
        self.push(name, ColumnValues::Timestamp(values.collect()));
    }

    /// The sentiment columns, from one optional sentiment per row, rounded to [`SCORE_DECIMALS`].
    fn sentiment(&mut self, rows: &[Option<&Sentiment>]) {
        let column =
            |value: fn(&Sentiment) -> f64| rows.iter().map(move |s| s.map(|s| rounded(value(s))));
        self.float("sentiment", column(|s| s.score));
        self.text(
            "sentiment_label",
            rows.iter().map(|s| s.map(|s| s.label.as_str())),
        );
        let levels: [Field<Sentiment, f64>; 7] = [
            ("intensity", |s| s.intensity),
            ("urgency", |s| s.urgency),
            ("frustrated", |s| s.emotions.frustrated),
            ("angry", |s| s.emotions.angry),
            ("confused", |s| s.emotions.confused),
            ("satisfied", |s| s.emotions.satisfied),
            ("happy", |s| s.emotions.happy),
        ];
        for (name, value) in levels {
            self.float(name, column(value));
        }
    }

    /// One `attr_<key>` text column per key any row has, in key order; blank where a row lacks it.
    fn attributes<'a>(
        &mut self,
        rows: impl Iterator<Item = &'a BTreeMap<String, String>> + Clone,
        redactor: Option<&Redactor>,
    ) {
        let keys: BTreeSet<&str> = rows
            .clone()
            .flat_map(|attributes| attributes.keys().map(String::as_str))
            .collect();
        for key in keys {
            self.text(
                &format!("attr_{key}"),
                rows.clone()
                    .map(|attributes| attributes.get(key).map(|v| redacted(v, redactor))),
            );
        }
    }

    fn finish(self) -> Table {
        Table {
            kind: self.kind,
            columns: self.columns,
        }
    }
}

/// Decimals kept in sentiment columns, as `aybiza sentiment` writes them: the scores carry
/// about four significant digits (the model computes in `f32`).
const SCORE_DECIMALS: i32 = 4;

fn rounded(value: f64) -> f64 {
    let scale = 10f64.powi(SCORE_DECIMALS);
    (value * scale).round() / scale
}

fn redacted(text: &str, redactor: Option<&Redactor>) -> String {
    match redactor {
        Some(redactor) => redactor.redact(text).text,
        None => text.to_owned(),
    }
}

/// A millisecond count of `utterance` as a table integer; counts past `i64::MAX` (292 million
/// years) are an error, not a wrapped or clamped value.
fn milliseconds(value: u64, utterance: &Utterance) -> Result<i64> {
    i64::try_from(value).map_err(|_| {
        Error::InvalidArgument(format!(
            "utterance {} of call {} has {value} ms, too many for a 64-bit signed integer column",
            utterance.seq, utterance.call_id
        ))
    })
}

/// What the utterances of one call add to its row.
struct CallAnalysis {
    utterances: i64,
    customer_utterances: i64,
    /// Over all scored utterances, each weighted by its word count.
    sentiment: Option<Sentiment>,
    customer_sentiment: Option<f64>,
    /// Mean customer score per quarter of the call, by utterance midpoint.
    customer_quarters: [Option<f64>; 4],
}

fn analyze_call(call: &Call, transcript: &[(&Utterance, Option<&Sentiment>)]) -> CallAnalysis {
    // The recorded duration (`call_end_ms` of the call alone) or the last utterance's end.
    let end_ms = transcript
        .iter()
        .map(|(u, _)| u.end_ms)
        .max()
        .unwrap_or(0)
        .max(call_end_ms(call, &[]));
    CallAnalysis {
        utterances: transcript.len() as i64,
        customer_utterances: transcript
            .iter()
            .filter(|(u, _)| u.speaker == Speaker::Customer)
            .count() as i64,
        sentiment: aggregate(
            transcript
                .iter()
                .filter_map(|(u, s)| s.map(|s| (s, text_weight(&u.text)))),
        )
        .ok(),
        customer_sentiment: customer_score(transcript.iter().copied()),
        customer_quarters: customer_quarters(transcript.iter().copied(), end_ms),
    }
}

/// The analysis of each call of `calls` from its utterances (and their scores, when scored).
fn analyze_calls(
    calls: &[Call],
    utterances: &[Utterance],
    scores: Option<&[Option<Sentiment>]>,
) -> Vec<CallAnalysis> {
    let mut transcripts: FxHashMap<(&str, &str), Transcript<'_>> = FxHashMap::default();
    for (i, u) in utterances.iter().enumerate() {
        transcripts
            .entry((u.tenant.as_str(), u.call_id.as_str()))
            .or_default()
            .push((u, scores.and_then(|s| s[i].as_ref())));
    }
    calls
        .iter()
        .map(|call| {
            let transcript = transcripts
                .get(&(call.tenant.as_str(), call.id.as_str()))
                .map_or(&[][..], Vec::as_slice);
            analyze_call(call, transcript)
        })
        .collect()
}

/// The calls table; `analyses` are the calls' in order, `scored` whether sentiment was scored.
fn calls_table(
    calls: &[Call],
    analyses: &[CallAnalysis],
    scored: bool,
    redactor: Option<&Redactor>,
) -> Table {
    let mut t = TableBuilder::new(TableKind::Calls);
    t.text("tenant", calls.iter().map(|c| Some(c.tenant.as_str())));
    t.text("call_id", calls.iter().map(|c| Some(c.id.as_str())));
    t.text(
        "customer_id",
        calls.iter().map(|c| Some(c.customer_id.as_str())),
    );
    t.text("agent_id", calls.iter().map(|c| c.agent_id.as_deref()));
    t.text("channel", calls.iter().map(|c| Some(c.channel.as_str())));
    t.text(
        "direction",
        calls.iter().map(|c| Some(c.direction.as_str())),
    );
    t.text("queue", calls.iter().map(|c| c.queue.as_deref()));
    t.timestamp("started_at", calls.iter().map(|c| Some(c.started_at)));
    t.timestamp("ended_at", calls.iter().map(|c| c.ended_at));
    t.float("duration_s", calls.iter().map(Call::duration_secs));
    t.text(
        "outcome",
        calls.iter().map(|c| c.outcome.map(|o| o.as_str())),
    );
    t.boolean("escalated", calls.iter().map(|c| Some(c.escalated)));
    t.boolean("transferred", calls.iter().map(|c| Some(c.transferred)));
    t.float("satisfaction", calls.iter().map(|c| c.satisfaction));
    t.text(
        "tags",
        calls
            .iter()
            .map(|c| Some(redacted(&c.tags.join(";"), redactor))),
    );
    t.integer("utterances", analyses.iter().map(|a| Some(a.utterances)));
    t.integer(
        "customer_utterances",
        analyses.iter().map(|a| Some(a.customer_utterances)),
    );
    if scored {
        let sentiments: Vec<Option<&Sentiment>> =
            analyses.iter().map(|a| a.sentiment.as_ref()).collect();
        t.sentiment(&sentiments);
        t.float(
            "customer_sentiment",
            analyses.iter().map(|a| a.customer_sentiment.map(rounded)),
        );
        for q in 0..4 {
            t.float(
                &format!("customer_sentiment_q{}", q + 1),
                analyses.iter().map(|a| a.customer_quarters[q].map(rounded)),
            );
        }
    }
    t.attributes(calls.iter().map(|c| &c.attributes), redactor);
    t.finish()
}

/// A sum and how many values it adds up, for a mean.
#[derive(Default)]
struct Sum {
    total: f64,
    count: i64,
}

impl Sum {
    fn add(&mut self, value: Option<f64>) {
        if let Some(value) = value {
            self.total += value;
            self.count += 1;
        }
    }

    /// The mean, rounded as the other columns are; `None` without values.
    fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| rounded(self.total / self.count as f64))
    }
}

/// What the calls of one agent add up to.
#[derive(Default)]
struct AgentTally {
    first_call: Option<DateTime<Utc>>,
    last_call: Option<DateTime<Utc>>,
    calls: i64,
    with_outcome: i64,
    resolved: i64,
    abandoned: i64,
    escalated: i64,
    transferred: i64,
    duration: Sum,
    satisfaction: Sum,
    customer_sentiment: Sum,
}

/// The agents table; `analyses` are the calls' in order, `scored` whether sentiment was scored.
fn agents_table(calls: &[Call], analyses: &[CallAnalysis], scored: bool) -> Table {
    let mut agents: BTreeMap<(&str, &str), AgentTally> = BTreeMap::new();
    for (call, analysis) in calls.iter().zip(analyses) {
        let Some(agent) = call.agent_id.as_deref() else {
            continue;
        };
        let tally = agents.entry((call.tenant.as_str(), agent)).or_default();
        tally.first_call = Some(
            tally
                .first_call
                .map_or(call.started_at, |t| t.min(call.started_at)),
        );
        tally.last_call = Some(
            tally
                .last_call
                .map_or(call.started_at, |t| t.max(call.started_at)),
        );
        tally.calls += 1;
        if let Some(outcome) = call.outcome {
            tally.with_outcome += 1;
            tally.resolved += i64::from(outcome == CallOutcome::Resolved);
            tally.abandoned += i64::from(outcome == CallOutcome::Abandoned);
        }
        tally.escalated += i64::from(call.escalated);
        tally.transferred += i64::from(call.transferred);
        tally.duration.add(call.duration_secs());
        tally.satisfaction.add(call.satisfaction);
        tally.customer_sentiment.add(analysis.customer_sentiment);
    }
    let rows: Vec<(&(&str, &str), &AgentTally)> = agents.iter().collect();
    let rate = |count: fn(&AgentTally) -> i64, total: fn(&AgentTally) -> i64| {
        rows.iter()
            .map(move |(_, a)| (total(a) > 0).then(|| rounded(count(a) as f64 / total(a) as f64)))
    };

    let mut t = TableBuilder::new(TableKind::Agents);
    t.text("tenant", rows.iter().map(|((tenant, _), _)| Some(*tenant)));
    t.text("agent_id", rows.iter().map(|((_, agent), _)| Some(*agent)));
    t.timestamp("first_call_at", rows.iter().map(|(_, a)| a.first_call));
    t.timestamp("last_call_at", rows.iter().map(|(_, a)| a.last_call));
    let counts: [Field<AgentTally, i64>; 6] = [
        ("calls", |a| a.calls),
        ("calls_with_outcome", |a| a.with_outcome),
        ("resolved_calls", |a| a.resolved),
        ("abandoned_calls", |a| a.abandoned),
        ("escalated_calls", |a| a.escalated),
        ("transferred_calls", |a| a.transferred),
    ];
    for (name, count) in counts {
        t.integer(name, rows.iter().map(|(_, a)| Some(count(a))));
    }
    t.float("resolution_rate", rate(|a| a.resolved, |a| a.with_outcome));
    t.float(
        "abandonment_rate",
        rate(|a| a.abandoned, |a| a.with_outcome),
    );
    t.float("escalation_rate", rate(|a| a.escalated, |a| a.calls));
    t.float("transfer_rate", rate(|a| a.transferred, |a| a.calls));
    t.float(
        "mean_duration_s",
        rows.iter().map(|(_, a)| a.duration.mean()),
    );
    t.integer(
        "rated_calls",
        rows.iter().map(|(_, a)| Some(a.satisfaction.count)),
    );
    t.float(
        "mean_satisfaction",
        rows.iter().map(|(_, a)| a.satisfaction.mean()),
    );
    if scored {
        t.float(
            "mean_customer_sentiment",
            rows.iter().map(|(_, a)| a.customer_sentiment.mean()),
        );
    }
    t.finish()
}

fn utterances_table(
    utterances: &[Utterance],
    scores: Option<&[Option<Sentiment>]>,
    redactor: Option<&Redactor>,
) -> Result<Table> {
    let mut t = TableBuilder::new(TableKind::Utterances);
    t.text("tenant", utterances.iter().map(|u| Some(u.tenant.as_str())));
    t.text(
        "call_id",
        utterances.iter().map(|u| Some(u.call_id.as_str())),
    );
    t.integer("seq", utterances.iter().map(|u| Some(i64::from(u.seq))));
    t.text(
        "speaker",
        utterances.iter().map(|u| Some(u.speaker.as_str())),
    );
    let starts = utterances
        .iter()
        .map(|u| milliseconds(u.start_ms, u).map(Some))
        .collect::<Result<Vec<_>>>()?;
    let ends = utterances
        .iter()
        .map(|u| milliseconds(u.end_ms, u).map(Some))
        .collect::<Result<Vec<_>>>()?;
    t.push("start_ms", ColumnValues::Integer(starts));
    t.push("end_ms", ColumnValues::Integer(ends));
    let texts: Vec<(String, usize)> = utterances
        .iter()
        .map(|u| match redactor {
            Some(redactor) => {
                let out = redactor.redact(&u.text);
                (out.text, out.entities.len())
            }
            None => (u.text.clone(), 0),
        })
        .collect();
    if redactor.is_some() {
        t.integer(
            "pii_redacted",
            texts.iter().map(|(_, found)| Some(*found as i64)),
        );
    }
    t.text("text", texts.into_iter().map(|(text, _)| Some(text)));
    if let Some(scores) = scores {
        let sentiments: Vec<Option<&Sentiment>> = scores.iter().map(Option::as_ref).collect();
        t.sentiment(&sentiments);
    }
    let voice: [Field<VoiceFeatures, Option<f64>>; 5] = [
        ("energy", |v| v.energy),
        ("pitch_mean_hz", |v| v.pitch_mean_hz),
        ("pitch_variance", |v| v.pitch_variance),
        ("speaking_rate_wpm", |v| v.speaking_rate_wpm),
        ("volume_db", |v| v.volume_db),
    ];
    for (name, feature) in voice {
        t.float(
            name,
            utterances
                .iter()
                .map(|u| u.voice.as_ref().and_then(feature)),
        );
    }
    let silences = utterances
        .iter()
        .map(|u| {
            let silence = u.voice.as_ref().and_then(|v| v.silence_before_ms);
            silence.map(|ms| milliseconds(ms, u)).transpose()
        })
        .collect::<Result<Vec<_>>>()?;
    t.push("silence_before_ms", ColumnValues::Integer(silences));
    t.boolean(
        "interruption",
        utterances
            .iter()
            .map(|u| u.voice.as_ref().map(|v| v.interruption)),
    );
    Ok(t.finish())
}

fn journey_events_table(events: &[JourneyEvent], redactor: Option<&Redactor>) -> Table {
    let mut t = TableBuilder::new(TableKind::JourneyEvents);
    t.text("tenant", events.iter().map(|e| Some(e.tenant.as_str())));
    t.text("event_id", events.iter().map(|e| Some(e.id.as_str())));
    t.text(
        "customer_id",
        events.iter().map(|e| Some(e.customer_id.as_str())),
    );
    t.text("channel", events.iter().map(|e| Some(e.channel.as_str())));
    t.text("action", events.iter().map(|e| Some(e.action.as_str())));
    t.timestamp("timestamp", events.iter().map(|e| Some(e.timestamp)));
    t.float("value", events.iter().map(|e| e.value));
    t.float("sentiment", events.iter().map(|e| e.sentiment));
    t.attributes(events.iter().map(|e| &e.attributes), redactor);
    t.finish()
}

fn metrics_table(metrics: &[MetricSample]) -> Table {
    let mut t = TableBuilder::new(TableKind::Metrics);
    t.text("tenant", metrics.iter().map(|m| Some(m.tenant.as_str())));
    t.text("metric", metrics.iter().map(|m| Some(m.metric.as_str())));
    t.text("source", metrics.iter().map(|m| Some(m.source.as_str())));
    t.timestamp("timestamp", metrics.iter().map(|m| Some(m.timestamp)));
    t.float("value", metrics.iter().map(|m| Some(m.value)));
    t.finish()
}

#[cfg(test)]
mod tests;
