//! `aybiza forecast`: forecast a series from a CSV file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use aybiza_analytics::forecast::json::parse_step;
use aybiza_analytics::forecast::{
    Aggregation, AutoForecaster, ForecastOptions, Forecaster, GapFill, RegularSeries,
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
    /// Print the fitting and forecasting time (without reading and writing files) on stderr.
    #[arg(long)]
    timing: bool,
    /// Where to write the CSV (one row per step); standard output by default.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// The series read from the file, with its grid when timestamped.
struct Input {
    values: Vec<f64>,
    grid: Option<RegularSeries>,
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
    let mut values = Vec::new();
    let mut times = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| Error::InvalidArgument(format!("line {line}: {e}")))?;
        let text = record.get(value_index).unwrap_or("").trim();
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
            let text = record.get(index).unwrap_or("");
            let micros = parse_timestamp_micros(text)
                .and_then(DateTime::<Utc>::from_timestamp_micros)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!("line {line}: `{text}` is not a timestamp"))
                })?;
            times.push(micros);
        }
    }
    if time_index.is_none() {
        return Ok(Input { values, grid: None });
    }
    let aggregation = match args.aggregate.as_str() {
        "mean" => Aggregation::Mean,
        _ => Aggregation::Sum,
    };
    let fill = match args.fill.as_str() {
        "linear" => GapFill::Linear,
        _ => GapFill::Zero,
    };
    let points: Vec<_> = times.into_iter().zip(values).collect();
    let grid = RegularSeries::from_points(&points, args.step, aggregation, fill)?;
    Ok(Input {
        values: grid.values.clone(),
        grid: Some(grid),
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
    let input = read_input(&args)?;
    let forecaster = AutoForecaster::new(ForecastOptions {
        periods: args.periods.clone(),
        calibration_windows: args.calibration_windows,
        max_cycles: args.max_cycles,
        naive_member: true,
        robust: false,
    })?;
    let started = Instant::now();
    let forecast = forecaster.forecast(&input.values, args.horizon, &levels)?;
    let elapsed = started.elapsed();

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
            periods: Some(vec![4]),
            levels: vec![80.0, 0.95],
            step: None,
            aggregate: "sum".into(),
            fill: "zero".into(),
            calibration_windows: 2,
            max_cycles: 20,
            timing: false,
            output: Some(output),
        }
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

        // Without a time column the rows are the series, and there are no timestamps.
        run(args(input, output.clone(), None)).unwrap();
        let text = std::fs::read_to_string(&output).unwrap();
        assert!(text.starts_with("step,point,lower_80,upper_80,lower_95,upper_95\n"));
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
