//! Configuration of the HTTP transport, with safe defaults: loopback address, loopback-only
//! `Host`/`Origin`, a body cap, and bounded, expiring legacy sessions.

use std::net::SocketAddr;
use std::time::Duration;

use super::auth::AuthOptions;
pub use super::disconnect::CancelOnDisconnect;

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
    /// Serve legacy requests without keeping sessions: `initialize` is answered without an
    /// `Mcp-Session-Id`, and every other request runs on a session of its own, made for it
    /// from its `MCP-Protocol-Version` header (2025-03-26 when absent) and ended with it. The
    /// server cannot ask such a client for input, nor send it anything outside its requests
    /// (`GET` streams, list changes, resumption), and a request whose client goes away is
    /// cancelled, as on the 2026-07-28 wire; a request that carries an `Mcp-Session-Id` is
    /// served the same way. The 2026-07-28 wire is unchanged (it has no sessions). This
    /// is the official SDKs' stateless mode; default false.
    pub sessionless: bool,
    /// Answer every legacy request with its result as JSON, dropping what the request sends
    /// before it (its progress and log notifications; on a session its requests to the
    /// client, which then wait unanswered until they time out): the official TypeScript
    /// SDK's `enableJsonResponse`. Default false: JSON when the result comes first, else an
    /// SSE stream carrying those messages, then the result. The 2026-07-28 wire is unchanged.
    pub json_response: bool,
    /// Answer every legacy request with an SSE stream, the result included, even when the
    /// result comes first (unless [`HttpOptions::json_response`] is on): the official
    /// TypeScript SDK's default. Default false: JSON when the result comes first.
    pub sse_response: bool,
    /// Open each legacy request's SSE stream on a 2025-11-25 (or later) session with a
    /// priming event (an event id and empty data, SEP-1699), so the client can resume it
    /// before any message. Default true; the official TypeScript SDK primes only when the
    /// application gives its transport an event store.
    pub sse_priming: bool,
    /// The reconnection delay the priming event suggests (`retry:`, in the same event);
    /// `None` suggests none. Default 1 s.
    pub sse_retry: Option<Duration>,
    /// Name every message event of a Streamable HTTP stream (`event: message`), as the
    /// official TypeScript SDK does. SSE's default event type is `message` already; default
    /// false: events carry no `event:` line.
    pub sse_event_names: bool,
    /// With [`HttpOptions::sessionless`], answer a GET with an SSE stream that carries
    /// nothing but keep-alive comments (there is no session to send anything on), as the
    /// official TypeScript SDK's stateless transport does. Default false: 405, which the
    /// specification allows a server without such streams.
    pub sessionless_get_stream: bool,
    /// Refuse a POST whose `Accept` does not list both `application/json` and
    /// `text/event-stream` (406) or whose `Content-Type` is not `application/json` (415), and
    /// a GET whose `Accept` does not list `text/event-stream` (406), as the official
    /// TypeScript SDK does. The specification asks clients to send these headers but says
    /// nothing of a server refusing them; default false: such requests are served.
    pub media_type_checks: bool,
    /// Word the endpoint's own refusals (no session, unknown session, unsupported protocol
    /// version, a second GET stream, a body that is no JSON, the media-type checks) as the
    /// official TypeScript SDK does: its codes (-32000, -32001 for an unknown session, -32700)
    /// and messages, with a `null` id. The HTTP statuses are the same either way, except that
    /// a POST whose `MCP-Protocol-Version` is no known version is refused as unsupported (400)
    /// instead of being served on the 2026-07-28 wire. Default false: the engine's (-32600
    /// with the request's id).
    pub sdk_transport_errors: bool,
    /// Accept JSON-RPC batches on legacy sessions of every version, and refuse a batch that
    /// holds `initialize` (400), as the official TypeScript SDK 1.x does. Default false:
    /// batches on 2025-03-26 sessions only, the one version whose specification has them.
    pub batch_any_version: bool,
    /// A legacy session unused this long is ended. Default 10 minutes.
    pub session_idle_timeout: Duration,
    /// At most this many legacy sessions; the least recently used is ended to make room.
    /// Default 10,000.
    pub max_sessions: usize,
    /// At most this many legacy sessions per client: a client's `initialize` past it ends
    /// that client's own least recently used session, never another client's. A client is
    /// its authenticated subject (bearer authorization), else its remote address (an IPv6
    /// client by its /64); behind a reverse proxy every unauthenticated client has the
    /// proxy's address, so they share one bound (size it for all of them, or authenticate).
    /// Default `None`: a tenth of `max_sessions` (at least 1).
    pub max_sessions_per_client: Option<usize>,
    /// Interval of `: keepalive` comments on long-lived SSE streams; zero sends none. Default
    /// 15 s.
    pub sse_keepalive: Duration,
    /// Whether a legacy session's request is cancelled when its client closes the
    /// connection that carries its answer. Default [`CancelOnDisconnect::Unresumable`]. (On
    /// the 2026-07-28 wire, and for [`HttpOptions::sessionless`] requests, a disconnect is
    /// always a cancellation: nothing could resume them.)
    pub cancel_on_disconnect: CancelOnDisconnect,
    /// Serve the 2024-11-05 HTTP+SSE transport alongside: `GET /sse` opens a session's event
    /// stream, `POST /messages?sessionId=…` takes its messages. At most `max_sessions` such
    /// sessions at once. Default true.
    pub legacy_sse: bool,
    /// Path of the HTTP+SSE event stream (`GET`). Default `/sse`.
    pub sse_path: String,
    /// Path the HTTP+SSE transport takes messages at (`POST …?sessionId=`). Default
    /// `/messages`. The `endpoint` event names it relative to `sse_path`, so both keep
    /// working when the application is mounted under a prefix.
    pub messages_path: String,
    /// Bearer-token authorization of every MCP request and of `GET /metrics` (the health and
    /// metadata routes stay public). Default `None`: no authorization.
    pub auth: Option<AuthOptions>,
    /// Serve request metrics in Prometheus text format at `GET /metrics` (behind the bearer
    /// check when `auth` is set). Default false.
    pub metrics: bool,
    /// Serve MCP over WebSocket too: a `GET` of the MCP path with `Upgrade: websocket`
    /// (subprotocol `mcp`) becomes a connection carrying both eras, one JSON-RPC message per
    /// text frame, behind the same `Host`/`Origin` checks, bearer authorization and size
    /// limits as HTTP. Default false.
    pub websocket: bool,
    /// At most this many open connections. Past it, the connection idle the longest (no
    /// request in progress) is closed to make room; when every connection is busy the new
    /// one gets 503 and is closed. Accepting never stops. Default: three quarters of the
    /// process's open-file limit at startup, at most 10,000.
    pub max_connections: usize,
    /// A new connection must send its first complete request head within this, or it is
    /// closed (slow or half-open clients). Default 10 s.
    pub header_timeout: Duration,
    /// A connection with no request in progress for this long is closed (keep-alive
    /// clients, and later request heads that never complete). Default 60 s.
    pub idle_timeout: Duration,
    /// A request body must arrive in full within this from the request head; otherwise the
    /// request fails with 408 and the connection is closed. Default 30 s.
    pub body_timeout: Duration,
    /// Stop gracefully on SIGINT and SIGTERM (what container runtimes send). Default true;
    /// the JSON form ([`HttpOptions::from_json`]) defaults to false, because the bindings
    /// that use it leave their process's signals to the application's language.
    pub handle_signals: bool,
    /// A store shared with the server's other instances (several processes behind a load
    /// balancer): legacy sessions live there, so any instance serves any session's request,
    /// and resource updates, list changes and a client's answers to server->client requests
    /// reach the instance that waits for them. `/readyz` answers 503 while the store does not
    /// answer. Default: none, unless the environment variable `MCPFORGE_SHARED_STORE` names
    /// one (`redis://host:port/db`); each instance then keeps its sessions to itself.
    pub shared_store: Option<crate::SharedStore>,
    /// A bound on legacy sessions shared with other applications (hosts that mount one
    /// application per session, as the official SDKs' transports do): each session opened
    /// here also takes a place in it, and one past its total or per-client bound ends the
    /// least recently used session of that client, then of anyone, in whichever application
    /// holds it. `max_sessions` and the per-client bound still apply to this application's
    /// own sessions. Default none; [`super::SessionBudget::process_wide`] gives the one
    /// budget of the process for given bounds.
    pub session_budget: Option<std::sync::Arc<super::SessionBudget>>,
    /// The server card (SEP-2127) at `<path>/server-card` and `/.well-known/mcp/server-card`
    /// (`.json` too): on by default, identity and remotes only; see
    /// [`ServerCardOptions`](super::ServerCardOptions).
    pub server_card: super::ServerCardOptions,
    /// Serve HTTPS: the certificate and key (PEM files) the listener presents; read when the
    /// listener is bound. Default none (plain HTTP, as behind a TLS-terminating proxy),
    /// unless the environment names both files ([`super::TlsOptions::from_env`]). Needs
    /// the `tls` feature. Not used by [`super::HttpApp`]: a host server owns its connections.
    pub tls: Option<super::TlsOptions>,
}

