//! JavaScript's side of the handler calls in flight (`call_state.rs`), by id: JavaScript
//! answers a call with its id (`callRespond(id, ...)` and the other answers below) rather
//! than on an object made for each call, and gets the call's [`NativeCall`] (the context
//! operations: `describe`, `log`, `ask`, ...) from `callObject(id)` only when its handler
//! uses them. A call is registered when it starts and taken out when the engine stops
//! waiting for it ([`CallState`]'s end), so an id JavaScript still holds afterwards finds
//! nothing: its answers are refused as a second answer is, and its object is one of an
//! ended call.

use std::sync::Arc;

use mcpforge::ProtocolError;
use napi::bindgen_prelude::Uint8Array;
use napi_derive::napi;

use crate::call_state::{CallState, NativeCall, Reply, find, in_flight};
use crate::error::{js_error, parse_opt_json};

/// Delivers `reply` to call `id`; false when it was already answered or has ended.
fn answer(id: u32, reply: Reply) -> bool {
    find(id).is_some_and(|call| call.answer(reply))
}

/// Answers call `id` with a value: `form` is [`FORM_TEXT`] (a plain string), [`FORM_JSON`]
/// (JSON text of a value) or [`FORM_RESULT`] (JSON text of a complete result); a number,
/// not a name, so that no second string crosses with every answer. False when already
/// answered or ended.
#[napi]
pub fn call_respond(id: u32, form: u32, payload: String) -> napi::Result<bool> {
    let reply = match form {
        FORM_TEXT => Reply::Text(payload),
        FORM_JSON => Reply::Json(payload),
        FORM_RESULT => Reply::Result(payload),
        other => return Err(js_error(format!("unknown answer form {other}"))),
    };
    Ok(answer(id, reply))
}

/// Answers call `id` with raw bytes (a `Uint8Array`, so a `Buffer` too), which the engine
/// encodes once: a resource's binary contents, or a tool's bytes, whose content block the
/// engine picks (`mcpforge::bytes_content`). False when already answered or ended.
#[napi]
pub fn call_respond_bytes(id: u32, data: Uint8Array) -> bool {
    answer(id, Reply::Bytes(data.to_vec()))
}

/// The answer form of a plain string (`callRespond`; read by lib/call.js).
#[napi]
pub const FORM_TEXT: u32 = 0;
/// The answer form of JSON text of a value.
#[napi]
pub const FORM_JSON: u32 = 1;
/// The answer form of JSON text of a complete result.
#[napi]
pub const FORM_RESULT: u32 = 2;

/// Answers call `id` with a tool error (an `isError` result for tools). `data` is optional
/// JSON text.
#[napi]
pub fn call_tool_error(id: u32, message: String, data: Option<String>) -> napi::Result<bool> {
    let data = parse_opt_json(data.as_deref(), "tool error data")?;
    Ok(answer(id, Reply::ToolError(message, data)))
}

/// Answers call `id` with a JSON-RPC error. `data` is optional JSON text.
#[napi]
pub fn call_protocol_error(id: u32, code: i64, message: String, data: Option<String>) -> napi::Result<bool> {
    let mut error = ProtocolError::new(code, message);
    error.data = parse_opt_json(data.as_deref(), "protocol error data")?;
    Ok(answer(id, Reply::Protocol(error)))
}

/// Ends call `id` with `input_required` (after an unanswered ask or `inputRequired`).
#[napi]
pub fn call_input_required(id: u32) -> bool {
    answer(id, Reply::InputRequired)
}

/// The object of call `id` its context operations run on; once the call has ended, one of
/// an ended call (no context, answers refused).
#[napi]
pub fn call_object(id: u32) -> NativeCall {
    let state = find(id).unwrap_or_else(|| Arc::new(CallState::ended(id)));
    NativeCall { state }
}

/// How many calls are in flight (a test checks that ended calls are let go of).
#[napi]
pub fn calls_in_flight() -> u32 {
    u32::try_from(in_flight()).unwrap_or(u32::MAX)
}
