//! [`InsightScheduler`]: insight runs on cron schedules, such as the design's daily run at 06:00
//! and weekly run on Mondays at 09:00.
//!
//! The scheduler is a clock-free state machine: the host asks it for [`InsightScheduler::next_due`]
//! and calls [`InsightScheduler::run_due`] at (or after) that time, from its own timer, job
//! runner or cron. Its [`SchedulerState`] (the last due time run per schedule) serializes, so a
//! restarted host resumes where it stopped, catching up the runs it missed and never running one
//! twice.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveTime, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use serde::{Deserialize, Serialize};

use super::{Insight, InsightGenerator, InsightOptions, StatisticalInsights};
use crate::model::TimeRange;
use crate::store::Store;
use crate::{Error, Result};

/// The period a scheduled run reports on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunWindow {
    /// From the schedule's previous due time to this one: consecutive runs cover time without
    /// gaps or overlaps (a daily run at 06:00 covers 06:00 yesterday to 06:00 today).
    #[default]
    SincePreviousRun,
    /// The last whole calendar day before the due time, midnight to midnight in the schedule's
    /// time zone.
    PreviousDay,
    /// The last whole week (Monday 00:00 to Monday 00:00) before the due time.
    PreviousWeek,
}

/// A named insight run on a cron schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsightSchedule {
    /// Unique name (`daily`, `weekly`, …); the state and the runs are keyed by it.
    pub name: String,
    /// Cron expression: five fields (minute, hour, day of month, month, day of week, with names
    /// such as `MON` and the `@daily`-style shorthands) or six with seconds first.
    pub cron: String,
    /// IANA time zone the expression and the calendar windows are read in.
    #[serde(default = "utc")]
    pub timezone: String,
    /// The period each run covers.
    #[serde(default)]
    pub window: RunWindow,
    /// Tenants to run for; empty for every tenant of the store at run time.
    #[serde(default)]
    pub tenants: Vec<String>,
    /// Options of the statistical insights.
    #[serde(default)]
    pub options: InsightOptions,
}

fn utc() -> String {
    "UTC".to_owned()
}

impl InsightSchedule {
    /// The design's daily run: every day at 06:00 UTC, on the previous calendar day.
    pub fn daily() -> Self {
        Self::new("daily", "0 6 * * *", RunWindow::PreviousDay)
    }

    /// The design's weekly run: Mondays at 09:00 UTC, on the previous Monday-to-Monday week.
    pub fn weekly() -> Self {
        Self::new("weekly", "0 9 * * MON", RunWindow::PreviousWeek)
    }

    /// A schedule for every tenant with default options, in UTC.
    pub fn new(name: &str, cron: &str, window: RunWindow) -> Self {
        Self {
            name: name.to_owned(),
            cron: cron.to_owned(),
            timezone: utc(),
            window,
            tenants: Vec::new(),
            options: InsightOptions::default(),
        }
    }
}

/// The scheduler's progress: the latest due time run (or skipped) per schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulerState {
    /// Latest due time handled, by schedule name.
    pub last_due: BTreeMap<String, DateTime<Utc>>,
}

/// The result of one scheduled run for one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightRun {
    /// The schedule's name.
    pub schedule: String,
    /// The tenant.
    pub tenant: String,
    /// The due time the run was for.
    pub due_at: DateTime<Utc>,
    /// The period reported on; compared with the period of equal length before it.
    pub range: TimeRange,
    /// The insights, highest impact first; empty when the run failed.
    pub insights: Vec<Insight>,
    /// Why the run failed, if it did (the other tenants' runs go on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A schedule, parsed.
#[derive(Debug, Clone)]
struct Compiled {
    schedule: InsightSchedule,
    cron: Cron,
    timezone: Tz,
}

/// Runs [`StatisticalInsights`] on cron schedules; see the module documentation.
///
/// ```
/// use aybiza_analytics::insights::{InsightSchedule, InsightScheduler};
/// # async fn run(store: &dyn aybiza_analytics::Store) -> aybiza_analytics::Result<()> {
/// let started = chrono::Utc::now();
/// let mut scheduler = InsightScheduler::new(
///     vec![InsightSchedule::daily(), InsightSchedule::weekly()],
///     started,
///     Default::default(),
/// )?;
/// // Later, at or after `scheduler.next_due()`:
/// for run in scheduler.run_due(store, chrono::Utc::now()).await? {
///     println!("{} {}: {} insights", run.schedule, run.tenant, run.insights.len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct InsightScheduler {
    schedules: Vec<Compiled>,
    state: SchedulerState,
    /// Most missed due times run per schedule when catching up; older ones are skipped.
    max_catch_up: usize,
}

