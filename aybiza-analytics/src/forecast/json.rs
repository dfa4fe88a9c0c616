//! Forecasting, anomaly detection and staffing over JSON arguments, shared by the Python and
//! Node bindings so that both read the same inputs, apply the same defaults and report the same
//! errors. Options are objects whose fields are all optional; an unknown or mistyped field is
//! an [`Error::InvalidArgument`] naming it.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::anomaly::{
    AnomalyInterval, DetectorOptions, StreamingDetector, Transform, Verdict, detect_anomalies,
};
use super::staffing::{IntervalStaffing, QueueModel, ServiceTarget, staffing_plan};
use super::{
    Aggregation, AutoForecaster, Forecast, ForecastError, ForecastModel, ForecastOptions,
    Forecaster, GapFill, MAX_HORIZON, RegularSeries, detect_periods, forecast_with_prophet,
    working_days_on_grid,
};
use crate::journey::json::with_defaults;
use crate::journey::map::parse_timestamp_micros;
use crate::{Error, Result};

/// Parses a grid step: `15m`, `30min`, `1h`, `2d`, `45s` or `1w`.
pub fn parse_step(text: &str) -> std::result::Result<TimeDelta, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`{text}` has no unit (s, m, h, d or w)"))?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number
        .parse()
        .map_err(|_| format!("`{text}` does not start with a whole number"))?;
    let seconds = match unit {
        "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{text}` (s, m, h, d or w)"
            ));
        }
    };
    number
        .checked_mul(seconds)
        .filter(|s| *s > 0)
        .and_then(TimeDelta::try_seconds)
        .ok_or_else(|| format!("`{text}` is not a positive step"))
}

/// A working-day flag: `true`/`false`, or `1`/`0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum WorkingFlag {
    /// `true` on a working day.
    Bool(bool),
    /// `1` on a working day, `0` on another.
    Number(f64),
}

impl WorkingFlag {
    /// Whether the day is a working day; `None` for a number other than 0 and 1.
    fn working(self) -> Option<bool> {
        match self {
            Self::Bool(working) => Some(working),
            Self::Number(1.0) => Some(true),
            Self::Number(0.0) => Some(false),
            Self::Number(_) => None,
        }
    }
}

/// Settings of [`forecast`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForecastSettings {
    /// The model: `auto` (the default) or `prophet` (builds with the `prophet` feature; it
    /// ignores `calibration_windows`, `max_cycles` and `volatility_scaling`).
    pub model: ForecastModel,
    /// Timestamps of the values (strings [`parse_timestamp_micros`] reads): the values are then
    /// put on a regular grid. Without them the values are a regular sequence. With `calendar`
    /// they may go on past the values: the times of the calendar's rows ahead (see `calendar`).
    pub timestamps: Option<Vec<String>>,
    /// Seasonal periods in steps; detected when absent.
    pub periods: Option<Vec<usize>>,
    /// Working-day flags (see [`AutoForecaster::forecast_with_calendar`]): one per value, then
    /// one per forecast step. With `timestamps`, each value's flag goes to its grid slot (slots
    /// without values take the flag of the slot before); when `timestamps` run past the values,
    /// the calendar has one flag per timestamp instead and the rows after the values reach the
    /// forecast slots by their time too, as in the CLI's `--calendar-column` (the rows must
    /// reach the last forecast slot; rows past it are ignored).
    pub calendar: Option<Vec<WorkingFlag>>,
    /// Interval levels in percent (80) or as fractions (0.8).
    pub levels: Vec<f64>,
    /// Grid step with timestamps (`15m`, `1h`, `1d`…); the most common gap by default.
    pub step: Option<String>,
    /// How values sharing a grid slot combine (`sum` or `mean`).
    pub aggregate: Aggregation,
    /// What an empty grid slot becomes (`zero` or `linear`).
    pub fill: GapFill,
    /// Backtest windows calibrating the intervals (0: the model's own).
    pub calibration_windows: usize,
    /// Seasonal models are fitted to this many cycles of the longest period (0: all).
    pub max_cycles: usize,
    /// Whether the intervals follow how turbulent the recent history was (see
    /// [`ForecastOptions::volatility_scaling`]).
    pub volatility_scaling: bool,
    /// The least value the series can take (see [`ForecastOptions::lower_bound`]).
    pub lower_bound: Option<f64>,
}

