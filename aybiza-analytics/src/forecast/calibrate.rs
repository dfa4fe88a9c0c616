//! Prediction intervals calibrated on a rolling-origin backtest of the history.
//!
//! A model's own intervals (Gaussian, from the ETS state-space variance) are often too narrow
//! or too wide: the seasonal estimate is treated as known, and an ETS trend on a deseasonalised
//! series widens like a random walk (with the square root of the step) while real errors at a
//! long horizon come from weather-like deviations that do not accumulate. So the model is
//! refitted at `windows` earlier origins, each forecasting the `b` steps that followed it (`b`
//! is the horizon, shortened when the history is too short for that many windows). Seasonal
//! forecasts spread the origins over up to a year ([`CALIBRATION_SPAN_CYCLES`] calendar cycles)
//! instead of the last `windows · b` steps, so that the errors come from every season, and:
//!
//! 1. the error scale per step is the mean absolute backtest error at that step, made
//!    non-decreasing in the step (isotonic regression) and held flat past `b`; for intraday
//!    data (a day period nested in a week, e.g. 48 in 336) it is also multiplied by a
//!    time-of-day profile, the mean scaled absolute error at each step of the day (shrunk
//!    towards 1 by [`PROFILE_PSEUDO_COUNT`] pseudo-errors): errors at an afternoon peak are
//!    larger than at night;
//! 2. errors divided by that scale are pooled; the interval at level `l` spans the scaled
//!    errors' `(1 − l)/2` and `(1 + l)/2` quantiles, times the scale, around the point;
//! 3. each quantile is the wider of the split-conformal empirical quantile and a robust
//!    Student-t one (median ± t · 1.4826 · MAD, `t` with `N_eff − 1` degrees of freedom, times
//!    `√(1 + 1/N_eff)`). Errors within a window are strongly autocorrelated, so the backtest is
//!    worth `N_eff = N / (1 + 2 Σ ρ_j)` independent errors, not `N`; conformal ranks alone then
//!    under-cover (with autocorrelation 0.8, an 80% interval covered 74%);
//! 4. quantiles are clamped so that every interval contains the point forecast.
//!
//! For seasonal models ([`super::AutoForecaster`] passes [`VolatilityFactors`]), each window's
//! errors are first divided by how turbulent the history was just before its origin, relative
//! to the other origins, and the final intervals are multiplied by the same factor for the
//! present: a calm spring does not set the width of a forecast made in a stormy summer.

use super::models::PointAndSpread;
use super::{Forecast, ForecastError, ForecastInterval, Forecaster, check_forecast_args};
use super::{normal_intervals, normal_quantile};

/// Backtest windows calibrating intervals by default. More windows give steadier intervals
/// (on rolling evaluations 80% intervals covered 78%, 79% and 82% with 8, 12 and 16 windows on
/// half-hourly electricity demand) at one model fit each.
pub const DEFAULT_CALIBRATION_WINDOWS: usize = 12;

/// Calendar cycles (weeks, for data with a weekly cycle) over which seasonal forecasts spread
/// their backtest windows when the history is long enough: a year, so that the intervals have
/// seen every season's errors, not only the last `windows · horizon` steps' (twelve weeks of
/// half-hourly data). The windows stay whole horizons apart; daily data with a 28-day horizon
/// already spans 336 days and is unchanged.
pub const CALIBRATION_SPAN_CYCLES: usize = 52;

/// Pseudo-errors of scale 1 added to each step of the day in the time-of-day error profile, so
/// that a step seen in few backtest errors keeps a profile near 1.
pub const PROFILE_PSEUDO_COUNT: f64 = 8.0;

/// Fewest backtest errors per step of the day for a time-of-day profile.
const MIN_ERRORS_PER_PROFILE_STEP: usize = 16;

/// The errors of one model forecasting from earlier origins of one history.
#[derive(Debug, Clone, Default)]
pub(crate) struct Backtest {
    /// `actual − point` per window (most recent first), per step.
    pub errors: Vec<Vec<f64>>,
    /// Index in the history of each window's first step (most recent first).
    pub origins: Vec<usize>,
    /// Steps per window.
    pub window_len: usize,
}