impl HttpOptions {
    /// Defaults, listening on `bind`.
    pub fn new(bind: SocketAddr) -> HttpOptions {
        HttpOptions { bind, ..HttpOptions::default() }
    }

    /// The per-client session bound in force: [`HttpOptions::max_sessions_per_client`], or a
    /// tenth of `max_sessions` (at least 1).
    pub fn sessions_per_client(&self) -> usize {
        self.max_sessions_per_client.unwrap_or(self.max_sessions / 10).max(1)
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
            sessionless: false,
            json_response: false,
            sse_response: false,
            sse_priming: true,
            sse_retry: Some(Duration::from_secs(1)),
            sse_event_names: false,
            sessionless_get_stream: false,
            media_type_checks: false,
            sdk_transport_errors: false,
            batch_any_version: false,
            session_idle_timeout: Duration::from_secs(600),
            max_sessions: 10_000,
            max_sessions_per_client: None,
            sse_keepalive: Duration::from_secs(15),
            cancel_on_disconnect: CancelOnDisconnect::default(),
            legacy_sse: true,
            sse_path: "/sse".to_owned(),
            messages_path: "/messages".to_owned(),
            auth: None,
            metrics: false,
            websocket: false,
            max_connections: default_max_connections(),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(30),
            handle_signals: true,
            shared_store: None,
            session_budget: None,
            server_card: super::ServerCardOptions::default(),
            tls: None,
        }
    }
}

