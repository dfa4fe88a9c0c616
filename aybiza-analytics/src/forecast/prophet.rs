//! [`ProphetForecaster`]: Prophet (augurs-prophet, its Stan model run by wasmtime) as a
//! [`Forecaster`], for teams that plan on Prophet or want it beside the default model.
//!
//! Behind the `prophet` cargo feature, off by default: wasmtime adds minutes of build and about
//! 1.4 GB of build artefacts. `docs/forecasting.md` compares it with the default model.

use std::num::NonZeroU32;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use augurs_prophet::optimizer::OptimizeOpts;
use augurs_prophet::wasmstan::WasmstanOptimizer;
use augurs_prophet::{
    IntervalWidth, PositiveFloat, PredictionData, Prophet, ProphetOptions, Seasonality,
    SeasonalityOption, TimestampSeconds, TrainingData,
};
use chrono::{DateTime, TimeDelta, Utc};

use super::calendar::{DayTypes, SpecialDays};
use super::models::{MIN_ETS_HISTORY, constant_forecast, is_constant};
use super::seasons::detect_periods;
use super::{Forecast, ForecastError, ForecastInterval, Forecaster, check_forecast_args};

/// Most Fourier terms a seasonality given in steps gets (Prophet's own yearly default).
pub const MAX_FOURIER_ORDER: u32 = 10;

/// Seed of Prophet's optimiser.
const OPTIMIZER_SEED: u32 = 0;

/// Seconds per step on the time axis of a series without timestamps (each step a "day").
const UNTIMED_STEP_SECONDS: i64 = 86_400;

/// The wasmtime engine with Prophet's Stan model, compiled once per process (about half a
/// second) and shared by every fit.
fn optimizer() -> WasmstanOptimizer {
    static OPTIMIZER: OnceLock<WasmstanOptimizer> = OnceLock::new();
    OPTIMIZER.get_or_init(WasmstanOptimizer::new).clone()
}

/// Where a series' steps fall in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeAxis {
    /// Time of the first value.
    pub start: DateTime<Utc>,
    /// Time between consecutive values.
    pub step: TimeDelta,
}

/// Settings of [`ProphetForecaster`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProphetSettings {
    /// When the values were taken. With it and no `periods`, Prophet chooses its daily, weekly
    /// and yearly seasonalities from the timestamps' span and spacing, and its changepoints
    /// fall on real dates. Without it the steps are read as consecutive days.
    pub time_axis: Option<TimeAxis>,
    /// Seasonal periods in steps, each a Fourier seasonality of `min(period / 2, 10)` terms in
    /// place of Prophet's automatic ones. `None`: Prophet's automatic seasonalities with a
    /// [`TimeAxis`], [`detect_periods`] without one.
    pub periods: Option<Vec<usize>>,
    /// The least value the series can take (0 for call counts): points and interval bounds
    /// below it are raised to it.
    pub lower_bound: Option<f64>,
}

/// Prophet: a piecewise-linear trend with automatic changepoints plus Fourier seasonalities,
/// fitted by maximum a posteriori estimation (L-BFGS in Stan, seeded). The intervals are
/// quantiles of Prophet's 1,000 simulated futures (trend changes and observation noise), so they
/// vary slightly from run to run; so, in the third or fourth significant digit, does the point
/// forecast with two or more seasonalities, whose features augurs-prophet orders by a `HashMap`
/// (the optimiser stops at a slightly different point for each order).
#[derive(Debug, Clone)]
pub struct ProphetForecaster {
    settings: ProphetSettings,
}

