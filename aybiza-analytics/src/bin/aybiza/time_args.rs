//! The `--from`/`--to` flags shared by subcommands that read a time range.

use aybiza_analytics::{Error, Result, TimeRange};
use chrono::{DateTime, NaiveDate, Utc};

/// A time range given on the command line; both ends optional.
#[derive(Debug, Clone, clap::Args)]
pub struct TimeArgs {
    /// Start of the period (inclusive): RFC 3339 (`2026-01-05T09:00:00Z`) or a UTC date (`2026-01-05`).
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

/// Parses RFC 3339 or a plain date (midnight UTC).
fn parse_instant(text: &str) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|date| {
            date.and_hms_opt(0, 0, 0)
                .expect("midnight exists")
                .and_utc()
        })
        .map_err(|_| format!("`{text}` is neither an RFC 3339 time nor a YYYY-MM-DD date"))
}
