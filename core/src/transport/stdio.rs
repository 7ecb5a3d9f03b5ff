//! Serving the process's stdio. On Unix it cannot be corrupted: while serving, the engine
//! reads and writes private duplicates of fds 0 and 1, points fd 1 at stderr and fd 0 at
//! the null device, so a stray print, a logging library or a child process cannot break the
//! JSON-RPC stream or steal its input (`stdio_unix.rs`); the original fds are restored when
//! serving ends. Elsewhere the process's own stdin and stdout are used.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;

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
}

impl Default for StdioOptions {
    fn default() -> Self {
        StdioOptions { protect_stdio: true, handle_signals: true }
    }
}

/// The protocol's input.
type Reader = Box<dyn AsyncRead + Unpin + Send>;
/// The protocol's output.
type Writer = Box<dyn AsyncWrite + Unpin + Send>;

/// What serving holds while it owns the process's stdio (restored when dropped).
#[cfg(unix)]
type Held = Option<super::stdio_unix::StdioGuard>;
#[cfg(not(unix))]
type Held = ();

/// The protocol's input and output, taking over fds 0 and 1 when `protect` (Unix).
#[cfg(unix)]
fn open(protect: bool) -> std::io::Result<(Held, Reader, Writer)> {
    use super::stdio_unix::{StdioGuard, dup_cloexec, reader, writer};
    if protect {
        let (guard, read, write) = StdioGuard::take()?;
        Ok((Some(guard), reader(read)?, writer(write)?))
    } else {
        Ok((None, reader(dup_cloexec(0)?)?, writer(dup_cloexec(1)?)?))
    }
}

/// The protocol's input and output where fds cannot be taken over: the process's own stdin
/// and stdout (on the blocking pool), so `protect_stdio` has no effect there and a stray
/// print can reach the stream.
#[cfg_attr(unix, allow(dead_code))]
fn open_portable(_protect: bool) -> std::io::Result<((), Reader, Writer)> {
    Ok(((), Box::new(tokio::io::stdin()), Box::new(tokio::io::stdout())))
}

#[cfg(not(unix))]
fn open(protect: bool) -> std::io::Result<(Held, Reader, Writer)> {
    open_portable(protect)
}

/// Serves the process's stdio until EOF, a signal, or server shutdown.
pub(crate) async fn serve(shared: Arc<ServerShared>, options: StdioOptions) -> Result<(), Error> {
    let stop = CancellationToken::new();
    let signals = if options.handle_signals { Some(super::signals::stop_on_signal(stop.clone())?) } else { None };
    let (held, read, write) = open(options.protect_stdio)?;
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
    let result = super::stream::serve(shared, read, write, stop).await;
    drop(side_port);
    drop(held);
    if let Some(s) = signals {
        s.abort();
    }
    result
}
