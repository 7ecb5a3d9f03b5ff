//! The Streamable HTTP transport: every client message is POSTed to the MCP endpoint; the
//! answer comes back as JSON or as a server-sent-events stream; the session id the server
//! gives at `initialize` goes on every later request, a GET stream carries the server's own
//! messages once the handshake ends, and closing sends DELETE. On the 2026-07-28 wire each
//! request carries its routing headers (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`, and
//! `Mcp-Param-*` for the `x-mcp-header` arguments of the tools a `tools/list` answer showed),
//! and cancelling a request closes its response stream. An event stream that ends or breaks
//! before its answer came is resumed with a GET carrying `Last-Event-ID`, after the `retry`
//! delay the server gave; the GET stream is reopened the same way.
//!
//! A server that answers the POST of `initialize` with 400, 404 or 405 is spoken to with the
//! 2024-11-05 HTTP+SSE transport instead ([`legacy`]), unless
//! [`HttpTransport::legacy_fallback`] turned that off.
//!
//! With an [`OAuthClient`] every request carries its bearer token, and a request answered
//! 401 (or 403 `insufficient_scope`) is sent again once the client has authorized
//! ([`crate::client::auth`]).
//!
//! Each POST uses a connection of its own (hyper's HTTP/1.1 client, no pool): requests run
//! side by side, and closing one's connection cancels it on the server. `https://` URLs are
//! reached over TLS ([`crate::dial`]), trusting the system's store and the roots of
//! [`HttpTransport::trust`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use futures_util::StreamExt as _;
use futures_util::future::BoxFuture;
use hyper::{Request, Response, Uri, body::Incoming};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::AbortHandle;

mod legacy;

pub use legacy::ENDPOINT_WAIT;
use legacy::Legacy;

use super::sse::EventReader;
use super::{Transport, Wire};
use crate::client::auth::{Attempt, Challenge, OAuthClient, Session};
use crate::client::error::ClientError;
use crate::dial::{Target, Trust};
use crate::error::{ProtocolError, codes};
use crate::jsonrpc::RequestId;
use crate::protocol::header_params::{HeaderParam, ParamKind, header_params};
use crate::protocol::meta::PROTOCOL_VERSION_KEY;
use crate::protocol::method::Method;
use crate::sync::lock;
use crate::transport::http::headers::encode_value;

/// The largest answer (a JSON body, or one event of a stream) the client takes.
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// How long the client waits before resuming an event stream when the server gave no
/// `retry` delay.
pub const DEFAULT_RETRY: Duration = Duration::from_secs(1);
/// How many resumptions of an event stream in a row may bring no event before the client
/// gives up on it.
pub const MAX_RESUMES: usize = 5;
const SESSION_HEADER: &str = "mcp-session-id";
/// How the error of an event over [`MAX_MESSAGE`] starts (such a stream is not resumed).
const OVERSIZED: &str = "refused";

/// What reading one event stream brought.
#[derive(Debug, Default)]
struct Read {
    /// Messages handed to the client.
    delivered: usize,
    /// Whether one of them answered the request the stream was read for.
    answered: bool,
}

/// Why a GET stream could not be opened.
enum Resume {
    /// The server answered with this status (or not with an event stream).
    Refused(hyper::StatusCode),
    /// The exchange itself failed.
    Failed(String),
}

/// Whether a response is an event stream.
fn is_event_stream(response: &Response<Incoming>) -> bool {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/event-stream"))
}

/// A server reached over Streamable HTTP at one URL.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    url: String,
    headers: Vec<(String, String)>,
    listen: bool,
    session: SessionId,
    oauth: Option<OAuthClient>,
    trust: Trust,
    fallback: bool,
}

/// The session id the server gave at `initialize` (none on the stateless wire, or before).
#[derive(Debug, Clone, Default)]
pub struct SessionId(Arc<Mutex<Option<String>>>);

impl SessionId {
    /// The id, once the server gave one.
    #[must_use]
    pub fn get(&self) -> Option<String> {
        lock(&self.0).clone()
    }
}

impl HttpTransport {
    /// The MCP endpoint at `url` (`http://host:port/path`).
    pub fn new(url: impl Into<String>) -> HttpTransport {
        HttpTransport {
            url: url.into(),
            headers: Vec::new(),
            listen: true,
            session: SessionId::default(),
            oauth: None,
            trust: Trust::default(),
            fallback: true,
        }
    }

