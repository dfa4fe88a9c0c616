//! Call-volume forecasting, anomaly detection and staffing.
//!
//! - [`Forecaster`] is the seam: fit a regularly spaced history, forecast `horizon` steps with
//!   prediction intervals. Implementations: [`Ets`] (non-seasonal AutoETS), [`MstlEts`] (MSTL
//!   decomposition with an AutoETS trend, for one or more seasonalities), [`SeasonalNaive`],
//!   the interval calibrator [`Calibrated`] and [`AutoForecaster`], which picks the model
//!   (detecting seasonal periods when none are given) and calibrates its intervals, and with
//!   [`AutoForecaster::forecast_with_calendar`] also takes known working days (a public holiday
//!   is forecast like the usual non-working days).
//! - [`ForecastModel`] names the model the CLI and the bindings run: the default
//!   [`AutoForecaster`], or Prophet (`ProphetForecaster`, behind the `prophet` cargo feature).
//! - [`RegularSeries`] turns timestamped points or event times into a regular grid, and
//!   [`working_days_on_grid`] puts rows' working-day flags on it.
//! - [`anomaly`] flags anomalous intervals and changepoints, live ([`anomaly::StreamingDetector`])
//!   or over a history, and watches system metrics ([`anomaly::MetricMonitor`]).
//! - [`outlier`] flags series that depart from their peers, or cycles from the other cycles
//!   (augurs-outlier's MAD and DBSCAN detectors).
//! - [`json`] runs forecasts, anomaly detection and staffing on JSON arguments (the bindings).
//! - [`staffing`] turns forecast volume into agents required (Erlang C and Erlang A).
//!
//! `docs/forecasting.md` explains the methods and their measured accuracy.

pub mod anomaly;
mod auto;
mod calendar;
mod calibrate;
mod ets;
pub mod json;
mod models;
pub mod outlier;
#[cfg(feature = "prophet")]
mod prophet;
mod seasons;
mod series;
pub mod staffing;
mod stl;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

pub use auto::{AutoForecaster, ForecastOptions};
pub use calendar::{MAX_DAYS_PER_CYCLE, PROFILE_CYCLES, working_days_on_grid};
pub use calibrate::{CALIBRATION_SPAN_CYCLES, Calibrated, DEFAULT_CALIBRATION_WINDOWS};
pub use models::{ETS_WINDOW, Ets, MstlEts, SeasonalNaive};
#[cfg(feature = "prophet")]
pub use prophet::{MAX_FOURIER_ORDER, ProphetForecaster, ProphetSettings, TimeAxis};
pub use seasons::detect_periods;
pub use series::{Aggregation, GapFill, MAX_SLOTS, RegularSeries};

use crate::Error;

/// Largest horizon any forecaster accepts.
pub const MAX_HORIZON: usize = 100_000;
/// The horizon may be at most this many times the history's length.
pub const MAX_HORIZON_RATIO: usize = 10;

/// Why a forecast could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// The history is shorter than the method needs.
    #[error("series has {len} values; at least {min} are needed")]
    TooShort {
        /// Values given.
        len: usize,
        /// Values needed.
        min: usize,
    },
    /// A history value is NaN or infinite.
    #[error("series value {index} is not a finite number ({value})")]
    NonFinite {
        /// Position of the first such value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The horizon is 0 or too long for the history.
    #[error(
        "horizon must be between 1 and {max} (at most {MAX_HORIZON} and {MAX_HORIZON_RATIO} times the history), got {horizon}"
    )]
    Horizon {
        /// The horizon asked for.
        horizon: usize,
        /// The longest horizon allowed for this history.
        max: usize,
    },
    /// An interval level is not strictly between 0 and 1.
    #[error("interval levels must be strictly between 0 and 1, got {0}")]
    Level(f64),
    /// A seasonal period is below 2.
    #[error("seasonal periods must be at least 2, got {0}")]
    Period(usize),
    /// Timestamped input could not be put on a regular grid.
    #[error("cannot resample the series: {0}")]
    Resample(String),
    /// Fewer series than the method compares.
    #[error("{count} series given; at least {min} are needed")]
    TooFewSeries {
        /// Series given.
        count: usize,
        /// Series needed.
        min: usize,
    },
    /// Series that must be aligned have different lengths.
    #[error("series {index} has {len} values, the first has {expected}")]
    Ragged {
        /// Position of the first series of another length.
        index: usize,
        /// Its length.
        len: usize,
        /// The first series' length.
        expected: usize,
    },
    /// An outlier sensitivity is not strictly between 0 and 1.
    #[error("sensitivity must be strictly between 0 and 1, got {0}")]
    Sensitivity(f64),
    /// A calendar's length is not the history's plus the horizon's.
    #[error(
        "the calendar has {len} flags; the history and the horizon need {expected} (one per step)"
    )]
    CalendarLength {
        /// Flags given.
        len: usize,
        /// History length plus horizon.
        expected: usize,
    },
    /// A calendar cannot be applied to this series.
    #[error("the calendar cannot be used: {0}")]
    Calendar(String),
    /// A lower bound on the forecast is not a finite number.
    #[error("the lower bound must be a finite number, got {0}")]
    LowerBound(f64),
    /// The underlying model failed on this data.
    #[error("the series cannot be modelled: {0}")]
    Model(String),
    /// The model asked for is behind a cargo feature this build was made without.
    #[error(
        "the {model} model needs the `{feature}` cargo feature, which this build was made without"
    )]
    NotBuilt {
        /// The model asked for.
        model: &'static str,
        /// The cargo feature that brings it.
        feature: &'static str,
    },
}

