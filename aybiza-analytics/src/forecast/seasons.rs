//! Seasonal period detection: a Welch periodogram (augurs-seasons) proposes periods, and each is
//! snapped to the lag with the highest autocorrelation between its neighbouring frequency bins,
//! since the periodogram's frequency grid gives periods only approximately (with a 512-point
//! transform, a weekly cycle of 336 half-hours falls between the bins of periods 256 and 512).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use augurs_seasons::PeriodogramDetector;

/// Most periods returned.
const MAX_PERIODS: usize = 3;
/// Fewest values the periodogram is run on.
const MIN_VALUES: usize = 16;
/// Lowest autocorrelation at a period for it to count as a seasonality.
const MIN_AUTOCORRELATION: f64 = 0.2;
/// Periodogram peaks considered: those with at least this share of the highest power.
const PEAK_THRESHOLD: f64 = 0.01;
/// How much a multiple of a kept period must beat the autocorrelation one period either side
/// of it to count as a seasonality of its own (a weekly cycle of daily data beats 6 and 8
/// weeks by 0.05; chance wiggles between multiples stay under 0.03), at least: a short series
/// needs a margin of one standard error of a sample autocorrelation, `1/√n` (0.084 for 141
/// values, where chance put 42 = 6 · 7 ahead of 35 and 49 by 0.071 in daily page views).
const MULTIPLE_MARGIN: f64 = 0.04;
/// Most multiples of a kept period tried as candidates.
const MAX_MULTIPLES: usize = 200;
/// Lags scanned directly for the strongest autocorrelation peak (the periodogram of a short
/// series is too coarse to find, say, a weekly cycle in a year of daily values).
const SCAN_LAGS: usize = 400;

