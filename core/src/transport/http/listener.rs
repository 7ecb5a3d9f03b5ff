//! The HTTP accept loop and connection hygiene: at most `max_connections` open connections
//! (the one idle the longest makes room for a newcomer; 503 when all are busy), header and
//! idle timeouts enforced by a sweeper, request bodies under a deadline (see [`super::request_body`]), and a graceful stop
//! that lets requests in flight finish. A connection upgraded to a WebSocket keeps its place
//! and the same rules: busy while it has a request in progress, idle (timed out, evictable)
//! otherwise.
//!
//! A binding may drive the connections itself ([`HttpDriver`]): the accept loop stays on the
//! engine's runtime, and each accepted connection (hyper's connection and the requests it
//! starts) runs on the binding's executor, reading and writing the socket as the binding
//! opens it, so a request whose handler runs on that executor's thread wakes no other.
//!
//! Hand-written over hyper because `axum::serve` offers none of these limits.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use bytes::Bytes;
use futures_util::task::AtomicWaker;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_service::Service;

use super::repoll::Repoll;
use super::request_body::RequestBody;
use super::tls::Acceptor;

use crate::dispatch::executor::{Executor, on_executor};
use crate::sync::lock;

/// A connection's byte stream as a binding opens it (see [`HttpDriver`]).
pub trait HttpIo: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> HttpIo for T {}

/// Opens an accepted connection's socket (a non-blocking TCP socket) on the binding's
/// executor, or gives it back when the engine should read and write it itself. Called on the
/// executor, from the connection's own task.
#[cfg(unix)]
pub type OpenSocket = Arc<dyn Fn(std::os::fd::OwnedFd) -> Result<Box<dyn HttpIo>, std::os::fd::OwnedFd> + Send + Sync>;
/// Where descriptors cannot be handed over, the engine reads and writes the sockets itself.
#[cfg(not(unix))]
pub type OpenSocket = ();

/// How a binding drives the connections of the engine's HTTP listener from a thread of its
/// own (see [`super::HttpServer::run_driven`]): each accepted connection's task (hyper's
/// connection, and every request and SSE stream it starts) runs on `executor`, and its
/// socket is read and written through what `open_socket` makes of it (e.g. one waiting for
/// readiness on the binding's event loop). Accepting, the connection limits and timeouts
/// stay on the engine's runtime.
pub struct HttpDriver {
    /// Runs each connection's tasks.
    pub executor: Arc<dyn Executor>,
    /// Opens each connection's socket.
    pub open_socket: OpenSocket,
}

/// The limits the accept loop enforces (from [`super::HttpOptions`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub body_timeout: Duration,
}

/// At most this many 503 answers being written at once; past it a refused connection is
/// closed without one.
const MAX_REFUSALS: usize = 64;
/// How long writing a 503 answer may take.
const REFUSAL_WRITE: Duration = Duration::from_secs(1);
const BUSY_BODY: &str = "too many connections, retry later\n";

/// One open connection, as the table sees it.
struct Conn {
    /// Requests in progress: from the request head to the end of the response body (an
    /// SSE stream counts as long as it is open).
    active: AtomicUsize,
    /// Whether a request head ever arrived (the header timeout applies until then, the idle
    /// timeout after).
    served: AtomicBool,
    /// When the connection last became idle, in milliseconds since the table's epoch.
    idle_since: AtomicU64,
    /// Set to close the connection (evicted, timed out, or the server stopping).
    close: Close,
    /// Once the connection is upgraded: whether the stream it became has work in progress
    /// (a WebSocket's requests), asked when the table looks for idle connections.
    working: OnceLock<Box<dyn Fn() -> bool + Send + Sync>>,
}

impl Conn {
    /// True while a request is in progress: a request head to the end of its response, or
    /// work of the stream the connection was upgraded to. A busy connection's idle time
    /// starts again from `now` (so an upgraded stream's idle time counts from about the end
    /// of its last request).
    fn is_busy(&self, now: u64) -> bool {
        if self.active.load(Ordering::Acquire) != 0 {
            return true;
        }
        let working = self.working.get().is_some_and(|w| w());
        if working {
            self.idle_since.store(now, Ordering::Release);
        }
        working
    }
}

/// A connection's place in the table, shared by the task serving the connection and, once
/// it is upgraded to a WebSocket, by the task serving the socket (it reaches the upgrade
/// handler as a request extension). The place is freed when the last holder is gone, so an
/// upgraded connection keeps counting against `max_connections`.
#[derive(Clone)]
pub(crate) struct ConnectionSlot(Arc<Place>);

