//! The embedded default backend: one SQLite file in WAL mode.
//!
//! Every record is one row of `records`, keyed by `(tenant, kind, key)`, with
//! the record's JSON as `body` and the columns that queries filter and sort
//! on (`ts_ms`, `call_id`, `seq`) beside it. Blocking SQLite calls run on
//! tokio's blocking pool when a runtime is present.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params, params_from_iter};
use serde::de::DeserializeOwned;

use super::{Store, WriteCounts};
use crate::model::{
    Call, JourneyEvent, MetricSample, Record, RecordKind, Tenant, TimeRange, Utterance,
};
use crate::{Error, Result};

/// The schema version this build writes and reads. Version 1 keyed metric samples by the
/// whole millisecond; version 2 adds the nanoseconds within it (see [`Record::key`]), and
/// opening a version 1 file re-keys its samples.
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS records (
    tenant  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    ts_ms   INTEGER,
    call_id TEXT,
    seq     INTEGER,
    body    TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_time ON records (tenant, kind, ts_ms);
CREATE INDEX IF NOT EXISTS records_by_call ON records (tenant, kind, call_id, seq);
";

/// Utterances of the calls of a tenant (?1) started in [?2, ?3), seeking by call.
const UTTERANCES_IN_RANGE: &str =
    "SELECT u.body FROM records c JOIN records u INDEXED BY records_by_call
               ON u.tenant = c.tenant AND u.kind = 'utterance' AND u.call_id = c.key
             WHERE c.tenant = ?1 AND c.kind = 'call' AND c.ts_ms >= ?2 AND c.ts_ms < ?3
             ORDER BY c.ts_ms, c.key, u.seq";

/// Utterances of a tenant (?1) whose call has no record, by call id then sequence.
const UTTERANCES_WITHOUT_CALL: &str = "SELECT u.body FROM records u INDEXED BY records_by_call
             WHERE u.tenant = ?1 AND u.kind = 'utterance' AND NOT EXISTS (
                 SELECT 1 FROM records c
                 WHERE c.tenant = ?1 AND c.kind = 'call' AND c.key = u.call_id)
             ORDER BY u.call_id, u.seq";

/// One call's (?2) utterances of a tenant (?1) in sequence order.
const TRANSCRIPT: &str = "SELECT body FROM records INDEXED BY records_by_call
             WHERE tenant = ?1 AND kind = 'utterance' AND call_id = ?2
             ORDER BY seq";

/// How hard SQLite works to make a committed write survive a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=NORMAL`: a write that returned survives the process being killed;
    /// the last transactions may be lost if the machine loses power.
    #[default]
    Process,
    /// `synchronous=FULL`: a write that returned survives power loss too, at the cost of an fsync per transaction.
    PowerLoss,
}

