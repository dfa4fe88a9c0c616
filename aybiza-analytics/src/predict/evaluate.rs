//! Folds, cross-validation, holdout scoring and permutation importance.

use std::time::Instant;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::PredictError;
use super::metrics::{
    ClassificationMetrics, RegressionMetrics, classification_metrics, regression_metrics,
};
use super::model::{Classifier, ForestParams, Regressor, index_labels};
use super::table::Table;
use crate::Result;

/// Assigns each row to one of `k` folds so that every class is spread evenly over the folds:
/// rows of each class are shuffled with `seed` and dealt round-robin, continuing across classes.
pub fn stratified_folds(labels: &[impl AsRef<str>], k: usize, seed: u64) -> Result<Vec<usize>> {
    check_folds(labels.len(), k)?;
    let (classes, y) = index_labels(labels);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut folds = vec![0; labels.len()];
    let mut next = 0;
    for class in 0..classes.len() {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&r| y[r] == class).collect();
        rows.shuffle(&mut rng);
        for row in rows {
            folds[row] = next % k;
            next += 1;
        }
    }
    Ok(folds)
}

/// Assigns `rows` rows to `k` folds of near-equal size in a `seed`-shuffled order.
pub fn shuffled_folds(rows: usize, k: usize, seed: u64) -> Result<Vec<usize>> {
    check_folds(rows, k)?;
    let mut order: Vec<usize> = (0..rows).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut folds = vec![0; rows];
    for (i, row) in order.into_iter().enumerate() {
        folds[row] = i % k;
    }
    Ok(folds)
}

fn check_folds(rows: usize, k: usize) -> Result<()> {
    if k < 2 {
        return Err(
            PredictError::InvalidParameter(format!("need at least 2 folds, got {k}")).into(),
        );
    }
    if rows < k {
        return Err(
            PredictError::InvalidParameter(format!("{rows} rows cannot fill {k} folds")).into(),
        );
    }
    Ok(())
}

/// One fold of a classifier cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierFold {
    /// Fold number.
    pub fold: usize,
    /// Training rows.
    pub train_rows: usize,
    /// Held-out metrics.
    pub metrics: ClassificationMetrics,
    /// Wall-clock training time in seconds.
    pub fit_seconds: f64,
    /// Wall-clock prediction time for the held-out rows in seconds.
    pub predict_seconds: f64,
}

/// The result of cross-validating a classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierReport {
    /// The classes, sorted.
    pub classes: Vec<String>,
    /// Per-fold results.
    pub folds: Vec<ClassifierFold>,
    /// Mean of the per-fold accuracies.
    pub mean_accuracy: f64,
    /// Mean of the per-fold ROC AUCs (folds without one left out).
    pub mean_roc_auc: Option<f64>,
    /// Metrics of all out-of-fold predictions pooled.
    pub pooled: ClassificationMetrics,
    /// Permutation importance of each input column, the mean over the folds of each fold's
    /// model on its held-out rows, most important first; empty when no repeats were asked.
    pub importance: Vec<FeatureImportance>,
}

/// Cross-validates a classifier: for each fold number in `folds` (one per row), trains on the other rows
/// and scores the fold, and with `importance_repeats` > 0 measures [`classifier_importance`] there.
/// Fails when a training part has a single class.
pub fn cross_validate_classifier(
    table: &Table,
    labels: &[impl AsRef<str>],
    folds: &[usize],
    params: &ForestParams,
    importance_repeats: usize,
) -> Result<ClassifierReport> {
    let (classes, y) = index_labels(labels);
    check_assignment(table, labels.len(), folds)?;
    let mut fold_reports = Vec::new();
    let mut pooled_truth = Vec::new();
    let mut pooled_proba = Vec::new();
    let mut importance = ImportanceSum::default();
    for fold in distinct(folds) {
        let (train, test) = split(folds, fold);
        let train_labels: Vec<&str> = train.iter().map(|&r| labels[r].as_ref()).collect();
        let started = Instant::now();
        let model = Classifier::fit(&table.select(&train), &train_labels, params)?;
        let fit_seconds = started.elapsed().as_secs_f64();
        let test_table = table.select(&test);
        let started = Instant::now();
        let proba = model.predict_proba(&test_table)?;
        let predict_seconds = started.elapsed().as_secs_f64();
        if importance_repeats > 0 {
            let test_labels: Vec<&str> = test.iter().map(|&r| labels[r].as_ref()).collect();
            let seed = params.seed.wrapping_add(fold as u64);
            importance.add(classifier_importance(
                &model,
                &test_table,
                &test_labels,
                importance_repeats,
                seed,
            )?);
        }
        let proba = align(&proba, model.classes(), &classes);
        let truth: Vec<usize> = test.iter().map(|&r| y[r]).collect();
        fold_reports.push(ClassifierFold {
            fold,
            train_rows: train.len(),
            metrics: classification_metrics(&truth, &proba, classes.len()),
            fit_seconds,
            predict_seconds,
        });
        pooled_truth.extend(truth);
        pooled_proba.extend(proba);
    }
    let aucs: Vec<f64> = fold_reports
        .iter()
        .filter_map(|f| f.metrics.roc_auc)
        .collect();
    Ok(ClassifierReport {
        mean_accuracy: mean(fold_reports.iter().map(|f| f.metrics.accuracy)),
        mean_roc_auc: (!aucs.is_empty()).then(|| mean(aucs.iter().copied())),
        pooled: classification_metrics(&pooled_truth, &pooled_proba, classes.len()),
        classes,
        folds: fold_reports,
        importance: importance.mean(table),
    })
}

