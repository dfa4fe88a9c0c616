//! Outlying series among several aligned ones, with augurs-outlier's detectors.
//!
//! - [`outlying_series`] compares series that should behave alike (one metric from several
//!   sources, the volume of several queues on one scale) and flags the steps where one departs
//!   from the others: [`OutlierMethod::Mad`] scores every value by its distance from the median
//!   of all values in units of the median absolute deviation (taken separately above and below
//!   the median, so skewed metrics are fair), [`OutlierMethod::Dbscan`] clusters the values of
//!   each step and flags those outside the cluster holding at least half of them.
//! - [`outlying_cycles`] turns one seasonal series into its cycles (weeks, say), subtracts the
//!   median of the other cycles from each, and flags the stretches where a cycle departs from the others: a
//!   Tuesday afternoon unlike every other Tuesday afternoon.
//!
//! Sensitivity in (0, 1) sets the threshold: higher flags more (0.2 by default). For MAD the threshold runs from
//! 7.9 MADs at sensitivity 0 to 0.84 MADs at 1 (`7.94 − 7.10·√s`); for DBSCAN it sets the
//! cluster radius from the spread of the data.

use augurs_outlier::{DbscanDetector, MADDetector, OutlierDetector, OutlierOutput};
use serde::{Deserialize, Serialize};

use super::ForecastError;
use super::anomaly::Transform;

/// Which augurs-outlier detector to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutlierMethod {
    /// Median absolute deviation over all values (needs values on one common scale).
    Mad,
    /// One-dimensional DBSCAN per step (needs at least three series).
    Dbscan,
}

/// How [`outlying_series`] and [`outlying_cycles`] judge values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OutlierOptions {
    /// The detector.
    pub method: OutlierMethod,
    /// In (0, 1): higher flags more.
    pub sensitivity: f64,
    /// The scale values are judged on (square roots for counts).
    pub transform: Transform,
}

impl Default for OutlierOptions {
    /// MAD at sensitivity 0.2 (a threshold of 4.8 MADs) on the values themselves.
    fn default() -> Self {
        Self {
            method: OutlierMethod::Mad,
            sensitivity: 0.2,
            transform: Transform::Identity,
        }
    }
}

/// A run of steps `start..end` where a series is outlying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRange {
    /// First outlying step.
    pub start: usize,
    /// One past the last outlying step.
    pub end: usize,
}

/// The verdict on one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesOutliers {
    /// Whether any step is outlying.
    pub outlying: bool,
    /// The outlying runs, in order.
    pub intervals: Vec<StepRange>,
    /// Outlier score per step (MAD: deviations in MADs; DBSCAN: 1 outside the cluster, else 0;
    /// NaN where the detector could not score).
    pub scores: Vec<f64>,
}

/// The verdicts on several aligned series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlierResult {
    /// One verdict per input series, in input order.
    pub series: Vec<SeriesOutliers>,
    /// Lowest and highest normal value per step, on the transformed scale, when the detector
    /// found a normal cluster.
    pub band: Option<OutlierBand>,
}

/// The normal range per step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlierBand {
    /// Lowest normal value per step.
    pub lower: Vec<f64>,
    /// Highest normal value per step.
    pub upper: Vec<f64>,
}

/// A stretch of one cycle that departs from the other cycles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CycleOutlier {
    /// Which cycle (0 is the first full cycle of the series).
    pub cycle: usize,
    /// First outlying step, as an index into the whole series.
    pub start: usize,
    /// One past the last outlying step, as an index into the whole series.
    pub end: usize,
}

fn validate(options: &OutlierOptions) -> Result<(), ForecastError> {
    if !(options.sensitivity > 0.0 && options.sensitivity < 1.0) {
        return Err(ForecastError::Sensitivity(options.sensitivity));
    }
    Ok(())
}

/// Transforms `values`, naming the first value the transform refuses.
fn transformed(
    values: &[f64],
    transform: Transform,
    offset: usize,
) -> Result<Vec<f64>, ForecastError> {
    values
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            transform.forward(value).ok_or(ForecastError::NonFinite {
                index: offset + index,
                value,
            })
        })
        .collect()
}

/// Flags the steps where one of several aligned series departs from the others.
///
/// All series must have the same length, at least one value, and finite values the transform
/// accepts; DBSCAN needs at least three series. When every value is the same no step is
/// outlying.
pub fn outlying_series(
    series: &[Vec<f64>],
    options: &OutlierOptions,
) -> Result<OutlierResult, ForecastError> {
    validate(options)?;
    let min_series = match options.method {
        OutlierMethod::Mad => 1,
        OutlierMethod::Dbscan => 3,
    };
    if series.len() < min_series {
        return Err(ForecastError::TooFewSeries {
            count: series.len(),
            min: min_series,
        });
    }
    let len = series[0].len();
    if len == 0 {
        return Err(ForecastError::TooShort { len: 0, min: 1 });
    }
    let mut data = Vec::with_capacity(series.len());
    for (index, values) in series.iter().enumerate() {
        if values.len() != len {
            return Err(ForecastError::Ragged {
                index,
                len: values.len(),
                expected: len,
            });
        }
        data.push(transformed(values, options.transform, 0)?);
    }
    detect(&data, options)
}