/// Seasonal periods of `series`, shortest first: up to three, each between 2 and a third of the
/// series' length. Candidates are the periodogram's peaks (snapped to the best lag between the
/// neighbouring frequency bins) and the strongest autocorrelation peak among the first 400 lags.
/// A candidate is kept when its autocorrelation is at least 0.2 and a local maximum, and, when
/// it is a multiple of a shorter kept period (336 = 7 · 48), when its autocorrelation also beats
/// the multiples either side of it by 0.04 (so 336 is kept for a weekly cycle, 35 = 5 · 7 is
/// not). The multiples of each kept period are candidates too.
/// Empty when the series is short (under 16 values), constant or not seasonal.
pub fn detect_periods(series: &[f64]) -> Vec<usize> {
    let n = series.len();
    if n < MIN_VALUES || series.iter().any(|v| !v.is_finite()) {
        return Vec::new();
    }
    let mean = series.iter().sum::<f64>() / n as f64;
    let centered: Vec<f64> = series.iter().map(|v| v - mean).collect();
    let variance = centered.iter().map(|v| v * v).sum::<f64>();
    if variance <= 0.0 {
        return Vec::new();
    }
    let max_period = n / 3;
    let multiple_margin = MULTIPLE_MARGIN.max(1.0 / (n as f64).sqrt());
    let acf = Autocorrelation {
        centered,
        variance,
        cache: RefCell::new(HashMap::new()),
    };
    let mut candidates: Vec<usize> = Vec::new();
    let detector = PeriodogramDetector::builder()
        .min_period(2)
        .max_period(max_period.min(u32::MAX as usize) as u32)
        .build();
    // (period, the neighbouring bins' periods), weakest first.
    let peaks: Vec<(usize, usize, usize)> = detector
        .periodogram(series)
        .peaks(PEAK_THRESHOLD)
        .map(|p| {
            (
                p.period as usize,
                p.next_period as usize,
                p.prev_period as usize,
            )
        })
        .collect();
    for (period, next, previous) in peaks.into_iter().rev() {
        // The true period lies between the neighbouring frequency bins' periods.
        let low = next.min(previous).max(2);
        let mut high = next.max(previous);
        if high <= period {
            high = 2 * period;
        }
        let best = (low..=high.min(max_period))
            .map(|lag| (lag, acf.at(lag)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((lag, _)) = best
            && acf.is_peak(lag)
        {
            candidates.push(lag);
        }
    }
    let strongest_early = (2..=max_period.min(SCAN_LAGS))
        .filter(|&lag| acf.is_peak(lag))
        .max_by(|&a, &b| acf.at(a).total_cmp(&acf.at(b)));
    candidates.extend(strongest_early);
    // Shortest first; each kept period adds its multiples as candidates (a weekly cycle of
    // half-hourly data, 7 · 48, is often no periodogram peak of its own).
    let mut queue: BTreeSet<usize> = candidates.into_iter().collect();
    let mut kept: Vec<usize> = Vec::new();
    while let Some(q) = queue.pop_first() {
        let near = |a: usize, b: usize| a.abs_diff(b) <= (a.max(b) / 50).max(1);
        if kept.iter().any(|&p| near(p, q)) || !acf.is_peak(q) {
            continue;
        }
        let beaten = kept.iter().any(|&p| {
            let k = (q as f64 / p as f64).round() as usize;
            k >= 2 && near(q, k * p) && {
                let neighbours = acf.at(q - p).max(acf.at(q + p));
                acf.at(q) < neighbours + multiple_margin
            }
        });
        if !beaten {
            kept.push(q);
            queue.extend(
                (2..=MAX_MULTIPLES)
                    .map(|k| k * q)
                    .take_while(|&m| m <= max_period),
            );
        }
    }
    kept.sort_by(|a, b| acf.at(*b).total_cmp(&acf.at(*a)));
    kept.truncate(MAX_PERIODS);
    kept.sort_unstable();
    kept
}

/// The sample autocorrelation of a series, computed per lag on demand.
struct Autocorrelation {
    centered: Vec<f64>,
    variance: f64,
    cache: RefCell<HashMap<usize, f64>>,
}

/// `Σ a_i · b_i` over the shorter length, in eight independent partial sums (one running
/// sum is a chain of dependent additions; eight let the processor overlap them).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0.0; 8];
    let (a_blocks, b_blocks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = a_blocks
        .remainder()
        .iter()
        .zip(b_blocks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a_blocks.zip(b_blocks) {
        for ((lane, x), y) in lanes.iter_mut().zip(x).zip(y) {
            *lane += x * y;
        }
    }
    lanes.iter().sum::<f64>() + tail
}

impl Autocorrelation {
    /// The autocorrelation at `lag`; minus infinity past the series' end.
    fn at(&self, lag: usize) -> f64 {
        if lag >= self.centered.len() {
            return f64::NEG_INFINITY;
        }
        *self
            .cache
            .borrow_mut()
            .entry(lag)
            .or_insert_with(|| dot(&self.centered[lag..], &self.centered) / self.variance)
    }

    /// Whether `lag` is a local maximum of at least [`MIN_AUTOCORRELATION`].
    fn is_peak(&self, lag: usize) -> bool {
        let here = self.at(lag);
        lag >= 2
            && here >= MIN_AUTOCORRELATION
            && here > self.at(lag - 1)
            && here > self.at(lag + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Uniform noise in [-0.5, 0.5) from a linear congruential generator.
    fn noise(len: usize) -> Vec<f64> {
        let mut state = 42u64;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            })
            .collect()
    }

    /// The eight-lane dot product is the plain one, to rounding, at every remainder length.
    #[test]
    fn dot_products_agree_with_the_plain_sum() {
        let values = noise(40);
        for n in 0..40 {
            let (a, b) = (&values[..n], &values[40 - n..]);
            let plain: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            assert!((dot(a, b) - plain).abs() < 1e-12, "length {n}");
        }
        assert_eq!(dot(&values, &values[..3]), dot(&values[..3], &values[..3]));
    }

    #[test]
    fn finds_daily_and_weekly_cycles_of_half_hourly_data() {
        let y: Vec<f64> = noise(48 * 7 * 6)
            .into_iter()
            .enumerate()
            .map(|(t, e)| {
                let t = t as f64;
                10.0 + 4.0 * (2.0 * std::f64::consts::PI * t / 48.0).sin()
                    + 3.0 * (2.0 * std::f64::consts::PI * t / 336.0).sin()
                    + 2.0 * e
            })
            .collect();
        let periods = detect_periods(&y);
        assert!(periods.contains(&48), "{periods:?}");
        assert!(periods.contains(&336), "{periods:?}");
    }

    /// A weak six-week cycle over a weekly one: 4 cycles of it (169 days) are not enough
    /// evidence against chance (the margin there is 1/√169 = 0.077, not 0.04), 400 days are.
    #[test]
    fn a_multiple_needs_more_evidence_in_a_short_series() {
        let noise = noise(400);
        let days = |n: usize| -> Vec<f64> {
            (0..n)
                .map(|t| {
                    let week = [5.0, 6.0, 6.5, 6.0, 5.5, 2.0, 1.0][t % 7];
                    let six_weeks = 1.5 * (2.0 * std::f64::consts::PI * t as f64 / 42.0).sin();
                    week + six_weeks + noise[t]
                })
                .collect()
        };
        assert_eq!(detect_periods(&days(169)), vec![7]);
        assert_eq!(detect_periods(&days(400)), vec![7, 42]);
    }

    #[test]
    fn noise_constant_and_short_series_have_no_period() {
        assert!(detect_periods(&[3.0; 500]).is_empty());
        assert!(detect_periods(&[1.0, 2.0, 1.0]).is_empty());
        let noise = noise(2000);
        assert!(
            detect_periods(&noise).is_empty(),
            "{:?}",
            detect_periods(&noise)
        );
    }
}
