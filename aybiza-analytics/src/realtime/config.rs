//! Limits, fusion weights and recommendation thresholds, with their documented defaults.

use serde::{Deserialize, Serialize};

use super::RealtimeError;

/// Weights of the three signals in an utterance's fused sentiment (see [`super::fusion`]).
/// They need not sum to 1: the fused value is divided by the sum of the weights of
/// the signals present, so an utterance without voice features uses text and context only.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FusionWeights {
    /// Weight of the text sentiment score. Default 0.60.
    pub text: f64,
    /// Weight of the voice valence (minus the stress level). Default 0.25.
    pub voice: f64,
    /// Weight of the context valence (resolution progress against repetitions and hold). Default 0.15.
    pub context: f64,
}

impl Default for FusionWeights {
    fn default() -> Self {
        FusionWeights {
            text: 0.60,
            voice: 0.25,
            context: 0.15,
        }
    }
}

/// Weights of the escalation-risk logit (see [`super::fusion`]): risk = 1 / (1 + e^(−z)),
/// z = `intercept` + Σ weight · feature over the [`super::fusion::RiskFeatures`]. Each
/// weighted term is reported in `state.risk_drivers`. The risk factors' weights must be
/// non-negative and the resolution weight non-positive, so every driver pushes the way its
/// name says. The defaults are documented in `docs/realtime.md` with how they were chosen;
/// [`RiskWeights::HAND_SET`] keeps the first, hand-set ones for comparison.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskWeights {
    /// Constant term of the logit (the risk of a calm call is 1 / (1 + e^(−intercept))).
    pub intercept: f64,
    /// Weight of max(0, −current sentiment).
    pub negative_sentiment: f64,
    /// Weight of the smoothed anger.
    pub anger: f64,
    /// Weight of the smoothed frustration.
    pub frustration: f64,
    /// Weight of the smoothed voice stress.
    pub voice_stress: f64,
    /// Weight of min(1, repetitions / 3).
    pub repetition: f64,
    /// Weight of min(1, hold / 5 min).
    pub hold: f64,
    /// Weight of min(1, escalation requests).
    pub escalation_request: f64,
    /// Weight (at most 0) of the resolution progress.
    pub resolution: f64,
}

impl RiskWeights {
    /// The weights first set by hand (before any fitting), kept for comparison:
    /// z = −3 + 2.0·negative sentiment + 1.5·anger + 1.0·frustration + 1.0·stress
    /// + 0.8·repetition + 0.6·hold + 1.2·escalation request − 1.5·progress.
    pub const HAND_SET: RiskWeights = RiskWeights {
        intercept: -3.0,
        negative_sentiment: 2.0,
        anger: 1.5,
        frustration: 1.0,
        voice_stress: 1.0,
        repetition: 0.8,
        hold: 0.6,
        escalation_request: 1.2,
        resolution: -1.5,
    };

    /// Every weight 0 (risk 0.5 everywhere): the base for weights that score a few
    /// features alone, e.g. `RiskWeights { anger: 1.0, ..RiskWeights::ZERO }`.
    pub const ZERO: RiskWeights = RiskWeights {
        intercept: 0.0,
        negative_sentiment: 0.0,
        anger: 0.0,
        frustration: 0.0,
        voice_stress: 0.0,
        repetition: 0.0,
        hold: 0.0,
        escalation_request: 0.0,
        resolution: 0.0,
    };

    /// The default weights: fitted to simulated calls by
    /// `cargo run -p aybiza-analytics --example fit_escalation_risk` (a logistic regression of
    /// "escalates within the next 4 utterances", `docs/realtime.md`), rounded to 3 decimals.
    /// They beat [`RiskWeights::HAND_SET`] on held-out simulated calls; the labels are
    /// simulated, so a host with labelled calls of its own should refit them
    /// ([`super::risk_fit::fit`]). Voice stress, repetition and negative sentiment get 0: on
    /// those calls they add nothing to anger and frustration.
    pub const FITTED: RiskWeights = RiskWeights {
        intercept: -4.760,
        negative_sentiment: 0.0,
        anger: 7.471,
        frustration: 6.089,
        voice_stress: 0.0,
        repetition: 0.0,
        hold: 0.590,
        escalation_request: 2.727,
        resolution: -2.197,
    };

