//! One test client for every transport: it sends JSON-RPC messages the way that transport
//! carries them and hands back, as one stream, every message the server sends (responses,
//! notifications, server->client requests), whichever HTTP response or stream carried it.
//! Behaviour tests written against it run unchanged over each transport.

#![allow(dead_code, reason = "each test file uses a different part of the client")]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use mcpforge::{HttpOptions, MemoryClient, Server};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::http_client::{self, Request};

/// How long a test waits for any one message.
pub const WAIT: Duration = Duration::from_secs(30);

/// The transports a behaviour runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Newline-delimited JSON-RPC over a byte stream (what stdio serves).
    Stream,
    /// The in-memory client.
    Memory,
    /// A legacy Streamable HTTP session (`Mcp-Session-Id`, POST responses, a GET stream).
    HttpSession,
    /// The 2024-11-05 HTTP+SSE transport (`GET /sse`, `POST /messages`).
    HttpSse,
    /// The stateless 2026-07-28 wire over HTTP (every request stands alone).
    HttpModern,
    /// A WebSocket on the HTTP listener (one connection, both eras).
    WebSocket,
}

impl Transport {
    /// Every transport.
    pub const ALL: [Transport; 6] = [
        Transport::Stream,
        Transport::Memory,
        Transport::HttpSession,
        Transport::HttpSse,
        Transport::HttpModern,
        Transport::WebSocket,
    ];

    /// Every transport that carries legacy sessions.
    pub const SESSIONS: [Transport; 5] =
        [Transport::Stream, Transport::Memory, Transport::HttpSession, Transport::HttpSse, Transport::WebSocket];

    /// True for the stateless 2026 wire.
    pub fn is_modern(self) -> bool {
        self == Transport::HttpModern
    }
}

enum Link {
    Stream { writer: tokio::io::WriteHalf<tokio::io::DuplexStream>, serving: JoinHandle<()> },
    Memory(Arc<MemoryClient>),
    Http { addr: SocketAddr, session: Option<String>, serving: JoinHandle<()> },
    Sse { addr: SocketAddr, post_to: String, serving: JoinHandle<()> },
    Ws { sink: WsSink, serving: JoinHandle<()> },
}

type WsSink = futures_util::stream::SplitSink<
    tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
    tokio_tungstenite::tungstenite::Message,
>;

/// A connected client.
pub struct Wire {
    pub transport: Transport,
    link: Link,
    /// Everything the server sent, in arrival order.
    inbox: mpsc::UnboundedReceiver<Value>,
    tx: mpsc::UnboundedSender<Value>,
    /// Messages read while looking for another one.
    stash: Vec<Value>,
    /// Requests of the 2026 wire still running, by id (cancelling one drops its connection).
    exchanges: Arc<Mutex<HashMap<String, JoinHandle<()>>>>,
    /// Version negotiated by `initialize` (legacy transports).
    pub version: &'static str,
    /// Answers to server->client requests, by method (see [`Wire::will_answer`]).
    presets: Arc<Mutex<HashMap<String, Value>>>,
}

