//! Training of the learned part of [`super::HybridSentimentAnalyzer`].
//!
//! Two ridge models share one feature matrix (hashed n-grams plus the dense
//! lexicon features, see `docs/sentiment.md`):
//!
//! - a polarity regression on the human rating scaled to [-1, 1];
//! - a one-vs-rest ridge classifier for negative / neutral / positive with
//!   class-balanced sample weights.
//!
//! Both are solved exactly (to a tolerance) by conjugate gradients on the
//! normal equations, so training is deterministic: same data, same bytes.

use super::SentimentLabel;
use super::features::{
    DENSE_FEATURES, Family, FeatureSink, bucket_of, char_gram_keys, dense_features, family_norm,
    for_each_hashed,
};
use super::lexicon::Lexicon;
use super::model::{FIRST_CLASS, LinearModel, OUTPUTS, REGRESSION, TrainingInfo, fnv1a};
use super::rules;
use super::tokenize::tokenize;
use crate::{Error, Result};

/// One labelled text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingExample<'a> {
    /// The text.
    pub text: &'a str,
    /// Target polarity in [-1, 1] (for the reference data: mean rating / 4).
    pub polarity: f32,
    /// Target class.
    pub label: SentimentLabel,
}

/// Settings of [`train`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingOptions {
    /// The model hashes n-grams into 2^`bucket_bits` buckets (8..=24); the file grows 8 bytes per bucket.
    pub bucket_bits: u32,
    /// Ridge penalty of the polarity regression.
    pub regression_penalty: f32,
    /// Ridge penalty of the class scores.
    pub class_penalty: f32,
    /// Penalty on the dense lexicon features, relative to the others.
    pub dense_penalty_ratio: f32,
    /// Class weights are (n / (3 n_class))^`class_balance`: 0 = unweighted, 1 = fully balanced.
    pub class_balance: f32,
    /// Conjugate-gradient iterations at most, per output.
    pub max_iterations: usize,
    /// Stop when the residual norm falls below this share of the right-hand side's.
    pub tolerance: f64,
}

impl Default for TrainingOptions {
    fn default() -> Self {
        TrainingOptions {
            bucket_bits: 16,
            regression_penalty: 2.0,
            class_penalty: 4.0,
            dense_penalty_ratio: 0.01,
            class_balance: 1.0,
            max_iterations: 400,
            tolerance: 1e-5,
        }
    }
}

/// Whether a row of the reference data set belongs to the fixed held-out 20 %:
/// FNV-1a of `"{domain}/{id}"` modulo 5 is 0. The shipped model never sees these rows.
pub fn is_held_out(domain: &str, id: &str) -> bool {
    let key = format!("{domain}/{id}");
    fnv1a(key.as_bytes()) % 5 == 0
}

/// FNV-1a fingerprint of the built-in lexicon; a weights file records the one it was trained with.
pub fn lexicon_fingerprint() -> u64 {
    fnv1a(Lexicon::builtin_source().as_bytes())
}

/// A sparse design matrix in compressed rows; the last column is the constant 1.
struct Design {
    offsets: Vec<usize>,
    columns: Vec<u32>,
    values: Vec<f32>,
    width: usize,
}

impl Design {
    fn rows(&self) -> usize {
        self.offsets.len() - 1
    }

    fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let range = self.offsets[i]..self.offsets[i + 1];
        (&self.columns[range.clone()], &self.values[range])
    }
}

