//! The analysis report: per-tenant and overall contact-center metrics over a
//! time range, as a serializable [`Report`] (written as pretty JSON) and as a
//! self-contained HTML page ([`render_html`]) that opens offline.
//!
//! The report is organised in sections: every scope (one tenant, or all
//! tenants together) carries the same [`ScopeMetrics`], one field per topic
//! (calls, customers, conversation, volume, activity). A new analysis adds a
//! field there, on [`TenantReport`] (per-tenant sections such as patterns and insights) or on
//! [`Report`] (journeys, forecast, sentiment), and one section renderer in the
//! HTML module.
//!
//! ```
//! use aybiza_analytics::{MemoryStore, Store, TimeRange};
//! use aybiza_analytics::model::ingest::IngestLimits;
//! use aybiza_analytics::report::{build_report, render_html, ReportOptions};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let store = MemoryStore::new();
//! let line = r#"{"type":"call","id":"c1","tenant":"acme","customer_id":"u1","channel":"voice","direction":"inbound","started_at":"2026-01-05T09:00:00Z","ended_at":"2026-01-05T09:04:00Z","outcome":"resolved"}"#;
//! store.ingest_jsonl(line.as_bytes(), &IngestLimits::default()).await.unwrap();
//! let report = build_report(&store, TimeRange::all(), &ReportOptions::default(), &|_| {})
//!     .await
//!     .unwrap();
//! assert_eq!(report.overall.metrics.calls.total, 1);
//! assert_eq!(report.tenants[0].metrics.calls.handle_time.mean_secs, Some(240.0));
//! let page = render_html(&report);
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! # });
//! ```

pub mod agents;
mod charts;
mod forecast;
mod format;
mod html;
pub mod insights;
pub mod journeys;
pub mod patterns;
pub mod sentiment;
mod tally;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::model::TimeRange;
use crate::store::Store;
use crate::{Error, Result};

pub use forecast::{
    DailyStaffing, FlaggedAnomaly, ForecastSection, HourlyForecast, TenantForecast,
};
pub use html::render_html;
use tally::ScopeTally;

/// Version of the report's JSON layout; raised when a field changes meaning or is removed.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// The complete analysis report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Layout version of this document ([`REPORT_FORMAT_VERSION`] when written by this build).
    pub format_version: u32,
    /// When the report was built.
    pub generated_at: DateTime<Utc>,
    /// The period the report covers.
    pub period: ReportPeriod,
    /// Every tenant together.
    pub overall: OverallReport,
    /// One entry per tenant, ordered by tenant id.
    pub tenants: Vec<TenantReport>,
    /// Journey analysis of every tenant with journey events, ordered by tenant id.
    #[serde(default)]
    pub journeys: Vec<journeys::TenantJourneys>,
    /// Call-volume forecast, staffing and anomalies per tenant (absent in older reports).
    #[serde(default)]
    pub forecast: Option<ForecastSection>,
    /// Customer sentiment and live-rule hits over every tenant (absent in reports written before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<sentiment::SentimentSection>,
}

impl Report {
    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Writes `report.json` and `report.html` into `dir`, creating the directory when needed.
    pub fn write_to_dir(&self, dir: &Path) -> Result<ReportPaths> {
        std::fs::create_dir_all(dir)?;
        let paths = ReportPaths {
            json: dir.join("report.json"),
            html: dir.join("report.html"),
        };
        std::fs::write(&paths.json, self.to_json_pretty()?)?;
        std::fs::write(&paths.html, render_html(self))?;
        Ok(paths)
    }
}

/// Where [`Report::write_to_dir`] put the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPaths {
    /// The JSON document.
    pub json: PathBuf,
    /// The HTML page.
    pub html: PathBuf,
}

/// The period a report covers: the requested range and the calls actually found in it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReportPeriod {
    /// Requested start (inclusive); `None` when the range has no lower bound.
    pub start: Option<DateTime<Utc>>,
    /// Requested end (exclusive); `None` when the range has no upper bound.
    pub end: Option<DateTime<Utc>>,
    /// Start of the earliest call in the period, over every tenant.
    pub first_call_at: Option<DateTime<Utc>>,
    /// Start of the latest call in the period, over every tenant.
    pub last_call_at: Option<DateTime<Utc>>,
}

/// Metrics of every tenant together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverallReport {
    /// Tenants in the report.
    pub tenants: u64,
    /// Tenants with at least one call in the period.
    pub tenants_with_calls: u64,
    /// The metrics over all tenants' records. Hour, weekday and daily views are in UTC;
    /// customers are counted per tenant (the same customer id at two tenants is two customers).
    pub metrics: ScopeMetrics,
}

