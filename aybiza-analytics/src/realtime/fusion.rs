//! Fusion of text, voice and context into the per-call state.
//!
//! Per utterance (any speaker), with the [`super::FusionWeights`] w (defaults text 0.60,
//! voice 0.25, context 0.15):
//!
//! * voice valence = −stress (voice tells of strain, not of delight);
//! * context valence = clamp(0.6·progress − 0.4·min(1, repetitions/3) − 0.3·min(1, hold/5 min)
//!   − 0.3·[escalation request in this turn], −1, 1);
//! * **fused score** = (w_text·text + w_voice·voice + w_context·context) / (sum of the weights
//!   of the signals present), in [−1, 1]. Every utterance's fused score is a journey point.
//!
//! The customer's state is smoothed with an exponential moving average x ← x + α·(v − x)
//! whose α is `attack` (default 0.7) when the value worsens (sentiment falls; frustration,
//! anger, confusion or stress rise) and `smoothing` (default 0.4) otherwise, so an outburst
//! registers at once and calm returns over a few turns; the first customer turn initializes:
//!
//! * **current sentiment** = EMA of the customer's fused scores (0 until the customer speaks);
//! * **emotions** = EMA of the text emotions, with frustrated + 0.3·stress + 0.2·\[repetition\]
//!   and angry + 0.2·stress when the text is negative (each clamped to [0, 1]);
//! * **stress** = EMA of voice stress; **energy** = EMA (α = `smoothing`) of voice energy (0.5 until measured);
//! * **resolution progress** (in [0, 1]): +0.2 per agent/bot resolution cue; per customer turn
//!   +0.4·satisfied when the text is positive, −0.15 on a repetition, −0.1·|score| when the
//!   score is below −0.3;
//! * **satisfaction estimate** = clamp(0.5 + 0.35·current + 0.25·progress + 0.1·satisfied
//!   − 0.1·min(1, repetitions/3) − 0.1·min(1, hold/5 min), 0, 1);
//! * **escalation risk** = 1 / (1 + e^(−z)), z = intercept + Σ w_i·f_i over the
//!   [`RiskFeatures`] f (max(0, −current), angry, frustrated, stress, min(1, repetitions/3),
//!   min(1, hold/5 min), min(1, escalation requests), progress) with the
//!   [`super::RiskWeights`] w of the configuration; each w_i·f_i is a [`RiskDrivers`] term.

use serde::{Deserialize, Serialize};

use super::context::{ContextSignals, ContextState};
use super::voice::VoiceSignals;
use super::{RealtimeConfig, RiskWeights};
use crate::model::Speaker;
use crate::sentiment::{Emotions, Sentiment, SentimentLabel};

/// Hold time at which the hold terms saturate, in milliseconds (5 minutes).
const HOLD_SATURATION_MS: f64 = 300_000.0;
/// Repetitions at which the repetition terms saturate.
const REPETITION_SATURATION: f64 = 3.0;

/// The inputs of the escalation-risk logit before weighting, each in [0, 1]: what the call's
/// state says at one moment. [`RiskFeatures::of`] derives them from a [`CallState`], so a
/// replay can score the same moment under other [`RiskWeights`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskFeatures {
    /// max(0, −current sentiment).
    pub negative_sentiment: f64,
    /// The smoothed anger.
    pub anger: f64,
    /// The smoothed frustration.
    pub frustration: f64,
    /// The smoothed voice stress.
    pub voice_stress: f64,
    /// min(1, repetitions / 3).
    pub repetition: f64,
    /// min(1, hold / 5 min).
    pub hold: f64,
    /// min(1, escalation requests).
    pub escalation_request: f64,
    /// Resolution progress.
    pub resolution: f64,
}

