//! Workforce planning from call records: the hourly call volume of six simulated weeks, a
//! forecast of the next day with 80% and 95% intervals, the agents needed each hour to answer
//! 80% of calls within 20 seconds (for the expected volume and for the top of the 80%
//! interval), and the hours of the history the anomaly detector flags, beside the anomalies
//! the simulator planted.
//!
//! ```sh
//! cargo run -p aybiza-examples --bin forecast_staffing
//! ```
//!
//! `forecast_staffing.py` and `forecast_staffing.js` beside this file do the same in Python
//! and Node and print the same lines (`expected.txt`).

use std::error::Error;

use aybiza_analytics::forecast::anomaly::{DetectorOptions, Transform, detect_anomalies};
use aybiza_analytics::forecast::staffing::{QueueModel, ServiceTarget, staffing_plan};
use aybiza_analytics::forecast::{AutoForecaster, ForecastOptions, Forecaster, RegularSeries};
use aybiza_analytics::model::Record;
use aybiza_analytics::sim::{SimConfig, simulate};
use chrono::TimeDelta;

const HOUR_SECS: f64 = 3600.0;

fn main() -> Result<(), Box<dyn Error>> {
    let config = SimConfig {
        seed: 7,
        tenants: 1,
        days: 42,
        ..SimConfig::default()
    };
    let simulated = simulate(&config)?;
    let calls: Vec<_> = simulated
        .records
        .iter()
        .filter_map(|record| match record {
            Record::Call(call) => Some(call),
            _ => None,
        })
        .collect();
    // Average handle time over the calls that ended, from whole milliseconds.
    let handled: Vec<i64> = calls
        .iter()
        .filter_map(|call| Some((call.ended_at? - call.started_at).num_milliseconds()))
        .collect();
    let aht_secs = handled.iter().sum::<i64>() as f64 / handled.len() as f64 / 1000.0;
    println!(
        "{} calls in {} days, average handle time {aht_secs:.1} s",
        calls.len(),
        config.days
    );

    // Calls per hour over the whole window, empty hours included.
    let end = config.start + TimeDelta::days(i64::from(config.days));
    let hourly = RegularSeries::count_events(
        calls.iter().map(|call| call.started_at),
        config.start,
        end,
        TimeDelta::hours(1),
    )?;
    let volume = &hourly.values;

    // The next 24 hours, with daily and weekly seasonality; counts are never negative.
    let forecaster = AutoForecaster::new(ForecastOptions {
        periods: Some(vec![24, 168]),
        lower_bound: Some(0.0),
        ..ForecastOptions::default()
    })?;
    let forecast = forecaster.forecast(volume, 24, &[0.8, 0.95])?;
    let (band80, band95) = (&forecast.intervals[0], &forecast.intervals[1]);
    println!("forecast: {}", forecast.model);

    let target = ServiceTarget::default();
    let expected = staffing_plan(
        &forecast.point,
        HOUR_SECS,
        aht_secs,
        &target,
        QueueModel::ErlangC,
    )?;
    let prudent = staffing_plan(
        &band80.upper,
        HOUR_SECS,
        aht_secs,
        &target,
        QueueModel::ErlangC,
    )?;
    println!(
        "hour (UTC)  calls   80% interval    95% interval   agents  wait  agents at the 80% top"
    );
    for step in 0..forecast.point.len() {
        let hour = hourly
            .timestamp(volume.len() + step)
            .ok_or("a forecast hour out of range")?;
        println!(
            "{}  {:>5.1}  [{:>5.1}, {:>5.1}]  [{:>5.1}, {:>5.1}]  {:>5}  {:>4.1}s  {:>5}",
            hour.format("%a %H:%M"),
            forecast.point[step],
            band80.lower[step],
            band80.upper[step],
            band95.lower[step],
            band95.upper[step],
            expected[step].metrics.agents,
            expected[step].metrics.average_speed_of_answer_secs,
            prudent[step].metrics.agents,
        );
    }

    // The history's anomalous hours: each hour against the band forecast from the hours before
    // it, on the square-root scale of counts, after two weeks of warm-up; flagged at an anomaly
    // probability of 0.999, and runs of at least two hours (as the report does).
    let detector = DetectorOptions {
        periods: Some(vec![24, 168]),
        transform: Transform::Sqrt,
        threshold: 0.999,
        refit_every: 24,
        warm_up: 336,
        calibration_windows: 8,
        ..DetectorOptions::default()
    };
    println!("anomalies found (after two weeks of warm-up):");
    for anomaly in detect_anomalies(volume, &detector, 1, 2)? {
        let start = hourly
            .timestamp(anomaly.start)
            .ok_or("an hour out of range")?;
        println!(
            "  {} UTC, {} h, {}, probability {:.3}",
            start.format("%Y-%m-%d %H:%M"),
            anomaly.end - anomaly.start,
            anomaly.direction.as_str(),
            anomaly.peak_probability,
        );
    }
    println!("anomalies planted:");
    for planted in &simulated.truth.anomalies {
        println!(
            "  {} UTC, {} h: {}",
            planted.start.format("%Y-%m-%d %H:%M"),
            (planted.end - planted.start).num_hours(),
            planted.description,
        );
    }
    Ok(())
}
