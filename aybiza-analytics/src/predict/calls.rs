//! Features of calls for outcome prediction.
//!
//! Only call metadata that is known when a call starts or ends, and its
//! transcript, are read. The fields that *are* outcomes (`outcome`,
//! `escalated`, `transferred`, `satisfaction`) are read only from *earlier*
//! calls (customer history); `tags` and `attributes` are never read (the
//! simulator's ground truth lives in `attributes`).
//!
//! History features (agent experience, customer history) are computed from
//! the calls passed in the same batch, in start-time order: pass a call's
//! predecessors along with it to predict it.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Timelike};
use serde::{Deserialize, Serialize};

use super::table::{Cell, Column, ColumnKind, Schema, Table};
use crate::Result;
use crate::model::{CallOutcome, Speaker};
use crate::patterns::TranscribedCall;
use crate::sentiment::SentimentAnalyzer;

/// Which features to extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureSet {
    /// Only what is known when the call starts ([`CONTEXT_FEATURES`]); used to predict duration.
    Context,
    /// Context plus the conversation ([`CONVERSATION_FEATURES`], and [`SENTIMENT_FEATURES`] when an analyzer is given).
    Full,
}

/// A feature's name, type and meaning.
pub type FeatureDoc = (&'static str, ColumnKind, &'static str);

/// Features known when a call starts.
pub const CONTEXT_FEATURES: &[FeatureDoc] = &[
    (
        "hour_of_day",
        ColumnKind::Numeric,
        "local start time in hours (0–24, minutes as fractions) in the configured time zone",
    ),
    (
        "day_of_week",
        ColumnKind::Numeric,
        "local day of the week, 0 = Monday … 6 = Sunday",
    ),
    (
        "queue",
        ColumnKind::Categorical,
        "queue or skill the call was routed to (missing when none)",
    ),
    (
        "channel",
        ColumnKind::Categorical,
        "voice, chat, video, sms or email",
    ),
    ("direction", ColumnKind::Categorical, "inbound or outbound"),
    (
        "agent_prior_calls",
        ColumnKind::Numeric,
        "agent experience: calls of the same agent that started earlier in the data (missing when no agent)",
    ),
    (
        "customer_prior_calls",
        ColumnKind::Numeric,
        "calls of the same customer that started in the history window before this one",
    ),
    (
        "customer_prior_escalations",
        ColumnKind::Numeric,
        "of those, calls that ended before this one started and were escalated",
    ),
    (
        "customer_prior_unresolved",
        ColumnKind::Numeric,
        "of those, calls that ended before this one started as unresolved, abandoned or follow-up",
    ),
    (
        "days_since_customer_last_call",
        ColumnKind::Numeric,
        "days since the customer's previous call started, any time before (missing for a first call)",
    ),
];

/// Features read from the transcript and timing of a finished call.
pub const CONVERSATION_FEATURES: &[FeatureDoc] = &[
    (
        "duration_secs",
        ColumnKind::Numeric,
        "call duration in seconds (missing while the call is live)",
    ),
    ("turns", ColumnKind::Numeric, "number of utterances"),
    (
        "customer_talk_share",
        ColumnKind::Numeric,
        "customer speaking time over all speaking time (customer, agent, bot), 0–1 (missing without speech)",
    ),
    (
        "silence_total_secs",
        ColumnKind::Numeric,
        "sum of the silences before utterances: voice.silence_before_ms when given, else the gap since the latest earlier utterance ended",
    ),
    (
        "silence_max_secs",
        ColumnKind::Numeric,
        "longest of those silences",
    ),
    (
        "interruptions",
        ColumnKind::Numeric,
        "utterances flagged voice.interruption, or starting before the previous utterance of another speaker ended",
    ),
    (
        "customer_repetitions",
        ColumnKind::Numeric,
        "customer utterances of at least 3 distinct words whose word set has a Jaccard similarity above the threshold (default 0.6) with an earlier customer utterance",
    ),
    (
        "topic_changes",
        ColumnKind::Numeric,
        "proxy: customer utterances after the first with at least 3 content words (4+ letters, not a stop word) none of which was said earlier in the call by anyone",
    ),
];

