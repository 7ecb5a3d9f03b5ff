//! The bounded HTTP exchanges of the OAuth client with the MCP server's metadata and the
//! authorization server (metadata, registration, token, and the headless authorization's
//! redirects): one fresh connection each (TLS for `https://`, trusting what the MCP
//! endpoint's transport trusts: the system's store and its added roots, [`crate::dial`]), a time bound on the whole exchange, a size bound on the answer, no
//! redirect followed, and never a bearer token.
//!
//! Hand-written on hyper's client connection (what the transport uses) rather than a full
//! HTTP client crate: four kinds of request, each bounded, and no pool, cookie or redirect
//! policy of a general client to configure away.

use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use hyper::{HeaderMap, Method, Request, StatusCode, Uri, header};
use hyper_util::rt::TokioIo;
use serde_json::Value;

use crate::dial::{Target, Trust};

/// The most of an answer that is read: metadata and token answers are a few KiB.
pub const MAX_ANSWER: usize = 256 * 1024;
/// Connecting, sending and reading the whole answer must end within this.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// What a request carries.
pub enum Payload {
    /// Nothing (a `GET`).
    None,
    /// An `application/x-www-form-urlencoded` body (a `POST`).
    Form(String),
    /// A JSON body (a `POST`).
    Json(Value),
}

/// An answer: status, headers and the (bounded) body.
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, at most [`MAX_ANSWER`] bytes.
    pub body: Bytes,
}

impl Answer {
    /// The body as JSON, when the status is a success.
    pub fn json(&self, url: &Uri) -> Result<Value, String> {
        if !self.status.is_success() {
            return Err(format!("{url}: HTTP {}: {}", self.status, self.excerpt()));
        }
        serde_json::from_slice(&self.body).map_err(|e| format!("{url}: the answer is not JSON: {e}"))
    }

    /// The start of the body, for an error message.
    pub fn excerpt(&self) -> String {
        String::from_utf8_lossy(&self.body[..self.body.len().min(200)]).into_owned()
    }
}

/// One request: `url`, with `payload` and the extra `headers` (`Authorization: Basic`, a
/// `Cookie`), answered within [`TIME_LIMIT`]; an `https` URL's certificate checked by `trust`.
pub async fn fetch(
    trust: &Trust,
    url: &Uri,
    payload: Payload,
    headers: &[(header::HeaderName, String)],
) -> Result<Answer, String> {
    match tokio::time::timeout(TIME_LIMIT, exchange(trust, url, payload, headers)).await {
        Ok(answer) => answer,
        Err(_) => Err(format!("{url}: no complete answer within {} s", TIME_LIMIT.as_secs())),
    }
}

async fn exchange(
    trust: &Trust,
    url: &Uri,
    payload: Payload,
    headers: &[(header::HeaderName, String)],
) -> Result<Answer, String> {
    let target = Target::of(url)?;
    let stream = trust.connect(&target, None).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("{url}: {e}"))?;
    let connection = tokio::spawn(connection);
    let (method, content_type, body) = match payload {
        Payload::None => (Method::GET, None, Body::empty()),
        Payload::Form(form) => (Method::POST, Some("application/x-www-form-urlencoded"), Body::from(form)),
        Payload::Json(json) => (Method::POST, Some("application/json"), Body::from(json.to_string())),
    };
    let mut request = Request::builder()
        .method(method)
        .uri(target.path.as_str())
        .header(header::HOST, target.authority.as_str())
        .header(header::ACCEPT, "application/json")
        .header(header::USER_AGENT, concat!("mcpforge/", env!("CARGO_PKG_VERSION")));
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let request = request.body(body).map_err(|e| format!("{url}: {e}"))?;
    let response = sender.send_request(request).await.map_err(|e| format!("{url}: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(Body::new(body), MAX_ANSWER)
        .await
        .map_err(|e| format!("{url}: answer unreadable or over {MAX_ANSWER} bytes: {e}"))?;
    connection.abort();
    Ok(Answer { status: parts.status, headers: parts.headers, body })
}
