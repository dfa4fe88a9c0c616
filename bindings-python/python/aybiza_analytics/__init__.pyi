"""In-process analytics for voice-AI and contact-center calls.

Records are plain dicts with the data model's snake_case field names, each
tagged by ``"type"`` (``tenant``, ``call``, ``utterance``, ``journey_event``,
``metric``); results have the same JSON shapes as the Rust library's serde
types, so they are identical to what the Rust and Node APIs return. Instants
are RFC 3339 strings in UTC (``"2026-03-02T14:00:00Z"``).

Errors: every exception raised for bad input or a failed store is an
:class:`AybizaError`. Arguments of the wrong Python type raise ``TypeError``.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from os import PathLike
from typing import Any, Literal, TypeAlias, TypedDict, final

__version__: str
"""The version of the library."""

Record: TypeAlias = dict[str, Any]
"""One record or query result as a dict (the JSON shape of the Rust type)."""

TimeBound: TypeAlias = datetime | str | None
"""One end of a time range: a ``datetime`` (a naive one is taken as UTC), an
ISO-8601 string (``"2026-03-02T14:00:00Z"``, ``"2026-03-02T16:00:00+02:00"``,
``"2026-03-02 14:00"`` (UTC), ``"2026-03-02"`` (midnight UTC)), or ``None`` for
an open end."""

Report: TypeAlias = dict[str, Any]
"""The analysis report as a dict: the JSON shape of the Rust ``Report``
(``format_version``, ``generated_at``, ``period``, ``overall``, ``tenants``;
see ``aybiza_analytics::report`` for every field)."""

_PiiKindName: TypeAlias = Literal["card", "ssn", "phone", "email", "iban", "dob", "spoken_digits"]
"""The name of a kind of personal data the redactor finds (stub only: stubtest
cannot match a ``Literal`` alias with its runtime value)."""

class SimConfig(TypedDict, total=False):
    """What to simulate; every count is per tenant. Every field may be left
    out and takes its default; an unknown key is an error."""

    seed: int
    """Seed of every random choice; the same config always gives the same output (default 42)."""
    tenants: int
    """Number of tenants, 1 to 1000 (default 2)."""
    start: datetime | str
    """Start of the window: a ``datetime`` (naive = UTC) or an ISO-8601 string
    as time bounds accept (default ``2026-01-05T00:00:00Z``, a Monday)."""
    days: int
    """Length of the window in days, 1 to 3660 (default 28)."""
    calls_per_day: int
    """Average calls per tenant per day over a week (default 300)."""
    customers_per_tenant: int
    """Size of each tenant's customer base (default 3000)."""
    agents_per_tenant: int
    """Size of each tenant's agent pool (default 24)."""
    journeys_per_day: int
    """Average customer journeys started per tenant per day (default 40)."""
    anomaly_days: int
    """Anomalies planted per tenant, each on its own day; at most ``days`` (default 3)."""

class SimOutput(TypedDict):
    """The simulated records and the ground truth behind them."""

    records: list[Record]
    """Per tenant: its tenant record, calls (each followed by its utterances)
    in start order, journey events, then metric samples. All pass ingestion."""
    truth: dict[str, Any]
    """What the simulator planted: ``calls`` (scenario, issue, repeat links,
    escalation triggers, moods per call), ``anomalies``,
    ``escalation_triggers``, ``journeys`` and ``agents``."""

class PiiEntity(TypedDict):
    """One entity found in a text. It holds only offsets, never the personal
    data: ``text[e["char_start"]:e["char_end"]]`` is the entity."""

    kind: _PiiKindName
    """What was found."""
    start: int
    """UTF-8 byte offset of the first byte (as in Rust)."""
    end: int
    """UTF-8 byte offset one past the last byte."""
    char_start: int
    """Offset of the first character: a Python ``str`` index."""
    char_end: int
    """Offset one past the last character."""

class Redacted(TypedDict):
    """A redacted text and the entities that were replaced."""

    text: str
    """The text with every entity replaced by its kind's placeholder (``[CARD]``, ``[EMAIL]``, ...)."""
    entities: list[PiiEntity]
    """The replaced entities, sorted, with offsets into the ORIGINAL text."""

