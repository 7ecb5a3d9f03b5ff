//! The crossing into JavaScript: one [`Dispatcher`] per server owns one weak thread-safe
//! function (it never keeps Node alive by itself), and calls the same function at once when
//! a call starts on its own thread's event loop (`direct.rs`): `dispatch(handlerId, payload,
//! callId)` starts a handler on the JS thread, `dispatch(0, "", callId)` aborts that call's
//! `AbortSignal` (one queue, so an abort never overtakes the call it aborts), and
//! `dispatch(u32::MAX, "", handlerId)` forgets a handler the engine let go of. The
//! engine's handler traits are implemented here once ([`JsTool`], [`JsResource`],
//! [`JsLister`], [`JsPrompt`], [`JsCompletion`], [`JsVerifier`], each over a [`JsHandler`]);
//! every call crosses with JSON text (parsed by `JSON.parse` in JS and by serde on a runtime
//! thread) and comes back once, answered by its id (`calls.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use mcpforge::protocol::{CompleteRequest, Resource};
use mcpforge::{
    Arguments, AuthError, AuthInfo, BoxFuture, CallToolResult, CompletionHandler, CompletionOutput, HandlerError,
    PromptHandler, PromptOutput, ProtocolError, RequestContext, ResourceHandler, ResourceLister, ResourceOutput,
    TokenVerifier, ToolHandler, ToolOutput,
};
use napi::Status;
use napi::bindgen_prelude::FnArgs;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::call_state::{CallState, Reply, register};
use crate::direct::{DirectFn, DispatchFn};
use crate::error::{tool_error, wrong_shape};

type DispatchTsfn = ThreadsafeFunction<Job, (), FnArgs<(u32, String, u32)>, Status, false, true>;

/// The handler id of an abort: `dispatch(ABORT_HANDLER, payload, callId)`, `payload` as
/// [`Job::Abort`] says (read by lib/dispatch.js).
#[napi_derive::napi]
pub const ABORT_HANDLER: u32 = 0;

/// The handler id of a release: `dispatch(RELEASE_HANDLER, '', handlerId)` (read by
/// lib/dispatch.js).
#[napi_derive::napi]
pub const RELEASE_HANDLER: u32 = u32::MAX;

/// One queued crossing: a handler call, or an abort.
pub(crate) enum Job {
    /// Run handler `handler` with `payload`; JavaScript answers call `call` by its id.
    Call { handler: u32, payload: String, call: u32 },
    /// Abort the signal of call `id`: JSON text `{"reason", "request"}`, the reason the
    /// client gave (null: none) and the call's description as `NativeCall::describe` gives
    /// it (null: the call had no context), read before the call lets go of its context.
    Abort(u32, String),
    /// Forget handler `id`: nothing of the engine can call it any more.
    Release(u32),
}

/// A server's way into JavaScript: its thread-safe function, and the same function called
/// directly when a call starts on its own thread's event loop ([`DirectFn`]).
pub(crate) struct Dispatcher {
    dispatch: DispatchTsfn,
    direct: DirectFn,
}

impl Dispatcher {
    /// Wraps the JS function in a weak thread-safe function (it never keeps the event loop
    /// alive: a listening server does, through its pending `listen()` promise).
    pub fn new(dispatch: DispatchFn<'_>) -> napi::Result<Arc<Dispatcher>> {
        let direct = DirectFn::new(&dispatch)?;
        let dispatch =
            dispatch.build_threadsafe_function::<Job>().weak::<true>().callee_handled::<false>().build_callback(
                |ctx| {
                    Ok(FnArgs::from(match ctx.value {
                        Job::Call { handler, payload, call } => (handler, payload, call),
                        Job::Abort(id, reason) => (ABORT_HANDLER, reason, id),
                        Job::Release(id) => (RELEASE_HANDLER, String::new(), id),
                    }))
                },
            )?;
        Ok(Arc::new(Dispatcher { dispatch, direct }))
    }

