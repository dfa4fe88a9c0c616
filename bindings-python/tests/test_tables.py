"""Analytics tables: a tenant's calls, utterances, journey events and metrics as columns or files."""

import csv
import json
from datetime import datetime, timedelta, timezone

import pytest

import aybiza_analytics as aa

SIM = {"seed": 4, "tenants": 1, "days": 2, "calls_per_day": 20, "anomaly_days": 0}


@pytest.fixture(scope="module")
def simulated():
    store = aa.Store.memory()
    assert store.ingest_jsonl(aa.simulate_jsonl(SIM)).rejected == []
    return store, store.tenant_ids()[0]


def card_call():
    store = aa.Store.memory()
    lines = [
        '{"type":"call","id":"c1","tenant":"t","customer_id":"k1","channel":"voice","direction":"inbound",'
        '"started_at":"2026-03-09T10:00:00Z","ended_at":"2026-03-09T10:01:00Z","queue":"billing"}',
        '{"type":"utterance","tenant":"t","call_id":"c1","seq":0,"speaker":"customer",'
        '"text":"My card is 4111 1111 1111 1111, this is awful","start_ms":0,"end_ms":4000}',
    ]
    assert store.ingest_jsonl("\n".join(lines)).rejected == []
    return store


def test_the_agents_table_sums_up_the_calls_of_each_agent(simulated):
    store, tenant = simulated
    tables = aa.tenant_tables(store, tenant, options={"tables": ["calls", "agents"]})
    calls, agents = tables["calls"], tables["agents"]
    per_agent = {}
    for agent in calls["agent_id"]:
        if agent is not None:
            per_agent[agent] = per_agent.get(agent, 0) + 1
    assert dict(zip(agents["agent_id"], agents["calls"])) == per_agent
    assert all(0.0 <= rate <= 1.0 for rate in agents["escalation_rate"])


def test_tables_have_a_column_per_field_and_a_row_per_record(simulated):
    store, tenant = simulated
    tables = aa.tenant_tables(store, tenant)
    assert list(tables) == ["calls", "utterances", "journey_events", "metrics", "agents"]
    calls = tables["calls"]
    assert list(calls)[:4] == ["tenant", "call_id", "customer_id", "agent_id"]
    assert list(calls)[-1].startswith("attr_")
    assert len(calls["call_id"]) == len(store.calls(tenant)) > 0
    assert sum(calls["utterances"]) == len(tables["utterances"]["text"])
    assert all(isinstance(t, datetime) and t.tzinfo is not None for t in calls["started_at"])
    assert all(s is None or -1.0 <= s <= 1.0 for s in calls["sentiment"])
    for table in tables.values():
        lengths = {len(values) for values in table.values()}
        assert len(lengths) == 1


def test_pii_is_redacted_unless_kept():
    store = card_call()
    utterances = aa.tenant_tables(store, "t")["utterances"]
    assert utterances["text"] == ["My card is [CARD], this is awful"]
    assert utterances["pii_redacted"] == [1]
    assert utterances["sentiment_label"] == ["negative"]
    kept = aa.tenant_tables(store, "t", options={"redact": False, "tables": ["utterances"]})
    assert list(kept) == ["utterances"]
    assert kept["utterances"]["text"] == ["My card is 4111 1111 1111 1111, this is awful"]


def test_tables_as_rows_and_with_a_time_range(simulated):
    store, tenant = simulated
    rows = aa.tenant_tables(store, tenant, table="rows", options={"tables": ["calls"]})["calls"]
    first = min(r["started_at"] for r in rows)
    cut = datetime(first.year, first.month, first.day, tzinfo=timezone.utc) + timedelta(days=1)
    later = aa.tenant_tables(store, tenant, start=cut, options={"tables": ["calls"]})["calls"]
    assert len(later["call_id"]) == sum(1 for r in rows if r["started_at"] >= cut) > 0


def test_pandas_frames_keep_types(simulated):
    pandas = pytest.importorskip("pandas")
    store, tenant = simulated
    frame = aa.tenant_tables(store, tenant, table="pandas", options={"tables": ["calls"]})["calls"]
    assert isinstance(frame, pandas.DataFrame)
    assert str(frame["started_at"].dtype).startswith("datetime64")
    assert frame["escalated"].dtype == bool


def test_export_writes_csv_jsonl_and_parquet(tmp_path):
    store = card_call()
    files = aa.export_tables(store, "t", tmp_path / "csv")
    assert [f["table"] for f in files] == ["calls", "utterances", "journey_events", "metrics", "agents"]
    assert [f["rows"] for f in files] == [1, 1, 0, 0, 0]
    with open(files[0]["path"], newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["started_at"] == "2026-03-09T10:00:00.000Z"
    assert row["queue"] == "billing" and row["agent_id"] == ""

    files = aa.export_tables(store, "t", tmp_path / "jl", "jsonl", options={"tables": ["utterances"]})
    with open(files[0]["path"]) as handle:
        (line,) = [json.loads(line) for line in handle]
    assert line["text"] == "My card is [CARD], this is awful"

    files = aa.export_tables(store, "t", tmp_path / "pq", "parquet")
    with open(files[0]["path"], "rb") as handle:
        assert handle.read(4) == b"PAR1"
    pyarrow_parquet = pytest.importorskip("pyarrow.parquet")
    table = pyarrow_parquet.read_table(files[0]["path"])
    assert table.column("call_id").to_pylist() == ["c1"]
    assert str(table.schema.field("started_at").type) == "timestamp[ms, tz=UTC]"


def test_bad_arguments_raise_typed_errors(tmp_path):
    store = card_call()
    with pytest.raises(aa.InvalidArgumentError, match="unknown table format"):
        aa.export_tables(store, "t", tmp_path, "xlsx")
    with pytest.raises(aa.InvalidArgumentError, match="twice"):
        aa.tenant_tables(store, "t", options={"tables": ["calls", "calls"]})
    with pytest.raises(aa.InvalidArgumentError, match="queues"):
        aa.tenant_tables(store, "t", options={"tables": ["queues"]})
    with pytest.raises(aa.InvalidArgumentError, match="colour"):
        aa.tenant_tables(store, "t", options={"colour": "red"})
    with pytest.raises(ValueError, match="table kind"):
        aa.tenant_tables(store, "t", table="excel")
