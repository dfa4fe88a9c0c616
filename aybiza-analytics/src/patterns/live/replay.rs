//! Batch use of the live rules: stored calls replayed utterance by utterance.

use std::sync::Arc;

use super::{LiveRules, LiveUtterance, RuleHit};
use crate::Result;
use crate::model::{Call, Utterance};
use crate::patterns::{Finding, PatternDetector, TranscribedCall};
use crate::sentiment::SentimentAnalyzer;

/// A stored utterance as the live path sees it, with its sentiment score when known.
/// Voice features give the silence before it and whether it interrupted (one interruption).
pub fn live_utterance(utterance: &Utterance, sentiment: Option<f64>) -> LiveUtterance<'_> {
    let voice = utterance.voice.as_ref();
    LiveUtterance {
        speaker: utterance.speaker,
        text: &utterance.text,
        seq: utterance.seq,
        start_ms: utterance.start_ms,
        end_ms: utterance.end_ms,
        sentiment,
        silence_ms: voice.and_then(|v| v.silence_before_ms),
        interruptions: u32::from(voice.is_some_and(|v| v.interruption)),
    }
}

/// Where a stored call ends, in ms since its start: its recorded duration, or the end of its
/// last utterance when that is later or the call has no end time.
pub fn call_end_ms(call: &Call, utterances: &[Utterance]) -> u64 {
    let last = utterances.iter().map(|u| u.end_ms).max().unwrap_or(0);
    let recorded = call
        .duration_secs()
        .filter(|d| d.is_finite() && *d > 0.0)
        .map_or(0, |d| (d * 1000.0) as u64);
    recorded.max(last)
}

/// Replays one stored call through `rules`: each utterance (scored with `analyzer` when given;
/// texts it rejects, such as empty ones, count as unscored), then the end of the call.
pub fn replay_call(
    rules: &LiveRules,
    analyzer: Option<&dyn SentimentAnalyzer>,
    call: &TranscribedCall,
) -> Vec<RuleHit> {
    let utterances = call.utterances.iter().map(|u| {
        let score = analyzer
            .and_then(|a| a.analyze(&u.text).ok())
            .map(|s| s.score);
        live_utterance(u, score)
    });
    rules.match_call(utterances, call_end_ms(&call.call, &call.utterances))
}

/// A [`PatternDetector`] that replays calls through live rules: one finding per rule that fired,
/// with the calls it fired on; strength is the share of calls. Rules are ordered by how many
/// calls they fired on (most first, then by id).
#[derive(Clone)]
pub struct RuleReplay {
    rules: Arc<LiveRules>,
    analyzer: Option<Arc<dyn SentimentAnalyzer>>,
}

impl std::fmt::Debug for RuleReplay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleReplay")
            .field("rules", &self.rules.len())
            .field("scores_sentiment", &self.analyzer.is_some())
            .finish()
    }
}

impl RuleReplay {
    /// Replays with `rules`; sentiment conditions see scores from `analyzer`, or none without one.
    pub fn new(rules: Arc<LiveRules>, analyzer: Option<Arc<dyn SentimentAnalyzer>>) -> Self {
        RuleReplay { rules, analyzer }
    }

    /// The hits of one call.
    pub fn hits(&self, call: &TranscribedCall) -> Vec<RuleHit> {
        replay_call(&self.rules, self.analyzer.as_deref(), call)
    }
}

impl PatternDetector for RuleReplay {
    fn detect(&self, calls: &[TranscribedCall]) -> Result<Vec<Finding>> {
        let mut by_rule: Vec<Vec<String>> = vec![Vec::new(); self.rules.len()];
        let ids: Vec<&str> = self
            .rules
            .rule_set()
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        for call in calls {
            for hit in self.hits(call) {
                if let Some(index) = ids.iter().position(|id| *id == hit.rule_id) {
                    by_rule[index].push(call.call.id.clone());
                }
            }
        }
        let mut findings: Vec<Finding> = self
            .rules
            .rule_set()
            .rules
            .iter()
            .zip(by_rule)
            .filter(|(_, call_ids)| !call_ids.is_empty())
            .map(|(rule, call_ids)| Finding {
                kind: "rule".to_owned(),
                label: if rule.description.is_empty() {
                    rule.id.clone()
                } else {
                    format!("{}: {}", rule.id, rule.description)
                },
                strength: Some(call_ids.len() as f64 / calls.len() as f64),
                call_ids,
            })
            .collect();
        findings.sort_by(|a, b| {
            b.call_ids
                .len()
                .cmp(&a.call_ids.len())
                .then_with(|| a.label.cmp(&b.label))
        });
        Ok(findings)
    }
}

/// An utterance given as data (JSON, Python dicts, JS objects) for [`LiveRules::match_transcript`]:
/// the owned form of [`LiveUtterance`]. `end_ms` defaults to `start_ms`, `interruptions` to 0.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptUtterance {
    /// Who spoke.
    pub speaker: crate::model::Speaker,
    /// What was said.
    pub text: String,
    /// Position in the call, from 0.
    pub seq: u32,
    /// Start, in ms since the call started.
    pub start_ms: u64,
    /// End, in ms since the call started.
    #[serde(default)]
    pub end_ms: Option<u64>,
    /// Sentiment score in [-1, 1], when scored.
    #[serde(default)]
    pub sentiment: Option<f64>,
    /// Silence before the utterance, in ms.
    #[serde(default)]
    pub silence_ms: Option<u64>,
    /// Interruptions by the speaker in this utterance.
    #[serde(default)]
    pub interruptions: u32,
}

impl TranscriptUtterance {
    /// The utterance as [`LiveRules::on_utterance`] takes it.
    pub fn as_live(&self) -> LiveUtterance<'_> {
        LiveUtterance {
            speaker: self.speaker,
            text: &self.text,
            seq: self.seq,
            start_ms: self.start_ms,
            end_ms: self.end_ms.unwrap_or(self.start_ms).max(self.start_ms),
            sentiment: self.sentiment,
            silence_ms: self.silence_ms,
            interruptions: self.interruptions,
        }
    }
}

impl LiveRules {
    /// Runs a whole transcript through a fresh call state, then ends the call at `call_end_ms`
    /// (by default the latest utterance end). Returns every hit in order.
    pub fn match_transcript(
        &self,
        utterances: &[TranscriptUtterance],
        call_end_ms: Option<u64>,
    ) -> Vec<RuleHit> {
        self.match_call(
            utterances.iter().map(TranscriptUtterance::as_live),
            call_end_ms.unwrap_or(0),
        )
    }

    /// The ids of the rules, in order.
    pub fn rule_ids(&self) -> Vec<String> {
        self.rule_set().rules.iter().map(|r| r.id.clone()).collect()
    }
}
