//! The thread-local last error: a failing call stores a readable message here (errno
//! style) and `mcpf_last_error_message` lends it to C.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error. Interior NUL bytes are dropped so the
/// message always survives.
pub(crate) fn set_last_error(message: &str) {
    let bytes: Vec<u8> = message.bytes().filter(|b| *b != 0).collect();
    let text = CString::new(bytes).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = text);
}

/// The message of the last call that failed on this thread, or `""` if none has.
///
/// The string is borrowed: it is NUL-terminated, owned by the library, and valid until the
/// next `mcpf_` call on this thread fails (never free it). Successful calls leave it as it
/// is, so read it right after the failing call.
#[unsafe(no_mangle)]
pub extern "C" fn mcpf_last_error_message() -> *const c_char {
    crate::boundary::guard(std::ptr::null(), || LAST_ERROR.with(|e| e.borrow().as_ptr()))
}