    /// Runs handler `handler` in JavaScript with `payload` and waits for its answer. While
    /// it runs, a tripped cancellation token (or the engine dropping this future) aborts
    /// the call's `AbortSignal` in JavaScript.
    pub async fn invoke(
        &self,
        handler: u32,
        payload: String,
        ctx: Option<RequestContext>,
        next: Option<(mcpforge::Next, mcpforge::MiddlewareRequest)>,
    ) -> Result<Reply, HandlerError> {
        let (tx, mut rx) = oneshot::channel();
        let call = register(|id| CallState::new(id, ctx.clone(), Some(tx), next));
        // From here the guard takes the call out of the calls in flight, whatever happens.
        let mut guard = AbortGuard { dispatcher: self, call: &call, armed: false };
        if self.direct.here() {
            if let Err(e) = self.direct.call((handler, payload, call.id)) {
                return Err(ProtocolError::internal(format!("the JavaScript handler could not be called ({e})")).into());
            }
        } else {
            let job = Job::Call { handler, payload, call: call.id };
            let status = self.dispatch.call(job, ThreadsafeFunctionCallMode::NonBlocking);
            if status != Status::Ok {
                return Err(
                    ProtocolError::internal(format!("the JavaScript thread refused the call ({status})")).into()
                );
            }
        }
        guard.armed = true;
        let reply = match &ctx {
            Some(ctx) => tokio::select! {
                biased;
                r = &mut rx => r,
                () = ctx.cancelled() => {
                    guard.fire();
                    rx.await
                }
            },
            None => rx.await,
        };
        guard.armed = false;
        let reply = reply.map_err(|_| ProtocolError::internal("the JavaScript handler never answered"))?;
        if call.input_required.load(Ordering::Acquire) {
            return Err(HandlerError::InputRequired);
        }
        Ok(reply)
    }
}

/// One JavaScript handler as the engine holds it: its id in the server's handler table.
/// Every future calling it holds it too, so it is dropped only once nothing of the engine
/// can call the handler any more (removed, replaced, or the server gone, and no call left
/// to start); it then asks JavaScript to forget the handler. The release is queued behind
/// every call of the handler (one queue), so a call the engine started still finds it.
pub(crate) struct JsHandler {
    dispatcher: Arc<Dispatcher>,
    id: u32,
}

impl JsHandler {
    /// The handler `id` of the table `dispatcher` calls into.
    pub fn new(dispatcher: &Arc<Dispatcher>, id: u32) -> Arc<JsHandler> {
        Arc::new(JsHandler { dispatcher: dispatcher.clone(), id })
    }

    /// Runs the handler (see [`Dispatcher::invoke`]).
    async fn invoke(&self, payload: String, ctx: Option<RequestContext>) -> Result<Reply, HandlerError> {
        self.dispatcher.invoke(self.id, payload, ctx, None).await
    }

    /// Runs the handler outside any request's context (a hook asked by the engine).
    pub(crate) async fn invoke_plain(&self, payload: String) -> Result<Reply, HandlerError> {
        self.invoke(payload, None).await
    }

    /// Runs the handler as a middleware on the request's context `ctx`: `next` is what its
    /// `call.next()` runs.
    pub(crate) async fn invoke_middleware(
        &self,
        payload: String,
        ctx: RequestContext,
        next: (mcpforge::Next, mcpforge::MiddlewareRequest),
    ) -> Result<Reply, HandlerError> {
        self.dispatcher.invoke(self.id, payload, Some(ctx), Some(next)).await
    }
}

