//! Non-seasonal exponential smoothing (ETS) fitted by maximum likelihood, for the four shapes
//! the forecasters search: ANN, AAdN, MNN and MAdN.
//!
//! It follows augurs-ets 0.10 (a port of statsforecast's and R forecast's `ets`): the same
//! starting parameters and states (the trend shapes' starting line is a closed-form
//! least-squares fit here, an SVD solve there), the same bounds, the same Nelder–Mead simplex
//! with the same stopping rule, the same likelihood, AICc and interval formulas, each equal to
//! augurs-ets' by algebra and computed in an order that rounds differently. The tests fit both
//! on the same series and require agreement to 1e-12. It is faster because its likelihood pass
//! does only what the likelihood needs (augurs-ets' pass also takes the logarithm of every
//! one-step forecast for additive-error models and then discards it, computes three forecasts
//! per step for an average-MSE criterion that is not being optimised, and stores every
//! intermediate state), and because of how it runs the recursion ([`recursion`]). Those passes
//! were about three quarters of a forecast of a short daily series (`docs/forecasting.md`).

use std::fmt;

use super::{ForecastError, normal_quantile};

/// How the errors enter a model: added to the one-step forecast, or proportional to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// `y = forecast + e`.
    Additive,
    /// `y = forecast · (1 + e)`; for positive series.
    Multiplicative,
}

/// A non-seasonal ETS shape: the error kind, and whether the level carries a damped additive
/// trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EtsShape {
    /// How errors enter.
    pub error: ErrorKind,
    /// A damped additive trend (AAdN, MAdN) or none (ANN, MNN).
    pub damped_trend: bool,
}

impl fmt::Display for EtsShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = match self.error {
            ErrorKind::Additive => 'A',
            ErrorKind::Multiplicative => 'M',
        };
        let trend = if self.damped_trend { "Ad" } else { "N" };
        write!(f, "ETS({error}{trend}N)")
    }
}

/// The non-seasonal ETS shapes searched, in order: no trend or a damped additive trend, with
/// additive errors and (for positive data) multiplicative ones. Undamped trends (AAN, MAN) are
/// left out: damped trends forecast at least as well over several steps, and on the
/// evaluation series dropping them changed no rolling MASE by more than 0.001 while making the
/// search a third cheaper (`docs/forecasting.md`).
pub(crate) const ETS_SHAPES: [EtsShape; 4] = [
    EtsShape {
        error: ErrorKind::Additive,
        damped_trend: false,
    },
    EtsShape {
        error: ErrorKind::Additive,
        damped_trend: true,
    },
    EtsShape {
        error: ErrorKind::Multiplicative,
        damped_trend: false,
    },
    EtsShape {
        error: ErrorKind::Multiplicative,
        damped_trend: true,
    },
];

/// Smoothing parameters: level (`alpha`), trend (`beta`) and damping (`phi`). Models without
/// a trend have `beta = 0` and `phi = 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Smoothing {
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing.
    pub beta: f64,
    /// Trend damping.
    pub phi: f64,
}

/// Lower bounds of alpha, beta and phi during optimisation (augurs-ets' and R's "usual" ones).
const LOWER: [f64; 3] = [1e-4, 1e-4, 0.8];
/// Upper bounds of alpha, beta and phi; beta is further held below alpha's starting value.
const UPPER: [f64; 3] = [0.9999, 0.9999, 0.98];
/// Most optimiser iterations.
const MAX_ITERATIONS: usize = 2_000;
/// The optimiser stops when the standard deviation of the simplex's costs falls below this.
const COST_TOLERANCE: f64 = 1e-4;
/// Optimised values of the largest shape: alpha, beta, phi, initial level and slope.
const MAX_DIMS: usize = 5;
/// A one-step forecast closer to 0 than this is moved by it before dividing by it (augurs-ets'
/// guard for multiplicative errors).
const TINY_FORECAST: f64 = 1e-10;

/// A fitted non-seasonal ETS model.
#[derive(Debug, Clone)]
pub(crate) struct FittedEts {
    shape: EtsShape,
    smoothing: Smoothing,
    /// The state after the last value: level and slope (0 without a trend).
    level: f64,
    slope: f64,
    /// Number of values fitted.
    n_values: usize,
    /// Sum of squared errors (relative errors for multiplicative models).
    sum_squared_errors: f64,
    /// `-2 log L` up to a constant.
    neg2_log_likelihood: f64,
    /// Optimised values (smoothing parameters and initial states).
    n_params: usize,
}

