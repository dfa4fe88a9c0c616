//! Trained models on tables: [`Classifier`] and [`Regressor`], with their schema, encoder and file format.
//!
//! A model keeps the [`Schema`] of the table it was trained on and refuses any
//! other ([`PredictError::SchemaMismatch`]). Its encoder turns a table into
//! the numbers the forest reads:
//! - numeric columns pass through; a missing cell becomes the training median,
//!   and when the training data had missing cells in that column an extra
//!   `<name> is missing` indicator (0/1) is added;
//! - categorical columns are one-hot encoded over the training levels (at most
//!   [`MAX_LEVELS`] most frequent; rarer levels, and at prediction time unseen
//!   ones, share an `<name>=<other>` column when the training data had rare
//!   levels, and otherwise encode as all zeros); a missing cell sets an
//!   `<name>=<missing>` column when the training data had missing cells there.
//!
//! Files are JSON: `{"format": "aybiza-forest", "format_version": 2, "kind":
//! "classifier" | "regressor", "model": {…}}`, with the schema (names and
//! types) inside the model.

use std::collections::HashMap;
use std::path::Path;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::PredictError;
use super::forest::{ForestClassifier, ForestRegressor};
use super::table::{Cell, ColumnKind, Schema, Table};
use crate::Result;

/// Most one-hot columns a categorical column gets (its most frequent training levels).
pub const MAX_LEVELS: usize = 32;

/// Version of the model file format this build writes and reads.
pub const FORMAT_VERSION: u64 = 2;

const FORMAT_NAME: &str = "aybiza-forest";

/// Forest hyper-parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForestParams {
    /// Number of trees.
    pub trees: usize,
    /// Seed of the bootstrap and feature sampling; the same seed and data give the same forest.
    pub seed: u64,
    /// Share of the encoded features each classification tree (linfa: per tree, drawn with replacement)
    /// or each regression split (smartcore: per split) considers; `None` is √p/p for classification and 1/3 for regression.
    pub feature_fraction: Option<f64>,
    /// Most rows a classification tree draws for its bootstrap; `None` draws as many as there are rows.
    /// linfa's tree building costs about rows × nodes, so this bounds training time on large inputs.
    pub max_samples_per_tree: Option<usize>,
    /// Fewest training rows in a leaf.
    pub min_samples_leaf: usize,
}

impl Default for ForestParams {
    /// 100 trees, seed 0, default feature fractions, at most 2048 rows per classification tree, leaves of one row.
    fn default() -> Self {
        Self {
            trees: 100,
            seed: 0,
            feature_fraction: None,
            max_samples_per_tree: Some(2048),
            min_samples_leaf: 1,
        }
    }
}

impl ForestParams {
    fn validate(&self) -> Result<()> {
        let invalid = |m: String| Err(PredictError::InvalidParameter(m).into());
        if self.trees == 0 || self.trees > 10_000 {
            return invalid(format!("trees must be 1 to 10000, got {}", self.trees));
        }
        if let Some(f) = self.feature_fraction
            && !(f > 0.0 && f <= 1.0)
        {
            return invalid(format!("feature_fraction must be in (0, 1], got {f}"));
        }
        if self.max_samples_per_tree == Some(0) {
            return invalid("max_samples_per_tree must be at least 1".into());
        }
        if self.min_samples_leaf == 0 {
            return invalid("min_samples_leaf must be at least 1".into());
        }
        Ok(())
    }
}

/// How one column becomes numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ColumnEncoding {
    Numeric {
        median: f64,
        missing_indicator: bool,
    },
    Categorical {
        levels: Vec<String>,
        other: bool,
        missing_indicator: bool,
    },
}

/// The fitted encoding of a table's columns into a dense matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Encoder {
    columns: Vec<ColumnEncoding>,
}