impl ProphetForecaster {
    /// Checks the settings: periods of at least 2 steps, a positive step, a finite lower bound.
    pub fn new(settings: ProphetSettings) -> Result<Self, ForecastError> {
        if let Some(&period) = settings.periods.iter().flatten().find(|&&p| p < 2) {
            return Err(ForecastError::Period(period));
        }
        if let Some(axis) = &settings.time_axis
            && axis.step <= TimeDelta::zero()
        {
            return Err(ForecastError::Model(format!(
                "the time axis' step must be positive, got {} s",
                axis.step.num_seconds()
            )));
        }
        if let Some(bound) = settings.lower_bound.filter(|b| !b.is_finite()) {
            return Err(ForecastError::LowerBound(bound));
        }
        Ok(Self { settings })
    }

    /// The seasonal periods in steps that replace Prophet's automatic seasonalities: the given
    /// ones, or the detected ones for a series without a time axis; `None` leaves Prophet's.
    fn periods(&self, history: &[f64]) -> Option<Vec<usize>> {
        match (&self.settings.periods, &self.settings.time_axis) {
            (Some(periods), _) => Some(periods.clone()),
            (None, Some(_)) => None,
            (None, None) => Some(detect_periods(history)),
        }
    }

    /// The timestamps of `count` steps from step `first` on.
    fn timestamps(
        &self,
        first: usize,
        count: usize,
    ) -> Result<Vec<TimestampSeconds>, ForecastError> {
        let (start, step) = match &self.settings.time_axis {
            Some(axis) => (axis.start.timestamp(), axis.step.num_seconds().max(1)),
            None => (0, UNTIMED_STEP_SECONDS),
        };
        (first..first + count)
            .map(|index| {
                i64::try_from(index)
                    .ok()
                    .and_then(|index| index.checked_mul(step))
                    .and_then(|offset| start.checked_add(offset))
                    .ok_or_else(|| {
                        ForecastError::Model(
                            "the forecast runs past the representable dates".into(),
                        )
                    })
            })
            .collect()
    }

    /// Prophet's options for these periods: their Fourier seasonalities in place of the
    /// automatic ones, or Prophet's defaults.
    fn model(
        &self,
        periods: Option<&[usize]>,
    ) -> Result<Prophet<WasmstanOptimizer>, ForecastError> {
        let mut options = ProphetOptions::default();
        let Some(periods) = periods else {
            return Ok(Prophet::new(options, optimizer()));
        };
        options.yearly_seasonality = SeasonalityOption::Manual(false);
        options.weekly_seasonality = SeasonalityOption::Manual(false);
        options.daily_seasonality = SeasonalityOption::Manual(false);
        let step_days = match &self.settings.time_axis {
            Some(axis) => axis.step.num_seconds().max(1) as f64 / 86_400.0,
            None => 1.0,
        };
        let mut prophet = Prophet::new(options, optimizer());
        for &period in periods {
            let days = PositiveFloat::try_from(period as f64 * step_days)
                .map_err(|e| ForecastError::Model(format!("period {period}: {e}")))?;
            let order = (period / 2).clamp(1, MAX_FOURIER_ORDER as usize) as u32;
            let order = NonZeroU32::new(order).expect("clamped to at least 1");
            prophet
                .add_seasonality(format!("period_{period}"), Seasonality::new(days, order))
                .map_err(|e| ForecastError::Model(e.to_string()))?;
        }
        Ok(prophet)
    }

