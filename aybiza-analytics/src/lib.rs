#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod error;
pub mod model;
pub mod sim;
pub mod store;

pub use error::{Error, Result};
pub use model::{
    Call, CallChannel, CallOutcome, Direction, JourneyEvent, MetricSample, Record, RecordKind,
    Speaker, Tenant, TimeRange, Utterance, VoiceFeatures,
};
pub use store::{IngestReport, MemoryStore, SqliteStore, Store};
