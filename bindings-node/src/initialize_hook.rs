//! The JavaScript initialize hook behind the engine's `InitializeHook`: one handler in the
//! server's table (lib/initialize-hook.js), asked with the handshake as JSON (the client's
//! params, the engine's answer), answering the result object or a JSON-RPC error.

use std::sync::Arc;

use mcpforge::{BoxFuture, HandlerError, Handshake, InitializeHook, ProtocolError};
use serde_json::Value;

use crate::call_state::Reply;
use crate::callback::JsHandler;

/// The JavaScript hook, called once per `initialize`.
pub(crate) struct JsInitializeHook {
    pub handler: Arc<JsHandler>,
}

impl InitializeHook for JsInitializeHook {
    fn initialize(&self, handshake: Handshake) -> BoxFuture<'static, Result<Value, ProtocolError>> {
        let payload = handshake.to_json().to_string();
        let handler = self.handler.clone();
        Box::pin(async move {
            match handler.invoke_plain(payload).await {
                Ok(Reply::Json(text)) => serde_json::from_str(&text).map_err(ProtocolError::internal),
                Ok(Reply::Protocol(e)) | Err(HandlerError::Protocol(e)) => Err(e),
                // lib/initialize-hook.js answers JSON or a JSON-RPC error; anything else is
                // the binding's fault.
                Ok(_) => Err(ProtocolError::internal("the initialize hook gave no answer")),
                Err(e) => Err(ProtocolError::internal(e.to_string())),
            }
        })
    }
}
