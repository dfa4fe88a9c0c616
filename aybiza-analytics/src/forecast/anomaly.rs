//! Anomalies against the forecast band, changepoints, and system-metric alerts.
//!
//! - [`StreamingDetector`] scores each live interval against the band forecast from the history
//!   before it: the forecast ([`AutoForecaster`], with calibrated intervals) is refitted every
//!   `refit_every` steps, and an interval's anomaly probability is how far out in the
//!   predictive distribution it lies: `2·Φ(|x − point| / s) − 1`, with `s` the band's
//!   half-width on that side divided by the normal quantile of its level; or, when larger, the
//!   same for the standardised deviations of the last `window` values pooled (`Σ z / √w`, when
//!   they lean the same way as this one), so that a sustained moderate shift counts. Values
//!   flagged anomalous enter the history pulled in to two standard deviations from the
//!   forecast (Huber's clipping), so an incident neither teaches the model that incidents are
//!   normal nor inflates the next bands' calibration; keeping them two deviations out, rather
//!   than replacing them by the forecast, lets the history recover when the forecast itself was
//!   wrong instead of repeating the error every cycle. The warm-up
//!   history, which nothing judged, is cleaned once against the median of each position in
//!   the longest cycle.
//! - [`detect_anomalies`] runs the streaming detector over a stored series and returns the
//!   anomalous intervals (runs of flagged steps).
//! - [`changepoints`] finds level shifts with PELT (optimal partitioning with pruning) under a
//!   Gaussian mean-change cost and a BIC-type penalty.
//! - [`MetricMonitor`] applies streaming detectors to system metric samples (latency, error
//!   rate, queue depth…), one per tenant, metric and source, and raises [`MetricAlert`]s for
//!   intervals whose anomaly probability reaches a threshold — predictive maintenance: a
//!   component drifting out of its usual band is flagged before it fails outright.
//!
//! Counts and heavy-tailed metrics are judged on a variance-stabilising scale ([`Transform`]):
//! square roots (Anscombe's) for counts (Poisson noise grows with the level), logarithms for
//! latencies.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::{
    AutoForecaster, Forecast, ForecastError, ForecastOptions, Forecaster, MAX_HORIZON, normal_cdf,
    normal_quantile,
};
use crate::model::MetricSample;

/// The scale values are judged on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Transform {
    /// The values themselves.
    Identity,
    /// `√(x + 3/8)`, for counts (x ≥ 0): half of Anscombe's transform, on which Poisson
    /// counts spread by at most about 0.5 whatever their mean (0.42–0.48 at means of one or
    /// two, where a plain `√x` spreads them by 0.63 and makes a zero look further out than it is).
    Sqrt,
    /// `ln(x + offset)`, for positive, right-skewed values such as latencies (x + offset > 0).
    Log {
        /// Added before the logarithm so that zeros are allowed.
        offset: f64,
    },
}

/// Added to counts before their square root ([`Transform::Sqrt`]).
const ANSCOMBE_OFFSET: f64 = 0.375;

impl Transform {
    pub(crate) fn forward(self, value: f64) -> Option<f64> {
        let out = match self {
            Transform::Identity => value,
            Transform::Sqrt if value >= 0.0 => (value + ANSCOMBE_OFFSET).sqrt(),
            Transform::Log { offset } if value + offset > 0.0 => (value + offset).ln(),
            _ => return None,
        };
        out.is_finite().then_some(out)
    }

    fn inverse(self, value: f64) -> f64 {
        match self {
            Transform::Identity => value,
            Transform::Sqrt => (value.max(0.0).powi(2) - ANSCOMBE_OFFSET).max(0.0),
            Transform::Log { offset } => value.exp() - offset,
        }
    }
}

