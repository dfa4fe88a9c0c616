//! Fitting the escalation-risk weights to labelled calls.
//!
//! A logistic regression of "this call escalates within the next `horizon` utterances (or at
//! all)" on the [`RiskFeatures`](super::fusion::RiskFeatures) the session showed after each utterance of the replayed
//! [`RiskTrace`]s (before the explicit request), keeping the risk's formula: the fitted
//! weights are a [`RiskWeights`] with the same drivers. So that every driver still pushes the
//! way its name says, the risk factors' weights are kept at or above 0 and the resolution weight
//! at or below 0 (a weight that would cross is held at 0). Each call weighs 1 in total, shared
//! by its utterances, so long calls do not outweigh short ones; an L2 penalty `l2` (in calls)
//! on the weights, not the intercept, keeps them finite when a feature separates the labels.
//!
//! The optimizer is cyclic coordinate descent with a Newton step per coordinate, clipped to its
//! bound and halved until the penalized log-loss does not rise: deterministic (sums in a fixed
//! order), convergent for this convex objective with box constraints.

use serde::{Deserialize, Serialize};

use super::early_warning::RiskTrace;
use super::{RealtimeError, RiskWeights};

/// How to fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// An utterance is a positive example when its call's request comes at most this many
    /// utterances after it; `None`: when its call escalates at all.
    pub horizon: Option<usize>,
    /// L2 penalty on the weights (not the intercept), in units of calls.
    pub l2: f64,
    /// Weights held at their starting value, by the names of [`RiskWeights::named`].
    pub fixed: Vec<String>,
    /// Most sweeps over the coordinates.
    pub max_sweeps: usize,
}

impl Default for FitOptions {
    /// Label "escalates at all", `l2` 1, nothing fixed, at most 500 sweeps.
    fn default() -> Self {
        FitOptions {
            horizon: None,
            l2: 1.0,
            fixed: Vec::new(),
            max_sweeps: 500,
        }
    }
}

/// The outcome of [`fit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskFit {
    /// The fitted weights.
    pub weights: RiskWeights,
    /// Examples (utterances) fitted on.
    pub examples: usize,
    /// Of which positive.
    pub positives: usize,
    /// Calls fitted on (those with at least one utterance before the request).
    pub calls: usize,
    /// Penalized log-loss per call at the fitted weights.
    pub loss_per_call: f64,
    /// Sweeps run.
    pub sweeps: usize,
    /// Whether the largest change of a weight in the last sweep was below 1e-9.
    pub converged: bool,
}

/// Number of parameters: the intercept and the eight feature weights.
const PARAMS: usize = 9;

/// One example: the intercept's 1 and the features, its label and its weight.
struct Example {
    x: [f64; PARAMS],
    y: f64,
    weight: f64,
}

fn to_params(w: &RiskWeights) -> [f64; PARAMS] {
    let mut p = [0.0; PARAMS];
    p[0] = w.intercept;
    for (slot, (_, value)) in p[1..].iter_mut().zip(w.named()) {
        *slot = value;
    }
    p
}

fn from_params(p: &[f64; PARAMS]) -> RiskWeights {
    RiskWeights {
        intercept: p[0],
        negative_sentiment: p[1],
        anger: p[2],
        frustration: p[3],
        voice_stress: p[4],
        repetition: p[5],
        hold: p[6],
        escalation_request: p[7],
        resolution: p[8],
    }
}

/// Bounds of each parameter: the intercept is free, the risk factors at least 0, resolution at most 0.
fn bounds(j: usize) -> (f64, f64) {
    match j {
        0 => (f64::NEG_INFINITY, f64::INFINITY),
        8 => (f64::NEG_INFINITY, 0.0),
        _ => (0.0, f64::INFINITY),
    }
}

