//! The Python initialize hook behind the engine's `InitializeHook`: asked with the handshake
//! as a dict (the client's params, the engine's answer, `repeated`, `authInfo`), it answers
//! the result object (`None` keeps the engine's answer) or a JSON-RPC error (an `McpError`
//! raised, or an internal error for any other exception, through the wrapper in
//! `mcpforge/_initialize.py`).

use mcpforge::{BoxFuture, HandlerError, Handshake, InitializeHook, ProtocolError};
use pyo3::prelude::*;
use serde_json::Value;

use crate::callbacks::{Args, Invoker};
use crate::convert::{from_py, to_py};

/// The Python hook (its wrapper), called once per `initialize`.
pub struct PyInitializeHook(pub Invoker);

impl InitializeHook for PyInitializeHook {
    fn initialize(&self, handshake: Handshake) -> BoxFuture<'static, Result<Value, ProtocolError>> {
        let engine_answer = handshake.answer.clone();
        let json = handshake.to_json();
        let args: Args = Box::new(move |py| Ok(vec![to_py(py, &json)?]));
        let call = self.0.invoke(None, args, |_, payload| answer_of(payload));
        Box::pin(async move {
            match call.await.map_err(HandlerError::into_protocol_error)? {
                Value::Null => Ok(engine_answer),
                Value::Object(answer) => Ok(Value::Object(answer)),
                other => Err(ProtocolError::internal(format!(
                    "an initialize hook returns a dict or None, not {}",
                    kind_of(&other)
                ))),
            }
        })
    }
}

/// What the wrapper handed back: `None` or the answer dict, as JSON.
fn answer_of(payload: &Bound<'_, PyAny>) -> PyResult<Value> {
    if payload.is_none() { Ok(Value::Null) } else { from_py(payload) }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "a list",
        Value::String(_) => "a str",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a bool",
        _ => "that value",
    }
}
