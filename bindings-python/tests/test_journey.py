"""Journeys: attribution, journey maps, funnels, cohorts, lifetime value and the live tracker.

The inputs and expected results of tests/fixtures/journey_cases.json are shared with the Node suite.
"""

import gzip
import json
from datetime import datetime, timezone

import pytest

import aybiza_analytics as aa
from conftest import REPO_ROOT

CASES = json.loads((REPO_ROOT / "tests" / "fixtures" / "journey_cases.json").read_text("utf-8"))
CDNOW = REPO_ROOT.parent / "shared" / "data" / "cdnow_summary.csv"


def credit(report, model):
    return next(m for m in report["models"] if m["model"] == model)


def test_attribution_hand_example():
    case = CASES["attribution"]
    report = aa.attribution(case["paths"])
    assert report["channels"] == case["channels"]
    assert report["removal_effects"] == pytest.approx(case["removal_effects"], abs=1e-9)
    linear = credit(report, "linear")
    assert linear["conversions"] == pytest.approx(case["linear_conversions"], abs=1e-12)
    assert linear["value"] == pytest.approx(case["linear_value"], abs=1e-12)
    names = [m["model"] for m in report["models"]]
    assert names[0] == "first_touch" and "markov_1" in names and "shapley" in names
    for model in report["models"]:
        assert sum(model["conversions"]) == pytest.approx(2.0)


def test_attribution_separator_and_options():
    paths = [dict(p, path=p["path"].replace(" > ", "|")) if isinstance(p["path"], str) else p
             for p in CASES["attribution"]["paths"]]
    piped = aa.attribution(paths, {"separator": "|", "markov_order": 2})
    assert piped["channels"] == ["a", "b"]
    assert any(m["model"] == "markov_2" for m in piped["models"])


def test_attribution_csv_plain_and_gzip(tmp_path):
    text = ("path,total_conversions,total_conversion_value,total_null\n"
            "a > b,1,10,0\na,0,0,1\nb,1,30,1\n")
    plain = tmp_path / "paths.csv"
    plain.write_text(text)
    zipped = tmp_path / "paths.csv.gz"
    zipped.write_bytes(gzip.compress(text.encode()))
    expected = aa.attribution(CASES["attribution"]["paths"])
    assert aa.attribution_csv(plain) == expected
    assert aa.attribution_csv(str(zipped)) == expected
    renamed = tmp_path / "renamed.csv"
    renamed.write_text("journey;conv\na;1\n".replace(";", ","))
    report = aa.attribution_csv(renamed, {"path": "journey", "conversions": "conv", "value": None, "nulls": None})
    assert report["channels"] == ["a"]


def test_attribution_errors():
    with pytest.raises(aa.InvalidArgumentError, match=r"paths\[0\]"):
        aa.attribution([{"path": "a", "conversions": -1}])
    with pytest.raises(aa.InvalidArgumentError, match="conversions"):
        aa.attribution([{"path": "a"}])
    with pytest.raises(aa.InvalidArgumentError, match="unknown field `order`"):
        aa.attribution([], {"order": 2})
    with pytest.raises(aa.InvalidArgumentError):
        aa.attribution(CASES["attribution"]["paths"], {"markov_order": 9})
    with pytest.raises(TypeError):
        aa.attribution("a > b")
    with pytest.raises(aa.InvalidArgumentError, match="no column `path`"):
        aa.attribution_csv(REPO_ROOT / "tests" / "fixtures" / "journey_cases.json")
    with pytest.raises(aa.AybizaError, match="missing.csv"):
        aa.attribution_csv("/nonexistent/missing.csv")


def test_journey_map_variants_and_edges():
    case = CASES["journey_map"]
    events = [dict(e) for e in case["events"]]
    # datetimes are accepted as well as strings
    events[0]["timestamp"] = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    result = aa.journey_map(events)
    assert result["cases"] == 3 and result["events"] == 8
    assert [(v["path"], v["count"]) for v in result["variants"]] == [
        (v["path"], v["count"]) for v in case["variants"]
    ]
    assert {f'{e["from"]}>{e["to"]}': e["count"] for e in result["edges"]} == case["edges"]
    assert result["start_activities"] == {"visit": 3}
    assert result["end_activities"] == {"buy": 3}
    steps = aa.funnel(case["events"], case["funnel_stages"])
    assert [s["cases"] for s in steps] == case["funnel_cases"]


def test_journey_map_csv_with_columns(tmp_path):
    case = CASES["journey_map"]
    lines = ["id,step,at"] + [f'{e["case"]},{e["activity"]},{e["timestamp"]}' for e in case["events"]]
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    result = aa.journey_map_csv(path, {"case": "id", "activity": "step", "timestamp": "at"})
    assert result == aa.journey_map(case["events"])


