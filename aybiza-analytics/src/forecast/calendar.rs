//! Known-future calendars: which steps fall on working and on non-working days.
//!
//! A contact centre knows its public holidays months ahead, and a holiday on a Thursday looks
//! like a Sunday, not like a Thursday. A calendar gives one flag per step of the history and
//! of the horizon (`true`: a working day). The seasonal periods give the *calendar cycle* (the
//! week: the shortest period that is a multiple of another and holds it at most
//! [`MAX_DAYS_PER_CYCLE`] times, e.g. 336 half-hours of 48, or the
//! shortest period, e.g. 7 days) and the *day* within it (the longest period dividing the
//! cycle, 48; or one step). Then:
//!
//! 1. each position of the cycle has a *usual* day type, the majority flag at that position
//!    over the last [`PROFILE_CYCLES`] cycles of the history; a step whose flag differs from
//!    its position's usual type is *special* (a public holiday on a weekday, a working
//!    Saturday);
//! 2. a special step's effect is additive: the mean of the usual days of its type at the same
//!    time of day, less the mean of its own position, both over the last [`PROFILE_CYCLES`]
//!    cycles without special steps (the holiday is forecast as the average weekend day);
//! 3. when the cycle has no usual day of that type (a weekdays-only series), the effect is
//!    learned from the special days of that type in the history: their mean difference from
//!    the same position in the nearest cycles before and after;
//! 4. the models are fitted to the history with special steps' effects removed, and the
//!    effects of the horizon's special steps are added to the forecast.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use super::models::PointAndSpread;
use super::{ForecastError, RegularSeries};

/// Cycles of history over which usual day types and profiles are taken: recent enough to
/// follow the level, long enough that one holiday among them changes no position's usual type.
pub const PROFILE_CYCLES: usize = 8;

/// Most days in a calendar cycle: a period holding a shorter one more often (7 days in 364)
/// is not a week of days, so the shorter one is then the cycle.
pub const MAX_DAYS_PER_CYCLE: usize = 7;

/// Cycles either side searched for the reference of a past special step (point 3 above).
const REFERENCE_CYCLES: usize = 4;

/// The cycle over which usual day types repeat, and the steps per day within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CalendarCycle {
    /// Steps per cycle: 336 half-hours, 7 days, 845 five-minute business intervals.
    pub cycle: usize,
    /// Steps per day within the cycle: 48, 1, 169.
    pub day: usize,
}

impl CalendarCycle {
    /// The cycle of these seasonal periods (ascending): the shortest that holds a shorter one
    /// [`MAX_DAYS_PER_CYCLE`] times or fewer (a week of days), else the shortest; its day is
    /// the longest such shorter period, else one step. `None` without periods.
    pub(crate) fn from_periods(periods: &[usize]) -> Option<Self> {
        let divides = |q: usize, p: usize| q < p && p % q == 0 && p / q <= MAX_DAYS_PER_CYCLE;
        let cycle = periods
            .iter()
            .copied()
            .find(|&p| periods.iter().any(|&q| divides(q, p)))
            .or_else(|| periods.first().copied())?;
        let day = periods
            .iter()
            .copied()
            .filter(|&q| divides(q, cycle))
            .max()
            .unwrap_or(1);
        Some(Self { cycle, day })
    }
}

/// The additive effect of the calendar on every step of the history and the horizon (zero on
/// usual steps), estimated from the history.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpecialDays {
    /// Effect per step of the history and the horizon.
    effects: Vec<f64>,
    /// Special steps in the history.
    in_history: usize,
    /// Special steps after the history.
    ahead: usize,
}

/// Mean of the values, `None` when there are none.
fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / count as f64)
}

