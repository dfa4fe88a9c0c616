//! Agent recommendations from the fused state, with the thresholds of
//! [`super::RecommendationThresholds`].
//!
//! * **Tone** (the design's rule, first match): frustration = max(frustrated, angry) above
//!   `frustration` (0.7) → apologetic-understanding; confused above `confusion` (0.6) →
//!   patient-explanatory; satisfaction estimate above `satisfaction` (0.8) → friendly-efficient;
//!   otherwise professional-neutral.
//! * **Pacing**: slow down when confused or voice stress is at least `slow_down` (0.5);
//!   speed up when the customer's energy is at least `speed_up_energy` (0.7) with frustration
//!   and confusion below 0.3; otherwise keep the pace.
//! * **Empathy level** in [0, 1] = clamp(0.6·frustration + 0.2·stress + 0.2·max(0, −current), 0, 1);
//!   named low below 1/3, high from 2/3, medium between.
//! * **Next best action** (first match): escalate when risk ≥ `escalation_warning` (0.6);
//!   acknowledge and apologize when repetitions ≥ `repetitions` (2) or frustration above
//!   `frustration`; clarify and confirm when confusion above `confusion`; thank for holding and
//!   update when hold ≥ `hold_ms` (60 s) and the last turn followed a hold; confirm the resolution
//!   when progress ≥ `resolution` (0.7); otherwise continue resolving.
//! * **Escalation warning**: none below `escalation_watch` (0.4), watch below `escalation_warning`,
//!   warning from there.

use serde::{Deserialize, Serialize};

use super::RecommendationThresholds;
use super::context::{ContextSignals, GapKind};
use super::fusion::CallState;

/// The tone the agent should take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// The customer is frustrated or angry: apologize and show understanding.
    ApologeticUnderstanding,
    /// The customer is confused: explain patiently, step by step.
    PatientExplanatory,
    /// The customer is satisfied: stay friendly and efficient.
    FriendlyEfficient,
    /// Nothing stands out.
    ProfessionalNeutral,
}

/// How the agent should pace their speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pacing {
    /// Slow down (confused or stressed customer).
    SlowDown,
    /// Keep the current pace.
    Maintain,
    /// Be brisker (energetic, untroubled customer).
    SpeedUp,
}

/// Named band of the empathy level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmpathyBand {
    /// Below 1/3.
    Low,
    /// From 1/3 to below 2/3.
    Medium,
    /// From 2/3.
    High,
}

/// What the agent should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextBestAction {
    /// Offer a supervisor or a higher tier.
    EscalateToSupervisor,
    /// Acknowledge the problem and apologize before continuing.
    AcknowledgeAndApologize,
    /// Clarify what the customer needs and confirm understanding.
    ClarifyAndConfirm,
    /// Thank the customer for holding and give an update.
    ThankForHoldingAndUpdate,
    /// Confirm the issue is resolved and offer further help.
    ConfirmResolution,
    /// Continue resolving the issue.
    ContinueResolution,
}

/// Escalation warning level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationWarning {
    /// Risk below the watch threshold.
    None,
    /// Risk between the watch and warning thresholds.
    Watch,
    /// Risk at or above the warning threshold.
    Warning,
}

impl Tone {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::ApologeticUnderstanding => "apologetic_understanding",
            Tone::PatientExplanatory => "patient_explanatory",
            Tone::FriendlyEfficient => "friendly_efficient",
            Tone::ProfessionalNeutral => "professional_neutral",
        }
    }
}

impl Pacing {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Pacing::SlowDown => "slow_down",
            Pacing::Maintain => "maintain",
            Pacing::SpeedUp => "speed_up",
        }
    }
}

impl EmpathyBand {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EmpathyBand::Low => "low",
            EmpathyBand::Medium => "medium",
            EmpathyBand::High => "high",
        }
    }
}

impl NextBestAction {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NextBestAction::EscalateToSupervisor => "escalate_to_supervisor",
            NextBestAction::AcknowledgeAndApologize => "acknowledge_and_apologize",
            NextBestAction::ClarifyAndConfirm => "clarify_and_confirm",
            NextBestAction::ThankForHoldingAndUpdate => "thank_for_holding_and_update",
            NextBestAction::ConfirmResolution => "confirm_resolution",
            NextBestAction::ContinueResolution => "continue_resolution",
        }
    }
}

