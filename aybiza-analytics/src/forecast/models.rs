//! The base forecasters: non-seasonal AutoETS, MSTL with an AutoETS trend, and seasonal naive.
//!
//! Each produces a point forecast and a standard error per step (from the model's own
//! Gaussian intervals); [`super::Calibrated`] replaces those intervals by empirically
//! calibrated ones.

use super::ets::{ETS_SHAPES, ErrorKind, EtsShape, FittedEts};
use super::stl;

use super::{
    Forecast, ForecastError, Forecaster, check_forecast_args, normal_intervals, normal_quantile,
};

/// The level whose interval width the base models are asked for; widths at other levels are
/// derived from the standard error it implies.
const REFERENCE_LEVEL: f64 = 0.8;

/// Most recent values an ETS model is fitted to. Its forecast depends only on its final state
/// and three or four smoothing parameters, which a thousand values pin down; fitting longer
/// series costs time in proportion (the likelihood runs over every value at every optimiser
/// step) and did not improve accuracy on the evaluation series.
pub const ETS_WINDOW: usize = 1_000;

/// Shortest history [`Ets`] accepts.
pub(crate) const MIN_ETS_HISTORY: usize = 10;

/// A point forecast with one standard error per step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PointAndSpread {
    pub point: Vec<f64>,
    pub sd: Vec<f64>,
    pub model: String,
}

impl PointAndSpread {
    /// The forecast with Gaussian intervals at `levels` from the standard errors.
    pub(crate) fn into_forecast(self, levels: &[f64]) -> Forecast {
        Forecast {
            intervals: normal_intervals(&self.point, &self.sd, levels),
            point: self.point,
            model: self.model,
        }
    }
}

/// A base model: point forecasts and standard errors for the steps after `history`.
pub(crate) trait BaseModel: Send + Sync {
    /// Shortest history the model can be fitted to.
    fn min_history(&self) -> usize;
    /// Fits and forecasts; the arguments are already checked.
    fn predict(&self, history: &[f64], horizon: usize) -> Result<PointAndSpread, ForecastError>;
}

/// [`Forecaster::forecast`] of a base model: checks the arguments against the model's shortest
/// history, fits, and turns the standard errors into intervals at `levels`.
fn forecast_base(
    model: &impl BaseModel,
    history: &[f64],
    horizon: usize,
    levels: &[f64],
) -> Result<Forecast, ForecastError> {
    check_forecast_args(history, model.min_history(), horizon, levels)?;
    Ok(model.predict(history, horizon)?.into_forecast(levels))
}

/// Whether every value equals the first.
pub(crate) fn is_constant(history: &[f64]) -> bool {
    history.iter().all(|v| *v == history[0])
}

/// The forecast of a constant history: the constant, with zero spread (nothing has ever varied).
pub(crate) fn constant_forecast(history: &[f64], horizon: usize) -> PointAndSpread {
    PointAndSpread {
        point: vec![history[history.len() - 1]; horizon],
        sd: vec![0.0; horizon],
        model: "constant".into(),
    }
}

/// Fits a non-seasonal ETS model: the given shape (when it can be fitted, and for a
/// multiplicative one the data are positive), or else the best by AICc among [`ETS_SHAPES`]
/// (ANN, AAdN and, for positive data, MNN, MAdN).
fn fit_ets(y: &[f64], shape: Option<EtsShape>) -> Result<FittedEts, ForecastError> {
    let positive = y.iter().all(|v| *v > 0.0);
    // A fixed multiplicative shape (a backtest refit) needs positive data too.
    if let Some(shape) = shape
        && (positive || shape.error == ErrorKind::Additive)
        && let Ok(model) = FittedEts::fit(y, shape)
    {
        return Ok(model);
    }
    let mut best: Option<FittedEts> = None;
    for shape in ETS_SHAPES {
        if shape.error == ErrorKind::Multiplicative && !positive {
            continue;
        }
        let Ok(model) = FittedEts::fit(y, shape) else {
            continue;
        };
        // Any fitted model beats none, and one with an AICc beats one without.
        let aicc = model.aicc();
        let better = best
            .as_ref()
            .is_none_or(|b| aicc < b.aicc() || (b.aicc().is_nan() && !aicc.is_nan()));
        if better {
            best = Some(model);
        }
    }
    best.ok_or_else(|| ForecastError::Model("ETS: no model could be fitted".into()))
}