def test_journey_map_errors():
    with pytest.raises(aa.InvalidArgumentError, match=r"events\[0\]\.timestamp"):
        aa.journey_map([{"case": "1", "activity": "a", "timestamp": "yesterday"}])
    with pytest.raises(aa.InvalidArgumentError, match="activity"):
        aa.journey_map([{"case": "1", "timestamp": "2026-01-01"}])
    with pytest.raises(aa.InvalidArgumentError, match="at least one stage"):
        aa.funnel(CASES["journey_map"]["events"], [])


def test_cohort_retention():
    case = CASES["cohorts"]
    table = aa.cohorts(case["activities"])
    assert table["period"] == "month"
    assert [c["label"] for c in table["cohorts"]] == case["labels"]
    assert [c["size"] for c in table["cohorts"]] == case["sizes"]
    assert [c["retention"] for c in table["cohorts"]] == case["retention"]
    later = aa.cohorts(case["activities"], "month", until="2026-04-01")
    assert len(later["cohorts"][0]["retention"]) == 4
    with pytest.raises(aa.InvalidArgumentError, match="period"):
        aa.cohorts(case["activities"], "year")
    with pytest.raises(aa.InvalidArgumentError, match=r"activities\[0\]"):
        aa.cohorts([{"customer": "x", "timestamp": "never"}])


def read_cdnow():
    rows = CDNOW.read_text().splitlines()[1:]
    customers = []
    for row in rows:
        _, frequency, recency, age, monetary = row.split(",")
        customers.append({"frequency": float(frequency), "recency": float(recency),
                          "age": float(age), "monetary_value": float(monetary)})
    return customers


@pytest.mark.skipif(not CDNOW.exists(), reason="../shared/data/cdnow_summary.csv is not beside the repository")
def test_bg_nbd_and_gamma_gamma_on_cdnow():
    customers = read_cdnow()
    params = aa.fit_bg_nbd(customers)
    assert params["r"] == pytest.approx(0.243, abs=0.002)
    assert params["alpha"] == pytest.approx(4.414, abs=0.05)
    alive = aa.bg_nbd_probability_alive(params, customers[0])
    assert 0.0 < alive <= 1.0
    assert aa.bg_nbd_expected_transactions(params, customers[0], 39.0) > 0.0
    spenders = [c for c in customers if c["frequency"] > 0 and c["monetary_value"] > 0]
    spend = aa.fit_gamma_gamma(spenders)
    assert set(spend) == {"p", "q", "v", "log_likelihood"}
    assert aa.gamma_gamma_expected_spend(spend, spenders[0]) > 0.0


def test_ltv_errors():
    with pytest.raises(aa.InvalidArgumentError, match="no customers"):
        aa.fit_bg_nbd([])
    with pytest.raises(aa.InvalidArgumentError, match=r"customers\[0\]"):
        aa.fit_bg_nbd([{"frequency": 1, "recency": 1}])
    with pytest.raises(aa.InvalidArgumentError, match="customer 1"):
        aa.fit_bg_nbd([{"frequency": 1, "recency": 5, "age": 2, "monetary_value": 1}])
    params = {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4, "log_likelihood": 0.0}
    customer = {"frequency": 2, "recency": 30, "age": 38, "monetary_value": 22}
    with pytest.raises(aa.InvalidArgumentError, match="t must be"):
        aa.bg_nbd_expected_transactions(params, customer, -1.0)
    with pytest.raises(aa.InvalidArgumentError, match="params"):
        aa.bg_nbd_probability_alive({"r": 1}, customer)
    with pytest.raises(aa.InvalidArgumentError, match="params: b must be a finite number > 0"):
        aa.bg_nbd_probability_alive({**params, "b": -0.1}, customer)
    with pytest.raises(aa.InvalidArgumentError, match="customer: needs finite frequency"):
        aa.bg_nbd_probability_alive(params, {**customer, "frequency": -3})
    with pytest.raises(aa.InvalidArgumentError, match="params: q must be > 1"):
        aa.gamma_gamma_expected_spend({"p": 6.0, "q": 0.9, "v": 15.0, "log_likelihood": 0.0}, customer)


def event(event_id, customer, action, timestamp, **extra):
    return {"id": event_id, "customer_id": customer, "action": action, "timestamp": timestamp, **extra}


def make_tracker(hook=None):
    case = CASES["tracker"]
    return aa.JourneyTracker(case["config"], case["history"], on_retention_risk=hook)


