//! One request over HTTP: it runs as its own task; the response is JSON when the request
//! produced nothing but its result, and an SSE stream when notifications (or, on legacy
//! sessions, server->client requests) came first — those, then the result. On the 2026
//! wire a client that goes away cancels the request; on a legacy session it does when
//! nothing could resume the answer ([`CancelOnDisconnect`]).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio_util::sync::DropGuard;

use super::disconnect::CancelOnDisconnect;
use super::event_store::StreamId;
use super::sessions::HttpSession;
use super::sse;
use crate::auth::AuthInfo;
use crate::dispatch::OutboxReader;
use crate::dispatch::call::Outcome;
use crate::dispatch::connection::{Answer, Connection, Route, Submitted};
use crate::dispatch::executor::Spawner;
use crate::dispatch::outbox;
use crate::dispatch::rate_limit::ClientKey;
use crate::error::{ProtocolError, codes};
use crate::jsonrpc::{Incoming, IncomingRequest, encode};
use crate::protocol::ProtocolVersion;
use crate::protocol::meta::RequestMeta;
use crate::request_info::HttpRequestInfo;

/// What one POST carries into the engine.
pub(crate) enum Input {
    /// One request.
    Request(IncomingRequest, Option<Arc<RequestMeta>>),
    /// A batch (2025-03-26 sessions; every version's with `true`, see
    /// [`HttpOptions::batch_any_version`](super::HttpOptions::batch_any_version)).
    Batch(Vec<Value>, bool),
}

/// What an exchange needs from its endpoint.
pub(crate) struct ExchangeSpec {
    /// The 2026 stateless wire (disconnect = cancellation; modern status codes).
    pub modern: bool,
    /// The connection the request runs on: the session's, or the listener's stateless one.
    pub conn: Arc<Connection>,
    /// The legacy session, if any.
    pub session: Option<Arc<HttpSession>>,
    /// When the client going away cancels the request: always on the 2026 wire and for a
    /// legacy request without a session (`HttpOptions::sessionless`: nothing could resume
    /// it, and there is no session to send `notifications/cancelled` on); on a session, as
    /// [`HttpOptions::cancel_on_disconnect`](super::HttpOptions::cancel_on_disconnect) says.
    pub cancel_on_disconnect: CancelOnDisconnect,
    /// Interval of keep-alive comments on the SSE stream.
    pub keepalive: Duration,
    /// Answer with the result as JSON whatever came before it, dropping that
    /// ([`HttpOptions::json_response`](super::HttpOptions::json_response)).
    pub json_only: bool,
    /// Answer with an SSE stream even when the result comes first
    /// ([`HttpOptions::sse_response`](super::HttpOptions::sse_response)).
    pub sse_only: bool,
    /// Whether a legacy session's stream opens with a priming event (on 2025-11-25 and
    /// later), and the `retry:` hint that goes with it
    /// ([`HttpOptions::sse_priming`](super::HttpOptions::sse_priming)).
    pub priming: Priming,
    /// The verified caller (bearer authorization), handed to handlers.
    pub auth: Option<Arc<AuthInfo>>,
    /// The HTTP request (its headers), handed to handlers.
    pub http: Option<Arc<HttpRequestInfo>>,
    /// Who the request counts against for rate limits without a verified subject, when it
    /// has no session of its own (see [`Route::client`]).
    pub client: Option<ClientKey>,
}

