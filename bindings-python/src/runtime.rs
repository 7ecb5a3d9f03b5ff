//! The one tokio runtime every server and test client of the process runs on, and the timer
//! that keeps a request's deadline from waking its I/O driver.

use std::sync::OnceLock;
use std::time::Duration;

/// The one tokio runtime every server and test client of this process runs on (two to four
/// threads). Its threads take the interpreter only to run a quick synchronous call inline
/// (`inline.rs`, one at a time in the process, so one thread always stays free); every other
/// call runs on a server's worker pool (`pool.rs`) or an asyncio loop.
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4)))
            .thread_name("mcpforge-engine")
            .enable_all()
            .build()
            .expect("the tokio runtime starts");
        drop(runtime.spawn(first_timer()));
        runtime
    })
}

/// How far ahead [`first_timer`] keeps its timer: well before a request's deadline
/// (`request_timeout`, 600 s by default).
const FIRST_TIMER: Duration = Duration::from_secs(60);

/// Keeps a timer due within [`FIRST_TIMER`] set for as long as the runtime runs. Tokio wakes
/// its I/O driver (a write to an eventfd, and often one more `epoll_wait`) whenever a timer
/// is set that falls due before every timer already set, and each request sets one, its
/// deadline: with no other timer, every request paid that system call. With this one due
/// first, a request's deadline wakes nothing; the cost is one timer firing a minute.
async fn first_timer() {
    loop {
        tokio::time::sleep(FIRST_TIMER).await;
    }
}
