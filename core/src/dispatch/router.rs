//! The router: classifies each request's era, applies the capability gates, runs the
//! per-method logic and handlers, and returns the serialized JSON-RPC response.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use super::Outbox;
use super::cancel::RequestToken;
use super::guard::catch_unwind;
use super::mrtr;
use super::notify::ListenFilter;
use crate::auth::AuthInfo;
use crate::context::{Client, ContextInner, InputState, RequestContext, TaskMode};
use crate::dispatch::shared::ServerShared;
use crate::error::{HandlerError, ProtocolError, ToolError, codes};
use crate::handler::{BoxFuture, ToolOutput};
use crate::jsonrpc::{IncomingRequest, RequestId, encode};
use crate::protocol::meta::{self, RequestMeta, SUBSCRIPTION_ID_KEY};
use crate::protocol::{CallToolResult, CompleteRequest, CompletionRef, LogLevel, ProtocolVersion, shaping};
use crate::registry::page;
use crate::registry::{Snapshot, ToolEntry};
use crate::schema;
use crate::session::Session;
use crate::sync::lock;

/// Methods that exist only on the 2026-07-28 wire (so a request naming them is modern even
/// without `_meta`, and fails -32602 for the missing `_meta`).
pub(crate) const MODERN_ONLY: &[&str] = &["server/discover", "subscriptions/listen"];

/// Methods removed in 2026-07-28: -32601 when they arrive modern-shaped.
const LEGACY_ONLY: &[&str] = &[
    "initialize",
    "ping",
    "logging/setLevel",
    "resources/subscribe",
    "resources/unsubscribe",
    "notifications/roots/list_changed",
    "tasks/result",
    "tasks/list",
];

/// Rounds of client input a legacy handler may go through in one request (low-level
/// `input_required` form) before the engine gives up.
const MAX_INPUT_ROUNDS: usize = 16;

/// Where a request came from.
pub(crate) struct Peer {
    /// The legacy session of the connection, once `initialize` happened.
    pub session: Option<Arc<Session>>,
    /// Where request-scoped messages (progress, logs, server->client requests) go.
    pub out: Outbox,
    /// Tripped when the connection or server starts shutting down (ends listen streams).
    pub stopping: CancellationToken,
    /// The verified caller (HTTP bearer authorization), handed to handlers.
    pub auth: Option<Arc<AuthInfo>>,
}

impl Peer {
    /// The authenticated subject: 2026 `requestState` is bound to it.
    fn subject(&self) -> Option<&str> {
        self.auth.as_deref().and_then(|a| a.subject.as_deref())
    }
}

/// The era a request is served in.
#[derive(Clone)]
pub(crate) enum Era {
    /// A legacy session.
    Legacy(Arc<Session>),
    /// The stateless 2026-07-28 wire, with the request's `_meta`.
    Modern(Arc<RequestMeta>),
}

impl Era {
    fn version(&self) -> ProtocolVersion {
        match self {
            Era::Legacy(s) => s.version,
            Era::Modern(_) => ProtocolVersion::V2026_07_28,
        }
    }

    fn is_modern(&self) -> bool {
        matches!(self, Era::Modern(_))
    }
}

/// A finished request: the response line, and messages to send right after it.
pub(crate) struct Outcome {
    /// The serialized JSON-RPC response.
    pub response: Vec<u8>,
    /// Messages that follow the response (a listen stream's closing notice).
    pub trailing: Option<Vec<u8>>,
    /// The JSON-RPC error code when the response is an error (HTTP maps it to a status).
    pub error_code: Option<i64>,
    /// The request was refused because the server was too busy or stopping (HTTP: 503).
    pub busy: bool,
}

impl Outcome {
    /// A successful response with nothing after it.
    pub fn ok(response: Vec<u8>) -> Outcome {
        Outcome { response, trailing: None, error_code: None, busy: false }
    }
}

/// What the method logic produced: a serialized result object, or an error.
type Reply = Result<Vec<u8>, ProtocolError>;