    /// The session the server gives: keep this handle to read its id later.
    #[must_use]
    pub fn session_id(&self) -> SessionId {
        self.session.clone()
    }

    /// Adds a header to every request (an `Authorization` the application obtained).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Whether to open the GET stream for the server's own messages after the handshake
    /// (default true).
    #[must_use]
    pub fn listen(mut self, listen: bool) -> Self {
        self.listen = listen;
        self
    }

    /// Authorizes with OAuth when the server asks (a 401 or 403 challenge), and sends the
    /// token obtained with every request to this URL (and to no other).
    #[must_use]
    pub fn oauth(mut self, client: OAuthClient) -> Self {
        self.oauth = Some(client);
        self
    }

    /// The certificates an `https://` endpoint is trusted by (default: the system's store;
    /// [`Trust::with_roots`] adds a private CA or the server's own certificate).
    #[must_use]
    pub fn trust(mut self, trust: Trust) -> Self {
        self.trust = trust;
        self
    }

    /// Whether a server answering the POST of `initialize` with 400, 404 or 405 is spoken to
    /// with the 2024-11-05 HTTP+SSE transport at the same URL (default true).
    #[must_use]
    pub fn legacy_fallback(mut self, fallback: bool) -> Self {
        self.fallback = fallback;
        self
    }
}

/// What every POST of one client shares.
struct Endpoint {
    uri: Uri,
    /// Where `uri` points, for connecting.
    target: Target,
    trust: Trust,
    headers: Vec<(String, String)>,
    listen: bool,
    /// The OAuth state of this endpoint, when the client authorizes.
    auth: Option<Session>,
    /// The session the server gave at `initialize`.
    session: SessionId,
    /// The version the handshake settled on (legacy sessions).
    version: Mutex<Option<String>>,
    to_client: mpsc::Sender<Vec<u8>>,
    /// The POSTs of requests whose answer is still coming, by request id.
    in_flight: Mutex<HashMap<RequestId, AbortHandle>>,
    /// The `x-mcp-header` arguments of each tool seen in a `tools/list` answer.
    tool_headers: Mutex<HashMap<String, Vec<HeaderParam>>>,
    listener: Mutex<Option<AbortHandle>>,
    /// Whether the HTTP+SSE fallback is allowed.
    fallback: bool,
    /// The HTTP+SSE session, once the server turned out to need it.
    legacy: std::sync::OnceLock<Legacy>,
}

impl Transport for HttpTransport {
    fn open(self: Box<Self>, queue: usize) -> BoxFuture<'static, Result<Wire, ClientError>> {
        Box::pin(async move {
            let uri: Uri = self.url.parse().map_err(|e| ClientError::Transport(format!("{}: {e}", self.url)))?;
            let target = Target::of(&uri).map_err(ClientError::Transport)?;
            let auth = match &self.oauth {
                Some(client) => Some(client.session(&self.url, self.trust.clone()).map_err(ClientError::Transport)?),
                None => None,
            };
            let (outgoing, to_server) = mpsc::channel(queue);
            let (to_client, incoming) = mpsc::channel(queue);
            let endpoint = Arc::new(Endpoint {
                uri,
                target,
                trust: self.trust,
                headers: self.headers,
                listen: self.listen,
                auth,
                session: self.session,
                version: Mutex::default(),
                to_client,
                in_flight: Mutex::default(),
                tool_headers: Mutex::default(),
                listener: Mutex::default(),
                fallback: self.fallback,
                legacy: std::sync::OnceLock::new(),
            });
            let writer = tokio::spawn(write_loop(endpoint.clone(), to_server, queue));
            let closing = endpoint.clone();
            let closer: super::Closer = Box::new(move || Box::pin(async move { closing.close().await }));
            let guard = Stop { endpoint, writer: writer.abort_handle() };
            Ok(Wire { outgoing, incoming, closer, guard: Box::new(guard) })
        })
    }
}

/// Stops every task of the transport when the client goes away.
struct Stop {
    endpoint: Arc<Endpoint>,
    writer: AbortHandle,
}