/// Metrics of one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantReport {
    /// Tenant id.
    pub tenant_id: String,
    /// Display name from the tenant record, when one was ingested.
    pub name: Option<String>,
    /// The tenant's metrics.
    pub metrics: ScopeMetrics,
    /// Call patterns (groups, escalation triggers, repeat callers, automation candidates), when computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patterns: Option<patterns::PatternsSection>,
    /// Insights of the tenant's last week of calls; `None` without calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insights: Option<insights::InsightsSection>,
    /// The agents of the tenant's calls; `None` when no call names an agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<agents::AgentsSection>,
}

impl TenantReport {
    /// The name to show: the tenant record's name, or the id when there is none.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.tenant_id)
    }
}

/// Every section of the report for one scope (a tenant, or all tenants).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeMetrics {
    /// Call counts, handle time, rates and satisfaction.
    pub calls: CallMetrics,
    /// Distinct customers and repeat callers.
    pub customers: CustomerMetrics,
    /// Transcript size.
    pub conversation: ConversationMetrics,
    /// When calls happen.
    pub volume: VolumeMetrics,
    /// Journey events and metric samples.
    pub activity: ActivityMetrics,
}

/// A count under a label (an outcome, queue, channel, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabeledCount {
    /// What is counted.
    pub label: String,
    /// How many.
    pub count: u64,
}

/// A share `count / of`; `value` is `None` when `of` is zero.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// The numerator.
    pub count: u64,
    /// The denominator.
    pub of: u64,
    /// `count / of` in [0, 1], or `None` when there is nothing to divide by.
    pub value: Option<f64>,
}

impl Rate {
    /// The share `count / of`.
    pub fn new(count: u64, of: u64) -> Self {
        let value = (of > 0).then(|| count as f64 / of as f64);
        Self { count, of, value }
    }
}

/// Call counts and call-level KPIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallMetrics {
    /// Calls that started in the period.
    pub total: u64,
    /// Calls per outcome, every outcome listed, in [`crate::CallOutcome::ALL`] order.
    pub by_outcome: Vec<LabeledCount>,
    /// Calls without a recorded outcome (live or unknown).
    pub without_outcome: u64,
    /// Calls per queue, most calls first (ties by name).
    pub by_queue: Vec<LabeledCount>,
    /// Calls not routed to a queue.
    pub without_queue: u64,
    /// Calls per channel that had calls, most calls first (ties by name).
    pub by_channel: Vec<LabeledCount>,
    /// Calls per direction: `inbound`, then `outbound`.
    pub by_direction: Vec<LabeledCount>,
    /// Handle time of the calls that have ended.
    pub handle_time: HandleTime,
    /// Resolved calls among calls with a known outcome.
    pub resolution_rate: Rate,
    /// Abandoned calls among calls with a known outcome.
    pub abandonment_rate: Rate,
    /// Escalated calls among all calls.
    pub escalation_rate: Rate,
    /// Transferred calls among all calls.
    pub transfer_rate: Rate,
    /// Survey scores.
    pub satisfaction: Satisfaction,
}

/// Handle time (start to end) of the calls that have an end time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HandleTime {
    /// Calls with an end time, the basis of the averages.
    pub calls: u64,
    /// Mean duration in seconds.
    pub mean_secs: Option<f64>,
    /// Median duration in seconds (mean of the two middle values for an even count).
    pub median_secs: Option<f64>,
}

/// Customer satisfaction survey results.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// Calls with a survey score.
    pub surveyed: u64,
    /// Mean score on the 1–5 scale.
    pub mean: Option<f64>,
}

/// Customers who called in the period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CustomerMetrics {
    /// Distinct customers with at least one call.
    pub customers: u64,
    /// Customers with more than one call, among all customers.
    pub repeat_callers: Rate,
}

/// Transcript size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationMetrics {
    /// Utterances of the period's calls.
    pub utterances: u64,
    /// Utterances per speaker: `agent`, `customer`, `bot`.
    pub by_speaker: Vec<LabeledCount>,
    /// Calls with at least one utterance.
    pub calls_with_transcript: u64,
    /// Mean utterances per call, over calls with a transcript.
    pub mean_turns_per_call: Option<f64>,
}

/// Where the hour-of-day, weekday and daily views take their local time from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimezoneSource {
    /// The tenant record's IANA time zone.
    Tenant,
    /// UTC, because the tenant record names no time zone (or there is no tenant record).
    UtcDefault,
    /// UTC, because the tenant record's time zone is not a known IANA name.
    UtcFallback,
    /// UTC, because the scope spans tenants that may be in different zones.
    UtcOverall,
}

