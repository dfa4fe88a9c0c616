//! The prediction functions over JSON arguments, shared by the Python and Node
//! bindings (and `aybiza classify`, `regress` and `predict`) so that every language reads the same
//! settings and returns the same shapes.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use chrono::{DateTime, Utc};

use super::PredictError;
use super::calls::{CallFeatureExtractor, CallFeatureOptions, FeatureSet};
use super::customer::{CustomerFeatureExtractor, CustomerFeatureOptions};
use super::evaluate::{
    cross_validate_classifier, cross_validate_regressor, evaluate_classifier, evaluate_regressor,
    shuffled_folds, stratified_folds,
};
use super::metrics::{ClassificationMetrics, RegressionMetrics};
use super::model::{Classifier, ForestParams, Regressor};
use super::outcome::{OutcomeModels, OutcomePredictions, is_served};
use super::propensity::{
    CustomerEvaluation, CustomerModels, CustomerPredictions, PropensityLabels,
};
use super::table::{Cell, CsvFrame, Table};
use crate::journey::json::{open_csv, with_defaults};
use crate::model::{Call, CallOutcome, JourneyEvent, TimeRange};
use crate::patterns::TranscribedCall;
use crate::store::Store;
use crate::{Error, Result};

/// Forest settings as the bindings take them; every field may be left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForestSettings {
    /// Number of trees (100).
    pub trees: usize,
    /// Seed of the folds and the forests (0).
    pub seed: u64,
    /// Most rows each classification tree draws (2048); 0 draws as many as there are rows.
    pub max_samples_per_tree: usize,
    /// Share of the encoded features each classification tree or regression split considers,
    /// in (0, 1]; `None` for the defaults of [`ForestParams::feature_fraction`].
    pub feature_fraction: Option<f64>,
    /// Shuffles of each column per fold for the permutation importance of a cross-validation
    /// report (0, none: the report's `importance` is then empty); training ignores it.
    pub importance_repeats: usize,
}

impl Default for ForestSettings {
    fn default() -> Self {
        Self {
            trees: 100,
            seed: 0,
            max_samples_per_tree: 2048,
            feature_fraction: None,
            importance_repeats: 0,
        }
    }
}

impl ForestSettings {
    /// The forest parameters of these settings.
    pub fn params(&self) -> ForestParams {
        ForestParams {
            trees: self.trees,
            seed: self.seed,
            max_samples_per_tree: (self.max_samples_per_tree > 0)
                .then_some(self.max_samples_per_tree),
            feature_fraction: self.feature_fraction,
            ..ForestParams::default()
        }
    }
}

/// The report of `aybiza classify`: rows, typed columns, classes, per-fold and mean accuracy and
/// ROC AUC, times, the pooled out-of-fold metrics, and with `importance_repeats` > 0 each
/// column's permutation importance (drop of ROC AUC) on the held-out folds.
pub fn classify_report(
    table: &Table,
    labels: &[String],
    folds: &[usize],
    params: &ForestParams,
    importance_repeats: usize,
) -> Result<Value> {
    let report = cross_validate_classifier(table, labels, folds, params, importance_repeats)?;
    let folds_json = report.folds.iter().map(|f| {
        let mut fold = fold_json(
            f.fold,
            f.train_rows,
            f.metrics.rows,
            f.fit_seconds,
            f.predict_seconds,
        );
        fold.insert("accuracy".into(), json!(f.metrics.accuracy));
        fold.insert("roc_auc".into(), json!(f.metrics.roc_auc));
        fold.insert("f1".into(), json!(f.metrics.f1));
        fold.insert("brier".into(), json!(f.metrics.brier));
        fold
    });
    let times = report
        .folds
        .iter()
        .map(|f| (f.fit_seconds, f.predict_seconds));
    let mut out = report_json(table, params, folds_json, times, report.pooled.rows);
    out.insert("classes".into(), json!(report.classes));
    out.insert("mean_accuracy".into(), json!(report.mean_accuracy));
    out.insert("mean_roc_auc".into(), json!(report.mean_roc_auc));
    out.insert("pooled".into(), json!(report.pooled));
    out.insert("importance".into(), json!(report.importance));
    Ok(Value::Object(out))
}

/// The fields of one fold that every cross-validation report has: its number, rows and times.
fn fold_json(
    fold: usize,
    train_rows: usize,
    test_rows: usize,
    fit_seconds: f64,
    predict_seconds: f64,
) -> Map<String, Value> {
    Map::from_iter([
        ("fold".into(), json!(fold)),
        ("train_rows".into(), json!(train_rows)),
        ("test_rows".into(), json!(test_rows)),
        ("fit_seconds".into(), json!(fit_seconds)),
        ("predict_seconds".into(), json!(predict_seconds)),
        (
            "predict_seconds_per_1000_rows".into(),
            json!(predict_seconds * 1000.0 / test_rows.max(1) as f64),
        ),
    ])
}

