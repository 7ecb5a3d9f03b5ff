//! Configuration of the HTTP transport, with safe defaults: loopback address, loopback-only
//! `Host`/`Origin`, a body cap, and bounded, expiring legacy sessions.

use std::net::SocketAddr;
use std::time::Duration;

use super::auth::AuthOptions;

/// How `Server::serve_http` listens and what it accepts.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Address to bind. Default `127.0.0.1:3000` (never all interfaces by default).
    pub bind: SocketAddr,
    /// The MCP endpoint path. Default `/mcp`.
    pub path: String,
    /// Host names (without port) accepted in the `Host` header; anything else is refused
    /// with 403 (DNS-rebinding protection). Default: `localhost`, `127.0.0.1`, `[::1]`.
    /// An empty list disables the check (only do that behind a proxy that checks it).
    pub allowed_hosts: Vec<String>,
    /// Origins (`scheme://host`, port ignored) accepted in the `Origin` header; requests
    /// without `Origin` (non-browser clients) are accepted. Default: http(s) on the
    /// loopback names. An empty list disables the check.
    pub allowed_origins: Vec<String>,
    /// Largest accepted request body in bytes (413 above). Default 4 MiB.
    pub max_body: usize,
    /// Serve legacy (2025-03-26 … 2025-11-25) sessions. Default true.
    pub legacy_sessions: bool,
    /// A legacy session unused this long is ended. Default 10 minutes.
    pub session_idle_timeout: Duration,
    /// At most this many legacy sessions; the least recently used is ended to make room.
    /// Default 10,000.
    pub max_sessions: usize,
    /// Interval of `: keepalive` comments on long-lived SSE streams. Default 15 s.
    pub sse_keepalive: Duration,
    /// Serve the 2024-11-05 HTTP+SSE transport alongside: `GET /sse` opens a session's event
    /// stream, `POST /messages?sessionId=…` takes its messages. At most `max_sessions` such
    /// sessions at once. Default true.
    pub legacy_sse: bool,
    /// Bearer-token authorization of every MCP request (the health, metrics and metadata
    /// routes stay public). Default `None`: no authorization.
    pub auth: Option<AuthOptions>,
    /// Serve request metrics in Prometheus text format at `GET /metrics`. Default false.
    pub metrics: bool,
}

impl HttpOptions {
    /// Defaults, listening on `bind`.
    pub fn new(bind: SocketAddr) -> HttpOptions {
        HttpOptions { bind, ..HttpOptions::default() }
    }
}

impl Default for HttpOptions {
    fn default() -> Self {
        let loopback = ["localhost", "127.0.0.1", "[::1]"];
        HttpOptions {
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            path: "/mcp".to_owned(),
            allowed_hosts: loopback.iter().map(|h| (*h).to_owned()).collect(),
            allowed_origins: loopback.iter().flat_map(|h| [format!("http://{h}"), format!("https://{h}")]).collect(),
            max_body: 4 * 1024 * 1024,
            legacy_sessions: true,
            session_idle_timeout: Duration::from_secs(600),
            max_sessions: 10_000,
            sse_keepalive: Duration::from_secs(15),
            legacy_sse: true,
            auth: None,
            metrics: false,
        }
    }
}
