//! Retries with jittered exponential backoff, shared by the clients that call out of the
//! process (the LLM client and the Power BI push).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How failed attempts are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included (at least 1).
    pub max_attempts: u32,
    /// Upper bound of the first backoff; it doubles per attempt.
    pub initial_backoff: Duration,
    /// Upper bound of any backoff.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// The backoff cap before retry number `retry` (0 for the first retry):
    /// `min(max_backoff, initial_backoff * 2^retry)`. The wait is drawn
    /// uniformly from `[cap/2, cap]` ("equal jitter").
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(20));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// Backoff waits drawn uniformly from `[cap/2, cap]` ("equal jitter"), so that clients that
/// failed together do not retry together: SplitMix64 over a counter seeded from the clock.
#[derive(Debug)]
pub(crate) struct Jitter(AtomicU64);

impl Jitter {
    /// A generator seeded from the system clock.
    pub(crate) fn new() -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0x9E37_79B9, |d| d.as_nanos() as u64);
        Self(AtomicU64::new(seed))
    }

    /// A wait drawn uniformly from `[cap/2, cap]`.
    pub(crate) fn wait(&self, cap: Duration) -> Duration {
        let mut z = self
            .0
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let unit = (z >> 11) as f64 / (1u64 << 53) as f64;
        cap.mul_f64(0.5 + 0.5 * unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_and_jitter_stays_in_the_upper_half() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_cap(0), Duration::from_millis(250));
        assert_eq!(policy.backoff_cap(2), Duration::from_secs(1));
        assert_eq!(policy.backoff_cap(40), Duration::from_secs(8));
        let jitter = Jitter::new();
        for _ in 0..100 {
            let wait = jitter.wait(Duration::from_millis(100));
            assert!(
                wait >= Duration::from_millis(50) && wait <= Duration::from_millis(100),
                "{wait:?}"
            );
        }
    }
}
