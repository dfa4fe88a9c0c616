//! [`StatisticalInsights`]: insights from significance tests over a tenant's calls and
//! customer journeys.
//!
//! Every comparison is a two-sided test: two-proportion z-tests for rates, Welch's t-tests for
//! means and for the volume per day (or per hour, for ranges under four days). The p-values of
//! the whole run are adjusted together (Benjamini–Hochberg), so that at most
//! [`InsightOptions::false_discovery_rate`] of the reported insights are expected to be chance.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use distrs::StudentsT;
use serde::{Deserialize, Serialize};

use super::{Insight, InsightGenerator, InsightKind, Segment};
use crate::forecast::normal_cdf;
use crate::journey::tracker::JourneyConfig;
use crate::model::{Call, CallOutcome, JourneyEvent, Speaker, TimeRange, Utterance};
use crate::sentiment::{HybridSentimentAnalyzer, Sentiment, SentimentAnalyzer, customer_score};
use crate::store::Store;
use crate::{Error, Result};

/// A dimension calls are segmented by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentDimension {
    /// The queue or skill.
    Queue,
    /// The channel (voice, chat, …).
    Channel,
    /// The handling agent.
    Agent,
}

impl SegmentDimension {
    /// The dimension's name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentDimension::Queue => "queue",
            SegmentDimension::Channel => "channel",
            SegmentDimension::Agent => "agent",
        }
    }

    /// The call's value in this dimension, if it has one.
    pub(super) fn of(self, call: &Call) -> Option<&str> {
        match self {
            SegmentDimension::Queue => call.queue.as_deref(),
            SegmentDimension::Channel => Some(call.channel.as_str()),
            SegmentDimension::Agent => call.agent_id.as_deref(),
        }
    }
}

/// Settings of [`StatisticalInsights`]; missing fields take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsightOptions {
    /// Expected share of chance findings among the reported ones (Benjamini–Hochberg), in (0, 1).
    pub false_discovery_rate: f64,
    /// Fewest measured calls on each side of a comparison (the tests' normal approximations
    /// need them).
    pub min_calls: usize,
    /// Smallest relative difference worth reporting (0.1: 10% above or below the reference);
    /// large tenants make tiny differences significant.
    pub min_relative_change: f64,
    /// Smallest difference of customer sentiment worth reporting, on its scale [-1, 1] (its
    /// reference is often near 0, where a relative difference means little).
    pub min_sentiment_change: f64,
    /// Most insights returned, highest impact first.
    pub max_insights: usize,
    /// The dimensions whose segments are compared with the rest (journeys by the channel of
    /// their first event).
    pub segment_by: Vec<SegmentDimension>,
    /// How journeys are cut from journey events: conversion and churn actions, inactivity window.
    pub journey: JourneyConfig,
}

impl Default for InsightOptions {
    /// 5% false discovery rate, 30 calls (journeys) a side, 10% relative change (0.1 on the
    /// scale for customer sentiment), 20 insights, segments by queue, channel and agent,
    /// [`JourneyConfig::default`] journeys.
    fn default() -> Self {
        Self {
            false_discovery_rate: 0.05,
            min_calls: 30,
            min_relative_change: 0.1,
            min_sentiment_change: 0.1,
            max_insights: 20,
            segment_by: vec![
                SegmentDimension::Queue,
                SegmentDimension::Channel,
                SegmentDimension::Agent,
            ],
            journey: JourneyConfig::default(),
        }
    }
}

impl InsightOptions {
    /// Refuses settings outside their ranges.
    pub fn validate(&self) -> Result<()> {
        let fdr = self.false_discovery_rate;
        if !(fdr > 0.0 && fdr < 1.0) {
            return Err(Error::InvalidArgument(format!(
                "false_discovery_rate must be in (0, 1), got {fdr}"
            )));
        }
        if self.min_calls < 2 {
            return Err(Error::InvalidArgument(format!(
                "min_calls must be at least 2, got {}",
                self.min_calls
            )));
        }
        non_negative("min_relative_change", self.min_relative_change)?;
        non_negative("min_sentiment_change", self.min_sentiment_change)?;
        if self.journey.inactivity_secs <= 0 {
            return Err(Error::InvalidArgument(format!(
                "journey.inactivity_secs must be positive, got {}",
                self.journey.inactivity_secs
            )));
        }
        Ok(())
    }
}