class ReportPaths(TypedDict):
    """Where :meth:`Store.write_report` wrote the report."""

    json: str
    """Path of ``report.json``."""
    html: str
    """Path of ``report.html``."""

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
    converted to UTC, an invalid simulation config or report dict, an unknown
    tenant or PII kind."""

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
    def report(
        self,
        start: TimeBound = None,
        end: TimeBound = None,
        tenants: Sequence[str] | None = None,
    ) -> Report:
        """The analysis report over the calls that started in ``[start, end)``
        (and the journey events and metric samples in it), per tenant and
        overall, as a dict. ``tenants`` limits it to those tenants (reported
        sorted by id); ``None`` means every tenant in the store.

        Raises:
            InvalidArgumentError: a bound is malformed, ``end`` is before
                ``start``, or a tenant in ``tenants`` has no records.
            TypeError: a bound has the wrong type, or ``tenants`` is not a
                list or tuple of ``str``.
            StoreError: the store failed.
        """
    def write_report(
        self,
        dir: str | PathLike[str],
        start: TimeBound = None,
        end: TimeBound = None,
        tenants: Sequence[str] | None = None,
    ) -> ReportPaths:
        """Builds the report as :meth:`report` does and writes ``report.json``
        (indented JSON) and ``report.html`` (a self-contained page) into
        ``dir``, creating it if needed. Returns the two paths.

        Raises:
            AybizaError: the files cannot be written.
            InvalidArgumentError, TypeError, StoreError: as :meth:`report`.
        """
    def __repr__(self) -> str:
        """``Store.open('<path>')`` or ``Store.memory()``."""

@final
class Redactor:
    """Finds and redacts personal data in text: payment cards, US Social
    Security numbers, phone numbers, e-mail addresses, IBANs, dates of birth
    and digits read aloud (rules and measured accuracy in ``docs/privacy.md``).
    Immutable; share one between threads. Compares equal by kinds."""

    def __new__(cls, kinds: Iterable[_PiiKindName] | None = None) -> Redactor:
        """A redactor for the named kinds; ``None`` means every kind, an empty
        list none at all.

        Raises:
            InvalidArgumentError: a name is not a kind.
            TypeError: ``kinds`` is a single ``str`` or holds something else.
        """
    @property
    def kinds(self) -> list[_PiiKindName]:
        """The kinds looked for, in the order ``card, ssn, phone, email, iban, dob, spoken_digits``."""
    def find(self, text: str) -> list[PiiEntity]:
        """The entities in ``text``, sorted by offset and non-overlapping.
        Where detectors overlap the longest span wins (ties go to the more
        specific kind). The GIL is released while it searches."""
    def redact(self, text: str) -> Redacted:
        """``text`` with every entity replaced by its kind's placeholder, and
        the entities (offsets into the original ``text``)."""
    def redact_batch(self, texts: Iterable[str]) -> list[Redacted]:
        """:meth:`redact` for every text, in order, with the GIL released for the whole batch.

        Raises:
            TypeError: ``texts`` is a single ``str`` or holds something other than ``str``.
        """
    def __eq__(self, other: object, /) -> bool: ...
    def __repr__(self) -> str:
        """E.g. ``Redactor(kinds=['card', 'email'])``."""

def simulate(config: SimConfig | None = None) -> SimOutput:
    """Simulates contact-center data for several tenants: tenants, calls with
    transcripts, customer journeys and metric samples, with the ground truth
    of what was planted. The same config always gives the same output. The
    GIL is released while it simulates.

    Raises:
        InvalidArgumentError: an unknown key, a value of the wrong type, or a
            config outside the limits (e.g. ``tenants`` 0, more anomaly days
            than days, over 50 million calls and journeys).
        TypeError: ``config`` is not a dict.
    """

def simulate_jsonl(config: SimConfig | None = None) -> str:
    """The records :func:`simulate` gives for ``config``, as JSON Lines text
    (one record per line, the ground truth left out), ready for
    :meth:`Store.ingest_jsonl`. Builds no dicts, so it takes less time and
    memory than :func:`simulate` for large outputs.

    Raises:
        InvalidArgumentError, TypeError: as :func:`simulate`.
    """

def discover_patterns(
    store: Store,
    tenant: str,
    start: TimeBound = None,
    end: TimeBound = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Groups a tenant's calls of ``[start, end)`` and runs the specialised analyses (escalation
    triggers, successful resolutions, confusion, repeat callers, automation candidates, FAQs)."""

