//! Rolling-origin scores of `AutoForecaster` on the shared evaluation series, for choosing
//! settings on the windows *before* a holdout (`docs/forecasting.md`).
//!
//! For each series, window 0 is the holdout (the last horizon) and window `w` ends `w`
//! horizons earlier. Printed: the holdout MASE; the mean MASE, pooled 80/95% coverage and mean
//! interval (Winkler) scores over windows 0–7 (the evaluation's rolling windows) and over
//! windows 1..=N (all before the holdout); the median fit+predict time.
//!
//! ```sh
//! cargo run --release -p aybiza-analytics --example forecast_windows -- \
//!     [--series vic_elec,chicago,hyndsight] [--windows 16] [--detect] [--calendar] \
//!     [--data-dir ../shared/data]
//! ```
//!
//! `--detect` lets the forecaster find the periods; `--calendar` passes vic_elec's `workday`
//! column to `forecast_with_calendar`.

use std::path::PathBuf;
use std::time::Instant;

use aybiza_analytics::forecast::{AutoForecaster, Forecast, ForecastOptions, Forecaster};

/// A series of the evaluation: file, value column, periods, horizon, working-day column.
struct Series {
    name: &'static str,
    file: &'static str,
    value_column: &'static str,
    periods: &'static [usize],
    horizon: usize,
    calendar_column: Option<&'static str>,
}

const SERIES: [Series; 3] = [
    Series {
        name: "vic_elec",
        file: "ts_vic_elecdemand_halfhourly.csv",
        value_column: "demand_gw",
        periods: &[48, 336],
        horizon: 336,
        calendar_column: Some("workday"),
    },
    Series {
        name: "chicago",
        file: "ts_chicago_ridership_daily.csv",
        value_column: "ridership_thousands",
        periods: &[7, 365],
        horizon: 28,
        calendar_column: None,
    },
    Series {
        name: "hyndsight",
        file: "ts_hyndsight_daily.csv",
        value_column: "pageviews",
        periods: &[7],
        horizon: 28,
        calendar_column: None,
    },
];

/// One column of a CSV file as numbers.
fn read_column(path: &PathBuf, name: &str) -> Vec<f64> {
    let mut reader = csv::Reader::from_path(path).expect("readable CSV");
    let index = reader
        .headers()
        .expect("a header")
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", path.display()));
    reader
        .records()
        .map(|r| r.expect("a record")[index].parse().expect("a number"))
        .collect()
}

/// Scores of one window: MASE, values inside the 80% and 95% intervals, interval scores.
struct Scores {
    mase: f64,
    inside: [usize; 2],
    winkler: [f64; 2],
}

fn score(train: &[f64], test: &[f64], forecast: &Forecast, season: usize) -> Scores {
    let scale = (season..train.len())
        .map(|t| (train[t] - train[t - season]).abs())
        .sum::<f64>()
        / (train.len() - season) as f64;
    let h = test.len() as f64;
    let mae = test
        .iter()
        .zip(&forecast.point)
        .map(|(y, p)| (y - p).abs())
        .sum::<f64>()
        / h;
    let mut inside = [0; 2];
    let mut winkler = [0.0; 2];
    for (i, interval) in forecast.intervals.iter().enumerate().take(2) {
        let alpha = 1.0 - interval.level;
        for (k, &y) in test.iter().enumerate() {
            let (lower, upper) = (interval.lower[k], interval.upper[k]);
            inside[i] += usize::from(lower <= y && y <= upper);
            let miss = (lower - y).max(0.0) + (y - upper).max(0.0);
            winkler[i] += (upper - lower + 2.0 / alpha * miss) / scale / h;
        }
    }
    Scores {
        mase: mae / scale,
        inside,
        winkler,
    }
}

/// `MASE cov80 cov95 W80 W95` over the windows.
fn summary(windows: &[Scores], horizon: usize) -> String {
    let n = windows.len().max(1) as f64;
    let total = (windows.len() * horizon).max(1) as f64;
    let mean = |f: &dyn Fn(&Scores) -> f64| windows.iter().map(f).sum::<f64>() / n;
    let cover = |i: usize| windows.iter().map(|s| s.inside[i]).sum::<usize>() as f64 / total;
    format!(
        "MASE {:.3} cov {:.3}/{:.3} W {:.2}/{:.2}",
        mean(&|s| s.mase),
        cover(0),
        cover(1),
        mean(&|s| s.winkler[0]),
        mean(&|s| s.winkler[1])
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let names = value("--series").unwrap_or_else(|| "vic_elec,chicago,hyndsight".into());
    let before: usize = value("--windows").map_or(16, |w| w.parse().expect("a count"));
    let data_dir = PathBuf::from(value("--data-dir").unwrap_or_else(|| "../shared/data".into()));
    let detect = args.iter().any(|a| a == "--detect");
    let with_calendar = args.iter().any(|a| a == "--calendar");
    for series in SERIES
        .iter()
        .filter(|s| names.split(',').any(|n| n == s.name))
    {
        let path = data_dir.join(series.file);
        let y = read_column(&path, series.value_column);
        let calendar: Option<Vec<bool>> =
            series
                .calendar_column
                .filter(|_| with_calendar)
                .map(|column| {
                    read_column(&path, column)
                        .iter()
                        .map(|v| *v > 0.5)
                        .collect()
                });
        let forecaster = AutoForecaster::new(ForecastOptions {
            periods: (!detect).then(|| series.periods.to_vec()),
            ..ForecastOptions::default()
        })
        .expect("valid options");
        let h = series.horizon;
        let mut scores = Vec::new();
        let mut times = Vec::new();
        for w in 0..=before {
            let Some(end) = y.len().checked_sub(w * h).filter(|end| *end >= 5 * h) else {
                break;
            };
            let (train, test) = (&y[..end - h], &y[end - h..end]);
            let started = Instant::now();
            let forecast = match &calendar {
                Some(working) => {
                    forecaster.forecast_with_calendar(train, &working[..end], h, &[0.8, 0.95])
                }
                None => forecaster.forecast(train, h, &[0.8, 0.95]),
            }
            .expect("a forecast");
            times.push(started.elapsed().as_secs_f64());
            scores.push(score(train, test, &forecast, series.periods[0]));
        }
        times.sort_by(f64::total_cmp);
        let last = scores.len();
        println!(
            "{:9} holdout MASE {:.3} | windows 0-7: {} | windows 1-{}: {} | median {:.2} ms",
            series.name,
            scores[0].mase,
            summary(&scores[..8.min(last)], h),
            last - 1,
            summary(&scores[1..], h),
            times[times.len() / 2] * 1e3
        );
    }
}
