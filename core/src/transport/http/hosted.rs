//! Requests that a binding's host framework received (ASGI, Node's `http`, a web-standard
//! `fetch` handler, C code with its own server), handed to [`HttpApp`] in plain parts, and
//! the answer read back the same way: a status, headers, then the body chunk by chunk as
//! the engine produces it (one chunk per SSE event on streams). Bindings use this instead
//! of the `http`/axum types, so each of them maps its framework's request once.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
pub use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::http::{HeaderName, HeaderValue, Method, Request};
use http_body::Body as _;

use super::app::HttpApp;
use super::sessions::ProposedSessionId;

/// A request as a host framework gives it.
#[derive(Debug, Clone, Default)]
pub struct HostRequest {
    /// `GET`, `POST`, `DELETE`, ...
    pub method: String,
    /// The path and query (`/mcp?x=1`), relative to where the application is mounted.
    pub target: String,
    /// The headers in order, names in any case; repeated names are kept. `Content-Length`,
    /// `Transfer-Encoding` and `Connection` are ignored: the body is given whole.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body. A host should stop collecting past `HttpOptions::max_body` (one more
    /// byte is enough for the engine to answer 413).
    pub body: Vec<u8>,
    /// The client's address: the TCP peer of the connection the host received the request
    /// on (port 0 when unknown), as the engine's own listener knows it. The bounds kept per
    /// client (legacy sessions per client, the rate limit of requests without a session) count
    /// a client without a verified token by it; `None` (a unix socket, a host that does not
    /// say) makes those clients one client. Give the peer, never a forwarded-for header the
    /// client wrote ([`HostRequest::parse_remote`] reads the forms hosts give).
    pub remote: Option<SocketAddr>,
}

impl HostRequest {
    /// A client address as host frameworks write it: an IPv4 or IPv6 address, bare or with
    /// a port (`127.0.0.1`, `127.0.0.1:5000`, `::ffff:127.0.0.1`, `[::1]:5000`, an IPv6 zone
    /// such as `%eth0` dropped). Anything else (a unix socket path, a host name) is `None`.
    pub fn parse_remote(text: &str) -> Option<SocketAddr> {
        let text = text.trim();
        if let Ok(address) = text.parse::<SocketAddr>() {
            return Some(address);
        }
        // Hand-written because the standard parser refuses zones by name and a bracketed
        // IPv6 address without a port, both of which hosts write.
        let (ip, port) = match text.strip_prefix('[').and_then(|t| t.split_once(']')) {
            Some((ip, "")) => (ip, 0),
            Some((ip, port)) => (ip, port.strip_prefix(':')?.parse().ok()?),
            None => (text, 0),
        };
        let ip = ip.split_once('%').map_or(ip, |(ip, _zone)| ip);
        ip.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, port))
    }
}

/// What a host may say about a request besides its parts.
#[derive(Debug, Clone, Default)]
pub struct HostedOptions {
    /// The id of the session an `initialize` in this request opens, instead of one the engine
    /// draws (a host whose API lets the application name its sessions). It must be 1 to 256
    /// visible ASCII characters and not name a live session; otherwise the `initialize` is
    /// answered 500 with an internal JSON-RPC error (the reason goes to the log, never to the
    /// client: a taken id is another client's session). Ignored for any other request.
    pub session_id: Option<String>,
}

/// Why a [`HostRequest`] could not be handed over (the host answers 400 itself).
#[derive(Debug, thiserror::Error)]
pub enum HostRequestError {
    /// The method is not a valid HTTP method token.
    #[error("invalid HTTP method `{0}`")]
    Method(String),
    /// The target is not a valid path and query.
    #[error("invalid request target `{0}`")]
    Target(String),
    /// A header name or value is not valid.
    #[error("invalid header `{0}`")]
    Header(String),
}

/// The engine's answer: the head at once, the body read with [`HostResponse::next_chunk`].
/// Dropping it before the end is the client going away (the request is cancelled where the
/// protocol says so).
#[derive(Debug)]
pub struct HostResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The headers in order (names lowercase).
    pub headers: Vec<(String, Vec<u8>)>,
    body: Body,
}

impl HostResponse {
    /// Whether the body is an event stream (read it with [`HostResponse::next_chunk`] as
    /// events come) rather than a JSON answer or nothing.
    pub fn is_event_stream(&self) -> bool {
        self.headers.iter().any(|(name, value)| name == "content-type" && value.starts_with(b"text/event-stream"))
    }

