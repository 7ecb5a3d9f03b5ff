//! How one C client call waits: `mcpf_client_call_options` (its timeout, and what cancels
//! it) and `mcpf_client_cancel`, the object another thread trips to give calls up.

use std::ffi::c_char;
use std::time::Duration;

use mcpforge::client::CancelReason;
use tokio_util::sync::CancellationToken;

use crate::boundary::{self, Fail, try_box, try_opt_str, try_ref, write_out};
use crate::status::mcpf_status;

/// Gives up the calls it is passed to (in `mcpf_client_call_options`) when
/// `mcpf_client_cancel_trigger` is called, from any thread. Create with
/// `mcpf_client_cancel_new`, free with `mcpf_client_cancel_free`. Once triggered it stays
/// triggered: a call started with it fails at once.
pub struct mcpf_client_cancel {
    token: CancellationToken,
    reason: CancelReason,
}

/// Options of one client call; pass NULL for the client's defaults.
#[repr(C)]
pub struct mcpf_client_call_options {
    /// How long the call waits for its answer, in milliseconds (for a list, all its pages
    /// together, each page also bounded by the client's timeout); 0: the client's timeout
    /// (`"timeout_ms"` of its config).
    pub timeout_ms: u64,
    /// Cancels the call when triggered; NULL: none. Borrowed for the call's start only.
    pub cancel: *const mcpf_client_cancel,
}

/// What a call's options say, read once when the call starts.
pub(crate) struct CallSpec {
    pub(crate) timeout: Option<Duration>,
    pub(crate) token: CancellationToken,
    pub(crate) reason: CancelReason,
}

/// Reads a call's options (NULL: the defaults).
///
/// # Safety
/// `options` is NULL or points to a readable `mcpf_client_call_options` whose `cancel` is
/// NULL or a live `mcpf_client_cancel`.
pub(crate) unsafe fn read(options: *const mcpf_client_call_options) -> Result<CallSpec, Fail> {
    // SAFETY: forwarded caller guarantee.
    let Some(options) = (unsafe { options.as_ref() }) else {
        return Ok(CallSpec { timeout: None, token: CancellationToken::new(), reason: CancelReason::new() });
    };
    let timeout = (options.timeout_ms > 0).then(|| Duration::from_millis(options.timeout_ms));
    if options.cancel.is_null() {
        return Ok(CallSpec { timeout, token: CancellationToken::new(), reason: CancelReason::new() });
    }
    // SAFETY: forwarded caller guarantee.
    let cancel = unsafe { try_ref(options.cancel, "options->cancel") }?;
    Ok(CallSpec { timeout, token: cancel.token.clone(), reason: cancel.reason.clone() })
}

/// Creates a cancel object; `*out` receives it, owned by the caller (free it with
/// `mcpf_client_cancel_free` once no call is starting with it).
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_cancel_new(out: *mut *mut mcpf_client_cancel) -> mcpf_status {
    boundary::run(|| {
        let cancel = Box::new(mcpf_client_cancel { token: CancellationToken::new(), reason: CancelReason::new() });
        // SAFETY: forwarded caller guarantee; the box is reclaimed by `mcpf_client_cancel_free`.
        unsafe { write_out(out, Box::into_raw(cancel), "out") }
    })
}

/// Gives up every call running with `cancel`, and every later one: each returns
/// `MCPF_STATUS_CANCELLED`, and the server gets `notifications/cancelled` with `reason`
/// (UTF-8 of `reason_len` bytes, `SIZE_MAX`: NUL-terminated; NULL: "cancelled by the
/// application"). Thread-safe; a second trigger does nothing.
///
/// # Safety
/// `cancel` is NULL or a live cancel object; `reason` is NULL or readable per the string
/// rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_cancel_trigger(
    cancel: *const mcpf_client_cancel,
    reason: *const c_char,
    reason_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let cancel = unsafe { try_ref(cancel, "cancel") }?;
        // SAFETY: forwarded caller guarantee.
        let reason = unsafe { try_opt_str(reason, reason_len, "reason") }?;
        if !cancel.token.is_cancelled() {
            cancel.reason.set(reason.unwrap_or("cancelled by the application"));
            cancel.token.cancel();
        }
        Ok(())
    })
}

/// Frees a cancel object (NULL: nothing). Calls already running with it keep what they
/// need: triggering is over for them once it is freed.
///
/// # Safety
/// `cancel` is NULL or a cancel object not yet freed, which no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_cancel_free(cancel: *mut mcpf_client_cancel) {
    boundary::guard((), || {
        // SAFETY: forwarded caller guarantee.
        drop(unsafe { try_box(cancel, "cancel") });
    });
}
