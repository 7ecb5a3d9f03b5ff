//! `mcpf_server`: create, configure, register tools, resources, resource templates,
//! prompts and completion providers, serve stdio or HTTP, shut down, free.
//!
//! Registration model: the object keeps its configuration (name, version, instructions,
//! registrations) and builds an engine `Server` from it each time `mcpf_server_run_stdio`
//! or `mcpf_server_run_http` starts. Registrations added while the server runs are also
//! registered on the running engine at once (clients are told the list changed). This
//! keeps every setter valid at any time, with no "too late" state for C to get wrong.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex, MutexGuard};

use mcpforge::protocol::{
    CompleteRequest, Completion, CompletionRef, GetPromptResult, Prompt, PromptArgument, Resource, ResourceContents,
    ResourceTemplate, Tool,
};
use mcpforge::{
    BoxFuture, CompletionHandler, HandlerError, HttpOptions, PromptHandler, ProtocolError, RequestContext,
    ResourceHandler, Server, TokenVerifier, ToolHandler, ToolOutput,
};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::boundary::{self, Fail, check_out, try_box, try_opt_str, try_ref, try_str, write_out};
use crate::call::mcpf_call;
use crate::responder::{Answer, Kind, Output, dropped, mcpf_responder, mismatch};
use crate::status::mcpf_status;
use crate::stop::StopSignal;

/// A tool callback. `call` is borrowed (valid until the callback returns); `responder` is
/// owned by the callback, which must complete or free it exactly once, now or later, from
/// any thread. It runs on the server's runtime thread: it must not block (hand slow work
/// and the responder to another thread) and must not unwind (no C++ exceptions).
pub type mcpf_tool_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// A resource (or resource template) callback: as `mcpf_tool_callback`, for
/// `resources/read`. `mcpf_call_uri` and `mcpf_call_variables_json` describe the read; answer
/// with `mcpf_responder_contents`, `mcpf_responder_resource_not_found` or
/// `mcpf_responder_protocol_error`.
pub type mcpf_resource_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// A prompt callback: as `mcpf_tool_callback`, for `prompts/get`. `mcpf_call_arguments`
/// gives the prompt's arguments; answer with `mcpf_responder_prompt` or
/// `mcpf_responder_protocol_error`.
pub type mcpf_prompt_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// A completion callback: as `mcpf_tool_callback`, for `completion/complete`.
/// `mcpf_call_completion_argument` gives the argument; answer with
/// `mcpf_responder_completion` or `mcpf_responder_protocol_error`.
pub type mcpf_completion_callback =
    Option<unsafe extern "C" fn(call: *const mcpf_call, responder: *mut mcpf_responder, user_data: *mut c_void)>;

/// A finalizer for `user_data`, called exactly once when the registration is dropped.
pub type mcpf_free_callback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// An MCP server. Create with `mcpf_server_new`, free with `mcpf_server_free`.
pub struct mcpf_server {
    state: Mutex<State>,
    /// `mcpf_server_shutdown`'s lock-free path (async-signal-safe).
    stop: StopSignal,
}

struct State {
    name: String,
    version: String,
    instructions: Option<String>,
    tools: Vec<(Tool, Arc<dyn ToolHandler>)>,
    resources: Vec<(Resource, Arc<dyn ResourceHandler>)>,
    templates: Vec<(ResourceTemplate, Arc<dyn ResourceHandler>)>,
    prompts: Vec<(Prompt, Arc<dyn PromptHandler>)>,
    completions: Vec<(CompletionRef, Arc<dyn CompletionHandler>)>,
    verifier: Option<Arc<dyn TokenVerifier>>,
    running: Option<Server>,
    /// The address `mcpf_server_run_http` listens on, while it does.
    http_addr: Option<std::net::SocketAddr>,
}

impl mcpf_server {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the token verifier (the old one is dropped outside the lock).
    pub(crate) fn set_verifier(&self, verifier: Arc<dyn TokenVerifier>) {
        let old = self.state().verifier.replace(verifier);
        drop(old);
    }
}

