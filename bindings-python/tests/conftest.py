"""Shared fixtures: the cross-language ingest cases and a store of each backend."""

import json
from pathlib import Path

import pytest

import aybiza_analytics as aa

# bindings-python/tests/conftest.py -> repository root
REPO_ROOT = Path(__file__).resolve().parents[2]
INGEST_CASES = REPO_ROOT / "tests" / "fixtures" / "ingest_cases.json"
REDACTION_CASES = REPO_ROOT / "tests" / "fixtures" / "redaction_cases.json"


def load_ingest_cases():
    """The cases of tests/fixtures/ingest_cases.json, shared with the Rust and Node suites."""
    with INGEST_CASES.open(encoding="utf-8") as f:
        return json.load(f)["cases"]


def load_redaction_cases():
    """The cases of tests/fixtures/redaction_cases.json, shared with the Rust and Node suites."""
    with REDACTION_CASES.open(encoding="utf-8") as f:
        return json.load(f)["cases"]


@pytest.fixture(params=["memory", "file"])
def store(request, tmp_path):
    """An empty store of each backend."""
    if request.param == "memory":
        return aa.Store.memory()
    return aa.Store.open(tmp_path / "calls.db")


def call(call_id, started_at, tenant="acme", **extra):
    """A valid call record."""
    record = {
        "type": "call",
        "id": call_id,
        "tenant": tenant,
        "customer_id": "cust-1",
        "channel": "voice",
        "direction": "inbound",
        "started_at": started_at,
    }
    record.update(extra)
    return record


def utterance(call_id, seq, tenant="acme", **extra):
    """A valid utterance record."""
    record = {
        "type": "utterance",
        "tenant": tenant,
        "call_id": call_id,
        "seq": seq,
        "speaker": "customer",
        "text": f"utterance {seq}",
        "start_ms": seq * 1000,
        "end_ms": seq * 1000 + 500,
    }
    record.update(extra)
    return record


def jsonl(records):
    """Records as JSON Lines text."""
    return "\n".join(json.dumps(r) for r in records) + "\n"