impl Wire {
    /// Connects to `server` over `transport`; legacy transports also perform the handshake
    /// at `version` with these client capabilities.
    pub async fn connect(server: &Server, transport: Transport, version: &'static str, capabilities: Value) -> Wire {
        let (tx, inbox) = mpsc::unbounded_channel();
        let presets: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
        let link = match transport {
            Transport::Stream => {
                let (client_end, server_end) = tokio::io::duplex(1 << 16);
                let (sr, sw) = tokio::io::split(server_end);
                let s = server.clone();
                let serving = tokio::spawn(async move {
                    let _ = s.serve_io(sr, sw).await;
                });
                let (cr, cw) = tokio::io::split(client_end);
                let forward = tx.clone();
                tokio::spawn(async move {
                    let mut lines = BufReader::new(cr).lines();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let _ = forward.send(serde_json::from_str(&line).expect("the server writes JSON lines"));
                    }
                });
                Link::Stream { writer: cw, serving }
            }
            Transport::Memory => {
                let mut client = server.connect_memory();
                // The in-memory client answers server->client requests itself, at once.
                let answers = presets.clone();
                client.on_request(move |method, _| {
                    answers
                        .lock()
                        .unwrap()
                        .get(method)
                        .cloned()
                        .ok_or_else(|| mcpforge::ProtocolError::method_not_found(method))
                });
                let mut messages = client.take_messages();
                let forward = tx.clone();
                tokio::spawn(async move {
                    while let Some(m) = messages.recv().await {
                        let _ = forward.send(m);
                    }
                });
                Link::Memory(Arc::new(client))
            }
            Transport::HttpSession | Transport::HttpModern | Transport::HttpSse | Transport::WebSocket => {
                let options = HttpOptions { websocket: true, ..HttpOptions::new("127.0.0.1:0".parse().unwrap()) };
                let listener = server.bind_http(options).await.expect("bind an HTTP listener");
                let addr = listener.local_addr().unwrap();
                let serving = tokio::spawn(async move {
                    let _ = listener.run().await;
                });
                if transport == Transport::WebSocket {
                    let (sink, mut stream) = websocket(addr).await.split();
                    let forward = tx.clone();
                    tokio::spawn(async move {
                        while let Some(Ok(m)) = stream.next().await {
                            if let tokio_tungstenite::tungstenite::Message::Text(t) = m {
                                let _ = forward.send(serde_json::from_str(t.as_str()).expect("JSON frames"));
                            }
                        }
                    });
                    Link::Ws { sink, serving }
                } else if transport == Transport::HttpSse {
                    let mut stream = http_client::open(addr, &Request::new("GET", "/sse")).await;
                    let endpoint = stream.next_event().await.expect("the endpoint event");
                    // The endpoint is relative to the stream's path, `/sse`.
                    let post_to = format!("/{}", endpoint.data.expect("the endpoint's path"));
                    let forward = tx.clone();
                    tokio::spawn(async move {
                        forward_events(&mut stream, &forward).await;
                    });
                    Link::Sse { addr, post_to, serving }
                } else {
                    Link::Http { addr, session: None, serving }
                }
            }
        };
        let mut wire = Wire {
            transport,
            link,
            inbox,
            tx,
            stash: Vec::new(),
            exchanges: Arc::default(),
            presets,
            version: if transport.is_modern() { "2026-07-28" } else { version },
        };
        if !transport.is_modern() {
            wire.initialize(version, capabilities).await;
        }
        wire
    }

    async fn initialize(&mut self, version: &str, capabilities: Value) {
        let init = json!({
            "jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": { "protocolVersion": version, "capabilities": capabilities,
                        "clientInfo": { "name": "wire", "version": "1" } }
        });
        if let Link::Http { addr, session, .. } = &mut self.link {
            let addr = *addr;
            let r = http_client::send(addr, &Request::post_json(&init)).await;
            assert_eq!(r.status, 200, "initialize: {}", r.text());
            *session = Some(r.header("mcp-session-id").expect("a session id").to_owned());
            let _ = self.tx.send(r.json());
            // The session's stream of unsolicited messages.
            let get = self.http_request(Request::new("GET", "/mcp"));
            let mut stream = http_client::open(addr, &get).await;
            let forward = self.tx.clone();
            tokio::spawn(async move {
                forward_events(&mut stream, &forward).await;
            });
        } else {
            self.send(init).await;
        }
        let answer = self.response("init").await;
        assert!(answer.get("result").is_some(), "initialize failed: {answer}");
        self.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })).await;
    }

    /// An HTTP request carrying the session's headers.
    fn http_request(&self, mut r: Request) -> Request {
        if let Link::Http { session: Some(s), .. } = &self.link {
            r = r.header("Mcp-Session-Id", s).header("MCP-Protocol-Version", self.version);
        }
        r
    }

    /// Sends one message (or a batch: an array).
    pub async fn send(&mut self, msg: Value) {
        match &mut self.link {
            Link::Stream { writer, .. } => {
                let mut line = msg.to_string().into_bytes();
                line.push(b'\n');
                writer.write_all(&line).await.expect("the server reads");
            }
            Link::Memory(client) => client.send_raw(&msg.to_string()).await.expect("the server reads"),
            Link::Ws { sink, .. } => {
                let frame = tokio_tungstenite::tungstenite::Message::Text(msg.to_string().into());
                sink.send(frame).await.expect("the server reads");
            }
            Link::Sse { addr, post_to, .. } => {
                let r = http_client::send(*addr, &Request::post_json(&msg).with_path(post_to)).await;
                assert_eq!(r.status, 202, "POST /messages: {}", r.text());
            }
            Link::Http { addr, .. } => {
                let addr = *addr;
                let request = if self.transport.is_modern() {
                    modern_request(&msg)
                } else {
                    self.http_request(Request::post_json(&msg))
                };
                let forward = self.tx.clone();
                let exchange = tokio::spawn(async move {
                    let mut stream = http_client::open(addr, &request).await;
                    let sse = stream.header("content-type") == Some("text/event-stream");
                    if sse {
                        forward_events(&mut stream, &forward).await;
                    } else if stream.status != 202 {
                        let body = stream.body().await;
                        let _ = forward.send(serde_json::from_slice(&body).expect("a JSON body"));
                    }
                });
                if let Some(id) = msg.get("id") {
                    self.exchanges.lock().unwrap().insert(id.to_string(), exchange);
                }
            }
        }
    }

    /// Sends a request (`id`, `method`, `params`); on the 2026 wire `_meta` is added.
    pub async fn request(&mut self, id: Value, method: &str, params: Value) {
        let msg = self.request_message(id, method, params);
        self.send(msg).await;
    }

    /// A request message as this transport's client writes it.
    pub fn request_message(&self, id: Value, method: &str, mut params: Value) -> Value {
        if self.transport.is_modern() {
            if !params.is_object() {
                params = json!({});
            }
            let mut meta = MemoryClient::modern_meta(json!({ "elicitation": {} }));
            if let (Some(m), Some(own)) = (meta.as_object_mut(), params.get("_meta").and_then(Value::as_object)) {
                m.extend(own.clone());
            }
            params["_meta"] = meta;
        }
        json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
    }

    /// Cancels request `id` the transport's way: `notifications/cancelled`, or on the 2026
    /// HTTP wire by closing the request's connection.
    pub async fn cancel(&mut self, id: Value) {
        if self.transport.is_modern() {
            let exchange = self.exchanges.lock().unwrap().remove(&id.to_string());
            if let Some(e) = exchange {
                e.abort();
            }
        } else {
            let msg = json!({ "jsonrpc": "2.0", "method": "notifications/cancelled",
                              "params": { "requestId": id, "reason": "test" } });
            self.send(msg).await;
        }
    }

    /// The next message matching `wanted`, waiting up to [`WAIT`]; others are kept.
    pub async fn find(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        self.find_within(what, WAIT, wanted).await
    }

    /// [`Wire::find`], waiting up to `limit` (for answers that take much work on a busy
    /// machine, such as a batch of thousands of calls in a debug build).
    pub async fn find_within(&mut self, what: &str, limit: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.stash.iter().position(&wanted) {
            return self.stash.remove(i);
        }
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.inbox.recv()).await {
                Ok(Some(m)) if wanted(&m) => return m,
                Ok(Some(m)) => self.stash.push(m),
                _ => panic!("{:?}: no {what} within {limit:?}; received {:#?}", self.transport, self.stash),
            }
        }
    }

    /// The response to request `id`.
    pub async fn response(&mut self, id: impl Into<Value>) -> Value {
        let id = id.into();
        self.find(&format!("response to {id}"), |m| m.get("id") == Some(&id) && m.get("method").is_none()).await
    }

    /// True when no message arrives within `quiet` (nothing stashed either, beyond `allowed`).
    pub async fn nothing_more(&mut self, quiet: Duration, unexpected: impl Fn(&Value) -> bool) -> bool {
        if self.stash.iter().any(&unexpected) {
            return false;
        }
        let deadline = tokio::time::Instant::now() + quiet;
        while let Ok(Some(m)) = tokio::time::timeout_at(deadline, self.inbox.recv()).await {
            if unexpected(&m) {
                return false;
            }
            self.stash.push(m);
        }
        true
    }

    /// The messages received while looking for others, in arrival order.
    pub fn stashed(&self) -> &[Value] {
        &self.stash
    }

    /// Takes one of [`Wire::stashed`].
    pub fn take_stashed(&mut self, i: usize) -> Value {
        self.stash.remove(i)
    }

    /// Says how the client answers the next server->client request of `method`.
    pub fn will_answer(&self, method: &str, result: Value) {
        self.presets.lock().unwrap().insert(method.to_owned(), result);
    }

    /// Waits for the server->client request of `method` and answers it as
    /// [`Wire::will_answer`] said (the in-memory client has answered it already).
    pub async fn answer_ask(&mut self, method: &str) -> Value {
        let ask = self.find(&format!("a {method} request"), |m| m["method"] == method && m.get("id").is_some()).await;
        if self.transport != Transport::Memory {
            let result = self.presets.lock().unwrap().get(method).cloned().expect("an answer for the request");
            self.send(json!({ "jsonrpc": "2.0", "id": ask["id"], "result": result })).await;
        }
        ask
    }

    /// Ends the client side; the server task (if this client started one) is left to the
    /// server's own shutdown.
    pub fn serving(&self) -> Option<&JoinHandle<()>> {
        match &self.link {
            Link::Stream { serving, .. }
            | Link::Http { serving, .. }
            | Link::Sse { serving, .. }
            | Link::Ws { serving, .. } => Some(serving),
            Link::Memory(_) => None,
        }
    }
}

