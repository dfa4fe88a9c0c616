"""Live rules in the real-time CallTracker: hits on updates, subscribers and summaries; swaps while live."""

import json

import pytest

import aybiza_analytics as aa

RULES = {
    "rules": [
        {"id": "churn_intent", "when": {"phrases": {"speaker": "customer", "any": ["want to cancel my account"]}}},
        {
            "id": "no_thanks_at_end",
            "when": {"not": {"phrases": {"speaker": "customer", "within": {"last_secs": 30}, "any": ["thank you"]}}},
        },
    ]
}

SWAPPED_TOML = """
[[rules]]
id = "churn_intent"
when = { phrases = { speaker = "customer", any = ["want to cancel my account"] } }

[[rules]]
id = "supervisor"
when = { phrases = { speaker = "customer", any = ["supervisor"] } }
"""


def call(call_id):
    return {
        "id": call_id,
        "tenant": "t1",
        "customer_id": "u1",
        "channel": "voice",
        "direction": "inbound",
        "started_at": "2026-01-05T10:00:00Z",
    }


def say(seq, text, speaker="customer"):
    return {"seq": seq, "speaker": speaker, "text": text, "start_ms": seq * 3000, "end_ms": seq * 3000 + 2500}


def ids(hits):
    return [hit["rule_id"] for hit in hits]


def test_without_rules_updates_have_no_hits():
    tracker = aa.CallTracker()
    assert tracker.rule_ids == []
    tracker.start_call(call("c1"))
    update = tracker.on_utterance("t1", "c1", say(0, "I want to cancel my account"))
    assert update["rule_hits"] == []
    summary = tracker.end_call("t1", "c1")
    assert summary["rule_hits"] == [] and summary["rules_fired"] == []


@pytest.mark.parametrize("form", ["live_rules", "json_text"])
def test_a_phrase_across_two_utterances_reaches_update_subscriber_summary_and_store(form):
    rules = aa.LiveRules.from_json(json.dumps(RULES)) if form == "live_rules" else json.dumps(RULES)
    tracker = aa.CallTracker(None, rules)
    assert tracker.rule_ids == ["churn_intent", "no_thanks_at_end"]
    seen = []
    tracker.subscribe(lambda event: seen.extend(ids(event["update"]["rule_hits"])))
    tracker.start_call(call("c1"))
    first = tracker.on_utterance("t1", "c1", say(0, "Honestly I want to"))
    assert first["rule_hits"] == []
    second = tracker.on_utterance("t1", "c1", say(1, "cancel my account today."))
    (hit,) = second["rule_hits"]
    assert hit["rule_id"] == "churn_intent"
    assert (hit["start_seq"], hit["seq"], hit["speaker"], hit["at_ms"]) == (0, 1, "customer", 5500)
    assert hit["phrase"] == "want to cancel my account"
    assert seen == ["churn_intent"]
    summary = tracker.end_call("t1", "c1", "abandoned")
    assert ids(summary["rule_hits"]) == ["no_thanks_at_end"]
    assert summary["rules_fired"] == ["churn_intent", "no_thanks_at_end"]
    store = aa.Store.memory()
    tracker.flush_ended(store)
    (stored,) = store.calls("t1")
    assert stored["attributes"]["realtime.rule_hits"] == "2"
    assert json.loads(stored["attributes"]["realtime.rules_fired"]) == ["churn_intent", "no_thanks_at_end"]


def test_rules_swapped_while_a_call_is_live():
    tracker = aa.CallTracker()
    tracker.start_call(call("c1"))
    assert tracker.on_utterance("t1", "c1", say(0, "I want to cancel my account"))["rule_hits"] == []
    tracker.set_rules(aa.LiveRules.from_json(json.dumps(RULES)))
    assert ids(tracker.on_utterance("t1", "c1", say(1, "I want to cancel my account"))["rule_hits"]) == [
        "churn_intent"
    ]
    # TOML text; churn_intent is unchanged, so it does not fire again; supervisor is new.
    tracker.set_rules(SWAPPED_TOML)
    assert tracker.rule_ids == ["churn_intent", "supervisor"]
    update = tracker.on_utterance("t1", "c1", say(2, "I want to cancel my account, get me a supervisor"))
    assert ids(update["rule_hits"]) == ["supervisor"]
    summary = tracker.end_call("t1", "c1")
    assert summary["rule_hits"] == []
    assert summary["rules_fired"] == ["churn_intent", "supervisor"]
    tracker.set_rules(None)
    assert tracker.rule_ids == []


def test_bad_rules_are_refused():
    with pytest.raises(aa.InvalidArgumentError):
        aa.CallTracker(None, '{"rules": [{"id": "x", "when": {"phrases": {"any": []}}}]}')
    with pytest.raises(aa.InvalidArgumentError):
        aa.CallTracker(None, "[[rules]]\nid = ")
    with pytest.raises(TypeError):
        aa.CallTracker(None, 42)
    tracker = aa.CallTracker(None, json.dumps(RULES))
    with pytest.raises(aa.InvalidArgumentError):
        tracker.set_rules("{not json")
    # A refused swap leaves the rules in force.
    assert tracker.rule_ids == ["churn_intent", "no_thanks_at_end"]