impl Default for ForecastSettings {
    /// The `auto` model, no timestamps, detected periods, 80 and 95% intervals, the common gap
    /// as step, `sum`, `zero`, and the [`ForecastOptions`] defaults.
    fn default() -> Self {
        let options = ForecastOptions::default();
        Self {
            model: ForecastModel::Auto,
            timestamps: None,
            periods: None,
            calendar: None,
            levels: vec![80.0, 95.0],
            step: None,
            aggregate: Aggregation::Sum,
            fill: GapFill::Zero,
            calibration_windows: options.calibration_windows,
            max_cycles: options.max_cycles,
            volatility_scaling: options.volatility_scaling,
            lower_bound: options.lower_bound,
        }
    }
}

/// A forecast as a table: one row per step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastTable {
    /// The model that produced it.
    pub model: String,
    /// The seasonal periods used (given or detected), in steps.
    pub periods: Vec<usize>,
    /// Column names in order: `step`, `timestamp`, `point`, then `lower_L`, `upper_L` per level.
    pub columns: Vec<String>,
    /// One object per step with those columns (`timestamp` RFC 3339, or null without one).
    pub rows: Vec<Map<String, Value>>,
}

/// The label of a level in column names: `80` for 0.8, `97.5` for 0.975.
fn level_label(level: f64) -> String {
    let percent = (level * 1000.0).round() / 10.0;
    if percent.fract() == 0.0 {
        format!("{percent:.0}")
    } else {
        format!("{percent}")
    }
}

/// Parses `options.timestamps` entries, naming the first bad one.
fn parse_timestamps(texts: &[String]) -> Result<Vec<DateTime<Utc>>> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            parse_timestamp_micros(text)
                .and_then(DateTime::<Utc>::from_timestamp_micros)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "options.timestamps[{i}]: `{text}` is not a timestamp"
                    ))
                })
        })
        .collect()
}

