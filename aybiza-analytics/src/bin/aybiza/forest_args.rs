//! Arguments that `aybiza classify` and `aybiza regress` share: the CSV, the column to
//! predict, the folds and the forest, and how their report ends.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::predict::ForestParams;
use aybiza_analytics::predict::json::take_folds;
use aybiza_analytics::predict::table::CsvFrame;
use serde_json::{Value, json};

use crate::input;

/// The CSV, the column to predict, the folds and the forest of a cross-validation.
#[derive(Debug, clap::Args)]
pub struct ForestArgs {
    /// CSV with a header row (`.gz` accepted). Columns whose values all parse as numbers are numeric,
    /// others categorical (one-hot); empty, NA, N/A, NaN and null fields are missing.
    #[arg(long)]
    input: PathBuf,
    /// Column to predict: any values for `classify` (more than two classes are scored
    /// one-vs-rest), a finite number in every row for `regress`.
    #[arg(long)]
    pub target: String,
    /// Number of folds: stratified by class for `classify`, rows shuffled with the seed for `regress`.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Column holding a fold number per row, to use given folds instead (not a feature).
    #[arg(long)]
    fold_column: Option<String>,
    /// Number of trees.
    #[arg(long, default_value_t = 100)]
    trees: usize,
    /// Seed of the folds and the forests.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Share of the encoded features each classification tree draws or each regression split
    /// tries, in (0, 1] (default √p/p and 1/3 of p features).
    #[arg(long)]
    feature_fraction: Option<f64>,
    /// Shuffles of each column per fold for the columns' permutation importance (0: none).
    #[arg(long, default_value_t = 0)]
    pub importance_repeats: usize,
    /// Also train on every row and save the model (JSON) here, for `aybiza predict`.
    #[arg(long)]
    save_model: Option<PathBuf>,
}

impl ForestArgs {
    /// The rows of the input CSV.
    pub fn read(&self) -> Result<CsvFrame> {
        CsvFrame::read(input::open(&self.input)?)
    }

    /// Each row's fold: from the fold column, which leaves `frame`, or else from
    /// `deal(folds, seed)`.
    pub fn folds(
        &self,
        frame: &mut CsvFrame,
        deal: impl FnOnce(usize, u64) -> Result<Vec<usize>>,
    ) -> Result<Vec<usize>> {
        match &self.fold_column {
            Some(column) => take_folds(frame, column),
            None => deal(self.folds, self.seed),
        }
    }

    /// The forest's parameters; the others keep their defaults.
    pub fn params(&self) -> ForestParams {
        ForestParams {
            trees: self.trees,
            seed: self.seed,
            feature_fraction: self.feature_fraction,
            ..ForestParams::default()
        }
    }

    /// Saves the model with `save` when asked (naming the file in `report`), then prints the
    /// report as JSON on standard output.
    pub fn finish(
        &self,
        mut report: Value,
        save: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<ExitCode> {
        if let Some(path) = &self.save_model {
            save(path)?;
            report["saved_model"] = json!(path.display().to_string());
        }
        println!("{}", serde_json::to_string_pretty(&report)?);
        Ok(ExitCode::SUCCESS)
    }
}