/// `user_data` plus its finalizer. C promises (header rule 6) that `user_data` may be used
/// from the threads the library calls back on, which is what makes these impls sound.
pub(crate) struct UserData {
    pub(crate) ptr: *mut c_void,
    free: mcpf_free_callback,
}

impl UserData {
    /// Takes ownership of `ptr`: `free` runs when this is dropped.
    pub(crate) fn new(ptr: *mut c_void, free: mcpf_free_callback) -> UserData {
        UserData { ptr, free }
    }
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

/// A C callback with its `user_data`, shared by every in-flight call of one registration
/// (so `free_user_data` runs after the last of them).
struct Registration {
    callback: unsafe extern "C" fn(*const mcpf_call, *mut mcpf_responder, *mut c_void),
    user_data: UserData,
}

impl Registration {
    fn new(
        callback: Option<unsafe extern "C" fn(*const mcpf_call, *mut mcpf_responder, *mut c_void)>,
        user_data: *mut c_void,
        free_user_data: mcpf_free_callback,
    ) -> Result<Arc<Registration>, Fail> {
        let callback = callback.ok_or_else(|| Fail::new(mcpf_status::NullParameter, "callback must not be NULL"))?;
        // The UserData is built only once nothing can fail any more: dropping it would run
        // the finalizer, and failures must not take `user_data`.
        Ok(Arc::new(Registration { callback, user_data: UserData::new(user_data, free_user_data) }))
    }

    /// Calls the callback with `call` and a fresh responder of `kind`, and awaits the
    /// answer the responder delivers (an internal error if it is dropped unanswered).
    async fn invoke(self: Arc<Self>, kind: Kind, call: mcpf_call) -> Answer {
        let call = Arc::new(call);
        let (tx, rx) = oneshot::channel();
        let responder = Box::into_raw(Box::new(mcpf_responder::new(tx, call.clone(), kind)));
        // SAFETY: `call` outlives the callback (we hold an Arc); the responder's ownership
        // passes to C; `user_data` is the pointer C registered.
        unsafe { (self.callback)(Arc::as_ptr(&call), responder, self.user_data.ptr) };
        let answer = rx.await.unwrap_or_else(|_| Err(dropped(kind)));
        // An ask that needs the client's answer first decides this round, whatever C
        // completed the responder with (stopping early is the documented reaction).
        if call.needs_input() { Err(HandlerError::InputRequired) } else { answer }
    }
}

/// A C tool: implements the engine's `ToolHandler` through a [`Registration`].
struct CTool(Arc<Registration>);

impl ToolHandler for CTool {
    fn call(&self, ctx: RequestContext, args: Value) -> BoxFuture<'static, Result<ToolOutput, HandlerError>> {
        let reg = self.0.clone();
        Box::pin(async move {
            match reg.invoke(Kind::Tool, mcpf_call::new(ctx, args)).await? {
                Output::Tool(out) => Ok(out),
                _ => Err(mismatch(Kind::Tool)),
            }
        })
    }
}

/// A C resource or resource template.
struct CResource(Arc<Registration>);