/// How a [`StreamingDetector`] judges values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectorOptions {
    /// Seasonal periods in steps (e.g. `[96, 672]` for 15-minute data); detected when `None`.
    pub periods: Option<Vec<usize>>,
    /// Level of the band reported with each verdict, in (0, 1).
    pub band_level: f64,
    /// Anomaly probability at or above which a value is flagged, in (0, 1).
    pub threshold: f64,
    /// The scale values are judged on.
    pub transform: Transform,
    /// Steps forecast per fit (the detector refits when they are used up); e.g. one day.
    pub refit_every: usize,
    /// Values needed before anything is scored; use at least two cycles of the longest period.
    pub warm_up: usize,
    /// Most recent values kept as history.
    pub max_history: usize,
    /// Backtest windows calibrating the band (fewer is faster).
    pub calibration_windows: usize,
    /// Steps whose standardised deviations are pooled for sustained anomalies (1: each step on
    /// its own): an hour of values each a little low is as anomalous as one very low value.
    pub window: usize,
}

impl Default for DetectorOptions {
    /// Detected periods, a 95% band, flags at probability 0.99, no transform, refits every 96
    /// steps, 200 values of warm-up, 20,000 values of history, four calibration windows, a
    /// four-step window for sustained anomalies.
    fn default() -> Self {
        Self {
            periods: None,
            band_level: 0.95,
            threshold: 0.99,
            transform: Transform::Identity,
            refit_every: 96,
            warm_up: 200,
            max_history: 20_000,
            calibration_windows: 4,
            window: 4,
        }
    }
}

impl DetectorOptions {
    fn validate(&self) -> Result<(), ForecastError> {
        for level in [self.band_level, self.threshold] {
            if !(level > 0.0 && level < 1.0) {
                return Err(ForecastError::Level(level));
            }
        }
        // A band level so close to 0 or 1 that its normal quantile is 0 or infinite has no
        // width to judge by.
        let z = normal_quantile(0.5 + self.band_level / 2.0);
        if !(z.is_finite() && z > 1e-9) {
            return Err(ForecastError::Level(self.band_level));
        }
        if self.refit_every == 0
            || self.window == 0
            || self.max_history < self.warm_up.max(10)
            || self.refit_every > MAX_HORIZON
        {
            return Err(ForecastError::Model(format!(
                "refit_every (1 to {MAX_HORIZON}) and window must be positive and max_history ({}) \
                 at least the warm-up ({}) and 10",
                self.max_history, self.warm_up
            )));
        }
        Ok(())
    }
}

/// Which side of the band a value fell on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Above the forecast.
    Above,
    /// Below the forecast.
    Below,
}

impl Direction {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Above => "above",
            Direction::Below => "below",
        }
    }
}

/// The judgement of one value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The value observed.
    pub value: f64,
    /// The forecast for it.
    pub expected: f64,
    /// Lower end of the band at the configured level.
    pub lower: f64,
    /// Upper end of the band.
    pub upper: f64,
    /// Probability that the value is anomalous (the central predictive mass closer to the
    /// forecast than it).
    pub probability: f64,
    /// Whether the probability reached the threshold.
    pub anomalous: bool,
    /// Which side of the forecast the value is on.
    pub direction: Direction,
}

/// Scores live values one interval at a time against a forecast band.
#[derive(Debug, Clone)]
pub struct StreamingDetector {
    options: DetectorOptions,
    forecaster: AutoForecaster,
    /// History on the transformed scale, anomalies replaced by their forecasts.
    history: Vec<f64>,
    forecast: Option<Forecast>,
    /// Steps of the current forecast already used.
    used: usize,
    /// Standardised deviations of the last `window` values, oldest first.
    recent: std::collections::VecDeque<f64>,
}

impl StreamingDetector {
    /// A detector with no history; it scores nothing until `warm_up` values were observed.
    pub fn new(options: DetectorOptions) -> Result<Self, ForecastError> {
        options.validate()?;
        let forecaster = AutoForecaster::new(ForecastOptions {
            periods: options.periods.clone(),
            calibration_windows: options.calibration_windows,
            naive_member: false,
            robust: true,
            volatility_scaling: false,
            ..ForecastOptions::default()
        })?;
        Ok(Self {
            options,
            forecaster,
            history: Vec::new(),
            forecast: None,
            used: 0,
            recent: std::collections::VecDeque::new(),
        })
    }

    /// The number of values the detector holds as history.
    pub fn history_len(&self) -> usize {
        self.history.len()
    }

    fn push(&mut self, transformed: f64) {
        self.history.push(transformed);
        let excess = self.history.len().saturating_sub(self.options.max_history);
        if excess > self.options.max_history / 4 {
            self.history.drain(..excess);
        }
    }

