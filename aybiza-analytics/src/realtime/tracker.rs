//! [`LiveCallTracker`]: many concurrent calls, sharded and thread-safe.
//!
//! Calls live in `config.shards` shards, each a `Mutex` over a map from tenant
//! to call id; a call's shard is a hash of (tenant, call id), so two calls
//! contend only when they share a shard, and only for one utterance's update.
//! Subscribers are called after the shard's lock is released, on the thread
//! that called [`LiveCallTracker::on_utterance`]; a subscriber that panics is
//! caught and counted ([`LiveCallTracker::subscriber_panics`]), and neither the
//! update nor other subscribers are affected. Ended and idle-evicted calls are
//! queued as [`CallSummary`] values until [`LiveCallTracker::flush_ended`]
//! writes them to a [`Store`] (or [`LiveCallTracker::take_ended`] hands them over).

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::fusion::CallState;
use super::session::{CallSession, LiveInput, Update};
use super::summary::{CallSummary, EndReason};
use super::{RealtimeConfig, RealtimeError};
use crate::model::ingest::{IngestLimits, validate};
use crate::model::{Call, CallOutcome, Record};
use crate::patterns::live::{LiveRules, RuleSet, SharedRules};
use crate::sentiment::SentimentAnalyzer;
use crate::store::{Store, WriteCounts};

/// What a subscriber receives for every accepted utterance.
#[derive(Debug, Clone, Copy)]
pub struct UpdateNotice<'a> {
    /// Tenant of the call.
    pub tenant: &'a str,
    /// Call id.
    pub call_id: &'a str,
    /// The update, as returned to the caller of `on_utterance`.
    pub update: &'a Update,
}

/// Identifies a subscription, for [`LiveCallTracker::unsubscribe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SubscriptionId(pub u64);

/// What [`LiveCallTracker::flush_ended`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlushReport {
    /// Summaries written.
    pub calls: usize,
    /// How the store changed.
    pub written: WriteCounts,
}

type Subscriber = dyn Fn(&UpdateNotice<'_>) + Send + Sync;

/// The registered subscribers, copied on write so that notifying takes no lock while calling them.
type Subscribers = Arc<[(u64, Arc<Subscriber>)]>;

/// A call in a shard. Boxed in the shard's map, so that the map's spare slots (a hash table
/// keeps up to half of them empty) cost a pointer each rather than a whole call.
struct LiveCall {
    call: Call,
    session: CallSession,
    last_activity: Instant,
}

#[derive(Default)]
struct Shard {
    live: HashMap<Box<str>, HashMap<Box<str>, Box<LiveCall>>>,
    ended: VecDeque<(Box<str>, Box<str>)>,
}

impl Shard {
    fn get_mut(&mut self, tenant: &str, call_id: &str) -> Option<&mut LiveCall> {
        self.live
            .get_mut(tenant)?
            .get_mut(call_id)
            .map(|call| &mut **call)
    }

    fn remove(&mut self, tenant: &str, call_id: &str) -> Option<LiveCall> {
        let calls = self.live.get_mut(tenant)?;
        let call = calls.remove(call_id)?;
        if calls.is_empty() {
            self.live.remove(tenant);
        }
        Some(*call)
    }

    fn has_ended(&self, tenant: &str, call_id: &str) -> bool {
        self.ended
            .iter()
            .any(|(t, c)| &**t == tenant && &**c == call_id)
    }

    fn remember_ended(&mut self, tenant: &str, call_id: &str, capacity: usize) {
        if capacity == 0 {
            return;
        }
        while self.ended.len() >= capacity {
            self.ended.pop_front();
        }
        self.ended.push_back((tenant.into(), call_id.into()));
    }

    fn missing(&self, tenant: &str, call_id: &str) -> RealtimeError {
        let (tenant, call_id) = (tenant.to_owned(), call_id.to_owned());
        if self.has_ended(&tenant, &call_id) {
            RealtimeError::CallEnded { tenant, call_id }
        } else {
            RealtimeError::UnknownCall { tenant, call_id }
        }
    }
}

/// Holds every live call of a process; share it behind an `Arc`.
pub struct LiveCallTracker {
    analyzer: Arc<dyn SentimentAnalyzer>,
    config: Arc<RealtimeConfig>,
    shards: Box<[Mutex<Shard>]>,
    ended_per_shard: usize,
    pending: Mutex<Vec<CallSummary>>,
    subscribers: RwLock<Subscribers>,
    next_subscription: AtomicU64,
    subscriber_panics: AtomicU64,
    rules: Arc<SharedRules>,
}

impl std::fmt::Debug for LiveCallTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCallTracker")
            .field("shards", &self.shards.len())
            .field("live_calls", &self.live_calls())
            .finish_non_exhaustive()
    }
}

