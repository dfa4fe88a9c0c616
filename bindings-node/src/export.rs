//! `tenantTables`, `exportTables` and `pushPowerBi`: a tenant's analytics tables as JS columns,
//! as files, or in a Power BI push dataset.

use std::path::PathBuf;

use aybiza_analytics::export::powerbi::{PowerBiSettings, PushOptions};
use aybiza_analytics::export::{self, ColumnValues, Table, TableFormat, TableOptions};
use chrono::SecondsFormat;
use napi::bindgen_prelude::{Object, PromiseRaw, ToNapiValue, Unknown};
use napi::{Env, sys};
use napi_derive::napi;
use serde_json::Value;

use crate::convert;
use crate::promise;
use crate::store::Store;

/// Tables on their way to JS: an object of table name to an object of column name to array
/// (timestamps as ISO-8601 UTC strings with milliseconds, blanks as `null`). Built property by
/// property so the keys keep the order of the tables and their columns, which a
/// `serde_json::Map` would sort.
pub struct JsTables(Vec<Table>);

impl ToNapiValue for JsTables {
    unsafe fn to_napi_value(raw_env: sys::napi_env, tables: Self) -> napi::Result<sys::napi_value> {
        let env = Env::from_raw(raw_env);
        let mut out = Object::new(&env)?;
        for table in tables.0 {
            let mut columns = Object::new(&env)?;
            for column in table.columns {
                let name = column.name;
                match column.values {
                    ColumnValues::Text(v) => columns.set(name, v)?,
                    ColumnValues::Integer(v) => columns.set(name, v)?,
                    ColumnValues::Float(v) => columns.set(name, v)?,
                    ColumnValues::Boolean(v) => columns.set(name, v)?,
                    ColumnValues::Timestamp(v) => columns.set(
                        name,
                        v.into_iter()
                            .map(|t| t.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)))
                            .collect::<Vec<_>>(),
                    )?,
                }
            }
            out.set(table.kind.as_str(), columns)?;
        }
        // SAFETY: `raw_env` is the environment napi passed in, which `out` was created in.
        unsafe { Object::to_napi_value(raw_env, out) }
    }
}

/// A tenant's analytics tables for `[start, end)`: an object of table name (`calls`,
/// `utterances`, `journey_events`, `metrics`, `agents`) to an object of columns. `options` holds
/// `TableOptions` fields: `tables` (names, all by default), `redact` (default `true`: PII in
/// text, tags and attributes becomes placeholders such as `[CARD]`) and `sentiment` (default
/// `true`: sentiment and emotion columns). An unknown or repeated table rejects with code
/// `InvalidArgument`.
#[napi(
    catch_unwind,
    ts_return_type = "Promise<Record<string, Record<string, Array<string | number | boolean | null>>>>"
)]
pub fn tenant_tables<'env>(
    env: &'env Env,
    store: &Store,
    tenant: String,
    #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    #[napi(ts_arg_type = "Record<string, unknown> | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, JsTables>> {
    let range = convert::time_range(start, end)?;
    let options = convert::options_or_default::<TableOptions>("options", options)?;
    let store = store.shared();
    promise::spawn(env, async move {
        let tables = export::tenant_tables(store.as_ref(), &tenant, range?, &options?).await?;
        Ok(JsTables(tables))
    })
}

/// Writes a tenant's analytics tables for `[start, end)` to `directory` as `<table>.<format>`
/// files (`format`: `csv` by default, `jsonl` or `parquet`), replacing files of the same name;
/// resolves to one `{ table, path, rows, columns }` per file. `options` as for `tenantTables`.
#[napi(
    catch_unwind,
    ts_return_type = "Promise<Array<{ table: string; path: string; rows: number; columns: number }>>"
)]
#[allow(clippy::too_many_arguments)]
pub fn export_tables<'env>(
    env: &'env Env,
    store: &Store,
    tenant: String,
    directory: String,
    #[napi(ts_arg_type = "'csv' | 'jsonl' | 'parquet' | null")] format: Option<String>,
    #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    #[napi(ts_arg_type = "Record<string, unknown> | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let format = format.as_deref().unwrap_or("csv").parse::<TableFormat>();
    let range = convert::time_range(start, end)?;
    let options = convert::options_or_default::<TableOptions>("options", options)?;
    let store = store.shared();
    promise::spawn(env, async move {
        let directory = PathBuf::from(directory);
        let files = export::export_tables(
            store.as_ref(),
            &tenant,
            range?,
            &options?,
            format?,
            &directory,
        )
        .await?;
        Ok(serde_json::to_value(files)?)
    })
}

/// Pushes a tenant's analytics tables for `[start, end)` into the Power BI push dataset called
/// `dataset` (created if the workspace has none of that name); resolves to `{ dataset_id,
/// created, tables: [{ table, rows, requests, truncated_values }] }`. `settings` holds
/// `PowerBiSettings` fields (`access_token`, or `tenant_id`, `client_id` and `client_secret`;
/// `workspace`, `api_url`, timeouts and retries; the sign-in comes from the environment when
/// none is given). `options` as for `tenantTables`; `push` holds `PushOptions` fields (`mode`:
/// `append` or `replace`, `retention`: `none` or `basic_fifo`, `rows_per_request`). A refused
/// push rejects with code `PowerBi` and a `pushed` property: `[{ table, rows, requests,
/// truncated_values }]` that Power BI had accepted (the message says the same).
#[napi(
    catch_unwind,
    ts_return_type = "Promise<{ dataset_id: string; created: boolean; tables: Array<{ table: string; rows: number; requests: number; truncated_values: number }> }>"
)]
#[allow(clippy::too_many_arguments)]
pub fn push_power_bi<'env>(
    env: &'env Env,
    store: &Store,
    tenant: String,
    dataset: String,
    #[napi(ts_arg_type = "PowerBiSettings | null")] settings: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    #[napi(ts_arg_type = "Record<string, unknown> | null")] options: Option<Unknown>,
    #[napi(ts_arg_type = "PushOptions | null")] push: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let settings = convert::options_or_default::<PowerBiSettings>("settings", settings)?;
    let range = convert::time_range(start, end)?;
    let options = convert::options_or_default::<TableOptions>("options", options)?;
    let push = convert::options_or_default::<PushOptions>("push", push)?;
    let store = store.shared();
    promise::spawn(env, async move {
        let client = settings?.connect()?;
        let pushed = client
            .push_tenant(store.as_ref(), &tenant, range?, &options?, &dataset, &push?)
            .await?;
        Ok(serde_json::to_value(pushed)?)
    })
}