/// The smallest error scale used: a hundredth of the series' mean absolute step-to-step
/// change, so that windows without any error cannot blow the scaled errors up.
fn scale_floor(history: &[f64]) -> f64 {
    let n = history.len();
    if n < 2 {
        return f64::MIN_POSITIVE;
    }
    let mean_step = history.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (n - 1) as f64;
    (0.01 * mean_step).max(f64::MIN_POSITIVE)
}

impl Backtest {
    /// Mean absolute error over every step of every window (infinite without windows).
    pub fn mean_absolute_error(&self) -> f64 {
        let count = self.errors.iter().map(Vec::len).sum::<usize>();
        if count == 0 {
            return f64::INFINITY;
        }
        self.errors.iter().flatten().map(|e| e.abs()).sum::<f64>() / count as f64
    }
}

/// Runs `predict` at up to `windows` origins before the end of `history`, each forecasting the
/// next `b = min(horizon, (len − min_history) / windows)` steps; `predict` returns one forecast
/// per candidate model, and the result holds one backtest per candidate. A window whose
/// prediction fails (or returns another number of candidates) is left out for all.
///
/// The most recent window ends the history. The others follow back every `b` steps, or, when
/// `span` steps hold more than `windows · b` steps, every `k · b` steps with `k` the most whole
/// windows that fit `span` and the history (the earliest origin keeping `min_history` values).
pub(crate) fn backtest_candidates(
    history: &[f64],
    horizon: usize,
    windows: usize,
    min_history: usize,
    span: usize,
    predict: impl Fn(&[f64], usize) -> Result<Vec<PointAndSpread>, ForecastError>,
) -> Vec<Backtest> {
    let n = history.len();
    if windows == 0 || n <= min_history {
        return Vec::new();
    }
    let spare = n - min_history;
    let (windows, window_len) = if spare >= windows {
        (windows, horizon.min(spare / windows))
    } else {
        (spare, 1)
    };
    let stride = if windows > 1 {
        let wanted = span / (windows * window_len);
        let room = (spare - window_len) / ((windows - 1) * window_len);
        window_len * wanted.min(room).max(1)
    } else {
        window_len
    };
    let mut results: Vec<Backtest> = Vec::new();
    for k in 0..windows {
        let origin = n - window_len - k * stride;
        let Ok(forecasts) = predict(&history[..origin], window_len) else {
            continue;
        };
        if results.is_empty() {
            results = vec![
                Backtest {
                    errors: Vec::new(),
                    origins: Vec::new(),
                    window_len,
                };
                forecasts.len()
            ];
        }
        if forecasts.len() != results.len() {
            continue;
        }
        let actual = &history[origin..origin + window_len];
        for (result, forecast) in results.iter_mut().zip(forecasts) {
            result.origins.push(origin);
            result.errors.push(
                actual
                    .iter()
                    .zip(&forecast.point)
                    .map(|(y, p)| y - p)
                    .collect(),
            );
        }
    }
    results
}

/// [`backtest_candidates`] for a single model, its windows back to back.
pub(crate) fn backtest(
    history: &[f64],
    horizon: usize,
    windows: usize,
    min_history: usize,
    predict: impl Fn(&[f64], usize) -> Result<PointAndSpread, ForecastError>,
) -> Backtest {
    backtest_candidates(history, horizon, windows, min_history, 0, |h, b| {
        predict(h, b).map(|forecast| vec![forecast])
    })
    .pop()
    .unwrap_or_default()
}

/// Fewest backtest errors averaged into one point of the error scale.
const ERRORS_PER_SCALE_POINT: usize = 32;

