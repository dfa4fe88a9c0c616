//! `aybiza regress`: cross-validate a random-forest regressor on any CSV.

use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::predict::Regressor;
use aybiza_analytics::predict::evaluate::shuffled_folds;
use aybiza_analytics::predict::json::{regress_report, take_targets};

use crate::forest_args::ForestArgs;

/// Arguments of `aybiza regress` (smartcore's forest draws a full bootstrap per tree, so
/// there is no `--max-samples-per-tree`).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    forest: ForestArgs,
}

/// Reads the CSV, cross-validates, prints the report as JSON on standard output.
pub fn run(args: Args) -> Result<ExitCode> {
    let forest = &args.forest;
    let mut frame = forest.read()?;
    let targets = take_targets(&mut frame, &forest.target)?;
    let folds = forest.folds(&mut frame, |k, seed| shuffled_folds(targets.len(), k, seed))?;
    let table = frame.into_table()?;
    let params = forest.params();
    let report = regress_report(&table, &targets, &folds, &params, forest.importance_repeats)?;
    forest.finish(report, |path| {
        Regressor::fit(&table, &targets, &params)?.save(path)
    })
}
