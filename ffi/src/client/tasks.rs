//! The C client's tasks: a `tools/call` run as a task, and the `tasks/*` requests that
//! follow it (the engine's `Client::call_tool_as_task`, `get_task`, `wait_task`,
//! `list_tasks`, `cancel_task`), on both wires that have tasks; JSON out, owned by the
//! caller.

use std::ffi::c_char;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use mcpforge::client::{CallOptions, CancelReason, Client, ClientError, TaskStart};
use mcpforge::protocol::method::Method;
use serde_json::Value;

use super::cancel::mcpf_client_call_options;
use super::requests::{json_call, list, object_arg, own_timeout, within};
use super::{client_ref, mcpf_client};
use crate::boundary::{self, Fail, check_out, give_string, try_opt_str, try_str, write_out};
use crate::status::mcpf_status;

/// `tools/call` of `name` with `arguments_json` (a JSON object; NULL: `{}`) asked as a
/// task, kept by the server `ttl_ms` after it ends (0: the server's choice). `*out`
/// receives, as owned JSON text, the task (`{"taskId", "status", "pollInterval"?, ...}`;
/// `*done` false) or, when a 2026-07-28 server chose to answer at once, the tool's result
/// (`*done` true; checked against the tool's `outputSchema` as `mcpf_client_call_tool`
/// does). On 2025-11-25 the tool must allow tasks (its `execution.taskSupport`), else the
/// server's error; on 2026-07-28 the request declares the Tasks extension and the server
/// decides. Protocols before 2025-11-25 have no tasks: the server answers at once or
/// refuses. `done` may be NULL. Rules as for `mcpf_client_call_tool`.
///
/// # Safety
/// `client` is NULL or a live client; strings are NULL (`arguments_json` only) or readable
/// per the string rules; `options` is NULL or a readable `mcpf_client_call_options`;
/// `out`/`out_len` are NULL or writable, `done` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_call_tool_as_task(
    client: *const mcpf_client,
    name: *const c_char,
    name_len: usize,
    arguments_json: *const c_char,
    arguments_json_len: usize,
    ttl_ms: u64,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
    done: *mut bool,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        check_out(out, "out")?;
        check_out(out_len, "out_len")?;
        // SAFETY: forwarded caller guarantee.
        let name = unsafe { try_str(name, name_len, "name") }?.to_owned();
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_opt_str(arguments_json, arguments_json_len, "arguments_json") }?;
        let arguments = object_arg(text, "arguments_json")?;
        // SAFETY: forwarded caller guarantee.
        let own = unsafe { own_timeout(options) };
        let ttl = (ttl_ms > 0).then(|| Duration::from_millis(ttl_ms));
        // SAFETY: forwarded caller guarantee.
        let start = unsafe {
            client.call(options, move |c: Arc<Client>, call, _| async move {
                within(own, call, Method::ToolsCall.as_str(), c.call_tool_as_task(&name, arguments, ttl)).await
            })
        }?;
        let (value, finished) = match start {
            TaskStart::Task(task) => (task, false),
            TaskStart::Done(result) => (result, true),
        };
        if !done.is_null() {
            // SAFETY: `done` is not NULL, and writable by the caller's guarantee.
            unsafe { write_out(done, finished, "done") }?;
        }
        // SAFETY: forwarded caller guarantee.
        unsafe { give_string(value.to_string(), out, out_len) }
    })
}

/// A `tasks/*` request and how the client makes it, given the connection and the task's id.
type TaskRequest<F> = (Method, fn(Arc<Client>, String) -> F);

/// A call about the task `task_id`: `ask` (which makes the request `method`) gets the
/// connection and the id.
///
/// # Safety
/// As for `mcpf_client_get_task`.
unsafe fn task_call<F>(
    client: *const mcpf_client,
    task_id: *const c_char,
    task_id_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
    (method, ask): TaskRequest<F>,
) -> mcpf_status
where
    F: Future<Output = Result<Value, ClientError>> + Send + 'static,
{
    // SAFETY: forwarded caller guarantee.
    let own = unsafe { own_timeout(options) };
    // SAFETY: forwarded caller guarantee.
    unsafe {
        json_call(client, options, out, out_len, || {
            let id = try_str(task_id, task_id_len, "task_id")?.to_owned();
            Ok(move |c: Arc<Client>, call: CallOptions, _: CancelReason| async move {
                within(own, call, method.as_str(), ask(c, id)).await
            })
        })
    }
}

