//! The stdio transport: the client starts the server as a child process (program, args,
//! environment, working directory) and speaks newline-delimited JSON-RPC over its stdin and
//! stdout. The child runs in a process group of its own, killed with everything it started
//! when the client closes or is dropped, and as soon as the child exits (what it started is
//! killed with it, and its calls in flight fail even if something outside the group still
//! holds its output), so no server is left behind. Its stderr is kept in a
//! bounded buffer ([`StderrTail`]) and each line is also logged at debug level. A binding
//! with an event loop of its own may read and write the pipes there ([`ChildTransport::driver`]).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::{Transport, Wire};
use crate::client::error::ClientError;
use crate::dispatch::executor::Spawner;
use crate::jsonrpc::{Frame, LineReader};
use crate::sync::lock;
use crate::transport::stdio::{StdioDriver, StdioReader, StdioWriter};

/// How much of the child's stderr is kept by default (its last bytes).
pub const DEFAULT_STDERR_TAIL: usize = 64 * 1024;
/// How long a graceful close waits for the child to exit once its stdin is closed.
pub const DEFAULT_EXIT_GRACE: Duration = Duration::from_secs(5);
/// The largest message read from the child's stdout; a longer line is dropped.
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// The most bytes of queued messages written to the child in one write.
const WRITE_BATCH: usize = 64 * 1024;

/// The last bytes the child wrote to stderr, bounded.
#[derive(Debug, Clone, Default)]
pub struct StderrTail {
    bytes: Arc<Mutex<VecDeque<u8>>>,
    cap: usize,
    ended: CancellationToken,
}

impl StderrTail {
    fn push(&self, line: &[u8]) {
        let mut bytes = lock(&self.bytes);
        bytes.extend(line.iter().copied().chain(std::iter::once(b'\n')));
        let excess = bytes.len().saturating_sub(self.cap);
        bytes.drain(..excess);
    }

    /// What is kept of the child's stderr, as text.
    #[must_use]
    pub fn contents(&self) -> String {
        let bytes = lock(&self.bytes);
        String::from_utf8_lossy(&bytes.iter().copied().collect::<Vec<u8>>()).into_owned()
    }

    /// Waits until the child's stderr is closed and read to its end (the child, and whatever
    /// it started that held it, exited): what a child that died said before dying is then
    /// all in [`StderrTail::contents`].
    pub async fn ended(&self) {
        self.ended.cancelled().await;
    }
}

/// A server run as a child process, reached over its stdin and stdout.
#[derive(Debug)]
pub struct ChildTransport {
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: Option<PathBuf>,
    grace: Duration,
    stderr: StderrTail,
    driver: Option<Driven>,
}

/// A binding's driver of the pipes (see [`ChildTransport::driver`]).
struct Driven(StdioDriver);

impl std::fmt::Debug for Driven {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StdioDriver")
    }
}

impl ChildTransport {
    /// Runs `program` (looked up in `PATH` as a shell would).
    pub fn new(program: impl Into<PathBuf>) -> ChildTransport {
        ChildTransport {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
            grace: DEFAULT_EXIT_GRACE,
            stderr: StderrTail { cap: DEFAULT_STDERR_TAIL, ..StderrTail::default() },
            driver: None,
        }
    }

    /// Adds arguments.
    #[must_use]
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable of the child (it inherits the rest).
    #[must_use]
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs the child in `dir`.
    #[must_use]
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// How long a graceful close waits for the child before killing it.
    #[must_use]
    pub fn exit_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Keeps the last `bytes` of the child's stderr (default [`DEFAULT_STDERR_TAIL`]).
    #[must_use]
    pub fn stderr_tail(mut self, bytes: usize) -> Self {
        self.stderr.cap = bytes;
        self
    }

    /// The child's stderr, as it comes: keep this handle to read it later.
    #[must_use]
    pub fn stderr(&self) -> StderrTail {
        self.stderr.clone()
    }

