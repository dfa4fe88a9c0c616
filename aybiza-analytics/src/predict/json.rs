//! The prediction functions over JSON arguments, shared by the Python and Node
//! bindings (and `aybiza classify`) so that every language reads the same
//! settings and returns the same shapes.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::calls::{CallFeatureExtractor, CallFeatureOptions, FeatureSet};
use super::evaluate::{
    cross_validate_classifier, evaluate_classifier, evaluate_regressor, stratified_folds,
};
use super::metrics::{ClassificationMetrics, RegressionMetrics};
use super::model::ForestParams;
use super::outcome::{OutcomeModels, OutcomePredictions, is_served};
use super::table::{Cell, CsvFrame, Table};
use crate::journey::json::{open_csv, with_defaults};
use crate::model::{CallOutcome, TimeRange};
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
}

impl Default for ForestSettings {
    fn default() -> Self {
        Self {
            trees: 100,
            seed: 0,
            max_samples_per_tree: 2048,
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
            ..ForestParams::default()
        }
    }
}

/// The report of `aybiza classify`: rows, typed columns, classes, per-fold and mean accuracy and
/// ROC AUC, times, and the pooled out-of-fold metrics.
pub fn classify_report(
    table: &Table,
    labels: &[String],
    folds: &[usize],
    params: &ForestParams,
) -> Result<Value> {
    let report = cross_validate_classifier(table, labels, folds, params)?;
    let folds_json: Vec<Value> = report
        .folds
        .iter()
        .map(|f| {
            json!({
                "fold": f.fold,
                "train_rows": f.train_rows,
                "test_rows": f.metrics.rows,
                "accuracy": f.metrics.accuracy,
                "roc_auc": f.metrics.roc_auc,
                "f1": f.metrics.f1,
                "brier": f.metrics.brier,
                "fit_seconds": f.fit_seconds,
                "predict_seconds": f.predict_seconds,
                "predict_seconds_per_1000_rows": f.predict_seconds * 1000.0 / f.metrics.rows.max(1) as f64,
            })
        })
        .collect();
    let n = report.folds.len().max(1) as f64;
    Ok(json!({
        "rows": table.len(),
        "columns": table.schema().columns,
        "classes": report.classes,
        "trees": params.trees,
        "folds": folds_json,
        "mean_accuracy": report.mean_accuracy,
        "mean_roc_auc": report.mean_roc_auc,
        "mean_fit_seconds": report.folds.iter().map(|f| f.fit_seconds).sum::<f64>() / n,
        "predict_seconds_per_1000_rows": report.folds.iter().map(|f| f.predict_seconds).sum::<f64>() * 1000.0 / report.pooled.rows.max(1) as f64,
        "pooled": report.pooled,
    }))
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
    let mut csv = Vec::new();
    open_csv(path)?.read_to_end(&mut csv)?;
    classify_csv_bytes(&csv, target, folds, settings)
}

/// [`classify_csv`] of CSV text in memory (UTF-8, header row), for tables built by the caller.
pub fn classify_csv_bytes(
    csv: &[u8],
    target: &str,
    folds: usize,
    settings: Option<Value>,
) -> Result<Value> {
    let settings: ForestSettings = with_defaults("settings", settings)?;
    let mut frame = CsvFrame::read(csv)?;
    let labels = frame.take_column(target)?;
    let folds = stratified_folds(&labels, folds, settings.seed)?;
    let table = frame.into_table()?;
    classify_report(&table, &labels, &folds, &settings.params())
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
    let names: Vec<&str> = table
        .schema()
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    Ok(calls
        .iter()
        .zip(table.rows())
        .map(|(call, row)| {
            let mut object = serde_json::Map::with_capacity(names.len() + 1);
            object.insert("call_id".into(), Value::String(call.call.id.clone()));
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
        .collect())
}

/// Reads models saved by [`OutcomeModels::to_json`] from bytes (UTF-8 JSON).
pub fn outcome_models_from_bytes(bytes: &[u8]) -> Result<OutcomeModels> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::InvalidArgument("saved models must be UTF-8 JSON".into()))?;
    OutcomeModels::from_json(text)
}

/// Writes `models` to the file at `path` in the versioned JSON format.
pub fn save_outcome_models(models: &OutcomeModels, path: &Path) -> Result<()> {
    std::fs::write(path, models.to_json()?)?;
    Ok(())
}

/// Reads models written by [`save_outcome_models`] (or any [`OutcomeModels::to_json`] output).
pub fn load_outcome_models(path: &Path) -> Result<OutcomeModels> {
    outcome_models_from_bytes(&std::fs::read(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, simulate};
    use crate::store::MemoryStore;

    fn store() -> (MemoryStore, String, tokio::runtime::Runtime) {
        let output = simulate(&SimConfig {
            tenants: 1,
            days: 3,
            calls_per_day: 120,
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
        let (store, tenant, runtime) = store();
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
        let loaded = outcome_models_from_bytes(models.to_json().unwrap().as_bytes()).unwrap();
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
        let (store, tenant, runtime) = store();
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
            outcome_models_from_bytes(b"{\"format\": \"aybiza-forest\"}"),
            Err(Error::Predict(_))
        ));
        assert!(matches!(
            outcome_models_from_bytes(&[0xff, 0xfe]),
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
}