    /// The risk factors' weights by name, in the order of [`super::fusion::RiskFeatures`] (resolution last).
    pub fn named(&self) -> [(&'static str, f64); 8] {
        [
            ("negative_sentiment", self.negative_sentiment),
            ("anger", self.anger),
            ("frustration", self.frustration),
            ("voice_stress", self.voice_stress),
            ("repetition", self.repetition),
            ("hold", self.hold),
            ("escalation_request", self.escalation_request),
            ("resolution", self.resolution),
        ]
    }

    /// Checks that every weight is finite and points the documented way.
    pub fn validate(&self) -> Result<(), RealtimeError> {
        let invalid = |message: String| Err(RealtimeError::InvalidConfig(message));
        if !self.intercept.is_finite() {
            return invalid(format!(
                "risk weight intercept must be finite, got {}",
                self.intercept
            ));
        }
        for (name, value) in self.named() {
            let ok = if name == "resolution" {
                value <= 0.0
            } else {
                value >= 0.0
            };
            if !(value.is_finite() && ok) {
                let domain = if name == "resolution" {
                    "finite and at most 0"
                } else {
                    "finite and non-negative"
                };
                return invalid(format!("risk weight {name} must be {domain}, got {value}"));
            }
        }
        Ok(())
    }
}

impl Default for RiskWeights {
    /// [`RiskWeights::FITTED`].
    fn default() -> Self {
        RiskWeights::FITTED
    }
}

/// Thresholds turning the fused state into recommendations (see [`super::recommend`]).
/// The tone thresholds are those of the design (frustration 0.7, confusion 0.6, satisfaction 0.8).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecommendationThresholds {
    /// Frustration (the larger of frustrated and angry) above which the tone is apologetic-understanding. Default 0.7.
    pub frustration: f64,
    /// Confusion above which the tone is patient-explanatory. Default 0.6.
    pub confusion: f64,
    /// Satisfaction estimate above which the tone is friendly-efficient. Default 0.8.
    pub satisfaction: f64,
    /// Confusion or voice stress at or above which the agent should slow down. Default 0.5.
    pub slow_down: f64,
    /// Customer energy at or above which a calm, unconfused customer is matched with a brisker pace. Default 0.7.
    pub speed_up_energy: f64,
    /// Escalation risk at or above which the warning level is `watch`. Default 0.4.
    pub escalation_watch: f64,
    /// Escalation risk at or above which the warning level is `warning` and the next action is to escalate. Default 0.6.
    pub escalation_warning: f64,
    /// Customer repetitions at or above which the next action is to acknowledge and apologize. Default 2.
    pub repetitions: u32,
    /// Hold time in milliseconds at or above which the next action is to thank the customer for holding and update them. Default 60 000.
    pub hold_ms: u64,
    /// Resolution progress at or above which the next action is to confirm the resolution. Default 0.7.
    pub resolution: f64,
}

impl Default for RecommendationThresholds {
    fn default() -> Self {
        RecommendationThresholds {
            frustration: 0.7,
            confusion: 0.6,
            satisfaction: 0.8,
            slow_down: 0.5,
            speed_up_energy: 0.7,
            escalation_watch: 0.4,
            escalation_warning: 0.6,
            repetitions: 2,
            hold_ms: 60_000,
            resolution: 0.7,
        }
    }
}

/// The fewest journey points a call may keep: downsampling needs room for one point per
/// speaker (three) plus the one being added.
pub const MIN_JOURNEY_POINTS: usize = 4;

/// Configuration of [`super::CallSession`] and [`super::LiveCallTracker`].
/// Deserializes from partial JSON: missing fields take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RealtimeConfig {
    /// Longest accepted utterance text in bytes of UTF-8. Default 4 096.
    pub max_text_bytes: usize,
    /// Most sentiment-journey points kept per call (16 bytes each), at least 4. A call with more
    /// utterances has its journey downsampled in time (per speaker, the mean of each time
    /// bucket; see `docs/realtime.md`), so memory stays bounded however long the call. Default 64.
    pub max_journey_points: usize,
    /// Utterances of a speaker needed before their baseline is used for z-scores. Default 2.
    pub baseline_min_utterances: u32,
    /// Token-set (Jaccard) similarity with a recent customer turn at or above which a
    /// customer turn counts as a repetition. Default 0.6.
    pub repetition_similarity: f64,
    /// Overlap coefficient with the previous two turns below which a turn starts a new topic. Default 0.1.
    pub topic_change_overlap: f64,
    /// Content words a turn needs to count as a repetition or a topic change. Default 3.
    pub min_content_words: usize,
    /// Gap between utterances from which it counts as silence, in milliseconds. Default 1 500.
    pub silence_min_ms: u64,
    /// Gap between utterances from which it counts as hold rather than silence, in milliseconds. Default 20 000.
    pub hold_min_ms: u64,
    /// Smoothing factor (exponential moving average) of the customer's current sentiment,
    /// emotions and stress when they improve or for positive emotions. Default 0.4.
    pub smoothing: f64,
    /// Smoothing factor when they worsen (sentiment falls; frustration, anger, confusion or
    /// stress rise), so that an outburst registers at once and calm returns gradually. Default 0.7.
    pub attack: f64,
    /// Weights of text, voice and context in the fused sentiment.
    pub weights: FusionWeights,
    /// Weights of the escalation-risk logit.
    pub risk_weights: RiskWeights,
    /// Recommendation thresholds.
    pub thresholds: RecommendationThresholds,
    /// Number of mutex-guarded shards of [`super::LiveCallTracker`]. Default 64.
    pub shards: usize,
    /// Seconds without an utterance after which [`super::LiveCallTracker::evict_idle`] ends a call. Default 900.
    pub idle_timeout_secs: u64,
    /// Recently ended calls remembered so that late utterances get [`RealtimeError::CallEnded`]
    /// rather than [`RealtimeError::UnknownCall`]. Default 4 096.
    pub ended_memory: usize,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        RealtimeConfig {
            max_text_bytes: 4096,
            max_journey_points: 64,
            baseline_min_utterances: 2,
            repetition_similarity: 0.6,
            topic_change_overlap: 0.1,
            min_content_words: 3,
            silence_min_ms: 1_500,
            hold_min_ms: 20_000,
            smoothing: 0.4,
            attack: 0.7,
            weights: FusionWeights::default(),
            risk_weights: RiskWeights::default(),
            thresholds: RecommendationThresholds::default(),
            shards: 64,
            idle_timeout_secs: 900,
            ended_memory: 4096,
        }
    }
}

