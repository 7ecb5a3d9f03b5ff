//! `mcpf_server`: create, configure, register tools, resources, resource templates,
//! prompts and completion providers, serve stdio or HTTP, shut down, free.
//!
//! Registration model: the object owns a live engine `Server`, built when it is created, and
//! every registration goes straight to it (the engine validates definitions and refuses
//! duplicates), before or while it serves; clients are told about changes. Serving runs
//! that engine.

use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex, MutexGuard};

use mcpforge::protocol::{CompletionRef, Prompt, PromptArgument, Resource, ResourceTemplate, Tool};
use mcpforge::{CompletionHandler, PromptHandler, ResourceHandler, Server, ServerBuilder, TokenVerifier, ToolHandler};
use serde_json::Value;

use crate::boundary::{self, Fail, check_out, try_box, try_opt_str, try_ref, try_str, write_out};
use crate::call::mcpf_call;
use crate::registration::{CCompletion, CPrompt, CResource, CTool, Registration};
use crate::responder::mcpf_responder;
use crate::status::mcpf_status;
use crate::stop::StopSignal;
use crate::user_data::mcpf_free_callback;

/// A tool callback. `call` is borrowed (valid until the callback returns); `responder` is
/// owned by the callback, which must complete or free it exactly once, now or later, from
/// any thread. It runs on the server's runtime thread: it must not block (hand slow work
/// and the responder to another thread) and must not unwind (no C++ exceptions).
pub type mcpf_tool_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// A resource (or resource template) callback: as `mcpf_tool_callback`, for
/// `resources/read`. `mcpf_call_uri` and `mcpf_call_variables_json` describe the read; answer
/// with `mcpf_responder_text`, `_json`, `_bytes`, `_contents`, `_resource_not_found` or
/// `mcpf_responder_protocol_error`.
pub type mcpf_resource_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// A prompt callback: as `mcpf_tool_callback`, for `prompts/get`. `mcpf_call_arguments`
/// gives the prompt's arguments; answer with `mcpf_responder_text`, `_json`, `_prompt` or
/// `mcpf_responder_protocol_error`.
pub type mcpf_prompt_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// A completion callback: as `mcpf_tool_callback`, for `completion/complete`.
/// `mcpf_call_completion_argument` gives the argument; answer with
/// `mcpf_responder_completion`, `_json` or `mcpf_responder_protocol_error`.
pub type mcpf_completion_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// An MCP server. Create with `mcpf_server_new`, free with `mcpf_server_free`.
pub struct mcpf_server {
    /// Names this server's responders (see `handles.rs`); never reused.
    pub(crate) id: u64,
    /// The engine: registrations live in it.
    pub(crate) engine: Server,
    state: Mutex<State>,
    /// `mcpf_server_shutdown`'s lock-free path (async-signal-safe).
    pub(crate) stop: StopSignal,
}

/// A new `mcpf_server::id`.
fn next_server_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

pub(crate) struct State {
    pub(crate) verifier: Option<Arc<dyn TokenVerifier>>,
    /// True while `mcpf_server_run_stdio`/`_http` serves.
    pub(crate) running: bool,
    /// The address `mcpf_server_run_http` listens on, while it does.
    pub(crate) http_addr: Option<std::net::SocketAddr>,
}

impl mcpf_server {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the token verifier (the old one is dropped outside the lock).
    pub(crate) fn set_verifier(&self, verifier: Arc<dyn TokenVerifier>) {
        let old = self.state().verifier.replace(verifier);
        drop(old);
    }
}

/// Maps an engine definition error to `MCPF_STATUS_INVALID_ARGUMENT`.
pub(crate) fn invalid(e: mcpforge::Error) -> Fail {
    Fail::new(mcpf_status::InvalidArgument, e.to_string())
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
    // SAFETY: forwarded caller guarantee (no options: NULL).
    unsafe { mcpf_server_new_with_options(name, name_len, version, version_len, std::ptr::null(), 0, out) }
}

