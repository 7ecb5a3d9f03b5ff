//! The MCP endpoint: POST classified into the 2026 stateless wire or a legacy session (with
//! `initialize` creating one), GET for a session's notification stream, DELETE to end a
//! session; the status codes of transport.md §8.

use crate::protocol::method::Method;
use std::sync::Arc;

use axum::extract::{Extension, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Map, Value};

use super::auth::{self, Caller};
use super::client;
use super::disconnect::CancelOnDisconnect;
use super::event_store::{ReplayError, StreamId};
use super::exchange::{self, ExchangeSpec, Input, error, json};
use super::headers;
use super::refusals::{Refusal, check_media_types, refuse};
use super::resume::{Resumed, resume_shared, split_id};
use super::sessions::{HttpSession, ProposedSessionId, session_connection};
use super::sse;
use super::state::App;
use super::ws;
use crate::dispatch::connection::{Answer, Connection, ConnectionOptions, Route};
use crate::dispatch::rate_limit::ClientKey;
use crate::dispatch::{Outbox, OutboxReader};
use crate::error::ProtocolError;
use crate::jsonrpc::message::EnvelopeError;
use crate::jsonrpc::{Incoming, IncomingRequest, RequestId};
use crate::protocol::ProtocolVersion;
use crate::protocol::header_params::HeaderParam;
use crate::protocol::meta::{self, RequestMeta};
use crate::request_info::HttpRequestInfo;

// Names, not text: a lookup by text parses the name first, every time.
const SESSION_HEADER: HeaderName = HeaderName::from_static("mcp-session-id");
const VERSION_HEADER: HeaderName = HeaderName::from_static("mcp-protocol-version");

fn header(headers: &HeaderMap, name: HeaderName) -> Option<&str> {
    headers.get(name).and_then(text)
}

/// A header's value as text, trimmed (`None` when it is not visible ASCII).
fn text(value: &HeaderValue) -> Option<&str> {
    let bytes = value.as_bytes();
    if printable_without_blanks(bytes) {
        // SAFETY: every byte is ASCII (checked just above), and ASCII is UTF-8.
        return Some(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    value.to_str().ok().map(str::trim)
}

/// Whether every byte is printable ASCII other than a space (0x21 to 0x7E): text with
/// nothing to trim, as session ids and versions are. Eight bytes at a time, where checking
/// byte by byte costs a session id of 64 bytes several hundred instructions a request.
fn printable_without_blanks(bytes: &[u8]) -> bool {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    let mut words = bytes.chunks_exact(8);
    let words_printable = words.by_ref().all(|word| {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        let x = u64::from_ne_bytes(eight);
        // With no byte of 0x80 or more, adding 0x5F to each byte carries into no other and
        // sets its high bit exactly when it is at least 0x21; adding 0x01, when it is 0x7F.
        x & HIGH == 0 && x.wrapping_add(0x5F * ONES) & HIGH == HIGH && x.wrapping_add(ONES) & HIGH == 0
    });
    words_printable && words.remainder().iter().all(|b| (0x21..=0x7E).contains(b))
}

/// The MCP headers of a POST, found in one pass over the few headers a request has (two
/// lookups by name would hash both names).
struct McpHeaders<'a> {
    /// `MCP-Protocol-Version` (the first one).
    version: Option<&'a str>,
    /// `Mcp-Session-Id` (the first one).
    session: Option<&'a str>,
    /// Whether any metadata header the legacy wires check against the body is there
    /// ([`headers::is_checked_header`]): legacy clients send none.
    metadata: bool,
}

/// Reads a request's [`McpHeaders`].
fn mcp_headers(headers: &HeaderMap) -> McpHeaders<'_> {
    let (mut version, mut session, mut metadata) = (None, None, false);
    for (name, value) in headers {
        if *name == VERSION_HEADER {
            version = version.or(Some(text(value)));
        } else if *name == SESSION_HEADER {
            session = session.or(Some(text(value)));
        } else if !metadata {
            metadata = headers::is_checked_header(name.as_str());
        }
    }
    McpHeaders { version: version.flatten(), session: session.flatten(), metadata }
}

