"""Classifier and Regressor on tables: fit, predict, save and load, bad input."""

import pandas as pd
import pytest

import aybiza_analytics as aa


def training_rows():
    rows = []
    for i in range(60):
        x = i % 10
        rows.append({"x": x, "colour": ["red", "blue", "green"][i % 3], "label": "yes" if x >= 5 else "no", "y": 2.0 * x})
    return rows


def test_a_classifier_fits_a_dataframe_predicts_new_rows_and_round_trips(tmp_path):
    frame = pd.DataFrame(training_rows()).drop(columns=["y"])
    model = aa.Classifier.fit(frame, "label", {"trees": 20, "seed": 3})
    assert model.classes == ["no", "yes"]
    assert "x" in model.feature_names
    # Columns in another order, an extra id, a missing colour; rows as dicts.
    new = [{"id": "a", "colour": "red", "x": 1}, {"id": "b", "colour": None, "x": 9}]
    predictions = model.predict(new)
    assert predictions["predicted"] == ["no", "yes"]
    for p in predictions["probabilities"]:
        assert abs(sum(p) - 1.0) < 1e-9
    loaded = aa.Classifier.from_bytes(model.to_bytes())
    assert loaded.predict(new) == predictions
    model.save(tmp_path / "model.json")
    assert aa.Classifier.load(tmp_path / "model.json").predict(new) == predictions
    assert "Classifier(classes=" in repr(model)


def test_a_regressor_fits_columns_and_predicts():
    rows = training_rows()
    columns = {"x": [r["x"] for r in rows], "y": [r["y"] for r in rows]}
    model = aa.Regressor.fit(columns, "y", {"trees": 20, "seed": 3})
    values = model.predict({"x": [0, 9]})
    assert values[0] < 4.0 < 14.0 < values[1]
    assert aa.Regressor.from_bytes(model.to_bytes()).predict({"x": [0, 9]}) == values
    assert model.feature_names == ["x"]


def test_bad_tables_and_files_are_typed_errors():
    frame = pd.DataFrame(training_rows())
    model = aa.Classifier.fit(frame.drop(columns=["y"]), "label", {"trees": 5})
    with pytest.raises(aa.PredictError, match='no column named "colour"'):
        model.predict({"x": [1]})
    with pytest.raises(aa.PredictError, match="numeric column"):
        model.predict({"x": ["high"], "colour": ["red"]})
    with pytest.raises(aa.PredictError, match="no column named"):
        aa.Classifier.fit(frame, "missing")
    with pytest.raises(aa.PredictError, match="not a number"):
        aa.Regressor.fit(frame, "label")
    with pytest.raises(aa.PredictError, match="is a classifier, not a regressor"):
        aa.Regressor.from_bytes(model.to_bytes())
    with pytest.raises(aa.InvalidArgumentError):
        aa.Classifier.fit(frame, "label", {"tree": 5})
