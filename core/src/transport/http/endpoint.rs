//! The MCP endpoint: POST classified into the 2026 stateless wire or a legacy session (with
//! `initialize` creating one), GET for a session's notification stream, DELETE to end a
//! session; the status codes of transport.md §8.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::Value;
use tokio::sync::mpsc;

use super::App;
use super::auth::Caller;
use super::exchange::{self, ExchangeSpec, error, json};
use super::headers;
use super::metrics;
use super::sessions::HttpSession;
use super::sse;
use crate::dispatch::handshake;
use crate::dispatch::router::{self as dispatch_router, Peer};
use crate::error::ProtocolError;
use crate::jsonrpc::message::EnvelopeError;
use crate::jsonrpc::{Incoming, IncomingRequest, RequestId, encode};
use crate::protocol::ProtocolVersion;
use crate::protocol::meta::{self, RequestMeta};

const SESSION_HEADER: &str = "mcp-session-id";
const VERSION_HEADER: &str = "mcp-protocol-version";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// True when the `MCP-Protocol-Version` header names a version that is not a legacy one
/// (2026-07-28, unknown, or garbage): such a request is on the 2026 wire.
fn header_says_modern(headers: &HeaderMap) -> bool {
    header(headers, VERSION_HEADER).is_some_and(|v| ProtocolVersion::parse(v).is_none_or(ProtocolVersion::is_modern))
}

/// POST: one JSON-RPC message (or a batch, on 2025-03-26 sessions).
pub(crate) async fn post(State(app): State<Arc<App>>, caller: Caller, headers: HeaderMap, body: Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::BAD_REQUEST, None, &ProtocolError::parse_error(e)),
    };
    if let Value::Array(items) = value {
        return batch(&app, &headers, items, &caller).await;
    }
    let msg = match Incoming::from_value(value) {
        Ok(m) => m,
        Err(EnvelopeError { id, error: e }) => return error(StatusCode::BAD_REQUEST, id.as_ref(), &e),
    };
    match msg {
        Incoming::Request(req) => {
            let modern = meta::is_modern_shaped(req.params.as_ref())
                || dispatch_router::MODERN_ONLY.contains(&req.method.as_str())
                || header_says_modern(&headers);
            if modern {
                modern_request(&app, &headers, req, &caller).await
            } else {
                legacy_request(&app, &headers, req, &caller).await
            }
        }
        Incoming::Notification { method, params } => {
            if let Some(s) = legacy_session_for(&app, &headers, &caller) {
                let Some(s) = s else { return not_found_session() };
                match method.as_str() {
                    "notifications/initialized" => s.session.mark_initialized(),
                    "notifications/cancelled" => {
                        if let Some(id) =
                            params.as_ref().and_then(|p| p.get("requestId")).and_then(RequestId::from_value)
                        {
                            s.in_flight.cancel(&id);
                        }
                    }
                    _ => {}
                }
            }
            StatusCode::ACCEPTED.into_response()
        }
        Incoming::Response { id, result } => match legacy_session_for(&app, &headers, &caller) {
            Some(Some(s)) => {
                s.session.resolve(&id, result);
                StatusCode::ACCEPTED.into_response()
            }
            Some(None) => not_found_session(),
            None => error(
                StatusCode::BAD_REQUEST,
                None,
                &ProtocolError::invalid_request("a response needs the Mcp-Session-Id of its session"),
            ),
        },
    }
}

/// `None`: no session header; `Some(None)`: unknown or ended session, or another caller's.
fn legacy_session_for(app: &App, headers: &HeaderMap, caller: &Caller) -> Option<Option<Arc<HttpSession>>> {
    header(headers, SESSION_HEADER).map(|id| app.sessions.get(id, caller.subject()))
}

fn not_found_session() -> Response {
    error(StatusCode::NOT_FOUND, None, &ProtocolError::invalid_request("unknown or ended session"))
}

