//! [`LiveInsights`]: insight detection over a stream of ended calls.
//!
//! Each ended call is added to the per-tenant rate and mean metrics of `docs/insights.md`
//! (escalation, transfer, resolution and abandonment rates, handle time, satisfaction), overall
//! and per segment, in time buckets. After each call, the metrics it touched are compared over
//! the latest window (an hour by default) against the baseline just before it (the 24 hours
//! before), with the same tests as the batch insights. A metric that turns significant raises
//! one insight; it is cleared when the difference is gone, and only then can it be raised again.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::statistical::{Metric, Sample, Unit, capitalized, test_summary, welch_test};
use super::{Insight, InsightKind, Segment, SegmentDimension};
use crate::forecast::normal_cdf;
use crate::model::{Call, TimeRange};
use crate::{Error, Result};

/// Most buckets a series keeps (window and baseline together): 30 days of 5-minute buckets.
const MAX_BUCKETS: u32 = 8_640;

/// Settings of [`LiveInsights`]; missing fields take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveInsightOptions {
    /// Length of the latest window, in minutes; a multiple of `bucket_minutes`.
    pub window_minutes: u32,
    /// Length of the baseline before the window, in hours.
    pub baseline_hours: u32,
    /// Time resolution of the counts, in minutes: calls are counted in buckets of this length
    /// by their end time, and the window slides a bucket at a time.
    pub bucket_minutes: u32,
    /// Fewest measured calls in the window and in the baseline for a comparison.
    pub min_calls: usize,
    /// A difference is raised when its two-sided p-value is below this. It is small because
    /// every call tests again: see `docs/insights.md` for the false alarms it gives.
    pub raise_p_value: f64,
    /// A raised difference is cleared when its p-value rises above this, its relative change
    /// falls under `min_relative_change`, or the window holds fewer than half of `min_calls`.
    pub clear_p_value: f64,
    /// Smallest relative difference worth raising (0.25: 25% above or below the baseline).
    pub min_relative_change: f64,
    /// The dimensions whose segments are watched besides the tenant's calls overall.
    pub segment_by: Vec<SegmentDimension>,
}

impl Default for LiveInsightOptions {
    /// A 60-minute window against the 24 hours before, 5-minute buckets, 30 calls a side,
    /// raised at p < 0.0001 and a 25% change, cleared at p > 0.05; segments by queue and channel.
    fn default() -> Self {
        Self {
            window_minutes: 60,
            baseline_hours: 24,
            bucket_minutes: 5,
            min_calls: 30,
            raise_p_value: 0.0001,
            clear_p_value: 0.05,
            min_relative_change: 0.25,
            segment_by: vec![SegmentDimension::Queue, SegmentDimension::Channel],
        }
    }
}

impl LiveInsightOptions {
    /// Refuses settings outside their ranges.
    pub fn validate(&self) -> Result<()> {
        let invalid = |message: String| Err(Error::InvalidArgument(message));
        if self.bucket_minutes == 0 {
            return invalid("bucket_minutes must be at least 1".into());
        }
        if self.window_minutes == 0 || self.window_minutes % self.bucket_minutes != 0 {
            return invalid(format!(
                "window_minutes must be a positive multiple of bucket_minutes ({}), got {}",
                self.bucket_minutes, self.window_minutes
            ));
        }
        if self.baseline_hours == 0 || (self.baseline_hours * 60) % self.bucket_minutes != 0 {
            return invalid(format!(
                "baseline_hours must be positive and a whole number of buckets of {} minutes, got {}",
                self.bucket_minutes, self.baseline_hours
            ));
        }
        let buckets = (u64::from(self.window_minutes) + u64::from(self.baseline_hours) * 60)
            / u64::from(self.bucket_minutes);
        if buckets > u64::from(MAX_BUCKETS) {
            return invalid(format!(
                "window and baseline span {buckets} buckets; at most {MAX_BUCKETS} are kept \
                 (use longer buckets)"
            ));
        }
        if self.min_calls < 2 {
            return invalid(format!(
                "min_calls must be at least 2, got {}",
                self.min_calls
            ));
        }
        let (raise, clear) = (self.raise_p_value, self.clear_p_value);
        if !(raise > 0.0 && raise < 1.0) {
            return invalid(format!("raise_p_value must be in (0, 1), got {raise}"));
        }
        if !(clear >= raise && clear < 1.0) {
            return invalid(format!(
                "clear_p_value must be in [raise_p_value, 1), got {clear}"
            ));
        }
        if !(self.min_relative_change.is_finite() && self.min_relative_change >= 0.0) {
            return invalid(format!(
                "min_relative_change must be a non-negative number, got {}",
                self.min_relative_change
            ));
        }
        Ok(())
    }
}

