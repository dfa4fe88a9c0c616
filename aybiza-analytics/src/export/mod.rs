//! Export: records out of a store in the JSON Lines ingest format, so a tenant's
//! data moves between stores or to other tools unchanged.

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
pub async fn export_tenant(
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
    out: impl Write,
) -> Result<ExportCounts> {
    let (record, calls, utterances, events, metrics) = tokio::try_join!(
        store.tenant(tenant),
        store.calls(tenant, range),
        store.utterances(tenant, range),
        store.journey_events(tenant, range),
        store.metrics(tenant, range),
    )?;
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
        let mut bytes = Vec::new();
        let counts = export_tenant(&source, tenant, TimeRange::all(), &mut bytes)
            .await
            .unwrap();
        assert!(counts.calls > 0 && counts.utterances > 0 && counts.tenants == 1);

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
            copy.metrics(tenant, all).await.unwrap().len(),
            counts.metrics
        );
    }
}
