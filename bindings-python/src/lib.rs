//! `mcpforge._native`: the CPython extension module behind the `mcpforge` package. It owns
//! the engine's tokio runtime and registers the classes Python uses (`NativeServer`,
//! `NativeContext`, `NativeClient`, `Completer`, `NativeHttpApp`); the public API is the
//! Python package in `python/mcpforge`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

// The module's Rust memory comes from mimalloc (`mcpforge::allocator` says why).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mcpforge::install_allocator!();

mod asgi;
mod callbacks;
mod catalogue;
mod client;
mod context;
mod convert;
mod direct;
mod errors;
mod inline;
mod middleware;
mod pool;
mod reply;
mod server;
mod signal_wake;
mod template;

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

/// Waits for `work` on the engine with the interpreter released, from Python code on any
/// thread (an engine thread running an inline call hands its engine work to another first).
pub(crate) fn block_on<F>(py: Python<'_>, work: F) -> F::Output
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    inline::leave_worker(|| py.detach(|| runtime().block_on(work)))
}

/// Set when the interpreter starts to exit (an `atexit` hook): from then on engine threads
/// no longer enter Python. A foreign thread that tries to take the GIL of a finalizing
/// interpreter is ended by CPython mid-call, which aborts a Rust thread.
static EXITING: AtomicBool = AtomicBool::new(false);
/// Engine threads inside [`attach`] right now.
static ATTACHED: AtomicUsize = AtomicUsize::new(0);
/// How long the exit hook waits for engine threads to leave Python.
const EXIT_WAIT: Duration = Duration::from_secs(2);

/// True once the interpreter started to exit.
pub(crate) fn is_exiting() -> bool {
    EXITING.load(Ordering::SeqCst)
}

/// Runs `f` attached to the interpreter, from an engine thread; `None` once the
/// interpreter is exiting (the work is dropped: nobody is left to receive it).
pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            ATTACHED.fetch_sub(1, Ordering::SeqCst);
        }
    }
    ATTACHED.fetch_add(1, Ordering::SeqCst);
    let _leave = Leave;
    if is_exiting() {
        return None;
    }
    Python::try_attach(f)
}

/// The `atexit` hook: stops engine threads from entering Python, then lets those inside
/// finish (bounded) before the interpreter finalizes.
#[pyfunction]
fn _at_exit(py: Python<'_>) {
    EXITING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + EXIT_WAIT;
        while ATTACHED.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// The default size of the worker pool for synchronous handlers: 64, whatever the number of
/// CPUs. Sync tools mostly wait on I/O (HTTP, databases, files, subprocesses) with the GIL
/// released, so a pool sized by CPUs (`ThreadPoolExecutor`'s `min(32, cpus + 4)`, 6 on two
/// cores) would queue calls that could overlap; the official SDK runs sync tools on anyio's
/// 40 threads. Workers start on demand and end after 10 s idle, so the size costs nothing
/// at rest, and it stays a bound: a flood of calls queues rather than starting threads
/// without end.
pub(crate) const DEFAULT_MAX_WORKERS: usize = 64;

/// The default size of the worker pool for synchronous handlers ([`DEFAULT_MAX_WORKERS`]).
#[pyfunction]
fn default_max_workers() -> usize {
    DEFAULT_MAX_WORKERS
}

/// Sends the engine's logs (`MCPFORGE_LOG` filter) to stderr; idempotent.
#[pyfunction]
fn init_logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(mcpforge::telemetry::init_logging);
}

/// The module: declared safe for free-threaded CPython (every class guards its state with
/// locks or is immutable).
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ENGINE_VERSION", env!("CARGO_PKG_VERSION"))?;
    // The engine's JSON-RPC error codes by name (re-exported by `mcpforge.errors`).
    let codes = pyo3::types::PyDict::new(m.py());
    for (name, code) in mcpforge::error::codes::ALL {
        codes.set_item(*name, *code)?;
    }
    m.add("ERROR_CODES", codes)?;
    // The protocol versions, as the engine serves them (newest first).
    use mcpforge::ProtocolVersion;
    let names = |list: &[ProtocolVersion]| list.iter().map(|v| v.as_str()).collect::<Vec<_>>();
    m.add("PROTOCOL_VERSIONS", pyo3::types::PyTuple::new(m.py(), names(&ProtocolVersion::ALL))?)?;
    m.add("HANDSHAKE_PROTOCOL_VERSIONS", pyo3::types::PyTuple::new(m.py(), names(&ProtocolVersion::HANDSHAKE))?)?;
    m.add("LATEST_PROTOCOL_VERSION", ProtocolVersion::LATEST_LEGACY.as_str())?;
    m.add("STATELESS_PROTOCOL_VERSION", ProtocolVersion::STATELESS.as_str())?;
    // The outcome tags of handler results (`(tag, payload)`), read by the package by name.
    for (name, tag) in errors::tag::ALL {
        m.add(name, tag)?;
    }
    m.add_function(wrap_pyfunction!(callbacks::bytes_content, m)?)?;
    m.add_function(wrap_pyfunction!(callbacks::media_type, m)?)?;
    m.add_function(wrap_pyfunction!(default_max_workers, m)?)?;
    m.add_function(wrap_pyfunction!(init_logging, m)?)?;
    m.add_function(wrap_pyfunction!(convert::json_value, m)?)?;
    m.add_class::<convert::JsonValue>()?;
    m.add_function(wrap_pyfunction!(server::http_option_names, m)?)?;
    m.add_function(wrap_pyfunction!(server::sdk_options, m)?)?;
    m.add_function(wrap_pyfunction!(template::template_variables, m)?)?;
    m.add_class::<server::NativeServer>()?;
    m.add_class::<context::NativeContext>()?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<callbacks::Completer>()?;
    m.add_class::<middleware::NativeNext>()?;
    m.add_class::<asgi::NativeHttpApp>()?;
    m.add_class::<asgi::NativeExchange>()?;
    let hook = wrap_pyfunction!(_at_exit, m)?;
    m.py().import("atexit")?.call_method1("register", (hook,))?;
    Ok(())
}
