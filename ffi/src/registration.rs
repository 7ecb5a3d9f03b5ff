//! What a C registration becomes in the engine: its callback and `user_data` (freed exactly
//! once, after the last call that uses it), and the engine's handler traits implemented on
//! top (tools, resources and templates, prompts, completions).

use std::collections::BTreeMap;
use std::ffi::c_void;
use std::sync::Arc;

use mcpforge::protocol::CompleteRequest;
use mcpforge::{
    Arguments, BoxFuture, CompletionHandler, CompletionOutput, HandlerError, PromptHandler, PromptOutput,
    ProtocolError, RequestContext, ResourceHandler, ResourceOutput, ToolHandler, ToolOutput,
};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::boundary::Fail;
use crate::call::mcpf_call;
use crate::responder::{Answer, Kind, Output, Responder, dropped, mcpf_responder, mismatch, responders};
use crate::status::mcpf_status;
use crate::user_data::{UserData, mcpf_free_callback};

/// A C callback with its `user_data`, shared by every in-flight call of one registration
/// (so `free_user_data` runs after the last of them).
pub(crate) struct Registration {
    callback: unsafe extern "C" fn(*const mcpf_call, *mut mcpf_responder, *mut c_void),
    user_data: UserData,
    /// The server it is registered on (`mcpf_server::id`).
    server: u64,
}

impl Registration {
    /// Gives `user_data` back to C untouched: the finalizer will not run (a registration the
    /// engine refused).
    pub(crate) fn disarm(mut self) {
        self.user_data.free = None;
    }

    pub(crate) fn new(
        server: u64,
        callback: Option<unsafe extern "C" fn(*const mcpf_call, *mut mcpf_responder, *mut c_void)>,
        user_data: *mut c_void,
        free_user_data: mcpf_free_callback,
    ) -> Result<Arc<Registration>, Fail> {
        let callback = callback.ok_or_else(|| Fail::new(mcpf_status::NullParameter, "callback must not be NULL"))?;
        // The UserData is built only once nothing can fail any more: dropping it would run
        // the finalizer, and failures must not take `user_data`.
        Ok(Arc::new(Registration { callback, user_data: UserData::new(user_data, free_user_data), server }))
    }

    /// Calls the callback with `call` and a fresh responder of `kind`, and awaits the
    /// answer the responder delivers (an internal error if it is dropped unanswered).
    async fn invoke(self: Arc<Self>, kind: Kind, call: mcpf_call) -> Answer {
        let call = Arc::new(call);
        let (tx, rx) = oneshot::channel();
        let responder = responders().insert(Responder::new(tx, call.clone(), kind, self.server));
        // SAFETY: `call` outlives the callback (we hold an Arc); the responder's ownership
        // passes to C; `user_data` is the pointer C registered.
        unsafe { (self.callback)(Arc::as_ptr(&call), responder, self.user_data.ptr) };
        let answer = rx.await.unwrap_or_else(|_| Err(dropped(kind)));
        // An ask that needs the client's answer first decides this round, whatever C
        // completed the responder with (stopping early is the documented reaction).
        if call.needs_input() { Err(HandlerError::InputRequired) } else { answer }
    }
}

/// A C tool: implements the engine's `ToolHandler` through a [`Registration`].
pub(crate) struct CTool(pub(crate) Arc<Registration>);

impl ToolHandler for CTool {
    fn call(&self, ctx: RequestContext, args: Arguments) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        let reg = self.0.clone();
        Box::pin(async move {
            match reg.invoke(Kind::Tool, mcpf_call::new(ctx, args)).await? {
                Output::Tool(out) => Ok(out),
                _ => Err(mismatch(Kind::Tool)),
            }
        })
    }
}

/// A C resource or resource template.
pub(crate) struct CResource(pub(crate) Arc<Registration>);

impl ResourceHandler for CResource {
    fn read(
        &self,
        ctx: RequestContext,
        uri: String,
        vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>> {
        let reg = self.0.clone();
        Box::pin(async move {
            let vars = Value::Object(vars.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
            let call = mcpf_call::new(ctx, Arguments::default()).with_resource(uri, &vars);
            match reg.invoke(Kind::Resource, call).await? {
                Output::Resource(out) => Ok(out),
                _ => Err(mismatch(Kind::Resource)),
            }
        })
    }
}

/// A C prompt.
pub(crate) struct CPrompt(pub(crate) Arc<Registration>);

impl PromptHandler for CPrompt {
    fn get(
        &self,
        ctx: RequestContext,
        args: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<PromptOutput, HandlerError>> {
        let reg = self.0.clone();
        Box::pin(async move {
            let args = Value::Object(args.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
            match reg.invoke(Kind::Prompt, mcpf_call::new(ctx, args.into())).await? {
                Output::Prompt(result) => Ok(result),
                _ => Err(mismatch(Kind::Prompt)),
            }
        })
    }
}

/// A C completion provider.
pub(crate) struct CCompletion(pub(crate) Arc<Registration>);

impl CompletionHandler for CCompletion {
    fn complete(
        &self,
        ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let reg = self.0.clone();
        Box::pin(async move {
            let context = Value::Object(request.context.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
            let call = mcpf_call::new(ctx, context.into()).with_completion(request.argument, request.value);
            let answer = match reg.invoke(Kind::Completion, call).await {
                Ok(Output::Completion(completion)) => Ok(completion),
                Ok(_) => Err(mismatch(Kind::Completion)),
                Err(e) => Err(e),
            };
            answer.map_err(HandlerError::into_protocol_error)
        })
    }
}
