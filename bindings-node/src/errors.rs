//! Rust errors as JS `Error`s whose `code` property names the variant.

use aybiza_analytics::Error;
use napi::Env;
use napi::bindgen_prelude::JsError;

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
    let js_error = JsError::from(napi::Error::new(code(error), error.to_string()));
    napi::Error::from(js_error.into_unknown(*env))
}
