//! The router: decides each request's era (the stateless 2026 wire or the connection's
//! legacy session) and routes it, behind its capability gate, to its method (`methods/`).
//! A new method is a row of `protocol::method`, one file there and one arm here; what
//! happens around a request (limits, timeouts, panics, the error hook) is `lifecycle.rs`.

use std::sync::Arc;

use serde_json::json;

use crate::catalogue::Kind;
use crate::dispatch::call::{Call, Era, Peer, Reply};
use crate::dispatch::capabilities::capabilities;
use crate::dispatch::methods;
use crate::dispatch::reply::finish;
use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::jsonrpc::IncomingRequest;
use crate::protocol::ProtocolVersion;
use crate::protocol::meta::{self, RequestMeta};
use crate::protocol::method::{Gate, Method};
use crate::protocol::params::{self, SetLevelParams};
use crate::session::StateChange;

/// Decides the era. `Ok(None)`: a `ping` outside any session, answered `{}`.
pub(crate) fn classify(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    req: &IncomingRequest,
    known: Option<Arc<RequestMeta>>,
) -> Result<Option<Era>, ProtocolError> {
    let params = req.params.as_ref();
    let method = req.method.as_str();
    if known.is_some() || meta::looks_modern(method, params) {
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
        if Method::from_wire(method).is_some_and(Method::is_legacy_only) {
            return Err(ProtocolError::method_not_found(method));
        }
        return Ok(Some(Era::Modern(meta)));
    }
    match &peer.session {
        Some(s) => Ok(Some(Era::Legacy(s.clone()))),
        None if method == Method::Ping.as_str() => Ok(None),
        None => Err(ProtocolError::invalid_request(
            "no session: send `initialize` first, or put the protocol version in `params._meta` (2026-07-28)",
        )),
    }
}

/// -32601 for a method whose capability (its row's [`Gate`]) the server does not have.
/// The tasks gate is the tasks methods' own (it depends on the version and the extension).
fn gate(call: &Call<'_>, method: Method) -> Result<(), ProtocolError> {
    let shared = call.shared;
    let open = match method.row().gate {
        Gate::Open | Gate::Tasks => true,
        Gate::Tools => shared.has_tools(&call.snap),
        Gate::Resources => shared.has_resources(&call.snap),
        Gate::ResourceSubscriptions => shared.has_resources(&call.snap) && shared.serves_subscriptions(),
        Gate::Prompts => shared.has_prompts(&call.snap),
        Gate::Completions => !call.era.version().has_annotations_and_audio() || !call.snap.completions.is_empty(),
        Gate::Logging => shared.logging,
        Gate::Listen => shared.listen,
        Gate::Skills => !call.snap.skills.is_empty(),
    };
    if open { Ok(()) } else { Err(ProtocolError::method_not_found(method.as_str())) }
}

/// Serves a classified request: the method table and its capability gates. A method's
/// future is boxed in a statement of its own: boxed and awaited in one statement, the
/// unboxed future is a temporary of that statement and keeps its room in this future across
/// the await, making every request's future larger.
pub(crate) async fn route(mut call: Call<'_>) -> Reply {
    let shared = call.shared;
    let Some(method) = Method::from_wire(&call.req.method) else {
        return Err(ProtocolError::method_not_found(&call.req.method));
    };
    // `logging/setLevel` asks for its legacy session before its gate.
    if method != Method::LoggingSetLevel {
        gate(&call, method)?;
    }
    match method {
        Method::Ping => Ok(b"{}".to_vec()),
        Method::Initialize => Err(ProtocolError::invalid_request("the session is already initialized")),
        Method::ServerDiscover => {
            let mut result = json!({
                "supportedVersions": shared.version_strings(),
                "capabilities": capabilities(shared, &call.snap, call.era.version()),
            });
            if let Some(i) = crate::sync::lock(&shared.instructions).as_deref() {
                result["instructions"] = json!(i);
            }
            finish(shared, true, true, &result)
        }
        Method::ToolsList => {
            let visible = call.sight.of(Kind::Tools).await;
            methods::lists::list(&call, &call.snap.tools, "tools", &visible)
        }
        Method::ToolsCall => {
            let boxed = Box::pin(methods::tools::call_tool(call));
            boxed.await
        }
        Method::ResourcesList => {
            let boxed = Box::pin(methods::resource_list::list_resources(call));
            boxed.await
        }
        Method::ResourceTemplatesList => {
            let visible = call.sight.of(Kind::ResourceTemplates).await;
            methods::lists::list(&call, &call.snap.templates, "resourceTemplates", &visible)
        }
        Method::ResourcesRead => {
            let boxed = Box::pin(methods::resources::read_resource(call));
            boxed.await
        }
        Method::ResourcesSubscribe | Method::ResourcesUnsubscribe => {
            let boxed = Box::pin(methods::subscriptions::legacy(call));
            boxed.await
        }
        Method::PromptsList => {
            let visible = call.sight.of(Kind::Prompts).await;
            methods::lists::list(&call, &call.snap.prompts, "prompts", &visible)
        }
        Method::PromptsGet => {
            let boxed = Box::pin(methods::prompts::get_prompt(call));
            boxed.await
        }
        Method::CompletionComplete => {
            let boxed = Box::pin(methods::completion::complete(call));
            boxed.await
        }
        Method::LoggingSetLevel => {
            let session = call.era.legacy_session(method.as_str())?;
            gate(&call, method)?;
            let params = call.take_params();
            let level = params::read::<SetLevelParams>(&params)?.level()?;
            session.set_log_level(level);
            session.persist(StateChange::LogLevel { level }).await?;
            Ok(b"{}".to_vec())
        }
        Method::SubscriptionsListen => {
            let boxed = Box::pin(methods::listen::listen(call));
            boxed.await
        }
        Method::TasksGet | Method::TasksUpdate | Method::TasksCancel | Method::TasksResult | Method::TasksList => {
            let boxed = Box::pin(crate::tasks::methods::route(call));
            boxed.await
        }
        Method::SkillsList => methods::skills::list(&call),
        Method::SkillsGet => methods::skills::get(&call),
        Method::ResourcesDirectoryRead => methods::skills::directory(&call),
        Method::ElicitationCreate
        | Method::SamplingCreateMessage
        | Method::RootsList
        | Method::Initialized
        | Method::Cancelled
        | Method::Progress
        | Method::LogMessage
        | Method::ToolListChanged
        | Method::PromptListChanged
        | Method::ResourceListChanged
        | Method::ResourceUpdated
        | Method::RootsListChanged
        | Method::ElicitationComplete
        | Method::TaskChanged
        // Sent by the server, or notifications: no request of a client's to serve.
        | Method::SubscriptionsAcknowledged => Err(ProtocolError::method_not_found(method.as_str())),
    }
}