/// The model a forecast runs, as the CLI (`--model`) and the bindings (`options.model`) name it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForecastModel {
    /// [`AutoForecaster`]: MSTL with an ETS trend averaged with a seasonal naive forecast (or ETS
    /// alone without seasons), with calibrated intervals. The default.
    #[default]
    Auto,
    /// Prophet (`ProphetForecaster`), in builds with the `prophet` cargo feature; elsewhere a
    /// [`ForecastError::NotBuilt`].
    Prophet,
}

/// Prophet's forecast of `horizon` steps at `levels` after `history` on `axis` (the time of the
/// first value and the step; `None` for a plain sequence) with these seasonal `periods` in steps,
/// and with the `working` days when given (`ProphetForecaster::forecast_with_calendar`): the
/// `model = prophet` of the CLI and the bindings. A [`ForecastError::NotBuilt`] in builds
/// without the `prophet` cargo feature.
#[cfg_attr(not(feature = "prophet"), allow(unused_variables))]
pub fn forecast_with_prophet(
    history: &[f64],
    axis: Option<(DateTime<Utc>, TimeDelta)>,
    periods: Vec<usize>,
    lower_bound: Option<f64>,
    working: Option<&[bool]>,
    horizon: usize,
    levels: &[f64],
) -> Result<Forecast, ForecastError> {
    #[cfg(feature = "prophet")]
    {
        let prophet = ProphetForecaster::new(ProphetSettings {
            time_axis: axis.map(|(start, step)| TimeAxis { start, step }),
            periods: Some(periods),
            lower_bound,
        })?;
        match working {
            Some(working) => prophet.forecast_with_calendar(history, working, horizon, levels),
            None => prophet.forecast(history, horizon, levels),
        }
    }
    #[cfg(not(feature = "prophet"))]
    Err(ForecastError::NotBuilt {
        model: "prophet",
        feature: "prophet",
    })
}

impl From<ForecastError> for Error {
    fn from(error: ForecastError) -> Self {
        Error::InvalidArgument(error.to_string())
    }
}

/// A prediction interval at one confidence level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastInterval {
    /// Nominal coverage in (0, 1), e.g. 0.95.
    pub level: f64,
    /// Lower bound per step.
    pub lower: Vec<f64>,
    /// Upper bound per step.
    pub upper: Vec<f64>,
}

/// Point forecasts and intervals for the steps after the end of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Point forecast per step.
    pub point: Vec<f64>,
    /// One interval per requested level, in the order requested.
    pub intervals: Vec<ForecastInterval>,
    /// The model that produced it, e.g. `MSTL(48,336)+ETS(AAdN) calibrated on 4 windows`.
    pub model: String,
}

impl Forecast {
    /// Raises the points and interval bounds below `bound` to it (`lower_bound` options).
    pub(crate) fn raise_to(&mut self, bound: f64) {
        let raise = |values: &mut Vec<f64>| values.iter_mut().for_each(|v| *v = v.max(bound));
        raise(&mut self.point);
        for interval in &mut self.intervals {
            raise(&mut interval.lower);
            raise(&mut interval.upper);
        }
    }