    /// Judges the next value: `None` while warming up. A value the transform cannot take (a
    /// negative count, NaN) is an error and is not added to the history.
    pub fn observe(&mut self, value: f64) -> Result<Option<Verdict>, ForecastError> {
        let transform = self.options.transform;
        let transformed = transform.forward(value).ok_or(ForecastError::NonFinite {
            index: self.history.len(),
            value,
        })?;
        if self.history.len() < self.options.warm_up.max(10) {
            self.push(transformed);
            return Ok(None);
        }
        if self.forecast.is_none() {
            if let Some(&period) = self.forecaster.periods_for(&self.history).last() {
                clean_with_seasonal_median(&mut self.history, period);
            }
        }
        if self
            .forecast
            .as_ref()
            .is_none_or(|f| self.used >= f.point.len())
        {
            let start = self.history.len().saturating_sub(self.options.max_history);
            let forecast = self.forecaster.forecast(
                &self.history[start..],
                self.options.refit_every,
                &[self.options.band_level],
            )?;
            self.forecast = Some(forecast);
            self.used = 0;
        }
        let forecast = self.forecast.as_ref().expect("refitted above");
        let step = self.used;
        self.used += 1;
        let point = forecast.point[step];
        let band = &forecast.intervals[0];
        let (lower, upper) = (band.lower[step], band.upper[step]);
        let z = normal_quantile(0.5 + self.options.band_level / 2.0);
        let direction = if transformed >= point {
            Direction::Above
        } else {
            Direction::Below
        };
        let spread = match direction {
            Direction::Above => (upper - point) / z,
            Direction::Below => (point - lower) / z,
        };
        // Poisson counts vary by up to about 0.5 on the square-root scale whatever the band says.
        let spread = match transform {
            Transform::Sqrt => spread.max(0.5),
            _ => spread,
        };
        let deviation = if spread > 0.0 {
            ((transformed - point) / spread).clamp(-MAX_DEVIATION, MAX_DEVIATION)
        } else if transformed == point {
            0.0
        } else {
            MAX_DEVIATION.copysign(transformed - point)
        };
        let window = self.options.window;
        self.recent.push_back(deviation);
        if self.recent.len() > window {
            self.recent.pop_front();
        }
        let pooled = if self.recent.len() == window {
            self.recent.iter().sum::<f64>() / (window as f64).sqrt()
        } else {
            0.0
        };
        // Only a pooled deviation on the same side as this value's counts for it.
        let pooled = if pooled * deviation > 0.0 {
            pooled.abs()
        } else {
            0.0
        };
        let probability = 2.0 * normal_cdf(deviation.abs().max(pooled)) - 1.0;
        let anomalous = probability >= self.options.threshold;
        self.push(if anomalous {
            point + deviation.clamp(-HUBER_LIMIT, HUBER_LIMIT) * spread
        } else {
            transformed
        });
        Ok(Some(Verdict {
            value,
            expected: transform.inverse(point),
            lower: transform.inverse(lower),
            upper: transform.inverse(upper),
            probability,
            anomalous,
            direction,
        }))
    }
}

/// Anomalous values enter the history at most this many standard deviations from the forecast.
const HUBER_LIMIT: f64 = 2.0;

/// Largest standardised deviation one value contributes (a zero-width band gives infinity).
const MAX_DEVIATION: f64 = 10.0;

/// Values further than this many robust standard deviations from their seasonal median are
/// replaced by it when the warm-up history is cleaned.
const CLEANING_CUTOFF: f64 = 5.0;

