//! Prophet (the `prophet` cargo feature) as a forecaster: from Rust, through the JSON entry the
//! bindings share, and from the CLI.

use std::process::Command;

use aybiza_analytics::forecast::json::forecast as forecast_json;
use aybiza_analytics::forecast::{
    ForecastError, Forecaster, ProphetForecaster, ProphetSettings, TimeAxis,
};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

/// Hourly call volume with a daily and a weekly cycle, a slight trend and deterministic noise.
fn hourly_calls(hours: usize) -> Vec<f64> {
    (0..hours)
        .map(|t| {
            let hour = (t % 24) as f64;
            let day = (t / 24 % 7) as f64;
            let daily = 40.0 * (std::f64::consts::PI * (hour - 6.0) / 12.0).sin().max(0.0);
            let weekly = if day >= 5.0 { -15.0 } else { 0.0 };
            let noise = 3.0 * ((t as f64 * 12.9898).sin() * 43_758.545).fract();
            60.0 + 0.01 * t as f64 + daily + weekly + noise
        })
        .collect()
}

fn monday() -> DateTime<Utc> {
    "2026-01-05T00:00:00Z".parse().unwrap()
}

fn hourly_axis() -> Option<TimeAxis> {
    Some(TimeAxis {
        start: monday(),
        step: TimeDelta::hours(1),
    })
}

/// Mean absolute error of `forecast` against `truth`.
fn mae(forecast: &[f64], truth: &[f64]) -> f64 {
    forecast
        .iter()
        .zip(truth)
        .map(|(f, t)| (f - t).abs())
        .sum::<f64>()
        / truth.len() as f64
}

#[test]
fn prophet_follows_a_daily_and_a_weekly_cycle() {
    let series = hourly_calls(8 * 168 + 168);
    let (history, truth) = series.split_at(8 * 168);
    let prophet = ProphetForecaster::new(ProphetSettings {
        time_axis: hourly_axis(),
        periods: Some(vec![24, 168]),
        lower_bound: None,
    })
    .unwrap();
    let forecast = prophet.forecast(history, 168, &[0.8, 0.95]).unwrap();
    assert_eq!(forecast.model, "Prophet (periods 24,168)");
    assert_eq!(forecast.point.len(), 168);
    // The cycles swing by 55 calls; a forecast that missed them would be off by about 15.
    let error = mae(&forecast.point, truth);
    assert!(error < 6.0, "mean absolute error {error}");
    let (i80, i95) = (&forecast.intervals[0], &forecast.intervals[1]);
    assert_eq!((i80.level, i95.level), (0.8, 0.95));
    for h in 0..168 {
        assert!(i95.lower[h] < i80.lower[h] && i80.lower[h] < forecast.point[h]);
        assert!(forecast.point[h] < i80.upper[h] && i80.upper[h] < i95.upper[h]);
    }
    let covered = (0..168)
        .filter(|&h| (i80.lower[h]..=i80.upper[h]).contains(&truth[h]))
        .count();
    assert!(covered > 100, "80% interval holds {covered} of 168 values");
    // The optimiser is seeded; what varies between fits is the order of the two seasonalities'
    // features (a `HashMap` in augurs-prophet), which moves the optimum very little.
    let again = prophet.forecast(history, 168, &[0.8]).unwrap();
    let moved = mae(&again.point, &forecast.point);
    assert!(
        moved < 0.05,
        "a refit moved the forecast by {moved} on average"
    );
}

#[test]
fn prophet_chooses_its_own_seasonalities_from_the_timestamps() {
    let series = hourly_calls(8 * 168 + 48);
    let (history, truth) = series.split_at(8 * 168);
    let forecast = ProphetForecaster::new(ProphetSettings {
        time_axis: hourly_axis(),
        ..ProphetSettings::default()
    })
    .unwrap()
    .forecast(history, 48, &[0.9])
    .unwrap();
    assert_eq!(forecast.model, "Prophet (automatic seasonalities)");
    let error = mae(&forecast.point, truth);
    assert!(error < 8.0, "mean absolute error {error}");
}

#[test]
fn a_plain_sequence_gets_the_detected_periods() {
    // Daily values with a weekly cycle, no timestamps.
    let series: Vec<f64> = (0..140)
        .map(|t| 100.0 + [0.0, 5.0, 8.0, 6.0, 4.0, -30.0, -35.0][t % 7] + (t % 3) as f64)
        .collect();
    let forecast = ProphetForecaster::new(ProphetSettings::default())
        .unwrap()
        .forecast(&series[..126], 14, &[0.8])
        .unwrap();
    assert_eq!(forecast.model, "Prophet (periods 7)");
    let error = mae(&forecast.point, &series[126..]);
    assert!(error < 4.0, "mean absolute error {error}");
}