impl Drop for Stop {
    fn drop(&mut self) {
        self.writer.abort();
        self.endpoint.stop_tasks();
    }
}

/// Sends each message: a request in a task of its own (at most `queue` at once), a
/// notification or response in order.
async fn write_loop(endpoint: Arc<Endpoint>, mut messages: mpsc::Receiver<Vec<u8>>, queue: usize) {
    let slots = Arc::new(Semaphore::new(queue.max(1)));
    while let Some(bytes) = messages.recv().await {
        let Ok(message) = serde_json::from_slice::<Value>(&bytes) else { continue };
        let method = message.get("method").and_then(Value::as_str).map(str::to_owned);
        let id = message.get("id").and_then(RequestId::from_value);
        match (method.as_deref(), id) {
            (Some(_), Some(id)) => {
                let Ok(slot) = slots.clone().acquire_owned().await else { break };
                let post = endpoint.clone();
                let key = id.clone();
                let task = tokio::spawn(async move {
                    post.exchange(bytes, &message, Some(&key)).await;
                    lock(&post.in_flight).remove(&key);
                    drop(slot);
                });
                lock(&endpoint.in_flight).insert(id, task.abort_handle());
            }
            (Some(m), None) => {
                endpoint.exchange(bytes, &message, None).await;
                // After the notification was taken: the server's handler sees the client's
                // reason, not the POST's end (which a session server may read as one too).
                if m == Method::Cancelled.as_str() {
                    endpoint.abort(&message);
                }
                if m == Method::Initialized.as_str() && endpoint.listen {
                    endpoint.start_listening();
                }
            }
            (None, _) => endpoint.exchange(bytes, &message, None).await,
        }
    }
}

impl Endpoint {
    /// POSTs one message and hands every message of the answer to the client; a failed
    /// exchange of a request becomes that request's error.
    async fn exchange(&self, body: Vec<u8>, message: &Value, id: Option<&RequestId>) {
        let body = bytes::Bytes::from(body);
        let outcome = match self.legacy.get() {
            Some(legacy) => self.post_legacy(legacy, body, id).await,
            None => self.post_streamable(body, message, id).await,
        };
        if let (Err(detail), Some(id)) = (outcome, id) {
            let error = ProtocolError::new(codes::INTERNAL_ERROR, detail);
            let reply = json!({ "jsonrpc": "2.0", "id": id, "error": error });
            let _ = self.to_client.send(reply.to_string().into_bytes()).await;
        }
    }

    /// POSTs one message to the Streamable HTTP endpoint and reads its answer (falling back
    /// to HTTP+SSE when `initialize` is refused as [`legacy::falls_back`] says).
    async fn post_streamable(&self, body: bytes::Bytes, message: &Value, id: Option<&RequestId>) -> Result<(), String> {
        let initialize = message.get("method").and_then(Value::as_str) == Some(Method::Initialize.as_str());
        let mut attempt = Attempt::default();
        loop {
            let bearer = self.bearer().await;
            let request = self.post(body.clone(), message, bearer.as_deref());
            match self.send(request).await {
                Ok(response) => match self.authorized(&response, bearer.as_deref(), &mut attempt).await {
                    Some(Ok(())) => {}
                    Some(Err(e)) => return Err(e),
                    None if initialize && self.fallback && legacy::falls_back(response.status()) => {
                        return self.fall_back(body, id).await;
                    }
                    None => return self.take_answer(response, id, initialize).await,
                },
                Err(e) => return Err(e),
            }
        }
    }

    /// Opens the HTTP+SSE session and sends `initialize` (in `body`) through it.
    async fn fall_back(&self, body: bytes::Bytes, id: Option<&RequestId>) -> Result<(), String> {
        let legacy = self.open_legacy().await?;
        tracing::debug!(url = %self.uri, "no Streamable HTTP endpoint: speaking HTTP+SSE (2024-11-05)");
        let legacy = self.legacy.get_or_init(|| legacy);
        self.post_legacy(legacy, body, id).await
    }

    /// The bearer token of the next request, when the client authorizes.
    async fn bearer(&self) -> Option<String> {
        match &self.auth {
            Some(auth) => auth.bearer().await,
            None => None,
        }
    }

