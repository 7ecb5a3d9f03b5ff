//! `RequestContext`: what a handler knows about its request and what it can do while it
//! runs: report progress, log, notice cancellation, and ask the client for input on either
//! wire (a server->client request on legacy sessions; `input_required` + replay on
//! 2026-07-28).
//!
//! The context is the boundary's side of the engine: it knows its request, its client and
//! where its messages go, and holds the server only as an opaque handle (the facade turns
//! it back into a [`crate::Server`]), so nothing here depends on dispatch.

use crate::protocol::method::Method;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use crate::auth::AuthInfo;
use crate::deadline::HeldThread;
use crate::error::{HandlerError, ProtocolError, ToolError};
use crate::jsonrpc::{RequestId, encode};
use crate::outbox::Outbox;
use crate::protocol::ListKind;
use crate::protocol::meta::RequestMeta;
use crate::protocol::{
    CreateMessageRequest, CreateMessageResult, ElicitRequest, ElicitResult, InputRequest, ListRootsResult, LogLevel,
    ProtocolVersion, TraceContext,
};
use crate::request_info::HttpRequestInfo;
use crate::session::Session;
use crate::sync::lock;

/// Who sent the request: a legacy session (its negotiated state), or a 2026 request that
/// describes the client itself in `_meta`. Shared, never copied per request.
pub(crate) enum Client {
    /// A legacy session.
    Session(Arc<Session>),
    /// A 2026-07-28 request's `_meta`.
    Request(Arc<RequestMeta>),
}

/// Client input gathered for this run of a handler, and the asks it could not answer.
#[derive(Default)]
pub(crate) struct InputState {
    /// Answers available to this run, by key.
    pub answers: Map<String, Value>,
    /// Application state carried from the previous round (low-level form).
    pub app_state: Option<Value>,
    /// Asks that had no answer, in order.
    pub pending: Mutex<Vec<(String, InputRequest)>>,
    /// Application state to carry into the next round.
    pub next_state: Mutex<Option<Value>>,
    /// The handler handed back its own `input_required` result
    /// ([`RequestContext::hand_back_input_required`]): its requests go out as given.
    pub handed_back: AtomicBool,
    auto_keys: AtomicUsize,
}

impl InputState {
    pub fn new(answers: Map<String, Value>, app_state: Option<Value>) -> InputState {
        InputState { answers, app_state, ..InputState::default() }
    }
}

/// Where a handler run stands with respect to the Tasks extension.
#[derive(Default)]
pub(crate) enum TaskMode {
    /// Not a task, and not about to become one: `start_task` returns at once.
    #[default]
    Off,
    /// 2026-07-28, a tool with [`crate::Tool::defer_task`] called by a client that supports
    /// tasks: `start_task` sets the flag and stops the run; the engine then creates the task.
    Deferred(AtomicBool),
    /// Running as this task.
    Running(Arc<dyn TaskHandle>),
}

/// A running task as its handler's context sees it (implemented by the task store).
pub(crate) trait TaskHandle: Send + Sync {
    /// The task id.
    fn id(&self) -> &str;
    /// 2025-11-25: the task shows `input_required` while its handler waits for the client's
    /// answers (`true`), `working` again after (`false`).
    fn set_input_required(&self, waiting: bool);
}

/// Keeps a task in `input_required` while it lives.
struct Parked<'a>(&'a dyn TaskHandle);

impl Drop for Parked<'_> {
    fn drop(&mut self) {
        self.0.set_input_required(false);
    }
}

/// A request's cancellation token, shared by `Arc`: cloning a `CancellationToken` takes its
/// lock, an `Arc` clone is one atomic increment (a request's token is held by the in-flight
/// table, the router and the handler's context).
pub(crate) type RequestToken = Arc<Cancel>;

/// A request's cancellation: the token, and the reason the client gave when it cancelled
/// the request (`notifications/cancelled`'s `reason`). Reads as the token itself.
#[derive(Default)]
pub(crate) struct Cancel {
    token: CancellationToken,
    reason: std::sync::OnceLock<String>,
}

