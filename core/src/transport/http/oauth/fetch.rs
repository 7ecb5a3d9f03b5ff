//! The bounded HTTP client the built-in verifiers talk to an authorization server with (key
//! sets, metadata, introspection): HTTPS only (plain HTTP to a loopback host alone), one
//! exchange per fresh connection, a time bound on the whole exchange, a size bound on the
//! answer, and no redirects followed. TLS is rustls, trusting the system's certificate store
//! ([`crate::dial`]).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::dial::{Target, Trust};

/// The most of an answer that is read: a key set or a metadata document is a few KiB.
pub(super) const MAX_ANSWER: usize = 1 << 20;
/// Connecting, sending and reading the whole answer must end within this.
pub(super) const TIME_LIMIT: Duration = Duration::from_secs(5);

/// An answer: status, headers and the (bounded) body.
pub(super) struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, at most [`MAX_ANSWER`] bytes.
    pub body: Bytes,
}

/// A request to an authorization server: a `GET`, or a form `POST`, with optional Basic or
/// Bearer credentials.
pub(super) struct Exchange<'a> {
    url: &'a str,
    form: Option<String>,
    authorization: Option<String>,
    /// The most bytes of the answer's body read ([`MAX_ANSWER`] unless lowered).
    limit: usize,
    /// The address to connect to, already resolved and checked by the caller (the URL's
    /// host is still the TLS name and the `Host`).
    address: Option<SocketAddr>,
}

impl<'a> Exchange<'a> {
    /// `GET url` asking for JSON.
    pub fn get(url: &'a str) -> Exchange<'a> {
        Exchange { url, form: None, authorization: None, limit: MAX_ANSWER, address: None }
    }

    /// `POST url` with an `application/x-www-form-urlencoded` body.
    pub fn post_form(url: &'a str, form: String) -> Exchange<'a> {
        Exchange { url, form: Some(form), authorization: None, limit: MAX_ANSWER, address: None }
    }

    /// Adds `Authorization: Basic` (the value after `Basic `).
    pub fn basic(mut self, credentials: String) -> Exchange<'a> {
        self.authorization = Some(format!("Basic {credentials}"));
        self
    }

    /// Adds `Authorization: Bearer token`.
    pub fn bearer(mut self, token: &str) -> Exchange<'a> {
        self.authorization = Some(format!("Bearer {token}"));
        self
    }

    /// Reads at most `limit` bytes of the answer (an answer over it is an error).
    pub fn at_most(mut self, limit: usize) -> Exchange<'a> {
        self.limit = limit.min(MAX_ANSWER);
        self
    }

    /// Connects to `address` instead of resolving the URL's host again.
    pub fn connect_to(mut self, address: SocketAddr) -> Exchange<'a> {
        self.address = Some(address);
        self
    }

    /// Sends the request and reads the answer, within [`TIME_LIMIT`].
    pub async fn send(self) -> Result<Answer, String> {
        let url = self.url;
        match tokio::time::timeout(TIME_LIMIT, self.run()).await {
            Ok(answer) => answer,
            Err(_) => Err(format!("{url}: no complete answer within {} s", TIME_LIMIT.as_secs())),
        }
    }

    async fn run(self) -> Result<Answer, String> {
        let target = target(self.url)?;
        let stream = Trust::default().connect(&target, self.address).await?;
        self.exchange(&target, stream).await
    }

    async fn exchange<S>(self, target: &Target, stream: S) -> Result<Answer, String>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let url = self.url;
        let fail = |e: hyper::Error| format!("{url}: {e}");
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(fail)?;
        // Ends with the exchange (or when the timeout drops this future).
        let connection = tokio::spawn(connection);
        let method = if self.form.is_some() { "POST" } else { "GET" };
        let mut request = Request::builder()
            .method(method)
            .uri(target.path.as_str())
            .header(header::HOST, target.authority.as_str())
            .header(header::ACCEPT, "application/json")
            .header(header::USER_AGENT, concat!("mcpforge/", env!("CARGO_PKG_VERSION")));
        if self.form.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        if let Some(authorization) = &self.authorization {
            let value = HeaderValue::from_str(authorization).map_err(|e| e.to_string())?;
            request = request.header(header::AUTHORIZATION, value);
        }
        let body = Full::new(Bytes::from(self.form.unwrap_or_default()));
        let request = request.body(body).map_err(|e| format!("{url}: {e}"))?;
        let limit = self.limit;
        let answer = sender.send_request(request).await.map_err(fail)?;
        let (parts, body) = answer.into_parts();
        let body = Limited::new(body, limit)
            .collect()
            .await
            .map_err(|e| format!("{url}: answer unreadable or over {limit} bytes: {e}"))?
            .to_bytes();
        connection.abort();
        Ok(Answer { status: parts.status, headers: parts.headers, body })
    }
}

/// Where a URL points, checked against the transport rule: `https`, or plain HTTP to a
/// loopback host.
fn target(url: &str) -> Result<Target, String> {
    let target = Target::parse(url)?;
    if !target.tls && !is_loopback(&target.host) {
        return Err(format!("{url}: plain HTTP is allowed to a loopback host only; use https"));
    }
    Ok(target)
}

/// Whether `url` may be fetched: `Err` says why not (not https, or plain HTTP to a host
/// that is not loopback).
pub(super) fn check_url(url: &str) -> Result<(), String> {
    target(url).map(|_| ())
}

/// True for `localhost` and loopback addresses (127.0.0.0/8, `::1`).
pub(super) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(target("http://127.0.0.1:9/jwks").is_ok_and(|t| !t.tls && t.port == 9 && t.path == "/jwks"));
        assert!(target("http://localhost/x").is_ok());
        assert!(target("http://[::1]:8/x").is_ok_and(|t| t.host == "::1"));
        assert!(target("https://idp.example.com/k?a=1").is_ok_and(|t| t.tls && t.port == 443 && t.path == "/k?a=1"));
        assert!(target("http://idp.example.com/jwks").is_err_and(|e| e.contains("loopback")));
        assert!(target("http://127.example.com/jwks").is_err());
        assert!(target("ftp://127.0.0.1/jwks").is_err());
    }
}
