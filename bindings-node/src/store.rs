//! The `Store` class: calls, utterances, journey events and metric samples, kept per tenant.

use std::future::Future;
use std::sync::Arc;

use aybiza_analytics::access::{JsonlAuditLog, Principal, ScopedStore};
use aybiza_analytics::model::ingest::{IngestLimits, parse_value};
use aybiza_analytics::report::build_report;
use aybiza_analytics::{Error, IngestReport, MemoryStore, SqliteStore, TimeRange};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown, spawn_blocking};
use napi_derive::napi;
use serde::Serialize;
use serde_json::Value;

use crate::convert::{self, RecordItem};
use crate::report::{paths_json, report_options};
use crate::{errors, promise};

/// The library's store behind the class, shared with the tasks that use it.
pub(crate) type SharedStore = Arc<dyn aybiza_analytics::Store>;

/// A tenant-scoped store, in a SQLite file (`Store.open`) or in memory (`Store.memory`).
///
/// Every method returns a Promise; a bad argument or a failure rejects it
/// with an `Error` whose `code` names the cause (`InvalidArgument`, `Storage`, ...).
#[napi]
pub struct Store {
    inner: SharedStore,
}

impl Store {
    /// The shared core store, for other classes' methods that write to it.
    pub(crate) fn shared(&self) -> SharedStore {
        Arc::clone(&self.inner)
    }
}

#[napi]
impl Store {
    /// Opens (creating if needed) the SQLite store file at `path`.
    #[napi(catch_unwind, ts_return_type = "Promise<Store>")]
    pub fn open<'env>(
        env: &'env Env,
        #[napi(ts_arg_type = "string")] path: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Store>> {
        let path = convert::string_arg("path", path)?;
        promise::spawn(env, async move {
            let path = path?;
            let store = spawn_blocking(move || SqliteStore::open(path))
                .await
                .map_err(|e| Error::Task(e.to_string()))??;
            Ok(Store {
                inner: Arc::new(store),
            })
        })
    }

    /// A store kept in memory; nothing survives the process.
    #[napi(factory, catch_unwind)]
    pub fn memory() -> Store {
        Store {
            inner: Arc::new(MemoryStore::new()),
        }
    }

    /// This store as `principal` (`{ id, role, tenants }`: role `viewer`, `analyst`, `ingest`
    /// or `admin`; tenants `['*']` for all) may use it, with every access appended to the JSON
    /// Lines audit log at `auditLog`. Reads and writes outside the role or tenants reject with
    /// code `Forbidden`; a viewer's reads come back with personal data masked. Throws with code
    /// `InvalidArgument` for a bad principal and `Io` when the log cannot be opened.
    #[napi(catch_unwind)]
    pub fn scoped(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Principal")] principal: Unknown,
        audit_log: String,
    ) -> napi::Result<Store> {
        let scoped = convert::object_json("principal", principal)?
            .and_then(|value| convert::from_json::<Principal>("principal", value))
            .and_then(|principal| {
                let log = JsonlAuditLog::open(&audit_log)?;
                ScopedStore::new(Arc::clone(&self.inner), principal, Arc::new(log))
            });
        match scoped {
            Ok(store) => Ok(Store {
                inner: Arc::new(store),
            }),
            Err(error) => Err(errors::to_napi(env, &error)),
        }
    }

    /// Parses, validates and stores JSON Lines (a string, `Buffer` or `Uint8Array`).
    /// Bad lines are reported in `rejected` by 1-based line number; the rest is stored.
    #[napi(catch_unwind, ts_return_type = "Promise<IngestReport>")]
    pub fn ingest_jsonl<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string | Uint8Array")] input: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let input = convert::jsonl_bytes(input)?;
        let store = Arc::clone(&self.inner);
        promise::spawn(env, async move {
            let report = store
                .ingest_jsonl(&input?, &IngestLimits::default())
                .await?;
            to_json(report)
        })
    }

    /// Validates and stores an array of records (objects with a `type` field).
    /// Bad items are reported in `rejected` with `line` set to their 1-based position.
    #[napi(catch_unwind, ts_return_type = "Promise<IngestReport>")]
    pub fn ingest<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "ReadonlyArray<RecordInput>")] records: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let items = convert::record_items(records)?;
        let store = Arc::clone(&self.inner);
        promise::spawn(
            env,
            async move { to_json(ingest_items(&store, items?).await?) },
        )
    }

    /// Ids of every tenant that has at least one record, sorted.
    #[napi(catch_unwind, ts_return_type = "Promise<string[]>")]
    pub fn tenant_ids<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Vec<String>>> {
        let store = Arc::clone(&self.inner);
        promise::spawn(env, async move { store.tenant_ids().await })
    }

    /// The tenant record, or `null` when none was ingested.
    #[napi(catch_unwind, ts_return_type = "Promise<Tenant | null>")]
    pub fn tenant<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let id = convert::string_arg("id", id)?;
        let store = Arc::clone(&self.inner);
        promise::spawn(env, async move { to_json(store.tenant(&id?).await?) })
    }

    /// Calls of `tenant` that started in `[start, end)`, by start time then id.
    /// A missing bound (`undefined` or `null`) leaves that side open.
    #[napi(catch_unwind, ts_return_type = "Promise<Call[]>")]
    pub fn calls<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        query_in_range(
            env,
            &self.inner,
            tenant,
            start,
            end,
            |store, tenant, range| async move { store.calls(&tenant, range).await },
        )
    }

    /// Utterances of the calls of `tenant` that started in `[start, end)`, by call then sequence.
    #[napi(catch_unwind, ts_return_type = "Promise<Utterance[]>")]
    pub fn utterances<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        query_in_range(
            env,
            &self.inner,
            tenant,
            start,
            end,
            |store, tenant, range| async move { store.utterances(&tenant, range).await },
        )
    }

    /// Utterances of `tenant` whose call has no call record (yet: a pipeline may store them
    /// before the call's summary), by call id then sequence. No time range selects them.
    #[napi(catch_unwind, ts_return_type = "Promise<Utterance[]>")]
    pub fn utterances_without_call<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let store = Arc::clone(&self.inner);
        promise::spawn(env, async move {
            to_json(store.utterances_without_call(&tenant?).await?)
        })
    }

    /// One call's utterances in sequence order (empty when the call is unknown).
    #[napi(catch_unwind, ts_return_type = "Promise<Utterance[]>")]
    pub fn transcript<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "string")] call_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let call_id = convert::string_arg("callId", call_id)?;
        let store = Arc::clone(&self.inner);
        promise::spawn(env, async move {
            to_json(store.transcript(&tenant?, &call_id?).await?)
        })
    }

    /// Journey events of `tenant` in `[start, end)`, by timestamp then id.
    #[napi(catch_unwind, ts_return_type = "Promise<JourneyEvent[]>")]
    pub fn journey_events<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        query_in_range(
            env,
            &self.inner,
            tenant,
            start,
            end,
            |store, tenant, range| async move { store.journey_events(&tenant, range).await },
        )
    }

    /// Metric samples of `tenant` in `[start, end)`, by timestamp, metric, then source.
    #[napi(catch_unwind, ts_return_type = "Promise<MetricSample[]>")]
    pub fn metrics<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        query_in_range(
            env,
            &self.inner,
            tenant,
            start,
            end,
            |store, tenant, range| async move { store.metrics(&tenant, range).await },
        )
    }

    /// The analysis report over the calls that started in `[start, end)` (and
    /// the journey events and metric samples in it), per tenant and overall.
    /// `tenants` limits it to those tenants (sorted by id); `null` or
    /// `undefined` means every tenant. Rejects with code `InvalidArgument`
    /// when a tenant has no records.
    #[napi(catch_unwind, ts_return_type = "Promise<Report>")]
    pub fn report<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
        #[napi(ts_arg_type = "ReadonlyArray<string> | null")] tenants: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let range = convert::time_range(start, end)?;
        let tenants = convert::optional_string_array("tenants", tenants)?;
        let store = Arc::clone(&self.inner);
        promise::spawn(env, async move {
            let options = report_options(tenants?);
            to_json(build_report(store.as_ref(), range?, &options, &|_| {}).await?)
        })
    }

    /// Builds the report as `report` does and writes `report.json` (indented
    /// JSON) and `report.html` (a self-contained page) into `dir`, creating it
    /// if needed. Resolves to the two paths.
    #[napi(catch_unwind, ts_return_type = "Promise<ReportPaths>")]
    pub fn write_report<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "string")] dir: Unknown,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
        #[napi(ts_arg_type = "ReadonlyArray<string> | null")] tenants: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let dir = convert::string_arg("dir", dir)?;
        let range = convert::time_range(start, end)?;
        let tenants = convert::optional_string_array("tenants", tenants)?;
        let store = Arc::clone(&self.inner);
        promise::spawn(env, async move {
            let dir = dir?;
            let options = report_options(tenants?);
            let report = build_report(store.as_ref(), range?, &options, &|_| {}).await?;
            let paths = spawn_blocking(move || report.write_to_dir(dir.as_ref()))
                .await
                .map_err(|e| Error::Task(e.to_string()))??;
            Ok(paths_json(&paths))
        })
    }
}

