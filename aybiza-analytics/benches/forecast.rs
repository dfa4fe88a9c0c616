//! Fit-and-forecast time of the forecasters on synthetic series shaped like the evaluation's
//! (`docs/forecasting.md`): a daily series of 337 values with a weekly cycle (like hyndsight's
//! page views; 28 steps ahead) and a half-hourly one with daily and weekly cycles (like
//! vic_elec; one week ahead).
//!
//! `cargo bench -p aybiza-analytics --bench forecast`

use std::f64::consts::TAU;
use std::hint::black_box;

use aybiza_analytics::forecast::{AutoForecaster, Ets, ForecastOptions, Forecaster, MstlEts};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `len` positive values: a level drifting by a random walk, cycles of `periods` with
/// relative amplitudes `amplitudes`, and 8% noise.
fn series(len: usize, periods: &[usize], amplitudes: &[f64], seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut level = 2_000.0;
    (0..len)
        .map(|t| {
            level += rng.random_range(-15.0..15.0);
            let cycles: f64 = periods
                .iter()
                .zip(amplitudes)
                .map(|(&p, a)| a * (TAU * (t % p) as f64 / p as f64).sin())
                .sum();
            level * (1.0 + cycles) * (1.0 + rng.random_range(-0.08..0.08))
        })
        .collect()
}

fn auto(periods: Vec<usize>, calibration_windows: usize) -> AutoForecaster {
    AutoForecaster::new(ForecastOptions {
        periods: Some(periods),
        calibration_windows,
        ..ForecastOptions::default()
    })
    .expect("valid periods")
}

fn daily(c: &mut Criterion) {
    let history = series(337, &[7], &[0.3], 1);
    let levels = [0.8, 0.95];
    let mut group = c.benchmark_group("daily_337_values_28_ahead");
    for (name, calibration_windows) in [("auto_calibrated", 12), ("auto_uncalibrated", 0)] {
        group.bench_function(name, |b| {
            let model = auto(vec![7], calibration_windows);
            b.iter(|| {
                black_box(
                    model
                        .forecast(black_box(&history), 28, &levels)
                        .expect("fits"),
                )
            })
        });
    }
    group.bench_function("mstl_ets", |b| {
        let model = MstlEts::new(vec![7]).expect("valid period");
        let recent = &history[history.len() - 140..];
        b.iter(|| {
            black_box(
                model
                    .forecast(black_box(recent), 28, &levels)
                    .expect("fits"),
            )
        })
    });
    group.bench_function("ets_search", |b| {
        let recent = &history[history.len() - 140..];
        b.iter(|| black_box(Ets.forecast(black_box(recent), 28, &levels).expect("fits")))
    });
    group.finish();
}

fn half_hourly(c: &mut Criterion) {
    let history = series(48 * 7 * 24, &[48, 336], &[0.25, 0.1], 2);
    let mut group = c.benchmark_group("half_hourly_8064_values_336_ahead");
    group.sample_size(10);
    group.bench_function("auto_calibrated", |b| {
        let model = auto(vec![48, 336], 12);
        b.iter(|| {
            black_box(
                model
                    .forecast(black_box(&history), 336, &[0.8, 0.95])
                    .expect("fits"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, daily, half_hourly);
criterion_main!(benches);
