//! `aybiza forecast`: forecast a series from a CSV file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use aybiza_analytics::forecast::json::parse_step;
use aybiza_analytics::forecast::{
    Aggregation, AutoForecaster, ForecastOptions, Forecaster, GapFill, RegularSeries,
    detect_periods, forecast_with_prophet, working_days_on_grid,
};
use aybiza_analytics::journey::map::parse_timestamp_micros;
use aybiza_analytics::{Error, Result};
use chrono::{DateTime, TimeDelta, Timelike, Utc};

use crate::input;

/// Arguments of `aybiza forecast`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// CSV file (`.gz` accepted) with a header row.
    #[arg(long)]
    input: PathBuf,
    /// Column with the values to forecast.
    #[arg(long)]
    value_column: String,
    /// Column with each row's time (RFC 3339, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`, UTC). Rows
    /// are then put on a regular grid (see --step, --aggregate, --fill); without it the rows are
    /// taken as a regular series in file order.
    #[arg(long)]
    time_column: Option<String>,
    /// Number of steps to forecast.
    #[arg(long)]
    horizon: usize,
    /// Column of working-day flags (`1`/`0`, `true`/`false`): a public holiday is a `0` on a
    /// weekday, and is forecast like the usual non-working days. Rows after the last value,
    /// with the value left empty, give the forecast steps' flags (with --time-column, their
    /// times; slots without a row take the flag of the slot before). Extra rows are ignored.
    #[arg(long)]
    calendar_column: Option<String>,
    /// The model: `auto` (MSTL with an ETS trend averaged with a seasonal naive forecast, with
    /// calibrated intervals) or `prophet` (only in builds with the `prophet` cargo feature; the
    /// calibration options do not apply to it).
    #[arg(long, value_parser = ["auto", "prophet"], default_value = "auto")]
    model: String,
    /// Seasonal periods in steps, comma-separated (e.g. `48,336`); detected when absent.
    #[arg(long, value_delimiter = ',')]
    periods: Option<Vec<usize>>,
    /// Interval levels in percent (or as fractions), comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [80.0, 95.0])]
    levels: Vec<f64>,
    /// Grid step with --time-column, e.g. `15m`, `30m`, `1h`, `1d`; by default the most common
    /// gap between consecutive timestamps.
    #[arg(long, value_parser = parse_step)]
    step: Option<TimeDelta>,
    /// How rows sharing a grid slot combine: `sum` (counts) or `mean` (levels).
    #[arg(long, value_parser = ["sum", "mean"], default_value = "sum")]
    aggregate: String,
    /// What an empty grid slot becomes: `zero` (counts: nothing happened) or `linear`
    /// (levels: interpolate between the neighbouring slots).
    #[arg(long, value_parser = ["zero", "linear"], default_value = "zero")]
    fill: String,
    /// Rolling-origin backtest windows that calibrate the intervals (0: the model's own).
    #[arg(long, default_value_t = ForecastOptions::default().calibration_windows)]
    calibration_windows: usize,
    /// Fit seasonal models to the last N cycles of the longest period only (0: all history).
    #[arg(long, default_value_t = ForecastOptions::default().max_cycles)]
    max_cycles: usize,
    /// Calibrate the intervals without scaling them by how turbulent the recent history was
    /// (week on week) against the history before the backtest's origins.
    #[arg(long)]
    no_volatility_scaling: bool,
    /// The least value the series can take, e.g. `0` for counts: points and interval bounds
    /// below it are raised to it.
    #[arg(long, allow_negative_numbers = true)]
    lower_bound: Option<f64>,
    /// Print the fitting and forecasting time (without reading and writing files) on stderr.
    #[arg(long)]
    timing: bool,
    /// With --timing, also repeat the fit and forecast this many times in the same process and
    /// print the median: the time of a warm call, as in a long-running service (where the first
    /// call of a process also pays for first touches of memory and code). The repeats reuse the
    /// first call's cached STL weights, as a service forecasting series of the same lengths does.
    #[arg(long, default_value_t = 0, requires = "timing")]
    timing_runs: usize,
    /// Where to write the CSV (one row per step); standard output by default.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// The series read from the file, with its grid when timestamped and its working-day flags
/// (history and horizon) when a calendar column is given.
struct Input {
    values: Vec<f64>,
    grid: Option<RegularSeries>,
    calendar: Option<Vec<bool>>,
}

