//! Journey maps from event logs, as process-mining tools compute them: variants
//! (the distinct paths with their counts), the directly-follows graph with
//! frequencies and median transition times, start and end activities, case
//! durations, and a funnel over ordered stages.
//!
//! Events of a case are ordered by timestamp; events with equal timestamps keep
//! their input order (pm4py orders the same way), so results equal pm4py's.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::model::JourneyEvent;
use crate::{Error, Result};

/// Events grouped by case (a customer journey), with interned case and activity names.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    activities: Vec<String>,
    activity_ids: FxHashMap<String, u32>,
    cases: Vec<String>,
    case_ids: FxHashMap<String, u32>,
    /// (case, activity, timestamp in microseconds since the Unix epoch), in input order.
    events: Vec<(u32, u32, i64)>,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one event; `timestamp_micros` counts microseconds since the Unix epoch.
    pub fn push(&mut self, case: &str, activity: &str, timestamp_micros: i64) {
        let case = intern(&mut self.cases, &mut self.case_ids, case);
        let activity = intern(&mut self.activities, &mut self.activity_ids, activity);
        self.events.push((case, activity, timestamp_micros));
    }

    /// A log of journey events: one case per customer, the activity named by `activity`
    /// (for example the event's action, or its channel). Events may come in any order; a
    /// repeated event id (same tenant) counts once, the first in input order. To cut each
    /// customer's events into journeys first, see [`super::split`].
    pub fn from_journey_events(
        events: &[JourneyEvent],
        activity: impl Fn(&JourneyEvent) -> &str,
    ) -> Self {
        let mut log = Self::new();
        let mut seen: rustc_hash::FxHashSet<(&str, &str)> = Default::default();
        for event in events {
            if !seen.insert((event.tenant.as_str(), event.id.as_str())) {
                continue;
            }
            log.push(
                &event.customer_id,
                activity(event),
                event.timestamp.timestamp_micros(),
            );
        }
        log
    }

    /// Reads a CSV event log (header row; one row per event, rows in any order) from `reader`,
    /// taking the case, activity and timestamp from the named columns. A bad timestamp or a
    /// missing column is an error naming the row and column.
    pub fn read_csv(reader: impl std::io::Read, columns: &LogColumns) -> Result<Self> {
        let mut log = Self::new();
        read_csv_rows(reader, columns, None, |case, activity, micros, _| {
            log.push(case, activity, micros);
        })?;
        Ok(log)
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether the log has no events.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Activity names, by id.
    pub fn activities(&self) -> &[String] {
        &self.activities
    }

    /// Case names, by id.
    pub fn cases(&self) -> &[String] {
        &self.cases
    }

    /// Every event as (case id, activity id, timestamp in microseconds), in input order.
    pub(crate) fn raw_events(&self) -> &[(u32, u32, i64)] {
        &self.events
    }

    /// Activity ids of every case in timestamp order, concatenated, with each case's
    /// `(start, end)` range in that array and its first and last timestamps.
    pub(crate) fn traces(&self) -> Traces {
        let mut order: Vec<u32> = (0..self.events.len() as u32).collect();
        order.sort_unstable_by_key(|&i| {
            let (case, _, ts) = self.events[i as usize];
            (case, ts, i)
        });
        let mut traces = Traces {
            activities: Vec::with_capacity(order.len()),
            timestamps: Vec::with_capacity(order.len()),
            cases: Vec::new(),
        };
        let mut start = 0;
        for (position, &i) in order.iter().enumerate() {
            let (case, activity, ts) = self.events[i as usize];
            traces.activities.push(activity);
            traces.timestamps.push(ts);
            let next_case = order.get(position + 1).map(|&j| self.events[j as usize].0);
            if next_case != Some(case) {
                traces.cases.push(start..position + 1);
                start = position + 1;
            }
        }
        traces
    }
}

/// The columns of a CSV event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogColumns {
    /// Column holding the case (journey) id.
    pub case: String,
    /// Column holding the activity name.
    pub activity: String,
    /// Column holding the event's timestamp.
    pub timestamp: String,
}