/// Whether a live insight starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveInsightState {
    /// The difference became significant.
    Raised,
    /// A raised difference is gone.
    Cleared,
}

/// An insight raised or cleared by a call of the stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveInsight {
    /// Raised or cleared.
    pub state: LiveInsightState,
    /// The tenant.
    pub tenant: String,
    /// End time of the call that raised or cleared it.
    pub at: DateTime<Utc>,
    /// The window compared (whole buckets, the latest possibly partial).
    pub window: TimeRange,
    /// The baseline it was compared with.
    pub baseline: TimeRange,
    /// The comparison, of kind [`InsightKind::LiveChange`].
    #[serde(flatten)]
    pub insight: Insight,
}

/// Watches a stream of ended calls, of any number of tenants, for metrics whose latest window
/// differs from the baseline before it (`docs/insights.md`, "Live insights").
///
/// ```
/// use aybiza_analytics::insights::{LiveInsightOptions, LiveInsights};
/// # fn run(ended_calls: Vec<aybiza_analytics::model::Call>) -> aybiza_analytics::Result<()> {
/// let mut live = LiveInsights::new(LiveInsightOptions::default())?;
/// for call in &ended_calls {
///     for event in live.observe(call)? {
///         println!("{:?} {}: {}", event.state, event.tenant, event.insight.title);
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct LiveInsights {
    windows: Windows,
    tenants: HashMap<String, TenantSeries>,
}

/// The options and the bucket geometry they give.
#[derive(Debug, Clone)]
struct Windows {
    options: LiveInsightOptions,
    bucket: TimeDelta,
    /// Buckets in the window.
    window_buckets: i64,
    /// Buckets in the window and the baseline together.
    total_buckets: i64,
}

/// One tenant's series: overall and per segment.
#[derive(Debug, Clone)]
struct TenantSeries {
    /// The latest bucket seen.
    newest: i64,
    series: HashMap<Option<Segment>, Series>,
}

/// Bucketed samples of every metric, in a ring of `total_buckets` slots.
#[derive(Debug, Clone)]
struct Series {
    /// The bucket each slot holds; a slot whose bucket has left the ring counts as empty.
    buckets: Vec<i64>,
    samples: Vec<[Sample; 6]>,
    /// Per slot and metric: the bucket was in a raised window, and is left out of baselines,
    /// so that an incident does not make the hours after it look unusual.
    excluded: Vec<[bool; 6]>,
    raised: [bool; 6],
}

/// A series' window and baseline samples of one metric.
#[derive(Debug, Clone, Copy, Default)]
struct Comparison {
    window: Sample,
    baseline: Sample,
}

impl LiveInsights {
    /// A detector with `options`, checked.
    pub fn new(options: LiveInsightOptions) -> Result<Self> {
        options.validate()?;
        let window_buckets = i64::from(options.window_minutes / options.bucket_minutes);
        let total_buckets =
            window_buckets + i64::from(options.baseline_hours * 60 / options.bucket_minutes);
        Ok(Self {
            windows: Windows {
                bucket: TimeDelta::minutes(i64::from(options.bucket_minutes)),
                window_buckets,
                total_buckets,
                options,
            },
            tenants: HashMap::new(),
        })
    }

