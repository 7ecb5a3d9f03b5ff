//! The C client's calls, one export each: `ping`, the four lists (every page followed,
//! JSON arrays out), `tools/call` (JSON arguments in, JSON result out), `resources/read`,
//! `prompts/get`, `completion/complete`, the logging level, any other request, and
//! notifications. Each blocks until its answer (see `mcpf_client_call_options`).

use std::ffi::c_char;
use std::future::Future;
use std::sync::Arc;

use mcpforge::LogLevel;
use mcpforge::client::{CallOptions, CancelReason, Client, ClientError};
use mcpforge::protocol::method::Method;
use serde_json::{Value, json};

use super::cancel::mcpf_client_call_options;
use super::{client_ref, failed, mcpf_client};
use crate::boundary::{self, Fail, check_out, give_string, try_opt_str, try_str};
use crate::status::mcpf_status;

/// Parses a JSON argument that must be an object; NULL gives `{}`.
pub(super) fn object_arg(text: Option<&str>, what: &str) -> Result<Value, Fail> {
    let Some(text) = text else { return Ok(json!({})) };
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("{what} is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(Fail::new(mcpf_status::InvalidJson, format!("{what} must be a JSON object")));
    }
    Ok(value)
}

/// Runs a call whose answer is JSON and hands it to C as an owned string; `prepare` reads
/// the call's arguments (before anything is sent) and gives the call.
///
/// # Safety
/// `client` is NULL or a live client; `options` is NULL or a readable
/// `mcpf_client_call_options`; `out`/`out_len` are NULL or writable.
pub(super) unsafe fn json_call<W, F>(
    client: *const mcpf_client,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
    prepare: impl FnOnce() -> Result<W, Fail>,
) -> mcpf_status
where
    W: FnOnce(Arc<Client>, CallOptions, CancelReason) -> F,
    F: Future<Output = Result<Value, ClientError>> + Send + 'static,
{
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        check_out(out, "out")?;
        check_out(out_len, "out_len")?;
        let work = prepare()?;
        // SAFETY: forwarded caller guarantee.
        let value = unsafe { client.call(options, work) }?;
        // SAFETY: forwarded caller guarantee.
        unsafe { give_string(value.to_string(), out, out_len) }
    })
}

/// A call of `method` with `params`, the call's options and cancel reason applied.
async fn send(
    client: Arc<Client>,
    method: &str,
    params: Value,
    call: CallOptions,
    reason: CancelReason,
) -> Result<Value, ClientError> {
    client.request_cancellable(method, params, call, &reason).await
}

/// The call's own timeout (`own`: the caller set one) over the whole of `work`, whose
/// requests each have the client's timeout only.
pub(super) async fn within<T>(
    own: bool,
    call: CallOptions,
    method: &str,
    work: impl Future<Output = Result<T, ClientError>>,
) -> Result<T, ClientError> {
    if !own {
        return work.await;
    }
    tokio::time::timeout(call.timeout, work)
        .await
        .map_err(|_| ClientError::Timeout { method: method.to_owned(), after: call.timeout })?
}

/// Whether `options` sets a timeout of its own.
///
/// # Safety
/// `options` is NULL or a readable `mcpf_client_call_options`.
pub(super) unsafe fn own_timeout(options: *const mcpf_client_call_options) -> bool {
    // SAFETY: forwarded caller guarantee.
    unsafe { options.as_ref() }.is_some_and(|o| o.timeout_ms > 0)
}

/// A list request, every page, its items as a JSON array; the client's timeout bounds each
/// page, a call's own timeout (when it sets one) the whole list.
///
/// # Safety
/// As for `json_call`.
pub(super) unsafe fn list(
    client: *const mcpf_client,
    method: Method,
    field: &'static str,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    let own = unsafe { own_timeout(options) };
    // SAFETY: forwarded caller guarantee.
    unsafe {
        json_call(client, options, out, out_len, || {
            Ok(move |client: Arc<Client>, call: CallOptions, _: CancelReason| async move {
                let pages = async {
                    match method {
                        Method::ToolsList => client.list_tools().await,
                        _ => client.list_all(method, field).await,
                    }
                };
                Ok(Value::Array(within(own, call, method.as_str(), pages).await?))
            })
        })
    }
}

/// `ping`. `MCPF_STATUS_BAD_ANSWER` on the 2026-07-28 wire, which has no `ping`.
///
/// # Safety
/// `client` is NULL or a live client; `options` is NULL or a readable
/// `mcpf_client_call_options`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_ping(
    client: *const mcpf_client,
    options: *const mcpf_client_call_options,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        // SAFETY: forwarded caller guarantee.
        unsafe { client.call(options, |c, call, reason| send(c, Method::Ping.as_str(), json!({}), call, reason)) }
            .map(drop)
    })
}

