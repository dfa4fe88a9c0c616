//! Test draws: a linear congruential generator, the same on every platform, so that the
//! insight tests' simulated calls (and the results they assert) never change.

/// Uniform draws in (0, 1) from a seed.
pub struct Draws(pub u64);

impl Draws {
    /// The next draw.
    pub fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}
