//! Grouping call vectors with k-means (linfa-clustering): the number of groups chosen by silhouette,
//! calls far from their group's centre left out as noise; and the adjusted Rand index to score a grouping.

use linfa::prelude::*;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array2, ArrayView2};
use rand_chacha_03::ChaCha8Rng;
use rand_chacha_03::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use super::vectorize::CallVectors;
use crate::{Error, Result};

/// How calls are grouped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterOptions {
    /// Fewest groups tried.
    pub min_groups: usize,
    /// Most groups tried.
    pub max_groups: usize,
    /// Calls sampled (evenly) to choose the number of groups; the final fit uses every call.
    pub selection_sample: usize,
    /// A call whose distance to its group's centre exceeds the group's mean by this many standard
    /// deviations is noise.
    pub noise_deviations: f32,
    /// A group smaller than this share of the calls is dissolved into noise.
    pub min_group_share: f64,
    /// Seed of the k-means initialisation.
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            min_groups: 2,
            max_groups: 16,
            selection_sample: 1_200,
            noise_deviations: 2.0,
            min_group_share: 0.005,
            seed: 7,
        }
    }
}

/// The groups found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    /// Per call, its group, or `None` for noise.
    pub assignments: Vec<Option<usize>>,
    /// Number of groups.
    pub groups: usize,
    /// Per call, its distance to its k-means centre (noise included).
    pub distances: Vec<f32>,
    /// Centre of each kept group.
    pub centroids: Vec<Vec<f32>>,
    /// Per kept group, the distance beyond which a call is noise.
    pub noise_limits: Vec<f32>,
    /// The (simplified) silhouette of each number of groups tried, on the selection sample.
    pub silhouette_by_groups: Vec<(usize, f64)>,
}