/// The fields every cross-validation report has: rows, typed columns, trees, the folds, the
/// mean fit time and the predict time per 1000 rows (`times` holds each fold's fit and
/// predict seconds, `scored_rows` the out-of-fold rows).
fn report_json(
    table: &Table,
    params: &ForestParams,
    folds: impl Iterator<Item = Map<String, Value>>,
    times: impl Iterator<Item = (f64, f64)>,
    scored_rows: usize,
) -> Map<String, Value> {
    let (mut count, mut fit, mut predict) = (0, 0.0, 0.0);
    for (fit_seconds, predict_seconds) in times {
        count += 1;
        fit += fit_seconds;
        predict += predict_seconds;
    }
    Map::from_iter([
        ("rows".into(), json!(table.len())),
        ("columns".into(), json!(table.schema().columns)),
        ("trees".into(), json!(params.trees)),
        (
            "folds".into(),
            Value::Array(folds.map(Value::Object).collect()),
        ),
        ("mean_fit_seconds".into(), json!(fit / count.max(1) as f64)),
        (
            "predict_seconds_per_1000_rows".into(),
            json!(predict * 1000.0 / scored_rows.max(1) as f64),
        ),
    ])
}

/// `aybiza classify --input PATH --target TARGET --folds FOLDS`: stratified cross-validation of a
/// forest on any CSV (`.gz` decompressed), the same JSON; `settings` holds [`ForestSettings`]
/// fields, defaults for the missing ones.
pub fn classify_csv(
    path: &Path,
    target: &str,
    folds: usize,
    settings: Option<Value>,
) -> Result<Value> {
    classify_frame(CsvFrame::read(open_csv(path)?)?, target, folds, settings)
}

/// [`classify_csv`] of CSV text in memory (UTF-8, header row), for tables built by the caller.
pub fn classify_csv_bytes(
    csv: &[u8],
    target: &str,
    folds: usize,
    settings: Option<Value>,
) -> Result<Value> {
    classify_frame(CsvFrame::read(csv)?, target, folds, settings)
}

/// [`classify_csv`] of a table of text cells (as CSV fields: empty or a missing marker is
/// missing), for tables the bindings receive as rows or columns.
pub fn classify_frame(
    mut frame: CsvFrame,
    target: &str,
    folds: usize,
    settings: Option<Value>,
) -> Result<Value> {
    let settings: ForestSettings = with_defaults("settings", settings)?;
    let labels = frame.take_column(target)?;
    let folds = stratified_folds(&labels, folds, settings.seed)?;
    let table = frame.into_table()?;
    classify_report(
        &table,
        &labels,
        &folds,
        &settings.params(),
        settings.importance_repeats,
    )
}

/// Trains a classifier on a table of text cells (read as [`classify_frame`] reads them) with
/// the column `target` as the class; `settings` as for [`classify_frame`].
pub fn fit_classifier_frame(
    mut frame: CsvFrame,
    target: &str,
    settings: Option<Value>,
) -> Result<Classifier> {
    let settings: ForestSettings = with_defaults("settings", settings)?;
    let labels = frame.take_column(target)?;
    Classifier::fit(&frame.into_table()?, &labels, &settings.params())
}

/// The report of `aybiza regress`: rows, typed columns, per-fold and mean MAE, RMSE and R²,
/// times, the pooled out-of-fold metrics, and each column's permutation importance (drop of
/// R²) as in [`classify_report`].
pub fn regress_report(
    table: &Table,
    targets: &[f64],
    folds: &[usize],
    params: &ForestParams,
    importance_repeats: usize,
) -> Result<Value> {
    let report = cross_validate_regressor(table, targets, folds, params, importance_repeats)?;
    let folds_json = report.folds.iter().map(|f| {
        let mut fold = fold_json(
            f.fold,
            f.train_rows,
            f.metrics.rows,
            f.fit_seconds,
            f.predict_seconds,
        );
        fold.insert("mae".into(), json!(f.metrics.mae));
        fold.insert("rmse".into(), json!(f.metrics.rmse));
        fold.insert("r2".into(), json!(f.metrics.r2));
        fold.insert(
            "mean_baseline_mae".into(),
            json!(f.metrics.mean_baseline_mae),
        );
        fold
    });
    let times = report
        .folds
        .iter()
        .map(|f| (f.fit_seconds, f.predict_seconds));
    let mut out = report_json(table, params, folds_json, times, report.pooled.rows);
    let n = report.folds.len().max(1) as f64;
    let mean = |metric: fn(&RegressionMetrics) -> f64| {
        report.folds.iter().map(|f| metric(&f.metrics)).sum::<f64>() / n
    };
    out.insert("mean_mae".into(), json!(mean(|m| m.mae)));
    out.insert("mean_rmse".into(), json!(mean(|m| m.rmse)));
    out.insert("mean_r2".into(), json!(mean(|m| m.r2)));
    out.insert("pooled".into(), json!(report.pooled));
    out.insert("importance".into(), json!(report.importance));
    Ok(Value::Object(out))
}