/// Three quarters of the open-file limit (the rest is for the process's other files), at
/// most 10,000 and at least 16.
fn default_max_connections() -> usize {
    const CAP: usize = 10_000;
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit writes one rlimit into the struct we own.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            let soft = usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX);
            return (soft / 4 * 3).clamp(16, CAP);
        }
    }
    CAP
}

/// [`HttpOptions`] as JSON: the one form every binding hands its users' options over in (C's
/// `options_json`, Python's `run("http", ...)` keywords, Node's `listen({ http })` object).
/// Every field is optional; durations are milliseconds; names are snake_case, with the
/// camelCase spelling accepted for each (and `max_body` for `max_body_bytes`). Unknown fields
/// are refused, so a typo does not pass silently.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HttpConfig {
    /// `"IP:PORT"`; or give `host` (a name is resolved) and `port`.
    bind: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    path: Option<String>,
    #[serde(alias = "allowedHosts")]
    allowed_hosts: Option<Vec<String>>,
    #[serde(alias = "allowedOrigins")]
    allowed_origins: Option<Vec<String>>,
    #[serde(alias = "maxBodyBytes", alias = "max_body", alias = "maxBody")]
    max_body_bytes: Option<usize>,
    #[serde(alias = "legacySessions")]
    legacy_sessions: Option<bool>,
    sessionless: Option<bool>,
    #[serde(alias = "jsonResponse")]
    json_response: Option<bool>,
    #[serde(alias = "sseResponse")]
    sse_response: Option<bool>,
    #[serde(alias = "ssePriming")]
    sse_priming: Option<bool>,
    /// 0: no `retry:` hint.
    #[serde(alias = "sseRetryMs")]
    sse_retry_ms: Option<u64>,
    #[serde(alias = "sseEventNames")]
    sse_event_names: Option<bool>,
    #[serde(alias = "sessionlessGetStream")]
    sessionless_get_stream: Option<bool>,
    #[serde(alias = "mediaTypeChecks")]
    media_type_checks: Option<bool>,
    #[serde(alias = "sdkTransportErrors")]
    sdk_transport_errors: Option<bool>,
    #[serde(alias = "batchAnyVersion")]
    batch_any_version: Option<bool>,
    #[serde(alias = "sessionIdleTimeoutMs")]
    session_idle_timeout_ms: Option<u64>,
    #[serde(alias = "maxSessions")]
    max_sessions: Option<usize>,
    #[serde(alias = "maxSessionsPerClient")]
    max_sessions_per_client: Option<usize>,
    #[serde(alias = "sseKeepaliveMs")]
    sse_keepalive_ms: Option<u64>,
    /// `"never"`, `"unresumable"` or `"always"`.
    #[serde(alias = "cancelOnDisconnect")]
    cancel_on_disconnect: Option<CancelOnDisconnect>,
    #[serde(alias = "legacySse")]
    legacy_sse: Option<bool>,
    #[serde(alias = "ssePath")]
    sse_path: Option<String>,
    #[serde(alias = "messagesPath", alias = "message_path", alias = "messagePath")]
    messages_path: Option<String>,
    metrics: Option<bool>,
    #[serde(alias = "webSocket")]
    websocket: Option<bool>,
    #[serde(alias = "handleSignals")]
    handle_signals: Option<bool>,
    #[serde(alias = "maxConnections")]
    max_connections: Option<usize>,
    #[serde(alias = "headerTimeoutMs")]
    header_timeout_ms: Option<u64>,
    #[serde(alias = "idleTimeoutMs")]
    idle_timeout_ms: Option<u64>,
    #[serde(alias = "bodyTimeoutMs")]
    body_timeout_ms: Option<u64>,
    auth: Option<AuthConfig>,
    /// `redis://…` (or `memory:`): see [`HttpOptions::shared_store`].
    #[serde(alias = "sharedStore")]
    shared_store: Option<String>,
    /// `false`, `true` or the card's options: see [`super::ServerCardOptions`].
    #[serde(alias = "serverCard")]
    server_card: Option<super::card::options::CardConfig>,
    /// HTTPS: the certificate chain's PEM file; `tls_key` is then required too.
    #[serde(alias = "tlsCert")]
    tls_cert: Option<std::path::PathBuf>,
    /// HTTPS: the private key's PEM file.
    #[serde(alias = "tlsKey")]
    tls_key: Option<std::path::PathBuf>,
}