struct Place {
    table: Arc<Table>,
    id: u64,
    conn: Arc<Conn>,
}

impl Drop for Place {
    fn drop(&mut self) {
        self.table.remove(self.id);
    }
}

impl ConnectionSlot {
    /// Marks the connection busy (never closed as idle, never evicted) while the returned
    /// guard lives; when it is dropped, the connection's idle time starts.
    pub(crate) fn busy(&self) -> impl Drop + Send + use<> {
        Active::start(&self.0.table, &self.0.conn)
    }

    /// The connection now carries an upgraded stream, which is busy while `working` says
    /// so (besides while a [`ConnectionSlot::busy`] guard lives): idle otherwise, so closed
    /// after the idle timeout and evicted when the listener is full, as any connection.
    pub(crate) fn upgraded(&self, working: impl Fn() -> bool + Send + Sync + 'static) {
        let _ = self.0.conn.working.set(Box::new(working));
    }

    /// Ready once the listener closes the connection, with the reason: what the task serving
    /// an upgraded stream waits on (the connection's own task is gone by then).
    pub(crate) fn closed(&self) -> impl Future<Output = Closed> + '_ {
        let close = &self.0.conn.close;
        std::future::poll_fn(move |cx| close.poll_closed(&close.upgraded, cx))
    }
}

/// Why the listener closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closed {
    /// Idle past the header or idle timeout.
    Idle,
    /// Idle the longest when the listener was full: closed to admit a newcomer.
    Evicted,
    /// The server is stopping.
    Stopping,
}

/// The open connections.
struct Table {
    limits: ConnectionLimits,
    epoch: Instant,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    next_id: AtomicU64,
    refusals: Arc<Semaphore>,
}

impl Table {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Registers a new connection, closing the one idle the longest when the table is full;
    /// `None` when every connection is busy.
    fn admit(&self) -> Option<(u64, Arc<Conn>)> {
        let mut conns = lock(&self.conns);
        if conns.len() >= self.limits.max_connections {
            let now = self.now_ms();
            let victim = conns
                .iter()
                .filter(|(_, c)| !c.is_busy(now))
                .min_by_key(|(id, c)| (c.idle_since.load(Ordering::Acquire), **id))
                .map(|(id, _)| *id)?;
            if let Some(c) = conns.remove(&victim) {
                tracing::debug!("connection limit reached: closing the connection idle the longest");
                c.close.close(Closed::Evicted);
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            active: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            idle_since: AtomicU64::new(self.now_ms()),
            close: Close::default(),
            working: OnceLock::new(),
        });
        conns.insert(id, conn.clone());
        Some((id, conn))
    }

    fn remove(&self, id: u64) {
        lock(&self.conns).remove(&id);
    }

    /// Closes the connections idle past their timeout.
    fn expire(&self) {
        let now = self.now_ms();
        let header = u64::try_from(self.limits.header_timeout.as_millis()).unwrap_or(u64::MAX);
        let idle = u64::try_from(self.limits.idle_timeout.as_millis()).unwrap_or(u64::MAX);
        lock(&self.conns).retain(|_, c| {
            if c.is_busy(now) {
                return true;
            }
            let limit = if c.served.load(Ordering::Acquire) { idle } else { header };
            let keep = now.saturating_sub(c.idle_since.load(Ordering::Acquire)) < limit;
            if !keep {
                c.close.close(Closed::Idle);
            }
            keep
        });
    }

    /// Runs [`Table::expire`] often enough for the shorter timeout.
    async fn sweep(self: Arc<Self>) {
        let shorter = self.limits.header_timeout.min(self.limits.idle_timeout);
        let mut tick = tokio::time::interval((shorter / 4).clamp(Duration::from_millis(20), Duration::from_secs(1)));
        loop {
            tick.tick().await;
            self.expire();
        }
    }
}