/// The feature vector of one text, exactly as the analyzer computes it, as (column, value) pairs.
pub(crate) fn feature_row(lexicon: &Lexicon, text: &str, bucket_bits: u32) -> Vec<(u32, f32)> {
    let mut tokens = Vec::new();
    let shape = tokenize(text, &mut tokens);
    let analysis = rules::analyze(lexicon, &mut tokens);
    let dense = dense_features(&analysis, shape);
    let mut occurrences = Occurrences {
        bucket_bits,
        list: Vec::new(),
    };
    for_each_hashed(text, &tokens, &mut occurrences);
    let mut occurrences = occurrences.list;
    let mut totals = [0u32; 2];
    for &(_, family) in &occurrences {
        totals[family as usize] += 1;
    }
    let scale = totals.map(|n| 1.0 / family_norm(n));
    occurrences.sort_unstable();
    // Each occurrence weighs 1 / family_norm(occurrences of its family); same bucket, summed.
    let mut row: Vec<(u32, f32)> = Vec::with_capacity(occurrences.len() + DENSE_FEATURES + 1);
    for (bucket, family) in occurrences {
        let value = scale[family as usize];
        match row.last_mut() {
            Some(last) if last.0 == bucket => last.1 += value,
            _ => row.push((bucket, value)),
        }
    }
    let buckets = 1u32 << bucket_bits;
    for (i, value) in dense.into_iter().enumerate() {
        if value != 0.0 {
            row.push((buckets + i as u32, value));
        }
    }
    row.push((buckets + DENSE_FEATURES as u32, 1.0));
    row
}

const _: () = assert!(Family::Word as u8 == 0 && Family::Char as u8 == 1);

/// Every hashed feature occurrence of a text as (bucket, family).
struct Occurrences {
    bucket_bits: u32,
    list: Vec<(u32, u8)>,
}

impl FeatureSink for Occurrences {
    fn word_feature(&mut self, key: u64) {
        self.list
            .push((bucket_of(key, self.bucket_bits), Family::Word as u8));
    }

    fn word_grams(&mut self, word: &str, salt: u64, _word_key: u64) {
        char_gram_keys(word, salt, |key| {
            self.list
                .push((bucket_of(key, self.bucket_bits), Family::Char as u8));
        });
    }
}