/// The `auth` member: bearer-token authorization, by a verifier given separately or by the
/// built-in ones (`jwt`, `introspection`; the `oauth` feature).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthConfig {
    resource: String,
    #[serde(default, alias = "authorizationServers")]
    authorization_servers: Vec<String>,
    #[serde(default, alias = "scopesSupported")]
    scopes_supported: Vec<String>,
    #[serde(default, alias = "requiredScopes")]
    required_scopes: Vec<String>,
    #[serde(alias = "resourceName")]
    resource_name: Option<String>,
    jwt: Option<serde_json::Value>,
    introspection: Option<serde_json::Value>,
    proxy: Option<serde_json::Value>,
}

impl HttpOptions {
    /// The names the JSON form ([`HttpOptions::from_json`]) accepts, each spelling (snake_case
    /// and camelCase): for a binding that refuses a misspelled option in its own idiom
    /// before anything starts.
    pub fn json_fields() -> &'static [&'static str] {
        crate::serde_fields::of::<HttpConfig>()
    }

    /// Options from their JSON form (see the field list above; `null` means all defaults).
    /// `verifier` checks bearer tokens; `auth` needs it, or the built-in verifiers (its `jwt`
    /// or `introspection` member), not both. Errors are
    /// [`crate::Error::Config`] naming the offending field.
    pub fn from_json(
        value: serde_json::Value,
        verifier: Option<std::sync::Arc<dyn crate::TokenVerifier>>,
    ) -> Result<HttpOptions, crate::Error> {
        use std::net::ToSocketAddrs;
        let bad = crate::Error::Config;
        let c: HttpConfig = if value.is_null() {
            HttpConfig::default()
        } else {
            serde_json::from_value(value).map_err(|e| bad(e.to_string()))?
        };
        let mut o = HttpOptions { handle_signals: false, ..HttpOptions::default() };
        if let Some(bind) = c.bind {
            o.bind = bind.parse().map_err(|e| bad(format!("bind {bind:?} is not an IP:port address: {e}")))?;
        } else if c.host.is_some() || c.port.is_some() {
            let host = c.host.as_deref().unwrap_or("127.0.0.1").trim_matches(['[', ']']);
            let port = c.port.unwrap_or(o.bind.port());
            o.bind = (host, port)
                .to_socket_addrs()
                .map_err(|e| bad(format!("cannot resolve host {host:?}: {e}")))?
                .next()
                .ok_or_else(|| bad(format!("host {host:?} has no address")))?;
        }
        for (name, given, field) in [
            ("path", c.path, &mut o.path),
            ("sse_path", c.sse_path, &mut o.sse_path),
            ("messages_path", c.messages_path, &mut o.messages_path),
        ] {
            if let Some(path) = given {
                if !path.starts_with('/') || path.contains(['?', '#']) {
                    return Err(bad(format!("{name} {path:?} must start with '/' and have no query or fragment")));
                }
                *field = path;
            }
        }
        if let Some(v) = c.allowed_hosts {
            o.allowed_hosts = v;
        }
        if let Some(v) = c.allowed_origins {
            o.allowed_origins = v;
        }
        if let Some(v) = c.max_body_bytes {
            o.max_body = v;
        }
        if let Some(v) = c.sessionless {
            o.sessionless = v;
        }
        if let Some(v) = c.json_response {
            o.json_response = v;
        }
        if let Some(v) = c.sse_response {
            o.sse_response = v;
        }
        if let Some(v) = c.sse_priming {
            o.sse_priming = v;
        }
        if let Some(ms) = c.sse_retry_ms {
            o.sse_retry = (ms > 0).then(|| Duration::from_millis(ms));
        }
        if let Some(v) = c.sse_event_names {
            o.sse_event_names = v;
        }
        if let Some(v) = c.sessionless_get_stream {
            o.sessionless_get_stream = v;
        }
        if let Some(v) = c.media_type_checks {
            o.media_type_checks = v;
        }
        if let Some(v) = c.sdk_transport_errors {
            o.sdk_transport_errors = v;
        }
        if let Some(v) = c.batch_any_version {
            o.batch_any_version = v;
        }
        if let Some(v) = c.legacy_sessions {
            o.legacy_sessions = v;
        }
        if let Some(v) = c.session_idle_timeout_ms {
            o.session_idle_timeout = Duration::from_millis(v);
        }
        if let Some(v) = c.max_sessions {
            o.max_sessions = v;
        }
        if let Some(v) = c.max_sessions_per_client {
            if v == 0 {
                return Err(bad("max_sessions_per_client must be at least 1".to_owned()));
            }
            o.max_sessions_per_client = Some(v);
        }
        if let Some(v) = c.sse_keepalive_ms {
            o.sse_keepalive = Duration::from_millis(v);
        }
        if let Some(v) = c.cancel_on_disconnect {
            o.cancel_on_disconnect = v;
        }
        if let Some(v) = c.legacy_sse {
            o.legacy_sse = v;
        }
        if let Some(v) = c.metrics {
            o.metrics = v;
        }
        if let Some(v) = c.websocket {
            o.websocket = v;
        }
        if let Some(v) = c.handle_signals {
            o.handle_signals = v;
        }
        if let Some(v) = c.max_connections {
            if v == 0 {
                return Err(bad("max_connections must be at least 1".to_owned()));
            }
            o.max_connections = v;
        }
        for (ms, field) in [
            (c.header_timeout_ms, &mut o.header_timeout),
            (c.idle_timeout_ms, &mut o.idle_timeout),
            (c.body_timeout_ms, &mut o.body_timeout),
        ] {
            if let Some(ms) = ms {
                *field = Duration::from_millis(ms);
            }
        }
        if let Some(card) = c.server_card {
            o.server_card = card.into_options()?;
        }
        o.tls = match (c.tls_cert, c.tls_key) {
            (Some(cert), Some(key)) => Some(super::TlsOptions { cert, key }),
            (None, None) => None,
            _ => return Err(bad("`tls_cert` and `tls_key` go together: give both or neither".to_owned())),
        };
        if let Some(url) = c.shared_store {
            o.shared_store = Some(crate::SharedStore::from_url(&url)?);
        }
        if let Some(mut a) = c.auth {
            let verifier = if let Some(proxy) = a.proxy.take() {
                if verifier.is_some() || a.jwt.is_some() || a.introspection.is_some() {
                    return Err(bad("`auth.proxy` verifies its own tokens: give no other verifier".to_owned()));
                }
                if !a.authorization_servers.is_empty() {
                    return Err(bad("with `auth.proxy`, this server is the authorization server: \
                                    leave authorization_servers out"
                        .to_owned()));
                }
                let store = o.shared_store.is_some()
                    || std::env::var("MCPFORGE_SHARED_STORE").is_ok_and(|v| !v.trim().is_empty());
                let taken = [o.path.as_str(), o.sse_path.as_str(), o.messages_path.as_str(), "/metrics"];
                let (verifier, issuer) = proxy_verifier(proxy, &a, &taken, store)?;
                a.authorization_servers = vec![issuer];
                verifier
            } else {
                match (verifier, builtin_verifier(a.jwt, a.introspection, &a.resource)?) {
                    (Some(_), Some(_)) => {
                        return Err(bad(
                            "`auth` has both a token verifier and `jwt`/`introspection`: give one".to_owned()
                        ));
                    }
                    (Some(v), None) | (None, Some(v)) => v,
                    (None, None) => {
                        return Err(bad("`auth` is set but no token verifier was given (nor `jwt`, \
                                        `introspection` or `proxy`)"
                            .to_owned()));
                    }
                }
            };
            o.auth = Some(AuthOptions {
                verifier,
                resource: a.resource,
                authorization_servers: a.authorization_servers,
                scopes_supported: a.scopes_supported,
                required_scopes: a.required_scopes,
                resource_name: a.resource_name,
            });
        }
        Ok(o)
    }
}

