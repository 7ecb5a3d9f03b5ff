//! What a C client answers when the server asks (sampling, elicitation, roots, or any other
//! request): a C callback registered per method, given the request's params as JSON and a
//! borrowed `mcpf_client_answer` to fill with `mcpf_client_answer_json` or
//! `mcpf_client_answer_error`. Each callback runs on a library thread of its own (it may
//! block, e.g. to ask a person).

use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex};

use mcpforge::ProtocolError;
use serde_json::Value;

use crate::boundary::{self, Fail, c_json, c_string, try_ref, try_str};
use crate::status::mcpf_status;
use crate::user_data::{UserData, mcpf_free_callback};

/// A server's request being answered: borrowed by the request callback, valid until it
/// returns; filled once with `mcpf_client_answer_json` or `mcpf_client_answer_error`.
pub struct mcpf_client_answer {
    result: Mutex<Option<Result<Value, ProtocolError>>>,
}

/// Answers the server's requests of one method. `method` and `params_json` (the request's
/// params, JSON; `{}` when it had none) are borrowed until the callback returns, as is
/// `answer`, which the callback fills before it returns (left empty, the server gets the
/// error -32603). It runs on a library thread, never the one of a client call, and may
/// block; it must not unwind.
pub type mcpf_client_request_callback = Option<
    unsafe extern "C" fn(
        method: *const c_char,
        method_len: usize,
        params_json: *const c_char,
        params_json_len: usize,
        answer: *mut mcpf_client_answer,
        user_data: *mut c_void,
    ),
>;

/// A registered request callback and its `user_data`.
pub(crate) struct CRequest {
    callback: unsafe extern "C" fn(*const c_char, usize, *const c_char, usize, *mut mcpf_client_answer, *mut c_void),
    data: UserData,
}

/// The future of an answer, as the engine's request handlers return it.
type Answering = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Value, ProtocolError>> + Send>>;

impl CRequest {
    /// Takes ownership of `user_data` (freed with the last reference); a NULL callback is
    /// refused before anything is kept.
    pub(crate) fn new(
        callback: mcpf_client_request_callback,
        user_data: *mut c_void,
        free_user_data: mcpf_free_callback,
    ) -> Result<CRequest, Fail> {
        let callback = callback.ok_or_else(|| boundary::null("callback"))?;
        Ok(CRequest { callback, data: UserData::new(user_data, free_user_data) })
    }

    /// The engine handler of `method`: each request runs the callback on a blocking thread.
    pub(crate) fn handler(self: &Arc<Self>, method: &str) -> impl Fn(Value) -> Answering + Send + Sync + 'static {
        let me = self.clone();
        let method = method.to_owned();
        move |params| {
            let me = me.clone();
            let method = method.clone();
            Box::pin(async move {
                tokio::task::spawn_blocking(move || me.answer(&method, &params))
                    .await
                    .unwrap_or_else(|e| Err(ProtocolError::internal(format!("the client's handler failed: {e}"))))
            })
        }
    }

    fn answer(&self, method: &str, params: &Value) -> Result<Value, ProtocolError> {
        let params = if params.is_null() { c_string("{}") } else { c_json(params) };
        let method_c = c_string(method);
        let answer = mcpf_client_answer { result: Mutex::new(None) };
        let answer_ptr = std::ptr::from_ref(&answer).cast_mut();
        // SAFETY: the callback C registered, given strings and an answer that live until it
        // returns, and the user_data registered with it.
        unsafe {
            (self.callback)(
                method_c.as_ptr(),
                method_c.as_bytes().len(),
                params.as_ptr(),
                params.as_bytes().len(),
                answer_ptr,
                self.data.ptr,
            );
        }
        let result = answer.result.into_inner().unwrap_or_else(|e| e.into_inner());
        result.unwrap_or_else(|| Err(ProtocolError::internal(format!("the client gave no answer to {method}"))))
    }
}

/// Fills `answer` once, refusing a second answer.
fn fill(answer: &mcpf_client_answer, result: Result<Value, ProtocolError>) -> Result<(), Fail> {
    let mut slot = answer.result.lock().unwrap_or_else(|e| e.into_inner());
    if slot.is_some() {
        return Err(Fail::new(mcpf_status::InvalidArgument, "the request is answered already"));
    }
    *slot = Some(result);
    Ok(())
}

/// Answers the server's request with `result_json` (the result object, e.g. a sampling
/// result `{"role": "assistant", "content": {...}, "model": ...}`, an elicitation result
/// `{"action": "accept", "content": {...}}`, or `{"roots": [...]}`), copied.
/// `MCPF_STATUS_INVALID_JSON` when it does not parse, `MCPF_STATUS_INVALID_ARGUMENT` when
/// the request is answered already.
///
/// # Safety
/// `answer` is NULL or the answer a running request callback was given;
/// `result_json` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_answer_json(
    answer: *mut mcpf_client_answer,
    result_json: *const c_char,
    result_json_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let answer = unsafe { try_ref(answer, "answer") }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(result_json, result_json_len, "result_json") }?;
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("result_json is not valid JSON: {e}")))?;
        fill(answer, Ok(value))
    })
}

/// Answers the server's request with a JSON-RPC error (`code`, e.g.
/// `MCPF_ERROR_INVALID_PARAMS`, and `message`, copied): a refusal, such as a user who
/// declines to share roots. `MCPF_STATUS_INVALID_ARGUMENT` when answered already.
///
/// # Safety
/// As for `mcpf_client_answer_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_answer_error(
    answer: *mut mcpf_client_answer,
    code: i64,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let answer = unsafe { try_ref(answer, "answer") }?;
        // SAFETY: forwarded caller guarantee.
        let message = unsafe { try_str(message, message_len, "message") }?;
        fill(answer, Err(ProtocolError::new(code, message)))
    })
}
