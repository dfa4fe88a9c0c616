"""Ingestion from Python values and bytes: conversion problems, per-line rejection, result classes."""

import json
import math
from datetime import datetime, timedelta, timezone

import pytest

import aybiza_analytics as aa
from conftest import call, jsonl, utterance


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (math.nan, "satisfaction"),
        (math.inf, "satisfaction"),
        (-math.inf, "satisfaction"),
    ],
)
def test_non_finite_float_rejects_only_its_record(store, bad, field):
    records = [
        call("c1", "2026-03-02T14:00:00Z"),
        call("c2", "2026-03-02T15:00:00Z", satisfaction=bad),
        call("c3", "2026-03-02T16:00:00Z", satisfaction=4.5),
    ]
    report = store.ingest(records)
    assert report.written.inserted == 2
    assert len(report.rejected) == 1
    error = report.rejected[0]
    assert (error.line, error.record_id, error.field) == (2, "c2", field)
    assert "finite" in error.message
    assert [c["id"] for c in store.calls("acme")] == ["c1", "c3"]


def test_nan_in_a_nested_field_is_named_by_path(store):
    report = store.ingest(
        [
            call("c1", "2026-03-02T14:00:00Z"),
            utterance("c1", 0, voice={"energy": math.nan}),
            utterance("c1", 1, voice={"energy": 0.5}),
        ]
    )
    assert report.accepted == 2
    [error] = report.rejected
    assert (error.line, error.record_id, error.field) == (2, "c1#0", "voice.energy")
    assert [u["seq"] for u in store.transcript("acme", "c1")] == [1]


def test_nan_inside_a_list_is_named_with_its_index(store):
    report = store.ingest([call("c1", "2026-03-02T14:00:00Z", tags=["a", math.nan])])
    [error] = report.rejected
    assert error.field == "tags[1]"


def test_values_json_cannot_carry_are_rejected_by_field(store):
    deep = {}
    node = deep
    for _ in range(300):
        node["x"] = {}
        node = node["x"]
    cyclic = []
    cyclic.append(cyclic)
    records = [
        utterance("c1", 2**70),
        call("c2", "2026-03-02T14:00:00Z", attributes={1: "one"}),
        call("c3", "2026-03-02T14:00:00Z", queue=object()),
        call("c4", "2026-03-02T14:00:00Z", attributes=deep),
        call("c5", "2026-03-02T14:00:00Z", tags=cyclic),
        call("c6", "2026-03-02T14:00:00Z"),
    ]
    report = store.ingest(records)
    assert report.accepted == 1
    got = [(e.line, e.record_id, e.field) for e in report.rejected]
    assert got[0] == (1, "c1", "seq")
    assert got[1] == (2, "c2", "attributes")
    assert got[2] == (3, "c3", "queue")
    assert got[3][:2] == (4, "c4") and got[3][2].startswith("attributes.x.x")
    assert got[4][:2] == (5, "c5") and got[4][2].startswith("tags[0][0]")
    assert "64 bits" in report.rejected[0].message
    assert "keys must be str" in report.rejected[1].message
    assert "unsupported Python type object" in report.rejected[2].message
    assert "nested" in report.rejected[3].message


def test_items_that_are_not_dicts_are_rejected_at_their_position(store):
    report = store.ingest([None, call("c1", "2026-03-02T14:00:00Z"), 7, "text", [1]])
    assert report.accepted == 1
    assert [(e.line, e.record_id, e.field) for e in report.rejected] == [
        (1, None, None),
        (3, None, None),
        (4, None, None),
        (5, None, None),
    ]
    assert "must be a dict, got int" in report.rejected[1].message


def test_any_iterable_of_dicts_is_accepted(store):
    report = store.ingest(call(f"c{i}", "2026-03-02T14:00:00Z") for i in range(3))
    assert report.written.inserted == 3
    report = store.ingest((call("c9", "2026-03-02T14:00:00Z"),))
    assert report.written.inserted == 1


@pytest.mark.parametrize("records", [call("c1", "2026-03-02T14:00:00Z"), "[]", b"[]", 5])
def test_records_that_are_not_a_list_raise_type_error(store, records):
    with pytest.raises(TypeError, match="list of dicts"):
        store.ingest(records)


def test_datetime_values_in_records_are_stored_as_utc(store):
    plus_two = timezone(timedelta(hours=2))
    report = store.ingest(
        [
            call("naive", datetime(2026, 3, 2, 14, 0)),
            call("aware", datetime(2026, 3, 2, 16, 30, tzinfo=plus_two)),
            call("micro", datetime(2026, 3, 2, 15, 0, 0, 250000, tzinfo=timezone.utc)),
        ]
    )
    assert report.accepted == 3, report.rejected
    started = {c["id"]: c["started_at"] for c in store.calls("acme")}
    assert started == {
        "naive": "2026-03-02T14:00:00Z",
        "aware": "2026-03-02T14:30:00Z",
        "micro": "2026-03-02T15:00:00.250Z",
    }