/// Checks a `(tenant, start, end)` query's arguments, then runs `query` off the JS thread.
fn query_in_range<'env, T, Q, F>(
    env: &'env Env,
    store: &SharedStore,
    tenant: Unknown,
    start: Option<Unknown>,
    end: Option<Unknown>,
    query: Q,
) -> napi::Result<PromiseRaw<'env, Value>>
where
    T: Serialize,
    Q: FnOnce(SharedStore, String, TimeRange) -> F + Send + 'static,
    F: Future<Output = aybiza_analytics::Result<Vec<T>>> + Send,
{
    let tenant = convert::string_arg("tenant", tenant)?;
    let range = convert::time_range(start, end)?;
    let store = Arc::clone(store);
    promise::spawn(env, async move {
        let rows = query(store, tenant?, range?).await?;
        to_json(rows)
    })
}

/// Validates the items of an `ingest` array and stores the good ones.
async fn ingest_items(
    store: &SharedStore,
    items: Vec<RecordItem>,
) -> aybiza_analytics::Result<IngestReport> {
    let limits = IngestLimits::default();
    let mut records = Vec::with_capacity(items.len());
    let mut rejected = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        match item.and_then(|value| parse_value(value, index + 1, &limits)) {
            Ok(record) => records.push(record),
            Err(error) => rejected.push(error),
        }
    }
    let written = store.put(records).await?;
    Ok(IngestReport { written, rejected })
}

/// The JSON shape of a library value, as Rust's serde writes it.
fn to_json<T: Serialize>(value: T) -> aybiza_analytics::Result<Value> {
    Ok(serde_json::to_value(value)?)
}