/// POST: one JSON-RPC message (or a batch, on 2025-03-26 sessions).
pub(crate) async fn post(
    State(app): State<Arc<App>>,
    caller: Caller,
    proposed: Option<Extension<ProposedSessionId>>,
    request: Request,
) -> Response {
    if app.stopping.is_cancelled() {
        let e = ProtocolError::internal("the server is shutting down");
        return error(StatusCode::SERVICE_UNAVAILABLE, None, &e);
    }
    // The headers are taken over, not copied (an extracted `HeaderMap` is a copy); the rest
    // of the request (its body-size limit among its extensions) reads the body.
    let (mut parts, body) = request.into_parts();
    let headers = std::mem::take(&mut parts.headers);
    if let Some(refused) = check_media_types(&app, &headers, true) {
        return refused;
    }
    let peer = client::peer(&parts.extensions);
    let body = match Bytes::from_request(Request::from_parts(parts, body), &()).await {
        Ok(b) => b,
        Err(rejection) => return rejection.into_response(),
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return refuse(&app, None, Refusal::NotJson(e.to_string())),
    };
    if let Some(refused) = auth::refuse_tool_calls(app.options.auth.as_ref(), &caller, &app.shared.registry, &value) {
        return refused;
    }
    // Shared by the engine's checks below and, through their contexts, the handlers.
    let http = Arc::new(HttpRequestInfo::new(headers));
    let McpHeaders { version, session, metadata } = mcp_headers(http.map());
    let p = Post { app: &app, caller: &caller, version, session, metadata, http: &http, peer };
    if let Value::Array(items) = value {
        return batch(&p, items).await;
    }
    let msg = match Incoming::from_value(value) {
        Ok(m) => m,
        Err(EnvelopeError { id, error: e }) => return refuse(&app, id.as_ref(), Refusal::NotJsonRpc(e)),
    };
    match msg {
        Incoming::Request(req) => {
            // A `MCP-Protocol-Version` that is not a legacy one (2026-07-28, unknown, or
            // garbage) puts the request on the 2026 wire; in the SDK's words, an unknown one
            // is refused as a legacy version the server does not serve.
            let unknown_is_modern = !app.options.sdk_transport_errors;
            let modern = meta::looks_modern(&req.method, req.params.as_ref())
                || p.version
                    .is_some_and(|v| ProtocolVersion::parse(v).map_or(unknown_is_modern, ProtocolVersion::is_modern));
            if modern {
                modern_request(&p, req).await
            } else {
                let proposed = proposed.map(|Extension(p)| p.0);
                legacy_request(&p, req, proposed).await
            }
        }
        m @ Incoming::Notification { .. } => {
            match legacy_session_for(&p).await {
                Some(Ok(Some(s))) => {
                    s.conn.submit(m, None, s.conn.route()).await;
                }
                Some(Ok(None)) => return refuse(&app, None, Refusal::UnknownSession),
                Some(Err(e)) => return store_unavailable(None, &e),
                None => {}
            }
            StatusCode::ACCEPTED.into_response()
        }
        m @ Incoming::Response { .. } => match legacy_session_for(&p).await {
            Some(Ok(Some(s))) => {
                s.conn.submit(m, None, s.conn.route()).await;
                StatusCode::ACCEPTED.into_response()
            }
            Some(Ok(None)) => refuse(&app, None, Refusal::UnknownSession),
            Some(Err(e)) => store_unavailable(None, &e),
            None => error(
                StatusCode::BAD_REQUEST,
                None,
                &ProtocolError::invalid_request("a response needs the Mcp-Session-Id of its session"),
            ),
        },
    }
}

/// One POST as the functions below read it: the listener, the caller, and the request's
/// headers (the map the engine checks is the one handlers see through [`HttpRequestInfo`]).
struct Post<'a> {
    app: &'a Arc<App>,
    caller: &'a Caller,
    /// The `MCP-Protocol-Version` header.
    version: Option<&'a str>,
    /// The `Mcp-Session-Id` header.
    session: Option<&'a str>,
    /// Whether metadata headers are there to check against the body (see [`McpHeaders`]).
    metadata: bool,
    http: &'a Arc<HttpRequestInfo>,
    /// The client's address, when known (see [`client::peer`]).
    peer: Option<std::net::SocketAddr>,
}

