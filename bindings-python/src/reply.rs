//! Handing the result of engine work to Python without blocking anyone: the future runs on
//! the engine's runtime, and its result is delivered from the blocking pool as
//! `callback(True, value)` or `callback(False, exception)` (the Python side resolves an
//! asyncio future from there with `call_soon_threadsafe`).

use std::future::Future;

use pyo3::prelude::*;

use crate::inline::leave_worker;
use crate::interpreter::attach;
use crate::runtime::runtime;

/// Runs `work`, then calls `callback` with its result converted by `convert`.
pub fn spawn_reply<T, F>(
    work: F,
    callback: Py<PyAny>,
    convert: impl for<'py> FnOnce(Python<'py>, T) -> PyResult<Bound<'py, PyAny>> + Send + 'static,
) where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Never queued behind an inline call on this thread (`inline.rs`).
    leave_worker(|| {
        runtime().spawn(async move {
            let out = work.await;
            runtime().spawn_blocking(move || {
                attach(|py| {
                    let (ok, value) = match convert(py, out) {
                        Ok(v) => (true, v),
                        Err(e) => (false, e.into_value(py).into_bound(py).into_any()),
                    };
                    if let Err(e) = callback.bind(py).call1((ok, value)) {
                        e.print(py);
                    }
                });
            });
        })
    });
}