/// Serves `router` on `listener` until `stop` trips; then stops accepting, closes idle
/// connections and waits for the busy ones to finish their requests. Each connection runs
/// on `driver`'s executor when given, else on the runtime.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    stop: CancellationToken,
    driver: Option<HttpDriver>,
    tls: Option<Acceptor>,
) {
    let table = Arc::new(Table {
        limits,
        epoch: Instant::now(),
        conns: Mutex::new(HashMap::new()),
        next_id: AtomicU64::new(0),
        refusals: Arc::new(Semaphore::new(MAX_REFUSALS)),
    });
    let tracker = TaskTracker::new();
    let sweeper = tokio::spawn(table.clone().sweep());
    // Only a multi-threaded runtime has other threads for a self-wake to rouse ([`Repoll`]).
    let repoll = tokio::runtime::Handle::current().runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread;
    loop {
        let accepted = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            r = listener.accept() => r,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors (or a connection reset before it was accepted):
                // never stop accepting; wait a moment for descriptors to come back.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match table.admit() {
            Some((id, conn)) => {
                let slot = ConnectionSlot(Arc::new(Place { table: table.clone(), id, conn }));
                match &driver {
                    Some(driver) => drive(driver, &tracker, stream, peer, router.clone(), slot, tls.clone()),
                    // A connection's task wakes itself as it reads each request's body: polled
                    // again at once rather than waking another thread ([`Repoll`]). On a
                    // current-thread runtime the wake is queued on this thread, which costs less.
                    None => {
                        let serving = super::client::with_peer(
                            peer,
                            secured(stream, tls.clone(), router.clone(), slot, limits.header_timeout),
                        );
                        if repoll {
                            tracker.spawn(Repoll::new(serving));
                        } else {
                            tracker.spawn(serving);
                        }
                    }
                }
            }
            None => refuse(stream, &table, &tracker),
        }
    }
    drop(listener);
    // Every connection sees the stop: the idle ones close, the busy ones finish first.
    for c in lock(&table.conns).values() {
        c.close.close(Closed::Stopping);
    }
    sweeper.abort();
    tracker.close();
    tracker.wait().await;
}

/// Serves a connection on the driver's executor, with its socket as the driver opens it
/// (or, if it cannot, read and written by the runtime's reactor, still from the executor).
/// A self-wake there is queued on the executor's thread, which wakes no other: no
/// [`Repoll`] needed.
fn drive(
    driver: &HttpDriver,
    tracker: &TaskTracker,
    stream: TcpStream,
    peer: std::net::SocketAddr,
    router: Router,
    slot: ConnectionSlot,
    tls: Option<Acceptor>,
) {
    let handshake = slot.0.table.limits.header_timeout;
    #[cfg(unix)]
    let serving = {
        let open = driver.open_socket.clone();
        // Still non-blocking, and no longer registered with the runtime's reactor.
        let socket = stream.into_std().map(std::os::fd::OwnedFd::from);
        async move {
            let socket = match socket {
                Ok(fd) => open(fd).or_else(|fd| {
                    let std = std::net::TcpStream::from(fd);
                    TcpStream::from_std(std).map(|s| Box::new(s) as Box<dyn HttpIo>)
                }),
                Err(e) => Err(e),
            };
            match socket {
                Ok(socket) => secured(socket, tls, router, slot, handshake).await,
                Err(e) => tracing::warn!(error = %e, "could not serve an accepted connection"),
            }
        }
    };
    #[cfg(not(unix))]
    let serving = secured(stream, tls, router, slot, handshake);
    let executor = driver.executor.clone();
    let task = tracker.track_future(on_executor(executor.clone(), super::client::with_peer(peer, serving)));
    executor.spawn(Box::pin(task));
}

/// Answers 503 on a connection past the limit (bounded in number and time), then closes it.
fn refuse(mut stream: TcpStream, table: &Table, tracker: &TaskTracker) {
    tracing::warn!(max = table.limits.max_connections, "connection refused: every connection is busy");
    let Ok(permit) = table.refusals.clone().try_acquire_owned() else { return };
    tracker.spawn(async move {
        let answer = format!(
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\
             retry-after: 1\r\nconnection: close\r\n\r\n{BUSY_BODY}",
            BUSY_BODY.len()
        );
        let _ = tokio::time::timeout(REFUSAL_WRITE, async {
            stream.write_all(answer.as_bytes()).await?;
            stream.shutdown().await
        })
        .await;
        drop(permit);
    });
}

/// Serves a connection ([`connection`]), after the TLS handshake (bounded by `handshake`)
/// when the listener has TLS.
async fn secured(
    stream: impl HttpIo,
    tls: Option<Acceptor>,
    router: Router,
    slot: ConnectionSlot,
    handshake: Duration,
) {
    match tls {
        None => connection(stream, router, slot).await,
        Some(tls) => {
            if let Some(stream) = tls.accept(stream, handshake).await {
                connection(stream, router, slot).await;
            }
        }
    }
}

