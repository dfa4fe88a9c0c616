//! Storage backends behind the [`Store`] trait.
//!
//! Two backends share one contract, checked by one test suite
//! (`tests/store.rs`):
//! - [`SqliteStore`], the embedded default: one file, SQLite in WAL mode.
//! - [`MemoryStore`], for tests and short-lived analyses.
//!
//! The contract: writes are idempotent by record key (re-sending a batch
//! changes nothing; a changed record with a known key replaces the old one);
//! every read names one tenant and one [`TimeRange`] and never returns another
//! tenant's rows; a write that returned `Ok` is durable against the process
//! being killed (for the SQLite backend).

mod memory;
mod sqlite;

pub use memory::MemoryStore;
pub use sqlite::{Durability, SqliteStore};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::model::ingest::{IngestLimits, RecordError, parse_jsonl_bytes, parse_values};
use crate::model::{Call, JourneyEvent, MetricSample, Record, Tenant, TimeRange, Utterance};

/// How a write changed the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteCounts {
    /// Records whose key was new.
    pub inserted: usize,
    /// Records whose key existed with different content, now replaced.
    pub updated: usize,
    /// Records identical to what was already stored.
    pub unchanged: usize,
}

impl WriteCounts {
    /// Adds another write's counts to these.
    pub fn add(&mut self, other: WriteCounts) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// The result of ingesting a batch: what was written and which lines were rejected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Counts of the accepted records.
    pub written: WriteCounts,
    /// The rejected lines, each with its reason; the rest of the batch was stored.
    pub rejected: Vec<RecordError>,
}

impl IngestReport {
    /// Number of records accepted (inserted, updated or unchanged).
    pub fn accepted(&self) -> usize {
        self.written.inserted + self.written.updated + self.written.unchanged
    }
}

/// A tenant-scoped store of calls, utterances, journey events and metric samples.
///
/// Range queries compare times at millisecond precision: a record's time and the range's
/// bounds are each truncated to the millisecond (towards the past) before comparing, so
/// every backend selects the same records whatever the bounds' sub-millisecond digits.
#[async_trait]
pub trait Store: Send + Sync {
    /// Writes validated records in one transaction; idempotent by [`Record::key`].
    async fn put(&self, records: Vec<Record>) -> Result<WriteCounts>;

    /// Ids of every tenant that has at least one record, sorted.
    async fn tenant_ids(&self) -> Result<Vec<String>>;

    /// The tenant record, if one was ingested.
    async fn tenant(&self, tenant: &str) -> Result<Option<Tenant>>;

    /// Calls of `tenant` that started in `range`, ordered by start time then id.
    async fn calls(&self, tenant: &str, range: TimeRange) -> Result<Vec<Call>>;

    /// Utterances of the calls of `tenant` that started in `range`, ordered by call (as [`Store::calls`]) then sequence.
    async fn utterances(&self, tenant: &str, range: TimeRange) -> Result<Vec<Utterance>>;

    /// Utterances of `tenant` whose call has no call record (yet: a pipeline may store
    /// utterances before the call's summary), ordered by call id then sequence. No time range
    /// selects them, since a call's time is its record's start.
    async fn utterances_without_call(&self, tenant: &str) -> Result<Vec<Utterance>>;

    /// One call's utterances in sequence order (empty when the call is unknown).
    async fn transcript(&self, tenant: &str, call_id: &str) -> Result<Vec<Utterance>>;

    /// Journey events of `tenant` in `range`, ordered by timestamp then id.
    async fn journey_events(&self, tenant: &str, range: TimeRange) -> Result<Vec<JourneyEvent>>;

    /// Metric samples of `tenant` in `range`, ordered by the millisecond of their timestamp,
    /// then by key (`metric|source|time`, compared as text).
    async fn metrics(&self, tenant: &str, range: TimeRange) -> Result<Vec<MetricSample>>;

    /// Parses, validates and stores JSON Lines; bad lines are reported, good ones stored.
    async fn ingest_jsonl(&self, input: &[u8], limits: &IngestLimits) -> Result<IngestReport> {
        let parsed = parse_jsonl_bytes(input, limits);
        let written = self.put(parsed.records).await?;
        Ok(IngestReport {
            written,
            rejected: parsed.rejected,
        })
    }

    /// Validates and stores JSON values (one record each); positions are reported 1-based.
    async fn ingest_values(
        &self,
        values: Vec<serde_json::Value>,
        limits: &IngestLimits,
    ) -> Result<IngestReport> {
        let parsed = parse_values(values, limits);
        let written = self.put(parsed.records).await?;
        Ok(IngestReport {
            written,
            rejected: parsed.rejected,
        })
    }
}
