//! The router: classifies each request's era (the stateless 2026 wire or the connection's
//! legacy session), applies the capability gates, and hands the request to its method
//! family (`methods/`); the answer comes back as one serialized JSON-RPC response.

use std::sync::Arc;

use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use crate::auth::AuthInfo;
use crate::catalogue::Kind;
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::capabilities::capabilities;
use crate::dispatch::chain;
use crate::dispatch::guard::catch_unwind;
use crate::dispatch::methods;
use crate::dispatch::metrics::Reveal;
use crate::dispatch::rate_limit::ClientKey;
use crate::dispatch::reply::finish;
use crate::dispatch::shared::ServerShared;
use crate::dispatch::visibility::Sight;
use crate::error::{ProtocolError, codes};
use crate::error_hook::{self, Failure, FailureKind};
use crate::jsonrpc::{IncomingRequest, encode};
use crate::outbox::Outbox;
use crate::protocol::meta::{self, RequestMeta};
use crate::protocol::{LogLevel, ProtocolVersion};
use crate::registry::Snapshot;
use crate::request_info::HttpRequestInfo;
use crate::session::{Session, StateChange};

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

/// Where a request came from.
#[derive(Clone)]
pub(crate) struct Peer {
    /// The legacy session of the connection, once `initialize` happened.
    pub session: Option<Arc<Session>>,
    /// Where request-scoped messages (progress, logs, server->client requests) go.
    pub out: Outbox,
    /// Tripped when the connection or server starts shutting down (ends listen streams).
    /// Shared, not cloned: cloning a token locks it, and a peer is made for every request.
    pub stopping: Arc<CancellationToken>,
    /// The verified caller (HTTP bearer authorization), handed to handlers.
    pub auth: Option<Arc<AuthInfo>>,
    /// The HTTP request that carried the message, handed to handlers.
    pub http: Option<Arc<HttpRequestInfo>>,
    /// Who an HTTP request without a session of its own counts against for rate limits when
    /// it carries no verified subject (see [`Peer::client_key`]).
    pub client: Option<ClientKey>,
    /// The connection's serial number (0 for work that runs detached from one, such as a
    /// task): the client of last resort for rate limits.
    pub conn: u64,
    /// Under a catalogue hook with metrics on: tells the request's metrics that it was shown
    /// the item it names (see [`Peer::reveal`]).
    pub revealed: Option<Arc<Reveal>>,
}

impl Peer {
    /// The request was shown the registered item it names, labelled `name` in the metrics
    /// (a tool or prompt name, a resource URI or the template a URI matched): until then a
    /// request under a catalogue hook counts as `unknown`, so metrics never name what the
    /// hook hides.
    pub(crate) fn reveal(&self, name: &str) {
        if let Some(r) = &self.revealed {
            r.reveal(name);
        }
    }

    /// The authenticated subject: 2026 `requestState` is bound to it.
    pub(crate) fn subject(&self) -> Option<&str> {
        self.auth.as_deref().and_then(|a| a.subject.as_deref())
    }

