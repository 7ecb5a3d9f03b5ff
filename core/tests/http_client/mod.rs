//! A minimal HTTP/1.1 client over `tokio::net::TcpStream` for the HTTP transport tests: one
//! request per connection (`Connection: close`), responses with `Content-Length`, chunked or
//! close-delimited bodies, and an incremental server-sent-events reader that can be dropped
//! mid-stream to simulate a client going away.
//!
//! All reads go through one cancel-safe primitive (`read` into a buffer, then synchronous
//! parsing), so a timed-out wait never loses bytes.

#![allow(dead_code, reason = "each test file uses a different part of the client")]

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// How long any single wait on the server may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// A request to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Sent in order; `Host` is added (as the server's address) unless given here.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The local address to connect from (another loopback address is another client).
    pub source: Option<std::net::IpAddr>,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Request {
        Request {
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
            source: None,
        }
    }

    /// A POST of a JSON body to `/mcp`, accepting JSON and SSE (what MCP clients send).
    pub fn post_json(body: &Value) -> Request {
        Request::new("POST", "/mcp")
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .body(body.to_string().into_bytes())
    }

    /// The same request to another path (with its query).
    pub fn with_path(mut self, path: &str) -> Request {
        self.path = path.to_owned();
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Removes every header called `name` (case-insensitive).
    pub fn without_header(mut self, name: &str) -> Request {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    pub fn body(mut self, body: Vec<u8>) -> Request {
        self.body = body;
        self
    }

    /// The same request sent from `source` (e.g. `127.0.0.2`: another client on loopback).
    pub fn from(mut self, source: &str) -> Request {
        self.source = Some(source.parse().expect("an IP address"));
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    pub fn encode(&self, addr: SocketAddr) -> Vec<u8> {
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.path);
        if !self.has_header("host") {
            head.push_str(&format!("Host: {addr}\r\n"));
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", self.body.len()));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// A POST of `body` on a legacy session, with the version header (sent from 2025-06-18 on).
pub fn in_session(session: &str, version: &str, body: &Value) -> Request {
    let request = Request::post_json(body).header("Mcp-Session-Id", session);
    if version == "2025-03-26" { request } else { request.header("MCP-Protocol-Version", version) }
}

/// `initialize` at `version` on the server at `addr`, then `notifications/initialized`: the
/// new legacy session's id.
pub async fn new_session(addr: SocketAddr, version: &str) -> String {
    let init = serde_json::json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": { "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    });
    let response = send(addr, &Request::post_json(&init)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let id = response.header("mcp-session-id").expect("a session id").to_owned();
    let initialized = serde_json::json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    let response = send(addr, &in_session(&id, version, &initialized)).await;
    assert_eq!(response.status, 202, "{}", response.text());
    id
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as JSON (panics with the body text if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The JSON-RPC messages of an SSE body, in order (events without data are skipped).
    pub fn sse_messages(&self) -> Vec<Value> {
        let mut parser = SseParser::default();
        parser.push(&self.body);
        std::iter::from_fn(|| parser.next_event()).filter_map(|e| e.json()).collect()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// One server-sent event (or a block holding only comments or a `retry:` hint).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SseEvent {
    pub id: Option<String>,
    /// The `data:` lines joined with `\n`; `None` when the block had no `data:` line.
    pub data: Option<String>,
    pub retry: Option<u64>,
    pub comments: Vec<String>,
}

impl SseEvent {
    /// The data as JSON, if there is non-empty data.
    pub fn json(&self) -> Option<Value> {
        let data = self.data.as_deref().filter(|d| !d.is_empty())?;
        Some(serde_json::from_str(data).unwrap_or_else(|e| panic!("SSE data is not JSON ({e}): {data:?}")))
    }

    /// A block with only comments (a keep-alive).
    pub fn is_comment_only(&self) -> bool {
        !self.comments.is_empty() && self.id.is_none() && self.data.is_none() && self.retry.is_none()
    }
}

/// Splits a byte stream into SSE blocks (lines end with `\n`, optionally preceded by `\r`).
#[derive(Default)]
struct SseParser {
    pending: Vec<u8>,
}

impl SseParser {
    fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// The next complete block, if one has fully arrived.
    fn next_event(&mut self) -> Option<SseEvent> {
        loop {
            let end = self.pending.windows(2).position(|w| w == b"\n\n")?;
            let block: Vec<u8> = self.pending.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&block[..end]).into_owned();
            let mut event = SseEvent::default();
            let mut data: Vec<String> = Vec::new();
            for line in text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
                if let Some(comment) = line.strip_prefix(':') {
                    event.comments.push(comment.trim_start().to_owned());
                    continue;
                }
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "id" => event.id = Some(value.to_owned()),
                    "data" => data.push(value.to_owned()),
                    "retry" => event.retry = value.parse().ok(),
                    _ => {}
                }
            }
            if !data.is_empty() {
                event.data = Some(data.join("\n"));
            }
            if event != SseEvent::default() {
                return Some(event);
            }
        }
    }
}

/// How the body of a response is delimited.
#[derive(Debug, Clone, Copy)]
enum Framing {
    Length(usize),
    /// Chunked: bytes left in the current chunk (`None`: a size line is next).
    Chunked(Option<usize>),
    Close,
    Done,
}

/// An open response whose body is read as it arrives. Dropping it closes the connection.
pub struct Stream {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    tcp: TcpStream,
    /// Bytes read from the socket and not yet decoded.
    raw: Vec<u8>,
    eof: bool,
    framing: Framing,
    sse: SseParser,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream").field("status", &self.status).field("headers", &self.headers).finish()
    }
}

impl Stream {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Reads more bytes from the socket (cancel-safe); false at end of stream.
    async fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        let mut buf = [0u8; 8192];
        match self.tcp.read(&mut buf).await {
            Ok(0) | Err(_) => {
                self.eof = true;
                false
            }
            Ok(n) => {
                self.raw.extend_from_slice(&buf[..n]);
                true
            }
        }
    }

    /// Decodes whatever body bytes are buffered (synchronous, so never interrupted midway).
    fn decode(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            match self.framing {
                Framing::Done => break,
                Framing::Close => {
                    out.append(&mut self.raw);
                    if self.eof {
                        self.framing = Framing::Done;
                    }
                    break;
                }
                Framing::Length(left) => {
                    let n = left.min(self.raw.len());
                    out.extend(self.raw.drain(..n));
                    self.framing = if left == n { Framing::Done } else { Framing::Length(left - n) };
                    break;
                }
                Framing::Chunked(None) => {
                    let Some(end) = self.raw.windows(2).position(|w| w == b"\r\n") else { break };
                    let line: Vec<u8> = self.raw.drain(..end + 2).collect();
                    let size = String::from_utf8_lossy(&line[..end]);
                    let size = size.split(';').next().unwrap_or_default().trim();
                    let size = usize::from_str_radix(size, 16).unwrap_or_else(|_| panic!("bad chunk size {size:?}"));
                    // The last chunk: trailers (if any) are not read; the body is complete.
                    self.framing = if size == 0 { Framing::Done } else { Framing::Chunked(Some(size)) };
                }
                Framing::Chunked(Some(0)) => {
                    if self.raw.len() < 2 {
                        break;
                    }
                    self.raw.drain(..2);
                    self.framing = Framing::Chunked(None);
                }
                Framing::Chunked(Some(left)) => {
                    let n = left.min(self.raw.len());
                    if n == 0 {
                        break;
                    }
                    out.extend(self.raw.drain(..n));
                    self.framing = Framing::Chunked(Some(left - n));
                }
            }
        }
        out
    }

    fn finished(&self) -> bool {
        matches!(self.framing, Framing::Done) || (self.eof && self.raw.is_empty())
    }

    /// The next body bytes as they arrive; `None` once the body is complete.
    async fn next_bytes(&mut self) -> Option<Vec<u8>> {
        loop {
            let bytes = self.decode();
            if !bytes.is_empty() {
                return Some(bytes);
            }
            if self.finished() || !self.fill().await {
                let bytes = self.decode();
                return (!bytes.is_empty()).then_some(bytes);
            }
        }
    }

    /// The rest of the body.
    pub async fn body(mut self) -> Vec<u8> {
        let mut body = Vec::new();
        let read = async {
            while let Some(b) = self.next_bytes().await {
                body.extend_from_slice(&b);
            }
        };
        tokio::time::timeout(WAIT, read).await.expect("the response body did not end in time");
        body
    }

    /// The next SSE block (including keep-alive comments and hints); `None` when the stream
    /// ended. Panics after [`WAIT`].
    pub async fn next_event(&mut self) -> Option<SseEvent> {
        self.next_event_within(WAIT).await.expect("no SSE event within the timeout")
    }

    /// Like [`Stream::next_event`] with an explicit timeout: `Err(())` when it elapsed (no
    /// bytes are lost; reading can continue).
    pub async fn next_event_within(&mut self, limit: Duration) -> Result<Option<SseEvent>, ()> {
        let read = async {
            loop {
                if let Some(e) = self.sse.next_event() {
                    return Some(e);
                }
                match self.next_bytes().await {
                    Some(b) => self.sse.push(&b),
                    None => return None,
                }
            }
        };
        tokio::time::timeout(limit, read).await.map_err(|_| ())
    }

    /// The next event carrying a JSON-RPC message, skipping keep-alives, priming events and
    /// retry hints; `None` when the stream ended.
    pub async fn next_message(&mut self) -> Option<Value> {
        for _ in 0..1000 {
            match self.next_event().await {
                Some(e) => {
                    if let Some(v) = e.json() {
                        return Some(v);
                    }
                }
                None => return None,
            }
        }
        panic!("no message among 1000 SSE blocks");
    }

    /// Reads the stream to its end and returns its JSON-RPC messages.
    pub async fn rest_messages(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some(m) = self.next_message().await {
            out.push(m);
        }
        out
    }
}