impl Cancel {
    /// Cancels, keeping `reason` (the first one given) for [`RequestContext::cancel_reason`].
    pub fn cancel_because(&self, reason: Option<&str>) {
        if let Some(r) = reason {
            let _ = self.reason.set(r.to_owned());
        }
        self.token.cancel();
    }
}

impl From<CancellationToken> for Cancel {
    /// A cancellation that trips with `token` (a task's, say).
    fn from(token: CancellationToken) -> Cancel {
        Cancel { token, reason: std::sync::OnceLock::new() }
    }
}

impl std::ops::Deref for Cancel {
    type Target = CancellationToken;

    fn deref(&self) -> &CancellationToken {
        &self.token
    }
}

/// The server a request arrived at, as an opaque handle (see [`RequestContext::server`]):
/// the server holds the registry, which holds the handlers, which take this context, so a
/// typed field would import up a floor (docs/architecture.md). `server.rs` reads it back.
pub(crate) type Host = Arc<dyn std::any::Any + Send + Sync>;

pub(crate) struct ContextInner {
    pub id: RequestId,
    pub version: ProtocolVersion,
    pub client: Client,
    pub meta: Option<Value>,
    pub progress_token: Option<Value>,
    pub last_progress: Mutex<Option<f64>>,
    pub logging_enabled: bool,
    pub cancel: RequestToken,
    /// Set (under this lock) when the request's response is about to be queued; request-scoped
    /// notifications are sent under the same lock, so none can follow the response.
    pub done: Mutex<bool>,
    pub out: Outbox,
    pub input: InputState,
    /// The server (its shared state), opaque here.
    pub host: Host,
    /// The verified caller (HTTP bearer authorization).
    pub auth: Option<Arc<AuthInfo>>,
    /// The HTTP request that carried the message, when one did.
    pub http: Option<Arc<HttpRequestInfo>>,
    /// The Tasks extension's view of this run.
    pub task: TaskMode,
    /// The trace position of the request's span, when OpenTelemetry records it (read when
    /// the context is made: holding the span would keep it open as long as a binding keeps
    /// the context, and a span is exported only once closed).
    pub trace: Option<TraceContext>,
    /// What answers the request at its deadline if its handler holds its thread.
    pub deadline: crate::deadline::Deadline,
}

/// The per-request handle passed to every handler. Cheap to clone; valid after the
/// request ends (late progress and log messages are then dropped).
#[derive(Clone)]
pub struct RequestContext {
    pub(crate) inner: Arc<ContextInner>,
}

impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestContext")
            .field("id", &self.inner.id)
            .field("version", &self.inner.version)
            .finish_non_exhaustive()
    }
}

impl RequestContext {
    /// The JSON-RPC id of the request.
    pub fn request_id(&self) -> &RequestId {
        &self.inner.id
    }