/// Trains both models on `examples` and returns the weights file bytes.
pub fn train(examples: &[TrainingExample<'_>], options: &TrainingOptions) -> Result<Vec<u8>> {
    if examples.is_empty() {
        return Err(Error::InvalidArgument("no training examples".into()));
    }
    if !(8..=24).contains(&options.bucket_bits) {
        return Err(Error::InvalidArgument(format!(
            "bucket_bits {} outside 8..=24",
            options.bucket_bits
        )));
    }
    let penalties = [
        options.regression_penalty,
        options.class_penalty,
        options.dense_penalty_ratio,
    ];
    if penalties.iter().any(|p| !p.is_finite() || *p <= 0.0) {
        return Err(Error::InvalidArgument(
            "penalties must be positive and finite".into(),
        ));
    }
    if let Some(bad) = examples
        .iter()
        .find(|e| !e.polarity.is_finite() || e.polarity.abs() > 1.0)
    {
        return Err(Error::InvalidArgument(format!(
            "polarity {} outside [-1, 1]",
            bad.polarity
        )));
    }
    let lexicon = Lexicon::builtin()?;
    let buckets = 1usize << options.bucket_bits;
    let width = buckets + DENSE_FEATURES + 1;
    let mut design = Design {
        offsets: vec![0],
        columns: Vec::new(),
        values: Vec::new(),
        width,
    };
    for example in examples {
        for (column, value) in feature_row(lexicon, example.text, options.bucket_bits) {
            design.columns.push(column);
            design.values.push(value);
        }
        design.offsets.push(design.columns.len());
    }

    let classes = [
        SentimentLabel::Negative,
        SentimentLabel::Neutral,
        SentimentLabel::Positive,
    ];
    let class_counts = classes.map(|c| examples.iter().filter(|e| e.label == c).count());
    let mut solutions: Vec<Vec<f64>> = Vec::with_capacity(OUTPUTS);
    for output in 0..OUTPUTS {
        let (weights, targets): (Vec<f64>, Vec<f64>) = if output == REGRESSION {
            examples
                .iter()
                .map(|e| (1.0, f64::from(e.polarity)))
                .unzip()
        } else {
            let class = classes[output - FIRST_CLASS];
            examples
                .iter()
                .map(|e| {
                    let index = classes.iter().position(|&c| c == e.label).unwrap_or(0);
                    let balance = (examples.len() as f64
                        / (classes.len() as f64 * class_counts[index].max(1) as f64))
                        .powf(f64::from(options.class_balance));
                    (balance, if e.label == class { 1.0 } else { -1.0 })
                })
                .unzip()
        };
        let penalty = f64::from(if output == REGRESSION {
            options.regression_penalty
        } else {
            options.class_penalty
        });
        let mut regularisation = vec![penalty; width];
        for r in &mut regularisation[buckets..buckets + DENSE_FEATURES] {
            *r = penalty * f64::from(options.dense_penalty_ratio);
        }
        regularisation[width - 1] = 0.0;
        solutions.push(solve_ridge(
            &design,
            &weights,
            &targets,
            &regularisation,
            options,
        ));
    }

    let value = |output: usize, column: usize| solutions[output][column] as f32;
    let row =
        |column: usize| std::array::from_fn::<f32, OUTPUTS, _>(|output| value(output, column));
    let bucket_rows: Vec<[f32; OUTPUTS]> = (0..buckets).map(row).collect();
    let info = TrainingInfo {
        examples: examples.len() as u32,
        regression_penalty: options.regression_penalty,
        class_penalty: options.class_penalty,
        lexicon_fingerprint: lexicon_fingerprint(),
    };
    let dense = std::array::from_fn(|i| row(buckets + i));
    let model = LinearModel::quantized(
        options.bucket_bits,
        row(width - 1),
        dense,
        &bucket_rows,
        info,
    );
    Ok(model.to_bytes())
}

/// Minimises Σ s_i (x_i·w − y_i)² + Σ_j λ_j w_j² by conjugate gradients on the normal equations.
fn solve_ridge(
    design: &Design,
    weights: &[f64],
    targets: &[f64],
    penalty: &[f64],
    options: &TrainingOptions,
) -> Vec<f64> {
    let width = design.width;
    let apply = |v: &[f64], out: &mut Vec<f64>| {
        out.clear();
        out.extend(v.iter().zip(penalty).map(|(x, l)| x * l));
        for (i, &weight) in weights.iter().enumerate() {
            let (columns, values) = design.row(i);
            let dot: f64 = columns
                .iter()
                .zip(values)
                .map(|(&c, &x)| v[c as usize] * f64::from(x))
                .sum();
            let scaled = dot * weight;
            for (&c, &x) in columns.iter().zip(values) {
                out[c as usize] += scaled * f64::from(x);
            }
        }
    };
    let mut rhs = vec![0f64; width];
    for i in 0..design.rows() {
        let (columns, values) = design.row(i);
        for (&c, &x) in columns.iter().zip(values) {
            rhs[c as usize] += weights[i] * targets[i] * f64::from(x);
        }
    }
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let rhs_norm = dot(&rhs, &rhs).sqrt().max(f64::MIN_POSITIVE);
    let mut solution = vec![0f64; width];
    let mut residual = rhs.clone();
    let mut direction = residual.clone();
    let mut residual_square = dot(&residual, &residual);
    let mut product = Vec::with_capacity(width);
    for _ in 0..options.max_iterations {
        if residual_square.sqrt() <= options.tolerance * rhs_norm {
            break;
        }
        apply(&direction, &mut product);
        let curvature = dot(&direction, &product);
        if curvature <= 0.0 {
            break;
        }
        let step = residual_square / curvature;
        for ((s, r), (d, p)) in solution
            .iter_mut()
            .zip(residual.iter_mut())
            .zip(direction.iter().zip(&product))
        {
            *s += step * d;
            *r -= step * p;
        }
        let next_square = dot(&residual, &residual);
        let ratio = next_square / residual_square;
        for (d, r) in direction.iter_mut().zip(&residual) {
            *d = r + ratio * *d;
        }
        residual_square = next_square;
    }
    solution
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentiment::model::GramMemo;
    use crate::sentiment::{HybridSentimentAnalyzer, SentimentAnalyzer, SentimentConfig};

    fn toy_examples() -> Vec<TrainingExample<'static>> {
        let positive = [
            "great service",
            "love it",
            "works perfectly",
            "very helpful agent",
            "thank you so much",
        ];
        let negative = [
            "terrible service",
            "hate it",
            "broken again",
            "rude agent",
            "worst experience",
        ];
        let neutral = [
            "my account number",
            "the order id",
            "calling about billing",
            "the address is",
            "a phone call",
        ];
        let mut out = Vec::new();
        for (texts, polarity, label) in [
            (positive, 0.7, SentimentLabel::Positive),
            (negative, -0.7, SentimentLabel::Negative),
            (neutral, 0.0, SentimentLabel::Neutral),
        ] {
            out.extend(texts.iter().map(|&text| TrainingExample {
                text,
                polarity,
                label,
            }));
        }
        out
    }

    #[test]
    fn training_is_deterministic_and_loads() {
        let options = TrainingOptions {
            bucket_bits: 10,
            ..TrainingOptions::default()
        };
        let first = train(&toy_examples(), &options).expect("trains");
        let second = train(&toy_examples(), &options).expect("trains");
        assert_eq!(first, second);
        let analyzer = HybridSentimentAnalyzer::from_weights(&first, SentimentConfig::default())
            .expect("loads");
        assert!(analyzer.analyze("great service").unwrap().score > 0.2);
        assert!(analyzer.analyze("terrible service").unwrap().score < -0.2);
        assert_eq!(analyzer.training_info().examples, 15);
    }

    #[test]
    fn the_fast_path_matches_the_training_rows() {
        let options = TrainingOptions {
            bucket_bits: 10,
            ..TrainingOptions::default()
        };
        let bytes = train(&toy_examples(), &options).expect("trains");
        let model = LinearModel::from_bytes(&bytes).expect("loads");
        let lexicon = Lexicon::builtin().unwrap();
        for text in [
            "Not bad at all!!",
            "the the the the",
            "Très bien 😀 :) NOT good, but OK",
            "x",
        ] {
            let row = feature_row(lexicon, text, options.bucket_bits);
            let buckets = 1usize << options.bucket_bits;
            let mut slow = [0f32; OUTPUTS];
            for (column, value) in row {
                let column = column as usize;
                let weights = if column < buckets {
                    model.bucket_weights(column)
                } else if column < buckets + DENSE_FEATURES {
                    model.dense[column - buckets]
                } else {
                    model.bias
                };
                for (s, w) in slow.iter_mut().zip(weights) {
                    *s += w * value;
                }
            }
            let mut tokens = Vec::new();
            let shape = tokenize(text, &mut tokens);
            let analysis = rules::analyze(lexicon, &mut tokens);
            let fast = model.predict(
                text,
                &tokens,
                &dense_features(&analysis, shape),
                &mut GramMemo::default(),
            );
            for (a, b) in slow.iter().zip(fast) {
                assert!((a - b).abs() < 1e-4, "{text}: {slow:?} vs {fast:?}");
            }
        }
    }

    #[test]
    fn the_gram_memo_never_serves_one_model_to_another() {
        let options = TrainingOptions {
            bucket_bits: 10,
            ..TrainingOptions::default()
        };
        let toy = HybridSentimentAnalyzer::from_weights(
            &train(&toy_examples(), &options).expect("trains"),
            SentimentConfig::default(),
        )
        .expect("loads");
        let shipped = HybridSentimentAnalyzer::new().expect("shipped weights load");
        let text = "the service was great but the agent was rude";
        let first = shipped.analyze(text).unwrap();
        let toy_score = toy.analyze(text).unwrap();
        // The same words again, now memoised for the toy model: the shipped model must not see them.
        assert_eq!(shipped.analyze(text).unwrap(), first);
        assert_eq!(toy.analyze(text).unwrap(), toy_score);
        assert_ne!(first.score, toy_score.score);
    }

    #[test]
    fn bad_training_input_is_rejected() {
        let options = TrainingOptions::default();
        assert!(train(&[], &options).is_err());
        let bad = [TrainingExample {
            text: "x",
            polarity: 2.0,
            label: SentimentLabel::Positive,
        }];
        assert!(train(&bad, &options).is_err());
        let options = TrainingOptions {
            bucket_bits: 40,
            ..TrainingOptions::default()
        };
        assert!(train(&toy_examples(), &options).is_err());
    }

    #[test]
    fn the_split_is_fixed_and_about_one_fifth() {
        let held = (0..10_000)
            .filter(|i| is_held_out("tweets", &i.to_string()))
            .count();
        assert!((1_800..2_200).contains(&held), "{held}");
        assert_eq!(is_held_out("tweets", "17"), is_held_out("tweets", "17"));
    }
}