    /// The settings in use.
    pub fn options(&self) -> &LiveInsightOptions {
        &self.windows.options
    }

    /// Adds an ended call and returns the insights it raised or cleared (usually none).
    ///
    /// Calls may arrive somewhat out of order: one that ended before the baseline of its
    /// tenant's latest call is refused with [`Error::InvalidArgument`], as is a call that has
    /// not ended; a refused call changes nothing.
    pub fn observe(&mut self, call: &Call) -> Result<Vec<LiveInsight>> {
        let Some(ended) = call.ended_at else {
            return Err(Error::InvalidArgument(format!(
                "call {} has not ended: live insights count ended calls",
                call.id
            )));
        };
        if call.tenant.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "call {} has no tenant",
                call.id
            )));
        }
        let windows = &self.windows;
        let bucket = ended
            .timestamp_millis()
            .div_euclid(windows.bucket.num_milliseconds());
        let total = windows.total_buckets;
        let tenant = match self.tenants.get_mut(&call.tenant) {
            Some(tenant) => tenant,
            None => self
                .tenants
                .entry(call.tenant.clone())
                .or_insert(TenantSeries {
                    newest: bucket,
                    series: HashMap::new(),
                }),
        };
        if bucket <= tenant.newest - total {
            return Err(Error::InvalidArgument(format!(
                "call {} ended at {ended}, before the baseline of the latest call of tenant {} \
                 (calls may be late by at most {} minutes)",
                call.id,
                call.tenant,
                (total - 1) * windows.bucket.num_minutes()
            )));
        }
        if bucket > tenant.newest {
            tenant.newest = bucket;
            // Segments with no call in the ring any more hold nothing: drop them.
            let oldest = bucket - total;
            tenant
                .series
                .retain(|_, series| series.buckets.iter().any(|&b| b > oldest));
        }

        let values = Metric::ALL.map(|metric| metric.value(call));
        let mut keys = vec![None];
        keys.extend(windows.options.segment_by.iter().filter_map(|&dimension| {
            dimension.of(call).map(|value| {
                Some(Segment {
                    dimension,
                    value: value.to_owned(),
                })
            })
        }));

        let newest = tenant.newest;
        let mut events = Vec::new();
        let mut overall_window = [0.0; 6];
        for key in keys {
            let series = tenant
                .series
                .entry(key.clone())
                .or_insert_with(|| Series::new(total as usize));
            series.add(bucket, total, &values);
            let comparisons = series.compare(newest, windows.window_buckets, total);
            for (index, metric) in Metric::ALL.into_iter().enumerate() {
                if values[index].is_none() {
                    continue;
                }
                let comparison = comparisons[index];
                if key.is_none() {
                    overall_window[index] = comparison.window.n;
                }
                let reach = match &key {
                    None => 1.0,
                    Some(_) => comparison.window.n / overall_window[index].max(1.0),
                };
                if let Some(state) = windows.transition(series, index, newest, &comparison) {
                    let window_start = windows.bucket_start(newest - windows.window_buckets + 1);
                    let baseline_start = windows.bucket_start(newest - total + 1);
                    events.push(LiveInsight {
                        state,
                        tenant: call.tenant.clone(),
                        at: ended,
                        window: TimeRange {
                            start: window_start,
                            end: windows.bucket_start(newest + 1),
                        },
                        baseline: TimeRange {
                            start: baseline_start,
                            end: window_start,
                        },
                        insight: windows.insight(metric, key.clone(), &comparison, reach),
                    });
                }
            }
        }
        Ok(events)
    }
}

