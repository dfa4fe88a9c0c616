//! [`CallSession`]: one live call's state and the per-utterance update.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::context::{ContextSignals, ConversationContext};
use super::fusion::{CallState, Fusion, Smoothing};
use super::journey::Journey;
use super::recommend::{Recommendations, recommend};
use super::voice::{self, SpeakerBaseline, VoiceSignals};
use super::{RealtimeConfig, RealtimeError};
use crate::model::{Speaker, Utterance, VoiceFeatures};
use crate::patterns::live::{CallRuleState, LiveUtterance, RuleHit, SharedRules};
use crate::sentiment::{Sentiment, SentimentAnalyzer, SentimentLabel};

/// One utterance as the pipeline hands it over, borrowing its text and voice features.
#[derive(Debug, Clone, Copy)]
pub struct LiveInput<'a> {
    /// Position in the call; must increase from one accepted utterance to the next (gaps are allowed).
    pub seq: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said.
    pub text: &'a str,
    /// Start offset from the start of the call, in milliseconds.
    pub start_ms: u64,
    /// End offset from the start of the call, in milliseconds.
    pub end_ms: u64,
    /// Acoustic features, when the pipeline measures them.
    pub voice: Option<&'a VoiceFeatures>,
}

impl<'a> LiveInput<'a> {
    /// An utterance without voice features.
    pub fn new(seq: u32, speaker: Speaker, text: &'a str, start_ms: u64, end_ms: u64) -> Self {
        LiveInput {
            seq,
            speaker,
            text,
            start_ms,
            end_ms,
            voice: None,
        }
    }

    /// The same utterance with voice features.
    pub fn with_voice(self, voice: &'a VoiceFeatures) -> Self {
        LiveInput {
            voice: Some(voice),
            ..self
        }
    }

    /// A view of a stored [`Utterance`].
    pub fn from_utterance(utterance: &'a Utterance) -> Self {
        LiveInput {
            seq: utterance.seq,
            speaker: utterance.speaker,
            text: &utterance.text,
            start_ms: utterance.start_ms,
            end_ms: utterance.end_ms,
            voice: utterance.voice.as_ref(),
        }
    }
}

/// An owned utterance, as bindings and JSON callers send it
/// (`{seq, speaker, text, start_ms, end_ms, voice?}`); [`UtteranceInput::as_live`] borrows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UtteranceInput {
    /// Position in the call.
    pub seq: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said.
    pub text: String,
    /// Start offset in milliseconds.
    pub start_ms: u64,
    /// End offset in milliseconds.
    pub end_ms: u64,
    /// Acoustic features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceFeatures>,
}

impl UtteranceInput {
    /// The borrowed view [`CallSession::on_utterance`] takes.
    pub fn as_live(&self) -> LiveInput<'_> {
        LiveInput {
            seq: self.seq,
            speaker: self.speaker,
            text: &self.text,
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            voice: self.voice.as_ref(),
        }
    }
}

/// The facts of an accepted utterance that rule engines and hosts key on
/// (together with the text they already hold): who, when, how it sounded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UtteranceFacts {
    /// Sequence number.
    pub seq: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// Start offset in milliseconds.
    pub start_ms: u64,
    /// End offset in milliseconds.
    pub end_ms: u64,
    /// Text sentiment score in [−1, 1].
    pub sentiment_score: f64,
    /// Silence before the utterance in milliseconds (measured, or the gap since the previous turn).
    pub silence_ms: u64,
    /// Whether the speaker interrupted.
    pub interruption: bool,
}

/// One point of the sentiment journey.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SentimentPoint {
    /// Sequence number of the utterance.
    pub seq: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// Midpoint of the utterance, in milliseconds from the start of the call.
    pub at_ms: u64,
    /// Text sentiment score in [−1, 1].
    pub text_score: f64,
    /// Fused (text, voice, context) score in [−1, 1].
    pub fused_score: f64,
    /// Label of the fused score.
    pub label: SentimentLabel,
}

