"""Customer journeys across channels: four simulated weeks of touchpoints (web, app, e-mail,
chat, calls) cut into journeys, the most common paths and how long journeys take, an
acquisition funnel, and which channels earn the conversions under every attribution model.

    python examples/journeys/journeys.py

``main.rs`` and ``journeys.js`` beside this file do the same in Rust and Node and print the
same lines (``expected.txt``).
"""

from collections import Counter

import aybiza_analytics as aa


def main():
    simulated = aa.simulate({"seed": 7, "tenants": 1})
    events = [r for r in simulated["records"] if r["type"] == "journey_event"]

    # A journey ends at a conversion or a cancellation, or after a week without a touchpoint.
    config = {
        "conversion_actions": ["purchase", "upgrade_plan", "accept_retention_offer"],
        "churn_actions": ["cancel_subscription"],
        "inactivity_secs": 7 * 24 * 3600,
    }
    journeys = aa.journeys(events, config)
    ends = Counter(j["end"] or "still open at the end of the data" for j in journeys)
    print(
        f"{len(events)} touchpoints, {len(journeys)} journeys: "
        + ", ".join(f"{n} {end}" for end, n in sorted(ends.items()))
    )
    print(f'the simulator planted {len(simulated["truth"]["journeys"])} journeys')

    # The journey map: one case per journey, its actions as activities.
    log = [
        {"case": j["case"], "activity": e["action"], "timestamp": e["timestamp"]}
        for j in journeys
        for e in j["events"]
    ]
    journey_map = aa.journey_map(log)
    print(f'{len(journey_map["variants"])} distinct paths; the most common:')
    for variant in journey_map["variants"][:5]:
        print(f'  {variant["count"]:>4}  {100 * variant["share"]:>5.1f}%  {" > ".join(variant["path"])}')
    durations = journey_map["durations"]
    print(
        f'journey duration: median {durations["p50"] / 3600:.1f} h,'
        f' 90th percentile {durations["p90"] / 3600:.1f} h'
    )

    stages = ["view_product", "view_pricing", "start_checkout", "purchase"]
    print("acquisition funnel (journeys reaching each stage, share of the stage before):")
    for step in aa.funnel(log, stages):
        print(
            f'  {step["stage"]:<15} {step["cases"]:>4}'
            f'  {100 * step["conversion_from_previous"]:>5.1f}%'
        )

    # Attribution: the journeys' channel paths, then every model side by side.
    paths = aa.journey_paths(events, config)
    report = aa.attribution(paths)
    print(f'conversions credited ({sum(p["conversions"] for p in paths):.0f} in all):')
    print(f'  {"channel":<8}' + "".join(f'{m["model"]:>15}' for m in report["models"]) + "  removal effect")
    # Channels by name (their order in the report is the order they were first seen).
    for i, channel in sorted(enumerate(report["channels"]), key=lambda pair: pair[1]):
        credits = "".join(f'{m["conversions"][i]:>15.1f}' for m in report["models"])
        print(f'  {channel:<8}{credits}  {report["removal_effects"][i]:>14.3f}')


if __name__ == "__main__":
    main()