impl Windows {
    /// The metric's new alert state, when the comparison raises or clears it.
    fn transition(
        &self,
        series: &mut Series,
        index: usize,
        newest: i64,
        comparison: &Comparison,
    ) -> Option<LiveInsightState> {
        let options = &self.options;
        let min = options.min_calls as f64;
        let raised = series.raised[index];
        if comparison.window.n < min || comparison.baseline.n < min {
            // Too few calls to tell a difference: nothing to raise, and a raised one is over
            // once the calls have thinned to half the minimum (not at once, which would flap).
            let thinned = comparison.window.n.min(comparison.baseline.n) < min / 2.0;
            return (raised && thinned).then(|| {
                series.raised[index] = false;
                LiveInsightState::Cleared
            });
        }
        let p_value = test(Metric::ALL[index], comparison).map_or(1.0, |(_, p)| p);
        let large = relative_change(comparison)
            .is_none_or(|change| change.abs() >= options.min_relative_change);
        if !raised && large && p_value < options.raise_p_value {
            series.raised[index] = true;
            series.exclude_window(index, newest, self.window_buckets);
            Some(LiveInsightState::Raised)
        } else if raised && (!large || p_value > options.clear_p_value) {
            series.raised[index] = false;
            Some(LiveInsightState::Cleared)
        } else {
            None
        }
    }

    fn bucket_start(&self, bucket: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::milliseconds(self.bucket.num_milliseconds() * bucket)
    }

    /// The insight describing `comparison` of `metric` for `segment` (`None`: all calls).
    fn insight(
        &self,
        metric: Metric,
        segment: Option<Segment>,
        comparison: &Comparison,
        reach: f64,
    ) -> Insight {
        let unit = metric.unit();
        let (window, baseline) = (&comparison.window, &comparison.baseline);
        let (value, reference) = (window.mean(), baseline.mean());
        let (statistic, p_value) = test(metric, comparison).unwrap_or((0.0, 1.0));
        let name = metric.name().replace('_', " ");
        let span = |minutes: u32| {
            if minutes % 60 == 0 {
                let hours = minutes / 60;
                if hours == 1 {
                    "hour".to_owned()
                } else {
                    format!("{hours} hours")
                }
            } else {
                format!("{minutes} minutes")
            }
        };
        let (window_span, baseline_span) = (
            span(self.options.window_minutes),
            span(self.options.baseline_hours * 60),
        );
        let subject = match &segment {
            Some(segment) => format!(
                "{} {}: {name}",
                capitalized(segment.dimension.as_str()),
                segment.value
            ),
            None => capitalized(&name),
        };
        let title = format!(
            "{subject} {} in the last {window_span} ({} against {})",
            if value > reference { "up" } else { "down" },
            unit.show(value),
            unit.show(reference),
        );
        let description = format!(
            "{subject} {} over {:.0} calls of the last {window_span}, against {} over {:.0} \
             calls of the {baseline_span} before ({}).",
            unit.show(value),
            window.n,
            unit.show(reference),
            baseline.n,
            test_summary(unit, statistic, p_value),
        );
        let size = if unit == Unit::Rate {
            (value - reference).abs()
        } else {
            (value - reference).abs() / reference.abs().max(f64::MIN_POSITIVE)
        };
        let mut evidence = std::collections::BTreeMap::from([
            ("value".to_owned(), value),
            ("reference".to_owned(), reference),
            ("calls".to_owned(), window.n),
            ("reference_calls".to_owned(), baseline.n),
            ("statistic".to_owned(), statistic),
            ("p_value".to_owned(), p_value),
        ]);
        if let Some(change) = relative_change(comparison) {
            evidence.insert("relative_change".to_owned(), change);
        }
        Insight {
            kind: InsightKind::LiveChange,
            category: metric.name().to_owned(),
            segment,
            title,
            description,
            impact: (size * reach).clamp(0.0, 1.0),
            evidence,
        }
    }
}

impl Series {
    fn new(total: usize) -> Self {
        Self {
            buckets: vec![i64::MIN; total],
            samples: vec![[Sample::default(); 6]; total],
            excluded: vec![[false; 6]; total],
            raised: [false; 6],
        }
    }

    fn slot(bucket: i64, total: i64) -> usize {
        bucket.rem_euclid(total) as usize
    }