/// What one utterance produced, returned synchronously by [`CallSession::on_utterance`].
/// Without live rules (or when none fired) `rule_hits` is an empty `Vec`, which does not allocate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Update {
    /// The utterance's facts.
    pub utterance: UtteranceFacts,
    /// Its point on the sentiment journey.
    pub point: SentimentPoint,
    /// Its text sentiment and emotions.
    pub sentiment: Sentiment,
    /// Its voice signals, when it had voice features.
    pub voice: Option<VoiceSignals>,
    /// Its context signals.
    pub context: ContextSignals,
    /// The call's fused state after it.
    pub state: CallState,
    /// Recommendations for the agent.
    pub recommendations: Recommendations,
    /// Live rules that fired on this utterance (each rule fires at most once per call).
    #[serde(default)]
    pub rule_hits: Vec<RuleHit>,
}

/// A session's live rules: the shared set and this call's matching state.
struct SessionRules {
    shared: Arc<SharedRules>,
    /// Created on the first utterance seen while the shared set is not empty.
    state: Option<Box<CallRuleState>>,
    /// Ids of the rules that fired so far, in order.
    fired: Vec<String>,
}

impl SessionRules {
    /// Adds the ids of `hits` to `fired`, growing it only by what they need: a call fires few rules.
    fn remember_fired(&mut self, hits: &[RuleHit]) {
        self.fired.reserve_exact(hits.len());
        self.fired
            .extend(hits.iter().map(|hit| hit.rule_id.clone()));
    }
}

/// The live state of one call. Fixed-size apart from the journey (16 bytes per point, at most
/// `max_journey_points` however long the call) and, with live rules loaded, the rules' per-call
/// state; `on_utterance` allocates only when the journey grows and for the rule hits it returns.
pub struct CallSession {
    analyzer: Arc<dyn SentimentAnalyzer>,
    config: Arc<RealtimeConfig>,
    baselines: [SpeakerBaseline; 3],
    context: ConversationContext,
    fusion: Fusion,
    journey: Journey,
    last_seq: Option<u32>,
    utterances: u32,
    rules: Option<Box<SessionRules>>,
}

impl std::fmt::Debug for CallSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallSession")
            .field("last_seq", &self.last_seq)
            .field("utterances", &self.utterances)
            .finish_non_exhaustive()
    }
}

fn speaker_index(speaker: Speaker) -> usize {
    match speaker {
        Speaker::Agent => 0,
        Speaker::Customer => 1,
        Speaker::Bot => 2,
    }
}

impl CallSession {
    /// A new call. The configuration should have passed [`RealtimeConfig::validate`]
    /// ([`super::LiveCallTracker::new`] checks it).
    pub fn new(analyzer: Arc<dyn SentimentAnalyzer>, config: Arc<RealtimeConfig>) -> Self {
        CallSession {
            analyzer,
            config,
            baselines: [SpeakerBaseline::default(); 3],
            context: ConversationContext::default(),
            fusion: Fusion::default(),
            journey: Journey::default(),
            last_seq: None,
            utterances: 0,
            rules: None,
        }
    }

    /// The same call matched against live rules: each utterance runs the rules in force at that
    /// moment (`rules` can be swapped while the call is live) and [`Update::rule_hits`] carries
    /// the hits; [`CallSession::end_rules`] decides the end-anchored ones.
    pub fn with_rules(mut self, rules: Arc<SharedRules>) -> Self {
        self.rules = Some(Box::new(SessionRules {
            shared: rules,
            state: None,
            fired: Vec::new(),
        }));
        self
    }

    /// Runs the live rules on an accepted utterance.
    fn match_rules(&mut self, input: &LiveInput<'_>, facts: &UtteranceFacts) -> Vec<RuleHit> {
        let Some(session_rules) = self.rules.as_deref_mut() else {
            return Vec::new();
        };
        let rules = session_rules.shared.load();
        if rules.is_empty() {
            return Vec::new();
        }
        let measured = input.voice.and_then(|v| v.silence_before_ms);
        let utterance = LiveUtterance {
            speaker: input.speaker,
            text: input.text,
            seq: input.seq,
            start_ms: input.start_ms,
            end_ms: input.end_ms,
            sentiment: Some(facts.sentiment_score),
            silence_ms: measured.or((self.utterances > 1).then_some(facts.silence_ms)),
            interruptions: u32::from(facts.interruption),
        };
        let state = session_rules
            .state
            .get_or_insert_with(|| Box::new(rules.new_call()));
        let hits = rules.on_utterance(state, &utterance);
        session_rules.remember_fired(&hits);
        hits
    }