/// A working-day flag: `1`, `true` or `yes` (working), `0`, `false` or `no`.
fn parse_working(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

fn read_input(args: &Args) -> Result<Input> {
    let mut reader = csv::ReaderBuilder::new().from_reader(input::open(&args.input)?);
    let headers = reader
        .headers()
        .map_err(|e| Error::InvalidArgument(format!("cannot read the CSV header: {e}")))?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "no column `{name}` in {} (columns: {})",
                args.input.display(),
                headers.iter().collect::<Vec<_>>().join(", ")
            ))
        })
    };
    let value_index = column(&args.value_column)?;
    let time_index = args.time_column.as_deref().map(column).transpose()?;
    let calendar_index = args.calendar_column.as_deref().map(column).transpose()?;
    let mut values = Vec::new();
    let mut times = Vec::new();
    // Working-day flags of the rows with a value, and (time, flag) of the rows after them.
    let mut flags = Vec::new();
    let mut future: Vec<(Option<DateTime<Utc>>, bool)> = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| Error::InvalidArgument(format!("line {line}: {e}")))?;
        let time = |index: usize| {
            let text = record.get(index).unwrap_or("");
            parse_timestamp_micros(text)
                .and_then(DateTime::<Utc>::from_timestamp_micros)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!("line {line}: `{text}` is not a timestamp"))
                })
        };
        let flag = calendar_index
            .map(|index| {
                let text = record.get(index).unwrap_or("");
                parse_working(text).ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "line {line}: `{text}` in column `{}` is not a working-day flag (1/0, \
                         true/false)",
                        args.calendar_column.as_deref().unwrap_or_default()
                    ))
                })
            })
            .transpose()?;
        let text = record.get(value_index).unwrap_or("").trim();
        if let (true, Some(flag)) = (text.is_empty(), flag) {
            future.push((time_index.map(time).transpose()?, flag));
            continue;
        }
        if !future.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "line {line}: a value after rows without one (rows without a value give the \
                 forecast steps' working-day flags and come last)"
            )));
        }
        flags.extend(flag);
        let value: f64 = text.parse().map_err(|_| {
            Error::InvalidArgument(format!(
                "line {line}: `{text}` in column `{}` is not a number",
                args.value_column
            ))
        })?;
        if !value.is_finite() {
            return Err(Error::InvalidArgument(format!(
                "line {line}: `{text}` in column `{}` is not a finite number",
                args.value_column
            )));
        }
        values.push(value);
        if let Some(index) = time_index {
            times.push(time(index)?);
        }
    }
    if time_index.is_none() {
        let calendar = calendar_index.map(|_| {
            let ahead = future.iter().take(args.horizon).map(|(_, flag)| *flag);
            flags.into_iter().chain(ahead).collect()
        });
        return Ok(Input {
            values,
            grid: None,
            calendar,
        });
    }
    let aggregation = match args.aggregate.as_str() {
        "mean" => Aggregation::Mean,
        _ => Aggregation::Sum,
    };
    let fill = match args.fill.as_str() {
        "linear" => GapFill::Linear,
        _ => GapFill::Zero,
    };
    let points: Vec<_> = times.iter().copied().zip(values).collect();
    let grid = RegularSeries::from_points(&points, args.step, aggregation, fill)?;
    let calendar = match calendar_index {
        None => None,
        Some(_) => {
            let rows: Vec<(DateTime<Utc>, bool)> = times
                .into_iter()
                .zip(flags)
                .chain(
                    future
                        .into_iter()
                        .filter_map(|(at, flag)| Some((at?, flag))),
                )
                .collect();
            Some(working_days_on_grid(&grid, &rows, args.horizon)?)
        }
    };
    Ok(Input {
        values: grid.values.clone(),
        grid: Some(grid),
        calendar,
    })
}

/// `80` for 0.8, `97.5` for 0.975.
fn level_label(level: f64) -> String {
    let percent = (level * 1000.0).round() / 10.0;
    if percent.fract() == 0.0 {
        format!("{percent:.0}")
    } else {
        format!("{percent}")
    }
}