/// Forecasts `horizon` steps after `values` with intervals (see [`ForecastSettings`]).
pub fn forecast(
    values: Vec<f64>,
    horizon: usize,
    settings: Option<Value>,
) -> Result<ForecastTable> {
    let settings: ForecastSettings = with_defaults("options", settings)?;
    // The full check (against the history's length) comes with the model; this one keeps the
    // calendar's work below from sizing anything by an absurd horizon.
    if horizon > MAX_HORIZON {
        return Err(ForecastError::Horizon {
            horizon,
            max: MAX_HORIZON,
        }
        .into());
    }
    let levels: Vec<f64> = settings
        .levels
        .iter()
        .map(|&l| if l > 1.0 { l / 100.0 } else { l })
        .collect();
    let calendar = settings
        .calendar
        .as_ref()
        .map(|flags| {
            let timed_ahead = settings
                .timestamps
                .as_ref()
                .map(Vec::len)
                .filter(|&rows| rows > values.len());
            let wrong = match timed_ahead {
                Some(rows) => (flags.len() != rows).then(|| {
                    format!(
                        "{} flags for {rows} timestamps (one per timestamp when the timestamps \
                         go on past the values)",
                        flags.len()
                    )
                }),
                None => (flags.len() != values.len() + horizon).then(|| {
                    format!(
                        "{} flags for {} values and {horizon} forecast steps (one per value, \
                         then one per forecast step)",
                        flags.len(),
                        values.len()
                    )
                }),
            };
            if let Some(wrong) = wrong {
                return Err(Error::InvalidArgument(format!("options.calendar: {wrong}")));
            }
            flags
                .iter()
                .enumerate()
                .map(|(i, flag)| {
                    flag.working().ok_or_else(|| {
                        Error::InvalidArgument(format!(
                            "options.calendar[{i}]: a working-day flag is true/false or 1/0"
                        ))
                    })
                })
                .collect::<Result<Vec<bool>>>()
        })
        .transpose()?;
    let (values, grid) = match &settings.timestamps {
        None => (values, None),
        Some(timestamps) => {
            let extra_allowed = calendar.is_some();
            if timestamps.len() < values.len()
                || (timestamps.len() > values.len() && !extra_allowed)
            {
                return Err(Error::InvalidArgument(format!(
                    "options.timestamps: {} timestamps for {} values (more only with \
                     options.calendar, for the calendar's rows ahead)",
                    timestamps.len(),
                    values.len()
                )));
            }
            let points = parse_timestamps(&timestamps[..values.len()])?
                .into_iter()
                .zip(values.iter().copied())
                .collect::<Vec<_>>();
            let step = settings
                .step
                .as_deref()
                .map(parse_step)
                .transpose()
                .map_err(|e| Error::InvalidArgument(format!("options.step: {e}")))?;
            let grid =
                RegularSeries::from_points(&points, step, settings.aggregate, settings.fill)?;
            (grid.values.clone(), Some(grid))
        }
    };
    let periods = match &settings.periods {
        Some(periods) => periods.clone(),
        None => detect_periods(&values),
    };
    let working = match (calendar, &grid, &settings.timestamps) {
        (Some(flags), Some(grid), Some(timestamps)) => {
            // Every timed row's flag to its slot; without timed rows ahead, the horizon's flags
            // follow in order.
            let timed = timestamps.len().min(flags.len());
            let rows: Vec<(DateTime<Utc>, bool)> = parse_timestamps(&timestamps[..timed])?
                .into_iter()
                .zip(flags[..timed].iter().copied())
                .collect();
            Some(if timestamps.len() > values.len() {
                working_days_on_grid(grid, &rows, horizon)?
            } else {
                let mut working = working_days_on_grid(grid, &rows, 0)?;
                working.extend_from_slice(&flags[timed..]);
                working
            })
        }
        (working, _, _) => working,
    };
    let result = match settings.model {
        ForecastModel::Prophet => forecast_with_prophet(
            &values,
            grid.as_ref().map(|grid| (grid.start, grid.step)),
            periods.clone(),
            settings.lower_bound,
            working.as_deref(),
            horizon,
            &levels,
        )?,
        ForecastModel::Auto => {
            let forecaster = AutoForecaster::new(ForecastOptions {
                periods: Some(periods.clone()),
                calibration_windows: settings.calibration_windows,
                max_cycles: settings.max_cycles,
                volatility_scaling: settings.volatility_scaling,
                lower_bound: settings.lower_bound,
                ..ForecastOptions::default()
            })?;
            match &working {
                Some(working) => {
                    forecaster.forecast_with_calendar(&values, working, horizon, &levels)?
                }
                None => forecaster.forecast(&values, horizon, &levels)?,
            }
        }
    };
    Ok(forecast_table(
        result,
        periods,
        &levels,
        grid.as_ref(),
        horizon,
    ))
}

/// The forecast as one row per step, with the grid's timestamps when there is one.
fn forecast_table(
    result: Forecast,
    periods: Vec<usize>,
    levels: &[f64],
    grid: Option<&RegularSeries>,
    horizon: usize,
) -> ForecastTable {
    let mut columns = vec!["step".to_string(), "timestamp".into(), "point".into()];
    for &level in levels {
        let label = level_label(level);
        columns.push(format!("lower_{label}"));
        columns.push(format!("upper_{label}"));
    }
    let rows = (0..horizon)
        .map(|step| {
            let mut row = Map::new();
            row.insert("step".into(), (step + 1).into());
            let timestamp = grid
                .and_then(|g| g.timestamp(g.values.len() + step))
                .map(|t| Value::String(t.to_rfc3339()))
                .unwrap_or(Value::Null);
            row.insert("timestamp".into(), timestamp);
            row.insert("point".into(), result.point[step].into());
            for interval in &result.intervals {
                let label = level_label(interval.level);
                row.insert(format!("lower_{label}"), interval.lower[step].into());
                row.insert(format!("upper_{label}"), interval.upper[step].into());
            }
            row
        })
        .collect();
    ForecastTable {
        model: result.model,
        periods,
        columns,
        rows,
    }
}

