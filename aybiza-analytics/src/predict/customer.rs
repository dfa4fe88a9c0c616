//! Per-customer history features for churn and upsell propensity.
//!
//! A snapshot is taken at an instant `as_of`: only calls that started and
//! journey events that happened strictly before it are read, so labels taken
//! from what happens after `as_of` (a cancellation, an upgrade) do not leak
//! into the features. Train a [`super::Classifier`] on the snapshot with those
//! labels; its positive-class probability is the propensity.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::calls::FeatureDoc;
use super::table::{Cell, Column, ColumnKind, Schema, Table};
use crate::Result;
use crate::model::{Call, CallOutcome, JourneyEvent};

/// A customer of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CustomerKey {
    /// Owning tenant.
    pub tenant: String,
    /// The customer's id.
    pub customer_id: String,
}

/// The customer features, in column order.
pub const CUSTOMER_FEATURES: &[FeatureDoc] = &[
    ("calls", ColumnKind::Numeric, "calls before as_of"),
    (
        "recent_calls",
        ColumnKind::Numeric,
        "calls in the recent window (default 7 days) before as_of",
    ),
    (
        "unresolved_calls",
        ColumnKind::Numeric,
        "calls that ended unresolved or as follow-up",
    ),
    (
        "abandoned_calls",
        ColumnKind::Numeric,
        "calls abandoned in queue",
    ),
    ("escalated_calls", ColumnKind::Numeric, "escalated calls"),
    (
        "transferred_calls",
        ColumnKind::Numeric,
        "transferred calls",
    ),
    (
        "mean_satisfaction",
        ColumnKind::Numeric,
        "mean survey score (missing without surveys)",
    ),
    (
        "min_satisfaction",
        ColumnKind::Numeric,
        "lowest survey score (missing without surveys)",
    ),
    (
        "mean_call_duration_secs",
        ColumnKind::Numeric,
        "mean duration of ended calls (missing without any)",
    ),
    (
        "days_since_last_call",
        ColumnKind::Numeric,
        "days from the last call's start to as_of (missing without calls)",
    ),
    ("events", ColumnKind::Numeric, "journey events before as_of"),
    (
        "recent_events",
        ColumnKind::Numeric,
        "journey events in the recent window",
    ),
    (
        "event_channels",
        ColumnKind::Numeric,
        "distinct channels of those events",
    ),
    (
        "event_actions",
        ColumnKind::Numeric,
        "distinct actions of those events",
    ),
    (
        "support_contacts",
        ColumnKind::Numeric,
        "events on the voice or chat channel",
    ),
    (
        "mean_event_sentiment",
        ColumnKind::Numeric,
        "mean sentiment of events that carry one (missing without any)",
    ),
    (
        "min_event_sentiment",
        ColumnKind::Numeric,
        "lowest event sentiment (missing without any)",
    ),
    (
        "negative_events",
        ColumnKind::Numeric,
        "events with sentiment at or below the negative threshold (default −0.3)",
    ),
    (
        "event_value",
        ColumnKind::Numeric,
        "sum of event values (purchases, upgrades)",
    ),
    (
        "days_since_last_event",
        ColumnKind::Numeric,
        "days from the last event to as_of (missing without events)",
    ),
    (
        "days_since_first_event",
        ColumnKind::Numeric,
        "days from the first event to as_of (missing without events)",
    ),
];

/// Settings of customer feature extraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerFeatureOptions {
    /// Length of the recent window in days.
    pub recent_days: u32,
    /// Event sentiment at or below which an event counts as negative.
    pub negative_sentiment: f64,
}

impl Default for CustomerFeatureOptions {
    /// A 7-day recent window, negative at −0.3 or below.
    fn default() -> Self {
        Self {
            recent_days: 7,
            negative_sentiment: -0.3,
        }
    }
}

/// Builds per-customer feature snapshots.
#[derive(Debug, Clone, Default)]
pub struct CustomerFeatureExtractor {
    options: CustomerFeatureOptions,
}

impl CustomerFeatureExtractor {
    /// An extractor with `options`.
    pub fn new(options: CustomerFeatureOptions) -> Self {
        Self { options }
    }

    /// The schema of the snapshots.
    pub fn schema(&self) -> Schema {
        Schema {
            columns: CUSTOMER_FEATURES
                .iter()
                .map(|(name, kind, _)| Column {
                    name: (*name).to_owned(),
                    kind: *kind,
                })
                .collect(),
        }
    }

