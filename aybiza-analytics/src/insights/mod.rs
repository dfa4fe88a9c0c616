//! Insights with impact scores: the [`InsightGenerator`] seam and its default, offline
//! implementation [`StatisticalInsights`] (`docs/insights.md`): changes against the previous
//! period and segments (queues, channels, agents) that differ from the rest, each backed by a
//! significance test with the false discovery rate controlled over the whole run;
//! [`InsightScheduler`] runs it on cron schedules (daily, weekly) and [`LiveInsights`] watches
//! streams of ended calls and journey events for metrics that turn in the last hour.

mod live;
mod schedule;
mod statistical;
#[cfg(test)]
mod test_draws;

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::model::TimeRange;
use crate::store::Store;

pub use live::{LiveInsight, LiveInsightOptions, LiveInsightState, LiveInsights, LiveRecord};
pub use schedule::{InsightRun, InsightSchedule, InsightScheduler, RunWindow, SchedulerState};
pub use statistical::{
    CallSentiments, InsightOptions, PeriodRecords, SegmentDimension, StatisticalInsights,
    insights_from_records,
};

/// What an insight compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsightKind {
    /// A metric of the period against the previous period of equal length.
    PeriodChange,
    /// A segment's metric against the rest of the period's calls.
    SegmentOutlier,
    /// A metric over the latest window of a live stream against the baseline before it
    /// ([`LiveInsights`]).
    LiveChange,
}

/// The calls an insight is about: one value of one dimension (for example queue `billing`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Segment {
    /// The dimension (`queue`, `channel` or `agent`).
    pub dimension: SegmentDimension,
    /// Its value.
    pub value: String,
}

/// One insight about a tenant's calls, ranked by impact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    /// What is compared.
    pub kind: InsightKind,
    /// The metric the insight is about (`volume`, `escalation_rate`, `resolution_rate`, …).
    pub category: String,
    /// The segment, for [`InsightKind::SegmentOutlier`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<Segment>,
    /// One-line headline.
    pub title: String,
    /// What was found and the test behind it.
    pub description: String,
    /// Estimated impact in [0, 1], for ranking: the share of the period's calls (or of its
    /// measured total, for means) the difference accounts for.
    pub impact: f64,
    /// The numbers behind the insight, by name (`value`, `reference`, `calls`,
    /// `reference_calls`, `relative_change` (absent when the reference is 0), `statistic`,
    /// `p_value`, `q_value`).
    pub evidence: BTreeMap<String, f64>,
}

/// Generates insights from a tenant's stored data.
#[async_trait]
pub trait InsightGenerator: Send + Sync {
    /// Insights for `tenant` over `range`, highest impact first.
    async fn generate(
        &self,
        store: &dyn Store,
        tenant: &str,
        range: TimeRange,
    ) -> Result<Vec<Insight>>;
}
