//! `aybiza classify`: cross-validate a random-forest classifier on any CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::predict::evaluate::stratified_folds;
use aybiza_analytics::predict::json::{classify_report, take_folds};
use aybiza_analytics::predict::table::CsvFrame;
use aybiza_analytics::predict::{Classifier, ForestParams};
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
    /// Share of the encoded features each tree draws, in (0, 1] (default √p/p of p features).
    #[arg(long)]
    feature_fraction: Option<f64>,
    /// Most rows each tree draws (0 = as many as the training rows).
    #[arg(long, default_value_t = 2048)]
    max_samples_per_tree: usize,
    /// Shuffles of each column per fold for the columns' permutation importance (0: none).
    #[arg(long, default_value_t = 0)]
    importance_repeats: usize,
    /// Also train on every row and save the model (JSON) here.
    #[arg(long)]
    save_model: Option<PathBuf>,
}

/// Reads the CSV, cross-validates, prints the report as JSON on standard output.
pub fn run(args: Args) -> Result<ExitCode> {
    let mut frame = CsvFrame::read(input::open(&args.input)?)?;
    let labels = frame.take_column(&args.target)?;
    let folds = match &args.fold_column {
        Some(column) => take_folds(&mut frame, column)?,
        None => stratified_folds(&labels, args.folds, args.seed)?,
    };
    let table = frame.into_table()?;
    let params = ForestParams {
        trees: args.trees,
        seed: args.seed,
        feature_fraction: args.feature_fraction,
        max_samples_per_tree: (args.max_samples_per_tree > 0).then_some(args.max_samples_per_tree),
        ..ForestParams::default()
    };
    let mut out = classify_report(&table, &labels, &folds, &params, args.importance_repeats)?;
    if let Some(path) = &args.save_model {
        Classifier::fit(&table, &labels, &params)?.save(path)?;
        out["saved_model"] = json!(path.display().to_string());
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