impl Default for LogColumns {
    /// pm4py's conventional names.
    fn default() -> Self {
        Self {
            case: "case_id".into(),
            activity: "activity".into(),
            timestamp: "timestamp".into(),
        }
    }
}

/// Reads the rows of a CSV event log, calling `on_row` with each row's case, activity,
/// timestamp (microseconds) and the field of the `extra` column (empty without one).
pub(crate) fn read_csv_rows(
    reader: impl std::io::Read,
    columns: &LogColumns,
    extra: Option<&str>,
    mut on_row: impl FnMut(&str, &str, i64, &str),
) -> Result<()> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(reader);
    let headers = csv.byte_headers().map_err(csv_error)?.clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h == name.as_bytes())
            .ok_or_else(|| Error::InvalidArgument(format!("the event log has no column `{name}`")))
    };
    let (case, activity, timestamp) = (
        find(&columns.case)?,
        find(&columns.activity)?,
        find(&columns.timestamp)?,
    );
    let extra = extra
        .map(|name| find(name).map(|i| (i, name)))
        .transpose()?;
    let mut record = csv::ByteRecord::new();
    let mut row = 1;
    while csv.read_byte_record(&mut record).map_err(csv_error)? {
        row += 1;
        let field = |index: usize, name: &str| -> Result<&str> {
            let bytes = record.get(index).unwrap_or_default();
            std::str::from_utf8(bytes).map_err(|_| {
                Error::InvalidArgument(format!("row {row}, column `{name}`: not valid UTF-8"))
            })
        };
        let stamp = field(timestamp, &columns.timestamp)?;
        let micros = parse_timestamp_micros(stamp).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "row {row}, column `{}`: `{stamp}` is not a timestamp",
                columns.timestamp
            ))
        })?;
        let extra_field = match extra {
            Some((index, name)) => field(index, name)?,
            None => "",
        };
        on_row(
            field(case, &columns.case)?,
            field(activity, &columns.activity)?,
            micros,
            extra_field,
        );
    }
    Ok(())
}

pub(crate) fn csv_error(error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io(io),
        other => Error::InvalidArgument(format!("malformed CSV: {other:?}")),
    }
}

fn intern(names: &mut Vec<String>, ids: &mut FxHashMap<String, u32>, name: &str) -> u32 {
    if let Some(&id) = ids.get(name) {
        return id;
    }
    let id = names.len() as u32;
    names.push(name.to_owned());
    ids.insert(name.to_owned(), id);
    id
}

/// Every case's activities and timestamps in order, concatenated, with each case's range.
pub(crate) struct Traces {
    pub(crate) activities: Vec<u32>,
    pub(crate) timestamps: Vec<i64>,
    pub(crate) cases: Vec<std::ops::Range<usize>>,
}

/// A distinct path through the activities and how many cases followed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Activities in order.
    pub path: Vec<String>,
    /// Cases with exactly this path.
    pub count: u64,
    /// `count` over all cases.
    pub share: f64,
}

/// One edge of the directly-follows graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// The earlier activity.
    pub from: String,
    /// The activity directly after it in the same case.
    pub to: String,
    /// How often `to` directly followed `from`.
    pub count: u64,
    /// Median time between the two events, in seconds.
    pub median_seconds: f64,
}

/// Summary statistics of case durations (first to last event), in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct DurationStats {
    /// Mean duration.
    pub mean: f64,
    /// Median duration.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Longest duration.
    pub max: f64,
}

/// The journey map of a log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JourneyMap {
    /// Number of cases.
    pub cases: u64,
    /// Number of events.
    pub events: u64,
    /// Distinct paths, most frequent first (ties: the path that sorts first).
    pub variants: Vec<Variant>,
    /// Directly-follows edges, most frequent first (ties: by from, then to).
    pub edges: Vec<Edge>,
    /// How many cases start with each activity.
    pub start_activities: BTreeMap<String, u64>,
    /// How many cases end with each activity (the drop-off or exit points).
    pub end_activities: BTreeMap<String, u64>,
    /// Case durations.
    pub durations: DurationStats,
}