/// Refuses a threshold that is not a finite non-negative number.
pub(super) fn non_negative(name: &str, value: f64) -> Result<()> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "{name} must be a non-negative number, got {value}"
        )))
    }
}

/// The default [`InsightGenerator`]: significance tests over the stored calls, offline.
#[derive(Debug, Clone, Default)]
pub struct StatisticalInsights {
    /// The settings used.
    pub options: InsightOptions,
}

#[async_trait]
impl InsightGenerator for StatisticalInsights {
    /// Reads the calls of `range` and, when the range is bounded, of the period of equal length
    /// before it, scores their customers' utterances with the default
    /// [`HybridSentimentAnalyzer`] ([`CallSentiments::score`]), reads the journey events up to
    /// the end of `range` from the journey inactivity window before the earlier period on
    /// (whether an event of a period begins a journey depends on the customer's events in
    /// that window before it; older ones cannot change it), then runs [`insights_from_records`].
    async fn generate(
        &self,
        store: &dyn Store,
        tenant: &str,
        range: TimeRange,
    ) -> Result<Vec<Insight>> {
        self.options.validate()?;
        if tenant.is_empty() {
            return Err(Error::InvalidArgument("tenant must not be empty".into()));
        }
        let analyzer = HybridSentimentAnalyzer::new()?;
        let current = store.calls(tenant, range).await?;
        let mut sentiments =
            CallSentiments::score(&store.utterances(tenant, range).await?, &analyzer);
        let previous = match range.previous() {
            Some(before) => {
                let utterances = store.utterances(tenant, before).await?;
                sentiments.extend(CallSentiments::score(&utterances, &analyzer));
                Some((before, store.calls(tenant, before).await?))
            }
            None => None,
        };
        let earliest = previous
            .as_ref()
            .map_or(range.start, |(before, _)| before.start);
        let reach = TimeRange {
            start: journeys::reach_before(earliest, &self.options.journey),
            end: range.end,
        };
        let journey_events = store.journey_events(tenant, reach).await?;
        let records = PeriodRecords {
            range,
            calls: &current,
            previous: previous
                .as_ref()
                .map(|(before, calls)| (*before, calls.as_slice())),
            sentiments: &sentiments,
            journey_events: &journey_events,
        };
        insights_from_records(&records, &self.options)
    }
}

/// Each call's customer sentiment, by call id (the calls of one tenant: ids are unique within
/// a tenant): the word-weighted mean score of its customer's utterances ([`customer_score`]),
/// as the report and the analytics tables compute it. Calls whose customer said nothing that
/// was scored have none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallSentiments(HashMap<String, f64>);

impl CallSentiments {
    /// Scores the customer utterances with `analyzer` and aggregates them per call. Utterances
    /// the analyzer refuses (empty or over its length limit) are left out, as in the report.
    pub fn score(utterances: &[Utterance], analyzer: &dyn SentimentAnalyzer) -> Self {
        let mut per_call: HashMap<&str, Vec<(&Utterance, Sentiment)>> = HashMap::new();
        for utterance in utterances {
            if utterance.speaker != Speaker::Customer {
                continue;
            }
            if let Ok(sentiment) = analyzer.analyze(&utterance.text) {
                per_call
                    .entry(&utterance.call_id)
                    .or_default()
                    .push((utterance, sentiment));
            }
        }
        let scores = per_call
            .into_iter()
            .filter_map(|(call, scored)| {
                let score = customer_score(scored.iter().map(|(u, s)| (*u, Some(s))))?;
                Some((call.to_owned(), score))
            })
            .collect();
        Self(scores)
    }

    /// Sets the call's customer sentiment, a score in [-1, 1]; a call with another value (or
    /// NaN) is left out of the comparisons.
    pub fn insert(&mut self, call_id: impl Into<String>, score: f64) {
        self.0.insert(call_id.into(), score);
    }

    /// Adds the scores of `other`.
    pub fn extend(&mut self, other: CallSentiments) {
        self.0.extend(other.0);
    }

    /// The call's customer sentiment, if it has one.
    pub fn get(&self, call_id: &str) -> Option<f64> {
        self.0.get(call_id).copied()
    }