/// Fails on a forecast of the wrong length or with a non-finite point; standard errors that
/// are negative become 0 and non-finite ones are filled by [`fill_spread`].
fn checked_point_and_sd(
    point: Vec<f64>,
    sd: Vec<f64>,
    horizon: usize,
) -> Result<(Vec<f64>, Vec<f64>), ForecastError> {
    if point.len() != horizon || point.iter().any(|p| !p.is_finite()) {
        return Err(ForecastError::Model(
            "the model produced a non-finite forecast".into(),
        ));
    }
    let sd = sd
        .into_iter()
        .map(|s| if s.is_finite() { s.max(0.0) } else { f64::NAN })
        .collect();
    Ok((point, fill_spread(sd)))
}

/// Replaces non-finite standard errors by the last finite one before them (or the first after).
fn fill_spread(mut sd: Vec<f64>) -> Vec<f64> {
    let Some(first) = sd.iter().copied().find(|s| s.is_finite()) else {
        return vec![0.0; sd.len()];
    };
    let mut last = first;
    for s in &mut sd {
        if s.is_finite() {
            last = *s;
        } else {
            *s = last;
        }
    }
    sd
}

/// Non-seasonal exponential smoothing with automatic model selection: the best of ANN, AAdN,
/// MNN and MAdN by AICc, fitted by maximum likelihood to the last [`ETS_WINDOW`] values (the
/// algorithm of augurs-ets and statsforecast, reimplemented for speed in `forecast::ets`). For
/// short or non-seasonal series.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ets;

impl BaseModel for Ets {
    fn min_history(&self) -> usize {
        MIN_ETS_HISTORY
    }

    fn predict(&self, history: &[f64], horizon: usize) -> Result<PointAndSpread, ForecastError> {
        Ok(Self::predict_with_shape(history, horizon, None)?.0)
    }
}

impl Ets {
    /// Fits (the given shape, or the best by AICc) and forecasts, also returning the shape.
    pub(crate) fn predict_with_shape(
        history: &[f64],
        horizon: usize,
        shape: Option<EtsShape>,
    ) -> Result<(PointAndSpread, Option<EtsShape>), ForecastError> {
        if is_constant(history) {
            return Ok((constant_forecast(history, horizon), None));
        }
        let recent = &history[history.len().saturating_sub(ETS_WINDOW)..];
        let model = fit_ets(recent, shape)?;
        let point = model.point_forecast(horizon);
        let sd = model.forecast_sd(&point);
        let (point, sd) = checked_point_and_sd(point, sd, horizon)?;
        Ok((
            PointAndSpread {
                point,
                sd,
                model: model.shape().to_string(),
            },
            Some(model.shape()),
        ))
    }
}

impl Forecaster for Ets {
    fn forecast(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        forecast_base(self, history, horizon, levels)
    }
}

/// MSTL decomposition (STL per seasonal period, iterated twice, as augurs-mstl runs it; see
/// `forecast::stl`) with the deseasonalised series (trend plus remainder; its last
/// [`ETS_WINDOW`] values) forecast by non-seasonal AutoETS and the last cycle of each seasonal
/// component repeated. For series with one or more seasonalities, e.g.
/// periods 48 and 336 for half-hourly data. Needs at least two cycles of the longest period.
#[derive(Debug, Clone)]
pub struct MstlEts {
    periods: Vec<usize>,
    trend: Option<EtsShape>,
    robust: bool,
}

impl MstlEts {
    /// An MSTL model with these seasonal periods (each at least 2), in steps.
    pub fn new(periods: Vec<usize>) -> Result<Self, ForecastError> {
        if periods.is_empty() {
            return Err(ForecastError::Model(
                "MSTL needs at least one period".into(),
            ));
        }
        if let Some(&period) = periods.iter().find(|p| **p < 2) {
            return Err(ForecastError::Period(period));
        }
        let mut periods = periods;
        periods.sort_unstable();
        periods.dedup();
        Ok(Self {
            periods,
            trend: None,
            robust: false,
        })
    }

