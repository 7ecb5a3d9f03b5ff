//! Serving MCP over one byte stream (stdio, an in-memory pipe, a socket): the read loop
//! that frames and classifies messages, one task per request, the single writer that
//! batches output, and graceful shutdown.

use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::dispatch::Outbox;
use crate::dispatch::cancel::InFlight;
use crate::dispatch::handshake;
use crate::dispatch::router::{self, Peer};
use crate::error::{Error, ProtocolError};
use crate::jsonrpc::message::EnvelopeError;
use crate::jsonrpc::{Frame, Incoming, IncomingRequest, LineReader, RequestId, encode};
use crate::protocol::meta;
use crate::server::ServerShared;
use crate::session::Session;
use crate::transport::http::auth::AuthCell;

/// Output is written in chunks of at most this many bytes between flushes.
const WRITE_BATCH: usize = 256 * 1024;

/// One connection's state.
struct Conn {
    shared: Arc<ServerShared>,
    out: Outbox,
    session: OnceLock<Arc<Session>>,
    in_flight: InFlight,
    permits: Arc<tokio::sync::Semaphore>,
    /// Graceful stop: no new requests, listen streams end.
    stopping: CancellationToken,
    tasks: TaskTracker,
    /// The authenticated caller, when the connection is an authorized HTTP session.
    auth: Option<Arc<AuthCell>>,
}

/// Serves one connection until the reader ends, `stop` trips, the server shuts down, or
/// the writer fails. Returns after in-flight requests finished (or were cancelled after
/// the grace period) and output was flushed.
pub(crate) async fn serve<R, W>(
    shared: Arc<ServerShared>,
    reader: R,
    writer: W,
    stop: CancellationToken,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    serve_as(shared, reader, writer, stop, None).await
}

/// [`serve`] for a connection whose caller was authenticated (a 2024-11-05 HTTP+SSE
/// session): handlers see `auth`'s current grant in `RequestContext::auth`.
pub(crate) async fn serve_as<R, W>(
    shared: Arc<ServerShared>,
    reader: R,
    writer: W,
    stop: CancellationToken,
    auth: Option<Arc<AuthCell>>,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    // The connection runs as a task of its own, not inside the caller's future: a
    // `block_on` future is polled outside the scheduler's fair rotation (and, on a
    // multi-thread runtime, on another thread than the request tasks it spawns).
    tokio::spawn(run(shared, reader, writer, stop, auth))
        .await
        .unwrap_or_else(|e| Err(Error::Io(std::io::Error::other(e))))
}

