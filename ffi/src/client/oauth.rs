//! OAuth for a C client: the application's steps of the engine's flow
//! (`mcpforge::client::auth::OAuthSettings`, read from `mcpf_client_connect_http`'s
//! `"oauth"` option) asked through one C callback, by name (`oauth/authorize`,
//! `oauth/tokens`, `oauth/saveTokens`), and answered through an owned, one-shot
//! `mcpf_client_oauth_answer` handle, now or later, from any thread. The flow itself (the
//! discovery, registration, code grant, refresh once per expiry) is the engine's.

use std::ffi::{c_char, c_void};
use std::sync::{Arc, LazyLock};

use mcpforge::BoxFuture;
use mcpforge::client::auth::{Ask, OAuthClient, OAuthSettings};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::boundary::{self, Fail, c_json, c_string, try_str};
use crate::handles::Table;
use crate::status::mcpf_status;
use crate::user_data::{UserData, mcpf_free_callback};

/// The answer to one question of the OAuth flow: owned by the application from the moment
/// its callback receives it until `mcpf_client_oauth_answer_json`, `_string` or `_error`
/// consumes it. The pointer is a handle, never dereferenced and never reused: answering
/// again is refused (`MCPF_STATUS_INVALID_ARGUMENT`) without touching freed memory.
pub struct mcpf_client_oauth_answer {
    _opaque: (),
}

/// Asks the application one step of the OAuth flow. `question` is `"oauth/authorize"`
/// (`params_json` `{"url": ..., "redirectUri": ...}`: send the user to `url`; answer with
/// the full URL the authorization server redirected to, a JSON string, e.g. with
/// `mcpf_client_oauth_answer_string`), `"oauth/tokens"` (`{"resource": ...}`: the tokens
/// kept for that MCP endpoint, the JSON object given to an earlier save, or `null`) or
/// `"oauth/saveTokens"` (`{"resource": ..., "tokens": {...} or null}`: keep them, or forget
/// them on null; answer anything, e.g. `null`). The last two come only with `"store": true`.
/// `question` and `params_json` are borrowed until the callback returns; `answer` is owned:
/// answer it exactly once, before returning or later from any thread. It runs on a library
/// thread, never the one of a client call, and may block; it must not unwind. An answer
/// that does not come in time (the authorization's `authorizeTimeout`, 300 s; 10 s for the
/// store) counts as a failure (a load as no tokens); a later answer is accepted and dropped.
pub type mcpf_client_oauth_callback = Option<
    unsafe extern "C" fn(
        question: *const c_char,
        question_len: usize,
        params_json: *const c_char,
        params_json_len: usize,
        answer: *mut mcpf_client_oauth_answer,
        user_data: *mut c_void,
    ),
>;

/// Where an answer handle's answer goes.
type Reply = oneshot::Sender<Result<Value, String>>;

/// The answers C holds (see `handles.rs`).
fn answers() -> &'static Table<Reply, mcpf_client_oauth_answer> {
    static TABLE: LazyLock<Table<Reply, mcpf_client_oauth_answer>> = LazyLock::new(Table::new);
    &TABLE
}

/// A registered OAuth callback and its `user_data`.
pub(crate) struct COAuth {
    callback:
        unsafe extern "C" fn(*const c_char, usize, *const c_char, usize, *mut mcpf_client_oauth_answer, *mut c_void),
    data: UserData,
}

impl COAuth {
    /// Takes ownership of `user_data` (freed with the last reference); a NULL callback is
    /// refused before anything is kept.
    pub(crate) fn new(
        callback: mcpf_client_oauth_callback,
        user_data: *mut c_void,
        free_user_data: mcpf_free_callback,
    ) -> Result<COAuth, Fail> {
        let callback = callback.ok_or_else(|| boundary::null("callback"))?;
        Ok(COAuth { callback, data: UserData::new(user_data, free_user_data) })
    }

    /// The engine's OAuth client for `settings`, its questions asked through `me` (none
    /// registered: refused when the settings need one).
    pub(crate) fn client(me: Option<&Arc<COAuth>>, settings: OAuthSettings) -> Result<OAuthClient, Fail> {
        let asks = !settings.follow_redirects || settings.store;
        let ask: Ask = match me {
            Some(me) => {
                let me = me.clone();
                Arc::new(move |question, params| me.ask(question, params))
            }
            None if asks => {
                return Err(Fail::new(
                    mcpf_status::InvalidArgument,
                    "oauth: without \"followRedirects\": true, or with \"store\": true, the config needs \
                     mcpf_client_config_on_oauth",
                ));
            }
            None => Arc::new(|question, _| Box::pin(async move { Err(format!("nothing answers {question}")) })),
        };
        settings.build(ask).map_err(|e| Fail::new(mcpf_status::InvalidArgument, format!("oauth: {e}")))
    }