def test_tracker_risk_next_action_and_hook():
    case = CASES["tracker"]
    seen = []
    tracker = make_tracker(seen.append)
    first = tracker.track(event("e1", "c1", "visit", "2026-03-01T10:00:00Z", channel="web"))
    assert first["abandonment_risk"] == pytest.approx(case["visit_risk"])
    assert first["next_best_action"] == case["visit_next_best_action"]
    assert first["touchpoints"] == 1 and not first["retention_triggered"]
    assert seen == []
    second = tracker.track(event("e2", "c1", "support", datetime(2026, 3, 1, 10, 5), sentiment=-0.5))
    assert second["abandonment_risk"] == pytest.approx(case["support_risk"])
    assert second["retention_triggered"] and seen == [second] and seen[0] is not second
    assert tracker.open_journeys() == 1
    assert tracker.track(event("e2", "c1", "support", "2026-03-01T10:05:00Z"))["duplicate"]
    done = tracker.track(event("e3", "c1", "purchase", "2026-03-01T10:09:00Z"))
    assert done["ended"] == "converted" and done["abandonment_risk"] == 0.0
    assert tracker.open_journeys() == 0
    tracker.track(event("e4", "c2", "visit", "2026-03-01T10:00:00Z"))
    assert tracker.evict_idle("2026-05-01") == ["c2"]
    assert tracker.open_journeys() == 0


def test_tracker_defaults_and_hook_errors():
    tracker = aa.JourneyTracker()
    assert tracker.track(event("e1", "c", "visit", "2026-03-01"))["abandonment_risk"] == 1.0

    def failing(update):
        raise RuntimeError("retention service down")

    tracker = make_tracker(failing)
    with pytest.raises(RuntimeError, match="retention service down"):
        tracker.track(event("e1", "c1", "support", "2026-03-01T10:00:00Z"))
    assert tracker.open_journeys() == 1


def test_tracker_bad_input():
    with pytest.raises(aa.InvalidArgumentError, match="retention risk threshold"):
        aa.JourneyTracker({"retention_risk_threshold": 2})
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.JourneyTracker({"threshold": 0.5})
    with pytest.raises(TypeError):
        aa.JourneyTracker(None, None, on_retention_risk=42)
    tracker = aa.JourneyTracker()
    with pytest.raises(aa.InvalidArgumentError, match="customer_id"):
        tracker.track({"id": "e", "action": "visit", "timestamp": "2026-03-01"})
    with pytest.raises(aa.InvalidArgumentError, match="sentiment"):
        tracker.track(event("e", "c", "visit", "2026-03-01", sentiment=3))
    with pytest.raises(aa.InvalidArgumentError, match="timestamp"):
        tracker.track(event("e", "c", "visit", "later"))


def check_segments(comparison):
    case = CASES["segments"]
    assert comparison["cases"] == 4
    assert [s["segment"] for s in comparison["segments"]] == [e["segment"] for e in case["expected"]]
    for summary, expected in zip(comparison["segments"], case["expected"]):
        assert summary["cases"] == expected["cases"]
        assert summary["converted"] == expected["converted"]
        assert summary["conversion_rate"] == expected["conversion_rate"]
        assert [s["cases"] for s in summary["funnel"]] == expected["funnel_cases"]
        assert summary["variants"][0]["path"] == expected["top_path"]
        first_drop = summary["drop_offs"][0]["activity"] if summary["drop_offs"] else None
        assert first_drop == expected["first_drop_off"]
        assert summary["durations"]["max"] == expected["max_duration"]


def test_journey_segments_side_by_side(tmp_path):
    case = CASES["segments"]
    check_segments(aa.journey_segments(case["events"], case["options"]))
    path = tmp_path / "log.csv"
    lines = ["case_id,activity,timestamp,source"] + [
        f'{e["case"]},{e["activity"]},{e["timestamp"]},{e.get("segment") or ""}' for e in case["events"]
    ]
    path.write_text("\n".join(lines) + "\n")
    check_segments(aa.journey_segments_csv(path, "source", None, case["options"]))


def test_journey_segments_errors(tmp_path):
    with pytest.raises(aa.InvalidArgumentError, match="stage"):
        aa.journey_segments(CASES["segments"]["events"], {"funnel": [""]})
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.journey_segments([{"case": "a", "activity": "x", "timestamp": "2026-01-01", "segmnt": "s"}])
    path = tmp_path / "log.csv"
    path.write_text("case_id,activity,timestamp\na,x,2026-01-01\n")
    with pytest.raises(aa.InvalidArgumentError, match="source"):
        aa.journey_segments_csv(path, "source")