/// Settings of [`anomalies`] and [`anomaly_monitor`]: the [`DetectorOptions`] fields, plus
/// `max_gap` and `min_len` for [`anomalies`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnomalySettings {
    /// Seasonal periods in steps; detected when absent.
    pub periods: Option<Vec<usize>>,
    /// Level of the band reported with each verdict, in (0, 1).
    pub band_level: f64,
    /// Anomaly probability at or above which a value is flagged, in (0, 1).
    pub threshold: f64,
    /// `{"kind": "identity"}`, `{"kind": "sqrt"}` or `{"kind": "log", "offset": 1}`.
    pub transform: Transform,
    /// Steps forecast per fit.
    pub refit_every: usize,
    /// Values observed before anything is scored.
    pub warm_up: usize,
    /// Most recent values kept as history.
    pub max_history: usize,
    /// Backtest windows calibrating the band.
    pub calibration_windows: usize,
    /// Steps pooled for sustained anomalies.
    pub window: usize,
    /// Flagged steps at most this far apart form one interval (batch only).
    pub max_gap: usize,
    /// Intervals shorter than this are dropped (batch only).
    pub min_len: usize,
}

impl Default for AnomalySettings {
    /// The [`DetectorOptions`] defaults; intervals join across one unflagged step and keep
    /// single steps.
    fn default() -> Self {
        let d = DetectorOptions::default();
        Self {
            periods: d.periods,
            band_level: d.band_level,
            threshold: d.threshold,
            transform: d.transform,
            refit_every: d.refit_every,
            warm_up: d.warm_up,
            max_history: d.max_history,
            calibration_windows: d.calibration_windows,
            window: d.window,
            max_gap: 1,
            min_len: 1,
        }
    }
}

impl AnomalySettings {
    fn detector(&self) -> DetectorOptions {
        DetectorOptions {
            periods: self.periods.clone(),
            band_level: self.band_level,
            threshold: self.threshold,
            transform: self.transform,
            refit_every: self.refit_every,
            warm_up: self.warm_up,
            max_history: self.max_history,
            calibration_windows: self.calibration_windows,
            window: self.window,
        }
    }
}

/// The anomalous intervals of `values` (see [`detect_anomalies`] and [`AnomalySettings`]).
pub fn anomalies(values: &[f64], settings: Option<Value>) -> Result<Vec<AnomalyInterval>> {
    let settings: AnomalySettings = with_defaults("options", settings)?;
    Ok(detect_anomalies(
        values,
        &settings.detector(),
        settings.max_gap,
        settings.min_len,
    )?)
}

/// A streaming detector with these settings (`max_gap` and `min_len` are ignored).
pub fn anomaly_monitor(settings: Option<Value>) -> Result<StreamingDetector> {
    let settings: AnomalySettings = with_defaults("options", settings)?;
    Ok(StreamingDetector::new(settings.detector())?)
}

/// Scores one live value (`None` during the warm-up).
pub fn observe(detector: &mut StreamingDetector, value: f64) -> Result<Option<Verdict>> {
    Ok(detector.observe(value)?)
}

/// Settings of [`staffing`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffingSettings {
    /// Length of each interval in seconds.
    pub interval_secs: f64,
    /// Average handle time in seconds.
    pub aht_secs: f64,
    /// Share of calls to answer within `answer_within_secs`.
    pub service_level: f64,
    /// Answer-time threshold in seconds.
    pub answer_within_secs: f64,
    /// Highest acceptable occupancy in (0, 1].
    pub max_occupancy: f64,
    /// `erlang_c`, or `erlang_a` with `patience_secs`.
    pub model: String,
    /// Mean patience in seconds (Erlang A).
    pub patience_secs: Option<f64>,
}

impl Default for StaffingSettings {
    /// 15-minute intervals, 300 s handle time, 80% within 20 s, no occupancy cap, Erlang C.
    fn default() -> Self {
        let target = ServiceTarget::default();
        Self {
            interval_secs: 900.0,
            aht_secs: 300.0,
            service_level: target.service_level,
            answer_within_secs: target.answer_within_secs,
            max_occupancy: target.max_occupancy,
            model: "erlang_c".into(),
            patience_secs: None,
        }
    }
}