/// `tools/list`, every page: `*out` receives the tools as an owned JSON array (free it with
/// `mcpf_string_free`), `*out_len` its length. The client remembers each tool's
/// `outputSchema` to check `mcpf_client_call_tool`'s results against. The list functions
/// below follow the same rules; a server that keeps paging past 100 pages gives
/// `MCPF_STATUS_BAD_ANSWER`.
///
/// # Safety
/// `client` is NULL or a live client; `options` is NULL or a readable
/// `mcpf_client_call_options`; `out`/`out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_list_tools(
    client: *const mcpf_client,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { list(client, Method::ToolsList, "tools", options, out, out_len) }
}

/// `resources/list`, every page (see `mcpf_client_list_tools`).
///
/// # Safety
/// As for `mcpf_client_list_tools`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_list_resources(
    client: *const mcpf_client,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { list(client, Method::ResourcesList, "resources", options, out, out_len) }
}

/// `resources/templates/list`, every page (see `mcpf_client_list_tools`).
///
/// # Safety
/// As for `mcpf_client_list_tools`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_list_resource_templates(
    client: *const mcpf_client,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { list(client, Method::ResourceTemplatesList, "resourceTemplates", options, out, out_len) }
}

/// `prompts/list`, every page (see `mcpf_client_list_tools`).
///
/// # Safety
/// As for `mcpf_client_list_tools`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_list_prompts(
    client: *const mcpf_client,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { list(client, Method::PromptsList, "prompts", options, out, out_len) }
}

/// `tools/call` of the tool `name` with `arguments_json` (a JSON object; NULL: `{}`): `*out`
/// receives the result (`{"content": [...], "structuredContent"?: ..., "isError"?: true}`)
/// as owned JSON text (free it with `mcpf_string_free`). A tool's own failure is a result
/// with `"isError": true` and `MCPF_STATUS_OK`; an unknown tool or invalid arguments are the
/// server's JSON-RPC error, `MCPF_STATUS_SERVER_ERROR` (`mcpf_last_error_code()`). When
/// `mcpf_client_list_tools` saw the tool's `outputSchema`, a result whose
/// `structuredContent` is missing or does not match gives `MCPF_STATUS_BAD_ANSWER`.
/// Every call may also fail with `MCPF_STATUS_TIMEOUT`, `MCPF_STATUS_CANCELLED`,
/// `MCPF_STATUS_CLOSED` or `MCPF_STATUS_IO`, and with `MCPF_STATUS_WOULD_BLOCK` when made
/// inside a C server's callback (hand it to a thread of your own: the server's thread must
/// not wait).
///
/// # Safety
/// `client` is NULL or a live client; strings are NULL (`arguments_json` only) or readable
/// per the string rules; `options` is NULL or a readable `mcpf_client_call_options`;
/// `out`/`out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_call_tool(
    client: *const mcpf_client,
    name: *const c_char,
    name_len: usize,
    arguments_json: *const c_char,
    arguments_json_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        json_call(client, options, out, out_len, || {
            let name = try_str(name, name_len, "name")?.to_owned();
            let arguments =
                object_arg(try_opt_str(arguments_json, arguments_json_len, "arguments_json")?, "arguments_json")?;
            Ok(move |client: Arc<Client>, call: CallOptions, reason: CancelReason| async move {
                let params = json!({ "name": name, "arguments": arguments });
                let result = send(client.clone(), Method::ToolsCall.as_str(), params, call, reason).await?;
                client.check_tool_result(&name, &result)?;
                Ok(result)
            })
        })
    }
}

/// `resources/read` of `uri`: `*out` receives the result (`{"contents": [...]}`) as owned
/// JSON text. An unknown resource is `MCPF_STATUS_SERVER_ERROR` (-32002, or -32602 on the
/// 2026-07-28 wire). Rules as for `mcpf_client_call_tool`.
///
/// # Safety
/// As for `mcpf_client_call_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_read_resource(
    client: *const mcpf_client,
    uri: *const c_char,
    uri_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        json_call(client, options, out, out_len, || {
            let params = json!({ "uri": try_str(uri, uri_len, "uri")? });
            Ok(move |client: Arc<Client>, call: CallOptions, reason: CancelReason| {
                send(client, Method::ResourcesRead.as_str(), params, call, reason)
            })
        })
    }
}

