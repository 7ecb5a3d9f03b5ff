//! The 2024-11-05 HTTP+SSE transport (transport.md §5), served alongside the Streamable HTTP
//! endpoint: `GET /sse` opens a session's event stream, whose first event (`endpoint`) says
//! where to POST; `POST /messages?sessionId=<id>` takes one JSON-RPC message and answers
//! `202 Accepted`; everything the server sends (responses, notifications, server->client
//! requests) goes out on the stream as `message` events.
//!
//! A session is exactly a stdio-like connection: the engine's byte-stream server
//! ([`crate::transport::stream`]) runs over an in-process pipe; each POSTed message is written
//! to its input as one line, and each line of its output becomes one SSE event. Framing,
//! dispatch, cancellation, batching rules and graceful shutdown are those of stdio. The
//! session ends when its stream closes (the client went away, or the server stopped).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::App;
use super::auth::{AuthCell, Caller};
use super::exchange::{self, error};
use super::metrics::{Outcome, Timer};
use super::sessions::new_id;
use super::sse;
use crate::error::ProtocolError;
use crate::jsonrpc::RequestId;
use crate::session::lock;
use crate::transport::stream;

/// Where clients open their event stream.
pub(crate) const SSE_PATH: &str = "/sse";
/// Where clients POST their messages (named in the `endpoint` event).
pub(crate) const MESSAGES_PATH: &str = "/messages";

/// Capacity of each direction of a session's in-process pipe.
const PIPE_BUFFER: usize = 1 << 20;

/// One HTTP+SSE session.
struct SseSession {
    /// The authenticated subject that opened it (bearer authorization): only it may post.
    subject: Option<String>,
    /// The connection's input: POSTed messages, one per line.
    input: tokio::sync::Mutex<WriteHalf<DuplexStream>>,
    /// The caller's current grant, seen by handlers; each POST refreshes it.
    auth: Option<Arc<AuthCell>>,
    /// Requests being timed (metrics on), by id, until their response goes out.
    timers: Option<Mutex<HashMap<RequestId, Timer>>>,
    /// Tripped when the stream closes: the connection stops.
    ended: CancellationToken,
}

impl SseSession {
    /// Notes a message the client posted (metrics on): a request starts its timer, a
    /// cancellation ends one.
    fn track_input(&self, app: &App, message: &Value) {
        let (Some(timers), Some(metrics)) = (&self.timers, &app.metrics) else { return };
        let Some(method) = message.get("method").and_then(Value::as_str) else { return };
        match message.get("id").and_then(RequestId::from_value) {
            Some(id) => {
                lock(timers).insert(id, metrics.start(method));
            }
            None if method == "notifications/cancelled" => {
                let id = message.pointer("/params/requestId").and_then(RequestId::from_value);
                let timer = id.and_then(|id| lock(timers).remove(&id));
                if let Some(t) = timer {
                    t.finish(Outcome::Cancelled);
                }
            }
            None => {}
        }
    }

    /// Notes a message the server sent (metrics on): a response settles its request's timer.
    fn track_output(&self, line: &[u8]) {
        #[derive(Deserialize)]
        struct Reply {
            id: Option<Value>,
            method: Option<IgnoredAny>,
            error: Option<IgnoredAny>,
        }
        let Some(timers) = &self.timers else { return };
        let Ok(Reply { id: Some(id), method: None, error }) = serde_json::from_slice::<Reply>(line) else { return };
        let timer = RequestId::from_value(&id).and_then(|id| lock(timers).remove(&id));
        if let Some(t) = timer {
            t.finish(if error.is_some() { Outcome::Error } else { Outcome::Ok });
        }
    }
}

/// Every live HTTP+SSE session, at most `max`.
pub(crate) struct SseSessions {
    map: Mutex<HashMap<String, Arc<SseSession>>>,
    max: usize,
}

impl SseSessions {
    pub fn new(max: usize) -> SseSessions {
        SseSessions { map: Mutex::default(), max: max.max(1) }
    }

    /// How many sessions are live.
    pub fn len(&self) -> usize {
        lock(&self.map).len()
    }

    /// Registers a session; false when the cap is reached.
    fn insert(&self, id: String, session: Arc<SseSession>) -> bool {
        let mut map = lock(&self.map);
        if map.len() >= self.max {
            return false;
        }
        map.insert(id, session);
        true
    }

    /// The live session with this id, if `subject` opened it.
    fn get(&self, id: &str, subject: Option<&str>) -> Option<Arc<SseSession>> {
        lock(&self.map).get(id).filter(|s| s.subject.as_deref() == subject).cloned()
    }

    fn remove(&self, id: &str) {
        lock(&self.map).remove(id);
    }
}