    /// Ends the live rules at `call_end_ms` (ms since the call started): decides `last_secs`
    /// windows and `not` conditions, and returns the rules that fire as a result. Empty without
    /// rules; a second call returns nothing.
    pub fn end_rules(&mut self, call_end_ms: u64) -> Vec<RuleHit> {
        let Some(session_rules) = self.rules.as_deref_mut() else {
            return Vec::new();
        };
        let rules = session_rules.shared.load();
        if rules.is_empty() {
            return Vec::new();
        }
        let state = session_rules
            .state
            .get_or_insert_with(|| Box::new(rules.new_call()));
        let hits = rules.end_call(state, call_end_ms);
        session_rules.remember_fired(&hits);
        hits
    }

    /// Ids of the live rules that fired so far in this call, in order.
    pub fn rules_fired(&self) -> &[String] {
        self.rules.as_deref().map_or(&[], |r| &r.fired)
    }

    /// Checks an utterance without changing anything.
    fn check(&self, input: &LiveInput<'_>) -> Result<(), RealtimeError> {
        if input.text.trim().is_empty() {
            return Err(RealtimeError::EmptyText);
        }
        if input.text.len() > self.config.max_text_bytes {
            return Err(RealtimeError::TextTooLong {
                bytes: input.text.len(),
                limit: self.config.max_text_bytes,
            });
        }
        if input.end_ms < input.start_ms {
            return Err(RealtimeError::InvalidTiming {
                start_ms: input.start_ms,
                end_ms: input.end_ms,
            });
        }
        if let Some(last_seq) = self.last_seq
            && input.seq <= last_seq
        {
            return Err(RealtimeError::OutOfOrder {
                last_seq,
                seq: input.seq,
            });
        }
        if let Some(features) = input.voice {
            voice::validate(features)?;
        }
        Ok(())
    }

    /// Folds one utterance into the call and returns the update. A refused
    /// utterance (see [`RealtimeError`]) leaves the state unchanged.
    pub fn on_utterance(&mut self, input: &LiveInput<'_>) -> Result<Update, RealtimeError> {
        self.check(input)?;
        let sentiment = self
            .analyzer
            .analyze(input.text)
            .map_err(|e| RealtimeError::Sentiment(e.to_string()))?;
        let config = &*self.config;
        let voice = input.voice.and_then(|features| {
            self.baselines[speaker_index(input.speaker)]
                .observe(features, config.baseline_min_utterances)
        });
        let signals = self.context.observe(
            input.speaker,
            input.text,
            input.start_ms,
            input.end_ms,
            input.voice.and_then(|v| v.silence_before_ms),
            input.voice.is_some_and(|v| v.interruption),
            config,
        );
        let progress = Fusion::resolution_progress(
            self.context.state().resolution_progress,
            input.speaker,
            &sentiment,
            &signals,
        );
        self.context.set_resolution_progress(progress);
        let valence = Fusion::context_valence(self.context.state(), &signals);
        let fused = Fusion::fused_score(sentiment.score, voice.as_ref(), valence, config);
        self.fusion.observe(
            input.speaker,
            fused,
            &sentiment,
            voice.as_ref(),
            &signals,
            Smoothing::of(config),
        );
        self.last_seq = Some(input.seq);
        self.utterances = self.utterances.saturating_add(1);
        let at_ms = input.start_ms + (input.end_ms - input.start_ms) / 2;
        self.journey.push(
            input.seq,
            input.speaker,
            at_ms,
            fused,
            config.max_journey_points,
        );
        let state =
            self.fusion
                .snapshot(self.context.state(), self.utterances, &config.risk_weights);
        let recommendations = recommend(&state, &signals, &config.thresholds);
        let facts = UtteranceFacts {
            seq: input.seq,
            speaker: input.speaker,
            start_ms: input.start_ms,
            end_ms: input.end_ms,
            sentiment_score: sentiment.score,
            silence_ms: signals.gap_ms,
            interruption: input.voice.is_some_and(|v| v.interruption),
        };
        let rule_hits = self.match_rules(input, &facts);
        Ok(Update {
            utterance: facts,
            point: SentimentPoint {
                seq: input.seq,
                speaker: input.speaker,
                at_ms,
                text_score: sentiment.score,
                fused_score: fused,
                label: SentimentLabel::from_score(fused),
            },
            sentiment,
            voice,
            context: signals,
            state,
            recommendations,
            rule_hits,
        })
    }

