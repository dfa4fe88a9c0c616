//! The default forecaster: picks the model from the series and calibrates its intervals.

use serde::{Deserialize, Serialize};

use super::calendar::{CalendarCycle, DayTypes, on_calendar};
use super::calibrate::{
    Backtest, CALIBRATION_SPAN_CYCLES, DEFAULT_CALIBRATION_WINDOWS, VolatilityFactors, backtest,
    backtest_candidates, calibrated_intervals, describe,
};
use super::ets::EtsShape;
use super::models::{BaseModel, MIN_ETS_HISTORY, PointAndSpread};
use super::{
    Ets, Forecast, ForecastError, Forecaster, MstlEts, SeasonalNaive, check_forecast_args,
    detect_periods,
};

/// Another seasonal candidate replaces the default (MSTL averaged with the longest period's
/// naive forecast) only when its backtest error is below this share of the default's: the
/// backtest is short and noisy, and the default was the most accurate on rolling evaluations.
const DEFAULT_PREFERENCE: f64 = 0.8;

/// How [`AutoForecaster`] models a series. Fields missing from serialized options take their
/// default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ForecastOptions {
    /// Seasonal periods in steps (e.g. `[48, 336]` for half-hourly data); `None` detects them
    /// with [`detect_periods`]. Periods longer than half the fitted history are left out.
    pub periods: Option<Vec<usize>>,
    /// Rolling-origin backtest windows used to calibrate the intervals; 0 keeps the model's own
    /// Gaussian intervals.
    pub calibration_windows: usize,
    /// Seasonal models are fitted to the last `max_cycles` cycles of the longest period only
    /// (0: the whole history); older data barely moves MSTL's seasonal estimates (its seasonal
    /// smoothers span 11 and 15 cycles) and costs time.
    pub max_cycles: usize,
    /// Whether seasonal forecasts may average MSTL with a seasonal naive forecast. Turn it off
    /// for noisy counts judged interval by interval (anomaly detection): the naive member
    /// repeats the last cycle's noise, which widens the band.
    pub naive_member: bool,
    /// Robust MSTL (see [`MstlEts::robust`]): for histories that may hold incidents.
    pub robust: bool,
    /// Whether calibrated intervals of seasonal models follow how turbulent the recent history
    /// was (week on week) against the history before the backtest's origins. Turn it off for
    /// anomaly detection: a band that narrows after a calm spell flags ordinary values, and
    /// one that widens during an incident hides it.
    pub volatility_scaling: bool,
    /// The least value the series can take (0 for call counts): points and interval bounds
    /// below it are raised to it. Only the forecast is bounded, not the history or the
    /// backtest. `None` (the default) leaves the forecast unbounded.
    pub lower_bound: Option<f64>,
}

impl Default for ForecastOptions {
    /// Detected periods, intervals calibrated on [`DEFAULT_CALIBRATION_WINDOWS`] backtest
    /// windows, 20 cycles of history,
    /// the seasonal naive member allowed, plain (not robust) MSTL, intervals scaled by recent
    /// volatility, no lower bound.
    fn default() -> Self {
        Self {
            periods: None,
            calibration_windows: DEFAULT_CALIBRATION_WINDOWS,
            max_cycles: 20,
            naive_member: true,
            robust: false,
            volatility_scaling: true,
            lower_bound: None,
        }
    }
}

/// The default forecaster.
///
/// - With seasonal periods (given, or detected when not) that fit at least twice in the
///   history: the equal-weight mean of [`MstlEts`] and the [`SeasonalNaive`] forecast at the
///   longest period, which was the most accurate on rolling-origin evaluations of electricity
///   demand, transit ridership and page views (`docs/forecasting.md`). MSTL alone, or its mean
///   with the naive forecast at a shorter period, replaces it when its backtest mean absolute
///   error is under 80% of the default's (e.g. a 365-day naive on data with a weekly cycle).
/// - Otherwise (short or non-seasonal series): non-seasonal AutoETS ([`Ets`]).
///
/// Intervals are calibrated on a rolling-origin backtest (see [`super::Calibrated`]); the
/// backtest refits reuse the ETS shape chosen on the full history, and each refit sees as
/// much history before its origin as the final fit does. Seasonal backtests spread their
/// windows over up to [`CALIBRATION_SPAN_CYCLES`] calendar cycles (a year of weeks).
#[derive(Debug, Clone, Default)]
pub struct AutoForecaster {
    options: ForecastOptions,
}

