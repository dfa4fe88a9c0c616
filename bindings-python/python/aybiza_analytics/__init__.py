"""In-process analytics for voice-AI and contact-center calls.

The classes and functions are implemented in Rust (``aybiza_analytics._native``);
``__init__.pyi`` documents them with their types.
"""

from datetime import datetime
from typing import Any, Literal, TypedDict

from aybiza_analytics.journey_tables import (
    attribution,
    cohorts,
    funnel,
    journey_map,
    journey_segments,
)
from aybiza_analytics.predict_tables import (
    call_features,
    classify_table,
    customer_features,
    regress_table,
)
from aybiza_analytics._native import (
    AnomalyMonitor,
    AybizaError,
    CallTracker,
    Classifier,
    IngestReport,
    InsightScheduler,
    JourneyTracker,
    LiveInsights,
    CustomerModels,
    OutcomeModels,
    PredictError,
    InvalidArgumentError,
    LlmClient,
    LlmError,
    AccessDeniedError,
    PowerBiError,
    LiveRuleCall,
    LiveRules,
    InvalidRecordError,
    RealtimeError,
    RecordError,
    Redactor,
    Regressor,
    SentimentAnalyzer,
    Store,
    StoreError,
    WriteCounts,
    __version__,
    attribution_csv,
    classify_csv,
    classify_csv_bytes,
    regress_csv,
    regress_csv_bytes,
    bg_nbd_expected_transactions,
    bg_nbd_probability_alive,
    discover_patterns,
    analyze_call_patterns,
    generate_insights,
    export_tables,
    push_power_bi,
    read_audit_log,
    fit_bg_nbd,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
    journey_map_csv,
    journey_paths,
    journey_segments_csv,
    journeys,
    parse_jsonl,
    render_report_html,
    simulate,
    simulate_jsonl,
)
from aybiza_analytics.forecasting import ForecastResult, detect_anomalies, forecast, staffing
from aybiza_analytics.analytics_tables import tenant_tables

Record = dict[str, Any]
"""One record or query result as a dict (the JSON shape of the Rust type)."""

TimeBound = datetime | str | None
"""One end of a time range: a datetime (naive = UTC), an ISO-8601 string, or None for an open end."""

Report = dict[str, Any]
"""The analysis report as a dict (the JSON shape of the Rust ``Report``)."""

RealtimeConfig = dict[str, Any]
"""Configuration of :class:`CallTracker`: a dict of the Rust ``RealtimeConfig`` fields
(``max_text_bytes``, ``weights``, ``thresholds``, ``idle_timeout_secs``, ...; docs/realtime.md);
missing fields take their defaults."""

RealtimeUpdate = dict[str, Any]
"""What one utterance produced: ``utterance``, ``point``, ``sentiment``, ``voice``,
``context``, ``state`` and ``recommendations`` (the JSON shape of the Rust ``Update``)."""

CallState = dict[str, Any]
"""The fused state of a live call (the JSON shape of the Rust ``CallState``)."""

CallSummary = dict[str, Any]
"""The summary of an ended call: ``call``, ``reason``, ``state``, ``journey`` (at most
``max_journey_points`` points ``{seq, speaker, at_ms, fused_score, utterances}``: one per
utterance, or in a longer call per speaker the mean of each time bucket),
``journey_bucket_ms`` (0, or the bucket width in ms), ``quarters``, ``rule_hits`` and
``rules_fired`` (the JSON shape of the Rust ``CallSummary``)."""


class RealtimeEvent(TypedDict):
    """What a :class:`CallTracker` subscriber receives for every accepted utterance."""

    tenant: str
    call_id: str
    update: RealtimeUpdate



class Principal(TypedDict):
    """Who acts on a scoped store (``Store.scoped``): an ``id`` for the audit log, a ``role``
    (``viewer``, ``analyst``, ``ingest``, ``admin``) and the ``tenants`` it may act on
    (``["*"]`` for every tenant)."""

    id: str
    role: Literal["viewer", "analyst", "ingest", "admin"]
    tenants: list[str]