/// Cleans a warm-up history that nobody has judged yet: with at least three cycles of
/// `period`, each value further than five robust standard deviations (1.4826 · MAD of all
/// deviations) from the median of its position in the cycle is replaced by that median. An
/// incident in the warm-up would otherwise become part of the seasonal pattern.
fn clean_with_seasonal_median(history: &mut [f64], period: usize) {
    let cycles = history.len() / period;
    if period == 0 || cycles < 3 {
        return;
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let medians: Vec<f64> = (0..period)
        .map(|slot| median(&mut history[slot..].iter().step_by(period).copied().collect()))
        .collect();
    let mut deviations: Vec<f64> = history
        .iter()
        .enumerate()
        .map(|(t, v)| (v - medians[t % period]).abs())
        .collect();
    let spread = 1.4826 * median(&mut deviations);
    if spread <= 0.0 {
        return;
    }
    for (t, value) in history.iter_mut().enumerate() {
        let expected = medians[t % period];
        if (*value - expected).abs() > CLEANING_CUTOFF * spread {
            *value = expected;
        }
    }
}

/// A run of anomalous steps in a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnomalyInterval {
    /// First anomalous step.
    pub start: usize,
    /// One past the last anomalous step.
    pub end: usize,
    /// Highest anomaly probability in the run.
    pub peak_probability: f64,
    /// Side of the forecast of the most anomalous step.
    pub direction: Direction,
}

/// Runs a [`StreamingDetector`] over `series` and returns its anomalous runs: flagged steps at
/// most `max_gap` steps apart form one run, and runs shorter than `min_len` steps are dropped
/// (single noisy intervals). The first `warm_up` steps are never flagged.
pub fn detect_anomalies(
    series: &[f64],
    options: &DetectorOptions,
    max_gap: usize,
    min_len: usize,
) -> Result<Vec<AnomalyInterval>, ForecastError> {
    let mut detector = StreamingDetector::new(options.clone())?;
    let mut flagged = Vec::new();
    for (index, &value) in series.iter().enumerate() {
        let verdict = detector.observe(value).map_err(|e| match e {
            ForecastError::NonFinite { value, .. } => ForecastError::NonFinite { index, value },
            other => other,
        })?;
        if let Some(verdict) = verdict.filter(|v| v.anomalous) {
            flagged.push((index, verdict));
        }
    }
    Ok(runs(&flagged, max_gap, min_len))
}

/// Groups flagged steps into runs.
fn runs(flagged: &[(usize, Verdict)], max_gap: usize, min_len: usize) -> Vec<AnomalyInterval> {
    let mut out: Vec<AnomalyInterval> = Vec::new();
    let mut current: Option<AnomalyInterval> = None;
    for &(index, verdict) in flagged {
        match current.as_mut() {
            // `index >= run.end` here: flagged steps come in order.
            Some(run) if index - run.end <= max_gap => {
                run.end = index + 1;
                if verdict.probability > run.peak_probability {
                    run.peak_probability = verdict.probability;
                    run.direction = verdict.direction;
                }
            }
            _ => {
                out.extend(current.take());
                current = Some(AnomalyInterval {
                    start: index,
                    end: index + 1,
                    peak_probability: verdict.probability,
                    direction: verdict.direction,
                });
            }
        }
    }
    out.extend(current);
    out.retain(|run| run.end - run.start >= min_len);
    out
}

