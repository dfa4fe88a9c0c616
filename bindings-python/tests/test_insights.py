"""Statistical insights: segments that differ and changes against the previous period."""

import pytest

import aybiza_analytics as aa

SIM = {"seed": 9, "tenants": 1, "days": 14, "calls_per_day": 80, "journeys_per_day": 0, "anomaly_days": 0}


@pytest.fixture(scope="module")
def simulated():
    store = aa.Store.memory()
    assert store.ingest_jsonl(aa.simulate_jsonl(SIM)).rejected == []
    return store, store.tenant_ids()[0]


def test_insights_are_ranked_and_backed_by_tests(simulated):
    store, tenant = simulated
    insights = aa.generate_insights(store, tenant)
    assert insights, "the simulator's queues differ"
    impacts = [i["impact"] for i in insights]
    assert impacts == sorted(impacts, reverse=True)
    for insight in insights:
        assert insight["kind"] == "segment_outlier"
        assert insight["segment"]["dimension"] in ("queue", "channel", "agent")
        assert 0.0 <= insight["impact"] <= 1.0
        assert insight["evidence"]["q_value"] <= 0.05
        assert insight["title"] and insight["description"]


def planted_weeks():
    """Two weeks of calls: 60 a day, then 90 a day (give or take 3), escalations unchanged."""
    lines = []
    for day in range(14):
        count = (60 if day < 7 else 90) + (day * 5) % 7 - 3
        for i in range(count):
            started = f"2026-03-{2 + day:02d}T{8 + i % 10:02d}:{i % 60:02d}:00Z"
            ended = f"2026-03-{2 + day:02d}T{8 + i % 10:02d}:{i % 60:02d}:30Z"
            lines.append(
                '{"type":"call","id":"c%d-%d","tenant":"t","customer_id":"k%d","channel":"voice",'
                '"direction":"inbound","started_at":"%s","ended_at":"%s","outcome":"resolved",'
                '"escalated":%s}' % (day, i, i, started, ended, "true" if i % 10 == 0 else "false")
            )
    store = aa.Store.memory()
    assert store.ingest_jsonl("\n".join(lines)).rejected == []
    return store


def test_a_bounded_period_is_compared_with_the_one_before():
    store = planted_weeks()
    insights = aa.generate_insights(store, "t", "2026-03-09", "2026-03-16")
    volume = [i for i in insights if i["category"] == "volume"]
    assert len(volume) == 1 and volume[0]["kind"] == "period_change"
    assert volume[0]["title"].startswith("Volume rose from")
    assert 59 < volume[0]["evidence"]["reference"] < 61 and 89 < volume[0]["evidence"]["value"] < 91
    # Escalations stayed at one call in ten: not an insight.
    assert all(i["category"] != "escalation_rate" for i in insights)
    # An open range has no period before it: segments only.
    assert all(i["kind"] == "segment_outlier" for i in aa.generate_insights(store, "t"))


def test_a_strict_false_discovery_rate_keeps_a_subset(simulated):
    store, tenant = simulated
    everything = aa.generate_insights(store, tenant, options={"max_insights": 50})
    strict = aa.generate_insights(
        store, tenant, options={"false_discovery_rate": 1e-6, "max_insights": 50}
    )
    assert {i["title"] for i in strict} <= {i["title"] for i in everything}


def test_bad_options_raise(simulated):
    store, tenant = simulated
    with pytest.raises(aa.InvalidArgumentError, match="false_discovery_rate"):
        aa.generate_insights(store, tenant, options={"false_discovery_rate": 2})
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.generate_insights(store, tenant, options={"fdr": 0.1})
    with pytest.raises(aa.InvalidArgumentError, match="tenant"):
        aa.generate_insights(store, "")
    assert aa.generate_insights(store, "nobody") == []
