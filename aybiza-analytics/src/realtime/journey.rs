//! [`Journey`]: a live call's sentiment journey in bounded memory.
//!
//! Every accepted utterance adds its fused score. While the call has at most
//! `max_journey_points` utterances, each is a point of its own, exactly as it was scored. When an
//! utterance finds the journey full, the journey is downsampled: the call's time is cut into
//! buckets of `bucket_ms` (1 024 ms doubled as often as needed to free room), and the points of
//! one speaker that fall in the same bucket become one point carrying their mean midpoint, their
//! mean fused score and how many utterances it stands for. From then on an utterance joins its
//! speaker's latest point when that lies in its bucket. Buckets nest (each doubling merges two),
//! so every point's utterances always lie in one bucket: the journey covers the whole call at one
//! time resolution, never mixes speakers, and never holds more than `max_journey_points` points
//! of 16 bytes.

use super::config::MIN_JOURNEY_POINTS;
use crate::model::Speaker;

/// The first bucket width tried when the journey is first downsampled.
const FIRST_BUCKET_MS: u64 = 1024;

/// One point as kept during the call (16 bytes): one utterance, or the mean of several of one
/// speaker in one time bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StoredPoint {
    /// Sequence number of the (first) utterance.
    pub(crate) seq: u32,
    /// Mean utterance midpoint, ms from the call's start (saturated at `u32::MAX`, 49.7 days).
    pub(crate) at_ms: u32,
    /// Mean fused score.
    pub(crate) fused_score: f32,
    /// Utterances the point stands for (saturated at 65 535, which takes a call of millions of
    /// utterances: beyond it a point keeps that weight when merged).
    pub(crate) utterances: u16,
    pub(crate) speaker: Speaker,
}

impl StoredPoint {
    /// Folds `other` (same speaker, same bucket) into this point.
    fn absorb(&mut self, other: &StoredPoint) {
        let (a, b) = (f64::from(self.utterances), f64::from(other.utterances));
        self.fused_score =
            ((f64::from(self.fused_score) * a + f64::from(other.fused_score) * b) / (a + b)) as f32;
        let (a, b) = (u64::from(self.utterances), u64::from(other.utterances));
        // A weighted mean of midpoints in one bucket stays in that bucket.
        self.at_ms = ((u64::from(self.at_ms) * a + u64::from(other.at_ms) * b) / (a + b)) as u32;
        self.utterances = self.utterances.saturating_add(other.utterances);
        self.seq = self.seq.min(other.seq);
    }
}

/// A call's sentiment journey: at most `capacity` points (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct Journey {
    points: Vec<StoredPoint>,
    /// 0 while every point is one utterance; otherwise the width of the time buckets.
    bucket_ms: u64,
}

impl Journey {
    /// Adds one utterance's point, downsampling when the journey already holds `capacity`
    /// points. [`super::RealtimeConfig::validate`] refuses a capacity under
    /// [`MIN_JOURNEY_POINTS`]; an unvalidated one counts as that minimum (downsampling ends
    /// only when there is room for one point per speaker and one more).
    pub(crate) fn push(
        &mut self,
        seq: u32,
        speaker: Speaker,
        at_ms: u64,
        fused_score: f64,
        capacity: usize,
    ) {
        let point = StoredPoint {
            seq,
            at_ms: u32::try_from(at_ms).unwrap_or(u32::MAX),
            fused_score: fused_score as f32,
            utterances: 1,
            speaker,
        };
        if self.fold(&point) {
            return;
        }
        let capacity = capacity.max(MIN_JOURNEY_POINTS);
        if self.points.len() >= capacity {
            while self.points.len() >= capacity {
                self.bucket_ms = if self.bucket_ms == 0 {
                    FIRST_BUCKET_MS
                } else {
                    self.bucket_ms * 2
                };
                self.merge();
            }
            if self.fold(&point) {
                return;
            }
        }
        if self.points.len() == self.points.capacity() {
            // Grow by doubling, but never past `capacity`.
            let target = (self.points.capacity() * 2).clamp(4, capacity);
            self.points.reserve_exact(target - self.points.len());
        }
        self.points.push(point);
    }

    /// Folds `point` into its speaker's latest point when both lie in one bucket.
    fn fold(&mut self, point: &StoredPoint) -> bool {
        if self.bucket_ms == 0 {
            return false;
        }
        let bucket = |p: &StoredPoint| u64::from(p.at_ms) / self.bucket_ms;
        match self
            .points
            .iter_mut()
            .rev()
            .find(|p| p.speaker == point.speaker)
        {
            Some(latest) if bucket(latest) == bucket(point) => {
                latest.absorb(point);
                true
            }
            _ => false,
        }
    }

