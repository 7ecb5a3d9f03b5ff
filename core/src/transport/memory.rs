//! The in-memory client: a real MCP client talking to the engine inside the process, for
//! tests and for embedding. It drives a dispatch connection directly (no pipe, no second
//! serialization): what it sends goes through the same framing rules as stdio, and what the
//! server sends comes out of the connection's bounded output queue.

use crate::protocol::method::Method;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::sync::{mpsc, oneshot};

use crate::dispatch::OutboxReader;
use crate::dispatch::shared::ServerShared;
use crate::error::{Error, ProtocolError};
use crate::jsonrpc::RequestId;
use crate::protocol::ProtocolVersion;
use crate::protocol::meta::{CLIENT_CAPABILITIES_KEY, CLIENT_INFO_KEY, PROTOCOL_VERSION_KEY};
use crate::sync::lock;
use crate::transport::link::{self, Input};

type Pending = Arc<Mutex<HashMap<RequestId, oneshot::Sender<Value>>>>;

/// Answers the server's requests (sampling, elicitation, roots): on legacy sessions as
/// they arrive, on 2026-07-28 the `inputRequests` of an `input_required` result.
pub type RequestResponder = Arc<dyn Fn(&str, &Value) -> Result<Value, ProtocolError> + Send + Sync>;

/// A client connected to a [`crate::Server`] inside the process.
pub struct MemoryClient {
    input: Arc<Input>,
    pending: Pending,
    messages: mpsc::UnboundedReceiver<Value>,
    next_id: AtomicI64,
    responder: Arc<Mutex<Option<RequestResponder>>>,
    server_task: tokio::task::JoinHandle<Result<(), Error>>,
    reader_task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for MemoryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryClient").finish_non_exhaustive()
    }
}

/// How long a request waits for its response before the client gives up.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many times [`MemoryClient::request_answering`] sends one request (a server that
/// keeps asking for input would otherwise never let it end).
pub const MAX_INPUT_ROUNDS: usize = 16;

/// The responder's answer to each of an `input_required` result's requests, by key.
fn answer_all(responder: &RequestResponder, asks: Map<String, Value>) -> Result<Map<String, Value>, ProtocolError> {
    asks.into_iter()
        .map(|(key, ask)| {
            let method = ask.get("method").and_then(Value::as_str).unwrap_or_default();
            let params = ask.get("params").cloned().unwrap_or(Value::Null);
            Ok((key, responder(method, &params)?))
        })
        .collect()
}

/// The requests of an `input_required` response, taken out of it; `None` for any other
/// response.
fn input_requests(response: &mut Value) -> Option<Map<String, Value>> {
    let result = response.get_mut("result")?;
    if result.get("resultType").and_then(Value::as_str) != Some("input_required") {
        return None;
    }
    match result.get_mut("inputRequests").map(Value::take) {
        Some(Value::Object(asks)) => Some(asks),
        _ => Some(Map::new()),
    }
}

impl MemoryClient {
    /// Connects to the server whose shared state this is (see [`crate::Server::connect_memory`]).
    pub(crate) fn open(shared: Arc<ServerShared>) -> MemoryClient {
        let (input, rx, server_task) = link::open(shared, "memory client", None);
        let pending: Pending = Arc::default();
        let (msg_tx, messages) = mpsc::unbounded_channel();
        let responder: Arc<Mutex<Option<RequestResponder>>> = Arc::default();
        let reader_task = tokio::spawn(read_loop(rx, pending.clone(), msg_tx, input.clone(), responder.clone()));
        MemoryClient { input, pending, messages, next_id: AtomicI64::new(1), responder, server_task, reader_task }
    }

    /// Sets how the client answers server->client requests (and, in
    /// [`Self::request_answering`], a 2026-07-28 server's `inputRequests`). Without one,
    /// they are answered with -32601. Every server request is also queued for [`Self::next_message`].
    pub fn on_request(&self, responder: impl Fn(&str, &Value) -> Result<Value, ProtocolError> + Send + Sync + 'static) {
        *lock(&self.responder) = Some(Arc::new(responder));
    }

    /// Sends raw text as one write to a stdio server would be (newline-delimited messages;
    /// a newline is appended). For testing bad input.
    pub async fn send_raw(&self, line: &str) -> std::io::Result<()> {
        self.input.write(line.as_bytes()).await
    }

