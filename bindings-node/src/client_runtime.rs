//! The thread a `NativeClient` over HTTP or in process runs on: one tokio runtime of a single
//! thread, started on first use, that owns each such client's tasks (its calls, the engine's
//! reading and writing tasks). A call then crosses threads twice, JavaScript to this thread
//! and back, rather than hopping between the workers of a shared pool at each step (its
//! writer, its reader, the engine's correlation, the call's own task), which on a busy
//! machine costs a wake-up each and keeps idle workers spinning. (A client on stdio runs on
//! the JavaScript thread's own event loop instead: `mcp_client.rs`.)

use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle};

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
