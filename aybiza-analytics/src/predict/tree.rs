//! [`FlatTree`]: a fitted decision tree as three flat arrays, the form the forests keep, save
//! and predict with.
//!
//! The nodes are in pre-order: an internal node's left child is the node after it, and
//! `right` holds the index of its right child. A row goes left when its value in the node's
//! `feature` column is below the node's `value` (the threshold), or also when equal to it,
//! as the forest's [`LeftWhen`] says; at a leaf, `value` is the prediction (a class index,
//! or a regression output). A node whose `right` is 0 is a leaf: node 0, the root, is no
//! node's child.
//!
//! Compared with the nested trees the crates serialise (every node an object with its
//! impurity, depth and feature name), the arrays are about a ninth of the size in JSON, and a
//! row is scored without copying its columns.

use ndarray::ArrayView1;
use serde::{Deserialize, Serialize};

/// A fitted decision tree: node arrays in pre-order, all of one length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TreeArrays")]
pub(crate) struct FlatTree {
    /// The column an internal node splits on (0 at leaves).
    feature: Vec<u32>,
    /// The threshold of an internal node (a row goes left below it, or also at it by the
    /// forest's [`LeftWhen`]), or the prediction of a leaf.
    value: Vec<f64>,
    /// The index of an internal node's right child; 0 at leaves.
    right: Vec<u32>,
}

/// The arrays as read from a file, before [`FlatTree::try_from`] checks them.
#[derive(Deserialize)]
struct TreeArrays {
    feature: Vec<u32>,
    value: Vec<f64>,
    right: Vec<u32>,
}

impl TryFrom<TreeArrays> for FlatTree {
    type Error = String;

    /// Accepts arrays only if every row reaches a leaf: equal, non-zero lengths, and each
    /// internal node's children after it and inside the arrays (so a walk always moves
    /// forward and stops).
    fn try_from(arrays: TreeArrays) -> Result<Self, String> {
        let TreeArrays {
            feature,
            value,
            right,
        } = arrays;
        let nodes = value.len();
        if nodes == 0 || feature.len() != nodes || right.len() != nodes {
            return Err(format!(
                "a tree's arrays must be non-empty and of one length (feature {}, value {}, right {})",
                feature.len(),
                nodes,
                right.len()
            ));
        }
        for (node, &right_child) in right.iter().enumerate() {
            let right_child = right_child as usize;
            if right_child != 0 && (right_child <= node + 1 || right_child >= nodes) {
                return Err(format!(
                    "node {node}'s right child {right_child} is not after its left child and inside the tree of {nodes} nodes"
                ));
            }
        }
        Ok(FlatTree {
            feature,
            value,
            right,
        })
    }
}

/// One node of a tree being flattened, as [`FlatTree::from_nodes`] asks for it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NodeView<N> {
    /// A leaf and its prediction.
    Leaf(f64),
    /// An internal node: rows whose `feature` value is below `threshold` (or equal to it, by
    /// the forest's [`LeftWhen`]) go to `left`.
    Split {
        /// The column split on.
        feature: usize,
        /// The threshold.
        threshold: f64,
        /// The child taken below the threshold.
        left: N,
        /// The child taken above it.
        right: N,
    },
}

impl FlatTree {
    /// Flattens the tree under `root`, `view` describing each node. The walk uses its own
    /// stack, so a deep tree cannot overflow the thread's.
    pub fn from_nodes<N>(
        root: N,
        mut view: impl FnMut(N) -> Result<NodeView<N>, String>,
    ) -> Result<FlatTree, String> {
        enum Step<N> {
            Visit(N),
            /// The next node visited is the right child of this internal node.
            RightOf(usize, N),
        }
        let mut arrays = TreeArrays {
            feature: Vec::new(),
            value: Vec::new(),
            right: Vec::new(),
        };
        let mut stack = vec![Step::Visit(root)];
        while let Some(step) = stack.pop() {
            let node = match step {
                Step::Visit(node) => node,
                Step::RightOf(parent, node) => {
                    arrays.right[parent] = to_u32(arrays.value.len());
                    node
                }
            };
            match view(node)? {
                NodeView::Leaf(prediction) => {
                    arrays.feature.push(0);
                    arrays.value.push(prediction);
                    arrays.right.push(0);
                }
                NodeView::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    stack.push(Step::RightOf(arrays.value.len(), right));
                    stack.push(Step::Visit(left));
                    arrays.feature.push(to_u32(feature));
                    arrays.value.push(threshold);
                    arrays.right.push(0);
                }
            }
        }
        FlatTree::try_from(arrays)
    }
}