impl RealtimeConfig {
    /// Checks every value against its documented domain.
    pub fn validate(&self) -> Result<(), RealtimeError> {
        let unit = |name: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(RealtimeError::InvalidConfig(format!(
                    "{name} must be in [0, 1], got {value}"
                )))
            }
        };
        let positive = |name: &str, value: usize| {
            if value > 0 {
                Ok(())
            } else {
                Err(RealtimeError::InvalidConfig(format!(
                    "{name} must be positive"
                )))
            }
        };
        positive("max_text_bytes", self.max_text_bytes)?;
        positive("shards", self.shards)?;
        positive("min_content_words", self.min_content_words)?;
        if self.max_journey_points < MIN_JOURNEY_POINTS {
            return Err(RealtimeError::InvalidConfig(format!(
                "max_journey_points must be at least {MIN_JOURNEY_POINTS}, got {}",
                self.max_journey_points
            )));
        }
        unit("repetition_similarity", self.repetition_similarity)?;
        unit("topic_change_overlap", self.topic_change_overlap)?;
        for (name, value) in [("smoothing", self.smoothing), ("attack", self.attack)] {
            if !(value > 0.0 && value <= 1.0) {
                return Err(RealtimeError::InvalidConfig(format!(
                    "{name} must be in (0, 1], got {value}"
                )));
            }
        }
        let w = &self.weights;
        for (name, value) in [("text", w.text), ("voice", w.voice), ("context", w.context)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(RealtimeError::InvalidConfig(format!(
                    "weight {name} must be finite and non-negative, got {value}"
                )));
            }
        }
        if w.text + w.context <= 0.0 {
            return Err(RealtimeError::InvalidConfig(
                "text and context weights cannot both be zero".into(),
            ));
        }
        self.risk_weights.validate()?;
        let t = &self.thresholds;
        for (name, value) in [
            ("frustration", t.frustration),
            ("confusion", t.confusion),
            ("satisfaction", t.satisfaction),
            ("slow_down", t.slow_down),
            ("speed_up_energy", t.speed_up_energy),
            ("escalation_watch", t.escalation_watch),
            ("escalation_warning", t.escalation_warning),
            ("resolution", t.resolution),
        ] {
            unit(name, value)?;
        }
        if t.escalation_watch > t.escalation_warning {
            return Err(RealtimeError::InvalidConfig(
                "escalation_watch must not exceed escalation_warning".into(),
            ));
        }
        if self.silence_min_ms > self.hold_min_ms {
            return Err(RealtimeError::InvalidConfig(
                "silence_min_ms must not exceed hold_min_ms".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_weights_default_to_the_fitted_ones_and_override_field_by_field() {
        assert_eq!(RealtimeConfig::default().risk_weights, RiskWeights::FITTED);
        RiskWeights::FITTED.validate().unwrap();
        RiskWeights::HAND_SET.validate().unwrap();
        let config: RealtimeConfig =
            serde_json::from_str(r#"{"risk_weights": {"intercept": -3.0, "voice_stress": 1.0}}"#)
                .unwrap();
        assert_eq!(
            config.risk_weights,
            RiskWeights {
                intercept: -3.0,
                voice_stress: 1.0,
                ..RiskWeights::FITTED
            }
        );
        config.validate().unwrap();
        assert!(
            serde_json::from_str::<RealtimeConfig>(r#"{"risk_weights": {"mood": 1}}"#).is_err()
        );
    }
}
