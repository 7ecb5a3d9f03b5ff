//! The one place where C meets Rust: the panic boundary every export runs in, NULL checks,
//! pointer-to-reference casts and pointer+length string decoding. Exports call these
//! helpers instead of writing their own `unsafe` code, so the boundary rules of the
//! header's top comment (no panic crosses, every pointer checked, invalid UTF-8 is an
//! error status) hold by construction.

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::last_error::{set_last_error, set_last_rpc};
use crate::status::mcpf_status;

/// A failure on its way to C: the status to return, the message for
/// `mcpf_last_error_message`, and a server's JSON-RPC code and data (JSON text) when a
/// client call failed with its error.
pub(crate) struct Fail {
    pub status: mcpf_status,
    pub message: String,
    pub rpc: Option<(i64, String)>,
}

impl Fail {
    pub fn new(status: mcpf_status, message: impl Into<String>) -> Fail {
        Fail { status, message: message.into(), rpc: None }
    }
}

/// Runs the body of a status-returning export: `Err` becomes its status (message recorded
/// as the thread's last error), a panic becomes `MCPF_STATUS_PANIC`.
pub(crate) fn run(body: impl FnOnce() -> Result<(), Fail>) -> mcpf_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => mcpf_status::Ok,
        Ok(Err(fail)) => {
            set_last_error(&fail.message);
            if let Some((code, data)) = &fail.rpc {
                set_last_rpc(*code, data);
            }
            fail.status
        }
        Err(_) => {
            set_last_error("internal error: a panic was caught at the C boundary");
            mcpf_status::Panic
        }
    }
}

/// Runs the body of an export that cannot report a status: a panic gives `default`.
pub(crate) fn guard<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        set_last_error("internal error: a panic was caught at the C boundary");
        default
    })
}

/// Turns an argument pointer into a shared reference, or `NULL_PARAMETER` naming `what`.
///
/// # Safety
/// `ptr` is NULL or points to a live `T` that stays valid (and is not mutated) for `'a`.
pub(crate) unsafe fn try_ref<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Fail> {
    // SAFETY: the caller guarantees a non-NULL `ptr` points to a live `T` valid for 'a.
    unsafe { ptr.as_ref() }.ok_or_else(|| null(what))
}

/// Takes back ownership of a `Box` handed to C with [`Box::into_raw`].
///
/// # Safety
/// `ptr` is NULL or came from `Box::<T>::into_raw` and has not been taken back before.
pub(crate) unsafe fn try_box<T>(ptr: *mut T, what: &str) -> Result<Box<T>, Fail> {
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: non-NULL, and the caller guarantees it is an un-reclaimed `Box::into_raw`.
    Ok(unsafe { Box::from_raw(ptr) })
}

/// Writes an out-parameter (only ever on success: callers write outputs last).
///
/// # Safety
/// `ptr` is NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(ptr: *mut T, value: T, what: &str) -> Result<(), Fail> {
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: non-NULL and valid for writes per the caller; `T` here is always `Copy`
    // (pointers, sizes), so overwriting without dropping leaks nothing.
    unsafe { ptr.write(value) };
    Ok(())
}

/// Hands `text` to C as an owned string (freed with `mcpf_string_free`): `*out` gets the
/// string, `*out_len` its length without the NUL.
///
/// # Safety
/// `out` and `out_len` are NULL or valid for a write.
pub(crate) unsafe fn give_string(text: String, out: *mut *mut c_char, out_len: *mut usize) -> Result<(), Fail> {
    let len = text.len();
    // JSON and Prometheus text hold no interior NUL (a NUL inside a JSON string is escaped).
    let owned = std::ffi::CString::new(text).map_err(|e| Fail::new(mcpf_status::Internal, e.to_string()))?;
    // SAFETY: forwarded caller guarantee; the string is reclaimed by `mcpf_string_free`.
    unsafe {
        write_out(out_len, len, "out_len")?;
        write_out(out, owned.into_raw(), "out")
    }
}

/// Checks that an out-parameter is not NULL before any work is done.
pub(crate) fn check_out<T>(ptr: *mut T, what: &str) -> Result<(), Fail> {
    if ptr.is_null() { Err(null(what)) } else { Ok(()) }
}

/// Decodes a pointer+length UTF-8 string; `len == SIZE_MAX` means NUL-terminated.
///
/// # Safety
/// `ptr` is NULL, or valid for reads of `len` bytes (of a NUL-terminated string when `len`
/// is `SIZE_MAX`) that are not mutated for `'a`.
pub(crate) unsafe fn try_str<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a str, Fail> {
    if ptr.is_null() {
        return Err(null(what));
    }
    let bytes: &'a [u8] = if len == usize::MAX {
        // SAFETY: non-NULL and NUL-terminated per the caller (SIZE_MAX convention).
        unsafe { CStr::from_ptr(ptr) }.to_bytes()
    } else {
        // SAFETY: non-NULL and valid for `len` bytes per the caller.
        unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }
    };
    std::str::from_utf8(bytes)
        .map_err(|e| Fail::new(mcpf_status::InvalidUtf8, format!("{what} is not valid UTF-8: {e}")))
}

/// [`try_str`] for optional arguments: NULL means "not given".
///
/// # Safety
/// As for [`try_str`].
pub(crate) unsafe fn try_opt_str<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<Option<&'a str>, Fail> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded caller guarantee.
    unsafe { try_str(ptr, len, what) }.map(Some)
}

pub(crate) fn null(what: &str) -> Fail {
    Fail::new(mcpf_status::NullParameter, format!("{what} must not be NULL"))
}

/// Text as a `CString` for C to borrow; an interior NUL (impossible in JSON text, and for
/// user strings only when C or the client sent `\u0000`) is dropped rather than failing.
pub(crate) fn c_string(v: impl Into<Vec<u8>>) -> std::ffi::CString {
    std::ffi::CString::new(v).unwrap_or_else(|e| {
        let bytes: Vec<u8> = e.into_vec().into_iter().filter(|b| *b != 0).collect();
        std::ffi::CString::new(bytes).unwrap_or_default()
    })
}

/// `v` as JSON text in a `CString` (see [`c_string`]).
pub(crate) fn c_json(v: &impl serde::Serialize) -> std::ffi::CString {
    c_string(serde_json::to_string(v).unwrap_or_default())
}
