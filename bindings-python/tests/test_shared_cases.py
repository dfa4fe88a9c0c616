"""The cross-language cases of tests/fixtures/ingest_cases.json, on both backends and both ingest paths."""

import json

import pytest

from conftest import load_ingest_cases

CASES = load_ingest_cases()


def summary(report):
    """The parts of a report the shared cases specify."""
    return {
        "inserted": report.written.inserted,
        "updated": report.written.updated,
        "unchanged": report.written.unchanged,
        "rejected": [
            {"line": e.line, "record_id": e.record_id, "field": e.field} for e in report.rejected
        ],
    }


def expected(part):
    return {
        "inserted": part["inserted"],
        "updated": part["updated"],
        "unchanged": part["unchanged"],
        "rejected": [
            {"line": e["line"], "record_id": e["record_id"], "field": e["field"]}
            for e in part["rejected"]
        ],
    }


def as_python_records(lines):
    """Each line as a dict when it is JSON, else the raw string (which ingest() must reject as not a dict)."""
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            records.append(line)
    return records


def test_fixture_file_has_cases():
    assert len(CASES) >= 3


def ingest_with(store, path, lines):
    """Ingests `lines` through one of the three input paths."""
    text = "\n".join(lines)
    if path == "jsonl_str":
        return store.ingest_jsonl(text)
    if path == "jsonl_bytes":
        return store.ingest_jsonl(text.encode("utf-8"))
    return store.ingest(as_python_records(lines))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize("path", ["jsonl_str", "jsonl_bytes", "dicts"])
def test_shared_ingest_case(store, case, path):
    first = ingest_with(store, path, case["lines"])
    assert summary(first) == expected(case["first"])
    counts = case["first"]
    assert first.accepted == counts["inserted"] + counts["updated"] + counts["unchanged"]
    for error in first.rejected:
        assert error.message

    second = ingest_with(store, path, case["lines"])
    assert summary(second) == expected(case["second"])

    for tenant, call_ids in case["calls"].items():
        assert [c["id"] for c in store.calls(tenant)] == call_ids


def test_results_have_the_json_shape_of_the_input(store):
    """Query results are the serde JSON of the stored types: the good lines round-trip unchanged."""
    case = CASES[0]
    store.ingest_jsonl("\n".join(case["lines"]))
    by_type = {}
    for line in case["lines"]:
        record = json.loads(line)
        by_type.setdefault(record.pop("type"), []).append(record)

    assert store.tenant("acme") == by_type["tenant"][0]
    assert store.calls("acme") == by_type["call"]
    assert store.utterances("acme") == by_type["utterance"]
    assert store.transcript("acme", "c1") == by_type["utterance"]
    assert store.journey_events("acme") == by_type["journey_event"]
    assert store.metrics("acme") == by_type["metric"]
    assert store.tenant_ids() == ["acme"]
