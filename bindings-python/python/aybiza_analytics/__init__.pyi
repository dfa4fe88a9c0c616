"""In-process analytics for voice-AI and contact-center calls.

Records are plain dicts with the data model's snake_case field names, each
tagged by ``"type"`` (``tenant``, ``call``, ``utterance``, ``journey_event``,
``metric``); results have the same JSON shapes as the Rust library's serde
types, so they are identical to what the Rust and Node APIs return. Instants
are RFC 3339 strings in UTC (``"2026-03-02T14:00:00Z"``).

Errors: every exception raised for bad input or a failed store is an
:class:`AybizaError`. Arguments of the wrong Python type raise ``TypeError``.
"""

from collections.abc import Iterable
from datetime import datetime
from os import PathLike
from typing import Any, TypeAlias, final

__version__: str
"""The version of the library."""

Record: TypeAlias = dict[str, Any]
"""One record or query result as a dict (the JSON shape of the Rust type)."""

TimeBound: TypeAlias = datetime | str | None
"""One end of a time range: a ``datetime`` (a naive one is taken as UTC), an
ISO-8601 string (``"2026-03-02T14:00:00Z"``, ``"2026-03-02T16:00:00+02:00"``,
``"2026-03-02 14:00"`` (UTC), ``"2026-03-02"`` (midnight UTC)), or ``None`` for
an open end."""

class AybizaError(Exception):
    """Base class of every error raised by aybiza_analytics.

    Raised as itself for the library errors that have no subclass: I/O,
    JSON encoding, and failed background tasks."""

class InvalidRecordError(AybizaError):
    """A record broke the data model.

    Ingestion never raises it: bad records are reported in
    :attr:`IngestReport.rejected` and the rest of the batch is stored."""

class InvalidArgumentError(AybizaError):
    """An argument was outside its documented domain: a malformed date string,
    a time range that ends before it starts, a datetime that cannot be
    converted to UTC."""

class StoreError(AybizaError):
    """The store failed: an SQLite error (including a file that cannot be
    opened), a corrupt stored record, or a file written by a newer schema."""

@final
class RecordError:
    """Why one input record was rejected. Compares equal by value."""

    @property
    def line(self) -> int:
        """1-based line number in JSON Lines input, or 1-based position in a list of records."""
    @property
    def record_id(self) -> str | None:
        """The record's id when it could be read (``call_id#seq`` for an
        utterance, the metric name for a metric sample)."""
    @property
    def field(self) -> str | None:
        """The offending field as a dotted path (``"voice.energy"``,
        ``"tags[0]"``), or ``None`` when the whole record is to blame (not JSON,
        not a dict, unknown ``type``)."""
    @property
    def message(self) -> str:
        """What is wrong."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: ``{"line", "record_id", "field", "message"}``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __repr__(self) -> str: ...
    def __str__(self) -> str:
        """E.g. ``line 3 (record c3): field `ended_at`: call ends (...) before it starts (...)``."""

@final
class WriteCounts:
    """How a write changed the store. Compares equal by value."""

    @property
    def inserted(self) -> int:
        """Records whose key was new."""
    @property
    def updated(self) -> int:
        """Records whose key existed with different content, now replaced."""
    @property
    def unchanged(self) -> int:
        """Records identical to what was already stored."""
    def to_dict(self) -> dict[str, int]:
        """The JSON shape: ``{"inserted", "updated", "unchanged"}``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __repr__(self) -> str: ...