/// Serves one connection until it ends, is closed by the table, or the server stops (its
/// requests read the client's address from the task, [`super::client::with_peer`]).
async fn connection(stream: impl HttpIo, router: Router, slot: ConnectionSlot) {
    let (table, conn) = (slot.0.table.clone(), slot.0.conn.clone());
    let service = {
        let (table, conn, slot) = (table.clone(), conn.clone(), slot.clone());
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            let active = Active::start(&table, &conn);
            // Only an upgrade (a WebSocket handshake) needs the slot: an extension costs an
            // allocation per request.
            if request.headers().contains_key(hyper::header::UPGRADE) {
                request.extensions_mut().insert(slot.clone());
            }
            let mut router = router.clone();
            let deadline = table.limits.body_timeout;
            async move {
                let (parts, incoming) = request.into_parts();
                let (body, unread) = RequestBody::new(incoming, deadline);
                let request = hyper::Request::from_parts(parts, body);
                let response = match router.call(request).await {
                    Ok(r) => r,
                    Err(never) => match never {},
                };
                let response = unread.settle(response).await;
                Ok::<_, Infallible>(response.map(|inner| Tracked { inner, _active: active }))
            }
        })
    };
    // No hyper timer: the table's sweeper enforces the header and idle timeouts. Hyper's
    // header timer would be armed and dropped on every request, would make every request
    // cost one more read poll, and would cut keep-alive connections idle past
    // `header_timeout` instead of `idle_timeout`.
    let served = http1::Builder::new().serve_connection(TokioIo::new(stream), service).with_upgrades();
    tokio::pin!(served);
    let mut closing = false;
    loop {
        tokio::select! {
            biased;
            r = served.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            () = conn.close.closed(), if !closing => {
                closing = true;
                // Idle (at most a head still arriving): drop it now. A request that started
                // meanwhile finishes first.
                if conn.active.load(Ordering::Acquire) == 0 {
                    break;
                }
                served.as_mut().graceful_shutdown();
            }
        }
    }
    // The place is freed with the last holder of `slot`: here, unless an upgraded stream
    // holds it too.
    drop(slot);
}

/// The signal that closes a connection: a flag, and the wakers of the task serving the
/// connection and of the one serving the stream it was upgraded to (each task its own, so
/// neither can take the other's place). The connection's task waits on it at every wakeup
/// (twice a request), where waiting on a `CancellationToken` would lock a mutex or two each
/// time.
#[derive(Default)]
struct Close {
    flag: AtomicBool,
    /// Why, once `flag` is set ([`Closed`] as a number).
    why: AtomicU8,
    waker: AtomicWaker,
    upgraded: AtomicWaker,
}

impl Close {
    /// Closes the connection (wakes its tasks). The first reason given is kept.
    fn close(&self, why: Closed) {
        let _ = self.why.compare_exchange(0, why as u8 + 1, Ordering::AcqRel, Ordering::Acquire);
        self.flag.store(true, Ordering::Release);
        self.waker.wake();
        self.upgraded.wake();
    }

    /// Ready once [`Close::close`] was called.
    fn closed(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx| self.poll_closed(&self.waker, cx).map(drop))
    }

    /// Whether the connection is closed, registering `waker` (one of ours) to hear of it.
    fn poll_closed(&self, waker: &AtomicWaker, cx: &mut Context<'_>) -> Poll<Closed> {
        if !self.flag.load(Ordering::Acquire) {
            waker.register(cx.waker());
            // A close between the check and the registration would have woken no one.
            if !self.flag.load(Ordering::Acquire) {
                return Poll::Pending;
            }
        }
        Poll::Ready(match self.why.load(Ordering::Acquire) {
            1 => Closed::Idle,
            2 => Closed::Evicted,
            _ => Closed::Stopping,
        })
    }
}

/// Marks a connection busy from a request head to the end of its response body.
struct Active {
    table: Arc<Table>,
    conn: Arc<Conn>,
}

impl Active {
    fn start(table: &Arc<Table>, conn: &Arc<Conn>) -> Active {
        conn.served.store(true, Ordering::Release);
        conn.active.fetch_add(1, Ordering::AcqRel);
        Active { table: table.clone(), conn: conn.clone() }
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        self.conn.idle_since.store(self.table.now_ms(), Ordering::Release);
        self.conn.active.fetch_sub(1, Ordering::AcqRel);
    }
}

pin_project_lite::pin_project! {
    /// A response body that keeps its connection marked busy until it ends or is dropped.
    struct Tracked {
        #[pin]
        inner: axum::body::Body,
        _active: Active,
    }
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.project().inner.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
