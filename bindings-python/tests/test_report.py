"""Reports: built from a store, rendered as HTML, written to a directory."""

import json
from collections import Counter

import pytest

import aybiza_analytics as aa

SIM = {"seed": 11, "tenants": 2, "days": 3, "calls_per_day": 30, "journeys_per_day": 6, "anomaly_days": 1}


@pytest.fixture(scope="module")
def records():
    return aa.simulate(SIM)["records"]


@pytest.fixture
def simulated(store, records):
    assert store.ingest_jsonl(aa.simulate_jsonl(SIM)).rejected == []
    return store


def by_tenant(records, kind):
    return Counter(r["tenant"] for r in records if r["type"] == kind)


def test_report_totals_match_the_records(simulated, records):
    report = simulated.report()
    assert report["format_version"] == 1
    assert report["period"]["start"] is None and report["period"]["end"] is None
    overall = report["overall"]
    metrics = overall["metrics"]
    calls = [r for r in records if r["type"] == "call"]
    assert overall["tenants"] == 2 and overall["tenants_with_calls"] == 2
    assert metrics["calls"]["total"] == len(calls)
    assert metrics["conversation"]["utterances"] == sum(r["type"] == "utterance" for r in records)
    assert metrics["activity"]["journey_events"] == sum(r["type"] == "journey_event" for r in records)
    assert metrics["activity"]["metric_samples"] == sum(r["type"] == "metric" for r in records)
    assert sum(c["count"] for c in metrics["calls"]["by_outcome"]) + metrics["calls"]["without_outcome"] == len(calls)
    assert sum(metrics["volume"]["by_hour"]) == len(calls)
    assert report["period"]["first_call_at"] == min(c["started_at"] for c in calls)

    calls_per_tenant = by_tenant(records, "call")
    assert [t["tenant_id"] for t in report["tenants"]] == sorted(calls_per_tenant)
    for tenant in report["tenants"]:
        assert tenant["metrics"]["calls"]["total"] == calls_per_tenant[tenant["tenant_id"]]
        assert tenant["name"] == simulated.tenant(tenant["tenant_id"])["name"]


def test_report_covers_the_range_and_the_tenants_asked_for(simulated, records):
    second_day = "2026-01-06T00:00:00Z"
    report = simulated.report(start="2026-01-06")
    later = [r for r in records if r["type"] == "call" and r["started_at"] >= second_day]
    assert report["period"]["start"] == second_day
    assert report["overall"]["metrics"]["calls"]["total"] == len(later)

    first, second = simulated.tenant_ids()
    only = simulated.report(tenants=[second])
    assert [t["tenant_id"] for t in only["tenants"]] == [second]
    assert only["overall"]["metrics"]["calls"]["total"] == by_tenant(records, "call")[second]
    assert [t["tenant_id"] for t in simulated.report(tenants=(second, first))["tenants"]] == [first, second]


def test_report_argument_errors(simulated):
    with pytest.raises(aa.InvalidArgumentError, match="tenant `nobody` has no records"):
        simulated.report(tenants=["nobody"])
    with pytest.raises(aa.InvalidArgumentError, match="before it starts"):
        simulated.report("2026-01-07", "2026-01-06")
    with pytest.raises(TypeError):
        simulated.report(tenants="acme")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        simulated.report(start=20260105)  # type: ignore[arg-type]


def test_render_report_html(simulated):
    report = simulated.report()
    page = aa.render_report_html(report)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for tenant in report["tenants"]:
        assert tenant["name"] in page
    # A report read back from JSON renders the same page.
    assert aa.render_report_html(json.loads(json.dumps(report))) == page


def test_render_report_html_refuses_what_is_not_a_report(simulated):
    report = simulated.report()
    missing = {k: v for k, v in report.items() if k != "overall"}
    with pytest.raises(aa.InvalidArgumentError, match="report: missing field `overall`"):
        aa.render_report_html(missing)
    report["tenants"][0]["metrics"]["calls"]["total"] = "many"
    with pytest.raises(aa.InvalidArgumentError, match=r"report: tenants\[0\]\.metrics\.calls\.total: invalid type"):
        aa.render_report_html(report)
    report["tenants"][0]["metrics"]["calls"]["total"] = float("nan")
    with pytest.raises(aa.InvalidArgumentError, match="must be a finite number"):
        aa.render_report_html(report)
    with pytest.raises(TypeError, match="report must be a dict, got list"):
        aa.render_report_html([])  # type: ignore[arg-type]


def test_write_report(simulated, records, tmp_path):
    target = tmp_path / "out" / "nested"
    paths = simulated.write_report(target)
    assert paths == {"json": str(target / "report.json"), "html": str(target / "report.html")}
    written = json.loads((target / "report.json").read_text(encoding="utf-8"))
    assert written["overall"]["metrics"]["calls"]["total"] == sum(r["type"] == "call" for r in records)
    html = (target / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert aa.render_report_html(written) == html

    first = simulated.tenant_ids()[0]
    again = simulated.write_report(str(tmp_path / "one"), None, "2026-01-06", [first])
    one = json.loads(open(again["json"], encoding="utf-8").read())
    assert [t["tenant_id"] for t in one["tenants"]] == [first]
    assert one["period"]["end"] == "2026-01-06T00:00:00Z"


def test_write_report_into_a_file_path_fails(simulated, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(aa.AybizaError):
        simulated.write_report(blocker)


def test_report_of_an_empty_store(store):
    report = store.report()
    assert report["tenants"] == []
    assert report["overall"]["metrics"]["calls"]["total"] == 0
    assert aa.render_report_html(report).startswith("<!DOCTYPE html>")
