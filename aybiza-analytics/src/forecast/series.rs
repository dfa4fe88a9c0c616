//! Timestamped data on a regular grid.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::ForecastError;

/// Most slots a resampled series may have.
pub const MAX_SLOTS: usize = 10_000_000;

/// How several points falling in one slot are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Their sum: for counts (calls per interval).
    Sum,
    /// Their mean: for levels (latency, demand).
    Mean,
}

/// What an empty slot (no point in it) becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapFill {
    /// Zero: for counts, where no record means nothing happened (nights, closed hours).
    Zero,
    /// Linear interpolation between the nearest filled slots on either side: for levels,
    /// where a gap is a missing measurement.
    Linear,
}

/// Values at a regular step from a start time: slot `i` covers `[start + i·step, start + (i+1)·step)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegularSeries {
    /// Start of the first slot.
    pub start: DateTime<Utc>,
    /// Length of every slot.
    pub step: TimeDelta,
    /// One value per slot.
    pub values: Vec<f64>,
}

impl RegularSeries {
    /// Puts timestamped points on a grid starting at the earliest point. `step` defaults to the
    /// most common gap between consecutive distinct timestamps. Points sharing a slot are
    /// combined by `aggregation`; empty slots are filled by `fill`. Points need not be sorted.
    ///
    /// Fails on no points, a non-finite value (naming its position), a step that is not positive,
    /// a single timestamp without a step, or a grid over [`MAX_SLOTS`] slots.
    pub fn from_points(
        points: &[(DateTime<Utc>, f64)],
        step: Option<TimeDelta>,
        aggregation: Aggregation,
        fill: GapFill,
    ) -> Result<Self, ForecastError> {
        if let Some(index) = points.iter().position(|(_, v)| !v.is_finite()) {
            return Err(ForecastError::NonFinite {
                index,
                value: points[index].1,
            });
        }
        let mut times: Vec<i64> = points.iter().map(|(t, _)| t.timestamp_micros()).collect();
        times.sort_unstable();
        times.dedup();
        let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
            return Err(ForecastError::Resample("there are no points".into()));
        };
        let step_micros = match step {
            Some(step) => step
                .num_microseconds()
                .filter(|s| *s > 0)
                .ok_or_else(|| ForecastError::Resample(format!("step {step} is not positive")))?,
            None => most_common_gap(&times).ok_or_else(|| {
                ForecastError::Resample(
                    "a single timestamp gives no step; give the step explicitly".into(),
                )
            })?,
        };
        let slots = (last - first) / step_micros + 1;
        if slots as u128 > MAX_SLOTS as u128 {
            return Err(ForecastError::Resample(format!(
                "{slots} slots of {} between the first and last point; at most {MAX_SLOTS}",
                TimeDelta::microseconds(step_micros)
            )));
        }
        let slots = slots as usize;
        let mut sums = vec![0.0; slots];
        let mut counts = vec![0u32; slots];
        for (t, v) in points {
            let slot = ((t.timestamp_micros() - first) / step_micros) as usize;
            sums[slot] += v;
            counts[slot] += 1;
        }
        let mut values: Vec<Option<f64>> = sums
            .iter()
            .zip(&counts)
            .map(|(&sum, &count)| match (count, aggregation) {
                (0, _) => None,
                (_, Aggregation::Sum) => Some(sum),
                (_, Aggregation::Mean) => Some(sum / count as f64),
            })
            .collect();
        fill_gaps(&mut values, fill);
        Ok(Self {
            start: DateTime::<Utc>::from_timestamp_micros(first)
                .expect("the first point's own timestamp"),
            step: TimeDelta::microseconds(step_micros),
            values: values.into_iter().map(|v| v.unwrap_or(0.0)).collect(),
        })
    }

    /// Counts events per slot over `[start, end)`: call volume from call start times. Events
    /// outside the window are ignored. Fails when the step is not positive, `end` is not after
    /// `start`, or the window has over [`MAX_SLOTS`] slots.
    pub fn count_events(
        events: impl IntoIterator<Item = DateTime<Utc>>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: TimeDelta,
    ) -> Result<Self, ForecastError> {
        let step_micros = step
            .num_microseconds()
            .filter(|s| *s > 0)
            .ok_or_else(|| ForecastError::Resample(format!("step {step} is not positive")))?;
        if end <= start {
            return Err(ForecastError::Resample(format!(
                "the window end {end} is not after its start {start}"
            )));
        }
        let span = (end - start).num_microseconds().unwrap_or(i64::MAX);
        let slots = (span as u128).div_ceil(step_micros as u128);
        if slots > MAX_SLOTS as u128 {
            return Err(ForecastError::Resample(format!(
                "{slots} slots of {step}; at most {MAX_SLOTS}"
            )));
        }
        let mut values = vec![0.0; slots as usize];
        for at in events {
            if at >= start && at < end {
                let offset = (at - start).num_microseconds().unwrap_or(i64::MAX);
                values[(offset / step_micros) as usize] += 1.0;
            }
        }
        Ok(Self {
            start,
            step,
            values,
        })
    }

    /// Start of slot `index` (which may lie past the end, for forecast steps); `None` when
    /// that is beyond the representable time range.
    pub fn timestamp(&self, index: usize) -> Option<DateTime<Utc>> {
        let offset = self
            .step
            .num_microseconds()?
            .checked_mul(i64::try_from(index).ok()?)?;
        self.start
            .checked_add_signed(TimeDelta::microseconds(offset))
    }
}

