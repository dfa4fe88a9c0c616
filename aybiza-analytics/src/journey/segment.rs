//! Segment comparison: the journey-map metrics side by side for the segments
//! of a log (a segment is the value of a column or attribute, such as the
//! channel of the first touch or a customer attribute).
//!
//! A case belongs to the segment of its earliest event (ties: the first in
//! input order), so a value that changes inside a journey does not split it.
//! An empty value is the segment `(blank)`.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::map::{
    DurationStats, EventLog, FunnelStep, LogColumns, Variant, funnel, journey_map, read_csv_rows,
};
use super::split::{JourneySlice, split_journeys};
use super::tracker::JourneyConfig;
use crate::model::JourneyEvent;
use crate::{Error, Result};

/// Name of the segment of cases whose segment value is empty.
pub const BLANK_SEGMENT: &str = "(blank)";

/// An event log whose events carry a segment value.
#[derive(Debug, Clone, Default)]
pub struct SegmentedLog {
    log: EventLog,
    names: Vec<String>,
    ids: FxHashMap<String, u32>,
    /// Segment id of every event, in input order.
    event_segments: Vec<u32>,
}

impl SegmentedLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one event with its segment value.
    pub fn push(&mut self, case: &str, activity: &str, timestamp_micros: i64, segment: &str) {
        self.log.push(case, activity, timestamp_micros);
        let segment = if segment.is_empty() {
            BLANK_SEGMENT
        } else {
            segment
        };
        let id = match self.ids.get(segment) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.names.push(segment.to_owned());
                self.ids.insert(segment.to_owned(), id);
                id
            }
        };
        self.event_segments.push(id);
    }

    /// Reads a CSV event log as [`EventLog::read_csv`] does, the segment from `segment_column`.
    pub fn read_csv(
        reader: impl std::io::Read,
        columns: &LogColumns,
        segment_column: &str,
    ) -> Result<Self> {
        let mut log = Self::new();
        read_csv_rows(
            reader,
            columns,
            Some(segment_column),
            |case, activity, micros, segment| log.push(case, activity, micros, segment),
        )?;
        Ok(log)
    }

    /// Journeys of `events` cut by `config` (see [`split_journeys`]), one case per journey,
    /// the activity named by `activity` and the segment by `segment` (read on every event;
    /// the journey takes its first event's).
    pub fn from_journey_events(
        events: &[JourneyEvent],
        config: &JourneyConfig,
        activity: impl Fn(&JourneyEvent) -> &str,
        segment: impl Fn(&JourneyEvent) -> &str,
    ) -> Self {
        let journeys: Vec<JourneySlice> = split_journeys(events, config);
        let mut log = Self::new();
        let mut previous: Option<&str> = None;
        let mut n = 0;
        for journey in &journeys {
            if previous == Some(journey.customer_id.as_str()) {
                n += 1;
            } else {
                n = 1;
                previous = Some(&journey.customer_id);
            }
            let case = format!("{}#{n}", journey.customer_id);
            for &i in &journey.events {
                let event = &events[i];
                log.push(
                    &case,
                    activity(event),
                    event.timestamp.timestamp_micros(),
                    segment(event),
                );
            }
        }
        log
    }

    /// The log without segments.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// One log per segment (each case in the segment of its earliest event), in segment order
    /// of first appearance.
    fn split(&self) -> Vec<(String, EventLog)> {
        let events = self.log.raw_events();
        // Earliest event of each case: (timestamp, input position).
        let mut first: Vec<Option<(i64, usize)>> = vec![None; self.log.cases().len()];
        for (i, &(case, _, ts)) in events.iter().enumerate() {
            let slot = &mut first[case as usize];
            if slot.is_none_or(|(t, _)| ts < t) {
                *slot = Some((ts, i));
            }
        }
        let case_segment: Vec<u32> = first
            .iter()
            .map(|f| self.event_segments[f.expect("every case has an event").1])
            .collect();
        let mut logs: Vec<EventLog> = vec![EventLog::new(); self.names.len()];
        let (cases, activities) = (self.log.cases(), self.log.activities());
        for &(case, activity, ts) in events {
            logs[case_segment[case as usize] as usize].push(
                &cases[case as usize],
                &activities[activity as usize],
                ts,
            );
        }
        self.names
            .iter()
            .cloned()
            .zip(logs)
            .filter(|(_, log)| !log.is_empty())
            .collect()
    }
}