def test_tracker_learns_from_a_store():
    case = CASES["tracker_from_store"]
    store = aa.Store.memory()
    store.ingest(case["records"])
    seen = []
    tracker = aa.JourneyTracker.from_store(store, case["tenant"], on_retention_risk=seen.append)
    update = tracker.track(event("n1", "new", "visit", "2026-02-01T09:00:00Z"))
    assert update["abandonment_risk"] == pytest.approx(case["visit_risk"])
    assert update["next_best_action"] == case["visit_next_best_action"]
    assert tracker.track(event("n2", "new", "support", "2026-02-01T09:05:00Z"))["retention_triggered"]
    assert len(seen) == 1
    with pytest.raises(aa.InvalidArgumentError, match="no journey events"):
        aa.JourneyTracker.from_store(store, "nobody")
    with pytest.raises(aa.InvalidArgumentError, match="no journey events"):
        aa.JourneyTracker.from_store(store, case["tenant"], end="2025-01-01")


def test_journey_functions_take_and_return_tables():
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    case = CASES["segments"]
    frame = pd.DataFrame(case["events"]).rename(columns={"case": "case_id", "segment": "source"})
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    names = {"case": "case_id", "segment": "source"}
    table = aa.journey_segments(frame, case["options"], columns=names, output="pandas")
    assert list(table["segment"]) == [e["segment"] for e in case["expected"]]
    assert list(table["conversion_rate"]) == [e["conversion_rate"] for e in case["expected"]]
    assert list(table["top_drop_off"]) == [e["first_drop_off"] for e in case["expected"]]
    check_segments(aa.journey_segments(pa.Table.from_pandas(frame), case["options"], columns=names))

    plain = aa.journey_map([{k: e[k] for k in ("case", "activity", "timestamp")} for e in case["events"]])
    mapped = aa.journey_map(pa.Table.from_pandas(frame), columns={"case": "case_id"}, output="arrow")
    assert mapped["variants"].num_rows == len(plain["variants"])
    assert mapped["edges"].column("count").to_pylist() == [e["count"] for e in plain["edges"]]
    steps = aa.funnel(frame, ["visit", "purchase"], columns={"case": "case_id"}, output="pandas")
    assert list(steps["cases"]) == [4, 2]

    paths = pd.DataFrame({"path": ["a > b", "b"], "conversions": [1.0, 1.0], "nulls": [0.0, 2.0]})
    by_channel = aa.attribution(paths, output="pandas").set_index("channel")
    assert by_channel.loc["b", "last_touch_conversions"] == 2.0
    assert by_channel.loc["a", "first_touch_conversions"] == 1.0
    assert aa.attribution(paths)["channels"] == ["a", "b"]

    activities = pd.DataFrame({"who": ["x", "y", "x"], "timestamp": ["2026-01-01", "2026-01-01", "2026-02-03"]})
    long = aa.cohorts(activities, "month", columns={"customer": "who"}, output="rows")
    assert [(r["cohort"], r["period"], r["active"]) for r in long] == [("2026-01-01", 0, 2), ("2026-01-01", 1, 1)]

    with pytest.raises(KeyError, match="nope"):
        aa.funnel(frame, ["visit"], columns={"case": "nope"})
    with pytest.raises(ValueError, match="unknown output"):
        aa.funnel(frame, ["visit"], columns={"case": "case_id"}, output="excel")
    nan_paths = pd.DataFrame({"path": ["a"], "conversions": [float("nan")]})
    with pytest.raises(aa.InvalidArgumentError, match="conversions"):
        aa.attribution(nan_paths)


def test_journeys_and_their_paths():
    case = CASES["journeys"]
    journeys = aa.journeys(case["events"], case["config"])
    assert [
        {"case": j["case"], "customer_id": j["customer_id"], "end": j["end"], "event_ids": [e["id"] for e in j["events"]]}
        for j in journeys
    ] == case["journeys"]
    assert journeys[0]["events"][1]["value"] == 40.0
    paths = aa.journey_paths(case["events"], case["config"])
    assert paths == case["paths"]
    report = aa.attribution(paths)
    assert report["channels"] == ["web", "email", "call"]
    assert sum(credit(report, "linear")["conversions"]) == pytest.approx(1.0)


def test_journeys_errors():
    with pytest.raises(aa.InvalidArgumentError, match=r"events\[0\]"):
        aa.journeys([{"id": "e1"}])
    with pytest.raises(aa.InvalidArgumentError, match="unknown field"):
        aa.journey_paths([], {"inactivity": 1})
    with pytest.raises(TypeError):
        aa.journeys("events")
    with pytest.raises(TypeError):
        aa.journey_paths([], "config")
