//! A mutex that a forked child never waits on forever.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{LockResult, Mutex, MutexGuard, PoisonError, TryLockError};

use pyo3::prelude::*;
use pyo3::sync::MutexExt;

use crate::errors::AybizaError;

/// A mutex that remembers the process it was last locked in.
///
/// `os.fork()` copies a held lock into the child but not the thread that holds it, so in the
/// child the lock would never be released. Locked in a forked child while still held from the
/// parent, this mutex raises instead of waiting; once locked in the child, it waits there as
/// usual.
pub struct ForkSafeMutex<T> {
    process: AtomicU32,
    inner: Mutex<T>,
}

impl<T> ForkSafeMutex<T> {
    /// A mutex holding `value`, owned by this process.
    pub fn new(value: T) -> Self {
        Self {
            process: AtomicU32::new(std::process::id()),
            inner: Mutex::new(value),
        }
    }

    /// Locks, waiting (detached from the interpreter, so other Python threads run) while
    /// another thread holds it; poisoned (a holder panicked) as a `std::sync::Mutex` is. In a
    /// process forked while a thread of the parent held it, raises `AybizaError` naming `what`
    /// instead of waiting forever.
    pub fn lock(&self, py: Python<'_>, what: &str) -> PyResult<LockResult<MutexGuard<'_, T>>> {
        let here = std::process::id();
        if self.process.load(Ordering::Acquire) == here {
            return Ok(self.inner.lock_py_attached(py));
        }
        let guard = match self.inner.try_lock() {
            Ok(guard) => Ok(guard),
            Err(TryLockError::Poisoned(poisoned)) => Err(PoisonError::new(poisoned.into_inner())),
            Err(TryLockError::WouldBlock) => {
                return Err(AybizaError::new_err(format!(
                    "this {what} was in use by another thread when the process forked, and that \
                     thread does not exist in this process: make a new {what} here (from its \
                     saved state)"
                )));
            }
        };
        self.process.store(here, Ordering::Release);
        Ok(guard)
    }

    /// [`Self::lock`], taking a poisoned lock's value as the panicking holder left it: for
    /// state that a panic cannot leave unusable.
    pub fn lock_as_left(&self, py: Python<'_>, what: &str) -> PyResult<MutexGuard<'_, T>> {
        Ok(self.lock(py, what)?.unwrap_or_else(PoisonError::into_inner))
    }
}
