//! The 2024-11-05 HTTP+SSE transport (transport.md §5), served alongside the Streamable HTTP
//! endpoint: `GET /sse` opens a session's event stream, whose first event (`endpoint`) says
//! where to POST; `POST /messages?sessionId=<id>` takes one JSON-RPC message and answers
//! `202 Accepted`; everything the server sends (responses, notifications, server->client
//! requests) goes out on the stream as `message` events.
//!
//! A session is one [`Connection`], as a stdio client is: each POSTed message goes to it,
//! and each message of its output queue becomes one SSE event. The session ends when its
//! stream closes (the client went away, or the server stopped).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::auth::{self, Caller};
use super::endpoint::check_legacy_headers;
use super::exchange::error;
use super::sessions::new_id;
use super::sse;
use super::sse_sessions::SseSession;
use super::state::App;
use crate::auth::AuthCell;
use crate::dispatch::connection::{Connection, ConnectionOptions, Route};
use crate::dispatch::{OutboxReader, outbox};
use crate::error::ProtocolError;
use crate::jsonrpc::RequestId;
use crate::request_info::HttpRequestInfo;

/// `messages_path` as a reference relative to `sse_path` (`/sse`, `/messages` give
/// `messages`; `/a/b/sse`, `/a/post` give `../post`), for the `endpoint` event: the client
/// resolves it against the URL it opened the stream at, so it stays right when the
/// application is mounted under a prefix it does not know.
fn relative_reference(sse_path: &str, messages_path: &str) -> String {
    let base: Vec<&str> = sse_path.split('/').collect();
    let target: Vec<&str> = messages_path.split('/').collect();
    // Directories of the stream's path (its last segment is the "file" it is resolved from).
    let dirs = &base[..base.len() - 1];
    let common = dirs.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(dirs.len() - common);
    out.push_str(&target[common..].join("/"));
    // An empty reference, or a first segment with a `:`, would read as something else.
    if out.is_empty() || out.split('/').next().is_some_and(|first| first.contains(':')) {
        out.insert_str(0, "./");
    }
    out
}

/// `GET /sse`: a new session; its stream starts with the `endpoint` event.
pub(crate) async fn open(State(app): State<Arc<App>>, caller: Caller) -> Response {
    if app.stopping.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response();
    }
    let id = new_id();
    let shared = app.shared.clone();
    let (out, output) = outbox("HTTP+SSE session", shared.limits.max_queued_messages, shared.limits.queued_bytes());
    let mut options = ConnectionOptions::for_client(&shared);
    options.auth = caller.0.clone().map(|a| Arc::new(AuthCell::new(a)));
    let conn = Connection::new(shared, out.clone(), options);
    let session = Arc::new(SseSession { subject: caller.owner(), conn: conn.clone(), ended: CancellationToken::new() });
    if !app.sse.insert(id.clone(), session.clone()) {
        tracing::warn!("HTTP+SSE session refused: the session limit is reached");
        let e = ProtocolError::internal("too many sessions");
        return error(StatusCode::SERVICE_UNAVAILABLE, None, &e);
    }
    // The connection ends with the stream (or the server), as a stdio one at end of input.
    {
        let ended = session.ended.clone();
        let shutdown = app.shared.shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = ended.cancelled() => {}
                () = shutdown.cancelled() => {}
            }
            conn.shutdown().await;
            out.close();
        });
    }
    // A hand-off: what waits for the client waits in the connection's queue, `output`.
    let (tx, body) = sse::channel(sse::Bound::handoff());
    let endpoint = format!("{}?sessionId={id}", relative_reference(&app.options.sse_path, &app.options.messages_path));
    let _ = tx.try_send(sse::event(None, Some("endpoint"), endpoint.as_bytes()));
    tokio::spawn(pump(app, id, session, output, tx));
    sse::response(body)
}