    /// Reads the child's stdout and writes its stdin through what `driver` makes of their
    /// descriptors (its `open_input` gets the child's stdout, its `open_output` the child's
    /// stdin), in tasks run by its executor: a binding whose calls run on its own event loop
    /// then reads and writes the server there. A descriptor the driver gives back is read or
    /// written by the engine itself. The child's stderr is always the engine's.
    #[must_use]
    pub fn driver(mut self, driver: StdioDriver) -> Self {
        self.driver = Some(Driven(driver));
        self
    }

    fn spawn(&self) -> Result<Child, ClientError> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        command.spawn().map_err(|e| ClientError::Transport(format!("starting {}: {e}", self.program.display())))
    }
}

impl Transport for ChildTransport {
    fn open(mut self: Box<Self>, queue: usize) -> BoxFuture<'static, Result<Wire, ClientError>> {
        Box::pin(async move {
            let mut child = self.spawn()?;
            let driver = self.driver.take().map(|d| d.0);
            let group = ProcessGroup(child.id().and_then(|id| i32::try_from(id).ok()));
            let (Some(stdin), Some(stdout), Some(stderr)) =
                (child.stdin.take(), child.stdout.take(), child.stderr.take())
            else {
                return Err(ClientError::Transport("the child's pipes are missing".into()));
            };
            let (outgoing, to_child) = mpsc::channel(queue);
            let (to_client, incoming) = mpsc::channel(queue);
            let stop_writing = CancellationToken::new();
            let exited = CancellationToken::new();
            let (writer, reader, spawner) = match driver {
                Some(driver) => pipes_driven(stdin, stdout, driver)?,
                None => (Box::new(stdin) as StdioWriter, Box::new(stdout) as StdioReader, Spawner::Tokio),
            };
            spawner.spawn(write_loop(writer, to_child, stop_writing.clone()));
            spawner.spawn(read_loop(reader, to_client, exited.clone()));
            tokio::spawn(stderr_loop(stderr, self.stderr.clone()));
            let (close, closing) = oneshot::channel::<()>();
            let (closed, done) = oneshot::channel::<()>();
            tokio::spawn(watch(child, ProcessGroup(group.0), self.grace, stop_writing, closing, exited, closed));
            let closer: super::Closer = Box::new(move || {
                Box::pin(async move {
                    let _ = close.send(());
                    let _ = done.await;
                })
            });
            Ok(Wire { outgoing, incoming, closer, guard: Box::new(group) })
        })
    }
}

/// Waits for the child: when it exits on its own, or once closed (its stdin closed, then
/// killed after `grace`), whatever it left in its process group is killed, and the reading
/// of its output ends even if something outside the group still holds the pipe.
async fn watch(
    mut child: Child,
    group: ProcessGroup,
    grace: Duration,
    stop_writing: CancellationToken,
    closing: oneshot::Receiver<()>,
    exited: CancellationToken,
    closed: oneshot::Sender<()>,
) {
    tokio::select! {
        _ = child.wait() => {}
        // Asked to close, or the client dropped without closing (its guard kills the group).
        _ = closing => {
            stop_writing.cancel();
            if tokio::time::timeout(grace, child.wait()).await.is_err() {
                group.kill();
                let _ = child.wait().await;
            }
        }
    }
    group.kill();
    exited.cancel();
    let _ = closed.send(());
}

/// The child's process group, killed (the child and everything it started) when dropped.
struct ProcessGroup(Option<i32>);