impl Drop for JsHandler {
    fn drop(&mut self) {
        // A server whose JavaScript side is gone refuses the job: nothing is left to forget.
        let _ = self.dispatcher.dispatch.call(Job::Release(self.id), ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// Aborts the JS call's signal once: when the token trips, or when the engine drops the
/// waiting future (shutdown, cancellation) before the handler answered. Dropped, it also
/// lets go of the call's context: the engine no longer waits for the call.
struct AbortGuard<'a> {
    dispatcher: &'a Dispatcher,
    call: &'a CallState,
    armed: bool,
}

impl AbortGuard<'_> {
    fn fire(&mut self) {
        if std::mem::replace(&mut self.armed, false) {
            // Read now: the call lets go of its context once the engine stops waiting, and
            // the handler's abort listener may still read what the request was.
            let read = self.call.with_ctx(|c| (c.cancel_reason().map(str::to_owned), crate::context::describe(c)));
            let (reason, request) = read.map_or((None, None), |(r, d)| (r, Some(d)));
            let reason = serde_json::to_string(&reason).unwrap_or_else(|_| "null".to_owned());
            let payload = format!("{{\"reason\":{reason},\"request\":{}}}", request.as_deref().unwrap_or("null"));
            let abort = Job::Abort(self.call.id, payload);
            let _ = self.dispatcher.dispatch.call(abort, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

impl Drop for AbortGuard<'_> {
    fn drop(&mut self) {
        self.fire();
        self.call.end();
    }
}

/// Turns a reply's failure forms into `Err`; `Ok` keeps the value forms.
fn failure(reply: Reply) -> Result<Reply, HandlerError> {
    match reply {
        Reply::ToolError(message, data) => Err(tool_error(message, data)),
        Reply::Protocol(p) => Err(p.into()),
        Reply::InputRequired => Err(HandlerError::InputRequired),
        value => Ok(value),
    }
}

/// The error for an answer form a kind of handler cannot give (bytes for a prompt).
fn wrong_form(what: &str) -> HandlerError {
    ProtocolError::internal(format!("the {what} handler answered with bytes")).into()
}

/// Parses JSON text a handler answered with into `T`.
fn parse_as<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, HandlerError> {
    serde_json::from_str(text).map_err(|e| wrong_shape(what, e))
}

/// A JavaScript tool.
pub(crate) struct JsTool {
    pub handler: Arc<JsHandler>,
}

impl ToolHandler for JsTool {
    fn call(&self, ctx: RequestContext, args: Arguments) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        let handler = self.handler.clone();
        Box::pin(async move {
            let reply = handler.invoke(args.json_text().to_owned(), Some(ctx)).await?;
            match failure(reply)? {
                Reply::Text(text) => Ok(ToolOutput::Text(text)),
                Reply::Json(text) => Ok(ToolOutput::JsonText(text)),
                Reply::Result(text) => Ok(ToolOutput::Result(parse_as::<CallToolResult>(&text, "tool")?)),
                Reply::Bytes(data) => Ok(ToolOutput::Bytes(data)),
                _ => unreachable!("failure() keeps value forms only"),
            }
        })
    }
}

/// A JavaScript resource or resource template reader. The payload is
/// `{"uri": ..., "variables": {...}}`; the answer is text, bytes or any JSON value, which
/// the engine reads as contents (`ResourceOutput`).
pub(crate) struct JsResource {
    pub handler: Arc<JsHandler>,
}

impl ResourceHandler for JsResource {
    fn read(
        &self,
        ctx: RequestContext,
        uri: String,
        vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>> {
        let handler = self.handler.clone();
        Box::pin(async move {
            let payload = json!({ "uri": uri, "variables": vars }).to_string();
            match failure(handler.invoke(payload, Some(ctx)).await?)? {
                Reply::Text(text) => Ok(ResourceOutput::Text(text)),
                Reply::Bytes(data) => Ok(ResourceOutput::bytes(&data)),
                Reply::Json(text) | Reply::Result(text) => Ok(ResourceOutput::Json(parse_as(&text, "resource")?)),
                _ => unreachable!("failure() keeps value forms only"),
            }
        })
    }
}

/// The JavaScript lister of a resource template's resources (the official SDK's
/// `ResourceTemplate` `list` callback). The payload is empty; the answer is
/// `{"resources": [...]}` or the array itself (JSON).
pub(crate) struct JsLister {
    pub handler: Arc<JsHandler>,
}

impl ResourceLister for JsLister {
    fn list(&self, ctx: RequestContext) -> BoxFuture<'static, Result<Vec<Resource>, HandlerError>> {
        let handler = self.handler.clone();
        Box::pin(async move {
            match failure(handler.invoke(String::new(), Some(ctx)).await?)? {
                Reply::Json(text) | Reply::Result(text) | Reply::Text(text) => {
                    Resource::listed_from_json(parse_as(&text, "resource list")?)
                        .map_err(|e| ProtocolError::internal(e).into())
                }
                _ => unreachable!("failure() keeps value forms only"),
            }
        })
    }
}

/// A JavaScript prompt. The answer is text or any JSON value, which the engine reads as a
/// prompt result (`PromptOutput`).
pub(crate) struct JsPrompt {
    pub handler: Arc<JsHandler>,
}

impl PromptHandler for JsPrompt {
    fn get(
        &self,
        ctx: RequestContext,
        args: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<PromptOutput, HandlerError>> {
        let handler = self.handler.clone();
        Box::pin(async move {
            let payload = serde_json::to_string(&args).unwrap_or_else(|_| "{}".to_owned());
            match failure(handler.invoke(payload, Some(ctx)).await?)? {
                Reply::Text(text) => Ok(PromptOutput::Text(text)),
                Reply::Json(text) | Reply::Result(text) => Ok(PromptOutput::Json(parse_as(&text, "prompt")?)),
                Reply::Bytes(_) => Err(wrong_form("prompt")),
                _ => unreachable!("failure() keeps value forms only"),
            }
        })
    }
}

/// A JavaScript completion provider. The payload is
/// `{"ref": {...}, "argument": {"name", "value"}, "context": {"arguments": {...}}}`; the
/// answer is any JSON value, which the engine reads as a completion (`CompletionOutput`).
pub(crate) struct JsCompletion {
    pub handler: Arc<JsHandler>,
}

impl CompletionHandler for JsCompletion {
    fn complete(
        &self,
        ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let handler = self.handler.clone();
        Box::pin(async move {
            let payload = json!({
                "ref": request.reference,
                "argument": { "name": request.argument, "value": request.value },
                "context": { "arguments": request.context },
            })
            .to_string();
            let answered = async {
                match failure(handler.invoke(payload, Some(ctx)).await?)? {
                    Reply::Json(text) | Reply::Result(text) => {
                        Ok(CompletionOutput::Json(parse_as(&text, "completion")?))
                    }
                    Reply::Text(text) => Ok(CompletionOutput::Json(Value::String(text))),
                    Reply::Bytes(_) => Err(wrong_form("completion")),
                    _ => unreachable!("failure() keeps value forms only"),
                }
            };
            answered.await.map_err(HandlerError::into_protocol_error)
        })
    }
}

/// The HTTP bearer-token verifier written in JavaScript: answers JSON
/// `{subject, scopes, clientId, extra}`; a thrown error refuses the token (`invalid_token`,
/// or `insufficient_scope` when it names `requiredScopes`).
pub(crate) struct JsVerifier {
    pub handler: Arc<JsHandler>,
}

impl TokenVerifier for JsVerifier {
    fn verify(&self, token: &str) -> BoxFuture<'static, Result<AuthInfo, AuthError>> {
        let (handler, token) = (self.handler.clone(), token.to_owned());
        Box::pin(async move {
            let reply = handler.invoke(token, None).await.map_err(|e| AuthError::Invalid(e.to_string()))?;
            match reply {
                Reply::Json(text) | Reply::Result(text) => {
                    // The grant's one JSON form (the engine's).
                    serde_json::from_str::<AuthInfo>(&text)
                        .map_err(|e| AuthError::Invalid(format!("the verifier returned an invalid grant: {e}")))
                }
                Reply::ToolError(message, data) => {
                    match data.as_ref().and_then(|d| d.get("requiredScopes")).and_then(Value::as_array) {
                        Some(scopes) => Err(AuthError::InsufficientScope {
                            required: scopes.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                        }),
                        None => Err(AuthError::Invalid(message)),
                    }
                }
                Reply::Protocol(p) => Err(AuthError::Invalid(p.message)),
                Reply::Text(_) | Reply::Bytes(_) | Reply::InputRequired => {
                    Err(AuthError::Invalid("the verifier answered no grant".into()))
                }
            }
        })
    }
}
