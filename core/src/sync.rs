//! Locking that survives a panic: a handler that panics while the engine holds one of its
//! locks must not wedge the server, so a poisoned mutex is used as it is.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a mutex, recovering from poisoning.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
