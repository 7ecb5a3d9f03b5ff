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
//! advertised the methods do not exist (-32601). With a shared store, a task running on
//! another instance is answered from its record (`instances`).

use crate::protocol::method::Method;
use crate::protocol::params::{self, TaskParams};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};

use super::instances::{self, Found};
use super::store::{Owner, TaskStatus};
use super::{advertised, client_declares, missing_extension, wire};
use crate::dispatch::bus::TaskCommand;
use crate::dispatch::call::{Call, Era};
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::reply::finish_value;
use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::protocol::ProtocolVersion;
use crate::protocol::meta::RequestMeta;
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
pub(crate) async fn route(mut routed: Call<'_>) -> Result<Vec<u8>, ProtocolError> {
    let taken = routed.take_params();
    let params = params::read::<TaskParams>(&taken)?;
    let Some(method) = Method::from_wire(&routed.req.method) else {
        return Err(ProtocolError::method_not_found(&routed.req.method));
    };
    let call = TasksCall {
        shared: routed.shared,
        era: &routed.era,
        snap: &routed.snap,
        subject: routed.peer.subject(),
        cancel: routed.cancel,
    };
    match call.era {
        Era::Modern(meta) => modern(&call, meta, method, &params).await,
        Era::Legacy(session) => legacy(&call, session, method, &params).await,
    }
}

/// The 2026 methods.
async fn modern(
    call: &TasksCall<'_>,
    meta: &RequestMeta,
    method: Method,
    params: &TaskParams,
) -> Result<Vec<u8>, ProtocolError> {
    let shared = call.shared;
    if !matches!(method, Method::TasksGet | Method::TasksUpdate | Method::TasksCancel) || !advertised(shared, call.snap)
    {
        return Err(ProtocolError::method_not_found(method.as_str()));
    }
    if !client_declares(&meta.client_capabilities) {
        return Err(missing_extension());
    }
    let found = instances::find(shared, params.task_id()?, &Owner::modern(call.subject)).await?;
    let ack = || finish_value(shared, true, false, json!({}));
    match (method, found) {
        (Method::TasksGet, Found::Here(task)) => {
            finish_value(shared, true, false, Value::Object(wire::detailed(&task)))
        }
        (Method::TasksGet, Found::There(record)) => finish_value(shared, true, false, Value::Object(record.view)),
        (Method::TasksUpdate, found) => {
            let responses = params.input_responses()?;
            match found {
                Found::Here(task) => {
                    instances::apply(shared, &task, &TaskCommand::Update { responses: responses.clone() })?;
                }
                Found::There(record) => {
                    if record.check_answers(responses)? {
                        instances::forward(shared, &record.id, TaskCommand::Update { responses: responses.clone() });
                    }
                }
            }
            ack()
        }
        (_, Found::Here(task)) => {
            instances::apply(shared, &task, &TaskCommand::Cancel)?;
            ack()
        }
        (_, Found::There(record)) => {
            if !record.status().is_terminal() {
                instances::forward(shared, &record.id, TaskCommand::Cancel);
            }
            ack()
        }
    }
}

/// The 2025-11-25 methods.
async fn legacy(
    call: &TasksCall<'_>,
    session: &Arc<Session>,
    method: Method,
    params: &TaskParams,
) -> Result<Vec<u8>, ProtocolError> {
    let shared = call.shared;
    let known = matches!(method, Method::TasksGet | Method::TasksResult | Method::TasksList | Method::TasksCancel);
    if !known || session.version != ProtocolVersion::V2025_11_25 || !advertised(shared, call.snap) {
        return Err(ProtocolError::method_not_found(method.as_str()));
    }
    let owner = Owner::session(call.subject, session);
    if method == Method::TasksList {
        return list(shared, &owner, params).await;
    }
    let serialize = |v: &Value| serde_json::to_vec(v).map_err(ProtocolError::internal);
    let task = match instances::find(shared, params.task_id()?, &owner).await? {
        Found::Here(task) => task,
        Found::There(record) => return elsewhere(call, &owner, method, *record).await,
    };
    match method {
        Method::TasksGet => serialize(&wire::legacy(&task)),
        Method::TasksCancel => {
            let status = task.status();
            if status.is_terminal() {
                return Err(already_ended(&task.id, status));
            }
            instances::apply(shared, &task, &TaskCommand::Cancel)?;
            serialize(&wire::legacy(&task))
        }
        _ => {
            tokio::select! {
                () = task.wait_terminal() => {}
                () = call.cancel.cancelled() => return Err(ProtocolError::internal("request cancelled")),
            }
            // What `tools/call` would have answered: the result (tagged with the task) or the
            // JSON-RPC error.
            serialize(&instances::StoredTask::of(&task).outcome()?)
        }
    }
}

fn already_ended(id: &str, status: TaskStatus) -> ProtocolError {
    ProtocolError::invalid_params(format!("task {id} is already {} and cannot be cancelled", status.as_str()))
}

/// The 2025-11-25 methods for a task running on another instance, from its record.
async fn elsewhere(
    call: &TasksCall<'_>,
    owner: &Owner,
    method: Method,
    record: instances::StoredTask,
) -> Result<Vec<u8>, ProtocolError> {
    let serialize = |v: &Value| serde_json::to_vec(v).map_err(ProtocolError::internal);
    match method {
        Method::TasksGet => serialize(&Value::Object(record.view)),
        Method::TasksCancel => {
            let status = record.status();
            if status.is_terminal() {
                return Err(already_ended(&record.id, status));
            }
            instances::forward(call.shared, &record.id, TaskCommand::Cancel);
            serialize(&record.cancelled_view())
        }
        _ => {
            let Some(link) = call.shared.store.get() else { return record.outcome().and_then(|v| serialize(&v)) };
            serialize(&instances::wait_outcome(link, &record.id, owner, call.cancel).await?)
        }
    }
}

/// `tasks/list`: the caller's tasks in creation order, a page at a time (of every instance,
/// when the server shares a store).
async fn list(shared: &ServerShared, owner: &Owner, params: &TaskParams) -> Result<Vec<u8>, ProtocolError> {
    let after = params.cursor()?.map(decode_cursor).transpose()?;
    let limit = shared.limits.page_size;
    let (tasks, last) = if let (Some(link), Some(_)) = (shared.store.get(), owner.session_id()) {
        let (records, more) = instances::list(link, owner, after, limit).await?;
        let last = records.last().filter(|_| more).map(|r| r.created_us);
        (records.into_iter().map(|r| Value::Object(r.view)).collect::<Vec<_>>(), last)
    } else {
        let (tasks, more) = shared.tasks.list(owner, after, limit);
        let last = tasks.last().filter(|_| more).map(|t| t.seq);
        (tasks.iter().map(|t| wire::legacy(t)).collect(), last)
    };
    let mut result = json!({ "tasks": tasks });
    if let Some(last) = last {
        result["nextCursor"] = json!(B64.encode(format!("task:{last}")));
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
