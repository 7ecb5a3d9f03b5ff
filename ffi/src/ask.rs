//! Client-input asks from C: `mcpf_call_elicit`, `mcpf_call_sample`,
//! `mcpf_call_list_roots` and the keyed `mcpf_call_ask`, blocking calls for a worker thread that work on both wires, and
//! `mcpf_string_free` for the answers they hand out.
//!
//! On a legacy session the engine sends the request to the client and the calling thread
//! waits for the answer. On the 2026-07-28 wire the first round returns
//! `MCPF_STATUS_INPUT_REQUIRED`: the C code stops and completes (or frees) its responder,
//! the client answers and retries, and the callback runs again from the start, the same
//! ask now returning the answer at once.

use std::ffi::{CString, c_char};

use mcpforge::protocol::{CreateMessageRequest, ElicitRequest, InputRequest, InputRequestError};
use mcpforge::{HandlerError, RequestContext};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::boundary::{self, Fail, check_out, give_string, try_opt_str, try_ref, try_str};
use crate::call::mcpf_call;
use crate::status::mcpf_status;

/// Which ask a function makes; the request JSON is decoded into the matching engine type.
enum Ask {
    Elicit(ElicitRequest),
    Sample(CreateMessageRequest),
    Roots,
    /// `mcpf_call_ask`: any of the three under a key C chose.
    Keyed(String, InputRequest),
}

impl Ask {
    async fn run(self, ctx: RequestContext) -> Result<Value, HandlerError> {
        let value = match self {
            Ask::Elicit(r) => serde_json::to_value(ctx.elicit(r).await?),
            Ask::Sample(r) => serde_json::to_value(ctx.sample(r).await?),
            Ask::Roots => serde_json::to_value(ctx.list_roots().await?),
            Ask::Keyed(key, r) => return ctx.ask(&key, r).await,
        };
        value.map_err(|e| mcpforge::ProtocolError::internal(e.to_string()).into())
    }
}

/// The engine request for `method` with `params` (JSON text; NULL: none).
fn input_request(method: &str, params: Option<&str>) -> Result<InputRequest, Fail> {
    let params: Value = match params {
        None => Value::Null,
        Some(text) => serde_json::from_str(text)
            .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("params_json is not valid JSON: {e}")))?,
    };
    InputRequest::from_wire(method, params).map_err(|e| match e {
        InputRequestError::UnknownMethod(_) => Fail::new(mcpf_status::InvalidArgument, e.to_string()),
        InputRequestError::BadParams { .. } => Fail::new(mcpf_status::InvalidJson, e.to_string()),
    })
}

/// Decodes the request JSON of an ask.
fn decode<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Fail> {
    serde_json::from_str(text).map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("{what}: {e}")))
}

/// Runs `ask` for `call`, blocking this thread until the answer, and hands the answer out
/// as an owned string.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`; `out`/`out_len` are NULL or writable.
unsafe fn blocking_ask(
    call: *const mcpf_call,
    out: *mut *mut c_char,
    out_len: *mut usize,
    ask: impl FnOnce() -> Result<Ask, Fail>,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let call = unsafe { try_ref(call, "call") }?;
        check_out(out, "out")?;
        check_out(out_len, "out_len")?;
        let ask = ask()?;
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Fail::new(
                mcpf_status::WouldBlock,
                "client-input asks block until the client answers: call them from your own thread, not inside a callback",
            ));
        }
        // The wait runs on the server's runtime; this thread only blocks on the result.
        let (tx, rx) = tokio::sync::oneshot::channel();
        let ctx = call.ctx.clone();
        call.runtime.spawn(async move {
            let _ = tx.send(ask.run(ctx).await);
        });
        let answer = rx
            .blocking_recv()
            .map_err(|_| Fail::new(mcpf_status::AskFailed, "the server stopped before the client answered"))?;
        let value = match answer {
            Ok(value) => value,
            Err(HandlerError::InputRequired) => {
                call.mark_input_required();
                return Err(Fail::new(
                    mcpf_status::InputRequired,
                    "the client answers this ask in its next round: complete or free the responder now",
                ));
            }
            Err(other) => {
                let message = other.to_string();
                call.record_ask_error(other);
                return Err(Fail::new(mcpf_status::AskFailed, message));
            }
        };
        // SAFETY: both checked non-NULL above; writable per the caller.
        unsafe { give_string(value.to_string(), out, out_len) }
    })
}