impl ResourceHandler for CResource {
    fn read(
        &self,
        ctx: RequestContext,
        uri: String,
        vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<Vec<ResourceContents>, HandlerError>> {
        let reg = self.0.clone();
        Box::pin(async move {
            let vars = Value::Object(vars.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
            let call = mcpf_call::new(ctx, Value::Object(Default::default())).with_resource(uri, &vars);
            match reg.invoke(Kind::Resource, call).await? {
                Output::Contents(contents) => Ok(contents),
                _ => Err(mismatch(Kind::Resource)),
            }
        })
    }
}

/// A C prompt.
struct CPrompt(Arc<Registration>);

impl PromptHandler for CPrompt {
    fn get(
        &self,
        ctx: RequestContext,
        args: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<GetPromptResult, HandlerError>> {
        let reg = self.0.clone();
        Box::pin(async move {
            let args = Value::Object(args.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
            match reg.invoke(Kind::Prompt, mcpf_call::new(ctx, args)).await? {
                Output::Prompt(result) => Ok(result),
                _ => Err(mismatch(Kind::Prompt)),
            }
        })
    }
}

/// A C completion provider.
struct CCompletion(Arc<Registration>);

impl CompletionHandler for CCompletion {
    fn complete(
        &self,
        ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<Completion, ProtocolError>> {
        let reg = self.0.clone();
        Box::pin(async move {
            let context = Value::Object(request.context.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
            let call = mcpf_call::new(ctx, context).with_completion(request.argument, request.value);
            let answer = match reg.invoke(Kind::Completion, call).await {
                Ok(Output::Completion(completion)) => Ok(completion),
                Ok(_) => Err(mismatch(Kind::Completion)),
                Err(e) => Err(e),
            };
            answer.map_err(HandlerError::into_protocol_error)
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

/// Used only to validate resource, template and prompt definitions before taking
/// ownership of `user_data`.
struct NoHandler;

impl ResourceHandler for NoHandler {
    fn read(
        &self,
        _: RequestContext,
        _: String,
        _: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<Vec<ResourceContents>, HandlerError>> {
        Box::pin(async { Err(ProtocolError::internal("unreachable").into()) })
    }
}

impl PromptHandler for NoHandler {
    fn get(
        &self,
        _: RequestContext,
        _: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<GetPromptResult, HandlerError>> {
        Box::pin(async { Err(ProtocolError::internal("unreachable").into()) })
    }
}

/// Replaces the entry `same` as `item` or appends `item`; returns the replaced entry, to
/// be dropped (running its finalizer) outside the lock.
fn upsert<T, H>(list: &mut Vec<(T, H)>, item: (T, H), same: impl Fn(&T, &T) -> bool) -> Option<(T, H)> {
    match list.iter_mut().find(|(t, _)| same(t, &item.0)) {
        Some(slot) => Some(std::mem::replace(slot, item)),
        None => {
            list.push(item);
            None
        }
    }
}

/// Maps an engine definition error to `MCPF_STATUS_INVALID_ARGUMENT`.
fn invalid(e: mcpforge::Error) -> Fail {
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
                resources: Vec::new(),
                templates: Vec::new(),
                prompts: Vec::new(),
                completions: Vec::new(),
                verifier: None,
                running: None,
                http_addr: None,
            }),
            stop: StopSignal::new().map_err(|e| Fail::new(mcpf_status::Io, format!("cannot create a pipe: {e}")))?,
        });
        // SAFETY: checked non-NULL above; writable per the caller.
        unsafe { write_out(out, Box::into_raw(server), "out") }
    })
}

/// Sets the `instructions` the server sends at initialization (copied; replaces earlier
/// instructions; takes effect at the next `mcpf_server_run_*`). Thread-safe.
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
/// All strings are copied. `callback` must not be NULL. For a title, an output schema or
/// annotations, use `mcpf_server_add_tool_json`.
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
/// "execution"?: {"taskSupport": "optional"}, "_meta"?: {...}}`. One more member is read by
/// the library and never listed: `"deferTask": true` makes a task tool run inside the
/// request until it calls `mcpf_call_start_task` (so it can ask first).
/// With an `outputSchema`, results' `structuredContent` is validated against it (and a
/// plain text answer from `mcpf_responder_text` is refused for such a tool by the engine
/// unless it parses as matching JSON). Otherwise as `mcpf_server_add_tool` (same
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
        let mut value: Value = serde_json::from_str(text).map_err(bad)?;
        // `deferTask` is for the engine only (never listed): see `mcpf_call_start_task`.
        let defer = match value.as_object_mut().and_then(|o| o.remove("deferTask")) {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return Err(Fail::new(mcpf_status::InvalidJson, "tool_json: deferTask must be a boolean")),
        };
        let mut tool: Tool = serde_json::from_value(value).map_err(bad)?;
        tool.defer_task = defer;
        register_tool(server, tool, callback, user_data, free_user_data)
    })
}

/// The shared tail of the tool registrations: checks the definition, then takes
/// `user_data` and registers (on the running engine too).
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
    // The engine checks definitions when a server is built; build a throwaway one so that
    // errors surface here, before `user_data` changes hands.
    Server::builder("check", "0").tool_handler(tool.clone(), Arc::new(NoTool)).build().map_err(invalid)?;
    let handler: Arc<dyn ToolHandler> = Arc::new(CTool(Registration::new(callback, user_data, free_user_data)?));
    let mut state = server.state();
    if let Some(running) = &state.running {
        running.add_tool(tool.clone(), handler.clone()).map_err(invalid)?;
    }
    let replaced = upsert(&mut state.tools, (tool, handler), |a, b| a.name == b.name);
    drop(state);
    // The old registration's finalizer runs outside the lock.
    drop(replaced);
    Ok(())
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

/// Registers a concrete resource (or replaces the one with the same URI). Thread-safe;
/// callable while the server runs (clients are then told the list changed).
///
/// `uri` is an absolute URI and `name` non-empty; `description` and `mime_type` may be
/// NULL (their lengths are then ignored). All strings are copied. `callback` must not be
/// NULL. For each `resources/read` of `uri` it receives a call (`mcpf_call_uri`;
/// `mcpf_call_variables_json` gives `{}`) and a responder to complete with
/// `mcpf_responder_contents`, `mcpf_responder_resource_not_found` or
/// `mcpf_responder_protocol_error`.
///
/// `user_data` ownership is as for `mcpf_server_add_tool`: on success the library calls
/// `free_user_data(user_data)` (if not NULL) exactly once when the resource is dropped
/// (replaced, or the server freed); on failure nothing is kept and it is not called.
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
        // Validate before `user_data` changes hands (as in `mcpf_server_add_tool`).
        Server::builder("check", "0")
            .resource_handler(resource.clone(), Arc::new(NoHandler))
            .build()
            .map_err(invalid)?;
        let handler: Arc<dyn ResourceHandler> =
            Arc::new(CResource(Registration::new(callback, user_data, free_user_data)?));
        let mut state = server.state();
        if let Some(running) = &state.running {
            running.add_resource(resource.clone(), handler.clone()).map_err(invalid)?;
        }
        let replaced = upsert(&mut state.resources, (resource, handler), |a, b| a.uri == b.uri);
        drop(state);
        drop(replaced);
        Ok(())
    })
}