/// Forwards the JSON-RPC messages of an SSE stream until it ends (however long it stays
/// open: a session's GET stream lasts as long as the test).
async fn forward_events(stream: &mut http_client::Stream, forward: &mpsc::UnboundedSender<Value>) {
    while let Ok(Some(event)) = stream.next_event_within(Duration::from_secs(3600)).await {
        if let Some(m) = event.json() {
            let _ = forward.send(m);
        }
    }
}

/// Opens a WebSocket to the MCP path, asking for the `mcp` subprotocol (and checking the
/// server chose it).
pub async fn websocket(addr: SocketAddr) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut request = format!("ws://{addr}/mcp").into_client_request().expect("a WebSocket request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "mcp".parse().unwrap());
    let (ws, response) = tokio_tungstenite::client_async(request, tcp).await.expect("the upgrade succeeds");
    assert_eq!(response.headers().get("sec-websocket-protocol").map(|v| v.as_bytes()), Some(&b"mcp"[..]));
    ws
}

/// A 2026 request over HTTP with the headers the wire requires.
fn modern_request(msg: &Value) -> Request {
    let method = msg["method"].as_str().unwrap_or_default();
    let mut r = Request::post_json(msg).header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method);
    if let Some(name) = msg["params"]["name"].as_str() {
        r = r.header("Mcp-Name", name);
    }
    r
}