impl InsightScheduler {
    /// Most missed due times a schedule catches up on after downtime, by default.
    pub const DEFAULT_MAX_CATCH_UP: usize = 7;

    /// A scheduler for `schedules`. A schedule found in `state` resumes after its last due
    /// time; a new one runs from the first due time after `start`.
    pub fn new(
        schedules: Vec<InsightSchedule>,
        start: DateTime<Utc>,
        state: SchedulerState,
    ) -> Result<Self> {
        if schedules.is_empty() {
            return Err(Error::InvalidArgument("no schedules given".into()));
        }
        let mut compiled: Vec<Compiled> = Vec::with_capacity(schedules.len());
        // Entries of schedules not configured now are kept, so that one taken out and put back
        // resumes where it stopped.
        let mut last_due = state.last_due;
        for schedule in schedules {
            if schedule.name.trim().is_empty() {
                return Err(Error::InvalidArgument("a schedule needs a name".into()));
            }
            if compiled.iter().any(|c| c.schedule.name == schedule.name) {
                return Err(Error::InvalidArgument(format!(
                    "two schedules are named {:?}",
                    schedule.name
                )));
            }
            schedule.options.validate()?;
            let cron = Cron::from_str(&schedule.cron).map_err(|e| {
                Error::InvalidArgument(format!(
                    "schedule {:?}: invalid cron expression {:?}: {e}",
                    schedule.name, schedule.cron
                ))
            })?;
            let timezone = schedule.timezone.parse::<Tz>().map_err(|_| {
                Error::InvalidArgument(format!(
                    "schedule {:?}: unknown time zone {:?}",
                    schedule.name, schedule.timezone
                ))
            })?;
            let resume = *last_due.entry(schedule.name.clone()).or_insert(start);
            let compiled_schedule = Compiled {
                schedule,
                cron,
                timezone,
            };
            // An expression that never matches (such as February 30) is refused now.
            compiled_schedule.next_after(resume)?;
            compiled.push(compiled_schedule);
        }
        Ok(Self {
            schedules: compiled,
            state: SchedulerState { last_due },
            max_catch_up: Self::DEFAULT_MAX_CATCH_UP,
        })
    }

    /// Catches up at most `runs` missed due times per schedule (at least 1).
    pub fn with_max_catch_up(mut self, runs: usize) -> Self {
        self.max_catch_up = runs.max(1);
        self
    }

    /// The progress to persist: pass it back to [`InsightScheduler::new`] to resume.
    pub fn state(&self) -> &SchedulerState {
        &self.state
    }

    /// The earliest time a schedule is due.
    pub fn next_due(&self) -> Result<DateTime<Utc>> {
        let mut earliest: Option<DateTime<Utc>> = None;
        for compiled in &self.schedules {
            let next = compiled.next_after(self.state.last_due[&compiled.schedule.name])?;
            earliest = Some(earliest.map_or(next, |e| e.min(next)));
        }
        earliest.ok_or_else(|| Error::InvalidArgument("no schedules given".into()))
    }

    /// Runs every schedule due at or before `now` for each of its tenants, oldest due time
    /// first, and advances the state past them. After downtime, only the latest
    /// `max_catch_up` due times of a schedule run; the older ones are skipped (and logged).
    ///
    /// A tenant's failed run is returned with its error and the others go on. Any other error
    /// (reading the store's tenants) returns it and leaves the state as it was, so that the
    /// next call runs the same due times again.
    pub async fn run_due(
        &mut self,
        store: &dyn Store,
        now: DateTime<Utc>,
    ) -> Result<Vec<InsightRun>> {
        let mut state = self.state.clone();
        let mut due: Vec<(DateTime<Utc>, usize)> = Vec::new();
        for (index, compiled) in self.schedules.iter().enumerate() {
            let name = &compiled.schedule.name;
            let (times, skipped) =
                compiled.due_between(state.last_due[name], now, self.max_catch_up)?;
            if let Some(skipped) = skipped {
                tracing::warn!(
                    schedule = %name,
                    "due times up to {skipped} were missed and are skipped (max_catch_up {})",
                    self.max_catch_up
                );
                state.last_due.insert(name.clone(), skipped);
            }
            due.extend(times.into_iter().map(|time| (time, index)));
        }
        due.sort();

        let mut runs = Vec::new();
        // The store's tenants, read once per call for the schedules that run for all of them.
        let mut store_tenants: Option<Vec<String>> = None;
        for (due_at, index) in due {
            let compiled = &self.schedules[index];
            let schedule = &compiled.schedule;
            let range = compiled.window(due_at)?;
            let tenants = if schedule.tenants.is_empty() {
                if store_tenants.is_none() {
                    store_tenants = Some(store.tenant_ids().await?);
                }
                store_tenants.clone().unwrap_or_default()
            } else {
                schedule.tenants.clone()
            };
            let generator = StatisticalInsights {
                options: schedule.options.clone(),
            };
            for tenant in tenants {
                let (insights, error) = match generator.generate(store, &tenant, range).await {
                    Ok(insights) => (insights, None),
                    Err(e) => (Vec::new(), Some(e.to_string())),
                };
                runs.push(InsightRun {
                    schedule: schedule.name.clone(),
                    tenant,
                    due_at,
                    range,
                    insights,
                    error,
                });
            }
            state.last_due.insert(schedule.name.clone(), due_at);
        }
        self.state = state;
        Ok(runs)
    }
}