    /// Re-folds every point at the current bucket width, in place and in order.
    fn merge(&mut self) {
        let mut kept = 0;
        for read in 0..self.points.len() {
            let point = self.points[read];
            let bucket_ms = self.bucket_ms;
            let same_bucket = |p: &StoredPoint| {
                u64::from(p.at_ms) / bucket_ms == u64::from(point.at_ms) / bucket_ms
            };
            match self.points[..kept]
                .iter_mut()
                .rev()
                .find(|p| p.speaker == point.speaker)
            {
                Some(latest) if same_bucket(latest) => latest.absorb(&point),
                _ => {
                    self.points[kept] = point;
                    kept += 1;
                }
            }
        }
        self.points.truncate(kept);
    }

    /// The points, in the order their first utterances came.
    pub(crate) fn points(&self) -> &[StoredPoint] {
        &self.points
    }

    /// 0 while every point is one utterance; otherwise the bucket width in milliseconds.
    pub(crate) fn bucket_ms(&self) -> u64 {
        self.bucket_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker(i: u32) -> Speaker {
        if i % 2 == 0 {
            Speaker::Agent
        } else {
            Speaker::Customer
        }
    }

    /// A call of `n` alternating utterances, 4 s apart, with a score that drifts.
    fn call(n: u32, capacity: usize) -> Journey {
        let mut journey = Journey::default();
        for i in 0..n {
            let score = ((i % 17) as f64 - 8.0) / 10.0;
            journey.push(i, speaker(i), u64::from(i) * 4_000 + 1_750, score, capacity);
        }
        journey
    }

    #[test]
    fn short_calls_keep_every_utterance_exactly() {
        let journey = call(64, 64);
        assert_eq!(journey.bucket_ms(), 0);
        assert_eq!(journey.points().len(), 64);
        let p = journey.points()[5];
        assert_eq!((p.seq, p.at_ms, p.utterances), (5, 21_750, 1));
        assert_eq!(p.fused_score, -0.3);
    }

    #[test]
    fn a_capacity_under_the_minimum_counts_as_the_minimum() {
        for capacity in 0..MIN_JOURNEY_POINTS {
            let mut journey = Journey::default();
            for i in 0..300u32 {
                let who = [Speaker::Agent, Speaker::Customer, Speaker::Bot][i as usize % 3];
                journey.push(i, who, u64::from(i) * 4_000, 0.1, capacity);
            }
            assert!(journey.points().len() <= MIN_JOURNEY_POINTS, "{capacity}");
            let counted: u32 = journey
                .points()
                .iter()
                .map(|p| u32::from(p.utterances))
                .sum();
            assert_eq!(counted, 300);
        }
    }

    #[test]
    fn long_calls_stay_within_capacity_and_keep_every_utterance_counted() {
        for n in [65, 100, 1_000, 20_000] {
            let journey = call(n, 64);
            let points = journey.points();
            assert!(
                points.len() <= 64 && points.len() >= 16,
                "{n}: {}",
                points.len()
            );
            assert!(journey.points.capacity() <= 64);
            assert!(journey.bucket_ms() >= FIRST_BUCKET_MS);
            let counted: u32 = points.iter().map(|p| u32::from(p.utterances)).sum();
            assert_eq!(counted, n);
            // Per speaker, the weighted mean score is the mean over its utterances.
            for side in [Speaker::Agent, Speaker::Customer] {
                let exact: Vec<f64> = (0..n)
                    .filter(|i| speaker(*i) == side)
                    .map(|i| ((i % 17) as f64 - 8.0) / 10.0)
                    .collect();
                let mean = exact.iter().sum::<f64>() / exact.len() as f64;
                let (sum, count) =
                    points
                        .iter()
                        .filter(|p| p.speaker == side)
                        .fold((0.0, 0.0), |(s, c), p| {
                            let w = f64::from(p.utterances);
                            (s + f64::from(p.fused_score) * w, c + w)
                        });
                assert!((sum / count - mean).abs() < 1e-4, "{n} {side:?}");
            }
            // Every point's utterances lie in one bucket, and time only moves forward.
            for pair in points.windows(2) {
                assert!(pair[0].seq < pair[1].seq);
            }
            for p in points {
                let first = u64::from(p.seq) * 4_000 + 1_750;
                assert_eq!(
                    first / journey.bucket_ms(),
                    u64::from(p.at_ms) / journey.bucket_ms()
                );
            }
        }
    }

    #[test]
    fn out_of_order_times_and_a_single_speaker_still_fit() {
        let mut journey = Journey::default();
        for i in 0..5_000u32 {
            let at = u64::from(i.wrapping_mul(2_654_435_761) % 3_600_000);
            journey.push(i, Speaker::Bot, at, 0.5, 4);
            assert!(journey.points().len() <= 4);
        }
        let counted: u32 = journey
            .points()
            .iter()
            .map(|p| u32::from(p.utterances))
            .sum();
        assert_eq!(counted, 5_000);
    }
}