/// Computes the journey map of a log.
pub fn journey_map(log: &EventLog) -> JourneyMap {
    let traces = log.traces();
    let names = &log.activities;
    let mut variants: FxHashMap<&[u32], u64> = FxHashMap::default();
    let mut edges: FxHashMap<(u32, u32), Vec<i64>> = FxHashMap::default();
    let mut starts = vec![0u64; names.len()];
    let mut ends = vec![0u64; names.len()];
    let mut durations = Vec::with_capacity(traces.cases.len());
    for range in &traces.cases {
        let path = &traces.activities[range.clone()];
        let times = &traces.timestamps[range.clone()];
        *variants.entry(path).or_default() += 1;
        starts[path[0] as usize] += 1;
        ends[path[path.len() - 1] as usize] += 1;
        durations.push((times[times.len() - 1] - times[0]) as f64 / 1e6);
        for i in 1..path.len() {
            edges
                .entry((path[i - 1], path[i]))
                .or_default()
                .push(times[i] - times[i - 1]);
        }
    }
    let cases = traces.cases.len() as u64;
    let name = |id: &u32| names[*id as usize].clone();
    let mut variants: Vec<Variant> = variants
        .into_iter()
        .map(|(path, count)| Variant {
            path: path.iter().map(name).collect(),
            count,
            share: count as f64 / cases as f64,
        })
        .collect();
    variants.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.path.cmp(&b.path)));
    let mut edges: Vec<Edge> = edges
        .into_iter()
        .map(|((from, to), mut gaps)| Edge {
            from: name(&from),
            to: name(&to),
            count: gaps.len() as u64,
            median_seconds: median_micros(&mut gaps) / 1e6,
        })
        .collect();
    edges.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    let count_map = |counts: Vec<u64>| {
        counts
            .into_iter()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .map(|(id, n)| (names[id].clone(), n))
            .collect()
    };
    JourneyMap {
        cases,
        events: log.len() as u64,
        variants,
        edges,
        start_activities: count_map(starts),
        end_activities: count_map(ends),
        durations: duration_stats(&mut durations),
    }
}

/// Median of integer microseconds; the mean of the two middle values for an even count.
fn median_micros(values: &mut [i64]) -> f64 {
    let n = values.len();
    let (_, &mut upper, _) = values.select_nth_unstable(n / 2);
    if n % 2 == 1 {
        upper as f64
    } else {
        let lower = *values[..n / 2].iter().max().expect("n >= 2");
        (lower as f64 + upper as f64) / 2.0
    }
}

fn duration_stats(durations: &mut [f64]) -> DurationStats {
    if durations.is_empty() {
        return DurationStats::default();
    }
    durations.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        // Linear interpolation between closest ranks (numpy's default).
        let position = q * (durations.len() - 1) as f64;
        let low = position.floor() as usize;
        let high = position.ceil() as usize;
        durations[low] + (durations[high] - durations[low]) * (position - low as f64)
    };
    DurationStats {
        mean: durations.iter().sum::<f64>() / durations.len() as f64,
        p50: quantile(0.5),
        p90: quantile(0.9),
        p95: quantile(0.95),
        max: durations[durations.len() - 1],
    }
}

/// How many cases reached each stage of an ordered funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    /// The stage's activity.
    pub stage: String,
    /// Cases that reached this stage after reaching every earlier one, in order.
    pub cases: u64,
    /// `cases` over the cases that reached the previous stage (over all cases for the first).
    pub conversion_from_previous: f64,
}