@final
class IngestReport:
    """The result of ingesting a batch: what was written and which records
    were rejected. Compares equal by value."""

    @property
    def written(self) -> WriteCounts:
        """Counts of the accepted records."""
    @property
    def accepted(self) -> int:
        """Number of records accepted: ``inserted + updated + unchanged``."""
    @property
    def rejected(self) -> list[RecordError]:
        """The rejected records in input order; the rest of the batch was stored."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: ``{"written": {...}, "rejected": [{...}, ...]}``
        (``accepted`` is derived, so it is not included)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __repr__(self) -> str: ...

@final
class Store:
    """A tenant-scoped store of calls, utterances, journey events and metric samples.

    Writes are idempotent by record key: ingesting the same batch again
    changes nothing, and a changed record with a known key replaces the old
    one. Every query names one tenant and never returns another tenant's
    records. Methods release the GIL while they work, and a store may be
    shared between threads."""

    @staticmethod
    def open(path: str | PathLike[str]) -> Store:
        """Opens (creating if needed) the embedded SQLite store file at ``path``.

        A write that returned survives the process being killed. The file is
        closed when the ``Store`` is garbage-collected.

        Raises:
            StoreError: the file cannot be opened or was written by a newer version.
        """
    @staticmethod
    def memory() -> Store:
        """An empty store that lives in memory only."""
    def ingest_jsonl(self, input: str | bytes | bytearray) -> IngestReport:
        """Parses, validates and stores JSON Lines (one record per line).

        Blank lines are skipped but counted. Each bad line (invalid UTF-8, not
        JSON, breaking the data model) is reported in ``rejected`` with its
        line number, and the good lines are stored.

        Raises:
            TypeError: ``input`` is not ``str``, ``bytes`` or ``bytearray``.
            StoreError: the store failed; nothing of the batch was written.
        """
    def ingest(self, records: Iterable[Record]) -> IngestReport:
        """Validates and stores records given as dicts (each with ``"type"``).

        Each bad item is reported in ``rejected`` with its 1-based position as
        ``line``; the good ones are stored. Bad items include: items that are
        not dicts, values JSON cannot carry (a NaN or infinite float, an integer
        beyond 64 bits, a non-str key, an unsupported type; the path is in
        ``field``), and records breaking the data model. ``datetime`` values
        are accepted and converted to UTC (naive = UTC).

        Raises:
            TypeError: ``records`` is a dict, str or bytes, or is not iterable.
            StoreError: the store failed; nothing of the batch was written.
        """
    def tenant_ids(self) -> list[str]:
        """Ids of every tenant with at least one record, sorted."""
    def tenant(self, tenant_id: str) -> Record | None:
        """The tenant record (``id``, ``name``, optional ``timezone``), or
        ``None`` if none was ingested."""
    def calls(self, tenant: str, start: TimeBound = None, end: TimeBound = None) -> list[Record]:
        """Calls of ``tenant`` that started in ``[start, end)``, ordered by start time then id.

        Raises:
            InvalidArgumentError: a bound is a malformed date, or ``end`` is before ``start``.
            TypeError: a bound is not a ``datetime``, ``str`` or ``None``.
        """
    def utterances(
        self, tenant: str, start: TimeBound = None, end: TimeBound = None
    ) -> list[Record]:
        """Utterances of the calls of ``tenant`` that started in ``[start, end)``,
        ordered by call (as :meth:`calls`) then ``seq``.

        Raises:
            InvalidArgumentError: a bound is a malformed date, or ``end`` is before ``start``.
            TypeError: a bound is not a ``datetime``, ``str`` or ``None``.
        """
    def transcript(self, tenant: str, call_id: str) -> list[Record]:
        """One call's utterances in ``seq`` order (empty when the call is unknown)."""
    def journey_events(
        self, tenant: str, start: TimeBound = None, end: TimeBound = None
    ) -> list[Record]:
        """Journey events of ``tenant`` with ``timestamp`` in ``[start, end)``,
        ordered by timestamp then id.

        Raises:
            InvalidArgumentError: a bound is a malformed date, or ``end`` is before ``start``.
            TypeError: a bound is not a ``datetime``, ``str`` or ``None``.
        """
    def metrics(self, tenant: str, start: TimeBound = None, end: TimeBound = None) -> list[Record]:
        """Metric samples of ``tenant`` with ``timestamp`` in ``[start, end)``,
        ordered by timestamp, metric, then source.

        Raises:
            InvalidArgumentError: a bound is a malformed date, or ``end`` is before ``start``.
            TypeError: a bound is not a ``datetime``, ``str`` or ``None``.
        """
    def __repr__(self) -> str:
        """``Store.open('<path>')`` or ``Store.memory()``."""

def parse_jsonl(input: str | bytes | bytearray) -> tuple[list[Record], list[RecordError]]:
    """Parses and validates JSON Lines without storing them.

    Returns ``(records, rejected)``: the valid records as dicts (with
    ``"type"``) in input order, and one :class:`RecordError` per rejected line.

    Raises:
        TypeError: ``input`` is not ``str``, ``bytes`` or ``bytearray``.
    """

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