/// Serves one request end to end. `cancel` is the request's token (tripped by the client,
/// a timeout or shutdown); `meta` is its `_meta` when the transport already read it.
pub(crate) async fn handle(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    req: IncomingRequest,
    meta: Option<Arc<RequestMeta>>,
    cancel: RequestToken,
) -> Outcome {
    let id = req.id.clone();
    let looks_modern =
        meta.is_some() || meta::is_modern_shaped(req.params.as_ref()) || MODERN_ONLY.contains(&req.method.as_str());
    let mut trailing = None;
    let (modern, reply) = match classify(shared, peer, &req, meta) {
        Err(e) => (looks_modern, Err(e)),
        Ok(None) => (false, Ok(b"{}".to_vec())),
        Ok(Some(era)) => {
            let modern = era.is_modern();
            let is_listen = req.method == "subscriptions/listen";
            // Boxed: the route future is moved through the guards below, and a large
            // future moved inside another is stored more than once.
            let routed: Routed<'_> = Box::pin(catch_unwind(route(shared, peer, era, req, &cancel, &mut trailing)));
            let reply = match shared.limits.request_timeout.filter(|_| !is_listen) {
                Some(limit) => {
                    let mut guarded = std::pin::pin!(guarded(routed, &cancel, &id));
                    match tokio::time::timeout(limit, guarded.as_mut()).await {
                        Ok(r) => r,
                        Err(_) => {
                            // Trip the token before dropping the handler, and poll it once more
                            // so it sees the cancellation (that poll ends: the token is tripped).
                            cancel.cancel();
                            let _ = guarded.await;
                            Err(ProtocolError::internal(format!("request timed out after {} ms", limit.as_millis()))
                                .with_data(json!({ "timeoutMs": limit.as_millis() as u64 })))
                        }
                    }
                }
                None => guarded(routed, &cancel, &id).await,
            };
            (modern, reply)
        }
    };
    let mut error_code = None;
    let response = match reply {
        Ok(result) => encode::response_raw(&id, &result),
        Err(mut e) => {
            if modern && (e.code == codes::RESOURCE_NOT_FOUND || e.code == codes::URL_ELICITATION_REQUIRED) {
                // 2026-07-28 servers must not emit the legacy codes.
                e.code = codes::INVALID_PARAMS;
            }
            error_code = Some(e.code);
            encode::error(Some(&id), &e, false)
        }
    };
    Outcome { response, trailing, error_code, busy: false }
}

/// The routed request: the method logic wrapped in panic isolation.
type Routed<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Reply, String>> + Send + 'a>>;

/// Runs the routed request until it finishes or its token trips. `biased`: when the token
/// trips, the handler is polled first, so its own reaction to `ctx.cancelled()` (cleanup,
/// the `notifications/cancelled` for a pending server->client request) runs before it is
/// dropped.
async fn guarded(routed: Routed<'_>, cancel: &CancellationToken, id: &RequestId) -> Reply {
    tokio::select! {
        biased;
        r = routed => r.unwrap_or_else(|msg| {
            tracing::error!(request = %id, panic = %msg, "handler panicked");
            Err(ProtocolError::internal("the handler failed unexpectedly"))
        }),
        () = cancel.cancelled() => Err(ProtocolError::internal("request cancelled")),
    }
}

/// Decides the era. `Ok(None)`: a `ping` outside any session, answered `{}`.
fn classify(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    req: &IncomingRequest,
    known: Option<Arc<RequestMeta>>,
) -> Result<Option<Era>, ProtocolError> {
    let params = req.params.as_ref();
    let method = req.method.as_str();
    if known.is_some() || meta::is_modern_shaped(params) || MODERN_ONLY.contains(&method) {
        let meta = match known {
            Some(m) => m,
            None => Arc::new(RequestMeta::from_params(params)?),
        };
        let supported = ProtocolVersion::parse(&meta.protocol_version)
            .filter(|v| v.is_modern() && shared.versions.contains(v))
            .is_some();
        if !supported {
            let all = shared.version_strings();
            return Err(ProtocolError::unsupported_version(&all, &meta.protocol_version));
        }
        if LEGACY_ONLY.contains(&method) {
            return Err(ProtocolError::method_not_found(method));
        }
        return Ok(Some(Era::Modern(meta)));
    }
    match &peer.session {
        Some(s) => Ok(Some(Era::Legacy(s.clone()))),
        None if method == "ping" => Ok(None),
        None => Err(ProtocolError::invalid_request(
            "no session: send `initialize` first, or put the protocol version in `params._meta` (2026-07-28)",
        )),
    }
}