    /// What a 401 or 403 answer sets off when the client authorizes: `Some(Ok)` to send the
    /// request again, `Some(Err)` to fail it; `None` for any other answer.
    async fn authorized(
        &self,
        response: &Response<Incoming>,
        sent: Option<&str>,
        attempt: &mut Attempt,
    ) -> Option<Result<(), String>> {
        let status = response.status().as_u16();
        let auth = self.auth.as_ref().filter(|_| status == 401 || status == 403)?;
        let values = response.headers().get_all("www-authenticate");
        let challenge = Challenge::parse(values.iter().filter_map(|v| v.to_str().ok()));
        let outcome = auth.challenged(status, &challenge, sent, attempt).await;
        Some(outcome.map_err(|e| format!("HTTP {status}: authorization failed: {e}")))
    }

    fn post(&self, body: bytes::Bytes, message: &Value, bearer: Option<&str>) -> Request<Body> {
        let mut builder = self
            .base(hyper::Method::POST, bearer)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream");
        let modern = message.pointer("/params/_meta").and_then(|m| m.get(PROTOCOL_VERSION_KEY)).and_then(Value::as_str);
        if let Some(version) = modern {
            builder = builder.header("mcp-protocol-version", version);
            if let Some(method) = message.get("method").and_then(Value::as_str) {
                builder = builder.header("mcp-method", method);
                if let Some(name) = routed_name(method, message.get("params")) {
                    builder = builder.header("mcp-name", encode_value(name));
                }
                for (header, value) in self.argument_headers(method, message.get("params")) {
                    builder = builder.header(header, value);
                }
            }
        }
        builder.body(Body::from(body)).unwrap_or_default()
    }

    /// A request to the endpoint with the headers every request carries (the bearer token
    /// among them, when there is one).
    fn base(&self, method: hyper::Method, bearer: Option<&str>) -> hyper::http::request::Builder {
        let mut builder = self.base_to(method, &self.uri, &self.target.authority, bearer);
        if let Some(session) = lock(&self.session.0).clone() {
            builder = builder.header(SESSION_HEADER, session);
        }
        if let Some(version) = lock(&self.version).clone() {
            builder = builder.header("mcp-protocol-version", version);
        }
        builder
    }

    async fn send(&self, request: Request<Body>) -> Result<Response<Incoming>, String> {
        self.send_to(&self.target, request).await
    }

    /// Sends `request` on a connection of its own to `target`.
    async fn send_to(&self, target: &Target, request: Request<Body>) -> Result<Response<Incoming>, String> {
        let stream = self.trust.connect(target, None).await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        sender.send_request(request).await.map_err(|e| e.to_string())
    }

