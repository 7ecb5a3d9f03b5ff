//! Middleware: the ordered chain an application puts around every request the router serves
//! (what a middleware sees of a request, how it continues the chain, and what it answers).
//!
//! A middleware is called with the [`Request`] and a [`Next`]. It may look at the request,
//! change its parameters (a tool's arguments, say) and continue with `next.run(req)`; or
//! answer itself without continuing: a JSON-RPC error (`Err(ProtocolError)`), or a result
//! ([`Answer::tool_error`] for a refused tool call). What `next.run` returns is the result
//! or error of the rest of the chain, which it may inspect, time or replace. The first
//! middleware registered is the outermost. With none registered the engine runs no chain at
//! all, so an application without middleware pays nothing for it.
//!
//! Each request carries its [`RequestContext`] ([`Request::context`]): a middleware that
//! answers a request itself (a binding's table of low-level handlers, say) logs, reports
//! progress, asks the client (sampling, elicitation, roots), notices cancellation and
//! notifies on that request exactly as a handler does. The handler the engine runs at the
//! end of the chain gets a context of its own for the same request; once the chain has
//! answered, the middleware's context sends nothing more. On the 2026-07-28 wire an ask
//! from middleware cannot be answered by a later round (the engine replays handlers, not
//! the chain): it returns `HandlerError::InputRequired`, which the middleware answers as
//! an error of its own.
//!
//! The chain wraps every request after the handshake (`initialize` is the engine's own, and
//! a `ping` sent before it is answered directly); notifications and answers to the
//! server's own requests do not pass through it. A request cancelled by the client, a
//! timeout or shutdown stops the whole chain: the client gets the cancellation error.

use crate::protocol::method::{Method, Names};
use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::auth::AuthInfo;
use crate::context::RequestContext;
use crate::error::ProtocolError;
use crate::jsonrpc::RequestId;
use crate::protocol::{CallToolResult, ProtocolVersion};
use crate::sync::BoxFuture;

/// What a middleware or the rest of its chain produces: a result, or a JSON-RPC error.
pub type MiddlewareResult = Result<Answer, ProtocolError>;

/// One link of the chain around every request. Closures `|req, next| async move { ... }`
/// implement it.
pub trait Middleware: Send + Sync + 'static {
    /// Serves `req`: continue with `next.run(req)`, or answer without it.
    fn handle<'a>(&'a self, req: Request, next: Next) -> BoxFuture<'a, MiddlewareResult>;
}

impl<F, Fut> Middleware for F
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = MiddlewareResult> + Send + 'static,
{
    fn handle<'a>(&'a self, req: Request, next: Next) -> BoxFuture<'a, MiddlewareResult> {
        Box::pin(self(req, next))
    }
}

/// The registered chain, outermost first.
pub type Chain = Arc<[Arc<dyn Middleware>]>;

/// The engine's own serving of a request, after the last middleware.
pub(crate) type Terminal = Arc<dyn Fn(Request) -> BoxFuture<'static, MiddlewareResult> + Send + Sync>;

/// The rest of the chain: the middleware after this one, then the engine.
pub struct Next {
    chain: Chain,
    at: usize,
    terminal: Terminal,
}

impl Next {
    /// The chain from its start, ending in `terminal`.
    pub(crate) fn start(chain: Chain, terminal: Terminal) -> Next {
        Next { chain, at: 0, terminal }
    }

    /// Runs the rest of the chain on `req` (possibly changed) and returns its answer.
    pub fn run(self, req: Request) -> BoxFuture<'static, MiddlewareResult> {
        let Next { chain, at, terminal } = self;
        match chain.get(at).cloned() {
            Some(link) => Box::pin(async move {
                let next = Next { chain, at: at + 1, terminal };
                link.handle(req, next).await
            }),
            None => terminal(req),
        }
    }
}

/// One request as middleware sees it. Cloning copies its parameters (a binding that shows
/// the request again after the call keeps a copy).
#[derive(Clone)]
pub struct Request {
    pub(crate) id: RequestId,
    pub(crate) method: String,
    pub(crate) params: Option<Map<String, Value>>,
    pub(crate) version: ProtocolVersion,
    pub(crate) auth: Option<Arc<AuthInfo>>,
    pub(crate) client_info: Option<Value>,
    pub(crate) session_id: Option<String>,
    pub(crate) context: RequestContext,
}

impl Request {
    /// The request id, as the client sent it.
    pub fn id(&self) -> &RequestId {
        &self.id
    }

    /// The method (`tools/call`, `resources/read`, `tools/list`, ...).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// What the request names: the tool (`tools/call`) or prompt (`prompts/get`), the
    /// resource URI (`resources/read`, `resources/subscribe`, `resources/unsubscribe`), the
    /// prompt name or template URI a completion is for (`completion/complete`); `None` for
    /// other methods.
    pub fn name(&self) -> Option<&str> {
        named(&self.method, self.params.as_ref())
    }