#[test]
fn a_lower_bound_and_a_constant_history() {
    let near_zero: Vec<f64> = (0..200).map(|t| [0.0, 1.0, 0.0, 2.0][t % 4]).collect();
    let bounded = ProphetForecaster::new(ProphetSettings {
        periods: Some(vec![4]),
        lower_bound: Some(0.0),
        ..ProphetSettings::default()
    })
    .unwrap()
    .forecast(&near_zero, 8, &[0.95])
    .unwrap();
    assert!(bounded.intervals[0].lower.iter().all(|&v| v >= 0.0));
    assert!(
        bounded.intervals[0].lower.contains(&0.0),
        "nothing was raised"
    );

    let constant = ProphetForecaster::new(ProphetSettings::default())
        .unwrap()
        .forecast(&[5.0; 30], 3, &[0.8])
        .unwrap();
    assert_eq!(constant.point, vec![5.0; 3]);
    assert_eq!(constant.intervals[0].upper, vec![5.0; 3]);
}

#[test]
fn bad_input_is_a_typed_error() {
    let new = |settings| ProphetForecaster::new(settings);
    assert_eq!(
        new(ProphetSettings {
            periods: Some(vec![24, 1]),
            ..ProphetSettings::default()
        })
        .unwrap_err(),
        ForecastError::Period(1)
    );
    assert_eq!(
        new(ProphetSettings {
            lower_bound: Some(f64::NAN),
            ..ProphetSettings::default()
        })
        .unwrap_err()
        .to_string(),
        "the lower bound must be a finite number, got NaN"
    );
    assert!(matches!(
        new(ProphetSettings {
            time_axis: Some(TimeAxis {
                start: monday(),
                step: TimeDelta::zero()
            }),
            ..ProphetSettings::default()
        }),
        Err(ForecastError::Model(_))
    ));
    let prophet = new(ProphetSettings {
        periods: Some(vec![24]),
        ..ProphetSettings::default()
    })
    .unwrap();
    let mut history = hourly_calls(100);
    assert_eq!(
        prophet.forecast(&history[..40], 5, &[0.8]).unwrap_err(),
        ForecastError::TooShort { len: 40, min: 48 }
    );
    assert!(matches!(
        prophet.forecast(&history, 0, &[0.8]),
        Err(ForecastError::Horizon { horizon: 0, .. })
    ));
    assert_eq!(
        prophet.forecast(&history, 5, &[1.5]).unwrap_err(),
        ForecastError::Level(1.5)
    );
    history[7] = f64::NAN;
    assert!(matches!(
        prophet.forecast(&history, 5, &[0.8]),
        Err(ForecastError::NonFinite { index: 7, .. })
    ));
}

#[test]
fn the_bindings_json_entry_runs_prophet_on_timestamps() {
    let values = hourly_calls(4 * 168);
    let timestamps: Vec<String> = (0..values.len())
        .map(|h| (monday() + TimeDelta::hours(h as i64)).to_rfc3339())
        .collect();
    let table = forecast_json(
        values.clone(),
        24,
        Some(json!({"model": "prophet", "timestamps": timestamps, "periods": [24, 168]})),
    )
    .unwrap();
    assert_eq!(table.model, "Prophet (periods 24,168)");
    assert_eq!(table.periods, vec![24, 168]);
    assert_eq!(table.rows.len(), 24);
    let first = &table.rows[0];
    let expected = (monday() + TimeDelta::hours(4 * 168)).to_rfc3339();
    assert_eq!(first["timestamp"], json!(expected));
    assert!(first["lower_95"].as_f64() < first["lower_80"].as_f64());

    let error = forecast_json(
        values,
        24,
        Some(json!({"model": "prophet", "calendar": vec![1; 4 * 168]})),
    )
    .unwrap_err();
    assert!(error.to_string().contains("options.calendar"), "{error}");
}