/// The server capabilities for `version`, following what is registered.
pub(crate) fn capabilities(shared: &ServerShared, snap: &Snapshot, version: ProtocolVersion) -> Value {
    let mut caps = Map::new();
    if shared.has_tools(snap) {
        caps.insert("tools".into(), json!({ "listChanged": true }));
    }
    if shared.has_resources(snap) {
        caps.insert("resources".into(), json!({ "subscribe": true, "listChanged": true }));
    }
    if shared.has_prompts(snap) {
        caps.insert("prompts".into(), json!({ "listChanged": true }));
    }
    if shared.logging {
        caps.insert("logging".into(), json!({}));
    }
    if version.has_annotations_and_audio() && !snap.completions.is_empty() {
        caps.insert("completions".into(), json!({}));
    }
    if let Some(e) = &shared.experimental {
        caps.insert("experimental".into(), e.clone());
    }
    if let Some(e) = shared.extensions.as_ref().filter(|_| version.is_modern()) {
        caps.insert("extensions".into(), e.clone());
    }
    crate::tasks::advertise(shared, snap, version, &mut caps);
    Value::Object(caps)
}

/// Serializes a result object; on the 2026 wire adds `resultType`, the server's identity in
/// `_meta`, and (for cacheable results) `ttlMs`/`cacheScope`.
fn finish<T: Serialize>(shared: &ServerShared, modern: bool, cacheable: bool, result: &T) -> Reply {
    let mut bytes = serde_json::to_vec(result).map_err(ProtocolError::internal)?;
    if !modern {
        return Ok(bytes);
    }
    if bytes.last() != Some(&b'}') {
        return Err(ProtocolError::internal("result is not an object"));
    }
    bytes.pop();
    if bytes.len() > 1 {
        bytes.push(b',');
    }
    bytes.extend_from_slice(&shared.modern_suffix);
    if cacheable {
        bytes.push(b',');
        bytes.extend_from_slice(&shared.cache_suffix);
    }
    bytes.push(b'}');
    Ok(bytes)
}

/// Like [`finish`] for a result built as a JSON value, which may carry its own `_meta`
/// (merged with the server's) or its own `resultType` (kept).
pub(crate) fn finish_value(shared: &ServerShared, modern: bool, cacheable: bool, mut result: Value) -> Reply {
    if let (true, Some(obj)) = (modern, result.as_object_mut()) {
        obj.entry("resultType").or_insert_with(|| json!("complete"));
        let meta = obj.entry("_meta").or_insert_with(|| json!({}));
        if let Some(m) = meta.as_object_mut() {
            m.insert(meta::SERVER_INFO_KEY.into(), shared.info.clone());
        }
        if cacheable {
            obj.insert("ttlMs".into(), json!(shared.cache_ttl_ms));
            obj.insert("cacheScope".into(), json!(shared.cache_scope));
        }
    }
    serde_json::to_vec(&result).map_err(ProtocolError::internal)
}

fn gate(enabled: bool, method: &str) -> Result<(), ProtocolError> {
    if enabled { Ok(()) } else { Err(ProtocolError::method_not_found(method)) }
}

fn legacy_session(era: &Era, method: &str) -> Result<Arc<Session>, ProtocolError> {
    match era {
        Era::Legacy(s) => Ok(s.clone()),
        Era::Modern(_) => Err(ProtocolError::method_not_found(method)),
    }
}

fn str_param<'a>(params: &'a Map<String, Value>, key: &str) -> Result<&'a str, ProtocolError> {
    params
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| ProtocolError::invalid_params(format!("`{key}` must be a string")))
}