/// The built-in verifier the `jwt` and `introspection` members describe, if any.
#[cfg(feature = "oauth")]
fn builtin_verifier(
    jwt: Option<serde_json::Value>,
    introspection: Option<serde_json::Value>,
    resource: &str,
) -> Result<Option<std::sync::Arc<dyn crate::TokenVerifier>>, crate::Error> {
    super::oauth::from_json(jwt, introspection, resource)
}

/// The OAuth proxy the `proxy` member describes, and its issuer URL.
#[cfg(feature = "oauth")]
fn proxy_verifier(
    proxy: serde_json::Value,
    a: &AuthConfig,
    taken: &[&str],
    shared_store: bool,
) -> Result<(std::sync::Arc<dyn crate::TokenVerifier>, String), crate::Error> {
    let context = super::oauth::ProxyContext {
        resource: &a.resource,
        scopes_supported: &a.scopes_supported,
        taken_paths: taken,
        shared_store,
    };
    super::oauth::proxy_from_json(proxy, &context)
}

/// Without the `oauth` feature there is no proxy to build.
#[cfg(not(feature = "oauth"))]
fn proxy_verifier(
    _proxy: serde_json::Value,
    _a: &AuthConfig,
    _taken: &[&str],
    _shared_store: bool,
) -> Result<(std::sync::Arc<dyn crate::TokenVerifier>, String), crate::Error> {
    Err(crate::Error::Config("`auth.proxy` needs the engine built with its `oauth` feature".to_owned()))
}

