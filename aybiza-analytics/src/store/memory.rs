//! The in-memory backend.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Store, WriteCounts};
use crate::model::{
    Call, JourneyEvent, MetricSample, Record, RecordKind, Tenant, TimeRange, Utterance,
};
use crate::{Error, Result};

/// One tenant's records by kind and key.
type TenantRecords = BTreeMap<(RecordKind, String), Record>;

/// A [`Store`] that keeps everything in memory; nothing survives the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tenants: RwLock<HashMap<String, TenantRecords>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read<T>(&self, tenant: &str, pick: impl Fn(&TenantRecords) -> T, empty: T) -> Result<T> {
        let tenants = self
            .tenants
            .read()
            .map_err(|_| Error::Task("memory store lock poisoned".into()))?;
        Ok(tenants.get(tenant).map(pick).unwrap_or(empty))
    }
}

fn of_kind(records: &TenantRecords, kind: RecordKind) -> impl Iterator<Item = &Record> {
    records
        .range((kind, String::new())..)
        .take_while(move |((k, _), _)| *k == kind)
        .map(|(_, record)| record)
}

/// Whether `t` falls in `range` at the stores' millisecond precision (see [`Store`]'s range
/// queries): the same comparison as the SQLite store's index makes.
fn in_range(range: TimeRange, t: DateTime<Utc>) -> bool {
    let t = t.timestamp_millis();
    range.start.timestamp_millis() <= t && t < range.end.timestamp_millis()
}

fn calls_in(records: &TenantRecords, range: TimeRange) -> Vec<Call> {
    let mut calls: Vec<Call> = of_kind(records, RecordKind::Call)
        .filter_map(|r| match r {
            Record::Call(c) if in_range(range, c.started_at) => Some(c.clone()),
            _ => None,
        })
        .collect();
    calls.sort_by(|a, b| {
        (a.started_at.timestamp_millis(), &a.id).cmp(&(b.started_at.timestamp_millis(), &b.id))
    });
    calls
}

fn utterances_of(records: &TenantRecords, call_id: &str) -> Vec<Utterance> {
    let prefix = format!("{call_id}#");
    let mut utterances: Vec<Utterance> = records
        .range((RecordKind::Utterance, prefix.clone())..)
        .take_while(|((kind, key), _)| *kind == RecordKind::Utterance && key.starts_with(&prefix))
        .filter_map(|(_, r)| match r {
            Record::Utterance(u) if u.call_id == call_id => Some(u.clone()),
            _ => None,
        })
        .collect();
    utterances.sort_by_key(|u| u.seq);
    utterances
}

#[async_trait]
impl Store for MemoryStore {
    async fn put(&self, records: Vec<Record>) -> Result<WriteCounts> {
        let mut tenants = self
            .tenants
            .write()
            .map_err(|_| Error::Task("memory store lock poisoned".into()))?;
        let mut counts = WriteCounts::default();
        for record in records {
            let slot = tenants
                .entry(record.tenant().to_owned())
                .or_default()
                .entry((record.kind(), record.key()));
            match slot {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(record);
                    counts.inserted += 1;
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    if *o.get() == record {
                        counts.unchanged += 1;
                    } else {
                        o.insert(record);
                        counts.updated += 1;
                    }
                }
            }
        }
        Ok(counts)
    }

    async fn tenant_ids(&self) -> Result<Vec<String>> {
        let tenants = self
            .tenants
            .read()
            .map_err(|_| Error::Task("memory store lock poisoned".into()))?;
        let mut ids: Vec<String> = tenants.keys().cloned().collect();
        ids.sort();
        Ok(ids)
    }

    async fn tenant(&self, tenant: &str) -> Result<Option<Tenant>> {
        self.read(
            tenant,
            |records| match records.get(&(RecordKind::Tenant, tenant.to_owned())) {
                Some(Record::Tenant(t)) => Some(t.clone()),
                _ => None,
            },
            None,
        )
    }

    async fn calls(&self, tenant: &str, range: TimeRange) -> Result<Vec<Call>> {
        self.read(tenant, |records| calls_in(records, range), Vec::new())
    }

    async fn utterances(&self, tenant: &str, range: TimeRange) -> Result<Vec<Utterance>> {
        self.read(
            tenant,
            |records| {
                calls_in(records, range)
                    .iter()
                    .flat_map(|c| utterances_of(records, &c.id))
                    .collect()
            },
            Vec::new(),
        )
    }

    async fn utterances_without_call(&self, tenant: &str) -> Result<Vec<Utterance>> {
        self.read(
            tenant,
            |records| {
                let mut orphans: Vec<Utterance> = of_kind(records, RecordKind::Utterance)
                    .filter_map(|r| match r {
                        Record::Utterance(u)
                            if !records.contains_key(&(RecordKind::Call, u.call_id.clone())) =>
                        {
                            Some(u.clone())
                        }
                        _ => None,
                    })
                    .collect();
                orphans.sort_by(|a, b| (&a.call_id, a.seq).cmp(&(&b.call_id, b.seq)));
                orphans
            },
            Vec::new(),
        )
    }

    async fn transcript(&self, tenant: &str, call_id: &str) -> Result<Vec<Utterance>> {
        self.read(
            tenant,
            |records| utterances_of(records, call_id),
            Vec::new(),
        )
    }

    async fn journey_events(&self, tenant: &str, range: TimeRange) -> Result<Vec<JourneyEvent>> {
        self.read(
            tenant,
            |records| {
                let mut events: Vec<JourneyEvent> = of_kind(records, RecordKind::JourneyEvent)
                    .filter_map(|r| match r {
                        Record::JourneyEvent(e) if in_range(range, e.timestamp) => Some(e.clone()),
                        _ => None,
                    })
                    .collect();
                events.sort_by(|a, b| {
                    (a.timestamp.timestamp_millis(), &a.id)
                        .cmp(&(b.timestamp.timestamp_millis(), &b.id))
                });
                events
            },
            Vec::new(),
        )
    }

    async fn metrics(&self, tenant: &str, range: TimeRange) -> Result<Vec<MetricSample>> {
        self.read(
            tenant,
            |records| {
                let mut samples: Vec<MetricSample> = of_kind(records, RecordKind::Metric)
                    .filter_map(|r| match r {
                        Record::Metric(m) if in_range(range, m.timestamp) => Some(m.clone()),
                        _ => None,
                    })
                    .collect();
                samples.sort_by_cached_key(|m| {
                    (
                        m.timestamp.timestamp_millis(),
                        Record::Metric(m.clone()).key(),
                    )
                });
                samples
            },
            Vec::new(),
        )
    }
}