/// The time zone used for local-time views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTimezone {
    /// The IANA name used (`UTC` unless taken from the tenant).
    pub name: String,
    /// Why this zone was used.
    pub source: TimezoneSource,
    /// The tenant's time zone when it was not recognised and UTC was used instead.
    pub unrecognized: Option<String>,
}

impl ReportTimezone {
    /// The zone for a tenant whose record names `timezone` (or none).
    fn for_tenant(timezone: Option<&str>) -> (Self, Tz) {
        match timezone {
            None => (Self::utc(TimezoneSource::UtcDefault, None), Tz::UTC),
            Some(name) => match name.parse::<Tz>() {
                Ok(tz) => (
                    Self {
                        name: tz.name().to_owned(),
                        source: TimezoneSource::Tenant,
                        unrecognized: None,
                    },
                    tz,
                ),
                Err(_) => (
                    Self::utc(TimezoneSource::UtcFallback, Some(name.to_owned())),
                    Tz::UTC,
                ),
            },
        }
    }

    fn utc(source: TimezoneSource, unrecognized: Option<String>) -> Self {
        Self {
            name: "UTC".to_owned(),
            source,
            unrecognized,
        }
    }
}

/// When calls start, in local time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolumeMetrics {
    /// The zone used for every view below.
    pub timezone: ReportTimezone,
    /// Calls per hour of day, index 0 = 00:00–00:59.
    pub by_hour: [u64; 24],
    /// Calls per day of week, index 0 = Monday.
    pub by_weekday: [u64; 7],
    /// Calls per day of week (rows, Monday first) and hour (columns).
    pub by_weekday_hour: [[u64; 24]; 7],
    /// Calls per local date, from the first to the last day with calls.
    pub daily: Vec<DailyCount>,
    /// Whether `daily` lists every day of that span (days without calls as 0); `false` when the
    /// span was longer than [`ReportOptions::max_daily_points`] and only days with calls are listed.
    pub daily_gaps_filled: bool,
}

/// Calls on one local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyCount {
    /// The date.
    pub date: NaiveDate,
    /// Calls that started on it.
    pub calls: u64,
}

/// Non-call records in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityMetrics {
    /// Journey events in the period.
    pub journey_events: u64,
    /// Journey events per channel, most first (ties by name).
    pub journey_events_by_channel: Vec<LabeledCount>,
    /// Metric samples in the period.
    pub metric_samples: u64,
    /// Metric samples per metric name, most first (ties by name).
    pub metric_samples_by_metric: Vec<LabeledCount>,
}

/// What to include in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOptions {
    /// Only these tenants (reported sorted by id); `None` for every tenant in the store.
    pub tenants: Option<Vec<String>>,
    /// Longest daily series filled with zero days; longer spans list only days with calls.
    pub max_daily_points: usize,
    /// Add the patterns section (batch discovery per tenant; needs the `patterns` feature, ignored without).
    pub patterns: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            tenants: None,
            max_daily_points: 3_660,
            patterns: false,
        }
    }
}

/// Progress of [`build_report`], for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportProgress {
    /// The tenants to process are known.
    Started {
        /// How many tenants will be processed.
        tenants: usize,
    },
    /// A tenant's records are being loaded and summarised.
    TenantStarted {
        /// Position of the tenant, from 0.
        index: usize,
        /// Tenant id.
        tenant: String,
    },
    /// A tenant is done.
    TenantFinished {
        /// Position of the tenant, from 0.
        index: usize,
        /// Tenant id.
        tenant: String,
        /// Calls of the tenant in the period.
        calls: u64,
    },
    /// Every tenant is done.
    Finished,
}

