//! Outcome and customer prediction with random forests.
//!
//! The pieces, from raw data to a saved model:
//! - [`table`]: a typed [`Table`] (numeric and categorical columns, explicit
//!   missing cells) with its [`Schema`], read from CSV or built from calls;
//! - [`calls`]: the features of a call (timing, talk, silence, interruptions,
//!   repetitions, topic changes, context, agent experience, customer history
//!   and, when an analyzer is given, the sentiment trajectory);
//! - [`customer`]: per-customer history features for churn and upsell propensity;
//! - [`model`]: [`Classifier`] (linfa random forest, class probabilities from
//!   tree votes) and [`Regressor`] (smartcore random forest), each carrying the
//!   schema it was trained on and its encoder, saved as versioned JSON;
//! - [`evaluate`]: folds, cross-validation, holdout metrics (accuracy, ROC AUC,
//!   F1, Brier score, reliability table; MAE, RMSE, R²) and permutation importance;
//! - [`outcome`]: the four call-outcome models (resolution, escalation, duration,
//!   satisfaction) trained together from calls;
//! - [`propensity`]: the churn and upsell propensity models trained together on a
//!   customer snapshot, labelled by what customers did after it.
//!
//! `docs/prediction.md` describes every feature, the crate choices and the
//! measured quality.

pub mod calls;
pub mod customer;
pub mod evaluate;
mod forest;
pub mod json;
pub mod metrics;
pub mod model;
pub mod outcome;
pub mod propensity;
pub mod table;
mod tree;

#[cfg(test)]
mod tests;

pub use calls::{CallFeatureExtractor, CallFeatureOptions, FeatureSet};
pub use customer::{CustomerFeatureExtractor, CustomerFeatureOptions};
pub use evaluate::{ClassifierReport, RegressorReport, cross_validate_classifier};
pub use metrics::{ClassificationMetrics, RegressionMetrics};
pub use model::{Classifier, ForestParams, Regressor};
pub use outcome::{OutcomeModels, OutcomePredictions};
pub use propensity::{CustomerModels, CustomerPredictions, CustomerSnapshot, PropensityLabels};
pub use table::{Cell, Column, ColumnKind, Schema, Table};

/// What can go wrong when building data for, training, evaluating, saving or applying a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PredictError {
    /// There were no rows to train or evaluate on.
    #[error("no rows to {0}")]
    EmptyData(&'static str),
    /// Every training label is the same, so there is nothing to separate.
    #[error("every training label is {class:?}: a classifier needs at least two classes")]
    SingleClass {
        /// The only class present.
        class: String,
    },
    /// A numeric cell is NaN or infinite; missing values must be given as [`Cell::Missing`].
    #[error(
        "row {row}, column {column:?}: value {value} is not finite (give missing values as missing cells)"
    )]
    NonFinite {
        /// Row index, from 0.
        row: usize,
        /// Column name.
        column: String,
        /// The offending value, as text.
        value: String,
    },
    /// The data's columns differ from the schema the model was trained on.
    #[error("schema mismatch: the model expects {expected}, the data has {found}")]
    SchemaMismatch {
        /// What the model expects at the first difference.
        expected: String,
        /// What the data has there.
        found: String,
    },
    /// A row has the wrong number of cells or a cell of the wrong kind for its column.
    #[error("row {row}, column {column:?}: {message}")]
    BadCell {
        /// Row index, from 0.
        row: usize,
        /// Column name.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// Labels or targets do not line up with the rows.
    #[error("{labels} labels for {rows} rows")]
    LabelCount {
        /// Number of rows.
        rows: usize,
        /// Number of labels or targets.
        labels: usize,
    },
    /// A named column does not exist.
    #[error("no column named {0:?}")]
    UnknownColumn(String),
    /// A parameter is outside its domain.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// A saved model was written by an unknown format version.
    #[error("model format version {found} is not supported (this build reads version {supported})")]
    UnsupportedFormat {
        /// Version in the file.
        found: u64,
        /// Version this build reads.
        supported: u64,
    },
    /// A saved model is of another kind than the one asked for (classifier vs regressor).
    #[error("the saved model is a {found}, not a {expected}")]
    WrongModelKind {
        /// Kind asked for.
        expected: String,
        /// Kind in the file.
        found: String,
    },
    /// A saved model is not valid JSON of the expected shape.
    #[error("corrupt model file: {0}")]
    CorruptModel(String),
    /// A CSV input could not be read.
    #[error("CSV line {line}: {message}")]
    Csv {
        /// 1-based line number (0 when unknown).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// Neither propensity has enough positive and negative customers in the snapshot to learn from.
    #[error(
        "of {customers} customers, {churned} churned and {upgraded} upgraded in the horizon: each \
         propensity needs at least {needed} positive and {needed} negative customers"
    )]
    TooFewPositives {
        /// Customers who took a churn action in the horizon.
        churned: usize,
        /// Customers who took an upsell action in the horizon.
        upgraded: usize,
        /// Customers in the snapshot.
        customers: usize,
        /// Fewest positives (and negatives) needed.
        needed: usize,
    },
    /// The forest library refused the data.
    #[error("forest training failed: {0}")]
    Training(String),
}
