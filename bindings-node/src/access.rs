//! `readAuditLog`: the events a scoped store wrote (`Store.scoped` is in [`crate::store`]).

use aybiza_analytics::access;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use crate::errors;

/// The events of a JSON Lines audit log, oldest first (`at`, `principal`, `role`, `action`,
/// `tenant`, `range`, `call_id`, `allowed`, `records`, `redacted`, `reason`). Throws with code
/// `Io` when the file cannot be read and `InvalidArgument` for a line that is not an event.
#[napi(catch_unwind, ts_return_type = "Array<Record<string, unknown>>")]
pub fn read_audit_log(env: &Env, path: String) -> napi::Result<Value> {
    access::read_audit_log(&path)
        .and_then(|events| Ok(serde_json::to_value(events)?))
        .map_err(|error| errors::to_napi(env, &error))
}
