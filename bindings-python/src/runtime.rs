//! The tokio runtime shared by every call of the module, and the helper that blocks on it without the GIL.

use std::future::Future;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use tokio::runtime::{Builder, Runtime};

use crate::errors::{AybizaError, to_py_err};

/// The runtime and the id of the process that built it.
///
/// A process forked from the one that built the runtime inherits its state but
/// not its threads, so the child builds its own (see [`runtime`]).
static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The module's current-thread runtime, built on first use in each process.
fn runtime(py: Python<'_>) -> PyResult<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME
        .lock_py_attached(py)
        .map_err(|_| AybizaError::new_err("the runtime lock is poisoned"))?;
    if let Some((owner, runtime)) = slot.as_ref()
        && *owner == pid
    {
        return Ok(Arc::clone(runtime));
    }
    let runtime = Arc::new(
        Builder::new_current_thread()
            .enable_all()
            .thread_name("aybiza-analytics")
            .build()
            .map_err(|e| AybizaError::new_err(format!("cannot start the async runtime: {e}")))?,
    );
    if let Some((_, inherited)) = slot.replace((pid, Arc::clone(&runtime))) {
        // Built by the parent of a fork: its threads do not exist here, so
        // shutting it down could wait for them forever. Leak it instead.
        std::mem::forget(inherited);
    }
    Ok(runtime)
}

/// Runs `future` to completion on the shared runtime with the GIL released.
fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = runtime(py)?;
    Ok(py.detach(move || runtime.block_on(future)))
}

/// Runs a core operation on the shared runtime with the GIL released, raising its error as a Python exception.
pub fn run<T, F>(py: Python<'_>, operation: F) -> PyResult<T>
where
    F: Future<Output = aybiza_analytics::Result<T>> + Send,
    T: Send,
{
    block_on(py, operation)?.map_err(to_py_err)
}