/// `prompts/get` of the prompt `name` with `arguments_json` (a JSON object of strings;
/// NULL: `{}`): `*out` receives the result (`{"messages": [...]}`) as owned JSON text.
/// Rules as for `mcpf_client_call_tool`.
///
/// # Safety
/// As for `mcpf_client_call_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_get_prompt(
    client: *const mcpf_client,
    name: *const c_char,
    name_len: usize,
    arguments_json: *const c_char,
    arguments_json_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        json_call(client, options, out, out_len, || {
            let name = try_str(name, name_len, "name")?;
            let arguments =
                object_arg(try_opt_str(arguments_json, arguments_json_len, "arguments_json")?, "arguments_json")?;
            let params = json!({ "name": name, "arguments": arguments });
            Ok(move |client: Arc<Client>, call: CallOptions, reason: CancelReason| {
                send(client, Method::PromptsGet.as_str(), params, call, reason)
            })
        })
    }
}

/// `completion/complete`: completions of the argument `argument_json`
/// (`{"name": ..., "value": ...}`) of `ref_json` (`{"type": "ref/prompt", "name": ...}` or
/// `{"type": "ref/resource", "uri": ...}`), with the arguments already chosen in
/// `context_json` (an object; NULL: none). `*out` receives the result
/// (`{"completion": {"values": [...], ...}}`) as owned JSON text. Rules as for
/// `mcpf_client_call_tool`.
///
/// # Safety
/// As for `mcpf_client_call_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_complete(
    client: *const mcpf_client,
    ref_json: *const c_char,
    ref_json_len: usize,
    argument_json: *const c_char,
    argument_json_len: usize,
    context_json: *const c_char,
    context_json_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        json_call(client, options, out, out_len, || {
            let reference = object_arg(Some(try_str(ref_json, ref_json_len, "ref_json")?), "ref_json")?;
            let argument =
                object_arg(Some(try_str(argument_json, argument_json_len, "argument_json")?), "argument_json")?;
            let mut params = json!({ "ref": reference, "argument": argument });
            if let Some(context) = try_opt_str(context_json, context_json_len, "context_json")? {
                params["context"] = json!({ "arguments": object_arg(Some(context), "context_json")? });
            }
            Ok(move |client: Arc<Client>, call: CallOptions, reason: CancelReason| {
                send(client, Method::CompletionComplete.as_str(), params, call, reason)
            })
        })
    }
}

/// Sets the level of the log messages the server sends (`"debug"`, `"info"`, `"notice"`,
/// `"warning"`, `"error"`, `"critical"`, `"alert"`, `"emergency"`; others give
/// `MCPF_STATUS_INVALID_ARGUMENT`): `logging/setLevel` on the handshake wire; on
/// 2026-07-28 the level goes in every later request instead (nothing is sent now).
/// `options`' cancel object applies, its `timeout_ms` does not (the client's timeout does).
///
/// # Safety
/// `client` is NULL or a live client; `level` is NULL or readable per the string rules;
/// `options` is NULL or a readable `mcpf_client_call_options`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_set_logging_level(
    client: *const mcpf_client,
    level: *const c_char,
    level_len: usize,
    options: *const mcpf_client_call_options,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(level, level_len, "level") }?;
        let level = LogLevel::parse(text)
            .ok_or_else(|| Fail::new(mcpf_status::InvalidArgument, format!("{text:?} is not a log level")))?;
        // SAFETY: forwarded caller guarantee.
        unsafe { client.call(options, move |c, _, _| async move { c.set_logging_level(level).await }) }
    })
}

/// Sends any request: `method` with `params_json` (a JSON object; NULL: `{}`), e.g.
/// `resources/subscribe`. `*out` receives its result as owned JSON text. Rules as for
/// `mcpf_client_call_tool`.
///
/// # Safety
/// As for `mcpf_client_call_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_request(
    client: *const mcpf_client,
    method: *const c_char,
    method_len: usize,
    params_json: *const c_char,
    params_json_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        json_call(client, options, out, out_len, || {
            let method = try_str(method, method_len, "method")?.to_owned();
            let params = object_arg(try_opt_str(params_json, params_json_len, "params_json")?, "params_json")?;
            Ok(move |client: Arc<Client>, call: CallOptions, reason: CancelReason| async move {
                send(client, &method, params, call, reason).await
            })
        })
    }
}

/// Sends a notification: `method` (e.g. `"notifications/roots/list_changed"`) with
/// `params_json` (a JSON object; NULL: none). Blocks until it is handed to the transport.
///
/// # Safety
/// `client` is NULL or a live client; strings are NULL (`params_json` only) or readable per
/// the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_notify(
    client: *const mcpf_client,
    method: *const c_char,
    method_len: usize,
    params_json: *const c_char,
    params_json_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        // SAFETY: forwarded caller guarantee.
        let method = unsafe { try_str(method, method_len, "method") }?.to_owned();
        // SAFETY: forwarded caller guarantee.
        let params = match unsafe { try_opt_str(params_json, params_json_len, "params_json") }? {
            Some(text) => Some(object_arg(Some(text), "params_json")?),
            None => None,
        };
        let engine = client.client()?;
        client.wait(async move { engine.notify(&method, params).await.map_err(failed) })
    })
}