/// Registers a resource template (or replaces the one with the same template string).
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
        Server::builder("check", "0")
            .template_handler(template.clone(), Arc::new(NoHandler))
            .build()
            .map_err(invalid)?;
        let handler: Arc<dyn ResourceHandler> =
            Arc::new(CResource(Registration::new(callback, user_data, free_user_data)?));
        let mut state = server.state();
        if let Some(running) = &state.running {
            running.add_resource_template(template.clone(), handler.clone()).map_err(invalid)?;
        }
        let replaced = upsert(&mut state.templates, (template, handler), |a, b| a.uri_template == b.uri_template);
        drop(state);
        drop(replaced);
        Ok(())
    })
}

/// Registers a prompt (or replaces the one with the same name). Thread-safe; callable
/// while the server runs (clients are then told the list changed).
///
/// `name` is non-empty; `description` may be NULL; `arguments_json` is a JSON array of
/// `{"name": ..., "description"?: ..., "required"?: bool}` (NULL: no arguments). All strings
/// are copied. `callback` must not be NULL. For each `prompts/get` (after the engine has
/// rejected requests missing a required argument with -32602) it receives a call
/// (`mcpf_call_arguments` gives the arguments as a JSON object of strings) and a responder
/// to complete with `mcpf_responder_prompt` or `mcpf_responder_protocol_error`.
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
        Server::builder("check", "0").prompt_handler(prompt.clone(), Arc::new(NoHandler)).build().map_err(invalid)?;
        let handler: Arc<dyn PromptHandler> =
            Arc::new(CPrompt(Registration::new(callback, user_data, free_user_data)?));
        let mut state = server.state();
        if let Some(running) = &state.running {
            running.add_prompt(prompt.clone(), handler.clone()).map_err(invalid)?;
        }
        let replaced = upsert(&mut state.prompts, (prompt, handler), |a, b| a.name == b.name);
        drop(state);
        drop(replaced);
        Ok(())
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
/// with `mcpf_responder_completion` or `mcpf_responder_protocol_error`. Completions of
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
            Arc::new(CCompletion(Registration::new(callback, user_data, free_user_data)?));
        let mut state = server.state();
        if let Some(running) = &state.running {
            running.add_completion(Some(reference.clone()), handler.clone());
        }
        let replaced = upsert(&mut state.completions, (reference, handler), |a, b| a == b);
        drop(state);
        drop(replaced);
        Ok(())
    })
}

