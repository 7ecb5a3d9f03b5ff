//! The thread every `NativeClient` runs on: one tokio runtime of a single thread, started on
//! first use, that owns each client's tasks (its calls, the engine's reading and writing
//! tasks, a child's pipes). A call then crosses threads twice, JavaScript to this thread and
//! back, rather than hopping between the workers of a shared pool at each step (its writer,
//! its reader, the engine's correlation, the call's own task), which on a busy machine costs
//! a wake-up each and keeps idle workers spinning.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle};

use crate::error::js_error;

/// The client runtime's handle (starting its thread the first time).
pub(crate) fn handle() -> &'static Handle {
    static RUNTIME: OnceLock<Handle> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let runtime = Builder::new_current_thread().enable_all().build().expect("the client runtime starts");
        let handle = runtime.handle().clone();
        std::thread::Builder::new()
            .name("mcpforge-client".into())
            .spawn(move || runtime.block_on(std::future::pending::<()>()))
            .expect("the client thread starts");
        handle
    })
}

/// Runs `work` on the client thread and resolves with its outcome (from any runtime).
pub(crate) async fn on_client_thread<T: Send + 'static>(
    work: impl Future<Output = napi::Result<T>> + Send + 'static,
) -> napi::Result<T> {
    handle().spawn(work).await.map_err(|e| js_error(format!("the client's task failed: {e}")))?
}