impl RiskFeatures {
    /// The features of a customer state (current sentiment, emotions, stress) in a context.
    fn from_parts(current: f64, emotions: &Emotions, stress: f64, context: &ContextState) -> Self {
        RiskFeatures {
            negative_sentiment: (-current).max(0.0),
            anger: emotions.angry,
            frustration: emotions.frustrated,
            voice_stress: stress,
            repetition: (f64::from(context.repetitions) / REPETITION_SATURATION).min(1.0),
            hold: (context.hold_ms as f64 / HOLD_SATURATION_MS).min(1.0),
            escalation_request: f64::from(context.escalation_requests).min(1.0),
            resolution: context.resolution_progress,
        }
    }

    /// The features behind `state`'s escalation risk.
    pub fn of(state: &CallState) -> Self {
        Self::from_parts(
            state.current_sentiment,
            &state.emotions,
            state.stress,
            &state.context,
        )
    }

    /// The features in the order of [`RiskWeights::named`].
    pub fn values(&self) -> [f64; 8] {
        [
            self.negative_sentiment,
            self.anger,
            self.frustration,
            self.voice_stress,
            self.repetition,
            self.hold,
            self.escalation_request,
            self.resolution,
        ]
    }

    /// Each feature times its weight.
    pub fn drivers(&self, w: &RiskWeights) -> RiskDrivers {
        RiskDrivers {
            negative_sentiment: w.negative_sentiment * self.negative_sentiment,
            anger: w.anger * self.anger,
            frustration: w.frustration * self.frustration,
            voice_stress: w.voice_stress * self.voice_stress,
            repetition: w.repetition * self.repetition,
            hold: w.hold * self.hold,
            escalation_request: w.escalation_request * self.escalation_request,
            resolution: w.resolution * self.resolution,
        }
    }

    /// The escalation risk these features give under `weights`.
    pub fn risk(&self, weights: &RiskWeights) -> f64 {
        self.drivers(weights).risk(weights.intercept)
    }
}

/// Each term of the escalation-risk logit (feature times its [`RiskWeights`] weight), so a
/// host can show why. The resolution term is at most 0, the others at least 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskDrivers {
    /// Weighted max(0, −current sentiment).
    pub negative_sentiment: f64,
    /// Weighted anger.
    pub anger: f64,
    /// Weighted frustration.
    pub frustration: f64,
    /// Weighted voice stress.
    pub voice_stress: f64,
    /// Weighted min(1, repetitions / 3).
    pub repetition: f64,
    /// Weighted min(1, hold / 5 min).
    pub hold: f64,
    /// Weighted min(1, escalation requests).
    pub escalation_request: f64,
    /// Weighted resolution progress (at most 0).
    pub resolution: f64,
}

impl RiskDrivers {
    /// 1 / (1 + e^(−z)) with z = `intercept` + the sum of the terms.
    fn risk(&self, intercept: f64) -> f64 {
        let z = intercept
            + self.negative_sentiment
            + self.anger
            + self.frustration
            + self.voice_stress
            + self.repetition
            + self.hold
            + self.escalation_request
            + self.resolution;
        1.0 / (1.0 + (-z).exp())
    }
}

/// The strongest emotion of the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DominantEmotion {
    /// No emotion reaches 0.3.
    Calm,
    /// Frustration is the strongest.
    Frustrated,
    /// Anger is the strongest.
    Angry,
    /// Confusion is the strongest.
    Confused,
    /// Satisfaction is the strongest.
    Satisfied,
    /// Happiness is the strongest.
    Happy,
}

impl DominantEmotion {
    /// The strongest of `e` at or above 0.3, or calm.
    pub fn of(e: &Emotions) -> Self {
        let ranked = [
            (e.angry, DominantEmotion::Angry),
            (e.frustrated, DominantEmotion::Frustrated),
            (e.confused, DominantEmotion::Confused),
            (e.satisfied, DominantEmotion::Satisfied),
            (e.happy, DominantEmotion::Happy),
        ];
        ranked
            .into_iter()
            .filter(|(v, _)| *v >= 0.3)
            .fold(None, |best: Option<(f64, Self)>, (v, d)| match best {
                Some((b, _)) if b >= v => best,
                _ => Some((v, d)),
            })
            .map_or(DominantEmotion::Calm, |(_, d)| d)
    }
}

