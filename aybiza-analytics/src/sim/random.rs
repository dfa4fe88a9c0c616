//! Seeded random streams and the few distributions the simulator needs.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator every part of the simulator draws from.
pub(crate) type SimRng = ChaCha8Rng;

/// An independent stream for one component of one tenant, so that changing
/// one part of a config (say, the journey count) leaves the other parts' draws alone.
pub(crate) fn stream(seed: u64, path: &[u64]) -> SimRng {
    let mut state = splitmix(seed ^ 0x5EED_A1B2_C3D4_E5F6);
    for &part in path {
        state = splitmix(state ^ splitmix(part.wrapping_add(0x9E37_79B9)));
    }
    SimRng::seed_from_u64(state)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in `[low, high)`.
pub(crate) fn uniform(rng: &mut SimRng, low: f64, high: f64) -> f64 {
    low + (high - low) * rng.random::<f64>()
}

/// A normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut SimRng, mean: f64, sd: f64) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A multiplicative noise factor with median 1 (log-normal with the given log-sd).
pub(crate) fn lognormal_factor(rng: &mut SimRng, log_sd: f64) -> f64 {
    normal(rng, 0.0, log_sd).exp()
}

/// A Poisson count: exact (Knuth) for small means, normal approximation for large ones.
pub(crate) fn poisson(rng: &mut SimRng, lambda: f64) -> usize {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let mut product = rng.random::<f64>();
        let mut count = 0;
        while product > limit {
            product *= rng.random::<f64>();
            count += 1;
        }
        count
    } else {
        normal(rng, lambda, lambda.sqrt()).round().max(0.0) as usize
    }
}

/// One element of a non-empty slice, uniformly.
pub(crate) fn pick<'a, T>(rng: &mut SimRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One value by weight; the weights need not sum to 1.
pub(crate) fn pick_weighted<T: Copy>(rng: &mut SimRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut target = rng.random::<f64>() * total;
    for &(item, weight) in items {
        if target < weight {
            return item;
        }
        target -= weight;
    }
    items[items.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_mean_is_close_for_small_and_large_means() {
        let mut rng = stream(1, &[0]);
        for lambda in [0.3, 4.0, 80.0] {
            let n = 20_000;
            let total: usize = (0..n).map(|_| poisson(&mut rng, lambda)).sum();
            let mean = total as f64 / n as f64;
            assert!(
                (mean - lambda).abs() < lambda * 0.05 + 0.02,
                "lambda {lambda}: mean {mean}"
            );
        }
    }

    #[test]
    fn streams_differ_by_path() {
        let a: u64 = stream(1, &[0, 1]).random();
        let b: u64 = stream(1, &[1, 0]).random();
        let c: u64 = stream(1, &[0, 1]).random();
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}