    /// Sends a request with an explicit id (a string or an integer; any other is refused
    /// without sending) and returns the whole response message.
    pub async fn request_with_id(&self, id: Value, method: &str, params: Value) -> Value {
        let Some(rid) = RequestId::from_value(&id) else {
            let e = ProtocolError::new(crate::error::codes::INVALID_REQUEST, "a request id is a string or an integer");
            return json!({ "jsonrpc": "2.0", "id": Value::Null, "error": e });
        };
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(rid.clone(), tx);
        let mut msg = json!({ "jsonrpc": "2.0", "id": id, "method": method });
        if !params.is_null() {
            msg["params"] = params;
        }
        if self.send_raw(&msg.to_string()).await.is_err() {
            return json!({ "error": { "code": -1, "message": "connection closed" } });
        }
        match tokio::time::timeout(RESPONSE_TIMEOUT, rx).await {
            Ok(Ok(v)) => v,
            _ => {
                lock(&self.pending).remove(&rid);
                json!({ "error": { "code": -1, "message": "no response" } })
            }
        }
    }

    /// Sends a request and returns the whole response message (`{"jsonrpc","id","result"|"error"}`).
    pub async fn request_raw(&self, method: &str, params: Value) -> Value {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.request_with_id(json!(id), method, params).await
    }

    /// Sends a request; returns its result or its error.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ProtocolError> {
        let mut resp = self.request_raw(method, params).await;
        if let Some(e) = resp.get_mut("error") {
            return Err(serde_json::from_value(e.take()).unwrap_or_else(|_| ProtocolError::internal("malformed error")));
        }
        Ok(resp.get_mut("result").map(Value::take).unwrap_or(Value::Null))
    }

    /// Sends a request with id `id` and returns the whole final response message, answering
    /// as a client of both eras does: on the handshake wire the server's own requests are
    /// answered by the [`Self::on_request`] responder as they come; on 2026-07-28 an
    /// `input_required` result is answered by the same responder (each of its
    /// `inputRequests`) and the request sent again, with the same id, carrying
    /// `inputResponses` and the server's `requestState`. Without a responder the
    /// `input_required` response is returned as is (the caller answers it); a responder's
    /// refusal ends the request with that error; more than [`MAX_INPUT_ROUNDS`] rounds end it with an
    /// internal error. Every binding's test client sends its requests through here.
    pub async fn request_answering(&self, id: Value, method: &str, mut params: Value) -> Value {
        for _ in 0..MAX_INPUT_ROUNDS {
            let mut response = self.request_with_id(id.clone(), method, params.clone()).await;
            let Some(responder) = lock(&self.responder).clone() else { return response };
            let Some(asks) = input_requests(&mut response) else { return response };
            let answers = match answer_all(&responder, asks) {
                Ok(answers) => answers,
                Err(e) => return json!({ "jsonrpc": "2.0", "id": id, "error": e }),
            };
            if !params.is_object() {
                params = json!({});
            }
            params["inputResponses"] = Value::Object(answers);
            match response.pointer_mut("/result/requestState").map(Value::take) {
                Some(state) => params["requestState"] = state,
                None => _ = params.as_object_mut().map(|p| p.remove("requestState")),
            }
        }
        let e = ProtocolError::new(
            crate::error::codes::INTERNAL_ERROR,
            format!("{method}: too many rounds of client input"),
        );
        json!({ "jsonrpc": "2.0", "id": id, "error": e })
    }

    /// Sends a notification.
    pub async fn notify(&self, method: &str, params: Value) -> std::io::Result<()> {
        let mut msg = json!({ "jsonrpc": "2.0", "method": method });
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send_raw(&msg.to_string()).await
    }

    /// Performs the legacy handshake (`initialize` + `notifications/initialized`) with the
    /// given capabilities; returns the `initialize` result.
    pub async fn initialize(&self, version: &str, capabilities: Value) -> Result<Value, ProtocolError> {
        let result = self
            .request(
                Method::Initialize.as_str(),
                json!({
                    "protocolVersion": version,
                    "capabilities": capabilities,
                    "clientInfo": { "name": "mcpforge-memory-client", "version": env!("CARGO_PKG_VERSION") },
                }),
            )
            .await?;
        let _ = self.notify(Method::Initialized.as_str(), json!({})).await;
        Ok(result)
    }

    /// The `_meta` a 2026-07-28 request carries, with these client capabilities.
    pub fn modern_meta(capabilities: Value) -> Value {
        json!({
            PROTOCOL_VERSION_KEY: ProtocolVersion::V2026_07_28.as_str(),
            CLIENT_CAPABILITIES_KEY: capabilities,
            CLIENT_INFO_KEY: { "name": "mcpforge-memory-client", "version": env!("CARGO_PKG_VERSION") },
        })
    }

    /// Sends a 2026-07-28 request: `params` plus the per-request `_meta`.
    pub async fn request_modern(
        &self,
        method: &str,
        mut params: Value,
        capabilities: Value,
    ) -> Result<Value, ProtocolError> {
        if !params.is_object() {
            params = json!({});
        }
        params["_meta"] = Self::modern_meta(capabilities);
        self.request(method, params).await
    }

    /// `tools/call` on a legacy session; returns the `CallToolResult`.
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<Value, ProtocolError> {
        self.request(Method::ToolsCall.as_str(), json!({ "name": name, "arguments": arguments })).await
    }

    /// The next notification, server request, or unmatched response, waiting up to
    /// `timeout`.
    pub async fn next_message(&mut self, timeout: Duration) -> Option<Value> {
        tokio::time::timeout(timeout, self.messages.recv()).await.ok().flatten()
    }

    /// Takes the stream of notifications, server requests and unmatched responses, for a
    /// client shared between tasks (an `Arc<MemoryClient>` sends requests concurrently while
    /// one task reads this). Afterwards [`Self::next_message`] and [`Self::drain_messages`]
    /// see nothing.
    pub fn take_messages(&mut self) -> mpsc::UnboundedReceiver<Value> {
        std::mem::replace(&mut self.messages, mpsc::unbounded_channel().1)
    }

    /// Every message already received and not yet taken.
    pub fn drain_messages(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        while let Ok(m) = self.messages.try_recv() {
            out.push(m);
        }
        out
    }

    /// Closes the client's end (the server sees end of input) and waits for the server to
    /// finish: requests in flight complete within the shutdown grace period.
    pub async fn close(self) -> Result<(), Error> {
        self.input.end().await;
        let r = self.server_task.await.unwrap_or_else(|e| Err(Error::Io(std::io::Error::other(e))));
        self.reader_task.abort();
        r
    }
}