/// What [`compare_segments`] computes besides the journey map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentOptions {
    /// Activities that make a case converted (a case containing one of them).
    pub conversion_activities: Vec<String>,
    /// Funnel stages, in order; no funnel when empty.
    pub funnel: Vec<String>,
    /// Variants listed per segment (the most frequent).
    pub top_variants: usize,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        Self {
            conversion_activities: vec!["purchase".into()],
            funnel: Vec::new(),
            top_variants: 10,
        }
    }
}

/// Cases that stopped at an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityShare {
    /// The last activity of those cases.
    pub activity: String,
    /// How many cases.
    pub cases: u64,
    /// `cases` among the segment's cases that did not convert.
    pub share: f64,
}

/// The journey-map metrics of one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSummary {
    /// The segment value.
    pub segment: String,
    /// Cases in the segment.
    pub cases: u64,
    /// Their events.
    pub events: u64,
    /// `cases` over the cases of every segment.
    pub share_of_cases: f64,
    /// Distinct variants in the segment.
    pub variant_count: u64,
    /// The most frequent variants (shares within the segment).
    pub variants: Vec<Variant>,
    /// Cases containing a conversion activity.
    pub converted: u64,
    /// `converted / cases`.
    pub conversion_rate: f64,
    /// Case durations.
    pub durations: DurationStats,
    /// Last activities of the cases that did not convert, most first.
    pub drop_offs: Vec<ActivityShare>,
    /// The funnel over [`SegmentOptions::funnel`].
    pub funnel: Vec<FunnelStep>,
}

/// The segments side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentComparison {
    /// Cases over all segments.
    pub cases: u64,
    /// One summary per segment, most cases first (ties by segment value).
    pub segments: Vec<SegmentSummary>,
}