/// The fused per-call state as the host sees it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CallState {
    /// The customer's current sentiment in [−1, 1].
    pub current_sentiment: f64,
    /// Label of the current sentiment.
    pub label: SentimentLabel,
    /// The customer's emotion state, each in [0, 1].
    pub emotions: Emotions,
    /// The strongest emotion.
    pub dominant_emotion: DominantEmotion,
    /// The customer's smoothed voice stress in [0, 1].
    pub stress: f64,
    /// The customer's smoothed voice energy in [0, 1].
    pub energy: f64,
    /// Satisfaction estimate in [0, 1].
    pub satisfaction: f64,
    /// Escalation risk in [0, 1].
    pub escalation_risk: f64,
    /// Highest escalation risk so far.
    pub peak_escalation_risk: f64,
    /// The terms of the escalation-risk logit.
    pub risk_drivers: RiskDrivers,
    /// Conversation context.
    pub context: ContextState,
    /// Utterances accepted so far.
    pub utterances: u32,
}

/// The fusion part of a session's state (fixed-size).
#[derive(Debug, Clone, Copy, Default)]
pub struct Fusion {
    customer_seen: bool,
    current: f64,
    emotions: Emotions,
    stress: f64,
    energy: Option<f64>,
    peak_risk: f64,
}

fn ema(previous: f64, value: f64, alpha: f64, first: bool) -> f64 {
    if first {
        value
    } else {
        previous + alpha * (value - previous)
    }
}

/// Smoothing factors: `attack` when a value worsens, `release` otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Smoothing {
    /// α when the value worsens.
    pub attack: f64,
    /// α when it improves.
    pub release: f64,
}

impl Smoothing {
    /// The factors of `config`.
    pub fn of(config: &RealtimeConfig) -> Self {
        Smoothing {
            attack: config.attack,
            release: config.smoothing,
        }
    }

    /// EMA step for a value where higher is worse.
    fn rising_is_worse(&self, previous: f64, value: f64, first: bool) -> f64 {
        let alpha = if value > previous {
            self.attack
        } else {
            self.release
        };
        ema(previous, value, alpha, first)
    }

    /// EMA step for a value where lower is worse.
    fn falling_is_worse(&self, previous: f64, value: f64, first: bool) -> f64 {
        let alpha = if value < previous {
            self.attack
        } else {
            self.release
        };
        ema(previous, value, alpha, first)
    }
}

