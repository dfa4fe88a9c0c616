"""Store behaviour: persistence, time-range queries, argument checking, threads and fork."""

import multiprocessing
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import aybiza_analytics as aa
from conftest import call, jsonl, utterance

CALLS = [
    call("c14", "2026-03-02T14:00:00Z"),
    call("c15", "2026-03-02T15:00:00Z"),
    call("c16", "2026-03-02T16:00:00Z"),
    utterance("c14", 0),
    utterance("c15", 0),
    utterance("c15", 1),
    utterance("c16", 0),
    {"type": "journey_event", "id": "e1", "tenant": "acme", "customer_id": "cust-1",
     "channel": "web", "action": "visit", "timestamp": "2026-03-02T14:30:00Z"},
    {"type": "journey_event", "id": "e2", "tenant": "acme", "customer_id": "cust-1",
     "channel": "voice", "action": "call_support", "timestamp": "2026-03-02T15:30:00Z"},
    {"type": "metric", "tenant": "acme", "metric": "queue_depth", "source": "billing",
     "timestamp": "2026-03-02T14:00:00Z", "value": 3},
    {"type": "metric", "tenant": "acme", "metric": "queue_depth", "source": "billing",
     "timestamp": "2026-03-02T16:00:00Z", "value": 5.5},
]


@pytest.fixture
def filled(store):
    report = store.ingest(CALLS)
    assert report.accepted == len(CALLS), report.rejected
    return store


def ids(records, key="id"):
    return [r[key] for r in records]


def test_file_store_persists_across_reopen(tmp_path):
    path = tmp_path / "calls.db"
    first = aa.Store.open(path)
    assert first.ingest_jsonl(jsonl(CALLS)).written.inserted == len(CALLS)
    del first

    reopened = aa.Store.open(str(path))
    assert ids(reopened.calls("acme")) == ["c14", "c15", "c16"]
    assert len(reopened.utterances("acme")) == 4
    assert reopened.tenant_ids() == ["acme"]
    assert reopened.ingest(CALLS).written.unchanged == len(CALLS)

    # A second handle on the same file sees writes made through another.
    other = aa.Store.open(path)
    reopened.ingest([call("c17", "2026-03-02T17:00:00Z")])
    assert ids(other.calls("acme"))[-1] == "c17"
    assert repr(other) == f"Store.open({str(path)!r})"


def test_memory_stores_are_independent():
    a = aa.Store.memory()
    b = aa.Store.memory()
    a.ingest(CALLS)
    assert b.calls("acme") == []
    assert repr(a) == "Store.memory()"


def test_unopenable_file_raises_store_error(tmp_path):
    with pytest.raises(aa.StoreError) as info:
        aa.Store.open(tmp_path / "missing-dir" / "calls.db")
    assert isinstance(info.value, aa.AybizaError)


def test_time_range_is_half_open_with_str_bounds(filled):
    assert ids(filled.calls("acme", "2026-03-02T15:00:00Z")) == ["c15", "c16"]
    assert ids(filled.calls("acme", end="2026-03-02T15:00:00Z")) == ["c14"]
    assert ids(filled.calls("acme", "2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z")) == ["c15"]
    assert filled.calls("acme", "2026-03-02T15:00:00Z", "2026-03-02T15:00:00Z") == []
    assert ids(filled.calls("acme", start=None, end=None)) == ["c14", "c15", "c16"]


@pytest.mark.parametrize(
    "start",
    [
        "2026-03-02T15:00:00Z",
        "2026-03-02T17:00:00+02:00",
        "2026-03-02T17:00:00+0200",
        "2026-03-02 15:00:00Z",
        "2026-03-02T15:00:00",
        "2026-03-02T15:00",
        "2026-03-02 15:00:00.000",
        "  2026-03-02T15:00:00Z  ",
        datetime(2026, 3, 2, 15, 0),
        datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc),
        datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_equivalent_bounds_select_the_same_calls(filled, start):
    assert ids(filled.calls("acme", start=start)) == ["c15", "c16"]


def test_date_only_bound_means_midnight_utc(filled):
    assert ids(filled.calls("acme", "2026-03-02", "2026-03-03")) == ["c14", "c15", "c16"]
    assert filled.calls("acme", "2026-03-03") == []


def test_utterances_without_a_call_record_have_their_own_query(filled):
    assert filled.utterances_without_call("acme") == []
    filled.ingest([utterance("live", 1), utterance("live", 0)])
    assert [(u["call_id"], u["seq"]) for u in filled.utterances_without_call("acme")] == [
        ("live", 0),
        ("live", 1),
    ]
    assert "live" not in {u["call_id"] for u in filled.utterances("acme")}
    assert filled.utterances_without_call("globex") == []
    filled.ingest([call("live", "2026-03-02T17:00:00Z")])
    assert filled.utterances_without_call("acme") == []


def test_every_query_is_scoped_by_tenant_and_range(filled):
    filled.ingest([call("c15", "2026-03-02T15:00:00Z", tenant="globex")])
    start, end = "2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z"

    assert [(u["call_id"], u["seq"]) for u in filled.utterances("acme", start, end)] == [
        ("c15", 0),
        ("c15", 1),
    ]
    assert ids(filled.journey_events("acme", start, end)) == ["e2"]
    assert [m["value"] for m in filled.metrics("acme", start)] == [5.5]
    assert [m["value"] for m in filled.metrics("acme")] == [3, 5.5]
    assert ids(filled.calls("globex")) == ["c15"]
    assert filled.utterances("globex") == []
    assert filled.transcript("globex", "c15") == []
    assert [u["seq"] for u in filled.transcript("acme", "c15")] == [0, 1]
    assert filled.transcript("acme", "unknown") == []
    assert filled.tenant_ids() == ["acme", "globex"]
    assert filled.tenant("acme") is None
    filled.ingest([{"type": "tenant", "id": "acme", "name": "Acme", "timezone": "UTC"}])
    assert filled.tenant("acme") == {"id": "acme", "name": "Acme", "timezone": "UTC"}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-03-03T00:00:00Z", "2026-03-02T00:00:00Z"),
        (datetime(2026, 3, 3), datetime(2026, 3, 2)),
        ("2026-03-03", "2026-03-02T23:59:59Z"),
        (datetime(2026, 3, 3, tzinfo=timezone.utc), "2026-03-02T12:00:00-05:00"),
    ],
)
def test_range_ending_before_it_starts_raises_invalid_argument(filled, start, end):
    for query in (filled.calls, filled.utterances, filled.journey_events, filled.metrics):
        with pytest.raises(aa.InvalidArgumentError, match="before it starts"):
            query("acme", start, end)


