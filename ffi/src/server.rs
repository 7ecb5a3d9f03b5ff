//! `mcpf_server`: create, configure, register tools, serve stdio, shut down, free.
//!
//! Registration model: the object keeps its configuration (name, version, instructions,
//! tools) and builds an engine `Server` from it each time `mcpf_server_run_stdio` starts.
//! Tools added while the server runs are also registered on the running engine at once
//! (clients are told the list changed). This keeps every setter valid at any time, with
//! no "too late" state for C to get wrong.

use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex, MutexGuard};

use mcpforge::protocol::Tool;
use mcpforge::{BoxFuture, HandlerError, ProtocolError, RequestContext, Server, ToolHandler, ToolOutput};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::boundary::{self, Fail, check_out, try_box, try_opt_str, try_ref, try_str, write_out};
use crate::call::mcpf_call;
use crate::responder::{DROPPED, mcpf_responder};
use crate::status::mcpf_status;

/// A tool callback. `call` is borrowed (valid until the callback returns); `responder` is
/// owned by the callback, which must complete or free it exactly once, now or later, from
/// any thread. It runs on the server's runtime thread: it must not block (hand slow work
/// and the responder to another thread) and must not unwind (no C++ exceptions).
pub type mcpf_tool_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// A finalizer for `user_data`, called exactly once when the registration is dropped.
pub type mcpf_free_callback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// An MCP server. Create with `mcpf_server_new`, free with `mcpf_server_free`.
pub struct mcpf_server {
    state: Mutex<State>,
}

struct State {
    name: String,
    version: String,
    instructions: Option<String>,
    tools: Vec<(Tool, Arc<dyn ToolHandler>)>,
    running: Option<Server>,
    shutdown: bool,
}

impl mcpf_server {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `user_data` plus its finalizer. C promises (header rule 6) that `user_data` may be used
/// from the threads the library calls back on, which is what makes these impls sound.
struct UserData {
    ptr: *mut c_void,
    free: mcpf_free_callback,
}

// SAFETY: the header requires `user_data` to be usable from any thread; the library only
// passes the pointer back to C and never dereferences it.
unsafe impl Send for UserData {}
// SAFETY: as above; shared access only copies the pointer.
unsafe impl Sync for UserData {}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            // SAFETY: the finalizer C registered with this pointer, called exactly once here.
            unsafe { free(self.ptr) };
        }
    }
}

/// A C tool: implements the engine's `ToolHandler` by calling the callback with a fresh
/// responder and awaiting the answer the responder delivers.
struct CTool {
    inner: Arc<(unsafe extern "C" fn(*const mcpf_call, *mut mcpf_responder, *mut c_void), UserData)>,
}

impl ToolHandler for CTool {
    fn call(&self, ctx: RequestContext, args: Value) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        let inner = self.inner.clone();
        Box::pin(async move {
            let call = Arc::new(mcpf_call::new(ctx, &args));
            let (tx, rx) = oneshot::channel();
            let responder = Box::into_raw(Box::new(mcpf_responder::new(tx, call.clone())));
            let (callback, user_data) = &*inner;
            // SAFETY: `call` outlives the callback (we hold an Arc); the responder's
            // ownership passes to C; `user_data` is the pointer C registered.
            unsafe { callback(Arc::as_ptr(&call), responder, user_data.ptr) };
            drop(call);
            rx.await.unwrap_or_else(|_| Err(ProtocolError::internal(DROPPED).into()))
        })
    }
}

/// Used only to validate a tool definition before taking ownership of `user_data`.
struct NoTool;

impl ToolHandler for NoTool {
    fn call(&self, _: RequestContext, _: Value) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        Box::pin(async { Err(ProtocolError::internal("unreachable").into()) })
    }
}

/// Creates a server. `name` and `version` are UTF-8 of the given lengths (`SIZE_MAX`:
/// NUL-terminated) and are copied. On success `*out` receives a server the caller owns and
/// must free with `mcpf_server_free`; on failure `*out` is left untouched.
///
/// # Safety
/// `name`/`version` are NULL or readable per the string rules; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_new(
    name: *const c_char,
    name_len: usize,
    version: *const c_char,
    version_len: usize,
    out: *mut *mut mcpf_server,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let name = unsafe { try_str(name, name_len, "name") }?;
        // SAFETY: forwarded caller guarantee.
        let version = unsafe { try_str(version, version_len, "version") }?;
        check_out(out, "out")?;
        if name.is_empty() {
            return Err(Fail::new(mcpf_status::InvalidArgument, "name must not be empty"));
        }
        let server = Box::new(mcpf_server {
            state: Mutex::new(State {
                name: name.to_owned(),
                version: version.to_owned(),
                instructions: None,
                tools: Vec::new(),
                running: None,
                shutdown: false,
            }),
        });
        // SAFETY: checked non-NULL above; writable per the caller.
        unsafe { write_out(out, Box::into_raw(server), "out") }
    })
}

/// Sets the `instructions` the server sends at initialization (copied; replaces earlier
/// instructions; takes effect at the next `mcpf_server_run_stdio`). Thread-safe.
///
/// # Safety
/// `server` is NULL or a live server; `text` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_set_instructions(
    server: *mut mcpf_server,
    text: *const c_char,
    text_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(text, text_len, "text") }?;
        server.state().instructions = Some(text.to_owned());
        Ok(())
    })
}