fn unit(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

impl Fusion {
    /// The context valence of a turn (see the module documentation).
    pub fn context_valence(context: &ContextState, signals: &ContextSignals) -> f64 {
        (0.6 * context.resolution_progress
            - 0.4 * (f64::from(context.repetitions) / REPETITION_SATURATION).min(1.0)
            - 0.3 * (context.hold_ms as f64 / HOLD_SATURATION_MS).min(1.0)
            - if signals.escalation_request { 0.3 } else { 0.0 })
        .clamp(-1.0, 1.0)
    }

    /// The fused score of one utterance.
    pub fn fused_score(
        text: f64,
        voice: Option<&VoiceSignals>,
        context_valence: f64,
        config: &RealtimeConfig,
    ) -> f64 {
        let w = &config.weights;
        let (mut sum, mut total) = (
            w.text * text + w.context * context_valence,
            w.text + w.context,
        );
        if let Some(v) = voice {
            sum += w.voice * -v.stress;
            total += w.voice;
        }
        (sum / total).clamp(-1.0, 1.0)
    }

    /// The new resolution progress after a turn.
    pub fn resolution_progress(
        previous: f64,
        speaker: Speaker,
        text: &Sentiment,
        signals: &ContextSignals,
    ) -> f64 {
        let mut progress = previous;
        if speaker == Speaker::Customer {
            if text.score > 0.0 {
                progress += 0.4 * text.emotions.satisfied;
            }
            if signals.repetition {
                progress -= 0.15;
            }
            if text.score < -0.3 {
                progress -= 0.1 * text.score.abs();
            }
        } else if signals.resolution_cue {
            progress += 0.2;
        }
        unit(progress)
    }

    /// Folds one utterance into the state; only customer turns move the customer's state.
    pub fn observe(
        &mut self,
        speaker: Speaker,
        fused: f64,
        text: &Sentiment,
        voice: Option<&VoiceSignals>,
        signals: &ContextSignals,
        smoothing: Smoothing,
    ) {
        if speaker != Speaker::Customer {
            return;
        }
        let first = !self.customer_seen;
        self.customer_seen = true;
        let k = smoothing;
        self.current = k.falling_is_worse(self.current, fused, first);
        let stress = voice.map_or(0.0, |v| v.stress);
        let repetition = if signals.repetition { 1.0 } else { 0.0 };
        let t = &text.emotions;
        let input = Emotions {
            frustrated: unit(t.frustrated + 0.3 * stress + 0.2 * repetition),
            angry: unit(t.angry + if text.score < 0.0 { 0.2 * stress } else { 0.0 }),
            confused: t.confused,
            satisfied: t.satisfied,
            happy: t.happy,
        };
        let e = &mut self.emotions;
        e.frustrated = k.rising_is_worse(e.frustrated, input.frustrated, first);
        e.angry = k.rising_is_worse(e.angry, input.angry, first);
        e.confused = k.rising_is_worse(e.confused, input.confused, first);
        e.satisfied = ema(e.satisfied, input.satisfied, k.release, first);
        e.happy = ema(e.happy, input.happy, k.release, first);
        if let Some(v) = voice {
            self.stress = k.rising_is_worse(self.stress, v.stress, first);
            self.energy = Some(
                self.energy
                    .map_or(v.energy, |old| ema(old, v.energy, k.release, false)),
            );
        }
    }

    /// The state as the host sees it, computing satisfaction and escalation risk; records the peak risk.
    pub fn snapshot(
        &mut self,
        context: &ContextState,
        utterances: u32,
        weights: &RiskWeights,
    ) -> CallState {
        let state = self.peek(context, utterances, weights);
        self.peak_risk = self.peak_risk.max(state.escalation_risk);
        CallState {
            peak_escalation_risk: self.peak_risk,
            ..state
        }
    }

    /// The state without recording the peak risk.
    pub fn peek(
        &self,
        context: &ContextState,
        utterances: u32,
        weights: &RiskWeights,
    ) -> CallState {
        let e = &self.emotions;
        let features = RiskFeatures::from_parts(self.current, e, self.stress, context);
        let satisfaction = unit(
            0.5 + 0.35 * self.current + 0.25 * features.resolution + 0.1 * e.satisfied
                - 0.1 * features.repetition
                - 0.1 * features.hold,
        );
        let drivers = features.drivers(weights);
        let risk = drivers.risk(weights.intercept);
        CallState {
            current_sentiment: self.current,
            label: SentimentLabel::from_score(self.current),
            emotions: *e,
            dominant_emotion: DominantEmotion::of(e),
            stress: self.stress,
            energy: self.energy.unwrap_or(0.5),
            satisfaction,
            escalation_risk: risk,
            peak_escalation_risk: self.peak_risk.max(risk),
            risk_drivers: drivers,
            context: *context,
            utterances,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::context::ConversationContext;

    fn sentiment(score: f64, emotions: Emotions) -> Sentiment {
        Sentiment {
            score,
            label: SentimentLabel::from_score(score),
            intensity: score.abs(),
            emotions,
            urgency: 0.0,
        }
    }

    fn signals() -> ContextSignals {
        ContextSignals {
            repetition: false,
            similarity: 0.0,
            topic_change: false,
            resolution_cue: false,
            escalation_request: false,
            gap_ms: 0,
            gap_kind: crate::realtime::context::GapKind::None,
        }
    }

    #[test]
    fn fused_score_renormalizes_over_present_signals() {
        let config = RealtimeConfig::default();
        assert!(
            (Fusion::fused_score(-0.8, None, 0.0, &config) - (-0.8 * 0.6 / 0.75)).abs() < 1e-12
        );
        let voice = VoiceSignals {
            stress: 1.0,
            energy: 0.5,
            features_present: 5,
            baseline_ready: true,
        };
        let fused = Fusion::fused_score(-0.8, Some(&voice), 0.0, &config);
        assert!((fused - (-0.48 - 0.25) / 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_calm_call_has_low_risk_and_an_angry_one_high() {
        let context = ConversationContext::default();
        let mut calm = Fusion::default();
        let state = calm.snapshot(context.state(), 0, &RiskWeights::HAND_SET);
        assert!((state.escalation_risk - 1.0 / (1.0 + 3f64.exp())).abs() < 1e-12);
        assert_eq!(state.dominant_emotion, DominantEmotion::Calm);
        assert!((state.satisfaction - 0.5).abs() < 1e-12);

        let mut angry = Fusion::default();
        let text = sentiment(
            -0.8,
            Emotions {
                frustrated: 0.8,
                angry: 0.7,
                ..Emotions::default()
            },
        );
        let voice = VoiceSignals {
            stress: 0.8,
            energy: 0.9,
            features_present: 5,
            baseline_ready: true,
        };
        for _ in 0..3 {
            let fused =
                Fusion::fused_score(text.score, Some(&voice), 0.0, &RealtimeConfig::default());
            angry.observe(
                Speaker::Customer,
                fused,
                &text,
                Some(&voice),
                &signals(),
                Smoothing::of(&RealtimeConfig::default()),
            );
        }
        let state = angry.snapshot(context.state(), 3, &RiskWeights::HAND_SET);
        assert!(
            state.escalation_risk > 0.7,
            "risk {}",
            state.escalation_risk
        );
        assert!(state.satisfaction < 0.4);
        assert_eq!(state.peak_escalation_risk, state.escalation_risk);
        assert!(matches!(
            state.dominant_emotion,
            DominantEmotion::Frustrated | DominantEmotion::Angry
        ));
    }

    #[test]
    fn agent_turns_do_not_move_the_customer_state() {
        let mut fusion = Fusion::default();
        let text = sentiment(
            -0.9,
            Emotions {
                angry: 0.9,
                ..Emotions::default()
            },
        );
        fusion.observe(
            Speaker::Agent,
            -0.9,
            &text,
            None,
            &signals(),
            Smoothing::of(&RealtimeConfig::default()),
        );
        let state = fusion.peek(
            ConversationContext::default().state(),
            1,
            &RiskWeights::default(),
        );
        assert_eq!(state.current_sentiment, 0.0);
        assert_eq!(state.emotions.angry, 0.0);
    }

    #[test]
    fn resolution_progress_moves_with_cues_satisfaction_and_repetition() {
        let happy = sentiment(
            0.8,
            Emotions {
                satisfied: 0.9,
                ..Emotions::default()
            },
        );
        let neutral = sentiment(0.0, Emotions::default());
        let mut cue = signals();
        cue.resolution_cue = true;
        let p = Fusion::resolution_progress(0.0, Speaker::Agent, &neutral, &cue);
        assert!((p - 0.2).abs() < 1e-12);
        let p = Fusion::resolution_progress(p, Speaker::Customer, &happy, &signals());
        assert!((p - 0.56).abs() < 1e-12);
        let mut rep = signals();
        rep.repetition = true;
        let p = Fusion::resolution_progress(p, Speaker::Customer, &neutral, &rep);
        assert!((p - 0.41).abs() < 1e-12);
        assert_eq!(
            Fusion::resolution_progress(0.95, Speaker::Agent, &neutral, &cue),
            1.0
        );
    }
}