/// Runs the detector over transformed, validated series.
fn detect(data: &[Vec<f64>], options: &OutlierOptions) -> Result<OutlierResult, ForecastError> {
    let len = data[0].len();
    let rows: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
    let first = data[0][0];
    if data.iter().flatten().all(|&v| v == first) {
        return Ok(OutlierResult {
            series: data
                .iter()
                .map(|_| SeriesOutliers {
                    outlying: false,
                    intervals: Vec::new(),
                    scores: vec![0.0; len],
                })
                .collect(),
            band: None,
        });
    }
    let model_error = |e: augurs_outlier::Error| ForecastError::Model(e.to_string());
    let output = match options.method {
        OutlierMethod::Mad => {
            let detector =
                MADDetector::with_sensitivity(options.sensitivity).map_err(model_error)?;
            let prepared = detector.preprocess(&rows).map_err(model_error)?;
            detector.detect(&prepared).map_err(model_error)?
        }
        OutlierMethod::Dbscan => {
            let detector =
                DbscanDetector::with_sensitivity(options.sensitivity).map_err(model_error)?;
            let prepared = detector.preprocess(&rows).map_err(model_error)?;
            detector.detect(&prepared).map_err(model_error)?
        }
    };
    Ok(convert(output, len))
}

fn convert(output: OutlierOutput, len: usize) -> OutlierResult {
    OutlierResult {
        series: output
            .series_results
            .into_iter()
            .map(|s| SeriesOutliers {
                outlying: s.is_outlier,
                intervals: s
                    .outlier_intervals
                    .intervals
                    .iter()
                    .map(|i| StepRange {
                        start: i.start,
                        end: i.end.unwrap_or(len),
                    })
                    .collect(),
                scores: s.scores,
            })
            .collect(),
        band: output.cluster_band.map(|b| OutlierBand {
            lower: b.min,
            upper: b.max,
        }),
    }
}

/// Cuts `series` into cycles of `period` steps (an incomplete last cycle is left out), subtracts
/// from each the median of the other cycles (per position; the cycle judged does not pull its
/// own reference), and returns the stretches where a cycle is
/// outlying, merged when at most `max_gap` steps apart and kept when at least `min_len` long.
/// Needs at least three full cycles.
pub fn outlying_cycles(
    series: &[f64],
    period: usize,
    options: &OutlierOptions,
    max_gap: usize,
    min_len: usize,
) -> Result<Vec<CycleOutlier>, ForecastError> {
    validate(options)?;
    if period < 2 {
        return Err(ForecastError::Period(period));
    }
    let cycles = series.len() / period;
    if cycles < 3 {
        return Err(ForecastError::TooShort {
            len: series.len(),
            min: period.saturating_mul(3),
        });
    }
    let values = transformed(&series[..cycles * period], options.transform, 0)?;
    let cycle_values: Vec<&[f64]> = values.chunks(period).collect();
    let mut data: Vec<Vec<f64>> = vec![vec![0.0; period]; cycles];
    let mut others = Vec::with_capacity(cycles - 1);
    for position in 0..period {
        for (c, residuals) in data.iter_mut().enumerate() {
            others.clear();
            others.extend(
                cycle_values
                    .iter()
                    .enumerate()
                    .filter(|&(o, _)| o != c)
                    .map(|(_, cycle)| cycle[position]),
            );
            residuals[position] = cycle_values[c][position] - median(&mut others);
        }
    }
    // Positions where every cycle agrees cannot be outlying; left out, they do not drag the
    // MAD to zero (a call center's nights are zero every week).
    let informative: Vec<usize> = (0..period)
        .filter(|&position| data.iter().any(|cycle| cycle[position] != 0.0))
        .collect();
    if informative.is_empty() {
        return Ok(Vec::new());
    }
    let compact: Vec<Vec<f64>> = data
        .iter()
        .map(|cycle| informative.iter().map(|&p| cycle[p]).collect())
        .collect();
    let result = detect(&compact, options)?;
    let mut out = Vec::new();
    for (cycle, verdict) in result.series.iter().enumerate() {
        // Back to positions in the cycle: a run ends where the next compact step is not
        // flagged (or at the cycle's end).
        let intervals = verdict.intervals.iter().map(|r| StepRange {
            start: informative[r.start],
            end: informative.get(r.end).copied().unwrap_or(period),
        });
        let mut current: Option<StepRange> = None;
        for range in intervals {
            match current.as_mut() {
                Some(run) if range.start <= run.end + max_gap => run.end = range.end,
                _ => {
                    out.extend(current.take().map(|r| (cycle, r)));
                    current = Some(range);
                }
            }
        }
        out.extend(current.map(|r| (cycle, r)));
    }
    Ok(out
        .into_iter()
        .filter(|(_, r)| r.end - r.start >= min_len)
        .map(|(cycle, r)| CycleOutlier {
            cycle,
            start: cycle * period + r.start,
            end: cycle * period + r.end,
        })
        .collect())
}

