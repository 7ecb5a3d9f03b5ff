//! The HTTP driver: Streamable HTTP at one endpoint over keep-alive HTTP/1.1 connections
//! (hyper's client connection API), each connection calling in a closed loop: the next call
//! goes out when the previous answer is in and checked.
//!
//! On the 2026 wire every POST carries `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and
//! the `_meta` fields; on the legacy wire each connection opens its own session
//! (`initialize`, `notifications/initialized`) and ends it with `DELETE`. Answers may come
//! as `application/json` or as an SSE stream (`text/event-stream`), which is read to its end.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{ACCEPT, CONTENT_TYPE, HOST, HeaderName, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::check::{self, CallError, ErrorKind, Message, preview, shorten};
use crate::cli::{Stop, WireChoice};
use crate::monitor::Progress;
use crate::sse;
use crate::stats::Recorder;
use crate::wire::{self, CallSpec, CallTemplate, MODERN_VERSION, Negotiated, Wire};

const MCP_PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
const MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
const MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");
const MCP_SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");

/// Where the MCP endpoint is.
#[derive(Debug)]
pub struct Endpoint {
    /// The address connected to.
    pub addr: SocketAddr,
    /// `Host` header: `host:port` as written in the URL.
    host: HeaderValue,
    /// Path and query.
    path: String,
    /// Extra headers every request carries (`--header`).
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Endpoint {
    /// Parses `http://HOST:PORT/PATH` and resolves HOST; every request will carry `headers`.
    pub fn parse(url: &str, headers: Vec<(HeaderName, HeaderValue)>) -> Result<Endpoint, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let with_port = if authority.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        let addr = with_port
            .to_socket_addrs()
            .map_err(|e| format!("{url}: cannot resolve {authority}: {e}"))?
            .next()
            .ok_or_else(|| format!("{url}: {authority} has no address"))?;
        let host = HeaderValue::from_str(authority).map_err(|_| format!("{url}: bad host {authority:?}"))?;
        Ok(Endpoint { addr, host, path: path.to_owned(), headers })
    }
}

/// What came back for one POST or DELETE.
struct HttpReply {
    status: u16,
    sse: bool,
    session: Option<HeaderValue>,
    body: Bytes,
}

impl HttpReply {
    /// The JSON-RPC messages in the body: the body itself, or each SSE event's data.
    fn messages(&self) -> Vec<&[u8]> {
        if self.sse { sse::data_payloads(&self.body) } else { vec![&self.body[..]] }
    }

    /// The answer to request `id`, parsed as a whole (handshakes only).
    fn reply_to(&self, what: &str, id: u64) -> Result<Value, String> {
        if self.status != 200 {
            return Err(format!("{what}: HTTP {}: {}", self.status, preview(&self.body)));
        }
        self.messages()
            .into_iter()
            .filter_map(|data| serde_json::from_slice::<Value>(data).ok())
            .find(|message| message.get("method").is_none() && message.get("id") == Some(&Value::from(id)))
            .ok_or_else(|| format!("{what}: no answer in the response: {}", preview(&self.body)))
    }
}

/// One keep-alive connection, with its session on the legacy wire.
struct Connection {
    endpoint: Arc<Endpoint>,
    sender: SendRequest<Full<Bytes>>,
    /// Protocol version header: the negotiated one (none before `initialize`).
    version: Option<HeaderValue>,
    modern: bool,
    session: Option<HeaderValue>,
    timeout: Duration,
    /// Reused request buffer.
    body: Vec<u8>,
}

impl Connection {
    /// Connects to `endpoint`; `wire` says which headers every request carries.
    async fn open(endpoint: Arc<Endpoint>, wire: &Wire, timeout: Duration) -> Result<Connection, String> {
        let sender = connect(&endpoint, timeout).await?;
        let modern = *wire == Wire::Modern;
        let version = modern.then(|| HeaderValue::from_static(MODERN_VERSION));
        Ok(Connection { endpoint, sender, version, modern, session: None, timeout, body: Vec::with_capacity(1024) })
    }

    /// Sends one request; `method` and `name` fill the 2026 headers.
    async fn send(&mut self, verb: Method, body: Bytes, method: &str, name: Option<&str>) -> Result<HttpReply, String> {
        if self.sender.ready().await.is_err() {
            // The server closed the keep-alive connection between requests: open another.
            self.sender = connect(&self.endpoint, self.timeout).await?;
        }
        let mut request = Request::builder()
            .method(verb)
            .uri(&self.endpoint.path)
            .header(HOST, self.endpoint.host.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("application/json, text/event-stream"));
        if let Some(version) = &self.version {
            request = request.header(MCP_PROTOCOL_VERSION, version.clone());
        }
        if self.modern {
            request = request.header(MCP_METHOD, method);
            if let Some(name) = name {
                request = request.header(MCP_NAME, name);
            }
        }
        if let Some(session) = &self.session {
            request = request.header(MCP_SESSION_ID, session.clone());
        }
        for (name, value) in &self.endpoint.headers {
            request = request.header(name, value.clone());
        }
        let request = request.body(Full::new(body)).map_err(|e| format!("building a request: {e}"))?;
        let exchange = async {
            let response = self.sender.send_request(request).await.map_err(|e| format!("HTTP request failed: {e}"))?;
            let status = response.status().as_u16();
            let sse = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/event-stream"));
            let session = response.headers().get(MCP_SESSION_ID).cloned();
            let body = response.into_body().collect().await.map_err(|e| format!("reading a response: {e}"))?;
            Ok(HttpReply { status, sse, session, body: body.to_bytes() })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| format!("no answer within {:.0} s (--timeout)", self.timeout.as_secs_f64()))?
    }