async fn read_loop(
    mut output: OutboxReader,
    pending: Pending,
    messages: mpsc::UnboundedSender<Value>,
    input: Arc<Input>,
    responder: Arc<Mutex<Option<RequestResponder>>>,
) {
    while let Some(bytes) = output.recv().await {
        let Ok(msg) = serde_json::from_slice::<Value>(&bytes) else {
            let _ = messages.send(json!({ "unparseable": String::from_utf8_lossy(&bytes) }));
            continue;
        };
        let is_response = msg.get("method").is_none() && (msg.get("result").is_some() || msg.get("error").is_some());
        if is_response {
            let waiter = msg.get("id").and_then(RequestId::from_value).and_then(|id| lock(&pending).remove(&id));
            match waiter {
                Some(tx) => {
                    let _ = tx.send(msg);
                }
                None => {
                    let _ = messages.send(msg);
                }
            }
            continue;
        }
        if let (Some(id), Some(method)) = (msg.get("id"), msg.get("method").and_then(Value::as_str)) {
            let f = lock(&responder).clone();
            let params = msg.get("params").cloned().unwrap_or(Value::Null);
            let reply = match f.map(|f| f(method, &params)) {
                Some(Ok(result)) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
                Some(Err(e)) => json!({ "jsonrpc": "2.0", "id": id, "error": e }),
                None => json!({ "jsonrpc": "2.0", "id": id, "error": ProtocolError::method_not_found(method) }),
            };
            // Answered from a task of its own: the connection may be waiting for room in
            // the very queue this loop drains.
            let input = input.clone();
            tokio::spawn(async move {
                let _ = input.write(reply.to_string().as_bytes()).await;
            });
        }
        let _ = messages.send(msg);
    }
}