    /// Runs the callback on a blocking thread with a fresh answer handle; resolves to what
    /// the handle is answered with.
    fn ask(self: &Arc<Self>, question: &'static str, params: Value) -> BoxFuture<'static, Result<Value, String>> {
        let (reply, answered) = oneshot::channel();
        let handle = answers().insert(reply);
        let handle = handle.addr();
        let me = self.clone();
        let ran = tokio::task::spawn_blocking(move || {
            let question_c = c_string(question);
            let params = c_json(&params);
            // SAFETY: the callback C registered, given strings that live until it returns,
            // an answer handle it now owns, and the user_data registered with it.
            unsafe {
                (me.callback)(
                    question_c.as_ptr(),
                    question_c.as_bytes().len(),
                    params.as_ptr(),
                    params.as_bytes().len(),
                    std::ptr::without_provenance_mut(handle),
                    me.data.ptr,
                );
            }
        });
        Box::pin(async move {
            if let Err(e) = ran.await {
                // The callback never ran to its end: its handle is withdrawn.
                answers().take(std::ptr::without_provenance(handle));
                return Err(format!("the OAuth callback failed: {e}"));
            }
            answered.await.unwrap_or_else(|_| Err(format!("{question}: the answer was dropped")))
        })
    }
}

/// Consumes `answer` and delivers what `read` gives (an answer, or an error for the flow);
/// when `read` fails, the question fails with its message and C gets the status. A handle
/// that is NULL or answered already is refused without effect.
fn deliver(
    answer: *mut mcpf_client_oauth_answer,
    read: impl FnOnce() -> Result<Result<Value, String>, Fail>,
) -> mcpf_status {
    boundary::run(|| {
        if answer.is_null() {
            return Err(boundary::null("answer"));
        }
        let reply = answers()
            .take(answer)
            .ok_or_else(|| Fail::new(mcpf_status::InvalidArgument, "the OAuth question was answered already"))?;
        // A flow that gave up waiting has nobody left to tell: sending may fail.
        match read() {
            Ok(outcome) => {
                let _ = reply.send(outcome);
                Ok(())
            }
            Err(fail) => {
                let _ = reply.send(Err(fail.message.clone()));
                Err(fail)
            }
        }
    })
}

/// Answers an OAuth question with `json` (copied): the tokens object or `null` for
/// `oauth/tokens`, anything for `oauth/saveTokens`, the redirect URL as a JSON string for
/// `oauth/authorize`. Consumes `answer`, even when `json` does not parse
/// (`MCPF_STATUS_INVALID_JSON`: the question then fails); `MCPF_STATUS_INVALID_ARGUMENT`
/// when it was answered already.
///
/// # Safety
/// `answer` is any value (a handle a callback was given, answered or not, or NULL); `json`
/// is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_oauth_answer_json(
    answer: *mut mcpf_client_oauth_answer,
    json: *const c_char,
    json_len: usize,
) -> mcpf_status {
    deliver(answer, || {
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(json, json_len, "json") }?;
        serde_json::from_str(text).map(Ok).map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("json: {e}")))
    })
}

/// Answers an OAuth question with the string `text` (copied): the URL the authorization
/// server redirected to, for `oauth/authorize`. Consumes `answer`; as for
/// `mcpf_client_oauth_answer_json`.
///
/// # Safety
/// As for `mcpf_client_oauth_answer_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_oauth_answer_string(
    answer: *mut mcpf_client_oauth_answer,
    text: *const c_char,
    text_len: usize,
) -> mcpf_status {
    deliver(answer, || {
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(text, text_len, "text") }?;
        Ok(Ok(Value::String(text.to_owned())))
    })
}

/// Fails an OAuth question with `message` (copied): the user declined, the store could not
/// be read. The authorization fails with it (a failed load counts as no tokens, a failed
/// save is logged). Consumes `answer`; as for `mcpf_client_oauth_answer_json`.
///
/// # Safety
/// As for `mcpf_client_oauth_answer_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_oauth_answer_error(
    answer: *mut mcpf_client_oauth_answer,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    deliver(answer, || {
        // SAFETY: forwarded caller guarantee.
        let message = unsafe { try_str(message, message_len, "message") }?;
        Ok(Err(message.to_owned()))
    })
}