/// The seasonal candidates, fitted to the last `window` values: MSTL+ETS alone, then its mean
/// with the seasonal naive forecast at each period.
struct SeasonalCandidates {
    mstl: MstlEts,
    naives: Vec<SeasonalNaive>,
    window: usize,
}

impl SeasonalCandidates {
    /// The candidates' forecasts, given the MSTL one.
    fn around(
        &self,
        mstl: PointAndSpread,
        recent: &[f64],
        horizon: usize,
    ) -> Result<Vec<PointAndSpread>, ForecastError> {
        let mut candidates = Vec::with_capacity(self.naives.len() + 1);
        for naive in &self.naives {
            candidates.push(mean_of(&mstl, &naive.predict(recent, horizon)?));
        }
        candidates.insert(0, mstl);
        Ok(candidates)
    }

    fn predict_all(
        &self,
        history: &[f64],
        horizon: usize,
    ) -> Result<Vec<PointAndSpread>, ForecastError> {
        let recent = tail(history, self.window);
        self.around(self.mstl.predict(recent, horizon)?, recent, horizon)
    }
}

/// The equal-weight mean of two forecasts.
fn mean_of(a: &PointAndSpread, b: &PointAndSpread) -> PointAndSpread {
    let mean = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(x, y)| (x + y) / 2.0).collect();
    PointAndSpread {
        point: mean(&a.point, &b.point),
        sd: mean(&a.sd, &b.sd),
        model: format!("mean of {} and {}", a.model, b.model),
    }
}

/// Non-seasonal ETS with the shape fixed (when known), for backtest refits.
struct FixedEts(Option<EtsShape>);

impl BaseModel for FixedEts {
    fn min_history(&self) -> usize {
        MIN_ETS_HISTORY
    }

    fn predict(&self, history: &[f64], horizon: usize) -> Result<PointAndSpread, ForecastError> {
        Ok(Ets::predict_with_shape(history, horizon, self.0)?.0)
    }
}

/// The last `window` values (all when `window` is 0).
fn tail(history: &[f64], window: usize) -> &[f64] {
    if window == 0 {
        history
    } else {
        &history[history.len().saturating_sub(window)..]
    }
}

impl AutoForecaster {
    /// A forecaster with these options; fails on a period below 2 or a lower bound that is not
    /// a finite number.
    pub fn new(options: ForecastOptions) -> Result<Self, ForecastError> {
        if let Some(&period) = options.periods.iter().flatten().find(|p| **p < 2) {
            return Err(ForecastError::Period(period));
        }
        if let Some(bound) = options.lower_bound.filter(|b| !b.is_finite()) {
            return Err(ForecastError::LowerBound(bound));
        }
        Ok(Self { options })
    }

    /// The periods used for `history`: the configured (or detected) ones that fit twice in it.
    pub fn periods_for(&self, history: &[f64]) -> Vec<usize> {
        let mut periods = match &self.options.periods {
            Some(periods) => periods.clone(),
            None => detect_periods(history),
        };
        periods.retain(|p| p.checked_mul(2).is_some_and(|twice| twice <= history.len()));
        periods.sort_unstable();
        periods.dedup();
        periods
    }