impl SpecialDays {
    /// Estimates the effects; `working` has one flag per history step and per forecast step.
    /// Fails when a special step's day type has no usual day in the cycle and no earlier
    /// example in the history to learn from.
    pub(crate) fn estimate(
        history: &[f64],
        working: &[bool],
        cycle: CalendarCycle,
    ) -> Result<Self, ForecastError> {
        let CalendarCycle { cycle, day } = cycle;
        let n = history.len();
        let recent = n.saturating_sub(PROFILE_CYCLES * cycle)..n;
        // The usual type per position: the majority over the recent cycles (ties: working).
        let mut votes = vec![0i64; cycle];
        for t in recent.clone() {
            votes[t % cycle] += if working[t] { 1 } else { -1 };
        }
        let usual: Vec<bool> = votes.iter().map(|v| *v >= 0).collect();
        let is_special = |t: usize| working[t] != usual[t % cycle];
        let in_history = (0..n).filter(|&t| is_special(t)).count();
        let ahead = (n..working.len()).filter(|&t| is_special(t)).count();
        if in_history + ahead == 0 {
            return Ok(Self {
                effects: vec![0.0; working.len()],
                in_history,
                ahead,
            });
        }
        // Mean per position over the recent usual steps (all of history for a position whose
        // recent steps were all special).
        let position_mean = |range: std::ops::Range<usize>, j: usize| {
            mean(
                range
                    .skip_while(move |t| t % cycle != j)
                    .step_by(cycle)
                    .filter(|&t| !is_special(t))
                    .map(|t| history[t]),
            )
        };
        let positions: Vec<Option<f64>> = (0..cycle)
            .map(|j| position_mean(recent.clone(), j).or_else(|| position_mean(0..n, j)))
            .collect();
        // Per day type and time of day: the mean of the usual positions of that type.
        let profile = |kind: bool, offset: usize| {
            mean(
                (offset..cycle)
                    .step_by(day)
                    .filter(|&j| usual[j] == kind)
                    .filter_map(|j| positions[j]),
            )
        };
        let mut effect_of = std::collections::HashMap::new();
        let mut effects = vec![0.0; working.len()];
        for (t, effect) in effects.iter_mut().enumerate() {
            if !is_special(t) {
                continue;
            }
            let (kind, j) = (working[t], t % cycle);
            let key = (kind, j);
            if let Some(&value) = effect_of.get(&key) {
                *effect = value;
                continue;
            }
            let substitute = match (profile(kind, j % day), positions[j]) {
                (Some(like), Some(own)) => Some(like - own),
                _ => None,
            };
            let value = match substitute {
                Some(value) => value,
                None => learned_effect(history, working, &usual, cycle, day, kind, j % day)
                    .ok_or_else(|| {
                        let kind = if kind { "working" } else { "non-working" };
                        ForecastError::Calendar(format!(
                            "step {t} is a {kind} day where the history's cycle of {cycle} steps \
                             has none, and the history has no earlier {kind} day there to learn \
                             its effect from"
                        ))
                    })?,
            };
            effect_of.insert(key, value);
            *effect = value;
        }
        Ok(Self {
            effects,
            in_history,
            ahead,
        })
    }

    /// The history with the special steps' effects removed (borrowed when there are none).
    pub(crate) fn clean<'a>(&self, history: &'a [f64]) -> Cow<'a, [f64]> {
        if self.effects[..history.len()].iter().all(|e| *e == 0.0) {
            return Cow::Borrowed(history);
        }
        Cow::Owned(
            history
                .iter()
                .zip(&self.effects)
                .map(|(y, e)| y - e)
                .collect(),
        )
    }

    /// Adds the effects of the steps from `start` (the history's length) on to a forecast
    /// starting there, and says so in its model description.
    pub(crate) fn add_to(&self, forecast: &mut PointAndSpread, start: usize) {
        self.shift(&mut forecast.point, start);
        forecast.model = self.describe(&forecast.model);
    }

    /// [`Self::add_to`] for a forecast with intervals (Prophet's): points and bounds move
    /// together.
    #[cfg(feature = "prophet")]
    pub(crate) fn add_to_forecast(&self, forecast: &mut super::Forecast, start: usize) {
        self.shift(&mut forecast.point, start);
        for interval in &mut forecast.intervals {
            self.shift(&mut interval.lower, start);
            self.shift(&mut interval.upper, start);
        }
        forecast.model = self.describe(&forecast.model);
    }

    /// Adds the effects of the steps from `start` on to `values`.
    fn shift(&self, values: &mut [f64], start: usize) {
        for (value, effect) in values.iter_mut().zip(&self.effects[start..]) {
            *value += effect;
        }
    }

    /// `model` with the calendar named.
    fn describe(&self, model: &str) -> String {
        format!(
            "{model} with a calendar ({} special steps in the history, {} ahead)",
            self.in_history, self.ahead
        )
    }
}

