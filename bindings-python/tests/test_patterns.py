"""Batch pattern discovery: groups, noise and the specialised analyses, as dicts and tables."""

import pytest

import aybiza_analytics as aa

SIM = {"seed": 5, "tenants": 1, "days": 2, "calls_per_day": 120, "journeys_per_day": 0, "anomaly_days": 0}


@pytest.fixture(scope="module")
def simulated():
    store = aa.Store.memory()
    assert store.ingest_jsonl(aa.simulate_jsonl(SIM)).rejected == []
    return store


@pytest.fixture(scope="module")
def findings(simulated):
    tenant = simulated.tenant_ids()[0]
    return aa.discover_patterns(simulated, tenant)


def test_every_call_is_grouped_or_noise(findings):
    grouped = sum(len(g["call_ids"]) for g in findings["groups"])
    assert findings["calls"] > 100
    assert grouped + len(findings["noise"]) == findings["calls"]
    for group in findings["groups"]:
        assert group["label"] and group["size"] == len(group["call_ids"])
        assert 0.0 <= group["escalation_rate"] <= 1.0 and 0.0 <= group["resolution_rate"] <= 1.0
        assert "llm_insights" not in group


def test_specialised_analyses_are_present(findings):
    assert findings["escalation_triggers"]["escalated"] > 0
    assert findings["repeat_callers"]["window_days"] == 7.0
    for key in ("successful_resolutions", "confusion", "automation_candidates", "faqs"):
        assert key in findings


def test_groups_as_tables(findings):
    frame = aa.pattern_groups_table(findings, "pandas")
    assert list(frame["size"]) == [g["size"] for g in findings["groups"]]
    table = aa.pattern_groups_table(findings, "arrow")
    assert table.num_rows == len(findings["groups"])


def test_options_and_errors(simulated):
    tenant = simulated.tenant_ids()[0]
    tfidf_only = aa.discover_patterns(simulated, tenant, options={"vectorize": {"semantic_weight": 0.0}})
    assert tfidf_only["groups"]
    with pytest.raises(aa.InvalidArgumentError):
        aa.discover_patterns(simulated, tenant, options={"cluster": {"min_groups": 1}})
    with pytest.raises(aa.InvalidArgumentError):
        aa.discover_patterns(simulated, tenant, options={"no_such_option": 1})
    with pytest.raises(aa.InvalidArgumentError):
        aa.discover_patterns(simulated, "")
    empty = aa.discover_patterns(simulated, "nobody")
    assert empty["calls"] == 0 and empty["groups"] == []