/// One interval of a staffing plan, flat.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StaffingRow {
    /// Position of the interval (0 first).
    pub interval: usize,
    /// Calls forecast in it.
    pub calls: f64,
    /// Agents required.
    pub agents: u32,
    /// Offered traffic in Erlangs.
    pub traffic_erlangs: f64,
    /// Share of agent time busy.
    pub occupancy: f64,
    /// Share of calls answered within the target time.
    pub service_level: f64,
    /// Probability that a caller waits.
    pub probability_of_waiting: f64,
    /// Expected wait (average speed of answer) in seconds.
    pub expected_wait_secs: f64,
    /// Probability that a caller hangs up (0 under Erlang C).
    pub probability_of_abandoning: f64,
}

impl From<IntervalStaffing> for StaffingRow {
    fn from(s: IntervalStaffing) -> Self {
        Self {
            interval: s.interval,
            calls: s.calls,
            agents: s.metrics.agents,
            traffic_erlangs: s.metrics.traffic_erlangs,
            occupancy: s.metrics.occupancy,
            service_level: s.metrics.service_level,
            probability_of_waiting: s.metrics.probability_of_waiting,
            expected_wait_secs: s.metrics.average_speed_of_answer_secs,
            probability_of_abandoning: s.metrics.probability_of_abandoning,
        }
    }
}