/// `aybiza regress --input PATH --target TARGET --folds FOLDS`: cross-validation of a forest
/// regressor on any CSV (`.gz` decompressed) over shuffled folds, the same JSON; `target` must
/// hold a finite number in every row, `settings` as for [`classify_csv`].
pub fn regress_csv(
    path: &Path,
    target: &str,
    folds: usize,
    settings: Option<Value>,
) -> Result<Value> {
    regress_frame(CsvFrame::read(open_csv(path)?)?, target, folds, settings)
}

/// [`regress_csv`] of CSV text in memory (UTF-8, header row).
pub fn regress_csv_bytes(
    csv: &[u8],
    target: &str,
    folds: usize,
    settings: Option<Value>,
) -> Result<Value> {
    regress_frame(CsvFrame::read(csv)?, target, folds, settings)
}

/// [`regress_csv`] of a table of text cells, read as [`classify_frame`] reads them.
pub fn regress_frame(
    mut frame: CsvFrame,
    target: &str,
    folds: usize,
    settings: Option<Value>,
) -> Result<Value> {
    let settings: ForestSettings = with_defaults("settings", settings)?;
    let targets = take_targets(&mut frame, target)?;
    let folds = shuffled_folds(targets.len(), folds, settings.seed)?;
    let table = frame.into_table()?;
    regress_report(
        &table,
        &targets,
        &folds,
        &settings.params(),
        settings.importance_repeats,
    )
}

/// Trains a regressor on a table of text cells with the column `target`, whose every field
/// must be a finite number, as the value to predict; `settings` as for [`classify_frame`].
pub fn fit_regressor_frame(
    mut frame: CsvFrame,
    target: &str,
    settings: Option<Value>,
) -> Result<Regressor> {
    let settings: ForestSettings = with_defaults("settings", settings)?;
    let targets = take_targets(&mut frame, target)?;
    Regressor::fit(&frame.into_table()?, &targets, &settings.params())
}

/// Removes the column `target` from `frame` and returns its fields as numbers to learn
/// (`BadCell` for a field that is not a finite number).
pub fn take_targets(frame: &mut CsvFrame, target: &str) -> Result<Vec<f64>> {
    frame
        .take_column(target)?
        .iter()
        .enumerate()
        .map(|(row, field)| match field.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value),
            _ => Err(PredictError::BadCell {
                row,
                column: target.to_owned(),
                message: format!("{field:?} is not a number to learn"),
            }
            .into()),
        })
        .collect()
}

/// Removes the column `column` from `frame` and returns its fields as fold numbers, for
/// cross-validation over folds the caller chose (`Csv` error, with its line, for a field that
/// is not a non-negative integer).
pub fn take_folds(frame: &mut CsvFrame, column: &str) -> Result<Vec<usize>> {
    frame
        .take_column(column)?
        .iter()
        .enumerate()
        .map(|(row, field)| {
            field.parse::<usize>().map_err(|_| {
                PredictError::Csv {
                    line: row as u64 + 2,
                    message: format!("fold {field:?} is not a non-negative integer"),
                }
                .into()
            })
        })
        .collect()
}

/// A classifier's predictions for some rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassPredictions {
    /// The most probable class of each row.
    pub predicted: Vec<String>,
    /// Each row's probability of every class, in the order of [`Classifier::classes`].
    pub probabilities: Vec<Vec<f64>>,
}

/// The predictions of `model` for the rows of `frame`, whose columns are matched by name
/// and typed by the model's schema ([`CsvFrame::to_table_as`]; other columns are ignored).
pub fn classify_rows(model: &Classifier, frame: &CsvFrame) -> Result<ClassPredictions> {
    let table = frame.to_table_as(model.schema())?;
    Ok(ClassPredictions {
        predicted: model.predict(&table)?,
        probabilities: model.predict_proba(&table)?,
    })
}

