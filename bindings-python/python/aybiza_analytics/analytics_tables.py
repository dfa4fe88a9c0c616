"""A tenant's analytics tables (calls, utterances, journey events, metrics, agents) as pandas, pyarrow
or plain columns: a thin wrapper over the native ``tenant_tables``."""

from __future__ import annotations

from typing import Any

from aybiza_analytics import _native  # type: ignore[attr-defined]
from aybiza_analytics.frames import from_columns


def tenant_tables(
    store: Any,
    tenant: str,
    start: Any = None,
    end: Any = None,
    options: dict[str, Any] | None = None,
    *,
    table: str = "columns",
) -> dict[str, Any]:
    """A tenant's analytics tables for ``[start, end)``: a dict of table name (``calls``,
    ``utterances``, ``journey_events``, ``metrics``, ``agents``) to the table as ``table`` asks
    (``"columns"``: a dict of lists; ``"rows"``, ``"pandas"`` or ``"arrow"``).

    ``options``: ``tables`` (names, all by default), ``redact`` (default ``True``: PII in
    utterance text, tags and attribute values becomes placeholders such as ``[CARD]``),
    ``sentiment`` (default ``True``: sentiment and emotion columns). Timestamps are UTC
    ``datetime``s; missing values are ``None``.
    """
    if table not in ("columns", "rows", "pandas", "arrow"):
        raise ValueError(f"unknown table kind {table!r}: expected 'pandas', 'arrow', 'columns' or 'rows'")
    tables = _native.tenant_tables(store, tenant, start, end, options)
    return {name: from_columns(columns, table) for name, columns in tables.items()}