/// Connects and writes `request` without reading anything (drop the connection to
/// simulate a client that goes away before any answer).
pub async fn send_only(addr: SocketAddr, request: &Request) -> TcpStream {
    let mut tcp = match request.source {
        None => TcpStream::connect(addr).await.expect("connect"),
        Some(source) => {
            let socket = if source.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() };
            let socket = socket.expect("a socket");
            socket.bind(SocketAddr::new(source, 0)).expect("bind the source address");
            socket.connect(addr).await.expect("connect")
        }
    };
    // A server may answer (and close) before reading the whole body (413): keep going and
    // read the answer anyway.
    let _ = tcp.write_all(&request.encode(addr)).await;
    tcp
}

/// Sends `request` and returns the response once its head arrived; the body is read later.
pub async fn open(addr: SocketAddr, request: &Request) -> Stream {
    let connect = async {
        let tcp = send_only(addr, request).await;
        let mut stream = Stream {
            status: 0,
            headers: Vec::new(),
            tcp,
            raw: Vec::new(),
            eof: false,
            framing: Framing::Close,
            sse: SseParser::default(),
        };
        let head_end = loop {
            if let Some(at) = stream.raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
            assert!(stream.fill().await, "connection closed before a response head: {:?}", stream.raw);
        };
        let head: Vec<u8> = stream.raw.drain(..head_end + 4).collect();
        let head = String::from_utf8_lossy(&head[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        stream.status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        for line in lines {
            let (name, value) = line.split_once(':').unwrap_or_else(|| panic!("bad header line {line:?}"));
            stream.headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        let chunked = stream.header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked"));
        let length = stream.header("content-length").and_then(|l| l.parse().ok());
        stream.framing = match (chunked, length) {
            (true, _) => Framing::Chunked(None),
            (false, Some(n)) => Framing::Length(n),
            (false, None) => Framing::Close,
        };
        stream
    };
    tokio::time::timeout(WAIT, connect).await.expect("no response head within the timeout")
}

/// Sends `request` and reads the whole response.
pub async fn send(addr: SocketAddr, request: &Request) -> Response {
    let stream = open(addr, request).await;
    let (status, headers) = (stream.status, stream.headers.clone());
    let body = stream.body().await;
    Response { status, headers, body }
}
