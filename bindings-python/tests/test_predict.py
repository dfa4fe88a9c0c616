"""Prediction: classify_csv / classify_table, regress_csv / regress_table, OutcomeModels and CustomerModels on a store, call and
customer features, save and load.

The same checks run in the Node suite (__test__/predict.test.js).
"""

from datetime import datetime, timedelta, timezone

import pytest

import aybiza_analytics as aa

SIM = {"tenants": 1, "days": 3, "calls_per_day": 120, "anomaly_days": 0}
# Two weeks of journeys: enough customers churn and upgrade after a snapshot on day 6.
CUSTOMER_SIM = {"tenants": 1, "days": 14, "calls_per_day": 60, "anomaly_days": 0}


def day(n):
    """Midnight UTC of day ``n`` of the simulated window (which starts on 2026-01-05)."""
    return datetime(2026, 1, 5, tzinfo=timezone.utc) + timedelta(days=n)


@pytest.fixture(scope="module")
def store_and_tenant():
    output = aa.simulate(SIM)
    store = aa.Store.memory()
    store.ingest(output["records"])
    return store, store.tenant_ids()[0]


@pytest.fixture(scope="module")
def models(store_and_tenant):
    store, tenant = store_and_tenant
    return aa.OutcomeModels.train(store, tenant, settings={"trees": 10})


def separable_rows():
    rows = []
    for i in range(60):
        rows.append({"x": i if i % 2 == 0 else -i, "colour": "red" if i % 3 == 0 else None, "label": "yes" if i % 2 == 0 else "no"})
    return rows


def test_classify_csv_mirrors_the_cli(tmp_path):
    path = tmp_path / "data.csv"
    lines = ["x,colour,label"] + [f'{r["x"]},{r["colour"] or ""},{r["label"]}' for r in separable_rows()]
    path.write_text("\n".join(lines) + "\n")
    report = aa.classify_csv(path, "label", 3, {"trees": 20})
    assert report["rows"] == 60 and len(report["folds"]) == 3
    assert report["classes"] == ["no", "yes"]
    assert [c["kind"] for c in report["columns"]] == ["numeric", "categorical"]
    assert report["mean_accuracy"] > 0.9 and 0.0 <= report["pooled"]["brier"] <= 1.0
    with pytest.raises(aa.PredictError):
        aa.classify_csv(path, "nope")
    with pytest.raises(aa.InvalidArgumentError, match="tres"):
        aa.classify_csv(path, "label", 3, {"tres": 1})


def test_classify_table_takes_pandas_and_arrow():
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame(separable_rows())
    report = aa.classify_table(frame, "label", 3, {"trees": 20})
    assert report["rows"] == 60 and report["mean_accuracy"] > 0.9
    assert [c["kind"] for c in report["columns"]] == ["numeric", "categorical"]
    assert aa.classify_table(pa.Table.from_pandas(frame), "label", 3, {"trees": 20})["rows"] == 60
    with pytest.raises(KeyError):
        aa.classify_table(frame, "target")


def handle_time_rows():
    """Seconds grow by 60 a hold, plus 60 on the phone; ``noise`` carries nothing."""
    rows = []
    for i in range(90):
        holds, channel = i % 8, ["phone", "chat", None][i % 3]
        seconds = 120 + 60 * holds + (60 if channel == "phone" else 0)
        rows.append({"holds": holds, "channel": channel, "noise": (i * 7) % 11, "seconds": seconds})
    return rows


