//! `mcpf_responder`: the owned, one-shot completion handle of a tool call. Completing it
//! (with a result, text, a tool error or a protocol error) consumes it, so a second
//! completion cannot be expressed; freeing it unanswered answers the client with an
//! internal error instead of leaving the request hanging.

use std::ffi::c_char;
use std::sync::Arc;

use mcpforge::protocol::CallToolResult;
use mcpforge::{HandlerError, ProtocolError, ToolError, ToolOutput};
use tokio::sync::oneshot;

use crate::boundary::{self, Fail, try_box, try_ref, try_str};
use crate::call::mcpf_call;
use crate::status::mcpf_status;

/// What the engine awaits for one call.
pub(crate) type Answer = Result<ToolOutput, HandlerError>;

/// The completion handle of one tool call: owned by C from the moment the callback
/// receives it until one of the `mcpf_responder_*` completion functions or
/// `mcpf_responder_free` consumes it. Thread-safe to move to another thread.
pub struct mcpf_responder {
    tx: oneshot::Sender<Answer>,
    call: Arc<mcpf_call>,
}

impl mcpf_responder {
    pub(crate) fn new(tx: oneshot::Sender<Answer>, call: Arc<mcpf_call>) -> mcpf_responder {
        mcpf_responder { tx, call }
    }

    /// Delivers the answer. A receiver that is gone (the call was cancelled or the server
    /// stopped) is not an error for C: there is nobody left to tell.
    fn send(self, answer: Answer) {
        let _ = self.tx.send(answer);
    }
}

/// The message the client sees for a responder freed without an answer.
pub(crate) const DROPPED: &str = "the tool's responder was freed without an answer";

/// Consumes `r` and answers with what `make` builds from the decoded text; when the text is
/// invalid the client gets an internal error and C gets the status.
///
/// # Safety
/// `r` is NULL or an uncompleted responder; `text` is NULL or readable per the string rules.
unsafe fn complete(
    r: *mut mcpf_responder,
    text: *const c_char,
    len: usize,
    what: &str,
    make: impl FnOnce(&str) -> Result<Answer, Fail>,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee; from here on the responder is ours.
        let r = unsafe { try_box(r, "responder") }?;
        // SAFETY: forwarded caller guarantee.
        let decoded = unsafe { try_str(text, len, what) }.and_then(make);
        match decoded {
            Ok(answer) => {
                r.send(answer);
                Ok(())
            }
            Err(fail) => {
                r.send(Err(ProtocolError::internal(format!("the tool answered badly: {}", fail.message)).into()));
                Err(fail)
            }
        }
    })
}

/// Completes the call with a full `CallToolResult` given as JSON text
/// (`{"content":[...], "structuredContent":..., "isError":...}`).
///
/// Always consumes `r`, even on failure: if the text is not valid UTF-8
/// (`MCPF_STATUS_INVALID_UTF8`) or not a `CallToolResult` (`MCPF_STATUS_INVALID_JSON`), the
/// client receives an internal error and `r` is freed anyway. Callable from any thread.
///
/// # Safety
/// `r` is NULL or a responder not yet completed or freed (it is invalid afterwards);
/// `result_json` is NULL or readable for `result_json_len` bytes (`SIZE_MAX`: NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_ok(
    r: *mut mcpf_responder,
    result_json: *const c_char,
    result_json_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(r, result_json, result_json_len, "result_json", |text| {
            serde_json::from_str::<CallToolResult>(text)
                .map(|res| Ok(ToolOutput::Result(res)))
                .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("result_json is not a CallToolResult: {e}")))
        })
    }
}

/// Completes the call with one text content block. Consumes `r` (see `mcpf_responder_ok`
/// for the failure rules). Callable from any thread.
///
/// # Safety
/// As for `mcpf_responder_ok`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_text(
    r: *mut mcpf_responder,
    text: *const c_char,
    text_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { complete(r, text, text_len, "text", |t| Ok(Ok(ToolOutput::Value(t.into())))) }
}

/// Completes the call with a tool error: a result with `isError: true` and `message` as its
/// text, which the model sees. Consumes `r` (see `mcpf_responder_ok` for the failure
/// rules). Callable from any thread.
///
/// # Safety
/// As for `mcpf_responder_ok`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_tool_error(
    r: *mut mcpf_responder,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { complete(r, message, message_len, "message", |m| Ok(Err(ToolError::new(m).into()))) }
}

/// Fails the request with a JSON-RPC error `{code, message}` (e.g. -32602 invalid params).
/// Consumes `r` (see `mcpf_responder_ok` for the failure rules). Callable from any thread.
///
/// # Safety
/// As for `mcpf_responder_ok`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_protocol_error(
    r: *mut mcpf_responder,
    code: i64,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(r, message, message_len, "message", |m| Ok(Err(HandlerError::Protocol(ProtocolError::new(code, m)))))
    }
}

/// Frees a responder without answering: the client receives an internal error (-32603)
/// rather than waiting forever. Freeing NULL is a no-op. Callable from any thread.
///
/// # Safety
/// `r` is NULL or a responder not yet completed or freed (it is invalid afterwards).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_free(r: *mut mcpf_responder) {
    boundary::guard((), || {
        if r.is_null() {
            return;
        }
        // SAFETY: non-NULL, and the caller guarantees it is an uncompleted responder.
        if let Ok(r) = unsafe { try_box(r, "responder") } {
            r.send(Err(ProtocolError::internal(DROPPED).into()));
        }
    })
}

/// The call this responder answers, so code that completes it later (on another thread)
/// can still read the arguments and report progress or cancellation. Borrowed: valid until
/// `r` is completed or freed. Returns NULL when `r` is NULL.
///
/// # Safety
/// `r` is NULL or a live responder.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_call(r: *const mcpf_responder) -> *const mcpf_call {
    boundary::guard(std::ptr::null(), || {
        // SAFETY: forwarded caller guarantee.
        unsafe { try_ref(r, "responder") }.map(|r| Arc::as_ptr(&r.call)).unwrap_or(std::ptr::null())
    })
}
