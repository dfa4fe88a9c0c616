"""Forecasting, anomaly detection and staffing over lists, pandas or pyarrow.

Thin wrappers over the native ``forecast``, ``detect_anomalies`` and ``staffing``: they read
the values from any table :mod:`aybiza_analytics.frames` understands and return the rows as
the table type asked for (``table="pandas"``, ``"arrow"``, ``"columns"`` or ``"rows"``).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, TypedDict

from aybiza_analytics import _native  # type: ignore[attr-defined]
from aybiza_analytics.frames import column, columns, to_table



class ForecastResult(TypedDict):
    """A forecast: the model, the seasonal periods used, the column names and one row per step
    (``step``, ``timestamp``, ``point``, ``lower_80``, ``upper_80``, ...) as ``table`` asked."""

    model: str
    periods: list[int]
    columns: list[str]
    rows: Any


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _timestamp(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # pandas Timestamp, numpy datetime via pandas
        return str(value.isoformat())
    return str(value)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _working(value: Any) -> bool:
    """A working-day flag from a bool, 0/1 (also numpy and pandas scalars) or a 1/0 string."""
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "0", "false", "no"):
        return value.strip().lower() in ("1", "true", "yes")
    if value in (0, 1):
        return bool(value)
    raise _native.InvalidArgumentError(f"calendar: `{value}` is not a working-day flag (true/false or 1/0)")


def forecast(
    data: Any,
    horizon: int,
    options: dict[str, Any] | None = None,
    *,
    value_column: str = "value",
    time_column: str | None = None,
    calendar_column: str | None = None,
    table: str = "rows",
) -> ForecastResult:
    """Forecasts ``horizon`` steps after ``data`` with prediction intervals.

    ``data`` is a sequence of numbers (list, numpy array, pandas Series, pyarrow Array), taken
    as a regular series, or a table with ``value_column`` (and ``time_column``: its timestamps
    put the values on a regular grid, see ``options["step"]``, ``"aggregate"``, ``"fill"``).
    ``calendar_column`` names a column of working-day flags (``True``/``False`` or 1/0): a
    public holiday (0 on a weekday) is forecast like the usual non-working days. The rows after
    the last value, with the value missing (``None``/NaN), give the forecast steps' flags: with
    ``time_column`` they reach the forecast steps by their time (they must reach the last step),
    without it in order (at least ``horizon`` of them; extra ones are ignored).
    ``options``: ``model`` (``"auto"``, the default, or ``"prophet"`` in builds with the
    ``prophet`` feature; elsewhere an ``InvalidArgumentError``), ``periods``
    (detected when absent), ``levels`` (default ``[80, 95]``),
    ``timestamps``, ``calendar`` (one flag per value, then one per forecast step), ``step``,
    ``aggregate``, ``fill``, ``calibration_windows``, ``max_cycles``, ``volatility_scaling``
    (default ``True``: intervals of seasonal models widen after a turbulent spell),
    ``lower_bound`` (e.g. ``0`` for counts: points and bounds below it are raised to it).
    """
    opts = dict(options or {})
    wanted = [value_column] + [c for c in (time_column, calendar_column) if c is not None]
    if time_column is None and calendar_column is None:
        values = column(data, value_column)
    else:
        data_columns = columns(data, wanted)
        values = data_columns[value_column]
        if calendar_column is not None:
            known = len(values)
            while known > 0 and _is_missing(values[known - 1]):
                known -= 1
            flags = [_working(v) for v in data_columns[calendar_column]]
            # Timed rows ahead find their steps by time (all of them go); untimed ones by order.
            opts["calendar"] = flags if time_column is not None else flags[: known + horizon]
            values = values[:known]
        if time_column is not None:
            times = data_columns[time_column]
            timed = times if calendar_column is not None else times[: len(values)]
            opts["timestamps"] = [_timestamp(t) for t in timed]
    result = _native.forecast([_number(v) for v in values], horizon, opts)
    result["rows"] = to_table(result["rows"], table)
    return result  # type: ignore[no-any-return]


def detect_anomalies(
    data: Any,
    options: dict[str, Any] | None = None,
    *,
    value_column: str = "value",
    table: str = "rows",
) -> Any:
    """The anomalous intervals of a regular series against its forecast band: rows of
    ``start``, ``end`` (step indices, end exclusive), ``peak_probability`` and ``direction``.

    ``options``: ``periods``, ``band_level`` (0.95), ``threshold`` (0.99), ``transform``
    (``{"kind": "sqrt"}`` for counts), ``refit_every``, ``warm_up``, ``max_history``,
    ``calibration_windows``, ``window``, ``max_gap``, ``min_len``.
    """
    values = [_number(v) for v in column(data, value_column)]
    return to_table(_native.detect_anomalies(values, options), table)


def staffing(
    data: Any,
    options: dict[str, Any] | None = None,
    *,
    value_column: str = "point",
    table: str = "rows",
) -> Any:
    """Agents required per interval for the calls forecast in each (a sequence, or a table's
    ``value_column``, e.g. a forecast's rows): rows of ``interval``, ``calls``, ``agents``,
    ``traffic_erlangs``, ``occupancy``, ``service_level``, ``probability_of_waiting``,
    ``expected_wait_secs`` and ``probability_of_abandoning``.

    ``options``: ``interval_secs`` (900), ``aht_secs`` (300), ``service_level`` (0.8),
    ``answer_within_secs`` (20), ``max_occupancy`` (1), ``model`` (``"erlang_c"`` or
    ``"erlang_a"`` with ``patience_secs``).
    """
    calls = [_number(v) for v in column(data, value_column)]
    return to_table(_native.staffing(calls, options), table)