/// A calendar (one flag per step of the history and of the steps after it) with its cycle.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DayTypes<'a> {
    /// `true` on working days.
    pub working: &'a [bool],
    /// The cycle of usual day types.
    pub cycle: CalendarCycle,
}

impl<'a> DayTypes<'a> {
    /// The calendar of a forecast of `steps` steps in all (history and horizon) with these
    /// seasonal periods (ascending). Fails unless there is one flag per step and a period to
    /// place a day in its week.
    pub(crate) fn new(
        working: &'a [bool],
        steps: usize,
        periods: &[usize],
    ) -> Result<Self, ForecastError> {
        if working.len() != steps {
            return Err(ForecastError::CalendarLength {
                len: working.len(),
                expected: steps,
            });
        }
        let cycle = CalendarCycle::from_periods(periods).ok_or_else(|| {
            ForecastError::Calendar(
                "no seasonal period was given or detected, so no day is unusual for its place \
                 in the week"
                    .into(),
            )
        })?;
        Ok(Self { working, cycle })
    }
}

/// Runs `predict` on `history` with the calendar's special steps' effects removed, and adds
/// the effects of the `horizon` steps after the history to every forecast it returns; without
/// a calendar, runs `predict` on `history` as it is.
pub(crate) fn on_calendar<T>(
    history: &[f64],
    calendar: Option<DayTypes<'_>>,
    horizon: usize,
    predict: impl FnOnce(&[f64]) -> Result<(Vec<PointAndSpread>, T), ForecastError>,
) -> Result<(Vec<PointAndSpread>, T), ForecastError> {
    let Some(DayTypes { working, cycle }) = calendar else {
        return predict(history);
    };
    let special = SpecialDays::estimate(history, &working[..history.len() + horizon], cycle)?;
    let (mut forecasts, extra) = predict(&special.clean(history))?;
    for forecast in &mut forecasts {
        special.add_to(forecast, history.len());
    }
    Ok((forecasts, extra))
}

