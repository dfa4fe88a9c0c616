//! `aybiza predict`: apply a saved model (`aybiza classify` or `aybiza regress --save-model`) to new rows of a CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::predict::json;
use aybiza_analytics::predict::table::CsvFrame;
use aybiza_analytics::predict::{Classifier, PredictError, Regressor};
use aybiza_analytics::{Error, Result};

use crate::input;

/// Arguments of `aybiza predict`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Model file written by `aybiza classify --save-model` or `aybiza regress --save-model` (or a binding's `save`).
    #[arg(long)]
    model: PathBuf,
    /// CSV with a header row (`.gz` accepted; `-` is standard input) holding the model's columns,
    /// matched by name and typed as in training; other columns are copied through.
    #[arg(long)]
    input: PathBuf,
    /// Where to write the input rows followed by `predicted` and, for a classifier, one
    /// `probability_<class>` column per class; standard output by default.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// A model read from a file, of either kind.
enum Model {
    Classifier(Classifier),
    Regressor(Regressor),
}

impl Model {
    fn read(path: &std::path::Path) -> Result<Self> {
        let json = std::fs::read_to_string(path)?;
        match Classifier::from_json(&json) {
            Ok(classifier) => Ok(Model::Classifier(classifier)),
            Err(Error::Predict(error))
                if matches!(
                    error.downcast_ref::<PredictError>(),
                    Some(PredictError::WrongModelKind { .. })
                ) =>
            {
                Ok(Model::Regressor(Regressor::from_json(&json)?))
            }
            Err(error) => Err(error),
        }
    }

    /// The names of the added columns and their values, one column after another.
    fn predict(&self, frame: &CsvFrame) -> Result<(Vec<String>, Vec<Vec<String>>)> {
        match self {
            Model::Classifier(model) => {
                let predictions = json::classify_rows(model, frame)?;
                let mut names = vec!["predicted".to_owned()];
                let mut columns = vec![predictions.predicted];
                for (c, class) in model.classes().iter().enumerate() {
                    names.push(format!("probability_{class}"));
                    let column = predictions.probabilities.iter().map(|p| p[c].to_string());
                    columns.push(column.collect());
                }
                Ok((names, columns))
            }
            Model::Regressor(model) => {
                let values = json::regress_rows(model, frame)?;
                Ok((
                    vec!["predicted".to_owned()],
                    vec![values.iter().map(f64::to_string).collect()],
                ))
            }
        }
    }
}

/// Reads the model and the CSV, predicts every row, writes the rows with the predictions.
pub fn run(args: Args) -> Result<ExitCode> {
    let model = Model::read(&args.model)?;
    let frame = CsvFrame::read(input::open(&args.input)?)?;
    let (names, columns) = model.predict(&frame)?;
    if let Some(clash) = names.iter().find(|name| frame.headers.contains(name)) {
        return Err(Error::InvalidArgument(format!(
            "the input already has a column `{clash}`, which this command writes"
        )));
    }
    let writer = input::create_output(&args.input, args.output.as_deref())?;
    let csv_error = |e: csv::Error| Error::InvalidArgument(format!("writing the output: {e}"));
    let mut writer = csv::Writer::from_writer(writer);
    writer
        .write_record(frame.headers.iter().chain(&names))
        .map_err(csv_error)?;
    for (r, row) in frame.rows.iter().enumerate() {
        writer
            .write_record(row.iter().chain(columns.iter().map(|column| &column[r])))
            .map_err(csv_error)?;
    }
    writer.flush()?;
    if let Some(path) = &args.output {
        eprintln!("{} rows predicted: {}", frame.rows.len(), path.display());
    }
    Ok(ExitCode::SUCCESS)
}