    /// Every customer with a call or journey event before `as_of`, sorted.
    pub fn customers_before(
        calls: &[Call],
        events: &[JourneyEvent],
        as_of: DateTime<Utc>,
    ) -> Vec<CustomerKey> {
        let mut keys = BTreeSet::new();
        for call in calls.iter().filter(|c| c.started_at < as_of) {
            keys.insert(key(&call.tenant, &call.customer_id));
        }
        for event in events.iter().filter(|e| e.timestamp < as_of) {
            keys.insert(key(&event.tenant, &event.customer_id));
        }
        keys.into_iter().collect()
    }

    /// One row per customer in `customers` (in that order) from the calls and events before `as_of`.
    pub fn extract(
        &self,
        customers: &[CustomerKey],
        calls: &[Call],
        events: &[JourneyEvent],
        as_of: DateTime<Utc>,
    ) -> Result<Table> {
        // A window reaching past the calendar's start (only from a hand-edited model file) takes all history.
        let recent = as_of
            .checked_sub_signed(chrono::TimeDelta::days(i64::from(self.options.recent_days)))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let days = |t: DateTime<Utc>| (as_of - t).num_seconds() as f64 / 86_400.0;
        let mut calls_by: HashMap<(&str, &str), Vec<&Call>> = HashMap::new();
        for call in calls.iter().filter(|c| c.started_at < as_of) {
            calls_by
                .entry((&call.tenant, &call.customer_id))
                .or_default()
                .push(call);
        }
        let mut events_by: HashMap<(&str, &str), Vec<&JourneyEvent>> = HashMap::new();
        for event in events.iter().filter(|e| e.timestamp < as_of) {
            events_by
                .entry((&event.tenant, &event.customer_id))
                .or_default()
                .push(event);
        }
        let number = |v: f64| Cell::Number(v);
        let optional = |v: Option<f64>| v.map_or(Cell::Missing, Cell::Number);
        let mut rows = Vec::with_capacity(customers.len());
        for customer in customers {
            let k = (customer.tenant.as_str(), customer.customer_id.as_str());
            let calls = calls_by.get(&k).map_or(&[][..], Vec::as_slice);
            let events = events_by.get(&k).map_or(&[][..], Vec::as_slice);
            let count = |f: &dyn Fn(&Call) -> bool| calls.iter().filter(|c| f(c)).count() as f64;
            let surveys: Vec<f64> = calls.iter().filter_map(|c| c.satisfaction).collect();
            let durations: Vec<f64> = calls.iter().filter_map(|c| c.duration_secs()).collect();
            let sentiments: Vec<f64> = events.iter().filter_map(|e| e.sentiment).collect();
            let channels: HashSet<&str> = events.iter().map(|e| e.channel.as_str()).collect();
            let actions: HashSet<&str> = events.iter().map(|e| e.action.as_str()).collect();
            rows.push(vec![
                number(calls.len() as f64),
                number(count(&|c| c.started_at >= recent)),
                number(count(&|c| {
                    matches!(
                        c.outcome,
                        Some(CallOutcome::Unresolved | CallOutcome::FollowUp)
                    )
                })),
                number(count(&|c| c.outcome == Some(CallOutcome::Abandoned))),
                number(count(&|c| c.escalated)),
                number(count(&|c| c.transferred)),
                optional(mean(&surveys)),
                optional(surveys.iter().copied().reduce(f64::min)),
                optional(mean(&durations)),
                optional(calls.iter().map(|c| c.started_at).max().map(days)),
                number(events.len() as f64),
                number(events.iter().filter(|e| e.timestamp >= recent).count() as f64),
                number(channels.len() as f64),
                number(actions.len() as f64),
                number(
                    events
                        .iter()
                        .filter(|e| e.channel == "voice" || e.channel == "chat")
                        .count() as f64,
                ),
                optional(mean(&sentiments)),
                optional(sentiments.iter().copied().reduce(f64::min)),
                number(
                    sentiments
                        .iter()
                        .filter(|&&s| s <= self.options.negative_sentiment)
                        .count() as f64,
                ),
                number(events.iter().filter_map(|e| e.value).sum()),
                optional(events.iter().map(|e| e.timestamp).max().map(days)),
                optional(events.iter().map(|e| e.timestamp).min().map(days)),
            ]);
        }
        Table::new(self.schema(), rows)
    }
}

fn key(tenant: &str, customer: &str) -> CustomerKey {
    CustomerKey {
        tenant: tenant.to_owned(),
        customer_id: customer.to_owned(),
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}
