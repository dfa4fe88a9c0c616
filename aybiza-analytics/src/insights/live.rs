//! [`LiveInsights`]: insight detection over streams of ended calls and journey events.
//!
//! Each ended call is added to the per-tenant rate and mean metrics of `docs/insights.md`
//! (escalation, transfer, resolution and abandonment rates, handle time, satisfaction, and
//! customer sentiment when the host passes it), overall and per segment, in time buckets; each
//! journey event to the shares of events that are conversion and churn actions, overall and
//! per channel. After each record, the metrics it touched are compared over the latest window
//! (an hour by default) against the baseline just before it (the 24 hours before): a
//! likelihood-ratio test for rates, Welch's t-test for means. A metric that turns significant
//! raises one insight; it is cleared when the difference is gone or too few records are left
//! to tell (also on [`LiveInsights::expire`]), and only then can it be raised again.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use super::statistical::{
    Counted, Finding, Measure, Metric, Sample, Unit, capitalized, difference_size, large_enough,
    non_negative, test_summary, welch_test,
};
use super::{Insight, InsightKind, Segment, SegmentDimension};
use crate::forecast::normal_cdf;
use crate::journey::tracker::JourneyConfig;
use crate::model::{Call, JourneyEvent, TimeRange};
use crate::{Error, Result};

/// The call metrics watched: [`Metric::ALL`].
const CALL_METRICS: usize = Metric::ALL.len();

/// The journey-event metrics watched: the share of a tenant's journey events that are
/// conversion actions, and churn actions.
const JOURNEY_MEASURES: [Measure; 2] = [
    Measure {
        name: "conversion_action_rate",
        unit: Unit::Rate,
        counted: Counted::Events,
    },
    Measure {
        name: "churn_action_rate",
        unit: Unit::Rate,
        counted: Counted::Events,
    },
];

/// The number of journey-event metrics.
const JOURNEY_METRICS: usize = JOURNEY_MEASURES.len();

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
    /// Fewest measured calls (journey events, for their metrics) in the window and in the
    /// baseline for a comparison.
    pub min_calls: usize,
    /// A difference is raised when its two-sided p-value is below this. It is small because
    /// every call tests again: see `docs/insights.md` for the false alarms it gives.
    pub raise_p_value: f64,
    /// A raised difference is cleared when its p-value rises above this, its change falls
    /// under half of `min_relative_change` (`min_sentiment_change`), or the window holds fewer
    /// than half of `min_calls`.
    pub clear_p_value: f64,
    /// Smallest relative difference worth raising (0.25: 25% above or below the baseline).
    pub min_relative_change: f64,
    /// Smallest difference of customer sentiment worth raising, on its scale [-1, 1].
    pub min_sentiment_change: f64,
    /// The dimensions whose segments are watched besides the tenant's calls overall (journey
    /// events have a channel only).
    pub segment_by: Vec<SegmentDimension>,
    /// Journey actions counted by `conversion_action_rate`.
    pub conversion_actions: Vec<String>,
    /// Journey actions counted by `churn_action_rate`.
    pub churn_actions: Vec<String>,
}

