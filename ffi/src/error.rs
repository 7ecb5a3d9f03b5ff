//! `mcpf_last_error_message`: the message of the last failing call on this thread, kept by
//! `last_error.rs`, lent to C.

use std::ffi::c_char;

use crate::last_error::last_error;

/// The message of the last call that failed on this thread, or `""` if none has.
///
/// The string is borrowed: it is NUL-terminated, owned by the library, and valid until the
/// next `mcpf_` call on this thread fails (never free it). Successful calls leave it as it
/// is, so read it right after the failing call.
#[unsafe(no_mangle)]
pub extern "C" fn mcpf_last_error_message() -> *const c_char {
    crate::boundary::guard(std::ptr::null(), last_error)
}