/// Registers a tool (or replaces the one with the same name). Thread-safe; callable while
/// the server runs (clients are then told the list changed).
///
/// `name` is 1-128 of `A-Z a-z 0-9 _ - . /`; `description` may be NULL; `input_schema_json`
/// is a JSON Schema object with root `"type": "object"` (NULL means `{"type":"object"}`).
/// All strings are copied. `callback` must not be NULL.
///
/// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
/// NULL) exactly once when the tool is dropped: replaced, or the server freed (or, if a
/// responder of the server's calls is still alive, when the last one is completed or
/// freed). On failure nothing is kept and `free_user_data` is not called.
///
/// # Safety
/// `server` is NULL or a live server; strings are NULL or readable per the string rules;
/// `callback` and `free_user_data` are NULL or valid functions of those signatures.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_tool(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
    description: *const c_char,
    description_len: usize,
    input_schema_json: *const c_char,
    input_schema_json_len: usize,
    callback: mcpf_tool_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let name = unsafe { try_str(name, name_len, "name") }?;
        // SAFETY: forwarded caller guarantee.
        let description = unsafe { try_opt_str(description, description_len, "description") }?;
        // SAFETY: forwarded caller guarantee.
        let schema = unsafe { try_opt_str(input_schema_json, input_schema_json_len, "input_schema_json") }?;
        let callback = callback.ok_or_else(|| Fail::new(mcpf_status::NullParameter, "callback must not be NULL"))?;
        let schema: Value = match schema {
            None => serde_json::json!({ "type": "object" }),
            Some(s) => serde_json::from_str(s).map_err(|e| {
                Fail::new(mcpf_status::InvalidJson, format!("input_schema_json is not valid JSON: {e}"))
            })?,
        };
        let mut tool = Tool::new(name).input_schema(schema);
        if let Some(d) = description {
            tool = tool.description(d);
        }
        // The engine checks definitions when a server is built; build a throwaway one so
        // that errors surface here, before `user_data` changes hands.
        Server::builder("check", "0")
            .tool_handler(tool.clone(), Arc::new(NoTool))
            .build()
            .map_err(|e| Fail::new(mcpf_status::InvalidArgument, e.to_string()))?;
        let handler: Arc<dyn ToolHandler> =
            Arc::new(CTool { inner: Arc::new((callback, UserData { ptr: user_data, free: free_user_data })) });
        let mut state = server.state();
        if let Some(running) = &state.running {
            running
                .add_tool(tool.clone(), handler.clone())
                .map_err(|e| Fail::new(mcpf_status::InvalidArgument, e.to_string()))?;
        }
        let replaced = match state.tools.iter_mut().find(|(t, _)| t.name == tool.name) {
            Some(slot) => Some(std::mem::replace(slot, (tool, handler))),
            None => {
                state.tools.push((tool, handler));
                None
            }
        };
        drop(state);
        // The old registration's finalizer runs outside the lock.
        drop(replaced);
        Ok(())
    })
}

/// Serves MCP over this process's stdin/stdout, blocking the calling thread until stdin
/// closes, SIGINT/SIGTERM arrives, or `mcpf_server_shutdown` is called (from another
/// thread or a callback). Tool callbacks run on this thread. While serving, the engine
/// owns fds 0 and 1 and points stdout at stderr, so stray `printf`s cannot corrupt the
/// protocol stream. Returns `MCPF_STATUS_OK` on a clean end, `MCPF_STATUS_ALREADY_RUNNING`
/// if another thread is serving this server, `MCPF_STATUS_IO` on a transport failure.
///
/// # Safety
/// `server` is NULL or a live server that is not freed before this returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_run_stdio(server: *mut mcpf_server) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        let engine = {
            let mut state = server.state();
            if state.shutdown {
                return Ok(());
            }
            if state.running.is_some() {
                return Err(Fail::new(mcpf_status::AlreadyRunning, "the server is already running"));
            }
            let mut builder = Server::builder(state.name.clone(), state.version.clone()).enable_tools();
            if let Some(i) = &state.instructions {
                builder = builder.instructions(i.clone());
            }
            for (tool, handler) in &state.tools {
                builder = builder.tool_handler(tool.clone(), handler.clone());
            }
            let engine = builder.build().map_err(|e| Fail::new(mcpf_status::InvalidArgument, e.to_string()))?;
            state.running = Some(engine.clone());
            engine
        };
        let result = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Fail::new(mcpf_status::Io, format!("cannot start the runtime: {e}")))
            .and_then(|rt| rt.block_on(engine.serve_stdio()).map_err(|e| Fail::new(mcpf_status::Io, e.to_string())));
        server.state().running = None;
        result
    })
}

/// Asks the server to stop: a running `mcpf_server_run_stdio` finishes its in-flight calls
/// and returns; a later one returns at once (shutdown is final). Thread-safe, callable from
/// callbacks, and idempotent.
///
/// # Safety
/// `server` is NULL or a live server.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_shutdown(server: *mut mcpf_server) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        let mut state = server.state();
        state.shutdown = true;
        if let Some(running) = &state.running {
            running.shutdown();
        }
        Ok(())
    })
}

/// Frees a server and every registration (calling their `free_user_data`). Freeing NULL is
/// a no-op. Must not be called while `mcpf_server_run_stdio` is running on it.
///
/// # Safety
/// `server` is NULL or a server from `mcpf_server_new`, not yet freed and not running.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_free(server: *mut mcpf_server) {
    boundary::guard((), || {
        if !server.is_null() {
            // SAFETY: non-NULL and, per the caller, an unfreed server from `mcpf_server_new`.
            drop(unsafe { try_box(server, "server") });
        }
    })
}
