//! A connection whose messages the embedder carries ([`Link`]): a binding hands the client's
//! messages in and takes the server's out of the connection's bounded output queue itself,
//! for a transport written in its own language (an in-process pair of a test framework, a
//! custom transport). What goes in passes stdio's framing rules, and can be taken in on the
//! caller's thread ([`Link::write_now`]); what comes out can be taken without waiting, so a
//! notification queued by a synchronous call (a list change, a log message) can be carried
//! on before that call's caller goes on, in order with the responses queued before it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Context;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::dispatch::OutboxReader;
use crate::dispatch::connection::{Connection, ConnectionOptions};
use crate::dispatch::shared::ServerShared;
use crate::error::Error;
use crate::jsonrpc::LineReader;
use crate::sync::lock;

/// What the client sends into the connection: one write at a time, in order, as a pipe would.
pub(crate) struct Input {
    conn: Arc<Connection>,
    /// Held while a write is taken in; writes wait for it in turn.
    order: Arc<tokio::sync::Mutex<()>>,
    /// Tripped when the client's end closes: the connection shuts down as at end of input.
    eof: CancellationToken,
    /// The id the transport gives the session (`RequestContext::session_id`), once it has one.
    session_id: Option<String>,
}

impl Input {
    /// Feeds raw bytes (newline-delimited messages) through stdio's framing rules.
    pub(crate) async fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        let _order = self.order.lock().await;
        self.feed(bytes).await
    }

    /// [`Input::write`] started on the caller's thread, when no other write is in progress
    /// (else `None`): what needs no wait (a notification, a response, `initialize`, a
    /// request's start) is taken in before this returns, and the rest, should some of it
    /// wait (for room in the output queue, for an in-flight slot), goes on in a task, later
    /// writes waiting for it. Call within a tokio runtime.
    fn write_now(self: &Arc<Self>, bytes: Vec<u8>) -> Option<std::io::Result<()>> {
        let order = self.order.clone().try_lock_owned().ok()?;
        if self.eof.is_cancelled() {
            return Some(Err(std::io::ErrorKind::BrokenPipe.into()));
        }
        let input = self.clone();
        let mut work: Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(async move {
            let _order = order;
            // Only the end of input fails a feed, and it was checked above.
            let _ = input.feed(&bytes).await;
        });
        let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
        if work.as_mut().poll(&mut cx).is_pending() {
            // Polled again at once by the runtime, with a waker that works.
            tokio::spawn(work);
        }
        Some(Ok(()))
    }

    async fn feed(&self, bytes: &[u8]) -> std::io::Result<()> {
        if self.eof.is_cancelled() {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        let max = self.conn.shared().limits.max_message_size;
        let mut lines = LineReader::new(bytes, max);
        while let Some(frame) = lines.next_frame().await? {
            super::reading::on_frame(&self.conn, frame).await;
        }
        // `initialize` is handled inline: once answered, the session exists and takes its id.
        if let (Some(id), Some(session)) = (&self.session_id, self.conn.session()) {
            if session.id().is_none() {
                session.set_id(id);
            }
        }
        Ok(())
    }

    /// Ends the input (after a write in progress): the connection shuts down.
    pub(crate) async fn end(&self) {
        let _order = self.order.lock().await;
        self.eof.cancel();
    }
}

/// Opens a connection to `server` (its session called `session_id`, when given): its input,
/// its output queue, and the task that ends it at end of input or server shutdown (like a
/// stream transport) once requests in flight finished. Call within a tokio runtime.
pub(crate) fn open(
    shared: Arc<ServerShared>,
    name: &'static str,
    session_id: Option<String>,
) -> (Arc<Input>, OutboxReader, JoinHandle<Result<(), Error>>) {
    let (out, rx) = crate::dispatch::outbox(name, shared.limits.max_queued_messages, shared.limits.queued_bytes());
    let conn = Connection::new(shared.clone(), out.clone(), ConnectionOptions::for_client(&shared));
    let input = Arc::new(Input {
        conn: conn.clone(),
        order: Arc::new(tokio::sync::Mutex::new(())),
        eof: CancellationToken::new(),
        session_id,
    });
    let eof = input.eof.clone();
    let ended = tokio::spawn(async move {
        tokio::select! {
            () = eof.cancelled() => {}
            () = shared.shutdown.cancelled() => {}
        }
        conn.shutdown().await;
        out.close();
        Ok(())
    });
    (input, rx, ended)
}

/// One connection of a [`crate::Server`] whose messages the caller carries (see
/// [`crate::Server::open_link`]): [`Link::write`] the client's messages in, [`Link::take`] the
/// server's out (after [`Link::ready`] when waiting for them).
pub struct Link {
    input: Arc<Input>,
    output: OutboxReader,
    ended: Mutex<Option<JoinHandle<Result<(), Error>>>>,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link").finish_non_exhaustive()
    }
}

impl Link {
    /// Opens a link to the server whose shared state this is (within a tokio runtime).
    pub(crate) fn open(shared: Arc<ServerShared>, session_id: Option<String>) -> Link {
        let (input, output, ended) = open(shared, "linked connection", session_id);
        Link { input, output, ended: Mutex::new(Some(ended)) }
    }

    /// Hands client messages (newline-delimited JSON-RPC text) to the connection, as stdio
    /// reads them; resolves once they were taken in. Fails once the link is closed.
    pub async fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        self.input.write(bytes).await
    }

    /// [`Link::write`] started on the caller's thread when no other write is in progress
    /// (else `None`: write it with [`Link::write`], which waits its turn). What needs no wait
    /// (a notification such as `notifications/initialized`, a response, `initialize`, a
    /// request's start) is taken in before this returns, as a transport that delivers
    /// messages synchronously expects; anything that must wait (room in the output queue, an
    /// in-flight slot) goes on in a task, and later writes wait for it. Call within a tokio
    /// runtime.
    pub fn write_now(&self, bytes: Vec<u8>) -> Option<std::io::Result<()>> {
        self.input.write_now(bytes)
    }

    /// Waits until the server has a message queued (true) or the connection ended and
    /// everything was taken (false).
    pub async fn ready(&self) -> bool {
        self.output.readable().await
    }

    /// The server's next queued message (one JSON-RPC message, no newline), without
    /// waiting; `None` when none is queued now.
    pub fn take(&self) -> Option<Vec<u8>> {
        self.output.take()
    }

    /// Ends the client's side and waits for the connection to end: requests in flight
    /// complete within the shutdown grace period, and their answers stay queued to be taken.
    pub async fn close(&self) -> Result<(), Error> {
        self.input.end().await;
        let ended = lock(&self.ended).take();
        match ended {
            Some(task) => task.await.unwrap_or_else(|e| Err(Error::Io(std::io::Error::other(e)))),
            None => Ok(()),
        }
    }
}