/// Creates a server with options: `options_json` is the engine's JSON form of the server
/// options (NULL: defaults), every field optional, unknown fields refused
/// (`MCPF_STATUS_INVALID_ARGUMENT` naming the field; `MCPF_STATUS_INVALID_JSON` when it does
/// not parse): `"title"`, `"description"`, `"website_url"`, `"instructions"`, `"logging"`
/// (true), `"protocol_versions"` (`["2025-11-25", ...]`), `"state_key"` (shared by instances
/// that resume each other's 2026 requests), `"cache_ttl_ms"`, `"cache_scope"`
/// (`"public"`/`"private"`), `"limits"` (`{"max_message_size", "max_in_flight",
/// "max_in_flight_per_connection", "request_timeout_ms" (null: none), "shutdown_grace_ms",
/// "page_size", "request_state_ttl_ms", "max_queued_messages", "max_session_backlog"}`),
/// `"rate_limits"` (`{"per_client": RATE, "tools": {"name" or "*": RATE}}`, each RATE
/// `{"requests", "per_ms", "burst"}`: token buckets; a refused request gets the error
/// `MCPF_ERROR_RATE_LIMITED` with `data.retryAfterMs`),
/// `"tasks"` (`{"ttl_ms", "poll_interval_ms", "max_tasks"}`), `"experimental"`,
/// `"extensions"` (id -> settings), `"enable_tools"`/`"enable_resources"`/`"enable_prompts"`,
/// `"mask_error_details"` (clients read only that a request failed, not an internal error's
/// message; see `mcpf_server_set_error_hook`), `"unknown_tool_result"` (a call of an unknown
/// tool is an `isError` result instead of -32602), `"sdk_resource_errors"` (a failed
/// `resources/read` answers as the official SDKs: -32602 `Unknown resource: URI` on every
/// version, `data.uri` on every error), `"invalid_output_result"` (a result failing its
/// `outputSchema` is an `isError` result instead of -32603), `"resource_meta_in_contents"` (a
/// read's contents carry the resource's `_meta`), `"metrics"` (keep request metrics per method
/// and name), `"metrics_address"` (`"127.0.0.1:9464"`: serve `GET /metrics` there while
/// serving stdio). The same form Python and Node take (camelCase names are accepted too). Otherwise as
/// `mcpf_server_new`. The first server of a process also starts the engine's logging on
/// stderr (filtered by `MCPFORGE_LOG`, default `warn`) and, when the standard
/// `OTEL_EXPORTER_OTLP_*` variables ask for it, the export of request spans.
///
/// # Safety
/// As for `mcpf_server_new`; `options_json` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_new_with_options(
    name: *const c_char,
    name_len: usize,
    version: *const c_char,
    version_len: usize,
    options_json: *const c_char,
    options_json_len: usize,
    out: *mut *mut mcpf_server,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let name = unsafe { try_str(name, name_len, "name") }?;
        // SAFETY: forwarded caller guarantee.
        let version = unsafe { try_str(version, version_len, "version") }?;
        // SAFETY: forwarded caller guarantee.
        let options = unsafe { try_opt_str(options_json, options_json_len, "options_json") }?;
        check_out(out, "out")?;
        if name.is_empty() {
            return Err(Fail::new(mcpf_status::InvalidArgument, "name must not be empty"));
        }
        let options: Value = match options {
            None => Value::Null,
            Some(text) => serde_json::from_str(text)
                .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("options_json is not valid JSON: {e}")))?,
        };
        let engine = ServerBuilder::from_json(name, version, options).map_err(invalid)?.enable_tools();
        // The engine's log lines on stderr (`MCPFORGE_LOG`), and span export when the
        // OpenTelemetry variables ask for it: once per process, with the first server.
        static LOGGING: std::sync::Once = std::sync::Once::new();
        LOGGING.call_once(mcpforge::telemetry::init_logging);
        let server = Box::new(mcpf_server {
            id: next_server_id(),
            engine: engine.build().map_err(invalid)?,
            state: Mutex::new(State { verifier: None, running: false, http_addr: None }),
            stop: StopSignal::new().map_err(|e| Fail::new(mcpf_status::Io, format!("cannot create a pipe: {e}")))?,
        });
        // SAFETY: checked non-NULL above; writable per the caller.
        unsafe { write_out(out, Box::into_raw(server), "out") }
    })
}

