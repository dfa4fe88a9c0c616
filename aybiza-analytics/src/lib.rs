#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod access;
pub mod error;
pub mod export;
pub mod forecast;
pub mod insights;
pub mod journey;
pub mod llm;
pub mod model;
pub mod patterns;
#[cfg(feature = "predict")]
pub mod predict;
pub mod privacy;
pub mod realtime;
pub mod report;
pub mod retry;
pub mod sentiment;
pub mod sim;
mod stats;
pub mod store;

pub use error::{Error, Result};
pub use forecast::Forecaster;
pub use insights::InsightGenerator;
pub use journey::JourneyTracker;
pub use model::{
    Call, CallChannel, CallOutcome, Direction, JourneyEvent, MetricSample, Record, RecordKind,
    Speaker, Tenant, TimeRange, Utterance, VoiceFeatures,
};
pub use patterns::PatternDetector;
pub use privacy::{PiiEntity, PiiKind, Redacted, Redactor};
pub use sentiment::SentimentAnalyzer;
pub use store::{IngestReport, MemoryStore, SqliteStore, Store};

/// The workspace README's Rust tour, compiled as a doctest so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadme;
