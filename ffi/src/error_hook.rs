//! The C error hook (`mcpf_server_set_error_hook`): one callback per server told of every
//! unexpected failure of a request (a responder freed unanswered, an internal error a
//! callback answered, a request past its timeout, a panic inside the library), with the
//! failure lent as an `mcpf_failure` for the duration of the call.

use std::ffi::{c_char, c_void};
use std::ptr;

use mcpforge::Failure;

use crate::boundary::{self, c_json, c_string, try_ref};
use crate::server::mcpf_server;
use crate::status::mcpf_status;
use crate::user_data::{UserData, mcpf_free_callback};

/// One unexpected failure, lent to the error hook: every pointer is a NUL-terminated UTF-8
/// string valid until the hook returns (copy what you keep).
#[repr(C)]
pub struct mcpf_failure {
    /// `"panic"`, `"internal"` or `"timeout"` (more kinds may be added: treat others as
    /// internal).
    pub kind: *const c_char,
    /// The request's method (`"tools/call"`, `"resources/read"`, ...).
    pub method: *const c_char,
    /// What the request named (the tool or prompt name, the resource URI); NULL when the
    /// method names nothing.
    pub name: *const c_char,
    /// The full message, as the client would read it unmasked.
    pub message: *const c_char,
    /// The error's `data` as JSON text; NULL when it has none.
    pub data_json: *const c_char,
    /// The request's JSON-RPC id as JSON text (`7`, `"abc"`).
    pub request_id_json: *const c_char,
}

/// Called on an engine thread once per unexpected failure, after the library logged it and
/// before the client's answer is written. Keep it quick (queue slow reports elsewhere).
pub type mcpf_error_hook = Option<unsafe extern "C" fn(failure: *const mcpf_failure, user_data: *mut c_void)>;

/// A C hook with its `user_data`, called through the engine's `ErrorHook`.
struct CHook {
    hook: unsafe extern "C" fn(*const mcpf_failure, *mut c_void),
    user_data: UserData,
}

impl CHook {
    fn failed(&self, f: &Failure<'_>) {
        let kind = c_string(f.kind.as_str());
        let method = c_string(f.method);
        let name = f.name.map(c_string);
        let message = c_string(f.message);
        let data = f.data.map(|d| c_string(d.to_string()));
        let id = c_json(f.id);
        let view = mcpf_failure {
            kind: kind.as_ptr(),
            method: method.as_ptr(),
            name: name.as_ref().map_or(ptr::null(), |n| n.as_ptr()),
            message: message.as_ptr(),
            data_json: data.as_ref().map_or(ptr::null(), |d| d.as_ptr()),
            request_id_json: id.as_ptr(),
        };
        // SAFETY: the hook C registered, called with a view whose strings outlive the call,
        // and the `user_data` registered with it.
        unsafe { (self.hook)(&view, self.user_data.ptr) };
    }
}

/// Makes `hook` the server's error hook, replacing any (see docs/hooks.md): it is told of
/// every unexpected failure of a request that starts afterwards, also while serving. A NULL
/// `hook` removes it. What the client reads is decided by the `mask_error_details` option,
/// not by the hook. Thread-safe.
///
/// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
/// NULL) exactly once, when the hook is replaced or removed and no request is using it any
/// more, or when the server is freed. With a NULL `hook`, `user_data` is not kept. On
/// failure nothing is kept.
///
/// # Safety
/// `server` is NULL or a live server; `hook` and `free_user_data` are NULL or valid
/// functions of those signatures; `user_data` is usable from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_set_error_hook(
    server: *mut mcpf_server,
    hook: mcpf_error_hook,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        match hook {
            Some(hook) => {
                let c = CHook { hook, user_data: UserData::new(user_data, free_user_data) };
                server.engine.set_error_hook(move |f: &Failure<'_>| c.failed(f));
            }
            None => server.engine.clear_error_hook(),
        }
        Ok(())
    })
}
