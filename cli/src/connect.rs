//! Connecting the engine's client to a [`Server`] for `inspect` and `call`, and running their
//! work on a runtime of their own that Ctrl-C (SIGINT) stops, the server process with it.

use std::future::Future;
use std::time::Duration;

use mcpforge::client::transport::{ChildTransport, HttpTransport};
use mcpforge::client::{Client, ClientError, Protocol};

use crate::failure::Failure;
use crate::target::Server;

/// The exit status after Ctrl-C, as shells report a process that SIGINT ended.
const INTERRUPTED: i32 = 130;

/// A connected client and what is kept of its server's stderr.
pub(crate) struct Connection {
    /// The client.
    pub(crate) client: Client,
    stderr: Option<mcpforge::client::transport::child::StderrTail>,
}

impl Connection {
    /// A failure of a request, with the end of the server's stderr when it ran as a child.
    pub(crate) fn failed(&self, what: &str, error: &ClientError) -> Failure {
        Failure::new(format!("{what}: {error}{}", tail(self.stderr.as_ref())))
    }
}

/// How long to wait, from `--timeout` (at least a millisecond, at most a day).
pub(crate) fn bound(seconds: f64) -> Duration {
    Duration::from_secs_f64(if seconds.is_finite() { seconds.clamp(0.001, 86_400.0) } else { 30.0 })
}

/// Connects to `server` (the handshake, or the 2026-07-28 wire when the server speaks it),
/// each request answered within `wait`.
pub(crate) async fn connect(server: &Server, wait: Duration) -> Result<Connection, Failure> {
    let builder = Client::builder("mcpforge", env!("CARGO_PKG_VERSION")).protocol(Protocol::Auto).timeout(wait);
    let (connected, stderr, what) = match server {
        Server::Url(url) => {
            let connected = tokio::time::timeout(wait, builder.connect(HttpTransport::new(url.clone()))).await;
            (connected, None, url.clone())
        }
        Server::Command { program, args } => {
            let child = ChildTransport::new(program).args(args.iter().cloned());
            let stderr = child.stderr();
            (tokio::time::timeout(wait, builder.connect(child)).await, Some(stderr), program.clone())
        }
    };
    match connected {
        Ok(Ok(client)) => Ok(Connection { client, stderr }),
        Ok(Err(e)) => Err(Failure::new(format!("{what}: could not connect: {e}{}", tail(stderr.as_ref())))),
        Err(_) => Err(Failure::new(format!("{what}: no answer within {wait:?}{}", tail(stderr.as_ref())))),
    }
}

/// The end of a child's stderr, on lines of its own after a colon, or nothing.
fn tail(stderr: Option<&mcpforge::client::transport::child::StderrTail>) -> String {
    let Some(text) = stderr.map(|s| s.contents()) else { return String::new() };
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let start = lines.len().saturating_sub(20);
    format!("\nthe server's stderr ended with:\n{}", lines[start..].join("\n"))
}

/// Runs `work` on a runtime of this thread; Ctrl-C ends it (dropping the client, which
/// stops a child server) with status 130.
pub(crate) fn block_on<F>(work: F) -> Result<i32, Failure>
where
    F: Future<Output = Result<i32, Failure>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        tokio::select! {
            outcome = work => outcome,
            _ = tokio::signal::ctrl_c() => Ok(INTERRUPTED),
        }
    })
}