impl Post<'_> {
    /// How the request runs on `conn` (the session's when there is one).
    fn spec(&self, modern: bool, conn: Arc<Connection>, session: Option<Arc<HttpSession>>) -> ExchangeSpec {
        ExchangeSpec {
            modern,
            conn,
            cancel_on_disconnect: if modern || session.is_none() {
                CancelOnDisconnect::Always
            } else {
                self.app.options.cancel_on_disconnect
            },
            keepalive: self.app.options.sse_keepalive,
            json_only: !modern && self.app.options.json_response,
            sse_only: !modern && self.app.options.sse_response,
            priming: exchange::Priming {
                named: self.app.options.sse_event_names,
                on: self.app.options.sse_priming,
                retry_ms: self.app.options.sse_retry.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            },
            auth: self.caller.0.clone(),
            http: Some(self.http.clone()),
            // A request without a session of its own counts against its address (one
            // bucket for every client whose address is not known).
            client: session
                .is_none()
                .then(|| self.peer.map_or_else(|| self.app.stateless.client_key(), |a| ClientKey::address(a.ip()))),
            session,
        }
    }

    /// The request on a legacy session's connection.
    fn on_session(&self, session: Arc<HttpSession>) -> ExchangeSpec {
        self.spec(false, session.conn.clone(), Some(session))
    }
}

/// The session a message names. `None`: no session header; `Some(Ok(None))`: unknown or
/// ended session, or another caller's; `Some(Err)`: the shared store could not be read.
async fn legacy_session_for(p: &Post<'_>) -> Option<Result<Option<Arc<HttpSession>>, ProtocolError>> {
    let id = p.session?;
    Some(p.app.sessions.find(&p.app.shared, id, p.caller.owner().as_deref()).await)
}

/// The shared session store did not answer: 503, so that a client or proxy may try again.
fn store_unavailable(id: Option<&RequestId>, e: &ProtocolError) -> Response {
    error(StatusCode::SERVICE_UNAVAILABLE, id, e)
}