/// Dates for whole-day grids starting at midnight, RFC 3339 otherwise.
fn format_time(at: DateTime<Utc>, daily: bool) -> String {
    if daily {
        at.format("%Y-%m-%d").to_string()
    } else {
        at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// Reads the series, forecasts it and writes one row per step.
pub fn run(args: Args) -> Result<ExitCode> {
    let levels: Vec<f64> = args
        .levels
        .iter()
        .map(|&l| if l >= 1.0 { l / 100.0 } else { l })
        .collect();
    let prophet = args.model == "prophet";
    let input = read_input(&args)?;
    let forecaster = AutoForecaster::new(ForecastOptions {
        periods: args.periods.clone(),
        calibration_windows: args.calibration_windows,
        max_cycles: args.max_cycles,
        volatility_scaling: !args.no_volatility_scaling,
        lower_bound: args.lower_bound,
        ..ForecastOptions::default()
    })?;
    let prophet_periods = match &args.periods {
        Some(periods) if prophet => periods.clone(),
        None if prophet => detect_periods(&input.values),
        _ => Vec::new(),
    };
    let axis = input.grid.as_ref().map(|grid| (grid.start, grid.step));
    let run = || {
        if prophet {
            return forecast_with_prophet(
                &input.values,
                axis,
                prophet_periods.clone(),
                args.lower_bound,
                input.calendar.as_deref(),
                args.horizon,
                &levels,
            );
        }
        match &input.calendar {
            Some(working) => {
                forecaster.forecast_with_calendar(&input.values, working, args.horizon, &levels)
            }
            None => forecaster.forecast(&input.values, args.horizon, &levels),
        }
    };
    let started = Instant::now();
    let forecast = run()?;
    let elapsed = started.elapsed();
    let mut warm = Vec::with_capacity(args.timing_runs);
    for _ in 0..args.timing_runs {
        let started = Instant::now();
        std::hint::black_box(run()?);
        warm.push(started.elapsed());
    }
    warm.sort_unstable();

    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(out);
    let mut header = vec!["step".to_owned()];
    if input.grid.is_some() {
        header.push("timestamp".into());
    }
    header.push("point".into());
    for interval in &forecast.intervals {
        let label = level_label(interval.level);
        header.push(format!("lower_{label}"));
        header.push(format!("upper_{label}"));
    }
    writeln!(out, "{}", header.join(","))?;
    let daily = input.grid.as_ref().is_some_and(|g| {
        g.step.num_seconds() % 86_400 == 0 && g.start.num_seconds_from_midnight() == 0
    });
    let n = input.values.len();
    for (h, point) in forecast.point.iter().enumerate() {
        write!(out, "{}", h + 1)?;
        if let Some(grid) = &input.grid {
            let at = grid.timestamp(n + h).ok_or_else(|| {
                Error::InvalidArgument("the forecast runs past the representable dates".into())
            })?;
            write!(out, ",{}", format_time(at, daily))?;
        }
        write!(out, ",{point}")?;
        for interval in &forecast.intervals {
            write!(out, ",{},{}", interval.lower[h], interval.upper[h])?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    eprintln!("{} values, model {}", n, forecast.model);
    if args.timing {
        eprintln!("fit+predict: {:.3} ms", elapsed.as_secs_f64() * 1000.0);
        if let Some(median) = warm.get(warm.len() / 2) {
            eprintln!(
                "fit+predict warm: {:.3} ms (median of {})",
                median.as_secs_f64() * 1000.0,
                warm.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(input: PathBuf, output: PathBuf, time_column: Option<&str>) -> Args {
        Args {
            input,
            value_column: "calls".into(),
            time_column: time_column.map(str::to_owned),
            horizon: 3,
            calendar_column: None,
            model: "auto".into(),
            periods: Some(vec![4]),
            levels: vec![80.0, 0.95],
            step: None,
            aggregate: "sum".into(),
            fill: "zero".into(),
            calibration_windows: 2,
            max_cycles: 20,
            no_volatility_scaling: false,
            lower_bound: None,
            timing: false,
            timing_runs: 0,
            output: Some(output),
        }
    }

    #[cfg(not(feature = "prophet"))]
    #[test]
    fn prophet_in_a_build_without_it_is_refused_before_any_output() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("volume.csv");
        let rows: String = (0..40).map(|i| format!("{}\n", i % 4)).collect();
        std::fs::write(&input, format!("calls\n{rows}")).unwrap();
        let output = dir.path().join("forecast.csv");
        let mut args = args(input, output.clone(), None);
        args.model = "prophet".into();
        let error = run(args).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("needs the `prophet` cargo feature"),
            "{error}"
        );
        assert!(!output.exists());
    }

    #[test]
    fn writes_one_row_per_step_with_timestamps_and_bands() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("volume.csv");
        // Hourly counts with a 4-hour cycle from 2026-01-01; the third hour of each cycle has no
        // row (no calls), which the zero fill turns into 0.
        let mut csv = String::from("at,calls\n");
        for slot in 0..160u32 {
            if slot % 4 == 2 {
                continue;
            }
            let at = chrono::DateTime::<Utc>::from_timestamp(1_767_225_600 + 3600 * slot as i64, 0)
                .unwrap();
            csv.push_str(&format!(
                "{},{}\n",
                at.to_rfc3339(),
                [10, 20, 0, 15][slot as usize % 4]
            ));
        }
        std::fs::write(&input, csv).unwrap();
        let output = dir.path().join("forecast.csv");
        run(args(input.clone(), output.clone(), Some("at"))).unwrap();
        let text = std::fs::read_to_string(&output).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "step,timestamp,point,lower_80,upper_80,lower_95,upper_95"
        );
        assert_eq!(lines.len(), 4);
        // The last point is slot 159 (hour 3 of the cycle); the forecast starts at slot 160.
        assert!(
            lines[1].starts_with("1,2026-01-07T16:00:00Z,"),
            "{}",
            lines[1]
        );
        let point: f64 = lines[3].split(',').nth(2).unwrap().parse().unwrap();
        assert!(
            (point - 0.0).abs() < 1.0,
            "the gap hour forecasts about 0, got {point}"
        );

        // The gap hour's lower bounds are below 0; with `--lower-bound 0` nothing is.
        let numbers = |text: &str| -> Vec<f64> {
            text.lines()
                .skip(1)
                .flat_map(|line| line.split(',').skip(2).map(|v| v.parse().unwrap()))
                .collect()
        };
        assert!(numbers(&text).iter().any(|v| *v < 0.0), "{text}");
        run(Args {
            lower_bound: Some(0.0),
            ..args(input.clone(), output.clone(), Some("at"))
        })
        .unwrap();
        let bounded = std::fs::read_to_string(&output).unwrap();
        assert!(numbers(&bounded).iter().all(|v| *v >= 0.0), "{bounded}");

        // Without a time column the rows are the series, and there are no timestamps.
        run(args(input, output.clone(), None)).unwrap();
        let text = std::fs::read_to_string(&output).unwrap();
        assert!(text.starts_with("step,point,lower_80,upper_80,lower_95,upper_95\n"));
    }

    /// Daily counts, 100 on weekdays and 20 at weekends, with a `working` column; the rows
    /// after the last count give the next week's flags, with a holiday on its Wednesday.
    fn calendar_csv(holiday_flag: &str, last_future_day: u32) -> String {
        let mut csv = String::from("day,calls,working\n");
        // 2026-01-05 is a Monday.
        for day in 0..(70 + last_future_day) {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
                + chrono::Days::new(u64::from(day));
            let weekday = day % 7 < 5;
            let noise = day % 3;
            let (calls, flag) = match (day >= 70, weekday) {
                (false, true) => (format!("{}", 100 + noise), "1".to_owned()),
                (false, false) => (format!("{}", 20 + noise), "0".to_owned()),
                (true, true) if day == 72 => (String::new(), holiday_flag.to_owned()),
                (true, w) => (String::new(), if w { "true" } else { "false" }.to_owned()),
            };
            csv.push_str(&format!("{date},{calls},{flag}\n"));
        }
        csv
    }

    #[test]
    fn a_calendar_column_forecasts_holidays_like_weekends() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("calls.csv");
        let output = dir.path().join("forecast.csv");
        let calendar_args = |time_column: Option<&str>| Args {
            value_column: "calls".into(),
            horizon: 7,
            periods: Some(vec![7]),
            calendar_column: Some("working".into()),
            calibration_windows: 4,
            ..args(input.clone(), output.clone(), time_column)
        };
        // The point forecast of the third step, the Wednesday.
        let wednesday = |path: &std::path::Path| -> f64 {
            let text = std::fs::read_to_string(path).unwrap();
            let mut lines = text.lines();
            let header = lines.next().unwrap();
            let point = header.split(',').position(|c| c == "point").unwrap();
            let row = lines.nth(2).unwrap();
            row.split(',').nth(point).unwrap().parse().unwrap()
        };
        for time_column in [None, Some("day")] {
            std::fs::write(&input, calendar_csv("1", 7)).unwrap();
            run(calendar_args(time_column)).unwrap();
            let usual = wednesday(&output);
            std::fs::write(&input, calendar_csv("0", 7)).unwrap();
            run(calendar_args(time_column)).unwrap();
            let holiday = wednesday(&output);
            assert!(
                (usual - 101.0).abs() < 5.0 && (holiday - 21.0).abs() < 5.0,
                "{time_column:?}: {usual} vs {holiday}"
            );
        }
        // Too few flags for the horizon, a bad flag, a value after the calendar rows.
        std::fs::write(&input, calendar_csv("0", 5)).unwrap();
        for time_column in [None, Some("day")] {
            let error = run(calendar_args(time_column)).unwrap_err().to_string();
            assert!(error.contains("calendar"), "{error}");
        }
        std::fs::write(&input, calendar_csv("maybe", 7)).unwrap();
        let error = run(calendar_args(None)).unwrap_err().to_string();
        assert!(
            error.contains("line 74") && error.contains("`maybe`"),
            "{error}"
        );
        let mut csv = calendar_csv("0", 7);
        csv.push_str("2026-03-23,100,1\n");
        std::fs::write(&input, csv).unwrap();
        let error = run(calendar_args(None)).unwrap_err().to_string();
        assert!(error.contains("a value after rows without one"), "{error}");
    }

    /// A turbulent last day widens the next step's 80% band unless `--no-volatility-scaling`.
    #[test]
    fn no_volatility_scaling_keeps_the_band_from_following_a_turbulent_day() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("hourly.csv");
        let output = dir.path().join("forecast.csv");
        let mut csv = String::from("calls\n");
        for h in 0..24 * 14 {
            let usual = 50.0 + 20.0 * (h as f64 / 24.0 * std::f64::consts::TAU).sin();
            let swing = match (h >= 24 * 13, h % 2) {
                (true, 0) => -15.0,
                (true, _) => 15.0,
                _ => ((h * 7919) % 11) as f64 * 0.2,
            };
            csv.push_str(&format!("{}\n", usual + swing));
        }
        std::fs::write(&input, csv).unwrap();
        let width = |no_volatility_scaling: bool| -> f64 {
            run(Args {
                horizon: 24,
                periods: Some(vec![24]),
                calibration_windows: 12,
                no_volatility_scaling,
                ..args(input.clone(), output.clone(), None)
            })
            .unwrap();
            let text = std::fs::read_to_string(&output).unwrap();
            let row: Vec<f64> = text
                .lines()
                .nth(1)
                .unwrap()
                .split(',')
                .map(|v| v.parse().unwrap())
                .collect();
            // step, point, lower_80, upper_80, …
            row[3] - row[2]
        };
        let (scaled, plain) = (width(false), width(true));
        assert!(scaled > 1.2 * plain, "{scaled} vs {plain}");
    }

    #[test]
    fn bad_input_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("bad.csv");
        std::fs::write(&input, "calls\n1\n2\nnan\n").unwrap();
        let output = dir.path().join("out.csv");
        let error = run(args(input.clone(), output.clone(), None)).unwrap_err();
        assert!(error.to_string().contains("line 4"), "{error}");
        std::fs::write(&input, "volume\n1\n").unwrap();
        let error = run(args(input, output, None)).unwrap_err();
        assert!(error.to_string().contains("no column `calls`"), "{error}");
    }

    #[test]
    fn steps_and_labels() {
        assert_eq!(parse_step("15m"), Ok(TimeDelta::minutes(15)));
        assert_eq!(parse_step("1d"), Ok(TimeDelta::days(1)));
        assert!(parse_step("0h").is_err());
        assert!(parse_step("5x").is_err());
        assert!(parse_step("h").is_err());
        assert_eq!(level_label(0.8), "80");
        assert_eq!(level_label(0.975), "97.5");
    }
}