impl ProcessGroup {
    fn kill(&self) {
        if let Some(pgid) = self.0 {
            // SAFETY: killpg only sends a signal; the group is the child's own (process_group(0)).
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The child's stdin and stdout opened by `driver` (each given back falls to a pipe of
/// the engine's), and where their tasks run.
fn pipes_driven(
    stdin: ChildStdin,
    stdout: ChildStdout,
    driver: StdioDriver,
) -> Result<(StdioWriter, StdioReader, Spawner), ClientError> {
    use tokio::net::unix::pipe;
    let broken = |e: std::io::Error| ClientError::Transport(format!("the child's pipes: {e}"));
    let writer = match (driver.open_output)(stdin.into_owned_fd().map_err(broken)?) {
        Ok(writer) => writer,
        Err(fd) => Box::new(pipe::Sender::from_owned_fd(fd).map_err(broken)?),
    };
    let reader = match (driver.open_input)(stdout.into_owned_fd().map_err(broken)?) {
        Ok(reader) => reader,
        Err(fd) => Box::new(pipe::Receiver::from_owned_fd(fd).map_err(broken)?),
    };
    Ok((writer, reader, Spawner::Custom(driver.executor)))
}

/// Writes each message with its newline; the messages queued behind it go in the same write
/// (up to [`WRITE_BATCH`] bytes), so a burst of calls costs one system call.
async fn write_loop(
    mut stdin: impl AsyncWrite + Unpin,
    mut messages: mpsc::Receiver<Vec<u8>>,
    stop: CancellationToken,
) {
    let mut batch = Vec::new();
    loop {
        let message = tokio::select! {
            () = stop.cancelled() => break,
            m = messages.recv() => m,
        };
        let Some(message) = message else { break };
        batch.clear();
        batch.extend_from_slice(&message);
        batch.push(b'\n');
        while batch.len() < WRITE_BATCH {
            let Ok(next) = messages.try_recv() else { break };
            batch.extend_from_slice(&next);
            batch.push(b'\n');
        }
        if stdin.write_all(&batch).await.is_err() || stdin.flush().await.is_err() {
            break;
        }
        if batch.capacity() > 4 * WRITE_BATCH {
            // One large message: its room is not kept.
            batch = Vec::new();
        }
    }
    // Dropping stdin closes it: the child sees end of input.
}

/// How long the output of a child that exited is still read (what it wrote before dying).
const DRAIN: Duration = Duration::from_millis(100);

async fn read_loop(stdout: impl AsyncRead + Unpin, to_client: mpsc::Sender<Vec<u8>>, exited: CancellationToken) {
    let mut lines = LineReader::new(BufReader::new(stdout), MAX_MESSAGE);
    loop {
        let frame = tokio::select! {
            frame = lines.next_frame() => frame,
            () = exited.cancelled() => match tokio::time::timeout(DRAIN, lines.next_frame()).await {
                Ok(frame) => frame,
                Err(_) => break,
            },
        };
        let Ok(Some(frame)) = frame else { break };
        let message = match frame {
            Frame::Line(line) => line.to_vec(),
            Frame::Oversized(n) => {
                tracing::warn!(bytes = n, "the server sent a message over the size limit; dropped");
                continue;
            }
        };
        if to_client.send(message).await.is_err() {
            break;
        }
    }
}

async fn stderr_loop(stderr: impl AsyncRead + Unpin, tail: StderrTail) {
    // Lines longer than the tail are cut to their length: the tail never holds more.
    let mut lines = LineReader::new(BufReader::new(stderr), tail.cap.max(1));
    while let Ok(Some(frame)) = lines.next_frame().await {
        let line = match frame {
            Frame::Line(line) => String::from_utf8_lossy(line).into_owned(),
            Frame::Oversized(n) => format!("({n} bytes of stderr in one line, not kept)"),
        };
        tracing::debug!(target: "mcpforge::client::stderr", "{line}");
        tail.push(line.as_bytes());
    }
    tail.ended.cancel();
}

#[cfg(test)]
mod tests {
    use super::StderrTail;

    #[test]
    fn the_stderr_tail_keeps_only_its_last_bytes() {
        let tail = StderrTail { cap: 8, ..StderrTail::default() };
        tail.push(b"first line");
        tail.push(b"two");
        assert_eq!(tail.contents(), "ine\ntwo\n");
    }
}
