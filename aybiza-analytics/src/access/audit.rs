//! The audit log: one [`AuditEvent`] per store access, in a JSON Lines file or in memory.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::model::TimeRange;
use crate::{Error, Result};

/// The store operation an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Records written (`Store::put`, and ingestion through it).
    Put,
    /// The list of tenants.
    TenantIds,
    /// A tenant record.
    Tenant,
    /// Calls in a range.
    Calls,
    /// Utterances in a range.
    Utterances,
    /// Utterances whose call has no record.
    UtterancesWithoutCall,
    /// One call's transcript.
    Transcript,
    /// Journey events in a range.
    JourneyEvents,
    /// Metric samples in a range.
    Metrics,
}

impl AuditAction {
    /// Whether what the action returns can hold personal data (transcript text, tags,
    /// attribute values), which a viewer gets masked.
    pub fn returns_personal_data(self) -> bool {
        matches!(
            self,
            AuditAction::Calls
                | AuditAction::Utterances
                | AuditAction::UtterancesWithoutCall
                | AuditAction::Transcript
                | AuditAction::JourneyEvents
        )
    }
}

/// One access to a store by a principal, allowed or denied. Fields that do not apply are
/// `null` in JSON, so every event has every key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// When the access was decided.
    pub at: DateTime<Utc>,
    /// The principal's id.
    pub principal: String,
    /// The principal's role.
    pub role: Role,
    /// What was asked for.
    pub action: AuditAction,
    /// The tenant asked for (`None` for the tenant list).
    #[serde(default)]
    pub tenant: Option<String>,
    /// The time range of a range query.
    #[serde(default)]
    pub range: Option<TimeRange>,
    /// The call of a transcript read.
    #[serde(default)]
    pub call_id: Option<String>,
    /// Whether the access was allowed.
    pub allowed: bool,
    /// Records returned or written (0 when denied).
    pub records: usize,
    /// Whether personal data was masked in what was returned.
    pub redacted: bool,
    /// Why the access was denied.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Where audit events go. A store access whose event cannot be recorded fails: no data leaves
/// a [`super::ScopedStore`] unrecorded.
pub trait AuditLog: Send + Sync {
    /// Records one event.
    fn record(&self, event: &AuditEvent) -> Result<()>;
}

/// Audit events appended to a JSON Lines file, one line per event, each written with a single
/// `write` call on a file opened for appending: several processes can share one file, and an
/// event that was recorded survives the process being killed (not a power loss: no fsync).
#[derive(Debug)]
pub struct JsonlAuditLog {
    file: Mutex<File>,
}

impl JsonlAuditLog {
    /// Opens (creating if needed) the log at `path` for appending.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path.as_ref())?;
        Ok(Self {
            file: Mutex::new(file),
        })
    }
}

impl AuditLog for JsonlAuditLog {
    fn record(&self, event: &AuditEvent) -> Result<()> {
        let mut line = serde_json::to_vec(event)?;
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .map_err(|_| Error::Task("the audit log's lock is poisoned".into()))?;
        file.write_all(&line)?;
        Ok(())
    }
}

/// Audit events kept in memory, for tests and for hosts that forward them elsewhere.
#[derive(Debug, Default)]
pub struct MemoryAuditLog {
    events: Mutex<Vec<AuditEvent>>,
}

impl MemoryAuditLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The events recorded so far, oldest first.
    pub fn events(&self) -> Vec<AuditEvent> {
        self.events
            .lock()
            .map(|events| events.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }
}

impl AuditLog for MemoryAuditLog {
    fn record(&self, event: &AuditEvent) -> Result<()> {
        self.events
            .lock()
            .map_err(|_| Error::Task("the audit log's lock is poisoned".into()))?
            .push(event.clone());
        Ok(())
    }
}

/// Reads the events of a [`JsonlAuditLog`] file, oldest first. A line that is not an event
/// (edited by hand, or cut short by a full disk) is an [`Error::InvalidArgument`] naming it.
pub fn read_audit_log(path: impl AsRef<Path>) -> Result<Vec<AuditEvent>> {
    let reader = BufReader::new(File::open(path.as_ref())?);
    let mut events = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let event = serde_json::from_str(&line).map_err(|e| {
            Error::InvalidArgument(format!(
                "audit log {} line {}: {e}",
                path.as_ref().display(),
                index + 1
            ))
        })?;
        events.push(event);
    }
    Ok(events)
}
