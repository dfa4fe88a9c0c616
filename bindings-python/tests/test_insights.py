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


def test_a_bounded_period_is_compared_with_the_one_before(simulated):
    store, tenant = simulated
    week = aa.generate_insights(store, tenant, "2026-01-12", "2026-01-19", options={"max_insights": 50})
    everything = aa.generate_insights(store, tenant, options={"max_insights": 50})
    # A week has fewer calls than two: fewer differences reach significance.
    assert len(week) <= len(everything)
    # A strict false discovery rate keeps a subset.
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