/// Agents required per interval for `calls[i]` calls in interval `i` (see [`StaffingSettings`]).
pub fn staffing(calls: &[f64], settings: Option<Value>) -> Result<Vec<StaffingRow>> {
    let settings: StaffingSettings = with_defaults("options", settings)?;
    let model = match (settings.model.as_str(), settings.patience_secs) {
        ("erlang_c", _) => QueueModel::ErlangC,
        ("erlang_a", Some(patience_secs)) => QueueModel::ErlangA { patience_secs },
        ("erlang_a", None) => {
            return Err(Error::InvalidArgument(
                "options.patience_secs: required by erlang_a".into(),
            ));
        }
        (other, _) => {
            return Err(Error::InvalidArgument(format!(
                "options.model: `{other}`, expected erlang_c or erlang_a"
            )));
        }
    };
    let target = ServiceTarget {
        service_level: settings.service_level,
        answer_within_secs: settings.answer_within_secs,
        max_occupancy: settings.max_occupancy,
    };
    Ok(staffing_plan(
        calls,
        settings.interval_secs,
        settings.aht_secs,
        &target,
        model,
    )?
    .into_iter()
    .map(StaffingRow::from)
    .collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[cfg(not(feature = "prophet"))]
    #[test]
    fn prophet_in_a_build_without_it_is_a_typed_error() {
        let values: Vec<f64> = (0..60).map(|t| (t % 7) as f64).collect();
        let error = forecast(values.clone(), 7, Some(json!({"model": "prophet"}))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid argument: the prophet model needs the `prophet` cargo feature, which this \
             build was made without"
        );
        let error = forecast(values, 7, Some(json!({"model": "arima"}))).unwrap_err();
        assert!(
            error.to_string().contains("model: unknown variant `arima`"),
            "{error}"
        );
    }

    #[test]
    fn timestamped_values_are_resampled_and_forecast() {
        // Hourly values with a daily cycle, one hour missing (filled by interpolation).
        let mut timestamps = Vec::new();
        let mut values = Vec::new();
        for h in 0..24 * 14 {
            if h == 100 {
                continue;
            }
            let at = DateTime::<Utc>::from_timestamp(1_700_000_000 - 1_700_000_000 % 3600, 0)
                .unwrap()
                + TimeDelta::hours(h);
            timestamps.push(at.to_rfc3339());
            values.push(50.0 + 20.0 * ((h % 24) as f64 / 24.0 * std::f64::consts::TAU).sin());
        }
        let options = json!({"timestamps": timestamps, "fill": "linear", "levels": [80, 0.95]});
        let table = forecast(values, 24, Some(options)).unwrap();
        assert_eq!(table.periods, vec![24]);
        assert_eq!(
            table.columns,
            [
                "step",
                "timestamp",
                "point",
                "lower_80",
                "upper_80",
                "lower_95",
                "upper_95"
            ]
        );
        assert_eq!(table.rows.len(), 24);
        let first = &table.rows[0];
        let next_hour =
            DateTime::parse_from_rfc3339(timestamps.last().unwrap()).unwrap() + TimeDelta::hours(1);
        assert_eq!(
            first["timestamp"],
            json!(next_hour.with_timezone(&Utc).to_rfc3339())
        );
        let point = first["point"].as_f64().unwrap();
        assert!(first["lower_95"].as_f64().unwrap() <= first["lower_80"].as_f64().unwrap());
        assert!(first["lower_80"].as_f64().unwrap() <= point);
        assert!((point - 50.0).abs() < 3.0, "{point}");
    }

    #[test]
    fn a_calendar_forecasts_a_holiday_like_a_weekend_day() {
        // Ten weeks of daily values from a Monday, 100 on weekdays and 20 at weekends.
        let values: Vec<f64> = (0..70)
            .map(|t| if t % 7 < 5 { 100.0 } else { 20.0 } + (t % 3) as f64)
            .collect();
        let mut calendar: Vec<Value> = (0..77).map(|t| json!(t % 7 < 5)).collect();
        calendar[72] = json!(0);
        calendar[71] = json!(1);
        let options = json!({"periods": [7], "calendar": calendar});
        let table = forecast(values.clone(), 7, Some(options)).unwrap();
        let point = |step: usize| table.rows[step]["point"].as_f64().unwrap();
        assert!((point(2) - 21.0).abs() < 5.0 && (point(1) - 101.0).abs() < 5.0);
        assert!(table.model.contains("1 ahead"), "{}", table.model);

        // The same with timestamps: one flag per timestamp, then one per forecast step.
        let monday = DateTime::parse_from_rfc3339("2026-01-05T00:00:00Z").unwrap();
        let timestamps: Vec<String> = (0..70)
            .map(|d| (monday + TimeDelta::days(d)).to_rfc3339())
            .collect();
        let options = json!({"periods": [7], "calendar": calendar, "timestamps": timestamps});
        let timed = forecast(values.clone(), 7, Some(options)).unwrap();
        assert_eq!(
            timed.rows[2]["point"].as_f64().unwrap().round(),
            point(2).round()
        );

        // Timed rows ahead, twice a day: they reach their forecast slots by time, not by order.
        let mut timed_rows = timestamps.clone();
        let mut timed_flags = calendar[..70].to_vec();
        for half_day in 0..14 {
            let day = 70 + half_day / 2;
            timed_rows.push((monday + TimeDelta::hours(12 * (2 * 70 + half_day))).to_rfc3339());
            timed_flags.push(calendar[day as usize].clone());
        }
        let options = json!({"periods": [7], "calendar": timed_flags, "timestamps": timed_rows});
        let ahead = forecast(values.clone(), 7, Some(options)).unwrap();
        for step in 0..7 {
            assert_eq!(
                ahead.rows[step]["point"].as_f64().unwrap().round(),
                point(step).round(),
                "step {step}"
            );
        }

        let message = |settings: Value| {
            forecast(values.clone(), 7, Some(settings))
                .unwrap_err()
                .to_string()
        };
        assert!(
            forecast(
                values.clone(),
                usize::MAX,
                Some(json!({"periods": [7], "calendar": timed_flags, "timestamps": timed_rows}))
            )
            .unwrap_err()
            .to_string()
            .contains("horizon must be between 1 and 100000")
        );
        assert!(
            message(json!({"periods": [7], "timestamps": timed_rows}))
                .contains("options.timestamps: 84 timestamps for 70 values")
        );
        assert!(
            message(
                json!({"periods": [7], "calendar": timed_flags[..80], "timestamps": timed_rows})
            )
            .contains("options.calendar: 80 flags for 84 timestamps")
        );
        let mut short = timed_rows.clone();
        short.truncate(80);
        assert!(
            message(json!({"periods": [7], "calendar": timed_flags[..80], "timestamps": short}))
                .contains("covers 5 of the 7 forecast steps")
        );
        let mut unreadable = timed_rows.clone();
        unreadable[75] = "soon".into();
        assert!(
            message(json!({"periods": [7], "calendar": timed_flags, "timestamps": unreadable}))
                .contains("options.timestamps[75]")
        );
        assert!(
            message(json!({"periods": [7], "calendar": calendar[..76]}))
                .contains("options.calendar: 76 flags for 70 values and 7 forecast steps")
        );
        let mut bad = calendar.clone();
        bad[3] = json!(2);
        assert!(message(json!({"periods": [7], "calendar": bad})).contains("options.calendar[3]"));
        assert!(message(json!({"periods": [7], "calendar": "weekdays"})).contains("calendar"));
    }

    #[test]
    fn bad_arguments_name_their_field() {
        let message = |r: Result<ForecastTable>| r.unwrap_err().to_string();
        assert!(
            message(forecast(vec![1.0; 30], 3, Some(json!({"level": [80]})))).contains("level")
        );
        assert!(
            message(forecast(
                vec![1.0; 30],
                3,
                Some(json!({"timestamps": ["2024-01-01"]}))
            ))
            .contains("1 timestamps for 30 values")
        );
        assert!(message(forecast(vec![1.0; 30], 0, None)).contains("horizon"));
        let mut nan = vec![1.0; 30];
        nan[1] = f64::NAN;
        assert!(message(forecast(nan, 1, None)).contains("value 1"));
        assert!(message(forecast(vec![1.0; 3], 1, None)).contains("at least"));
        let staffing_error = staffing(&[10.0], Some(json!({"model": "erlang_a"}))).unwrap_err();
        assert!(staffing_error.to_string().contains("patience_secs"));
        assert!(staffing(&[10.0], Some(json!({"aht_secs": -1}))).is_err());
        assert!(anomalies(&[1.0; 5], Some(json!({"threshold": 2}))).is_err());
        let bad_type = anomalies(&[1.0; 5], Some(json!({"warm_up": "x"}))).unwrap_err();
        assert!(bad_type.to_string().contains("warm_up"), "{bad_type}");
        let unknown = anomalies(&[1.0; 5], Some(json!({"detector": {}}))).unwrap_err();
        assert!(
            unknown.to_string().contains("unknown field `detector`"),
            "{unknown}"
        );
        assert!(matches!(parse_step("15x"), Err(e) if e.contains("unknown unit")));
    }

    #[test]
    fn staffing_rows_are_flat_and_match_the_textbook() {
        // 100 calls in 30 minutes, 180 s handle time, 80/20: the textbook needs 14 agents.
        let rows = staffing(
            &[100.0],
            Some(json!({"interval_secs": 1800, "aht_secs": 180})),
        )
        .unwrap();
        assert_eq!(rows[0].agents, 14);
        assert!((rows[0].traffic_erlangs - 10.0).abs() < 1e-9);
        assert!(rows[0].service_level >= 0.8 && rows[0].expected_wait_secs > 0.0);
    }

    #[test]
    fn the_monitor_flags_a_spike_after_its_warm_up() {
        let settings = json!({"periods": [24], "warm_up": 96, "refit_every": 24});
        let mut monitor = anomaly_monitor(Some(settings.clone())).unwrap();
        let value = |t: usize| {
            100.0
                + 30.0 * ((t % 24) as f64 / 24.0 * std::f64::consts::TAU).sin()
                + ((t * 7919) % 13) as f64 * 0.3
        };
        let mut verdicts = Vec::new();
        for t in 0..150 {
            let v = if t == 130 { value(t) + 80.0 } else { value(t) };
            verdicts.push(observe(&mut monitor, v).unwrap());
        }
        assert!(verdicts[..96].iter().all(Option::is_none));
        let flagged: Vec<usize> = (96..150)
            .filter(|&t| verdicts[t].as_ref().is_some_and(|v| v.anomalous))
            .collect();
        assert!(flagged.contains(&130), "{flagged:?}");
        let batch: Vec<f64> = (0..150)
            .map(|t| if t == 130 { value(t) + 80.0 } else { value(t) })
            .collect();
        let runs = anomalies(&batch, Some(settings)).unwrap();
        assert!(
            runs.iter().any(|r| r.start <= 130 && 130 < r.end),
            "{runs:?}"
        );
    }
}
