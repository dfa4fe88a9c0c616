//! Patterns across calls and in live transcripts: the [`PatternDetector`] seam.

#[cfg(feature = "patterns")]
pub mod analyses;
#[cfg(feature = "patterns")]
pub mod cluster;
#[cfg(feature = "patterns")]
pub mod discovery;
pub mod embed;
#[cfg(feature = "patterns")]
pub mod evaluate;
pub mod live;
pub mod vectorize;

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::model::{Call, Utterance};

/// A call with its transcript, the unit that pattern detection reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscribedCall {
    /// The call's metadata.
    pub call: Call,
    /// Its utterances in sequence order.
    pub utterances: Vec<Utterance>,
}

impl TranscribedCall {
    /// Groups utterances (ordered by call, as [`crate::Store::utterances`] returns them) under their calls.
    /// Calls without utterances get an empty transcript; utterances of calls not given are dropped.
    pub fn join(calls: Vec<Call>, utterances: Vec<Utterance>) -> Vec<TranscribedCall> {
        let mut by_call: std::collections::HashMap<String, Vec<Utterance>> =
            std::collections::HashMap::new();
        for utterance in utterances {
            by_call
                .entry(utterance.call_id.clone())
                .or_default()
                .push(utterance);
        }
        calls
            .into_iter()
            .map(|call| {
                let mut utterances = by_call.remove(&call.id).unwrap_or_default();
                utterances.sort_by_key(|u| u.seq);
                TranscribedCall { call, utterances }
            })
            .collect()
    }
}

/// One pattern found in a set of calls, with the numbers that support it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// What kind of pattern (`group`, `escalation_trigger`, `repeat_caller`, …).
    pub kind: String,
    /// A short human-readable label.
    pub label: String,
    /// The calls that show the pattern.
    pub call_ids: Vec<String>,
    /// How strongly the data supports it (lift, share or score, as the kind defines), when measured.
    pub strength: Option<f64>,
}

/// Finds patterns in a batch of calls.
pub trait PatternDetector: Send + Sync {
    /// Detects patterns in `calls`; returns findings most important first.
    fn detect(&self, calls: &[TranscribedCall]) -> Result<Vec<Finding>>;
}