/// A 2026-07-28 request: `_meta` (400/-32602), then the headers against the body
/// (400/-32020), then dispatch (version 400/-32022, method 404/-32601, capability 400/-32021).
async fn modern_request(app: &Arc<App>, headers: &HeaderMap, req: IncomingRequest, caller: &Caller) -> Response {
    let meta = match RequestMeta::from_params(req.params.as_ref()) {
        Ok(m) => m,
        Err(e) => return error(StatusCode::BAD_REQUEST, Some(&req.id), &e),
    };
    match header(headers, VERSION_HEADER) {
        None => {
            let e = ProtocolError::header_mismatch("MCP-Protocol-Version header is required");
            return error(StatusCode::BAD_REQUEST, Some(&req.id), &e);
        }
        Some(v) if v != meta.protocol_version => {
            let e = ProtocolError::header_mismatch(format!(
                "MCP-Protocol-Version `{v}` differs from _meta protocolVersion `{}`",
                meta.protocol_version
            ));
            return error(StatusCode::BAD_REQUEST, Some(&req.id), &e);
        }
        Some(_) => {}
    }
    let tool_params =
        match (req.method.as_str(), req.params.as_ref().and_then(|p| p.get("name")).and_then(Value::as_str)) {
            ("tools/call", Some(name)) => {
                app.shared.registry.snapshot().tools.get(name).map(|t| t.header_params.clone()).unwrap_or_default()
            }
            _ => Vec::new(),
        };
    let lookup = |name: &str| -> Vec<String> {
        headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect()
    };
    if let Err(e) = headers::check_request(&req.method, req.params.as_ref(), &tool_params, &lookup) {
        return error(StatusCode::BAD_REQUEST, Some(&req.id), &e);
    }
    let spec = ExchangeSpec {
        modern: true,
        session: None,
        stopping: app.stopping.clone(),
        keepalive: app.options.sse_keepalive,
        auth: caller.0.clone(),
        metrics: app.metrics.clone(),
    };
    exchange::run(&app.shared, req, spec).await
}

/// A legacy request: `initialize` opens a session; anything else needs a live one.
async fn legacy_request(app: &Arc<App>, headers: &HeaderMap, req: IncomingRequest, caller: &Caller) -> Response {
    if !app.options.legacy_sessions {
        let e = ProtocolError::method_not_found(&req.method)
            .with_data(serde_json::json!({ "supported": app.shared.version_strings() }));
        return error(StatusCode::NOT_FOUND, Some(&req.id), &e);
    }
    if let Some(v) = header(headers, VERSION_HEADER) {
        let supported = ProtocolVersion::parse(v).is_some_and(|p| app.shared.versions.contains(&p));
        if !supported {
            let e = ProtocolError::invalid_request(format!("unsupported MCP-Protocol-Version `{v}`"));
            return error(StatusCode::BAD_REQUEST, Some(&req.id), &e);
        }
    }
    if req.method == "initialize" {
        let timer = app.metrics.as_ref().map(|m| m.start(&req.method));
        let (tx, rx) = mpsc::unbounded_channel();
        let result = handshake::initialize(&app.shared, req.params.as_ref(), tx);
        if let Some(t) = timer {
            t.finish(if result.is_ok() { metrics::Outcome::Ok } else { metrics::Outcome::Error });
        }
        return match result {
            Ok((session, result)) => {
                let s = app.sessions.create(session, rx, caller.subject());
                let mut r = json(StatusCode::OK, encode::response_raw(&req.id, &result));
                if let Ok(v) = HeaderValue::from_str(&s.id) {
                    r.headers_mut().insert(SESSION_HEADER, v);
                }
                r
            }
            Err(e) => error(StatusCode::OK, Some(&req.id), &e),
        };
    }
    let Some(id) = header(headers, SESSION_HEADER) else {
        let e = ProtocolError::invalid_request("missing Mcp-Session-Id header (send initialize first)");
        return error(StatusCode::BAD_REQUEST, Some(&req.id), &e);
    };
    let Some(session) = app.sessions.get(id, caller.subject()) else { return not_found_session() };
    let spec = ExchangeSpec {
        modern: false,
        session: Some(session),
        stopping: app.stopping.clone(),
        keepalive: app.options.sse_keepalive,
        auth: caller.0.clone(),
        metrics: app.metrics.clone(),
    };
    exchange::run(&app.shared, req, spec).await
}