async fn route(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: Era,
    req: IncomingRequest,
    cancel: &RequestToken,
    trailing: &mut Option<Vec<u8>>,
) -> Reply {
    let snap = shared.registry.snapshot();
    let method = req.method.as_str();
    match method {
        "ping" => Ok(b"{}".to_vec()),
        "initialize" => Err(ProtocolError::invalid_request("the session is already initialized")),
        "server/discover" => {
            let mut result = json!({
                "supportedVersions": shared.version_strings(),
                "capabilities": capabilities(shared, &snap, era.version()),
            });
            if let Some(i) = &shared.instructions {
                result["instructions"] = json!(i);
            }
            finish(shared, true, true, &result)
        }
        "tools/list" => {
            gate(shared.has_tools(&snap), method)?;
            list(shared, &era, req.params.as_ref(), &snap.tools, "tools")
        }
        "tools/call" => {
            gate(shared.has_tools(&snap), method)?;
            Box::pin(call_tool(shared, peer, &era, req, cancel, &snap)).await
        }
        "resources/list" => {
            gate(shared.has_resources(&snap), method)?;
            list(shared, &era, req.params.as_ref(), &snap.resources, "resources")
        }
        "resources/templates/list" => {
            gate(shared.has_resources(&snap), method)?;
            list(shared, &era, req.params.as_ref(), &snap.templates, "resourceTemplates")
        }
        "resources/read" => {
            gate(shared.has_resources(&snap), method)?;
            Box::pin(read_resource(shared, peer, &era, req, cancel, &snap)).await
        }
        "resources/subscribe" | "resources/unsubscribe" => {
            let session = legacy_session(&era, method)?;
            gate(shared.has_resources(&snap), method)?;
            let params = req.params.unwrap_or_default();
            let uri = str_param(&params, "uri")?;
            if method == "resources/subscribe" {
                session.subscribe(uri.to_owned());
            } else {
                session.unsubscribe(uri);
            }
            Ok(b"{}".to_vec())
        }
        "prompts/list" => {
            gate(shared.has_prompts(&snap), method)?;
            list(shared, &era, req.params.as_ref(), &snap.prompts, "prompts")
        }
        "prompts/get" => {
            gate(shared.has_prompts(&snap), method)?;
            Box::pin(get_prompt(shared, peer, &era, req, cancel, &snap)).await
        }
        "completion/complete" => {
            let v = era.version();
            gate(!v.has_annotations_and_audio() || !snap.completions.is_empty(), method)?;
            Box::pin(complete(shared, peer, &era, req, cancel, &snap)).await
        }
        "logging/setLevel" => {
            let session = legacy_session(&era, method)?;
            gate(shared.logging, method)?;
            let params = req.params.unwrap_or_default();
            let level = str_param(&params, "level")?;
            let level = LogLevel::parse(level)
                .ok_or_else(|| ProtocolError::invalid_params(format!("unknown log level `{level}`")))?;
            session.set_log_level(level);
            Ok(b"{}".to_vec())
        }
        "subscriptions/listen" => Box::pin(listen(shared, peer, &snap, req, cancel, trailing)).await,
        m if m.starts_with("tasks/") => {
            let call =
                crate::tasks::methods::TasksCall { shared, era: &era, snap: &snap, subject: peer.subject(), cancel };
            Box::pin(crate::tasks::methods::route(call, method, req.params)).await
        }
        _ => Err(ProtocolError::method_not_found(method)),
    }
}

/// A paginated `*/list` result, served from the catalog's page cache.
fn list<T: crate::registry::catalog::Listed>(
    shared: &ServerShared,
    era: &Era,
    params: Option<&Map<String, Value>>,
    catalog: &crate::registry::Catalog<T>,
    field: &str,
) -> Reply {
    let offset = match params.and_then(|p| p.get("cursor")) {
        None | Some(Value::Null) => 0,
        Some(Value::String(c)) => page::decode(c, catalog.len())?,
        Some(_) => return Err(ProtocolError::invalid_params("`cursor` must be a string")),
    };
    let modern = era.is_modern();
    let mut failed = None;
    let bytes = catalog.page(era.version(), offset, shared.limits.page_size, |items, next| {
        let mut result = Map::new();
        result.insert(field.into(), Value::Array(items));
        if let Some(n) = next {
            result.insert("nextCursor".into(), json!(page::encode(n)));
        }
        finish(shared, modern, true, &result).unwrap_or_else(|e| {
            failed = Some(e);
            Vec::new()
        })
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(bytes.as_ref().clone()),
    }
}

/// Builds a handler's context.
pub(crate) fn context(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: &Era,
    id: &RequestId,
    params: Option<&Map<String, Value>>,
    cancel: &RequestToken,
    input: InputState,
) -> RequestContext {
    let client = match era {
        Era::Legacy(s) => Client::Session(s.clone()),
        Era::Modern(m) => Client::Request(m.clone()),
    };
    RequestContext {
        inner: Arc::new(ContextInner {
            id: id.clone(),
            version: era.version(),
            client,
            meta: params.and_then(|p| p.get("_meta")).cloned(),
            progress_token: meta::progress_token(params),
            last_progress: std::sync::Mutex::new(None),
            logging_enabled: shared.logging,
            cancel: cancel.clone(),
            done: std::sync::Mutex::new(false),
            out: peer.out.clone(),
            input,
            host: shared.clone(),
            auth: peer.auth.clone(),
            task: TaskMode::Off,
        }),
    }
}

/// How a handler run ended.
enum Rounds<T> {
    /// The handler finished (successfully or not).
    Done(Result<T, HandlerError>),
    /// 2026 wire: the handler waits for client input; the serialized `input_required` result.
    InputRequired(Vec<u8>),
}

/// Everything a handler run needs besides the handler itself.
struct RunSpec<'a> {
    shared: &'a Arc<ServerShared>,
    peer: &'a Peer,
    era: &'a Era,
    id: &'a RequestId,
    params: &'a Map<String, Value>,
    cancel: &'a RequestToken,
    method: &'static str,
    bind: &'a [&'a Value],
}

