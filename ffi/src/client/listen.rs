//! The C client's listen streams of the caller's own (`mcpf_client_listen`, 2026-07-28): an
//! `mcpf_client_stream` handle holding the engine's `Listening`, whose notifications reach
//! the client's notification callback, closed and freed by the caller; and `tasks/update`
//! (`mcpf_client_update_task`), the answers to a task's `inputRequests` sent on their own.

use std::ffi::{CString, c_char};
use std::sync::{Arc, Mutex};

use mcpforge::client::{CallOptions, CancelReason, Client, Listening, Subscriptions};
use mcpforge::protocol::method::Method;
use serde_json::Value;

use super::cancel::mcpf_client_call_options;
use super::requests::{object_arg, own_timeout, within};
use super::{client_ref, lock, mcpf_client, wait_on};
use crate::boundary::{self, Fail, check_out, try_box, try_ref, try_str, write_out};
use crate::status::mcpf_status;

/// An open `subscriptions/listen` stream of one client. Made by `mcpf_client_listen`,
/// closed with `mcpf_client_stream_close` and freed with `mcpf_client_stream_free`.
pub struct mcpf_client_stream {
    stream: Mutex<Option<Listening>>,
    /// The client's runtime, on which closing waits for the stream's request to end.
    handle: tokio::runtime::Handle,
    /// What `mcpf_client_stream_honored` lends.
    honored: CString,
}

impl mcpf_client_stream {
    /// Cancels the stream's request and waits until it ended (once).
    fn close(&self) -> Result<(), Fail> {
        let Some(stream) = lock(&self.stream).take() else { return Ok(()) };
        wait_on(&self.handle, async move {
            stream.close().await;
            Ok(())
        })
    }
}

/// Opens a `subscriptions/listen` stream (the 2026-07-28 wire only) for
/// `notifications_json`, the request's `notifications` object as the wire spells it:
/// `{"resourceSubscriptions": [uri, ...], "toolsListChanged": true, "promptsListChanged":
/// true, "resourcesListChanged": true, "taskIds": [id, ...]}` (each optional; `taskIds`
/// declares the Tasks extension). Blocks until the server acknowledged it (within the call's
/// timeout), then `*out` receives the stream, owned by the caller: close it with
/// `mcpf_client_stream_close` and free it with `mcpf_client_stream_free`, before the client
/// is freed. The stream's notifications (`notifications/resources/updated`,
/// `notifications/*/list_changed`, `notifications/tasks`, each with the stream's
/// `subscriptionId` in `_meta`) reach the client's notification callback like any other.
/// A handshake session (before 2026-07-28) gives `MCPF_STATUS_BAD_ANSWER` without sending
/// anything (use `mcpf_client_subscribe` there); an unknown key or a value of the wrong type
/// `MCPF_STATUS_INVALID_ARGUMENT`; other failures as for `mcpf_client_call_tool`.
///
/// # Safety
/// `client` is NULL or a live client; `notifications_json` is NULL or readable per the
/// string rules; `options` is NULL or a readable `mcpf_client_call_options`; `out` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_listen(
    client: *const mcpf_client,
    notifications_json: *const c_char,
    notifications_json_len: usize,
    options: *const mcpf_client_call_options,
    out: *mut *mut mcpf_client_stream,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let owner = unsafe { client_ref(client) }?;
        check_out(out, "out")?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(notifications_json, notifications_json_len, "notifications_json") }?;
        let wanted = Subscriptions::from_json(&object_arg(Some(text), "notifications_json")?)
            .map_err(|e| Fail::new(mcpf_status::InvalidArgument, format!("notifications_json: {e}")))?;
        // SAFETY: forwarded caller guarantee.
        let own = unsafe { own_timeout(options) };
        let method = Method::SubscriptionsListen.as_str();
        // SAFETY: forwarded caller guarantee.
        let stream = unsafe {
            owner.call(options, move |c: Arc<Client>, call: CallOptions, _: CancelReason| async move {
                within(own, call, method, c.listen(&wanted)).await
            })
        }?;
        let honored = CString::new(stream.honored().to_string()).unwrap_or_default();
        let made =
            Box::new(mcpf_client_stream { stream: Mutex::new(Some(stream)), handle: owner.handle.clone(), honored });
        // SAFETY: forwarded caller guarantee.
        unsafe { write_out(out, Box::into_raw(made), "out") }
    })
}

