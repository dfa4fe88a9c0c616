"""Tables in and out: pandas DataFrames, pyarrow Tables and plain Python columns.

The native functions take and return plain Python values (lists, dicts). The
helpers here let batch functions accept any table a notebook has at hand and
hand their results back as the table type the caller prefers. pandas and
pyarrow are optional: they are imported only when a caller uses them.

>>> columns({"text": ["a", "b"]})["text"]
['a', 'b']
>>> rows_to_columns([{"x": 1}, {"x": 2, "y": "b"}])
{'x': [1, 2], 'y': [None, 'b']}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def columns(table: Any, names: Iterable[str] | None = None) -> dict[str, list[Any]]:
    """Returns the columns of ``table`` as a dict of Python lists.

    ``table`` is a pandas DataFrame, a pyarrow Table or RecordBatch, a mapping of
    column name to sequence (a dict of lists, or of pandas/pyarrow/numpy columns),
    or a sequence of row dicts. ``names`` limits and orders the columns returned;
    a name that is missing raises ``KeyError`` naming it.
    """
    if hasattr(table, "to_pydict"):  # pyarrow Table / RecordBatch
        data: Mapping[str, Any] = table.to_pydict()
    elif hasattr(table, "to_dict") and hasattr(table, "columns"):  # pandas DataFrame
        data = {str(name): table[name].tolist() for name in table.columns}
    elif isinstance(table, Mapping):
        data = {str(name): _to_list(values) for name, values in table.items()}
    elif isinstance(table, Sequence) and not isinstance(table, (str, bytes)):
        data = rows_to_columns(table)
    else:
        raise TypeError(
            "expected a pandas DataFrame, a pyarrow Table, a dict of columns or a list of row dicts, "
            f"got {type(table).__name__}"
        )
    if names is None:
        return dict(data)
    selected = {}
    for name in names:
        if name not in data:
            raise KeyError(f"column {name!r} not found; columns are {sorted(data)}")
        selected[name] = data[name]
    return selected


def column(table: Any, name: str) -> list[Any]:
    """Returns one column of ``table`` (any type :func:`columns` takes) as a list, or a plain sequence as a list."""
    if isinstance(table, (list, tuple)) and (not table or not isinstance(table[0], Mapping)):
        return list(table)
    if hasattr(table, "tolist") and not hasattr(table, "columns"):  # a pandas Series or numpy array
        return list(table.tolist())
    if hasattr(table, "to_pylist") and not hasattr(table, "column_names"):  # a pyarrow Array
        return list(table.to_pylist())
    return columns(table, [name])[name]


def rows_to_columns(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Turns row dicts into columns; a key missing from a row becomes ``None`` there."""
    out: dict[str, list[Any]] = {}
    count = 0
    for row in rows:
        for key in row:
            if key not in out:
                out[key] = [None] * count
        for key, values in out.items():
            values.append(row.get(key))
        count += 1
    return out


def to_table(rows: list[dict[str, Any]], kind: str = "rows") -> Any:
    """Returns ``rows`` (a list of dicts) as the table ``kind`` names.

    ``"rows"`` returns the list itself, ``"columns"`` a dict of lists,
    ``"pandas"`` a DataFrame and ``"arrow"`` a pyarrow Table (each imported on use).
    """
    if kind == "rows":
        return rows
    data = rows_to_columns(rows)
    if kind == "columns":
        return data
    if kind == "pandas":
        import pandas  # type: ignore[import-untyped]

        return pandas.DataFrame(data)
    if kind == "arrow":
        import pyarrow  # type: ignore[import-untyped]

        return pyarrow.table(data)
    raise ValueError(f"unknown table kind {kind!r}: expected 'pandas', 'arrow', 'columns' or 'rows'")


def from_columns(data: dict[str, list[Any]], kind: str = "columns") -> Any:
    """Returns ``data`` (a dict of equally long lists) as the table ``kind`` names, as
    :func:`to_table` does for rows: ``"columns"`` (``data`` itself), ``"rows"``, ``"pandas"``
    or ``"arrow"``.

    >>> from_columns({"x": [1, 2]}, "rows")
    [{'x': 1}, {'x': 2}]
    """
    if kind == "columns":
        return data
    if kind == "rows":
        names = list(data)
        return [dict(zip(names, values)) for values in zip(*data.values())]
    if kind == "pandas":
        import pandas  # type: ignore[import-untyped]

        return pandas.DataFrame(data)
    if kind == "arrow":
        import pyarrow  # type: ignore[import-untyped]

        return pyarrow.table(data)
    raise ValueError(f"unknown table kind {kind!r}: expected 'pandas', 'arrow', 'columns' or 'rows'")


def _to_list(values: Any) -> list[Any]:
    if hasattr(values, "to_pylist"):
        return list(values.to_pylist())
    if hasattr(values, "tolist"):
        return list(values.tolist())
    return list(values)