    /// Number of calls with a score.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no call has a score.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The records one run of [`insights_from_records`] compares.
#[derive(Debug, Clone, Copy)]
pub struct PeriodRecords<'a> {
    /// The period.
    pub range: TimeRange,
    /// The period's calls.
    pub calls: &'a [Call],
    /// The period of equal length before it and its calls, for the changes; `None` compares
    /// segments only.
    pub previous: Option<(TimeRange, &'a [Call])>,
    /// The customer sentiment of the calls of both periods (an empty one leaves customer
    /// sentiment out).
    pub sentiments: &'a CallSentiments,
    /// The tenant's journey events up to the end of the period, from `journey.inactivity_secs`
    /// before the earlier period on (whether an event of a period begins a journey depends on
    /// the customer's events in that window before it), in any order; none leaves journeys
    /// out. Older events may be passed too: they are left out.
    pub journey_events: &'a [JourneyEvent],
}

/// Insights from the calls and journeys of a period: segments that differ from the rest and,
/// with a previous period, changes against it; highest impact first.
pub fn insights_from_records(
    records: &PeriodRecords<'_>,
    options: &InsightOptions,
) -> Result<Vec<Insight>> {
    options.validate()?;
    let PeriodRecords {
        range,
        calls,
        previous,
        sentiments,
        journey_events,
    } = *records;
    let previous_range = previous.map(|(before, _)| before);
    let mut findings = journeys::findings(journey_events, range, previous_range, options);
    let value = |metric: Metric, call: &Call| metric.value(call, sentiments);
    if let Some((before, previous_calls)) = previous {
        findings.extend(volume_change(calls, range, previous_calls, before, options));
        for metric in Metric::ALL {
            let current = Sample::of(calls.iter().filter_map(|c| value(metric, c)));
            let reference = Sample::of(previous_calls.iter().filter_map(|c| value(metric, c)));
            findings.extend(Finding::compare(
                InsightKind::PeriodChange,
                metric.measure(),
                None,
                current,
                reference,
                options,
            ));
        }
    }
    for &dimension in &options.segment_by {
        let mut segments: BTreeMap<&str, Vec<&Call>> = BTreeMap::new();
        for call in calls {
            if let Some(value) = dimension.of(call) {
                segments.entry(value).or_default().push(call);
            }
        }
        compared_segments(&mut segments);
        for metric in Metric::ALL {
            let all = Sample::of(calls.iter().filter_map(|c| value(metric, c)));
            for (segment, members) in &segments {
                let inside = Sample::of(members.iter().filter_map(|c| value(metric, c)));
                findings.extend(Finding::compare(
                    InsightKind::SegmentOutlier,
                    metric.measure(),
                    Some(Segment {
                        dimension,
                        value: (*segment).to_owned(),
                    }),
                    inside,
                    all.without(&inside),
                    options,
                ));
            }
        }
    }
    let q_values = benjamini_hochberg(&findings.iter().map(|f| f.p_value).collect::<Vec<_>>());
    let mut insights: Vec<Insight> = findings
        .into_iter()
        .zip(q_values)
        .filter(|(finding, q)| {
            *q <= options.false_discovery_rate
                && large_enough(
                    finding.unit,
                    finding.value,
                    finding.reference,
                    (options.min_relative_change, options.min_sentiment_change),
                )
        })
        .map(|(finding, q)| finding.into_insight(q))
        .collect();
    insights.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then_with(|| a.title.cmp(&b.title))
    });
    insights.truncate(options.max_insights);
    Ok(insights)
}

/// Leaves the segments to compare with the rest: none when there is only one; of two, the
/// smaller (two segments against each other are one comparison; ties keep the later name).
pub(super) fn compared_segments<T>(segments: &mut BTreeMap<&str, Vec<T>>) {
    if segments.len() < 2 {
        segments.clear();
    } else if segments.len() == 2 {
        let larger = segments
            .iter()
            .max_by_key(|(value, members)| (members.len(), std::cmp::Reverse(*value)))
            .map(|(value, _)| *value);
        segments.retain(|value, _| Some(*value) != larger);
    }
}

/// A per-call metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Metric {
    Escalation,
    Transfer,
    Resolution,
    Abandonment,
    HandleTime,
    Satisfaction,
    CustomerSentiment,
}