/// How a request's SSE stream opens (see [`Streams::open`](super::resume::Streams::open)) and
/// names its events.
#[derive(Clone, Copy)]
pub(crate) struct Priming {
    /// Send a priming event (2025-11-25 sessions and later).
    pub on: bool,
    /// The `retry:` hint that follows it, in milliseconds.
    pub retry_ms: Option<u64>,
    /// Name message events `message`
    /// ([`HttpOptions::sse_event_names`](super::HttpOptions::sse_event_names)).
    pub named: bool,
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

/// An SSE response with nothing in it (a request cancelled before it answered).
fn empty_sse() -> Response {
    sse::replay(Vec::new())
}

/// The JSON response for an outcome.
fn outcome_json(modern: bool, outcome: Outcome) -> Response {
    let status = if outcome.busy {
        StatusCode::SERVICE_UNAVAILABLE
    } else if modern {
        modern_status(outcome.error_code)
    } else {
        StatusCode::OK
    };
    json(status, outcome.response)
}

/// Runs one request (or batch) on its connection and builds the response.
pub(crate) async fn run(input: Input, spec: ExchangeSpec) -> Response {
    let shared = spec.conn.shared();
    let (notes, mut rx) =
        outbox("HTTP response stream", shared.limits.max_queued_messages, shared.limits.queued_bytes());
    let (done_tx, mut done_rx) = oneshot::channel::<Outcome>();
    let route = Route { notes, answer: Answer::Once(done_tx), auth: spec.auth, http: spec.http, client: spec.client };
    // The request this POST's stream answers, by which the application may end its
    // connection (kept without an allocation: most answers are JSON, which need none).
    let answers = match &input {
        Input::Request(req, _) => Some(req.id.clone()),
        Input::Batch(..) => None,
    };
    let submitted = match input {
        Input::Request(req, meta) => spec.conn.submit(Incoming::Request(req), meta, route).await,
        // Boxed: a batch's future is large, and a rare one.
        Input::Batch(items, any_version) => Box::pin(spec.conn.batch(items, route, any_version)).await,
    };
    let token = match submitted {
        Submitted::Accepted => return StatusCode::ACCEPTED.into_response(),
        Submitted::Answered => None,
        Submitted::Running(token) => token,
    };
    // The client closing the connection is cancellation (see `cancel_on_disconnect`): the
    // guard trips the token if this future (JSON) or the SSE pump is dropped before the
    // request finished.
    let policy = spec.cancel_on_disconnect;
    let guard: Option<DropGuard> =
        token.filter(|_| policy != CancelOnDisconnect::Never).map(|t| (*t).clone().drop_guard());
    if spec.json_only {
        return json_only(rx, done_rx, guard, spec.modern).await;
    }
    let first = if spec.sse_only {
        None
    } else {
        let first = tokio::select! {
            biased;
            m = rx.recv() => match m {
                Some(m) => m,
                None => return empty_sse(),
            },
            outcome = &mut done_rx => match (outcome, rx.try_recv()) {
                (Ok(outcome), None) => {
                    if let Some(g) = guard {
                        g.disarm();
                    }
                    return outcome_json(spec.modern, outcome);
                }
                (Ok(outcome), Some(m)) => {
                    // Notifications were queued just before the result: stream them first,
                    // through the pump like any other stream (more of them may be queued than
                    // the stream's buffer holds before its client reads).
                    let (tx, done) = oneshot::channel();
                    let _ = tx.send(outcome);
                    done_rx = done;
                    m
                }
                // Cancelled (no response owed): an empty stream.
                (Err(_), _) => return empty_sse(),
            },
        };
        Some(first)
    };
    // A hand-off: what waits for the client waits in the request's queue, `rx`.
    let (etx, erx) = sse::channel(sse::Bound::handoff());
    let sink = Sink::open(spec.session.as_ref(), etx.clone(), spec.priming);
    // A legacy stream carries an event id from its first event on (a priming event, or
    // the first message): from now on the client may resume it.
    let guard = match guard {
        Some(g) if matches!(sink, Sink::Resumable(..)) && policy == CancelOnDisconnect::Unresumable => {
            g.disarm();
            None
        }
        g => g,
    };
    let watch_disconnect = matches!(sink, Sink::Direct(..)) || policy == CancelOnDisconnect::Always;
    let closer = sink.closer(answers.as_slice());
    if let Some(first) = first {
        sink.send(&first).await;
    }
    // On the executor the connection runs on (see `Spawner::Tokio`).
    let watch = Watch { guard, disconnect: watch_disconnect, keepalive: spec.keepalive, closer };
    Spawner::Tokio.spawn(pump(rx, done_rx, sink, etx, watch));
    sse::response(erx)
}

/// The result as JSON once the request ends; what it sends before (read so that it never
/// waits for room) is dropped. Each turn of the loop takes a message or ends it.
async fn json_only(
    mut rx: OutboxReader,
    mut done_rx: oneshot::Receiver<Outcome>,
    guard: Option<DropGuard>,
    modern: bool,
) -> Response {
    let mut open = true;
    loop {
        tokio::select! {
            biased;
            outcome = &mut done_rx => {
                if let Some(g) = guard {
                    g.disarm();
                }
                return match outcome {
                    Ok(outcome) => outcome_json(modern, outcome),
                    // Cancelled (no response owed): an empty stream, as without the option.
                    Err(_) => empty_sse(),
                };
            }
            m = rx.recv(), if open => open = m.is_some(),
        }
    }
}

/// Where a request's SSE events go: straight to the connection (2026 wire), or through the
/// session's resumable streams (legacy), which give each event an id and keep it for a
/// `Last-Event-ID` resume.
enum Sink {
    /// The connection, and the name of message events.
    Direct(sse::EventSender, Option<&'static str>),
    Resumable(Arc<HttpSession>, StreamId),
}

impl Sink {
    fn open(session: Option<&Arc<HttpSession>>, out: sse::EventSender, priming: Priming) -> Sink {
        match session {
            Some(s) => {
                // Priming events and retry hints are part of 2025-11-25 (SEP-1699).
                let prime = priming.on && s.session.version >= ProtocolVersion::V2025_11_25;
                s.streams.name_events(priming.named);
                let stream = s.streams.open(out, prime, priming.retry_ms);
                Sink::Resumable(s.clone(), stream)
            }
            None => Sink::Direct(out, priming.named.then_some("message")),
        }
    }

