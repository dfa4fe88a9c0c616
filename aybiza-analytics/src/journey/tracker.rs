//! Live journey tracking: per event, the journey's stage, abandonment risk, next
//! best action, satisfaction trend and bottleneck, from a transition model
//! learned on past journeys; a hook fires retention actions above a risk.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};

use super::map::EventLog;
use super::split::{journey_log, split_journeys};
use super::{JourneyTracker, JourneyUpdate};
use crate::model::{JourneyEvent, TimeRange};
use crate::store::Store;
use crate::{Error, Result};

/// Maps actions to a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRule {
    /// Stage name (`awareness`, `consideration`, `purchase`, `support`, `retention`, …).
    pub stage: String,
    /// Actions that put a journey in this stage.
    pub actions: Vec<String>,
}

/// How journeys are staged, opened and closed; missing fields take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JourneyConfig {
    /// Stage rules; the first rule naming an action wins. A journey keeps its stage until an action of another stage.
    pub stages: Vec<StageRule>,
    /// Actions that end a journey as converted.
    pub conversion_actions: Vec<String>,
    /// Actions that end a journey as churned.
    pub churn_actions: Vec<String>,
    /// A journey without events for this long is closed as abandoned; the customer's next event opens a new one.
    pub inactivity_secs: i64,
    /// Abandonment risk above which the retention hook fires (0.7 in the original design).
    pub retention_risk_threshold: f64,
    /// Successors seen fewer times than this are not proposed as next best action.
    pub min_support: u64,
}

impl Default for JourneyConfig {
    fn default() -> Self {
        Self {
            stages: Vec::new(),
            conversion_actions: vec!["purchase".into()],
            churn_actions: vec!["cancel".into()],
            inactivity_secs: 30 * 24 * 3600,
            retention_risk_threshold: 0.7,
            min_support: 5,
        }
    }
}

impl JourneyConfig {
    /// `inactivity_secs` as a duration; a window too long for chrono (over about 292 million
    /// years) is the longest duration, so a journey then never closes for inactivity.
    pub fn inactivity_window(&self) -> Duration {
        Duration::try_seconds(self.inactivity_secs).unwrap_or(Duration::MAX)
    }
}

/// A transition that took far longer than usual (beyond the 90th percentile of past journeys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bottleneck {
    /// The previous action.
    pub from: String,
    /// The action just taken.
    pub to: String,
    /// How long this journey took between them, in seconds.
    pub seconds: f64,
    /// The median in past journeys, in seconds.
    pub typical_seconds: f64,
}

/// How a journey ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JourneyEnd {
    /// A conversion action.
    Converted,
    /// A churn action.
    Churned,
    /// No event within the inactivity window.
    Abandoned,
}

impl JourneyEnd {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            JourneyEnd::Converted => "converted",
            JourneyEnd::Churned => "churned",
            JourneyEnd::Abandoned => "abandoned",
        }
    }
}

/// Statistics of past journeys that live tracking compares against.
#[derive(Debug, Clone, Default)]
pub struct TransitionModel {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
    /// Per action: how often each action directly followed it.
    next: Vec<FxHashMap<u32, u64>>,
    /// Per action: (journeys through it that converted, journeys through it).
    through: Vec<(u64, u64)>,
    /// Per transition: (median, 90th percentile) of the time between the two actions, in seconds.
    gaps: FxHashMap<(u32, u32), (f64, f64)>,
    /// Share of all past journeys that converted.
    baseline: f64,
    /// Number of past journeys.
    journeys: u64,
}