impl Metric {
    /// Every metric.
    pub(super) const ALL: [Metric; 7] = [
        Metric::Escalation,
        Metric::Transfer,
        Metric::Resolution,
        Metric::Abandonment,
        Metric::HandleTime,
        Metric::Satisfaction,
        Metric::CustomerSentiment,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Metric::Escalation => "escalation_rate",
            Metric::Transfer => "transfer_rate",
            Metric::Resolution => "resolution_rate",
            Metric::Abandonment => "abandonment_rate",
            Metric::HandleTime => "handle_time",
            Metric::Satisfaction => "satisfaction",
            Metric::CustomerSentiment => "customer_sentiment",
        }
    }

    pub(super) fn unit(self) -> Unit {
        match self {
            Metric::HandleTime => Unit::Seconds,
            Metric::Satisfaction => Unit::Score,
            Metric::CustomerSentiment => Unit::Sentiment,
            _ => Unit::Rate,
        }
    }

    /// The metric's name and unit, counted over calls.
    pub(super) fn measure(self) -> Measure {
        Measure {
            name: self.name(),
            unit: self.unit(),
            counted: Counted::Calls,
        }
    }

    /// The call's value (0 or 1 for rates); `None` when the call does not count: outcome rates
    /// over calls with a known outcome, handle time over ended calls that were not abandoned,
    /// satisfaction over surveyed calls, customer sentiment over calls in `sentiments`.
    pub(super) fn value(self, call: &Call, sentiments: &CallSentiments) -> Option<f64> {
        match self {
            Metric::CustomerSentiment => sentiments
                .get(&call.id)
                .filter(|score| (-1.0..=1.0).contains(score)),
            _ => self.of_call(call),
        }
    }

    /// The call's value from its record alone (`None` for customer sentiment, which needs the
    /// call's utterances).
    pub(super) fn of_call(self, call: &Call) -> Option<f64> {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            Metric::Escalation => Some(flag(call.escalated)),
            Metric::Transfer => Some(flag(call.transferred)),
            Metric::Resolution => call.outcome.map(|o| flag(o == CallOutcome::Resolved)),
            Metric::Abandonment => call.outcome.map(|o| flag(o == CallOutcome::Abandoned)),
            Metric::HandleTime => call
                .duration_secs()
                .filter(|_| call.outcome != Some(CallOutcome::Abandoned)),
            Metric::Satisfaction => call.satisfaction.filter(|s| s.is_finite()),
            Metric::CustomerSentiment => None,
        }
    }
}

/// Count, sum and sum of squares of a metric's values.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Sample {
    pub(super) n: f64,
    pub(super) sum: f64,
    pub(super) squares: f64,
}

impl Sample {
    pub(super) fn of(values: impl Iterator<Item = f64>) -> Self {
        values.fold(Sample::default(), |s, v| Sample {
            n: s.n + 1.0,
            sum: s.sum + v,
            squares: s.squares + v * v,
        })
    }

    /// The values of `self` that are not in `part`.
    pub(super) fn without(&self, part: &Sample) -> Sample {
        Sample {
            n: self.n - part.n,
            sum: self.sum - part.sum,
            squares: self.squares - part.squares,
        }
    }

    pub(super) fn mean(&self) -> f64 {
        self.sum / self.n
    }

    /// Sample variance (n − 1 in the denominator), never negative.
    fn variance(&self) -> f64 {
        ((self.squares - self.sum * self.sum / self.n) / (self.n - 1.0)).max(0.0)
    }
}

/// What is compared: a metric's name (the insight's category), its unit and what its samples
/// count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Measure {
    pub(super) name: &'static str,
    pub(super) unit: Unit,
    pub(super) counted: Counted,
}

/// What a metric's samples are: calls (or bins of calls, for volume), journeys, or journey
/// events (the live detector's journey metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counted {
    Calls,
    Journeys,
    Events,
}

impl Counted {
    /// What the samples are called in descriptions.
    pub(super) fn noun(self) -> &'static str {
        match self {
            Counted::Calls => "calls",
            Counted::Journeys => "journeys",
            Counted::Events => "journey events",
        }
    }

    /// The evidence keys of each side's count.
    pub(super) fn evidence_keys(self) -> (&'static str, &'static str) {
        match self {
            Counted::Calls => ("calls", "reference_calls"),
            Counted::Journeys => ("journeys", "reference_journeys"),
            Counted::Events => ("events", "reference_events"),
        }
    }
}