def test_invalid_utf8_rejects_only_its_line(store):
    good1 = json.dumps(call("c1", "2026-03-02T14:00:00Z")).encode()
    bad = b'{"type":"call","id":"c\xff2","tenant":"acme"}'
    good3 = json.dumps(call("c3", "2026-03-02T15:00:00Z")).encode()
    report = store.ingest_jsonl(b"\n".join([good1, bad, good3]))
    assert report.written.inserted == 2
    [error] = report.rejected
    assert (error.line, error.record_id, error.field) == (2, None, None)
    assert "UTF-8" in error.message
    assert [c["id"] for c in store.calls("acme")] == ["c1", "c3"]


def test_lone_surrogate_in_str_rejects_only_its_line(store):
    text = jsonl([call("c1", "2026-03-02T14:00:00Z")]) + '{"type":"call","id":"\ud800"}\n'
    text += jsonl([call("c3", "2026-03-02T15:00:00Z")])
    report = store.ingest_jsonl(text)
    assert report.written.inserted == 2
    [error] = report.rejected
    assert error.line == 2 and "UTF-8" in error.message


def test_bytearray_input_and_crlf_and_blank_lines(store):
    text = jsonl([call("c1", "2026-03-02T14:00:00Z")]).replace("\n", "\r\n")
    text += "\r\n   \n" + "nope\n"
    report = store.ingest_jsonl(bytearray(text.encode()))
    assert report.written.inserted == 1
    assert [e.line for e in report.rejected] == [4]


@pytest.mark.parametrize("bad_input", [5, None, ["{}"], memoryview(b"{}")])
def test_jsonl_input_of_the_wrong_type_raises_type_error(store, bad_input):
    with pytest.raises(TypeError, match="str, bytes or bytearray"):
        store.ingest_jsonl(bad_input)
    with pytest.raises(TypeError, match="str, bytes or bytearray"):
        aa.parse_jsonl(bad_input)


def test_parse_jsonl_validates_without_storing():
    text = "\n".join(
        [
            json.dumps({"type": "tenant", "id": "acme", "name": "Acme"}),
            json.dumps(call("c1", "2026-03-02T14:00:00Z")),
            json.dumps(call("", "2026-03-02T14:00:00Z")),
            "",
            "[1, 2]",
        ]
    )
    records, rejected = aa.parse_jsonl(text)
    assert records == [
        {"type": "tenant", "id": "acme", "name": "Acme"},
        {
            "type": "call",
            "id": "c1",
            "tenant": "acme",
            "customer_id": "cust-1",
            "channel": "voice",
            "direction": "inbound",
            "started_at": "2026-03-02T14:00:00Z",
            "escalated": False,
            "transferred": False,
        },
    ]
    assert [(e.line, e.record_id, e.field) for e in rejected] == [(3, "", "id"), (5, None, None)]
    assert aa.parse_jsonl(text.encode()) == (records, rejected)
    assert aa.parse_jsonl(b"") == ([], [])


def test_report_classes_have_repr_to_dict_and_equality():
    store = aa.Store.memory()
    text = jsonl([call("c1", "2026-03-02T14:00:00Z")]) + "nope\n"
    report = store.ingest_jsonl(text)
    [error] = report.rejected

    assert isinstance(report, aa.IngestReport)
    assert isinstance(report.written, aa.WriteCounts)
    assert isinstance(error, aa.RecordError)
    assert report.to_dict() == {
        "written": {"inserted": 1, "updated": 0, "unchanged": 0},
        "rejected": [error.to_dict()],
    }
    assert error.to_dict() == {
        "line": 2,
        "record_id": None,
        "field": None,
        "message": error.message,
    }
    assert report.written.to_dict() == {"inserted": 1, "updated": 0, "unchanged": 0}
    assert repr(report.written) == "WriteCounts(inserted=1, updated=0, unchanged=0)"
    assert repr(error).startswith("RecordError(line=2, record_id=None, field=None, message='not valid JSON")
    assert str(error).startswith("line 2: not valid JSON")
    assert "rejected=<1 RecordError>" in repr(report)

    again = aa.Store.memory().ingest_jsonl(text)
    assert again == report
    assert again.rejected == report.rejected
    assert store.ingest_jsonl(text) != report  # now unchanged instead of inserted