/// Runs a handler, going through the rounds of client input: on the 2026 wire an
/// unanswered ask ends the request with `input_required`; on legacy sessions the low-level
/// form's requests are sent to the client and the handler runs again with the answers.
async fn run_rounds<T>(
    spec: RunSpec<'_>,
    mut input: InputState,
    mut call: impl FnMut(RequestContext) -> BoxFuture<'static, Result<T, HandlerError>>,
) -> Result<Rounds<T>, ProtocolError> {
    for _ in 0..MAX_INPUT_ROUNDS {
        let ctx = context(spec.shared, spec.peer, spec.era, spec.id, Some(spec.params), spec.cancel, input);
        let result = call(ctx.clone()).await;
        ctx.finish();
        let state = &ctx.inner.input;
        let asked = !lock(&state.pending).is_empty();
        if !asked && !matches!(result, Err(HandlerError::InputRequired)) {
            return Ok(Rounds::Done(result));
        }
        // The low-level form (`ctx.input_required`) skips the check `ask_all` makes: never
        // ask a client for what it did not declare (-32021 on the 2026 wire, a tool error
        // on legacy sessions, as for `ask_all`).
        let missing = lock(&state.pending)
            .iter()
            .find_map(|(_, r)| r.missing_capability(ctx.client_capabilities()).map(|m| (m, r.method())));
        if let Some((missing, method)) = missing {
            return match spec.era {
                Era::Modern(_) => Err(ProtocolError::missing_client_capability(missing)),
                Era::Legacy(_) => Ok(Rounds::Done(Err(ToolError::new(format!(
                    "the client did not declare the capability `{missing}` needed for {method}"
                ))
                .into()))),
            };
        }
        match spec.era {
            Era::Modern(_) => {
                let v = mrtr::input_required(&spec.shared.sealer, spec.method, spec.bind, spec.peer.subject(), state);
                return finish_value(spec.shared, true, false, v).map(Rounds::InputRequired);
            }
            Era::Legacy(session) => {
                let pending = std::mem::take(&mut *lock(&state.pending));
                if pending.is_empty() {
                    return Err(ProtocolError::internal("the handler asked for client input without saying what"));
                }
                let answers = match Box::pin(ctx.ask_session(session, &pending)).await {
                    Ok(a) => a,
                    Err(e) => return Ok(Rounds::Done(Err(e))),
                };
                let mut all = state.answers.clone();
                for ((key, _), answer) in pending.into_iter().zip(answers) {
                    all.insert(key, answer);
                }
                input = InputState::new(all, lock(&state.next_state).take());
            }
        }
    }
    tracing::warn!(request = %spec.id, "too many rounds of client input");
    Err(ProtocolError::internal("too many rounds of client input"))
}

/// Maps a handler failure of a non-tool method to a JSON-RPC error.
fn non_tool_error(e: HandlerError) -> ProtocolError {
    e.into_protocol_error()
}

/// A validated `tools/call`, ready to run. Built by synchronous code so the request's
/// future holds only this across its await.
struct ToolCall {
    tool: Arc<ToolEntry>,
    /// The tool name as JSON (bound into a 2026 `requestState` with the arguments).
    name: Value,
    args: Value,
    params: Map<String, Value>,
    input: InputState,
}

