//! Error conversions between the engine and JavaScript: engine setup errors become thrown
//! JS errors; what a JS handler answered becomes the engine's `HandlerError`.

use mcpforge::{HandlerError, ProtocolError, ToolError};
use serde_json::Value;

/// A napi error (thrown or rejected in JavaScript) with `message`.
pub(crate) fn js_error(message: impl std::fmt::Display) -> napi::Error {
    napi::Error::new(napi::Status::GenericFailure, message.to_string())
}

/// Parses JSON text that JavaScript produced with `JSON.stringify`; `what` names it in the error.
pub(crate) fn parse_json(text: &str, what: &str) -> napi::Result<Value> {
    serde_json::from_str(text).map_err(|e| js_error(format!("{what}: invalid JSON: {e}")))
}

/// Optional JSON text (`undefined` from JavaScript) as an optional value.
pub(crate) fn parse_opt_json(text: Option<&str>, what: &str) -> napi::Result<Option<Value>> {
    text.map(|t| parse_json(t, what)).transpose()
}

/// A tool error with a message and optional structured data.
pub(crate) fn tool_error(message: String, data: Option<Value>) -> HandlerError {
    HandlerError::Tool(ToolError { message, data, refusal: None })
}

/// The envelope an ask (`elicit`, `sample`, `listRoots`, `ask`, `askAll`) resolves to in
/// JavaScript: `{"ok": answer}`, `{"inputRequired": true}`, `{"protocolError": {...}}` or
/// `{"toolError": {...}}` (with `refusal`, the client's own error, when the client refused
/// the request). The public API unpacks it and throws the matching error class.
pub(crate) fn ask_envelope(result: Result<Value, HandlerError>) -> String {
    let v = match result {
        Ok(answer) => serde_json::json!({ "ok": answer }),
        Err(HandlerError::InputRequired) => serde_json::json!({ "inputRequired": true }),
        Err(HandlerError::Protocol(p)) => serde_json::json!({ "protocolError": p }),
        Err(HandlerError::Tool(t)) => {
            serde_json::json!({ "toolError": { "message": t.message, "data": t.data, "refusal": t.refusal } })
        }
        Err(other) => serde_json::json!({ "toolError": { "message": other.to_string() } }),
    };
    v.to_string()
}

/// A handler that answered with a value that does not fit what it serves: a tool error for
/// tools (the model sees it), an internal error otherwise.
pub(crate) fn wrong_shape(what: &str, detail: impl std::fmt::Display) -> HandlerError {
    let message = format!("the {what} handler returned a value of the wrong shape: {detail}");
    if what == "tool" { tool_error(message, None) } else { ProtocolError::internal(message).into() }
}