/// Sets the `instructions` the server sends at initialization (copied; replaces earlier
/// instructions; clients get them from their next `initialize` or `server/discover`, also
/// while the server runs). Thread-safe.
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
        server.engine.set_instructions(Some(text.to_owned()));
        Ok(())
    })
}

/// Registers a tool. Thread-safe; callable while the server runs (clients are then told
/// the list changed). A name already registered is refused (`MCPF_STATUS_INVALID_ARGUMENT`):
/// to replace a tool, `mcpf_server_remove_tool` it first.
///
/// `name` is 1-128 of `A-Z a-z 0-9 _ - . /`; `description` may be NULL; `input_schema_json`
/// is a JSON Schema object with root `"type": "object"` (NULL means `{"type":"object"}`).
/// All strings are copied. `callback` must not be NULL. For a title, an output schema or
/// annotations, use `mcpf_server_add_tool_json`.
///
/// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
/// NULL) exactly once when the tool is dropped: removed, or the server freed (or, if a
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
        register_tool(server, tool, callback, user_data, free_user_data)
    })
}

/// Registers a tool from its full definition as JSON text, as `tools/list` shows it:
/// `{"name": ..., "title"?: ..., "description"?: ..., "inputSchema": {...},
/// "outputSchema"?: {...}, "annotations"?: {"readOnlyHint": true, ...},
/// "execution"?: {"taskSupport": "optional"}, "_meta"?: {...}}`. Two more members are read
/// by the library and never listed: `"deferTask": true` makes a task tool run inside the
/// request until it calls `mcpf_call_start_task` (so it can ask first), and
/// `"requiredScopes": ["files:write", ...]` names the OAuth scopes an HTTP caller's token
/// needs, on top of the server's: without them the tool is left out of `tools/list` and
/// its call refused with 403 `insufficient_scope` (docs/auth.md); `"ui": "ui://..."` (or
/// `{"resourceUri": ..., "visibility": ["model", "app"]}`) links the tool to an MCP app
/// (`mcpf_server_add_app`), written into its `_meta.ui`.
/// With an `outputSchema`, results' `structuredContent` is validated against it: answer
/// with `mcpf_responder_json` (an object is the structured content; text from
/// `mcpf_responder_text` or any other JSON value becomes `{"result": value}`), or with a
/// full result from `mcpf_responder_ok`. Otherwise as `mcpf_server_add_tool` (same
/// name rules, same `user_data` ownership); a definition that does not parse gives
/// `MCPF_STATUS_INVALID_JSON`, one the engine refuses `MCPF_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `server` is NULL or a live server; `tool_json` is NULL or readable per the string rules;
/// `callback` and `free_user_data` are NULL or valid functions of those signatures.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_tool_json(
    server: *mut mcpf_server,
    tool_json: *const c_char,
    tool_json_len: usize,
    callback: mcpf_tool_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(tool_json, tool_json_len, "tool_json") }?;
        let bad = |e: serde_json::Error| {
            Fail::new(mcpf_status::InvalidJson, format!("tool_json is not a tool definition: {e}"))
        };
        // `deferTask` and `requiredScopes` (engine-side, never listed) are part of the
        // engine's definition form.
        let tool: Tool = serde_json::from_str(text).map_err(bad)?;
        register_tool(server, tool, callback, user_data, free_user_data)
    })
}

/// Registers on the engine a handler made (by `make`) from a new registration of
/// `callback` and `user_data`. When the engine refuses it (an invalid definition, a name
/// already taken), `user_data` is handed back untouched: its finalizer does not run.
pub(crate) fn register<H>(
    server: u64,
    callback: Option<unsafe extern "C" fn(*const mcpf_call, *mut mcpf_responder, *mut c_void)>,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
    make: impl FnOnce(Arc<Registration>) -> H,
    add: impl FnOnce(H) -> Result<(), mcpforge::Error>,
) -> Result<(), Fail> {
    let registration = Registration::new(server, callback, user_data, free_user_data)?;
    match add(make(registration.clone())) {
        Ok(()) => Ok(()),
        Err(e) => {
            // The engine dropped the handler: this is the registration's last reference.
            if let Some(r) = Arc::into_inner(registration) {
                r.disarm();
            }
            Err(invalid(e))
        }
    }
}