/// A JSON-RPC batch: only on a 2025-03-26 session. Requests run concurrently; the answer is
/// one JSON array (or 202 when the batch held no requests).
async fn batch(app: &Arc<App>, headers: &HeaderMap, items: Vec<Value>, caller: &Caller) -> Response {
    let session = match legacy_session_for(app, headers, caller) {
        Some(Some(s)) if s.session.version.accepts_batches() => s,
        Some(None) => return not_found_session(),
        _ => {
            let e = ProtocolError::invalid_request("batches are only accepted on protocol 2025-03-26 sessions");
            return error(StatusCode::BAD_REQUEST, None, &e);
        }
    };
    if items.is_empty() {
        return error(StatusCode::BAD_REQUEST, None, &ProtocolError::invalid_request("empty batch"));
    }
    let mut tasks = Vec::new();
    let mut responses = Vec::new();
    for item in items {
        match Incoming::from_value(item) {
            Ok(Incoming::Request(r)) if r.method == "initialize" => responses.push(encode::error(
                Some(&r.id),
                &ProtocolError::invalid_request("initialize must not be batched"),
                true,
            )),
            Ok(Incoming::Request(r)) => {
                let shared = app.shared.clone();
                let (out, _) = mpsc::unbounded_channel();
                let peer = Peer {
                    session: Some(session.session.clone()),
                    out,
                    stopping: app.stopping.clone(),
                    auth: caller.0.clone(),
                };
                let timer = app.metrics.as_ref().map(|m| m.start(&r.method));
                tasks.push(tokio::spawn(async move {
                    let token = std::sync::Arc::new(tokio_util::sync::CancellationToken::new());
                    let outcome = dispatch_router::handle(&shared, &peer, r, token).await;
                    if let Some(t) = timer {
                        t.settle(outcome.error_code, true, false, None);
                    }
                    outcome.response
                }));
            }
            Ok(Incoming::Notification { method, .. }) if method == "notifications/initialized" => {
                session.session.mark_initialized();
            }
            Ok(Incoming::Response { id, result }) => {
                session.session.resolve(&id, result);
            }
            Ok(Incoming::Notification { .. }) => {}
            Err(EnvelopeError { id, error: e }) => responses.push(encode::error(id.as_ref(), &e, true)),
        }
    }
    for t in tasks {
        if let Ok(r) = t.await {
            responses.push(r);
        }
    }
    if responses.is_empty() {
        return StatusCode::ACCEPTED.into_response();
    }
    let mut body = b"[".to_vec();
    for (i, r) in responses.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(r);
    }
    body.push(b']');
    json(StatusCode::OK, body)
}

/// GET: the session's stream of unsolicited messages (list changes, resource updates).
/// Without a session header: 405 (the 2026 wire has no GET).
pub(crate) async fn get(State(app): State<Arc<App>>, caller: Caller, headers: HeaderMap) -> Response {
    let Some(id) = header(&headers, SESSION_HEADER) else {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    };
    let Some(session) = app.sessions.get(id, caller.subject()) else { return not_found_session() };
    if let Some(last) = header(&headers, "last-event-id") {
        return match session.streams.resume(last) {
            Ok(events) => exchange::sse_response(events),
            Err(e) => {
                let e = ProtocolError::invalid_request(format!("cannot resume from Last-Event-ID `{last}`: {e:?}"));
                error(StatusCode::BAD_REQUEST, None, &e)
            }
        };
    }
    let taken = crate::session::lock(&session.notifications).take();
    let Some(mut rx) = taken else {
        let e = ProtocolError::invalid_request("this session already has an open GET stream");
        return error(StatusCode::CONFLICT, None, &e);
    };
    let (tx, body) = mpsc::unbounded_channel();
    let stopping = app.stopping.clone();
    let keepalive = app.options.sse_keepalive;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
        loop {
            tokio::select! {
                biased;
                () = tx.closed() => break,
                () = session.ended.cancelled() => break,
                () = stopping.cancelled() => break,
                m = rx.recv() => match m {
                    Some(m) => {
                        let _ = tx.send(sse::event(None, None, &m));
                    }
                    None => break,
                },
                _ = tick.tick() => {
                    let _ = tx.send(sse::keepalive());
                }
            }
        }
        // Give the receiver back so the client can open the stream again.
        *crate::session::lock(&session.notifications) = Some(rx);
    });
    exchange::sse_response(body)
}

/// DELETE: ends a session.
pub(crate) async fn delete(State(app): State<Arc<App>>, caller: Caller, headers: HeaderMap) -> Response {
    match header(&headers, SESSION_HEADER) {
        None => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        Some(id) if app.sessions.remove(id, caller.subject()) => StatusCode::OK.into_response(),
        Some(_) => not_found_session(),
    }
}