/// A tested comparison, before the false-discovery-rate adjustment.
#[derive(Debug, Clone)]
pub(super) struct Finding {
    pub(super) kind: InsightKind,
    pub(super) category: &'static str,
    pub(super) segment: Option<Segment>,
    /// What the metric measures in: a rate, seconds, a score, calls per bin.
    pub(super) unit: Unit,
    /// What the samples count.
    pub(super) counted: Counted,
    pub(super) value: f64,
    pub(super) reference: f64,
    /// How many calls (journeys; bins for volume) each side holds.
    pub(super) calls: f64,
    pub(super) reference_calls: f64,
    pub(super) statistic: f64,
    pub(super) p_value: f64,
    pub(super) impact: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Unit {
    Rate,
    Seconds,
    Score,
    /// A sentiment score in [-1, 1].
    Sentiment,
    /// Touchpoints (events) of a journey.
    Touchpoints,
    /// Calls per day.
    CallsPerDay,
    /// Calls per hour.
    CallsPerHour,
}

impl Finding {
    /// Tests `current` against `reference` (two-proportion z or Welch t), when both have
    /// `min_calls` values and any spread.
    pub(super) fn compare(
        kind: InsightKind,
        measure: Measure,
        segment: Option<Segment>,
        current: Sample,
        reference: Sample,
        options: &InsightOptions,
    ) -> Option<Finding> {
        let unit = measure.unit;
        let is_rate = unit == Unit::Rate;
        let min = options.min_calls as f64;
        if current.n < min || reference.n < min {
            return None;
        }
        let test = if is_rate {
            two_proportion_test(current, reference)?
        } else {
            welch_test(current, reference)?
        };
        // A segment's difference is weighted by its share of the measured calls.
        let reach = if segment.is_some() {
            current.n / (current.n + reference.n)
        } else {
            1.0
        };
        let size = difference_size(unit, current.mean(), reference.mean());
        Some(Finding::new(
            (kind, measure),
            segment,
            (current, reference),
            test,
            size * reach,
        ))
    }

    /// A finding of `kind` about `measure`, comparing the `(current, reference)` samples' means
    /// with the test's `(statistic, p_value)`; `impact` is clamped to [0, 1].
    pub(super) fn new(
        (kind, measure): (InsightKind, Measure),
        segment: Option<Segment>,
        (current, reference): (Sample, Sample),
        (statistic, p_value): (f64, f64),
        impact: f64,
    ) -> Finding {
        Finding {
            kind,
            category: measure.name,
            segment,
            unit: measure.unit,
            counted: measure.counted,
            value: current.mean(),
            reference: reference.mean(),
            calls: current.n,
            reference_calls: reference.n,
            statistic,
            p_value,
            impact: impact.clamp(0.0, 1.0),
        }
    }

    /// Relative difference from the reference; `None` when the reference is 0 (any
    /// difference from none is large) and for sentiment, whose reference may be near 0.
    pub(super) fn relative_change(&self) -> Option<f64> {
        if self.unit == Unit::Sentiment {
            return None;
        }
        relative_change(self.value, self.reference)
    }

    /// The numbers behind the finding: `value`, `reference`, `calls` and `reference_calls`
    /// (`journeys` and `reference_journeys` for journey metrics), `statistic`, `p_value` and,
    /// unless the reference is 0, `relative_change`.
    pub(super) fn evidence(&self) -> BTreeMap<String, f64> {
        let (counted, reference_counted) = self.counted.evidence_keys();
        let mut evidence = BTreeMap::from([
            ("value".to_owned(), self.value),
            ("reference".to_owned(), self.reference),
            (counted.to_owned(), self.calls),
            (reference_counted.to_owned(), self.reference_calls),
            ("statistic".to_owned(), self.statistic),
            ("p_value".to_owned(), self.p_value),
        ]);
        if let Some(change) = self.relative_change() {
            evidence.insert("relative_change".to_owned(), change);
        }
        evidence
    }

