"""A voice pipeline's view of one call: every utterance goes through the live tracker as it
is transcribed, and the agent's screen shows the sentiment, the escalation risk and the
recommendations it returns; live rules report through a subscription; PII is redacted
before a transcript line is shown or logged.

    python examples/live_call/live_call.py

``main.rs`` and ``live_call.js`` beside this file do the same in Rust and Node and print the
same lines (``expected.txt``).
"""

import json
from pathlib import Path

import aybiza_analytics as aa

DATA = Path(__file__).resolve().parent.parent / "data"


def report_rule_hits(event):
    """Subscribers see every update; this one reports the live rules that fire."""
    for hit in event["update"]["rule_hits"]:
        if hit["phrase"] is not None:
            print(f'    ! {hit["rule_id"]} at {hit["at_ms"]} ms: "{hit["phrase"]}"')
        else:
            print(f'    ! {hit["rule_id"]} at {hit["at_ms"]} ms')


def main():
    script = json.loads((DATA / "live_call.json").read_text(encoding="utf-8"))
    rules = aa.LiveRules.from_toml((DATA / "live_rules.toml").read_text(encoding="utf-8"))

    tracker = aa.CallTracker(None, rules)
    tracker.subscribe(report_rule_hits)

    call = script["call"]
    tenant, call_id = call["tenant"], call["id"]
    print(f'{call_id} ({tenant}, queue {call.get("queue") or "-"}): {len(rules)} live rules')
    tracker.start_call(call)

    redactor = aa.Redactor()
    for utterance in script["utterances"]:
        shown = redactor.redact(utterance["text"])["text"]
        print(f'[{utterance["seq"]}] {utterance["speaker"]}: {shown}')
        update = tracker.on_utterance(tenant, call_id, utterance)
        point, state, advice = update["point"], update["state"], update["recommendations"]
        print(
            f'    {point["label"]} {point["fused_score"]:+.3f}'
            f' | risk {state["escalation_risk"]:.3f} {advice["escalation_warning"]}'
            f' | tone {advice["tone"]}, pacing {advice["pacing"]}, empathy {advice["empathy"]}'
            f' | next {advice["next_best_action"]}'
        )

    summary = tracker.end_call(tenant, call_id, script["outcome"], script["ended_at"])
    state = summary["state"]
    print(
        f'ended {script["outcome"]}: satisfaction {state["satisfaction"]:.3f},'
        f' peak risk {state["peak_escalation_risk"]:.3f},'
        f' {state["context"]["repetitions"]} repetitions,'
        f' {state["context"]["topic_changes"]} topic changes'
    )
    quarters = ["n/a" if q["customer"] is None else f'{q["customer"]:+.3f}' for q in summary["quarters"]]
    print("customer sentiment by quarter: " + " ".join(quarters))
    print("rules fired: " + ", ".join(summary["rules_fired"]))


if __name__ == "__main__":
    main()