/// Groups the calls. Fewer than 10 calls form one group; invalid options are an [`Error::InvalidArgument`].
pub fn cluster(vectors: &CallVectors, options: &ClusterOptions) -> Result<Clustering> {
    if options.min_groups < 2 || options.max_groups < options.min_groups || options.max_groups > 200
    {
        return Err(Error::InvalidArgument(
            "cluster options: need 2 <= min_groups <= max_groups <= 200".into(),
        ));
    }
    let noise_ok = options.noise_deviations.is_finite() && options.noise_deviations > 0.0;
    if !noise_ok || !(0.0..0.5).contains(&options.min_group_share) {
        return Err(Error::InvalidArgument(
            "cluster options: noise_deviations must be positive and min_group_share in [0, 0.5)"
                .into(),
        ));
    }
    let n = vectors.terms.len();
    if n < 10 {
        return Ok(Clustering {
            assignments: vec![Some(0); n],
            groups: usize::from(n > 0),
            distances: vec![0.0; n],
            centroids: Vec::new(),
            noise_limits: Vec::new(),
            silhouette_by_groups: Vec::new(),
        });
    }
    let data = ArrayView2::from_shape((n, vectors.dims), &vectors.features)
        .map_err(|e| Error::InvalidArgument(format!("feature matrix: {e}")))?;
    let step = n.div_ceil(options.selection_sample.max(10));
    let sample: Array2<f32> =
        data.select(ndarray::Axis(0), &(0..n).step_by(step).collect::<Vec<_>>());
    let most = options
        .max_groups
        .min(sample.nrows() / 5)
        .max(options.min_groups);
    let mut best: Option<(f64, Array2<f32>)> = None;
    let mut silhouette_by_groups = Vec::new();
    for k in options.min_groups..=most {
        let model = KMeans::params_with_rng(k, ChaCha8Rng::seed_from_u64(options.seed))
            .n_runs(1)
            .max_n_iterations(30)
            .tolerance(1e-3)
            .fit(&DatasetBase::from(sample.clone()))
            .map_err(|e| Error::InvalidArgument(format!("k-means: {e}")))?;
        let score = simplified_silhouette(sample.view(), model.centroids().view());
        silhouette_by_groups.push((k, score));
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, model.centroids().clone()));
        }
    }
    let (_, chosen) = best.expect("at least one number of groups is tried");
    let final_model =
        KMeans::params_with_rng(chosen.nrows(), ChaCha8Rng::seed_from_u64(options.seed))
            .init_method(KMeansInit::Precomputed(chosen))
            .n_runs(1)
            .max_n_iterations(15)
            .tolerance(1e-3)
            .fit(&DatasetBase::from(data.to_owned()))
            .map_err(|e| Error::InvalidArgument(format!("k-means: {e}")))?;
    let centroids = final_model.centroids();
    let labels = final_model.predict(&data);
    let distances: Vec<f32> = (0..n)
        .map(|i| squared_distance(data.row(i), centroids.row(labels[i])).sqrt())
        .collect();
    // Noise: far from the centre relative to the group's own spread; then groups too small to keep.
    let k = centroids.nrows();
    let mut assignments: Vec<Option<usize>> = labels.iter().map(|&l| Some(l)).collect();
    let mut limits = vec![f32::INFINITY; k];
    for (group, limit) in limits.iter_mut().enumerate() {
        let members: Vec<usize> = (0..n).filter(|&i| labels[i] == group).collect();
        if members.is_empty() {
            continue;
        }
        let mean = members.iter().map(|&i| distances[i]).sum::<f32>() / members.len() as f32;
        let sd = (members
            .iter()
            .map(|&i| (distances[i] - mean).powi(2))
            .sum::<f32>()
            / members.len() as f32)
            .sqrt();
        *limit = mean + options.noise_deviations * sd;
        for &i in &members {
            if distances[i] > *limit {
                assignments[i] = None;
            }
        }
    }
    let min_size = ((options.min_group_share * n as f64).ceil() as usize).max(3);
    let mut sizes = vec![0usize; k];
    assignments.iter().flatten().for_each(|&g| sizes[g] += 1);
    // Renumber kept groups by size, largest first.
    let mut order: Vec<usize> = (0..k).filter(|&g| sizes[g] >= min_size).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(sizes[g]));
    let mut renumber = vec![None; k];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = Some(new);
    }
    for assignment in &mut assignments {
        *assignment = assignment.and_then(|g| renumber[g]);
    }
    Ok(Clustering {
        assignments,
        groups: order.len(),
        distances,
        centroids: order.iter().map(|&g| centroids.row(g).to_vec()).collect(),
        noise_limits: order.iter().map(|&g| limits[g]).collect(),
        silhouette_by_groups,
    })
}