/// Without the `oauth` feature the built-in verifiers are not there to build.
#[cfg(not(feature = "oauth"))]
fn builtin_verifier(
    jwt: Option<serde_json::Value>,
    introspection: Option<serde_json::Value>,
    _resource: &str,
) -> Result<Option<std::sync::Arc<dyn crate::TokenVerifier>>, crate::Error> {
    if jwt.is_some() || introspection.is_some() {
        return Err(crate::Error::Config(
            "`auth.jwt` and `auth.introspection` need the engine built with its `oauth` feature".to_owned(),
        ));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_options_take_both_spellings_and_refuse_unknown_fields() {
        let o = HttpOptions::from_json(
            json!({ "bind": "127.0.0.1:4000", "allowedHosts": ["a"], "max_body": 10, "sse_keepalive_ms": 250 }),
            None,
        )
        .expect("valid options");
        assert_eq!(o.bind, SocketAddr::from(([127, 0, 0, 1], 4000)));
        assert_eq!(o.allowed_hosts, ["a"]);
        assert_eq!(o.max_body, 10);
        assert_eq!(o.sse_keepalive, Duration::from_millis(250));
        let o = HttpOptions::from_json(json!({ "host": "localhost", "port": 0 }), None).expect("host and port");
        assert!(o.bind.ip().is_loopback() && o.bind.port() == 0);
        assert_eq!(
            HttpOptions::from_json(serde_json::Value::Null, None).expect("defaults").bind,
            HttpOptions::default().bind
        );
        let err = |v| HttpOptions::from_json(v, None).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err(json!({ "bnid": "x" })).contains("unknown field `bnid`"));
        assert!(err(json!({ "path": "mcp" })).contains("must start with '/'"));
        assert!(err(json!({ "bind": "localhost" })).contains("not an IP:port address"));
        assert!(err(json!({ "auth": { "resource": "http://127.0.0.1/mcp" } })).contains("no token verifier"));
        let o = HttpOptions::from_json(json!({ "maxSessions": 50 }), None).expect("valid options");
        assert_eq!(o.sessions_per_client(), 5, "a tenth of max_sessions by default");
        let o = HttpOptions::from_json(json!({ "max_sessions_per_client": 7 }), None).expect("valid options");
        assert_eq!((o.max_sessions_per_client, o.sessions_per_client()), (Some(7), 7));
        assert!(err(json!({ "maxSessionsPerClient": 0 })).contains("at least 1"));
        let o = HttpOptions::from_json(json!({ "cancelOnDisconnect": "always" }), None).expect("valid options");
        assert_eq!(o.cancel_on_disconnect, CancelOnDisconnect::Always);
        assert!(err(json!({ "cancel_on_disconnect": "sometimes" })).contains("expected one of `never`"));
        assert!(err(json!({ "tlsCert": "cert.pem" })).contains("go together"));
        let o = HttpOptions::from_json(json!({ "tls_cert": "c.pem", "tlsKey": "k.pem" }), None).expect("valid options");
        assert_eq!(o.tls.map(|t| (t.cert, t.key)), Some(("c.pem".into(), "k.pem".into())));
    }
}