/// What the server agreed to send on `stream`: its acknowledgement's `notifications`
/// object (what it does not support, or the caller may not see, is left out), as JSON.
/// `*out` is borrowed: valid until the stream is freed (never free it).
///
/// # Safety
/// `stream` is NULL or a live stream; `out`/`out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_stream_honored(
    stream: *const mcpf_client_stream,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let stream = unsafe { try_ref(stream, "stream") }?;
        check_out(out, "out")?;
        // SAFETY: forwarded caller guarantee.
        unsafe {
            write_out(out_len, stream.honored.as_bytes().len(), "out_len")?;
            write_out(out, stream.honored.as_ptr(), "out")
        }
    })
}

/// Whether `stream` is still open: false once it was closed, or the server ended it (when
/// it stops), or the client was closed. NULL: false.
///
/// # Safety
/// `stream` is NULL or a live stream.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_stream_is_open(stream: *const mcpf_client_stream) -> bool {
    boundary::guard(false, || {
        // SAFETY: forwarded caller guarantee.
        let Ok(stream) = (unsafe { try_ref(stream, "stream") }) else { return false };
        lock(&stream.stream).as_ref().is_some_and(Listening::is_open)
    })
}

/// Closes `stream`: its request is cancelled on the server (`notifications/cancelled`), and
/// blocks until it ended. The stream's later notifications are dropped; those the client's
/// notification thread already holds may still reach the callback. Closing again does
/// nothing. The stream is still to be freed.
///
/// # Safety
/// `stream` is NULL or a live stream, whose client is not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_stream_close(stream: *const mcpf_client_stream) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        unsafe { try_ref(stream, "stream") }?.close()
    })
}

/// Closes `stream` (as `mcpf_client_stream_close`, unless done already) and frees it.
/// NULL: nothing.
///
/// # Safety
/// `stream` is NULL or a stream not yet freed, whose client is not freed yet, and not used
/// on another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_stream_free(stream: *mut mcpf_client_stream) {
    boundary::guard((), || {
        // SAFETY: forwarded caller guarantee.
        let Ok(stream) = (unsafe { try_box(stream, "stream") }) else { return };
        let _ = stream.close();
    });
}

/// `tasks/update` (2026-07-28): answers to the `inputRequests` of the task `task_id`,
/// `responses_json` a JSON object by the requests' keys (each value the result the request
/// asked for, as the request callbacks would give it). Blocks until the server acknowledged
/// them. `mcpf_client_wait_task` answers a task's questions with the request callbacks on
/// its own; this is for a caller that follows the task itself (`mcpf_client_get_task`, or
/// `notifications/tasks` on a listen stream naming it). An unknown task, or one not waiting
/// for input, is the server's error (`MCPF_STATUS_SERVER_ERROR`); a handshake session has
/// no such method (the server's error too). Rules as for `mcpf_client_call_tool`.
///
/// # Safety
/// `client` is NULL or a live client; `task_id` and `responses_json` are NULL or readable
/// per the string rules; `options` is NULL or a readable `mcpf_client_call_options`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_update_task(
    client: *const mcpf_client,
    task_id: *const c_char,
    task_id_len: usize,
    responses_json: *const c_char,
    responses_json_len: usize,
    options: *const mcpf_client_call_options,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        // SAFETY: forwarded caller guarantee.
        let id = unsafe { try_str(task_id, task_id_len, "task_id") }?.to_owned();
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(responses_json, responses_json_len, "responses_json") }?;
        let Value::Object(responses) = object_arg(Some(text), "responses_json")? else {
            return Err(Fail::new(mcpf_status::InvalidJson, "responses_json must be a JSON object"));
        };
        // SAFETY: forwarded caller guarantee.
        let own = unsafe { own_timeout(options) };
        let method = Method::TasksUpdate.as_str();
        // SAFETY: forwarded caller guarantee.
        unsafe {
            client.call(options, move |c: Arc<Client>, call: CallOptions, _: CancelReason| async move {
                within(own, call, method, c.update_task(&id, responses)).await
            })
        }
    })
}