@pytest.mark.parametrize(
    "bound", ["", "yesterday", "2026-13-01", "2026-03-02T25:00:00Z", "2026-03-02T14:00:00+25:00"]
)
def test_malformed_date_string_raises_invalid_argument(filled, bound):
    with pytest.raises(aa.InvalidArgumentError, match="ISO-8601") as info:
        filled.calls("acme", start=bound)
    assert isinstance(info.value, aa.AybizaError)
    with pytest.raises(aa.InvalidArgumentError, match="^end: "):
        filled.metrics("acme", end=bound)


@pytest.mark.parametrize("bound", [5, 1.5, b"2026-03-02", object()])
def test_bound_of_the_wrong_type_raises_type_error(filled, bound):
    with pytest.raises(TypeError, match="start must be a datetime"):
        filled.calls("acme", start=bound)


def test_exception_hierarchy():
    for subclass in (aa.InvalidRecordError, aa.InvalidArgumentError, aa.StoreError):
        assert issubclass(subclass, aa.AybizaError)
        assert subclass.__module__ == "aybiza_analytics"
    assert issubclass(aa.AybizaError, Exception)


def test_threads_share_a_store(tmp_path):
    store = aa.Store.open(tmp_path / "calls.db")
    errors = []

    def work(worker):
        try:
            records = [call(f"w{worker}-{i}", "2026-03-02T14:00:00Z") for i in range(50)]
            report = store.ingest(records)
            assert report.written.inserted == 50
            store.calls("acme")
        except Exception as e:  # noqa: BLE001 - reported to the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.calls("acme")) == 400


def test_store_work_releases_the_gil():
    """While a large ingest runs in another thread, this thread keeps running Python code."""
    lines = jsonl([call(f"c{i}", "2026-03-02T14:00:00Z") for i in range(20000)]).encode()
    store = aa.Store.memory()
    done = threading.Event()
    timing = {}

    def ingest():
        started = time.perf_counter()
        store.ingest_jsonl(lines)
        timing["duration"] = time.perf_counter() - started
        done.set()

    worker = threading.Thread(target=ingest)
    last = time.perf_counter()
    longest_gap = 0.0
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        longest_gap = max(longest_gap, now - last)
        last = now
    worker.join()
    assert len(store.calls("acme")) == 20000
    if timing["duration"] < 0.05:
        pytest.skip(f"ingest took {timing['duration']:.3f}s, too fast to observe")
    assert longest_gap < timing["duration"] / 2, (longest_gap, timing["duration"])


def _use_store_in_child(path):
    store = aa.Store.open(path)
    report = store.ingest([call("from-child", "2026-03-02T18:00:00Z")])
    ok = report.written.inserted == 1 and "from-child" in [c["id"] for c in store.calls("acme")]
    raise SystemExit(0 if ok else 1)


def test_forked_child_can_use_the_library(tmp_path):
    """The runtime's threads do not survive fork; a child must get its own runtime, not hang."""
    path = str(tmp_path / "calls.db")
    parent = aa.Store.open(path)
    parent.ingest(CALLS)  # the parent's runtime starts a blocking-pool thread...
    time.sleep(0.5)  # ...which goes idle: a child reusing that runtime would hand work to it and hang
    child = multiprocessing.get_context("fork").Process(target=_use_store_in_child, args=(path,))
    child.start()
    child.join(timeout=30)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("the forked child hung using the store")
    assert child.exitcode == 0
    assert "from-child" in ids(parent.calls("acme"))