/// The error scale per step `1..=horizon`: the mean absolute error (`errors`, one row of
/// `len` steps per window) over bins of consecutive steps (each bin holding at least 32 errors
/// across the windows, so that a step seen in only a few windows does not get a scale from a
/// handful of errors), made non-decreasing in the step by isotonic regression (pool adjacent
/// violators), held at its last value past the backtest windows, and floored at `floor`.
fn error_scale(errors: &[Vec<f64>], len: usize, horizon: usize, floor: f64) -> Vec<f64> {
    let windows = errors.len();
    let bin = ERRORS_PER_SCALE_POINT
        .div_ceil(windows)
        .clamp(1, len.max(1));
    // Pool adjacent violators over bins: blocks of (mean, steps), merged while a block is below
    // its predecessor.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(len);
    for first in (0..len).step_by(bin) {
        let steps = bin.min(len - first);
        let total: f64 = errors
            .iter()
            .flat_map(|e| &e[first..first + steps])
            .map(|e| e.abs())
            .sum();
        let value = total / (steps * windows) as f64;
        blocks.push((value, steps));
        while blocks.len() > 1 && blocks[blocks.len() - 2].0 > blocks[blocks.len() - 1].0 {
            let (v2, n2) = blocks.pop().expect("two blocks");
            let (v1, n1) = blocks.pop().expect("two blocks");
            let size = n1 + n2;
            blocks.push(((v1 * n1 as f64 + v2 * n2 as f64) / size as f64, size));
        }
    }
    let mut scale: Vec<f64> = blocks
        .into_iter()
        .flat_map(|(value, size)| std::iter::repeat_n(value.max(floor), size))
        .collect();
    let last = scale.last().copied().unwrap_or(floor);
    scale.resize(horizon, last);
    scale.truncate(horizon);
    scale
}

/// Most lags summed into the autocorrelation time.
const MAX_CORRELATION_LAGS: usize = 1_000;

/// The number of independent errors the backtest is worth: `N / (1 + 2 Σ ρ_j)`, with `ρ_j` the
/// within-window autocorrelations of the scaled errors summed up to the first that is not
/// positive (at most 1,000 lags); at least the number of windows (taken as independent of each
/// other) and 2.
fn effective_sample_size(scaled: &[Vec<f64>]) -> f64 {
    let count = scaled.iter().map(Vec::len).sum::<usize>() as f64;
    let mean = scaled.iter().flatten().sum::<f64>() / count;
    let variance = scaled
        .iter()
        .flatten()
        .map(|v| (v - mean).powi(2))
        .sum::<f64>();
    let window_len = scaled.iter().map(Vec::len).max().unwrap_or(0);
    let windows = scaled.len() as f64;
    if variance <= 0.0 {
        return count.max(2.0);
    }
    let mut sum = 0.0;
    for lag in 1..window_len.min(MAX_CORRELATION_LAGS) {
        let covariance: f64 = scaled
            .iter()
            .filter(|w| w.len() > lag)
            .map(|w| {
                w[lag..]
                    .iter()
                    .zip(w.iter())
                    .map(|(a, b)| (a - mean) * (b - mean))
                    .sum::<f64>()
            })
            .sum();
        let rho = covariance / variance;
        if rho <= 0.0 {
            break;
        }
        sum += rho;
    }
    (count / (1.0 + 2.0 * sum))
        .clamp(windows.min(count), count)
        .max(2.0)
}

/// The empirical quantile with split-conformal ranks: the `⌈(N + 1) p⌉`-th smallest of `N`
/// sorted values for an upper quantile, the `⌊(N + 1) p⌋`-th for a lower one (clamped to 1..N).
fn conformal_quantile(sorted: &[f64], p: f64, upper: bool) -> f64 {
    let n = sorted.len();
    let rank = (n + 1) as f64 * p;
    let rank = if upper { rank.ceil() } else { rank.floor() } as usize;
    sorted[rank.clamp(1, n) - 1]
}