    /// A JSON-RPC message from a `Value`.
    async fn send_json(&mut self, message: &Value, method: &str) -> Result<HttpReply, String> {
        self.send(Method::POST, Bytes::from(message.to_string()), method, None).await
    }

    /// The legacy handshake on this connection; returns the `initialize` result.
    async fn open_session(&mut self) -> Result<Value, String> {
        let reply = self.send_json(&wire::initialize(0), "initialize").await?;
        let answer = reply.reply_to("initialize", 0)?;
        let result = answer
            .get("result")
            .cloned()
            .ok_or_else(|| format!("initialize failed: {}", shorten(&answer.to_string())))?;
        let version = result["protocolVersion"].as_str().unwrap_or(wire::LEGACY_VERSION);
        self.version = Some(HeaderValue::from_str(version).map_err(|_| format!("odd protocolVersion {version:?}"))?);
        // Servers without sessions (stateless legacy mode) send no id; that is fine.
        self.session = reply.session;
        let initialized = self.send_json(&wire::initialized(), "notifications/initialized").await?;
        if !(200..300).contains(&initialized.status) {
            return Err(format!(
                "notifications/initialized: HTTP {}: {}",
                initialized.status,
                preview(&initialized.body)
            ));
        }
        Ok(result)
    }

    /// Ends the legacy session, if there is one. The answer does not matter.
    async fn close(mut self) {
        if self.session.is_some() {
            let _ = self.send(Method::DELETE, Bytes::new(), "", None).await;
        }
    }

    /// One `tools/call` with id `id`, checked. `Err` is a fatal failure (no answer, a broken
    /// connection, an answer to another request); a wrong answer is a failed call.
    async fn call(&mut self, call: &CallTemplate, id: u64) -> Result<Result<(), CallError>, String> {
        self.body.clear();
        call.write_to(&mut self.body, id);
        let body = Bytes::copy_from_slice(&self.body);
        let reply = self.send(Method::POST, body, "tools/call", Some(&call.tool)).await?;
        if reply.status != 200 {
            return Ok(Err(CallError { kind: ErrorKind::Http(reply.status), detail: preview(&reply.body) }));
        }
        for data in reply.messages() {
            match check::classify(data, call.expect.as_deref()).map_err(|e| format!("the server sent {e}"))? {
                Message::Reply(Some(got), outcome) if got == id => return Ok(outcome),
                Message::Reply(got, _) => {
                    return Err(format!("an answer to request {got:?} while waiting for {id}: {}", preview(data)));
                }
                Message::Notification | Message::ServerRequest => {}
            }
        }
        Ok(Err(CallError { kind: ErrorKind::NoReply, detail: preview(&reply.body) }))
    }
}

/// A new HTTP/1.1 connection.
async fn connect(endpoint: &Endpoint, timeout: Duration) -> Result<SendRequest<Full<Bytes>>, String> {
    let addr = endpoint.addr;
    let setup = async {
        let stream = TcpStream::connect(addr).await.map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        // Each request goes out in one write; don't let Nagle hold it back.
        stream.set_nodelay(true).map_err(|e| format!("setting up a connection to {addr}: {e}"))?;
        let (sender, connection) =
            http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("HTTP handshake with {addr}: {e}"))?;
        tokio::spawn(async move {
            // Ends when the sender is dropped or the server closes the connection.
            let _ = connection.await;
        });
        Ok(sender)
    };
    tokio::time::timeout(timeout, setup).await.map_err(|_| format!("cannot connect to {addr} within the --timeout"))?
}

