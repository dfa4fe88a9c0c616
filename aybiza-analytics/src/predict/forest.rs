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
//!
//! Both forests keep their trees as [`FlatTree`]s once fitted: model files hold
//! those, and predictions walk them (the same leaves as the crates' own trees give, see
//! the tests).

use linfa::dataset::AsSingleTargets;
use linfa::prelude::{Dataset, Fit};
use linfa_trees::{DecisionTree, TreeNode};
use ndarray::{Array1, Array2};
use rand_chacha_03::ChaCha8Rng;
use rand_chacha_03::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

use super::PredictError;
use super::model::ForestParams;
use super::tree::{FlatTree, LeftWhen, NodeView};
use crate::Result;

/// The weight of a row of the class its tree favours, against 1 for the others: enough to decide
/// a tie of equal weights in f32, too little to outweigh one row in a leaf of at most 2^16 rows
/// (the default `max_samples_per_tree`, 2,048, keeps every leaf far below that).
const TIE_BREAK: f32 = 1.0 + 1.0 / 65_536.0;

/// A fitted classification forest: trees whose leaves hold class indexes, reading columns of
/// matrices `width` wide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ClassifierTrees")]
pub(crate) struct ForestClassifier {
    classes: usize,
    width: usize,
    trees: Vec<FlatTree>,
}

/// A classification forest as read from a file, before its trees are checked against it.
#[derive(Deserialize)]
struct ClassifierTrees {
    classes: usize,
    width: usize,
    trees: Vec<FlatTree>,
}

impl TryFrom<ClassifierTrees> for ForestClassifier {
    type Error = String;

    fn try_from(forest: ClassifierTrees) -> std::result::Result<Self, String> {
        check_trees(&forest.trees, forest.width)?;
        let classes = forest.classes as f64;
        for (t, tree) in forest.trees.iter().enumerate() {
            if let Some(bad) = tree
                .leaf_values()
                .find(|&class| !(class >= 0.0 && class < classes && class.fract() == 0.0))
            {
                return Err(format!(
                    "tree {t} has a leaf predicting class {bad}, not one of 0 to {}",
                    forest.classes.saturating_sub(1)
                ));
            }
        }
        Ok(ForestClassifier {
            classes: forest.classes,
            width: forest.width,
            trees: forest.trees,
        })
    }
}

/// Refuses a forest without trees, and trees that read a column beyond `width`.
fn check_trees(trees: &[FlatTree], width: usize) -> std::result::Result<(), String> {
    if trees.is_empty() {
        return Err("a forest needs at least one tree".into());
    }
    match trees
        .iter()
        .enumerate()
        .find_map(|(t, tree)| tree.max_feature().filter(|&f| f >= width).map(|f| (t, f)))
    {
        Some((t, feature)) => Err(format!(
            "tree {t} splits on column {feature} of a {width}-column model"
        )),
        None => Ok(()),
    }
}

/// Refuses a matrix whose width is not the forest's (only a corrupt model file can cause it:
/// the models check the schema first).
fn check_width(x: &Array2<f64>, width: usize) -> Result<()> {
    if x.ncols() == width {
        Ok(())
    } else {
        Err(PredictError::CorruptModel(format!(
            "the forest reads {width} columns, the encoder gave {}",
            x.ncols()
        ))
        .into())
    }
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
        let samples = dataset.bootstrap_with_indices((rows_per_tree, features_per_tree), &mut rng);
        for (t, (sample, _, columns)) in samples.take(params.trees).enumerate() {
            let favoured = t % classes.max(1);
            let weights = sample
                .as_single_targets()
                .map(|&class| if class == favoured { TIE_BREAK } else { 1.0 });
            let fitted = tree
                .fit(&sample.with_weights(weights))
                .map_err(|e| PredictError::Training(e.to_string()))?;
            trees.push(flatten_linfa(&fitted, &columns)?);
        }
        Ok(Self {
            classes,
            width: features,
            trees,
        })
    }

    /// Class probabilities (rows × classes): the share of trees voting for each class.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Result<Array2<f64>> {
        check_width(x, self.width)?;
        let mut votes = Array2::<f64>::zeros((x.nrows(), self.classes));
        for (row, mut row_votes) in x.outer_iter().zip(votes.outer_iter_mut()) {
            for tree in &self.trees {
                // A leaf's class was checked to be below `classes` when the forest was built.
                row_votes[tree.predict(row, LeftWhen::Below) as usize] += 1.0;
            }
        }
        Ok(votes / self.trees.len().max(1) as f64)
    }
}