impl TransitionModel {
    /// Learns from past journeys: each case of `log` is a journey, converted when it contains a
    /// conversion action of `config`.
    pub fn learn(log: &EventLog, config: &JourneyConfig) -> Self {
        let names = log.activities().to_vec();
        let ids: FxHashMap<String, u32> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        let conversion: Vec<bool> = names
            .iter()
            .map(|n| config.conversion_actions.contains(n))
            .collect();
        let mut next = vec![FxHashMap::default(); names.len()];
        let mut through = vec![(0u64, 0u64); names.len()];
        let mut gaps: FxHashMap<(u32, u32), Vec<f64>> = FxHashMap::default();
        let traces = log.traces();
        let mut converted_journeys = 0u64;
        let mut seen = vec![u32::MAX; names.len()];
        for (case, range) in traces.cases.iter().enumerate() {
            let path = &traces.activities[range.clone()];
            let times = &traces.timestamps[range.clone()];
            let converted = path.iter().any(|&a| conversion[a as usize]);
            converted_journeys += u64::from(converted);
            for (i, &action) in path.iter().enumerate() {
                if seen[action as usize] != case as u32 {
                    seen[action as usize] = case as u32;
                    through[action as usize].1 += 1;
                    through[action as usize].0 += u64::from(converted);
                }
                if i > 0 {
                    *next[path[i - 1] as usize].entry(action).or_default() += 1;
                    gaps.entry((path[i - 1], action))
                        .or_default()
                        .push((times[i] - times[i - 1]) as f64 / 1e6);
                }
            }
        }
        let gaps = gaps
            .into_iter()
            .map(|(key, mut values)| {
                values.sort_by(f64::total_cmp);
                let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
                (key, (at(0.5), at(0.9)))
            })
            .collect();
        let journeys = traces.cases.len() as u64;
        Self {
            ids,
            names,
            next,
            through,
            gaps,
            journeys,
            baseline: if journeys == 0 {
                0.0
            } else {
                converted_journeys as f64 / journeys as f64
            },
        }
    }

    /// Learns from journey events (any order, any customers): they are cut into journeys by
    /// `config` (see [`split_journeys`]), each journey's actions in time order.
    pub fn from_journey_events(events: &[JourneyEvent], config: &JourneyConfig) -> Self {
        let journeys = split_journeys(events, config);
        Self::learn(
            &journey_log(events, &journeys, |e| e.action.as_str()),
            config,
        )
    }

    /// Learns from the journey events of `tenant` in `range` held by `store`. A tenant without
    /// journey events there is [`Error::InvalidArgument`]: there is nothing to learn from.
    pub async fn from_store(
        store: &dyn Store,
        tenant: &str,
        range: TimeRange,
        config: &JourneyConfig,
    ) -> Result<Self> {
        let events = store.journey_events(tenant, range).await?;
        if events.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "tenant `{tenant}` has no journey events in the store for this period to learn from"
            )));
        }
        Ok(Self::from_journey_events(&events, config))
    }

    /// Past journeys learned from.
    pub fn journeys(&self) -> u64 {
        self.journeys
    }

    /// Probability that a journey that reached `action` converts (the baseline for unseen actions).
    pub fn conversion_probability(&self, action: &str) -> f64 {
        match self.ids.get(action) {
            Some(&id) if self.through[id as usize].1 > 0 => {
                let (converted, total) = self.through[id as usize];
                converted as f64 / total as f64
            }
            _ => self.baseline,
        }
    }

    /// The successor of `action` with the highest conversion probability among those seen at least `min_support` times.
    pub fn next_best_action(&self, action: &str, min_support: u64) -> Option<&str> {
        let id = *self.ids.get(action)?;
        self.next[id as usize]
            .iter()
            .filter(|(_, count)| **count >= min_support)
            .map(|(&next, _)| {
                (
                    next,
                    self.conversion_probability(&self.names[next as usize]),
                )
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(next, _)| self.names[next as usize].as_str())
    }

    fn gap(&self, from: &str, to: &str) -> Option<(f64, f64)> {
        let key = (*self.ids.get(from)?, *self.ids.get(to)?);
        self.gaps.get(&key).copied()
    }
}