/// Finds out which wire the server speaks, as `choice` asks.
pub async fn negotiate(endpoint: &Arc<Endpoint>, choice: WireChoice, timeout: Duration) -> Result<Negotiated, String> {
    if choice != WireChoice::Legacy {
        let mut probe = Connection::open(Arc::clone(endpoint), &Wire::Modern, timeout).await?;
        let reply = probe.send_json(&wire::discover(0), "server/discover").await?;
        match reply.reply_to("server/discover", 0) {
            Ok(answer) if answer.get("result").is_some_and(wire::discover_supports_modern) => {
                return Ok(Negotiated::from_result(Wire::Modern, &answer["result"]));
            }
            Ok(answer) if choice == WireChoice::Modern => {
                return Err(format!(
                    "the server does not speak {MODERN_VERSION}: server/discover answered {}",
                    shorten(&answer.to_string())
                ));
            }
            Err(e) if choice == WireChoice::Modern => {
                return Err(format!("the server does not speak {MODERN_VERSION}: {e}"));
            }
            _ => {}
        }
    }
    let mut probe = Connection::open(Arc::clone(endpoint), &Wire::Legacy(String::new()), timeout).await?;
    let result = probe.open_session().await?;
    probe.close().await;
    let version = result["protocolVersion"].as_str().unwrap_or(wire::LEGACY_VERSION).to_owned();
    Ok(Negotiated::from_result(Wire::Legacy(version), &result))
}

/// What a load run needs besides the call itself.
pub struct LoadSettings {
    /// Connections, each a closed loop.
    pub connections: usize,
    /// When to stop.
    pub stop: Stop,
    /// Uncounted calls before the measurement, spread over the connections.
    pub warmup: u64,
    /// Per-request limit.
    pub timeout: Duration,
    /// `--interval-ms`: count calls per interval too.
    pub interval: Option<Duration>,
}

/// Runs the closed loops; returns the calls and the time from the common start to the last
/// counted answer.
pub async fn run(
    endpoint: Arc<Endpoint>,
    wire: Wire,
    call: Arc<CallTemplate>,
    settings: LoadSettings,
    progress: Arc<Progress>,
) -> Result<(Recorder, Duration), String> {
    let connections = settings.connections;
    // Everyone connects (and opens a session) and warms up first; the clock starts once all
    // are ready, set by the first one past the barrier.
    let ready = Arc::new(Barrier::new(connections));
    let start = Arc::new(OnceLock::<Instant>::new());
    let tickets = Arc::new(AtomicU64::new(0));
    let warmup_each = settings.warmup.div_ceil(connections as u64);
    let mut tasks = JoinSet::new();
    for index in 0..connections {
        let (endpoint, wire, call) = (Arc::clone(&endpoint), wire.clone(), Arc::clone(&call));
        let (ready, start, tickets, progress) =
            (Arc::clone(&ready), Arc::clone(&start), Arc::clone(&tickets), Arc::clone(&progress));
        let (stop, timeout, interval) = (settings.stop, settings.timeout, settings.interval);
        tasks.spawn(async move {
            let mut conn = Connection::open(endpoint, &wire, timeout).await?;
            if !conn.modern {
                conn.open_session().await?;
            }
            // Ids unique across connections, though only sessions require it.
            let mut id = ((index as u64) << 32) + 1;
            for _ in 0..warmup_each {
                // A wrong answer here shows again in the measured calls; only a fatal
                // failure ends the run now.
                let _ = conn.call(&call, id).await?;
                id += 1;
            }
            ready.wait().await;
            let started = *start.get_or_init(Instant::now);
            let mut recorder =
                Recorder::with_capacity(stop.capacity_hint() / connections).with_series(interval, started);
            let mut last = started;
            loop {
                let more = match stop {
                    Stop::Calls(n) => tickets.fetch_add(1, Ordering::Relaxed) < n,
                    Stop::Duration(d) => started.elapsed() < d,
                };
                if !more {
                    break;
                }
                let sent = Instant::now();
                let outcome = conn.call(&call, id).await?;
                id += 1;
                last = Instant::now();
                recorder.record(last - sent, outcome);
                progress.tick();
            }
            conn.close().await;
            Ok::<_, String>((recorder, last))
        });
    }
    let mut total = Recorder::default();
    let mut last = None;
    while let Some(joined) = tasks.join_next().await {
        let result = joined.map_err(|e| format!("a connection task failed: {e}")).and_then(|r| r);
        match result {
            Ok((recorder, done)) => {
                total.merge(recorder);
                last = last.max(Some(done));
            }
            Err(e) => {
                tasks.abort_all();
                return Err(e);
            }
        }
    }
    let started = start.get().copied().unwrap_or_else(Instant::now);
    Ok((total, last.map_or(Duration::ZERO, |done| done.saturating_duration_since(started))))
}

/// Negotiation and one checked call on a fresh connection (a cold start; the caller times it).
pub async fn first_call(
    endpoint: Arc<Endpoint>,
    choice: WireChoice,
    spec: &CallSpec,
    timeout: Duration,
) -> Result<Negotiated, String> {
    let negotiated = negotiate(&endpoint, choice, timeout).await?;
    let call = CallTemplate::new(spec, &negotiated.wire);
    let mut conn = Connection::open(endpoint, &negotiated.wire, timeout).await?;
    if !conn.modern {
        conn.open_session().await?;
    }
    let outcome = conn.call(&call, 1).await?;
    conn.close().await;
    outcome.map_err(|e| format!("the first call failed: {}: {}", e.kind, e.detail))?;
    Ok(negotiated)
}
