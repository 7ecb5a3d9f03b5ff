//! The bounded HTTP client the built-in verifiers talk to an authorization server with (key
//! sets, metadata, introspection): HTTPS only (plain HTTP to a loopback host alone), one
//! exchange per fresh connection, a time bound on the whole exchange, a size bound on the
//! answer, and no redirects followed. TLS is rustls, trusting the system's certificate store.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, Uri, header};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};

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
        let target = Target::parse(self.url)?;
        let stream = match self.address {
            Some(address) => tokio::net::TcpStream::connect(address).await,
            None => tokio::net::TcpStream::connect((target.host.as_str(), target.port)).await,
        };
        let stream = stream.map_err(|e| format!("{}: cannot connect: {e}", self.url))?;
        let _ = stream.set_nodelay(true);
        if target.tls {
            let name = rustls::pki_types::ServerName::try_from(target.host.clone())
                .map_err(|e| format!("{}: bad server name: {e}", self.url))?;
            let stream = tls()?.connect(name, stream).await.map_err(|e| format!("{}: TLS: {e}", self.url))?;
            self.exchange(&target, stream).await
        } else {
            self.exchange(&target, stream).await
        }
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

/// Where a URL points, checked against the transport rule.
struct Target {
    tls: bool,
    host: String,
    port: u16,
    authority: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, String> {
        let uri: Uri = url.parse().map_err(|e| format!("{url} is not a URL: {e}"))?;
        let host = uri.host().ok_or_else(|| format!("{url} has no host"))?.trim_matches(['[', ']']).to_owned();
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") if is_loopback(&host) => false,
            Some("http") => return Err(format!("{url}: plain HTTP is allowed to a loopback host only; use https")),
            _ => return Err(format!("{url}: only https URLs are fetched")),
        };
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let authority = uri.authority().map(|a| a.as_str().to_owned()).unwrap_or_else(|| host.clone());
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        Ok(Target { tls, host, port, authority, path })
    }
}

/// Whether `url` may be fetched: `Err` says why not (not https, or plain HTTP to a host
/// that is not loopback).
pub(super) fn check_url(url: &str) -> Result<(), String> {
    Target::parse(url).map(|_| ())
}

/// True for `localhost` and loopback addresses (127.0.0.0/8, `::1`).
pub(super) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The TLS connector, made once: rustls with the system's trusted roots.
fn tls() -> Result<tokio_rustls::TlsConnector, String> {
    static CONNECTOR: OnceLock<Result<tokio_rustls::TlsConnector, String>> = OnceLock::new();
    CONNECTOR
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err("no trusted root certificates in the system store (install ca-certificates)".to_owned());
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(Target::parse("http://127.0.0.1:9/jwks").is_ok_and(|t| !t.tls && t.port == 9 && t.path == "/jwks"));
        assert!(Target::parse("http://localhost/x").is_ok());
        assert!(Target::parse("http://[::1]:8/x").is_ok_and(|t| t.host == "::1"));
        assert!(
            Target::parse("https://idp.example.com/k?a=1").is_ok_and(|t| t.tls && t.port == 443 && t.path == "/k?a=1")
        );
        assert!(Target::parse("http://idp.example.com/jwks").is_err_and(|e| e.contains("loopback")));
        assert!(Target::parse("http://127.example.com/jwks").is_err());
        assert!(Target::parse("ftp://127.0.0.1/jwks").is_err());
    }
}