/// The live state of one customer's open journey.
#[derive(Debug, Clone)]
struct LiveJourney {
    started: DateTime<Utc>,
    last_at: DateTime<Utc>,
    last_action: String,
    stage: Option<String>,
    touchpoints: usize,
    sentiments: Vec<f64>,
    event_ids: Vec<String>,
}

/// Callback fired with the update of a journey whose abandonment risk crossed the threshold.
pub type RetentionHook = Box<dyn Fn(&JourneyUpdate) + Send + Sync>;

/// A [`JourneyTracker`] over many concurrent customers (sharded, thread-safe).
pub struct LiveJourneyTracker {
    config: JourneyConfig,
    model: TransitionModel,
    shards: Vec<Mutex<FxHashMap<String, LiveJourney>>>,
    hook: Option<RetentionHook>,
}

impl std::fmt::Debug for LiveJourneyTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveJourneyTracker")
            .field("config", &self.config)
            .field("shards", &self.shards.len())
            .finish_non_exhaustive()
    }
}

const SHARDS: usize = 16;
/// Sentiment points kept per journey for the satisfaction trend.
const TREND_WINDOW: usize = 8;

impl LiveJourneyTracker {
    /// A tracker with `config`, comparing live journeys with `model`.
    pub fn new(config: JourneyConfig, model: TransitionModel) -> Result<Self> {
        let threshold = config.retention_risk_threshold;
        if !(0.0..=1.0).contains(&threshold) {
            return Err(Error::InvalidArgument(format!(
                "the retention risk threshold must be within 0 and 1, got {threshold}"
            )));
        }
        if config.inactivity_secs <= 0 {
            return Err(Error::InvalidArgument(
                "the inactivity window must be positive".into(),
            ));
        }
        Ok(Self {
            config,
            model,
            shards: (0..SHARDS)
                .map(|_| Mutex::new(FxHashMap::default()))
                .collect(),
            hook: None,
        })
    }

    /// A tracker with `config` whose model is learned from the past journeys of `tenant` in
    /// `range` held by `store` (see [`TransitionModel::from_store`]).
    pub async fn from_store(
        store: &dyn Store,
        tenant: &str,
        range: TimeRange,
        config: JourneyConfig,
    ) -> Result<Self> {
        let model = TransitionModel::from_store(store, tenant, range, &config).await?;
        Self::new(config, model)
    }

    /// The transition model live journeys are compared with.
    pub fn model(&self) -> &TransitionModel {
        &self.model
    }

    /// Sets the hook fired when a journey's abandonment risk exceeds the threshold.
    pub fn on_retention_risk(mut self, hook: RetentionHook) -> Self {
        self.hook = Some(hook);
        self
    }

    fn shard(&self, customer: &str) -> &Mutex<FxHashMap<String, LiveJourney>> {
        use std::hash::{Hash, Hasher};
        let mut hasher = FxHasher::default();
        customer.hash(&mut hasher);
        &self.shards[hasher.finish() as usize % SHARDS]
    }

    /// Closes every journey idle since before `now` minus the inactivity window, as abandoned;
    /// returns the customers whose journeys were closed.
    pub fn evict_idle(&self, now: DateTime<Utc>) -> Vec<String> {
        let cutoff = now
            .checked_sub_signed(self.config.inactivity_window())
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let mut closed = Vec::new();
        for shard in &self.shards {
            let mut journeys = shard.lock().unwrap_or_else(|p| p.into_inner());
            journeys.retain(|customer, j| {
                let keep = j.last_at >= cutoff;
                if !keep {
                    closed.push(customer.clone());
                }
                keep
            });
        }
        closed.sort();
        closed
    }

    /// Number of open journeys.
    pub fn open_journeys(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }

    fn stage_of(&self, action: &str) -> Option<&str> {
        self.config
            .stages
            .iter()
            .find(|rule| rule.actions.iter().any(|a| a == action))
            .map(|rule| rule.stage.as_str())
    }
}