impl FittedEts {
    /// Fits `shape` to `y` (finite values; positive ones for multiplicative errors) by
    /// maximum likelihood. Fails when `y` has no more values than the shape has parameters
    /// plus one.
    pub fn fit(y: &[f64], shape: EtsShape) -> Result<Self, ForecastError> {
        let start = Start::new(y, shape)?;
        let dims = start.point.len();
        if dims + 1 >= y.len() {
            return Err(ForecastError::Model(format!(
                "{shape}: {} values are too few for {dims} parameters",
                y.len()
            )));
        }
        let best =
            start.optimise(|values| filter(shape, y, values).neg2_log_likelihood(shape, y.len()));
        Ok(Self::final_pass(y, shape, &best[..dims]))
    }

    /// Runs the model with the optimised values once more, keeping what forecasts need.
    fn final_pass(y: &[f64], shape: EtsShape, values: &[f64]) -> Self {
        let (smoothing, _, _) = unpack(shape, values);
        let run = filter(shape, y, values);
        let mut neg2_log_likelihood = run.neg2_log_likelihood(shape, y.len());
        // augurs-ets and R's `ets` treat this value as the C code's failure marker.
        if (neg2_log_likelihood + 99_999.0).abs() < 1e-7 {
            neg2_log_likelihood = f64::NAN;
        }
        Self {
            shape,
            smoothing,
            level: run.level,
            slope: run.slope,
            n_values: y.len(),
            sum_squared_errors: run.sum_squared_errors,
            neg2_log_likelihood,
            n_params: values.len(),
        }
    }

    /// The fitted shape.
    pub fn shape(&self) -> EtsShape {
        self.shape
    }

    /// The corrected Akaike information criterion (the variance counts as a parameter);
    /// infinite when there are too few values for it.
    pub fn aicc(&self) -> f64 {
        let k = self.n_params + 1;
        let aic = self.neg2_log_likelihood + 2.0 * self.n_params as f64;
        match self.n_values.checked_sub(k + 1) {
            None | Some(0) => f64::INFINITY,
            Some(denominator) => aic + 2.0 * k as f64 * (k as f64 + 1.0) / denominator as f64,
        }
    }

    /// Point forecasts for the next `horizon` steps.
    pub fn point_forecast(&self, horizon: usize) -> Vec<f64> {
        let Smoothing { phi, .. } = self.smoothing;
        let mut point = Vec::with_capacity(horizon);
        let mut damped_sum = phi;
        for step in 0..horizon {
            point.push(if self.shape.damped_trend {
                self.level + damped_sum * self.slope
            } else {
                self.level
            });
            damped_sum += if (phi - 1.0).abs() < 1e-10 {
                1.0
            } else {
                phi.powi(step as i32 + 1)
            };
        }
        point
    }