/// The time-of-day profile of the error scale: per step of a `day`-step day, the mean of
/// `|error| / scale` at that step with [`PROFILE_PSEUDO_COUNT`] pseudo-errors of 1, relative to
/// its mean over all errors.
fn time_of_day_profile(backtest: &Backtest, scale: &[f64], day: usize) -> Vec<f64> {
    let mut sums = vec![0.0; day];
    let mut counts = vec![0usize; day];
    for (window, &origin) in backtest.errors.iter().zip(&backtest.origins) {
        for (h, (error, s)) in window.iter().zip(scale).enumerate() {
            let step = (origin + h) % day;
            sums[step] += error.abs() / s;
            counts[step] += 1;
        }
    }
    let overall = sums.iter().sum::<f64>() / counts.iter().sum::<usize>().max(1) as f64;
    if overall <= 0.0 {
        return vec![1.0; day];
    }
    sums.iter()
        .zip(&counts)
        .map(|(sum, &count)| {
            (sum / overall + PROFILE_PSEUDO_COUNT) / (count as f64 + PROFILE_PSEUDO_COUNT)
        })
        .collect()
}

/// How turbulent the history was before each backtest origin and before the forecast, as
/// factors on the error scale: `√(v / v̄)`, where `v` is the mean absolute change over one
/// calendar cycle (`|y_t − y_{t−cycle}|`, week on week: the error of a seasonal naive
/// forecast) across the backtest window's length rounded up to whole cycles before the origin,
/// and `v̄` its mean over the backtest origins. Whole cycles, so that `v` measures turbulence
/// and not which days of the week precede the origin. The square root shrinks the factors
/// towards 1, as one window of history says only so much about the next. Chosen on the rolling
/// windows before the evaluation's holdouts (docs/forecasting.md).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VolatilityFactors {
    /// One factor per backtest window, in the order of `Backtest::origins`.
    windows: Vec<f64>,
    /// The factor for the forecast from the end of the history.
    now: f64,
}

impl VolatilityFactors {
    /// The factors for this backtest of `history` (the values the models saw, e.g. with a
    /// calendar's special days taken out), or `None` when there are no backtest windows, when
    /// the history before some origin holds less than one cycle of changes, or when some
    /// stretch shows no change at all (the errors are then used as they are). An early origin
    /// with less history measures over the whole cycles it has.
    pub(crate) fn of(history: &[f64], backtest: &Backtest, cycle: usize) -> Option<Self> {
        let cycle = cycle.max(1);
        let span = backtest.window_len.div_ceil(cycle) * cycle;
        let volatility = |end: usize| {
            let used = span.min(end.saturating_sub(cycle) / cycle * cycle);
            if used == 0 || end > history.len() {
                return None;
            }
            let total: f64 = (end - used..end)
                .map(|t| (history[t] - history[t - cycle]).abs())
                .sum();
            let mean = total / used as f64;
            (mean > 0.0 && mean.is_finite()).then_some(mean)
        };
        let windows: Vec<f64> = backtest
            .origins
            .iter()
            .map(|&origin| volatility(origin))
            .collect::<Option<_>>()?;
        let typical = windows.iter().sum::<f64>() / windows.len() as f64;
        if !(typical > 0.0 && typical.is_finite()) {
            return None;
        }
        let factor = |v: f64| (v / typical).sqrt();
        Some(Self {
            now: factor(volatility(history.len())?),
            windows: windows.into_iter().map(factor).collect(),
        })
    }
}