    /// Forecasts like [`Forecaster::forecast`], knowing which steps fall on working days:
    /// `working` holds one flag per history step and per forecast step (`true` on working
    /// days). A step whose day type is unusual for its place in the week (a public holiday on
    /// a Thursday, a working Saturday) is modelled after the usual days of its type at the same
    /// time of day, in the history (which the models then see as an ordinary day) and in the
    /// forecast; see `docs/forecasting.md`. Needs seasonal periods (given or detected).
    ///
    /// Fails like [`Forecaster::forecast`], and with [`ForecastError::CalendarLength`] when
    /// `working` does not have `history.len() + horizon` flags, or [`ForecastError::Calendar`]
    /// without seasonal periods or when a special day's type has neither usual days in the
    /// cycle nor earlier examples in the history.
    pub fn forecast_with_calendar(
        &self,
        history: &[f64],
        working: &[bool],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        self.forecast_on(history, Some(working), horizon, levels)
    }

    /// Checks the arguments, picks the model and calibrates its intervals.
    fn forecast_on(
        &self,
        history: &[f64],
        working: Option<&[bool]>,
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        check_forecast_args(history, MIN_ETS_HISTORY, horizon, levels)?;
        let periods = self.periods_for(history);
        let cycle = CalendarCycle::from_periods(&periods);
        let calendar = working
            .map(|working| DayTypes::new(working, history.len() + horizon, &periods))
            .transpose()?;
        let seasonal = if periods.is_empty() {
            None
        } else {
            match self.forecast_seasonal(periods, history, calendar, horizon) {
                Err(error @ ForecastError::Calendar(_)) => return Err(error),
                Err(_) => None,
                Ok(result) => Some(result),
            }
        };
        let (fit, backtest, volatility) = match seasonal {
            Some(result) => result,
            None => {
                let (fit, backtest) = self.forecast_non_seasonal(history, calendar, horizon)?;
                (fit, backtest, None)
            }
        };
        // Steps per day for intraday data (a day period nested in a week), else 1.
        let day = cycle.map_or(1, |c| c.day);
        let mut forecast = Forecast {
            intervals: calibrated_intervals(
                &fit,
                &backtest,
                history,
                levels,
                day,
                volatility.as_ref(),
            ),
            model: describe(&fit.model, &backtest),
            point: fit.point,
        };
        if let Some(bound) = self.options.lower_bound {
            forecast.raise_to(bound);
        }
        Ok(forecast)
    }

    /// Fits the seasonal candidates, backtests them and keeps the one with the lowest
    /// backtest mean absolute error (MSTL+ETS alone without a backtest); with
    /// `volatility_scaling`, also the backtest's [`VolatilityFactors`], measured on the history
    /// the models saw (a calendar's special days taken out).
    fn forecast_seasonal(
        &self,
        periods: Vec<usize>,
        history: &[f64],
        calendar: Option<DayTypes<'_>>,
        horizon: usize,
    ) -> Result<(PointAndSpread, Backtest, Option<VolatilityFactors>), ForecastError> {
        let calendar_cycle = CalendarCycle::from_periods(&periods).map(|c| c.cycle);
        let span = calendar_cycle.map_or(0, |c| c.saturating_mul(CALIBRATION_SPAN_CYCLES));
        let cycle = calendar_cycle.filter(|_| self.options.volatility_scaling);
        let longest = *periods.last().expect("at least one period");
        let window = longest.saturating_mul(self.options.max_cycles);
        let naives = if self.options.naive_member {
            periods
                .iter()
                .map(|&p| SeasonalNaive::new(p))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        let mstl = MstlEts::new(periods)?.robust(self.options.robust);
        let (mut fits, (candidates, cleaned)) = on_calendar(history, calendar, horizon, |seen| {
            // With a calendar the models see the history with the special days taken out; the
            // volatility factors measure that too.
            let cleaned = (cycle.is_some() && calendar.is_some()).then(|| seen.to_vec());
            let recent = tail(seen, window);
            let (mstl_fit, shape) = mstl.predict_with_shape(recent, horizon)?;
            let candidates = SeasonalCandidates {
                mstl: match shape {
                    Some(shape) => mstl.with_trend(shape),
                    None => mstl,
                },
                naives,
                window,
            };
            Ok((
                candidates.around(mstl_fit, recent, horizon)?,
                (candidates, cleaned),
            ))
        })?;
        let mut backtests = backtest_candidates(
            history,
            horizon,
            self.options.calibration_windows,
            candidates.mstl.min_history(),
            span,
            |h, b| {
                on_calendar(h, calendar, b, |h| Ok((candidates.predict_all(h, b)?, ())))
                    .map(|(forecasts, ())| forecasts)
            },
        );
        // The default is the mean with the longest period's naive forecast (the last candidate);
        // another candidate replaces it only when its backtest error is clearly lower.
        let default = fits.len() - 1;
        let best = backtests
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let weight = if i == default {
                    DEFAULT_PREFERENCE
                } else {
                    1.0
                };
                (i, b.mean_absolute_error() * weight)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(i, _)| i);
        let backtest = if backtests.len() == fits.len() {
            backtests.swap_remove(best)
        } else {
            Backtest::default()
        };
        let best = if backtest.errors.is_empty() { 0 } else { best };
        let seen = cleaned.as_deref().unwrap_or(history);
        let volatility = cycle.and_then(|cycle| VolatilityFactors::of(seen, &backtest, cycle));
        Ok((fits.swap_remove(best), backtest, volatility))
    }

