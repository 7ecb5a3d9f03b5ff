//! The `tasks/*` methods.
//!
//! 2026-07-28 (Tasks extension; the request must declare the extension, else -32021):
//! `tasks/get` (the `DetailedTask`), `tasks/update` (answers for outstanding asks; other
//! keys ignored; partial sets allowed; an empty acknowledgement) and `tasks/cancel` (an
//! empty acknowledgement, also for a task that already ended). `tasks/result` and
//! `tasks/list` do not exist there (-32601).
//!
//! 2025-11-25 (experimental core tasks): `tasks/get` (the `Task`), `tasks/result` (waits
//! until the task ends, then answers what `tools/call` would have: its result tagged with
//! the task, or its error), `tasks/list` (paginated) and `tasks/cancel` (the cancelled
//! `Task`; -32602 for a task that already ended).
//!
//! Everywhere: an unknown, expired or foreign task id is -32602; without task support
//! advertised the methods do not exist (-32601).

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Map, Value, json};

use super::store::{Owner, Task, TaskStatus};
use super::{advertised, client_declares, missing_extension, publish, wire};
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::reply::finish_value;
use crate::dispatch::router::Era;
use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::protocol::ProtocolVersion;
use crate::protocol::meta::RequestMeta;
use crate::protocol::meta::tag_related;
use crate::registry::Snapshot;
use crate::session::Session;

/// What a `tasks/*` request needs from the router.
pub(crate) struct TasksCall<'a> {
    pub shared: &'a Arc<ServerShared>,
    pub era: &'a Era,
    pub snap: &'a Snapshot,
    /// The authenticated caller, if any (tasks are bound to it).
    pub subject: Option<&'a str>,
    /// The request's token (`tasks/result` stops waiting when it trips).
    pub cancel: &'a RequestToken,
}

/// Serves one `tasks/*` request; the serialized result.
pub(crate) async fn route(
    call: TasksCall<'_>,
    method: &str,
    params: Option<Map<String, Value>>,
) -> Result<Vec<u8>, ProtocolError> {
    let params = params.unwrap_or_default();
    match call.era {
        Era::Modern(meta) => modern(&call, meta, method, &params),
        Era::Legacy(session) => legacy(&call, session, method, &params).await,
    }
}

fn task_id(params: &Map<String, Value>) -> Result<&str, ProtocolError> {
    params
        .get("taskId")
        .and_then(Value::as_str)
        .ok_or_else(|| ProtocolError::invalid_params("`taskId` must be a string"))
}

/// The 2026 methods.
fn modern(
    call: &TasksCall<'_>,
    meta: &RequestMeta,
    method: &str,
    params: &Map<String, Value>,
) -> Result<Vec<u8>, ProtocolError> {
    let shared = call.shared;
    if !matches!(method, "tasks/get" | "tasks/update" | "tasks/cancel") || !advertised(shared, call.snap) {
        return Err(ProtocolError::method_not_found(method));
    }
    if !client_declares(&meta.client_capabilities) {
        return Err(missing_extension());
    }
    let task = shared.tasks.get(task_id(params)?, &Owner::modern(call.subject))?;
    let ack = || finish_value(shared, true, false, json!({}));
    match method {
        "tasks/get" => finish_value(shared, true, false, Value::Object(wire::detailed(&task))),
        "tasks/update" => {
            let responses = params
                .get("inputResponses")
                .and_then(Value::as_object)
                .ok_or_else(|| ProtocolError::invalid_params("`inputResponses` must be an object"))?;
            if task.answer(responses)? {
                publish(shared, &task);
            }
            ack()
        }
        _ => {
            if task.cancel() {
                publish(shared, &task);
            }
            ack()
        }
    }
}

/// The 2025-11-25 methods.
async fn legacy(
    call: &TasksCall<'_>,
    session: &Arc<Session>,
    method: &str,
    params: &Map<String, Value>,
) -> Result<Vec<u8>, ProtocolError> {
    let shared = call.shared;
    let known = matches!(method, "tasks/get" | "tasks/result" | "tasks/list" | "tasks/cancel");
    if !known || session.version != ProtocolVersion::V2025_11_25 || !advertised(shared, call.snap) {
        return Err(ProtocolError::method_not_found(method));
    }
    let owner = Owner::session(call.subject, session);
    if method == "tasks/list" {
        return list(shared, &owner, params);
    }
    let task = shared.tasks.get(task_id(params)?, &owner)?;
    let serialize = |v: &Value| serde_json::to_vec(v).map_err(ProtocolError::internal);
    match method {
        "tasks/get" => serialize(&wire::legacy(&task)),
        "tasks/cancel" => {
            let status = task.status();
            if status.is_terminal() {
                return Err(ProtocolError::invalid_params(format!(
                    "task {} is already {} and cannot be cancelled",
                    task.id,
                    status.as_str()
                )));
            }
            task.cancel();
            serialize(&wire::legacy(&task))
        }
        _ => {
            tokio::select! {
                () = task.wait_terminal() => {}
                () = call.cancel.cancelled() => return Err(ProtocolError::internal("request cancelled")),
            }
            serialize(&outcome(&task)?)
        }
    }
}

/// `tasks/result` of an ended task: exactly what `tools/call` would have answered — the
/// result (tagged with the task) or the JSON-RPC error.
fn outcome(task: &Task) -> Result<Value, ProtocolError> {
    let st = task.state();
    match (&st.result, &st.error, st.status) {
        (Some(result), _, _) => {
            let mut result = result.clone();
            tag_related(&mut result, &task.id);
            Ok(result)
        }
        (None, Some(error), _) => Err(error.clone()),
        (None, None, TaskStatus::Cancelled) => Err(ProtocolError::internal("the task was cancelled")),
        (None, None, _) => Err(ProtocolError::internal("the task ended without a result")),
    }
}

/// `tasks/list`: the caller's tasks in creation order, a page at a time.
fn list(shared: &ServerShared, owner: &Owner, params: &Map<String, Value>) -> Result<Vec<u8>, ProtocolError> {
    let after = match params.get("cursor") {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) => Some(decode_cursor(c)?),
        Some(_) => return Err(ProtocolError::invalid_params("`cursor` must be a string")),
    };
    let (tasks, more) = shared.tasks.list(owner, after, shared.limits.page_size);
    let mut result = json!({ "tasks": tasks.iter().map(|t| wire::legacy(t)).collect::<Vec<_>>() });
    if let (true, Some(last)) = (more, tasks.last()) {
        result["nextCursor"] = json!(B64.encode(format!("task:{}", last.seq)));
    }
    serde_json::to_vec(&result).map_err(ProtocolError::internal)
}

fn decode_cursor(cursor: &str) -> Result<u64, ProtocolError> {
    B64.decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("task:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ProtocolError::invalid_params(format!("invalid cursor `{cursor}`")))
}
