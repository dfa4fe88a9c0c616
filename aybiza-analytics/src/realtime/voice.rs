//! Voice signals: stress and energy levels in [0, 1] from an utterance's
//! acoustic features, measured against the speaker's own running baseline in
//! the call.
//!
//! For each speaker and each feature *f* the session keeps a running mean and
//! variance (Welford's algorithm). An utterance's value *x* is compared with the
//! baseline *before* it is added:
//!
//! z_f = (x − mean_f) / max(sd_f, floor_f), or 0 while the speaker has fewer than
//! `baseline_min_utterances` values of *f*.
//!
//! Pitch variance enters as ln(1 + variance), since it is heavy-tailed. Floors
//! (the smallest standard deviation divided by): energy 0.05, pitch mean 10 Hz,
//! ln pitch variance 0.25, speaking rate 15 wpm, volume 2 dB. Then, over the
//! features present,
//!
//! * stress_raw = Σ w_f z_f / Σ w_f with w = pitch mean 0.30, pitch variance 0.25,
//!   speaking rate 0.20, volume 0.15, energy 0.10; plus 0.5 when the speaker interrupted;
//!   **stress = tanh(max(stress_raw, 0) / 1.5)**, 0 at or below the speaker's usual level.
//! * energy_raw = Σ v_f z_f / Σ v_f with v = energy 0.5, volume 0.3, speaking rate 0.2;
//!   **energy = 1 / (1 + e^(−energy_raw))**, 0.5 at the speaker's usual level (and when none of the three is measured).
//!
//! Invalid features (NaN, infinite, energy outside [0, 1], a non-positive pitch,
//! a negative variance or rate) make the whole utterance an
//! [`RealtimeError::InvalidVoiceFeature`]; [`validate`] runs before any state changes.

use serde::{Deserialize, Serialize};

use super::RealtimeError;
use crate::model::VoiceFeatures;

/// Number of continuous features tracked per speaker.
const FEATURES: usize = 5;
/// Index of each feature in the per-speaker arrays.
const ENERGY: usize = 0;
const PITCH_MEAN: usize = 1;
const PITCH_VARIANCE: usize = 2;
const RATE: usize = 3;
const VOLUME: usize = 4;
/// The smallest standard deviation each z-score is divided by.
const SD_FLOOR: [f64; FEATURES] = [0.05, 10.0, 0.25, 15.0, 2.0];
/// Weights of each feature in the stress level.
const STRESS_WEIGHTS: [f64; FEATURES] = [0.10, 0.30, 0.25, 0.20, 0.15];
/// Weights of each feature in the energy level.
const ENERGY_WEIGHTS: [f64; FEATURES] = [0.5, 0.0, 0.0, 0.2, 0.3];
/// What an interruption adds to the raw stress.
const INTERRUPTION_STRESS: f64 = 0.5;
/// Divisor of the raw stress inside tanh.
const STRESS_SCALE: f64 = 1.5;

/// Stress and energy of one utterance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VoiceSignals {
    /// Stress level in [0, 1]; 0 at or below the speaker's usual pitch, rate and loudness.
    pub stress: f64,
    /// Energy level in [0, 1]; 0.5 at the speaker's usual energy, loudness and rate.
    pub energy: f64,
    /// How many of the five continuous features were measured.
    pub features_present: u8,
    /// Whether at least one feature was compared with an established baseline.
    pub baseline_ready: bool,
}

/// Running mean and variance (Welford).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningStats {
    count: u32,
    mean: f64,
    m2: f64,
}

impl RunningStats {
    /// Adds one value.
    pub fn push(&mut self, x: f64) {
        self.count = self.count.saturating_add(1);
        let delta = x - self.mean;
        self.mean += delta / f64::from(self.count);
        self.m2 += delta * (x - self.mean);
    }

    /// Number of values seen.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Mean of the values seen (0 before any).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Sample standard deviation (0 with fewer than two values).
    pub fn std_dev(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            (self.m2 / f64::from(self.count - 1)).max(0.0).sqrt()
        }
    }
}

/// One speaker's running baseline of every feature in this call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SpeakerBaseline {
    stats: [RunningStats; FEATURES],
}