/// The shared tail of the tool registrations.
fn register_tool(
    server: &mcpf_server,
    tool: Tool,
    callback: mcpf_tool_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> Result<(), Fail> {
    if callback.is_none() {
        return Err(Fail::new(mcpf_status::NullParameter, "callback must not be NULL"));
    }
    let make = |r| Arc::new(CTool(r)) as Arc<dyn ToolHandler>;
    register(server.id, callback, user_data, free_user_data, make, |h| server.engine.add_tool(tool, h))
}

/// The strings a resource or resource template is registered with.
struct ResourceStrings<'a> {
    key: &'a str,
    name: &'a str,
    description: Option<&'a str>,
    mime_type: Option<&'a str>,
}

/// A C string argument: pointer and length (`SIZE_MAX`: NUL-terminated).
type CStr = (*const c_char, usize);

/// Reads and checks the arguments `mcpf_server_add_resource` and
/// `mcpf_server_add_resource_template` share: the key (URI or template, named `key_what`
/// in errors), a non-empty name, optional description and MIME type, and the callback.
///
/// # Safety
/// Every pointer is NULL or readable per the string rules of the header.
unsafe fn resource_strings<'a>(
    key_what: &str,
    (key, name, description, mime_type): (CStr, CStr, CStr, CStr),
    callback_is_null: bool,
) -> Result<ResourceStrings<'a>, Fail> {
    // SAFETY: forwarded caller guarantee (each string).
    let (key, name, description, mime_type) = unsafe {
        (
            try_str(key.0, key.1, key_what)?,
            try_str(name.0, name.1, "name")?,
            try_opt_str(description.0, description.1, "description")?,
            try_opt_str(mime_type.0, mime_type.1, "mime_type")?,
        )
    };
    if callback_is_null {
        return Err(Fail::new(mcpf_status::NullParameter, "callback must not be NULL"));
    }
    if name.is_empty() {
        return Err(Fail::new(mcpf_status::InvalidArgument, "name must not be empty"));
    }
    Ok(ResourceStrings { key, name, description, mime_type })
}

/// Registers a concrete resource (a URI already registered is refused). Thread-safe;
/// callable while the server runs (clients are then told the list changed).
///
/// `uri` is an absolute URI and `name` non-empty; `description` and `mime_type` may be
/// NULL (their lengths are then ignored). All strings are copied. `callback` must not be
/// NULL. For each `resources/read` of `uri` it receives a call (`mcpf_call_uri`;
/// `mcpf_call_variables_json` gives `{}`) and a responder to complete with
/// `mcpf_responder_text`, `_json`, `_bytes`, `_contents`, `_resource_not_found` or
/// `mcpf_responder_protocol_error` (docs/results.md says what each answer becomes).
///
/// `user_data` ownership is as for `mcpf_server_add_tool`: on success the library calls
/// `free_user_data(user_data)` (if not NULL) exactly once when the resource is dropped
/// (removed, or the server freed); on failure nothing is kept and it is not called.
///
/// # Safety
/// `server` is NULL or a live server; strings are NULL or readable per the string rules;
/// `callback` and `free_user_data` are NULL or valid functions of those signatures.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_resource(
    server: *mut mcpf_server,
    uri: *const c_char,
    uri_len: usize,
    name: *const c_char,
    name_len: usize,
    description: *const c_char,
    description_len: usize,
    mime_type: *const c_char,
    mime_type_len: usize,
    callback: mcpf_resource_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        let fields = ((uri, uri_len), (name, name_len), (description, description_len), (mime_type, mime_type_len));
        // SAFETY: forwarded caller guarantee.
        let s = unsafe { resource_strings("uri", fields, callback.is_none()) }?;
        let mut resource = Resource::new(s.key, s.name);
        resource.description = s.description.map(str::to_owned);
        resource.mime_type = s.mime_type.map(str::to_owned);
        let make = |r| Arc::new(CResource(r)) as Arc<dyn ResourceHandler>;
        register(server.id, callback, user_data, free_user_data, make, |h| server.engine.add_resource(resource, h))
    })
}