    /// Uses STL's robustness iterations (15 outer loops reweighting large remainders), so that
    /// a few outlying values (an incident) move the seasonal estimates less; slower.
    pub fn robust(mut self, robust: bool) -> Self {
        self.robust = robust;
        self
    }

    /// The seasonal periods, shortest first.
    pub fn periods(&self) -> &[usize] {
        &self.periods
    }

    /// The same decomposition with the trend model fixed to `shape` (no AutoETS search).
    pub(crate) fn with_trend(&self, shape: EtsShape) -> Self {
        Self {
            periods: self.periods.clone(),
            trend: Some(shape),
            robust: self.robust,
        }
    }

    /// Fits and forecasts, also returning the ETS shape the trend model chose.
    pub(crate) fn predict_with_shape(
        &self,
        history: &[f64],
        horizon: usize,
    ) -> Result<(PointAndSpread, Option<EtsShape>), ForecastError> {
        if is_constant(history) {
            return Ok((constant_forecast(history, horizon), None));
        }
        let decomposition = stl::mstl(history, &self.periods, self.robust)?;
        let deseasonalised = &decomposition.deseasonalised;
        let trend = fit_ets(
            &deseasonalised[deseasonalised.len().saturating_sub(ETS_WINDOW)..],
            self.trend,
        )?;
        let (mut point, mut lower, mut upper) = trend.forecast_with_band(horizon, REFERENCE_LEVEL);
        // Each seasonal component's last cycle, repeated.
        for (&period, component) in self.periods.iter().zip(&decomposition.seasonal) {
            let last_cycle = &component[component.len() - period..];
            let steps = point.iter_mut().zip(&mut lower).zip(&mut upper);
            for (((p, l), u), &c) in steps.zip(last_cycle.iter().cycle()) {
                let c = f64::from(c);
                *p += c;
                *l += c;
                *u += c;
            }
        }
        let z = normal_quantile(0.5 + REFERENCE_LEVEL / 2.0);
        let sd = upper
            .iter()
            .zip(&lower)
            .map(|(u, l)| (u - l) / (2.0 * z))
            .collect();
        let (point, sd) = checked_point_and_sd(point, sd, horizon)?;
        let shape = Some(trend.shape());
        let periods: Vec<String> = self.periods.iter().map(usize::to_string).collect();
        let model = format!("MSTL({})+{}", periods.join(","), trend.shape());
        Ok((PointAndSpread { point, sd, model }, shape))
    }
}

impl BaseModel for MstlEts {
    fn min_history(&self) -> usize {
        self.periods
            .iter()
            .max()
            .map_or(2, |p| p.saturating_mul(2))
            .max(MIN_ETS_HISTORY)
    }

    fn predict(&self, history: &[f64], horizon: usize) -> Result<PointAndSpread, ForecastError> {
        Ok(self.predict_with_shape(history, horizon)?.0)
    }
}

impl Forecaster for MstlEts {
    fn forecast(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        forecast_base(self, history, horizon, levels)
    }
}

/// Repeats the last seasonal cycle: step `h` is the value one (or more) periods before it.
/// Its standard error is that of the in-sample seasonal differences, growing with the square
/// root of the number of cycles ahead.
#[derive(Debug, Clone, Copy)]
pub struct SeasonalNaive {
    period: usize,
}

impl SeasonalNaive {
    /// A seasonal naive forecaster with this period (at least 1; 1 is the plain naive method).
    pub fn new(period: usize) -> Result<Self, ForecastError> {
        if period == 0 {
            return Err(ForecastError::Period(0));
        }
        Ok(Self { period })
    }
}

impl BaseModel for SeasonalNaive {
    fn min_history(&self) -> usize {
        self.period + 1
    }

    fn predict(&self, history: &[f64], horizon: usize) -> Result<PointAndSpread, ForecastError> {
        let n = history.len();
        let m = self.period;
        let last_cycle = &history[n - m..];
        let point = (0..horizon).map(|h| last_cycle[h % m]).collect();
        let squares: f64 = (m..n).map(|t| (history[t] - history[t - m]).powi(2)).sum();
        let sigma = (squares / (n - m) as f64).sqrt();
        let sd = (0..horizon)
            .map(|h| sigma * ((h / m + 1) as f64).sqrt())
            .collect();
        Ok(PointAndSpread {
            point,
            sd,
            model: format!("SeasonalNaive({m})"),
        })
    }
}