/// Looks the tool up and validates its arguments. `Ok(Err(bytes))`: the arguments failed
/// the schema on a version that reports that as an `isError` result.
fn prepare_tool_call(
    shared: &ServerShared,
    era: &Era,
    params: Option<Map<String, Value>>,
    snap: &Snapshot,
    subject: Option<&str>,
) -> Result<Result<ToolCall, Vec<u8>>, ProtocolError> {
    let mut params = params.unwrap_or_default();
    let name = match params.remove("name") {
        Some(n @ Value::String(_)) => n,
        _ => return Err(ProtocolError::invalid_params("`name` must be a string")),
    };
    let name_str = name.as_str().unwrap_or_default();
    let tool = snap
        .tools
        .get(name_str)
        .cloned()
        .ok_or_else(|| ProtocolError::invalid_params(format!("Unknown tool: {name_str}")))?;
    let args = match params.remove("arguments") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(a @ Value::Object(_)) => a,
        Some(_) => return Err(ProtocolError::invalid_params("`arguments` must be an object")),
    };
    if let Err(violations) = tool.input.validate(&args) {
        let detail = schema::describe(&violations);
        if era.version().input_errors_are_tool_results() {
            let r = CallToolResult::error(format!("Invalid arguments for tool {name_str}: {detail}"));
            return finish(shared, era.is_modern(), false, &r).map(Err);
        }
        let errors: Vec<Value> = violations.iter().map(|v| json!({ "path": v.path, "message": v.message })).collect();
        return Err(ProtocolError::invalid_params(format!("invalid arguments for tool {name_str}: {detail}"))
            .with_data(json!({ "errors": errors })));
    }
    let input = if era.is_modern() {
        mrtr::read_input(&shared.sealer, "tools/call", &[&name, &args], subject, &mut params)?
    } else {
        InputState::default()
    };
    Ok(Ok(ToolCall { tool, name, args, params, input }))
}

async fn call_tool(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: &Era,
    req: IncomingRequest,
    cancel: &RequestToken,
    snap: &Snapshot,
) -> Reply {
    let IncomingRequest { id, params, .. } = req;
    let ToolCall { tool, name, args, params, input } =
        match prepare_tool_call(shared, era, params, snap, peer.subject())? {
            Ok(call) => call,
            Err(done) => return Ok(done),
        };
    // The Tasks extension (2026) / task-augmented calls (2025-11-25): run as a task, or refuse.
    let call = crate::tasks::call::TaskCall {
        shared,
        peer,
        era,
        id: &id,
        tool: &tool,
        name: &name,
        args: &args,
        params: &params,
        cancel,
        snap,
        subject: peer.subject(),
    };
    let input = match crate::tasks::call::intercept(call, input).await? {
        crate::tasks::call::Intercept::Sync(input) => input,
        crate::tasks::call::Intercept::Reply(bytes) => return Ok(bytes),
    };
    let bind = [&name, &args];
    let spec = RunSpec { shared, peer, era, id: &id, params: &params, cancel, method: "tools/call", bind: &bind };
    let handler = &tool.handler;
    let rounds = run_rounds(spec, input, |ctx| handler.call(ctx, args.clone())).await?;
    match rounds {
        Rounds::InputRequired(bytes) => Ok(bytes),
        Rounds::Done(output) => finish_tool_call(shared, era, &tool, output),
    }
}

/// Turns a finished tool run into the serialized result: plain values mapped, tool errors
/// as `isError` results, structured output checked against the `outputSchema`, then shaped
/// for the version.
pub(crate) fn finish_tool_call(
    shared: &ServerShared,
    era: &Era,
    tool: &ToolEntry,
    output: Result<ToolOutput, HandlerError>,
) -> Reply {
    let name = &tool.def.name;
    let mut result = match output {
        Ok(out) => tool_result(tool, out),
        Err(HandlerError::Tool(e)) => {
            let mut r = CallToolResult::error(e.message);
            if tool.output.is_none() {
                r.structured_content = e.data;
            }
            r
        }
        Err(HandlerError::Protocol(p)) => return Err(p),
        Err(HandlerError::InputRequired) => {
            return Err(ProtocolError::internal("client input was required but could not be requested"));
        }
    };
    if let (false, Some(schema)) = (result.is_error, &tool.output) {
        let checked = match &result.structured_content {
            Some(sc) => schema.validate(sc).map_err(|v| schema::describe(&v)),
            None => Err("the result has no structuredContent".to_owned()),
        };
        if let Err(detail) = checked {
            tracing::error!(tool = %name, %detail, "tool output does not match its outputSchema");
            return Err(ProtocolError::internal(format!(
                "tool {name} returned output that does not match its outputSchema: {detail}"
            )));
        }
    }
    shaping::call_result(&mut result, era.version());
    if result.meta.is_some() {
        let v = serde_json::to_value(&result).map_err(ProtocolError::internal)?;
        return finish_value(shared, era.is_modern(), false, v);
    }
    finish(shared, era.is_modern(), false, &result)
}