impl SpeakerBaseline {
    /// Scores `features` against this baseline, then adds them to it.
    /// `features` must have passed [`validate`].
    pub fn observe(&mut self, features: &VoiceFeatures, min_count: u32) -> Option<VoiceSignals> {
        let values = feature_values(features);
        let present = values.iter().filter(|v| v.is_some()).count();
        if present == 0 && !features.interruption {
            return None;
        }
        let mut z = [0.0; FEATURES];
        let mut baseline_ready = false;
        for (i, value) in values.iter().enumerate() {
            if let Some(x) = *value {
                let stats = &mut self.stats[i];
                if stats.count() >= min_count.max(1) {
                    z[i] = (x - stats.mean()) / stats.std_dev().max(SD_FLOOR[i]);
                    baseline_ready = true;
                }
                stats.push(x);
            }
        }
        let stress_raw = weighted_mean(&values, &z, &STRESS_WEIGHTS)
            + if features.interruption {
                INTERRUPTION_STRESS
            } else {
                0.0
            };
        let energy_raw = weighted_mean(&values, &z, &ENERGY_WEIGHTS);
        Some(VoiceSignals {
            stress: (stress_raw.max(0.0) / STRESS_SCALE).tanh(),
            energy: 1.0 / (1.0 + (-energy_raw).exp()),
            features_present: present as u8,
            baseline_ready,
        })
    }
}

/// Σ w z / Σ w over the features present; 0 when none with a positive weight is.
fn weighted_mean(
    values: &[Option<f64>; FEATURES],
    z: &[f64; FEATURES],
    w: &[f64; FEATURES],
) -> f64 {
    let (mut sum, mut total) = (0.0, 0.0);
    for i in 0..FEATURES {
        if values[i].is_some() {
            sum += w[i] * z[i];
            total += w[i];
        }
    }
    if total > 0.0 { sum / total } else { 0.0 }
}

/// The features in baseline order, pitch variance as ln(1 + variance).
fn feature_values(f: &VoiceFeatures) -> [Option<f64>; FEATURES] {
    let mut values = [None; FEATURES];
    values[ENERGY] = f.energy;
    values[PITCH_MEAN] = f.pitch_mean_hz;
    values[PITCH_VARIANCE] = f.pitch_variance.map(f64::ln_1p);
    values[RATE] = f.speaking_rate_wpm;
    values[VOLUME] = f.volume_db;
    values
}

