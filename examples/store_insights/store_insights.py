"""What an analyst asks of a month of stored calls: the records go into a store, calls are
grouped by what they are about (with each group's escalation and resolution rates), the
share of confused and repeat callers is measured, and the statistical insights of the last
week are ranked by impact.

    python examples/store_insights/store_insights.py

``main.rs`` and ``store_insights.js`` beside this file do the same in Rust and Node and
print the same lines (``expected.txt``).
"""

from datetime import datetime, timedelta, timezone

import aybiza_analytics as aa


def main():
    simulated = aa.simulate({"seed": 7, "tenants": 1})
    # The in-memory store; `aa.Store.open("calls.db")` keeps the records in a file.
    store = aa.Store.memory()
    written = store.ingest(simulated["records"]).written
    tenant = store.tenant_ids()[0]
    print(f"{tenant}: {written.inserted} records stored")

    findings = aa.discover_patterns(store, tenant)
    print(f'{findings["calls"]} calls in {len(findings["groups"])} groups of similar calls; the five largest:')
    for group in findings["groups"][:5]:
        print(
            f'  {group["size"]:>5}  {100 * group["share"]:>5.1f}%  {group["label"]:<32}'
            f' escalated {100 * group["escalation_rate"]:>5.1f}%, resolved {100 * group["resolution_rate"]:>5.1f}%'
        )
    print(
        f'confused callers in {100 * findings["confusion"]["share"]:.1f}% of calls;'
        f' repeat callers in {100 * findings["repeat_callers"]["share"]:.1f}% of calls'
    )

    # The last week of the four, each metric against the week before.
    start = datetime(2026, 1, 26, tzinfo=timezone.utc)
    insights = aa.generate_insights(store, tenant, start, start + timedelta(days=7))
    print(f'{len(insights)} insights for the week from {start:%Y-%m-%d}, the five with the most impact:')
    for insight in insights[:5]:
        print(f'  {insight["impact"]:.3f}  {insight["title"]}')


if __name__ == "__main__":
    main()
