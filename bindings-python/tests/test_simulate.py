"""The simulator: determinism, defaults, the JSON Lines form, and config errors."""

import json
from datetime import datetime, timezone

import pytest

import aybiza_analytics as aa

SMALL = {"seed": 7, "tenants": 2, "days": 2, "calls_per_day": 20, "journeys_per_day": 5, "anomaly_days": 1}


def kinds(records):
    counts = {}
    for record in records:
        counts[record["type"]] = counts.get(record["type"], 0) + 1
    return counts


def test_same_config_gives_the_same_output_and_another_seed_differs():
    first = aa.simulate(SMALL)
    assert first == aa.simulate(dict(SMALL))
    other = aa.simulate({**SMALL, "seed": 8})
    assert other["records"] != first["records"]
    assert aa.simulate_jsonl(SMALL) == aa.simulate_jsonl(SMALL)
    assert aa.simulate_jsonl(SMALL) != aa.simulate_jsonl({**SMALL, "seed": 8})


def test_output_has_records_of_every_type_and_the_ground_truth():
    out = aa.simulate(SMALL)
    assert set(out) == {"records", "truth"}
    counts = kinds(out["records"])
    assert counts["tenant"] == 2
    assert counts["call"] > 0 and counts["utterance"] > counts["call"]
    assert counts["journey_event"] > 0 and counts["metric"] > 0
    truth = out["truth"]
    assert set(truth) == {"calls", "anomalies", "escalation_triggers", "journeys", "agents"}
    call_ids = [r["id"] for r in out["records"] if r["type"] == "call"]
    assert [c["call_id"] for c in truth["calls"]] == call_ids
    assert len(truth["anomalies"]) == 2  # one per tenant
    assert len(truth["agents"]) == 2 * 24  # the default pool size


def test_jsonl_has_the_same_records_as_simulate():
    records = aa.simulate(SMALL)["records"]
    text = aa.simulate_jsonl(SMALL)
    assert isinstance(text, str) and text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) == len(records)
    assert [json.loads(line) for line in lines] == records


def test_simulated_jsonl_is_ingested_whole(store):
    text = aa.simulate_jsonl(SMALL)
    report = store.ingest_jsonl(text)
    assert report.rejected == []
    assert report.accepted == len(text.splitlines())
    assert len(store.tenant_ids()) == 2


def test_omitted_fields_take_the_rust_defaults():
    out = aa.simulate({"days": 1, "calls_per_day": 5, "journeys_per_day": 0, "anomaly_days": 0})
    counts = kinds(out["records"])
    assert counts["tenant"] == 2  # default tenants
    assert "journey_event" not in counts
    starts = [r["started_at"] for r in out["records"] if r["type"] == "call"]
    assert starts and all(s.startswith("2026-01-05") for s in starts)  # default start, a Monday
    # The default seed is 42.
    assert out == aa.simulate({"seed": 42, "days": 1, "calls_per_day": 5, "journeys_per_day": 0,
                               "anomaly_days": 0})


@pytest.mark.parametrize(
    "start",
    [
        "2026-02-02",
        "2026-02-02T00:00:00Z",
        "2026-02-02T01:00:00+01:00",
        datetime(2026, 2, 2),
        datetime(2026, 2, 2, tzinfo=timezone.utc),
    ],
)
def test_start_takes_the_forms_of_a_time_bound(start):
    config = {"days": 1, "calls_per_day": 5, "journeys_per_day": 0, "anomaly_days": 0}
    expected = aa.simulate_jsonl({**config, "start": "2026-02-02T00:00:00Z"})
    assert aa.simulate_jsonl({**config, "start": start}) == expected
    assert '"started_at":"2026-02-02T' in expected


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"tenants": 0}, "tenants must be between 1 and 1000"),
        ({"days": 2, "anomaly_days": 3}, r"anomaly_days \(3\) cannot exceed days \(2\)"),
        ({"calls_per_tenant": 5}, "unknown field `calls_per_tenant`"),
        ({"days": "two"}, "config: days: invalid type: string"),
        ({"seed": -1}, "config: seed: invalid value"),
        ({"seed": 2**64}, "config: seed: integer does not fit in 64 bits"),
        ({"tenants": 1.5}, "config: tenants: invalid type: floating point"),
        ({"seed": None}, "config: seed: invalid type: null"),
        ({"start": "next monday"}, 'config: start: "next monday" is not an ISO-8601 date'),
        ({"start": 20260105}, "config: start: invalid type: integer"),
        ({"tenants": 1000, "days": 3660, "calls_per_day": 300}, "over the limit"),
    ],
)
def test_invalid_configs_raise_invalid_argument(config, message):
    with pytest.raises(aa.InvalidArgumentError, match=message):
        aa.simulate(config)
    with pytest.raises(aa.InvalidArgumentError, match=message):
        aa.simulate_jsonl(config)


def test_a_config_that_is_not_a_dict_is_a_type_error():
    with pytest.raises(TypeError, match="config must be a dict, got str"):
        aa.simulate("seed=1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="config must be a dict, got list"):
        aa.simulate_jsonl([("seed", 1)])  # type: ignore[arg-type]