/// The funnel over `stages`: a case reaches a stage when the stage's activity occurs in it after
/// the case reached the previous stage.
pub fn funnel(log: &EventLog, stages: &[&str]) -> Result<Vec<FunnelStep>> {
    if stages.is_empty() {
        return Err(Error::InvalidArgument(
            "a funnel needs at least one stage".into(),
        ));
    }
    let ids: Vec<Option<u32>> = stages
        .iter()
        .map(|s| log.activity_ids.get(*s).copied())
        .collect();
    let traces = log.traces();
    let mut reached = vec![0u64; stages.len()];
    for range in &traces.cases {
        let mut next = 0;
        for &activity in &traces.activities[range.clone()] {
            if next < stages.len() && ids[next] == Some(activity) {
                reached[next] += 1;
                next += 1;
            }
        }
    }
    let total = traces.cases.len() as u64;
    Ok(stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let before = if i == 0 { total } else { reached[i - 1] };
            FunnelStep {
                stage: (*stage).to_owned(),
                cases: reached[i],
                conversion_from_previous: if before == 0 {
                    0.0
                } else {
                    reached[i] as f64 / before as f64
                },
            }
        })
        .collect())
}

/// Parses the timestamp formats common in event logs: RFC 3339 (`2026-01-05T09:00:00Z`,
/// with an offset or fraction) and `YYYY-MM-DD HH:MM:SS[.fff]` read as UTC. Returns microseconds.
/// Only years 1 to 9999 are timestamps, so that any two differ by a number of microseconds
/// that fits an `i64`.
pub fn parse_timestamp_micros(text: &str) -> Option<i64> {
    /// 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in microseconds since the Unix epoch.
    const EARLIEST: i64 = -62_135_596_800_000_000;
    const END: i64 = 253_402_300_800_000_000;
    parse_any_timestamp_micros(text.trim()).filter(|micros| (EARLIEST..END).contains(micros))
}

/// [`parse_timestamp_micros`] without the range check.
fn parse_any_timestamp_micros(text: &str) -> Option<i64> {
    if let Some(micros) = parse_iso_fast(text.as_bytes()) {
        return Some(micros);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_micros());
    }
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    Some(DateTime::<Utc>::from_naive_utc_and_offset(naive, Utc).timestamp_micros())
}

