//! Bearer-token verification in C: `mcpf_server_set_token_verifier` registers a callback
//! that receives each token with an owned `mcpf_token_check`, completed exactly once (now or
//! later, from any thread) with `mcpf_token_check_accept` or `mcpf_token_check_reject`.
//! A check freed unanswered refuses the token.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use mcpforge::{AuthError, AuthInfo, BoxFuture, TokenVerifier};
use tokio::sync::oneshot;

use crate::boundary::{self, Fail, try_box, try_opt_str, try_ref};
use crate::server::mcpf_server;
use crate::status::mcpf_status;
use crate::user_data::{UserData, mcpf_free_callback};

/// A token verifier. `token` is borrowed (valid until the callback returns, not
/// NUL-terminated: use `token_len`); `check` is owned by the callback, which must complete
/// or free it exactly once. It runs on the server's thread: it must not block (verify
/// locally, or hand the check to your own thread for introspection).
pub type mcpf_token_verifier = Option<
    unsafe extern "C" fn(token: *const c_char, token_len: usize, check: *mut mcpf_token_check, user_data: *mut c_void),
>;

/// The pending verdict on one bearer token. Owned by C from the verifier callback until
/// `mcpf_token_check_accept`, `mcpf_token_check_reject` or `mcpf_token_check_free`
/// consumes it. Thread-safe to move to another thread.
pub struct mcpf_token_check {
    tx: oneshot::Sender<Result<AuthInfo, AuthError>>,
}

/// The C verifier behind the engine's `TokenVerifier`.
struct CVerifier {
    callback: unsafe extern "C" fn(*const c_char, usize, *mut mcpf_token_check, *mut c_void),
    user_data: UserData,
}

impl TokenVerifier for CVerifier {
    fn verify(&self, token: &str) -> BoxFuture<'static, Result<AuthInfo, AuthError>> {
        let (tx, rx) = oneshot::channel();
        let check = Box::into_raw(Box::new(mcpf_token_check { tx }));
        // SAFETY: `token` is valid for the duration of the call; ownership of `check`
        // passes to C; `user_data` is the pointer C registered.
        unsafe { (self.callback)(token.as_ptr().cast(), token.len(), check, self.user_data.ptr) };
        Box::pin(async move {
            rx.await.unwrap_or_else(|_| Err(AuthError::Invalid("the token could not be verified".to_owned())))
        })
    }
}

/// Sets the verifier of bearer tokens for `mcpf_server_run_http` with an `"auth"` option
/// (replacing an earlier one; takes effect at the next run). Thread-safe.
///
/// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
/// NULL) exactly once, when the verifier is replaced or the server freed (or, if a check is
/// still alive, with the last of them). On failure nothing is kept.
///
/// # Safety
/// `server` is NULL or a live server; `callback` and `free_user_data` are NULL or valid
/// functions of those signatures.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_set_token_verifier(
    server: *mut mcpf_server,
    callback: mcpf_token_verifier,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        let callback = callback.ok_or_else(|| Fail::new(mcpf_status::NullParameter, "callback must not be NULL"))?;
        let verifier = Arc::new(CVerifier { callback, user_data: UserData::new(user_data, free_user_data) });
        server.set_verifier(verifier);
        Ok(())
    })
}

/// Accepts the token. `grant_json` (NULL: an anonymous grant) describes what it grants:
/// `{"subject": "user-1", "scopes": ["read"], "client_id": ..., "extra": {...}}`, all fields
/// optional. Legacy sessions and 2026 `requestState` are bound to `subject`; the HTTP
/// option `required_scopes` is checked against `scopes`. Consumes `check` even on failure
/// (a grant that does not parse refuses the token). Callable from any thread.
///
/// # Safety
/// `check` is NULL or an uncompleted check (invalid afterwards); `grant_json` is NULL or
/// readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_token_check_accept(
    check: *mut mcpf_token_check,
    grant_json: *const c_char,
    grant_json_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee; from here on the check is ours.
        let check = unsafe { try_box(check, "check") }?;
        // SAFETY: forwarded caller guarantee.
        let grant = unsafe { try_opt_str(grant_json, grant_json_len, "grant_json") }.and_then(|text| {
            serde_json::from_str::<AuthInfo>(text.unwrap_or("{}"))
                .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("grant_json is not a grant: {e}")))
        });
        match grant {
            Ok(info) => {
                let _ = check.tx.send(Ok(info));
                Ok(())
            }
            Err(fail) => {
                let _ = check.tx.send(Err(AuthError::Invalid("the token could not be verified".to_owned())));
                Err(fail)
            }
        }
    })
}

/// Refuses the token: the client gets 401 `invalid_token` with `message` as the
/// `error_description` (never put the token in it; NULL: a generic message). Consumes
/// `check` even on failure. Callable from any thread.
///
/// # Safety
/// `check` is NULL or an uncompleted check (invalid afterwards); `message` is NULL or
/// readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_token_check_reject(
    check: *mut mcpf_token_check,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee; from here on the check is ours.
        let check = unsafe { try_box(check, "check") }?;
        // SAFETY: forwarded caller guarantee.
        let message = unsafe { try_opt_str(message, message_len, "message") };
        let text = match &message {
            Ok(Some(m)) => (*m).to_owned(),
            _ => "the token is not valid".to_owned(),
        };
        let _ = check.tx.send(Err(AuthError::Invalid(text)));
        message.map(|_| ())
    })
}

/// Frees a check without a verdict: the token is refused. Freeing NULL is a no-op.
///
/// # Safety
/// `check` is NULL or an uncompleted check (invalid afterwards).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_token_check_free(check: *mut mcpf_token_check) {
    boundary::guard((), || {
        if !check.is_null() {
            // SAFETY: non-NULL and, per the caller, an uncompleted check; dropping the
            // sender refuses the token.
            drop(unsafe { try_box(check, "check") });
        }
    })
}