/// The predictions of `model` for the rows of `frame`, read as [`classify_rows`] reads them.
pub fn regress_rows(model: &Regressor, frame: &CsvFrame) -> Result<Vec<f64>> {
    model.predict(&frame.to_table_as(model.schema())?)
}

/// Calls of `tenant` in `range` with their transcripts, in start order.
pub async fn transcribed_calls(
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
) -> Result<Vec<TranscribedCall>> {
    let (calls, utterances) =
        tokio::try_join!(store.calls(tenant, range), store.utterances(tenant, range))?;
    Ok(TranscribedCall::join(calls, utterances))
}

/// Trains the call-outcome models on the calls of `tenant` in `range` (no sentiment features;
/// default call-feature options); `settings` holds [`ForestSettings`] fields.
pub async fn train_outcome_models(
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
    settings: Option<Value>,
) -> Result<OutcomeModels> {
    let settings: ForestSettings = with_defaults("settings", settings)?;
    let calls = transcribed_calls(store, tenant, range).await?;
    if calls.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "tenant `{tenant}` has no calls in the store for this period to train on"
        )));
    }
    let extractor = CallFeatureExtractor::new(CallFeatureOptions::default());
    OutcomeModels::train(&calls, &extractor, &settings.params())
}

/// Predictions for every call of `tenant` in `range` (their predecessors in the range feed the
/// history features).
pub async fn predict_outcomes(
    models: &OutcomeModels,
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
) -> Result<Vec<OutcomePredictions>> {
    let calls = transcribed_calls(store, tenant, range).await?;
    let extractor = CallFeatureExtractor::new(CallFeatureOptions::default());
    models.predict(&calls, &extractor)
}

/// How the outcome models score on calls they did not see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeEvaluation {
    /// Calls read.
    pub calls: usize,
    /// Resolution on the served calls.
    pub resolution: ClassificationMetrics,
    /// Escalation on the served calls.
    pub escalation: ClassificationMetrics,
    /// Duration on the ended calls.
    pub duration: RegressionMetrics,
    /// Satisfaction on the surveyed calls, when there is a model and a surveyed call.
    pub satisfaction: Option<RegressionMetrics>,
}

/// Scores the models on the calls of `tenant` in `range`, with the same call selections as training.
pub async fn evaluate_outcome_models(
    models: &OutcomeModels,
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
) -> Result<OutcomeEvaluation> {
    let calls = transcribed_calls(store, tenant, range).await?;
    let extractor = CallFeatureExtractor::new(CallFeatureOptions::default());
    let full = extractor.extract(&calls, FeatureSet::Full)?;
    let context = extractor.extract(&calls, FeatureSet::Context)?;
    let served: Vec<usize> = (0..calls.len()).filter(|&i| is_served(&calls[i])).collect();
    let served_table = full.select(&served);
    let label = |yes: bool| if yes { "true" } else { "false" };
    let resolved: Vec<&str> = served
        .iter()
        .map(|&i| label(calls[i].call.outcome == Some(CallOutcome::Resolved)))
        .collect();
    let escalated: Vec<&str> = served
        .iter()
        .map(|&i| label(calls[i].call.escalated))
        .collect();
    let ended: Vec<usize> = (0..calls.len())
        .filter(|&i| calls[i].call.duration_secs().is_some())
        .collect();
    let durations: Vec<f64> = ended
        .iter()
        .filter_map(|&i| calls[i].call.duration_secs())
        .collect();
    let surveyed: Vec<usize> = (0..calls.len())
        .filter(|&i| calls[i].call.satisfaction.is_some())
        .collect();
    let satisfaction = match &models.satisfaction {
        Some(model) if !surveyed.is_empty() => {
            let scores: Vec<f64> = surveyed
                .iter()
                .filter_map(|&i| calls[i].call.satisfaction)
                .collect();
            Some(evaluate_regressor(model, &full.select(&surveyed), &scores)?)
        }
        _ => None,
    };
    Ok(OutcomeEvaluation {
        calls: calls.len(),
        resolution: evaluate_classifier(&models.resolution, &served_table, &resolved)?,
        escalation: evaluate_classifier(&models.escalation, &served_table, &escalated)?,
        duration: evaluate_regressor(&models.duration, &context.select(&ended), &durations)?,
        satisfaction,
    })
}

/// The call features (`"context"` or `"full"`) of the calls of `tenant` in `range`, one object per
/// call: `call_id` and each feature (a number, a category or null when missing).
pub async fn call_features(
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
    set: &str,
) -> Result<Vec<Value>> {
    let set = match set {
        "context" => FeatureSet::Context,
        "full" => FeatureSet::Full,
        other => {
            return Err(Error::InvalidArgument(format!(
                "feature set must be `context` or `full`, got `{other}`"
            )));
        }
    };
    let calls = transcribed_calls(store, tenant, range).await?;
    let extractor = CallFeatureExtractor::new(CallFeatureOptions::default());
    let table = extractor.extract(&calls, set)?;
    Ok(keyed_rows(
        "call_id",
        calls.iter().map(|c| c.call.id.as_str()),
        &table,
    ))
}