    /// The call's current fused state.
    pub fn state(&self) -> CallState {
        self.fusion.peek(
            self.context.state(),
            self.utterances,
            &self.config.risk_weights,
        )
    }

    /// The sequence number of the last accepted utterance.
    pub fn last_seq(&self) -> Option<u32> {
        self.last_seq
    }

    /// The call's sentiment journey so far.
    pub(crate) fn journey(&self) -> &Journey {
        &self.journey
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::recommend::{NextBestAction, Tone};
    use crate::sentiment::HybridSentimentAnalyzer;

    fn session() -> CallSession {
        CallSession::new(
            Arc::new(HybridSentimentAnalyzer::new().unwrap()),
            Arc::new(RealtimeConfig::default()),
        )
    }

    #[test]
    fn an_escalating_call_raises_risk_and_recommends_apology_then_escalation() {
        let mut s = session();
        let calm = VoiceFeatures {
            energy: Some(0.4),
            pitch_mean_hz: Some(180.0),
            pitch_variance: Some(300.0),
            speaking_rate_wpm: Some(140.0),
            volume_db: Some(-24.0),
            ..VoiceFeatures::default()
        };
        let calm2 = VoiceFeatures {
            pitch_mean_hz: Some(186.0),
            volume_db: Some(-23.0),
            ..calm.clone()
        };
        let loud = VoiceFeatures {
            energy: Some(0.85),
            pitch_mean_hz: Some(250.0),
            pitch_variance: Some(1800.0),
            speaking_rate_wpm: Some(190.0),
            volume_db: Some(-9.0),
            interruption: true,
            ..VoiceFeatures::default()
        };
        let turns: [(Speaker, &str, Option<&VoiceFeatures>); 6] = [
            (
                Speaker::Agent,
                "Thank you for calling, how can I help?",
                None,
            ),
            (
                Speaker::Customer,
                "Hi, my order hasn't arrived and it was due last week.",
                Some(&calm),
            ),
            (Speaker::Agent, "Let me look into that for you.", None),
            (
                Speaker::Customer,
                "I'd like to know where my order is, it was due last week.",
                Some(&calm2),
            ),
            (
                Speaker::Agent,
                "The system shows it's still processing.",
                None,
            ),
            (
                Speaker::Customer,
                "This is ridiculous, my order was due last week! Get me your supervisor now!",
                Some(&loud),
            ),
        ];
        let mut updates = Vec::new();
        for (i, (speaker, text, voice)) in turns.into_iter().enumerate() {
            let start = i as u64 * 4000;
            let mut input = LiveInput::new(i as u32, speaker, text, start, start + 3500);
            if let Some(v) = voice {
                input = input.with_voice(v);
            }
            updates.push(s.on_utterance(&input).unwrap());
        }
        let first = &updates[1];
        let last = updates.last().unwrap();
        assert!(
            updates[3].context.repetition,
            "similarity {}",
            updates[3].context.similarity
        );
        assert!(last.voice.unwrap().stress > 0.8);
        assert!(last.context.escalation_request);
        assert!(last.state.escalation_risk > first.state.escalation_risk + 0.3);
        assert!(last.state.current_sentiment < first.state.current_sentiment);
        assert_eq!(
            last.recommendations.next_best_action,
            NextBestAction::EscalateToSupervisor,
            "{:?}",
            last.state
        );
        assert_eq!(last.state.utterances, 6);
        assert_eq!(s.journey().points().len(), 6);
        assert_eq!(s.state(), last.state);
    }

    #[test]
    fn a_resolved_call_ends_friendly() {
        let mut s = session();
        let turns = [
            (Speaker::Customer, "Hi, I need to reset my password please."),
            (
                Speaker::Agent,
                "Sure, I've sent a reset link. Your password is reset now.",
            ),
            (
                Speaker::Customer,
                "That worked, thank you so much, that's perfect!",
            ),
            (
                Speaker::Agent,
                "Great, it's all done and updated on your account.",
            ),
            (
                Speaker::Customer,
                "Wonderful, thanks a lot, you've been very helpful!",
            ),
        ];
        let mut last = None;
        for (i, (speaker, text)) in turns.into_iter().enumerate() {
            let start = i as u64 * 3000;
            last = Some(
                s.on_utterance(&LiveInput::new(
                    i as u32,
                    speaker,
                    text,
                    start,
                    start + 2500,
                ))
                .unwrap(),
            );
        }
        let last = last.unwrap();
        assert!(
            last.state.current_sentiment > 0.3,
            "{}",
            last.state.current_sentiment
        );
        assert!(last.state.context.resolution_progress >= 0.7);
        assert!(last.state.escalation_risk < 0.1);
        assert!(last.state.satisfaction > 0.8, "{}", last.state.satisfaction);
        assert_eq!(last.recommendations.tone, Tone::FriendlyEfficient);
        assert_eq!(
            last.recommendations.next_best_action,
            NextBestAction::ConfirmResolution
        );
    }

    #[test]
    fn bad_input_is_refused_with_typed_errors_and_leaves_state_untouched() {
        let mut s = session();
        s.on_utterance(&LiveInput::new(
            5,
            Speaker::Customer,
            "My bill is wrong.",
            0,
            1000,
        ))
        .unwrap();
        let before = s.state();
        let long = "a".repeat(4097);
        let nan = VoiceFeatures {
            pitch_mean_hz: Some(f64::NAN),
            ..VoiceFeatures::default()
        };
        let cases: [(LiveInput<'_>, RealtimeError); 6] = [
            (
                LiveInput::new(6, Speaker::Customer, "  \n", 1000, 2000),
                RealtimeError::EmptyText,
            ),
            (
                LiveInput::new(6, Speaker::Customer, "", 1000, 2000),
                RealtimeError::EmptyText,
            ),
            (
                LiveInput::new(6, Speaker::Customer, &long, 1000, 2000),
                RealtimeError::TextTooLong {
                    bytes: 4097,
                    limit: 4096,
                },
            ),
            (
                LiveInput::new(6, Speaker::Customer, "Hello", 3000, 2000),
                RealtimeError::InvalidTiming {
                    start_ms: 3000,
                    end_ms: 2000,
                },
            ),
            (
                LiveInput::new(5, Speaker::Customer, "Hello", 1000, 2000),
                RealtimeError::OutOfOrder {
                    last_seq: 5,
                    seq: 5,
                },
            ),
            (
                LiveInput::new(6, Speaker::Customer, "Hello", 1000, 2000).with_voice(&nan),
                RealtimeError::InvalidVoiceFeature {
                    field: "pitch_mean_hz",
                    value: f64::NAN,
                },
            ),
        ];
        for (input, expected) in cases {
            match (s.on_utterance(&input), expected) {
                (
                    Err(RealtimeError::InvalidVoiceFeature { field, value }),
                    RealtimeError::InvalidVoiceFeature { field: want, .. },
                ) => {
                    assert_eq!(field, want);
                    assert!(value.is_nan());
                }
                (got, expected) => assert_eq!(got.unwrap_err(), expected),
            }
        }
        assert_eq!(s.state(), before);
        assert_eq!(s.last_seq(), Some(5));
        // A gap in sequence numbers is fine.
        assert!(
            s.on_utterance(&LiveInput::new(
                9,
                Speaker::Agent,
                "Let me check.",
                1000,
                2000
            ))
            .is_ok()
        );
    }

    #[test]
    fn a_long_call_keeps_a_bounded_journey_over_the_whole_call() {
        let config = RealtimeConfig {
            max_journey_points: 4,
            ..RealtimeConfig::default()
        };
        let mut s = CallSession::new(
            Arc::new(HybridSentimentAnalyzer::new().unwrap()),
            Arc::new(config),
        );
        for i in 0..9u32 {
            let start = u64::from(i) * 1000;
            s.on_utterance(&LiveInput::new(
                i,
                Speaker::Customer,
                "Okay then.",
                start,
                start + 900,
            ))
            .unwrap();
        }
        let points = s.journey().points();
        assert!(points.len() <= 4);
        assert!(s.journey().bucket_ms() > 0);
        assert_eq!(points.iter().map(|p| p.utterances).sum::<u16>(), 9);
        assert_eq!(points[0].seq, 0);
        assert_eq!(s.state().utterances, 9);
    }
}
