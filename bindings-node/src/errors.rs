//! Rust errors as JS `Error`s whose `code` property names the variant.

use aybiza_analytics::Error;
use aybiza_analytics::export::powerbi::PushedTable;
use napi::Env;
use napi::bindgen_prelude::{JsError, Object, Unknown};

/// The `code` a JS caller sees for `error`: the variant's name, except
/// `Sqlite`, which is reported as `Storage` (the backend is an implementation detail).
pub fn code(error: &Error) -> &'static str {
    match error {
        Error::InvalidRecord(_) => "InvalidRecord",
        Error::InvalidArgument(_) => "InvalidArgument",
        Error::Sqlite(_) => "Storage",
        Error::CorruptRecord(_) => "CorruptRecord",
        Error::UnsupportedSchema { .. } => "UnsupportedSchema",
        Error::Io(_) => "Io",
        Error::Json(_) => "Json",
        Error::Task(_) => "Task",
        Error::Predict(_) => "Predict",
        Error::Llm(_) => "Llm",
        Error::Forbidden(_) => "Forbidden",
        Error::PowerBi(_) => "PowerBi",
    }
}

/// A `napi::Error` that throws (or rejects with) a JS `Error` whose `message`
/// is `error`'s message and whose `code` is [`code`]`(error)`.
///
/// Must run on the JS thread: it creates the JS object right away, so the
/// custom `code` survives napi's own error conversion.
pub fn to_napi(env: &Env, error: &Error) -> napi::Error {
    let js_error =
        JsError::from(napi::Error::new(code(error), error.to_string())).into_unknown(*env);
    if let Error::PowerBi(failure) = error {
        // Best effort: the message lists the same when the property cannot be set.
        let _ = set_pushed(env, &js_error, &failure.pushed);
    }
    napi::Error::from(js_error)
}

/// Sets a failed Power BI push's `pushed` property (`[{ table, rows, requests,
/// truncated_values }]`) on the JS `Error` `js_error`.
fn set_pushed(env: &Env, js_error: &Unknown, pushed: &[PushedTable]) -> napi::Result<()> {
    // SAFETY: `js_error` is the `Error` object created just before, an object.
    let mut object: Object = unsafe { js_error.cast()? };
    object.set("pushed", env.to_js_value(&pushed)?)
}