/// Turns the connection's output into `message` events until the stream closes or the
/// connection ends; then ends the session. A client that stops reading its stream stalls
/// the pump, which stalls the connection (its output queue is bounded).
async fn pump(app: Arc<App>, id: String, session: Arc<SseSession>, mut output: OutboxReader, events: sse::EventSender) {
    let keepalive = app.options.sse_keepalive;
    let mut tick = sse::KeepAlive::every(keepalive);
    loop {
        let event = tokio::select! {
            biased;
            () = events.closed() => break,
            m = output.recv() => match m {
                Some(m) => sse::event(None, Some("message"), &m),
                None => break,
            },
            _ = tick.tick() => sse::keepalive(),
        };
        if !events.send(event).await {
            break;
        }
    }
    app.sse.remove(&id);
    session.ended.cancel();
    // Dropping `output` closes the queue: what the connection still sends is discarded.
}

/// The query of `POST /messages`.
#[derive(Deserialize)]
pub(crate) struct MessagesQuery {
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
}

/// `POST /messages?sessionId=<id>`: one JSON-RPC message into the session; 202. Metadata
/// headers (`Mcp-Method`, ...) it carries must agree with it, as on the other wires.
pub(crate) async fn message(
    State(app): State<Arc<App>>,
    caller: Caller,
    Query(query): Query<MessagesQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(id) = query.session_id else {
        let e = ProtocolError::invalid_request("missing sessionId query parameter");
        return error(StatusCode::BAD_REQUEST, None, &e);
    };
    let Some(session) = app.sse.get(&id, caller.owner().as_deref()) else {
        let e = ProtocolError::invalid_request("unknown or ended session");
        return error(StatusCode::NOT_FOUND, None, &e);
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::BAD_REQUEST, None, &ProtocolError::parse_error(e)),
    };
    if let Some(refused) = auth::refuse_tool_calls(app.options.auth.as_ref(), &caller, &app.shared.registry, &value) {
        return refused;
    }
    if let Err(e) = check_legacy_headers(&app, &headers, &value) {
        let id = value.get("id").and_then(RequestId::from_value);
        return error(StatusCode::BAD_REQUEST, id.as_ref(), &e);
    }
    if let (Some(cell), Some(info)) = (session.conn.auth_cell(), &caller.0) {
        cell.set(info.clone());
    }
    let conn = &session.conn;
    let route = Route { http: Some(Arc::new(HttpRequestInfo::new(headers))), ..conn.route() };
    let delivered = tokio::select! {
        _ = conn.receive_value(value, route) => true,
        () = session.ended.cancelled() => false,
    };
    // `initialize` is handled inline: from the first message on, the session has its id.
    if let Some(s) = conn.session() {
        s.set_id(&id);
    }
    if !delivered {
        let e = ProtocolError::invalid_request("unknown or ended session");
        return error(StatusCode::NOT_FOUND, None, &e);
    }
    StatusCode::ACCEPTED.into_response()
}

#[cfg(test)]
mod tests {
    use super::relative_reference;

    /// Resolves `reference` against `base` the way RFC 3986 does for a path-only reference.
    fn resolve(base: &str, reference: &str) -> String {
        let mut segments: Vec<&str> = base.split('/').collect();
        segments.pop();
        for part in reference.split('/') {
            match part {
                "." => {}
                ".." => {
                    segments.pop();
                }
                other => segments.push(other),
            }
        }
        segments.join("/")
    }

    #[test]
    fn the_endpoint_is_relative_to_the_stream_and_resolves_to_the_messages_path() {
        let cases = [
            ("/sse", "/messages", "messages"),
            ("/sse", "/messages/", "messages/"),
            ("/a/b/sse", "/a/post", "../post"),
            ("/mcp/sse", "/mcp/sse/messages", "sse/messages"),
            ("/sse", "/x:y", "./x:y"),
            ("/deep/er/sse", "/m", "../../m"),
        ];
        for (sse, messages, want) in cases {
            let got = relative_reference(sse, messages);
            assert_eq!(got, want, "{sse} -> {messages}");
            assert_eq!(resolve(&format!("/prefix{sse}"), &got), format!("/prefix{messages}"), "{sse} -> {messages}");
        }
    }
}