/// Due times to run, oldest first, and the latest of those skipped, if any.
type DueTimes = (Vec<DateTime<Utc>>, Option<DateTime<Utc>>);

impl Compiled {
    /// The first due time strictly after `after`.
    fn next_after(&self, after: DateTime<Utc>) -> Result<DateTime<Utc>> {
        // Due times are whole seconds; the cron library keeps a start's fraction of a second.
        let whole_second = after.with_nanosecond(0).unwrap_or(after);
        self.cron
            .find_next_occurrence(&whole_second.with_timezone(&self.timezone), false)
            .map(|next| next.with_timezone(&Utc))
            .map_err(|e| {
                Error::InvalidArgument(format!(
                    "schedule {:?}: no due time after {after}: {e}",
                    self.schedule.name
                ))
            })
    }

    /// The due times in `(last, now]`, oldest first: at most `max`, the latest ones. When older
    /// ones are left out, the second value is the latest of them.
    fn due_between(&self, last: DateTime<Utc>, now: DateTime<Utc>, max: usize) -> Result<DueTimes> {
        // Walk back from `now`, so that a long downtime costs no more than `max` steps.
        let mut times = Vec::new();
        let mut cursor = now
            .checked_add_signed(TimeDelta::nanoseconds(1))
            .unwrap_or(now);
        while let Some(previous) = self.previous_before(cursor)? {
            if previous <= last {
                break;
            }
            if times.len() == max {
                times.reverse();
                return Ok((times, Some(previous)));
            }
            times.push(previous);
            cursor = previous;
        }
        times.reverse();
        Ok((times, None))
    }

    /// The latest due time strictly before `t`, if any in the eight years before it.
    ///
    /// Found by walking forward from ever earlier starts, because the cron library's backward
    /// search misses due times moved by a daylight-saving gap (02:30 on the night clocks
    /// spring forward is due at 03:00, and searching back from there finds 01:59:59).
    fn previous_before(&self, t: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let limit = TimeDelta::days(8 * 366);
        let mut lookback = TimeDelta::minutes(1);
        loop {
            let Some(mut cursor) = t.checked_sub_signed(lookback) else {
                return Ok(None);
            };
            let mut latest = None;
            loop {
                let next = self.next_after(cursor)?;
                if next >= t {
                    break;
                }
                latest = Some(next);
                cursor = next;
            }
            if latest.is_some() || lookback >= limit {
                return Ok(latest);
            }
            lookback = (lookback * 2).min(limit);
        }
    }

    /// The period the run due at `due` covers.
    fn window(&self, due: DateTime<Utc>) -> Result<TimeRange> {
        let local = due.with_timezone(&self.timezone);
        let days_back = match self.schedule.window {
            RunWindow::SincePreviousRun => {
                let previous = self.previous_before(due)?.ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "schedule {:?}: no due time before {due}",
                        self.schedule.name
                    ))
                })?;
                return TimeRange::new(previous, due);
            }
            RunWindow::PreviousDay => 1,
            RunWindow::PreviousWeek => 7,
        };
        // The window ends at the midnight starting the due day (the Monday starting its week).
        let mut end_date = local.date_naive();
        if self.schedule.window == RunWindow::PreviousWeek {
            end_date -= TimeDelta::days(i64::from(end_date.weekday().num_days_from_monday()));
        }
        let start_date = end_date - TimeDelta::days(days_back);
        TimeRange::new(self.midnight(start_date), self.midnight(end_date))
    }

    /// The first instant of `date` in the schedule's time zone (after a gap, if midnight falls
    /// in one).
    fn midnight(&self, date: chrono::NaiveDate) -> DateTime<Utc> {
        let mut local = date.and_time(NaiveTime::MIN);
        loop {
            if let Some(instant) = self.timezone.from_local_datetime(&local).earliest() {
                return instant.with_timezone(&Utc);
            }
            local += TimeDelta::minutes(15);
        }
    }
}

#[cfg(test)]
mod tests;