/// A linfa tree as a [`FlatTree`] over all the forest's columns (`columns[i]` is the column
/// the tree knew as `i`). linfa sends a row left when its value is below the split value
/// ([`LeftWhen::Below`]).
fn flatten_linfa(tree: &DecisionTree<f64, usize>, columns: &[usize]) -> Result<FlatTree> {
    let flat = FlatTree::from_nodes(tree.root_node(), |node: &TreeNode<f64, usize>| {
        if let Some(class) = node.prediction() {
            return Ok(NodeView::Leaf(class as f64));
        }
        let (feature, threshold, _) = node.split();
        let children = node.children();
        match (children[0].as_deref(), children[1].as_deref()) {
            (Some(left), Some(right)) => Ok(NodeView::Split {
                feature: *columns
                    .get(feature)
                    .ok_or_else(|| format!("a split on column {feature} of {}", columns.len()))?,
                threshold,
                left,
                right,
            }),
            _ => Err("an internal node without two children".to_owned()),
        }
    });
    Ok(flat.map_err(PredictError::Training)?)
}

type SmartForest = RandomForestRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>;

/// A fitted regression forest (smartcore's, flattened): its prediction is the mean of the
/// trees' leaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RegressorTrees")]
pub(crate) struct ForestRegressor {
    width: usize,
    trees: Vec<FlatTree>,
}

/// A regression forest as read from a file, before its trees are checked against it.
#[derive(Deserialize)]
struct RegressorTrees {
    width: usize,
    trees: Vec<FlatTree>,
}

impl TryFrom<RegressorTrees> for ForestRegressor {
    type Error = String;

    fn try_from(forest: RegressorTrees) -> std::result::Result<Self, String> {
        check_trees(&forest.trees, forest.width)?;
        Ok(ForestRegressor {
            width: forest.width,
            trees: forest.trees,
        })
    }
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
        Ok(Self {
            width: features,
            trees: flatten_smartcore(&forest)?,
        })
    }

    /// Predicted values, one per row: the mean of the trees' predictions (summed in tree
    /// order, as smartcore does).
    pub fn predict(&self, x: &Array2<f64>) -> Result<Vec<f64>> {
        check_width(x, self.width)?;
        let trees = self.trees.len() as f64;
        Ok(x.outer_iter()
            .map(|row| {
                let sum: f64 = self
                    .trees
                    .iter()
                    .map(|tree| tree.predict(row, LeftWhen::AtOrBelow))
                    .sum();
                sum / trees
            })
            .collect())
    }
}

/// The parts of smartcore 0.7's serialised `RandomForestRegressor` that make its trees (its
/// nodes are not public otherwise). The tests check the flattened trees predict as the
/// forest does, so a change of that layout fails them.
#[derive(Deserialize)]
struct SmartForestLayout {
    forest_regressor: Option<SmartTrees>,
}

#[derive(Deserialize)]
struct SmartTrees {
    trees: Option<Vec<SmartTree>>,
}

#[derive(Deserialize)]
struct SmartTree {
    nodes: Vec<SmartNode>,
}

#[derive(Deserialize)]
struct SmartNode {
    output: f64,
    split_feature: usize,
    split_value: Option<f64>,
    true_child: Option<usize>,
    false_child: Option<usize>,
}

/// smartcore's trees as [`FlatTree`]s. smartcore sends a row to the "true" child, kept as
/// the left one, when its value is at most the split value ([`LeftWhen::AtOrBelow`]).
fn flatten_smartcore(forest: &SmartForest) -> Result<Vec<FlatTree>> {
    let training = |message: String| PredictError::Training(message);
    let layout: SmartForestLayout = serde_json::to_value(forest)
        .and_then(serde_json::from_value)
        .map_err(|e| training(format!("reading smartcore's trees: {e}")))?;
    let trees = layout
        .forest_regressor
        .and_then(|forest| forest.trees)
        .ok_or_else(|| training("smartcore's forest has no trees".into()))?;
    let flat: std::result::Result<Vec<FlatTree>, String> = trees
        .iter()
        .map(|tree| {
            FlatTree::from_nodes(0usize, |i| {
                let node = tree
                    .nodes
                    .get(i)
                    .ok_or_else(|| format!("node {i} of {}", tree.nodes.len()))?;
                Ok(
                    match (node.true_child, node.false_child, node.split_value) {
                        (Some(left), Some(right), Some(threshold)) => NodeView::Split {
                            feature: node.split_feature,
                            threshold,
                            left,
                            right,
                        },
                        (None, _, _) => NodeView::Leaf(node.output),
                        _ => return Err(format!("node {i} has a true child but no split")),
                    },
                )
            })
        })
        .collect();
    Ok(flat.map_err(training)?)
}