/// Node indexes and columns are far below 2^32 (a tree's nodes are bounded by its rows);
/// saturating keeps an impossible one detectable rather than wrapping it.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Which way a row whose value equals a split's threshold goes: each crate has its rule, and
/// keeping it keeps the thresholds as the crate chose them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeftWhen {
    /// Left only below the threshold (linfa).
    Below,
    /// Left at or below it (smartcore).
    AtOrBelow,
}

impl FlatTree {
    /// The prediction of the leaf `row` reaches.
    #[inline]
    pub fn predict(&self, row: ArrayView1<'_, f64>, left_when: LeftWhen) -> f64 {
        match left_when {
            LeftWhen::Below => self.walk(row, |value, threshold| value < threshold),
            LeftWhen::AtOrBelow => self.walk(row, |value, threshold| value <= threshold),
        }
    }

    #[inline(always)]
    fn walk(&self, row: ArrayView1<'_, f64>, goes_left: impl Fn(f64, f64) -> bool) -> f64 {
        let mut node = 0;
        loop {
            let right = self.right[node] as usize;
            if right == 0 {
                return self.value[node];
            }
            node = if goes_left(row[self.feature[node] as usize], self.value[node]) {
                node + 1
            } else {
                right
            };
        }
    }

    /// The largest column index any split reads, if the tree has a split.
    pub fn max_feature(&self) -> Option<usize> {
        self.feature
            .iter()
            .zip(&self.right)
            .filter(|&(_, &right)| right != 0)
            .map(|(&feature, _)| feature as usize)
            .max()
    }

    /// The leaves' predictions.
    pub fn leaf_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.value
            .iter()
            .zip(&self.right)
            .filter(|&(_, &right)| right == 0)
            .map(|(&value, _)| value)
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    /// x0 < 1 → 10; else x1 < 5 → 20; else 30, from nodes in an arena (as smartcore keeps them).
    fn small_tree() -> FlatTree {
        let arena = [
            NodeView::Split {
                feature: 0,
                threshold: 1.0,
                left: 1,
                right: 2,
            },
            NodeView::Leaf(10.0),
            NodeView::Split {
                feature: 1,
                threshold: 5.0,
                left: 3,
                right: 4,
            },
            NodeView::Leaf(20.0),
            NodeView::Leaf(30.0),
        ];
        FlatTree::from_nodes(0usize, |i| Ok(arena[i])).unwrap()
    }

    #[test]
    fn rows_go_left_below_the_threshold_or_at_it_by_the_rule() {
        let tree = small_tree();
        let below = |row: ndarray::Array1<f64>| tree.predict(row.view(), LeftWhen::Below);
        assert_eq!(below(array![0.5, 9.0]), 10.0);
        assert_eq!(below(array![1.0, 4.9]), 20.0);
        assert_eq!(below(array![2.0, 5.0]), 30.0);
        let at_or_below = |row: ndarray::Array1<f64>| tree.predict(row.view(), LeftWhen::AtOrBelow);
        assert_eq!(at_or_below(array![1.0, 4.9]), 10.0);
        assert_eq!(at_or_below(array![2.0, 5.0]), 20.0);
        assert_eq!(at_or_below(array![2.0, 5.5]), 30.0);
        assert_eq!(tree.max_feature(), Some(1));
        assert_eq!(tree.leaf_values().collect::<Vec<_>>(), [10.0, 20.0, 30.0]);
    }

    #[test]
    fn a_tree_round_trips_through_json_and_bad_arrays_are_refused() {
        let tree = small_tree();
        let json = serde_json::to_string(&tree).unwrap();
        assert_eq!(
            json,
            r#"{"feature":[0,0,1,0,0],"value":[1.0,10.0,5.0,20.0,30.0],"right":[2,0,4,0,0]}"#
        );
        assert_eq!(serde_json::from_str::<FlatTree>(&json).unwrap(), tree);
        for bad in [
            r#"{"feature":[],"value":[],"right":[]}"#,
            r#"{"feature":[0],"value":[1.0,2.0],"right":[0,0]}"#,
            // A cycle back to the root, a right child that is its own left child, one past the end.
            r#"{"feature":[0,0,0],"value":[1.0,2.0,3.0],"right":[0,0,1]}"#,
            r#"{"feature":[0,0,0],"value":[1.0,2.0,3.0],"right":[1,0,0]}"#,
            r#"{"feature":[0,0,0],"value":[1.0,2.0,3.0],"right":[3,0,0]}"#,
        ] {
            assert!(serde_json::from_str::<FlatTree>(bad).is_err(), "{bad}");
        }
    }
}