/// Least-squares slope of `points` against their index (per touchpoint).
fn slope(points: &[f64]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = points.iter().sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, y) in points.iter().enumerate() {
        let dx = i as f64 - mean_x;
        num += dx * (y - mean_y);
        den += dx * dx;
    }
    Some(num / den)
}

impl JourneyTracker for LiveJourneyTracker {
    fn track(&self, event: &JourneyEvent) -> Result<JourneyUpdate> {
        if event.customer_id.trim().is_empty() || event.action.trim().is_empty() {
            return Err(Error::InvalidArgument(format!(
                "journey event {} needs a customer and an action",
                event.id
            )));
        }
        if let Some(s) = event.sentiment
            && !(s.is_finite() && (-1.0..=1.0).contains(&s))
        {
            return Err(Error::InvalidArgument(format!(
                "journey event {}: sentiment must be within -1 and 1, got {s}",
                event.id
            )));
        }
        let mut journeys = self
            .shard(&event.customer_id)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let window = self.config.inactivity_window();
        let mut previous_end = None;
        if let Some(open) = journeys.get(&event.customer_id)
            && event.timestamp - open.last_at > window
        {
            journeys.remove(&event.customer_id);
            previous_end = Some(JourneyEnd::Abandoned);
        }
        let journey = journeys
            .entry(event.customer_id.clone())
            .or_insert_with(|| LiveJourney {
                started: event.timestamp,
                last_at: event.timestamp,
                last_action: String::new(),
                stage: None,
                touchpoints: 0,
                sentiments: Vec::new(),
                event_ids: Vec::new(),
            });
        let duplicate = journey.event_ids.contains(&event.id);
        let mut bottleneck = None;
        if !duplicate {
            // An event older than the journey's latest counts, without moving its clock back.
            let at = event.timestamp.max(journey.last_at);
            if journey.touchpoints > 0 {
                let seconds = (at - journey.last_at).num_milliseconds() as f64 / 1000.0;
                if let Some((median, p90)) = self.model.gap(&journey.last_action, &event.action)
                    && seconds > p90
                {
                    bottleneck = Some(Bottleneck {
                        from: journey.last_action.clone(),
                        to: event.action.clone(),
                        seconds,
                        typical_seconds: median,
                    });
                }
            }
            journey.last_at = at;
            journey.last_action.clone_from(&event.action);
            journey.touchpoints += 1;
            journey.event_ids.push(event.id.clone());
            if let Some(stage) = self.stage_of(&event.action) {
                journey.stage = Some(stage.to_owned());
            }
            if let Some(s) = event.sentiment {
                if journey.sentiments.len() == TREND_WINDOW {
                    journey.sentiments.remove(0);
                }
                journey.sentiments.push(s);
            }
        }
        let end = if self.config.conversion_actions.contains(&event.action) {
            Some(JourneyEnd::Converted)
        } else if self.config.churn_actions.contains(&event.action) {
            Some(JourneyEnd::Churned)
        } else {
            None
        };
        let abandonment_risk = match end {
            Some(JourneyEnd::Converted) => 0.0,
            Some(_) => 1.0,
            None => 1.0 - self.model.conversion_probability(&journey.last_action),
        };
        let mut update = JourneyUpdate {
            customer_id: event.customer_id.clone(),
            stage: journey.stage.clone(),
            touchpoints: journey.touchpoints,
            abandonment_risk,
            next_best_action: match end {
                None => self
                    .model
                    .next_best_action(&journey.last_action, self.config.min_support)
                    .map(str::to_owned),
                Some(_) => None,
            },
            satisfaction_trend: slope(&journey.sentiments),
            bottleneck,
            duration_secs: (journey.last_at - journey.started).num_milliseconds() as f64 / 1000.0,
            ended: end,
            previous_ended: previous_end,
            retention_triggered: false,
            duplicate,
        };
        if end.is_some() {
            journeys.remove(&event.customer_id);
        }
        drop(journeys);
        if end.is_none()
            && !duplicate
            && update.abandonment_risk > self.config.retention_risk_threshold
        {
            update.retention_triggered = true;
            if let Some(hook) = &self.hook {
                hook(&update);
            }
        }
        Ok(update)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_names_are_the_json_names() {
        for end in [
            JourneyEnd::Converted,
            JourneyEnd::Churned,
            JourneyEnd::Abandoned,
        ] {
            let json = serde_json::to_value(end).unwrap();
            assert_eq!(json.as_str(), Some(end.as_str()));
        }
    }
    use chrono::TimeZone;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn history() -> EventLog {
        let mut log = EventLog::new();
        let t0 = 1_767_600_000_000_000i64; // microseconds
        let hour = 3_600_000_000i64;
        // 10 journeys visit > pricing > purchase (1 h gaps); 10 visit > support > leave (no purchase).
        for i in 0..10 {
            let case = format!("buyer-{i}");
            log.push(&case, "visit", t0);
            log.push(&case, "pricing", t0 + hour);
            log.push(&case, "purchase", t0 + 2 * hour);
            let case = format!("leaver-{i}");
            log.push(&case, "visit", t0);
            log.push(&case, "support", t0 + hour);
        }
        log
    }

    fn event(
        id: &str,
        customer: &str,
        action: &str,
        hours: i64,
        sentiment: Option<f64>,
    ) -> JourneyEvent {
        JourneyEvent {
            sentiment,
            ..crate::journey::split::tests::event(id, customer, action, hours)
        }
    }

    fn tracker() -> LiveJourneyTracker {
        let config = JourneyConfig {
            stages: vec![
                StageRule {
                    stage: "consideration".into(),
                    actions: vec!["pricing".into()],
                },
                StageRule {
                    stage: "support".into(),
                    actions: vec!["support".into()],
                },
            ],
            ..JourneyConfig::default()
        };
        let model = TransitionModel::learn(&history(), &config);
        LiveJourneyTracker::new(config, model).unwrap()
    }

    #[test]
    fn risk_next_action_and_stage_follow_the_learned_model() {
        let tracker = tracker();
        let first = tracker.track(&event("e1", "c", "visit", 0, None)).unwrap();
        assert!((first.abandonment_risk - 0.5).abs() < 1e-12);
        assert_eq!(first.next_best_action.as_deref(), Some("pricing"));
        let support = tracker
            .track(&event("e2", "c", "support", 1, Some(-0.2)))
            .unwrap();
        assert_eq!(support.stage.as_deref(), Some("support"));
        assert_eq!(support.abandonment_risk, 1.0);
        assert!(support.retention_triggered);
        let done = tracker
            .track(&event("e3", "c", "purchase", 2, Some(0.6)))
            .unwrap();
        assert_eq!(done.ended, Some(JourneyEnd::Converted));
        assert_eq!(done.touchpoints, 3);
        assert!((done.satisfaction_trend.unwrap() - 0.8).abs() < 1e-12);
        assert_eq!(tracker.open_journeys(), 0);
    }

    #[test]
    fn hook_fires_above_threshold_and_duplicates_change_nothing() {
        let fired = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&fired);
        let tracker = tracker().on_retention_risk(Box::new(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        }));
        tracker.track(&event("e1", "c", "visit", 0, None)).unwrap();
        assert_eq!(fired.load(Ordering::SeqCst), 0);
        tracker
            .track(&event("e2", "c", "support", 1, None))
            .unwrap();
        let again = tracker
            .track(&event("e2", "c", "support", 1, None))
            .unwrap();
        assert!(again.duplicate);
        assert_eq!(again.touchpoints, 2);
        assert_eq!(fired.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_tracker_learns_from_the_tenants_journeys_in_a_store() {
        use crate::store::{MemoryStore, Store};
        let store = MemoryStore::new();
        let mut past = Vec::new();
        for i in 0..10 {
            let (buyer, leaver) = (format!("b{i}"), format!("l{i}"));
            past.push(event(&format!("{buyer}-1"), &buyer, "visit", 0, None));
            past.push(event(&format!("{buyer}-2"), &buyer, "pricing", 1, None));
            past.push(event(&format!("{buyer}-3"), &buyer, "purchase", 2, None));
            past.push(event(&format!("{leaver}-1"), &leaver, "visit", 0, None));
            past.push(event(&format!("{leaver}-2"), &leaver, "support", 1, None));
        }
        let mut other_tenant = event("x", "z", "support", 0, None);
        other_tenant.tenant = "other".into();
        past.push(other_tenant);
        let records = past
            .into_iter()
            .map(crate::model::Record::JourneyEvent)
            .collect();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(store.put(records)).unwrap();
        let tracker = runtime
            .block_on(LiveJourneyTracker::from_store(
                &store,
                "t",
                TimeRange::all(),
                JourneyConfig::default(),
            ))
            .unwrap();
        assert_eq!(tracker.model().journeys(), 20);
        let update = tracker
            .track(&event("n1", "new", "visit", 0, None))
            .unwrap();
        assert!((update.abandonment_risk - 0.5).abs() < 1e-12);
        assert_eq!(update.next_best_action.as_deref(), Some("pricing"));
        let missing = runtime.block_on(LiveJourneyTracker::from_store(
            &store,
            "nobody",
            TimeRange::all(),
            JourneyConfig::default(),
        ));
        assert!(matches!(missing, Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn an_inactivity_window_past_the_calendar_never_closes_a_journey() {
        let config = JourneyConfig {
            inactivity_secs: i64::MAX,
            ..JourneyConfig::default()
        };
        let model = TransitionModel::learn(&history(), &config);
        let tracker = LiveJourneyTracker::new(config.clone(), model).unwrap();
        tracker.track(&event("e1", "c", "visit", 0, None)).unwrap();
        tracker
            .track(&event("e2", "c", "pricing", 24 * 365 * 200, None))
            .unwrap();
        assert!(tracker.evict_idle(DateTime::<Utc>::MAX_UTC).is_empty());
        let events = [
            event("e1", "c", "visit", 0, None),
            event("e2", "c", "pricing", 1, None),
        ];
        assert_eq!(
            super::super::split::split_journeys(&events, &config).len(),
            1
        );
    }

    #[test]
    fn slow_steps_are_bottlenecks_and_idle_journeys_close() {
        let tracker = tracker();
        tracker.track(&event("e1", "c", "visit", 0, None)).unwrap();
        let slow = tracker
            .track(&event("e2", "c", "pricing", 30, None))
            .unwrap();
        let bottleneck = slow.bottleneck.unwrap();
        assert_eq!(
            (bottleneck.seconds, bottleneck.typical_seconds),
            (30.0 * 3600.0, 3600.0)
        );
        // Out of order: counted, clock not moved back.
        let late = tracker.track(&event("e0", "c", "visit", 10, None)).unwrap();
        assert_eq!(late.touchpoints, 3);
        assert_eq!(late.duration_secs, 30.0 * 3600.0);
        // 31 days later the old journey is abandoned and a new one opens.
        let reopened = tracker
            .track(&event("e9", "c", "visit", 31 * 24 + 30, None))
            .unwrap();
        assert_eq!(reopened.previous_ended, Some(JourneyEnd::Abandoned));
        assert_eq!(reopened.touchpoints, 1);
        tracker.track(&event("x1", "d", "visit", 0, None)).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 15, 0, 0, 0).unwrap();
        assert_eq!(
            tracker.evict_idle(now),
            vec!["c".to_owned(), "d".to_owned()]
        );
        assert!(tracker.track(&event("bad", "", "visit", 0, None)).is_err());
        assert!(
            tracker
                .track(&event("bad", "c", "visit", 0, Some(2.0)))
                .is_err()
        );
    }
}
