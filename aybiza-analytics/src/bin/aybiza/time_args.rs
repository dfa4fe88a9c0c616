//! The `--from`/`--to` flags shared by subcommands that read a time range.

use aybiza_analytics::{Error, Result, TimeRange};
use chrono::{DateTime, Utc};

/// A time range given on the command line; both ends optional.
#[derive(Debug, Clone, clap::Args)]
pub struct TimeArgs {
    /// Start of the period (inclusive): ISO 8601 (`2026-01-05T09:00:00Z`; UTC without an offset) or a UTC date (`2026-01-05`).
    #[arg(long, value_parser = parse_instant)]
    from: Option<DateTime<Utc>>,
    /// End of the period (exclusive), in the same formats as `--from`.
    #[arg(long, value_parser = parse_instant)]
    to: Option<DateTime<Utc>>,
}

impl TimeArgs {
    /// The range these flags describe; open ends are unbounded.
    pub fn range(&self) -> Result<TimeRange> {
        let all = TimeRange::all();
        TimeRange::new(self.from.unwrap_or(all.start), self.to.unwrap_or(all.end))
            .map_err(|_| Error::InvalidArgument("--to is before --from".into()))
    }
}

/// Parses a bound as [`aybiza_analytics::model::parse_instant`] does.
pub fn parse_instant(text: &str) -> std::result::Result<DateTime<Utc>, String> {
    aybiza_analytics::model::parse_instant(text).ok_or_else(|| {
        format!("`{text}` is not an ISO-8601 date or date-time (e.g. 2026-01-05T09:00:00Z)")
    })
}