/// Checks every feature is a valid measurement (see the module documentation).
pub fn validate(f: &VoiceFeatures) -> Result<(), RealtimeError> {
    let check = |field: &'static str, value: Option<f64>, valid: fn(f64) -> bool| match value {
        Some(v) if !v.is_finite() || !valid(v) => {
            Err(RealtimeError::InvalidVoiceFeature { field, value: v })
        }
        _ => Ok(()),
    };
    check("energy", f.energy, |v| (0.0..=1.0).contains(&v))?;
    check("pitch_mean_hz", f.pitch_mean_hz, |v| v > 0.0)?;
    check("pitch_variance", f.pitch_variance, |v| v >= 0.0)?;
    check("speaking_rate_wpm", f.speaking_rate_wpm, |v| v >= 0.0)?;
    check("volume_db", f.volume_db, |_| true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calm() -> VoiceFeatures {
        VoiceFeatures {
            energy: Some(0.4),
            pitch_mean_hz: Some(180.0),
            pitch_variance: Some(400.0),
            speaking_rate_wpm: Some(140.0),
            volume_db: Some(-22.0),
            ..VoiceFeatures::default()
        }
    }

    fn jitter(f: &VoiceFeatures, k: f64) -> VoiceFeatures {
        VoiceFeatures {
            energy: f.energy.map(|v| v + 0.01 * k),
            pitch_mean_hz: f.pitch_mean_hz.map(|v| v + 3.0 * k),
            pitch_variance: f.pitch_variance.map(|v| v + 20.0 * k),
            speaking_rate_wpm: f.speaking_rate_wpm.map(|v| v + 4.0 * k),
            volume_db: f.volume_db.map(|v| v + 0.5 * k),
            ..f.clone()
        }
    }

    #[test]
    fn welford_matches_the_two_pass_formulas() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let mut stats = RunningStats::default();
        xs.iter().for_each(|&x| stats.push(x));
        let mean = xs.iter().sum::<f64>() / 8.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 7.0;
        assert!((stats.mean() - mean).abs() < 1e-12);
        assert!((stats.std_dev() - var.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn stress_rises_above_the_speakers_own_baseline_only() {
        let mut baseline = SpeakerBaseline::default();
        for k in [-1.0, 1.0, 0.0, -0.5, 0.5] {
            let s = baseline.observe(&jitter(&calm(), k), 2).unwrap();
            assert!(s.stress < 0.3, "calm utterance scored stress {}", s.stress);
        }
        let agitated = VoiceFeatures {
            energy: Some(0.8),
            pitch_mean_hz: Some(260.0),
            pitch_variance: Some(2500.0),
            speaking_rate_wpm: Some(200.0),
            volume_db: Some(-10.0),
            interruption: true,
            ..VoiceFeatures::default()
        };
        let s = baseline.observe(&agitated, 2).unwrap();
        assert!(
            s.stress > 0.9,
            "agitated utterance scored stress {}",
            s.stress
        );
        assert!(s.energy > 0.9);
        assert!(s.baseline_ready);

        // A speaker whose normal voice is high-pitched and fast is not stressed by it.
        let mut high = SpeakerBaseline::default();
        for k in [-1.0, 1.0, 0.0, 0.5] {
            high.observe(&jitter(&agitated, k), 2).unwrap();
        }
        let s = high
            .observe(
                &VoiceFeatures {
                    interruption: false,
                    ..agitated
                },
                2,
            )
            .unwrap();
        assert!(s.stress < 0.3, "usual voice scored stress {}", s.stress);
    }

    #[test]
    fn without_a_baseline_only_interruptions_count() {
        let mut baseline = SpeakerBaseline::default();
        let s = baseline.observe(&calm(), 2).unwrap();
        assert_eq!(s.stress, 0.0);
        assert_eq!(s.energy, 0.5);
        assert!(!s.baseline_ready);
        let mut fresh = SpeakerBaseline::default();
        let only_interrupt = VoiceFeatures {
            interruption: true,
            ..VoiceFeatures::default()
        };
        let s = fresh.observe(&only_interrupt, 2).unwrap();
        assert!((s.stress - (0.5f64 / 1.5).tanh()).abs() < 1e-12);
        assert!(fresh.observe(&VoiceFeatures::default(), 2).is_none());
    }

    #[test]
    fn non_finite_and_out_of_range_features_are_typed_errors() {
        for (f, field) in [
            (
                VoiceFeatures {
                    energy: Some(f64::NAN),
                    ..calm()
                },
                "energy",
            ),
            (
                VoiceFeatures {
                    energy: Some(1.5),
                    ..calm()
                },
                "energy",
            ),
            (
                VoiceFeatures {
                    pitch_mean_hz: Some(f64::INFINITY),
                    ..calm()
                },
                "pitch_mean_hz",
            ),
            (
                VoiceFeatures {
                    pitch_mean_hz: Some(0.0),
                    ..calm()
                },
                "pitch_mean_hz",
            ),
            (
                VoiceFeatures {
                    pitch_variance: Some(-1.0),
                    ..calm()
                },
                "pitch_variance",
            ),
            (
                VoiceFeatures {
                    speaking_rate_wpm: Some(f64::NEG_INFINITY),
                    ..calm()
                },
                "speaking_rate_wpm",
            ),
            (
                VoiceFeatures {
                    volume_db: Some(f64::NAN),
                    ..calm()
                },
                "volume_db",
            ),
        ] {
            match validate(&f) {
                Err(RealtimeError::InvalidVoiceFeature { field: got, .. }) => {
                    assert_eq!(got, field)
                }
                other => panic!("{field}: expected an error, got {other:?}"),
            }
        }
        assert!(validate(&calm()).is_ok());
    }
}