/// `tasks/get` of `task_id`: `*out` receives the task's state as owned JSON text (on
/// 2026-07-28 with its `result` or `error` once it ended, and the `inputRequests` it waits
/// for). An unknown task is `MCPF_STATUS_SERVER_ERROR`. Rules as for
/// `mcpf_client_call_tool`.
///
/// # Safety
/// `client` is NULL or a live client; `task_id` is NULL or readable per the string rules;
/// `options` is NULL or a readable `mcpf_client_call_options`; `out`/`out_len` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_get_task(
    client: *const mcpf_client,
    task_id: *const c_char,
    task_id_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        task_call(
            client,
            task_id,
            task_id_len,
            options,
            out,
            out_len,
            (Method::TasksGet, |c, id| async move { c.get_task(&id).await }),
        )
    }
}

/// `tasks/cancel` of `task_id`: `*out` receives the cancelled task on 2025-11-25 (a task
/// that already ended is the server's error, `MCPF_STATUS_SERVER_ERROR`), an empty
/// acknowledgement (`{}`) on 2026-07-28. Rules as for `mcpf_client_get_task`.
///
/// # Safety
/// As for `mcpf_client_get_task`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_cancel_task(
    client: *const mcpf_client,
    task_id: *const c_char,
    task_id_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        task_call(
            client,
            task_id,
            task_id_len,
            options,
            out,
            out_len,
            (Method::TasksCancel, |c, id| async move { c.cancel_task(&id).await }),
        )
    }
}

/// Waits for the result of the task `task_json` (as `mcpf_client_call_tool_as_task` or
/// `mcpf_client_get_task` gave it; at least its `taskId`): `*out` receives what
/// `tools/call` would have given, as owned JSON text. On 2025-11-25 with `tasks/result`
/// (the server's questions meanwhile reach the request callbacks); on 2026-07-28 polling
/// `tasks/get` at the interval the server suggests (kept between 10 ms and 30 s) and
/// answering the task's `inputRequests` once each with the request callbacks. The wait
/// lasts at most the config's `max_total_ms`, or the call's `timeout_ms` when it sets one
/// (`MCPF_STATUS_TIMEOUT`). A failed task is its error (`MCPF_STATUS_SERVER_ERROR`), a
/// cancelled one `MCPF_STATUS_BAD_ANSWER`. Rules as for `mcpf_client_call_tool`.
///
/// # Safety
/// `client` is NULL or a live client; `task_json` is NULL or readable per the string rules;
/// `options` is NULL or a readable `mcpf_client_call_options`; `out`/`out_len` are NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_wait_task(
    client: *const mcpf_client,
    task_json: *const c_char,
    task_json_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    let own = unsafe { own_timeout(options) };
    // SAFETY: forwarded caller guarantee.
    unsafe {
        json_call(client, options, out, out_len, || {
            let task = object_arg(Some(try_str(task_json, task_json_len, "task_json")?), "task_json")?;
            if !task.get("taskId").is_some_and(Value::is_string) {
                return Err(Fail::new(mcpf_status::InvalidArgument, "task_json has no \"taskId\" string"));
            }
            Ok(move |c: Arc<Client>, call: CallOptions, _: CancelReason| async move {
                let call = if own { CallOptions { max_total: call.timeout, ..call } } else { call };
                c.wait_task(&task, call).await
            })
        })
    }
}

/// `tasks/list` (2025-11-25), every page: `*out` receives the tasks as an owned JSON array.
/// The 2026-07-28 wire has no such method (the server's error). Rules as for
/// `mcpf_client_list_tools`.
///
/// # Safety
/// As for `mcpf_client_list_tools`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_list_tasks(
    client: *const mcpf_client,
    options: *const mcpf_client_call_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { list(client, Method::TasksList, "tasks", options, out, out_len) }
}