def pattern_groups_table(findings: dict[str, Any], kind: str = "pandas") -> Any:
    """The groups of ``discover_patterns`` findings as a table (``kind`` as in ``frames.to_table``)."""

def render_report_html(report: Report) -> str:
    """Renders a report dict (as :meth:`Store.report` returns it, or read back
    from ``report.json``) as a self-contained HTML page.

    Raises:
        InvalidArgumentError: the dict is not a report (the message names the
            missing or mistyped field).
        TypeError: ``report`` is not a dict.
    """

def parse_jsonl(input: str | bytes | bytearray) -> tuple[list[Record], list[RecordError]]:
    """Parses and validates JSON Lines without storing them.

    Returns ``(records, rejected)``: the valid records as dicts (with
    ``"type"``) in input order, and one :class:`RecordError` per rejected line.

    Raises:
        TypeError: ``input`` is not ``str``, ``bytes`` or ``bytearray``.
    """


class PathInput(TypedDict, total=False):
    """One aggregated path: ``path`` (channel names, or one string joined by
    the separator) and ``conversions`` are required; ``value`` and ``nulls`` default to 0."""

    path: list[str] | str
    conversions: float
    value: float
    nulls: float


class AttributionOptions(TypedDict, total=False):
    """Attribution settings; every field may be left out and takes its default."""

    time_decay_half_life: float
    markov_order: int
    separator: str


class PathColumns(TypedDict, total=False):
    """Columns of an aggregated-paths CSV (defaults: ``path``, ``" > "``,
    ``total_conversions``, ``total_conversion_value``, ``total_null``; ``None`` for no value/nulls column)."""

    path: str
    separator: str
    conversions: str
    value: str | None
    nulls: str | None


class Credit(TypedDict):
    """Conversions and value credited to each channel by one model."""

    model: str
    conversions: list[float]
    value: list[float]


class AttributionReport(TypedDict):
    """Every attribution model side by side; vectors are in ``channels`` order."""

    channels: list[str]
    models: list[Credit]
    removal_effects: list[float]
    value_removal_effects: list[float]
    conversion_probability: float


class CaseEvent(TypedDict):
    """One event of an event log."""

    case: str
    activity: str
    timestamp: datetime | str


class LogColumns(TypedDict, total=False):
    """Columns of a CSV event log (defaults: ``case_id``, ``activity``, ``timestamp``)."""

    case: str
    activity: str
    timestamp: str


class Variant(TypedDict):
    """One distinct path through the activities and how many cases took it."""

    path: list[str]
    count: int
    share: float


Edge = TypedDict("Edge", {"from": str, "to": str, "count": int, "median_seconds": float})
"""A directly-follows transition between two activities."""


class DurationStats(TypedDict):
    """Case durations in seconds."""

    mean: float
    p50: float
    p90: float
    p95: float
    max: float


class JourneyMap(TypedDict):
    """Variants, edges, start and end activities and case durations of an event log."""

    cases: int
    events: int
    variants: list[Variant]
    edges: list[Edge]
    start_activities: dict[str, int]
    end_activities: dict[str, int]
    durations: DurationStats


class FunnelStep(TypedDict):
    """How many cases reached one funnel stage."""

    stage: str
    cases: int
    conversion_from_previous: float


class Activity(TypedDict, total=False):
    """One activity of a customer; ``value`` defaults to 0."""

    customer: str
    timestamp: datetime | str
    value: float


class Cohort(TypedDict):
    """One cohort followed period by period since its start."""

    label: str
    size: int
    active: list[int]
    retention: list[float]
    value: list[float]
    cumulative_value_per_customer: list[float]
    activities_per_active: list[float]


class CohortTable(TypedDict):
    """Cohorts by period."""

    period: Literal["day", "week", "month"]
    cohorts: list[Cohort]