/// The journey-map metrics of every segment of `log`.
pub fn compare_segments(log: &SegmentedLog, options: &SegmentOptions) -> Result<SegmentComparison> {
    if options.funnel.iter().any(|s| s.is_empty()) {
        return Err(Error::InvalidArgument("a funnel stage is empty".into()));
    }
    let stages: Vec<&str> = options.funnel.iter().map(String::as_str).collect();
    let total = log.log.cases().len() as u64;
    let mut segments = Vec::new();
    for (segment, sub) in log.split() {
        let map = journey_map(&sub);
        let traces = sub.traces();
        let conversion: Vec<bool> = sub
            .activities()
            .iter()
            .map(|a| options.conversion_activities.contains(a))
            .collect();
        let mut converted = 0u64;
        let mut last: FxHashMap<u32, u64> = FxHashMap::default();
        for range in &traces.cases {
            let path = &traces.activities[range.clone()];
            if path.iter().any(|&a| conversion[a as usize]) {
                converted += 1;
            } else {
                *last.entry(path[path.len() - 1]).or_default() += 1;
            }
        }
        let lost = map.cases - converted;
        let mut drop_offs: Vec<ActivityShare> = last
            .into_iter()
            .map(|(activity, cases)| ActivityShare {
                activity: sub.activities()[activity as usize].clone(),
                cases,
                share: cases as f64 / lost as f64,
            })
            .collect();
        drop_offs.sort_by(|a, b| {
            b.cases
                .cmp(&a.cases)
                .then_with(|| a.activity.cmp(&b.activity))
        });
        segments.push(SegmentSummary {
            segment,
            cases: map.cases,
            events: map.events,
            share_of_cases: map.cases as f64 / total as f64,
            variant_count: map.variants.len() as u64,
            variants: map
                .variants
                .into_iter()
                .take(options.top_variants)
                .collect(),
            converted,
            conversion_rate: converted as f64 / map.cases as f64,
            durations: map.durations,
            drop_offs,
            funnel: if stages.is_empty() {
                Vec::new()
            } else {
                funnel(&sub, &stages)?
            },
        });
    }
    segments.sort_by(|a, b| {
        b.cases
            .cmp(&a.cases)
            .then_with(|| a.segment.cmp(&b.segment))
    });
    Ok(SegmentComparison {
        cases: total,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "case_id,activity,timestamp,source\n\
        a,visit,2026-01-05 09:00:00,ads\n\
        a,purchase,2026-01-05 10:00:00,email\n\
        b,visit,2026-01-05 09:00:00,ads\n\
        b,pricing,2026-01-05 11:00:00,ads\n\
        c,pricing,2026-01-05 09:30:00,\n\
        c,visit,2026-01-05 09:00:00,email\n\
        c,purchase,2026-01-05 12:00:00,email\n\
        d,visit,2026-01-05 09:00:00,\n";

    fn columns() -> LogColumns {
        LogColumns::default()
    }

    #[test]
    fn segments_take_the_first_events_value_and_compare_side_by_side() {
        let log = SegmentedLog::read_csv(LOG.as_bytes(), &columns(), "source").unwrap();
        let options = SegmentOptions {
            funnel: vec!["visit".into(), "purchase".into()],
            ..SegmentOptions::default()
        };
        let comparison = compare_segments(&log, &options).unwrap();
        assert_eq!(comparison.cases, 4);
        let names: Vec<&str> = comparison
            .segments
            .iter()
            .map(|s| s.segment.as_str())
            .collect();
        assert_eq!(names, ["ads", BLANK_SEGMENT, "email"]);
        let ads = &comparison.segments[0];
        assert_eq!((ads.cases, ads.events, ads.converted), (2, 4, 1));
        assert_eq!(ads.conversion_rate, 0.5);
        assert_eq!(ads.drop_offs[0].activity, "pricing");
        assert_eq!(ads.funnel[1].cases, 1);
        assert_eq!(ads.durations.max, 7200.0);
        // c's earliest event (09:00, listed second) is `email`.
        let email = &comparison.segments[2];
        assert_eq!(email.variants[0].path, ["visit", "pricing", "purchase"]);
        assert_eq!(email.conversion_rate, 1.0);
        assert!(email.drop_offs.is_empty());
        let blank = &comparison.segments[1];
        assert_eq!((blank.cases, blank.conversion_rate), (1, 0.0));
    }

    #[test]
    fn a_missing_segment_column_or_empty_stage_is_an_error() {
        let missing = SegmentedLog::read_csv(LOG.as_bytes(), &columns(), "nope");
        assert!(matches!(missing, Err(Error::InvalidArgument(m)) if m.contains("nope")));
        let log = SegmentedLog::read_csv(LOG.as_bytes(), &columns(), "source").unwrap();
        let options = SegmentOptions {
            funnel: vec![String::new()],
            ..SegmentOptions::default()
        };
        assert!(compare_segments(&log, &options).is_err());
        let empty = compare_segments(&SegmentedLog::new(), &SegmentOptions::default()).unwrap();
        assert_eq!((empty.cases, empty.segments.len()), (0, 0));
    }

    #[test]
    fn journeys_segment_by_their_first_channel() {
        use crate::journey::split::tests::event;
        let mut events = vec![
            event("1", "a", "visit", 0),
            event("2", "a", "purchase", 1),
            event("3", "b", "visit", 0),
        ];
        events[0].channel = "app".into();
        events[1].channel = "email".into();
        let log = SegmentedLog::from_journey_events(
            &events,
            &JourneyConfig::default(),
            |e| &e.action,
            |e| &e.channel,
        );
        let comparison = compare_segments(&log, &SegmentOptions::default()).unwrap();
        let summary: Vec<(&str, u64, f64)> = comparison
            .segments
            .iter()
            .map(|s| (s.segment.as_str(), s.cases, s.conversion_rate))
            .collect();
        assert_eq!(summary, [("app", 1, 1.0), ("web", 1, 0.0)]);
    }
}