/// The median of `values` (reordered), which is not empty.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wiggle(i: usize, seed: usize) -> f64 {
        (((i * 7919 + seed * 104_729) % 997) as f64 / 997.0 - 0.5) * 0.4
    }

    #[test]
    fn the_source_that_departs_is_flagged_where_it_departs() {
        let mut series: Vec<Vec<f64>> = (0..6)
            .map(|s| (0..200).map(|i| 10.0 + wiggle(i, s)).collect())
            .collect();
        for value in &mut series[4][120..140] {
            *value += 5.0;
        }
        for method in [OutlierMethod::Mad, OutlierMethod::Dbscan] {
            let options = OutlierOptions {
                method,
                sensitivity: 0.5,
                ..OutlierOptions::default()
            };
            let result = outlying_series(&series, &options).unwrap();
            let flagged: Vec<usize> = (0..6).filter(|&s| result.series[s].outlying).collect();
            assert_eq!(flagged, vec![4], "{method:?}");
            let intervals = &result.series[4].intervals;
            assert!(
                intervals.iter().all(|r| r.start >= 118 && r.end <= 142)
                    && intervals.iter().any(|r| r.start <= 121 && r.end >= 139),
                "{method:?}: {intervals:?}"
            );
        }
    }

    #[test]
    fn an_odd_stretch_of_one_cycle_is_found() {
        let period = 48;
        let mut series: Vec<f64> = (0..period * 8)
            .map(|i| {
                let phase = (i % period) as f64 / period as f64 * std::f64::consts::TAU;
                100.0 + 40.0 * phase.sin() + 3.0 * wiggle(i, 1)
            })
            .collect();
        for value in &mut series[5 * period + 10..5 * period + 16] {
            *value -= 30.0;
        }
        let found = outlying_cycles(&series, period, &OutlierOptions::default(), 1, 3).unwrap();
        assert_eq!(
            found,
            vec![CycleOutlier {
                cycle: 5,
                start: 5 * period + 10,
                end: 5 * period + 16
            }]
        );
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let options = OutlierOptions::default();
        let dbscan = OutlierOptions {
            method: OutlierMethod::Dbscan,
            ..options
        };
        let two = vec![vec![1.0, 2.0], vec![1.0, 2.0]];
        assert_eq!(
            outlying_series(&two, &dbscan),
            Err(ForecastError::TooFewSeries { count: 2, min: 3 })
        );
        assert_eq!(
            outlying_series(&[vec![1.0, 2.0], vec![1.0]], &options),
            Err(ForecastError::Ragged {
                index: 1,
                len: 1,
                expected: 2
            })
        );
        assert!(matches!(
            outlying_series(&[vec![1.0, f64::NAN]], &options),
            Err(ForecastError::NonFinite { index: 1, .. })
        ));
        let sqrt = OutlierOptions {
            transform: Transform::Sqrt,
            ..options
        };
        assert!(matches!(
            outlying_series(&[vec![-1.0]], &sqrt),
            Err(ForecastError::NonFinite { index: 0, .. })
        ));
        for sensitivity in [0.0, 1.0, f64::NAN] {
            let bad = OutlierOptions {
                sensitivity,
                ..options
            };
            assert!(matches!(
                outlying_series(&two, &bad),
                Err(ForecastError::Sensitivity(_))
            ));
        }
        assert_eq!(
            outlying_cycles(&[1.0; 10], 4, &options, 0, 1),
            Err(ForecastError::TooShort { len: 10, min: 12 })
        );
        assert_eq!(
            outlying_cycles(&[1.0; 10], 1, &options, 0, 1),
            Err(ForecastError::Period(1))
        );
        let flat = outlying_series(&vec![vec![3.0; 5]; 4], &dbscan).unwrap();
        assert!(flat.series.iter().all(|s| !s.outlying));
        assert!(
            outlying_cycles(&[2.0; 30], 5, &options, 0, 1)
                .unwrap()
                .is_empty()
        );
    }
}
