//! A scripted HTTP/1.1 server on 127.0.0.1 for the client tests that need a server to
//! misbehave on purpose: each request (method, headers, body) is recorded, and a function
//! of the test picks the raw answer: JSON, an event stream that closes or hangs, a bare
//! status, or an event that never ends. One request per connection (`Connection: close`).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The largest request head or body the server reads.
const MAX_REQUEST: usize = 1 << 20;

/// One request the client sent.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// `GET`, `POST`, `DELETE`.
    pub method: String,
    /// The request target: path and query.
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The JSON-RPC method of the body, if any.
    pub fn rpc_method(&self) -> Option<String> {
        self.json().get("method").and_then(Value::as_str).map(str::to_owned)
    }
}

/// How the server answers one request.
pub enum Answer {
    /// A JSON body with this status, and extra headers.
    Json(u16, Value, Vec<(&'static str, String)>),
    /// A bare status with no body.
    Status(u16),
    /// An event stream of these raw events (each written as it is, e.g. `"data: {}\n\n"`),
    /// then closed, or held open when `hang` is set.
    Events { events: Vec<String>, hang: bool },
    /// An event stream whose one event never ends: `data: ` followed by bytes forever.
    EndlessEvent,
}

/// A running scripted server; stopped when dropped.
pub struct RawServer {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<RawRequest>>>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// The URL of its MCP endpoint.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// Every request received so far, in order.
    pub fn seen(&self) -> Vec<RawRequest> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server answering each request with `script(request, how many came before it)`.
pub async fn serve<F>(script: F) -> RawServer
where
    F: Fn(&RawRequest, usize) -> Answer + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let seen: Arc<Mutex<Vec<RawRequest>>> = Arc::default();
    let script = Arc::new(script);
    let record = seen.clone();
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            let (script, record) = (script.clone(), record.clone());
            connections.spawn(async move {
                let Some((request, stream)) = read_request(stream).await else { return };
                let answer = {
                    let mut seen = record.lock().expect("not poisoned");
                    seen.push(request.clone());
                    script(&request, seen.len() - 1)
                };
                write_answer(stream, answer).await;
            });
        }
    });
    RawServer { addr, seen, task }
}

async fn read_request(mut stream: TcpStream) -> Option<(RawRequest, TcpStream)> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..n]);
        if buffer.len() > MAX_REQUEST {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next().unwrap_or("/").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length.min(MAX_REQUEST) {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        body.extend_from_slice(&chunk[..n]);
    }
    Some((RawRequest { method, path, headers, body }, stream))
}

async fn write_answer(mut stream: TcpStream, answer: Answer) {
    let events_head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
    match answer {
        Answer::Json(status, body, extra) => {
            let body = body.to_string();
            let extra: String = extra.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect();
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(format!("{head}{body}").as_bytes()).await;
        }
        Answer::Status(status) => {
            let head = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
        }
        Answer::Events { events, hang } => {
            let _ = stream.write_all(events_head.as_bytes()).await;
            for event in events {
                let _ = stream.write_all(event.as_bytes()).await;
            }
            if hang {
                // Held open until the client goes away (or the test ends).
                let mut sink = [0u8; 64];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            }
        }
        Answer::EndlessEvent => {
            let _ = stream.write_all(events_head.as_bytes()).await;
            let _ = stream.write_all(b"data: ").await;
            let filler = vec![b'x'; 64 * 1024];
            // Until the client hangs up; bounded in time as well, in case it never does.
            let until = tokio::time::Instant::now() + Duration::from_secs(60);
            while tokio::time::Instant::now() < until && stream.write_all(&filler).await.is_ok() {}
        }
    }
}