/// One fold of a regressor cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressorFold {
    /// Fold number.
    pub fold: usize,
    /// Training rows.
    pub train_rows: usize,
    /// Held-out metrics.
    pub metrics: RegressionMetrics,
    /// Wall-clock training time in seconds.
    pub fit_seconds: f64,
    /// Wall-clock prediction time for the held-out rows in seconds.
    pub predict_seconds: f64,
}

/// The result of cross-validating a regressor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressorReport {
    /// Per-fold results.
    pub folds: Vec<RegressorFold>,
    /// Metrics of all out-of-fold predictions pooled.
    pub pooled: RegressionMetrics,
    /// Permutation importance of each input column (drop of R²), as in [`ClassifierReport`].
    pub importance: Vec<FeatureImportance>,
}

/// Cross-validates a regressor over the fold numbers in `folds` (one per row), and with
/// `importance_repeats` > 0 measures [`regressor_importance`] on each fold.
pub fn cross_validate_regressor(
    table: &Table,
    targets: &[f64],
    folds: &[usize],
    params: &ForestParams,
    importance_repeats: usize,
) -> Result<RegressorReport> {
    check_assignment(table, targets.len(), folds)?;
    let mut fold_reports = Vec::new();
    let (mut all_truth, mut all_predicted) = (Vec::new(), Vec::new());
    let mut importance = ImportanceSum::default();
    for fold in distinct(folds) {
        let (train, test) = split(folds, fold);
        let train_targets: Vec<f64> = train.iter().map(|&r| targets[r]).collect();
        let started = Instant::now();
        let model = Regressor::fit(&table.select(&train), &train_targets, params)?;
        let fit_seconds = started.elapsed().as_secs_f64();
        let test_table = table.select(&test);
        let started = Instant::now();
        let predicted = model.predict(&test_table)?;
        let predict_seconds = started.elapsed().as_secs_f64();
        let truth: Vec<f64> = test.iter().map(|&r| targets[r]).collect();
        if importance_repeats > 0 {
            let seed = params.seed.wrapping_add(fold as u64);
            importance.add(regressor_importance(
                &model,
                &test_table,
                &truth,
                importance_repeats,
                seed,
            )?);
        }
        fold_reports.push(RegressorFold {
            fold,
            train_rows: train.len(),
            metrics: regression_metrics(&truth, &predicted),
            fit_seconds,
            predict_seconds,
        });
        all_truth.extend(truth);
        all_predicted.extend(predicted);
    }
    Ok(RegressorReport {
        folds: fold_reports,
        pooled: regression_metrics(&all_truth, &all_predicted),
        importance: importance.mean(table),
    })
}

/// Scores a trained classifier on labelled rows it did not see. Labels unknown to the model count as errors.
pub fn evaluate_classifier(
    model: &Classifier,
    table: &Table,
    labels: &[impl AsRef<str>],
) -> Result<ClassificationMetrics> {
    check_labelled(table, labels.len())?;
    let proba = model.predict_proba(table)?;
    let (truth, proba, classes) = with_unknown_labels(model.classes(), labels, proba);
    Ok(classification_metrics(&truth, &proba, classes))
}

/// Scores a trained regressor on rows it did not see.
pub fn evaluate_regressor(
    model: &Regressor,
    table: &Table,
    targets: &[f64],
) -> Result<RegressionMetrics> {
    check_labelled(table, targets.len())?;
    Ok(regression_metrics(targets, &model.predict(table)?))
}

/// How much a model leans on one input column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureImportance {
    /// Column name.
    pub column: String,
    /// Mean drop of the score (ROC AUC, or accuracy when AUC is undefined, for classifiers; R² for
    /// regressors) when the column's cells are shuffled across rows; larger means more important.
    pub importance: f64,
}

/// Permutation importance of every column of `table` for a classifier, over `repeats` shuffles seeded by
/// `seed`, most important first.
pub fn classifier_importance(
    model: &Classifier,
    table: &Table,
    labels: &[impl AsRef<str>],
    repeats: usize,
    seed: u64,
) -> Result<Vec<FeatureImportance>> {
    let score = |t: &Table| -> Result<f64> {
        let m = evaluate_classifier(model, t, labels)?;
        Ok(m.roc_auc.unwrap_or(m.accuracy))
    };
    permutation_importance(table, repeats, seed, score)
}

