"""The table helpers: every supported input shape gives the same columns."""

import pytest

from aybiza_analytics import frames

ROWS = [{"text": "hi", "n": 1}, {"text": "bye", "n": 2}]
COLUMNS = {"text": ["hi", "bye"], "n": [1, 2]}


def test_rows_and_dicts_give_the_same_columns():
    assert frames.columns(ROWS) == COLUMNS
    assert frames.columns(COLUMNS) == COLUMNS
    assert frames.columns(COLUMNS, ["n"]) == {"n": [1, 2]}


def test_missing_column_names_itself():
    with pytest.raises(KeyError, match="'score'"):
        frames.columns(COLUMNS, ["score"])


def test_unsupported_input_is_a_type_error():
    with pytest.raises(TypeError, match="int"):
        frames.columns(3)


def test_rows_with_missing_keys_fill_none():
    assert frames.rows_to_columns([{"a": 1}, {"b": 2}]) == {"a": [1, None], "b": [None, 2]}


def test_plain_sequence_is_a_column():
    assert frames.column(["x", "y"], "text") == ["x", "y"]
    assert frames.column(ROWS, "text") == ["hi", "bye"]


def test_pandas_round_trip():
    pandas = pytest.importorskip("pandas")
    frame = frames.to_table(ROWS, "pandas")
    assert isinstance(frame, pandas.DataFrame)
    assert frames.columns(frame) == COLUMNS
    assert frames.column(frame["text"], "text") == ["hi", "bye"]


def test_arrow_round_trip():
    pyarrow = pytest.importorskip("pyarrow")
    table = frames.to_table(ROWS, "arrow")
    assert isinstance(table, pyarrow.Table)
    assert frames.columns(table) == COLUMNS
    assert frames.column(table.column("text"), "text") == ["hi", "bye"]


def test_unknown_kind_is_a_value_error():
    with pytest.raises(ValueError, match="'excel'"):
        frames.to_table(ROWS, "excel")  # type: ignore[arg-type]
