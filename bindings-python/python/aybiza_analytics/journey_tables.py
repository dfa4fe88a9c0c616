"""Journey functions that also take and return tables.

Each function here wraps the native one of the same name (``aybiza_analytics._native``):
the input may be a list of dicts (passed through as is) or any table
:func:`aybiza_analytics.frames.columns` reads (a pandas DataFrame, a pyarrow
Table, a dict of columns), whose columns are named by ``columns``; ``output``
chooses the result: the native dict or list (``"dict"``), or a table
(``"pandas"``, ``"arrow"``, ``"columns"`` or ``"rows"``) of the flat rows each
function documents.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from aybiza_analytics.frames import columns as table_columns
from aybiza_analytics.frames import to_table

# The compiled module (typed by the package's stubs, not here).
_native: Any = importlib.import_module("aybiza_analytics._native")

_TABLE_KINDS = ("pandas", "arrow", "columns", "rows")


def _is_rows(data: Any) -> bool:
    return isinstance(data, list) and all(isinstance(row, Mapping) for row in data)


def _check_output(output: str) -> None:
    if output != "dict" and output not in _TABLE_KINDS:
        raise ValueError(f"unknown output {output!r}: expected 'dict', 'pandas', 'arrow', 'columns' or 'rows'")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _timestamp(value: Any) -> Any:
    """A table cell as a timestamp the native functions read: datetimes (pandas Timestamps too) as they are."""
    if isinstance(value, datetime) or isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _rows_from(data: Any, fields: Mapping[str, str], optional: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Rows of ``data`` with each field taken from the column ``fields`` names; an optional
    field whose column is missing is left out, and a blank cell of an optional field too."""
    if _is_rows(data):
        return list(data)
    present = table_columns(data)
    wanted = {}
    for field, column in fields.items():
        if column not in present:
            if field in optional:
                continue
            raise KeyError(f"column {column!r} not found; columns are {sorted(present)}")
        wanted[field] = present[column]
    count = len(next(iter(wanted.values()))) if wanted else 0
    rows = []
    for i in range(count):
        row = {}
        for field, values in wanted.items():
            value = values[i]
            if field in optional and _blank(value):
                continue
            row[field] = _timestamp(value) if field == "timestamp" else value
        rows.append(row)
    return rows


def _event_fields(columns: Mapping[str, str] | None) -> dict[str, str]:
    fields = {"case": "case", "activity": "activity", "timestamp": "timestamp"}
    fields.update(columns or {})
    return fields


def attribution(
    paths: Any,
    options: Mapping[str, Any] | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: str = "dict",
) -> Any:
    """Every attribution model on aggregated paths (see the native ``attribution``).

    ``paths`` is a list of path dicts or a table with the columns ``columns``
    names for ``path``, ``conversions``, ``value`` and ``nulls`` (by default
    the same names; ``value`` and ``nulls`` may be absent). A table output has
    one row per channel: ``channel``, then ``<model>_conversions`` and
    ``<model>_value`` for each model, ``removal_effect`` and ``value_removal_effect``.
    """
    _check_output(output)
    fields = {"path": "path", "conversions": "conversions", "value": "value", "nulls": "nulls"}
    fields.update(columns or {})
    report = _native.attribution(_rows_from(paths, fields, optional=("value", "nulls")), options)
    if output == "dict":
        return report
    rows = []
    for c, channel in enumerate(report["channels"]):
        row: dict[str, Any] = {"channel": channel}
        for model in report["models"]:
            row[f'{model["model"]}_conversions'] = model["conversions"][c]
            row[f'{model["model"]}_value'] = model["value"][c]
        row["removal_effect"] = report["removal_effects"][c]
        row["value_removal_effect"] = report["value_removal_effects"][c]
        rows.append(row)
    return to_table(rows, output)


