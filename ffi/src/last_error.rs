//! The thread-local last error: a failing call stores a readable message here (errno
//! style), and, when a server answered a client call with a JSON-RPC error, that error's
//! code and data; `mcpf_last_error_message`, `_code` and `_data` (error.rs) lend them to C.

use std::cell::{Cell, RefCell};
use std::ffi::{CString, c_char};

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
    static LAST_CODE: Cell<i64> = const { Cell::new(0) };
    static LAST_DATA: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error (with no JSON-RPC code or data). Interior
/// NUL bytes are dropped so the message always survives.
pub(crate) fn set_last_error(message: &str) {
    LAST_ERROR.with(|e| *e.borrow_mut() = without_nul(message));
    LAST_CODE.with(|c| c.set(0));
    LAST_DATA.with(|d| *d.borrow_mut() = CString::default());
}

/// Adds the JSON-RPC `code` and `data` (JSON text, `""` when none) of the last error; called
/// right after [`set_last_error`].
pub(crate) fn set_last_rpc(code: i64, data: &str) {
    LAST_CODE.with(|c| c.set(code));
    LAST_DATA.with(|d| *d.borrow_mut() = without_nul(data));
}

/// `text` as a C string, its interior NUL bytes dropped.
fn without_nul(text: &str) -> CString {
    let bytes: Vec<u8> = text.bytes().filter(|b| *b != 0).collect();
    CString::new(bytes).unwrap_or_default()
}

/// This thread's last error, NUL-terminated, valid until the next one is recorded.
pub(crate) fn last_error() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// The JSON-RPC code of this thread's last error (0 when it was not a server's error).
pub(crate) fn last_code() -> i64 {
    LAST_CODE.with(Cell::get)
}

/// The JSON-RPC data of this thread's last error as JSON text (`""` when none).
pub(crate) fn last_data() -> *const c_char {
    LAST_DATA.with(|d| d.borrow().as_ptr())
}