fn dense(x: &Array2<f64>) -> Result<DenseMatrix<f64>> {
    let values: Vec<f64> = x.iter().copied().collect();
    Ok(DenseMatrix::new(x.nrows(), x.ncols(), values, false)
        .map_err(|e| PredictError::Training(e.to_string()))?)
}

#[cfg(test)]
mod tests {
    use linfa::prelude::Predict;
    use ndarray::Axis;
    use rand_chacha_03::rand_core::RngCore;

    use super::*;

    /// Rows of small integers (so that many values sit exactly on a split's threshold) and
    /// of fractions, with labels and targets that depend on a few columns.
    fn data(rows: usize, seed: u64) -> (Array2<f64>, Vec<usize>, Vec<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = Array2::from_shape_fn((rows, 6), |(_, c)| {
            let draw = rng.next_u32();
            if c % 2 == 0 {
                f64::from(draw % 7)
            } else {
                f64::from(draw) / f64::from(u32::MAX)
            }
        });
        let labels = x
            .outer_iter()
            .map(|r| usize::from(r[0] + 3.0 * r[1] > 4.0) + usize::from(r[2] > 5.0))
            .collect();
        let targets = x.outer_iter().map(|r| r[0] * r[3] + r[4]).collect();
        (x, labels, targets)
    }

    #[test]
    fn flattened_linfa_trees_give_linfa_s_predictions() {
        let (x, labels, _) = data(400, 1);
        let (fresh, _, _) = data(300, 2);
        let columns = vec![4, 0, 1, 2];
        let sample = Dataset::new(x.select(Axis(1), &columns), Array1::from(labels));
        let tree = DecisionTree::params().fit(&sample).unwrap();
        let flat = flatten_linfa(&tree, &columns).unwrap();
        let expected: Array1<usize> = tree.predict(&fresh.select(Axis(1), &columns));
        for (row, &class) in fresh.outer_iter().zip(&expected) {
            assert_eq!(flat.predict(row, LeftWhen::Below), class as f64);
        }
    }

    #[test]
    fn flattened_smartcore_forests_give_smartcore_s_predictions_exactly() {
        let (x, _, targets) = data(300, 3);
        let (fresh, _, _) = data(200, 4);
        let parameters = RandomForestRegressorParameters::default()
            .with_n_trees(20)
            .with_m(2)
            .with_seed(5);
        let forest = SmartForest::fit(&dense(&x).unwrap(), &targets, parameters).unwrap();
        let flat = ForestRegressor {
            width: 6,
            trees: flatten_smartcore(&forest).unwrap(),
        };
        let expected = forest.predict(&dense(&fresh).unwrap()).unwrap();
        assert_eq!(flat.predict(&fresh).unwrap(), expected);
        assert_eq!(
            flat.predict(&x).unwrap(),
            forest.predict(&dense(&x).unwrap()).unwrap()
        );
    }

    #[test]
    fn forests_refuse_trees_that_do_not_fit_them() {
        let (x, labels, targets) = data(200, 6);
        let params = ForestParams {
            trees: 5,
            ..ForestParams::default()
        };
        let classifier = ForestClassifier::fit(&x, &labels, 3, &params).unwrap();
        let json = serde_json::to_string(&classifier).unwrap();
        assert_eq!(
            serde_json::from_str::<ForestClassifier>(&json).unwrap(),
            classifier
        );
        for (from, to) in [
            ("\"classes\":3", "\"classes\":2"),
            ("\"width\":6", "\"width\":1"),
        ] {
            let bad = json.replacen(from, to, 1);
            assert!(
                serde_json::from_str::<ForestClassifier>(&bad).is_err(),
                "{to}"
            );
        }
        assert!(
            classifier
                .predict_proba(&x.slice(ndarray::s![.., ..5]).to_owned())
                .is_err()
        );
        let empty = r#"{"classes":3,"width":6,"trees":[]}"#;
        assert!(serde_json::from_str::<ForestClassifier>(empty).is_err());
        let regressor = ForestRegressor::fit(&x, &targets, &params).unwrap();
        let json = serde_json::to_string(&regressor).unwrap();
        assert_eq!(
            serde_json::from_str::<ForestRegressor>(&json).unwrap(),
            regressor
        );
        let bad = json.replacen("\"width\":6", "\"width\":2", 1);
        assert!(serde_json::from_str::<ForestRegressor>(&bad).is_err());
    }
}