impl Encoder {
    fn fit(table: &Table) -> Self {
        let columns = table
            .schema()
            .columns
            .iter()
            .enumerate()
            .map(|(c, column)| {
                let cells = table.rows().iter().map(|row| &row[c]);
                let missing = cells.clone().any(|cell| *cell == Cell::Missing);
                match column.kind {
                    ColumnKind::Numeric => {
                        let mut values: Vec<f64> = cells
                            .filter_map(|cell| match cell {
                                Cell::Number(v) => Some(*v),
                                _ => None,
                            })
                            .collect();
                        values.sort_by(f64::total_cmp);
                        ColumnEncoding::Numeric {
                            median: median_of_sorted(&values),
                            missing_indicator: missing,
                        }
                    }
                    ColumnKind::Categorical => {
                        let mut counts: HashMap<&str, usize> = HashMap::new();
                        for cell in cells {
                            if let Cell::Category(level) = cell {
                                *counts.entry(level.as_str()).or_default() += 1;
                            }
                        }
                        let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
                        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                        let other = ranked.len() > MAX_LEVELS;
                        let mut levels: Vec<String> = ranked
                            .into_iter()
                            .take(MAX_LEVELS)
                            .map(|(l, _)| l.to_owned())
                            .collect();
                        levels.sort();
                        ColumnEncoding::Categorical {
                            levels,
                            other,
                            missing_indicator: missing,
                        }
                    }
                }
            })
            .collect();
        Self { columns }
    }

    /// Names of the encoded features, in matrix column order.
    fn feature_names(&self, schema: &Schema) -> Vec<String> {
        let mut names = Vec::new();
        for (encoding, column) in self.columns.iter().zip(&schema.columns) {
            match encoding {
                ColumnEncoding::Numeric {
                    missing_indicator, ..
                } => {
                    names.push(column.name.clone());
                    if *missing_indicator {
                        names.push(format!("{} is missing", column.name));
                    }
                }
                ColumnEncoding::Categorical {
                    levels,
                    other,
                    missing_indicator,
                } => {
                    names.extend(levels.iter().map(|l| format!("{}={l}", column.name)));
                    if *other {
                        names.push(format!("{}=<other>", column.name));
                    }
                    if *missing_indicator {
                        names.push(format!("{}=<missing>", column.name));
                    }
                }
            }
        }
        names
    }

    fn width(&self) -> usize {
        self.columns
            .iter()
            .map(|e| match e {
                ColumnEncoding::Numeric {
                    missing_indicator, ..
                } => 1 + *missing_indicator as usize,
                ColumnEncoding::Categorical {
                    levels,
                    other,
                    missing_indicator,
                } => levels.len() + *other as usize + *missing_indicator as usize,
            })
            .sum()
    }

    fn transform(&self, table: &Table) -> Array2<f64> {
        let width = self.width();
        let mut x = Array2::<f64>::zeros((table.len(), width));
        for (r, row) in table.rows().iter().enumerate() {
            let mut at = 0;
            for (encoding, cell) in self.columns.iter().zip(row) {
                match encoding {
                    ColumnEncoding::Numeric {
                        median,
                        missing_indicator,
                    } => {
                        x[(r, at)] = match cell {
                            Cell::Number(v) => *v,
                            _ => *median,
                        };
                        at += 1;
                        if *missing_indicator {
                            x[(r, at)] = (*cell == Cell::Missing) as u8 as f64;
                            at += 1;
                        }
                    }
                    ColumnEncoding::Categorical {
                        levels,
                        other,
                        missing_indicator,
                    } => {
                        if let Cell::Category(level) = cell {
                            match levels.binary_search(level) {
                                Ok(i) => x[(r, at + i)] = 1.0,
                                Err(_) if *other => x[(r, at + levels.len())] = 1.0,
                                Err(_) => {}
                            }
                        }
                        at += levels.len() + *other as usize;
                        if *missing_indicator {
                            x[(r, at)] = (*cell == Cell::Missing) as u8 as f64;
                            at += 1;
                        }
                    }
                }
            }
        }
        x
    }
}