/// Level shifts in `series`: the indices where a new segment starts, by PELT (Killick, Fearnhead
/// and Eckley 2012) with the cost of a segment its squared deviations from its mean divided by
/// the noise variance, and a penalty of `penalty · ln(n)` per change (2 is BIC-like; higher
/// finds fewer). The noise variance is estimated robustly from the differences of consecutive
/// values (`(MAD / 0.6745)² / 2`), so it is not inflated by the shifts themselves. Segments
/// have at least `min_segment` values (at least 2). Deseasonalise seasonal data first (e.g.
/// daily totals of a weekly pattern, or a forecast's residuals).
pub fn changepoints(
    series: &[f64],
    penalty: f64,
    min_segment: usize,
) -> Result<Vec<usize>, ForecastError> {
    if let Some(index) = series.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite {
            index,
            value: series[index],
        });
    }
    if !(penalty.is_finite() && penalty >= 0.0) {
        return Err(ForecastError::Model(format!(
            "the changepoint penalty must be a non-negative number, got {penalty}"
        )));
    }
    let n = series.len();
    let min_segment = min_segment.max(2);
    if n < 2 * min_segment {
        return Ok(Vec::new());
    }
    let mut differences: Vec<f64> = series.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    differences.sort_by(f64::total_cmp);
    let mad = differences[differences.len() / 2];
    let noise = mad / 0.6745 / std::f64::consts::SQRT_2;
    if noise <= 0.0 {
        // No noise: every change in value is a shift.
        return Ok((1..n).filter(|&i| series[i] != series[i - 1]).collect());
    }
    // Costs are computed on the series centred on its median and measured in noise units: the
    // same costs, but the squares of large values neither overflow nor cancel.
    let mut sorted = series.to_vec();
    sorted.sort_by(f64::total_cmp);
    let centre = sorted[n / 2];
    // Prefix sums of values and squares for O(1) segment costs.
    let mut sum = vec![0.0; n + 1];
    let mut squares = vec![0.0; n + 1];
    for (i, v) in series.iter().enumerate() {
        let z = (v - centre) / noise;
        sum[i + 1] = sum[i] + z;
        squares[i + 1] = squares[i] + z * z;
    }
    if !squares[n].is_finite() {
        return Err(ForecastError::Model(format!(
            "the values are too far apart for their noise level ({noise:e}) to find changepoints"
        )));
    }
    let cost = |from: usize, to: usize| {
        let len = (to - from) as f64;
        let s = sum[to] - sum[from];
        (squares[to] - squares[from]) - s * s / len
    };
    let beta = penalty * (n as f64).ln();
    let mut best = vec![0.0f64; n + 1];
    best[0] = -beta;
    let mut last_change = vec![0usize; n + 1];
    // Start candidates; each has at least `min_segment` values before the current end.
    let mut candidates: Vec<usize> = vec![0];
    for end in min_segment..=n {
        let (argmin, best_here) = candidates
            .iter()
            .map(|&start| (start, best[start] + cost(start, end) + beta))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .expect("the best start always survives pruning");
        best[end] = best_here;
        last_change[end] = argmin;
        // Prune starts that can never be optimal again (PELT's condition), then admit the
        // start that reaches `min_segment` values at the next end.
        candidates.retain(|&start| best[start] + cost(start, end) <= best_here);
        let next = end + 1 - min_segment;
        if next >= min_segment {
            candidates.push(next);
        }
    }
    let mut changes = Vec::new();
    let mut end = n;
    while end > 0 {
        let start = last_change[end];
        if start > 0 {
            changes.push(start);
        }
        end = start;
    }
    changes.reverse();
    Ok(changes)
}

/// How a [`MetricMonitor`] watches metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorOptions {
    /// Detector settings shared by every metric (the transform is per metric, below).
    pub detector: DetectorOptions,
    /// Transform per metric name; metrics not listed use `detector.transform`.
    pub transforms: HashMap<String, Transform>,
    /// Consecutive anomalous samples of a series before it alerts (1 alerts on the first);
    /// incidents last; lone outliers mostly do not.
    pub min_consecutive: usize,
    /// Length of one sampling interval; samples must come on this grid (missing intervals are
    /// skipped, not filled).
    pub step: TimeDelta,
}

impl Default for MonitorOptions {
    /// 15-minute samples with daily and weekly cycles (96 and 672 steps), three weeks of warm-up
    /// and four of history,
    /// a refit every day, alerts at probability 0.99 held for two consecutive samples; square
    /// roots for `queue_depth` and
    /// `active_calls`, logarithms for `asr_latency_ms` (offset 1 ms) and `error_rate` (offset
    /// 0.001).
    fn default() -> Self {
        let transforms = [
            ("queue_depth", Transform::Sqrt),
            ("active_calls", Transform::Sqrt),
            ("asr_latency_ms", Transform::Log { offset: 1.0 }),
            ("error_rate", Transform::Log { offset: 0.001 }),
        ]
        .into_iter()
        .map(|(name, transform)| (name.to_owned(), transform))
        .collect();
        Self {
            detector: DetectorOptions {
                periods: Some(vec![96, 672]),
                threshold: 0.9999,
                refit_every: 96,
                warm_up: 3 * 672,
                max_history: 4 * 672,
                ..DetectorOptions::default()
            },
            transforms,
            min_consecutive: 2,
            step: TimeDelta::minutes(15),
        }
    }
}

/// A metric interval whose anomaly probability reached the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricAlert {
    /// Owning tenant.
    pub tenant: String,
    /// Metric name.
    pub metric: String,
    /// Reporting component.
    pub source: String,
    /// Start of the interval.
    pub timestamp: DateTime<Utc>,
    /// The verdict on the sample.
    pub verdict: Verdict,
}