/// One JSON object per row of `table`: `key` set to the row's id, then each column (a number,
/// a category or null when missing).
fn keyed_rows<'a>(key: &str, ids: impl Iterator<Item = &'a str>, table: &Table) -> Vec<Value> {
    let names: Vec<&str> = table
        .schema()
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    ids.zip(table.rows())
        .map(|(id, row)| {
            let mut object = serde_json::Map::with_capacity(names.len() + 1);
            object.insert(key.to_owned(), Value::String(id.to_owned()));
            for (name, cell) in names.iter().zip(row) {
                let value = match cell {
                    Cell::Number(x) => json!(x),
                    Cell::Category(c) => Value::String(c.clone()),
                    Cell::Missing => Value::Null,
                };
                object.insert((*name).to_owned(), value);
            }
            Value::Object(object)
        })
        .collect()
}

/// Models that the bindings save and load as versioned JSON.
pub trait SavedModels: Sized {
    /// The models as JSON in the versioned file format.
    fn to_json(&self) -> Result<String>;
    /// Reads models written by `to_json`.
    fn from_json(json: &str) -> Result<Self>;
}

impl SavedModels for OutcomeModels {
    fn to_json(&self) -> Result<String> {
        OutcomeModels::to_json(self)
    }
    fn from_json(json: &str) -> Result<Self> {
        OutcomeModels::from_json(json)
    }
}

impl SavedModels for Classifier {
    fn to_json(&self) -> Result<String> {
        Classifier::to_json(self)
    }
    fn from_json(json: &str) -> Result<Self> {
        Classifier::from_json(json)
    }
}

impl SavedModels for Regressor {
    fn to_json(&self) -> Result<String> {
        Regressor::to_json(self)
    }
    fn from_json(json: &str) -> Result<Self> {
        Regressor::from_json(json)
    }
}

impl SavedModels for CustomerModels {
    fn to_json(&self) -> Result<String> {
        CustomerModels::to_json(self)
    }
    fn from_json(json: &str) -> Result<Self> {
        CustomerModels::from_json(json)
    }
}

/// Reads saved models from bytes (UTF-8 JSON).
pub fn models_from_bytes<M: SavedModels>(bytes: &[u8]) -> Result<M> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::InvalidArgument("saved models must be UTF-8 JSON".into()))?;
    M::from_json(text)
}

/// Writes `models` to the file at `path` in the versioned JSON format.
pub fn save_models<M: SavedModels>(models: &M, path: &Path) -> Result<()> {
    std::fs::write(path, models.to_json()?)?;
    Ok(())
}

/// Reads models written by [`save_models`].
pub fn load_models<M: SavedModels>(path: &Path) -> Result<M> {
    models_from_bytes(&std::fs::read(path)?)
}

/// The calls and journey events of `tenant` that started before `until`.
async fn customer_history(
    store: &dyn Store,
    tenant: &str,
    until: DateTime<Utc>,
) -> Result<(Vec<Call>, Vec<JourneyEvent>)> {
    let range = TimeRange::new(DateTime::<Utc>::MIN_UTC, until)?;
    let (calls, events) = tokio::try_join!(
        store.calls(tenant, range),
        store.journey_events(tenant, range)
    )?;
    if calls.is_empty() && events.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "tenant `{tenant}` has no calls or journey events in the store before {until}"
        )));
    }
    Ok((calls, events))
}

/// Trains the churn and upsell models on a snapshot of `tenant`'s customers at `as_of`: features
/// from the calls and journey events before it, labels from the events in the horizon after it.
/// `labels` holds [`PropensityLabels`] fields and `settings` [`ForestSettings`] fields, defaults
/// for the missing ones.
pub async fn train_customer_models(
    store: &dyn Store,
    tenant: &str,
    as_of: DateTime<Utc>,
    labels: Option<Value>,
    settings: Option<Value>,
) -> Result<CustomerModels> {
    let labels: PropensityLabels = with_defaults("labels", labels)?;
    let settings: ForestSettings = with_defaults("settings", settings)?;
    labels.validate()?;
    let (calls, events) = customer_history(store, tenant, labels.horizon_end(as_of)).await?;
    CustomerModels::train(
        &calls,
        &events,
        as_of,
        &labels,
        &CustomerFeatureOptions::default(),
        &settings.params(),
    )
}