/// The most frequent difference between consecutive sorted distinct times (the smallest on a tie).
fn most_common_gap(sorted: &[i64]) -> Option<i64> {
    let mut gaps: Vec<i64> = sorted.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let mut best: Option<(i64, usize)> = None;
    for run in gaps.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, count)| run.len() > count) {
            best = Some((run[0], run.len()));
        }
    }
    best.map(|(gap, _)| gap)
}

/// Fills `None` slots; the first and last slots always hold a point.
fn fill_gaps(values: &mut [Option<f64>], fill: GapFill) {
    match fill {
        GapFill::Zero => values.iter_mut().for_each(|v| {
            v.get_or_insert(0.0);
        }),
        GapFill::Linear => {
            let mut previous: Option<(usize, f64)> = None;
            let mut i = 0;
            while i < values.len() {
                match values[i] {
                    Some(v) => {
                        previous = Some((i, v));
                        i += 1;
                    }
                    None => {
                        let next = (i..values.len()).find_map(|j| values[j].map(|v| (j, v)));
                        match (previous, next) {
                            (Some((a, va)), Some((b, vb))) => {
                                for (k, slot) in values.iter_mut().enumerate().take(b).skip(i) {
                                    let w = (k - a) as f64 / (b - a) as f64;
                                    *slot = Some(va + w * (vb - va));
                                }
                                i = b;
                            }
                            _ => {
                                values[i] = Some(0.0);
                                i += 1;
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + TimeDelta::minutes(minute)
    }

    #[test]
    fn gaps_are_zero_or_interpolated_and_shared_slots_combined() {
        let points = [
            (at(30), 4.0),
            (at(0), 1.0),
            (at(10), 2.0),
            (at(14), 6.0),
            (at(40), 5.0),
        ];
        let sum =
            RegularSeries::from_points(&points, None, Aggregation::Sum, GapFill::Zero).unwrap();
        assert_eq!(sum.step, TimeDelta::minutes(10));
        assert_eq!(sum.start, at(0));
        assert_eq!(sum.values, vec![1.0, 8.0, 0.0, 4.0, 5.0]);
        let mean =
            RegularSeries::from_points(&points, None, Aggregation::Mean, GapFill::Linear).unwrap();
        assert_eq!(mean.values, vec![1.0, 4.0, 4.0, 4.0, 5.0]);
        assert_eq!(mean.timestamp(5), Some(at(50)));
    }

    #[test]
    fn bad_points_are_refused() {
        let nan = RegularSeries::from_points(
            &[(at(0), 1.0), (at(1), f64::NAN)],
            None,
            Aggregation::Sum,
            GapFill::Zero,
        );
        assert!(matches!(
            nan,
            Err(ForecastError::NonFinite { index: 1, .. })
        ));
        let single =
            RegularSeries::from_points(&[(at(0), 1.0)], None, Aggregation::Sum, GapFill::Zero);
        assert!(matches!(single, Err(ForecastError::Resample(_))));
        let huge = RegularSeries::from_points(
            &[(at(0), 1.0), (at(60 * 24 * 365 * 30), 1.0)],
            Some(TimeDelta::seconds(1)),
            Aggregation::Sum,
            GapFill::Zero,
        );
        assert!(matches!(huge, Err(ForecastError::Resample(_))));
    }

    #[test]
    fn events_are_counted_per_slot() {
        let series = RegularSeries::count_events(
            [at(1), at(2), at(16), at(59), at(60), at(-1)],
            at(0),
            at(60),
            TimeDelta::minutes(15),
        )
        .unwrap();
        assert_eq!(series.values, vec![2.0, 1.0, 0.0, 1.0]);
        assert!(RegularSeries::count_events([], at(0), at(0), TimeDelta::minutes(15)).is_err());
    }
}