/// A [`Store`] persisted in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`, durable against process crashes.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, Durability::default())
    }

    /// Opens the store at `path` with the given durability.
    pub fn open_with(path: impl AsRef<Path>, durability: Durability) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut connection = Connection::open(&path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        let synchronous = match durability {
            Durability::Process => "NORMAL",
            Durability::PowerLoss => "FULL",
        };
        connection.pragma_update(None, "synchronous", synchronous)?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        upgrade_schema(&mut connection)?;
        tracing::debug!(path = %path.display(), ?durability, "opened SQLite store");
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            path,
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` with the connection, on tokio's blocking pool when inside a runtime.
    async fn with_connection<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        let run = move || {
            let mut guard = connection
                .lock()
                .map_err(|_| Error::Task("SQLite connection lock poisoned".into()))?;
            work(&mut guard)
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle
                .spawn_blocking(run)
                .await
                .map_err(|e| Error::Task(e.to_string()))?,
            Err(_) => run(),
        }
    }

    async fn query_bodies<T>(
        &self,
        sql: &'static str,
        tenant: &str,
        args: QueryArgs,
    ) -> Result<Vec<T>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let tenant = tenant.to_owned();
        self.with_connection(move |conn| {
            let mut statement = conn.prepare_cached(sql)?;
            let mut values = vec![Value::Text(tenant)];
            match args {
                QueryArgs::Range(range) => {
                    values.push(Value::Integer(range.start.timestamp_millis()));
                    values.push(Value::Integer(range.end.timestamp_millis()));
                }
                QueryArgs::Key(key) => values.push(Value::Text(key)),
                QueryArgs::TenantOnly => {}
            }
            let rows =
                statement.query_map(params_from_iter(values), |row| row.get::<_, String>(0))?;
            let mut out = Vec::new();
            for body in rows {
                let body = body?;
                out.push(
                    serde_json::from_str(&body).map_err(|e| Error::CorruptRecord(e.to_string()))?,
                );
            }
            Ok(out)
        })
        .await
    }
}

/// The parameters after the tenant (?1) of a query.
enum QueryArgs {
    /// ?2 and ?3: the range's bounds in milliseconds.
    Range(TimeRange),
    /// ?2: a key such as a call id.
    Key(String),
    /// No parameter after the tenant.
    TenantOnly,
}

/// The file's schema version.
fn schema_version(connection: &Connection) -> Result<i64> {
    Ok(connection.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a file of a newer schema version; creates the schema of a new file, or brings a
/// version 1 file up to this one, in one immediate transaction (two processes opening the
/// file at once take turns, and a crash leaves the file as it was).
fn upgrade_schema(connection: &mut Connection) -> Result<()> {
    let newer = |found| Error::UnsupportedSchema {
        found,
        supported: SCHEMA_VERSION,
    };
    match schema_version(connection)? {
        SCHEMA_VERSION => return Ok(()),
        version if version > SCHEMA_VERSION => return Err(newer(version)),
        _ => {}
    }
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version = schema_version(&transaction)?;
    if version > SCHEMA_VERSION {
        return Err(newer(version));
    }
    if version < SCHEMA_VERSION {
        transaction.execute_batch(SCHEMA)?;
        if version == 1 {
            rekey_metric_samples(&transaction)?;
        }
        transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    transaction.commit()?;
    Ok(())
}

/// Gives every metric sample the key of this schema version: samples whose time has digits
/// below the millisecond get them in their key. Holds only the keys that change in memory.
/// A sample whose body does not parse keeps its key (a warning is logged); a sample whose new
/// key is already taken (written by an older build still running) replaces that row.
fn rekey_metric_samples(transaction: &rusqlite::Transaction<'_>) -> Result<()> {
    let mut changes = Vec::new();
    let mut select =
        transaction.prepare("SELECT tenant, key, body FROM records WHERE kind = 'metric'")?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let (tenant, old_key, body): (String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        match serde_json::from_str::<MetricSample>(&body) {
            Ok(sample) => {
                let new_key = Record::Metric(sample).key();
                if new_key != old_key {
                    changes.push((tenant, old_key, new_key));
                }
            }
            Err(error) => tracing::warn!(
                %tenant, key = %old_key, %error,
                "metric sample keeps its version 1 key: its body does not parse"
            ),
        }
    }
    let mut update = transaction.prepare(
        "UPDATE OR REPLACE records SET key = ?3 WHERE tenant = ?1 AND kind = 'metric' AND key = ?2",
    )?;
    for (tenant, old_key, new_key) in changes {
        update.execute(params![tenant, old_key, new_key])?;
    }
    Ok(())
}

/// The indexed columns and JSON body of one record.
struct Row {
    kind: &'static str,
    key: String,
    ts_ms: Option<i64>,
    call_id: Option<String>,
    seq: Option<u32>,
    body: String,
}

fn to_row(record: &Record) -> Result<Row> {
    let (ts_ms, call_id, seq, body) = match record {
        Record::Tenant(t) => (None, None, None, serde_json::to_string(t)?),
        Record::Call(c) => (
            Some(c.started_at.timestamp_millis()),
            None,
            None,
            serde_json::to_string(c)?,
        ),
        Record::Utterance(u) => (
            None,
            Some(u.call_id.clone()),
            Some(u.seq),
            serde_json::to_string(u)?,
        ),
        Record::JourneyEvent(e) => (
            Some(e.timestamp.timestamp_millis()),
            None,
            None,
            serde_json::to_string(e)?,
        ),
        Record::Metric(m) => (
            Some(m.timestamp.timestamp_millis()),
            None,
            None,
            serde_json::to_string(m)?,
        ),
    };
    Ok(Row {
        kind: record.kind().as_str(),
        key: record.key(),
        ts_ms,
        call_id,
        seq,
        body,
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn put(&self, records: Vec<Record>) -> Result<WriteCounts> {
        let rows = records.iter().map(to_row).collect::<Result<Vec<_>>>()?;
        let tenants: Vec<String> = records.into_iter().map(|r| r.tenant().to_owned()).collect();
        self.with_connection(move |conn| {
            let tx = conn.transaction()?;
            let mut counts = WriteCounts::default();
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR IGNORE INTO records (tenant, kind, key, ts_ms, call_id, seq, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                let mut update = tx.prepare_cached(
                    "UPDATE records SET ts_ms = ?4, call_id = ?5, seq = ?6, body = ?7
                     WHERE tenant = ?1 AND kind = ?2 AND key = ?3 AND body <> ?7",
                )?;
                for (tenant, row) in tenants.iter().zip(&rows) {
                    let args = params![
                        tenant,
                        row.kind,
                        row.key,
                        row.ts_ms,
                        row.call_id,
                        row.seq,
                        row.body
                    ];
                    if insert.execute(args)? == 1 {
                        counts.inserted += 1;
                    } else if update.execute(args)? == 1 {
                        counts.updated += 1;
                    } else {
                        counts.unchanged += 1;
                    }
                }
            }
            tx.commit()?;
            tracing::debug!(?counts, "committed a batch");
            Ok(counts)
        })
        .await
    }

    async fn tenant_ids(&self) -> Result<Vec<String>> {
        self.with_connection(|conn| {
            let mut statement =
                conn.prepare_cached("SELECT DISTINCT tenant FROM records ORDER BY tenant")?;
            let ids = statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ids)
        })
        .await
    }

    async fn tenant(&self, tenant: &str) -> Result<Option<Tenant>> {
        let tenant = tenant.to_owned();
        let kind = RecordKind::Tenant.as_str();
        self.with_connection(move |conn| {
            let body: Option<String> = conn
                .query_row(
                    "SELECT body FROM records WHERE tenant = ?1 AND kind = ?2 AND key = ?1",
                    params![tenant, kind],
                    |row| row.get(0),
                )
                .optional()?;
            body.map(|b| serde_json::from_str(&b).map_err(|e| Error::CorruptRecord(e.to_string())))
                .transpose()
        })
        .await
    }

    async fn calls(&self, tenant: &str, range: TimeRange) -> Result<Vec<Call>> {
        self.query_bodies(
            "SELECT body FROM records WHERE tenant = ?1 AND kind = 'call'
             AND ts_ms >= ?2 AND ts_ms < ?3 ORDER BY ts_ms, key",
            tenant,
            QueryArgs::Range(range),
        )
        .await
    }

    async fn utterances(&self, tenant: &str, range: TimeRange) -> Result<Vec<Utterance>> {
        self.query_bodies(UTTERANCES_IN_RANGE, tenant, QueryArgs::Range(range))
            .await
    }

    async fn utterances_without_call(&self, tenant: &str) -> Result<Vec<Utterance>> {
        self.query_bodies(UTTERANCES_WITHOUT_CALL, tenant, QueryArgs::TenantOnly)
            .await
    }

    async fn transcript(&self, tenant: &str, call_id: &str) -> Result<Vec<Utterance>> {
        self.query_bodies(TRANSCRIPT, tenant, QueryArgs::Key(call_id.to_owned()))
            .await
    }

    async fn journey_events(&self, tenant: &str, range: TimeRange) -> Result<Vec<JourneyEvent>> {
        self.query_bodies(
            "SELECT body FROM records WHERE tenant = ?1 AND kind = 'journey_event'
             AND ts_ms >= ?2 AND ts_ms < ?3 ORDER BY ts_ms, key",
            tenant,
            QueryArgs::Range(range),
        )
        .await
    }

    async fn metrics(&self, tenant: &str, range: TimeRange) -> Result<Vec<MetricSample>> {
        self.query_bodies(
            "SELECT body FROM records WHERE tenant = ?1 AND kind = 'metric'
             AND ts_ms >= ?2 AND ts_ms < ?3 ORDER BY ts_ms, key",
            tenant,
            QueryArgs::Range(range),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Utterance reads must seek by call through `records_by_call`; scanning the tenant's
    /// utterances for every call made a 17k-call report take minutes.
    #[test]
    fn utterance_queries_seek_by_call() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("plan.db")).unwrap();
        let connection = store.connection.lock().unwrap();
        let plan = |sql: &str| -> Vec<String> {
            let mut plan = connection
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            plan.query_map(
                params_from_iter(vec![Value::Null; plan.parameter_count()]),
                |row| row.get::<_, String>(3),
            )
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        for sql in [UTTERANCES_IN_RANGE, TRANSCRIPT] {
            let steps = plan(sql);
            assert!(
                steps
                    .iter()
                    .any(|s| s.contains("records_by_call (tenant=? AND kind=? AND call_id=?)")),
                "{steps:?}"
            );
        }
        // Utterances without a call: one pass over the tenant's utterances in call order,
        // each call looked up by its primary key (no sort, no scan of the calls).
        let steps = plan(UTTERANCES_WITHOUT_CALL);
        assert!(
            steps
                .iter()
                .any(|s| s.contains("records_by_call (tenant=? AND kind=?)")),
            "{steps:?}"
        );
        assert!(
            steps
                .iter()
                .any(|s| s.contains("PRIMARY KEY (tenant=? AND kind=? AND key=?)")),
            "{steps:?}"
        );
        assert!(
            !steps.iter().any(|s| s.contains("TEMP B-TREE")),
            "{steps:?}"
        );
    }
}