/// Permutation importance of every column of `table` for a regressor (drop in R²), most important first.
pub fn regressor_importance(
    model: &Regressor,
    table: &Table,
    targets: &[f64],
    repeats: usize,
    seed: u64,
) -> Result<Vec<FeatureImportance>> {
    permutation_importance(table, repeats, seed, |t| {
        Ok(evaluate_regressor(model, t, targets)?.r2)
    })
}

fn permutation_importance(
    table: &Table,
    repeats: usize,
    seed: u64,
    score: impl Fn(&Table) -> Result<f64>,
) -> Result<Vec<FeatureImportance>> {
    if repeats == 0 {
        return Err(PredictError::InvalidParameter("repeats must be at least 1".into()).into());
    }
    let base = score(table)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut importances = Vec::new();
    for (c, column) in table.schema().columns.iter().enumerate() {
        let mut drop = 0.0;
        for _ in 0..repeats {
            let mut cells: Vec<_> = table.rows().iter().map(|row| row[c].clone()).collect();
            cells.shuffle(&mut rng);
            drop += base - score(&table.with_column(c, cells))?;
        }
        importances.push(FeatureImportance {
            column: column.name.clone(),
            importance: drop / repeats as f64,
        });
    }
    importances.sort_by(|a, b| b.importance.total_cmp(&a.importance));
    Ok(importances)
}

/// Per-column sums of the folds' permutation importances.
#[derive(Default)]
struct ImportanceSum {
    folds: usize,
    sums: std::collections::HashMap<String, f64>,
}

impl ImportanceSum {
    fn add(&mut self, fold: Vec<FeatureImportance>) {
        self.folds += 1;
        for f in fold {
            *self.sums.entry(f.column).or_default() += f.importance;
        }
    }

    /// The mean importance of each column of `table` over the folds added, most important
    /// first (ties in column order); empty when none were.
    fn mean(mut self, table: &Table) -> Vec<FeatureImportance> {
        if self.folds == 0 {
            return Vec::new();
        }
        let mut mean: Vec<FeatureImportance> = table
            .schema()
            .columns
            .iter()
            .map(|column| FeatureImportance {
                importance: self.sums.remove(&column.name).unwrap_or(0.0) / self.folds as f64,
                column: column.name.clone(),
            })
            .collect();
        mean.sort_by(|a, b| b.importance.total_cmp(&a.importance));
        mean
    }
}

fn check_labelled(table: &Table, labels: usize) -> Result<()> {
    if table.is_empty() {
        return Err(PredictError::EmptyData("evaluate").into());
    }
    if labels != table.len() {
        return Err(PredictError::LabelCount {
            rows: table.len(),
            labels,
        }
        .into());
    }
    Ok(())
}

fn check_assignment(table: &Table, labels: usize, folds: &[usize]) -> Result<()> {
    check_labelled(table, labels)?;
    if folds.len() != table.len() {
        return Err(PredictError::InvalidParameter(format!(
            "{} fold numbers for {} rows",
            folds.len(),
            table.len()
        ))
        .into());
    }
    if distinct(folds).len() < 2 {
        return Err(PredictError::InvalidParameter("need at least 2 distinct folds".into()).into());
    }
    Ok(())
}

fn distinct(folds: &[usize]) -> Vec<usize> {
    let mut values = folds.to_vec();
    values.sort_unstable();
    values.dedup();
    values
}

fn split(folds: &[usize], fold: usize) -> (Vec<usize>, Vec<usize>) {
    (0..folds.len()).partition(|&r| folds[r] != fold)
}

/// Reorders probability columns from the model's classes to `classes` (a class the model never saw gets 0).
fn align(proba: &[Vec<f64>], model_classes: &[String], classes: &[String]) -> Vec<Vec<f64>> {
    let map: Vec<Option<usize>> = classes
        .iter()
        .map(|c| model_classes.iter().position(|m| m == c))
        .collect();
    proba
        .iter()
        .map(|p| map.iter().map(|m| m.map_or(0.0, |i| p[i])).collect())
        .collect()
}

/// True class indices over the model's classes plus, when some labels are unknown to the model, one
/// extra class (with probability 0) that they all map to.
fn with_unknown_labels(
    model_classes: &[String],
    labels: &[impl AsRef<str>],
    proba: Vec<Vec<f64>>,
) -> (Vec<usize>, Vec<Vec<f64>>, usize) {
    let known = model_classes.len();
    let truth: Vec<usize> = labels
        .iter()
        .map(|l| {
            model_classes
                .iter()
                .position(|c| c == l.as_ref())
                .unwrap_or(known)
        })
        .collect();
    if truth.iter().all(|&t| t < known) {
        return (truth, proba, known);
    }
    let proba = proba
        .into_iter()
        .map(|mut p| {
            p.push(0.0);
            p
        })
        .collect();
    (truth, proba, known + 1)
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    sum / n.max(1) as f64
}