class CustomerRfm(TypedDict):
    """A customer's repeat transactions, time of the last one and age (in one time unit), and mean spend."""

    frequency: float
    recency: float
    age: float
    monetary_value: float


class BgNbdParams(TypedDict):
    """Fitted BG/NBD parameters."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


class GammaGammaParams(TypedDict):
    """Fitted Gamma-Gamma parameters."""

    p: float
    q: float
    v: float
    log_likelihood: float


class StageRule(TypedDict):
    """Actions that put a journey in a stage."""

    stage: str
    actions: list[str]


class JourneyConfig(TypedDict, total=False):
    """How journeys are staged, opened and closed; every field may be left out
    (defaults: no stages, ``["purchase"]``, ``["cancel"]``, 30 days, 0.7, 5)."""

    stages: list[StageRule]
    conversion_actions: list[str]
    churn_actions: list[str]
    inactivity_secs: int
    retention_risk_threshold: float
    min_support: int


Bottleneck = TypedDict(
    "Bottleneck", {"from": str, "to": str, "seconds": float, "typical_seconds": float}
)
"""A step that took far longer than in past journeys (beyond the 90th percentile)."""


class JourneyUpdate(TypedDict):
    """What the tracker knows about a journey right after one of its events."""

    customer_id: str
    stage: str | None
    touchpoints: int
    abandonment_risk: float
    next_best_action: str | None
    satisfaction_trend: float | None
    bottleneck: Bottleneck | None
    duration_secs: float
    ended: Literal["converted", "churned", "abandoned"] | None
    previous_ended: Literal["converted", "churned", "abandoned"] | None
    retention_triggered: bool
    duplicate: bool


@final
class JourneyTracker:
    """Follows customers' journeys event by event: stage, abandonment risk,
    next best action, satisfaction trend and bottlenecks, compared with a
    transition model learned from past journeys. Thread-safe."""

    def __new__(
        cls,
        config: JourneyConfig | None = None,
        history: Sequence[CaseEvent] | None = None,
        on_retention_risk: Callable[[JourneyUpdate], object] | None = None,
    ) -> JourneyTracker:
        """A tracker configured by ``config`` (defaults for missing fields)
        whose model is learned from ``history``: ``{case, activity, timestamp}``
        events, one case per past journey. ``on_retention_risk`` is called
        with each update whose risk crosses ``retention_risk_threshold``.

        Raises:
            InvalidArgumentError: an unknown or mistyped config field, a
                threshold outside [0, 1], a non-positive inactivity window, or a bad event.
            TypeError: ``config`` is not a dict, ``history`` not a list, or the callback not callable.
        """
    def track(self, event: Record) -> JourneyUpdate:
        """Appends a journey event (``id``, ``customer_id``, ``action``,
        ``timestamp``; ``tenant``, ``channel``, ``value``, ``sentiment``,
        ``attributes`` optional) to its customer's journey and returns the
        journey's new state. When ``retention_triggered``, the callback is
        called first with the update, and an exception it raises propagates
        (the event stays tracked).

        Raises:
            InvalidArgumentError: a missing or mistyped field, an empty customer or action, sentiment outside [-1, 1].
        """
    def open_journeys(self) -> int:
        """Number of open journeys."""
    def evict_idle(self, now: datetime | str) -> list[str]:
        """Closes, as abandoned, journeys idle for longer than the inactivity
        window before ``now``; returns their customers, sorted."""
    def __repr__(self) -> str: ...

def attribution(paths: Sequence[PathInput], options: AttributionOptions | None = None) -> AttributionReport:
    """Every attribution model (first touch, last touch, linear, time decay,
    position based, Markov of ``markov_order``, Shapley) on aggregated paths.
    The GIL is released while it computes.

    Raises:
        InvalidArgumentError: a missing, unknown or mistyped field, a negative
            count, an empty channel name, or a Markov order outside 1..3.
        TypeError: ``paths`` is not a list or ``options`` not a dict.
    """

def attribution_csv(path: str | PathLike[str], columns: PathColumns | None = None) -> AttributionReport:
    """:func:`attribution` with default options on the aggregated paths of a
    CSV file (header row; a name ending ``.gz`` is decompressed).

    Raises:
        InvalidArgumentError: a missing column or a bad number (naming row and column).
        AybizaError: the file cannot be read.
    """

def journey_map(events: Sequence[CaseEvent]) -> JourneyMap:
    """The journey map of an event log: variants, directly-follows edges with
    median times, start and end activities, case durations.

    Raises:
        InvalidArgumentError: a missing field or a timestamp that cannot be read.
        TypeError: ``events`` is not a list.
    """

def journey_map_csv(path: str | PathLike[str], columns: LogColumns | None = None) -> JourneyMap:
    """:func:`journey_map` of a CSV event log (a name ending ``.gz`` is decompressed).

    Raises:
        InvalidArgumentError: a missing column or a bad timestamp (naming row and column).
        AybizaError: the file cannot be read.
    """

def funnel(events: Sequence[CaseEvent], stages: Sequence[str]) -> list[FunnelStep]:
    """How many cases reach each of ``stages`` in order (each after the previous one).

    Raises:
        InvalidArgumentError: no stages, or a bad event.
    """

def cohorts(
    activities: Sequence[Activity],
    period: Literal["day", "week", "month"] = "month",
    until: datetime | str | None = None,
) -> CohortTable:
    """Customers grouped by the period of their first activity and followed
    period by period up to ``until`` (default: the latest activity).

    Raises:
        InvalidArgumentError: an unknown period, a bad timestamp or value.
    """

def fit_bg_nbd(customers: Sequence[CustomerRfm]) -> BgNbdParams:
    """Maximum-likelihood BG/NBD fit (Fader, Hardie & Lee 2005).

    Raises:
        InvalidArgumentError: no customers, an inconsistent summary, or no repeat transactions.
    """

def fit_gamma_gamma(customers: Sequence[CustomerRfm]) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma spend fit on the customers with repeat transactions and value.

    Raises:
        InvalidArgumentError: fewer than two customers with repeat transactions and value, or a bad summary.
    """