/// Sentiment-trajectory features, present only when a [`SentimentAnalyzer`] is given.
pub const SENTIMENT_FEATURES: &[FeatureDoc] = &[
    (
        "customer_sentiment_mean",
        ColumnKind::Numeric,
        "mean sentiment score of the customer's utterances (missing without any)",
    ),
    (
        "customer_sentiment_min",
        ColumnKind::Numeric,
        "lowest customer sentiment score",
    ),
    (
        "customer_sentiment_start",
        ColumnKind::Numeric,
        "mean score of the first third of the customer's utterances (at least one)",
    ),
    (
        "customer_sentiment_end",
        ColumnKind::Numeric,
        "mean score of the last third of the customer's utterances (at least one)",
    ),
    (
        "customer_sentiment_change",
        ColumnKind::Numeric,
        "end minus start: how the customer's mood moved over the call",
    ),
];

/// Settings of call feature extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFeatureOptions {
    /// Length of the customer-history window in days.
    pub history_days: u32,
    /// Jaccard similarity of word sets above which a customer utterance counts as a repetition.
    pub repetition_threshold: f64,
    /// Time zone of `hour_of_day` and `day_of_week`.
    pub timezone: chrono_tz::Tz,
}

impl Default for CallFeatureOptions {
    /// 30-day history, repetition above 0.6, UTC.
    fn default() -> Self {
        Self {
            history_days: 30,
            repetition_threshold: 0.6,
            timezone: chrono_tz::UTC,
        }
    }
}

/// Turns calls into a feature [`Table`], optionally scoring the customer's sentiment with an analyzer.
pub struct CallFeatureExtractor<'a> {
    options: CallFeatureOptions,
    sentiment: Option<&'a dyn SentimentAnalyzer>,
}

impl<'a> CallFeatureExtractor<'a> {
    /// An extractor without sentiment features.
    pub fn new(options: CallFeatureOptions) -> Self {
        Self {
            options,
            sentiment: None,
        }
    }

    /// Adds the [`SENTIMENT_FEATURES`], scored by `analyzer`, to [`FeatureSet::Full`].
    pub fn with_sentiment(mut self, analyzer: &'a dyn SentimentAnalyzer) -> Self {
        self.sentiment = Some(analyzer);
        self
    }

    /// The options in use.
    pub fn options(&self) -> &CallFeatureOptions {
        &self.options
    }

    /// The features of `set` with this extractor, in column order.
    pub fn features(&self, set: FeatureSet) -> Vec<FeatureDoc> {
        let mut features = CONTEXT_FEATURES.to_vec();
        if set == FeatureSet::Full {
            features.extend_from_slice(CONVERSATION_FEATURES);
            if self.sentiment.is_some() {
                features.extend_from_slice(SENTIMENT_FEATURES);
            }
        }
        features
    }

    /// The schema of the tables [`CallFeatureExtractor::extract`] returns for `set`.
    pub fn schema(&self, set: FeatureSet) -> Schema {
        Schema {
            columns: self
                .features(set)
                .into_iter()
                .map(|(name, kind, _)| Column {
                    name: name.to_owned(),
                    kind,
                })
                .collect(),
        }
    }

    /// One row per call, in the order given. Fails only when the sentiment analyzer fails.
    pub fn extract(&self, calls: &[TranscribedCall], set: FeatureSet) -> Result<Table> {
        let history = self.history(calls);
        let mut rows = Vec::with_capacity(calls.len());
        for (call, history) in calls.iter().zip(history) {
            let mut row = self.context(call, history);
            if set == FeatureSet::Full {
                row.extend(self.conversation(call));
                if let Some(analyzer) = self.sentiment {
                    row.extend(sentiment_trajectory(call, analyzer)?);
                }
            }
            rows.push(row);
        }
        Table::new(self.schema(set), rows)
    }