/// Twenty weeks of daily calls, low at weekends, with public holidays on weekdays (days 66 and
/// 101 in the history, 142 and 144 in the forecast), and their working-day flags.
fn days_with_holidays() -> (Vec<f64>, Vec<bool>) {
    let holidays = [66, 101, 142, 144];
    let working: Vec<bool> = (0..147)
        .map(|d| d % 7 < 5 && !holidays.contains(&d))
        .collect();
    let calls = working
        .iter()
        .enumerate()
        .map(|(d, &open)| {
            let noise = 2.0 * ((d as f64 * 78.233).sin() * 43_758.545).fract();
            (if open { 200.0 } else { 60.0 }) + (d % 7) as f64 + noise
        })
        .collect();
    (calls, working)
}

#[test]
fn a_calendar_forecasts_public_holidays_like_weekends() {
    let (calls, working) = days_with_holidays();
    let (history, truth) = calls.split_at(140);
    let prophet = ProphetForecaster::new(ProphetSettings {
        periods: Some(vec![7]),
        ..ProphetSettings::default()
    })
    .unwrap();
    let plain = prophet.forecast(history, 7, &[0.8]).unwrap();
    let with = prophet
        .forecast_with_calendar(history, &working, 7, &[0.8])
        .unwrap();
    assert_eq!(
        with.model,
        "Prophet (periods 7) with a calendar (2 special steps in the history, 2 ahead)"
    );
    // Day 142 (a Wednesday) and day 144 (a Friday) are holidays: about 60 calls, not 200.
    for day in [2, 4] {
        assert!(
            (truth[day] - with.point[day]).abs() < 15.0,
            "{day}: {with:?}"
        );
        assert!(plain.point[day] > 150.0, "{day}: {plain:?}");
        let interval = &with.intervals[0];
        assert!(interval.lower[day] < with.point[day] && with.point[day] < interval.upper[day]);
    }
    let error = mae(&with.point, truth);
    assert!(error < 8.0, "mean absolute error {error}");
    assert_eq!(
        prophet
            .forecast_with_calendar(history, &working[..146], 7, &[0.8])
            .unwrap_err(),
        ForecastError::CalendarLength {
            len: 146,
            expected: 147
        }
    );
    let automatic = ProphetForecaster::new(ProphetSettings {
        time_axis: hourly_axis(),
        ..ProphetSettings::default()
    })
    .unwrap();
    assert!(matches!(
        automatic.forecast_with_calendar(history, &working, 7, &[0.8]),
        Err(ForecastError::Calendar(_))
    ));
}

#[test]
fn the_cli_forecasts_with_prophet() {
    let dir = tempfile::tempdir().unwrap();
    // Four weeks of hourly calls, weekends flagged as non-working; with the calendar, also the
    // forecast's two days without values, the first (Monday 2 February) a public holiday.
    let calls = hourly_calls(4 * 168);
    let write = |name: &str, hours: usize| {
        let mut csv = String::from("time,calls,workday\n");
        for h in 0..hours {
            let at = monday() + TimeDelta::hours(h as i64);
            let value = calls.get(h).map_or(String::new(), f64::to_string);
            let working = h / 24 % 7 < 5 && h / 24 != 28;
            csv.push_str(&format!(
                "{},{value},{}\n",
                at.format("%Y-%m-%d %H:%M:%S"),
                u8::from(working)
            ));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, csv).unwrap();
        path
    };
    let (plain, ahead) = (
        write("calls.csv", 4 * 168),
        write("ahead.csv", 4 * 168 + 48),
    );
    let output = dir.path().join("forecast.csv");
    let run = |input: &std::path::Path, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_aybiza"))
            .args(["forecast", "--model", "prophet", "--input"])
            .arg(input)
            .args(["--time-column", "time", "--value-column", "calls"])
            .args(["--horizon", "48", "--output"])
            .arg(&output)
            .args(extra)
            .output()
            .unwrap()
    };
    let done = run(&plain, &[]);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    assert!(
        stderr.contains("model Prophet (periods 24,168)"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(&output).unwrap();
    let mut lines = written.lines();
    assert_eq!(
        lines.next(),
        Some("step,timestamp,point,lower_80,upper_80,lower_95,upper_95")
    );
    assert!(lines.next().unwrap().starts_with("1,2026-02-02T00:00:00Z,"));
    assert_eq!(lines.count(), 47);

    let with_calendar = run(&ahead, &["--calendar-column", "workday"]);
    let stderr = String::from_utf8_lossy(&with_calendar.stderr);
    assert!(with_calendar.status.success(), "{stderr}");
    assert!(
        stderr.contains("with a calendar (0 special steps in the history, 24 ahead)"),
        "{stderr}"
    );
}