def bg_nbd_probability_alive(params: BgNbdParams, customer: CustomerRfm) -> float:
    """Probability that ``customer`` is still active under fitted BG/NBD ``params``."""

def bg_nbd_expected_transactions(params: BgNbdParams, customer: CustomerRfm, t: float) -> float:
    """Expected transactions of ``customer`` in the next ``t`` time units under ``params``.

    Raises:
        InvalidArgumentError: ``t`` is negative or not finite.
    """

def gamma_gamma_expected_spend(params: GammaGammaParams, customer: CustomerRfm) -> float:
    """Expected mean spend per transaction of ``customer`` under fitted Gamma-Gamma ``params``."""

__all__ = [
    "Activity",
    "AttributionOptions",
    "AttributionReport",
    "AybizaError",
    "BgNbdParams",
    "Bottleneck",
    "CaseEvent",
    "Cohort",
    "CohortTable",
    "Credit",
    "CustomerRfm",
    "DurationStats",
    "Edge",
    "FunnelStep",
    "GammaGammaParams",
    "IngestReport",
    "InvalidArgumentError",
    "InvalidRecordError",
    "JourneyConfig",
    "JourneyMap",
    "JourneyTracker",
    "JourneyUpdate",
    "LogColumns",
    "PathColumns",
    "PathInput",
    "PiiEntity",
    "Record",
    "RecordError",
    "Redacted",
    "Redactor",
    "Report",
    "ReportPaths",
    "SimConfig",
    "SimOutput",
    "StageRule",
    "Store",
    "StoreError",
    "TimeBound",
    "Variant",
    "WriteCounts",
    "__version__",
    "attribution",
    "attribution_csv",
    "bg_nbd_expected_transactions",
    "bg_nbd_probability_alive",
    "cohorts",
    "fit_bg_nbd",
    "fit_gamma_gamma",
    "funnel",
    "gamma_gamma_expected_spend",
    "journey_map",
    "journey_map_csv",
    "parse_jsonl",
    "discover_patterns",
    "pattern_groups_table",
    "render_report_html",
    "simulate",
    "simulate_jsonl",
]
