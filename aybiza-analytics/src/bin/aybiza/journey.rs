//! `aybiza journey-map` and `aybiza attribution`: journeys from CSV files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::journey::attribution::{
    AttributionOptions, PathColumns, PathData, attribute,
};
use aybiza_analytics::journey::map::{EventLog, LogColumns, journey_map};
use aybiza_analytics::journey::segment::{SegmentOptions, SegmentedLog, compare_segments};

use crate::input;

/// Arguments of `aybiza journey-map`.
#[derive(Debug, clap::Args)]
pub struct MapArgs {
    /// Event log CSV (`.gz` accepted), one row per event, rows in any order.
    #[arg(long)]
    input: PathBuf,
    /// Column with the case (journey) id.
    #[arg(long, default_value = "case_id")]
    case_column: String,
    /// Column with the activity.
    #[arg(long, default_value = "activity")]
    activity_column: String,
    /// Column with the timestamp (RFC 3339 or `YYYY-MM-DD HH:MM:SS`, UTC).
    #[arg(long, default_value = "timestamp")]
    timestamp_column: String,
    /// Where to write the map as JSON; standard output by default.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Compare segments instead: each case belongs to the value of this column on its
    /// earliest event; writes the metrics of every segment side by side.
    #[arg(long)]
    segment_column: Option<String>,
    /// With --segment-column: an activity that makes a case converted (repeatable).
    #[arg(long, default_values_t = SegmentOptions::default().conversion_activities)]
    conversion_activity: Vec<String>,
    /// With --segment-column: funnel stages, comma-separated, in order.
    #[arg(long, value_delimiter = ',')]
    funnel: Vec<String>,
    /// With --segment-column: variants listed per segment.
    #[arg(long, default_value_t = SegmentOptions::default().top_variants)]
    top_variants: usize,
}

/// Reads the log, computes variants, the directly-follows graph and endpoints, writes JSON.
pub fn map(args: MapArgs) -> Result<ExitCode> {
    let columns = LogColumns {
        case: args.case_column,
        activity: args.activity_column,
        timestamp: args.timestamp_column,
    };
    if let Some(segment_column) = &args.segment_column {
        let log = SegmentedLog::read_csv(input::open(&args.input)?, &columns, segment_column)?;
        let options = SegmentOptions {
            conversion_activities: args.conversion_activity,
            funnel: args.funnel,
            top_variants: args.top_variants,
        };
        let comparison = compare_segments(&log, &options)?;
        let json = serde_json::to_string_pretty(&comparison)?;
        match &args.output {
            Some(path) => {
                std::fs::write(path, json)?;
                eprintln!(
                    "{} cases in {} segments: {}",
                    comparison.cases,
                    comparison.segments.len(),
                    path.display()
                );
            }
            None => println!("{json}"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let log = EventLog::read_csv(input::open(&args.input)?, &columns)?;
    let map = journey_map(&log);
    match &args.output {
        Some(path) => {
            let mut out = BufWriter::new(File::create(path)?);
            serde_json::to_writer_pretty(&mut out, &map)?;
            out.flush()?;
            eprintln!(
                "{} cases, {} events, {} variants, {} edges: {}",
                map.cases,
                map.events,
                map.variants.len(),
                map.edges.len(),
                path.display()
            );
        }
        None => println!("{}", serde_json::to_string_pretty(&map)?),
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `aybiza attribution`.
#[derive(Debug, clap::Args)]
pub struct AttributionArgs {
    /// Aggregated paths CSV (`.gz` accepted).
    #[arg(long)]
    input: PathBuf,
    /// Column with the path.
    #[arg(long, default_value = "path")]
    path_column: String,
    /// Separator between the channels of a path.
    #[arg(long, default_value = " > ")]
    separator: String,
    /// Column with the number of converting journeys.
    #[arg(long, default_value = "total_conversions")]
    conversions_column: String,
    /// Column with the number of non-converting journeys (all convert when absent).
    #[arg(long)]
    nulls_column: Option<String>,
    /// Column with the conversion value.
    #[arg(long)]
    value_column: Option<String>,
    /// Order of the Markov model, 1 to 3.
    #[arg(long, default_value_t = 1)]
    order: usize,
    /// Half-life of the time-decay model, in touches.
    #[arg(long, default_value_t = AttributionOptions::default().time_decay_half_life)]
    half_life: f64,
    /// Where to write the CSV (one row per channel); standard output by default.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Runs every attribution model and writes one row per channel, a column per model.
pub fn attribution(args: AttributionArgs) -> Result<ExitCode> {
    let columns = PathColumns {
        path: args.path_column,
        separator: args.separator,
        conversions: args.conversions_column,
        value: args.value_column,
        nulls: args.nulls_column,
    };
    let data = PathData::read_csv(input::open(&args.input)?, &columns)?;
    let options = AttributionOptions {
        time_decay_half_life: args.half_life,
        markov_order: args.order,
    };
    let report = attribute(&data, &options)?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(out);
    let mut header = vec!["channel".to_owned()];
    for model in &report.models {
        header.push(format!("{}_conversions", model.model));
        header.push(format!("{}_value", model.model));
    }
    header.push("markov_removal_effect".into());
    header.push("markov_value_removal_effect".into());
    writeln!(out, "{}", header.join(","))?;
    for (i, channel) in report.channels.iter().enumerate() {
        write!(out, "{}", csv_field(channel))?;
        for model in &report.models {
            write!(out, ",{},{}", model.conversions[i], model.value[i])?;
        }
        writeln!(
            out,
            ",{},{}",
            report.removal_effects[i], report.value_removal_effects[i]
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Quotes a CSV field when it needs it.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
