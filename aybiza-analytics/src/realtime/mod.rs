//! The real-time path: what a voice pipeline calls in-process on every utterance.
//!
//! A [`CallSession`] turns each utterance into an [`Update`]: the text
//! sentiment (from any [`crate::sentiment::SentimentAnalyzer`]), voice stress
//! and energy against the speaker's own running baseline ([`voice`]), the
//! conversation context ([`context`]: repetitions, topic changes, resolution
//! progress, hold and silence), their fusion into the per-call state
//! ([`fusion`]: current sentiment, journey, quarters, emotions, satisfaction,
//! escalation risk) and agent recommendations ([`recommend`]). Everything is
//! synchronous and allocation-light: the per-call state is fixed-size except
//! the sentiment journey (16 bytes per point, at most
//! `max_journey_points`, downsampled in time when a call has more utterances).
//!
//! With live rules ([`crate::patterns::live`]) loaded — [`CallSession::with_rules`],
//! [`LiveCallTracker::with_rules`] / [`LiveCallTracker::set_rules`], swappable while calls
//! are live — each update carries the rules that fired on it (`rule_hits`) and the summary
//! the ones that fire when the call ends.
//!
//! A [`LiveCallTracker`] holds many concurrent sessions in mutex-guarded
//! shards, evicts ended and idle calls, notifies subscribers of every update,
//! and queues each ended call's [`CallSummary`] for
//! [`LiveCallTracker::flush_ended`] to write to a [`crate::Store`].
//! Formulas, defaults and measured figures are in `docs/realtime.md`.
//!
//! ```
//! use std::sync::Arc;
//! use aybiza_analytics::realtime::{CallSession, LiveInput, RealtimeConfig};
//! use aybiza_analytics::sentiment::HybridSentimentAnalyzer;
//! use aybiza_analytics::Speaker;
//!
//! let analyzer = Arc::new(HybridSentimentAnalyzer::new().unwrap());
//! let mut session = CallSession::new(analyzer, Arc::new(RealtimeConfig::default()));
//! let update = session
//!     .on_utterance(&LiveInput::new(0, Speaker::Customer, "I've been on hold for an hour, this is ridiculous!", 0, 4_000))
//!     .unwrap();
//! assert!(update.point.text_score < 0.0);
//! ```

pub mod config;
pub mod context;
pub mod early_warning;
mod error;
pub mod fusion;
mod journey;
pub mod recommend;
pub mod risk_fit;
mod session;
mod summary;
mod tracker;
pub mod voice;

pub use config::{FusionWeights, RealtimeConfig, RecommendationThresholds, RiskWeights};
pub use error::RealtimeError;
pub use session::{CallSession, LiveInput, SentimentPoint, Update, UtteranceFacts, UtteranceInput};
pub use summary::{CallSummary, EndReason, JourneyPoint, QuarterSentiment};
pub use tracker::{FlushReport, LiveCallTracker, SubscriptionId, UpdateNotice};

#[cfg(test)]
mod rules_tests;