    /// Sends one message, waiting while its client's buffer is full (a response is never
    /// dropped to make room); false when its client can no longer get it live (gone, or a
    /// legacy stream cut from live delivery or resumed elsewhere).
    async fn send(&self, message: &[u8]) -> bool {
        match self {
            Sink::Direct(out, name) => out.send(sse::event(None, *name, message)).await,
            Sink::Resumable(s, stream) => s.streams.send_waiting(*stream, message).await,
        }
    }

    /// What ends a legacy stream's connection at the application's asking (the stream of
    /// the requests `answers`); none for a direct stream, which cannot be resumed.
    fn closer(&self, answers: &[crate::jsonrpc::RequestId]) -> Option<tokio_util::sync::CancellationToken> {
        match self {
            Sink::Direct(..) => None,
            Sink::Resumable(s, stream) => Some(s.streams.closer(*stream, answers)),
        }
    }

    fn finish(self) {
        if let Sink::Resumable(s, stream) = self {
            s.streams.finish(stream);
        }
    }
}

/// What a request's SSE pump watches besides its messages.
struct Watch {
    /// Cancels the request if the pump ends before its result went out.
    guard: Option<DropGuard>,
    /// End when the client goes away (the 2026 wire, a request without a session, or
    /// [`CancelOnDisconnect::Always`]); otherwise the request runs on and its events wait in
    /// the session's store for a resume.
    disconnect: bool,
    /// Interval of keep-alive comments.
    keepalive: Duration,
    /// Ends a legacy stream's connection at the application's asking.
    closer: Option<tokio_util::sync::CancellationToken>,
}

/// Forwards a request's messages to its SSE stream until the result went out. A client that
/// went away ends it when `watch.disconnect` says so (and the guard cancels the request);
/// otherwise the request runs on and its events wait in the session's store for a resume.
async fn pump(
    mut rx: OutboxReader,
    mut done: oneshot::Receiver<Outcome>,
    sink: Sink,
    connection: sse::EventSender,
    watch: Watch,
) {
    let Watch { guard, disconnect: watch_disconnect, keepalive, closer } = watch;
    let mut tick = sse::KeepAlive::every(keepalive);
    let closer = closer.unwrap_or_default();
    // Dropped once a legacy stream is cut from live delivery, so its response ends and the
    // client resumes from the store.
    let mut connection = Some(connection);
    let outcome = loop {
        tokio::select! {
            biased;
            // The application ended the connection: the client resumes from the store.
            () = closer.cancelled(), if connection.is_some() => connection = None,
            () = async { connection.as_ref().expect("checked").closed().await }, if watch_disconnect && connection.is_some() => {
                // A resume replays what was sent, then ends.
                sink.finish();
                return;
            }
            m = rx.recv() => match m {
                Some(m) => {
                    if !sink.send(&m).await {
                        // Gone (not cut by the application, which expects a resume).
                        if watch_disconnect && connection.is_some() && !closer.is_cancelled() {
                            sink.finish();
                            return;
                        }
                        connection = None;
                    }
                }
                None => break done.await.ok(),
            },
            outcome = &mut done => {
                while let Some(m) = rx.try_recv() {
                    sink.send(&m).await;
                }
                break outcome.ok();
            }
            _ = tick.tick(), if connection.is_some() => {
                if let Some(c) = &connection {
                    let _ = c.try_send(sse::keepalive());
                }
            }
        }
    };
    // `outcome.trailing` (the `notifications/cancelled` that follows a listen's final result
    // on stdio) is not sent: on HTTP the stream ends with the response.
    if let Some(outcome) = outcome {
        sink.send(&outcome.response).await;
    }
    sink.finish();
    if let Some(g) = guard {
        g.disarm();
    }
}