impl Default for LiveInsightOptions {
    /// A 60-minute window against the 24 hours before, 5-minute buckets, 30 calls a side,
    /// raised at p < 0.0001 and a 25% change (0.1 for customer sentiment), cleared at p > 0.05;
    /// segments by queue and channel; the journey actions of [`JourneyConfig::default`]
    /// (conversion `purchase`, churn `cancel`).
    fn default() -> Self {
        let journey = JourneyConfig::default();
        Self {
            window_minutes: 60,
            baseline_hours: 24,
            bucket_minutes: 5,
            min_calls: 30,
            raise_p_value: 0.0001,
            clear_p_value: 0.05,
            min_relative_change: 0.25,
            min_sentiment_change: 0.1,
            segment_by: vec![SegmentDimension::Queue, SegmentDimension::Channel],
            conversion_actions: journey.conversion_actions,
            churn_actions: journey.churn_actions,
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
        if self.baseline_hours == 0
            || (u64::from(self.baseline_hours) * 60) % u64::from(self.bucket_minutes) != 0
        {
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
        non_negative("min_relative_change", self.min_relative_change)?;
        non_negative("min_sentiment_change", self.min_sentiment_change)?;
        if let Some(both) = self
            .conversion_actions
            .iter()
            .find(|action| self.churn_actions.contains(action))
        {
            return invalid(format!(
                "journey action {both:?} is both a conversion and a churn action"
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

/// Watches streams of ended calls and journey events, of any number of tenants, for metrics
/// whose latest window differs from the baseline before it (`docs/insights.md`, "Live
/// insights").
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
    calls: Family<CALL_METRICS>,
    journeys: Family<JOURNEY_METRICS>,
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

/// The series of one kind of record (ended calls or journey events), per tenant. Each kind
/// keeps its own clock per tenant: the two streams may lag each other.
#[derive(Debug, Clone)]
struct Family<const N: usize> {
    /// What a record is called in errors: "call", "journey event".
    record: &'static str,
    /// The metrics, in the order of the records' values.
    measures: [Measure; N],
    /// Looked up by `&str` (no copy of the name per record).
    tenants: HashMap<String, TenantSeries<N>>,
}

/// Which of a tenant's records a series counts: all of them (`None`) or one segment's.
type SeriesKey<'a> = Option<(SegmentDimension, &'a str)>;

/// The insight's segment for a series key.
fn segment_of(key: SeriesKey<'_>) -> Option<Segment> {
    key.map(|(dimension, value)| Segment {
        dimension,
        value: value.to_owned(),
    })
}

/// One tenant's series of one family: overall and per segment.
#[derive(Debug, Clone)]
struct TenantSeries<const N: usize> {
    /// The latest bucket seen.
    newest: i64,
    /// All the tenant's records; `None` once none is left in the ring.
    overall: Option<Series<N>>,
    /// Each segment's records, by dimension and value. Looked up by `&str`, so that a record of
    /// a segment already watched allocates nothing.
    segments: HashMap<SegmentDimension, HashMap<String, Series<N>>>,
}

impl<const N: usize> TenantSeries<N> {
    /// The series of `key`, created empty (with `total` slots) when new.
    fn series_mut(&mut self, key: SeriesKey<'_>, total: usize) -> &mut Series<N> {
        match key {
            None => self.overall.get_or_insert_with(|| Series::new(total)),
            Some((dimension, value)) => self
                .segments
                .entry(dimension)
                .or_default()
                .entry_ref(value)
                .or_insert_with(|| Series::new(total)),
        }
    }

    /// Every series with its key, all records first.
    fn all_series_mut(&mut self) -> impl Iterator<Item = (SeriesKey<'_>, &mut Series<N>)> {
        let segments = self.segments.iter_mut().flat_map(|(&dimension, values)| {
            values
                .iter_mut()
                .map(move |(value, series)| (Some((dimension, value.as_str())), series))
        });
        self.overall
            .as_mut()
            .map(|series| (None, series))
            .into_iter()
            .chain(segments)
    }

    /// Keeps the series for which `keep` is true.
    fn retain(&mut self, mut keep: impl FnMut(SeriesKey<'_>, &mut Series<N>) -> bool) {
        if self
            .overall
            .as_mut()
            .is_some_and(|series| !keep(None, series))
        {
            self.overall = None;
        }
        for (&dimension, values) in &mut self.segments {
            values.retain(|value, series| keep(Some((dimension, value.as_str())), series));
        }
        self.segments.retain(|_, values| !values.is_empty());
    }

    /// Whether no series is left.
    fn is_empty(&self) -> bool {
        self.overall.is_none() && self.segments.is_empty()
    }
}

/// Bucketed samples of every metric of a family, in a ring of `total_buckets` slots.
#[derive(Debug, Clone)]
struct Series<const N: usize> {
    /// The bucket each slot holds; a slot whose bucket has left the ring counts as empty.
    buckets: Vec<i64>,
    samples: Vec<[Sample; N]>,
    /// Per slot: the bucket was in the window of a raised metric, and is left out of every
    /// metric's baseline, so that an incident does not make the hours after it look unusual
    /// (an outage raised on abandonment also darkens the customers' sentiment).
    excluded: Vec<bool>,
    raised: [bool; N],
    /// The baseline's samples as summed for the newest bucket they were summed at. Records
    /// of the latest window change only the window, so the baseline is summed once per bucket
    /// the clock moves to, and again after a record late enough to fall in it.
    baseline: Option<(i64, [Sample; N])>,
}

/// A series' window and baseline samples of one metric.
#[derive(Debug, Clone, Copy, Default)]
struct Comparison {
    window: Sample,
    baseline: Sample,
}

/// A record of either stream the detector watches, for [`LiveInsights::observe_record`] and
/// [`LiveInsights::replay`].
#[derive(Debug, Clone, Copy)]
pub enum LiveRecord<'a> {
    /// An ended call with its customer sentiment, when known.
    Call(&'a Call, Option<f64>),
    /// A journey event.
    JourneyEvent(&'a JourneyEvent),
}

impl LiveRecord<'_> {
    /// When the record happened (a call that has not ended has no time yet), its tenant, its
    /// stream (calls first) and its id: the replay's order.
    fn order_key(&self) -> (Option<DateTime<Utc>>, &str, u8, &str) {
        match *self {
            LiveRecord::Call(call, _) => (call.ended_at, &call.tenant, 0, &call.id),
            LiveRecord::JourneyEvent(event) => (Some(event.timestamp), &event.tenant, 1, &event.id),
        }
    }
}

/// One record to count: which it is (for errors), its tenant, its time, the latest time
/// accepted and its metric values (`None` where it does not count).
struct Observed<'a, const N: usize> {
    id: &'a str,
    tenant: &'a str,
    at: DateTime<Utc>,
    /// [`live_limit`] for a live stream; `None` for a replay.
    latest: Option<DateTime<Utc>>,
    values: [Option<f64>; N],
}

/// The latest time a live record may have: a day after the system clock's now. One record
/// dated far ahead by a wrong clock would otherwise make every later record of its tenant late.
fn live_limit() -> Option<DateTime<Utc>> {
    Some(Utc::now() + TimeDelta::days(1))
}

impl LiveInsights {
    /// A detector with `options`, checked.
    pub fn new(options: LiveInsightOptions) -> Result<Self> {
        options.validate()?;
        let bucket_minutes = u64::from(options.bucket_minutes);
        let window_buckets = u64::from(options.window_minutes) / bucket_minutes;
        let baseline_buckets = u64::from(options.baseline_hours) * 60 / bucket_minutes;
        // At most MAX_BUCKETS in all, as validated.
        let (window_buckets, total_buckets) = (
            window_buckets as i64,
            (window_buckets + baseline_buckets) as i64,
        );
        Ok(Self {
            windows: Windows {
                bucket: TimeDelta::minutes(i64::from(options.bucket_minutes)),
                window_buckets,
                total_buckets,
                options,
            },
            calls: Family::new("call", Metric::ALL.map(Metric::measure)),
            journeys: Family::new("journey event", JOURNEY_MEASURES),
        })
    }

    /// The settings in use.
    pub fn options(&self) -> &LiveInsightOptions {
        &self.windows.options
    }

    /// Adds an ended call and returns the insights it raised or cleared (usually none).
    ///
    /// Calls may arrive somewhat out of order. Refused with [`Error::InvalidArgument`], changing
    /// nothing: a call that has not ended, has no tenant, ended before the baseline of its
    /// tenant's latest call, or ends more than a day after the system clock's now (a wrong clock
    /// would otherwise refuse every later call of its tenant as late).
    pub fn observe(&mut self, call: &Call) -> Result<Vec<LiveInsight>> {
        self.observe_with_sentiment(call, None)
    }

    /// [`Self::observe`], with the call's customer sentiment in [-1, 1] (the score
    /// [`super::CallSentiments::score`] gives its customer utterances), which is then watched
    /// like the other metrics; `None` leaves the call out of that metric. A sentiment outside
    /// [-1, 1] (or NaN) is refused too.
    pub fn observe_with_sentiment(
        &mut self,
        call: &Call,
        customer_sentiment: Option<f64>,
    ) -> Result<Vec<LiveInsight>> {
        self.count_call(call, customer_sentiment, live_limit())
    }

    /// Counts a call ending at or before `latest` (when given) and compares what it touched.
    fn count_call(
        &mut self,
        call: &Call,
        customer_sentiment: Option<f64>,
        latest: Option<DateTime<Utc>>,
    ) -> Result<Vec<LiveInsight>> {
        if let Some(score) = customer_sentiment.filter(|s| !(-1.0..=1.0).contains(s)) {
            return Err(Error::InvalidArgument(format!(
                "call {}: customer sentiment {score} is not a score in [-1, 1]",
                call.id
            )));
        }
        let Some(ended) = call.ended_at else {
            return Err(Error::InvalidArgument(format!(
                "call {} has not ended: live insights count ended calls",
                call.id
            )));
        };
        let values = Metric::ALL.map(|metric| match metric {
            Metric::CustomerSentiment => customer_sentiment,
            _ => metric.of_call(call),
        });
        let segments = self
            .windows
            .options
            .segment_by
            .iter()
            .filter_map(|&dimension| dimension.of(call).map(|value| (dimension, value)));
        let observed = Observed {
            id: &call.id,
            tenant: &call.tenant,
            at: ended,
            latest,
            values,
        };
        self.calls.observe(&self.windows, observed, segments)
    }

    /// Adds a journey event to the shares of the tenant's journey events that are conversion
    /// and churn actions (`conversion_actions`, `churn_actions` of the options), overall and,
    /// when `segment_by` has the channel, for the event's channel; returns the insights it
    /// raised or cleared (usually none).
    ///
    /// Events may arrive somewhat out of order. Refused with [`Error::InvalidArgument`],
    /// changing nothing: an event with no tenant, one before the baseline of its tenant's latest
    /// event, or one more than a day after the system clock's now.
    pub fn observe_journey_event(&mut self, event: &JourneyEvent) -> Result<Vec<LiveInsight>> {
        self.count_journey_event(event, live_limit())
    }

    /// Counts a journey event at or before `latest` (when given) and compares what it touched.
    fn count_journey_event(
        &mut self,
        event: &JourneyEvent,
        latest: Option<DateTime<Utc>>,
    ) -> Result<Vec<LiveInsight>> {
        let options = &self.windows.options;
        let is = |actions: &[String]| Some(f64::from(u8::from(actions.contains(&event.action))));
        let values = [is(&options.conversion_actions), is(&options.churn_actions)];
        let channel = (options.segment_by.contains(&SegmentDimension::Channel)
            && !event.channel.is_empty())
        .then_some((SegmentDimension::Channel, event.channel.as_str()));
        let observed = Observed {
            id: &event.id,
            tenant: &event.tenant,
            at: event.timestamp,
            latest,
            values,
        };
        self.journeys
            .observe(&self.windows, observed, channel.into_iter())
    }

    /// Observes one record of either stream.
    pub fn observe_record(&mut self, record: &LiveRecord<'_>) -> Result<Vec<LiveInsight>> {
        match *record {
            LiveRecord::Call(call, sentiment) => self.observe_with_sentiment(call, sentiment),
            LiveRecord::JourneyEvent(event) => self.observe_journey_event(event),
        }
    }

    /// Replays stored `records` as they happened: sorts them by time (a call's end; ties by
    /// tenant and id, calls first), counts each and returns every insight raised or cleared,
    /// in order. Calls that have not ended are skipped. Sorted records are never late, and
    /// the system clock does not bound them (history may be dated ahead of it); the first
    /// record refused otherwise (no tenant, a sentiment outside [-1, 1]) stops the replay with
    /// its error.
    pub fn replay(&mut self, records: &mut [LiveRecord<'_>]) -> Result<Vec<LiveInsight>> {
        records.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let mut events = Vec::new();
        for record in records.iter() {
            events.extend(match *record {
                LiveRecord::Call(call, _) if call.ended_at.is_none() => continue,
                LiveRecord::Call(call, sentiment) => self.count_call(call, sentiment, None)?,
                LiveRecord::JourneyEvent(event) => self.count_journey_event(event, None)?,
            });
        }
        Ok(events)
    }

    /// [`Self::replay`] of records as JSON, for the bindings: `calls` (call records, with or
    /// without `"type": "call"`), `journey_events` (as [`crate::journey::json::journey_event`]
    /// reads them) and the calls' customer sentiments by call id (ids are unique within a
    /// tenant: give sentiments for one tenant's calls at a time). A record that does not parse
    /// is an [`Error::InvalidArgument`] naming its list and index, before any is counted.
    pub fn replay_json(
        &mut self,
        calls: Vec<serde_json::Value>,
        journey_events: Vec<serde_json::Value>,
        customer_sentiments: &std::collections::HashMap<String, f64>,
    ) -> Result<Vec<LiveInsight>> {
        let at = |list: &'static str, index: usize| {
            move |error: Error| match error {
                Error::InvalidArgument(message) => {
                    Error::InvalidArgument(format!("{list}[{index}]: {message}"))
                }
                other => other,
            }
        };
        let calls = calls
            .into_iter()
            .enumerate()
            .map(|(index, value)| Call::from_json(value).map_err(at("calls", index)))
            .collect::<Result<Vec<_>>>()?;
        let journey_events = journey_events
            .into_iter()
            .enumerate()
            .map(|(index, value)| {
                crate::journey::json::journey_event(value).map_err(at("journey_events", index))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut records: Vec<LiveRecord<'_>> = calls
            .iter()
            .map(|call| LiveRecord::Call(call, customer_sentiments.get(&call.id).copied()))
            .chain(journey_events.iter().map(LiveRecord::JourneyEvent))
            .collect();
        self.replay(&mut records)
    }

    /// Moves every tenant's clocks to `now` (when later than its latest call or journey event)
    /// and clears the raised insights that can no longer be told: those whose window or
    /// baseline has thinned under half of `min_calls`, or whose difference is gone. Call it now
    /// and then (every few minutes): without it, an insight raised for a tenant or segment
    /// whose records stop stays raised until its next record. Tenants with no record left in
    /// their window and baseline are forgotten.
    pub fn expire(&mut self, now: DateTime<Utc>) -> Vec<LiveInsight> {
        let mut events = self.calls.expire(&self.windows, now);
        events.extend(self.journeys.expire(&self.windows, now));
        events
    }
}

impl<const N: usize> Family<N> {
    /// No tenant yet; `record` names a record in errors.
    fn new(record: &'static str, measures: [Measure; N]) -> Self {
        Self {
            record,
            measures,
            tenants: HashMap::new(),
        }
    }

    /// Counts a record in its tenant's series (overall, then each of its `segments`) and
    /// compares the metrics it touched.
    fn observe<'a>(
        &mut self,
        windows: &Windows,
        observed: Observed<'a, N>,
        segments: impl Iterator<Item = (SegmentDimension, &'a str)>,
    ) -> Result<Vec<LiveInsight>> {
        let Observed {
            id,
            tenant: name,
            at,
            latest,
            values,
        } = observed;
        let record = self.record;
        if name.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "{record} {id} has no tenant"
            )));
        }
        if latest.is_some_and(|latest| at > latest) {
            return Err(Error::InvalidArgument(format!(
                "{record} {id} is at {at}, more than a day from now"
            )));
        }
        let bucket = windows.bucket_of(at);
        let total = windows.total_buckets;
        let tenant = self
            .tenants
            .entry_ref(name)
            .or_insert_with(|| TenantSeries {
                newest: bucket,
                overall: None,
                segments: HashMap::new(),
            });
        if bucket <= tenant.newest - total {
            return Err(Error::InvalidArgument(format!(
                "{record} {id} at {at} is before the baseline of the latest {record} of tenant \
                 {name} (records may be late by at most {} minutes)",
                (total - 1) * windows.bucket.num_minutes()
            )));
        }
        let mut events = Vec::new();
        windows.advance(name, tenant, &self.measures, bucket, at, &mut events);

        // All records first: the segments' reach is a share of its window.
        let newest = tenant.newest;
        let mut overall_window = [0.0; N];
        for key in std::iter::once(None).chain(segments.map(Some)) {
            let series = tenant.series_mut(key, total as usize);
            series.add(bucket, (windows.window_buckets, total), &values);
            let comparisons = series.compare(newest, windows.window_buckets, total);
            for (index, comparison) in comparisons.iter().enumerate() {
                if values[index].is_none() {
                    continue;
                }
                if key.is_none() {
                    overall_window[index] = comparison.window.n;
                }
                let reach = match &key {
                    None => 1.0,
                    Some(_) => comparison.window.n / overall_window[index].max(1.0),
                };
                let measure = self.measures[index];
                if let Some(state) = windows.transition(series, index, measure, newest, comparison)
                {
                    let event = (state, name, at, newest);
                    events.push(windows.event(event, measure, key, comparison, reach));
                }
            }
        }
        Ok(events)
    }

    /// [`LiveInsights::expire`] for this family.
    fn expire(&mut self, windows: &Windows, now: DateTime<Utc>) -> Vec<LiveInsight> {
        let bucket = windows.bucket_of(now);
        let mut events = Vec::new();
        for (name, tenant) in &mut self.tenants {
            windows.advance(name, tenant, &self.measures, bucket, now, &mut events);
            let newest = tenant.newest;
            let (window, total) = (windows.window_buckets, windows.total_buckets);
            let overall = tenant
                .overall
                .as_mut()
                .map(|series| series.compare(newest, window, total));
            for (key, series) in tenant.all_series_mut() {
                if !series.raised.contains(&true) {
                    continue;
                }
                let comparisons = series.compare(newest, window, total);
                for (index, comparison) in comparisons.iter().enumerate() {
                    if !series.raised[index] {
                        continue;
                    }
                    let reach = match (key, &overall) {
                        (Some(_), Some(overall)) => {
                            comparison.window.n / overall[index].window.n.max(1.0)
                        }
                        _ => 1.0,
                    };
                    let measure = self.measures[index];
                    if let Some(state) =
                        windows.transition(series, index, measure, newest, comparison)
                    {
                        let event = (state, name.as_str(), now, newest);
                        events.push(windows.event(event, measure, key, comparison, reach));
                    }
                }
            }
        }
        self.tenants.retain(|_, tenant| !tenant.is_empty());
        events
    }
}

/// What an event reports: its state, tenant, time and the tenant's latest bucket.
type EventContext<'a> = (LiveInsightState, &'a str, DateTime<Utc>, i64);

impl Windows {
    /// The bucket `at` falls in.
    fn bucket_of(&self, at: DateTime<Utc>) -> i64 {
        at.timestamp_millis()
            .div_euclid(self.bucket.num_milliseconds())
    }

    /// Moves the tenant's latest bucket to `bucket`, if later, and drops the series with no
    /// record left in the ring, clearing their raised insights first.
    fn advance<const N: usize>(
        &self,
        name: &str,
        tenant: &mut TenantSeries<N>,
        measures: &[Measure; N],
        bucket: i64,
        at: DateTime<Utc>,
        events: &mut Vec<LiveInsight>,
    ) {
        if bucket <= tenant.newest {
            return;
        }
        tenant.newest = bucket;
        let oldest = bucket - self.total_buckets;
        tenant.retain(|key, series| {
            if series.buckets.iter().any(|&b| b > oldest) {
                return true;
            }
            for (measure, raised) in measures.iter().zip(series.raised) {
                if raised {
                    let event = (LiveInsightState::Cleared, name, at, bucket);
                    let empty = Comparison::default();
                    events.push(self.event(event, *measure, key, &empty, 0.0));
                }
            }
            false
        });
    }

    /// The new alert state of metric `index` (`measure`), when the comparison raises or
    /// clears it.
    fn transition<const N: usize>(
        &self,
        series: &mut Series<N>,
        index: usize,
        measure: Measure,
        newest: i64,
        comparison: &Comparison,
    ) -> Option<LiveInsightState> {
        let options = &self.options;
        let min = options.min_calls as f64;
        let fewest = comparison.window.n.min(comparison.baseline.n);
        let raised = series.raised[index];
        let change = if fewest < min / 2.0 {
            // Too few calls to tell a difference: nothing to raise, and a raised one is over
            // (at half the minimum, not at once, which would flap).
            raised.then_some(LiveInsightState::Cleared)
        } else {
            let (window, baseline) = (comparison.window.mean(), comparison.baseline.mean());
            let p_value = test(measure.unit, comparison).map_or(1.0, |(_, p)| p);
            // Raised at the whole change, cleared under half of it: a change hovering at the
            // threshold would otherwise be raised and cleared again and again.
            let unit = measure.unit;
            let thresholds = (options.min_relative_change, options.min_sentiment_change);
            let change_is = |share: f64| {
                large_enough(
                    unit,
                    window,
                    baseline,
                    (thresholds.0 * share, thresholds.1 * share),
                )
            };
            if !raised && fewest >= min && change_is(1.0) && p_value < options.raise_p_value {
                Some(LiveInsightState::Raised)
            } else if raised && (!change_is(0.5) || p_value > options.clear_p_value) {
                Some(LiveInsightState::Cleared)
            } else {
                None
            }
        };
        match change {
            Some(LiveInsightState::Raised) => {
                series.raised[index] = true;
                series.exclude_window(newest, self.window_buckets);
            }
            Some(LiveInsightState::Cleared) => series.raised[index] = false,
            None => {}
        }
        change
    }

    fn bucket_start(&self, bucket: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::milliseconds(self.bucket.num_milliseconds() * bucket)
    }

    /// The event for metric `measure` of the series `key`.
    fn event(
        &self,
        (state, tenant, at, newest): EventContext<'_>,
        measure: Measure,
        key: SeriesKey<'_>,
        comparison: &Comparison,
        reach: f64,
    ) -> LiveInsight {
        let window_start = self.bucket_start(newest - self.window_buckets + 1);
        LiveInsight {
            state,
            tenant: tenant.to_owned(),
            at,
            window: TimeRange {
                start: window_start,
                end: self.bucket_start(newest + 1),
            },
            baseline: TimeRange {
                start: self.bucket_start(newest - self.total_buckets + 1),
                end: window_start,
            },
            insight: self.insight(measure, segment_of(key), comparison, reach),
        }
    }

    /// The insight describing `comparison` of `measure` for `segment`.
    fn insight(
        &self,
        measure: Measure,
        segment: Option<Segment>,
        comparison: &Comparison,
        reach: f64,
    ) -> Insight {
        let unit = measure.unit;
        let (window, baseline) = (comparison.window, comparison.baseline);
        let name = measure.name.replace('_', " ");
        let counted = |n: f64| unit.counted(n, measure.counted);
        let (counted_key, reference_key) = measure.counted.evidence_keys();
        let span = |minutes: u64| match minutes {
            60 => "hour".to_owned(),
            m if m % 60 == 0 => format!("{} hours", m / 60),
            m => format!("{m} minutes"),
        };
        let window_span = span(u64::from(self.options.window_minutes));
        let baseline_span = span(u64::from(self.options.baseline_hours) * 60);
        let subject = match &segment {
            Some(segment) => format!(
                "{} {}: {name}",
                capitalized(segment.dimension.as_str()),
                segment.value
            ),
            None => capitalized(&name),
        };
        if window.n == 0.0 || baseline.n == 0.0 {
            // Nothing to compare: only a clear says this.
            return Insight {
                kind: InsightKind::LiveChange,
                category: measure.name.to_owned(),
                segment,
                title: format!(
                    "{subject}: too few {} to compare in the last {window_span}",
                    measure.counted.noun()
                ),
                description: format!(
                    "{subject}: {} in the last {window_span} and {:.0} in the {baseline_span} \
                     before, too few to compare.",
                    counted(window.n),
                    baseline.n
                ),
                impact: 0.0,
                evidence: BTreeMap::from([
                    (counted_key.to_owned(), window.n),
                    (reference_key.to_owned(), baseline.n),
                ]),
            };
        }
        let test = test(unit, comparison).unwrap_or((0.0, 1.0));
        let size = difference_size(unit, window.mean(), baseline.mean());
        let finding = Finding::new(
            (InsightKind::LiveChange, measure),
            segment,
            (window, baseline),
            test,
            size * reach,
        );
        let (value, reference) = (unit.show(finding.value), unit.show(finding.reference));
        let title = format!(
            "{subject} {} in the last {window_span} ({value} against {reference})",
            if finding.value > finding.reference {
                "up"
            } else {
                "down"
            },
        );
        let description = format!(
            "{subject} {value} over {} of the last {window_span}, against {reference} over {} \
             of the {baseline_span} before ({}).",
            counted(window.n),
            counted(baseline.n),
            test_summary(unit, finding.statistic, finding.p_value),
        );
        Insight {
            kind: finding.kind,
            category: finding.category.to_owned(),
            evidence: finding.evidence(),
            segment: finding.segment,
            title,
            description,
            impact: finding.impact,
        }
    }
}

impl<const N: usize> Series<N> {
    fn new(total: usize) -> Self {
        Self {
            buckets: vec![i64::MIN; total],
            samples: vec![[Sample::default(); N]; total],
            excluded: vec![false; total],
            raised: [false; N],
            baseline: None,
        }
    }

    fn slot(bucket: i64, total: i64) -> usize {
        bucket.rem_euclid(total) as usize
    }

    /// Adds a record's metric values to its bucket; a record older than the `window` buckets
    /// ending at the summed baseline's newest bucket changes that baseline.
    fn add(&mut self, bucket: i64, (window, total): (i64, i64), values: &[Option<f64>; N]) {
        if self
            .baseline
            .is_some_and(|(newest, _)| newest.saturating_sub(bucket) >= window)
        {
            self.baseline = None;
        }
        let slot = Self::slot(bucket, total);
        if self.buckets[slot] != bucket {
            self.buckets[slot] = bucket;
            self.samples[slot] = [Sample::default(); N];
            self.excluded[slot] = self.raised.contains(&true);
        }
        for (sample, value) in self.samples[slot].iter_mut().zip(values) {
            if let Some(v) = value {
                sample.n += 1.0;
                sample.sum += v;
                sample.squares += v * v;
            }
        }
    }

    /// Leaves the buckets of the window ending at `newest` out of later baselines.
    fn exclude_window(&mut self, newest: i64, window: i64) {
        for (&bucket, excluded) in self.buckets.iter().zip(&mut self.excluded) {
            if (0..window).contains(&newest.saturating_sub(bucket)) {
                *excluded = true;
            }
        }
    }

    /// Every metric's samples over the `window` buckets ending at `newest` and the baseline
    /// before them (its excluded buckets left out), up to `total` buckets in all. The baseline
    /// is summed again only when `newest` moved or a late record changed it.
    fn compare(&mut self, newest: i64, window: i64, total: i64) -> [Comparison; N] {
        let baseline = match self.baseline {
            Some((summed_at, sums)) if summed_at == newest => sums,
            _ => {
                let sums = self.baseline_sums(newest, window, total);
                self.baseline = Some((newest, sums));
                sums
            }
        };
        // The window's slots only, in slot order as the baseline's.
        let (first, last) = (
            Self::slot(newest - (window - 1), total),
            Self::slot(newest, total),
        );
        let slots = if first <= last {
            [first..last + 1, 0..0]
        } else {
            [0..last + 1, first..total as usize]
        };
        let mut window_sums = [Sample::default(); N];
        for slot in slots.into_iter().flatten() {
            if (0..window).contains(&newest.saturating_sub(self.buckets[slot])) {
                add_samples(&mut window_sums, &self.samples[slot]);
            }
        }
        std::array::from_fn(|index| Comparison {
            window: window_sums[index],
            baseline: baseline[index],
        })
    }

    /// Every metric's samples over the baseline's buckets: `window` to `total` buckets before
    /// `newest`, not excluded; in slot order.
    fn baseline_sums(&self, newest: i64, window: i64, total: i64) -> [Sample; N] {
        let mut sums = [Sample::default(); N];
        for ((&bucket, samples), &excluded) in
            self.buckets.iter().zip(&self.samples).zip(&self.excluded)
        {
            if !excluded && (window..total).contains(&newest.saturating_sub(bucket)) {
                add_samples(&mut sums, samples);
            }
        }
        sums
    }
}

/// Adds each metric's samples of a bucket to the sums.
fn add_samples<const N: usize>(sums: &mut [Sample; N], bucket: &[Sample; N]) {
    for (sum, sample) in sums.iter_mut().zip(bucket) {
        sum.n += sample.n;
        sum.sum += sample.sum;
        sum.squares += sample.squares;
    }
}

/// The likelihood-ratio test for rates, Welch's t-test for means.
fn test(unit: Unit, comparison: &Comparison) -> Option<(f64, f64)> {
    if unit == Unit::Rate {
        likelihood_ratio_test(comparison.window, comparison.baseline)
    } else {
        welch_test(comparison.window, comparison.baseline)
    }
}

/// The likelihood-ratio (G) test of two samples of 0/1 values, with Yates' continuity
/// correction: (signed root of G, two-sided p); `None` when neither sample varies.
///
/// A window holds few calls and rare events (a handful of abandonments), where the pooled
/// z-test's upper tail is too thin. For 14 events in 120 calls against a known 5% rate, the
/// exact binomial upper tail is 2.8e-3; the z-test's is 4.0e-4 and this test's 3.3e-3 (one-sided
/// figures; the detector uses the two-sided p-values, twice these).
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

#[cfg(test)]
mod tests;