    /// The whole body in one piece, for an answer that is not an event stream (a host then
    /// writes it with its head at once). On an event stream this waits for the stream's end.
    pub async fn read_whole(&mut self) -> Vec<u8> {
        let mut body = Vec::new();
        while let Some(chunk) = self.next_chunk().await {
            body.extend_from_slice(&chunk);
        }
        body
    }

    /// The next piece of the body; `None` at its end. A JSON answer comes as one chunk, an
    /// SSE stream as one chunk per event, each when it is ready.
    pub async fn next_chunk(&mut self) -> Option<Bytes> {
        loop {
            let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut self.body).poll_frame(cx)).await?;
            // An error here is a stream cut short by the engine (shutdown): end of body.
            match frame.ok()?.into_data() {
                Ok(data) if data.is_empty() => {}
                Ok(data) => return Some(data),
                // Trailers are not used by MCP.
                Err(_) => {}
            }
        }
    }
}

impl HttpApp {
    /// Answers a request received by a host framework ([`HttpApp::handle`] in plain parts).
    pub async fn handle_hosted(&self, request: HostRequest) -> Result<HostResponse, HostRequestError> {
        self.handle_hosted_with(request, HostedOptions::default()).await
    }

    /// [`HttpApp::handle_hosted`] with what the host says about the request.
    pub async fn handle_hosted_with(
        &self,
        request: HostRequest,
        options: HostedOptions,
    ) -> Result<HostResponse, HostRequestError> {
        let method = Method::from_bytes(request.method.as_bytes())
            .map_err(|_| HostRequestError::Method(request.method.clone()))?;
        let target = request.target.parse::<axum::http::Uri>().map_err(|_| HostRequestError::Target(request.target))?;
        let mut built = Request::new(Body::from(request.body));
        if let Some(remote) = request.remote {
            // Where a host server's `ConnectInfo` goes: the engine reads the client's address
            // from there (`client::peer`), whichever way the request came in.
            built.extensions_mut().insert(ConnectInfo(remote));
        }
        *built.method_mut() = method;
        *built.uri_mut() = target;
        let headers = built.headers_mut();
        for (name, value) in request.headers {
            let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| HostRequestError::Header(name.clone()))?;
            // Framing is the host's: the body is whole here (a body parser may have re-encoded
            // it, so its length can differ from what the client sent).
            if n == CONTENT_LENGTH || n == TRANSFER_ENCODING || n == CONNECTION {
                continue;
            }
            let v = HeaderValue::from_bytes(&value).map_err(|_| HostRequestError::Header(name))?;
            headers.append(n, v);
        }
        if let Some(id) = options.session_id {
            built.extensions_mut().insert(ProposedSessionId(id));
        }
        let response = self.handle(built).await;
        let (parts, body) = response.into_parts();
        let headers =
            parts.headers.iter().map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec())).collect();
        Ok(HostResponse { status: parts.status.as_u16(), headers, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_addresses_are_read_in_the_forms_hosts_write_them() {
        let at = |a: &str| Some(a.parse::<SocketAddr>().unwrap());
        assert_eq!(HostRequest::parse_remote("127.0.0.1"), at("127.0.0.1:0"));
        assert_eq!(HostRequest::parse_remote(" 127.0.0.2:5000 "), at("127.0.0.2:5000"));
        assert_eq!(HostRequest::parse_remote("::ffff:127.0.0.1"), at("[::ffff:127.0.0.1]:0"));
        assert_eq!(HostRequest::parse_remote("[::1]:5000"), at("[::1]:5000"));
        assert_eq!(HostRequest::parse_remote("[::1]"), at("[::1]:0"));
        assert_eq!(HostRequest::parse_remote("fe80::1%eth0"), at("[fe80::1]:0"));
        assert_eq!(HostRequest::parse_remote("[fe80::1%eth0]:80"), at("[fe80::1]:80"));
        for not_an_address in
            ["", "/run/app.sock", "localhost", "localhost:80", "[::1]x", "[::1]:port", "1.2.3.4:99999"]
        {
            assert_eq!(HostRequest::parse_remote(not_an_address), None, "{not_an_address}");
        }
    }
}