impl EscalationWarning {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationWarning::None => "none",
            EscalationWarning::Watch => "watch",
            EscalationWarning::Warning => "warning",
        }
    }
}

/// Recommendations for the agent after one utterance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Recommendations {
    /// Tone adjustment.
    pub tone: Tone,
    /// Pacing.
    pub pacing: Pacing,
    /// Empathy level in [0, 1].
    pub empathy_level: f64,
    /// Band of the empathy level.
    pub empathy: EmpathyBand,
    /// Next best action.
    pub next_best_action: NextBestAction,
    /// Escalation warning level.
    pub escalation_warning: EscalationWarning,
    /// The escalation risk the warning is based on.
    pub escalation_risk: f64,
}

/// The recommendations for `state` after a turn with `signals`.
pub fn recommend(
    state: &CallState,
    signals: &ContextSignals,
    t: &RecommendationThresholds,
) -> Recommendations {
    let e = &state.emotions;
    let frustration = e.frustrated.max(e.angry);
    let tone = if frustration > t.frustration {
        Tone::ApologeticUnderstanding
    } else if e.confused > t.confusion {
        Tone::PatientExplanatory
    } else if state.satisfaction > t.satisfaction {
        Tone::FriendlyEfficient
    } else {
        Tone::ProfessionalNeutral
    };
    let pacing = if e.confused >= t.slow_down || state.stress >= t.slow_down {
        Pacing::SlowDown
    } else if state.energy >= t.speed_up_energy && frustration < 0.3 && e.confused < 0.3 {
        Pacing::SpeedUp
    } else {
        Pacing::Maintain
    };
    let empathy_level =
        (0.6 * frustration + 0.2 * state.stress + 0.2 * (-state.current_sentiment).max(0.0))
            .clamp(0.0, 1.0);
    let empathy = if empathy_level >= 2.0 / 3.0 {
        EmpathyBand::High
    } else if empathy_level >= 1.0 / 3.0 {
        EmpathyBand::Medium
    } else {
        EmpathyBand::Low
    };
    let risk = state.escalation_risk;
    let context = &state.context;
    let next_best_action = if risk >= t.escalation_warning {
        NextBestAction::EscalateToSupervisor
    } else if context.repetitions >= t.repetitions || frustration > t.frustration {
        NextBestAction::AcknowledgeAndApologize
    } else if e.confused > t.confusion {
        NextBestAction::ClarifyAndConfirm
    } else if context.hold_ms >= t.hold_ms && signals.gap_kind == GapKind::Hold {
        NextBestAction::ThankForHoldingAndUpdate
    } else if context.resolution_progress >= t.resolution {
        NextBestAction::ConfirmResolution
    } else {
        NextBestAction::ContinueResolution
    };
    let escalation_warning = if risk >= t.escalation_warning {
        EscalationWarning::Warning
    } else if risk >= t.escalation_watch {
        EscalationWarning::Watch
    } else {
        EscalationWarning::None
    };
    Recommendations {
        tone,
        pacing,
        empathy_level,
        empathy,
        next_best_action,
        escalation_warning,
        escalation_risk: risk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::RiskWeights;
    use crate::realtime::context::ConversationContext;
    use crate::realtime::fusion::Fusion;
    use crate::sentiment::Emotions;

    fn state(emotions: Emotions, risk_boost: impl Fn(&mut CallState)) -> CallState {
        let mut s = Fusion::default().peek(
            ConversationContext::default().state(),
            1,
            &RiskWeights::default(),
        );
        s.emotions = emotions;
        risk_boost(&mut s);
        s
    }

    fn quiet() -> ContextSignals {
        ContextSignals {
            repetition: false,
            similarity: 0.0,
            topic_change: false,
            resolution_cue: false,
            escalation_request: false,
            gap_ms: 0,
            gap_kind: GapKind::None,
        }
    }

    #[test]
    fn tone_follows_the_design_thresholds_in_order() {
        let t = RecommendationThresholds::default();
        let r = |e: Emotions, f: fn(&mut CallState)| recommend(&state(e, f), &quiet(), &t).tone;
        let none = |_: &mut CallState| {};
        assert_eq!(
            r(
                Emotions {
                    frustrated: 0.71,
                    confused: 0.9,
                    ..Default::default()
                },
                none
            ),
            Tone::ApologeticUnderstanding
        );
        assert_eq!(
            r(
                Emotions {
                    angry: 0.75,
                    ..Default::default()
                },
                none
            ),
            Tone::ApologeticUnderstanding
        );
        assert_eq!(
            r(
                Emotions {
                    frustrated: 0.7,
                    confused: 0.61,
                    ..Default::default()
                },
                none
            ),
            Tone::PatientExplanatory
        );
        assert_eq!(
            r(Emotions::default(), |s| s.satisfaction = 0.81),
            Tone::FriendlyEfficient
        );
        assert_eq!(
            r(Emotions::default(), |s| s.satisfaction = 0.8),
            Tone::ProfessionalNeutral
        );
    }

    #[test]
    fn next_action_and_warning_follow_risk_and_context() {
        let t = RecommendationThresholds::default();
        let high = state(Emotions::default(), |s| s.escalation_risk = 0.65);
        let r = recommend(&high, &quiet(), &t);
        assert_eq!(
            (r.next_best_action, r.escalation_warning),
            (
                NextBestAction::EscalateToSupervisor,
                EscalationWarning::Warning
            )
        );
        let watch = state(Emotions::default(), |s| s.escalation_risk = 0.45);
        assert_eq!(
            recommend(&watch, &quiet(), &t).escalation_warning,
            EscalationWarning::Watch
        );
        let repeated = state(Emotions::default(), |s| s.context.repetitions = 2);
        assert_eq!(
            recommend(&repeated, &quiet(), &t).next_best_action,
            NextBestAction::AcknowledgeAndApologize
        );
        let held = state(Emotions::default(), |s| s.context.hold_ms = 90_000);
        let mut after_hold = quiet();
        after_hold.gap_kind = GapKind::Hold;
        assert_eq!(
            recommend(&held, &after_hold, &t).next_best_action,
            NextBestAction::ThankForHoldingAndUpdate
        );
        assert_eq!(
            recommend(&held, &quiet(), &t).next_best_action,
            NextBestAction::ContinueResolution
        );
        let resolved = state(Emotions::default(), |s| s.context.resolution_progress = 0.8);
        assert_eq!(
            recommend(&resolved, &quiet(), &t).next_best_action,
            NextBestAction::ConfirmResolution
        );
    }

    #[test]
    fn pacing_and_empathy() {
        let t = RecommendationThresholds::default();
        let confused = state(
            Emotions {
                confused: 0.5,
                ..Default::default()
            },
            |_| {},
        );
        assert_eq!(recommend(&confused, &quiet(), &t).pacing, Pacing::SlowDown);
        let lively = state(Emotions::default(), |s| s.energy = 0.8);
        assert_eq!(recommend(&lively, &quiet(), &t).pacing, Pacing::SpeedUp);
        let upset = state(
            Emotions {
                frustrated: 1.0,
                ..Default::default()
            },
            |s| {
                s.stress = 1.0;
                s.current_sentiment = -1.0;
            },
        );
        let r = recommend(&upset, &quiet(), &t);
        assert!((r.empathy_level - 1.0).abs() < 1e-12);
        assert_eq!(r.empathy, EmpathyBand::High);
        assert_eq!(recommend(&lively, &quiet(), &t).empathy, EmpathyBand::Low);
    }

    #[test]
    fn names_are_the_json_names() {
        fn json<T: Serialize>(value: T) -> String {
            serde_json::to_value(value)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        }
        for value in [
            Tone::ApologeticUnderstanding,
            Tone::PatientExplanatory,
            Tone::FriendlyEfficient,
            Tone::ProfessionalNeutral,
        ] {
            assert_eq!(value.as_str(), json(value));
        }
        for value in [Pacing::SlowDown, Pacing::Maintain, Pacing::SpeedUp] {
            assert_eq!(value.as_str(), json(value));
        }
        for value in [EmpathyBand::Low, EmpathyBand::Medium, EmpathyBand::High] {
            assert_eq!(value.as_str(), json(value));
        }
        for value in [
            NextBestAction::EscalateToSupervisor,
            NextBestAction::AcknowledgeAndApologize,
            NextBestAction::ClarifyAndConfirm,
            NextBestAction::ThankForHoldingAndUpdate,
            NextBestAction::ConfirmResolution,
            NextBestAction::ContinueResolution,
        ] {
            assert_eq!(value.as_str(), json(value));
        }
        for value in [
            EscalationWarning::None,
            EscalationWarning::Watch,
            EscalationWarning::Warning,
        ] {
            assert_eq!(value.as_str(), json(value));
        }
    }
}