/// Working-day flags for the slots of `grid` and the `horizon` slots after it, from flags of
/// timestamped rows: a slot takes the flag of the rows in it (which must agree), a slot without
/// rows the flag of the slot before it. Rows before the grid or past the horizon are ignored.
///
/// Fails when rows of one slot disagree, when the rows stop before the last forecast slot, or
/// when `horizon` is over [`super::MAX_HORIZON`].
pub fn working_days_on_grid(
    grid: &RegularSeries,
    rows: &[(DateTime<Utc>, bool)],
    horizon: usize,
) -> Result<Vec<bool>, ForecastError> {
    let slots = grid
        .values
        .len()
        .checked_add(horizon)
        .filter(|_| horizon <= super::MAX_HORIZON)
        .ok_or(ForecastError::Horizon {
            horizon,
            max: super::MAX_HORIZON,
        })?;
    let step = grid
        .step
        .num_microseconds()
        .filter(|s| *s > 0)
        .ok_or_else(|| {
            ForecastError::Calendar(format!("the grid step {} is not positive", grid.step))
        })?;
    let mut flags: Vec<Option<bool>> = vec![None; slots];
    for &(at, working) in rows {
        let Some(offset) = (at - grid.start).num_microseconds().filter(|o| *o >= 0) else {
            continue;
        };
        let Some(flag) = usize::try_from(offset / step)
            .ok()
            .and_then(|slot| flags.get_mut(slot))
        else {
            continue;
        };
        match flag {
            Some(earlier) if *earlier != working => {
                return Err(ForecastError::Calendar(format!(
                    "rows of the slot holding {at} disagree on whether it is a working day"
                )));
            }
            _ => *flag = Some(working),
        }
    }
    let last = flags.iter().rposition(Option::is_some);
    if last != Some(slots - 1) {
        let reached = last.map_or(0, |l| (l + 1).saturating_sub(grid.values.len()));
        return Err(ForecastError::Calendar(format!(
            "the calendar covers {reached} of the {horizon} forecast steps; give the steps after \
             the history their working-day flags up to the last one"
        )));
    }
    let mut previous = flags.iter().flatten().next().copied().unwrap_or(true);
    Ok(flags
        .into_iter()
        .map(|flag| {
            previous = flag.unwrap_or(previous);
            previous
        })
        .collect())
}