/// `GET /sse`: a new session; its stream starts with the `endpoint` event.
pub(crate) async fn open(State(app): State<Arc<App>>, caller: Caller) -> Response {
    if app.stopping.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response();
    }
    let id = new_id();
    let (client_end, server_end) = tokio::io::duplex(PIPE_BUFFER);
    let (server_read, server_write) = tokio::io::split(server_end);
    let (output, input) = tokio::io::split(client_end);
    let auth = caller.0.clone().map(|a| Arc::new(AuthCell::new(a)));
    let session = Arc::new(SseSession {
        subject: caller.subject().map(str::to_owned),
        input: tokio::sync::Mutex::new(input),
        auth: auth.clone(),
        timers: app.metrics.as_ref().map(|_| Mutex::default()),
        ended: CancellationToken::new(),
    });
    if !app.sse.insert(id.clone(), session.clone()) {
        tracing::warn!("HTTP+SSE session refused: the session limit is reached");
        let e = ProtocolError::internal("too many sessions");
        return error(StatusCode::SERVICE_UNAVAILABLE, None, &e);
    }
    let shared = app.shared.clone();
    let stop = session.ended.clone();
    tokio::spawn(async move {
        if let Err(e) = stream::serve_as(shared, server_read, server_write, stop, auth).await {
            tracing::debug!(error = %e, "HTTP+SSE session ended with an error");
        }
    });
    let (tx, body) = mpsc::unbounded_channel();
    let endpoint = format!("{MESSAGES_PATH}?sessionId={id}");
    let _ = tx.send(sse::event(None, Some("endpoint"), endpoint.as_bytes()));
    tokio::spawn(pump(app, id, session, output, tx));
    exchange::sse_response(body)
}

/// Turns the connection's output into `message` events until the stream closes or the
/// connection ends; then ends the session.
async fn pump(
    app: Arc<App>,
    id: String,
    session: Arc<SseSession>,
    output: ReadHalf<DuplexStream>,
    events: mpsc::UnboundedSender<Bytes>,
) {
    let mut output = BufReader::new(output);
    let keepalive = app.options.sse_keepalive;
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
    // `read_until` keeps what it read when another branch wins; the line is cleared only
    // once it went out whole.
    let mut line = Vec::new();
    loop {
        tokio::select! {
            biased;
            () = events.closed() => break,
            read = output.read_until(b'\n', &mut line) => match read {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                    }
                    session.track_output(&line);
                    let _ = events.send(sse::event(None, Some("message"), &line));
                    line.clear();
                }
            },
            _ = tick.tick() => {
                let _ = events.send(sse::keepalive());
            }
        }
    }
    app.sse.remove(&id);
    session.ended.cancel();
    drop(events);
    // The connection finishes its requests (within the shutdown grace period) and flushes:
    // keep reading so its writer never waits on a full pipe.
    let _ = tokio::io::copy(&mut output, &mut tokio::io::sink()).await;
    // Requests that never answered were cancelled with the session.
    if let Some(timers) = &session.timers {
        lock(timers).clear();
    }
}

/// The query of `POST /messages`.
#[derive(Deserialize)]
pub(crate) struct MessagesQuery {
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
}

/// `POST /messages?sessionId=<id>`: one JSON-RPC message into the session; 202.
pub(crate) async fn message(
    State(app): State<Arc<App>>,
    caller: Caller,
    Query(query): Query<MessagesQuery>,
    body: Bytes,
) -> Response {
    let Some(id) = query.session_id else {
        let e = ProtocolError::invalid_request("missing sessionId query parameter");
        return error(StatusCode::BAD_REQUEST, None, &e);
    };
    let Some(session) = app.sse.get(&id, caller.subject()) else {
        let e = ProtocolError::invalid_request("unknown or ended session");
        return error(StatusCode::NOT_FOUND, None, &e);
    };
    let track = session.timers.is_some();
    // The connection reads one message per line: a body spread over several lines (pretty
    // printed) is compacted; one already on a single line goes through as it came.
    let mut line = if track || body.contains(&b'\n') || body.contains(&b'\r') {
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return error(StatusCode::BAD_REQUEST, None, &ProtocolError::parse_error(e)),
        };
        session.track_input(&app, &value);
        serde_json::to_vec(&value).unwrap_or_default()
    } else {
        if let Err(e) = serde_json::from_slice::<IgnoredAny>(&body) {
            return error(StatusCode::BAD_REQUEST, None, &ProtocolError::parse_error(e));
        }
        body.to_vec()
    };
    line.push(b'\n');
    if let (Some(cell), Some(info)) = (&session.auth, &caller.0) {
        cell.set(info.clone());
    }
    let written = tokio::select! {
        r = async {
            let mut input = session.input.lock().await;
            input.write_all(&line).await?;
            input.flush().await
        } => r.is_ok(),
        () = session.ended.cancelled() => false,
    };
    if !written {
        let e = ProtocolError::invalid_request("unknown or ended session");
        return error(StatusCode::NOT_FOUND, None, &e);
    }
    StatusCode::ACCEPTED.into_response()
}