    /// Fits non-seasonal AutoETS and backtests it.
    fn forecast_non_seasonal(
        &self,
        history: &[f64],
        calendar: Option<DayTypes<'_>>,
        horizon: usize,
    ) -> Result<(PointAndSpread, Backtest), ForecastError> {
        let (mut fits, shape) = on_calendar(history, calendar, horizon, |history| {
            let (fit, shape) = Ets::predict_with_shape(history, horizon, None)?;
            Ok((vec![fit], shape))
        })?;
        let refit = FixedEts(shape);
        let backtest = backtest(
            history,
            horizon,
            self.options.calibration_windows,
            refit.min_history(),
            |h, b| {
                on_calendar(h, calendar, b, |h| Ok((vec![refit.predict(h, b)?], ())))
                    .map(|(mut forecasts, ())| forecasts.swap_remove(0))
            },
        );
        Ok((fits.swap_remove(0), backtest))
    }
}

impl Forecaster for AutoForecaster {
    fn forecast(
        &self,
        history: &[f64],
        horizon: usize,
        levels: &[f64],
    ) -> Result<Forecast, ForecastError> {
        self.forecast_on(history, None, horizon, levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_series_get_the_combination_and_others_ets() {
        let seasonal: Vec<f64> = (0..24 * 20)
            .map(|t| 50.0 + 10.0 * (2.0 * std::f64::consts::PI * t as f64 / 24.0).sin())
            .map(|v| v + ((v * 12.9898).sin() * 43.0).fract())
            .collect();
        let forecaster = AutoForecaster::default();
        assert_eq!(forecaster.periods_for(&seasonal), vec![24]);
        let forecast = forecaster.forecast(&seasonal, 24, &[0.8, 0.95]).unwrap();
        assert!(
            forecast.model.starts_with("mean of MSTL(24)+ETS(")
                && forecast
                    .model
                    .contains("SeasonalNaive(24) calibrated on 12 windows of 24"),
            "{}",
            forecast.model
        );
        let trend: Vec<f64> = (0..50).map(|t| t as f64 * 0.5).collect();
        let forecast = forecaster.forecast(&trend, 5, &[0.9]).unwrap();
        assert!(forecast.model.starts_with("ETS("), "{}", forecast.model);
        let given = AutoForecaster::new(ForecastOptions {
            periods: Some(vec![24, 1000]),
            ..ForecastOptions::default()
        })
        .unwrap();
        assert_eq!(
            given.periods_for(&seasonal),
            vec![24],
            "1000 does not fit twice"
        );
    }

    /// Noise five times as strong in the last week widens the intervals of a weekly series with
    /// volatility scaling, and barely without it (one backtest window of twelve saw it);
    /// serialized options without the field scale.
    #[test]
    fn volatility_scaling_widens_intervals_after_a_turbulent_month() {
        let history: Vec<f64> = (0..140)
            .map(|t| {
                let noise = ((t as f64 * 12.9898).sin() * 43_758.547).fract() - 0.5;
                let strength = if t >= 133 { 20.0 } else { 4.0 };
                100.0 + 30.0 * (t % 7) as f64 + strength * noise
            })
            .collect();
        let width = |volatility_scaling: bool| {
            let forecaster = AutoForecaster::new(ForecastOptions {
                periods: Some(vec![7]),
                volatility_scaling,
                ..ForecastOptions::default()
            })
            .unwrap();
            let forecast = forecaster.forecast(&history, 7, &[0.8]).unwrap();
            let interval = &forecast.intervals[0];
            interval.upper[0] - interval.lower[0]
        };
        let (scaled, plain) = (width(true), width(false));
        assert!(scaled > 1.3 * plain, "{scaled} vs {plain}");
        let options: ForecastOptions = serde_json::from_str(r#"{"periods": [7]}"#).unwrap();
        assert!(options.volatility_scaling && options.naive_member);
    }

    /// Four weeks of daily values, 100 on weekdays and 20 at weekends, with noise; day 0 is a
    /// Monday.
    fn weekdays_and_weekends(days: usize) -> (Vec<f64>, Vec<bool>) {
        let working: Vec<bool> = (0..days).map(|t| t % 7 < 5).collect();
        let values = working
            .iter()
            .enumerate()
            .map(|(t, &w)| {
                let noise = ((t as f64 * 12.9898).sin() * 43_758.547).fract() * 4.0;
                if w { 100.0 + noise } else { 20.0 + noise }
            })
            .collect();
        (values, working)
    }

    #[test]
    fn a_holiday_in_the_calendar_is_forecast_like_a_weekend_day() {
        let (history, mut working) = weekdays_and_weekends(70);
        let forecaster = AutoForecaster::new(ForecastOptions {
            periods: Some(vec![7]),
            ..ForecastOptions::default()
        })
        .unwrap();
        // The next week as usual: the calendar changes nothing.
        working.extend((70..77).map(|t| t % 7 < 5));
        let plain = forecaster.forecast(&history, 7, &[0.8]).unwrap();
        let usual = forecaster
            .forecast_with_calendar(&history, &working, 7, &[0.8])
            .unwrap();
        assert_eq!(plain.point, usual.point);
        assert!(
            usual
                .model
                .contains("with a calendar (0 special steps in the history, 0 ahead)"),
            "{}",
            usual.model
        );
        // A public holiday on the Wednesday (step 3 of the forecast).
        working[72] = false;
        let holiday = forecaster
            .forecast_with_calendar(&history, &working, 7, &[0.8])
            .unwrap();
        assert!(
            (holiday.point[2] - 20.0).abs() < 5.0 && (plain.point[2] - 100.0).abs() < 5.0,
            "{:?} vs {:?}",
            holiday.point,
            plain.point
        );
        assert_eq!(holiday.point[1], plain.point[1]);
        let interval = &holiday.intervals[0];
        assert!(interval.lower[2] <= holiday.point[2] && holiday.point[2] <= interval.upper[2]);
        assert!(holiday.model.contains("1 ahead"), "{}", holiday.model);
    }

    #[test]
    fn bad_calendars_are_typed_errors() {
        let (history, working) = weekdays_and_weekends(70);
        let forecaster = AutoForecaster::default();
        // One flag per history step and per forecast step: 77 here.
        for len in [0, 70, 76, 78] {
            let mut calendar = working.clone();
            calendar.resize(len, true);
            assert_eq!(
                forecaster.forecast_with_calendar(&history, &calendar, 7, &[0.8]),
                Err(ForecastError::CalendarLength { len, expected: 77 })
            );
        }
        // A trend has no seasonal period: no day can be unusual for its place in the week.
        let trend: Vec<f64> = (0..50).map(|t| t as f64 * 0.5).collect();
        assert!(matches!(
            forecaster.forecast_with_calendar(&trend, &[true; 55], 5, &[0.8]),
            Err(ForecastError::Calendar(_))
        ));
        // The arguments every forecast checks come first.
        assert!(matches!(
            forecaster.forecast_with_calendar(&history, &working, 0, &[0.8]),
            Err(ForecastError::Horizon { .. })
        ));
    }

    #[test]
    fn constant_series_forecast_flat_with_zero_width_intervals() {
        let forecast = AutoForecaster::default()
            .forecast(&[3.0; 100], 10, &[0.8, 0.95])
            .unwrap();
        assert_eq!(forecast.point, vec![3.0; 10]);
        for interval in &forecast.intervals {
            assert_eq!(interval.lower, vec![3.0; 10]);
            assert_eq!(interval.upper, vec![3.0; 10]);
        }
    }

    #[test]
    fn bad_arguments_are_typed_errors() {
        let forecaster = AutoForecaster::default();
        let y: Vec<f64> = (0..30).map(f64::from).collect();
        assert_eq!(
            forecaster.forecast(&y[..5], 1, &[]),
            Err(ForecastError::TooShort { len: 5, min: 10 })
        );
        let mut nan = y.clone();
        nan[7] = f64::NAN;
        assert!(matches!(
            forecaster.forecast(&nan, 1, &[]),
            Err(ForecastError::NonFinite { index: 7, .. })
        ));
        assert_eq!(
            forecaster.forecast(&y, 301, &[]),
            Err(ForecastError::Horizon {
                horizon: 301,
                max: 300
            })
        );
        assert!(matches!(
            forecaster.forecast(&y, 0, &[]),
            Err(ForecastError::Horizon { .. })
        ));
        assert_eq!(
            forecaster.forecast(&y, 1, &[1.5]),
            Err(ForecastError::Level(1.5))
        );
        let bad = ForecastOptions {
            periods: Some(vec![0]),
            ..ForecastOptions::default()
        };
        assert_eq!(
            AutoForecaster::new(bad).unwrap_err(),
            ForecastError::Period(0)
        );
        for bound in [f64::NAN, f64::INFINITY] {
            let bad = ForecastOptions {
                lower_bound: Some(bound),
                ..ForecastOptions::default()
            };
            assert!(matches!(
                AutoForecaster::new(bad),
                Err(ForecastError::LowerBound(b)) if b.is_nan() || b == bound
            ));
        }
    }

    /// Hourly counts that are zero at night: unbounded, the forecast and its lower bounds dip
    /// below zero; with the bound 0 they are raised to it and nothing else changes.
    #[test]
    fn a_lower_bound_raises_the_forecast_and_its_bounds_to_it() {
        let counts: Vec<f64> = (0..24 * 7 * 4)
            .map(|t: usize| {
                let day = (std::f64::consts::PI * ((t % 24) as f64 - 6.0) / 14.0).sin();
                let noise = ((t as f64 * 12.9898).sin() * 43_758.547).fract() * 6.0;
                (40.0 * day).max(0.0) + if day > 0.0 { noise } else { 0.0 }
            })
            .collect();
        let forecast = |lower_bound| {
            AutoForecaster::new(ForecastOptions {
                periods: Some(vec![24, 168]),
                lower_bound,
                ..ForecastOptions::default()
            })
            .unwrap()
            .forecast(&counts, 48, &[0.8, 0.95])
            .unwrap()
        };
        let (free, bounded) = (forecast(None), forecast(Some(0.0)));
        assert!(free.intervals[1].lower.iter().any(|v| *v < 0.0));
        assert_eq!(free.model, bounded.model);
        let raised = |values: &[f64]| values.iter().map(|v| v.max(0.0)).collect::<Vec<_>>();
        assert_eq!(bounded.point, raised(&free.point));
        for (free, bounded) in free.intervals.iter().zip(&bounded.intervals) {
            assert_eq!(bounded.lower, raised(&free.lower));
            assert_eq!(bounded.upper, raised(&free.upper));
        }
    }
}
