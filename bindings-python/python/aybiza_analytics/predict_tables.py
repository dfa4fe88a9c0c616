"""Prediction functions that take and return tables.

``call_features`` and ``customer_features`` return the call or customer features
as the table kind asked for;
``classify_table`` and ``regress_table`` cross-validate a forest on any table
(a pandas DataFrame, a pyarrow Table, a dict of columns or a list of row dicts)
exactly as ``classify_csv`` and ``regress_csv`` do on a CSV file: the table is
written as CSV in memory, so a column whose present values are all numbers is
numeric, any other categorical, and ``None``/NaN cells are missing.
"""

from __future__ import annotations

import csv
import importlib
import io
import math
from collections.abc import Mapping
from typing import Any

from aybiza_analytics.frames import columns as table_columns
from aybiza_analytics.frames import to_table

# The compiled module (typed by the package's stubs, not here).
_native: Any = importlib.import_module("aybiza_analytics._native")


def call_features(
    store: Any,
    tenant: str,
    start: Any = None,
    end: Any = None,
    feature_set: str = "full",
    *,
    output: str = "rows",
) -> Any:
    """The call features (``"context"`` or ``"full"``) of the calls of ``tenant`` in
    ``[start, end)``: one row per call (``call_id`` and each feature, ``None`` when
    missing), as ``output`` (``"rows"``, ``"columns"``, ``"pandas"`` or ``"arrow"``)."""
    rows = _native.call_features(store, tenant, start, end, feature_set)
    return to_table(rows, output)


def customer_features(
    store: Any,
    tenant: str,
    as_of: Any,
    *,
    output: str = "rows",
) -> Any:
    """The customer features of ``tenant``'s customers at ``as_of`` (history before it only):
    one row per customer (``customer_id`` and each feature, ``None`` when missing), as
    ``output`` (``"rows"``, ``"columns"``, ``"pandas"`` or ``"arrow"``)."""
    rows = _native.customer_features(store, tenant, as_of)
    return to_table(rows, output)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(data: Mapping[str, Any]) -> bytes:
    names = list(data)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    count = len(data[names[0]]) if names else 0
    for i in range(count):
        writer.writerow([_cell(data[name][i]) for name in names])
    return buffer.getvalue().encode("utf-8")


def table_csv(table: Any) -> bytes:
    """``table`` written as CSV (UTF-8, header row), ``None``/NaN cells empty: how
    ``Classifier`` and ``Regressor`` read the tables they are given."""
    return _csv(table_columns(table))


def _with_target(table: Any, target: str) -> dict[str, Any]:
    data = table_columns(table)
    if target not in data:
        raise KeyError(f"column {target!r} not found; columns are {sorted(data)}")
    return data


def classify_table(
    table: Any,
    target: str,
    folds: int = 5,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Cross-validates a random forest on ``table`` with the column ``target`` as
    the class and returns the ``classify_csv`` report."""
    data = _with_target(table, target)
    report: dict[str, Any] = _native.classify_csv_bytes(_csv(data), target, folds, settings)
    return report


def regress_table(
    table: Any,
    target: str,
    folds: int = 5,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Cross-validates a random-forest regressor on ``table`` with the column ``target``
    as the number to predict and returns the ``regress_csv`` report."""
    data = _with_target(table, target)
    report: dict[str, Any] = _native.regress_csv_bytes(_csv(data), target, folds, settings)
    return report