/// A 2026-07-28 request: `_meta` (400/-32602), then the headers against the body
/// (400/-32020), then dispatch (version 400/-32022, method 404/-32601, capability 400/-32021).
async fn modern_request(p: &Post<'_>, req: IncomingRequest) -> Response {
    let (app, headers) = (p.app, p.http.map());
    let meta = match RequestMeta::from_params(req.params.as_ref()) {
        Ok(m) => m,
        Err(e) => return error(StatusCode::BAD_REQUEST, Some(&req.id), &e),
    };
    match p.version {
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
    let tool_params = tool_header_params(app, &req.method, req.params.as_ref());
    if let Err(e) = headers::check_request(&req.method, req.params.as_ref(), &tool_params, &lookup(headers)) {
        return error(StatusCode::BAD_REQUEST, Some(&req.id), &e);
    }
    exchange::run(Input::Request(req, Some(Arc::new(meta))), p.spec(true, app.stateless.clone(), None)).await
}

/// The `x-mcp-header` parameters of the tool a `tools/call` names (none for another method
/// or an unknown tool): what `Mcp-Param-*` headers mirror.
fn tool_header_params(app: &App, method: &str, params: Option<&Map<String, Value>>) -> Vec<HeaderParam> {
    match (Method::from_wire(method), params.and_then(|p| p.get("name")).and_then(Value::as_str)) {
        (Some(Method::ToolsCall), Some(name)) => {
            app.shared.registry.snapshot().tools.get(name).map(|t| t.header_params.clone()).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// Every value of a header, by name, as the metadata checks look headers up.
fn lookup(headers: &HeaderMap) -> impl Fn(&str) -> Vec<String> + '_ {
    |name: &str| headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect()
}

/// The 2026 metadata headers (`Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`) a legacy POST carries,
/// checked against its request, or against every message of its batch
/// ([`headers::check_present`]): none is required, each one given must agree, so a header on
/// a batch must describe each of its messages (a response, which has no method, never
/// agrees with `Mcp-Method`). A lone notification or response is not checked, as on the
/// 2026 wire. `Err` is answered 400 with -32020.
pub(super) fn check_legacy_headers(app: &App, headers: &HeaderMap, body: &Value) -> Result<(), ProtocolError> {
    match body {
        Value::Array(items) => check_legacy_batch(app, headers, items),
        request if request.get("id").is_some() && has_checked_headers(headers) => {
            let method = request.get("method").and_then(Value::as_str).unwrap_or_default();
            check_legacy_request(app, headers, method, request.get("params").and_then(Value::as_object))
        }
        _ => Ok(()),
    }
}

/// [`check_legacy_headers`] for a batch.
fn check_legacy_batch(app: &App, headers: &HeaderMap, items: &[Value]) -> Result<(), ProtocolError> {
    if !has_checked_headers(headers) {
        return Ok(());
    }
    items.iter().try_for_each(|m| {
        let params = m.get("params").and_then(Value::as_object);
        match m.get("method").and_then(Value::as_str) {
            Some(method) => check_legacy_request(app, headers, method, params),
            None if headers.contains_key("mcp-method") => Err(ProtocolError::header_mismatch(
                "an Mcp-Method header on a batch must name the method of every message in it, and a response has none",
            )),
            None => Ok(()),
        }
    })
}

/// Whether a request carries any header the metadata checks compare with the body.
fn has_checked_headers(headers: &HeaderMap) -> bool {
    headers.keys().any(|name| headers::is_checked_header(name.as_str()))
}

/// [`headers::check_present`] for one legacy request.
fn check_legacy_request(
    app: &App,
    headers: &HeaderMap,
    method: &str,
    params: Option<&Map<String, Value>>,
) -> Result<(), ProtocolError> {
    headers::check_present(method, params, &tool_header_params(app, method, params), &lookup(headers))
}

/// A legacy request: `initialize` opens a session (named `proposed` when the host proposed
/// an id); anything else needs a live one. Without sessions (`HttpOptions::sessionless`)
/// each request stands alone. Metadata headers it carries must agree with it.
async fn legacy_request(p: &Post<'_>, req: IncomingRequest, proposed: Option<String>) -> Response {
    let app = p.app;
    if !app.options.legacy_sessions {
        let e = ProtocolError::method_not_found(&req.method)
            .with_data(serde_json::json!({ "supported": app.shared.version_strings() }));
        return error(StatusCode::NOT_FOUND, Some(&req.id), &e);
    }
    if p.metadata
        && let Err(e) = check_legacy_request(app, p.http.map(), &req.method, req.params.as_ref())
    {
        return error(StatusCode::BAD_REQUEST, Some(&req.id), &e);
    }
    if let Some(v) = p.version.filter(|v| !serves_version(app, v)) {
        return refuse(app, Some(&req.id), Refusal::UnsupportedVersion(v));
    }
    if app.options.sessionless {
        return sessionless(p, req).await;
    }
    if req.method == Method::Initialize.as_str() {
        return initialize(p, req, proposed).await;
    }
    let Some(id) = p.session else {
        return refuse(app, Some(&req.id), Refusal::MissingSession);
    };
    let session = match app.sessions.find(&app.shared, id, p.caller.owner().as_deref()).await {
        Ok(Some(s)) => s,
        Ok(None) => return refuse(app, None, Refusal::UnknownSession),
        Err(e) => return store_unavailable(Some(&req.id), &e),
    };
    exchange::run(Input::Request(req, None), p.on_session(session)).await
}

/// `initialize`: a new connection; when the handshake succeeds it becomes a session.
async fn initialize(p: &Post<'_>, req: IncomingRequest, proposed: Option<String>) -> Response {
    let (app, caller) = (p.app, p.caller);
    // Unsolicited messages wait in the backlog for the session's GET stream.
    let (conn, _backlog, backlog_reader) = session_connection(&app.shared);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let id = req.id.clone();
    let route = Route {
        notes: Outbox::discard(),
        answer: Answer::Once(tx),
        auth: caller.0.clone(),
        http: Some(p.http.clone()),
        client: None,
    };
    conn.submit(Incoming::Request(req), None, route).await;
    let Ok(outcome) = rx.await else {
        return error(StatusCode::OK, Some(&id), &ProtocolError::internal("initialize was not answered"));
    };
    let answer = |body: Vec<u8>| {
        if app.options.sse_response && !app.options.json_response {
            sse::single(&body, app.options.sse_event_names)
        } else {
            json(StatusCode::OK, body)
        }
    };
    let Some(session) = conn.session().cloned() else { return answer(outcome.response) };
    let owner = caller.owner();
    match app.sessions.create(conn.clone(), session, backlog_reader, owner.as_deref(), p.peer, proposed) {
        Ok(s) => {
            if let Some(link) = app.sessions.link() {
                if let Err(e) = link.save_new(&s.id, &s.session, owner.as_deref()).await {
                    // Not opened: another instance could not serve it.
                    let _ = app.sessions.remove(&app.shared, &s.id, owner.as_deref()).await;
                    return store_unavailable(Some(&id), &e);
                }
            }
            let mut r = answer(outcome.response);
            if let Ok(v) = HeaderValue::from_str(&s.id) {
                r.headers_mut().insert(SESSION_HEADER, v);
            }
            r
        }
        Err(why) => {
            // The reason is the host's to read, not the client's: it is about the host's id.
            tracing::error!("initialize refused: {why}");
            conn.stop();
            let e = ProtocolError::internal("the session could not be opened");
            error(StatusCode::INTERNAL_SERVER_ERROR, Some(&id), &e)
        }
    }
}

/// A legacy request served without a stored session (`HttpOptions::sessionless`): it runs
/// on a connection of its own, which `initialize` answers as usual (no session id), and
/// which any other request first gets the session dispatch assumes for it
/// ([`Connection::assume_session`]: the version its `MCP-Protocol-Version` header names).
async fn sessionless(p: &Post<'_>, req: IncomingRequest) -> Response {
    let shared = &p.app.shared;
    let conn = Connection::new(shared.clone(), Outbox::discard(), ConnectionOptions::for_client(shared));
    if req.method != Method::Initialize.as_str()
        && let Err(e) = conn.assume_session(p.version)
    {
        return error(StatusCode::BAD_REQUEST, Some(&req.id), &e);
    }
    exchange::run(Input::Request(req, None), p.spec(false, conn, None)).await
}

/// A JSON-RPC batch: only on a 2025-03-26 session (on every legacy session with
/// `HttpOptions::batch_any_version`, which also refuses a batch holding `initialize`). It
/// runs on the session's connection like a stdio batch (same limits, cancellation and
/// notifications); the answer is one JSON array (or an SSE stream when notifications come
/// first; 202 when it held no requests).
async fn batch(p: &Post<'_>, items: Vec<Value>) -> Response {
    let any_version = p.app.options.batch_any_version;
    if any_version && items.iter().any(|m| m.get("method").and_then(Value::as_str) == Some(Method::Initialize.as_str()))
    {
        return refuse(p.app, None, Refusal::BatchedInitialize);
    }
    let session = match legacy_session_for(p).await {
        Some(Ok(Some(s))) if any_version || s.session.version.accepts_batches() => s,
        Some(Ok(None)) => return refuse(p.app, None, Refusal::UnknownSession),
        Some(Err(e)) => return store_unavailable(None, &e),
        _ => {
            let e = ProtocolError::invalid_request("batches are only accepted on protocol 2025-03-26 sessions");
            return error(StatusCode::BAD_REQUEST, None, &e);
        }
    };
    if items.is_empty() {
        return error(StatusCode::BAD_REQUEST, None, &ProtocolError::invalid_request("empty batch"));
    }
    if let Err(e) = check_legacy_batch(p.app, p.http.map(), &items) {
        return error(StatusCode::BAD_REQUEST, None, &e);
    }
    exchange::run(Input::Batch(items, any_version), p.on_session(session)).await
}

/// GET: the session's stream of unsolicited messages (list changes, resource updates), whose
/// events carry ids; with `Last-Event-ID`, a resumed stream: a request's (replayed, then
/// live while it runs), or the notification stream's (replayed, then new notifications). A
/// stream another instance sent is resumed from the shared store. Without a session
/// header: 405 (the 2026 wire has no GET).
pub(crate) async fn get(State(app): State<Arc<App>>, caller: Caller, request: axum::extract::Request) -> Response {
    let (parts, _) = request.into_parts();
    if app.options.websocket && ws::is_upgrade(&parts) {
        return ws::upgrade(app, caller, parts).await;
    }
    let headers = parts.headers;
    if let Some(refused) = check_media_types(&app, &headers, false) {
        return refused;
    }
    if app.options.sessionless && app.options.sessionless_get_stream {
        return idle_stream(app);
    }
    let Some(id) = header(&headers, SESSION_HEADER) else {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    };
    if let Some(refused) = unsupported_version(&app, &headers) {
        return refused;
    }
    let session = match app.sessions.find(&app.shared, id, caller.owner().as_deref()).await {
        Ok(Some(s)) => s,
        Ok(None) => return refuse(&app, None, Refusal::UnknownSession),
        Err(e) => return store_unavailable(None, &e),
    };
    session.streams.name_events(app.options.sse_event_names);
    let mut replayed = Vec::new();
    let mut resumes_notifications = false;
    if let Some(last) = header(&headers, HeaderName::from_static("last-event-id")) {
        let resumed = match (session.streams.resume(last), app.sessions.link()) {
            (Err(ReplayError::Unknown), Some(link)) => {
                match resume_shared(link, &session.id, last, session.streams.event_name()).await {
                    Ok(r) => r,
                    Err(e) => return store_unavailable(None, &e),
                }
            }
            (r, _) => r,
        };
        match resumed {
            Ok(Resumed::Request(events)) => return sse::response(events),
            Ok(Resumed::Notifications(events)) => {
                replayed = events;
                resumes_notifications = true;
            }
            // The notification stream's events are gone (evicted, or sent by an instance
            // that died before it could copy them): the stream starts again from now.
            Err(e) if split_id(last).0 => {
                tracing::debug!(?e, "the notification stream cannot be resumed: it starts afresh");
                resumes_notifications = true;
            }
            Err(e) => return refuse(&app, None, Refusal::CannotResume(last, format!("{e:?}"))),
        }
    }
    let taken = crate::sync::lock(&session.notifications).take();
    let taken = match taken {
        None if resumes_notifications => take_over_notifications(&session).await,
        taken => taken,
    };
    let Some(rx) = taken else {
        return refuse(&app, None, Refusal::SecondStream);
    };
    // The stream is the client's queue (a client that falls behind is cut and resumes): its
    // whole bound, after the replay.
    let (tx, body) = sse::channel(sse::Bound::client(&app.shared.limits));
    let body = body.after(replayed);
    let stream = session.streams.open_notifications(tx.clone());
    tokio::spawn(notifications_pump(app.clone(), session, stream, rx, tx));
    sse::response(body)
}

/// How long a resume of the notification stream waits for the connection it replaces to let
/// the stream go (its pump ends at once when told; this bounds a pump stuck writing).
const TAKE_OVER_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The notification stream's receiver for a client resuming it (`Last-Event-ID`) while its
/// previous connection still looks open, as a connection that broke is noticed only later:
/// that connection is ended and the resume takes its place, as the SDK's transport replaces
/// the stream. `None` when the previous connection did not let go within [`TAKE_OVER_WAIT`].
async fn take_over_notifications(session: &HttpSession) -> Option<OutboxReader> {
    session.streams.close_connection(None);
    let step = std::time::Duration::from_millis(5);
    for _ in 0..TAKE_OVER_WAIT.as_millis() / step.as_millis() {
        if let Some(rx) = crate::sync::lock(&session.notifications).take() {
            return Some(rx);
        }
        tokio::time::sleep(step).await;
    }
    None
}

/// A GET stream without a session ([`HttpOptions::sessionless_get_stream`](super::HttpOptions::sessionless_get_stream)):
/// nothing is sent on it but keep-alive comments, until the client goes away or the server
/// stops.
fn idle_stream(app: Arc<App>) -> Response {
    let (tx, body) = sse::channel(sse::Bound::handoff());
    tokio::spawn(async move {
        let mut tick = sse::KeepAlive::every(app.options.sse_keepalive);
        loop {
            tokio::select! {
                biased;
                () = tx.closed() => break,
                () = app.stopping.cancelled() => break,
                _ = tick.tick() => {
                    let _ = tx.try_send(sse::keepalive());
                }
            }
        }
    });
    sse::response(body)
}

/// Sends a session's unsolicited messages on its notification stream until the client goes
/// away, the session ends or the server stops. A client that stops reading is cut from live
/// delivery (its events stay resumable), and the backlog drops its oldest messages instead
/// of growing.
async fn notifications_pump(
    app: Arc<App>,
    session: Arc<HttpSession>,
    stream: StreamId,
    mut rx: OutboxReader,
    tx: sse::EventSender,
) {
    let keepalive = app.options.sse_keepalive;
    let mut tick = sse::KeepAlive::every(keepalive);
    let closer = session.streams.closer(stream, &[]);
    loop {
        tokio::select! {
            biased;
            () = tx.closed() => break,
            // The application ended the connection: the client comes back with `Last-Event-ID`.
            () = closer.cancelled() => break,
            () = session.ended.cancelled() => break,
            () = app.stopping.cancelled() => break,
            m = rx.recv() => match m {
                Some(m) => {
                    if !session.streams.send(stream, &m) {
                        break;
                    }
                }
                None => break,
            },
            _ = tick.tick() => {
                let _ = tx.try_send(sse::keepalive());
            }
        }
    }
    session.streams.finish(stream);
    // Give the receiver back so the client can open the stream again.
    *crate::sync::lock(&session.notifications) = Some(rx);
}

/// DELETE: ends a session.
pub(crate) async fn delete(State(app): State<Arc<App>>, caller: Caller, headers: HeaderMap) -> Response {
    let Some(id) = header(&headers, SESSION_HEADER) else { return StatusCode::METHOD_NOT_ALLOWED.into_response() };
    if let Some(refused) = unsupported_version(&app, &headers) {
        return refused;
    }
    match app.sessions.remove(&app.shared, id, caller.owner().as_deref()).await {
        Ok(true) => StatusCode::OK.into_response(),
        Ok(false) => refuse(&app, None, Refusal::UnknownSession),
        Err(e) => store_unavailable(None, &e),
    }
}

/// Whether the server serves legacy sessions of protocol version `v`.
fn serves_version(app: &App, v: &str) -> bool {
    ProtocolVersion::parse(v).is_some_and(|p| !p.is_modern() && app.shared.versions.contains(&p))
}

/// A session's GET or DELETE whose `MCP-Protocol-Version` names no version its sessions may
/// have is refused 400, as the specification asks of every request after `initialize`.
fn unsupported_version(app: &App, headers: &HeaderMap) -> Option<Response> {
    let v = header(headers, VERSION_HEADER)?;
    (!serves_version(app, v)).then(|| refuse(app, None, Refusal::UnsupportedVersion(v)))
}

/// Any other method: 405 with `Allow`; in the TypeScript SDK's words
/// ([`HttpOptions::sdk_transport_errors`](super::HttpOptions::sdk_transport_errors)) with its
/// JSON-RPC error body too.
pub(crate) async fn other(State(app): State<Arc<App>>) -> Response {
    let mut r = if app.options.sdk_transport_errors {
        refuse(&app, None, Refusal::MethodNotAllowed)
    } else {
        StatusCode::METHOD_NOT_ALLOWED.into_response()
    };
    r.headers_mut().insert(axum::http::header::ALLOW, HeaderValue::from_static("GET, POST, DELETE"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_text_is_the_value_as_visible_ascii_trimmed() {
        let id = "a3f0".repeat(16);
        let mut values: Vec<Vec<u8>> = vec![id.clone().into_bytes(), b"2025-06-18".to_vec(), Vec::new()];
        // Every byte value at each place of the first word, the second and the remainder,
        // and with a blank around the value.
        for byte in 0..=u8::MAX {
            for at in [0, 7, 8, 15, 63, 64, 66] {
                let mut v = format!("{id}xyz").into_bytes();
                v[at] = byte;
                values.push(v);
            }
            values.push(vec![byte]);
            values.push([b" ", id.as_bytes(), &[byte]].concat());
            values.push([&[byte], id.as_bytes(), b"\t"].concat());
        }
        let mut checked = 0;
        for bytes in &values {
            let Ok(value) = HeaderValue::from_bytes(bytes) else { continue };
            assert_eq!(text(&value), value.to_str().ok().map(str::trim), "{bytes:?}");
            checked += 1;
        }
        assert!(checked > 1_000);
        assert_eq!(text(&HeaderValue::from_static(" 2025-06-18\t")), Some("2025-06-18"));
        assert_eq!(text(&HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()), None);
    }
}