/// An empty rule set: nothing to match, and no per-utterance cost.
fn no_rules() -> LiveRules {
    LiveRules::new(RuleSet { rules: Vec::new() }).expect("an empty rule set is valid")
}

/// Locks ignoring poisoning: nothing panics while holding these locks (subscribers run outside them).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LiveCallTracker {
    /// A tracker scoring text with `analyzer`; the configuration is validated.
    pub fn new(
        analyzer: Arc<dyn SentimentAnalyzer>,
        config: RealtimeConfig,
    ) -> Result<Self, RealtimeError> {
        config.validate()?;
        let shards = (0..config.shards).map(|_| Mutex::default()).collect();
        let ended_per_shard = config.ended_memory.div_ceil(config.shards);
        Ok(LiveCallTracker {
            analyzer,
            shards,
            ended_per_shard,
            config: Arc::new(config),
            pending: Mutex::default(),
            subscribers: RwLock::new(Arc::from(Vec::new())),
            next_subscription: AtomicU64::new(1),
            subscriber_panics: AtomicU64::new(0),
            rules: Arc::new(SharedRules::new(no_rules())),
        })
    }

    /// The same tracker matching every call against `rules` (see [`Self::set_rules`]).
    pub fn with_rules(self, rules: LiveRules) -> Self {
        self.rules.swap(rules);
        self
    }

    /// Replaces the live rules, also for calls in progress: each picks them up on its next
    /// utterance, keeping the progress of rules whose id and condition are unchanged.
    pub fn set_rules(&self, rules: LiveRules) {
        self.rules.swap(rules);
    }

    /// Stops matching rules (live calls keep the hits they had; nothing more fires).
    pub fn clear_rules(&self) {
        self.rules.swap(no_rules());
    }

    /// The live rules in force (empty when none are loaded).
    pub fn rules(&self) -> Arc<LiveRules> {
        self.rules.current()
    }

    /// The configuration in force.
    pub fn config(&self) -> &RealtimeConfig {
        &self.config
    }

    fn shard(&self, tenant: &str, call_id: &str) -> &Mutex<Shard> {
        let mut hasher = rustc_hash::FxHasher::default();
        tenant.hash(&mut hasher);
        call_id.hash(&mut hasher);
        &self.shards[(hasher.finish() % self.shards.len() as u64) as usize]
    }

    /// Starts tracking a live call. The record must be valid and have no `ended_at`.
    pub fn start_call(&self, call: Call) -> Result<(), RealtimeError> {
        if call.ended_at.is_some() {
            return Err(RealtimeError::InvalidCall {
                field: "ended_at",
                message: "a live call has not ended".into(),
            });
        }
        validate(&Record::Call(call.clone()), &IngestLimits::default())
            .map_err(|(field, message)| RealtimeError::InvalidCall { field, message })?;
        let mut shard = lock(self.shard(&call.tenant, &call.id));
        if shard.get_mut(&call.tenant, &call.id).is_some() {
            return Err(RealtimeError::AlreadyLive {
                tenant: call.tenant,
                call_id: call.id,
            });
        }
        if shard.has_ended(&call.tenant, &call.id) {
            return Err(RealtimeError::CallEnded {
                tenant: call.tenant,
                call_id: call.id,
            });
        }
        let session = CallSession::new(self.analyzer.clone(), self.config.clone())
            .with_rules(self.rules.clone());
        let (tenant, id): (Box<str>, Box<str>) =
            (call.tenant.as_str().into(), call.id.as_str().into());
        shard.live.entry(tenant).or_default().insert(
            id,
            Box::new(LiveCall {
                call,
                session,
                last_activity: Instant::now(),
            }),
        );
        Ok(())
    }

    /// Folds one utterance into a live call, notifies subscribers, and returns the update.
    pub fn on_utterance(
        &self,
        tenant: &str,
        call_id: &str,
        input: &LiveInput<'_>,
    ) -> Result<Update, RealtimeError> {
        let update = {
            let mut shard = lock(self.shard(tenant, call_id));
            match shard.get_mut(tenant, call_id) {
                Some(live) => {
                    let update = live.session.on_utterance(input)?;
                    live.last_activity = Instant::now();
                    update
                }
                None => return Err(shard.missing(tenant, call_id)),
            }
        };
        self.notify(tenant, call_id, &update);
        Ok(update)
    }

    fn notify(&self, tenant: &str, call_id: &str, update: &Update) {
        let subscribers = self
            .subscribers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let notice = UpdateNotice {
            tenant,
            call_id,
            update,
        };
        for (_, subscriber) in subscribers.iter() {
            if catch_unwind(AssertUnwindSafe(|| subscriber(&notice))).is_err() {
                self.subscriber_panics.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The current state of a live call.
    pub fn state(&self, tenant: &str, call_id: &str) -> Result<CallState, RealtimeError> {
        let mut shard = lock(self.shard(tenant, call_id));
        match shard.get_mut(tenant, call_id) {
            Some(live) => Ok(live.session.state()),
            None => Err(shard.missing(tenant, call_id)),
        }
    }

    /// Ends a live call: removes it, queues its summary for [`Self::flush_ended`] and returns it.
    /// `ended_at` defaults to the start plus the latest utterance end.
    pub fn end_call(
        &self,
        tenant: &str,
        call_id: &str,
        outcome: Option<CallOutcome>,
        ended_at: Option<DateTime<Utc>>,
    ) -> Result<CallSummary, RealtimeError> {
        let mut live = {
            let mut shard = lock(self.shard(tenant, call_id));
            match shard.remove(tenant, call_id) {
                Some(live) => {
                    shard.remember_ended(tenant, call_id, self.ended_per_shard);
                    live
                }
                None => return Err(shard.missing(tenant, call_id)),
            }
        };
        let summary = CallSummary::new(
            live.call,
            &mut live.session,
            EndReason::Ended,
            outcome,
            ended_at,
        );
        lock(&self.pending).push(summary.clone());
        Ok(summary)
    }

    /// Ends every call without an utterance (or, if none, since it started) for
    /// `idle_timeout_secs` before `now`; their summaries are queued. Returns how many.
    pub fn evict_idle(&self, now: Instant) -> usize {
        let timeout = Duration::from_secs(self.config.idle_timeout_secs);
        let mut evicted = Vec::new();
        for shard in self.shards.iter() {
            let mut shard = lock(shard);
            let idle: Vec<(Box<str>, Box<str>)> = shard
                .live
                .iter()
                .flat_map(|(tenant, calls)| {
                    calls
                        .iter()
                        .filter(|(_, live)| {
                            now.saturating_duration_since(live.last_activity) >= timeout
                        })
                        .map(move |(id, _)| (tenant.clone(), id.clone()))
                })
                .collect();
            for (tenant, id) in idle {
                if let Some(live) = shard.remove(&tenant, &id) {
                    shard.remember_ended(&tenant, &id, self.ended_per_shard);
                    evicted.push(live);
                }
            }
        }
        let count = evicted.len();
        let summaries = evicted.into_iter().map(|mut live| {
            CallSummary::new(live.call, &mut live.session, EndReason::Idle, None, None)
        });
        lock(&self.pending).extend(summaries);
        count
    }

    /// Number of live calls.
    pub fn live_calls(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| lock(shard).live.values().map(HashMap::len).sum::<usize>())
            .sum()
    }

    /// Number of ended calls whose summaries wait for [`Self::flush_ended`].
    pub fn pending_summaries(&self) -> usize {
        lock(&self.pending).len()
    }

    /// Hands over the queued summaries (for hosts that persist them themselves).
    pub fn take_ended(&self) -> Vec<CallSummary> {
        std::mem::take(&mut *lock(&self.pending))
    }

    /// Writes the queued summaries to `store` ([`CallSummary::to_records`]) in one
    /// `put`. If the store fails, the summaries stay queued and the error is returned.
    pub async fn flush_ended(&self, store: &dyn Store) -> crate::Result<FlushReport> {
        let summaries = self.take_ended();
        if summaries.is_empty() {
            return Ok(FlushReport::default());
        }
        let records: Vec<Record> = summaries.iter().flat_map(CallSummary::to_records).collect();
        match store.put(records).await {
            Ok(written) => Ok(FlushReport {
                calls: summaries.len(),
                written,
            }),
            Err(error) => {
                let mut pending = lock(&self.pending);
                let newer = std::mem::replace(&mut *pending, summaries);
                pending.extend(newer);
                Err(error)
            }
        }
    }

    /// Registers a callback called with every accepted utterance's update.
    pub fn subscribe(
        &self,
        callback: impl Fn(&UpdateNotice<'_>) + Send + Sync + 'static,
    ) -> SubscriptionId {
        let id = self.next_subscription.fetch_add(1, Ordering::Relaxed);
        let mut subscribers = self
            .subscribers
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut list: Vec<(u64, Arc<Subscriber>)> = subscribers.iter().cloned().collect();
        list.push((id, Arc::new(callback)));
        *subscribers = Arc::from(list);
        SubscriptionId(id)
    }

    /// Removes a subscription; false if it was not registered.
    pub fn unsubscribe(&self, id: SubscriptionId) -> bool {
        let mut subscribers = self
            .subscribers
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let before = subscribers.len();
        let list: Vec<(u64, Arc<Subscriber>)> = subscribers
            .iter()
            .filter(|(sid, _)| *sid != id.0)
            .cloned()
            .collect();
        let removed = list.len() != before;
        *subscribers = Arc::from(list);
        removed
    }

    /// Subscriber calls that panicked (caught; the update was still returned).
    pub fn subscriber_panics(&self) -> u64 {
        self.subscriber_panics.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::model::{CallChannel, Direction, Speaker};
    use crate::realtime::RiskWeights;
    use crate::sentiment::HybridSentimentAnalyzer;
    use crate::store::MemoryStore;
    use crate::{TimeRange, VoiceFeatures};

    fn tracker(config: RealtimeConfig) -> LiveCallTracker {
        LiveCallTracker::new(Arc::new(HybridSentimentAnalyzer::new().unwrap()), config).unwrap()
    }

    /// A live voice call of `tenant` started 2026-01-05 09:00 UTC (shared with `rules_tests`).
    pub(in crate::realtime) fn call(tenant: &str, id: &str) -> Call {
        Call {
            id: id.into(),
            tenant: tenant.into(),
            customer_id: format!("cust-{id}"),
            agent_id: Some("agent-1".into()),
            channel: CallChannel::Voice,
            direction: Direction::Inbound,
            started_at: "2026-01-05T09:00:00Z".parse().unwrap(),
            ended_at: None,
            queue: None,
            outcome: None,
            escalated: false,
            transferred: false,
            satisfaction: None,
            tags: Vec::new(),
            attributes: Default::default(),
        }
    }

    /// An utterance every 3 s lasting 2.5 s (shared with `rules_tests`).
    pub(in crate::realtime) fn say(seq: u32, speaker: Speaker, text: &str) -> LiveInput<'_> {
        let start = u64::from(seq) * 3000;
        LiveInput::new(seq, speaker, text, start, start + 2500)
    }

    #[test]
    fn unknown_ended_and_duplicate_calls_are_typed_errors() {
        let t = tracker(RealtimeConfig::default());
        let unknown = t.on_utterance("t1", "nope", &say(0, Speaker::Customer, "Hello"));
        assert!(matches!(unknown, Err(RealtimeError::UnknownCall { .. })));
        t.start_call(call("t1", "c1")).unwrap();
        assert!(matches!(
            t.start_call(call("t1", "c1")),
            Err(RealtimeError::AlreadyLive { .. })
        ));
        t.on_utterance(
            "t1",
            "c1",
            &say(0, Speaker::Customer, "Hello, my bill is wrong."),
        )
        .unwrap();
        let summary = t
            .end_call("t1", "c1", Some(CallOutcome::Resolved), None)
            .unwrap();
        assert_eq!(
            summary.call.ended_at,
            Some("2026-01-05T09:00:02.500Z".parse().unwrap())
        );
        assert_eq!(summary.call.outcome, Some(CallOutcome::Resolved));
        assert!(matches!(
            t.on_utterance("t1", "c1", &say(1, Speaker::Customer, "Hello?")),
            Err(RealtimeError::CallEnded { .. })
        ));
        assert!(matches!(
            t.end_call("t1", "c1", None, None),
            Err(RealtimeError::CallEnded { .. })
        ));
        assert!(matches!(
            t.state("t1", "c1"),
            Err(RealtimeError::CallEnded { .. })
        ));
        assert!(matches!(
            t.start_call(call("t1", "c1")),
            Err(RealtimeError::CallEnded { .. })
        ));
        // The same call id under another tenant is another call.
        t.start_call(call("t2", "c1")).unwrap();
        let mut ended = call("t1", "c9");
        ended.ended_at = Some(ended.started_at);
        assert!(matches!(
            t.start_call(ended),
            Err(RealtimeError::InvalidCall {
                field: "ended_at",
                ..
            })
        ));
        assert!(matches!(
            t.start_call(call("t1", "")),
            Err(RealtimeError::InvalidCall { field: "id", .. })
        ));
        assert_eq!(t.live_calls(), 1);
    }

    #[test]
    fn a_bad_utterance_does_not_touch_other_calls() {
        let t = tracker(RealtimeConfig::default());
        t.start_call(call("t1", "a")).unwrap();
        t.start_call(call("t1", "b")).unwrap();
        t.on_utterance(
            "t1",
            "a",
            &say(0, Speaker::Customer, "This is terrible, I'm furious!"),
        )
        .unwrap();
        let b_before = t.state("t1", "b").unwrap();
        let a_before = t.state("t1", "a").unwrap();
        let nan = VoiceFeatures {
            energy: Some(f64::NAN),
            ..VoiceFeatures::default()
        };
        assert!(
            t.on_utterance("t1", "a", &say(1, Speaker::Customer, "Hi").with_voice(&nan))
                .is_err()
        );
        assert!(
            t.on_utterance("t1", "a", &say(0, Speaker::Customer, "Again"))
                .is_err()
        );
        assert!(
            t.on_utterance("t1", "b", &say(0, Speaker::Customer, ""))
                .is_err()
        );
        assert_eq!(t.state("t1", "a").unwrap(), a_before);
        assert_eq!(t.state("t1", "b").unwrap(), b_before);
        assert_eq!(b_before.utterances, 0);
    }

    #[test]
    fn subscribers_get_every_update_and_a_panicking_one_is_contained() {
        let t = tracker(RealtimeConfig::default());
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        let id = t.subscribe(move |notice| {
            assert_eq!(notice.call_id, "c1");
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let bad = t.subscribe(|_| panic!("subscriber bug"));
        t.start_call(call("t1", "c1")).unwrap();
        for seq in 0..3 {
            let update = t
                .on_utterance(
                    "t1",
                    "c1",
                    &say(seq, Speaker::Customer, "Where is my parcel?"),
                )
                .unwrap();
            assert_eq!(update.utterance.seq, seq);
        }
        assert_eq!(seen.load(Ordering::SeqCst), 3);
        assert_eq!(t.subscriber_panics(), 3);
        assert!(t.unsubscribe(id));
        assert!(!t.unsubscribe(id));
        assert!(t.unsubscribe(bad));
        t.on_utterance("t1", "c1", &say(3, Speaker::Agent, "Let me check."))
            .unwrap();
        assert_eq!(seen.load(Ordering::SeqCst), 3);
        // Refused utterances are not broadcast.
        assert!(
            t.on_utterance("t1", "c1", &say(3, Speaker::Agent, "Again."))
                .is_err()
        );
    }

    #[test]
    fn idle_calls_are_evicted_and_flushed_to_the_store() {
        let t = tracker(RealtimeConfig {
            idle_timeout_secs: 60,
            ..RealtimeConfig::default()
        });
        t.start_call(call("t1", "idle")).unwrap();
        t.start_call(call("t1", "busy")).unwrap();
        t.on_utterance(
            "t1",
            "idle",
            &say(
                0,
                Speaker::Customer,
                "I want to file a complaint about my account.",
            ),
        )
        .unwrap();
        assert_eq!(t.evict_idle(Instant::now()), 0);
        assert_eq!(t.evict_idle(Instant::now() + Duration::from_secs(61)), 2);
        assert_eq!(t.live_calls(), 0);
        assert!(matches!(
            t.state("t1", "idle"),
            Err(RealtimeError::CallEnded { .. })
        ));
        assert_eq!(t.pending_summaries(), 2);

        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let store = MemoryStore::new();
        let report = runtime.block_on(t.flush_ended(&store)).unwrap();
        assert_eq!((report.calls, report.written.inserted), (2, 2));
        assert_eq!(t.pending_summaries(), 0);
        let calls = runtime
            .block_on(store.calls("t1", TimeRange::all()))
            .unwrap();
        let idle = calls.iter().find(|c| c.id == "idle").unwrap();
        assert_eq!(idle.attributes["realtime.end_reason"], "idle");
        assert_eq!(idle.attributes["realtime.escalation_requests"], "1");
        assert!(
            idle.attributes["realtime.sentiment"]
                .parse::<f64>()
                .unwrap()
                < 0.0
        );
        assert!(idle.ended_at.is_some());
        assert_eq!(
            runtime.block_on(t.flush_ended(&store)).unwrap(),
            FlushReport::default()
        );
    }

    #[test]
    fn many_threads_on_many_calls_keep_each_call_consistent() {
        let t = Arc::new(tracker(RealtimeConfig {
            shards: 8,
            ..RealtimeConfig::default()
        }));
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let t = t.clone();
                std::thread::spawn(move || {
                    for c in 0..25 {
                        let id = format!("c{thread}-{c}");
                        t.start_call(call("t1", &id)).unwrap();
                        for seq in 0..6 {
                            let speaker = if seq % 2 == 0 {
                                Speaker::Customer
                            } else {
                                Speaker::Agent
                            };
                            t.on_utterance(
                                "t1",
                                &id,
                                &say(seq, speaker, "Could you check my order status?"),
                            )
                            .unwrap();
                        }
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(t.live_calls(), 100);
        for thread in 0..4 {
            for c in 0..25 {
                let state = t.state("t1", &format!("c{thread}-{c}")).unwrap();
                assert_eq!((state.utterances, state.context.customer_turns), (6, 3));
            }
        }
    }

    #[test]
    fn invalid_configuration_is_refused() {
        let analyzer: Arc<dyn SentimentAnalyzer> =
            Arc::new(HybridSentimentAnalyzer::new().unwrap());
        for config in [
            RealtimeConfig {
                shards: 0,
                ..RealtimeConfig::default()
            },
            RealtimeConfig {
                smoothing: 0.0,
                ..RealtimeConfig::default()
            },
            RealtimeConfig {
                silence_min_ms: 30_000,
                ..RealtimeConfig::default()
            },
            RealtimeConfig {
                max_journey_points: 3,
                ..RealtimeConfig::default()
            },
            RealtimeConfig {
                risk_weights: RiskWeights {
                    anger: -1.0,
                    ..RiskWeights::default()
                },
                ..RealtimeConfig::default()
            },
            RealtimeConfig {
                risk_weights: RiskWeights {
                    resolution: 0.5,
                    ..RiskWeights::default()
                },
                ..RealtimeConfig::default()
            },
            RealtimeConfig {
                risk_weights: RiskWeights {
                    intercept: f64::NAN,
                    ..RiskWeights::default()
                },
                ..RealtimeConfig::default()
            },
        ] {
            assert!(matches!(
                LiveCallTracker::new(analyzer.clone(), config),
                Err(RealtimeError::InvalidConfig(_))
            ));
        }
    }
}

#[cfg(test)]
mod shared_cases {
    use serde_json::Value;

    use super::*;
    use crate::realtime::UtteranceInput;
    use crate::sentiment::HybridSentimentAnalyzer;

    fn cases() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/realtime_cases.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn run(tracker: &LiveCallTracker, case: &Value) -> Vec<Update> {
        let call: Call = serde_json::from_value(case["call"].clone()).unwrap();
        let (tenant, id) = (call.tenant.clone(), call.id.clone());
        tracker.start_call(call).unwrap();
        case["utterances"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                let input: UtteranceInput = serde_json::from_value(u.clone()).unwrap();
                tracker
                    .on_utterance(&tenant, &id, &input.as_live())
                    .unwrap()
            })
            .collect()
    }

    fn tracker() -> LiveCallTracker {
        LiveCallTracker::new(
            Arc::new(HybridSentimentAnalyzer::new().unwrap()),
            RealtimeConfig::default(),
        )
        .unwrap()
    }

    #[test]
    fn calls_end_as_the_fixture_expects() {
        for case in cases()["calls"].as_array().unwrap() {
            let t = tracker();
            let last = run(&t, case).pop().unwrap();
            let json = serde_json::to_value(last).unwrap();
            let (state, recs, expect) = (&json["state"], &json["recommendations"], &case["expect"]);
            let name = &case["name"];
            assert_eq!(
                state["context"]["repetitions"], expect["repetitions"],
                "{name}: {state}"
            );
            assert_eq!(
                state["context"]["escalation_requests"], expect["escalation_requests"],
                "{name}"
            );
            for key in ["next_best_action", "escalation_warning", "tone"] {
                if let Some(want) = expect.get(key) {
                    assert_eq!(&recs[key], want, "{name}: {key}: {state}");
                }
            }
            let num = |v: &Value| v.as_f64().unwrap();
            if let Some(min) = expect.get("min_escalation_risk") {
                assert!(
                    num(&state["escalation_risk"]) >= num(min),
                    "{name}: {state}"
                );
            }
            if let Some(max) = expect.get("max_escalation_risk") {
                assert!(
                    num(&state["escalation_risk"]) <= num(max),
                    "{name}: {state}"
                );
            }
            if let Some(max) = expect.get("max_current_sentiment") {
                assert!(
                    num(&state["current_sentiment"]) <= num(max),
                    "{name}: {state}"
                );
            }
            if let Some(min) = expect.get("min_current_sentiment") {
                assert!(
                    num(&state["current_sentiment"]) >= num(min),
                    "{name}: {state}"
                );
            }
            if let Some(min) = expect.get("min_satisfaction") {
                assert!(num(&state["satisfaction"]) >= num(min), "{name}: {state}");
            }
        }
    }

    #[test]
    fn bad_inputs_raise_the_fixture_kinds() {
        let cases = cases();
        for bad in cases["bad_inputs"].as_array().unwrap() {
            let t = tracker();
            run(&t, &cases["calls"][1]);
            let before = t.state("t1", "ok-1").unwrap();
            let mut input: UtteranceInput =
                serde_json::from_value(bad["utterance"].clone()).unwrap();
            if let Some(repeat) = bad.get("repeat_text") {
                input.text = repeat["unit"]
                    .as_str()
                    .unwrap()
                    .repeat(repeat["times"].as_u64().unwrap() as usize);
            }
            let error = t.on_utterance("t1", "ok-1", &input.as_live()).unwrap_err();
            assert_eq!(
                error.kind(),
                bad["kind"].as_str().unwrap(),
                "{}",
                bad["name"]
            );
            assert_eq!(t.state("t1", "ok-1").unwrap(), before);
        }
    }
    #[test]
    fn a_long_call_keeps_the_fixture_journey() {
        let cases = cases();
        let long = &cases["long_journey"];
        let case = cases["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == long["call"])
            .unwrap();
        let config: RealtimeConfig = serde_json::from_value(long["config"].clone()).unwrap();
        let t = LiveCallTracker::new(Arc::new(HybridSentimentAnalyzer::new().unwrap()), config)
            .unwrap();
        run(&t, case);
        let summary = serde_json::to_value(t.end_call("t1", "ok-1", None, None).unwrap()).unwrap();
        assert_eq!(summary["journey_bucket_ms"], long["journey_bucket_ms"]);
        let journey: Vec<Value> = summary["journey"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                serde_json::json!({"seq": p["seq"], "speaker": p["speaker"], "at_ms": p["at_ms"], "utterances": p["utterances"]})
            })
            .collect();
        assert_eq!(Value::from(journey), long["journey"]);
        let counted: u64 = summary["quarters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                q["customer_utterances"].as_u64().unwrap() + q["agent_utterances"].as_u64().unwrap()
            })
            .sum();
        assert_eq!(counted, 5);
    }
}
