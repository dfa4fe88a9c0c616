//! The forests on dense matrices: linfa for classification, smartcore for regression.
//!
//! Classification bags linfa-trees' decision trees as linfa-ensemble 0.8.1's
//! `RandomForest` does, with a tie-break of our own that makes fits with one seed
//! identical in every process (`ForestClassifier::fit`). A tree predicts a class
//! only, so class probabilities are the share of trees voting for each class.
//! The trees look at every training row at every node, so a tree costs about rows × nodes;
//! [`super::ForestParams::max_samples_per_tree`] bounds the rows each tree
//! draws to keep large inputs tractable. linfa has no forest regressor;
//! smartcore's `RandomForestRegressor` is used for regression.

use linfa::dataset::AsSingleTargets;
use linfa::prelude::{Dataset, Fit, Predict};
use linfa_trees::DecisionTree;
use ndarray::{Array1, Array2, Axis};
use rand_chacha_03::ChaCha8Rng;
use rand_chacha_03::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

use super::PredictError;
use super::model::ForestParams;
use crate::Result;

/// The weight of a row of the class its tree favours, against 1 for the others: enough to decide
/// a tie of equal weights in f32, too little to outweigh one row in a leaf of at most 2^16 rows
/// (the default `max_samples_per_tree`, 2,048, keeps every leaf far below that).
const TIE_BREAK: f32 = 1.0 + 1.0 / 65_536.0;

/// A fitted classification forest: linfa decision trees, each with the feature columns it was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ForestClassifier {
    classes: usize,
    trees: Vec<DecisionTree<f64, usize>>,
    tree_features: Vec<Vec<usize>>,
}

impl ForestClassifier {
    /// Fits on `x` (rows × features, finite) and labels `y` in `0..classes`.
    pub fn fit(
        x: &Array2<f64>,
        y: &[usize],
        classes: usize,
        params: &ForestParams,
    ) -> Result<Self> {
        let (rows, features) = x.dim();
        let default_fraction = (features as f64).sqrt() / features as f64;
        let feature_fraction = params
            .feature_fraction
            .unwrap_or(default_fraction)
            .clamp(1.0 / features as f64, 1.0);
        let bootstrap = params
            .max_samples_per_tree
            .map_or(1.0, |cap| (cap as f64 / rows as f64).min(1.0));
        let tree = DecisionTree::params()
            .min_weight_leaf(params.min_samples_leaf as f32)
            .min_weight_split((2 * params.min_samples_leaf) as f32);
        let dataset = Dataset::new(x.clone(), Array1::from(y.to_vec()));
        // linfa-ensemble's `RandomForest` loop (the same bootstrap draws from the same seeded
        // generator), with one change: a leaf whose classes weigh the same takes the class
        // its tree favours, tree `t` favouring class `t mod classes`, instead of the class a
        // `HashMap` happens to yield last. Fits with one seed are then identical, and tied
        // leaves still split evenly between the classes over the forest.
        let rows_per_tree = (rows as f64 * bootstrap).ceil() as usize;
        let features_per_tree = (features as f64 * feature_fraction).ceil() as usize;
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let mut trees = Vec::with_capacity(params.trees);
        let mut tree_features = Vec::with_capacity(params.trees);
        let samples = dataset.bootstrap_with_indices((rows_per_tree, features_per_tree), &mut rng);
        for (t, (sample, _, columns)) in samples.take(params.trees).enumerate() {
            let favoured = t % classes.max(1);
            let weights = sample
                .as_single_targets()
                .map(|&class| if class == favoured { TIE_BREAK } else { 1.0 });
            let fitted = tree
                .fit(&sample.with_weights(weights))
                .map_err(|e| PredictError::Training(e.to_string()))?;
            trees.push(fitted);
            tree_features.push(columns);
        }
        Ok(Self {
            classes,
            trees,
            tree_features,
        })
    }

    /// Class probabilities (rows × classes): the share of trees voting for each class.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Array2<f64> {
        let mut votes = Array2::<f64>::zeros((x.nrows(), self.classes));
        for (tree, features) in self.trees.iter().zip(&self.tree_features) {
            let columns = x.select(Axis(1), features);
            let predicted: Array1<usize> = tree.predict(&columns);
            for (row, &class) in predicted.iter().enumerate() {
                if class < self.classes {
                    votes[(row, class)] += 1.0;
                }
            }
        }
        votes / self.trees.len().max(1) as f64
    }
}

type SmartForest = RandomForestRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>;

/// A fitted regression forest (smartcore).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ForestRegressor {
    forest: SmartForest,
}

impl ForestRegressor {
    /// Fits on `x` (rows × features, finite) and finite targets `y`.
    pub fn fit(x: &Array2<f64>, y: &[f64], params: &ForestParams) -> Result<Self> {
        let features = x.ncols();
        let fraction = params.feature_fraction.unwrap_or(1.0 / 3.0);
        let tried = ((features as f64 * fraction).round() as usize).clamp(1, features);
        let parameters = RandomForestRegressorParameters::default()
            .with_n_trees(params.trees)
            .with_m(tried)
            .with_min_samples_leaf(params.min_samples_leaf)
            .with_min_samples_split(2 * params.min_samples_leaf)
            .with_seed(params.seed);
        let forest = SmartForest::fit(&dense(x)?, &y.to_vec(), parameters)
            .map_err(|e| PredictError::Training(e.to_string()))?;
        Ok(Self { forest })
    }

    /// Predicted values, one per row: the mean of the trees' predictions.
    pub fn predict(&self, x: &Array2<f64>) -> Result<Vec<f64>> {
        Ok(self
            .forest
            .predict(&dense(x)?)
            .map_err(|e| PredictError::Training(e.to_string()))?)
    }
}

fn dense(x: &Array2<f64>) -> Result<DenseMatrix<f64>> {
    let values: Vec<f64> = x.iter().copied().collect();
    Ok(DenseMatrix::new(x.nrows(), x.ncols(), values, false)
        .map_err(|e| PredictError::Training(e.to_string()))?)
}