/// Serves MCP over this process's stdin/stdout, blocking the calling thread until stdin
/// closes, SIGINT/SIGTERM arrives, or `mcpf_server_shutdown` is called (from another
/// thread, a callback or a signal handler). Callbacks run on this thread. While serving, the engine
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
        serve(server, |engine, _| async move { engine.serve_stdio().await.map_err(io) })
    })
}

/// Serves MCP over Streamable HTTP (both eras, plus the 2024-11-05 HTTP+SSE endpoints unless
/// disabled), blocking the calling thread until `mcpf_server_shutdown` is called or, unless
/// `"handle_signals": false`, SIGINT/SIGTERM arrives; in-flight calls then finish. Callbacks
/// run on this thread, as with `mcpf_server_run_stdio`.
///
/// `options_json` (NULL: all defaults) is an object of optional fields: `"bind"`
/// (`"127.0.0.1:3000"`; port 0 picks a free port, see `mcpf_server_http_port`), `"path"`
/// (`"/mcp"`), `"allowed_hosts"` and `"allowed_origins"` (DNS-rebinding protection;
/// defaults: the loopback names; `[]` disables the check), `"max_body_bytes"` (4 MiB),
/// `"legacy_sessions"` (true), `"session_idle_timeout_ms"` (600000), `"max_sessions"`
/// (10000), `"sse_keepalive_ms"` (15000), `"legacy_sse"` (true), `"metrics"` (false: serve
/// Prometheus text at `/metrics`), `"handle_signals"` (true) and `"auth"`: `{"resource":
/// "http://127.0.0.1:3000/mcp", "authorization_servers": [...], "scopes_supported": [...],
/// "required_scopes": [...], "resource_name": ...}` to require bearer tokens, checked by the
/// verifier set with `mcpf_server_set_token_verifier`. Unknown fields are refused
/// (`MCPF_STATUS_INVALID_ARGUMENT`), so typos do not pass silently.
///
/// Returns `MCPF_STATUS_OK` on a clean end, `MCPF_STATUS_IO` when the address cannot be
/// bound or serving fails, `MCPF_STATUS_ALREADY_RUNNING` as for stdio.
///
/// # Safety
/// `server` is NULL or a live server that is not freed before this returns;
/// `options_json` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_run_http(
    server: *mut mcpf_server,
    options_json: *const c_char,
    options_json_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_opt_str(options_json, options_json_len, "options_json") }?;
        let (options, handle_signals) = http_options(text, server.state().verifier.clone())?;
        serve(server, move |engine, server| async move {
            let http = engine.bind_http(options).await.map_err(io)?;
            server.state().http_addr = Some(http.local_addr().map_err(io)?);
            let signals = if handle_signals { Some(watch_signals(engine.clone()).map_err(io)?) } else { None };
            let result = http.run().await.map_err(io);
            if let Some(task) = signals {
                task.abort();
            }
            server.state().http_addr = None;
            result
        })
    })
}

/// The TCP port `mcpf_server_run_http` listens on (useful with port 0). Thread-safe.
/// `MCPF_STATUS_INVALID_ARGUMENT` when the server is not serving HTTP (yet).
///
/// # Safety
/// `server` is NULL or a live server; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_http_port(server: *const mcpf_server, out: *mut u16) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        check_out(out, "out")?;
        let addr = server
            .state()
            .http_addr
            .ok_or_else(|| Fail::new(mcpf_status::InvalidArgument, "the server is not serving HTTP"))?;
        // SAFETY: checked non-NULL above; writable per the caller.
        unsafe { write_out(out, addr.port(), "out") }
    })
}