impl Clustering {
    /// The kept group nearest to `row`, or `None` when it lies beyond that group's noise limit.
    pub fn assign(&self, row: &[f32]) -> Option<usize> {
        let (group, distance) = self
            .centroids
            .iter()
            .enumerate()
            .map(|(g, c)| {
                let d: f32 = c.iter().zip(row).map(|(a, b)| (a - b) * (a - b)).sum();
                (g, d.sqrt())
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        (distance <= self.noise_limits[group]).then_some(group)
    }
}

fn squared_distance(a: ndarray::ArrayView1<f32>, b: ndarray::ArrayView1<f32>) -> f32 {
    a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The simplified silhouette (distances to centres instead of to every point): the mean over points of
/// `(b - a) / max(a, b)`, `a` the distance to the nearest centre and `b` to the second nearest.
pub fn simplified_silhouette(data: ArrayView2<f32>, centroids: ArrayView2<f32>) -> f64 {
    let mut total = 0.0;
    for row in data.rows() {
        let (mut nearest, mut second) = (f32::INFINITY, f32::INFINITY);
        for centre in centroids.rows() {
            let d = squared_distance(row, centre);
            if d < nearest {
                second = nearest;
                nearest = d;
            } else if d < second {
                second = d;
            }
        }
        let (a, b) = (nearest.sqrt() as f64, second.sqrt() as f64);
        if b.is_finite() && a.max(b) > 0.0 {
            total += (b - a) / a.max(b);
        }
    }
    total / data.nrows().max(1) as f64
}

/// The adjusted Rand index of two labelings of the same items (1 = identical partitions, about 0 = chance).
/// Labelings of different lengths are an [`Error::InvalidArgument`].
pub fn adjusted_rand_index<A, B>(left: &[A], right: &[B]) -> Result<f64>
where
    A: std::hash::Hash + Eq,
    B: std::hash::Hash + Eq,
{
    if left.len() != right.len() {
        return Err(Error::InvalidArgument(format!(
            "labelings differ in length: {} and {}",
            left.len(),
            right.len()
        )));
    }
    let pairs = |c: f64| c * (c - 1.0) / 2.0;
    let mut table: rustc_hash::FxHashMap<(&A, &B), f64> = Default::default();
    let mut rows: rustc_hash::FxHashMap<&A, f64> = Default::default();
    let mut columns: rustc_hash::FxHashMap<&B, f64> = Default::default();
    for (a, b) in left.iter().zip(right) {
        *table.entry((a, b)).or_default() += 1.0;
        *rows.entry(a).or_default() += 1.0;
        *columns.entry(b).or_default() += 1.0;
    }
    let index: f64 = table.values().map(|&c| pairs(c)).sum();
    let row_sum: f64 = rows.values().map(|&c| pairs(c)).sum();
    let column_sum: f64 = columns.values().map(|&c| pairs(c)).sum();
    let total = pairs(left.len() as f64);
    if total == 0.0 {
        return Ok(1.0);
    }
    let expected = row_sum * column_sum / total;
    let maximum = (row_sum + column_sum) / 2.0;
    if maximum == expected {
        return Ok(1.0);
    }
    Ok((index - expected) / (maximum - expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjusted_rand_index_matches_known_values() {
        assert_eq!(
            adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]).unwrap(),
            1.0
        );
        // sklearn: adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.5714285714285715
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]).unwrap();
        assert!((ari - 0.571_428_571_428_571_5).abs() < 1e-12, "{ari}");
        // sklearn: adjusted_rand_score([0, 0, 0, 1, 1, 1], [0, 1, 2, 0, 1, 2]) = -0.36363636363636365
        let ari = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 1, 2, 0, 1, 2]).unwrap();
        assert!((ari + 4.0 / 11.0).abs() < 1e-12, "{ari}");
        assert!(adjusted_rand_index(&[0], &[0, 1]).is_err());
    }

    #[test]
    fn separated_blobs_are_found_and_outliers_left_out() {
        // Three tight groups of unit vectors along three axes, and a few points between them.
        let dims = 4;
        let mut features = Vec::new();
        let mut truth = Vec::new();
        for i in 0..300 {
            let group = i % 3;
            let mut row = vec![0.02 * ((i * 7 % 5) as f32 - 2.0); dims];
            row[group] = 1.0;
            features.extend(row);
            truth.push(group);
        }
        features.extend([0.7, 0.7, 0.0, 0.1, 0.6, 0.0, 0.6, 0.5]);
        let vectors = CallVectors {
            dims,
            features,
            terms: vec![Vec::new(); 302],
            vocabulary: Vec::new(),
            idf: Vec::new(),
        };
        let clustering = cluster(&vectors, &ClusterOptions::default()).unwrap();
        assert_eq!(
            clustering.groups, 3,
            "{:?}",
            clustering.silhouette_by_groups
        );
        let kept: Vec<usize> = (0..300).filter_map(|i| clustering.assignments[i]).collect();
        assert_eq!(kept.len(), 300);
        assert_eq!(adjusted_rand_index(&kept, &truth).unwrap(), 1.0);
        assert_eq!(clustering.assignments[300], None);
        assert_eq!(clustering.assignments[301], None);
    }

    #[test]
    fn bad_options_are_errors() {
        let vectors = CallVectors {
            dims: 1,
            features: Vec::new(),
            terms: Vec::new(),
            vocabulary: Vec::new(),
            idf: Vec::new(),
        };
        let options = ClusterOptions {
            min_groups: 1,
            ..ClusterOptions::default()
        };
        assert!(cluster(&vectors, &options).is_err());
    }
}