/// Turns a tool's output into a `CallToolResult` (plain values per [`ToolOutput`]).
fn tool_result(tool: &ToolEntry, out: ToolOutput) -> CallToolResult {
    match out {
        ToolOutput::Result(r) => r,
        ToolOutput::Value(v) if tool.output.is_some() => CallToolResult::structured(v),
        ToolOutput::Value(Value::String(s)) => CallToolResult::text(s),
        ToolOutput::Value(v) => CallToolResult::text(v.to_string()),
    }
}

async fn get_prompt(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: &Era,
    req: IncomingRequest,
    cancel: &RequestToken,
    snap: &Snapshot,
) -> Reply {
    let version = era.version();
    let mut params = req.params.unwrap_or_default();
    let name = str_param(&params, "name")?.to_owned();
    let prompt = snap
        .prompts
        .get(&name)
        .cloned()
        .ok_or_else(|| ProtocolError::invalid_params(format!("Unknown prompt: {name}")))?;
    let raw_args = match params.remove("arguments") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(ProtocolError::invalid_params("`arguments` must be an object of strings")),
    };
    let mut args = BTreeMap::new();
    for (k, v) in &raw_args {
        match v {
            Value::String(s) => {
                args.insert(k.clone(), s.clone());
            }
            _ => return Err(ProtocolError::invalid_params(format!("prompt argument `{k}` must be a string"))),
        }
    }
    if let Some(missing) = prompt.def.arguments.iter().find(|a| a.required && !args.contains_key(&a.name)) {
        return Err(ProtocolError::invalid_params(format!(
            "Missing required argument `{}` for prompt {name}",
            missing.name
        )));
    }
    let name_v = Value::String(name);
    let args_v = Value::Object(raw_args);
    let bind = [&name_v, &args_v];
    let input = if era.is_modern() {
        mrtr::read_input(&shared.sealer, "prompts/get", &bind, peer.subject(), &mut params)?
    } else {
        InputState::default()
    };
    let spec = RunSpec { shared, peer, era, id: &req.id, params: &params, cancel, method: "prompts/get", bind: &bind };
    let handler = prompt.handler.clone();
    let rounds = run_rounds(spec, input, |ctx| handler.get(ctx, args.clone())).await?;
    let mut result = match rounds {
        Rounds::InputRequired(bytes) => return Ok(bytes),
        Rounds::Done(r) => r.map_err(non_tool_error)?,
    };
    for m in &mut result.messages {
        shaping::content(&mut m.content, version);
    }
    let v = serde_json::to_value(&result).map_err(ProtocolError::internal)?;
    finish_value(shared, era.is_modern(), false, v)
}

async fn read_resource(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: &Era,
    req: IncomingRequest,
    cancel: &RequestToken,
    snap: &Snapshot,
) -> Reply {
    let mut params = req.params.unwrap_or_default();
    let uri = str_param(&params, "uri")?.to_owned();
    let (handler, vars) = if let Some(r) = snap.resources.get(&uri) {
        (r.handler.clone(), BTreeMap::new())
    } else if let Some((t, vars)) = snap.match_template(&uri) {
        (t.handler.clone(), vars)
    } else {
        return Err(ProtocolError::resource_not_found(&uri));
    };
    let uri_v = Value::String(uri.clone());
    let bind = [&uri_v];
    let input = if era.is_modern() {
        mrtr::read_input(&shared.sealer, "resources/read", &bind, peer.subject(), &mut params)?
    } else {
        InputState::default()
    };
    let spec =
        RunSpec { shared, peer, era, id: &req.id, params: &params, cancel, method: "resources/read", bind: &bind };
    let rounds = run_rounds(spec, input, |ctx| handler.read(ctx, uri.clone(), vars.clone())).await?;
    let mut contents = match rounds {
        Rounds::InputRequired(bytes) => return Ok(bytes),
        Rounds::Done(r) => r.map_err(non_tool_error)?,
    };
    if contents.is_empty() {
        return Err(ProtocolError::resource_not_found(&uri));
    }
    if !era.version().has_structured_output() {
        for c in &mut contents {
            c.meta = None;
        }
    }
    finish(shared, era.is_modern(), true, &json!({ "contents": contents }))
}