    /// Adds the call's metric values to its bucket.
    fn add(&mut self, bucket: i64, total: i64, values: &[Option<f64>; 6]) {
        let slot = Self::slot(bucket, total);
        if self.buckets[slot] != bucket {
            self.buckets[slot] = bucket;
            self.samples[slot] = [Sample::default(); 6];
            self.excluded[slot] = self.raised;
        }
        for (sample, value) in self.samples[slot].iter_mut().zip(values) {
            if let Some(v) = value {
                sample.n += 1.0;
                sample.sum += v;
                sample.squares += v * v;
            }
        }
    }

    /// Leaves the metric's buckets of the window ending at `newest` out of later baselines.
    fn exclude_window(&mut self, index: usize, newest: i64, window: i64) {
        for (&bucket, excluded) in self.buckets.iter().zip(&mut self.excluded) {
            if (0..window).contains(&newest.saturating_sub(bucket)) {
                excluded[index] = true;
            }
        }
    }

    /// Every metric's samples over the `window` buckets ending at `newest` and the baseline
    /// before them, up to `total` buckets in all, in one pass over the ring.
    fn compare(&self, newest: i64, window: i64, total: i64) -> [Comparison; 6] {
        let mut comparisons = [Comparison::default(); 6];
        for ((&bucket, samples), excluded) in
            self.buckets.iter().zip(&self.samples).zip(&self.excluded)
        {
            let age = newest.saturating_sub(bucket);
            if !(0..total).contains(&age) {
                continue;
            }
            for ((comparison, sample), &excluded) in
                comparisons.iter_mut().zip(samples).zip(excluded)
            {
                let side = if age < window {
                    &mut comparison.window
                } else if excluded {
                    continue;
                } else {
                    &mut comparison.baseline
                };
                side.n += sample.n;
                side.sum += sample.sum;
                side.squares += sample.squares;
            }
        }
        comparisons
    }
}

/// The likelihood-ratio test for rates, Welch's t-test for means.
fn test(metric: Metric, comparison: &Comparison) -> Option<(f64, f64)> {
    if metric.unit() == Unit::Rate {
        likelihood_ratio_test(comparison.window, comparison.baseline)
    } else {
        welch_test(comparison.window, comparison.baseline)
    }
}

/// The likelihood-ratio (G) test of two samples of 0/1 values, with Yates' continuity
/// correction: (signed root of G, two-sided p); `None` when neither sample varies.
///
/// A window holds few calls and rare events (a handful of abandonments), where the pooled
/// z-test's upper tail is too thin: for 14 events in 120 calls against a 5% rate it gives
/// p = 4.0e-4 where the exact binomial tail is 2.8e-3. This test gives 3.3e-3.
fn likelihood_ratio_test(window: Sample, baseline: Sample) -> Option<(f64, f64)> {
    let n = window.n + baseline.n;
    let pooled = (window.sum + baseline.sum) / n;
    if !(pooled > 0.0 && pooled < 1.0) {
        return None;
    }
    let expected = window.n * pooled;
    // Move the window's count half an event toward its expectation (not past it).
    let shift = (window.sum - expected).clamp(-0.5, 0.5);
    let events = [window.sum - shift, baseline.sum + shift];
    let sizes = [window.n, baseline.n];
    let mut g = 0.0;
    for (observed, size) in events.into_iter().zip(sizes) {
        for (count, expected) in [
            (observed, size * pooled),
            (size - observed, size * (1.0 - pooled)),
        ] {
            if count > 0.0 {
                g += count * (count / expected).ln();
            }
        }
    }
    let root = (2.0 * g)
        .max(0.0)
        .sqrt()
        .copysign(window.mean() - baseline.mean());
    Some((root, 2.0 * (1.0 - normal_cdf(root.abs()))))
}

/// The window's relative difference from the baseline; `None` when the baseline is 0.
fn relative_change(comparison: &Comparison) -> Option<f64> {
    let reference = comparison.baseline.mean();
    (reference != 0.0).then(|| (comparison.window.mean() - reference) / reference.abs())
}

#[cfg(test)]
mod tests;
