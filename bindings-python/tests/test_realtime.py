"""The real-time CallTracker: updates, subscriptions, summaries, bad input."""

import json
import math

import pytest

import aybiza_analytics as aa
from conftest import REPO_ROOT

CASES = json.loads((REPO_ROOT / "tests" / "fixtures" / "realtime_cases.json").read_text(encoding="utf-8"))


def run_call(tracker, case):
    tracker.start_call(case["call"])
    updates = [
        tracker.on_utterance(case["call"]["tenant"], case["call"]["id"], utterance)
        for utterance in case["utterances"]
    ]
    return updates


@pytest.mark.parametrize("case", CASES["calls"], ids=lambda c: c["name"])
def test_shared_calls_end_as_expected(case):
    tracker = aa.CallTracker()
    last = run_call(tracker, case)[-1]
    expect = case["expect"]
    state, recs = last["state"], last["recommendations"]
    assert state["context"]["repetitions"] == expect["repetitions"]
    assert state["context"]["escalation_requests"] == expect["escalation_requests"]
    assert recs["next_best_action"] == expect["next_best_action"]
    assert recs["escalation_warning"] == expect["escalation_warning"]
    if "tone" in expect:
        assert recs["tone"] == expect["tone"]
    if "min_escalation_risk" in expect:
        assert state["escalation_risk"] >= expect["min_escalation_risk"]
    if "max_escalation_risk" in expect:
        assert state["escalation_risk"] <= expect["max_escalation_risk"]
    if "max_current_sentiment" in expect:
        assert state["current_sentiment"] <= expect["max_current_sentiment"]
    if "min_current_sentiment" in expect:
        assert state["current_sentiment"] >= expect["min_current_sentiment"]
    if "min_satisfaction" in expect:
        assert state["satisfaction"] >= expect["min_satisfaction"]
    assert last["point"]["seq"] == case["utterances"][-1]["seq"]
    assert -1.0 <= last["point"]["fused_score"] <= 1.0


@pytest.mark.parametrize("bad", CASES["bad_inputs"], ids=lambda c: c["name"])
def test_bad_utterances_raise_realtime_errors_and_leave_the_call_alone(bad):
    tracker = aa.CallTracker()
    case = CASES["calls"][1]
    run_call(tracker, case)
    before = tracker.state("t1", "ok-1")
    utterance = dict(bad["utterance"])
    if "repeat_text" in bad:
        utterance["text"] = bad["repeat_text"]["unit"] * bad["repeat_text"]["times"]
    with pytest.raises(aa.RealtimeError) as raised:
        tracker.on_utterance("t1", "ok-1", utterance)
    assert raised.value.kind == bad["kind"]
    assert isinstance(raised.value, aa.InvalidArgumentError)
    assert tracker.state("t1", "ok-1") == before


def test_nan_voice_features_are_refused_at_the_boundary():
    tracker = aa.CallTracker()
    tracker.start_call(CASES["calls"][0]["call"])
    utterance = {"seq": 0, "speaker": "customer", "text": "Hi", "start_ms": 0, "end_ms": 900, "voice": {"energy": math.nan}}
    with pytest.raises(aa.InvalidArgumentError, match="energy"):
        tracker.on_utterance("t1", "esc-1", utterance)
    assert tracker.state("t1", "esc-1")["utterances"] == 0


def test_unknown_ended_and_duplicate_calls():
    tracker = aa.CallTracker()
    utterance = CASES["calls"][1]["utterances"][0]
    with pytest.raises(aa.RealtimeError) as raised:
        tracker.on_utterance("t1", "nope", utterance)
    assert raised.value.kind == "unknown_call"
    run_call(tracker, CASES["calls"][1])
    with pytest.raises(aa.RealtimeError) as raised:
        tracker.start_call(CASES["calls"][1]["call"])
    assert raised.value.kind == "already_live"
    summary = tracker.end_call("t1", "ok-1", outcome="resolved")
    assert summary["call"]["outcome"] == "resolved"
    assert summary["call"]["ended_at"] == "2026-01-05T10:00:14.500Z"
    assert summary["reason"] == "ended"
    assert len(summary["journey"]) == 5
    assert summary["journey_bucket_ms"] == 0
    assert [p["utterances"] for p in summary["journey"]] == [1] * 5
    assert [q["quarter"] for q in summary["quarters"]] == [1, 2, 3, 4]
    for call in (lambda: tracker.on_utterance("t1", "ok-1", utterance), lambda: tracker.end_call("t1", "ok-1")):
        with pytest.raises(aa.RealtimeError) as raised:
            call()
        assert raised.value.kind == "call_ended"
    with pytest.raises(aa.InvalidArgumentError):
        tracker.end_call("t1", "esc-1", outcome="exploded")


