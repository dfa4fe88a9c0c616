//! Quality measures for classifiers (accuracy, ROC AUC, F1, Brier score, reliability) and regressors (MAE, RMSE, R²).

use serde::{Deserialize, Serialize};

use super::model::argmax;

/// Number of equal-width probability bins in a reliability table.
pub const RELIABILITY_BINS: usize = 10;

/// How well predicted class probabilities match the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationMetrics {
    /// Rows scored.
    pub rows: usize,
    /// Share of rows whose most probable class is the true one.
    pub accuracy: f64,
    /// Accuracy of always answering the most frequent true class, for comparison.
    pub majority_accuracy: f64,
    /// Area under the ROC curve: of the positive class for two classes, else the macro average of
    /// one-vs-rest AUCs over the classes present; `None` when fewer than two classes are present.
    pub roc_auc: Option<f64>,
    /// F1 of the positive class for two classes, else the macro average over classes present.
    pub f1: f64,
    /// Brier score: mean over rows of Σₖ (pₖ − 1[k is true])²; for two classes this is
    /// twice the usual binary score, so it is reported halved there (mean (p − y)²).
    pub brier: f64,
    /// Calibration of the positive-class probability (two classes) or of the top-class
    /// confidence (more classes) in [`RELIABILITY_BINS`] equal-width bins; empty bins are left out.
    pub reliability: Vec<ReliabilityBin>,
}

/// One bin of a reliability table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Lower bound of the predicted probability (inclusive).
    pub lower: f64,
    /// Upper bound (exclusive, except 1 for the last bin).
    pub upper: f64,
    /// Rows in the bin.
    pub count: usize,
    /// Mean predicted probability in the bin.
    pub mean_predicted: f64,
    /// Observed rate of the event in the bin.
    pub observed: f64,
}

/// Scores probabilities `proba` (one row per case, one column per class) against true class indices.
/// `truth` and `proba` must have the same length (at least 1) and every row `classes` values.
pub fn classification_metrics(
    truth: &[usize],
    proba: &[Vec<f64>],
    classes: usize,
) -> ClassificationMetrics {
    let rows = truth.len();
    let predicted: Vec<usize> = proba.iter().map(|p| argmax(p)).collect();
    let correct = truth.iter().zip(&predicted).filter(|(t, p)| t == p).count();
    let mut counts = vec![0usize; classes];
    for &t in truth {
        counts[t] += 1;
    }
    let present: Vec<usize> = (0..classes).filter(|&k| counts[k] > 0).collect();
    let binary = classes == 2;
    let roc_auc = if present.len() < 2 {
        None
    } else if binary {
        Some(auc(truth, proba, 1))
    } else {
        Some(present.iter().map(|&k| auc(truth, proba, k)).sum::<f64>() / present.len() as f64)
    };
    let f1 = if binary {
        f1_of(truth, &predicted, 1)
    } else {
        present
            .iter()
            .map(|&k| f1_of(truth, &predicted, k))
            .sum::<f64>()
            / present.len().max(1) as f64
    };
    let squared: f64 = truth
        .iter()
        .zip(proba)
        .map(|(&t, p)| {
            p.iter()
                .enumerate()
                .map(|(k, &pk)| (pk - (k == t) as u8 as f64).powi(2))
                .sum::<f64>()
        })
        .sum();
    let brier = squared / rows.max(1) as f64 / if binary { 2.0 } else { 1.0 };
    let events: Vec<(f64, bool)> = if binary {
        truth
            .iter()
            .zip(proba)
            .map(|(&t, p)| (p[1], t == 1))
            .collect()
    } else {
        truth
            .iter()
            .zip(proba)
            .zip(&predicted)
            .map(|((&t, p), &k)| (p[k], t == k))
            .collect()
    };
    ClassificationMetrics {
        rows,
        accuracy: correct as f64 / rows.max(1) as f64,
        majority_accuracy: counts.iter().copied().max().unwrap_or(0) as f64 / rows.max(1) as f64,
        roc_auc,
        f1,
        brier,
        reliability: reliability(&events),
    }
}

/// One-vs-rest ROC AUC of class `k` (Mann–Whitney, ties counted half). Needs both groups non-empty.
fn auc(truth: &[usize], proba: &[Vec<f64>], k: usize) -> f64 {
    let mut scored: Vec<(f64, bool)> = truth
        .iter()
        .zip(proba)
        .map(|(&t, p)| (p[k], t == k))
        .collect();
    crate::stats::roc_auc(&mut scored).unwrap_or(f64::NAN)
}

fn f1_of(truth: &[usize], predicted: &[usize], k: usize) -> f64 {
    let tp = truth
        .iter()
        .zip(predicted)
        .filter(|&(&t, &p)| t == k && p == k)
        .count() as f64;
    let fp = truth
        .iter()
        .zip(predicted)
        .filter(|&(&t, &p)| t != k && p == k)
        .count() as f64;
    let fn_ = truth
        .iter()
        .zip(predicted)
        .filter(|&(&t, &p)| t == k && p != k)
        .count() as f64;
    if tp == 0.0 {
        0.0
    } else {
        2.0 * tp / (2.0 * tp + fp + fn_)
    }
}

fn reliability(events: &[(f64, bool)]) -> Vec<ReliabilityBin> {
    let mut bins = vec![(0usize, 0.0f64, 0usize); RELIABILITY_BINS];
    for &(p, hit) in events {
        let b = ((p * RELIABILITY_BINS as f64) as usize).min(RELIABILITY_BINS - 1);
        bins[b].0 += 1;
        bins[b].1 += p;
        bins[b].2 += hit as usize;
    }
    bins.into_iter()
        .enumerate()
        .filter(|(_, (count, _, _))| *count > 0)
        .map(|(b, (count, sum, hits))| ReliabilityBin {
            lower: b as f64 / RELIABILITY_BINS as f64,
            upper: (b + 1) as f64 / RELIABILITY_BINS as f64,
            count,
            mean_predicted: sum / count as f64,
            observed: hits as f64 / count as f64,
        })
        .collect()
}

/// How close predicted values are to the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionMetrics {
    /// Rows scored.
    pub rows: usize,
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Coefficient of determination, 1 − SS_res / SS_tot (0 when the truth is constant).
    pub r2: f64,
    /// Mean absolute error of always predicting the mean of the truth, for comparison.
    pub mean_baseline_mae: f64,
}

/// Scores predictions against the truth (same length, at least 1).
pub fn regression_metrics(truth: &[f64], predicted: &[f64]) -> RegressionMetrics {
    let n = truth.len().max(1) as f64;
    let mean = truth.iter().sum::<f64>() / n;
    let mae = truth
        .iter()
        .zip(predicted)
        .map(|(t, p)| (t - p).abs())
        .sum::<f64>()
        / n;
    let ss_res: f64 = truth
        .iter()
        .zip(predicted)
        .map(|(t, p)| (t - p).powi(2))
        .sum();
    let ss_tot: f64 = truth.iter().map(|t| (t - mean).powi(2)).sum();
    RegressionMetrics {
        rows: truth.len(),
        mae,
        rmse: (ss_res / n).sqrt(),
        r2: if ss_tot > 0.0 {
            1.0 - ss_res / ss_tot
        } else {
            0.0
        },
        mean_baseline_mae: truth.iter().map(|t| (t - mean).abs()).sum::<f64>() / n,
    }
}
