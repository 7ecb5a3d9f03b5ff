//! What the crate's concurrent code shares: the boxed future every async trait returns
//! ([`BoxFuture`], re-exported by the handler boundary), and locking that survives a panic:
//! a handler that panics while the engine holds one of its locks must not wedge the server,
//! so a poisoned mutex is used as it is.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A boxed, sendable future: what every handler returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Locks a mutex, recovering from poisoning.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
