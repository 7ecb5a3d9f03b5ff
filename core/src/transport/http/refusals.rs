//! The endpoint's own refusals of a request before any handler runs (no session, an unknown
//! one, an unsupported protocol version, a second GET stream, a body that is no JSON, a
//! wrong `Accept` or `Content-Type`, a `Host` or `Origin` not allowed, a `Last-Event-ID` that
//! resumes nothing, a batch holding `initialize`, a method other than GET, POST and DELETE): their HTTP status and JSON-RPC error body, in the
//! engine's words, or in the official TypeScript SDK's codes and words (id `null`) with
//! [`HttpOptions::sdk_transport_errors`](super::HttpOptions::sdk_transport_errors); and the
//! media-type checks of [`HttpOptions::media_type_checks`](super::HttpOptions::media_type_checks).

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::exchange::error;
use super::guard;
use super::state::App;
use crate::error::ProtocolError;
use crate::jsonrpc::RequestId;

/// The SDK's code for a refusal of the transport (a JSON-RPC server error).
const SDK_REFUSED: i64 = -32000;
/// The SDK's code for an unknown session.
const SDK_NO_SESSION: i64 = -32001;

/// Why a request is refused.
pub(crate) enum Refusal<'a> {
    /// A legacy request other than `initialize` without `Mcp-Session-Id`.
    MissingSession,
    /// An `Mcp-Session-Id` of no live session (unknown, ended, or another caller's).
    UnknownSession,
    /// An `MCP-Protocol-Version` the server does not serve on legacy sessions.
    UnsupportedVersion(&'a str),
    /// A second GET stream of one session.
    SecondStream,
    /// A body that is no JSON (the parser's detail).
    NotJson(String),
    /// A body that is no JSON-RPC message (the engine's error for it).
    NotJsonRpc(ProtocolError),
    /// An `Accept` without the media types the answer may have (`get`: a GET stream's).
    NotAcceptable { get: bool },
    /// A POST whose `Content-Type` is not `application/json`.
    UnsupportedMediaType,
    /// A `Last-Event-ID` that resumes nothing (the id, and why).
    CannotResume(&'a str, String),
    /// A method the endpoint does not serve (PUT, PATCH, ...).
    MethodNotAllowed,
    /// A batch holding `initialize` (with `HttpOptions::batch_any_version`).
    BatchedInitialize,
    /// A `Host` or `Origin` not allowed (DNS-rebinding protection).
    Forbidden(&'a guard::Refusal),
}

impl Refusal<'_> {
    fn status(&self) -> StatusCode {
        match self {
            Refusal::UnknownSession => StatusCode::NOT_FOUND,
            Refusal::SecondStream => StatusCode::CONFLICT,
            Refusal::NotAcceptable { .. } => StatusCode::NOT_ACCEPTABLE,
            Refusal::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
            Refusal::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::MissingSession
            | Refusal::UnsupportedVersion(_)
            | Refusal::NotJson(_)
            | Refusal::NotJsonRpc(_)
            | Refusal::BatchedInitialize
            | Refusal::CannotResume(..) => StatusCode::BAD_REQUEST,
        }
    }

    /// The engine's error.
    fn engine_error(&self) -> ProtocolError {
        match self {
            Refusal::MissingSession => {
                ProtocolError::invalid_request("missing Mcp-Session-Id header (send initialize first)")
            }
            Refusal::UnknownSession => ProtocolError::invalid_request("unknown or ended session"),
            Refusal::UnsupportedVersion(v) => {
                ProtocolError::invalid_request(format!("unsupported MCP-Protocol-Version `{v}`"))
            }
            Refusal::SecondStream => ProtocolError::invalid_request("this session already has an open GET stream"),
            Refusal::NotJson(detail) => ProtocolError::parse_error(detail),
            Refusal::NotJsonRpc(e) => e.clone(),
            Refusal::NotAcceptable { get: true } => {
                ProtocolError::invalid_request("Accept must list text/event-stream")
            }
            Refusal::NotAcceptable { get: false } => {
                ProtocolError::invalid_request("Accept must list application/json and text/event-stream")
            }
            Refusal::UnsupportedMediaType => ProtocolError::invalid_request("Content-Type must be application/json"),
            Refusal::Forbidden(_) => ProtocolError::invalid_request("Forbidden: Host or Origin not allowed"),
            Refusal::BatchedInitialize => ProtocolError::invalid_request("initialize must not be batched"),
            Refusal::MethodNotAllowed => ProtocolError::invalid_request("method not allowed"),
            Refusal::CannotResume(last, why) => {
                ProtocolError::invalid_request(format!("cannot resume from Last-Event-ID `{last}`: {why}"))
            }
        }
    }

    /// The official TypeScript SDK's error.
    fn sdk_error(&self, app: &App) -> ProtocolError {
        let refused = |m: String| ProtocolError::new(SDK_REFUSED, m);
        match self {
            Refusal::MissingSession => refused("Bad Request: Mcp-Session-Id header is required".to_owned()),
            Refusal::UnknownSession => ProtocolError::new(SDK_NO_SESSION, "Session not found"),
            Refusal::UnsupportedVersion(v) => refused(format!(
                "Bad Request: Unsupported protocol version: {v} (supported versions: {})",
                app.shared.version_strings().join(", ")
            )),
            Refusal::SecondStream => refused("Conflict: Only one SSE stream is allowed per session".to_owned()),
            Refusal::NotJson(detail) => {
                ProtocolError::new(crate::error::codes::PARSE_ERROR, "Parse error: Invalid JSON")
                    .with_data(serde_json::Value::String(detail.clone()))
            }
            Refusal::NotJsonRpc(e) => {
                ProtocolError::new(crate::error::codes::PARSE_ERROR, "Parse error: Invalid JSON-RPC message")
                    .with_data(serde_json::Value::String(e.message.clone()))
            }
            Refusal::NotAcceptable { get: true } => {
                refused("Not Acceptable: Client must accept text/event-stream".to_owned())
            }
            Refusal::NotAcceptable { get: false } => {
                refused("Not Acceptable: Client must accept both application/json and text/event-stream".to_owned())
            }
            Refusal::UnsupportedMediaType => {
                refused("Unsupported Media Type: Content-Type must be application/json".to_owned())
            }
            Refusal::CannotResume(..) => refused("Invalid event ID format".to_owned()),
            Refusal::MethodNotAllowed => refused("Method not allowed.".to_owned()),
            Refusal::BatchedInitialize => ProtocolError::new(
                crate::error::codes::INVALID_REQUEST,
                "Invalid Request: Only one initialization request is allowed",
            ),
            Refusal::Forbidden(guard::Refusal::Host(h)) => refused(format!("Invalid Host header: {h}")),
            Refusal::Forbidden(guard::Refusal::Origin(o)) => refused(format!("Invalid Origin header: {o}")),
        }
    }
}

/// The answer refusing a request (`id`: the request's, which the SDK's words leave out).
pub(crate) fn refuse(app: &App, id: Option<&RequestId>, why: Refusal<'_>) -> Response {
    if app.options.sdk_transport_errors {
        error(why.status(), None, &why.sdk_error(app))
    } else {
        error(why.status(), id, &why.engine_error())
    }
}

/// Whether the header `name` lists `media` (a comma-separated list; parameters and case
/// ignored; `*/*` and `type/*` match).
fn lists(headers: &HeaderMap, name: header::HeaderName, media: &str) -> bool {
    let (kind, _) = media.split_once('/').unwrap_or((media, ""));
    headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|item| {
        let item = item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        item == media || item == "*/*" || item.strip_suffix("/*") == Some(kind)
    })
}

/// With [`HttpOptions::media_type_checks`](super::HttpOptions::media_type_checks): a POST's
/// refusal (the answer refusing it) when its `Accept` does not list both `application/json` and `text/event-stream`
/// (406) or its `Content-Type` is not `application/json` (415); a GET's when its `Accept`
/// does not list `text/event-stream` (406). A GET that upgrades to WebSocket is not checked.
pub(crate) fn check_media_types(app: &App, headers: &HeaderMap, post: bool) -> Option<Response> {
    if !app.options.media_type_checks {
        return None;
    }
    let accepts = |media| lists(headers, header::ACCEPT, media);
    if post {
        if !(accepts("application/json") && accepts("text/event-stream")) {
            return Some(refuse(app, None, Refusal::NotAcceptable { get: false }));
        }
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/json"));
        if json != Some(true) {
            return Some(refuse(app, None, Refusal::UnsupportedMediaType));
        }
    } else if !accepts("text/event-stream") {
        return Some(refuse(app, None, Refusal::NotAcceptable { get: true }));
    }
    None
}
