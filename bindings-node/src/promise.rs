//! Running library work off the JS thread and settling a Promise with its outcome.

use std::future::Future;

use aybiza_analytics::Result;
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};

use crate::errors;

/// Runs `work` on napi's tokio runtime and returns a Promise of its value.
///
/// An `Err` rejects the Promise with a JS `Error` carrying the variant's
/// `code` (see [`errors::to_napi`]); a panic inside `work` rejects it too
/// (napi reports it as a `GenericFailure`) instead of crossing the boundary.
pub fn spawn<'env, T, F>(env: &'env Env, work: F) -> napi::Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = Result<T>> + Send + 'static,
{
    env.spawn_future_with_callback(async move { Ok(work.await) }, |env, outcome| {
        outcome.map_err(|error| errors::to_napi(env, &error))
    })
}