/// Asks the user for input (`elicitation/create`). `request_json` is the request's params:
/// `{"message": ..., "requestedSchema": {...}}` (form mode) or `{"mode": "url", ...}`.
/// Blocks the calling thread until the client answers, so call it from your own thread
/// (inside a callback it fails with `MCPF_STATUS_WOULD_BLOCK`).
///
/// On success `*out` receives the client's answer as owned JSON text
/// (`{"action": "accept", "content": {...}}`, `*out_len` bytes plus a NUL), to be freed with
/// `mcpf_string_free`. `MCPF_STATUS_INPUT_REQUIRED` (2026-07-28 wire, first round): stop
/// and complete or free the responder; the call runs again with the answer.
/// `MCPF_STATUS_ASK_FAILED`: the client lacks the capability, refused, disconnected, or
/// the call was cancelled (see `mcpf_last_error_message`); freeing the responder then
/// answers the client with that failure (on the 2026 wire a missing capability is the
/// JSON-RPC error -32021), or complete it with an answer of your own.
///
/// Code that runs before an ask runs again in the next round on the 2026 wire: keep it
/// free of side effects, or make them idempotent.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call` (keep its responder alive while asking);
/// `request_json` is NULL or readable per the string rules; `out`/`out_len` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_elicit(
    call: *const mcpf_call,
    request_json: *const c_char,
    request_json_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        blocking_ask(call, out, out_len, || {
            let text = try_str(request_json, request_json_len, "request_json")?;
            decode(text, "request_json is not an elicitation request").map(Ask::Elicit)
        })
    }
}

/// Asks the client's model for a message (`sampling/createMessage`). `request_json` is the
/// request's params (`{"messages": [...], "maxTokens": 100, ...}`); the answer is the
/// `CreateMessageResult` as owned JSON text. Rules as for `mcpf_call_elicit`.
///
/// # Safety
/// As for `mcpf_call_elicit`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_sample(
    call: *const mcpf_call,
    request_json: *const c_char,
    request_json_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        blocking_ask(call, out, out_len, || {
            let text = try_str(request_json, request_json_len, "request_json")?;
            decode(text, "request_json is not a sampling request").map(Ask::Sample)
        })
    }
}

/// Asks the client under a key of your choosing: `method` is `"elicitation/create"`,
/// `"sampling/createMessage"` or `"roots/list"`, `params_json` its params (NULL for
/// `roots/list`). On the 2026-07-28 wire the key names the request in the
/// `input_required` result's `inputRequests` and the client's `inputResponses`, so use a
/// stable key per ask; the other functions number their asks (`elicitation-0`, ...) in
/// call order. The answer is the client's result as owned JSON text. Rules as for
/// `mcpf_call_elicit`.
///
/// On the 2026 wire you may keep asking after a first `MCPF_STATUS_INPUT_REQUIRED`:
/// every unanswered ask of the round goes into the same `input_required`.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`; strings are NULL or readable per the string
/// rules; `out`/`out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_ask(
    call: *const mcpf_call,
    key: *const c_char,
    key_len: usize,
    method: *const c_char,
    method_len: usize,
    params_json: *const c_char,
    params_json_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        blocking_ask(call, out, out_len, || {
            let key = try_str(key, key_len, "key")?;
            if key.is_empty() {
                return Err(Fail::new(mcpf_status::InvalidArgument, "key must not be empty"));
            }
            let method = try_str(method, method_len, "method")?;
            let params = try_opt_str(params_json, params_json_len, "params_json")?;
            Ok(Ask::Keyed(key.to_owned(), input_request(method, params)?))
        })
    }
}

/// Asks the client for its roots (`roots/list`); the answer is `{"roots": [...]}` as owned
/// JSON text. Rules as for `mcpf_call_elicit`.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`; `out`/`out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_list_roots(
    call: *const mcpf_call,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { blocking_ask(call, out, out_len, || Ok(Ask::Roots)) }
}

/// Frees a string the library handed out as owned (the answers of `mcpf_call_elicit`,
/// `mcpf_call_sample`, `mcpf_call_list_roots`). Freeing NULL is a no-op.
///
/// # Safety
/// `s` is NULL or an owned string from this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_string_free(s: *mut c_char) {
    boundary::guard((), || {
        if !s.is_null() {
            // SAFETY: per the caller, `s` came from `CString::into_raw` in this library and
            // has not been freed.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}