class PowerBiSettings(TypedDict, total=False):
    """How to reach Power BI (:func:`push_power_bi`): ``access_token``, or ``tenant_id``,
    ``client_id`` and ``client_secret``; with none, the sign-in comes from the environment."""

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
    """How :func:`push_power_bi` pushes: ``mode``, ``retention``, ``rows_per_request``."""

    mode: Literal["append", "replace"]
    retention: Literal["none", "basic_fifo"]
    rows_per_request: int


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


class Emotions(TypedDict):
    """Emotion strengths of a text, each in [0, 1]."""

    frustrated: float
    angry: float
    confused: float
    satisfied: float
    happy: float


class Sentiment(TypedDict):
    """The sentiment of one text, as ``SentimentAnalyzer.analyze`` returns it."""

    score: float
    label: Literal["negative", "neutral", "positive"]
    intensity: float
    emotions: Emotions
    urgency: float


class SentimentRow(TypedDict):
    """One row of ``SentimentAnalyzer.analyze_batch(..., output="pandas"|"arrow")``: the emotions as columns."""

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
    """One utterance for ``LiveRules.match_transcript``; ``speaker``, ``text``, ``seq`` and ``start_ms`` are required."""

    speaker: Literal["customer", "agent", "bot"]
    text: str
    seq: int
    start_ms: int
    end_ms: int
    sentiment: float
    silence_ms: int
    interruptions: int


class RuleHit(TypedDict):
    """A live rule that fired, with its evidence (see ``docs/rules.md``)."""

    rule_id: str
    at_ms: int
    seq: int | None
    speaker: Literal["customer", "agent", "bot"] | None
    phrase: str | None
    start_seq: int | None
    char_start: int | None
    char_end: int | None


class ReportPaths(TypedDict):
    """Where ``Store.write_report`` wrote the report."""

    json: str
    html: str


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
    customer's journeys from 1), ``end`` is ``None`` while the journey is still open, and
    ``events`` holds its journey events in time order."""

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



class ForestSettings(TypedDict, total=False):
    """Forest settings; every field may be left out (100 trees, seed 0, 2048 rows per tree, 0 = no cap)."""

    trees: int
    seed: int
    max_samples_per_tree: int


class ClassPredictions(TypedDict):
    """A ``Classifier``'s predictions: the most probable class of each row, and each row's
    probability of every class (in the order of ``Classifier.classes``)."""

    predicted: list[str]
    probabilities: list[list[float]]


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
    "discover_patterns",
    "analyze_call_patterns",
    "generate_insights",
    "InsightScheduler",
    "LiveInsights",
    "export_tables",
    "push_power_bi",
    "tenant_tables",
    "pattern_groups_table",
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
    "render_report_html",
    "simulate",
    "simulate_jsonl",
]


def pattern_groups_table(findings: dict[str, Any], kind: str = "pandas") -> Any:
    """The groups of ``discover_patterns`` findings as a table, one row per group.

    Columns: ``id``, ``label``, ``size``, ``share``, ``top_terms`` (joined with ``", "``),
    ``previous_size``, ``trend_points``, ``average_sentiment``, ``escalation_rate``,
    ``resolution_rate``, ``mean_duration_secs``. ``kind`` as in ``frames.to_table``.
    """
    from aybiza_analytics.frames import to_table

    rows = [
        {
            "id": g["id"],
            "label": g["label"],
            "size": g["size"],
            "share": g["share"],
            "top_terms": ", ".join(t["term"] for t in g["top_terms"]),
            "previous_size": g["previous_size"],
            "trend_points": g["trend_points"],
            "average_sentiment": g["average_sentiment"],
            "escalation_rate": g["escalation_rate"],
            "resolution_rate": g["resolution_rate"],
            "mean_duration_secs": g["mean_duration_secs"],
        }
        for g in findings["groups"]
    ]
    return to_table(rows, kind)