    /// Who the request counts against for rate limits: the verified subject (its
    /// fingerprint), else an HTTP request's own client (its address, when it has no
    /// session), else the legacy session, else the connection. Never an address in memory:
    /// a client that comes later never inherits another's buckets.
    pub(crate) fn client_key(&self) -> ClientKey {
        match (self.subject(), self.client, &self.session) {
            (Some(subject), _, _) => ClientKey::subject(subject),
            (None, Some(client), _) => client,
            (None, None, Some(session)) => ClientKey::Session(session.serial()),
            (None, None, None) => ClientKey::Connection(self.conn),
        }
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
    pub(crate) fn version(&self) -> ProtocolVersion {
        match self {
            Era::Legacy(s) => s.version,
            Era::Modern(_) => ProtocolVersion::V2026_07_28,
        }
    }

    pub(crate) fn is_modern(&self) -> bool {
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
pub(crate) type Reply = Result<Vec<u8>, ProtocolError>;

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
    let known = meta.is_some();
    let mut trailing = None;
    let (modern, reply) = match classify(shared, peer, &req, meta) {
        Err(e) => {
            let looks_modern =
                known || meta::is_modern_shaped(req.params.as_ref()) || MODERN_ONLY.contains(&req.method.as_str());
            (looks_modern, Err(e))
        }
        Ok(None) => (false, Ok(b"{}".to_vec())),
        Ok(Some(era)) if let Some(refused) = rate_limited(shared, peer, &req) => (era.is_modern(), Err(refused)),
        Ok(Some(era)) => {
            let modern = era.is_modern();
            let is_listen = req.method == "subscriptions/listen";
            let snap = shared.registry.snapshot();
            // What the error hook is told the request was, kept only when there is a hook.
            let hook = snap.error_hook.clone();
            let named = hook.as_ref().map(|_| {
                (req.method.clone(), crate::middleware::named(&req.method, req.params.as_ref()).map(str::to_owned))
            });
            // Boxed: the route future is moved through the guards below, and a large
            // future moved inside another is stored more than once.
            let routed: Routed<'_> = if snap.middleware.is_empty() {
                Box::pin(catch_unwind(route(shared, peer, era, req, &cancel, &mut trailing, &snap)))
            } else {
                let chain = snap.middleware.clone();
                Box::pin(catch_unwind(chain::run(chain, shared, peer, era, req, &cancel, &mut trailing, snap)))
            };
            let ending = match shared.limits.request_timeout.filter(|_| !is_listen) {
                Some(limit) => {
                    let mut guarded = std::pin::pin!(guarded(routed, &cancel));
                    match tokio::time::timeout(limit, guarded.as_mut()).await {
                        Ok(r) => r,
                        Err(_) => {
                            // Trip the token before dropping the handler, and poll it once more
                            // so it sees the cancellation (that poll ends: the token is tripped).
                            cancel.cancel();
                            let _ = guarded.await;
                            Ending::TimedOut(limit)
                        }
                    }
                }
                None => guarded(routed, &cancel).await,
            };
            let (method, name) = named.as_ref().map_or(("", None), |(m, n)| (m.as_str(), n.as_deref()));
            let failed = |kind, message: &str, data| {
                let failure = Failure { kind, method, name, id: &id, message, data };
                error_hook::report(hook.as_deref(), &failure);
            };
            let reply = match ending {
                Ending::Done(Err(e)) if e.code == codes::INTERNAL_ERROR => {
                    failed(FailureKind::Internal, &e.message, e.data.as_ref());
                    Err(if shared.mask_errors { ProtocolError::internal(MASKED) } else { e })
                }
                Ending::Done(reply) => reply,
                Ending::Panicked(panic) => {
                    failed(FailureKind::Panic, &panic, None);
                    Err(ProtocolError::internal(MASKED))
                }
                Ending::Cancelled => Err(ProtocolError::internal("request cancelled")),
                Ending::TimedOut(limit) => {
                    let e = ProtocolError::internal(format!("request timed out after {} ms", limit.as_millis()))
                        .with_data(json!({ "timeoutMs": limit.as_millis() as u64 }));
                    failed(FailureKind::Timeout, &e.message, e.data.as_ref());
                    Err(e)
                }
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

/// The refusal of a request over its client's rate limit, if it is (a tool's limit is
/// checked once the call has found its tool: [`methods::tools::call_tool`]).
fn rate_limited(shared: &ServerShared, peer: &Peer, req: &IncomingRequest) -> Option<ProtocolError> {
    let limiter = shared.rate_limiter.as_ref()?;
    limiter.check_client(peer.client_key(), &req.method).err()
}

/// The routed request: the method logic wrapped in panic isolation.
type Routed<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Reply, String>> + Send + 'a>>;

/// What the client reads of a request that failed unexpectedly (a panic; any internal
/// error when `mask_error_details` is on): the detail goes to the log and the error hook.
const MASKED: &str = "the handler failed unexpectedly";

/// How a routed request ended.
enum Ending {
    /// The method logic answered.
    Done(Reply),
    /// A handler or middleware panicked, with this message.
    Panicked(String),
    /// The request's token tripped (the client cancelled, or the server is stopping).
    Cancelled,
    /// The request ran past the request timeout.
    TimedOut(std::time::Duration),
}

/// Runs the routed request until it finishes or its token trips. `biased`: when the token
/// trips, the handler is polled first, so its own reaction to `ctx.cancelled()` (cleanup,
/// the `notifications/cancelled` for a pending server->client request) runs before it is
/// dropped. Once the token has tripped the answer is the cancellation error, even when the
/// handler returned something in that last poll: what a cancelled handler returns is
/// usually its reaction to the cancellation (a binding's handler may see it before this
/// future is polled), and a client must not take it for the work's result.
async fn guarded(routed: Routed<'_>, cancel: &CancellationToken) -> Ending {
    tokio::select! {
        biased;
        r = routed => match r {
            _ if cancel.is_cancelled() => Ending::Cancelled,
            Ok(reply) => Ending::Done(reply),
            Err(panic) => Ending::Panicked(panic),
        },
        () = cancel.cancelled() => Ending::Cancelled,
    }
}

/// Decides the era. `Ok(None)`: a `ping` outside any session, answered `{}`.
pub(crate) fn classify(
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

pub(crate) fn gate(enabled: bool, method: &str) -> Result<(), ProtocolError> {
    if enabled { Ok(()) } else { Err(ProtocolError::method_not_found(method)) }
}

pub(crate) fn legacy_session(era: &Era, method: &str) -> Result<Arc<Session>, ProtocolError> {
    match era {
        Era::Legacy(s) => Ok(s.clone()),
        Era::Modern(_) => Err(ProtocolError::method_not_found(method)),
    }
}

pub(crate) fn str_param<'a>(params: &'a Map<String, Value>, key: &str) -> Result<&'a str, ProtocolError> {
    params
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| ProtocolError::invalid_params(format!("`{key}` must be a string")))
}

/// Serves a classified request: the method table and its capability gates.
pub(crate) async fn route(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: Era,
    req: IncomingRequest,
    cancel: &RequestToken,
    trailing: &mut Option<Vec<u8>>,
    snap: &Snapshot,
) -> Reply {
    let method = req.method.as_str();
    let sight = Sight::new(snap, peer, &era, &req);
    match method {
        "ping" => Ok(b"{}".to_vec()),
        "initialize" => Err(ProtocolError::invalid_request("the session is already initialized")),
        "server/discover" => {
            let mut result = json!({
                "supportedVersions": shared.version_strings(),
                "capabilities": capabilities(shared, snap, era.version()),
            });
            if let Some(i) = crate::sync::lock(&shared.instructions).as_deref() {
                result["instructions"] = json!(i);
            }
            finish(shared, true, true, &result)
        }
        "tools/list" => {
            gate(shared.has_tools(snap), method)?;
            let visible = sight.of(Kind::Tools).await;
            methods::lists::list(shared, &era, req.params.as_ref(), &snap.tools, "tools", &visible)
        }
        "tools/call" => {
            gate(shared.has_tools(snap), method)?;
            Box::pin(methods::tools::call_tool(shared, peer, &era, req, cancel, snap, &sight)).await
        }
        "resources/list" => {
            gate(shared.has_resources(snap), method)?;
            Box::pin(methods::resource_list::list_resources(shared, peer, &era, &req, cancel, snap, &sight)).await
        }
        "resources/templates/list" => {
            gate(shared.has_resources(snap), method)?;
            let visible = sight.of(Kind::ResourceTemplates).await;
            methods::lists::list(shared, &era, req.params.as_ref(), &snap.templates, "resourceTemplates", &visible)
        }
        "resources/read" => {
            gate(shared.has_resources(snap), method)?;
            Box::pin(methods::resources::read_resource(shared, peer, &era, req, cancel, snap, &sight)).await
        }
        "resources/subscribe" | "resources/unsubscribe" => {
            gate(shared.has_resources(snap), method)?;
            Box::pin(methods::subscriptions::legacy(method, peer, &era, req.params, &sight, snap)).await
        }
        "prompts/list" => {
            gate(shared.has_prompts(snap), method)?;
            let visible = sight.of(Kind::Prompts).await;
            methods::lists::list(shared, &era, req.params.as_ref(), &snap.prompts, "prompts", &visible)
        }
        "prompts/get" => {
            gate(shared.has_prompts(snap), method)?;
            Box::pin(methods::prompts::get_prompt(shared, peer, &era, req, cancel, snap, &sight)).await
        }
        "completion/complete" => {
            let v = era.version();
            gate(!v.has_annotations_and_audio() || !snap.completions.is_empty(), method)?;
            Box::pin(methods::completion::complete(shared, peer, &era, req, cancel, snap, &sight)).await
        }
        "logging/setLevel" => {
            let session = legacy_session(&era, method)?;
            gate(shared.logging, method)?;
            let params = req.params.unwrap_or_default();
            let level = str_param(&params, "level")?;
            let level = LogLevel::parse(level)
                .ok_or_else(|| ProtocolError::invalid_params(format!("unknown log level `{level}`")))?;
            session.set_log_level(level);
            session.persist(StateChange::LogLevel { level }).await?;
            Ok(b"{}".to_vec())
        }
        "subscriptions/listen" => {
            Box::pin(methods::listen::listen(shared, peer, snap, &sight, req, cancel, trailing)).await
        }
        m if m.starts_with("tasks/") => {
            let call = crate::tasks::methods::TasksCall { shared, era: &era, snap, subject: peer.subject(), cancel };
            Box::pin(crate::tasks::methods::route(call, method, req.params)).await
        }
        _ => Err(ProtocolError::method_not_found(method)),
    }
}
