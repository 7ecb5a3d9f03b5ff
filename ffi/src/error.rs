//! `mcpf_last_error_message`, `_code` and `_data`: the last failing call on this thread, kept
//! by `last_error.rs`, lent to C.

use std::ffi::c_char;

use crate::last_error::{last_code, last_data, last_error};

/// The message of the last call that failed on this thread, or `""` if none has. After
/// `MCPF_STATUS_SERVER_ERROR` it is the server's JSON-RPC error message, as sent.
///
/// The string is borrowed: it is NUL-terminated, owned by the library, and valid until the
/// next `mcpf_` call on this thread fails (never free it). Successful calls leave it as it
/// is, so read it right after the failing call.
#[unsafe(no_mangle)]
pub extern "C" fn mcpf_last_error_message() -> *const c_char {
    crate::boundary::guard(std::ptr::null(), last_error)
}

/// The JSON-RPC error code of the last call that failed on this thread when it failed with
/// `MCPF_STATUS_SERVER_ERROR` (a server's answer to a client call, e.g.
/// `MCPF_ERROR_INVALID_PARAMS`); 0 after any other failure. Kept as
/// `mcpf_last_error_message` is.
#[unsafe(no_mangle)]
pub extern "C" fn mcpf_last_error_code() -> i64 {
    crate::boundary::guard(0, last_code)
}

/// The `data` of the server's JSON-RPC error, as JSON text, when the last call that failed
/// on this thread failed with `MCPF_STATUS_SERVER_ERROR` and the error had data; `""`
/// otherwise. Borrowed and kept as `mcpf_last_error_message` is (never free it).
#[unsafe(no_mangle)]
pub extern "C" fn mcpf_last_error_data() -> *const c_char {
    crate::boundary::guard(std::ptr::null(), last_data)
}