/// Intervals from the final fit and the backtest errors; the model's own (Gaussian) intervals
/// when the backtest produced no errors. `day` is the number of steps in a day for intraday
/// data (the error scale then follows a time-of-day profile), else 1; `volatility` (from the
/// same backtest) scales each window's errors and the forecast's intervals.
pub(crate) fn calibrated_intervals(
    fit: &PointAndSpread,
    backtest: &Backtest,
    history: &[f64],
    levels: &[f64],
    day: usize,
    volatility: Option<&VolatilityFactors>,
) -> Vec<ForecastInterval> {
    if backtest.errors.is_empty() {
        return normal_intervals(&fit.point, &fit.sd, levels);
    }
    let steady;
    let (backtest, now) = match volatility {
        Some(factors) => {
            steady = Backtest {
                errors: backtest
                    .errors
                    .iter()
                    .zip(&factors.windows)
                    .map(|(window, f)| window.iter().map(|e| e / f).collect())
                    .collect(),
                origins: backtest.origins.clone(),
                window_len: backtest.window_len,
            };
            (&steady, factors.now)
        }
        None => (backtest, 1.0),
    };
    let len = backtest.window_len;
    let steps = fit.point.len().max(len);
    let floor = scale_floor(history);
    let mut scale = error_scale(&backtest.errors, len, steps, floor);
    let profiled = day >= 2 && backtest.errors.len() * len >= MIN_ERRORS_PER_PROFILE_STEP * day;
    let (day, profile) = if profiled {
        let profile = time_of_day_profile(backtest, &scale, day);
        // The step scale again, from the errors with the time of day taken out.
        let deflated: Vec<Vec<f64>> = backtest
            .errors
            .iter()
            .zip(&backtest.origins)
            .map(|(window, &origin)| {
                let steps = window.iter().enumerate();
                steps
                    .map(|(h, e)| e / profile[(origin + h) % day])
                    .collect()
            })
            .collect();
        scale = error_scale(&deflated, len, steps, floor);
        (day, profile)
    } else {
        (1, vec![1.0])
    };
    // The scale of step `h` of a window starting at history index `start`.
    let step_scale = |start: usize, h: usize| scale[h] * profile[(start + h) % day];
    let scaled: Vec<Vec<f64>> = backtest
        .errors
        .iter()
        .zip(&backtest.origins)
        .map(|(window, &origin)| {
            let steps = window.iter().enumerate();
            steps.map(|(h, e)| e / step_scale(origin, h)).collect()
        })
        .collect();
    let effective = effective_sample_size(&scaled);
    let mut sorted: Vec<f64> = scaled.into_iter().flatten().collect();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let mut deviations: Vec<f64> = sorted.iter().map(|v| (v - median).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let robust_sd = 1.4826 * deviations[deviations.len() / 2];
    levels
        .iter()
        .map(|&level| {
            let t = distrs::StudentsT::ppf((1.0 + level) / 2.0, (effective - 1.0).max(1.0))
                * (1.0 + 1.0 / effective).sqrt();
            let low = conformal_quantile(&sorted, (1.0 - level) / 2.0, false)
                .min(median - t * robust_sd)
                .min(0.0);
            let high = conformal_quantile(&sorted, (1.0 + level) / 2.0, true)
                .max(median + t * robust_sd)
                .max(0.0);
            let (lower, upper) = fit
                .point
                .iter()
                .enumerate()
                .map(|(h, p)| {
                    let s = step_scale(history.len(), h) * now;
                    (p + low * s, p + high * s)
                })
                .unzip();
            ForecastInterval {
                level,
                lower,
                upper,
            }
        })
        .collect()
}

/// Wraps any [`Forecaster`] and replaces its intervals by intervals calibrated on a
/// rolling-origin backtest of the history (see the module docs). The inner forecaster is
/// fitted `windows + 1` times. When the history is too short for any backtest window, the
/// inner forecaster's intervals are returned and the model description says `uncalibrated`.
#[derive(Debug, Clone)]
pub struct Calibrated<F> {
    inner: F,
    windows: usize,
    min_history: usize,
}

impl<F: Forecaster> Calibrated<F> {
    /// Calibrates `inner` on [`DEFAULT_CALIBRATION_WINDOWS`] backtest windows; each backtest
    /// fit gets at least `min_history` values (the inner forecaster's own minimum).
    pub fn new(inner: F, min_history: usize) -> Self {
        Self {
            inner,
            windows: DEFAULT_CALIBRATION_WINDOWS,
            min_history: min_history.max(1),
        }
    }

    /// Uses `windows` backtest windows instead (0 turns calibration off).
    pub fn windows(mut self, windows: usize) -> Self {
        self.windows = windows;
        self
    }

    fn point_and_spread(
        &self,
        history: &[f64],
        horizon: usize,
    ) -> Result<PointAndSpread, ForecastError> {
        let level = 0.8;
        let forecast = self.inner.forecast(history, horizon, &[level])?;
        let z = normal_quantile(0.9);
        let interval = forecast.intervals.first().ok_or_else(|| {
            ForecastError::Model("the inner forecaster returned no interval".into())
        })?;
        let sd = interval
            .upper
            .iter()
            .zip(&interval.lower)
            .map(|(u, l)| ((u - l) / (2.0 * z)).max(0.0))
            .collect();
        Ok(PointAndSpread {
            point: forecast.point,
            sd,
            model: forecast.model,
        })
    }
}

impl<F: Forecaster> Forecaster for Calibrated<F> {
    fn forecast(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        check_forecast_args(history, self.min_history, horizon, levels)?;
        let fit = self.point_and_spread(history, horizon)?;
        let backtest = backtest(history, horizon, self.windows, self.min_history, |h, b| {
            self.point_and_spread(h, b)
        });
        Ok(Forecast {
            intervals: calibrated_intervals(&fit, &backtest, history, levels, 1, None),
            model: describe(&fit.model, &backtest),
            point: fit.point,
        })
    }
}

/// `model calibrated on K windows of B steps` (`, one every S steps` when spread out), or
/// `model (uncalibrated)`.
pub(crate) fn describe(model: &str, backtest: &Backtest) -> String {
    if backtest.errors.is_empty() {
        return format!("{model} (uncalibrated)");
    }
    let mut text = format!(
        "{model} calibrated on {} windows of {} steps",
        backtest.errors.len(),
        backtest.window_len
    );
    // The closest origins: a window whose prediction failed leaves a wider gap.
    let spacing = backtest.origins.windows(2).map(|o| o[0] - o[1]).min();
    if let Some(spacing) = spacing.filter(|s| *s > backtest.window_len) {
        text.push_str(&format!(", one every {spacing} steps"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::{Ets, SeasonalNaive};

    /// A backtest of `windows` windows of `window_len` steps ending at `n`, with errors of
    /// alternating sign.
    fn alternating_backtest(n: usize, windows: usize, window_len: usize) -> Backtest {
        Backtest {
            errors: (0..windows)
                .map(|k| {
                    (0..window_len)
                        .map(|h| if (h + k) % 2 == 0 { 1.0 } else { -1.5 })
                        .collect()
                })
                .collect(),
            origins: (1..=windows).map(|k| n - window_len * k).collect(),
            window_len,
        }
    }

    /// Windows spread over a span sit whole windows apart and keep `min_history` values before
    /// the earliest origin; without a span, or without room, they are back to back.
    #[test]
    fn backtest_windows_spread_over_the_span_the_history_allows() {
        let history: Vec<f64> = (0..1_000).map(f64::from).collect();
        let run = |n: usize, span: usize| {
            backtest_candidates(&history[..n], 10, 4, 100, span, |h, b| {
                Ok(vec![PointAndSpread {
                    point: vec![h[h.len() - 1]; b],
                    sd: vec![1.0; b],
                    model: "last value".into(),
                }])
            })
            .pop()
            .expect("one candidate")
        };
        assert_eq!(run(1_000, 0).origins, [990, 980, 970, 960]);
        assert_eq!(run(1_000, 79).origins, [990, 980, 970, 960]);
        assert_eq!(run(1_000, 120).origins, [990, 960, 930, 900]);
        // (1,000 − 100 − 10) / (3 · 10) = 29 windows apart at most.
        let wide = run(1_000, 100_000);
        assert_eq!(wide.origins, [990, 700, 410, 120]);
        assert!(wide.errors.iter().all(|e| e.len() == 10));
        // The error of the naive forecast at a window's first step is 1, at its last 10.
        assert!(wide.errors.iter().all(|e| e[0] == 1.0 && e[9] == 10.0));
        assert_eq!(run(150, 100_000).origins, [140, 130, 120, 110]);
        assert_eq!(
            describe("naive", &wide),
            "naive calibrated on 4 windows of 10 steps, one every 290 steps"
        );
        assert_eq!(
            describe("naive", &run(1_000, 0)),
            "naive calibrated on 4 windows of 10 steps"
        );
        // The window at 410 failed.
        let gap = Backtest {
            errors: wide.errors[..3].to_vec(),
            origins: vec![990, 700, 120],
            window_len: 10,
        };
        assert_eq!(
            describe("naive", &gap),
            "naive calibrated on 3 windows of 10 steps, one every 290 steps"
        );
    }

    /// `n` values, each `step(t)` above the value one `cycle` before (zero in the first cycle).
    fn cycle_on_cycle(n: usize, cycle: usize, step: impl Fn(usize) -> f64) -> Vec<f64> {
        let mut values = vec![0.0; n];
        for t in cycle..n {
            values[t] = values[t - cycle] + step(t);
        }
        values
    }

    /// The same backtest errors give intervals twice as wide when the last window of history
    /// changed four times as much cycle on cycle as the history before every origin did (the
    /// factor is the square root of the ratio), and the same intervals as without factors
    /// when the history is equally turbulent throughout.
    #[test]
    fn a_turbulent_recent_history_widens_the_intervals() {
        let (n, window_len, cycle) = (200, 8, 4);
        let backtest = alternating_backtest(n, 12, window_len);
        let fit = PointAndSpread {
            point: vec![0.0; window_len],
            sd: vec![1.0; window_len],
            model: "flat".into(),
        };
        let calm = cycle_on_cycle(n, cycle, |_| 1.0);
        let stormy_end = cycle_on_cycle(n, cycle, |t| if t >= n - window_len { 4.0 } else { 1.0 });
        let width = |history: &[f64], scaled: bool| {
            let factors = scaled.then(|| VolatilityFactors::of(history, &backtest, cycle).unwrap());
            let interval =
                &calibrated_intervals(&fit, &backtest, history, &[0.8], 1, factors.as_ref())[0];
            interval.upper[0] - interval.lower[0]
        };
        let plain = width(&calm, false);
        assert!((width(&calm, true) - plain).abs() < 1e-12 * plain);
        assert!((width(&stormy_end, true) - 2.0 * plain).abs() < 1e-12 * plain);
        assert!((width(&stormy_end, false) - plain).abs() < 1e-12 * plain);
    }

    /// Volatility is measured over whole cycles (a window shorter than the cycle is rounded up
    /// to one, so the weekday before an origin does not matter), early origins over the whole
    /// cycles they have; no factors without a cycle of history or with a stretch that never
    /// changes.
    #[test]
    fn volatility_is_measured_over_whole_cycles() {
        let cycle = 7;
        // A weekly pattern whose Sundays change twice as much week on week as the other days.
        let history = cycle_on_cycle(100, cycle, |t| if t % cycle == 6 { 2.0 } else { 1.0 });
        // Windows of 3 steps, shorter than the cycle: every origin sees one whole week, so every
        // factor is 1 wherever the week starts.
        let short = alternating_backtest(100, 5, 3);
        let factors = VolatilityFactors::of(&history, &short, cycle).unwrap();
        assert!(factors.windows.iter().all(|f| (f - 1.0).abs() < 1e-12));
        assert!((factors.now - 1.0).abs() < 1e-12);
        // Windows of 10 steps: two weeks before each origin, one for an origin at 16 (9 values
        // after the first week: one whole week of changes).
        let early = Backtest {
            origins: vec![30, 16],
            ..alternating_backtest(40, 2, 10)
        };
        assert!(VolatilityFactors::of(&history, &early, cycle).is_some());
        // An origin at 13 has fewer than a week of changes: no factors.
        let too_early = Backtest {
            origins: vec![30, 13],
            ..alternating_backtest(40, 2, 10)
        };
        assert_eq!(VolatilityFactors::of(&history, &too_early, cycle), None);
        // A cycle longer than the history, a flat history, no windows: no factors.
        assert_eq!(VolatilityFactors::of(&history, &short, 101), None);
        assert_eq!(VolatilityFactors::of(&[5.0; 100], &short, cycle), None);
        assert_eq!(
            VolatilityFactors::of(&history, &Backtest::default(), cycle),
            None
        );
    }

    /// Errors twice as large in the second half of each 4-step day: with the time-of-day
    /// profile those steps get wider intervals than the first half of the same day; without it
    /// the interval only widens with the step.
    #[test]
    fn intraday_errors_get_a_time_of_day_profile() {
        let day = 4;
        let windows = 16;
        let errors: Vec<Vec<f64>> = (0..windows)
            .map(|k| {
                (0..8)
                    .map(|h| {
                        let size = if h % day >= 2 { 2.0 } else { 1.0 };
                        if (h + k) % 2 == 0 { size } else { -size }
                    })
                    .collect()
            })
            .collect();
        let backtest = Backtest {
            errors,
            origins: (1..=windows).map(|k| 200 - 8 * k).collect(),
            window_len: 8,
        };
        let fit = PointAndSpread {
            point: vec![10.0; 8],
            sd: vec![1.0; 8],
            model: "flat".into(),
        };
        let history = vec![10.0; 200];
        let width = |day: usize| {
            let interval = &calibrated_intervals(&fit, &backtest, &history, &[0.8], day, None)[0];
            (0..8)
                .map(|h| interval.upper[h] - interval.lower[h])
                .collect::<Vec<_>>()
        };
        let by_step = width(1);
        assert!(by_step.windows(2).all(|w| w[0] <= w[1]), "{by_step:?}");
        let profiled = width(day);
        for first in [0, 4] {
            let ratio = profiled[first + 2] / profiled[first];
            assert!((1.5..=2.0).contains(&ratio), "{profiled:?}");
        }
        assert!(profiled[4] < profiled[3], "{profiled:?}");
    }

    #[test]
    fn conformal_ranks() {
        let sorted: Vec<f64> = (1..=9).map(f64::from).collect();
        // (9 + 1) · 0.9 = 9 → the largest; (9 + 1) · 0.1 = 1 → the smallest.
        assert_eq!(conformal_quantile(&sorted, 0.9, true), 9.0);
        assert_eq!(conformal_quantile(&sorted, 0.1, false), 1.0);
        assert_eq!(conformal_quantile(&sorted, 0.5, true), 5.0);
        assert_eq!(conformal_quantile(&sorted, 0.99, true), 9.0);
    }

    /// A random walk with Gaussian steps: the naive forecaster's Gaussian intervals assume the
    /// wrong (seasonal-difference) variance when told the period is 5, and calibration fixes it.
    #[test]
    fn calibration_restores_coverage() {
        let mut state = 12345u64;
        let mut uniform = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let mut covered = [0usize; 2];
        let mut total = 0;
        for _ in 0..40 {
            let mut y = vec![0.0];
            for _ in 0..299 {
                let (u1, u2) = (uniform(), uniform());
                let step = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                y.push(y.last().unwrap() + step + 0.3 * (y.len() % 5) as f64);
            }
            let (train, test) = y.split_at(290);
            let model = Calibrated::new(Ets, 10).windows(8);
            let forecast = model.forecast(train, 10, &[0.8, 0.95]).unwrap();
            assert!(
                forecast.model.contains("calibrated on 8 windows"),
                "{}",
                forecast.model
            );
            for (i, interval) in forecast.intervals.iter().enumerate() {
                for (h, y) in test.iter().enumerate() {
                    covered[i] += usize::from(interval.lower[h] <= *y && *y <= interval.upper[h]);
                }
            }
            total += test.len();
        }
        let coverage = covered.map(|c| c as f64 / total as f64);
        assert!((0.7..=0.9).contains(&coverage[0]), "{coverage:?}");
        assert!((0.88..=0.99).contains(&coverage[1]), "{coverage:?}");
    }

    #[test]
    fn too_short_for_a_backtest_is_uncalibrated() {
        let model = Calibrated::new(SeasonalNaive::new(1).unwrap(), 2);
        let forecast = model.forecast(&[1.0, 2.0], 1, &[0.8]).unwrap();
        assert!(
            forecast.model.ends_with("(uncalibrated)"),
            "{}",
            forecast.model
        );
        let calibrated = model.forecast(&[1.0, 2.0, 4.0, 3.0], 1, &[0.8]).unwrap();
        assert!(
            calibrated.model.contains("calibrated on 2 windows"),
            "{}",
            calibrated.model
        );
    }
}
