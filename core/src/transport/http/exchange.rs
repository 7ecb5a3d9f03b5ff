//! One request over HTTP: it runs as its own task; the response is JSON when the request
//! produced nothing but its result, and an SSE stream when notifications (or, on legacy
//! sessions, server->client requests) came first — those, then the result. On the 2026
//! wire a client that goes away cancels the request.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::StreamExt as _;
use tokio_util::sync::{CancellationToken, DropGuard};
use tracing::Instrument as _;

use super::auth::AuthInfo;
use super::event_store::StreamId;
use super::metrics::Metrics;
use super::sessions::HttpSession;
use super::sse;
use crate::dispatch::router::{self, Outcome, Peer};
use crate::error::{ProtocolError, codes};
use crate::jsonrpc::{IncomingRequest, encode};
use crate::protocol::ProtocolVersion;
use crate::server::ServerShared;

/// What an exchange needs from its endpoint.
pub(crate) struct ExchangeSpec {
    /// The 2026 stateless wire (disconnect = cancellation; modern status codes).
    pub modern: bool,
    /// The legacy session, if any.
    pub session: Option<Arc<HttpSession>>,
    /// Tripped when the server shuts down (ends listen streams).
    pub stopping: CancellationToken,
    /// Interval of keep-alive comments on the SSE stream.
    pub keepalive: Duration,
    /// The verified caller (bearer authorization), handed to handlers.
    pub auth: Option<Arc<AuthInfo>>,
    /// Request metrics, when enabled.
    pub metrics: Option<Arc<Metrics>>,
}