    /// Reads an answer: JSON, an event stream, 202, or an error status. The session id is
    /// taken from the answer to `initialize` only (a stateless server may send one anyway).
    async fn take_answer(
        &self,
        response: Response<Incoming>,
        id: Option<&RequestId>,
        initialize: bool,
    ) -> Result<(), String> {
        if let (true, Some(session)) =
            (initialize, response.headers().get(SESSION_HEADER).and_then(|v| v.to_str().ok()))
        {
            lock(&self.session.0).get_or_insert_with(|| session.to_owned());
        }
        let status = response.status();
        if is_event_stream(&response) && status.is_success() {
            return self.read_stream(response.into_body(), id).await;
        }
        let body =
            axum::body::to_bytes(Body::new(response.into_body()), MAX_MESSAGE).await.map_err(|e| e.to_string())?;
        let answer = serde_json::from_slice::<Value>(&body).ok().filter(|v| v.is_array() || v.get("jsonrpc").is_some());
        match answer {
            // A JSON-RPC error without an id answers the request it was sent for.
            Some(mut message) if id.is_some() && message.get("error").is_some() => {
                if message.get("id").is_none_or(Value::is_null) {
                    message["id"] = json!(id);
                }
                self.deliver(message, None).await.map(drop)
            }
            Some(message) if status.is_success() => self.deliver(message, None).await.map(drop),
            _ if status.is_success() && id.is_none() => Ok(()),
            _ => Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body[..body.len().min(200)]))),
        }
    }

    /// Reads the event stream answering request `id` (or a notification's POST) until the
    /// answer comes. A stream that ends (or breaks) before it is resumed the way the
    /// transport spec gives: after the server's `retry` delay (else [`DEFAULT_RETRY`]), a GET
    /// with `Last-Event-ID`, again until the answer comes or [`MAX_RESUMES`] tries in a row
    /// bring no event. A stream that carried no event id cannot be resumed: the request fails
    /// at once.
    async fn read_stream(&self, body: Incoming, id: Option<&RequestId>) -> Result<(), String> {
        let mut events = EventReader::new(MAX_MESSAGE);
        let mut outcome = self.forward_events(body, &mut events, id).await;
        let Some(id) = id else { return outcome.map(drop) };
        let mut fruitless = 0;
        loop {
            let why = match outcome {
                Ok(Read { answered: true, .. }) => return Ok(()),
                Ok(Read { delivered, .. }) => {
                    fruitless = if delivered > 0 { 0 } else { fruitless + 1 };
                    "the server ended the response stream without answering".to_owned()
                }
                Err(e) if e.starts_with(OVERSIZED) => return Err(e),
                Err(e) => {
                    fruitless += 1;
                    format!("the response stream broke off ({e})")
                }
            };
            let Some(last) = events.last_id().map(str::to_owned) else { return Err(why) };
            if fruitless > MAX_RESUMES {
                return Err(format!("{why}; {MAX_RESUMES} resumptions brought nothing"));
            }
            tokio::time::sleep(events.retry().unwrap_or(DEFAULT_RETRY)).await;
            outcome = match self.get_stream(Some(&last)).await {
                Ok(body) => self.forward_events(body, &mut events, Some(id)).await,
                Err(Resume::Refused(status)) => return Err(format!("{why}, and resuming it got HTTP {status}")),
                Err(Resume::Failed(e)) => Err(e),
            };
        }
    }

    /// Opens a GET event stream (resuming after `last_id` when given).
    async fn get_stream(&self, last_id: Option<&str>) -> Result<Incoming, Resume> {
        let bearer = self.bearer().await;
        let mut request = self.base(hyper::Method::GET, bearer.as_deref()).header("accept", "text/event-stream");
        if let Some(last) = last_id {
            request = request.header("last-event-id", last);
        }
        let request = request.body(Body::empty()).map_err(|e| Resume::Failed(e.to_string()))?;
        let response = self.send(request).await.map_err(Resume::Failed)?;
        if !response.status().is_success() || !is_event_stream(&response) {
            return Err(Resume::Refused(response.status()));
        }
        Ok(response.into_body())
    }

    /// Hands every event of a stream to the client; says how many messages came and whether
    /// one was the answer to `id`.
    async fn forward_events(
        &self,
        body: Incoming,
        events: &mut EventReader,
        id: Option<&RequestId>,
    ) -> Result<Read, String> {
        let mut read = Read::default();
        let mut chunks = Body::new(body).into_data_stream();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            for data in events.push(&chunk).map_err(|e| format!("{OVERSIZED}: {e}"))? {
                read.delivered += 1;
                match serde_json::from_slice::<Value>(&data) {
                    Ok(message) => read.answered |= self.deliver(message, id).await?,
                    Err(e) => tracing::warn!("the server sent an event that is not JSON ({e}); dropped"),
                }
            }
        }
        Ok(read)
    }

    /// Hands a message to the client, noting the version an `initialize` answer settles on
    /// and the header arguments of listed tools; says whether it answers `id`.
    async fn deliver(&self, message: Value, id: Option<&RequestId>) -> Result<bool, String> {
        let version = message.pointer("/result/protocolVersion").and_then(Value::as_str);
        if let (Some(version), Some(_)) = (version, message.pointer("/result/serverInfo")) {
            *lock(&self.version) = Some(version.to_owned());
        }
        if let Some(Value::Array(tools)) = message.pointer("/result/tools") {
            self.learn_tools(tools);
        }
        let answers = id.is_some_and(|id| {
            message.get("method").is_none() && message.get("id").and_then(RequestId::from_value).as_ref() == Some(id)
        });
        self.to_client.send(message.to_string().into_bytes()).await.map_err(|_| "the client is gone".to_owned())?;
        Ok(answers)
    }

    /// Notes the `x-mcp-header` arguments of listed tools, for the `Mcp-Param-*` headers
    /// of their calls.
    fn learn_tools(&self, tools: &[Value]) {
        let mut known = lock(&self.tool_headers);
        for tool in tools {
            let Some(name) = tool.get("name").and_then(Value::as_str) else { continue };
            match tool.get("inputSchema").map(header_params) {
                Some(Ok(params)) if !params.is_empty() => _ = known.insert(name.to_owned(), params),
                _ => _ = known.remove(name),
            }
        }
    }

    /// The `Mcp-Param-*` headers of a `tools/call`: one per annotated argument present.
    fn argument_headers(&self, method: &str, params: Option<&Value>) -> Vec<(String, String)> {
        let (Some(params), true) = (params, method == Method::ToolsCall.as_str()) else { return Vec::new() };
        let name = params.get("name").and_then(Value::as_str).unwrap_or_default();
        let known = lock(&self.tool_headers);
        let Some(annotated) = known.get(name) else { return Vec::new() };
        annotated
            .iter()
            .filter_map(|param| {
                let value = params.get("arguments")?.get(&param.property)?;
                let text = match (param.kind, value) {
                    (_, Value::Null) => return None,
                    (ParamKind::String, Value::String(s)) => s.clone(),
                    // Of another type, the header is still required (and not compared): the
                    // server's input validation then reports what is wrong.
                    (_, other) => other.to_string(),
                };
                Some((format!("mcp-param-{}", param.header), encode_value(&text)))
            })
            .collect()
    }

    /// Ends the POST of the request a `notifications/cancelled` names.
    fn abort(&self, cancelled: &Value) {
        let id = cancelled.pointer("/params/requestId").and_then(RequestId::from_value);
        if let Some(task) = id.and_then(|id| lock(&self.in_flight).remove(&id)) {
            task.abort();
        }
    }

    /// Opens the GET stream of the session's server messages (once). When it ends or breaks
    /// it is opened again after the server's `retry` delay, resuming after the last event id,
    /// until a refusal (405, ...) or [`MAX_RESUMES`] tries in a row that bring nothing.
    fn start_listening(self: &Arc<Self>) {
        let mut listener = lock(&self.listener);
        if listener.is_some() || lock(&self.session.0).is_none() {
            return;
        }
        let endpoint = self.clone();
        let task = tokio::spawn(async move {
            let mut events = EventReader::new(MAX_MESSAGE);
            let mut fruitless = 0;
            while fruitless <= MAX_RESUMES {
                let last = events.last_id().map(str::to_owned);
                match endpoint.get_stream(last.as_deref()).await {
                    Ok(body) => match endpoint.forward_events(body, &mut events, None).await {
                        Ok(read) if read.delivered > 0 => fruitless = 0,
                        Ok(_) => fruitless += 1,
                        Err(e) => {
                            tracing::debug!("the server's GET stream broke off: {e}");
                            fruitless += 1;
                        }
                    },
                    Err(Resume::Refused(status)) => return tracing::debug!(%status, "no GET stream"),
                    Err(Resume::Failed(e)) => {
                        tracing::debug!("no GET stream: {e}");
                        fruitless += 1;
                    }
                }
                tokio::time::sleep(events.retry().unwrap_or(DEFAULT_RETRY)).await;
            }
        });
        *listener = Some(task.abort_handle());
    }

    fn stop_tasks(&self) {
        if let Some(listener) = lock(&self.listener).take() {
            listener.abort();
        }
        if let Some(legacy) = self.legacy.get() {
            legacy.stop();
        }
        lock(&self.in_flight).drain().for_each(|(_, task)| task.abort());
    }

    /// Ends the session: stops the streams and sends DELETE when the server gave a session.
    async fn close(&self) {
        self.stop_tasks();
        if lock(&self.session.0).is_none() {
            return;
        }
        let bearer = self.bearer().await;
        if let Ok(request) = self.base(hyper::Method::DELETE, bearer.as_deref()).body(Body::empty()) {
            if let Err(e) = self.send(request).await {
                tracing::debug!("DELETE of the session failed: {e}");
            }
        }
    }
}

/// The value of the `Mcp-Name` header a 2026-07-28 request carries, if its method routes by
/// name.
fn routed_name<'a>(method: &str, params: Option<&'a Value>) -> Option<&'a str> {
    let field = Method::from_wire(method)?.name_header_field()?;
    params?.get(field)?.as_str()
}