    /// Forecast standard deviation per step (Hyndman et al., *Forecasting with Exponential
    /// Smoothing*, ch. 6: class 1 for additive errors, class 2 for multiplicative ones),
    /// given the point forecasts.
    pub fn forecast_sd(&self, point: &[f64]) -> Vec<f64> {
        let Smoothing { alpha, beta, phi } = self.smoothing;
        let horizon = point.len();
        // The residual variance, with the degrees of freedom augurs-ets and R use.
        let variance =
            self.sum_squared_errors / (self.n_values as f64 - self.n_params as f64 - 2.0);
        match (self.shape.error, self.shape.damped_trend) {
            (ErrorKind::Additive, false) => (1..=horizon)
                .map(|h| (((h as f64 - 1.0) * alpha.powi(2) + 1.0) * variance).sqrt())
                .collect(),
            (ErrorKind::Additive, true) => {
                let phi_2 = phi.powi(2);
                let exp3 = 2.0 * alpha * (1.0 - phi) + beta * phi;
                (1..=horizon)
                    .map(|h| {
                        let s = h as f64;
                        let phi_s = phi.powi(h as i32);
                        let exp2 = (beta * phi * s) / (1.0 - phi).powi(2);
                        let exp4 =
                            (beta * phi * (1.0 - phi_s)) / ((1.0 - phi).powi(2) * (1.0 - phi_2));
                        let exp5 =
                            2.0 * alpha * (1.0 - phi_2) + beta * phi * (1.0 + 2.0 * phi - phi_s);
                        ((1.0 + alpha.powi(2) * (s - 1.0) + exp2 * exp3 - exp4 * exp5) * variance)
                            .sqrt()
                    })
                    .collect()
            }
            (ErrorKind::Multiplicative, damped) => {
                // c_j: how much of an error j steps back still moves the forecast,
                // `alpha + beta · (phi + … + phi^j)` with a damped trend.
                let mut damped_sum = 0.0;
                let carry_squared: Vec<f64> = (1..=horizon)
                    .map(|j| {
                        damped_sum += phi.powi(j as i32);
                        let c = if damped {
                            alpha + beta * damped_sum
                        } else {
                            alpha
                        };
                        c.powi(2)
                    })
                    .collect();
                let mut theta: Vec<f64> = Vec::with_capacity(horizon);
                for p in point {
                    let carried: f64 = theta
                        .iter()
                        .rev()
                        .zip(&carry_squared)
                        .map(|(t, c)| t * c)
                        .sum();
                    theta.push(p.powi(2) + carried * variance);
                }
                theta
                    .iter()
                    .zip(point)
                    .map(|(t, p)| ((1.0 + variance) * t - p.powi(2)).sqrt())
                    .collect()
            }
        }
    }

    /// Point forecasts and the band at `level` (a probability in (0, 1)) around them.
    pub fn forecast_with_band(&self, horizon: usize, level: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let point = self.point_forecast(horizon);
        let z = normal_quantile(0.5 + level / 2.0);
        let sd = self.forecast_sd(&point);
        let lower = point.iter().zip(&sd).map(|(p, s)| p - z * s).collect();
        let upper = point.iter().zip(&sd).map(|(p, s)| p + z * s).collect();
        (point, lower, upper)
    }
}