    /// The arguments of a `tools/call` or `prompts/get` (`None` for other methods, or when
    /// the client sent none).
    pub fn arguments(&self) -> Option<&Map<String, Value>> {
        if !self.has_arguments() {
            return None;
        }
        self.params.as_ref()?.get("arguments")?.as_object()
    }

    /// The arguments of a `tools/call` or `prompts/get` to change (an empty object is put in
    /// when the client sent none); `None` for other methods. The engine validates what the
    /// chain passes on against the tool's input schema, so a rewrite cannot smuggle in
    /// arguments the tool does not accept.
    pub fn arguments_mut(&mut self) -> Option<&mut Map<String, Value>> {
        if !self.has_arguments() {
            return None;
        }
        let params = self.params.get_or_insert_with(Map::new);
        let slot = params.entry("arguments").or_insert_with(|| json!({}));
        if slot.is_null() {
            *slot = json!({});
        }
        slot.as_object_mut()
    }

    fn has_arguments(&self) -> bool {
        matches!(Method::from_wire(&self.method).map(Method::names), Some(Names::Tool | Names::Prompt))
    }

    /// The request's `params` (`None` when it had none).
    pub fn params(&self) -> Option<&Map<String, Value>> {
        self.params.as_ref()
    }

    /// The request's `params` to change (an empty object is put in when it had none).
    pub fn params_mut(&mut self) -> &mut Map<String, Value> {
        self.params.get_or_insert_with(Map::new)
    }

    /// The request's `_meta` (on the 2026-07-28 wire: the protocol version, the client's
    /// capabilities and info; on every wire: the progress token, trace context, ...).
    pub fn meta(&self) -> Option<&Map<String, Value>> {
        self.params.as_ref()?.get("_meta")?.as_object()
    }

    /// The protocol version the request is served in.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.version
    }

    /// True on the stateless 2026-07-28 wire, false in a legacy session.
    pub fn is_modern(&self) -> bool {
        self.version.is_modern()
    }

    /// The verified caller (HTTP bearer authorization), when there is one.
    pub fn auth(&self) -> Option<&AuthInfo> {
        self.auth.as_deref()
    }

    /// The client's `Implementation` (`name`, `version`, ...): from `initialize` in a legacy
    /// session, from the request's `_meta` on the 2026-07-28 wire.
    pub fn client_info(&self) -> Option<&Value> {
        self.client_info.as_ref()
    }

    /// The request's context: log, report progress, ask the client, notify and watch for
    /// cancellation on this request, as a handler does with its own (see the module
    /// documentation for when its messages stop).
    pub fn context(&self) -> &RequestContext {
        &self.context
    }

    /// The legacy session's id (Streamable HTTP's `Mcp-Session-Id`, the HTTP+SSE
    /// `sessionId`); `None` on stdio, in-memory and WebSocket connections and on the
    /// 2026-07-28 wire.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }
}

/// The request's JSON form: what each binding hands its language's middleware and catalogue
/// hook, produced here once. An object whose members mirror the accessors:
///
/// | member | type | |
/// |---|---|---|
/// | `id` | string or number | [`Request::id`] |
/// | `method` | string | [`Request::method`] |
/// | `name` | string, absent when the method names nothing | [`Request::name`] |
/// | `params` | object, absent when the request had none | [`Request::params`] |
/// | `protocolVersion` | string (`"2025-11-25"`, `"2026-07-28"`, ...) | [`Request::protocol_version`] |
/// | `authInfo` | [`AuthInfo`]'s JSON (`subject`, `scopes`, `clientId`, `extra`), absent without a grant | [`Request::auth`] |
/// | `clientInfo` | object, absent when the client did not say | [`Request::client_info`] |
/// | `sessionId` | string, absent outside a legacy session | [`Request::session_id`] |
impl Serialize for Request {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct View<'a> {
            id: &'a RequestId,
            method: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            name: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            params: Option<&'a Map<String, Value>>,
            protocol_version: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            auth_info: Option<&'a AuthInfo>,
            #[serde(skip_serializing_if = "Option::is_none")]
            client_info: Option<&'a Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            session_id: Option<&'a str>,
        }
        View {
            id: &self.id,
            method: &self.method,
            name: self.name(),
            params: self.params.as_ref(),
            protocol_version: self.version.as_str(),
            auth_info: self.auth(),
            client_info: self.client_info.as_ref(),
            session_id: self.session_id(),
        }
        .serialize(serializer)
    }
}