    /// The interval at `level`, if it was requested.
    pub fn interval(&self, level: f64) -> Option<&ForecastInterval> {
        self.intervals
            .iter()
            .find(|interval| (interval.level - level).abs() < 1e-9)
    }
}

/// Forecasts a regularly spaced series.
pub trait Forecaster: Send + Sync {
    /// Fits to `history` and forecasts `horizon` steps with intervals at `levels` (each in (0, 1)).
    fn forecast(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError>;
}

/// The longest horizon allowed after a history of `len` values.
pub fn max_horizon(len: usize) -> usize {
    MAX_HORIZON.min(len.saturating_mul(MAX_HORIZON_RATIO))
}

/// Checks the arguments every [`Forecaster`] shares: a finite history of at least `min_len`
/// values, a horizon from 1 to [`max_horizon`] of the history's length, and levels strictly
/// between 0 and 1.
pub fn check_forecast_args(
    history: &[f64],
    min_len: usize,
    horizon: usize,
    levels: &[f64],
) -> Result<(), ForecastError> {
    let max_horizon = max_horizon(history.len());
    if history.len() < min_len {
        return Err(ForecastError::TooShort {
            len: history.len(),
            min: min_len,
        });
    }
    if let Some(index) = history.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite {
            index,
            value: history[index],
        });
    }
    if horizon == 0 || horizon > max_horizon {
        return Err(ForecastError::Horizon {
            horizon,
            max: max_horizon,
        });
    }
    if let Some(level) = levels.iter().find(|l| !(**l > 0.0 && **l < 1.0)) {
        return Err(ForecastError::Level(*level));
    }
    Ok(())
}

/// The standard normal quantile at probability `p` in (0, 1).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    distrs::Normal::ppf(p, 0.0, 1.0)
}

/// The standard normal distribution function at `x`.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    distrs::Normal::cdf(x, 0.0, 1.0)
}

