//! `aybiza regress`: cross-validate a random-forest regressor on any CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::predict::evaluate::shuffled_folds;
use aybiza_analytics::predict::json::{regress_report, take_folds, take_targets};
use aybiza_analytics::predict::table::CsvFrame;
use aybiza_analytics::predict::{ForestParams, Regressor};
use serde_json::json;

use crate::input;

/// Arguments of `aybiza regress`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// CSV with a header row (`.gz` accepted). Columns whose values all parse as numbers are numeric,
    /// others categorical (one-hot); empty, NA, N/A, NaN and null fields are missing.
    #[arg(long)]
    input: PathBuf,
    /// Column holding the number to predict (a finite number in every row).
    #[arg(long)]
    target: String,
    /// Number of folds (rows shuffled with the seed, then dealt out).
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Column holding a fold number per row, to use given folds instead of shuffled ones (not a feature).
    #[arg(long)]
    fold_column: Option<String>,
    /// Number of trees.
    #[arg(long, default_value_t = 100)]
    trees: usize,
    /// Seed of the folds and the forests.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Share of the encoded features each split tries, in (0, 1] (default 1/3).
    #[arg(long)]
    feature_fraction: Option<f64>,
    /// Shuffles of each column per fold for the columns' permutation importance (0: none).
    #[arg(long, default_value_t = 0)]
    importance_repeats: usize,
    /// Also train on every row and save the model (JSON) here, for `aybiza predict`.
    #[arg(long)]
    save_model: Option<PathBuf>,
}

/// Reads the CSV, cross-validates, prints the report as JSON on standard output.
pub fn run(args: Args) -> Result<ExitCode> {
    let mut frame = CsvFrame::read(input::open(&args.input)?)?;
    let targets = take_targets(&mut frame, &args.target)?;
    let folds = match &args.fold_column {
        Some(column) => take_folds(&mut frame, column)?,
        None => shuffled_folds(targets.len(), args.folds, args.seed)?,
    };
    let table = frame.into_table()?;
    let params = ForestParams {
        trees: args.trees,
        seed: args.seed,
        feature_fraction: args.feature_fraction,
        ..ForestParams::default()
    };
    let mut out = regress_report(&table, &targets, &folds, &params, args.importance_repeats)?;
    if let Some(path) = &args.save_model {
        Regressor::fit(&table, &targets, &params)?.save(path)?;
        out["saved_model"] = json!(path.display().to_string());
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