    fn into_insight(self, q_value: f64) -> Insight {
        let metric = self.category.replace('_', " ");
        let (value, reference) = (self.unit.show(self.value), self.unit.show(self.reference));
        let higher = self.value > self.reference;
        let test = format!(
            "{}, q {}",
            test_summary(self.unit, self.statistic, self.p_value),
            probability(q_value)
        );
        let counted = |n: f64| self.unit.counted(n, self.counted);
        let (title, description) = match &self.segment {
            Some(segment) => (
                format!(
                    "{} {}: {metric} {value}, {} than elsewhere ({reference})",
                    capitalized(segment.dimension.as_str()),
                    segment.value,
                    if higher { "higher" } else { "lower" },
                ),
                format!(
                    "{} {value} over {} {} {} {}, against {reference} over the other {} ({test}).",
                    capitalized(&metric),
                    counted(self.calls),
                    match (self.counted, segment.dimension) {
                        (Counted::Journeys, _) => "that began in",
                        (Counted::Calls, SegmentDimension::Agent) => "of",
                        (Counted::Calls | Counted::Events, _) => "in",
                    },
                    segment.dimension.as_str(),
                    segment.value,
                    counted(self.reference_calls),
                ),
            ),
            None => (
                format!(
                    "{} {} from {reference} to {value}",
                    capitalized(&metric),
                    if higher { "rose" } else { "fell" },
                ),
                format!(
                    "{} {value} over {} this period, against {reference} over {} in the \
                     previous period of equal length ({test}).",
                    capitalized(&metric),
                    counted(self.calls),
                    counted(self.reference_calls),
                ),
            ),
        };
        let mut evidence = self.evidence();
        evidence.insert("q_value".to_owned(), q_value);
        Insight {
            kind: self.kind,
            category: self.category.to_owned(),
            segment: self.segment,
            title,
            description,
            impact: self.impact,
            evidence,
        }
    }
}

impl Unit {
    pub(super) fn show(self, value: f64) -> String {
        match self {
            Unit::Rate => format!("{:.1}%", value * 100.0),
            Unit::Seconds if value >= 2.0 * 86_400.0 => format!("{:.1} days", value / 86_400.0),
            Unit::Seconds if value >= 2.0 * 3_600.0 => format!("{:.1} h", value / 3_600.0),
            Unit::Seconds if value >= 120.0 => format!("{:.1} min", value / 60.0),
            Unit::Seconds => format!("{value:.0} s"),
            Unit::Score => format!("{value:.2}"),
            Unit::Sentiment => format!("{value:+.2}"),
            Unit::Touchpoints => format!("{value:.1} touchpoints"),
            Unit::CallsPerDay => format!("{value:.1} calls a day"),
            Unit::CallsPerHour => format!("{value:.1} calls an hour"),
        }
    }

