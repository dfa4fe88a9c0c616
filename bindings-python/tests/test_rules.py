"""Live pattern rules from Python: loading, errors, matching a transcript."""

import json

import pytest

import aybiza_analytics as aa

CANCEL_TOML = """
[[rules]]
id = "cancel"
when = { phrases = { speaker = "customer", any = ["cancel * account"] } }
"""


def test_default_rules_match_a_transcript():
    rules = aa.LiveRules.default()
    assert "escalation_request" in rules.rule_ids
    assert len(rules) == len(rules.rule_ids)
    hits = rules.match_transcript(
        [
            {"speaker": "agent", "text": "Thanks for calling, this call may be recorded.", "seq": 0, "start_ms": 0},
            {"speaker": "customer", "text": "I want to speak to your manager!", "seq": 1, "start_ms": 4000, "end_ms": 6000},
        ]
    )
    escalation = [h for h in hits if h["rule_id"] == "escalation_request"]
    assert escalation == [
        {
            "rule_id": "escalation_request",
            "at_ms": 6000,
            "seq": 1,
            "speaker": "customer",
            "phrase": "speak to ** manager",
            "start_seq": 1,
            "char_start": 10,
            "char_end": 31,
        }
    ]


def test_json_and_toml_and_cross_utterance_phrases():
    from_toml = aa.LiveRules.from_toml(CANCEL_TOML)
    from_json = aa.LiveRules.from_json(json.dumps(from_toml.rule_set()))
    transcript = [
        {"speaker": "customer", "text": "please cancel my", "seq": 0, "start_ms": 0},
        {"speaker": "customer", "text": "account", "seq": 1, "start_ms": 2000},
    ]
    for rules in (from_toml, from_json):
        [hit] = rules.match_transcript(transcript)
        assert (hit["start_seq"], hit["seq"], hit["char_start"], hit["char_end"]) == (0, 1, 7, 7)


def test_bad_rules_and_bad_utterances_raise():
    with pytest.raises(aa.InvalidArgumentError, match="line 3"):
        aa.LiveRules.from_toml('[[rules]]\nid = "a"\nwhen = { phrases = { any = ["x"], speaker = "boss" } }')
    with pytest.raises(aa.InvalidArgumentError, match=r"rules\[0\]\.when\.phrases\.any\[0\]"):
        aa.LiveRules.from_json('{"rules": [{"id": "a", "when": {"phrases": {"any": ["* x"]}}}]}')
    rules = aa.LiveRules.default()
    with pytest.raises(aa.InvalidArgumentError, match="speaker"):
        rules.match_transcript([{"text": "hi", "seq": 0, "start_ms": 0}])
    with pytest.raises(TypeError):
        rules.match_transcript("not a list")


def test_a_live_call_fires_each_rule_once_and_decides_not_at_the_end():
    rules = aa.LiveRules.from_toml(
        CANCEL_TOML
        + '[[rules]]\nid = "no_thanks"\nwhen = { not = { phrases = { any = ["thank you"] } } }\n'
    )
    call = rules.new_call()
    assert call.on_utterance({"speaker": "customer", "text": "cancel my", "seq": 0, "start_ms": 0}) == []
    [hit] = call.on_utterance({"speaker": "customer", "text": "account now", "seq": 1, "start_ms": 900})
    assert hit["rule_id"] == "cancel"
    assert call.on_utterance({"speaker": "customer", "text": "cancel my account", "seq": 2, "start_ms": 2000}) == []
    assert not call.is_ended
    assert [h["rule_id"] for h in call.end_call(5000)] == ["no_thanks"]
    assert call.is_ended and call.end_call(5000) == []
    with pytest.raises(TypeError):
        rules.new_call().on_utterance(["not", "a", "dict"])