/// Registers a resource template (a template string already registered is refused).
/// Thread-safe; callable while the server runs (clients are then told the list changed).
///
/// `uri_template` is an RFC 6570 URI template (`"file:///notes/{id}"`) and `name`
/// non-empty; `description` and `mime_type` may be NULL. All strings are copied.
/// `callback` must not be NULL. For each `resources/read` whose URI matches the template
/// (and is not a concrete resource) it receives a call (`mcpf_call_uri` gives the URI,
/// `mcpf_call_variables_json` the matched variables, e.g. `{"id":"42"}`) and a responder
/// to complete as for `mcpf_server_add_resource`.
///
/// `user_data` ownership is as for `mcpf_server_add_tool`.
///
/// # Safety
/// As for `mcpf_server_add_resource`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_resource_template(
    server: *mut mcpf_server,
    uri_template: *const c_char,
    uri_template_len: usize,
    name: *const c_char,
    name_len: usize,
    description: *const c_char,
    description_len: usize,
    mime_type: *const c_char,
    mime_type_len: usize,
    callback: mcpf_resource_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        let fields = (
            (uri_template, uri_template_len),
            (name, name_len),
            (description, description_len),
            (mime_type, mime_type_len),
        );
        // SAFETY: forwarded caller guarantee.
        let s = unsafe { resource_strings("uri_template", fields, callback.is_none()) }?;
        let mut template = ResourceTemplate::new(s.key, s.name);
        template.description = s.description.map(str::to_owned);
        template.mime_type = s.mime_type.map(str::to_owned);
        let make = |r| Arc::new(CResource(r)) as Arc<dyn ResourceHandler>;
        register(server.id, callback, user_data, free_user_data, make, |h| {
            server.engine.add_resource_template(template, h)
        })
    })
}

/// Registers a prompt (a name already registered is refused). Thread-safe; callable
/// while the server runs (clients are then told the list changed).
///
/// `name` is non-empty; `description` may be NULL; `arguments_json` is a JSON array of
/// `{"name": ..., "description"?: ..., "required"?: bool}` (NULL: no arguments). All strings
/// are copied. `callback` must not be NULL. For each `prompts/get` (after the engine has
/// rejected requests missing a required argument with -32602) it receives a call
/// (`mcpf_call_arguments` gives the arguments as a JSON object of strings) and a responder
/// to complete with `mcpf_responder_text`, `_json`, `_prompt` or
/// `mcpf_responder_protocol_error` (docs/results.md says what each answer becomes).
///
/// `user_data` ownership is as for `mcpf_server_add_tool`.
///
/// # Safety
/// `server` is NULL or a live server; strings are NULL or readable per the string rules;
/// `callback` and `free_user_data` are NULL or valid functions of those signatures.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_prompt(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
    description: *const c_char,
    description_len: usize,
    arguments_json: *const c_char,
    arguments_json_len: usize,
    callback: mcpf_prompt_callback,
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
        let arguments = unsafe { try_opt_str(arguments_json, arguments_json_len, "arguments_json") }?;
        if callback.is_none() {
            return Err(Fail::new(mcpf_status::NullParameter, "callback must not be NULL"));
        }
        let arguments: Vec<PromptArgument> = match arguments {
            None => Vec::new(),
            Some(a) => serde_json::from_str(a).map_err(|e| {
                Fail::new(mcpf_status::InvalidJson, format!("arguments_json is not an array of prompt arguments: {e}"))
            })?,
        };
        let mut prompt = Prompt::new(name);
        if let Some(d) = description {
            prompt = prompt.description(d);
        }
        for argument in arguments {
            prompt = prompt.argument(argument);
        }
        let make = |r| Arc::new(CPrompt(r)) as Arc<dyn PromptHandler>;
        register(server.id, callback, user_data, free_user_data, make, |h| server.engine.add_prompt(prompt, h))
    })
}

