//! Serving the process's stdio. On Unix it cannot be corrupted: while serving, the engine
//! reads and writes private duplicates of fds 0 and 1, points fd 1 at stderr and fd 0 at
//! the null device, so a stray print, a logging library or a child process cannot break the
//! JSON-RPC stream or steal its input (`stdio_unix.rs`); the original fds are restored when
//! serving ends. Elsewhere the process's own stdin and stdout are used.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;

use crate::dispatch::executor::{Executor, Spawner};
use crate::dispatch::shared::ServerShared;
use crate::error::Error;

/// How `serve_stdio` behaves.
#[derive(Debug, Clone)]
pub struct StdioOptions {
    /// Take over fds 0/1 and send the process's own stdout to stderr (default true; Unix
    /// only: elsewhere the process's own stdout is the protocol's).
    pub protect_stdio: bool,
    /// Stop gracefully on SIGINT and SIGTERM (Ctrl-C on Windows) (default true). Bindings that own signal
    /// handling (e.g. Python's Ctrl-C) turn this off and call `Server::shutdown`.
    pub handle_signals: bool,
    /// Poll each request once in the task that read it, before it becomes a task of its own
    /// (default false; always so on a single-threaded runtime). A request whose handler
    /// finishes without waiting (a binding's quick synchronous callback) is then read,
    /// handled and answered on one thread, without waking another. A handler that blocks
    /// holds the reading too, until whoever watches it calls
    /// [`RequestContext::holding_thread`](crate::RequestContext::holding_thread), which hands
    /// the reading to another task: turn it on only for handlers watched that way.
    pub requests_in_reader: bool,
}

impl Default for StdioOptions {
    fn default() -> Self {
        StdioOptions { protect_stdio: true, handle_signals: true, requests_in_reader: false }
    }
}

/// The protocol's input.
pub type StdioReader = Box<dyn AsyncRead + Unpin + Send>;
type Reader = StdioReader;

/// The protocol's output.
pub type StdioWriter = Box<dyn AsyncWrite + Unpin + Send>;

/// Opens the protocol's input from the descriptor the engine reads (Unix: its private
/// duplicate of fd 0), or returns it when the engine's own reader should read it.
#[cfg(unix)]
pub type OpenInput = Box<dyn FnOnce(std::os::fd::OwnedFd) -> Result<StdioReader, std::os::fd::OwnedFd> + Send>;
/// Opens the protocol's output from its descriptor (Unix: the private duplicate of fd 1), or
/// returns it when the engine's own writer should write it.
#[cfg(unix)]
pub type OpenOutput = Box<dyn FnOnce(std::os::fd::OwnedFd) -> Result<StdioWriter, std::os::fd::OwnedFd> + Send>;
/// Where descriptors cannot be handed over, the engine reads the input itself.
#[cfg(not(unix))]
pub type OpenInput = ();
/// Where descriptors cannot be handed over, the engine writes the output itself.
#[cfg(not(unix))]
pub type OpenOutput = ();

/// How a binding drives stdio from a thread of its own: the connection's tasks (reader,
/// writer, requests) run on `executor`, and the input and output are read and written
/// through what `open_input` and `open_output` make of the descriptors (e.g. ones waiting
/// for readiness on the binding's event loop), so that a request whose handler runs on that
/// loop is read, handled and answered there, waking no other thread.
pub struct StdioDriver {
    /// Runs the connection's tasks.
    pub executor: Arc<dyn Executor>,
    /// Opens the protocol's input.
    pub open_input: OpenInput,
    /// Opens the protocol's output.
    pub open_output: OpenOutput,
}

/// A binding's openers of the input and output.
type Openers = (OpenInput, OpenOutput);
type Writer = StdioWriter;

/// What serving holds while it owns the process's stdio (restored when dropped).
#[cfg(unix)]
type Held = Option<super::stdio_unix::StdioGuard>;
#[cfg(not(unix))]
type Held = ();

/// The protocol's input and output, taking over fds 0 and 1 when `protect` (Unix); opened by
/// the binding's openers when given.
#[cfg(unix)]
fn open(protect: bool, openers: Option<Openers>) -> std::io::Result<(Held, Reader, Writer)> {
    use super::stdio_unix::{StdioGuard, dup_cloexec, reader, writer};
    let (guard, read, write) = if protect {
        let (guard, read, write) = StdioGuard::take()?;
        (Some(guard), read, write)
    } else {
        (None, dup_cloexec(0)?, dup_cloexec(1)?)
    };
    Ok(match openers {
        Some((open_input, open_output)) => {
            (guard, open_input(read).or_else(reader)?, open_output(write).or_else(writer)?)
        }
        None => (guard, reader(read)?, writer(write)?),
    })
}

/// The protocol's input and output where fds cannot be taken over: the process's own stdin
/// and stdout (on the blocking pool), so `protect_stdio` has no effect there and a stray
/// print can reach the stream.
#[cfg_attr(unix, allow(dead_code))]
fn open_portable(_protect: bool) -> std::io::Result<((), Reader, Writer)> {
    Ok(((), Box::new(tokio::io::stdin()), Box::new(tokio::io::stdout())))
}

#[cfg(not(unix))]
fn open(protect: bool, _openers: Option<Openers>) -> std::io::Result<(Held, Reader, Writer)> {
    open_portable(protect)
}

/// Serves the process's stdio until EOF, a signal, or server shutdown; on the binding's
/// executor with the binding's input when `driver` is given.
pub(crate) async fn serve(
    shared: Arc<ServerShared>,
    options: StdioOptions,
    driver: Option<StdioDriver>,
) -> Result<(), Error> {
    let stop = CancellationToken::new();
    let signals = if options.handle_signals { Some(super::signals::stop_on_signal(stop.clone())?) } else { None };
    let (spawner, openers) = match driver {
        Some(d) => (Spawner::Custom(d.executor), Some((d.open_input, d.open_output))),
        None => (Spawner::Tokio, None),
    };
    let (held, read, write) = open(options.protect_stdio, openers)?;
    // The metrics side port lives as long as the stdio session.
    let side_port = match shared.metrics_address {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            let done = CancellationToken::new();
            tokio::spawn(super::http::metrics::serve_side_port(shared.clone(), listener, done.clone()));
            Some(done.drop_guard())
        }
        None => None,
    };
    let result = super::stream::serve(shared, (read, write), stop, spawner, options.requests_in_reader).await;
    drop(side_port);
    drop(held);
    if let Some(s) = signals {
        s.abort();
    }
    result
}