/// Intervals `point ± z(level) · sd` for each level.
pub(crate) fn normal_intervals(point: &[f64], sd: &[f64], levels: &[f64]) -> Vec<ForecastInterval> {
    levels
        .iter()
        .map(|&level| {
            let z = normal_quantile(0.5 + level / 2.0);
            ForecastInterval {
                level,
                lower: point.iter().zip(sd).map(|(p, s)| p - z * s).collect(),
                upper: point.iter().zip(sd).map(|(p, s)| p + z * s).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every forecaster, on every kind of bad input: a typed error, never a panic; constant,
    /// tiny-valued and huge-valued series still forecast finite values.
    #[test]
    fn every_forecaster_refuses_bad_input_with_a_typed_error() {
        let forecasters: Vec<(&str, Box<dyn Forecaster>)> = vec![
            ("auto", Box::new(AutoForecaster::default())),
            ("ets", Box::new(Ets)),
            ("mstl", Box::new(MstlEts::new(vec![7]).unwrap())),
            ("naive", Box::new(SeasonalNaive::new(7).unwrap())),
            ("calibrated", Box::new(Calibrated::new(Ets, 10))),
        ];
        let good: Vec<f64> = (0..60).map(|i| 10.0 + (i % 7) as f64).collect();
        for (name, forecaster) in &forecasters {
            let refuse = |history: &[f64], horizon: usize, levels: &[f64]| {
                let result = forecaster.forecast(history, horizon, levels);
                assert!(result.is_err(), "{name}: accepted {history:?}/{horizon}");
                result.unwrap_err()
            };
            assert!(matches!(
                refuse(&[], 1, &[]),
                ForecastError::TooShort { len: 0, .. }
            ));
            assert!(matches!(
                refuse(&[5.0], 1, &[]),
                ForecastError::TooShort { len: 1, .. }
            ));
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                let mut history = good.clone();
                history[42] = bad;
                assert!(matches!(
                    refuse(&history, 3, &[0.8]),
                    ForecastError::NonFinite { index: 42, .. }
                ));
            }
            for horizon in [0, 601, MAX_HORIZON + 1, usize::MAX] {
                assert!(matches!(
                    refuse(&good, horizon, &[0.8]),
                    ForecastError::Horizon { .. }
                ));
            }
            for level in [0.0, 1.0, -0.5, 80.0, f64::NAN] {
                assert!(matches!(
                    refuse(&good, 3, &[0.8, level]),
                    ForecastError::Level(_)
                ));
            }
            for scale in [0.0, 1e-9, 1e12] {
                let history: Vec<f64> = good.iter().map(|v| 3.0 + v * scale).collect();
                let forecast = forecaster.forecast(&history, 14, &[0.8, 0.95]).unwrap();
                assert_eq!(forecast.point.len(), 14, "{name}");
                assert!(
                    forecast.point.iter().all(|v| v.is_finite())
                        && forecast.intervals.iter().all(|i| i
                            .lower
                            .iter()
                            .chain(&i.upper)
                            .all(|v| v.is_finite())),
                    "{name} at scale {scale}: {forecast:?}"
                );
            }
        }
    }

    #[test]
    fn bad_forecast_arguments_are_named() {
        let ok = [1.0; 10];
        assert!(check_forecast_args(&ok, 4, 3, &[0.8, 0.95]).is_ok());
        assert_eq!(
            check_forecast_args(&ok[..2], 4, 3, &[]),
            Err(ForecastError::TooShort { len: 2, min: 4 })
        );
        let nan = check_forecast_args(&[1.0, f64::NAN, 2.0, 3.0], 4, 3, &[]).unwrap_err();
        assert!(matches!(nan, ForecastError::NonFinite { index: 1, .. }));
        assert!(nan.to_string().contains("value 1"));
        assert_eq!(
            check_forecast_args(&ok, 4, 0, &[]),
            Err(ForecastError::Horizon {
                horizon: 0,
                max: 100
            })
        );
        assert!(matches!(
            check_forecast_args(&ok, 4, 101, &[]),
            Err(ForecastError::Horizon { .. })
        ));
        assert_eq!(
            check_forecast_args(&ok, 4, 3, &[95.0]),
            Err(ForecastError::Level(95.0))
        );
        assert_eq!(max_horizon(5), 50);
        assert_eq!(max_horizon(1_000_000), MAX_HORIZON);
        let as_crate_error: Error = ForecastError::Level(2.0).into();
        assert!(matches!(as_crate_error, Error::InvalidArgument(_)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// Any finite series, at any scale from 1e-300 to 1e300 (noise, a weekly shape, rare
        /// spikes, alternating signs): the forecaster, period detection, changepoints and the
        /// anomaly detector return values or typed errors, never a panic (changepoints panicked
        /// near 1e154), and a forecast is finite.
        #[test]
        fn extreme_series_never_panic(
            len in 2usize..240,
            exponent in -300i32..300,
            shape in 0u8..4,
            seed in proptest::prelude::any::<u64>(),
            period in 2usize..30,
            detect in proptest::prelude::any::<bool>(),
            horizon in 1usize..30,
        ) {
            let scale = 10f64.powi(exponent);
            let mut state = seed | 1;
            let mut uniform = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % 10_000) as f64 / 10_000.0
            };
            let series: Vec<f64> = (0..len)
                .map(|i| match shape {
                    0 => scale * uniform(),
                    1 => scale * ((i % 7) as f64 + uniform()),
                    2 => if uniform() < 0.1 { scale } else { 0.0 },
                    _ => if i % 2 == 0 { scale } else { -scale },
                })
                .collect();
            let options = ForecastOptions {
                periods: (!detect).then(|| vec![period]),
                ..ForecastOptions::default()
            };
            let forecaster = AutoForecaster::new(options).unwrap();
            if let Ok(forecast) = forecaster.forecast(&series, horizon, &[0.8, 0.95]) {
                proptest::prop_assert!(forecast.point.iter().all(|v| v.is_finite()));
                for interval in &forecast.intervals {
                    proptest::prop_assert!(
                        interval.lower.iter().chain(&interval.upper).all(|v| v.is_finite())
                    );
                }
            }
            let _ = detect_periods(&series);
            let _ = anomaly::changepoints(&series, 2.0, 3);
            let detector = anomaly::DetectorOptions {
                periods: Some(vec![period]),
                warm_up: 20,
                ..anomaly::DetectorOptions::default()
            };
            let _ = anomaly::detect_anomalies(&series, &detector, 1, 1);
        }
    }

    #[test]
    fn normal_quantiles_are_the_textbook_ones() {
        assert!((normal_quantile(0.975) - 1.959964).abs() < 1e-5);
        assert!((normal_quantile(0.9) - 1.281552).abs() < 1e-5);
    }
}