/// The HTTP status for a 2026 error response (transport.md §4): header, version and
/// capability errors are 400, an unknown method 404, anything else 200.
fn modern_status(code: Option<i64>) -> StatusCode {
    match code {
        Some(
            codes::HEADER_MISMATCH | codes::MISSING_REQUIRED_CLIENT_CAPABILITY | codes::UNSUPPORTED_PROTOCOL_VERSION,
        ) => StatusCode::BAD_REQUEST,
        Some(codes::METHOD_NOT_FOUND) => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    }
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// A JSON-RPC error as an HTTP response.
pub(crate) fn error(status: StatusCode, id: Option<&crate::jsonrpc::RequestId>, e: &ProtocolError) -> Response {
    json(status, encode::error(id, e, false))
}

/// An SSE response reading events from `events`.
pub(crate) fn sse_response(events: mpsc::UnboundedReceiver<Bytes>) -> Response {
    let stream = tokio_stream::wrappers::UnboundedReceiverStream::new(events).map(Ok::<Bytes, Infallible>);
    let mut r = Response::new(Body::from_stream(stream));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    r
}

/// Runs one request and builds its response.
pub(crate) async fn run(shared: &Arc<ServerShared>, req: IncomingRequest, spec: ExchangeSpec) -> Response {
    let id = req.id.clone();
    let Ok(permit) = shared.global_in_flight.clone().try_acquire_owned() else {
        let e = ProtocolError::internal("server busy: too many requests in flight");
        return error(StatusCode::SERVICE_UNAVAILABLE, Some(&id), &e);
    };
    let session_permit = match &spec.session {
        Some(s) => match s.permits.clone().try_acquire_owned() {
            Ok(p) => Some(p),
            Err(_) => {
                let e = ProtocolError::internal("server busy: too many requests in flight on this session");
                return error(StatusCode::SERVICE_UNAVAILABLE, Some(&id), &e);
            }
        },
        None => None,
    };
    let token = Arc::new(CancellationToken::new());
    // Legacy sessions cancel through `notifications/cancelled`, which needs the table.
    let serial = match &spec.session {
        Some(s) => match s.in_flight.insert(id.clone(), token.clone()) {
            Some(serial) => Some(serial),
            None => {
                let e = ProtocolError::invalid_request(format!("request id {id} is already in flight"));
                return error(StatusCode::OK, Some(&id), &e);
            }
        },
        None => None,
    };
    // 2026 wire: the client closing the connection is cancellation. The guard trips the
    // token if this future (JSON) or the SSE pump is dropped before the request finished.
    let guard: Option<DropGuard> = spec.modern.then(|| (*token).clone().drop_guard());
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let (done_tx, mut done_rx) = oneshot::channel::<Outcome>();
    let peer = Peer {
        session: spec.session.as_ref().map(|s| s.session.clone()),
        out: tx,
        stopping: spec.stopping,
        auth: spec.auth,
    };
    let task_shared = shared.clone();
    let session = spec.session.clone();
    // Method and id only: never the arguments (nor, a layer up, the token).
    let span = tracing::info_span!("mcp.request", method = %req.method, id = %id);
    let timer = spec.metrics.as_ref().map(|m| m.start(&req.method));
    let watch = token.clone();
    tokio::spawn(
        async move {
            let _permits = (permit, session_permit);
            let outcome = router::handle(&task_shared, &peer, req, token).await;
            // A request the client cancelled gets no response.
            let owed = match (&session, serial) {
                (Some(s), Some(serial)) => s.in_flight.finish(&id, serial),
                _ => true,
            };
            if let Some(t) = timer {
                t.settle(outcome.error_code, owed, watch.is_cancelled(), task_shared.limits.request_timeout);
            }
            if owed {
                let _ = done_tx.send(outcome);
            }
        }
        .instrument(span),
    );
    let first = tokio::select! {
        biased;
        m = rx.recv() => match m {
            Some(m) => m,
            // Every sender is gone: the result is (or will be) all there is.
            None => {
                return match done_rx.await {
                    Ok(outcome) => {
                        if let Some(g) = guard {
                            g.disarm();
                        }
                        let status = if spec.modern { modern_status(outcome.error_code) } else { StatusCode::OK };
                        json(status, outcome.response)
                    }
                    Err(_) => sse_response(mpsc::unbounded_channel().1),
                };
            }
        },
        outcome = &mut done_rx => match (outcome, rx.try_recv()) {
            (Ok(outcome), Err(_)) => {
                if let Some(g) = guard {
                    g.disarm();
                }
                let status = if spec.modern { modern_status(outcome.error_code) } else { StatusCode::OK };
                return json(status, outcome.response);
            }
            (Ok(outcome), Ok(m)) => {
                // Notifications were queued just before the result: stream them first.
                let (etx, erx) = mpsc::unbounded_channel();
                let sink = Sink::open(spec.session.as_ref(), etx);
                sink.send(&m);
                while let Ok(m) = rx.try_recv() {
                    sink.send(&m);
                }
                sink.send(&outcome.response);
                sink.finish();
                if let Some(g) = guard {
                    g.disarm();
                }
                return sse_response(erx);
            }
            // Cancelled (no response owed): an empty stream.
            (Err(_), _) => return sse_response(mpsc::unbounded_channel().1),
        },
    };
    let (etx, erx) = mpsc::unbounded_channel();
    let sink = Sink::open(spec.session.as_ref(), etx.clone());
    sink.send(&first);
    tokio::spawn(pump(rx, done_rx, sink, etx, guard, spec.keepalive));
    sse_response(erx)
}

/// Where a request's SSE events go: straight to the connection (2026 wire), or through the
/// session's resumable streams (legacy), which give each event an id and keep it for a
/// `Last-Event-ID` resume.
enum Sink {
    Direct(mpsc::UnboundedSender<Bytes>),
    Resumable(Arc<HttpSession>, StreamId),
}

impl Sink {
    fn open(session: Option<&Arc<HttpSession>>, out: mpsc::UnboundedSender<Bytes>) -> Sink {
        match session {
            Some(s) => {
                // Priming events and retry hints are part of 2025-11-25 (SEP-1699).
                let prime = s.session.version >= ProtocolVersion::V2025_11_25;
                let stream = s.streams.open(out, prime);
                Sink::Resumable(s.clone(), stream)
            }
            None => Sink::Direct(out),
        }
    }

    fn send(&self, message: &[u8]) {
        match self {
            Sink::Direct(out) => {
                let _ = out.send(sse::event(None, None, message));
            }
            Sink::Resumable(s, stream) => s.streams.send(*stream, message),
        }
    }

    fn finish(self) {
        if let Sink::Resumable(s, stream) = self {
            s.streams.finish(stream);
        }
    }

    /// Legacy streams outlive their connection (disconnection is not cancellation there).
    fn cancels_on_disconnect(&self) -> bool {
        matches!(self, Sink::Direct(_))
    }
}

/// Forwards a request's messages to its SSE stream until the result went out. On the 2026
/// wire a client that went away ends it (and `guard` cancels the request); on legacy
/// sessions the request runs on and its events wait in the session's store for a resume.
async fn pump(
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    mut done: oneshot::Receiver<Outcome>,
    sink: Sink,
    connection: mpsc::UnboundedSender<Bytes>,
    guard: Option<DropGuard>,
    keepalive: Duration,
) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
    let watch_disconnect = sink.cancels_on_disconnect();
    let outcome = loop {
        tokio::select! {
            biased;
            () = connection.closed(), if watch_disconnect => return,
            m = rx.recv() => match m {
                Some(m) => sink.send(&m),
                // Every sender is gone: only the result is left to wait for.
                None => break done.await.ok(),
            },
            outcome = &mut done => {
                while let Ok(m) = rx.try_recv() {
                    sink.send(&m);
                }
                break outcome.ok();
            }
            _ = tick.tick() => {
                let _ = connection.send(sse::keepalive());
            }
        }
    };
    // `outcome.trailing` (the `notifications/cancelled` that follows a listen's final result
    // on stdio) is not sent: on HTTP the stream ends with the response.
    if let Some(outcome) = outcome {
        sink.send(&outcome.response);
    }
    sink.finish();
    if let Some(g) = guard {
        g.disarm();
    }
}