async fn complete(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: &Era,
    req: IncomingRequest,
    cancel: &RequestToken,
    snap: &Snapshot,
) -> Reply {
    let params = req.params.unwrap_or_default();
    let reference: CompletionRef =
        params.get("ref").cloned().and_then(|r| serde_json::from_value(r).ok()).ok_or_else(|| {
            ProtocolError::invalid_params("`ref` must be {type: \"ref/prompt\", name} or {type: \"ref/resource\", uri}")
        })?;
    let argument = params
        .get("argument")
        .and_then(Value::as_object)
        .ok_or_else(|| ProtocolError::invalid_params("`argument` must be an object"))?;
    let arg_name = str_param(argument, "name")?.to_owned();
    let value = argument.get("value").and_then(Value::as_str).unwrap_or_default().to_owned();
    let context_args = params
        .get("context")
        .and_then(|c| c.get("arguments"))
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect())
        .unwrap_or_default();
    let mut completion = match snap.completions.get(&reference) {
        Some(h) => {
            let ctx = context(shared, peer, era, &req.id, Some(&params), cancel, InputState::default());
            let request = CompleteRequest { reference, argument: arg_name, value, context: context_args };
            h.complete(ctx, request).await?
        }
        None => crate::protocol::Completion::default(),
    };
    if completion.values.len() > 100 {
        let total = completion.total.unwrap_or(completion.values.len() as u64);
        completion.values.truncate(100);
        completion.total = Some(total);
        completion.has_more = Some(true);
    }
    finish(shared, era.is_modern(), false, &json!({ "completion": completion }))
}

/// `subscriptions/listen`: acknowledge, then stream what the client opted into until it
/// cancels or the server stops.
async fn listen(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    snap: &Snapshot,
    req: IncomingRequest,
    cancel: &RequestToken,
    trailing: &mut Option<Vec<u8>>,
) -> Reply {
    let params = req.params.unwrap_or_default();
    let wanted = params.get("notifications").and_then(Value::as_object).cloned().unwrap_or_default();
    let flag = |k: &str| wanted.get(k).and_then(Value::as_bool).unwrap_or(false);
    let task_ids = crate::tasks::listen_task_ids(shared, snap, &params, &wanted, peer.subject())?;
    let filter = ListenFilter {
        task_ids,
        tools: flag("toolsListChanged") && shared.has_tools(snap),
        prompts: flag("promptsListChanged") && shared.has_prompts(snap),
        resources: flag("resourcesListChanged") && shared.has_resources(snap),
        resource_uris: if shared.has_resources(snap) {
            wanted
                .get("resourceSubscriptions")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        },
    };
    let ack = json!({ "_meta": { SUBSCRIPTION_ID_KEY: req.id }, "notifications": filter.to_json() });
    let ack = encode::notification("notifications/subscriptions/acknowledged", &ack);
    let _guard = shared.hub.add_listener(req.id.clone(), filter, peer.out.clone(), cancel.clone(), ack);
    tokio::select! {
        () = cancel.cancelled() => Err(ProtocolError::internal("subscription cancelled")),
        () = peer.stopping.cancelled() => {
            *trailing = Some(encode::notification(
                "notifications/cancelled",
                &json!({ "requestId": req.id, "reason": "server shutting down" }),
            ));
            let mut meta = Map::new();
            meta.insert(SUBSCRIPTION_ID_KEY.into(), req.id.to_value());
            meta.insert(meta::SERVER_INFO_KEY.into(), shared.info.clone());
            serde_json::to_vec(&json!({ "resultType": "complete", "_meta": meta })).map_err(ProtocolError::internal)
        }
    }
}
