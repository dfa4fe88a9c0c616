//! The live rule engine wired into [`CallSession`] and [`LiveCallTracker`].

use std::sync::{Arc, Mutex};

use super::tracker::tests::say;
use super::*;
use crate::model::{Call, CallOutcome, Speaker};
use crate::patterns::live::{LiveRules, RuleHit, SharedRules};
use crate::sentiment::HybridSentimentAnalyzer;
use crate::store::MemoryStore;
use crate::{Store, TimeRange};

const RULES: &str = r#"{"rules": [
  {"id": "churn_intent", "when": {"phrases": {"speaker": "customer", "any": ["want to cancel my account"]}}},
  {"id": "no_thanks_at_end", "when": {"not": {"phrases": {"speaker": "customer", "within": {"last_secs": 30}, "any": ["thank you"]}}}}
]}"#;

const SWAPPED: &str = r#"{"rules": [
  {"id": "churn_intent", "when": {"phrases": {"speaker": "customer", "any": ["want to cancel my account"]}}},
  {"id": "supervisor", "when": {"phrases": {"speaker": "customer", "any": ["supervisor"]}}}
]}"#;

fn analyzer() -> Arc<HybridSentimentAnalyzer> {
    Arc::new(HybridSentimentAnalyzer::new().unwrap())
}

fn call(id: &str) -> Call {
    super::tracker::tests::call("t1", id)
}

fn ids(hits: &[RuleHit]) -> Vec<&str> {
    hits.iter().map(|h| h.rule_id.as_str()).collect()
}

#[test]
fn a_session_without_rules_has_no_hits() {
    let mut session = CallSession::new(analyzer(), Arc::new(RealtimeConfig::default()));
    let update = session
        .on_utterance(&say(0, Speaker::Customer, "I want to cancel my account"))
        .unwrap();
    assert!(update.rule_hits.is_empty());
    assert!(session.end_rules(10_000).is_empty());
    assert!(session.rules_fired().is_empty());
}

#[test]
fn a_phrase_split_over_two_utterances_fires_on_the_second() {
    let shared = Arc::new(SharedRules::new(LiveRules::from_json(RULES).unwrap()));
    let mut session =
        CallSession::new(analyzer(), Arc::new(RealtimeConfig::default())).with_rules(shared);
    let first = session
        .on_utterance(&say(0, Speaker::Customer, "Honestly I want to"))
        .unwrap();
    assert!(first.rule_hits.is_empty());
    let second = session
        .on_utterance(&say(1, Speaker::Customer, "cancel my account today."))
        .unwrap();
    assert_eq!(ids(&second.rule_hits), ["churn_intent"]);
    let hit = &second.rule_hits[0];
    assert_eq!((hit.start_seq, hit.seq), (Some(0), Some(1)));
    assert_eq!(hit.speaker, Some(Speaker::Customer));
    assert_eq!(hit.at_ms, 5_500);
    // The end-anchored `not` rule fires only when the call ends.
    assert_eq!(ids(&session.end_rules(6_000)), ["no_thanks_at_end"]);
    assert!(session.end_rules(6_000).is_empty());
    assert_eq!(session.rules_fired(), ["churn_intent", "no_thanks_at_end"]);
}

#[test]
fn the_tracker_passes_hits_to_subscribers_summaries_and_the_store() {
    let tracker = LiveCallTracker::new(analyzer(), RealtimeConfig::default())
        .unwrap()
        .with_rules(LiveRules::from_json(RULES).unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    tracker.subscribe(move |notice| {
        sink.lock()
            .unwrap()
            .extend(notice.update.rule_hits.iter().map(|h| h.rule_id.clone()));
    });
    tracker.start_call(call("c1")).unwrap();
    tracker
        .on_utterance("t1", "c1", &say(0, Speaker::Customer, "I want to"))
        .unwrap();
    let update = tracker
        .on_utterance("t1", "c1", &say(1, Speaker::Customer, "cancel my account."))
        .unwrap();
    assert_eq!(ids(&update.rule_hits), ["churn_intent"]);
    assert_eq!(*seen.lock().unwrap(), ["churn_intent"]);
    let summary = tracker
        .end_call("t1", "c1", Some(CallOutcome::Abandoned), None)
        .unwrap();
    assert_eq!(ids(&summary.rule_hits), ["no_thanks_at_end"]);
    assert_eq!(summary.rules_fired, ["churn_intent", "no_thanks_at_end"]);

    let store = MemoryStore::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(tracker.flush_ended(&store)).unwrap();
    let calls = runtime
        .block_on(store.calls("t1", TimeRange::all()))
        .unwrap();
    assert_eq!(calls[0].attributes["realtime.rule_hits"], "2");
    assert_eq!(
        calls[0].attributes["realtime.rules_fired"],
        r#"["churn_intent","no_thanks_at_end"]"#
    );
}

#[test]
fn rules_swapped_while_a_call_is_live_keep_unchanged_progress() {
    let tracker = LiveCallTracker::new(analyzer(), RealtimeConfig::default()).unwrap();
    tracker.start_call(call("c1")).unwrap();
    // No rules yet: nothing fires.
    let update = tracker
        .on_utterance(
            "t1",
            "c1",
            &say(0, Speaker::Customer, "I want to cancel my account"),
        )
        .unwrap();
    assert!(update.rule_hits.is_empty());
    tracker.set_rules(LiveRules::from_json(RULES).unwrap());
    let update = tracker
        .on_utterance(
            "t1",
            "c1",
            &say(1, Speaker::Customer, "I want to cancel my account"),
        )
        .unwrap();
    assert_eq!(ids(&update.rule_hits), ["churn_intent"]);
    // Swapped: churn_intent is unchanged (already fired, not again), supervisor is new.
    tracker.set_rules(LiveRules::from_json(SWAPPED).unwrap());
    assert_eq!(tracker.rules().len(), 2);
    let update = tracker
        .on_utterance(
            "t1",
            "c1",
            &say(
                2,
                Speaker::Customer,
                "I want to cancel my account, get me a supervisor",
            ),
        )
        .unwrap();
    assert_eq!(ids(&update.rule_hits), ["supervisor"]);
    let summary = tracker.end_call("t1", "c1", None, None).unwrap();
    assert!(summary.rule_hits.is_empty(), "{:?}", summary.rule_hits);
    assert_eq!(summary.rules_fired, ["churn_intent", "supervisor"]);

    tracker.clear_rules();
    assert!(tracker.rules().is_empty());
    tracker.start_call(call("c2")).unwrap();
    let update = tracker
        .on_utterance(
            "t1",
            "c2",
            &say(0, Speaker::Customer, "get me a supervisor"),
        )
        .unwrap();
    assert!(update.rule_hits.is_empty());
}

#[test]
fn idle_eviction_ends_the_rules_too() {
    let config = RealtimeConfig {
        idle_timeout_secs: 1,
        ..RealtimeConfig::default()
    };
    let tracker = LiveCallTracker::new(analyzer(), config)
        .unwrap()
        .with_rules(LiveRules::from_json(RULES).unwrap());
    tracker.start_call(call("c1")).unwrap();
    tracker
        .on_utterance("t1", "c1", &say(0, Speaker::Customer, "Hello there"))
        .unwrap();
    let later = std::time::Instant::now() + std::time::Duration::from_secs(5);
    assert_eq!(tracker.evict_idle(later), 1);
    let summaries = tracker.take_ended();
    assert_eq!(ids(&summaries[0].rule_hits), ["no_thanks_at_end"]);
    assert_eq!(summaries[0].reason, EndReason::Idle);
}