fn median_of_sorted(values: &[f64]) -> f64 {
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// A random-forest classifier over a [`Table`] of a fixed [`Schema`], with class probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classifier {
    schema: Schema,
    classes: Vec<String>,
    encoder: Encoder,
    feature_names: Vec<String>,
    params: ForestParams,
    forest: ForestClassifier,
}

impl Classifier {
    /// Trains on `table` with one label per row. Classes are the distinct labels in sorted order;
    /// for two classes the second is the positive one in binary metrics (e.g. `"1"`, `"true"`).
    pub fn fit(table: &Table, labels: &[impl AsRef<str>], params: &ForestParams) -> Result<Self> {
        params.validate()?;
        check_rows(table, labels.len(), "train on")?;
        let (classes, y) = index_labels(labels);
        if classes.len() < 2 {
            return Err(PredictError::SingleClass {
                class: classes[0].clone(),
            }
            .into());
        }
        let encoder = Encoder::fit(table);
        let feature_names = encoder.feature_names(table.schema());
        check_width(&feature_names)?;
        let forest = ForestClassifier::fit(&encoder.transform(table), &y, classes.len(), params)?;
        Ok(Self {
            schema: table.schema().clone(),
            classes,
            encoder,
            feature_names,
            params: params.clone(),
            forest,
        })
    }

    /// The classes, sorted; probability columns follow this order.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The schema of the tables this model accepts.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Names of the encoded features the forest reads.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The hyper-parameters it was trained with.
    pub fn params(&self) -> &ForestParams {
        &self.params
    }

    /// Class probabilities per row (one value per class, summing to 1): the share of trees voting for each.
    pub fn predict_proba(&self, table: &Table) -> Result<Vec<Vec<f64>>> {
        self.schema.check_matches(table.schema())?;
        let proba = self.forest.predict_proba(&self.encoder.transform(table))?;
        Ok(proba.outer_iter().map(|row| row.to_vec()).collect())
    }

    /// For a two-class model, the probability of the positive (second, in sorted order) class per row.
    pub fn positive_probability(&self, table: &Table) -> Result<Vec<f64>> {
        if self.classes.len() != 2 {
            return Err(PredictError::InvalidParameter(format!(
                "a positive-class probability needs two classes, the model has {}",
                self.classes.len()
            ))
            .into());
        }
        Ok(self.predict_proba(table)?.iter().map(|p| p[1]).collect())
    }

    /// The most probable class per row (ties go to the first class in sorted order).
    pub fn predict(&self, table: &Table) -> Result<Vec<String>> {
        Ok(self
            .predict_proba(table)?
            .iter()
            .map(|p| self.classes[argmax(p)].clone())
            .collect())
    }

    /// The model as JSON in the versioned file format.
    pub fn to_json(&self) -> Result<String> {
        envelope("classifier", self)
    }

    /// Reads a model written by [`Classifier::to_json`].
    pub fn from_json(json: &str) -> Result<Self> {
        open_envelope(json, "classifier")
    }

    /// Writes the model to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_json()?)?;
        Ok(())
    }

    /// Reads a model from `path`.
    pub fn load(path: &Path) -> Result<Self> {
        Self::from_json(&std::fs::read_to_string(path)?)
    }
}

/// A random-forest regressor over a [`Table`] of a fixed [`Schema`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regressor {
    schema: Schema,
    encoder: Encoder,
    feature_names: Vec<String>,
    params: ForestParams,
    forest: ForestRegressor,
}

impl Regressor {
    /// Trains on `table` with one finite target per row.
    pub fn fit(table: &Table, targets: &[f64], params: &ForestParams) -> Result<Self> {
        params.validate()?;
        check_rows(table, targets.len(), "train on")?;
        if let Some(row) = targets.iter().position(|t| !t.is_finite()) {
            return Err(PredictError::NonFinite {
                row,
                column: "target".into(),
                value: targets[row].to_string(),
            }
            .into());
        }
        let encoder = Encoder::fit(table);
        let feature_names = encoder.feature_names(table.schema());
        check_width(&feature_names)?;
        let forest = ForestRegressor::fit(&encoder.transform(table), targets, params)?;
        Ok(Self {
            schema: table.schema().clone(),
            encoder,
            feature_names,
            params: params.clone(),
            forest,
        })
    }