impl Forecaster for SeasonalNaive {
    fn forecast(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        forecast_base(self, history, horizon, levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two seasonalities (12 and 84 steps), a slight trend and deterministic noise.
    fn seasonal_series(n: usize) -> Vec<f64> {
        (0..n)
            .map(|t| {
                let t = t as f64;
                100.0
                    + 0.01 * t
                    + 10.0 * (2.0 * std::f64::consts::PI * t / 12.0).sin()
                    + 5.0 * (2.0 * std::f64::consts::PI * t / 84.0).cos()
                    + ((t * 7.31).sin() * 1.7)
            })
            .collect()
    }

    #[test]
    fn mstl_follows_both_seasonalities() {
        let y = seasonal_series(84 * 8 + 24);
        let (train, test) = y.split_at(84 * 8);
        let model = MstlEts::new(vec![84, 12]).unwrap();
        assert_eq!(model.periods(), &[12, 84]);
        let forecast = model.forecast(train, 24, &[0.8, 0.95]).unwrap();
        assert!(
            forecast.model.starts_with("MSTL(12,84)+ETS("),
            "{}",
            forecast.model
        );
        let mae: f64 = forecast
            .point
            .iter()
            .zip(test)
            .map(|(p, y)| (p - y).abs())
            .sum::<f64>()
            / 24.0;
        assert!(mae < 2.5, "MAE {mae}");
        let (i80, i95) = (&forecast.intervals[0], &forecast.intervals[1]);
        for h in 0..24 {
            assert!(i95.lower[h] <= i80.lower[h] && i80.lower[h] <= forecast.point[h]);
            assert!(i95.upper[h] >= i80.upper[h] && i80.upper[h] >= forecast.point[h]);
        }
    }

    /// The trend is followed, damped: each step adds a little less than the last.
    #[test]
    fn ets_extrapolates_a_damped_trend() {
        let y: Vec<f64> = (0..40).map(|t| 5.0 + 2.0 * t as f64).collect();
        let forecast = Ets.forecast(&y, 3, &[0.9]).unwrap();
        assert!(
            (forecast.point[0] - 85.0).abs() < 0.5,
            "{:?}",
            forecast.point
        );
        for step in forecast.point.windows(2) {
            assert!(
                (1.6..2.0).contains(&(step[1] - step[0])),
                "{:?}",
                forecast.point
            );
        }
    }

    #[test]
    fn constant_series_forecast_a_flat_line_with_zero_width() {
        let y = [7.0; 50];
        for forecast in [
            Ets.forecast(&y, 5, &[0.8]).unwrap(),
            MstlEts::new(vec![7])
                .unwrap()
                .forecast(&y, 5, &[0.8])
                .unwrap(),
        ] {
            assert_eq!(forecast.point, vec![7.0; 5]);
            assert_eq!(forecast.intervals[0].lower, vec![7.0; 5]);
            assert_eq!(forecast.intervals[0].upper, vec![7.0; 5]);
        }
    }

    #[test]
    fn seasonal_naive_repeats_the_last_cycle() {
        let y = [1.0, 2.0, 3.0, 1.0, 2.0, 4.0];
        let forecast = SeasonalNaive::new(3)
            .unwrap()
            .forecast(&y, 4, &[0.8])
            .unwrap();
        assert_eq!(forecast.point, vec![1.0, 2.0, 4.0, 1.0]);
        let width = |h: usize| forecast.intervals[0].upper[h] - forecast.intervals[0].lower[h];
        // One cycle ahead the error variance doubles.
        assert!((width(3) / width(0) - 2f64.sqrt()).abs() < 1e-12);
        assert_eq!(SeasonalNaive::new(0).unwrap_err(), ForecastError::Period(0));
    }

    #[test]
    fn mstl_rejects_bad_periods_and_short_histories() {
        assert_eq!(MstlEts::new(vec![1]).unwrap_err(), ForecastError::Period(1));
        let model = MstlEts::new(vec![48]).unwrap();
        assert_eq!(
            model.forecast(&[1.0; 50], 4, &[]).unwrap_err(),
            ForecastError::TooShort { len: 50, min: 96 }
        );
    }
}