/// Churn and upsell propensities of every customer of `tenant` with history before `as_of`.
pub async fn predict_customers(
    models: &CustomerModels,
    store: &dyn Store,
    tenant: &str,
    as_of: DateTime<Utc>,
) -> Result<Vec<CustomerPredictions>> {
    let (calls, events) = customer_history(store, tenant, as_of).await?;
    models.predict(&calls, &events, as_of)
}

/// Scores the models on a snapshot of `tenant`'s customers at `as_of`, labelled as in training.
pub async fn evaluate_customer_models(
    models: &CustomerModels,
    store: &dyn Store,
    tenant: &str,
    as_of: DateTime<Utc>,
) -> Result<CustomerEvaluation> {
    let until = models.labels.horizon_end(as_of);
    let (calls, events) = customer_history(store, tenant, until).await?;
    models.evaluate(&calls, &events, as_of)
}

/// The customer features of `tenant`'s customers at `as_of`, one object per customer:
/// `customer_id` and each feature (null when missing).
pub async fn customer_features(
    store: &dyn Store,
    tenant: &str,
    as_of: DateTime<Utc>,
) -> Result<Vec<Value>> {
    let (calls, events) = customer_history(store, tenant, as_of).await?;
    let customers = CustomerFeatureExtractor::customers_before(&calls, &events, as_of);
    let table = CustomerFeatureExtractor::default().extract(&customers, &calls, &events, as_of)?;
    Ok(keyed_rows(
        "customer_id",
        customers.iter().map(|c| c.customer_id.as_str()),
        &table,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, simulate};
    use crate::store::MemoryStore;

    /// A one-tenant simulation of `days` × `calls_per_day` calls in a memory store.
    fn store(days: u32, calls_per_day: usize) -> (MemoryStore, String, tokio::runtime::Runtime) {
        let output = simulate(&SimConfig {
            tenants: 1,
            days,
            calls_per_day,
            anomaly_days: 0,
            ..SimConfig::default()
        })
        .unwrap();
        let tenant = output.records[0].tenant().to_owned();
        let store = MemoryStore::new();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(store.put(output.records)).unwrap();
        (store, tenant, runtime)
    }

    #[test]
    fn outcome_models_train_predict_evaluate_and_round_trip() {
        let (store, tenant, runtime) = store(3, 120);
        let all = TimeRange::all();
        let settings = json!({"trees": 10});
        let models = runtime
            .block_on(train_outcome_models(&store, &tenant, all, Some(settings)))
            .unwrap();
        let predictions = runtime
            .block_on(predict_outcomes(&models, &store, &tenant, all))
            .unwrap();
        assert!(predictions.len() > 300);
        assert!(
            predictions
                .iter()
                .all(|p| (0.0..=1.0).contains(&p.escalation_probability))
        );
        let evaluation = runtime
            .block_on(evaluate_outcome_models(&models, &store, &tenant, all))
            .unwrap();
        assert_eq!(evaluation.calls, predictions.len());
        // In-sample, the forest separates escalations well.
        assert!(evaluation.escalation.roc_auc.unwrap() > 0.8);
        let loaded =
            models_from_bytes::<OutcomeModels>(models.to_json().unwrap().as_bytes()).unwrap();
        let again = runtime
            .block_on(predict_outcomes(&loaded, &store, &tenant, all))
            .unwrap();
        assert_eq!(again, predictions);
        let features = runtime
            .block_on(call_features(&store, &tenant, all, "context"))
            .unwrap();
        assert_eq!(features.len(), predictions.len());
        assert_eq!(features[0]["call_id"], json!(predictions[0].call_id));
        assert!(features[0].get("hour_of_day").is_some());
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let (store, tenant, runtime) = store(3, 120);
        let all = TimeRange::all();
        let nobody = runtime.block_on(train_outcome_models(&store, "nobody", all, None));
        assert!(matches!(nobody, Err(Error::InvalidArgument(_))));
        let unknown = runtime.block_on(train_outcome_models(
            &store,
            &tenant,
            all,
            Some(json!({"tres": 3})),
        ));
        assert!(matches!(unknown, Err(Error::InvalidArgument(m)) if m.contains("tres")));
        let set = runtime.block_on(call_features(&store, &tenant, all, "everything"));
        assert!(matches!(set, Err(Error::InvalidArgument(_))));
        assert!(matches!(
            models_from_bytes::<OutcomeModels>(b"{\"format\": \"aybiza-forest\"}"),
            Err(Error::Predict(_))
        ));
        assert!(matches!(
            models_from_bytes::<OutcomeModels>(&[0xff, 0xfe]),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn classify_csv_cross_validates_any_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.csv");
        let mut text = String::from("x,colour,label\n");
        for i in 0..60 {
            let label = if i % 2 == 0 { "yes" } else { "no" };
            let colour = if i % 3 == 0 { "red" } else { "" };
            text.push_str(&format!(
                "{},{colour},{label}\n",
                if i % 2 == 0 { i } else { -i }
            ));
        }
        std::fs::write(&path, text).unwrap();
        let report = classify_csv(&path, "label", 3, Some(json!({"trees": 20}))).unwrap();
        assert_eq!(report["rows"], 60);
        assert_eq!(report["folds"].as_array().unwrap().len(), 3);
        assert!(report["mean_accuracy"].as_f64().unwrap() > 0.9);
        let text = std::fs::read(&path).unwrap();
        let in_memory = classify_csv_bytes(&text, "label", 3, Some(json!({"trees": 20}))).unwrap();
        assert_eq!(
            (
                &in_memory["rows"],
                &in_memory["columns"],
                &in_memory["classes"]
            ),
            (&report["rows"], &report["columns"], &report["classes"])
        );
        assert!(classify_csv(&path, "missing", 3, None).is_err());
        assert!(classify_csv(&path, "label", 1, None).is_err());
    }

    #[test]
    fn regress_csv_cross_validates_any_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.csv");
        // y = 10 x + 5 for red rows, 10 x otherwise; `noise` carries nothing.
        let mut text = String::from("x,colour,noise,y\n");
        for i in 0..90 {
            let x = i % 10;
            let colour = ["red", "blue", ""][i % 3];
            let y = 10 * x + if colour == "red" { 5 } else { 0 };
            text.push_str(&format!("{x},{colour},{},{y}\n", (i * 7) % 11));
        }
        std::fs::write(&path, &text).unwrap();
        // Every feature tried at each split: with a third of these few encoded features, a node
        // whose one or two tried features are constant there stops growing (docs/prediction.md).
        let settings = Some(json!({"trees": 30, "seed": 3, "feature_fraction": 1.0}));
        let report = regress_csv(&path, "y", 3, settings.clone()).unwrap();
        assert_eq!(report["rows"], 90);
        let folds = report["folds"].as_array().unwrap();
        assert_eq!(folds.len(), 3);
        let test_rows: u64 = folds.iter().map(|f| f["test_rows"].as_u64().unwrap()).sum();
        assert_eq!(test_rows, 90);
        assert!(report["mean_r2"].as_f64().unwrap() > 0.9, "{report}");
        let mae = report["pooled"]["mae"].as_f64().unwrap();
        assert!(mae < report["pooled"]["mean_baseline_mae"].as_f64().unwrap() / 4.0);
        assert_eq!(report["importance"], json!([]));
        // The same seed gives the same folds and forests, from a file or from memory.
        let in_memory = regress_csv_bytes(text.as_bytes(), "y", 3, settings).unwrap();
        assert_eq!(in_memory["pooled"], report["pooled"]);
        // x decides y, colour adds 5, noise nothing.
        let settings =
            json!({"trees": 30, "seed": 3, "feature_fraction": 1.0, "importance_repeats": 3});
        let report = regress_csv(&path, "y", 3, Some(settings)).unwrap();
        let importance = report["importance"].as_array().unwrap();
        let columns: Vec<&str> = importance
            .iter()
            .map(|f| f["column"].as_str().unwrap())
            .collect();
        assert_eq!(columns, ["x", "colour", "noise"], "{importance:?}");
        assert!(importance[0]["importance"].as_f64().unwrap() > 1.0);
        assert!(importance[2]["importance"].as_f64().unwrap().abs() < 0.05);
        let labelled = "x,y\n1,high\n2,low\n3,high\n".as_bytes();
        let bad = regress_csv_bytes(labelled, "y", 2, None);
        assert!(matches!(bad, Err(Error::Predict(e)) if e.to_string().contains("not a number")));
        assert!(regress_csv(&path, "missing", 3, None).is_err());
        assert!(regress_csv(&path, "y", 1, None).is_err());
        assert!(regress_csv(&path, "y", 91, None).is_err());
    }

    #[test]
    fn forests_fit_on_frames_and_predict_frames_by_column_name() {
        let mut text = String::from("x,colour,label,y\n");
        for i in 0..40 {
            let colour = ["red", "blue"][i % 2];
            let label = if i % 10 >= 5 { "yes" } else { "no" };
            text.push_str(&format!("{},{colour},{label},{}\n", i % 10, 3 * (i % 10)));
        }
        let frame = CsvFrame::read(text.as_bytes()).unwrap();
        let settings = Some(json!({"trees": 10, "seed": 1}));
        let mut without_y = frame.clone();
        without_y.take_column("y").unwrap();
        let classifier = fit_classifier_frame(without_y, "label", settings.clone()).unwrap();
        let fresh = CsvFrame::read("id,colour,x\na,blue,0\nb,,9\n".as_bytes()).unwrap();
        let predicted = classify_rows(&classifier, &fresh).unwrap();
        assert_eq!(predicted.predicted, ["no", "yes"]);
        assert_eq!(predicted.probabilities.len(), 2);
        let mut numeric = frame.clone();
        numeric.take_column("label").unwrap();
        numeric.take_column("colour").unwrap();
        let regressor = fit_regressor_frame(numeric, "y", settings.clone()).unwrap();
        let values = regress_rows(&regressor, &fresh).unwrap();
        assert!(values[0] < 5.0 && values[1] > 20.0, "{values:?}");
        // A class label is no number to learn.
        let labelled = fit_regressor_frame(frame, "label", settings);
        assert!(
            matches!(labelled, Err(Error::Predict(e)) if e.to_string().contains("not a number"))
        );
    }

    #[test]
    fn customer_models_train_predict_evaluate_and_round_trip() {
        let (store, tenant, runtime) = store(14, 60);
        let day = |d: i64| SimConfig::default().start + chrono::TimeDelta::days(d);
        let labels = json!({"horizon_days": 4});
        let settings = json!({"trees": 10});
        let models = runtime
            .block_on(train_customer_models(
                &store,
                &tenant,
                day(6),
                Some(labels),
                Some(settings),
            ))
            .unwrap();
        assert_eq!(models.labels.horizon_days, 4);
        assert!(models.churn.is_some() && models.upsell.is_some());
        let predictions = runtime
            .block_on(predict_customers(&models, &store, &tenant, day(10)))
            .unwrap();
        let features = runtime
            .block_on(customer_features(&store, &tenant, day(10)))
            .unwrap();
        assert_eq!(features.len(), predictions.len());
        assert_eq!(
            features[0]["customer_id"],
            json!(predictions[0].customer_id)
        );
        assert!(features[0].get("recent_events").is_some());
        assert!(predictions.iter().all(|p| {
            [p.churn_probability, p.upsell_probability]
                .iter()
                .all(|q| q.is_some_and(|q| (0.0..=1.0).contains(&q)))
        }));
        // A later snapshot: the label window [day 10, day 14) was not seen in training.
        let evaluation = runtime
            .block_on(evaluate_customer_models(&models, &store, &tenant, day(10)))
            .unwrap();
        assert_eq!(evaluation.customers, predictions.len());
        assert!(evaluation.churned > 0 && evaluation.upgraded > 0);
        assert!(evaluation.churn.unwrap().roc_auc.unwrap() > 0.6);
        let loaded: CustomerModels =
            models_from_bytes(models.to_json().unwrap().as_bytes()).unwrap();
        let again = runtime
            .block_on(predict_customers(&loaded, &store, &tenant, day(10)))
            .unwrap();
        assert_eq!(again, predictions);
        // An outcome-models file is not customer models, and labels are checked.
        let outcome = models_from_bytes::<CustomerModels>(
            br#"{"format":"aybiza-forest","format_version":2,"kind":"outcome_models","model":{}}"#,
        );
        assert!(matches!(outcome, Err(Error::Predict(_))));
        let horizon = runtime.block_on(train_customer_models(
            &store,
            &tenant,
            day(6),
            Some(json!({"horizon_days": 0})),
            None,
        ));
        assert!(matches!(horizon, Err(Error::Predict(_))));
        let unknown = runtime.block_on(train_customer_models(
            &store,
            &tenant,
            day(6),
            Some(json!({"horizon": 3})),
            None,
        ));
        assert!(matches!(unknown, Err(Error::InvalidArgument(m)) if m.contains("horizon")));
        // Before any history there is nobody to learn from; with actions nobody takes, nothing to learn.
        let early = runtime.block_on(train_customer_models(&store, &tenant, day(0), None, None));
        assert!(matches!(early, Err(Error::Predict(e)) if e.to_string().contains("no rows")));
        let few = runtime.block_on(train_customer_models(
            &store,
            &tenant,
            day(1),
            Some(
                json!({"horizon_days": 1, "churn_actions": ["never"], "upsell_actions": ["never"]}),
            ),
            None,
        ));
        assert!(matches!(few, Err(Error::Predict(e)) if e.to_string().contains("0 churned")));
    }
}
