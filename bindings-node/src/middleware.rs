//! JavaScript middleware: the whole `server.use()` chain is one engine middleware, one
//! handler in the server's table, crossed once per request. The engine calls it with the
//! request as JSON; the chain runs on the JS thread, and its innermost `next()` hands the
//! (possibly changed) parameters back to the engine through `NativeCall::next`, a Promise
//! of the rest of the chain's answer. The call carries the request's context, so that a
//! middleware (the compat layer's low-level handlers) logs, reports progress, asks the
//! client and sees cancellation on the request it answers, as a handler does.

use std::sync::Arc;

use mcpforge::{Answer, BoxFuture, HandlerError, Middleware, MiddlewareRequest, MiddlewareResult, Next, ProtocolError};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use serde_json::{Map, Value, json};

use crate::call_state::{NativeCall, Reply};
use crate::callback::JsHandler;
use crate::error::js_error;

/// The JavaScript chain, behind the engine's `Middleware`.
pub(crate) struct JsMiddleware {
    pub handler: Arc<JsHandler>,
}

/// The request as the JavaScript chain (and the catalogue hook) reads it: the engine's JSON
/// form of it (`MiddlewareRequest`'s one spelling), which `lib/middleware.js` turns into a
/// `MiddlewareContext`.
pub(crate) fn request_value(req: &MiddlewareRequest) -> Value {
    req.to_json()
}

impl Middleware for JsMiddleware {
    fn handle<'a>(&'a self, req: MiddlewareRequest, next: Next) -> BoxFuture<'a, MiddlewareResult> {
        let is_tool_call = req.method() == "tools/call";
        let payload = request_value(&req).to_string();
        let handler = self.handler.clone();
        let ctx = req.context().clone();
        Box::pin(async move {
            let reply = handler.invoke_middleware(payload, ctx, (next, req)).await;
            match reply {
                Ok(Reply::Result(text) | Reply::Json(text)) => {
                    serde_json::from_str::<Value>(&text).map(Answer::result).map_err(|e| {
                        ProtocolError::internal(format!("a middleware returned a result that is not JSON: {e}"))
                    })
                }
                Ok(Reply::Text(_) | Reply::Bytes(_)) => {
                    Err(ProtocolError::internal("a middleware returned text, not a result object"))
                }
                Ok(Reply::ToolError(message, _)) if is_tool_call => Ok(Answer::tool_error(message)),
                Ok(Reply::ToolError(message, _)) => Err(ProtocolError::internal(message)),
                Ok(Reply::Protocol(p)) | Err(HandlerError::Protocol(p)) => Err(p),
                Ok(Reply::InputRequired) | Err(HandlerError::InputRequired) => {
                    Err(ProtocolError::internal("a middleware cannot ask the client for input"))
                }
                Err(HandlerError::Tool(t)) if is_tool_call => Ok(Answer::tool_error(t.message)),
                Err(other) => Err(ProtocolError::internal(other.to_string())),
            }
        })
    }
}

#[napi]
impl NativeCall {
    /// A middleware call's rest of the chain: runs it with `params` (JSON text of the
    /// request's parameters, possibly changed; undefined to keep them) and resolves to
    /// `{"result": ...}` or `{"error": {code, message, data}}` as JSON text. Once per call.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn next<'e>(&self, env: &'e Env, params: Option<String>) -> napi::Result<PromiseRaw<'e, String>> {
        let taken = self.state.next.lock().unwrap_or_else(|e| e.into_inner()).take();
        let (next, mut req) = taken.ok_or_else(|| js_error("next() may be called once, by a middleware"))?;
        if let Some(text) = params {
            *req.params_mut() = serde_json::from_str::<Map<String, Value>>(&text)
                .map_err(|e| js_error(format!("the request params are not a JSON object: {e}")))?;
        }
        env.spawn_future(async move {
            // The engine's result text goes out as it is: no parse, no second serialization.
            Ok(match next.run(req).await {
                Ok(answer) => format!("{{\"result\":{}}}", answer.to_json_text()),
                Err(e) => json!({ "error": e }).to_string(),
            })
        })
    }
}
