"""Scoped stores: roles, tenants, masked personal data and the audit log."""

import pytest

import aybiza_analytics as aa

LINES = [
    '{"type":"call","id":"c1","tenant":"north","customer_id":"k1","channel":"voice","direction":"inbound",'
    '"started_at":"2026-03-09T10:00:00Z","attributes":{"email":"jo@example.com"}}',
    '{"type":"utterance","tenant":"north","call_id":"c1","seq":0,"speaker":"customer",'
    '"text":"my card is 4111 1111 1111 1111","start_ms":0,"end_ms":3000}',
    '{"type":"call","id":"c2","tenant":"south","customer_id":"k2","channel":"chat","direction":"inbound",'
    '"started_at":"2026-03-09T11:00:00Z"}',
]


@pytest.fixture()
def store():
    store = aa.Store.memory()
    assert store.ingest_jsonl("\n".join(LINES)).rejected == []
    return store


def test_a_viewer_sees_its_tenant_masked_and_every_access_is_audited(store, tmp_path):
    log = tmp_path / "audit.jsonl"
    viewer = store.scoped({"id": "dana", "role": "viewer", "tenants": ["north"]}, log)
    assert "scoped('dana' as viewer)" in repr(viewer)
    assert viewer.tenant_ids() == ["north"]
    assert viewer.transcript("north", "c1")[0]["text"] == "my card is [CARD]"
    assert viewer.calls("north")[0]["attributes"] == {"email": "[EMAIL]"}
    with pytest.raises(aa.AccessDeniedError, match="'dana' may not access tenant 'south'"):
        viewer.calls("south")
    # Analyses run on the scoped store see what the principal sees.
    tables = aa.tenant_tables(viewer, "north", options={"redact": False, "tables": ["utterances"]})
    assert tables["utterances"]["text"] == ["my card is [CARD]"]

    events = aa.read_audit_log(log)
    assert [e["action"] for e in events[:4]] == ["tenant_ids", "transcript", "calls", "calls"]
    assert [e["allowed"] for e in events[:4]] == [True, True, True, False]
    assert events[1]["call_id"] == "c1" and events[1]["redacted"] is True
    assert events[3]["tenant"] == "south" and "south" in events[3]["reason"]
    assert events[0]["reason"] is None and events[0]["tenant"] is None
    assert all(e["principal"] == "dana" and e["role"] == "viewer" for e in events)


def test_an_ingest_principal_writes_its_tenants_only(store, tmp_path):
    pipeline = store.scoped({"id": "asr", "role": "ingest", "tenants": ["north"]}, tmp_path / "a.jsonl")
    report = pipeline.ingest_jsonl(LINES[0])
    assert report.written.unchanged == 1
    with pytest.raises(aa.AccessDeniedError, match="may not write to tenant 'south'"):
        pipeline.ingest_jsonl("\n".join(LINES))
    with pytest.raises(aa.AccessDeniedError, match="may not read"):
        pipeline.calls("north")
    analyst = store.scoped({"id": "ana", "role": "analyst", "tenants": ["*"]}, tmp_path / "a.jsonl")
    assert analyst.tenant_ids() == ["north", "south"]
    assert analyst.transcript("north", "c1")[0]["text"] == "my card is 4111 1111 1111 1111"


def test_bad_principals_are_rejected(store, tmp_path):
    with pytest.raises(aa.InvalidArgumentError, match="role"):
        store.scoped({"id": "x", "role": "owner", "tenants": ["*"]}, tmp_path / "a.jsonl")
    with pytest.raises(aa.InvalidArgumentError, match="colour"):
        store.scoped({"id": "x", "role": "viewer", "tenants": ["*"], "colour": "red"}, tmp_path / "a.jsonl")
    with pytest.raises(aa.InvalidArgumentError, match="at least one tenant"):
        store.scoped({"id": "x", "role": "viewer", "tenants": []}, tmp_path / "a.jsonl")
    with pytest.raises(aa.AybizaError):
        store.scoped({"id": "x", "role": "viewer", "tenants": ["*"]}, tmp_path / "missing" / "a.jsonl")