/// The mean effect of the history's special steps of type `kind` at time of day `offset`:
/// each one's difference from the mean of the usual steps at its position in the nearest
/// [`REFERENCE_CYCLES`] cycles before and after it.
fn learned_effect(
    history: &[f64],
    working: &[bool],
    usual: &[bool],
    cycle: usize,
    day: usize,
    kind: bool,
    offset: usize,
) -> Option<f64> {
    let n = history.len();
    let is_usual = |t: usize| working[t] == usual[t % cycle];
    mean((offset..n).step_by(day).filter_map(|t| {
        if is_usual(t) || working[t] != kind {
            return None;
        }
        let before = (1..=REFERENCE_CYCLES)
            .filter_map(|k| t.checked_sub(k * cycle))
            .filter(|&s| is_usual(s));
        let after = (1..=REFERENCE_CYCLES)
            .map(|k| t + k * cycle)
            .filter(|&s| s < n && is_usual(s));
        let reference = mean(before.chain(after).map(|s| history[s]))?;
        Some(history[t] - reference)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_of_rows_go_on_the_grid() {
        use chrono::{TimeDelta, TimeZone};
        let at =
            |hour: i64| Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + TimeDelta::hours(hour);
        let grid = RegularSeries {
            start: at(0),
            step: TimeDelta::hours(1),
            values: vec![1.0; 4],
        };
        // Hour 2 has no row (it takes hour 1's flag); hours 4 and 5 are forecast steps.
        let rows = [
            (at(0), true),
            (at(1), false),
            (at(1) + TimeDelta::minutes(30), false),
            (at(3), true),
            (at(5), false),
            (at(-1), true),
            (at(9), true),
        ];
        assert_eq!(
            working_days_on_grid(&grid, &rows, 2).unwrap(),
            vec![true, false, false, true, true, false]
        );
        let short = working_days_on_grid(&grid, &rows[..4], 2).unwrap_err();
        assert!(
            short
                .to_string()
                .contains("covers 0 of the 2 forecast steps"),
            "{short}"
        );
        let conflict = [(at(0), true), (at(0) + TimeDelta::minutes(5), false)];
        assert!(matches!(
            working_days_on_grid(&grid, &conflict, 0),
            Err(ForecastError::Calendar(_))
        ));
    }

    #[test]
    fn cycles_and_days_come_from_the_periods() {
        let cycle = |periods: &[usize]| CalendarCycle::from_periods(periods);
        assert_eq!(
            cycle(&[48, 336]),
            Some(CalendarCycle {
                cycle: 336,
                day: 48
            })
        );
        assert_eq!(cycle(&[7, 365]), Some(CalendarCycle { cycle: 7, day: 1 }));
        assert_eq!(cycle(&[7]), Some(CalendarCycle { cycle: 7, day: 1 }));
        assert_eq!(cycle(&[7, 364]), Some(CalendarCycle { cycle: 7, day: 1 }));
        assert_eq!(
            cycle(&[169, 845]),
            Some(CalendarCycle {
                cycle: 845,
                day: 169
            })
        );
        assert_eq!(
            cycle(&[24, 168, 8766]),
            Some(CalendarCycle {
                cycle: 168,
                day: 24
            })
        );
        assert_eq!(cycle(&[]), None);
    }

    /// Daily values: weekdays 10 + position, weekends 2; day 0 is a Monday.
    fn week_of_days(days: usize) -> (Vec<f64>, Vec<bool>) {
        let working: Vec<bool> = (0..days).map(|t| t % 7 < 5).collect();
        let values = working
            .iter()
            .enumerate()
            .map(|(t, &w)| if w { 10.0 + (t % 7) as f64 } else { 2.0 })
            .collect();
        (values, working)
    }

    #[test]
    fn a_holiday_is_forecast_as_the_usual_non_working_day() {
        let cycle = CalendarCycle { cycle: 7, day: 1 };
        let (mut history, mut working) = week_of_days(70);
        // A past holiday on a Wednesday (position 2) and one in the horizon on a Thursday.
        history[51] = 2.0;
        working[51] = false;
        working.extend((70..77).map(|t| t % 7 < 5 && t != 73));
        let special = SpecialDays::estimate(&history, &working, cycle).unwrap();
        assert_eq!((special.in_history, special.ahead), (1, 1));
        let cleaned = special.clean(&history);
        assert_eq!(cleaned[51], 12.0, "the past holiday looks like a Wednesday");
        assert_eq!(cleaned[50], history[50]);
        let mut forecast = PointAndSpread {
            point: (70..77).map(|t| cleaned[t - 7]).collect(),
            sd: vec![1.0; 7],
            model: "naive".into(),
        };
        special.add_to(&mut forecast, 70);
        assert_eq!(
            forecast.point[3], 2.0,
            "the Thursday holiday looks like a weekend day"
        );
        assert_eq!(forecast.point[2], 12.0);
        assert_eq!(
            forecast.model,
            "naive with a calendar (1 special steps in the history, 1 ahead)"
        );
    }

    #[test]
    fn without_usual_days_of_a_type_the_effect_is_learned_or_refused() {
        // A weekdays-only series (cycle of 5 days), every day working but one past holiday.
        let cycle = CalendarCycle { cycle: 5, day: 1 };
        let mut history: Vec<f64> = (0..50).map(|t| 10.0 + (t % 5) as f64).collect();
        let mut working = vec![true; 50];
        history[32] = 1.0;
        working[32] = false;
        let mut future = working.clone();
        future.extend([true, false, true]);
        let special = SpecialDays::estimate(&history, &future, cycle).unwrap();
        // The past holiday was 11 below its neighbours (12 at position 2); the future one at
        // position 1 gets the same learned effect.
        assert_eq!(special.effects[51], -11.0);
        let mut no_example = vec![true; 50];
        no_example.extend([true, false, true]);
        let clean_history: Vec<f64> = (0..50).map(|t| 10.0 + (t % 5) as f64).collect();
        assert!(matches!(
            SpecialDays::estimate(&clean_history, &no_example, cycle),
            Err(ForecastError::Calendar(_))
        ));
    }

    #[test]
    fn a_usual_calendar_changes_nothing() {
        let (history, mut working) = week_of_days(28);
        working.extend((28..35).map(|t| t % 7 < 5));
        let special =
            SpecialDays::estimate(&history, &working, CalendarCycle { cycle: 7, day: 1 }).unwrap();
        assert_eq!((special.in_history, special.ahead), (0, 0));
        assert!(matches!(special.clean(&history), Cow::Borrowed(_)));
    }
}