    /// The schema of the tables this model accepts.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Names of the encoded features the forest reads.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The hyper-parameters it was trained with.
    pub fn params(&self) -> &ForestParams {
        &self.params
    }

    /// Predicted values, one per row.
    pub fn predict(&self, table: &Table) -> Result<Vec<f64>> {
        self.schema.check_matches(table.schema())?;
        if table.is_empty() {
            return Ok(Vec::new());
        }
        self.forest.predict(&self.encoder.transform(table))
    }

    /// The model as JSON in the versioned file format.
    pub fn to_json(&self) -> Result<String> {
        envelope("regressor", self)
    }

    /// Reads a model written by [`Regressor::to_json`].
    pub fn from_json(json: &str) -> Result<Self> {
        open_envelope(json, "regressor")
    }

    /// Writes the model to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_json()?)?;
        Ok(())
    }

    /// Reads a model from `path`.
    pub fn load(path: &Path) -> Result<Self> {
        Self::from_json(&std::fs::read_to_string(path)?)
    }
}

/// Index of the largest value (the first of equals).
pub(crate) fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

/// Sorted distinct labels and each row's index into them.
pub(crate) fn index_labels(labels: &[impl AsRef<str>]) -> (Vec<String>, Vec<usize>) {
    let mut classes: Vec<String> = labels.iter().map(|l| l.as_ref().to_owned()).collect();
    classes.sort();
    classes.dedup();
    let y = labels
        .iter()
        .map(|l| {
            classes
                .binary_search_by(|c| c.as_str().cmp(l.as_ref()))
                .unwrap_or(0)
        })
        .collect();
    (classes, y)
}

fn check_rows(table: &Table, labels: usize, what: &'static str) -> Result<()> {
    if table.is_empty() {
        return Err(PredictError::EmptyData(what).into());
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

fn check_width(feature_names: &[String]) -> Result<()> {
    if feature_names.is_empty() {
        return Err(
            PredictError::InvalidParameter("the table has no feature columns".into()).into(),
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct EnvelopeOut<'a, M> {
    format: &'static str,
    format_version: u64,
    kind: &'static str,
    model: &'a M,
}

#[derive(Deserialize)]
struct EnvelopeHeader {
    format: String,
    format_version: u64,
    kind: String,
}

pub(crate) fn envelope<M: Serialize>(kind: &'static str, model: &M) -> Result<String> {
    Ok(serde_json::to_string(&EnvelopeOut {
        format: FORMAT_NAME,
        format_version: FORMAT_VERSION,
        kind,
        model,
    })?)
}

pub(crate) fn open_envelope<M: for<'de> Deserialize<'de>>(json: &str, kind: &str) -> Result<M> {
    let corrupt = |e: serde_json::Error| PredictError::CorruptModel(e.to_string());
    let mut value: serde_json::Value = serde_json::from_str(json).map_err(corrupt)?;
    let header = EnvelopeHeader::deserialize(&value).map_err(corrupt)?;
    if header.format != FORMAT_NAME {
        return Err(PredictError::CorruptModel(format!(
            "format {:?} is not {FORMAT_NAME:?}",
            header.format
        ))
        .into());
    }
    if header.format_version != FORMAT_VERSION {
        return Err(PredictError::UnsupportedFormat {
            found: header.format_version,
            supported: FORMAT_VERSION,
        }
        .into());
    }
    if header.kind != kind {
        return Err(PredictError::WrongModelKind {
            expected: kind.to_owned(),
            found: header.kind,
        }
        .into());
    }
    let model = value
        .get_mut("model")
        .map(serde_json::Value::take)
        .ok_or_else(|| PredictError::CorruptModel("no \"model\" field".into()))?;
    Ok(serde_json::from_value(model).map_err(corrupt)?)
}