/// The common case without allocation: `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±HH:MM]`.
fn parse_iso_fast(b: &[u8]) -> Option<i64> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        b.get(range)?.iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        digits(0..4)? as i32,
        digits(5..7)? as u32,
        digits(8..10)? as u32,
    )?;
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &b[19..];
    let mut micros = 0i64;
    if let Some((&b'.', fraction)) = rest.split_first() {
        let len = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 || len > 9 {
            return None;
        }
        let value = fraction[..len]
            .iter()
            .fold(0i64, |n, &c| n * 10 + i64::from(c - b'0'));
        micros = if len <= 6 {
            value * 10i64.pow(6 - len as u32)
        } else {
            value / 10i64.pow(len as u32 - 6)
        };
        rest = &fraction[len..];
    }
    let offset_secs = match rest {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let field = |a: u8, b: u8| {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let secs = field(*h1, *h2)? * 3600 + field(*m1, *m2)? * 60;
            if *sign == b'+' { secs } else { -secs }
        }
        _ => return None,
    };
    let days = date
        .signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?)
        .num_days();
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(seconds * 1_000_000 + micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(rows: &[(&str, &str, &str)]) -> EventLog {
        let mut log = EventLog::new();
        for (case, activity, ts) in rows {
            log.push(case, activity, parse_timestamp_micros(ts).unwrap());
        }
        log
    }

    #[test]
    fn variants_edges_and_endpoints_follow_timestamps() {
        // Rows out of order; c2 has a tie that keeps input order (b before c).
        let log = log(&[
            ("c1", "b", "2026-01-01 10:05:00"),
            ("c1", "a", "2026-01-01 10:00:00"),
            ("c2", "a", "2026-01-01 11:00:00"),
            ("c2", "b", "2026-01-01 11:10:00"),
            ("c2", "c", "2026-01-01 11:10:00"),
            ("c3", "a", "2026-01-02T09:00:00Z"),
            ("c3", "b", "2026-01-02T09:01:00+00:00"),
        ]);
        let map = journey_map(&log);
        assert_eq!(map.cases, 3);
        assert_eq!(map.events, 7);
        assert_eq!(map.variants[0].path, vec!["a", "b"]);
        assert_eq!(map.variants[0].count, 2);
        assert_eq!(map.variants[1].path, vec!["a", "b", "c"]);
        let ab = &map.edges[0];
        assert_eq!((ab.from.as_str(), ab.to.as_str(), ab.count), ("a", "b", 3));
        // Gaps 300 s, 600 s, 60 s: median 300 s.
        assert_eq!(ab.median_seconds, 300.0);
        assert_eq!(map.edges[1].median_seconds, 0.0);
        assert_eq!(map.start_activities["a"], 3);
        assert_eq!(map.end_activities["b"], 2);
        assert_eq!(map.end_activities["c"], 1);
        assert_eq!(map.durations.max, 600.0);
        assert_eq!(map.durations.p50, 300.0);
    }

    #[test]
    fn journey_events_out_of_order_and_repeated_ids() {
        use crate::journey::split::tests::event;
        let events = vec![
            event("2", "a", "pricing", 1),
            event("1", "a", "visit", 0),
            event("2", "a", "pricing", 1),
            event("3", "b", "visit", 0),
        ];
        let map = journey_map(&EventLog::from_journey_events(&events, |e| &e.action));
        assert_eq!((map.cases, map.events), (2, 3));
        assert_eq!(map.variants[0].path, ["visit"]);
        assert_eq!(map.variants[1].path, ["visit", "pricing"]);
    }

    #[test]
    fn even_counts_take_the_mean_of_the_middle_pair() {
        let mut gaps = vec![4, 1, 3, 2];
        assert_eq!(median_micros(&mut gaps), 2.5);
    }

    #[test]
    fn funnel_counts_ordered_progress() {
        let log = log(&[
            ("c1", "visit", "2026-01-01 10:00:00"),
            ("c1", "cart", "2026-01-01 10:01:00"),
            ("c1", "buy", "2026-01-01 10:02:00"),
            ("c2", "visit", "2026-01-01 10:00:00"),
            ("c2", "buy", "2026-01-01 10:01:00"),
            ("c3", "cart", "2026-01-01 10:00:00"),
            ("c3", "visit", "2026-01-01 10:01:00"),
        ]);
        let steps = funnel(&log, &["visit", "cart", "buy"]).unwrap();
        assert_eq!(
            steps.iter().map(|s| s.cases).collect::<Vec<_>>(),
            vec![3, 1, 1]
        );
        assert!((steps[1].conversion_from_previous - 1.0 / 3.0).abs() < 1e-12);
        assert!(funnel(&log, &[]).is_err());
        assert_eq!(funnel(&log, &["nowhere"]).unwrap()[0].cases, 0);
    }

    #[test]
    fn timestamps_parse_in_common_formats() {
        let utc = parse_timestamp_micros("2026-01-05T09:00:00Z").unwrap();
        assert_eq!(parse_timestamp_micros("2026-01-05 09:00:00"), Some(utc));
        assert_eq!(
            parse_timestamp_micros("2026-01-05T10:00:00+01:00"),
            Some(utc)
        );
        assert_eq!(
            parse_timestamp_micros("2026-01-05 09:00:00.5"),
            Some(utc + 500_000)
        );
        assert_eq!(
            parse_timestamp_micros("2026-01-05"),
            Some(utc - 9 * 3_600_000_000)
        );
        assert_eq!(parse_timestamp_micros("yesterday"), None);
        // Years 1 to 9999 only.
        assert!(parse_timestamp_micros("0001-01-01").is_some());
        assert!(parse_timestamp_micros("9999-12-31T23:59:59.999999Z").is_some());
        assert_eq!(parse_timestamp_micros("-200000-01-01"), None);
        assert_eq!(parse_timestamp_micros("+200000-01-01T00:00:00Z"), None);
        assert_eq!(parse_timestamp_micros("0001-01-01T00:00:00+01:00"), None);
    }
}