def test_subscribers_receive_updates_and_their_errors_are_caught():
    tracker = aa.CallTracker()
    events = []
    sub = tracker.subscribe(events.append)

    def broken(event):
        raise RuntimeError("subscriber bug")

    bad = tracker.subscribe(broken)
    updates = run_call(tracker, CASES["calls"][0])
    assert [e["update"] for e in events] == updates
    assert {(e["tenant"], e["call_id"]) for e in events} == {("t1", "esc-1")}
    assert len(tracker.subscriber_errors) == len(updates)
    assert "subscriber bug" in tracker.subscriber_errors[0]
    assert tracker.unsubscribe(sub) and tracker.unsubscribe(bad)
    assert not tracker.unsubscribe(sub)
    with pytest.raises(TypeError):
        tracker.subscribe(42)


def test_idle_calls_are_evicted_and_summaries_flushed_to_a_store():
    tracker = aa.CallTracker({"idle_timeout_secs": 0})
    run_call(tracker, CASES["calls"][0])
    assert tracker.live_calls() == 1
    assert tracker.evict_idle() == 1
    assert tracker.live_calls() == 0
    store = aa.Store.memory()
    report = tracker.flush_ended(store)
    assert report["calls"] == 1 and report["written"]["inserted"] == 1
    (call,) = store.calls("t1")
    assert call["attributes"]["realtime.end_reason"] == "idle"
    assert float(call["attributes"]["realtime.escalation_risk"]) > 0.5
    assert tracker.take_ended() == []


def test_a_long_call_keeps_the_shared_journey():
    long = CASES["long_journey"]
    case = next(c for c in CASES["calls"] if c["name"] == long["call"])
    tracker = aa.CallTracker(long["config"])
    run_call(tracker, case)
    summary = tracker.end_call(case["call"]["tenant"], case["call"]["id"])
    assert summary["journey_bucket_ms"] == long["journey_bucket_ms"]
    keys = ("seq", "speaker", "at_ms", "utterances")
    assert [{k: p[k] for k in keys} for p in summary["journey"]] == long["journey"]
    counted = sum(q["customer_utterances"] + q["agent_utterances"] for q in summary["quarters"])
    assert counted == len(case["utterances"])


def test_risk_weights_are_overridable_and_checked():
    escalating = CASES["calls"][0]
    default = run_call(aa.CallTracker(), escalating)[-1]["state"]
    hand_set = {
        "intercept": -3.0, "negative_sentiment": 2.0, "anger": 1.5, "frustration": 1.0, "voice_stress": 1.0,
        "repetition": 0.8, "hold": 0.6, "escalation_request": 1.2, "resolution": -1.5,
    }
    state = run_call(aa.CallTracker({"risk_weights": hand_set}), escalating)[-1]["state"]
    drivers = state["risk_drivers"]
    z = hand_set["intercept"] + sum(drivers.values())
    assert state["escalation_risk"] == pytest.approx(1 / (1 + math.exp(-z)))
    assert drivers["voice_stress"] == pytest.approx(state["stress"])
    assert state["escalation_risk"] != pytest.approx(default["escalation_risk"])
    # One field alone: the others keep their defaults.
    louder = run_call(aa.CallTracker({"risk_weights": {"voice_stress": 2.0}}), escalating)[-1]["state"]
    assert louder["risk_drivers"]["voice_stress"] == pytest.approx(2.0 * louder["stress"])
    assert louder["risk_drivers"]["anger"] == pytest.approx(default["risk_drivers"]["anger"])
    for bad in ({"anger": -1.0}, {"resolution": 0.5}):
        with pytest.raises(aa.RealtimeError) as raised:
            aa.CallTracker({"risk_weights": bad})
        assert raised.value.kind == "invalid_config"
    with pytest.raises(aa.InvalidArgumentError):
        aa.CallTracker({"risk_weights": {"mood": 1.0}})


def test_config_is_checked():
    with pytest.raises(aa.RealtimeError) as raised:
        aa.CallTracker({"shards": 0})
    assert raised.value.kind == "invalid_config"
    with pytest.raises(aa.RealtimeError) as raised:
        aa.CallTracker({"max_journey_points": 3})
    assert raised.value.kind == "invalid_config"
    with pytest.raises(aa.InvalidArgumentError):
        aa.CallTracker({"no_such_field": 1})
    tracker = aa.CallTracker({"max_text_bytes": 10, "thresholds": {"escalation_warning": 0.9}})
    tracker.start_call(CASES["calls"][1]["call"])
    with pytest.raises(aa.RealtimeError) as raised:
        tracker.on_utterance("t1", "ok-1", {"seq": 0, "speaker": "customer", "text": "x" * 11, "start_ms": 0, "end_ms": 1})
    assert raised.value.kind == "text_too_long"
