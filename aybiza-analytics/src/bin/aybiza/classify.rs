//! `aybiza classify`: cross-validate a random-forest classifier on any CSV.

use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::predict::evaluate::stratified_folds;
use aybiza_analytics::predict::json::classify_report;
use aybiza_analytics::predict::{Classifier, ForestParams};

use crate::forest_args::ForestArgs;

/// Arguments of `aybiza classify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    forest: ForestArgs,
    /// Most rows each tree draws (0 = as many as the training rows).
    #[arg(long, default_value_t = 2048)]
    max_samples_per_tree: usize,
}

/// Reads the CSV, cross-validates, prints the report as JSON on standard output.
pub fn run(args: Args) -> Result<ExitCode> {
    let forest = &args.forest;
    let mut frame = forest.read()?;
    let labels = frame.take_column(&forest.target)?;
    let folds = forest.folds(&mut frame, |k, seed| stratified_folds(&labels, k, seed))?;
    let table = frame.into_table()?;
    let params = ForestParams {
        max_samples_per_tree: (args.max_samples_per_tree > 0).then_some(args.max_samples_per_tree),
        ..forest.params()
    };
    let report = classify_report(&table, &labels, &folds, &params, forest.importance_repeats)?;
    forest.finish(report, |path| {
        Classifier::fit(&table, &labels, &params)?.save(path)
    })
}