    /// "1204 calls" (journeys, journey events), or "12 days" for volume, whose samples are bins.
    pub(super) fn counted(self, n: f64, counted: Counted) -> String {
        match self {
            Unit::CallsPerDay => format!("{n:.0} days"),
            Unit::CallsPerHour => format!("{n:.0} hours"),
            _ => format!("{n:.0} {}", counted.noun()),
        }
    }
}

/// The size of a difference, for its impact: absolute for rates (a share of calls) and for
/// sentiment (on its scale [-1, 1], as `min_sentiment_change` judges it), relative to the
/// reference for other means.
pub(super) fn difference_size(unit: Unit, value: f64, reference: f64) -> f64 {
    match unit {
        Unit::Rate | Unit::Sentiment => (value - reference).abs(),
        _ => (value - reference).abs() / reference.abs().max(f64::MIN_POSITIVE),
    }
}

/// Whether `value` differs from `reference` enough to report, given the smallest
/// `(relative change, sentiment change)`: sentiment by its difference on the scale, other
/// metrics relative to the reference (any difference from a reference of 0 is enough).
pub(super) fn large_enough(
    unit: Unit,
    value: f64,
    reference: f64,
    (min_relative, min_sentiment): (f64, f64),
) -> bool {
    if unit == Unit::Sentiment {
        return (value - reference).abs() >= min_sentiment;
    }
    relative_change(value, reference).is_none_or(|change| change.abs() >= min_relative)
}

/// The relative difference of `value` from `reference`; `None` when the reference is 0 (any
/// difference from none is large).
pub(super) fn relative_change(value: f64, reference: f64) -> Option<f64> {
    (reference != 0.0).then(|| (value - reference) / reference.abs())
}

/// "z = 2.10, p = 3.6e-2": a test's statistic (z for rates, t for means) and p-value.
pub(super) fn test_summary(unit: Unit, statistic: f64, p_value: f64) -> String {
    format!(
        "{} = {statistic:.2}, p {}",
        if unit == Unit::Rate { "z" } else { "t" },
        probability(p_value)
    )
}

/// "= 3.6e-2", or "< 1e-15" for probabilities too small to print.
fn probability(p: f64) -> String {
    if p < 1e-15 {
        "< 1e-15".to_owned()
    } else {
        format!("= {p:.1e}")
    }
}

pub(super) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Calls per day (per hour for ranges under four days) against the previous range, by Welch's
/// test over the bins, which allows for counts more variable than Poisson's.
fn volume_change(
    calls: &[Call],
    range: TimeRange,
    previous: &[Call],
    before: TimeRange,
    options: &InsightOptions,
) -> Option<Finding> {
    let (unit, hours) = if range.end - range.start >= chrono::TimeDelta::days(4) {
        (Unit::CallsPerDay, 24.0)
    } else {
        (Unit::CallsPerHour, 1.0)
    };
    let bins = |calls: &[Call], range: TimeRange| {
        let width_ms = hours * 3_600_000.0;
        let count = ((range.end - range.start).num_milliseconds() as f64 / width_ms).floor();
        // Only whole bins: a partial last bin would look like a drop.
        if !(2.0..=1e6).contains(&count) {
            return None;
        }
        let mut counts = vec![0.0; count as usize];
        for call in calls {
            let offset = (call.started_at - range.start).num_milliseconds() as f64 / width_ms;
            if let Some(bin) = counts.get_mut(offset as usize).filter(|_| offset >= 0.0) {
                *bin += 1.0;
            }
        }
        Some(Sample::of(counts.into_iter()))
    };
    let (current, reference) = (bins(calls, range)?, bins(previous, before)?);
    if current.sum + reference.sum < options.min_calls as f64 || reference.sum == 0.0 {
        return None;
    }
    let test = welch_test(current, reference)?;
    let (value, base) = (current.mean(), reference.mean());
    let volume = Measure {
        name: "volume",
        unit,
        counted: Counted::Calls,
    };
    Some(Finding::new(
        (InsightKind::PeriodChange, volume),
        None,
        (current, reference),
        test,
        (value - base).abs() / value.max(base),
    ))
}

/// Pooled two-proportion z-test of two samples of 0/1 values: (z, two-sided p); `None` when
/// neither sample varies.
fn two_proportion_test(a: Sample, b: Sample) -> Option<(f64, f64)> {
    let pooled = (a.sum + b.sum) / (a.n + b.n);
    let se = (pooled * (1.0 - pooled) * (1.0 / a.n + 1.0 / b.n)).sqrt();
    if se.is_nan() || se <= 0.0 {
        return None;
    }
    let z = (a.mean() - b.mean()) / se;
    Some((z, 2.0 * (1.0 - normal_cdf(z.abs()))))
}

/// Welch's t-test of two samples' means: (t, two-sided p); `None` when neither varies.
pub(super) fn welch_test(a: Sample, b: Sample) -> Option<(f64, f64)> {
    let (va, vb) = (a.variance() / a.n, b.variance() / b.n);
    let se = (va + vb).sqrt();
    if !se.is_finite() || se <= 0.0 {
        return None;
    }
    let t = (a.mean() - b.mean()) / se;
    // Welch–Satterthwaite degrees of freedom.
    let df = (va + vb).powi(2) / (va * va / (a.n - 1.0) + vb * vb / (b.n - 1.0));
    let p = 2.0 * (1.0 - StudentsT::cdf(t.abs(), df));
    Some((t, p.clamp(0.0, 1.0)))
}

/// Benjamini–Hochberg adjusted p-values (q-values), in the order given.
fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[b].total_cmp(&p_values[a]));
    let mut q = vec![1.0; m];
    let mut running = 1.0f64;
    // From the largest p down: q_(k) = min over j ≥ k of p_(j) · m / j.
    for (from_top, &index) in order.iter().enumerate() {
        let rank = (m - from_top) as f64;
        running = running.min(p_values[index] * m as f64 / rank);
        q[index] = running;
    }
    q
}

mod journeys;

#[cfg(test)]
mod tests;