/// Where the optimiser starts: the smoothing parameters and initial states, and their bounds.
struct Start {
    point: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl Start {
    /// augurs-ets' (and R's) starting values: alpha a fifth of the way up its range, beta a
    /// tenth of the way up to alpha, phi near its top; the level (and slope) from a
    /// least-squares line through the first ten values.
    fn new(y: &[f64], shape: EtsShape) -> Result<Self, ForecastError> {
        let alpha = LOWER[0] + 0.2 * (UPPER[0] - LOWER[0]);
        let first = &y[..10.min(y.len())];
        if first.len() < 2 {
            return Err(ForecastError::Model(format!(
                "{shape}: needs at least 2 values"
            )));
        }
        if !shape.damped_trend {
            let level = first.iter().sum::<f64>() / first.len() as f64;
            return Ok(Self {
                point: vec![alpha, level],
                lower: vec![LOWER[0], f64::NEG_INFINITY],
                upper: vec![UPPER[0], f64::INFINITY],
            });
        }
        let beta_upper = UPPER[1].min(alpha);
        let beta = LOWER[1] + 0.1 * (beta_upper - LOWER[1]);
        let beta = if beta < 0.0 || beta > alpha {
            alpha - 1e-3
        } else {
            beta
        };
        let phi = LOWER[2] + 0.99 * (UPPER[2] - LOWER[2]);
        let (mut level, mut slope) = least_squares_line(first);
        if (level + slope).abs() < 1e-8 {
            level *= 1.0 + 1e-3;
            slope *= 1.0 + 1e-3;
        }
        Ok(Self {
            point: vec![alpha, beta, phi, level, slope],
            lower: vec![
                LOWER[0],
                LOWER[1],
                LOWER[2],
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            upper: vec![UPPER[0], beta_upper, UPPER[2], f64::INFINITY, f64::INFINITY],
        })
    }

    /// Minimises `cost(values)` by Nelder–Mead as augurs-ets and statsforecast do:
    /// expansion `1 + 2/n`, contractions `0.75 − 1/(2n)`, shrink `1 − 1/n`, reflected,
    /// expanded and contracted points clamped to the bounds (shrunk ones lie between points
    /// inside them), stopping when the costs' standard deviation is below
    /// [`COST_TOLERANCE`] or after [`MAX_ITERATIONS`].
    fn optimise(&self, cost: impl Fn(&[f64]) -> f64) -> [f64; MAX_DIMS] {
        let n = self.point.len();
        let nf = n as f64;
        let (expansion, contraction, shrink) =
            (1.0 + 2.0 / nf, 0.75 - 1.0 / (2.0 * nf), 1.0 - 1.0 / nf);
        // Vertices are arrays of the largest size; the entries past `n` stay 0.
        let clamp = |x: &mut [f64; MAX_DIMS]| {
            for ((value, lower), upper) in x.iter_mut().zip(&self.lower).zip(&self.upper) {
                *value = value.clamp(*lower, *upper);
            }
        };
        let mut simplex = [[0.0; MAX_DIMS]; MAX_DIMS + 1];
        for (k, vertex) in simplex.iter_mut().take(n + 1).enumerate() {
            vertex[..n].copy_from_slice(&self.point);
            clamp(vertex);
            if k < n {
                vertex[k] = if vertex[k].abs() < 1e-8 {
                    1e-4
                } else {
                    vertex[k] * 1.05
                };
                clamp(vertex);
            }
        }
        let mut costs: [f64; MAX_DIMS + 1] =
            std::array::from_fn(|k| if k <= n { cost(&simplex[k][..n]) } else { 0.0 });
        let mut order: Vec<(usize, f64)> = Vec::with_capacity(n + 1);
        let mut best = 0;
        for _ in 0..MAX_ITERATIONS {
            order.clear();
            order.extend(costs[..=n].iter().copied().enumerate());
            order.sort_unstable_by(|(_, a), (_, b)| {
                a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
            });
            best = order[0].0;
            let worst = order[n].0;
            let second_worst = order[n - 1].0;
            if population_sd(&costs[..=n]) < COST_TOLERANCE {
                break;
            }
            let mut centroid = [0.0; MAX_DIMS];
            for (_, vertex) in simplex
                .iter()
                .enumerate()
                .take(n + 1)
                .filter(|(k, _)| *k != worst)
            {
                for (c, v) in centroid.iter_mut().zip(vertex) {
                    *c += v;
                }
            }
            for c in &mut centroid {
                *c /= nf;
            }
            // `from + t·(to − from)`, clamped.
            let towards = |from: &[f64; MAX_DIMS], to: &[f64; MAX_DIMS], t: f64| {
                let mut x = std::array::from_fn(|i| from[i] + t * (to[i] - from[i]));
                clamp(&mut x);
                x
            };
            let mut reflected =
                std::array::from_fn(|i| centroid[i] + (centroid[i] - simplex[worst][i]));
            clamp(&mut reflected);
            let reflected_cost = cost(&reflected[..n]);
            if costs[best] <= reflected_cost && reflected_cost < costs[second_worst] {
                (simplex[worst], costs[worst]) = (reflected, reflected_cost);
                continue;
            }
            if reflected_cost < costs[best] {
                let expanded = towards(&centroid, &reflected, expansion);
                let expanded_cost = cost(&expanded[..n]);
                (simplex[worst], costs[worst]) = if expanded_cost < reflected_cost {
                    (expanded, expanded_cost)
                } else {
                    (reflected, reflected_cost)
                };
                continue;
            }
            if costs[second_worst] <= reflected_cost && reflected_cost < costs[worst] {
                let outside = towards(&centroid, &reflected, contraction);
                let outside_cost = cost(&outside[..n]);
                if outside_cost <= reflected_cost {
                    (simplex[worst], costs[worst]) = (outside, outside_cost);
                    continue;
                }
            } else {
                let inside = towards(&centroid, &reflected, -contraction);
                let inside_cost = cost(&inside[..n]);
                if inside_cost < costs[worst] {
                    (simplex[worst], costs[worst]) = (inside, inside_cost);
                    continue;
                }
            }
            let best_vertex = simplex[best];
            for (k, vertex) in simplex.iter_mut().enumerate().take(n + 1) {
                if k != best {
                    for (v, b) in vertex.iter_mut().zip(&best_vertex) {
                        *v = b + shrink * (*v - b);
                    }
                    costs[k] = cost(&vertex[..n]);
                }
            }
        }
        simplex[best]
    }
}

/// The least-squares line `level + slope · t` through `y` at `t = 1, 2, …`.
fn least_squares_line(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    let mean_t = (n + 1.0) / 2.0;
    let mean_y = y.iter().sum::<f64>() / n;
    let (mut covariance, mut variance) = (0.0, 0.0);
    for (t, value) in y.iter().enumerate() {
        let dt = (t + 1) as f64 - mean_t;
        covariance += dt * (value - mean_y);
        variance += dt * dt;
    }
    let slope = covariance / variance;
    (mean_y - slope * mean_t, slope)
}

/// Population standard deviation by Welford's update, as augurs-ets computes it except that
/// its multiply-add is fused there (`mul_add`). Without the FMA instruction in the build's
/// target, `mul_add` calls the runtime's `fma`, which queries the CPU's features on its first
/// call in a process: about 0.1 ms on this project's virtual machines (perf), a tenth of a short
/// series' forecast. The difference is rounding in a value the stopping rule compares with
/// 1e-4.
fn population_sd(values: &[f64]) -> f64 {
    let (mut mean, mut sum_squares) = (0.0, 0.0);
    for (i, &x) in values.iter().enumerate() {
        let delta = x - mean;
        mean += delta / (i + 1) as f64;
        sum_squares += (x - mean) * delta;
    }
    (sum_squares / values.len() as f64).sqrt()
}

/// The smoothing parameters and initial level and slope in an optimiser's vector.
fn unpack(shape: EtsShape, values: &[f64]) -> (Smoothing, f64, f64) {
    if shape.damped_trend {
        let smoothing = Smoothing {
            alpha: values[0],
            beta: values[1],
            phi: values[2],
        };
        (smoothing, values[3], values[4])
    } else {
        let smoothing = Smoothing {
            alpha: values[0],
            beta: 0.0,
            phi: 1.0,
        };
        (smoothing, values[1], 0.0)
    }
}

/// `ln x`, or `ln(x + 1e-8)` when `x` is not positive (augurs-ets' guard).
fn log_positive(x: f64) -> f64 {
    if x > 0.0 { x.ln() } else { (x + 1e-8).ln() }
}

/// What a run of the recursion leaves: the final state and the sums the likelihood needs.
struct Filtered {
    level: f64,
    slope: f64,
    sum_squared_errors: f64,
    /// `Σ ln |one-step forecast|`; multiplicative models only (0 otherwise).
    sum_log_forecasts: f64,
}

impl Filtered {
    /// `-2 log L` up to a constant: `n · ln Σe²`, plus `2 Σ ln |forecast|` for multiplicative
    /// errors. The optimiser's cost.
    fn neg2_log_likelihood(&self, shape: EtsShape, n: usize) -> f64 {
        let mut value = n as f64 * log_positive(self.sum_squared_errors);
        if shape.error == ErrorKind::Multiplicative {
            value += 2.0 * self.sum_log_forecasts;
        }
        value
    }
}

/// Runs the state-space recursion of `shape` over `y` from the optimiser's `values`.
fn filter(shape: EtsShape, y: &[f64], values: &[f64]) -> Filtered {
    match (shape.damped_trend, shape.error) {
        (false, ErrorKind::Additive) => recursion::<false, false>(shape, y, values),
        (false, ErrorKind::Multiplicative) => recursion::<false, true>(shape, y, values),
        (true, ErrorKind::Additive) => recursion::<true, false>(shape, y, values),
        (true, ErrorKind::Multiplicative) => recursion::<true, true>(shape, y, values),
    }
}

/// [`filter`], compiled for one shape: the per-value loop is the optimiser's whole cost.
///
/// The model: with `f = level + phi · slope` the one-step forecast (`level` without a trend)
/// and `d = y − f`, the error is `d`, or `d / f` for multiplicative errors; the level becomes
/// `f + alpha · d` and the slope `phi · slope + beta · d`, for both error kinds. The loop
/// carries the forecast and the damped slope `g = phi · slope` instead, a linear recursion:
/// `f' = (1 − k) · f + phi · g + k · y` with `k = alpha + phi · beta` (`alpha` without a
/// trend) and `g' = phi · g + phi · beta · (y − f)`. It steps two values at a time (the
/// [`TwoSteps`] coefficients), computing the forecast in between off that path; the state
/// after the last value follows from the next forecast (`level = f − g`, `slope = g / phi`).
///
/// This is augurs-ets' recursion by algebra (it updates the slope as `phi · slope + (beta /
/// alpha) · (level' − level − phi · slope)`, a form that also covers multiplicative trends),
/// but where each value waited on the previous one for nine dependent operations, each pair
/// of values now waits on the previous pair for three; and `Σ ln |f|` is the logarithm of a
/// product ([`LogSum`]) instead of a logarithm per value. The fits agree with augurs-ets' to
/// rounding (the tests).
#[inline(always)]
fn recursion<const TREND: bool, const MULTIPLICATIVE: bool>(
    shape: EtsShape,
    y: &[f64],
    values: &[f64],
) -> Filtered {
    let (smoothing, level, slope) = unpack(shape, values);
    let step = TwoSteps::new::<TREND>(smoothing);
    let mut damped_slope = if TREND { smoothing.phi * slope } else { 0.0 };
    let mut forecast = level + damped_slope;
    let mut errors = ErrorSums::<MULTIPLICATIVE>::default();
    let mut pairs = y.chunks_exact(2);
    for pair in &mut pairs {
        let (first, second) = (pair[0], pair[1]);
        let (next_forecast, _) = step.one::<TREND>(forecast, damped_slope, first);
        errors.add(first, forecast);
        errors.add(second, next_forecast);
        (forecast, damped_slope) = step.two::<TREND>(forecast, damped_slope, first, second);
    }
    if let [last] = pairs.remainder() {
        errors.add(*last, forecast);
        (forecast, damped_slope) = step.one::<TREND>(forecast, damped_slope, *last);
    }
    let (level, slope) = if TREND {
        (forecast - damped_slope, damped_slope / smoothing.phi)
    } else {
        (forecast, 0.0)
    };
    Filtered {
        level,
        slope,
        sum_squared_errors: errors.squares,
        sum_log_forecasts: errors.log_forecasts(),
    }
}

/// The coefficients of one and of two steps of the forecast recursion (see [`recursion`]):
/// `(f, g)` and the next value (or two) give the next forecast and damped slope.
struct TwoSteps {
    phi: f64,
    gain: f64,
    keep: f64,
    phi_beta: f64,
    /// Two steps: `f'' = ff · f + fg · g + fy · y + gain · y'` and
    /// `g'' = gf · f + gg · g + gy · y + phi_beta · y'`.
    ff: f64,
    fg: f64,
    fy: f64,
    gf: f64,
    gg: f64,
    gy: f64,
}

impl TwoSteps {
    fn new<const TREND: bool>(smoothing: Smoothing) -> Self {
        let Smoothing { alpha, beta, phi } = smoothing;
        let (gain, phi_beta) = if TREND {
            (alpha + phi * beta, phi * beta)
        } else {
            (alpha, 0.0)
        };
        let keep = 1.0 - gain;
        Self {
            phi,
            gain,
            keep,
            phi_beta,
            ff: keep * keep - phi * phi_beta,
            fg: phi * (keep + phi),
            fy: keep * gain + phi * phi_beta,
            gf: -phi_beta * (phi + keep),
            gg: phi * (phi - phi_beta),
            gy: phi_beta * (phi - gain),
        }
    }

    /// The forecast and damped slope after the value `y`.
    #[inline(always)]
    fn one<const TREND: bool>(&self, f: f64, g: f64, y: f64) -> (f64, f64) {
        if TREND {
            let carried = self.phi * g;
            (
                self.keep * f + (carried + self.gain * y),
                carried + self.phi_beta * (y - f),
            )
        } else {
            (self.keep * f + self.gain * y, 0.0)
        }
    }

    /// The forecast and damped slope after the values `y` and `y_next`.
    #[inline(always)]
    fn two<const TREND: bool>(&self, f: f64, g: f64, y: f64, y_next: f64) -> (f64, f64) {
        if TREND {
            (
                self.ff * f + self.fg * g + (self.fy * y + self.gain * y_next),
                self.gf * f + self.gg * g + (self.gy * y + self.phi_beta * y_next),
            )
        } else {
            (self.ff * f + (self.fy * y + self.gain * y_next), 0.0)
        }
    }
}

/// The likelihood's sums over the one-step errors: of their squares (relative errors for
/// multiplicative models) and, for multiplicative models, of `ln |forecast|`.
#[derive(Default)]
struct ErrorSums<const MULTIPLICATIVE: bool> {
    squares: f64,
    logs: LogSum,
}

impl<const MULTIPLICATIVE: bool> ErrorSums<MULTIPLICATIVE> {
    #[inline(always)]
    fn add(&mut self, value: f64, forecast: f64) {
        let deviation = value - forecast;
        let error = if MULTIPLICATIVE {
            let divisor = if forecast.abs() < TINY_FORECAST {
                forecast + TINY_FORECAST
            } else {
                forecast
            };
            deviation / divisor
        } else {
            deviation
        };
        self.squares += error * error;
        if MULTIPLICATIVE {
            self.logs.add_abs(forecast);
        }
    }

    fn log_forecasts(&self) -> f64 {
        if MULTIPLICATIVE {
            self.logs.value()
        } else {
            0.0
        }
    }
}

/// `Σ ln |x|` (each `|x|` guarded like [`log_positive`]) as the logarithm of the running
/// product: a multiplication per value instead of a logarithm. The product is kept within
/// `2^±300` by moving its binary exponent to `twos` (exact); a factor beyond `2^±700` (or not
/// finite) is logged on its own, so that the product can neither overflow nor underflow.
#[derive(Debug)]
struct LogSum {
    product: f64,
    twos: i64,
    logged: f64,
}

impl Default for LogSum {
    fn default() -> Self {
        Self {
            product: 1.0,
            twos: 0,
            logged: 0.0,
        }
    }
}

impl LogSum {
    const PRODUCT_RANGE: std::ops::RangeInclusive<f64> =
        f64::from_bits((1023 - 300) << 52)..=f64::from_bits((1023 + 300) << 52);
    const FACTOR_RANGE: std::ops::RangeInclusive<f64> =
        f64::from_bits((1023 - 700) << 52)..=f64::from_bits((1023 + 700) << 52);
    const EXPONENT_MASK: u64 = 0x7ff << 52;

    fn add_abs(&mut self, x: f64) {
        let x = x.abs();
        let x = if x > 0.0 { x } else { x + 1e-8 };
        if !Self::FACTOR_RANGE.contains(&x) {
            self.logged += x.ln();
            return;
        }
        self.product *= x;
        if !Self::PRODUCT_RANGE.contains(&self.product) {
            // Normal: both factors were within 2^±700 and the product within 2^±300.
            let bits = self.product.to_bits();
            self.twos += ((bits & Self::EXPONENT_MASK) >> 52) as i64 - 1023;
            self.product = f64::from_bits((bits & !Self::EXPONENT_MASK) | (1023 << 52));
        }
    }

    fn value(&self) -> f64 {
        self.product.ln() + self.twos as f64 * std::f64::consts::LN_2 + self.logged
    }
}

#[cfg(test)]
mod tests {
    use augurs_core::Predict;
    use augurs_ets::model::{ErrorComponent, ModelType, SeasonalComponent, TrendComponent, Unfit};

    use super::*;

    /// Positive test series: a noisy level, a trend that flattens, a random walk, weekly
    /// page-view-like counts, a short series and one at a large scale.
    fn series() -> Vec<Vec<f64>> {
        let noise = |t: usize, k: f64| ((t as f64 * k).sin() * 43_758.545).fract() - 0.5;
        let mut walk = Vec::new();
        let mut level = 200.0;
        for t in 0..300 {
            level += 2.0 * noise(t, 1.7);
            walk.push(level);
        }
        vec![
            (0..200).map(|t| 100.0 + 8.0 * noise(t, 0.37)).collect(),
            (0..250)
                .map(|t| 20.0 + 30.0 * (1.0 - (-(t as f64) / 80.0).exp()) + 2.0 * noise(t, 0.91))
                .collect(),
            walk,
            // Odd lengths end on a single step of the two-value recursion.
            (0..141)
                .map(|t| 1_500.0 + 4.0 * t as f64 + 300.0 * noise(t, 2.3))
                .collect(),
            (0..15).map(|t| 10.0 + t as f64 + noise(t, 5.1)).collect(),
            (0..400).map(|t| 3.0e9 + 1.0e8 * noise(t, 0.13)).collect(),
        ]
    }

    fn augurs_model(shape: EtsShape) -> Unfit {
        let model_type = ModelType {
            error: match shape.error {
                ErrorKind::Additive => ErrorComponent::Additive,
                ErrorKind::Multiplicative => ErrorComponent::Multiplicative,
            },
            trend: if shape.damped_trend {
                TrendComponent::Additive
            } else {
                TrendComponent::None
            },
            season: SeasonalComponent::None,
        };
        Unfit::new(model_type).damped(shape.damped_trend)
    }

    /// Equal to rounding: within 1e-12 relative (or absolute, below 1).
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn log_sums_match_summed_logarithms_at_any_scale() {
        let values = [
            3.5,
            -2.0,
            0.0,
            -0.0,
            1e-300,
            5e-324,
            1e300,
            f64::MAX,
            1e-8,
            7.25e12,
            0.001,
        ];
        let mut sum = LogSum::default();
        let mut expected = 0.0;
        for _ in 0..40 {
            for &x in &values {
                sum.add_abs(x);
                expected += log_positive(x.abs());
            }
        }
        let relative = (sum.value() - expected).abs() / expected.abs();
        assert!(relative < 1e-13, "{} vs {expected}", sum.value());
        let mut infinite = LogSum::default();
        infinite.add_abs(f64::INFINITY);
        infinite.add_abs(2.0);
        assert_eq!(infinite.value(), f64::INFINITY);
        let mut undefined = LogSum::default();
        undefined.add_abs(f64::NAN);
        assert!(undefined.value().is_nan());
    }

    /// The same fits as augurs-ets, whose algorithm this module reproduces: information
    /// criterion, point forecasts and 80% bands agree to rounding (the
    /// trend shapes' least-squares start is a closed form here and an SVD solve there).
    #[test]
    fn fits_agree_with_augurs_ets() {
        for (i, y) in series().iter().enumerate() {
            for shape in ETS_SHAPES {
                let ours = FittedEts::fit(y, shape).unwrap();
                let theirs = augurs_model(shape).fit(y).unwrap();
                let context = format!("series {i}, {shape}");
                assert!(
                    close(ours.aicc(), theirs.aicc()),
                    "{context}: AICc {} vs {}",
                    ours.aicc(),
                    theirs.aicc()
                );
                let (point, lower, upper) = ours.forecast_with_band(10, 0.8);
                let expected = theirs.predict(10, 0.8).unwrap();
                let intervals = expected.intervals.unwrap();
                for h in 0..10 {
                    assert!(
                        close(point[h], expected.point[h]),
                        "{context}: point {h}: {} vs {}",
                        point[h],
                        expected.point[h]
                    );
                    assert!(
                        close(lower[h], intervals.lower[h]),
                        "{context}: lower {h}: {} vs {}",
                        lower[h],
                        intervals.lower[h]
                    );
                    assert!(
                        close(upper[h], intervals.upper[h]),
                        "{context}: upper {h}: {} vs {}",
                        upper[h],
                        intervals.upper[h]
                    );
                }
            }
        }
    }

    #[test]
    fn a_damped_trend_is_extrapolated_with_shrinking_steps() {
        let y: Vec<f64> = (0..60).map(|t| 10.0 + 3.0 * t as f64).collect();
        let model = FittedEts::fit(&y, ETS_SHAPES[1]).unwrap();
        let point = model.point_forecast(5);
        assert!((point[0] - 190.0).abs() < 1.0, "{point:?}");
        for w in point.windows(3) {
            assert!(w[2] - w[1] < w[1] - w[0] && w[2] > w[1], "{point:?}");
        }
        let sd = model.forecast_sd(&point);
        assert!(sd.windows(2).all(|w| w[1] >= w[0]), "{sd:?}");
    }

    #[test]
    fn too_few_values_for_the_parameters_are_refused() {
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert!(FittedEts::fit(&y, ETS_SHAPES[0]).is_ok());
        // Five parameters need at least seven values.
        assert!(matches!(
            FittedEts::fit(&y, ETS_SHAPES[1]),
            Err(ForecastError::Model(_))
        ));
        assert!(FittedEts::fit(&[1.0], ETS_SHAPES[0]).is_err());
    }

    #[test]
    fn shapes_are_named_like_ets_notation() {
        let names: Vec<String> = ETS_SHAPES.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["ETS(ANN)", "ETS(AAdN)", "ETS(MNN)", "ETS(MAdN)"]);
    }
}
