//! `aybiza schedule`: runs the scheduled insight runs that are due and writes one JSON file per
//! run and tenant; with `--follow`, keeps running them as they come due.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aybiza_analytics::insights::{InsightRun, InsightSchedule, InsightScheduler, SchedulerState};
use aybiza_analytics::{Error, Result, Store};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Arguments of `aybiza schedule`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite) to read.
    #[arg(long)]
    store: PathBuf,
    /// Directory the runs are written to, as `SCHEDULE/TENANT/DUE.json` (names with characters
    /// other than letters, digits, `-` and `_` percent-encoded); it also holds the
    /// scheduler's state (`schedule-state.json`) unless `--state` is given.
    #[arg(long)]
    output: PathBuf,
    /// Schedules as TOML (`[[schedule]]` tables) or JSON (`{"schedule": [...]}`), each with
    /// `name`, `cron`, and optionally `timezone`, `window` (`since_previous_run`, `previous_day`,
    /// `previous_week`), `tenants` and `options`. Default: daily at 06:00 UTC on the previous
    /// day and Mondays at 09:00 UTC on the previous week.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The scheduler's state file (default: OUTPUT/schedule-state.json).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Without a state file, run the due times after this instant (default: now, so the first
    /// invocation runs nothing and records where it starts).
    #[arg(long, value_parser = crate::time_args::parse_instant)]
    since: Option<DateTime<Utc>>,
    /// Run what is due up to this instant instead of now (for back-filling a stored history).
    #[arg(long, value_parser = crate::time_args::parse_instant, conflicts_with = "follow")]
    now: Option<DateTime<Utc>>,
    /// Missed due times run per schedule when catching up; older ones are skipped.
    #[arg(long, default_value_t = InsightScheduler::DEFAULT_MAX_CATCH_UP)]
    max_catch_up: usize,
    /// Keep running: sleep until the next due time, run it, and so on.
    #[arg(long)]
    follow: bool,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// The `--config` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    schedule: Vec<InsightSchedule>,
}

/// Runs what is due (and, with `--follow`, what comes due) and writes the runs.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let store = stores.existing(&args.store)?;
    let schedules = match &args.config {
        Some(path) => read_config(path)?,
        None => vec![InsightSchedule::daily(), InsightSchedule::weekly()],
    };
    let state_path = args
        .state
        .clone()
        .unwrap_or_else(|| args.output.join("schedule-state.json"));
    let state = match std::fs::read(&state_path) {
        Ok(bytes) => serde_json::from_slice::<SchedulerState>(&bytes).map_err(|e| {
            Error::InvalidArgument(format!("state file {}: {e}", state_path.display()))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => SchedulerState::default(),
        Err(e) => return Err(e.into()),
    };
    let start = args.since.unwrap_or_else(Utc::now);
    let mut scheduler =
        InsightScheduler::new(schedules, start, state)?.with_max_catch_up(args.max_catch_up);
    std::fs::create_dir_all(&args.output)?;

    let now = args.now.unwrap_or_else(Utc::now);
    run_and_write(&mut scheduler, &*store, now, &args.output, &state_path).await?;
    if !args.follow {
        println!("next run due at {}", scheduler.next_due()?);
        return Ok(ExitCode::SUCCESS);
    }
    loop {
        let next = scheduler.next_due()?;
        eprintln!("next run due at {next}");
        let wait = (next - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        let now = Utc::now();
        run_and_write(&mut scheduler, &*store, now, &args.output, &state_path).await?;
    }
}

/// The schedules of a TOML or JSON config file.
fn read_config(path: &Path) -> Result<Vec<InsightSchedule>> {
    let text = std::fs::read_to_string(path)?;
    let parsed = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Config>(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str::<Config>(&text).map_err(|e| e.to_string())
    };
    parsed
        .map(|config| config.schedule)
        .map_err(|e| Error::InvalidArgument(format!("config {}: {e}", path.display())))
}

/// Runs what is due at `now`, writes each run, then the state (so a crash re-runs at most the
/// runs whose files were written, never skips one).
async fn run_and_write(
    scheduler: &mut InsightScheduler,
    store: &dyn Store,
    now: DateTime<Utc>,
    output: &Path,
    state_path: &Path,
) -> Result<()> {
    let runs = scheduler.run_due(store, now).await?;
    for run in &runs {
        let path = write_run(output, run)?;
        match &run.error {
            Some(error) => eprintln!(
                "{} {} {}: failed: {error}",
                run.schedule, run.tenant, run.due_at
            ),
            None => println!(
                "{} {} {} ({} to {}): {} insights: {}",
                run.schedule,
                run.tenant,
                run.due_at.format("%Y-%m-%d %H:%M"),
                run.range.start.format("%Y-%m-%d %H:%M"),
                run.range.end.format("%Y-%m-%d %H:%M"),
                run.insights.len(),
                path.display()
            ),
        }
    }
    let temporary = state_path.with_extension("json.partial");
    std::fs::write(&temporary, serde_json::to_vec_pretty(scheduler.state())?)?;
    std::fs::rename(&temporary, state_path)?;
    Ok(())
}

/// Writes `run` to `OUTPUT/SCHEDULE/TENANT/DUE.json` (`DUE` as `2026-01-12T090000Z`).
fn write_run(output: &Path, run: &InsightRun) -> Result<PathBuf> {
    let directory = output
        .join(file_name(&run.schedule))
        .join(file_name(&run.tenant));
    std::fs::create_dir_all(&directory)?;
    let path = directory.join(format!("{}.json", run.due_at.format("%Y-%m-%dT%H%M%SZ")));
    std::fs::write(&path, serde_json::to_vec_pretty(run)?)?;
    Ok(path)
}

/// `name` as a file name: ASCII letters, digits, `-` and `_` as they are, every other byte as
/// `%XX`, so that different names never share a file.
fn file_name(name: &str) -> String {
    let mut safe = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
            safe.push(char::from(byte));
        } else {
            safe.push_str(&format!("%{byte:02X}"));
        }
    }
    safe
}