impl Request {
    /// The request's JSON form (see its `Serialize` implementation for the members).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// What a request with `method` and `params` names (see [`Request::name`]).
pub(crate) fn named<'a>(method: &str, params: Option<&'a Map<String, Value>>) -> Option<&'a str> {
    let params = params?;
    let names = Method::from_wire(method)?.names();
    let value = params.get(names.field().filter(|_| names.is_item())?)?;
    match names {
        Names::Reference => {
            let r = value.as_object()?;
            r.get("name").or_else(|| r.get("uri"))?.as_str()
        }
        _ => value.as_str(),
    }
}

/// A request's result: made by the engine (serialized already), or by a middleware.
pub struct Answer(Body);

/// What an [`Answer`] holds.
pub(crate) enum Body {
    /// The engine's serialized result object, finished for its era.
    Serialized(Vec<u8>),
    /// A result object a middleware made; the engine adds what the era needs
    /// (`resultType` and the server's identity on 2026-07-28).
    Value(Value),
    /// A tool error a middleware answered, serialized by the engine as every tool result.
    ToolError(String),
}

impl Answer {
    /// A result object (the method's result, e.g. a `CallToolResult` or `{ "tools": [...] }`).
    pub fn result(value: Value) -> Answer {
        Answer(Body::Value(value))
    }

    /// A tool result with `isError: true` and `message` as its text: a refused `tools/call`
    /// the model can read (a JSON-RPC error is `Err(ProtocolError)` instead).
    pub fn tool_error(message: impl Into<String>) -> Answer {
        Answer(Body::ToolError(message.into()))
    }

    /// The engine's serialized result.
    pub(crate) fn serialized(bytes: Vec<u8>) -> Answer {
        Answer(Body::Serialized(bytes))
    }

    /// The result as JSON (parsed from the engine's bytes when it made it).
    pub fn to_json(&self) -> Value {
        match &self.0 {
            Body::Serialized(bytes) => serde_json::from_slice(bytes).unwrap_or(Value::Null),
            Body::Value(v) => v.clone(),
            Body::ToolError(m) => serde_json::to_value(CallToolResult::error(m.clone())).unwrap_or(Value::Null),
        }
    }

    /// The result as JSON text: the engine's own bytes when it made it (no parse and no
    /// second serialization), else the value serialized.
    pub fn to_json_text(&self) -> String {
        match &self.0 {
            Body::Serialized(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Body::Value(_) | Body::ToolError(_) => self.to_json().to_string(),
        }
    }

    /// True for a tool result with `isError: true`.
    pub fn is_tool_error(&self) -> bool {
        match &self.0 {
            Body::Serialized(bytes) => {
                // The engine writes `"isError":true` only in a tool result's top level, but a
                // tool's own text may hold those bytes: parse to be sure.
                memchr_is_error(bytes) && self.to_json().get("isError") == Some(&Value::Bool(true))
            }
            Body::Value(v) => v.get("isError") == Some(&Value::Bool(true)),
            Body::ToolError(_) => true,
        }
    }

    /// What the answer holds, for the engine to finish.
    pub(crate) fn into_body(self) -> Body {
        self.0
    }
}

/// Whether `"isError":true` occurs in `bytes` at all (a cheap test before parsing).
fn memchr_is_error(bytes: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"\"isError\":true";
    bytes.windows(NEEDLE.len()).any(|w| w == NEEDLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(auth: Option<AuthInfo>, session: Option<&str>) -> Request {
        Request {
            id: RequestId::Number(7),
            method: "tools/call".to_owned(),
            params: json!({ "name": "add", "arguments": { "a": 1 } }).as_object().cloned(),
            version: ProtocolVersion::V2025_11_25,
            auth: auth.map(Arc::new),
            client_info: Some(json!({ "name": "client", "version": "1.0" })),
            session_id: session.map(str::to_owned),
            context: crate::context::testing::detached(RequestId::Number(7)),
        }
    }

    #[test]
    fn the_json_form_has_one_spelling_and_leaves_out_what_is_absent() {
        let mut grant = AuthInfo::new("alice", ["notes:write"]);
        grant.client_id = Some("app".to_owned());
        let json = request(Some(grant), Some("s-1")).to_json();
        assert_eq!(
            json,
            json!({
                "id": 7,
                "method": "tools/call",
                "name": "add",
                "params": { "name": "add", "arguments": { "a": 1 } },
                "protocolVersion": "2025-11-25",
                "authInfo": { "subject": "alice", "scopes": ["notes:write"], "clientId": "app" },
                "clientInfo": { "name": "client", "version": "1.0" },
                "sessionId": "s-1",
            })
        );
        let mut bare = request(None, None);
        bare.method = "ping".to_owned();
        bare.params = None;
        bare.client_info = None;
        bare.id = RequestId::String(Arc::from("p"));
        assert_eq!(bare.to_json(), json!({ "id": "p", "method": "ping", "protocolVersion": "2025-11-25" }));
    }
}
