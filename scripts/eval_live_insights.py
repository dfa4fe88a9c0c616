"""Scores the live insight detector against the incidents the simulator planted.

Usage (after `aybiza report --sample --output out`):

    python3 scripts/eval_live_insights.py --store out/sample.db --truth out/sample-truth.json \
        [--aybiza target/release/aybiza] [--options '{"raise_p_value": 0.001}']

It replays the store's calls through `aybiza live-insights` and, per planted incident that
changes how calls go (volume spikes and outage storms raise abandonment and handle time; volume
drops only thin the calls, which is the volume monitors' business), reports the minutes from
its start to the first insight raised for its tenant. A raised insight counts as a detection
when it falls between the incident's start and an hour after its end (the window still holds
its calls); every other raise is a false alarm, reported per tenant-day of replayed calls.
Standard library only.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta

CALL_CHANGING = {"volume_spike", "outage_storm"}


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--truth", required=True)
    parser.add_argument("--aybiza", default="target/release/aybiza")
    parser.add_argument("--options", default=None, help="LiveInsightOptions as JSON")
    args = parser.parse_args()

    with tempfile.NamedTemporaryFile(suffix=".jsonl") as out:
        command = [args.aybiza, "live-insights", "--store", args.store, "--output", out.name]
        if args.options:
            command += ["--options", args.options]
        replay = subprocess.run(command, capture_output=True, text=True, check=True)
        events = [json.loads(line) for line in open(out.name, encoding="utf-8") if line.strip()]
    print(replay.stderr.strip(), file=sys.stderr)

    truth = json.load(open(args.truth, encoding="utf-8"))
    incidents = [a for a in truth["anomalies"] if a["kind"] in CALL_CHANGING]
    raised = [e for e in events if e["state"] == "raised"]

    def incident_of(event):
        at = instant(event["at"])
        for incident in incidents:
            start, end = instant(incident["start"]), instant(incident["end"])
            if incident["tenant"] == event["tenant"] and start <= at <= end + timedelta(hours=1):
                return incident
        return None

    print(f"{'incident':<22} {'kind':<13} {'first insight':>14}  insights raised during it")
    detected = 0
    for incident in incidents:
        hits = [e for e in raised if incident_of(e) is incident]
        start = instant(incident["start"])
        if hits:
            detected += 1
            delay = (min(instant(e["at"]) for e in hits) - start).total_seconds() / 60
            first = f"{delay:.0f} min"
        else:
            first = "missed"
        categories = sorted({(e.get("segment") or {}).get("value", "all") + ":" + e["category"]
                             for e in hits})
        print(f"{incident['id']:<22} {incident['kind']:<13} {first:>14}  {len(hits)} "
              f"({', '.join(categories[:6])}{', …' if len(categories) > 6 else ''})")

    false_alarms = [e for e in raised if incident_of(e) is None]
    # Tenant-days: from each tenant's first to its last call start.
    spans = {}
    for call in truth["calls"]:
        at = instant(call["started_at"])
        first, last = spans.get(call["tenant"], (at, at))
        spans[call["tenant"]] = (min(first, at), max(last, at))
    tenant_days = sum((last - first).total_seconds() / 86400 for first, last in spans.values())
    print(f"\ndetected {detected} of {len(incidents)} incidents; {len(false_alarms)} insights "
          f"raised outside them over {tenant_days:.1f} tenant-days "
          f"({len(false_alarms) / tenant_days:.2f} a day)")
    for event in false_alarms:
        print(f"  {event['at'][:16]} {event['tenant']:<10} {event['title']}")


if __name__ == "__main__":
    main()
