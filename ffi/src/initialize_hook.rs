//! The C initialize hook (`mcpf_server_set_initialize_hook`): one callback per server that
//! sees each client's `initialize` as JSON (the client's params, the engine's answer) and
//! decides the answer by filling a lent `mcpf_initialize_answer` (`mcpf_initialize_answer_json`
//! or `mcpf_initialize_answer_error`); leaving it empty keeps the engine's answer.

use std::ffi::{c_char, c_void};

use mcpforge::{BoxFuture, Handshake, InitializeHook, ProtocolError};
use serde_json::Value;

use crate::boundary::{self, Fail, c_string, try_opt_str, try_ref, try_str};
use crate::server::mcpf_server;
use crate::status::mcpf_status;
use crate::user_data::{UserData, mcpf_free_callback};

/// The answer to one `initialize`, filled in by the initialize hook. Lent: valid until the
/// hook returns. Starts empty (the engine's answer is sent).
pub struct mcpf_initialize_answer {
    answer: Option<Result<Value, ProtocolError>>,
}

/// Called on an engine thread once per `initialize` (a repeated one on a session included),
/// before the connection's next message is read, with the handshake as JSON text
/// (`{"params":{...},"answer":{...},"repeated":false,"authInfo":{...}}`, `authInfo` only
/// with a bearer grant; NUL-terminated, valid until the hook returns) and the answer to
/// fill. Keep it quick: the client waits for it.
pub type mcpf_initialize_hook = Option<
    unsafe extern "C" fn(
        handshake_json: *const c_char,
        handshake_len: usize,
        answer: *mut mcpf_initialize_answer,
        user_data: *mut c_void,
    ),
>;

/// The C hook behind the engine's `InitializeHook`.
struct CInitializeHook {
    hook: unsafe extern "C" fn(*const c_char, usize, *mut mcpf_initialize_answer, *mut c_void),
    user_data: UserData,
}

impl InitializeHook for CInitializeHook {
    fn initialize(&self, handshake: Handshake) -> BoxFuture<'static, Result<Value, ProtocolError>> {
        let text = c_string(handshake.to_json().to_string());
        let mut answer = mcpf_initialize_answer { answer: None };
        let len = text.as_bytes().len();
        // SAFETY: the hook C registered, called with text and an answer that outlive the
        // call, and the `user_data` registered with it.
        unsafe { (self.hook)(text.as_ptr(), len, &mut answer, self.user_data.ptr) };
        let engine = handshake.answer;
        Box::pin(std::future::ready(answer.answer.unwrap_or(Ok(engine))))
    }
}

/// Makes `hook` the server's initialize hook, replacing any (see docs/hooks.md): it decides
/// the answer to each client's `initialize` from the handshakes that start afterwards, on
/// every transport. The session is served at the `protocolVersion` the answer names when
/// the server serves it. A NULL `hook` removes it. Thread-safe.
///
/// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
/// NULL) exactly once, when the hook is replaced or removed and no handshake is using it any
/// more, or when the server is freed. With a NULL `hook`, `user_data` is not kept.
///
/// # Safety
/// `server` is NULL or a live server; `hook` and `free_user_data` are NULL or valid
/// functions of those signatures; `user_data` is usable from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_set_initialize_hook(
    server: *mut mcpf_server,
    hook: mcpf_initialize_hook,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        match hook {
            Some(hook) => {
                let user_data = UserData::new(user_data, free_user_data);
                server.engine.set_initialize_hook(CInitializeHook { hook, user_data });
            }
            None => server.engine.clear_initialize_hook(),
        }
        Ok(())
    })
}

/// Answers the `initialize` with `result_json`, a JSON object (the handshake's `answer`
/// changed, or one of your own), sent as it is. `MCPF_STATUS_INVALID_JSON` when it is not
/// JSON, `MCPF_STATUS_INVALID_ARGUMENT` when it is not an object (the answer is unchanged
/// then). Only inside the initialize hook that lent `answer`; a later call replaces an
/// earlier one.
///
/// # Safety
/// `answer` is NULL or the answer a running initialize hook received; `result_json` is NULL
/// or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_initialize_answer_json(
    answer: *mut mcpf_initialize_answer,
    result_json: *const c_char,
    result_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee: the lent answer, not aliased during the hook.
        let answer = unsafe { answer.as_mut() }.ok_or_else(|| boundary::null("answer"))?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(result_json, result_len, "result_json") }?;
        let value = json_of(text, "result_json")?;
        if !value.is_object() {
            return Err(Fail::new(mcpf_status::InvalidArgument, "result_json must be a JSON object".to_owned()));
        }
        answer.answer = Some(Ok(value));
        Ok(())
    })
}

/// Refuses the `initialize` with the JSON-RPC error `{code, message, data}` (`data_json`
/// NULL: none); no session is opened. Only inside the initialize hook that lent `answer`; a
/// later call replaces an earlier one.
///
/// # Safety
/// `answer` is NULL or the answer a running initialize hook received; `message` and
/// `data_json` are NULL or readable per the string rules (`message` is required).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_initialize_answer_error(
    answer: *mut mcpf_initialize_answer,
    code: i64,
    message: *const c_char,
    message_len: usize,
    data_json: *const c_char,
    data_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee: the lent answer, not aliased during the hook.
        let answer = unsafe { answer.as_mut() }.ok_or_else(|| boundary::null("answer"))?;
        // SAFETY: forwarded caller guarantee.
        let message = unsafe { try_str(message, message_len, "message") }?;
        // SAFETY: forwarded caller guarantee.
        let data = unsafe { try_opt_str(data_json, data_len, "data_json") }?;
        let mut error = ProtocolError::new(code, message);
        if let Some(data) = data {
            error = error.with_data(json_of(data, "data_json")?);
        }
        answer.answer = Some(Err(error));
        Ok(())
    })
}

/// `text` parsed, or `MCPF_STATUS_INVALID_JSON` naming the parameter `what`.
fn json_of(text: &str, what: &str) -> Result<Value, Fail> {
    serde_json::from_str(text)
        .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("{what} is not valid JSON: {e}")))
}