fn examples(traces: &[RiskTrace], horizon: Option<usize>) -> Vec<Example> {
    let mut out = Vec::new();
    for trace in traces.iter().filter(|t| !t.steps.is_empty()) {
        let weight = 1.0 / trace.steps.len() as f64;
        for step in &trace.steps {
            let positive = trace
                .request
                .is_some_and(|r| horizon.is_none_or(|h| r.index.saturating_sub(step.index) <= h));
            let mut x = [1.0; PARAMS];
            x[1..].copy_from_slice(&step.features.values());
            out.push(Example {
                x,
                y: f64::from(u8::from(positive)),
                weight,
            });
        }
    }
    out
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// log(1 + e^z) without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// The penalized loss with parameter `j` moved by `delta` (z holds the current logits).
fn loss(
    examples: &[Example],
    z: &[f64],
    j: usize,
    delta: f64,
    params: &[f64; PARAMS],
    l2: f64,
    free: &[bool; PARAMS],
) -> f64 {
    let data: f64 = examples
        .iter()
        .zip(z)
        .map(|(e, &z)| {
            let z = z + delta * e.x[j];
            e.weight * (softplus(z) - e.y * z)
        })
        .sum();
    let penalty: f64 = (1..PARAMS)
        .filter(|&k| free[k])
        .map(|k| {
            let w = params[k] + if k == j { delta } else { 0.0 };
            w * w
        })
        .sum();
    data + 0.5 * l2 * penalty
}

/// Fits the weights to `traces`, starting from `start` (which also gives the fixed weights).
/// Fails when a fixed name is unknown, `l2` is negative or not finite, there is no example, or
/// the examples are all of one label.
pub fn fit(
    traces: &[RiskTrace],
    start: &RiskWeights,
    options: &FitOptions,
) -> Result<RiskFit, RealtimeError> {
    let invalid = |message: String| Err(RealtimeError::InvalidConfig(message));
    if !(options.l2.is_finite() && options.l2 >= 0.0) {
        return invalid(format!(
            "l2 must be finite and non-negative, got {}",
            options.l2
        ));
    }
    let names = start.named().map(|(name, _)| name);
    let mut free = [true; PARAMS];
    for name in &options.fixed {
        match names.iter().position(|n| n == name) {
            Some(i) => free[i + 1] = false,
            None => return invalid(format!("unknown risk weight {name:?} to hold fixed")),
        }
    }
    start.validate()?;
    // Features come from call states, each in [0, 1]; a hand-made trace may hold anything.
    if let Some((index, _)) = traces.iter().enumerate().find(|(_, t)| {
        t.steps
            .iter()
            .any(|s| !s.features.values().iter().all(|v| (0.0..=1.0).contains(v)))
    }) {
        return invalid(format!(
            "trace {index} has a risk feature outside [0, 1] (or not a number)"
        ));
    }
    let examples = examples(traces, options.horizon);
    let positives = examples.iter().filter(|e| e.y > 0.0).count();
    if positives == 0 || positives == examples.len() {
        return invalid(format!(
            "fitting needs both labels; {positives} of {} examples are positive",
            examples.len()
        ));
    }
    let mut params = to_params(start);
    let mut z: Vec<f64> = examples
        .iter()
        .map(|e| e.x.iter().zip(&params).map(|(x, p)| x * p).sum())
        .collect();
    let (mut sweeps, mut converged) = (0, false);
    while sweeps < options.max_sweeps && !converged {
        sweeps += 1;
        let mut largest = 0.0f64;
        for j in (0..PARAMS).filter(|&j| free[j]) {
            let penalized = j > 0;
            let (mut gradient, mut curvature) = (0.0, 0.0);
            for (e, &zi) in examples.iter().zip(&z) {
                let p = sigmoid(zi);
                gradient += e.weight * (p - e.y) * e.x[j];
                curvature += e.weight * p * (1.0 - p) * e.x[j] * e.x[j];
            }
            if penalized {
                gradient += options.l2 * params[j];
                curvature += options.l2;
            }
            if curvature <= 0.0 {
                continue;
            }
            let (low, high) = bounds(j);
            let before = loss(&examples, &z, j, 0.0, &params, options.l2, &free);
            let mut delta = (params[j] - gradient / curvature).clamp(low, high) - params[j];
            let mut halvings = 0;
            while delta != 0.0
                && loss(&examples, &z, j, delta, &params, options.l2, &free) > before
                && halvings < 40
            {
                delta /= 2.0;
                halvings += 1;
            }
            if halvings == 40 {
                delta = 0.0;
            }
            if delta != 0.0 {
                params[j] += delta;
                for (zi, e) in z.iter_mut().zip(&examples) {
                    *zi += delta * e.x[j];
                }
                largest = largest.max(delta.abs());
            }
        }
        converged = largest < 1e-9;
    }
    let calls = traces.iter().filter(|t| !t.steps.is_empty()).count();
    let total = loss(&examples, &z, 0, 0.0, &params, options.l2, &free);
    Ok(RiskFit {
        weights: from_params(&params),
        examples: examples.len(),
        positives,
        calls,
        loss_per_call: total / calls as f64,
        sweeps,
        converged,
    })
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::realtime::early_warning::{RequestPoint, RiskStep};
    use crate::realtime::fusion::RiskFeatures;

    /// Single-step calls whose label is drawn from a known logistic model of their features.
    fn synthetic(truth: &RiskWeights, calls: usize, seed: u64) -> Vec<RiskTrace> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..calls)
            .map(|_| {
                let mut v = [0.0; 8];
                for x in &mut v {
                    *x = rng.random::<f64>();
                }
                let features = RiskFeatures {
                    negative_sentiment: v[0],
                    anger: v[1],
                    frustration: v[2],
                    voice_stress: v[3],
                    repetition: v[4],
                    hold: v[5],
                    escalation_request: v[6],
                    resolution: v[7],
                };
                let escalates = rng.random::<f64>() < features.risk(truth);
                RiskTrace {
                    steps: vec![RiskStep {
                        index: 0,
                        end_ms: 1000,
                        features,
                    }],
                    request: escalates.then_some(RequestPoint {
                        index: 1,
                        start_ms: 2000,
                    }),
                }
            })
            .collect()
    }

    #[test]
    fn recovers_the_weights_of_a_known_logistic_model() {
        let truth = RiskWeights {
            intercept: -2.0,
            negative_sentiment: 2.5,
            anger: 1.0,
            frustration: 0.0,
            voice_stress: 0.5,
            repetition: 1.5,
            hold: 0.0,
            escalation_request: 2.0,
            resolution: -1.0,
        };
        let traces = synthetic(&truth, 40_000, 7);
        let options = FitOptions {
            l2: 0.0,
            ..FitOptions::default()
        };
        let fit = fit(&traces, &RiskWeights::HAND_SET, &options).unwrap();
        assert!(fit.converged, "{fit:?}");
        assert_eq!(fit.calls, 40_000);
        let got = to_params(&fit.weights);
        for (j, want) in to_params(&truth).into_iter().enumerate() {
            assert!(
                (got[j] - want).abs() < 0.2,
                "parameter {j}: {} vs {want}",
                got[j]
            );
        }
        assert_eq!(
            fit,
            super::fit(&traces, &RiskWeights::HAND_SET, &options).unwrap()
        );
    }

    #[test]
    fn refuses_features_outside_their_range() {
        let mut traces = synthetic(&RiskWeights::HAND_SET, 200, 5);
        traces[7].steps[0].features.hold = f64::NAN;
        let error = fit(&traces, &RiskWeights::HAND_SET, &FitOptions::default()).unwrap_err();
        assert!(error.to_string().contains("trace 7"), "{error}");
    }

    #[test]
    fn keeps_each_weight_on_its_side_and_holds_fixed_ones() {
        // Anger lowers the risk and resolution raises it in this model: both stop at 0.
        let truth = RiskWeights {
            intercept: -1.0,
            negative_sentiment: 1.0,
            ..RiskWeights::ZERO
        };
        let mut traces = synthetic(&truth, 20_000, 3);
        for trace in &mut traces {
            let f = &mut trace.steps[0].features;
            let escalated = trace.request.is_some();
            f.anger = if escalated { 0.1 } else { 0.9 };
            f.resolution = if escalated { 0.9 } else { 0.1 };
        }
        let options = FitOptions {
            fixed: vec!["hold".into()],
            ..FitOptions::default()
        };
        let fit = fit(&traces, &RiskWeights::HAND_SET, &options).unwrap();
        assert_eq!(fit.weights.anger, 0.0);
        assert_eq!(fit.weights.resolution, 0.0);
        assert_eq!(fit.weights.hold, RiskWeights::HAND_SET.hold);
        assert!(fit.weights.negative_sentiment > 0.5, "{:?}", fit.weights);
        fit.weights.validate().unwrap();
    }

    #[test]
    fn bad_options_are_refused() {
        let traces = synthetic(&RiskWeights::HAND_SET, 200, 1);
        let unknown = FitOptions {
            fixed: vec!["mood".into()],
            ..FitOptions::default()
        };
        assert!(fit(&traces, &RiskWeights::HAND_SET, &unknown).is_err());
        let negative = FitOptions {
            l2: -1.0,
            ..FitOptions::default()
        };
        assert!(fit(&traces, &RiskWeights::HAND_SET, &negative).is_err());
        let calm: Vec<RiskTrace> = traces
            .into_iter()
            .map(|t| RiskTrace { request: None, ..t })
            .collect();
        assert!(fit(&calm, &RiskWeights::HAND_SET, &FitOptions::default()).is_err());
    }
}