/// Streaming detectors over metric samples, one per tenant, metric and source.
#[derive(Debug, Clone)]
pub struct MetricMonitor {
    options: MonitorOptions,
    /// Per series: its detector, the time of its last sample, its run of anomalous samples.
    series: HashMap<(String, String, String), Watched>,
}

#[derive(Debug, Clone)]
struct Watched {
    detector: StreamingDetector,
    last: DateTime<Utc>,
    anomalous_run: usize,
}

impl MetricMonitor {
    /// A monitor with these options.
    pub fn new(options: MonitorOptions) -> Result<Self, ForecastError> {
        options.detector.validate()?;
        if options.step <= TimeDelta::zero() {
            return Err(ForecastError::Resample(format!(
                "step {} is not positive",
                options.step
            )));
        }
        Ok(Self {
            options,
            series: HashMap::new(),
        })
    }

    /// Judges one sample (samples of one series must come in time order); returns an alert
    /// when it is anomalous and ends a run of at least `min_consecutive` anomalous samples. A sample in the same interval as the previous one of its series,
    /// or earlier, is ignored; a gap of missing intervals restarts that series' warm-up only if
    /// it is longer than a day.
    pub fn observe(&mut self, sample: &MetricSample) -> Result<Option<MetricAlert>, ForecastError> {
        let key = (
            sample.tenant.clone(),
            sample.metric.clone(),
            sample.source.clone(),
        );
        let restart_after = TimeDelta::days(1);
        let stale = self
            .series
            .get(&key)
            .is_some_and(|watched| sample.timestamp - watched.last > restart_after);
        if stale {
            self.series.remove(&key);
        }
        if let Some(watched) = self.series.get(&key)
            && sample.timestamp < watched.last + self.options.step
        {
            return Ok(None);
        }
        if !self.series.contains_key(&key) {
            let mut options = self.options.detector.clone();
            if let Some(transform) = self.options.transforms.get(&sample.metric) {
                options.transform = *transform;
            }
            let detector = StreamingDetector::new(options)?;
            let watched = Watched {
                detector,
                last: sample.timestamp,
                anomalous_run: 0,
            };
            self.series.insert(key.clone(), watched);
        }
        let watched = self.series.get_mut(&key).expect("inserted above");
        watched.last = sample.timestamp;
        let verdict = watched.detector.observe(sample.value)?;
        let anomalous = verdict.is_some_and(|v| v.anomalous);
        watched.anomalous_run = if anomalous {
            watched.anomalous_run + 1
        } else {
            0
        };
        let alerting = watched.anomalous_run >= self.options.min_consecutive.max(1);
        Ok(verdict.filter(|_| alerting).map(|verdict| MetricAlert {
            tenant: key.0,
            metric: key.1,
            source: key.2,
            timestamp: sample.timestamp,
            verdict,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_names_are_the_json_names() {
        for direction in [Direction::Above, Direction::Below] {
            let json = serde_json::to_value(direction).unwrap();
            assert_eq!(json.as_str(), Some(direction.as_str()));
        }
    }

    /// Gaussian noise from a seeded linear congruential generator (Box–Muller).
    fn gaussian(len: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        let mut uniform = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        (0..len)
            .map(|_| {
                (-2.0 * uniform().ln()).sqrt() * (2.0 * std::f64::consts::PI * uniform()).cos()
            })
            .collect()
    }

    #[test]
    fn changepoints_find_planted_shifts_and_nothing_in_noise() {
        let noise = gaussian(400, 1);
        let shifted: Vec<f64> = noise
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let level = if i < 120 {
                    10.0
                } else if i < 260 {
                    13.0
                } else {
                    8.0
                };
                level + e
            })
            .collect();
        let found = changepoints(&shifted, 2.0, 5).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].abs_diff(120) <= 3 && found[1].abs_diff(260) <= 3,
            "{found:?}"
        );
        assert!(changepoints(&noise, 2.0, 5).unwrap().is_empty());
        assert!(changepoints(&[1.0, f64::NAN], 2.0, 2).is_err());
        assert!(changepoints(&[1.0; 10], -1.0, 2).is_err());
        let steps = [1.0, 1.0, 1.0, 5.0, 5.0, 5.0];
        assert_eq!(changepoints(&steps, 2.0, 2).unwrap(), vec![3]);
    }