def journey_map(events: Any, *, columns: Mapping[str, str] | None = None, output: str = "dict") -> Any:
    """The journey map of an event log (see the native ``journey_map``).

    ``events`` is a list of ``{case, activity, timestamp}`` dicts or a table
    whose case, activity and timestamp columns ``columns`` names (keys
    ``case``, ``activity``, ``timestamp``). With a table output, the map's
    ``variants`` (``path``, ``count``, ``share``) and ``edges`` (``from``,
    ``to``, ``count``, ``median_seconds``) are tables; the other entries stay as they are.
    """
    _check_output(output)
    result = _native.journey_map(_rows_from(events, _event_fields(columns)))
    if output == "dict":
        return result
    result["variants"] = to_table(result["variants"], output)
    result["edges"] = to_table(result["edges"], output)
    return result


def funnel(
    events: Any,
    stages: Sequence[str],
    *,
    columns: Mapping[str, str] | None = None,
    output: str = "dict",
) -> Any:
    """How many cases reach each stage in order (see the native ``funnel``); a table
    output has one row per stage (``stage``, ``cases``, ``conversion_from_previous``)."""
    _check_output(output)
    steps = _native.funnel(_rows_from(events, _event_fields(columns)), list(stages))
    return steps if output == "dict" else to_table(steps, output)


def journey_segments(
    events: Any,
    options: Mapping[str, Any] | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: str = "dict",
) -> Any:
    """The journey-map metrics per segment (see the native ``journey_segments``).

    A table input names its columns with ``columns`` (keys ``case``,
    ``activity``, ``timestamp`` and ``segment``; a blank segment cell is the
    blank segment). A table output has one row per segment: ``segment``,
    ``cases``, ``events``, ``share_of_cases``, ``variant_count``,
    ``converted``, ``conversion_rate``, ``duration_mean``, ``duration_p50``,
    ``duration_p90``, ``duration_p95``, ``duration_max``, ``top_path``
    (the most frequent variant) and ``top_drop_off`` (``None`` when every case converted).
    """
    _check_output(output)
    fields = _event_fields(None)
    fields["segment"] = "segment"
    fields.update(columns or {})
    comparison = _native.journey_segments(_rows_from(events, fields, optional=("segment",)), options)
    if output == "dict":
        return comparison
    rows = []
    for s in comparison["segments"]:
        row = {key: s[key] for key in ("segment", "cases", "events", "share_of_cases", "variant_count")}
        row["converted"] = s["converted"]
        row["conversion_rate"] = s["conversion_rate"]
        for stat, value in s["durations"].items():
            row[f"duration_{stat}"] = value
        row["top_path"] = s["variants"][0]["path"] if s["variants"] else []
        row["top_drop_off"] = s["drop_offs"][0]["activity"] if s["drop_offs"] else None
        rows.append(row)
    return to_table(rows, output)


def cohorts(
    activities: Any,
    period: str = "month",
    until: Any = None,
    *,
    columns: Mapping[str, str] | None = None,
    output: str = "dict",
) -> Any:
    """The cohort table (see the native ``cohorts``) of ``{customer, timestamp, value?}``
    activities or of a table whose columns ``columns`` names (keys ``customer``,
    ``timestamp``, ``value``; ``value`` may be absent). A table output is long:
    one row per cohort and period since its start (``cohort``, ``size``,
    ``period``, ``active``, ``retention``, ``value``,
    ``cumulative_value_per_customer``, ``activities_per_active``)."""
    _check_output(output)
    fields = {"customer": "customer", "timestamp": "timestamp", "value": "value"}
    fields.update(columns or {})
    table = _native.cohorts(_rows_from(activities, fields, optional=("value",)), period, until)
    if output == "dict":
        return table
    rows = []
    for cohort in table["cohorts"]:
        for k in range(len(cohort["active"])):
            rows.append(
                {
                    "cohort": cohort["label"],
                    "size": cohort["size"],
                    "period": k,
                    "active": cohort["active"][k],
                    "retention": cohort["retention"][k],
                    "value": cohort["value"][k],
                    "cumulative_value_per_customer": cohort["cumulative_value_per_customer"][k],
                    "activities_per_active": cohort["activities_per_active"][k],
                }
            )
    return to_table(rows, output)
