"""In-process analytics for voice-AI and contact-center calls.

The classes and functions are implemented in Rust (``aybiza_analytics._native``);
``__init__.pyi`` documents them with their types.
"""

from datetime import datetime
from typing import Any, Literal, TypedDict

from aybiza_analytics._native import (
    AybizaError,
    IngestReport,
    InvalidArgumentError,
    InvalidRecordError,
    RecordError,
    Redactor,
    Store,
    StoreError,
    WriteCounts,
    __version__,
    parse_jsonl,
    render_report_html,
    simulate,
    simulate_jsonl,
)

Record = dict[str, Any]
"""One record or query result as a dict (the JSON shape of the Rust type)."""

TimeBound = datetime | str | None
"""One end of a time range: a datetime (naive = UTC), an ISO-8601 string, or None for an open end."""

Report = dict[str, Any]
"""The analysis report as a dict (the JSON shape of the Rust ``Report``)."""



class SimConfig(TypedDict, total=False):
    """What to simulate; every field may be left out and takes its default."""

    seed: int
    tenants: int
    start: datetime | str
    days: int
    calls_per_day: int
    customers_per_tenant: int
    agents_per_tenant: int
    journeys_per_day: int
    anomaly_days: int


class SimOutput(TypedDict):
    """The simulated records and the ground truth behind them."""

    records: list[Record]
    truth: dict[str, Any]


class PiiEntity(TypedDict):
    """One entity found in a text: byte offsets and character offsets into it."""

    kind: Literal["card", "ssn", "phone", "email", "iban", "dob", "spoken_digits"]
    start: int
    end: int
    char_start: int
    char_end: int


class Redacted(TypedDict):
    """A redacted text and the entities that were replaced."""

    text: str
    entities: list[PiiEntity]


class ReportPaths(TypedDict):
    """Where ``Store.write_report`` wrote the report."""

    json: str
    html: str


__all__ = [
    "AybizaError",
    "IngestReport",
    "InvalidArgumentError",
    "InvalidRecordError",
    "PiiEntity",
    "Record",
    "RecordError",
    "Redacted",
    "Redactor",
    "Report",
    "ReportPaths",
    "SimConfig",
    "SimOutput",
    "Store",
    "StoreError",
    "TimeBound",
    "WriteCounts",
    "__version__",
    "parse_jsonl",
    "render_report_html",
    "simulate",
    "simulate_jsonl",
]
