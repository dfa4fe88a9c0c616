//! Journey metrics of the statistical insights: the journeys that began in a period, the
//! share of them that converted (or churned) before the period ended, and the touchpoints
//! and time the converted ones took; per channel of their first event and against the period
//! before, measured the same way.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{
    Counted, Finding, InsightOptions, Measure, Sample, SegmentDimension, Unit, compared_segments,
};
use crate::insights::{InsightKind, Segment};
use crate::journey::split::split_journeys;
use crate::journey::tracker::{JourneyConfig, JourneyEnd};
use crate::model::{JourneyEvent, TimeRange};

/// A journey that began in a period, as the comparisons see it at the period's end.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BegunJourney<'a> {
    /// The channel of its first event.
    pub(super) entry_channel: &'a str,
    /// How it had ended by the end of the period; `None` while open.
    pub(super) end: Option<JourneyEnd>,
    /// Its events before the end of the period.
    pub(super) touchpoints: usize,
    /// Seconds from its first event to its last before the end of the period.
    pub(super) seconds: f64,
}

/// The earliest instant whose events can shape the journeys that begin at or after `start`:
/// `config`'s inactivity window before it. An event of the period begins a journey when the
/// customer's previous event is older than that window, or ended a journey; older events
/// change neither, so they need not be read.
pub(super) fn reach_before(start: DateTime<Utc>, config: &JourneyConfig) -> DateTime<Utc> {
    start
        .checked_sub_signed(config.inactivity_window())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The journeys whose first event falls in `period`, cut by `config` from the `events`
/// (ordered by timestamp) before the period's end ([`split_journeys`]): every period is judged
/// only on what was known when it ended, so that a period and the one before it compare alike.
/// Events before [`reach_before`] the period are left out: they cannot change its journeys.
pub(super) fn begun_journeys<'a>(
    events: &'a [JourneyEvent],
    config: &JourneyConfig,
    period: TimeRange,
) -> Vec<BegunJourney<'a>> {
    let reach = reach_before(period.start, config);
    let first = events.partition_point(|event| event.timestamp < reach);
    let last = events.partition_point(|event| event.timestamp < period.end);
    let known = &events[first..last];
    split_journeys(known, config)
        .into_iter()
        .filter_map(|journey| {
            let first = &known[*journey.events.first()?];
            let last = &known[*journey.events.last()?];
            period.contains(first.timestamp).then(|| BegunJourney {
                entry_channel: &first.channel,
                end: journey.end,
                touchpoints: journey.events.len(),
                seconds: (last.timestamp - first.timestamp).as_seconds_f64(),
            })
        })
        .collect()
}

/// A per-journey metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JourneyMetric {
    Conversion,
    Churn,
    TouchpointsToConversion,
    TimeToConversion,
}

impl JourneyMetric {
    const ALL: [JourneyMetric; 4] = [
        JourneyMetric::Conversion,
        JourneyMetric::Churn,
        JourneyMetric::TouchpointsToConversion,
        JourneyMetric::TimeToConversion,
    ];

    fn measure(self) -> Measure {
        let (name, unit) = match self {
            JourneyMetric::Conversion => ("journey_conversion_rate", Unit::Rate),
            JourneyMetric::Churn => ("journey_churn_rate", Unit::Rate),
            JourneyMetric::TouchpointsToConversion => {
                ("touchpoints_to_conversion", Unit::Touchpoints)
            }
            JourneyMetric::TimeToConversion => ("time_to_conversion", Unit::Seconds),
        };
        Measure {
            name,
            unit,
            counted: Counted::Journeys,
        }
    }

    /// The journey's value (0 or 1 for rates: whether it converted, or churned, by the end of
    /// its period); the touchpoints and time count converted journeys only.
    fn value(self, journey: &BegunJourney<'_>) -> Option<f64> {
        let converted = journey.end == Some(JourneyEnd::Converted);
        let churned = journey.end == Some(JourneyEnd::Churned);
        match self {
            JourneyMetric::Conversion => Some(f64::from(u8::from(converted))),
            JourneyMetric::Churn => Some(f64::from(u8::from(churned))),
            JourneyMetric::TouchpointsToConversion => {
                converted.then_some(journey.touchpoints as f64)
            }
            JourneyMetric::TimeToConversion => converted.then_some(journey.seconds),
        }
    }

    fn sample<'a>(self, journeys: impl Iterator<Item = &'a BegunJourney<'a>>) -> Sample {
        Sample::of(journeys.filter_map(|journey| self.value(journey)))
    }
}

/// The journey findings of a run: the journeys that began in `range` against those that began
/// in `previous`, and, when `options.segment_by` has the channel, the channels journeys began
/// in against the rest. `events` may come in any order.
pub(super) fn findings(
    events: &[JourneyEvent],
    range: TimeRange,
    previous: Option<TimeRange>,
    options: &InsightOptions,
) -> Vec<Finding> {
    let events: Cow<'_, [JourneyEvent]> = if events.is_sorted_by_key(|event| event.timestamp) {
        Cow::Borrowed(events)
    } else {
        // A stable sort: ties keep their input order, as `split_journeys` orders them.
        let mut sorted = events.to_vec();
        sorted.sort_by_key(|event| event.timestamp);
        Cow::Owned(sorted)
    };
    let current = begun_journeys(&events, &options.journey, range);
    let mut findings = Vec::new();
    if let Some(before) = previous {
        let earlier = begun_journeys(&events, &options.journey, before);
        for metric in JourneyMetric::ALL {
            findings.extend(Finding::compare(
                InsightKind::PeriodChange,
                metric.measure(),
                None,
                metric.sample(current.iter()),
                metric.sample(earlier.iter()),
                options,
            ));
        }
    }
    if !options.segment_by.contains(&SegmentDimension::Channel) {
        return findings;
    }
    let mut channels: BTreeMap<&str, Vec<&BegunJourney<'_>>> = BTreeMap::new();
    for journey in &current {
        channels
            .entry(journey.entry_channel)
            .or_default()
            .push(journey);
    }
    compared_segments(&mut channels);
    for metric in JourneyMetric::ALL {
        let all = metric.sample(current.iter());
        for (channel, members) in &channels {
            let inside = metric.sample(members.iter().copied());
            findings.extend(Finding::compare(
                InsightKind::SegmentOutlier,
                metric.measure(),
                Some(Segment {
                    dimension: SegmentDimension::Channel,
                    value: (*channel).to_owned(),
                }),
                inside,
                all.without(&inside),
                options,
            ));
        }
    }
    findings
}
