//! Cutting customers' event streams into journeys, the cases that journey maps,
//! funnels and transition models work on.
//!
//! Each customer's events are ordered by timestamp (ties keep their input
//! order). A journey closes at a conversion or churn action of the
//! [`JourneyConfig`], or when the next event comes more than
//! `inactivity_secs` after the previous one (the journey was abandoned).
//! The events are taken to cover the time up to the latest of them: a
//! customer's last journey whose last event is more than `inactivity_secs`
//! before that is abandoned too (a later event would have found it so), and
//! only the journeys active within the window before the end stay open.
//! A repeated event id (same tenant, same id) is counted once: the first
//! occurrence in input order is kept and the others are skipped.

use rustc_hash::FxHashMap;

use super::map::EventLog;
use super::tracker::{JourneyConfig, JourneyEnd};
use crate::model::JourneyEvent;

/// One journey: a customer's consecutive events between an opening and a closing.
#[derive(Debug, Clone, PartialEq)]
pub struct JourneySlice {
    /// The customer.
    pub customer_id: String,
    /// Indices into the events passed to [`split_journeys`], in time order.
    pub events: Vec<usize>,
    /// How the journey ended; `None` while it is still open (the customer's latest journey,
    /// ending in neither a conversion nor a churn action, with an event within the inactivity
    /// window before the latest event of the input).
    pub end: Option<JourneyEnd>,
}

impl JourneySlice {
    /// Whether the journey ended in a conversion action.
    pub fn converted(&self) -> bool {
        self.end == Some(JourneyEnd::Converted)
    }
}

/// The journeys of `events` (any order, any customers), ordered by customer then start.
pub fn split_journeys(events: &[JourneyEvent], config: &JourneyConfig) -> Vec<JourneySlice> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&events[a], &events[b]);
        (&x.customer_id, x.timestamp, a).cmp(&(&y.customer_id, y.timestamp, b))
    });
    let mut first_of_id: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    for (i, event) in events.iter().enumerate() {
        first_of_id
            .entry((event.tenant.as_str(), event.id.as_str()))
            .or_insert(i);
    }
    let window = config.inactivity_window();
    let mut journeys: Vec<JourneySlice> = Vec::new();
    let mut open: Option<JourneySlice> = None;
    for i in order {
        let event = &events[i];
        if first_of_id[&(event.tenant.as_str(), event.id.as_str())] != i {
            continue;
        }
        if let Some(current) = open.take() {
            let last = &events[*current.events.last().expect("open journeys have events")];
            if last.customer_id != event.customer_id {
                journeys.push(current);
            } else if event.timestamp - last.timestamp > window {
                journeys.push(JourneySlice {
                    end: Some(JourneyEnd::Abandoned),
                    ..current
                });
            } else {
                open = Some(current);
            }
        }
        let current = open.get_or_insert_with(|| JourneySlice {
            customer_id: event.customer_id.clone(),
            events: Vec::new(),
            end: None,
        });
        current.events.push(i);
        let end = if config.conversion_actions.contains(&event.action) {
            Some(JourneyEnd::Converted)
        } else if config.churn_actions.contains(&event.action) {
            Some(JourneyEnd::Churned)
        } else {
            None
        };
        if end.is_some() {
            current.end = end;
            journeys.extend(open.take());
        }
    }
    journeys.extend(open);
    let kept = journeys.iter().flat_map(|journey| &journey.events);
    if let Some(data_end) = kept.map(|&i| events[i].timestamp).max() {
        for journey in journeys.iter_mut().filter(|journey| journey.end.is_none()) {
            let last = &events[*journey.events.last().expect("journeys have events")];
            if data_end - last.timestamp > window {
                journey.end = Some(JourneyEnd::Abandoned);
            }
        }
    }
    journeys
}

/// The case name of each journey of [`split_journeys`] (in its order): `customer#n`, n counting
/// the customer's journeys from 1.
pub fn case_names(journeys: &[JourneySlice]) -> Vec<String> {
    let mut names = Vec::with_capacity(journeys.len());
    let mut previous_customer: Option<&str> = None;
    let mut n = 0;
    for journey in journeys {
        if previous_customer == Some(journey.customer_id.as_str()) {
            n += 1;
        } else {
            n = 1;
            previous_customer = Some(&journey.customer_id);
        }
        names.push(format!("{}#{n}", journey.customer_id));
    }
    names
}

/// An event log with one case per journey (named as [`case_names`] does) and the activity
/// named by `activity` (e.g. the action, or the channel).
pub fn journey_log(
    events: &[JourneyEvent],
    journeys: &[JourneySlice],
    activity: impl Fn(&JourneyEvent) -> &str,
) -> EventLog {
    let mut log = EventLog::new();
    for (journey, case) in journeys.iter().zip(case_names(journeys)) {
        for &i in &journey.events {
            let event = &events[i];
            log.push(&case, activity(event), event.timestamp.timestamp_micros());
        }
    }
    log
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::journey::map::journey_map;
    use chrono::{Duration, TimeZone, Utc};

    pub(crate) fn event(id: &str, customer: &str, action: &str, hours: i64) -> JourneyEvent {
        JourneyEvent {
            id: id.into(),
            tenant: "t".into(),
            customer_id: customer.into(),
            channel: "web".into(),
            action: action.into(),
            timestamp: Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap() + Duration::hours(hours),
            value: None,
            sentiment: None,
            attributes: Default::default(),
        }
    }

    #[test]
    fn journeys_close_at_terminal_actions_and_after_inactivity() {
        let config = JourneyConfig::default();
        // Out of order on input; a duplicate id; a 40-day gap; the data ends 31 days after c's
        // last event and 29 days after d's.
        let events = vec![
            event("e2", "a", "pricing", 1),
            event("e1", "a", "visit", 0),
            event("e3", "a", "purchase", 2),
            event("e3", "a", "purchase", 2),
            event("e4", "a", "visit", 3),
            event("e5", "a", "visit", 3 + 40 * 24),
            event("f1", "b", "cancel", 0),
            event("g1", "c", "visit", 3 + 9 * 24),
            event("h1", "d", "visit", 3 + 11 * 24),
        ];
        let journeys = split_journeys(&events, &config);
        let shapes: Vec<(&str, Vec<usize>, Option<JourneyEnd>)> = journeys
            .iter()
            .map(|j| (j.customer_id.as_str(), j.events.clone(), j.end))
            .collect();
        assert_eq!(
            shapes,
            vec![
                ("a", vec![1, 0, 2], Some(JourneyEnd::Converted)),
                ("a", vec![4], Some(JourneyEnd::Abandoned)),
                ("a", vec![5], None),
                ("b", vec![6], Some(JourneyEnd::Churned)),
                ("c", vec![7], Some(JourneyEnd::Abandoned)),
                ("d", vec![8], None),
            ]
        );
        let map = journey_map(&journey_log(&events, &journeys, |e| &e.action));
        assert_eq!(map.cases, 6);
        assert_eq!(map.variants[0].path, ["visit"]);
        assert_eq!(map.variants[0].count, 4);
        // Without the later events, a's second journey is still open.
        let early = split_journeys(&events[..5], &config);
        assert_eq!(early[1].end, None);
    }

    #[test]
    fn no_events_no_journeys() {
        assert!(split_journeys(&[], &JourneyConfig::default()).is_empty());
    }
}
