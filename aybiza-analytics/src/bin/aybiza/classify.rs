//! `aybiza classify`: cross-validate a random-forest classifier on any CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::predict::evaluate::{cross_validate_classifier, stratified_folds};
use aybiza_analytics::predict::table::CsvFrame;
use aybiza_analytics::predict::{Classifier, ForestParams, PredictError};
use serde_json::json;

use crate::input;

/// Arguments of `aybiza classify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// CSV with a header row (`.gz` accepted). Columns whose values all parse as numbers are numeric,
    /// others categorical (one-hot); empty, NA, N/A, NaN and null fields are missing.
    #[arg(long)]
    input: PathBuf,
    /// Column holding the class of each row (any values; more than two classes are scored one-vs-rest).
    #[arg(long)]
    target: String,
    /// Number of stratified folds.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Column holding a fold number per row, to use given folds instead of stratified ones (not a feature).
    #[arg(long)]
    fold_column: Option<String>,
    /// Number of trees.
    #[arg(long, default_value_t = 100)]
    trees: usize,
    /// Seed of the folds and the forests.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Most rows each tree draws (0 = as many as the training rows).
    #[arg(long, default_value_t = 2048)]
    max_samples_per_tree: usize,
    /// Also train on every row and save the model (JSON) here.
    #[arg(long)]
    save_model: Option<PathBuf>,
}

/// Reads the CSV, cross-validates, prints the report as JSON on standard output.
pub fn run(args: Args) -> Result<ExitCode> {
    let mut frame = CsvFrame::read(input::open(&args.input)?)?;
    let labels = frame.take_column(&args.target)?;
    let folds = match &args.fold_column {
        Some(column) => frame
            .take_column(column)?
            .iter()
            .enumerate()
            .map(|(row, f)| {
                f.parse::<usize>().map_err(|_| {
                    PredictError::Csv {
                        line: row as u64 + 2,
                        message: format!("fold {f:?} is not a non-negative integer"),
                    }
                    .into()
                })
            })
            .collect::<Result<Vec<usize>>>()?,
        None => stratified_folds(&labels, args.folds, args.seed)?,
    };
    let table = frame.into_table()?;
    let params = ForestParams {
        trees: args.trees,
        seed: args.seed,
        max_samples_per_tree: (args.max_samples_per_tree > 0).then_some(args.max_samples_per_tree),
        ..ForestParams::default()
    };
    let report = cross_validate_classifier(&table, &labels, &folds, &params)?;
    let folds_json: Vec<_> = report
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
    let mut out = json!({
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
    });
    if let Some(path) = &args.save_model {
        Classifier::fit(&table, &labels, &params)?.save(path)?;
        out["saved_model"] = json!(path.display().to_string());
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
