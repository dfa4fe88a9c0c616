//! Records out of a store in the JSON Lines ingest format, so a tenant's data moves between
//! stores unchanged.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::model::{Record, TimeRange};
use crate::store::Store;
use crate::{Error, Result};

/// Writes records as JSON Lines (one record per line, tagged by `type`), the format the stores ingest.
pub fn write_jsonl(records: &[Record], out: impl Write) -> Result<()> {
    let mut out = std::io::BufWriter::new(out);
    for record in records {
        serde_json::to_writer(&mut out, record).map_err(|e| {
            if e.is_io() {
                Error::Io(e.into())
            } else {
                Error::Json(e)
            }
        })?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// How many records of each kind an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportCounts {
    /// Tenant records (0 or 1).
    pub tenants: usize,
    /// Calls.
    pub calls: usize,
    /// Utterances.
    pub utterances: usize,
    /// Journey events.
    pub journey_events: usize,
    /// Metric samples.
    pub metrics: usize,
}

/// Writes every record of `tenant` in `range` (calls by start, with their utterances; events
/// and samples by timestamp) as JSON Lines that [`Store::ingest_jsonl`] reads back unchanged.
/// With [`TimeRange::all`] this includes the utterances whose call has no record yet
/// ([`Store::utterances_without_call`], after the others), so a whole tenant moves without
/// loss; a narrower range has no time to select them by. The reads are not one snapshot:
/// records written while an export runs may or may not be in it.
pub async fn export_tenant(
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
    out: impl Write,
) -> Result<ExportCounts> {
    // Read before the calls: a call stored meanwhile then brings its utterances along with it
    // (written twice at worst, which ingestion ignores) instead of hiding them from both reads.
    let without_call = if range == TimeRange::all() {
        store.utterances_without_call(tenant).await?
    } else {
        Vec::new()
    };
    let (record, calls, mut utterances, events, metrics) = tokio::try_join!(
        store.tenant(tenant),
        store.calls(tenant, range),
        store.utterances(tenant, range),
        store.journey_events(tenant, range),
        store.metrics(tenant, range),
    )?;
    utterances.extend(without_call);
    let counts = ExportCounts {
        tenants: usize::from(record.is_some()),
        calls: calls.len(),
        utterances: utterances.len(),
        journey_events: events.len(),
        metrics: metrics.len(),
    };
    let records: Vec<Record> = record
        .into_iter()
        .map(Record::Tenant)
        .chain(calls.into_iter().map(Record::Call))
        .chain(utterances.into_iter().map(Record::Utterance))
        .chain(events.into_iter().map(Record::JourneyEvent))
        .chain(metrics.into_iter().map(Record::Metric))
        .collect();
    write_jsonl(&records, out)?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;
    use crate::model::ingest::IngestLimits;
    use crate::sim::{SimConfig, simulate};

    #[tokio::test]
    async fn an_export_ingests_back_unchanged() {
        let sim = simulate(&SimConfig {
            tenants: 2,
            days: 3,
            calls_per_day: 20,
            anomaly_days: 0,
            ..SimConfig::default()
        })
        .unwrap();
        let source = MemoryStore::new();
        source.put(sim.records).await.unwrap();
        let tenant = &source.tenant_ids().await.unwrap()[0];
        // An utterance whose call has no record yet (a live call).
        let mut pending = source.utterances(tenant, TimeRange::all()).await.unwrap()[0].clone();
        pending.call_id = "still-live".into();
        source.put(vec![Record::Utterance(pending)]).await.unwrap();
        let with_call = source
            .utterances(tenant, TimeRange::all())
            .await
            .unwrap()
            .len();

        let mut bytes = Vec::new();
        let counts = export_tenant(&source, tenant, TimeRange::all(), &mut bytes)
            .await
            .unwrap();
        assert!(counts.calls > 0 && counts.tenants == 1);
        assert_eq!(counts.utterances, with_call + 1);

        let copy = MemoryStore::new();
        let report = copy
            .ingest_jsonl(&bytes, &IngestLimits::default())
            .await
            .unwrap();
        assert!(report.rejected.is_empty());
        assert_eq!(copy.tenant_ids().await.unwrap(), vec![tenant.clone()]);
        let all = TimeRange::all();
        assert_eq!(
            copy.calls(tenant, all).await.unwrap(),
            source.calls(tenant, all).await.unwrap()
        );
        assert_eq!(
            copy.utterances(tenant, all).await.unwrap(),
            source.utterances(tenant, all).await.unwrap()
        );
        assert_eq!(
            copy.utterances_without_call(tenant).await.unwrap(),
            source.utterances_without_call(tenant).await.unwrap()
        );

        // A bounded range has no time for it.
        let calls = source.calls(tenant, all).await.unwrap();
        let first_day = TimeRange::new(
            calls[0].started_at,
            calls[0].started_at + chrono::Duration::days(1),
        )
        .unwrap();
        let mut day = Vec::new();
        let day_counts = export_tenant(&source, tenant, first_day, &mut day)
            .await
            .unwrap();
        assert_eq!(
            day_counts.utterances,
            source.utterances(tenant, first_day).await.unwrap().len()
        );
        assert!(!String::from_utf8(day).unwrap().contains("still-live"));
        assert_eq!(
            copy.metrics(tenant, all).await.unwrap().len(),
            counts.metrics
        );
    }
}