    fn context(&self, tc: &TranscribedCall, history: History) -> Vec<Cell> {
        let call = &tc.call;
        let local = call.started_at.with_timezone(&self.options.timezone);
        let hour = local.hour() as f64 + local.minute() as f64 / 60.0;
        let category = |s: &str| Cell::Category(s.to_owned());
        vec![
            Cell::Number(hour),
            Cell::Number(local.weekday().num_days_from_monday() as f64),
            call.queue.as_deref().map_or(Cell::Missing, category),
            category(call.channel.as_str()),
            category(match call.direction {
                crate::model::Direction::Inbound => "inbound",
                crate::model::Direction::Outbound => "outbound",
            }),
            history
                .agent_prior_calls
                .map_or(Cell::Missing, |n| Cell::Number(n as f64)),
            Cell::Number(history.customer_prior_calls as f64),
            Cell::Number(history.customer_prior_escalations as f64),
            Cell::Number(history.customer_prior_unresolved as f64),
            history
                .days_since_last_call
                .map_or(Cell::Missing, Cell::Number),
        ]
    }

    /// History features per call, in input order.
    fn history(&self, calls: &[TranscribedCall]) -> Vec<History> {
        let mut order: Vec<usize> = (0..calls.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&calls[a].call, &calls[b].call);
            a.started_at
                .cmp(&b.started_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        let window = chrono::TimeDelta::days(self.options.history_days as i64);
        let mut agent_calls: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        let mut customer_calls: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        let mut result = vec![History::default(); calls.len()];
        for index in order {
            let call = &calls[index].call;
            let start = call.started_at;
            let mut history = History::default();
            if let Some(agent) = &call.agent_id {
                let seen = agent_calls.entry((&call.tenant, agent)).or_default();
                history.agent_prior_calls = Some(seen.len());
                let (mut served, mut resolved) = (0usize, 0usize);
                for &e in seen.iter() {
                    let prior = &calls[e].call;
                    if prior.ended_at.is_some_and(|end| end <= start) {
                        match prior.outcome {
                            Some(CallOutcome::Resolved) => {
                                (served, resolved) = (served + 1, resolved + 1)
                            }
                            Some(CallOutcome::Unresolved | CallOutcome::FollowUp) => served += 1,
                            _ => {}
                        }
                    }
                }
                history.agent_resolution_rate =
                    (served > 0).then(|| resolved as f64 / served as f64);
                seen.push(index);
            }
            let earlier = customer_calls
                .entry((&call.tenant, &call.customer_id))
                .or_default();
            if let Some(&last) = earlier.last() {
                history.days_since_last_call =
                    Some((start - calls[last].call.started_at).num_seconds() as f64 / 86_400.0);
            }
            for &e in earlier.iter().rev() {
                let prior = &calls[e].call;
                if start - prior.started_at > window {
                    break;
                }
                history.customer_prior_calls += 1;
                if prior.ended_at.is_some_and(|end| end <= start) {
                    history.customer_prior_escalations += prior.escalated as usize;
                    history.customer_prior_unresolved += matches!(
                        prior.outcome,
                        Some(
                            CallOutcome::Unresolved
                                | CallOutcome::Abandoned
                                | CallOutcome::FollowUp
                        )
                    ) as usize;
                }
            }
            earlier.push(index);
            result[index] = history;
        }
        result
    }

    fn conversation(&self, tc: &TranscribedCall) -> Vec<Cell> {
        let utterances = &tc.utterances;
        let mut talk = [0u64; 3];
        let mut silence_total = 0u64;
        let mut silence_max = 0u64;
        let mut interruptions = 0usize;
        let mut latest_end: Option<u64> = None;
        let mut previous: Option<&crate::model::Utterance> = None;
        for u in utterances {
            let spoken = u.end_ms.saturating_sub(u.start_ms);
            talk[match u.speaker {
                Speaker::Customer => 0,
                Speaker::Agent => 1,
                Speaker::Bot => 2,
            }] += spoken;
            let silence = match (
                u.voice.as_ref().and_then(|v| v.silence_before_ms),
                latest_end,
            ) {
                (Some(ms), _) => ms,
                (None, Some(end)) => u.start_ms.saturating_sub(end),
                (None, None) => 0,
            };
            silence_total += silence;
            silence_max = silence_max.max(silence);
            let flagged = u.voice.as_ref().is_some_and(|v| v.interruption);
            let overlaps =
                previous.is_some_and(|p| p.speaker != u.speaker && u.start_ms < p.end_ms);
            interruptions += (flagged || overlaps) as usize;
            latest_end = Some(latest_end.map_or(u.end_ms, |e| e.max(u.end_ms)));
            previous = Some(u);
        }
        let total_talk: u64 = talk.iter().sum();
        vec![
            tc.call.duration_secs().map_or(Cell::Missing, Cell::Number),
            Cell::Number(utterances.len() as f64),
            if total_talk == 0 {
                Cell::Missing
            } else {
                Cell::Number(talk[0] as f64 / total_talk as f64)
            },
            Cell::Number(silence_total as f64 / 1000.0),
            Cell::Number(silence_max as f64 / 1000.0),
            Cell::Number(interruptions as f64),
            Cell::Number(repetitions(tc, self.options.repetition_threshold) as f64),
            Cell::Number(topic_changes(tc) as f64),
        ]
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct History {
    agent_prior_calls: Option<usize>,
    agent_resolution_rate: Option<f64>,
    customer_prior_calls: usize,
    customer_prior_escalations: usize,
    customer_prior_unresolved: usize,
    days_since_last_call: Option<f64>,
}

/// Lower-cased alphanumeric words of `text`.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
}

fn repetitions(tc: &TranscribedCall, threshold: f64) -> usize {
    let mut earlier: Vec<HashSet<String>> = Vec::new();
    let mut count = 0;
    for u in tc
        .utterances
        .iter()
        .filter(|u| u.speaker == Speaker::Customer)
    {
        let set: HashSet<String> = words(&u.text).collect();
        if set.len() < 3 {
            continue;
        }
        let repeated = earlier.iter().any(|e| jaccard(e, &set) > threshold);
        count += repeated as usize;
        earlier.push(set);
    }
    count
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let shared = a.intersection(b).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

const STOP_WORDS: &[&str] = &[
    "about", "also", "been", "call", "calling", "could", "does", "doing", "from", "have", "hello",
    "here", "into", "just", "know", "like", "need", "okay", "please", "really", "right", "some",
    "sure", "thank", "thanks", "that", "that's", "them", "then", "there", "they", "this", "want",
    "well", "were", "what", "when", "will", "with", "would", "yeah", "your", "you're",
];

fn topic_changes(tc: &TranscribedCall) -> usize {
    let mut said: HashSet<String> = HashSet::new();
    let mut customer_turns = 0;
    let mut changes = 0;
    for u in &tc.utterances {
        let content: HashSet<String> = words(&u.text)
            .filter(|w| w.chars().count() >= 4 && !STOP_WORDS.contains(&w.as_str()))
            .collect();
        if u.speaker == Speaker::Customer {
            if customer_turns > 0 && content.len() >= 3 && content.is_disjoint(&said) {
                changes += 1;
            }
            customer_turns += 1;
        }
        said.extend(content);
    }
    changes
}

fn sentiment_trajectory(
    tc: &TranscribedCall,
    analyzer: &dyn SentimentAnalyzer,
) -> Result<Vec<Cell>> {
    let texts: Vec<&str> = tc
        .utterances
        .iter()
        .filter(|u| u.speaker == Speaker::Customer && !u.text.trim().is_empty())
        .map(|u| u.text.as_str())
        .collect();
    if texts.is_empty() {
        return Ok(vec![Cell::Missing; SENTIMENT_FEATURES.len()]);
    }
    let scores: Vec<f64> = analyzer
        .analyze_batch(&texts)?
        .iter()
        .map(|s| s.score)
        .collect();
    let third = scores.len().div_ceil(3);
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let start = mean(&scores[..third]);
    let end = mean(&scores[scores.len() - third..]);
    Ok(vec![
        Cell::Number(mean(&scores)),
        Cell::Number(scores.iter().copied().fold(f64::INFINITY, f64::min)),
        Cell::Number(start),
        Cell::Number(end),
        Cell::Number(end - start),
    ])
}
