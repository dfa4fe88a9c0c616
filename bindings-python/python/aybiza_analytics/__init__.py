"""In-process analytics for voice-AI and contact-center calls.

The classes and functions are implemented in Rust (``aybiza_analytics._native``);
``__init__.pyi`` documents them with their types.
"""

from datetime import datetime
from typing import Any

from aybiza_analytics._native import (
    AybizaError,
    IngestReport,
    InvalidArgumentError,
    InvalidRecordError,
    RecordError,
    Store,
    StoreError,
    WriteCounts,
    __version__,
    parse_jsonl,
)

Record = dict[str, Any]
"""One record or query result as a dict (the JSON shape of the Rust type)."""

TimeBound = datetime | str | None
"""One end of a time range: a datetime (naive = UTC), an ISO-8601 string, or None for an open end."""

__all__ = [
    "AybizaError",
    "IngestReport",
    "InvalidArgumentError",
    "InvalidRecordError",
    "Record",
    "RecordError",
    "Store",
    "StoreError",
    "TimeBound",
    "WriteCounts",
    "__version__",
    "parse_jsonl",
]