    /// Squares of values near 1e154 overflow f64, and a large level drowns small shifts in
    /// cancellation: neither may change what is found (both used to end in a panic or in noise).
    #[test]
    fn changepoints_do_not_depend_on_the_scale_or_level_of_the_values() {
        let noise = gaussian(200, 3);
        let shifted: Vec<f64> = noise
            .iter()
            .enumerate()
            .map(|(i, e)| if i < 90 { *e } else { 4.0 + e })
            .collect();
        let found = changepoints(&shifted, 2.0, 5).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        let huge: Vec<f64> = shifted.iter().map(|v| v * 1e154).collect();
        assert_eq!(changepoints(&huge, 2.0, 5).unwrap(), found);
        let far_from_zero: Vec<f64> = shifted.iter().map(|v| 1e9 + v * 1e-3).collect();
        assert_eq!(changepoints(&far_from_zero, 2.0, 5).unwrap(), found);
        // Values 1e300 apart with noise of 1: no cost fits in f64, a typed error.
        let mut extreme = shifted.clone();
        extreme[150] = 1e300;
        assert!(matches!(
            changepoints(&extreme, 2.0, 5),
            Err(ForecastError::Model(_))
        ));
    }

    #[test]
    fn a_spike_in_a_seasonal_series_is_flagged_once() {
        let noise = gaussian(24 * 30, 7);
        let mut series: Vec<f64> = noise
            .iter()
            .enumerate()
            .map(|(t, e)| {
                100.0 + 20.0 * (2.0 * std::f64::consts::PI * t as f64 / 24.0).sin() + 2.0 * e
            })
            .collect();
        for value in &mut series[24 * 25 + 5..24 * 25 + 9] {
            *value += 25.0;
        }
        let options = DetectorOptions {
            periods: Some(vec![24]),
            refit_every: 24,
            warm_up: 24 * 7,
            threshold: 0.999,
            ..DetectorOptions::default()
        };
        let found = detect_anomalies(&series, &options, 1, 2).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        // The pooled window keeps flagging for up to three steps after the spike.
        assert_eq!(found[0].start, 24 * 25 + 5);
        assert!(
            (24 * 25 + 9..=24 * 25 + 12).contains(&found[0].end),
            "{found:?}"
        );
        assert_eq!(found[0].direction, Direction::Above);
        assert!(found[0].peak_probability > 0.999);
    }

    #[test]
    fn detectors_refuse_bad_values_and_options() {
        let mut counts = StreamingDetector::new(DetectorOptions {
            transform: Transform::Sqrt,
            ..DetectorOptions::default()
        })
        .unwrap();
        assert!(matches!(
            counts.observe(-1.0),
            Err(ForecastError::NonFinite { .. })
        ));
        assert!(counts.observe(f64::NAN).is_err());
        assert_eq!(counts.observe(4.0), Ok(None));
        assert_eq!(counts.history_len(), 1);
        for bad in [
            DetectorOptions {
                threshold: 1.0,
                ..DetectorOptions::default()
            },
            // Levels whose band is infinitely wide or has no width.
            DetectorOptions {
                band_level: 0.9999999999999999,
                ..DetectorOptions::default()
            },
            DetectorOptions {
                band_level: 1e-17,
                ..DetectorOptions::default()
            },
            DetectorOptions {
                refit_every: usize::MAX,
                ..DetectorOptions::default()
            },
        ] {
            assert!(StreamingDetector::new(bad).is_err());
        }
        // Flagged steps any distance apart join under an unbounded gap.
        let verdict = |probability| Verdict {
            value: 0.0,
            expected: 0.0,
            lower: 0.0,
            upper: 0.0,
            probability,
            anomalous: true,
            direction: Direction::Above,
        };
        let joined = runs(&[(3, verdict(0.99)), (90, verdict(0.999))], usize::MAX, 1);
        assert_eq!((joined.len(), joined[0].start, joined[0].end), (1, 3, 91));
    }
}