/// Registers a completion provider for one prompt's arguments or one resource template's
/// variables (or replaces the provider for the same reference). Thread-safe; callable while
/// the server runs. The server advertises the `completions` capability once one is
/// registered (at the next initialize).
///
/// `ref_type` is `"ref/prompt"` (then `ref_name_or_uri` is the prompt name) or
/// `"ref/resource"` (then it is the template string, as registered); anything else gives
/// `MCPF_STATUS_INVALID_ARGUMENT`. Strings are copied. `callback` must not be NULL. For each
/// `completion/complete` of that reference it receives a call
/// (`mcpf_call_completion_argument` gives the argument's name and partial value,
/// `mcpf_call_arguments` the already-resolved other arguments) and a responder to complete
/// with `mcpf_responder_completion`, `_json` or `mcpf_responder_protocol_error`. Completions of
/// references without a provider get an empty list.
///
/// `user_data` ownership is as for `mcpf_server_add_tool`.
///
/// # Safety
/// `server` is NULL or a live server; strings are NULL or readable per the string rules;
/// `callback` and `free_user_data` are NULL or valid functions of those signatures.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_completion(
    server: *mut mcpf_server,
    ref_type: *const c_char,
    ref_type_len: usize,
    ref_name_or_uri: *const c_char,
    ref_name_or_uri_len: usize,
    callback: mcpf_completion_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let ref_type = unsafe { try_str(ref_type, ref_type_len, "ref_type") }?;
        // SAFETY: forwarded caller guarantee.
        let target = unsafe { try_str(ref_name_or_uri, ref_name_or_uri_len, "ref_name_or_uri") }?;
        if callback.is_none() {
            return Err(Fail::new(mcpf_status::NullParameter, "callback must not be NULL"));
        }
        if target.is_empty() {
            return Err(Fail::new(mcpf_status::InvalidArgument, "ref_name_or_uri must not be empty"));
        }
        let reference = match ref_type {
            "ref/prompt" => CompletionRef::Prompt { name: target.to_owned() },
            "ref/resource" => CompletionRef::Resource { uri: target.to_owned() },
            other => {
                return Err(Fail::new(
                    mcpf_status::InvalidArgument,
                    format!("ref_type must be \"ref/prompt\" or \"ref/resource\", not {other:?}"),
                ));
            }
        };
        let handler: Arc<dyn CompletionHandler> =
            Arc::new(CCompletion(Registration::new(server.id, callback, user_data, free_user_data)?));
        // A provider for the same reference is replaced (and its finalizer runs).
        server.engine.add_completion(Some(reference), handler);
        Ok(())
    })
}

/// Asks the server to stop: a running `mcpf_server_run_stdio`/`_http` finishes its
/// in-flight calls and returns; a later one returns at once (shutdown is final). Thread-safe,
/// callable from callbacks, idempotent, and on Unix async-signal-safe for a valid `server`
/// (it only sets a flag and writes one byte to a socket), so a signal handler may call it;
/// on Windows call it from a console control handler (`SetConsoleCtrlHandler`).
///
/// # Safety
/// `server` is NULL or a live server.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_shutdown(server: *mut mcpf_server) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        server.stop.request();
        Ok(())
    })
}

/// Frees a server and every registration, calling their `free_user_data` here, on this
/// thread. Responders of its calls that C still holds are revoked first: completing or
/// freeing them afterwards returns `MCPF_STATUS_INVALID_ARGUMENT` (or does nothing) and
/// touches nothing of the server. Freeing NULL is a no-op. Must not be called while
/// `mcpf_server_run_stdio`/`_http` is running on it.
///
/// # Safety
/// `server` is NULL or a server from `mcpf_server_new`, not yet freed and not running.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_free(server: *mut mcpf_server) {
    boundary::guard((), || {
        if !server.is_null() {
            // SAFETY: non-NULL and, per the caller, an unfreed server from `mcpf_server_new`.
            if let Ok(server) = unsafe { try_box(server, "server") } {
                // Their calls ended with the server's last run: nobody is waiting for them.
                drop(crate::responder::responders().remove_where(|r| r.server() == server.id));
                drop(server);
            }
        }
    })
}