/// The engine's options from `options_json` (the engine's JSON form of `HttpOptions`), and
/// whether to stop on SIGINT/SIGTERM (`handle_signals`, read here: it is C's alone).
fn http_options(text: Option<&str>, verifier: Option<Arc<dyn TokenVerifier>>) -> Result<(HttpOptions, bool), Fail> {
    let mut value: Value = serde_json::from_str(text.unwrap_or("{}"))
        .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("options_json is not valid JSON: {e}")))?;
    let bad = |message: String| Fail::new(mcpf_status::InvalidArgument, format!("options_json: {message}"));
    let Some(object) = value.as_object_mut() else { return Err(bad("must be a JSON object".to_owned())) };
    let handle_signals = match object.remove("handle_signals") {
        None => true,
        Some(Value::Bool(b)) => b,
        Some(_) => return Err(bad("handle_signals must be a boolean".to_owned())),
    };
    if object.contains_key("auth") && verifier.is_none() {
        return Err(bad("\"auth\" is set but no verifier is set (mcpf_server_set_token_verifier)".to_owned()));
    }
    let options = HttpOptions::from_json(value, verifier).map_err(|e| bad(e.to_string()))?;
    Ok((options, handle_signals))
}

fn io(e: impl std::fmt::Display) -> Fail {
    Fail::new(mcpf_status::Io, e.to_string())
}

/// The shared run path of every transport: builds the engine from the registrations,
/// serves it with `transport` on a current-thread runtime owned by the calling thread
/// (so every callback runs on this thread), and stops when `mcpf_server_shutdown` is called.
fn serve<'a, F, Fut>(server: &'a mcpf_server, transport: F) -> Result<(), Fail>
where
    F: FnOnce(Server, &'a mcpf_server) -> Fut,
    Fut: std::future::Future<Output = Result<(), Fail>>,
{
    if server.stop.requested() {
        return Ok(());
    }
    let engine = {
        let mut state = server.state();
        if state.running.is_some() {
            return Err(Fail::new(mcpf_status::AlreadyRunning, "the server is already running"));
        }
        let engine = build_engine(&state)?;
        state.running = Some(engine.clone());
        engine
    };
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Fail::new(mcpf_status::Io, format!("cannot start the runtime: {e}")))
        .and_then(|rt| {
            rt.block_on(async {
                let watch = server.stop.watch(engine.clone()).map_err(io)?;
                let result = transport(engine, server).await;
                watch.abort();
                result
            })
        });
    server.state().running = None;
    result
}

/// An engine `Server` with every registration of `state`.
fn build_engine(state: &State) -> Result<Server, Fail> {
    let mut builder = Server::builder(state.name.clone(), state.version.clone()).enable_tools();
    if let Some(i) = &state.instructions {
        builder = builder.instructions(i.clone());
    }
    for (tool, handler) in &state.tools {
        builder = builder.tool_handler(tool.clone(), handler.clone());
    }
    for (resource, handler) in &state.resources {
        builder = builder.resource_handler(resource.clone(), handler.clone());
    }
    for (template, handler) in &state.templates {
        builder = builder.template_handler(template.clone(), handler.clone());
    }
    for (prompt, handler) in &state.prompts {
        builder = builder.prompt_handler(prompt.clone(), handler.clone());
    }
    for (reference, handler) in &state.completions {
        builder = builder.completion(Some(reference.clone()), handler.clone());
    }
    builder.build().map_err(invalid)
}

/// Stops `engine` gracefully on SIGINT or SIGTERM.
fn watch_signals(engine: Server) -> std::io::Result<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(tokio::spawn(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        engine.shutdown();
    }))
}

/// Asks the server to stop: a running `mcpf_server_run_stdio`/`_http` finishes its
/// in-flight calls and returns; a later one returns at once (shutdown is final). Thread-safe,
/// callable from callbacks, idempotent, and async-signal-safe for a valid `server` (it
/// only sets a flag and writes one byte to a pipe), so a signal handler may call it.
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

/// Frees a server and every registration (calling their `free_user_data`). Freeing NULL is
/// a no-op. Must not be called while `mcpf_server_run_stdio`/`_http` is running on it.
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