/// Builds the report for `range` from `store`, calling `progress` as tenants are processed.
///
/// Fails with [`Error::InvalidArgument`] when `options` names a tenant the store does not
/// hold, and with the store's error when a query fails.
pub async fn build_report(
    store: &dyn Store,
    range: TimeRange,
    options: &ReportOptions,
    progress: &(dyn Fn(ReportProgress) + Send + Sync),
) -> Result<Report> {
    let known = store.tenant_ids().await?;
    let tenant_ids = match &options.tenants {
        None => known,
        Some(wanted) => select_tenants(&known, wanted)?,
    };
    progress(ReportProgress::Started {
        tenants: tenant_ids.len(),
    });

    let mut overall = ScopeTally::new(Tz::UTC);
    let mut tenants = Vec::with_capacity(tenant_ids.len());
    let mut first_call_at: Option<DateTime<Utc>> = None;
    let mut last_call_at: Option<DateTime<Utc>> = None;
    let mut tenants_with_calls = 0;
    let mut journey_sections = Vec::new();
    let mut forecasts = Vec::with_capacity(tenant_ids.len());
    let mut sentiment = sentiment::SentimentTally::new()?;

    for (index, tenant_id) in tenant_ids.into_iter().enumerate() {
        progress(ReportProgress::TenantStarted {
            index,
            tenant: tenant_id.clone(),
        });
        let (record, calls, utterances, events, samples) = tokio::try_join!(
            store.tenant(&tenant_id),
            store.calls(&tenant_id, range),
            store.utterances(&tenant_id, range),
            store.journey_events(&tenant_id, range),
            store.metrics(&tenant_id, range),
        )?;
        let (timezone, tz) =
            ReportTimezone::for_tenant(record.as_ref().and_then(|t| t.timezone.as_deref()));
        let mut tally = ScopeTally::new(tz);
        for call in &calls {
            tally.add_call(call);
            overall.add_call(call);
        }
        for utterance in &utterances {
            tally.add_utterance(utterance);
            overall.add_utterance(utterance);
        }
        let call_sentiments = sentiment.add_tenant(&tenant_id, &calls, &utterances);
        for event in &events {
            tally.add_journey_event(event);
            overall.add_journey_event(event);
        }
        for sample in &samples {
            tally.add_metric_sample(sample);
            overall.add_metric_sample(sample);
        }
        if let (Some(first), Some(last)) = (calls.first(), calls.last()) {
            tenants_with_calls += 1;
            first_call_at =
                Some(first_call_at.map_or(first.started_at, |t| t.min(first.started_at)));
            last_call_at = Some(last_call_at.map_or(last.started_at, |t| t.max(last.started_at)));
        }
        let journeys_started = std::time::Instant::now();
        journey_sections.extend(journeys::tenant_journeys(&tenant_id, &events)?);
        let journeys_ms = journeys_started.elapsed().as_secs_f64() * 1e3;
        forecasts.push(forecast::tenant_forecast(&tenant_id, &calls, &samples));
        let insights = insights::InsightsSection::compute(&calls, &call_sentiments, &events)?;
        let agents = agents::AgentsSection::compute(&calls)?;
        let metrics = tally.finish(timezone, options.max_daily_points);
        tracing::info!(tenant = %tenant_id, calls = metrics.calls.total, journeys_ms, "tenant summarised");
        progress(ReportProgress::TenantFinished {
            index,
            tenant: tenant_id.clone(),
            calls: metrics.calls.total,
        });
        #[cfg(feature = "patterns")]
        let patterns = if options.patterns {
            let transcribed = crate::patterns::TranscribedCall::join(calls, utterances);
            Some(patterns::PatternsSection::compute(&transcribed, &[])?)
        } else {
            None
        };
        #[cfg(not(feature = "patterns"))]
        let patterns = None;
        tenants.push(TenantReport {
            tenant_id,
            name: record.map(|t| t.name),
            metrics,
            patterns,
            insights,
            agents,
        });
    }

    let report = Report {
        format_version: REPORT_FORMAT_VERSION,
        generated_at: Utc::now(),
        period: ReportPeriod {
            start: (range.start != DateTime::<Utc>::MIN_UTC).then_some(range.start),
            end: (range.end != DateTime::<Utc>::MAX_UTC).then_some(range.end),
            first_call_at,
            last_call_at,
        },
        overall: OverallReport {
            tenants: tenants.len() as u64,
            tenants_with_calls,
            metrics: overall.finish(
                ReportTimezone::utc(TimezoneSource::UtcOverall, None),
                options.max_daily_points,
            ),
        },
        tenants,
        journeys: journey_sections,
        forecast: Some(ForecastSection { tenants: forecasts }),
        sentiment: Some(sentiment.finish()),
    };
    progress(ReportProgress::Finished);
    Ok(report)
}

/// The requested tenants, sorted and deduplicated; an unknown id is an error.
fn select_tenants(known: &[String], wanted: &[String]) -> Result<Vec<String>> {
    let mut selected = Vec::with_capacity(wanted.len());
    for id in wanted {
        if known.binary_search(id).is_err() {
            return Err(Error::InvalidArgument(format!(
                "tenant `{id}` has no records in the store"
            )));
        }
        selected.push(id.clone());
    }
    selected.sort();
    selected.dedup();
    Ok(selected)
}