    /// The protocol version of this request (negotiated, or from the 2026 `_meta`).
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.inner.version
    }

    /// The client's capabilities (from `initialize`, or this request's `_meta`).
    pub fn client_capabilities(&self) -> &Value {
        match &self.inner.client {
            Client::Session(s) => &s.client_capabilities,
            Client::Request(m) => &m.client_capabilities,
        }
    }

    /// The client's `Implementation` info, when known.
    pub fn client_info(&self) -> Option<&Value> {
        match &self.inner.client {
            Client::Session(s) => Some(&s.client_info).filter(|v| !v.is_null()),
            Client::Request(m) => m.client_info.as_ref(),
        }
    }

    fn session(&self) -> Option<&Arc<Session>> {
        match &self.inner.client {
            Client::Session(s) => Some(s),
            Client::Request(_) => None,
        }
    }

    /// The legacy session this request belongs to, held weakly (it ends with its
    /// connection); `None` on the 2026-07-28 wire.
    pub(crate) fn session_handle(&self) -> Option<std::sync::Weak<Session>> {
        self.session().map(Arc::downgrade)
    }

    /// The request's `_meta` object, if any.
    pub fn meta(&self) -> Option<&Value> {
        self.inner.meta.as_ref()
    }

    /// The request's progress token, if the client asked for progress.
    pub fn progress_token(&self) -> Option<&Value> {
        self.inner.progress_token.as_ref()
    }

    /// What the caller's bearer token grants, when the request came over HTTP with
    /// authorization enabled ([`crate::HttpOptions::auth`]); `None` otherwise.
    pub fn auth(&self) -> Option<&AuthInfo> {
        self.inner.auth.as_deref()
    }

    /// The id of the legacy session this request belongs to, as its transport named it
    /// (Streamable HTTP's `Mcp-Session-Id`, the HTTP+SSE transport's `sessionId`); `None`
    /// on stdio, in-memory and WebSocket connections and on the 2026-07-28 wire, which has
    /// no sessions.
    pub fn session_id(&self) -> Option<&str> {
        self.session().and_then(|s| s.id())
    }

    /// The HTTP request that carried this request (its headers), when it came over
    /// Streamable HTTP or the HTTP+SSE transport; `None` otherwise. A request that runs as a
    /// task keeps the request that created the task.
    pub fn http_request(&self) -> Option<&HttpRequestInfo> {
        self.inner.http.as_deref()
    }

    /// Where this request sits in a distributed trace, for the handler's own spans and the
    /// calls it makes: the engine's span for the request when OpenTelemetry records it (the
    /// `otel` feature, with export configured by the `OTEL_EXPORTER_OTLP_*` variables), a
    /// child of the client's span; otherwise the client's W3C context from `_meta`
    /// (`traceparent`, `tracestate`) as it arrived; `None` when there is neither.
    pub fn trace_context(&self) -> Option<TraceContext> {
        self.inner.trace.clone().or_else(|| self.inner.meta.as_ref()?.as_object().and_then(TraceContext::from_meta))
    }

    /// The id of the task this handler runs as (Tasks extension on 2026-07-28, task-augmented
    /// `tools/call` on 2025-11-25); `None` for an ordinary request.
    pub fn task_id(&self) -> Option<&str> {
        match &self.inner.task {
            TaskMode::Running(t) => Some(t.id()),
            _ => None,
        }
    }

    /// Becomes a task, for a tool registered with [`crate::Tool::defer_task`]: before this
    /// call the handler runs inside the `tools/call` request (its asks are multi-round-trip
    /// asks of that request); this call ends that run with `Err` (propagate it with `?`), the
    /// client receives the new task, and the handler runs again from the start as the task,
    /// the earlier asks now answered, this call returning `Ok(())`. It also returns `Ok(())`
    /// at once when the call is not going to be a task (the client does not support tasks,
    /// or the tool does not defer).
    pub fn start_task(&self) -> Result<(), HandlerError> {
        match &self.inner.task {
            TaskMode::Deferred(start) => {
                start.store(true, Ordering::Release);
                Err(HandlerError::InputRequired)
            }
            TaskMode::Off | TaskMode::Running(_) => Ok(()),
        }
    }

    /// 2025-11-25 tasks: messages about a task carry `_meta["io.modelcontextprotocol/related-task"]`.
    fn tag_related_task(&self, params: &mut Value) {
        if let (TaskMode::Running(t), false) = (&self.inner.task, self.inner.version.is_modern()) {
            crate::protocol::meta::tag_related(params, t.id());
        }
    }

    /// True once the request was cancelled (by the client, a timeout or shutdown).
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancel.is_cancelled()
    }

    /// Completes when the request is cancelled.
    pub async fn cancelled(&self) {
        self.inner.cancel.cancelled().await;
    }

    /// The request's cancellation token.
    pub fn cancellation_token(&self) -> &CancellationToken {
        &self.inner.cancel
    }

    /// The reason the client gave when it cancelled this request (`notifications/cancelled`'s
    /// `reason`); `None` before, without one, and for a timeout or shutdown.
    pub fn cancel_reason(&self) -> Option<&str> {
        self.inner.cancel.reason.get().map(String::as_str)
    }

    /// Whether this request's handler may hold the thread that polls the request (run a
    /// blocking function right there, as a binding does with a quick synchronous callback)
    /// and the request still gets its timeout answer on time: true when no request timeout
    /// applies, or when the request's connection can answer it from elsewhere (stdio, byte
    /// streams, WebSocket, the in-memory client). False on HTTP and for tasks, where only
    /// the request's own future can answer; such a handler must run its blocking work on
    /// another thread.
    pub fn may_hold_thread(&self) -> bool {
        !matches!(self.inner.deadline, crate::deadline::Deadline::Own)
    }

    /// Tells the engine that this request's handler holds the thread polling the request,
    /// and has since `since`: the request timeout is then answered from another task, at
    /// `since` plus the timeout (the request's own timer cannot run while its future is
    /// held). At that moment, unless the request was answered or cancelled by then, its
    /// token trips (the handler sees [`RequestContext::is_cancelled`]) and the client gets
    /// the timeout error; what the handler returns later is dropped, as for a cancelled
    /// request, and the request's span, metrics and error hook record the timeout when it
    /// returns. Call it from another thread than the held one (a task it spawns from there
    /// could wait behind the handler), inside the server's runtime or with its handle
    /// entered, once the handler has held its thread a while: each call arms a timer, kept
    /// until the deadline or until the returned [`HeldThread`] is dropped (drop it when the
    /// handler gives its thread back). When the held thread is the one that read the request
    /// (a byte stream that polls requests where they arrive), another task takes over
    /// reading the connection, timeout or not. Does nothing when
    /// [`RequestContext::may_hold_thread`] is false.
    pub fn holding_thread(&self, since: std::time::Instant) -> HeldThread {
        match &self.inner.deadline {
            crate::deadline::Deadline::Apart { conn, serial, limit } => {
                conn.clone().held(*serial);
                let Some(limit) = *limit else {
                    return HeldThread::default();
                };
                // A clone of the token itself (a lock, but only for a thread held this long).
                let (id, token) = (self.inner.id.clone(), self.inner.cancel.token.clone());
                conn.clone().answer_at(since + limit, *serial, limit, id, token)
            }
            _ => HeldThread::default(),
        }
    }

    /// Sends a request-scoped notification unless the request has finished or was cancelled.
    fn send_if_live(&self, message: impl FnOnce() -> Vec<u8>) {
        let done = lock(&self.inner.done);
        if !*done && !self.inner.cancel.is_cancelled() {
            // Never waits: a client that does not read loses notifications, not responses.
            self.inner.out.notify(message());
        }
    }

    /// Marks the request finished: later progress and log messages are dropped.
    pub(crate) fn finish(&self) {
        *lock(&self.inner.done) = true;
    }

    /// Sends `notifications/progress` when the client asked for progress. Values that do
    /// not increase are dropped (the spec requires strictly increasing progress).
    pub fn report_progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = &self.inner.progress_token else { return };
        if !progress.is_finite() {
            return;
        }
        {
            let mut last = lock(&self.inner.last_progress);
            if last.is_some_and(|l| progress <= l) {
                return;
            }
            *last = Some(progress);
        }
        let mut params = json!({ "progressToken": token, "progress": progress });
        if let Some(t) = total {
            params["total"] = json!(t);
        }
        if let (Some(m), true) = (message, self.inner.version.has_annotations_and_audio()) {
            params["message"] = json!(m);
        }
        self.tag_related_task(&mut params);
        self.send_if_live(|| encode::notification(Method::Progress.as_str(), &params));
    }

    /// Sends `notifications/message` if the client's level lets it through: on legacy
    /// sessions the `logging/setLevel` level; on 2026-07-28 only when this request's `_meta`
    /// asked for logs, at or above that level.
    pub fn log(&self, level: LogLevel, data: impl Into<Value>, logger: Option<&str>) {
        if !self.inner.logging_enabled {
            return;
        }
        let allowed = match &self.inner.client {
            Client::Session(s) => s.log_allows(level),
            Client::Request(m) => m.log_level.is_some_and(|min| level >= min),
        };
        if !allowed {
            return;
        }
        let mut params = json!({ "level": level, "data": data.into() });
        if let Some(l) = logger {
            params["logger"] = json!(l);
        }
        self.tag_related_task(&mut params);
        self.send_if_live(|| encode::notification(Method::LogMessage.as_str(), &params));
    }

    /// Sends a notification of the application's own `method` (with `params`, or none) on
    /// this request's stream, as the official SDKs' `extra.sendNotification` sends one the
    /// protocol does not define; dropped once the request has finished or was cancelled. The
    /// protocol's own notifications have their methods here (progress, log, list changes).
    pub fn notify(&self, method: &str, params: Option<&Value>) {
        self.send_if_live(|| match params {
            Some(p) => encode::notification(method, p),
            None => encode::bare_notification(method),
        });
    }

    /// Tells this request's client that a list changed (`notifications/..._list_changed`,
    /// without params), on its legacy session only and whatever the server's
    /// `legacy_list_changed`: the official SDKs' `session.send_tool_list_changed()`. On the
    /// 2026-07-28 wire list changes reach clients on their listen streams
    /// ([`crate::Server::notify_tools_changed`] and the like), so nothing is sent here.
    pub fn notify_list_changed(&self, list: ListKind) {
        if matches!(self.inner.client, Client::Session(_)) {
            self.send_if_live(|| encode::bare_notification(list.method()));
        }
    }

    /// Tells this request's client that the resource `uri` changed
    /// (`notifications/resources/updated`), on its legacy session only and whether or not it
    /// subscribed to `uri`: the official SDKs' `session.send_resource_updated(uri)`, which
    /// writes to the session it is called on. [`crate::Server::notify_resource_updated`]
    /// tells the subscribers instead. On the 2026-07-28 wire updates reach clients on their
    /// subscription streams, so nothing is sent here.
    pub fn notify_resource_updated(&self, uri: &str) {
        if matches!(self.inner.client, Client::Session(_)) {
            let params = json!({ "uri": uri });
            self.send_if_live(|| encode::notification(Method::ResourceUpdated.as_str(), &params));
        }
    }

    /// Tells this request's client that the URL-mode elicitation `elicitation_id` finished
    /// (`notifications/elicitation/complete`, 2025-11-25 and later), as the official SDKs'
    /// `session.send_elicit_complete()`; nothing on earlier versions, which have no URL mode.
    pub fn notify_elicitation_complete(&self, elicitation_id: &str) {
        if self.inner.version >= ProtocolVersion::V2025_11_25 {
            let params = json!({ "elicitationId": elicitation_id });
            self.send_if_live(|| encode::notification(Method::ElicitationComplete.as_str(), &params));
        }
    }

    /// Asks the user for input (`elicitation/create`).
    ///
    /// On a legacy session this sends the request and waits for the answer. On the 2026-07-28
    /// wire, a first run returns `Err(HandlerError::InputRequired)` (propagate it with `?`);
    /// the client answers and retries, and the handler runs again from the start, this ask
    /// now returning the answer. Code before an ask must therefore be safe to repeat.
    pub async fn elicit(&self, request: ElicitRequest) -> Result<ElicitResult, HandlerError> {
        let key = self.auto_key("elicitation");
        self.ask_typed(&key, InputRequest::Elicit(request)).await
    }

    /// Asks the client's model for a completion (`sampling/createMessage`); see [`Self::elicit`]
    /// for how it behaves on each wire.
    pub async fn sample(&self, request: CreateMessageRequest) -> Result<CreateMessageResult, HandlerError> {
        let key = self.auto_key("sampling");
        self.ask_typed(&key, InputRequest::Sample(request)).await
    }

    /// Asks the client for its filesystem roots (`roots/list`); see [`Self::elicit`].
    pub async fn list_roots(&self) -> Result<ListRootsResult, HandlerError> {
        let key = self.auto_key("roots");
        self.ask_typed(&key, InputRequest::ListRoots).await
    }

    fn auto_key(&self, kind: &str) -> String {
        let n = self.inner.input.auto_keys.fetch_add(1, Ordering::Relaxed);
        format!("{kind}-{n}")
    }

    async fn ask_typed<T: DeserializeOwned>(&self, key: &str, request: InputRequest) -> Result<T, HandlerError> {
        let v = self.ask(key, request).await?;
        serde_json::from_value(v)
            .map_err(|e| ProtocolError::invalid_params(format!("input response `{key}`: {e}")).into())
    }

    /// Asks for one client input under a key of your choosing and returns the raw answer.
    /// Keys identify asks across rounds on the 2026 wire: use a stable key per ask.
    pub async fn ask(&self, key: &str, request: InputRequest) -> Result<Value, HandlerError> {
        let mut answers = self.ask_all(vec![(key.to_owned(), request)]).await?;
        Ok(answers.pop().unwrap_or(Value::Null))
    }

    /// Asks for several client inputs at once (one round on the 2026 wire; sent together on
    /// legacy sessions) and returns the answers in the same order.
    pub async fn ask_all(&self, requests: Vec<(String, InputRequest)>) -> Result<Vec<Value>, HandlerError> {
        let input = &self.inner.input;
        let modern = self.inner.version.is_modern();
        let mut answers: Vec<Option<Value>> = Vec::with_capacity(requests.len());
        let mut unanswered = Vec::new();
        for (key, req) in &requests {
            if let Some(a) = input.answers.get(key) {
                req.check_answer(a)?;
                answers.push(Some(a.clone()));
                continue;
            }
            if let Some(missing) = req.missing_capability(self.client_capabilities()) {
                return Err(if modern {
                    ProtocolError::missing_client_capability(missing).into()
                } else {
                    ToolError::new(format!(
                        "the client did not declare the capability `{missing}` needed for {}",
                        req.method()
                    ))
                    .into()
                });
            }
            answers.push(None);
            unanswered.push((key.clone(), req.clone()));
        }
        if unanswered.is_empty() {
            return Ok(answers.into_iter().flatten().collect());
        }
        match self.session() {
            Some(session) if !modern => {
                let got = self.ask_session(session, &unanswered).await?;
                let mut got = got.into_iter();
                Ok(answers.into_iter().map(|a| a.or_else(|| got.next()).unwrap_or(Value::Null)).collect())
            }
            _ => {
                lock(&input.pending).extend(unanswered);
                Err(HandlerError::InputRequired)
            }
        }
    }

    /// Legacy wire: sends the requests to the client and waits for every answer.
    pub(crate) async fn ask_session(
        &self,
        session: &Arc<Session>,
        requests: &[(String, InputRequest)],
    ) -> Result<Vec<Value>, HandlerError> {
        // A task waits in `input_required` while the client answers (2025-11-25 tasks).
        let _parked = match &self.inner.task {
            TaskMode::Running(t) => {
                t.set_input_required(true);
                Some(Parked(&**t))
            }
            _ => None,
        };
        let mut sent = Vec::with_capacity(requests.len());
        for (_, r) in requests {
            let mut params = r.params();
            self.tag_related_task(&mut params);
            sent.push(session.send_request(&self.inner.out, r.method(), &params).await);
        }
        let mut out = Vec::with_capacity(sent.len());
        let mut ids: Vec<RequestId> = sent.iter().map(|(id, _)| id.clone()).collect();
        for ((_, rx), (_, req)) in sent.into_iter().zip(requests) {
            let answer = tokio::select! {
                r = rx => match r {
                    Ok(answer) => answer,
                    // The session dropped the waiter: the connection closed before an answer.
                    Err(_) => {
                        return Err(ToolError::new(format!(
                            "the connection closed before the client answered {}",
                            req.method()
                        ))
                        .into());
                    }
                },
                () = self.inner.cancel.cancelled() => {
                    for id in &ids {
                        session.forget_request(id);
                        self.inner.out.notify(encode::notification(
                            Method::Cancelled.as_str(),
                            &json!({ "requestId": id, "reason": "request cancelled" }),
                        ));
                    }
                    return Err(ProtocolError::internal("request cancelled").into());
                }
            };
            ids.remove(0);
            let value = answer.map_err(|e| ToolError {
                refusal: Some(e.clone()),
                ..ToolError::new(format!("the client refused {}: {}", req.method(), e.message))
            })?;
            req.check_answer(&value)?;
            out.push(value);
        }
        Ok(out)
    }

    /// Pings this request's client (`ping`, a server->client request on its legacy session)
    /// and waits for its answer: the official SDKs' `session.send_ping()`. A tool error on
    /// the 2026-07-28 wire (the server asks nothing of the client there but input) and when
    /// the client refuses or the connection closes first; the cancellation error when the
    /// request is cancelled meanwhile.
    pub async fn ping_client(&self) -> Result<(), HandlerError> {
        let Some(session) = self.session().filter(|_| !self.inner.version.is_modern()) else {
            return Err(ToolError::new("ping needs a session of a handshake version (not 2026-07-28)").into());
        };
        let (id, rx) = session.send_request(&self.inner.out, Method::Ping.as_str(), &json!({})).await;
        tokio::select! {
            answer = rx => match answer {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) => Err(ToolError::new(format!("the client refused ping: {}", e.message)).into()),
                Err(_) => Err(ToolError::new("the connection closed before the client answered ping").into()),
            },
            () = self.inner.cancel.cancelled() => {
                session.forget_request(&id);
                Err(ProtocolError::internal("request cancelled").into())
            }
        }
    }

    /// Low-level MRTR: the answers the client sent for this run, by key.
    pub fn input_responses(&self) -> &Map<String, Value> {
        &self.inner.input.answers
    }

    /// Low-level MRTR: the application state carried from the previous round, if any.
    pub fn request_state(&self) -> Option<&Value> {
        self.inner.input.app_state.as_ref()
    }

    /// Low-level MRTR: stop with `input_required`, asking for `requests` and carrying
    /// `state` (sealed by the engine) into the next round. Return the value it gives:
    /// `return Err(ctx.input_required(...))`. On legacy sessions the engine sends the
    /// requests to the client itself and runs the handler again with the answers.
    pub fn input_required(&self, requests: Vec<(String, InputRequest)>, state: Option<Value>) -> HandlerError {
        lock(&self.inner.input.pending).extend(requests);
        *lock(&self.inner.input.next_state) = state;
        HandlerError::InputRequired
    }

    /// Low-level MRTR, the handler's own `input_required` result (what the official SDKs'
    /// handlers return): like [`Self::input_required`], but the requests go to the client as
    /// the handler chose them, without checking them against the client's declared
    /// capabilities, and a session older than 2026-07-28, which has no such result, gets
    /// -32603 `Handler returned an invalid result` instead of the requests.
    pub fn hand_back_input_required(
        &self,
        requests: Vec<(String, InputRequest)>,
        state: Option<Value>,
    ) -> HandlerError {
        self.inner.input.handed_back.store(true, Ordering::Relaxed);
        self.input_required(requests, state)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A context with nowhere to send, for unit tests of what only reads it.

    use super::*;

    /// A context of request `id` on a 2025-11-25 session whose messages are discarded.
    pub(crate) fn detached(id: RequestId) -> RequestContext {
        let version = ProtocolVersion::V2025_11_25;
        let session = Session::new(version, json!({}), json!({}), Outbox::discard());
        RequestContext {
            inner: Arc::new(ContextInner {
                id,
                version,
                client: Client::Session(Arc::new(session)),
                meta: None,
                progress_token: None,
                last_progress: Mutex::new(None),
                logging_enabled: false,
                cancel: Arc::default(),
                done: Mutex::new(false),
                out: Outbox::discard(),
                input: InputState::default(),
                host: Arc::new(()),
                auth: None,
                http: None,
                task: TaskMode::Off,
                trace: None,
                deadline: crate::deadline::Deadline::None,
            }),
        }
    }
}