async fn run<R, W>(
    shared: Arc<ServerShared>,
    reader: R,
    writer: W,
    stop: CancellationToken,
    auth: Option<Arc<AuthCell>>,
) -> Result<(), Error>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let writer_done = CancellationToken::new();
    let closing = CancellationToken::new();
    let writer_task = tokio::spawn(write_loop(writer, rx, closing.clone(), writer_done.clone()));
    let conn = Arc::new(Conn {
        permits: Arc::new(tokio::sync::Semaphore::new(shared.limits.max_in_flight_per_connection)),
        shared,
        out: tx,
        session: OnceLock::new(),
        in_flight: InFlight::default(),
        stopping: CancellationToken::new(),
        tasks: TaskTracker::new(),
        auth,
    });
    let mut lines = LineReader::new(BufReader::with_capacity(64 * 1024, reader), conn.shared.limits.max_message_size);
    let mut read_error = None;
    // Built once, not per message: a `cancelled()` future registers a waiter each time it
    // is first polled.
    let stopped = async {
        tokio::select! {
            () = stop.cancelled() => {}
            () = conn.shared.shutdown.cancelled() => {}
            () = writer_done.cancelled() => {}
        }
    };
    let mut stopped = std::pin::pin!(stopped);
    loop {
        tokio::select! {
            biased;
            frame = lines.next_frame() => match frame {
                Ok(Some(frame)) => {
                    conn.on_frame(frame);
                    // A burst of buffered input must not starve the request tasks it spawns:
                    // yield to them whenever this task's cooperative budget is spent, and
                    // before the next message whenever every in-flight slot is taken, so
                    // only requests that are really still running make the server busy.
                    if conn.permits.available_permits() == 0 {
                        tokio::task::yield_now().await;
                    } else {
                        tokio::task::consume_budget().await;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            },
            () = &mut stopped => break,
        }
    }
    conn.shutdown().await;
    closing.cancel();
    let write_result = writer_task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
    if let Some(e) = read_error {
        return Err(e.into());
    }
    // A peer that closed its end while we wrote is a normal end of session, not an error.
    match write_result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The single writer: one message per line, batched while more are queued, flushed when
/// the queue is empty.
async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    closing: CancellationToken,
    done: CancellationToken,
) -> std::io::Result<()> {
    let _done = done.drop_guard();
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut closed = std::pin::pin!(closing.cancelled());
    loop {
        let first = tokio::select! {
            biased;
            m = rx.recv() => m,
            () = &mut closed => None,
        };
        let last = first.is_none();
        if let Some(m) = first {
            buf.extend_from_slice(&m);
            buf.push(b'\n');
        }
        while buf.len() < WRITE_BATCH {
            match rx.try_recv() {
                Ok(m) => {
                    buf.extend_from_slice(&m);
                    buf.push(b'\n');
                }
                Err(_) => break,
            }
        }
        if !buf.is_empty() {
            writer.write_all(&buf).await?;
            buf.clear();
        }
        if rx.is_empty() || last {
            writer.flush().await?;
        }
        if last && rx.is_empty() {
            let _ = writer.shutdown().await;
            return Ok(());
        }
    }
}

impl Conn {
    fn send(&self, bytes: Vec<u8>) {
        let _ = self.out.send(bytes);
    }

    /// Version of the session, for shaping errors that have no request to go by.
    fn null_ids(&self) -> bool {
        self.session.get().is_some_and(|s| !s.version.omits_unknown_error_id())
    }

    fn send_error(&self, id: Option<&RequestId>, e: &ProtocolError) {
        self.send(encode::error(id, e, self.null_ids()));
    }

    fn on_frame(self: &Arc<Self>, frame: Frame<'_>) {
        let line = match frame {
            Frame::Line(l) => l,
            Frame::Oversized(n) => {
                let max = self.shared.limits.max_message_size;
                tracing::warn!(bytes = n, max, "message over the size limit discarded");
                let e =
                    ProtocolError::invalid_request(format!("message of {n} bytes exceeds the limit of {max} bytes"))
                        .with_data(json!({ "maxMessageSize": max }));
                return self.send_error(None, &e);
            }
        };
        let value: Value = match serde_json::from_slice(line) {
            Ok(v) => v,
            Err(e) => return self.send_error(None, &ProtocolError::parse_error(e)),
        };
        match value {
            Value::Array(items) => self.on_batch(items),
            v => match Incoming::from_value(v) {
                Ok(m) => self.on_message(m, None),
                Err(EnvelopeError { id, error }) => self.send_error(id.as_ref(), &error),
            },
        }
    }

    fn on_batch(self: &Arc<Self>, items: Vec<Value>) {
        let allowed = self.session.get().is_some_and(|s| s.version.accepts_batches());
        if !allowed {
            return self.send_error(
                None,
                &ProtocolError::invalid_request("batches are only accepted on protocol 2025-03-26 sessions"),
            );
        }
        if items.is_empty() {
            return self.send_error(None, &ProtocolError::invalid_request("empty batch"));
        }
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let mut expected = 0usize;
        for item in items {
            match Incoming::from_value(item) {
                Ok(Incoming::Request(r)) if r.method == "initialize" => {
                    let _ = tx.send(encode::error(
                        Some(&r.id),
                        &ProtocolError::invalid_request("initialize must not be batched"),
                        true,
                    ));
                }
                Ok(m @ Incoming::Request(_)) => {
                    expected += 1;
                    self.on_message(m, Some(tx.clone()));
                }
                Ok(m) => self.on_message(m, None),
                Err(EnvelopeError { id, error }) => {
                    let _ = tx.send(encode::error(id.as_ref(), &error, true));
                }
            }
        }
        drop(tx);
        let out = self.out.clone();
        self.tasks.spawn(async move {
            // Collect every response of the batch (cancelled requests send none).
            let mut responses = Vec::with_capacity(expected);
            while let Some(r) = rx.recv().await {
                responses.push(r);
            }
            if responses.is_empty() {
                return;
            }
            let mut line = b"[".to_vec();
            for (i, r) in responses.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                line.extend_from_slice(r);
            }
            line.push(b']');
            let _ = out.send(line);
        });
    }

    /// Handles one message; a request's response goes to `batch` when it is part of one.
    fn on_message(self: &Arc<Self>, msg: Incoming, batch: Option<Outbox>) {
        match msg {
            Incoming::Request(req) => {
                if req.method == "initialize" && !meta::is_modern_shaped(req.params.as_ref()) {
                    return self.initialize(req);
                }
                self.spawn_request(req, batch);
            }
            Incoming::Notification { method, params } => match method.as_str() {
                "notifications/cancelled" => {
                    if let Some(id) = params.as_ref().and_then(|p| p.get("requestId")).and_then(RequestId::from_value) {
                        self.in_flight.cancel(&id);
                    }
                }
                "notifications/initialized" => {
                    if let Some(s) = self.session.get() {
                        s.mark_initialized();
                    }
                }
                other => tracing::trace!(method = other, "notification ignored"),
            },
            Incoming::Response { id, result } => {
                let known = self.session.get().is_some_and(|s| s.resolve(&id, result));
                if !known {
                    tracing::debug!(%id, "response to an unknown request ignored");
                }
            }
        }
    }

    /// `initialize` runs inline, in order, so the requests after it see the session.
    fn initialize(&self, req: IncomingRequest) {
        if self.session.get().is_some() {
            return self.send(encode::error(
                Some(&req.id),
                &ProtocolError::invalid_request("the session is already initialized"),
                self.null_ids(),
            ));
        }
        match handshake::initialize(&self.shared, req.params.as_ref(), self.out.clone()) {
            Ok((session, result)) => {
                let _ = self.session.set(session);
                self.send(encode::response_raw(&req.id, &result));
            }
            Err(e) => self.send(encode::error(Some(&req.id), &e, true)),
        }
    }

    fn permits(&self) -> Option<(OwnedSemaphorePermit, OwnedSemaphorePermit)> {
        let local = self.permits.clone().try_acquire_owned().ok()?;
        let global = self.shared.global_in_flight.clone().try_acquire_owned().ok()?;
        Some((local, global))
    }

    fn spawn_request(self: &Arc<Self>, req: IncomingRequest, batch: Option<Outbox>) {
        let reply_to = batch.unwrap_or_else(|| self.out.clone());
        if self.stopping.is_cancelled() {
            let _ = reply_to.send(encode::error(
                Some(&req.id),
                &ProtocolError::internal("the server is shutting down"),
                false,
            ));
            return;
        }
        let Some(permits) = self.permits() else {
            let e = ProtocolError::internal(format!(
                "server busy: {} requests already in flight on this connection",
                self.shared.limits.max_in_flight_per_connection
            ));
            let _ = reply_to.send(encode::error(Some(&req.id), &e, false));
            return;
        };
        // A token of its own (not a child of a connection token: creating and dropping
        // children locks the parent on every request); hard shutdown cancels through the
        // in-flight table instead.
        let token = Arc::new(CancellationToken::new());
        let Some(serial) = self.in_flight.insert(req.id.clone(), token.clone()) else {
            let e = ProtocolError::invalid_request(format!("request id {} is already in flight", req.id));
            let _ = reply_to.send(encode::error(Some(&req.id), &e, false));
            return;
        };
        let conn = self.clone();
        self.tasks.spawn(async move {
            let id = req.id.clone();
            let peer = Peer {
                session: conn.session.get().cloned(),
                out: conn.out.clone(),
                stopping: conn.stopping.clone(),
                auth: conn.auth.as_ref().map(|a| a.get()),
            };
            let outcome = router::handle(&conn.shared, &peer, req, token).await;
            // Free the slot before the response goes out: a client that sends its next
            // request on seeing it must not find the connection still busy.
            drop(permits);
            // Nothing is sent for a request the client cancelled.
            if conn.in_flight.finish(&id, serial) {
                let _ = reply_to.send(outcome.response);
                if let Some(t) = outcome.trailing {
                    let _ = reply_to.send(t);
                }
            }
        });
    }

    /// Graceful shutdown: stop taking requests, end listen streams, let in-flight requests
    /// finish within the grace period, then cancel what is left.
    async fn shutdown(&self) {
        self.stopping.cancel();
        // Reading has ended, so no answer to a server->client request can arrive any more.
        if let Some(s) = self.session.get() {
            s.fail_pending();
        }
        self.tasks.close();
        let grace = self.shared.limits.shutdown_grace;
        if tokio::time::timeout(grace, self.tasks.wait()).await.is_err() {
            tracing::warn!(
                remaining = self.in_flight.len(),
                "cancelling requests still running after the shutdown grace period"
            );
            self.in_flight.cancel_all();
            // Cancelled requests answer promptly; bound the wait anyway.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), self.tasks.wait()).await;
        }
    }
}
