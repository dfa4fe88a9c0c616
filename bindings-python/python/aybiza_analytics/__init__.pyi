"""In-process analytics for voice-AI and contact-center calls.

Records are plain dicts with the data model's snake_case field names, each
tagged by ``"type"`` (``tenant``, ``call``, ``utterance``, ``journey_event``,
``metric``); results have the same JSON shapes as the Rust library's serde
types, so they are identical to what the Rust and Node APIs return. Instants
are RFC 3339 strings in UTC (``"2026-03-02T14:00:00Z"``).

Errors: every exception raised for bad input or a failed store is an
:class:`AybizaError`. Arguments of the wrong Python type raise ``TypeError``.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from os import PathLike
from typing import Any, Literal, TypeAlias, TypedDict, final, overload

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


_TableKind: TypeAlias = Literal["pandas", "arrow", "columns", "rows"]
"""The table kinds the journey functions return with ``output=`` (stub only): a pandas DataFrame, a pyarrow Table, a dict of columns, or a list of row dicts."""

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

class Emotions(TypedDict):
    """Emotion strengths of a text, each in [0, 1]."""

    frustrated: float
    angry: float
    confused: float
    satisfied: float
    happy: float

class Sentiment(TypedDict):
    """The sentiment of one text (the JSON shape of the Rust ``Sentiment``)."""

    score: float
    """Polarity in [-1, 1]; ``label`` follows it with a neutral band of +-0.05."""
    label: Literal["negative", "neutral", "positive"]
    intensity: float
    """How strongly the sentiment is expressed, in [0, 1], whatever its sign."""
    emotions: Emotions
    urgency: float
    """How urgent the speaker sounds, in [0, 1]."""

class SentimentRow(TypedDict):
    """One row of :meth:`SentimentAnalyzer.analyze_batch` with ``output="pandas"`` or
    ``"arrow"``: the fields of :class:`Sentiment` with the emotions as columns."""

    score: float
    label: Literal["negative", "neutral", "positive"]
    intensity: float
    frustrated: float
    angry: float
    confused: float
    satisfied: float
    happy: float
    urgency: float

class LiveUtterance(TypedDict, total=False):
    """One utterance for :meth:`LiveRules.match_transcript`; ``speaker``,
    ``text``, ``seq`` and ``start_ms`` are required."""

    speaker: Literal["customer", "agent", "bot"]
    """Who spoke."""
    text: str
    """What was said."""
    seq: int
    """Position in the call, from 0."""
    start_ms: int
    """Start, in milliseconds since the call started."""
    end_ms: int
    """End (default ``start_ms``)."""
    sentiment: float
    """Sentiment score in [-1, 1]; sentiment conditions skip utterances without one."""
    silence_ms: int
    """Silence before the utterance, in milliseconds."""
    interruptions: int
    """Interruptions by the speaker in this utterance (default 0)."""

class RuleHit(TypedDict):
    """A live rule that fired, with its evidence (see ``docs/rules.md``)."""

    rule_id: str
    """The rule."""
    at_ms: int
    """Call time when it was decided (an utterance end, or the call end)."""
    seq: int | None
    """The utterance of the latest evidence; ``None`` for rules decided by ``not`` alone."""
    speaker: Literal["customer", "agent", "bot"] | None
    """Who said it."""
    phrase: str | None
    """The matched phrase as written in the rule."""
    start_seq: int | None
    """The utterance where the phrase starts (``seq - 1`` when it spans two)."""
    char_start: int | None
    """Character offset of the phrase start, in the ``start_seq`` utterance."""
    char_end: int | None
    """Character offset one past the phrase end, in the ``seq`` utterance."""

@final
class LiveRules:
    """A compiled set of live pattern rules (phrases with wildcards, sentiment,
    silence, interruption and call-position conditions; format in
    ``docs/rules.md``). Immutable; share one between threads."""

    @staticmethod
    def from_json(text: str) -> LiveRules:
        """Parses and compiles a JSON rule set.

        Raises:
            InvalidArgumentError: a syntax error or an invalid rule, with its line or path.
        """
    @staticmethod
    def from_toml(text: str) -> LiveRules:
        """Parses and compiles a TOML rule set.

        Raises:
            InvalidArgumentError: a syntax error or an invalid rule, with its line or path.
        """
    @staticmethod
    def default() -> LiveRules:
        """The shipped default rules (escalation, churn, confusion, complaints, compliance, silence)."""
    @property
    def rule_ids(self) -> list[str]:
        """The rule ids, in order."""
    def rule_set(self) -> dict[str, Any]:
        """The rule set in its JSON form."""
    def match_transcript(
        self, utterances: Sequence[LiveUtterance], call_end_ms: int | None = None
    ) -> list[RuleHit]:
        """Runs a call's utterances through the rules as a live call would, then
        ends the call at ``call_end_ms`` (default: the latest utterance end).
        The GIL is released while it matches.

        Raises:
            InvalidArgumentError: an utterance misses a field or has an unknown one.
            TypeError: ``utterances`` is not a list or tuple.
        """
    def new_call(self) -> LiveRuleCall:
        """A matcher for one live call: feed it utterances as they come."""
    def __len__(self) -> int: ...

@final
class LiveRuleCall:
    """One live call's rule state, from :meth:`LiveRules.new_call`. Each rule
    fires at most once per call."""

    def on_utterance(self, utterance: LiveUtterance) -> list[RuleHit]:
        """Feeds one utterance; returns the rules that fired on it. Ignored after :meth:`end_call`.

        Raises:
            InvalidArgumentError: a missing or unknown field.
            TypeError: ``utterance`` is not a dict.
        """
    def end_call(self, call_end_ms: int) -> list[RuleHit]:
        """Ends the call at ``call_end_ms`` (ms since its start) and returns the
        rules decided by the end (``last_secs`` windows, ``not``). A second call returns nothing."""
    @property
    def is_ended(self) -> bool:
        """Whether :meth:`end_call` has run."""

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

class RealtimeError(InvalidArgumentError):
    """A refused utterance or call operation of :class:`CallTracker`. Its
    ``kind`` attribute (a str) names the reason: ``empty_text``,
    ``text_too_long``, ``invalid_voice_feature``, ``invalid_timing``,
    ``out_of_order``, ``unknown_call``, ``call_ended``, ``already_live``,
    ``invalid_call``, ``invalid_config``, ``sentiment``. The call's state is
    unchanged and no other call is affected."""

class PredictError(AybizaError):
    """A prediction model could not be trained, loaded or applied: a feature
    schema that does not match the model's, a single class, a corrupt or
    unsupported model file, ..."""

class StoreError(AybizaError):
    """The store failed: an SQLite error (including a file that cannot be
    opened), a corrupt stored record, or a file written by a newer schema."""

class AccessDeniedError(AybizaError):
    """A scoped store's principal may not do what was asked: its role or its tenants do not
    allow it. The attempt is in the audit log."""

class PowerBiError(AybizaError):
    """A push to Power BI was refused (sign-in, throttling longer than allowed, a dataset
    without one of the tables, ...) or got no answer. ``pushed`` lists what Power BI had
    accepted before the failure (``table``, ``rows``, ``requests``, ``truncated_values``); the
    message says the same."""

    pushed: list[dict[str, Any]]

class Principal(TypedDict):
    """Who acts on a scoped store: an ``id`` for the audit log, a ``role`` (``viewer`` reads
    with personal data masked, ``analyst`` reads everything, ``ingest`` only writes, ``admin``
    reads and writes) and the ``tenants`` it may act on (``["*"]`` for every tenant)."""

    id: str
    role: Literal["viewer", "analyst", "ingest", "admin"]
    tenants: list[str]

class LlmError(AybizaError):
    """A call to a large language model failed: throttled or 5xx after every
    retry, timed out, rejected (4xx), an unreadable reply, an answer that broke
    its JSON schema twice, or a bad configuration (see ``docs/llm.md``)."""

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
    def scoped(self, principal: Principal, audit_log: str | PathLike[str]) -> Store:
        """This store as ``principal`` may use it, every access (allowed or denied) appended
        to the JSON Lines audit log at ``audit_log``. Reads and writes outside the principal's
        role or tenants raise :class:`AccessDeniedError`; a viewer's reads come back with
        transcript text, tags and attribute values redacted; ``tenant_ids`` lists only the
        principal's tenants. Every function taking a store (reports, insights, patterns,
        tables) works on the scoped store.

        Raises:
            InvalidArgumentError: an empty id or tenant list, an unknown role or field.
            AybizaError: the audit log cannot be opened.
        """
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
    def utterances_without_call(self, tenant: str) -> list[Record]:
        """Utterances of ``tenant`` whose call has no call record (yet: a pipeline may
        store them before the call's summary), ordered by ``call_id`` then ``seq``. No time
        range selects them."""
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

@final
class SentimentAnalyzer:
    """Scores the sentiment, emotions and urgency of text offline, with the
    lexicon, rules and learned weights shipped in the library (how it works
    and how it compares with VADER: ``docs/sentiment.md``). Immutable; share
    one between threads."""

    def __new__(cls, max_text_bytes: int | None = None) -> SentimentAnalyzer:
        """The analyzer with the shipped weights; texts longer than
        ``max_text_bytes`` bytes of UTF-8 (default 16384) are refused.

        Raises:
            InvalidArgumentError: ``max_text_bytes`` is 0.
            OverflowError: ``max_text_bytes`` is negative.
        """
    @property
    def max_text_bytes(self) -> int:
        """The longest accepted text, in bytes of UTF-8."""
    def analyze(self, text: str | bytes | bytearray) -> Sentiment:
        """The sentiment of one text; ``bytes`` must hold UTF-8.

        Raises:
            InvalidArgumentError: the text is empty or only whitespace, is
                longer than ``max_text_bytes``, or is not valid UTF-8 (bytes that
                do not decode, or a ``str`` with a lone surrogate).
            TypeError: ``text`` is neither ``str`` nor bytes.
        """
    @overload
    def analyze_batch(
        self, texts: Any, *, text_column: str = "text", output: Literal["rows"] = "rows"
    ) -> list[Sentiment]:
        """:meth:`analyze` for every text of a column, in order, with the GIL
        released while scoring.

        ``texts`` is a list or tuple of ``str``/``bytes``, a pandas Series, a
        pyarrow Array, or a table (pandas DataFrame, pyarrow Table, dict of
        columns, list of row dicts) whose ``text_column`` holds the texts.
        ``output="rows"`` returns a list of :class:`Sentiment` dicts;
        ``"pandas"`` and ``"arrow"`` return a DataFrame / Table with the
        columns of :class:`SentimentRow`, one row per text.

        Raises:
            InvalidArgumentError: a text is empty, too long or not UTF-8; the
                message names its index (``texts[3]: text is empty``).
            TypeError: ``texts`` is a single ``str``/``bytes``, or an item is
                not a text (``None`` or NaN in a DataFrame column, a number).
            KeyError: a table has no ``text_column``.
            ValueError: ``output`` is not ``"rows"``, ``"pandas"`` or ``"arrow"``.
        """
    @overload
    def analyze_batch(self, texts: Any, *, text_column: str = "text", output: Literal["pandas", "arrow"]) -> Any:
        """The same as a DataFrame (``"pandas"``) or a pyarrow Table (``"arrow"``)."""
    def __repr__(self) -> str:
        """E.g. ``SentimentAnalyzer(max_text_bytes=16384)``."""

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

def generate_insights(
    store: Store,
    tenant: str,
    start: TimeBound = None,
    end: TimeBound = None,
    options: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Statistical insights for a tenant's calls and journeys of ``[start, end)``, highest impact
    first: queues, channels and agents that differ from the rest and, with both ends given,
    changes against the period of equal length before. Each has ``kind``, ``category``,
    ``segment``, ``title``, ``description``, ``impact`` and ``evidence``. The metrics include each
    call's customer sentiment, scored from its utterances, and the conversion and churn of the
    journeys that began in the period (by the channel they began in). ``options``:
    ``false_discovery_rate``, ``min_calls``, ``min_relative_change``, ``min_sentiment_change``,
    ``max_insights``, ``segment_by``, ``journey`` (a dict of ``JourneyConfig`` fields).

    Raises:
        InvalidArgumentError: an empty tenant or an option out of range or unknown.
    """

@final
class LiveInsights:
    """Watches streams of ended calls and journey events, of any number of tenants, for
    metrics (escalation, transfer, resolution and abandonment rates, handle time,
    satisfaction, and customer sentiment when given; the shares of journey events that are
    conversion and churn actions) whose last hour differs from the 24 hours before, overall
    and per queue and channel.

    ``options`` (``LiveInsightOptions``): ``window_minutes`` (60), ``baseline_hours`` (24),
    ``bucket_minutes`` (5), ``min_calls`` (30), ``raise_p_value`` (0.0001), ``clear_p_value``
    (0.05), ``min_relative_change`` (0.25), ``min_sentiment_change`` (0.1), ``segment_by``
    (``["queue", "channel"]``), ``conversion_actions`` (``["purchase"]``), ``churn_actions``
    (``["cancel"]``).

    Raises:
        InvalidArgumentError: an option out of range or unknown.
    """

    def __new__(cls, options: dict[str, Any] | None = None) -> LiveInsights: ...
    def observe(self, call: dict[str, Any], customer_sentiment: float | None = None) -> list[dict[str, Any]]:
        """Adds an ended call (a call record dict, as :meth:`Store.calls` returns it, with or
        without ``"type": "call"``) and returns the insights it raised or
        cleared (usually none): ``state`` (``raised`` or ``cleared``), ``tenant``, ``at``,
        ``window``, ``baseline`` and the insight's ``kind`` (``live_change``), ``category``,
        ``segment``, ``title``, ``description``, ``impact``, ``evidence``.
        ``customer_sentiment``, the call's customer sentiment in [-1, 1] (the word-weighted
        mean score of the customer's utterances), is watched like the other metrics.

        Raises:
            InvalidArgumentError: the call is not a call record, has not ended, ended
                before the baseline of its tenant's latest call, or ends more than a day
                from now, or the sentiment is outside [-1, 1]; it changes nothing.
        """
    def observe_journey_event(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Adds a journey event (a dict as :meth:`Store.journey_events` returns it, with or
        without ``"type": "journey_event"``) to the shares of its tenant's journey events that
        are conversion and churn actions (categories ``conversion_action_rate`` and
        ``churn_action_rate``, overall and per channel; evidence ``events`` and
        ``reference_events``) and returns the insights it raised or cleared, as :meth:`observe`.

        Raises:
            InvalidArgumentError: the event is not a journey event, has no tenant, is
                before the baseline of its tenant's latest journey event, or is more than a
                day from now; it changes nothing.
        """
    def replay(
        self,
        calls: list[dict[str, Any]] | None = None,
        journey_events: list[dict[str, Any]] | None = None,
        customer_sentiments: dict[str, float] | None = None,
    ) -> list[dict[str, Any]]:
        """Replays stored records as they happened: ``calls`` (as :meth:`Store.calls` returns
        them) and ``journey_events`` (as :meth:`Store.journey_events` returns them), sorted by
        time (a call's end), with the calls' ``customer_sentiments`` (call id to score; ids are
        unique within a tenant, so give them for one tenant's calls at a time). Returns every
        insight raised or cleared, in order. Unlike :meth:`observe`, history dated ahead of the
        system clock is replayed as it stands; calls that have not ended are skipped.

        Raises:
            InvalidArgumentError: a record does not parse (named by list and index); nothing
                is counted.
        """
    def expire(self, now: TimeBound = None) -> list[dict[str, Any]]:
        """Moves every tenant's clock to ``now`` (``None`` for now) and returns the raised
        insights it clears: those whose window or baseline has thinned under half of
        ``min_calls``, or whose difference is gone. Call it every few minutes, so that an
        insight of a tenant whose calls stop does not stay raised."""
    @property
    def options(self) -> dict[str, Any]:
        """The options in use."""

@final
class InsightScheduler:
    """Runs statistical insights on cron schedules. The host asks :meth:`next_due`, calls
    :meth:`run_due` at or after it (from its own timer or job runner), and keeps :attr:`state`
    to resume after a restart: missed runs are caught up (at most ``max_catch_up`` per
    schedule), and none runs twice.

    ``schedules``: dicts with ``name``, ``cron`` (five fields, e.g. ``"0 6 * * *"``, or six
    with seconds), and optionally ``timezone`` (IANA, ``"UTC"``), ``window``
    (``since_previous_run``, ``previous_day`` or ``previous_week``), ``tenants`` (empty for
    all) and ``options`` (as for :func:`generate_insights`). ``None`` gives the daily run at
    06:00 UTC on the previous day and the weekly run on Mondays at 09:00 UTC on the previous
    week. Schedules without a ``state`` entry run from the first due time after ``start``
    (``None`` for now). ``max_catch_up`` (``None``: 7) bounds the missed due times a schedule
    runs after downtime; older ones are skipped. In a process forked while another thread was
    running the scheduler, its methods raise :class:`AybizaError` instead of waiting for that
    thread, which the child does not have; make a new scheduler there from the saved ``state``.

    Raises:
        InvalidArgumentError: no schedules, a duplicate name, a bad cron expression or time
            zone, an expression that never matches, or a bad option.
    """

    def __new__(
        cls,
        schedules: list[dict[str, Any]] | None = None,
        start: TimeBound = None,
        state: dict[str, Any] | None = None,
        max_catch_up: int | None = None,
    ) -> InsightScheduler: ...
    def next_due(self) -> datetime:
        """The earliest time a schedule is due (UTC)."""
    def run_due(self, store: Store, now: TimeBound = None) -> list[dict[str, Any]]:
        """Runs what is due at or before ``now`` (``None`` for now) for each tenant, oldest
        first: ``schedule``, ``tenant``, ``due_at``, ``range``, ``insights``, and ``error``
        when that tenant's run failed (the others go on).

        Raises:
            StoreError: the store's tenants cannot be read; the runs not done stay due.
        """
    @property
    def state(self) -> dict[str, Any]:
        """The progress to persist: ``{"last_due": {schedule: instant}}``."""

def read_audit_log(path: str | PathLike[str]) -> list[dict[str, Any]]:
    """The events of a scoped store's audit log, oldest first: ``at``, ``principal``,
    ``role``, ``action``, ``tenant``, ``range``, ``call_id``, ``allowed``, ``records``,
    ``redacted``, ``reason``.

    Raises:
        AybizaError: the file cannot be read.
        InvalidArgumentError: a line is not an event (it names the line).
    """

def export_tables(
    store: Store,
    tenant: str,
    directory: str | PathLike[str],
    format: Literal["csv", "jsonl", "parquet"] = "csv",
    start: TimeBound = None,
    end: TimeBound = None,
    options: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Writes a tenant's analytics tables to ``directory`` as ``<table>.<format>`` files
    (replacing files of the same name); one dict per file: ``table``, ``path``, ``rows``,
    ``columns``. ``options`` as for :func:`tenant_tables`.

    Raises:
        InvalidArgumentError: an unknown format or table, an unknown option.
        AybizaError: the directory or a file cannot be written.
    """

class PowerBiSettings(TypedDict, total=False):
    """How to reach Power BI. Sign-in is ``access_token`` or all of ``tenant_id``,
    ``client_id`` and ``client_secret`` (a service principal, which needs ``workspace``); with
    none, the environment's ``POWERBI_ACCESS_TOKEN``, else ``AZURE_TENANT_ID``,
    ``AZURE_CLIENT_ID`` and ``AZURE_CLIENT_SECRET``."""

    access_token: str
    tenant_id: str
    client_id: str
    client_secret: str
    workspace: str
    api_url: str
    login_url: str
    timeout_seconds: float
    max_attempts: int
    initial_backoff_seconds: float
    max_backoff_seconds: float
    max_retry_after_seconds: float

class PushOptions(TypedDict, total=False):
    """How to push: ``mode`` (``append``, the default, or ``replace`` to delete each table's
    rows first), ``retention`` of a dataset the push creates (``none`` or ``basic_fifo``: the
    newest 200,000 rows per table) and ``rows_per_request`` (1 to 10,000, the default)."""

    mode: Literal["append", "replace"]
    retention: Literal["none", "basic_fifo"]
    rows_per_request: int

def push_power_bi(
    store: Store,
    tenant: str,
    dataset: str,
    settings: PowerBiSettings | None = None,
    start: TimeBound = None,
    end: TimeBound = None,
    options: dict[str, Any] | None = None,
    push: PushOptions | None = None,
) -> dict[str, Any]:
    """Pushes a tenant's analytics tables into the Power BI push dataset called ``dataset``,
    creating it with the tables' schemas if the workspace has none of that name; an existing
    one gets our schemas, then the rows. Returns ``dataset_id``, ``created`` and ``tables``
    (per table ``table``, ``rows``, ``requests``, ``truncated_values``: text cut to Power BI's
    4,000 characters). ``options`` as for :func:`tenant_tables` (PII redacted by default).

    Raises:
        InvalidArgumentError: no sign-in, half-given credentials, a bad option, a table over
            Power BI's 75 columns.
        PowerBiError: Power BI or the sign-in refused the push, or no answer came.
        AccessDeniedError: a scoped store's principal may not read the tenant.
    """

def analyze_call_patterns(
    store: Store,
    tenant: str,
    start: TimeBound = None,
    end: TimeBound = None,
    options: dict[str, Any] | None = None,
    llm_client: LlmClient | None = None,
) -> dict[str, Any]:
    """``discover_patterns``, then with ``llm_client`` one model analysis per group (largest first,
    at most ``options["max_llm_groups"]``) attached as the group's ``llm_insights``; failed groups
    are listed in ``llm_failures`` and keep their local findings, ``llm_usage`` has the tokens and cost.
    ``options``: ``discovery`` (as ``discover_patterns``), ``deepen``, ``max_llm_groups``."""

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


class Journey(TypedDict):
    """One journey of a customer (``journeys``): ``case`` is ``customer#n`` (n counts the
    customer's journeys from 1), ``end`` is ``None`` while the journey is still open (its
    last event within ``inactivity_secs`` of the latest event passed), and ``events`` holds its
    journey events in time order."""

    case: str
    customer_id: str
    end: Literal["converted", "churned", "abandoned"] | None
    events: list[Record]


class ChannelPath(TypedDict):
    """One distinct channel path of journeys (``journey_paths``), in the shape ``attribution``
    takes: how many journeys along it converted, their summed value, and how many did not."""

    path: list[str]
    conversions: float
    value: float
    nulls: float


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
    @staticmethod
    def from_store(
        store: Store,
        tenant: str,
        config: JourneyConfig | None = None,
        start: TimeBound = None,
        end: TimeBound = None,
        on_retention_risk: Callable[[JourneyUpdate], object] | None = None,
    ) -> JourneyTracker:
        """A tracker whose model is learned from the past journeys of
        ``tenant`` in ``[start, end)`` held by ``store``: its journey events,
        cut into journeys at ``config``'s conversion and churn actions and
        after its inactivity window, actions in time order.

        Raises:
            InvalidArgumentError: the tenant has no journey events there, or a bad config.
            StoreError: the store cannot be read.
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

RealtimeConfig: TypeAlias = dict[str, Any]
"""Configuration of :class:`CallTracker`: a dict of the Rust ``RealtimeConfig`` fields
(``max_text_bytes``, ``weights``, ``risk_weights``, ``thresholds``, ``idle_timeout_secs``, ...;
docs/realtime.md); missing fields take their defaults, also inside ``weights``, ``risk_weights``
and ``thresholds``."""

RealtimeUpdate: TypeAlias = dict[str, Any]
"""What one utterance produced: ``utterance``, ``point``, ``sentiment``, ``voice``,
``context``, ``state``, ``recommendations`` and ``rule_hits`` (a list of :class:`RuleHit`,
the live rules that fired on it) (the JSON shape of the Rust ``Update``)."""

CallState: TypeAlias = dict[str, Any]
"""The fused state of a live call (the JSON shape of the Rust ``CallState``)."""

CallSummary: TypeAlias = dict[str, Any]
"""The summary of an ended call: ``call``, ``reason``, ``state``, ``journey`` (at most
``max_journey_points`` points ``{seq, speaker, at_ms, fused_score, utterances}``: one per
utterance, or in a longer call per speaker the mean of each time bucket),
``journey_bucket_ms`` (0, or the bucket width in ms), ``quarters``, ``rule_hits`` (the live
rules that fired when the call ended) and ``rules_fired`` (ids of every rule that fired
during the call) (the JSON shape of the Rust ``CallSummary``)."""

class RealtimeEvent(TypedDict):
    """What a :class:`CallTracker` subscriber receives for every accepted utterance."""

    tenant: str
    call_id: str
    update: RealtimeUpdate

@final
class CallTracker:
    """Tracks live calls utterance by utterance: text sentiment, voice stress
    and energy against each speaker's baseline, conversation context, fused
    state (current sentiment, emotions, satisfaction, escalation risk) and agent
    recommendations. Thread-safe; formulas and defaults in docs/realtime.md."""

    def __new__(
        cls, config: RealtimeConfig | None = None, rules: LiveRules | str | None = None
    ) -> CallTracker:
        """A tracker with ``config`` (missing fields take their defaults), matching
        ``rules`` (a :class:`LiveRules`, or JSON/TOML rule-set text) when given.

        Raises:
            RealtimeError: a value outside its domain (kind ``invalid_config``).
            InvalidArgumentError: an unknown or mistyped field, or invalid rules.
            TypeError: ``config`` is not a dict, or ``rules`` is of another type.
        """
    def set_rules(self, rules: LiveRules | str | None) -> None:
        """Replaces the live rules (``None``: no rules), also for calls in
        progress: each picks them up on its next utterance, keeping the progress
        of rules whose id and condition are unchanged.

        Raises:
            InvalidArgumentError: invalid rule-set text.
            TypeError: ``rules`` is of another type.
        """
    @property
    def rule_ids(self) -> list[str]:
        """Ids of the live rules in force (empty when none are loaded)."""
    def start_call(self, call: Record) -> None:
        """Starts tracking a live call (a call record dict without ``ended_at``).

        Raises:
            RealtimeError: kinds ``already_live``, ``call_ended``, ``invalid_call``.
            InvalidArgumentError: a missing or mistyped field.
        """
    def on_utterance(self, tenant: str, call_id: str, utterance: Record) -> RealtimeUpdate:
        """Folds one utterance (``seq``, ``speaker``, ``text``, ``start_ms``,
        ``end_ms``, optional ``voice`` features) into a live call and returns
        the update; subscribers are called before it returns.

        Raises:
            RealtimeError: kinds ``empty_text``, ``text_too_long``,
                ``invalid_voice_feature``, ``invalid_timing``, ``out_of_order``,
                ``unknown_call``, ``call_ended``.
            InvalidArgumentError: a missing or mistyped field, or a NaN or infinite number.
        """
    def state(self, tenant: str, call_id: str) -> CallState:
        """The current state of a live call.

        Raises:
            RealtimeError: kinds ``unknown_call``, ``call_ended``.
        """
    def end_call(
        self, tenant: str, call_id: str, outcome: str | None = None, ended_at: TimeBound = None
    ) -> CallSummary:
        """Ends a live call and returns its summary (also queued for
        :meth:`flush_ended` and :meth:`take_ended`). ``ended_at`` defaults to
        the start plus the latest utterance end.

        Raises:
            RealtimeError: kinds ``unknown_call``, ``call_ended``.
            InvalidArgumentError: an unknown outcome or a malformed time.
        """
    def evict_idle(self) -> int:
        """Ends calls without an utterance for ``idle_timeout_secs``; returns how many."""
    def take_ended(self) -> list[CallSummary]:
        """Hands over (and forgets) the summaries of ended and evicted calls."""
    def flush_ended(self, store: Store) -> dict[str, Any]:
        """Writes the summaries of ended and evicted calls to ``store`` as call
        records with ``realtime.*`` attributes; returns ``{calls, written}``.
        If the store fails they stay queued and the error is raised."""
    def live_calls(self) -> int:
        """Number of live calls."""
    def subscribe(self, callback: Callable[[RealtimeEvent], object]) -> int:
        """Registers ``callback``, called with every accepted utterance's
        event; an exception it raises is caught and kept in
        :attr:`subscriber_errors`. Returns the subscription id.

        Raises:
            TypeError: ``callback`` is not callable.
        """
    def unsubscribe(self, subscription: int) -> bool:
        """Removes a subscription; False if it was not registered."""
    @property
    def subscriber_errors(self) -> list[str]:
        """Messages of the exceptions subscribers raised (the latest 100)."""
    def __repr__(self) -> str: ...

@overload
def attribution(
    paths: Sequence[PathInput] | Any, options: AttributionOptions | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: Literal["dict"] = "dict",
) -> AttributionReport: ...
@overload
def attribution(
    paths: Sequence[PathInput] | Any, options: AttributionOptions | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: _TableKind,
) -> Any:
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

def journeys(events: Sequence[Record], config: JourneyConfig | None = None) -> list[Journey]:
    """The journeys of journey-event records (any order, any customers; ``tenant`` and
    ``channel`` may be left out): each customer's events cut at a conversion or churn action
    of ``config`` and when the next event comes more than ``inactivity_secs`` later. Ordered by
    customer, then start; a repeated event id counts once. The GIL is released while it works.

    Raises:
        InvalidArgumentError: a bad event (``events[i]: ...``) or an unknown config field.
        TypeError: ``events`` is not a list or ``config`` not a dict.
    """

def journey_paths(events: Sequence[Record], config: JourneyConfig | None = None) -> list[ChannelPath]:
    """The channel paths of the journeys ``journeys`` cuts from ``events``, one row per
    distinct path with its conversions (journeys ending in a conversion action), their summed
    event values, and its nulls (the other journeys): pass them to ``attribution``.

    Raises:
        InvalidArgumentError: a bad event, a blank channel, or an unknown config field.
        TypeError: ``events`` is not a list or ``config`` not a dict.
    """

@overload
def journey_map(
    events: Sequence[CaseEvent] | Any,
    *,
    columns: Mapping[str, str] | None = None,
    output: Literal["dict"] = "dict",
) -> JourneyMap: ...
@overload
def journey_map(
    events: Sequence[CaseEvent] | Any,
    *,
    columns: Mapping[str, str] | None = None,
    output: _TableKind,
) -> Any:
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

class SegmentEvent(TypedDict, total=False):
    """One event of a segmented event log; ``segment`` missing or ``None`` is the blank segment."""

    case: str
    activity: str
    timestamp: datetime | str
    segment: str | None


class SegmentOptions(TypedDict, total=False):
    """Segment comparison settings (defaults: ``["purchase"]``, no funnel, 10 variants)."""

    conversion_activities: list[str]
    funnel: list[str]
    top_variants: int


class ActivityShare(TypedDict):
    """Cases of a segment that stopped at an activity without converting."""

    activity: str
    cases: int
    share: float


class SegmentSummary(TypedDict):
    """The journey-map metrics of one segment."""

    segment: str
    cases: int
    events: int
    share_of_cases: float
    variant_count: int
    variants: list[Variant]
    converted: int
    conversion_rate: float
    durations: DurationStats
    drop_offs: list[ActivityShare]
    funnel: list[FunnelStep]


class SegmentComparison(TypedDict):
    """Segments side by side, most cases first."""

    cases: int
    segments: list[SegmentSummary]


@overload
def journey_segments(
    events: Sequence[SegmentEvent] | Any, options: SegmentOptions | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: Literal["dict"] = "dict",
) -> SegmentComparison: ...
@overload
def journey_segments(
    events: Sequence[SegmentEvent] | Any, options: SegmentOptions | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: _TableKind,
) -> Any:
    """The journey-map metrics (variants, conversion rate, durations,
    drop-offs, funnel) side by side for each segment; a case belongs to the
    segment of its earliest event ((blank) for an empty one).

    Raises:
        InvalidArgumentError: a missing or unknown field, a bad timestamp, an empty funnel stage.
        TypeError: ``events`` is not a list or ``options`` not a dict.
    """

def journey_segments_csv(
    path: str | PathLike[str],
    segment_column: str,
    columns: LogColumns | None = None,
    options: SegmentOptions | None = None,
) -> SegmentComparison:
    """:func:`journey_segments` of a CSV event log, segments read from ``segment_column``.

    Raises:
        InvalidArgumentError: a missing column or a bad timestamp (naming row and column).
        AybizaError: the file cannot be read.
    """

@overload
def funnel(
    events: Sequence[CaseEvent] | Any, stages: Sequence[str],
    *,
    columns: Mapping[str, str] | None = None,
    output: Literal["dict"] = "dict",
) -> list[FunnelStep]: ...
@overload
def funnel(
    events: Sequence[CaseEvent] | Any, stages: Sequence[str],
    *,
    columns: Mapping[str, str] | None = None,
    output: _TableKind,
) -> Any:
    """How many cases reach each of ``stages`` in order (each after the previous one).

    Raises:
        InvalidArgumentError: no stages, or a bad event.
    """

@overload
def cohorts(
    activities: Sequence[Activity] | Any,
    period: Literal["day", "week", "month"] = "month",
    until: datetime | str | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: Literal["dict"] = "dict",
) -> CohortTable: ...
@overload
def cohorts(
    activities: Sequence[Activity] | Any,
    period: Literal["day", "week", "month"] = "month",
    until: datetime | str | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: _TableKind,
) -> Any:
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


class ForestSettings(TypedDict, total=False):
    """Forest settings; every field may be left out (100 trees, seed 0, 2048 rows per
    classification tree, 0 = no cap; ``feature_fraction`` of the encoded features each
    classification tree or regression split considers, ``None`` for √p/p and 1/3;
    ``importance_repeats`` shuffles of each column per fold for a cross-validation
    report's ``importance``, 0 for none)."""

    trees: int
    seed: int
    max_samples_per_tree: int
    feature_fraction: float | None
    importance_repeats: int


class OutcomePredictions(TypedDict):
    """Predictions for one call."""

    call_id: str
    resolution_probability: float
    escalation_probability: float
    expected_duration_secs: float
    expected_satisfaction: float | None


class PropensityLabels(TypedDict, total=False):
    """What counts as churn and upsell, and the horizon in days after the snapshot; every field may
    be left out (``cancel``/``cancel_subscription``, ``upgrade``/``upgrade_plan``, 30 days)."""

    churn_actions: list[str]
    upsell_actions: list[str]
    horizon_days: int


class CustomerPredictions(TypedDict):
    """Propensities of one customer (``None`` when that model was not trained)."""

    customer_id: str
    churn_probability: float | None
    upsell_probability: float | None


def classify_csv(
    path: str | PathLike[str], target: str, folds: int = 5, settings: ForestSettings | None = None
) -> dict[str, Any]:
    """Cross-validates a random forest on any CSV (``.gz`` decompressed) with
    ``folds`` stratified folds and returns the ``aybiza classify`` report:
    ``rows``, typed ``columns``, ``classes``, per-fold metrics and times,
    ``mean_accuracy``, ``mean_roc_auc``, ``pooled`` metrics, and ``importance``:
    each column's permutation importance (drop of ROC AUC) on the held-out folds,
    most important first (empty unless ``settings["importance_repeats"]`` > 0).

    Raises:
        InvalidArgumentError: an unknown or mistyped setting.
        PredictError: a missing target column, a single class, fewer rows than folds.
        AybizaError: the file cannot be read.
    """

def classify_csv_bytes(
    csv: bytes, target: str, folds: int = 5, settings: ForestSettings | None = None
) -> dict[str, Any]:
    """:func:`classify_csv` of UTF-8 CSV text in memory."""

def classify_table(
    table: Any, target: str, folds: int = 5, settings: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """:func:`classify_csv` of a table (pandas DataFrame, pyarrow Table, dict of
    columns, list of row dicts); ``None``/NaN cells are missing.

    Raises:
        KeyError: ``target`` is not a column.
        PredictError: as :func:`classify_csv`.
    """

def regress_csv(
    path: str | PathLike[str], target: str, folds: int = 5, settings: ForestSettings | None = None
) -> dict[str, Any]:
    """Cross-validates a random-forest regressor on any CSV (``.gz`` decompressed)
    over ``folds`` shuffled folds and returns the ``aybiza regress`` report:
    ``rows``, typed ``columns``, per-fold metrics (``mae``, ``rmse``, ``r2``,
    ``mean_baseline_mae``) and times, ``mean_mae``, ``mean_rmse``, ``mean_r2``,
    ``pooled`` metrics and ``importance`` (drop of R², as for :func:`classify_csv`).
    ``max_samples_per_tree`` does not apply to regressors.

    Raises:
        InvalidArgumentError: an unknown or mistyped setting.
        PredictError: a missing target column, a target that is not a number in every
            row, fewer rows than folds.
        AybizaError: the file cannot be read.
    """

def regress_csv_bytes(
    csv: bytes, target: str, folds: int = 5, settings: ForestSettings | None = None
) -> dict[str, Any]:
    """:func:`regress_csv` of UTF-8 CSV text in memory."""

def regress_table(
    table: Any, target: str, folds: int = 5, settings: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """:func:`regress_csv` of a table (pandas DataFrame, pyarrow Table, dict of
    columns, list of row dicts); ``None``/NaN cells are missing.

    Raises:
        KeyError: ``target`` is not a column.
        PredictError: as :func:`regress_csv`.
    """

class ClassPredictions(TypedDict):
    """A :class:`Classifier`'s predictions: the most probable class of each row, and each
    row's probability of every class (in the order of :attr:`Classifier.classes`)."""

    predicted: list[str]
    probabilities: list[list[float]]

@final
class Classifier:
    """A random-forest classifier on any table (pandas DataFrame, pyarrow Table, dict of
    columns, list of row dicts), read as :func:`classify_table` reads it; see
    ``docs/prediction.md``."""

    @staticmethod
    def fit(table: Any, target: str, settings: ForestSettings | None = None) -> Classifier:
        """Trains on ``table`` with the column ``target`` as the class.

        Raises:
            PredictError: no column ``target``, a single class, or an untrainable table.
            InvalidArgumentError: a bad setting.
        """
    def predict(self, table: Any) -> ClassPredictions:
        """The class and class probabilities of every row of ``table``. Its columns are
        found by name and typed as in training; other columns are ignored.

        Raises:
            PredictError: a model column is missing, or a numeric one holds a word.
        """
    @property
    def classes(self) -> list[str]:
        """The classes, sorted; for two, the second is the positive one."""
    @property
    def feature_names(self) -> list[str]:
        """The encoded feature columns the forest reads."""
    def to_bytes(self) -> bytes:
        """The model in the versioned JSON file format (kind ``classifier``)."""
    @staticmethod
    def from_bytes(data: bytes) -> Classifier:
        """A model from :meth:`to_bytes` output (or ``aybiza classify --save-model``).

        Raises:
            PredictError: a corrupt file, another model kind, an unsupported version.
            InvalidArgumentError: the bytes are not UTF-8.
        """
    def save(self, path: str | PathLike[str]) -> None:
        """Writes the model to a file."""
    @staticmethod
    def load(path: str | PathLike[str]) -> Classifier:
        """Reads a model written by :meth:`save`."""

@final
class Regressor:
    """A random-forest regressor on any table, read as :class:`Classifier` reads it."""

    @staticmethod
    def fit(table: Any, target: str, settings: ForestSettings | None = None) -> Regressor:
        """Trains on ``table`` with the numeric column ``target`` as the value to predict.

        Raises:
            PredictError: no column ``target``, a target cell that is not a number.
            InvalidArgumentError: a bad setting.
        """
    def predict(self, table: Any) -> list[float]:
        """The predicted value of every row of ``table`` (columns as for
        :meth:`Classifier.predict`)."""
    @property
    def feature_names(self) -> list[str]:
        """The encoded feature columns the forest reads."""
    def to_bytes(self) -> bytes:
        """The model in the versioned JSON file format (kind ``regressor``)."""
    @staticmethod
    def from_bytes(data: bytes) -> Regressor:
        """A model from :meth:`to_bytes` output."""
    def save(self, path: str | PathLike[str]) -> None:
        """Writes the model to a file."""
    @staticmethod
    def load(path: str | PathLike[str]) -> Regressor:
        """Reads a model written by :meth:`save`."""

def call_features(
    store: Store,
    tenant: str,
    start: TimeBound = None,
    end: TimeBound = None,
    feature_set: Literal["context", "full"] = "full",
    *,
    output: Literal["pandas", "arrow", "columns", "rows"] = "rows",
) -> Any:
    """The call features of the calls of ``tenant`` in ``[start, end)``: one
    row per call (``call_id`` and each feature, ``None`` when missing) as the
    table kind ``output`` names.

    Raises:
        InvalidArgumentError: an unknown feature set or a bad time bound.
    """

@final
class OutcomeModels:
    """The four call-outcome models (random forests): resolution, escalation,
    duration and satisfaction; see ``docs/prediction.md``."""

    @staticmethod
    def train(
        store: Store,
        tenant: str,
        start: TimeBound = None,
        end: TimeBound = None,
        settings: ForestSettings | None = None,
    ) -> OutcomeModels:
        """Trains the models on the calls of ``tenant`` in ``[start, end)``.

        Raises:
            InvalidArgumentError: no calls there, or a bad setting.
            PredictError: a model cannot be trained (e.g. a single class).
        """
    def predict(
        self, store: Store, tenant: str, start: TimeBound = None, end: TimeBound = None
    ) -> list[OutcomePredictions]:
        """Predictions for every call of ``tenant`` in ``[start, end)`` (their
        predecessors in the range feed the history features)."""
    def evaluate(
        self, store: Store, tenant: str, start: TimeBound = None, end: TimeBound = None
    ) -> dict[str, Any]:
        """Metrics on the calls of ``tenant`` in ``[start, end)``: ``calls``,
        ``resolution`` and ``escalation`` (accuracy, ROC AUC, F1, Brier,
        reliability), ``duration`` and ``satisfaction`` (MAE, RMSE, R²)."""
    def to_bytes(self) -> bytes:
        """The models in the versioned JSON file format."""
    @staticmethod
    def from_bytes(data: bytes) -> OutcomeModels:
        """Models from :meth:`to_bytes` output.

        Raises:
            PredictError: a corrupt file, another model kind, an unsupported version.
            InvalidArgumentError: the bytes are not UTF-8.
        """
    def save(self, path: str | PathLike[str]) -> None:
        """Writes the models to a file."""
    @staticmethod
    def load(path: str | PathLike[str]) -> OutcomeModels:
        """Reads models written by :meth:`save`."""
    @property
    def has_satisfaction(self) -> bool:
        """Whether a satisfaction model was trained (it needs enough surveyed calls)."""
    def __repr__(self) -> str: ...

def customer_features(
    store: Store,
    tenant: str,
    as_of: datetime | str,
    *,
    output: Literal["pandas", "arrow", "columns", "rows"] = "rows",
) -> Any:
    """The customer features of ``tenant``'s customers at ``as_of``, from the calls and
    journey events before it: one row per customer (``customer_id`` and each feature,
    ``None`` when missing) as the table kind ``output`` names.

    Raises:
        InvalidArgumentError: no calls or journey events before ``as_of``, or a bad instant.
    """

@final
class CustomerModels:
    """The churn and upsell propensity models (random forests) of a tenant's customers,
    trained on a snapshot; see ``docs/prediction.md``."""

    @staticmethod
    def train(
        store: Store,
        tenant: str,
        as_of: datetime | str,
        labels: PropensityLabels | None = None,
        settings: ForestSettings | None = None,
    ) -> CustomerModels:
        """Trains both models on a snapshot at ``as_of``: features from the calls and journey
        events before it, labels from the journey-event actions in the ``horizon_days`` after
        it. A model whose label has fewer than 5 positive or negative customers is not trained.

        Raises:
            InvalidArgumentError: no history there, an unknown label field or setting.
            PredictError: neither model can be trained, or a bad horizon or empty action list.
        """
    def predict(self, store: Store, tenant: str, as_of: datetime | str) -> list[CustomerPredictions]:
        """Propensities of every customer with a call or journey event before ``as_of``."""
    def evaluate(self, store: Store, tenant: str, as_of: datetime | str) -> dict[str, Any]:
        """Metrics on a snapshot at ``as_of`` labelled as in training: ``customers``,
        ``churned``, ``upgraded``, and ``churn`` and ``upsell`` classification metrics
        (``None`` for a model that was not trained)."""
    def to_bytes(self) -> bytes:
        """The models in the versioned JSON file format."""
    @staticmethod
    def from_bytes(data: bytes) -> CustomerModels:
        """Models from :meth:`to_bytes` output.

        Raises:
            PredictError: a corrupt file, another model kind, an unsupported version.
            InvalidArgumentError: the bytes are not UTF-8.
        """
    def save(self, path: str | PathLike[str]) -> None:
        """Writes the models to a file."""
    @staticmethod
    def load(path: str | PathLike[str]) -> CustomerModels:
        """Reads models written by :meth:`save`."""
    @property
    def has_churn(self) -> bool:
        """Whether a churn model was trained."""
    @property
    def has_upsell(self) -> bool:
        """Whether an upsell model was trained."""
    @property
    def labels(self) -> PropensityLabels:
        """The label settings the models were trained with."""
    def __repr__(self) -> str: ...

from aybiza_analytics.analytics_tables import tenant_tables as tenant_tables
from aybiza_analytics.forecasting import (
    ForecastResult as ForecastResult,
    detect_anomalies as detect_anomalies,
    forecast as forecast,
    staffing as staffing,
)

@final
class AnomalyMonitor:
    """A streaming anomaly detector: ``observe(value)`` scores each live interval against the
    band forecast from the values before it (options as for :func:`detect_anomalies`)."""

    def __new__(cls, options: dict[str, Any] | None = None) -> AnomalyMonitor: ...
    def observe(self, value: float) -> dict[str, Any] | None:
        """Scores the next value: ``None`` during the warm-up, else ``{value, expected, lower,
        upper, probability, anomalous, direction}``."""
    @property
    def history_len(self) -> int:
        """Values kept as history."""

__all__ = [
    "Activity",
    "ActivityShare",
    "AnomalyMonitor",
    "detect_anomalies",
    "forecast",
    "ForecastResult",
    "staffing",
    "AttributionOptions",
    "AttributionReport",
    "AybizaError",
    "BgNbdParams",
    "CallState",
    "CallSummary",
    "CallTracker",
    "Bottleneck",
    "CaseEvent",
    "Cohort",
    "CohortTable",
    "Credit",
    "CustomerRfm",
    "DurationStats",
    "Edge",
    "Emotions",
    "CustomerModels",
    "CustomerPredictions",
    "ForestSettings",
    "FunnelStep",
    "GammaGammaParams",
    "IngestReport",
    "InvalidArgumentError",
    "InvalidRecordError",
    "ChannelPath",
    "Journey",
    "JourneyConfig",
    "JourneyMap",
    "JourneyTracker",
    "LiveRuleCall",
    "LiveRules",
    "LiveUtterance",
    "JourneyUpdate",
    "LlmClient",
    "LlmError",
    "AccessDeniedError",
    "PowerBiError",
    "PowerBiSettings",
    "PushOptions",
    "Principal",
    "read_audit_log",
    "LogColumns",
    "OutcomeModels",
    "Classifier",
    "ClassPredictions",
    "Regressor",
    "OutcomePredictions",
    "PropensityLabels",
    "PathColumns",
    "PathInput",
    "PiiEntity",
    "PredictError",
    "RealtimeConfig",
    "RealtimeError",
    "RealtimeEvent",
    "RealtimeUpdate",
    "Record",
    "RecordError",
    "RuleHit",
    "Redacted",
    "Redactor",
    "Report",
    "ReportPaths",
    "SegmentComparison",
    "SegmentEvent",
    "SegmentOptions",
    "SegmentSummary",
    "Sentiment",
    "SentimentAnalyzer",
    "SentimentRow",
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
    "call_features",
    "customer_features",
    "classify_csv",
    "classify_csv_bytes",
    "classify_table",
    "regress_csv",
    "regress_csv_bytes",
    "regress_table",
    "cohorts",
    "fit_bg_nbd",
    "fit_gamma_gamma",
    "funnel",
    "gamma_gamma_expected_spend",
    "journey_map",
    "journey_map_csv",
    "journey_paths",
    "journey_segments",
    "journey_segments_csv",
    "journeys",
    "parse_jsonl",
    "discover_patterns",
    "analyze_call_patterns",
    "generate_insights",
    "InsightScheduler",
    "LiveInsights",
    "export_tables",
    "push_power_bi",
    "tenant_tables",
    "pattern_groups_table",
    "render_report_html",
    "simulate",
    "simulate_jsonl",
]

_Json: TypeAlias = dict[str, Any]

@final
class LlmClient:
    """Claude on AWS Bedrock behind the library's LLM layer: every prompt is
    redacted of PII (unless ``redact_prompts`` is false), requests are bounded
    in number, timed out, retried with jittered backoff on throttling and 5xx,
    structured answers are validated against their JSON schema, and costs are
    booked per tenant (``docs/llm.md``). The GIL is released during calls."""

    @staticmethod
    def bedrock(settings: _Json | None = None) -> LlmClient:
        """Connects with credentials and region from the AWS chain, overridden by
        ``settings`` (all optional): ``region``, ``profile``, ``endpoint_url``,
        ``api`` (``"converse"`` or ``"invoke_model"``), ``small_model``,
        ``large_model``, ``prices`` ({model: {input_per_million, output_per_million}}),
        ``timeout_seconds``, ``max_attempts``, ``initial_backoff_seconds``,
        ``max_backoff_seconds``, ``max_concurrency``, ``redact_prompts``.

        Raises:
            InvalidArgumentError: an unknown or mistyped setting.
            LlmError: no region, or a negative duration.
        """
    def complete(self, request: _Json, tenant: str = "default") -> _Json:
        """Sends ``{system, user, json_schema?, max_tokens?, temperature?, tier?}``
        (``tier`` is ``"small"`` or ``"large"``) and returns
        ``{model, text, json, usage: {input_tokens, output_tokens, cost_usd}}``.

        Raises:
            InvalidArgumentError: a malformed request.
            LlmError: the model call failed.
        """
    def deepen(self, groups: Sequence[_Json], tenant: str = "default", options: _Json | None = None) -> _Json:
        """Asks the model about each pattern group (``{group_id, label, size,
        top_terms, share_of_calls, escalation_rate, resolution_rate,
        average_sentiment, samples}``) in parallel and returns ``{groups,
        failures, usage}``; a failed group is listed in ``failures``, never raised.

        Raises:
            InvalidArgumentError: a malformed group or option.
            TypeError: ``groups`` is not a list or ``options`` not a dict.
        """
    def summarize(self, key_figures: _Json, tenant: str = "default") -> _Json:
        """An executive summary of ``key_figures`` from the large model:
        ``{summary: {key_findings, business_impact, recommended_actions,
        risk_factors}, model, usage}``.

        Raises:
            LlmError: the model call failed or its answer broke the schema twice.
        """
    def costs(self) -> dict[str, _Json]:
        """Tokens and dollars so far per tenant: ``{tenant: {total, by_model}}``."""