def test_regress_csv_and_regress_table_agree(tmp_path):
    pd = pytest.importorskip("pandas")
    rows = handle_time_rows()
    path = tmp_path / "data.csv"
    lines = ["holds,channel,noise,seconds"] + [
        f'{r["holds"]},{r["channel"] or ""},{r["noise"]},{r["seconds"]}' for r in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    settings = {"trees": 30, "seed": 3, "feature_fraction": 1.0}
    report = aa.regress_csv(path, "seconds", 3, settings)
    assert report["rows"] == 90 and len(report["folds"]) == 3
    assert sum(f["test_rows"] for f in report["folds"]) == 90
    assert [c["kind"] for c in report["columns"]] == ["numeric", "categorical", "numeric"]
    assert report["mean_r2"] > 0.9
    assert report["pooled"]["mae"] < report["pooled"]["mean_baseline_mae"] / 4
    # The same rows as a DataFrame: the same folds, forests and metrics.
    table = aa.regress_table(pd.DataFrame(rows), "seconds", 3, settings)
    assert table["pooled"] == report["pooled"]
    assert report["importance"] == []
    ranked = aa.regress_table(rows, "seconds", 3, {**settings, "importance_repeats": 2})["importance"]
    assert [f["column"] for f in ranked] == ["holds", "channel", "noise"]
    with pytest.raises(aa.PredictError, match="not a number"):
        aa.regress_csv_bytes(b"x,y\n1,high\n2,low\n3,high\n", "y", 2)
    with pytest.raises(aa.PredictError):
        aa.regress_csv(path, "seconds", 91)
    with pytest.raises(KeyError):
        aa.regress_table(rows, "minutes")


def test_outcome_models_predict_evaluate_and_round_trip(store_and_tenant, models, tmp_path):
    store, tenant = store_and_tenant
    predictions = models.predict(store, tenant)
    assert len(predictions) > 300
    assert all(0.0 <= p["escalation_probability"] <= 1.0 for p in predictions)
    evaluation = models.evaluate(store, tenant)
    assert evaluation["calls"] == len(predictions)
    assert evaluation["escalation"]["roc_auc"] > 0.8
    assert evaluation["duration"]["mae"] > 0.0
    again = aa.OutcomeModels.from_bytes(models.to_bytes()).predict(store, tenant)
    assert again == predictions
    path = tmp_path / "models.json"
    models.save(path)
    assert aa.OutcomeModels.load(path).predict(store, tenant) == predictions
    assert "OutcomeModels(trees=10" in repr(models)


def test_mismatched_schema_and_bad_files_are_typed_errors(store_and_tenant, models):
    store, tenant = store_and_tenant
    renamed = models.to_bytes().replace(b'"hour_of_day"', b'"hour_of_the_day"')
    with pytest.raises(aa.PredictError, match="schema mismatch"):
        aa.OutcomeModels.from_bytes(renamed).predict(store, tenant)
    with pytest.raises(aa.PredictError):
        aa.OutcomeModels.from_bytes(b'{"format": "aybiza-forest", "format_version": 99, "kind": "outcome_models", "model": {}}')
    with pytest.raises(aa.InvalidArgumentError):
        aa.OutcomeModels.from_bytes(b"\xff\xfe")
    with pytest.raises(aa.InvalidArgumentError, match="no calls"):
        aa.OutcomeModels.train(store, "nobody")


def test_call_features_as_tables(store_and_tenant):
    pd = pytest.importorskip("pandas")
    store, tenant = store_and_tenant
    rows = aa.call_features(store, tenant, feature_set="context")
    assert "hour_of_day" in rows[0] and "turns" not in rows[0]
    frame = aa.call_features(store, tenant, output="pandas")
    assert len(frame) == len(rows) and "turns" in frame.columns
    with pytest.raises(aa.InvalidArgumentError, match="feature set"):
        aa.call_features(store, tenant, feature_set="everything")


@pytest.fixture(scope="module")
def customer_store():
    output = aa.simulate(CUSTOMER_SIM)
    store = aa.Store.memory()
    store.ingest(output["records"])
    tenant = store.tenant_ids()[0]
    models = aa.CustomerModels.train(store, tenant, day(6), {"horizon_days": 4}, {"trees": 10})
    return store, tenant, models


def test_customer_models_predict_evaluate_and_round_trip(customer_store, tmp_path):
    store, tenant, models = customer_store
    assert models.has_churn and models.has_upsell
    assert models.labels["horizon_days"] == 4 and "upgrade_plan" in models.labels["upsell_actions"]
    predictions = models.predict(store, tenant, day(10))
    assert len(predictions) > 500
    assert all(0.0 <= p["churn_probability"] <= 1.0 and 0.0 <= p["upsell_probability"] <= 1.0 for p in predictions)
    # A later snapshot, whose label window (days 10 to 14) training did not see.
    evaluation = models.evaluate(store, tenant, "2026-01-15T00:00:00Z")
    assert evaluation["customers"] == len(predictions)
    assert evaluation["churned"] > 0 and evaluation["upgraded"] > 0
    assert evaluation["churn"]["roc_auc"] > 0.6
    assert aa.CustomerModels.from_bytes(models.to_bytes()).predict(store, tenant, day(10)) == predictions
    path = tmp_path / "customers.json"
    models.save(path)
    assert aa.CustomerModels.load(path).predict(store, tenant, day(10)) == predictions
    assert repr(models) == "CustomerModels(horizon_days=4, churn=True, upsell=True)"


def test_customer_features_as_tables(customer_store):
    pytest.importorskip("pandas")
    store, tenant, models = customer_store
    rows = aa.customer_features(store, tenant, day(10))
    assert [r["customer_id"] for r in rows] == [p["customer_id"] for p in models.predict(store, tenant, day(10))]
    frame = aa.customer_features(store, tenant, day(10), output="pandas")
    assert len(frame) == len(rows) and "recent_events" in frame.columns


def test_customer_models_refuse_bad_input(customer_store, models):
    store, tenant, customer_models = customer_store
    renamed = customer_models.to_bytes().replace(b'"recent_events"', b'"recent_evts"')
    with pytest.raises(aa.PredictError, match="schema mismatch"):
        aa.CustomerModels.from_bytes(renamed).predict(store, tenant, day(10))
    with pytest.raises(aa.PredictError, match="outcome_models"):
        aa.CustomerModels.from_bytes(models.to_bytes())
    with pytest.raises(aa.InvalidArgumentError, match="horizon"):
        aa.CustomerModels.train(store, tenant, day(6), {"horizon": 3})
    with pytest.raises(aa.PredictError, match="horizon_days"):
        aa.CustomerModels.train(store, tenant, day(6), {"horizon_days": 0})
    with pytest.raises(aa.PredictError, match="0 churned and 0 upgraded"):
        aa.CustomerModels.train(store, tenant, day(6), {"churn_actions": ["never"], "upsell_actions": ["never"]})
    with pytest.raises(aa.InvalidArgumentError, match="no calls or journey events"):
        aa.CustomerModels.train(store, "nobody", day(6))
    with pytest.raises(aa.InvalidArgumentError, match="as_of"):
        aa.CustomerModels.train(store, tenant, None)
    with pytest.raises(aa.InvalidArgumentError, match="as_of"):
        aa.customer_features(store, tenant, "not a date")