    /// Fits Prophet to `history` and forecasts `horizon` steps at `levels`.
    fn fit_and_predict(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        let periods = self.periods(history);
        let mut prophet = self.model(periods.as_deref())?;
        let training = TrainingData::new(self.timestamps(0, history.len())?, history.to_vec())
            .map_err(prophet_error)?;
        prophet
            .fit(
                training,
                OptimizeOpts {
                    seed: Some(OPTIMIZER_SEED),
                    ..OptimizeOpts::default()
                },
            )
            .map_err(prophet_error)?;
        let future = self.timestamps(history.len(), horizon)?;
        let mut point = None;
        let mut intervals = Vec::with_capacity(levels.len());
        for &level in levels {
            prophet.set_interval_width(IntervalWidth::try_from(level).map_err(prophet_error)?);
            let predictions = prophet
                .predict(PredictionData::new(future.clone()))
                .map_err(prophet_error)?;
            let yhat = predictions.yhat;
            let (Some(lower), Some(upper)) = (yhat.lower, yhat.upper) else {
                return Err(ForecastError::Model(
                    "Prophet returned no uncertainty intervals".into(),
                ));
            };
            intervals.push(ForecastInterval {
                level,
                lower,
                upper,
            });
            point.get_or_insert(yhat.point);
        }
        let point = match point {
            Some(point) => point,
            None => {
                prophet
                    .predict(PredictionData::new(future))
                    .map_err(prophet_error)?
                    .yhat
                    .point
            }
        };
        let seasonalities = match &periods {
            Some(periods) if periods.is_empty() => "no seasonality".to_string(),
            Some(periods) => format!(
                "periods {}",
                periods
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            None => "automatic seasonalities".to_string(),
        };
        Ok(Forecast {
            point,
            intervals,
            model: format!("Prophet ({seasonalities})"),
        })
    }

    /// [`Forecaster::forecast`] with known working days, as
    /// [`super::AutoForecaster::forecast_with_calendar`] takes them (one flag per history step
    /// and per forecast step): Prophet is fitted to the history with the special days' effects
    /// taken out (a public holiday against the usual non-working days of its place in the week),
    /// and the effects are added to the forecast, its points and interval bounds alike. Needs
    /// seasonal periods (given, or detected without a time axis) to place a day in its week.
    pub fn forecast_with_calendar(
        &self,
        history: &[f64],
        working: &[bool],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        self.check(history, horizon, levels)?;
        let mut periods = self.periods(history).unwrap_or_default();
        periods.sort_unstable();
        let DayTypes { working, cycle } =
            DayTypes::new(working, history.len() + horizon, &periods)?;
        let special = SpecialDays::estimate(history, working, cycle)?;
        let mut forecast = self.unbounded(&special.clean(history), horizon, levels)?;
        special.add_to_forecast(&mut forecast, history.len());
        Ok(self.bounded(forecast))
    }

    /// Checks the arguments: 10 values, and two cycles of the longest given period.
    fn check(&self, history: &[f64], horizon: usize, levels: &[f64]) -> Result<(), ForecastError> {
        let longest = self.settings.periods.iter().flatten().max().copied();
        let min_len = longest.map_or(MIN_ETS_HISTORY, |p| MIN_ETS_HISTORY.max(2 * p));
        check_forecast_args(history, min_len, horizon, levels)
    }

    /// `forecast` raised to the lower bound, if there is one.
    fn bounded(&self, mut forecast: Forecast) -> Forecast {
        if let Some(bound) = self.settings.lower_bound {
            forecast.raise_to(bound);
        }
        forecast
    }

    /// The forecast of checked arguments, before the lower bound.
    fn unbounded(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        if is_constant(history) {
            Ok(constant_forecast(history, horizon).into_forecast(levels))
        } else {
            // augurs-prophet and wasmtime are not ours to vouch for: a panic in them becomes an
            // error here rather than crossing into a binding.
            catch_unwind(AssertUnwindSafe(|| {
                self.fit_and_predict(history, horizon, levels)
            }))
            .map_err(|panic| {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                ForecastError::Model(format!("Prophet failed: {message}"))
            })?
        }
    }
}

impl Forecaster for ProphetForecaster {
    /// Needs 10 values, and two cycles of the longest given period. A constant
    /// history is forecast as the constant with zero-width intervals, as the other models do.
    fn forecast(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        self.check(history, horizon, levels)?;
        Ok(self.bounded(self.unbounded(history, horizon, levels)?))
    }
}

/// An error of augurs-prophet as a forecast error.
fn prophet_error(error: impl std::fmt::Display) -> ForecastError {
    ForecastError::Model(format!("Prophet: {error}"))
}
