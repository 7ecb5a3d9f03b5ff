//! Tasks seen from every instance of a server that shares a store: the instance that runs a
//! task writes its record to the store when it is created (before the handle is answered)
//! and after every change, and says on the bus that it changed; any other instance answers
//! `tasks/get`, `tasks/list` and `tasks/result` from the record, forwards `tasks/update` and
//! `tasks/cancel` over the bus to the instance that runs the task (after checking the caller
//! and the answers itself), and delivers `notifications/tasks` to its own listen streams.
//!
//! A task lives where it runs: when that instance stops gracefully its tasks end `cancelled`
//! (the record says so); when it is killed, the record keeps its last state until it expires.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::store::{Owner, Task, TaskStatus};
use super::{publish, wire};
use crate::dispatch::bus::{BusMessage, TaskCommand};
use crate::dispatch::shared::ServerShared;
use crate::dispatch::shared_state::StoreLink;
use crate::error::ProtocolError;
use crate::protocol::InputRequest;
use crate::protocol::meta::tag_related;

/// How long a record of a task without a time to live is kept.
const UNBOUNDED_TTL: Duration = Duration::from_secs(24 * 3600);
/// How often `tasks/result` on another instance reads the record again when no change was
/// heard (a change message lost with a store outage).
const RESULT_POLL: Duration = Duration::from_secs(1);

/// A task as the store keeps it: who may see it and how it looks on its wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredTask {
    /// The task id.
    pub id: String,
    /// A 2026-07-28 task (else 2025-11-25).
    pub modern: bool,
    /// The authenticated subject that created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The legacy session that created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Creation time, microseconds since the Unix epoch (`tasks/list` order).
    pub created_us: u64,
    /// The task on its wire: the 2026 `DetailedTask`, or the 2025-11-25 `Task`.
    pub view: Map<String, Value>,
    /// 2025-11-25, once ended with a result: what `tasks/result` answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// 2025-11-25, once failed with an error: what `tasks/result` answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ProtocolError>,
}

impl StoredTask {
    /// The record of a task running here.
    pub fn of(task: &Task) -> StoredTask {
        let created_us =
            task.created.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        let (view, result, error) = if task.modern {
            (wire::detailed(task), None, None)
        } else {
            let view = match wire::legacy(task) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            let st = task.state();
            let result = st.result.clone().map(|mut r| {
                tag_related(&mut r, &task.id);
                r
            });
            (view, result, st.error.clone())
        };
        StoredTask {
            id: task.id.clone(),
            modern: task.modern,
            subject: task.owner.subject().map(str::to_owned),
            session: task.owner.session_id().map(str::to_owned),
            created_us,
            view,
            result,
            error,
        }
    }

    /// The task's status (`working` when the record does not say).
    pub fn status(&self) -> TaskStatus {
        self.view.get("status").and_then(Value::as_str).and_then(TaskStatus::parse).unwrap_or(TaskStatus::Working)
    }

    /// True when `caller` created the task.
    pub fn permits(&self, caller: &Owner) -> bool {
        self.subject.as_deref() == caller.subject() && self.session.as_deref() == caller.session_id()
    }

    /// 2025-11-25 `tasks/result` of an ended task.
    pub fn outcome(&self) -> Result<Value, ProtocolError> {
        match (&self.result, &self.error, self.status()) {
            (Some(result), _, _) => Ok(result.clone()),
            (None, Some(error), _) => Err(error.clone()),
            (None, None, TaskStatus::Cancelled) => Err(ProtocolError::internal("the task was cancelled")),
            (None, None, _) => Err(ProtocolError::internal("the task ended without a result")),
        }
    }

    /// The view with `status` set to `cancelled` (what `tasks/cancel` answers on 2025-11-25
    /// while the cancellation travels to the instance running the task).
    pub fn cancelled_view(&self) -> Value {
        let mut view = self.view.clone();
        view.insert("status".into(), Value::from(TaskStatus::Cancelled.as_str()));
        view.insert("statusMessage".into(), Value::from("The task was cancelled."));
        view.insert("lastUpdatedAt".into(), Value::from(wire::rfc3339(SystemTime::now())));
        Value::Object(view)
    }

    /// Checks `responses` against the outstanding asks the record lists (as the instance
    /// running the task would): -32602 for a malformed answer. True when any answers one.
    pub fn check_answers(&self, responses: &Map<String, Value>) -> Result<bool, ProtocolError> {
        if self.status() != TaskStatus::InputRequired {
            return Ok(false);
        }
        let asks = self.view.get("inputRequests").and_then(Value::as_object);
        let mut any = false;
        for (key, ask) in asks.into_iter().flatten() {
            let Some(answer) = responses.get(key) else { continue };
            let method = ask.get("method").and_then(Value::as_str).unwrap_or_default();
            let params = ask.get("params").cloned().unwrap_or(Value::Null);
            let ask = InputRequest::from_wire(method, params).map_err(ProtocolError::internal)?;
            ask.check_answer(answer)?;
            any = true;
        }
        Ok(any)
    }
}

/// The key a legacy session's tasks are listed under (2026 tasks are not listed).
fn owner_key(record: &StoredTask) -> String {
    match (&record.modern, &record.session) {
        (false, Some(session)) => format!("session:{session}"),
        _ => String::new(),
    }
}

/// Where a task the caller may see was found.
pub(crate) enum Found {
    /// It runs here.
    Here(Arc<Task>),
    /// It runs on another instance: its record.
    There(Box<StoredTask>),
}

/// Writes `record`, the current state of `task`, to the store.
async fn save(link: &StoreLink, task: &Task, record: StoredTask) -> Result<StoredTask, ProtocolError> {
    let bytes = serde_json::to_vec(&record).map_err(ProtocolError::internal)?;
    let ttl = task.time_left().unwrap_or(UNBOUNDED_TTL).max(Duration::from_millis(1));
    link.save_task(&record.id, &owner_key(&record), bytes, ttl).await?;
    Ok(record)
}

/// Writes a new task's record (before its handle is answered) and follows its changes from
/// then on, when the server shares a store; a store that cannot be written fails the
/// creation (the task is cancelled here).
///
/// # Errors
/// The store could not be written.
pub(crate) async fn created(shared: &ServerShared, task: &Arc<Task>) -> Result<(), ProtocolError> {
    let Some(link) = shared.store.get() else { return Ok(()) };
    let changes = task.changes();
    if let Err(e) = save(link, task, StoredTask::of(task)).await {
        task.cancel();
        return Err(e);
    }
    let (link, task) = (link.clone(), task.clone());
    tokio::spawn(follow(link, task, changes));
    Ok(())
}

/// Writes every change of `task` to the store, then says so on the bus, until it ends.
async fn follow(link: Arc<StoreLink>, task: Arc<Task>, mut changes: tokio::sync::watch::Receiver<u64>) {
    loop {
        if changes.changed().await.is_err() {
            return;
        }
        // The state written is the one read here: a change after it wakes the loop again.
        let record = StoredTask::of(&task);
        let ended = record.status().is_terminal();
        match save(&link, &task, record).await {
            Ok(record) => {
                let view = record.modern.then_some(Value::Object(record.view));
                link.publish(&BusMessage::TaskChanged { task: task.id.clone(), view });
            }
            Err(e) => tracing::warn!(task = %task.id, error = %e.message, "a task's change was not stored"),
        }
        if ended {
            return;
        }
    }
}

/// The task `id` if `caller` may see it: here, or (with a shared store) its record. Unknown,
/// expired and foreign ids are all the same -32602.
///
/// # Errors
/// Not found, or the store could not be read.
pub(crate) async fn find(shared: &ServerShared, id: &str, caller: &Owner) -> Result<Found, ProtocolError> {
    let not_here = match shared.tasks.get(id, caller) {
        Ok(task) => return Ok(Found::Here(task)),
        Err(e) => e,
    };
    let Some(link) = shared.store.get() else { return Err(not_here) };
    match load(link, id).await? {
        Some(record) if record.permits(caller) => Ok(Found::There(Box::new(record))),
        _ => Err(not_here),
    }
}

async fn load(link: &StoreLink, id: &str) -> Result<Option<StoredTask>, ProtocolError> {
    let Some(bytes) = link.load_task(id).await? else { return Ok(None) };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        tracing::warn!(task = id, error = %e, "an unreadable task record");
        ProtocolError::internal("the shared store holds an unreadable task")
    })
}

/// Applies `command` to a task running here; true when it changed the task.
///
/// # Errors
/// A malformed answer (-32602).
pub(crate) fn apply(shared: &ServerShared, task: &Task, command: &TaskCommand) -> Result<bool, ProtocolError> {
    let changed = match command {
        TaskCommand::Update { responses } => task.answer(responses)?,
        TaskCommand::Cancel => task.cancel(),
    };
    if changed {
        publish(shared, task);
    }
    Ok(changed)
}

/// Sends `command` to the instance running task `id` (applied at once when that is this one).
pub(crate) fn forward(shared: &ServerShared, id: &str, command: TaskCommand) {
    if let Some(task) = shared.tasks.find(id) {
        let _ = apply(shared, &task, &command);
    } else if let Some(link) = shared.store.get() {
        link.publish(&BusMessage::TaskCommand { task: id.to_owned(), command });
    }
}

/// A command another instance forwarded: applied when the task runs here.
pub(crate) fn deliver_command(shared: &ServerShared, id: &str, command: &TaskCommand) {
    if let Some(task) = shared.tasks.find(id)
        && let Err(e) = apply(shared, &task, command)
    {
        tracing::debug!(task = id, error = %e.message, "a forwarded task command was refused");
    }
}

/// 2025-11-25 `tasks/result` of a task running on another instance: waits until its record
/// says it ended (or `cancel` trips), then answers what `tools/call` would have.
///
/// # Errors
/// The task's error, the task vanished, the store failed, or the request was cancelled.
pub(crate) async fn wait_outcome(
    link: &StoreLink,
    id: &str,
    caller: &Owner,
    cancel: &crate::dispatch::cancel::RequestToken,
) -> Result<Value, ProtocolError> {
    let mut heard = link.task_changes();
    loop {
        let record = load(link, id)
            .await?
            .filter(|r| r.permits(caller))
            .ok_or_else(|| ProtocolError::invalid_params(format!("Failed to retrieve task: task not found: {id}")))?;
        if record.status().is_terminal() {
            return record.outcome();
        }
        tokio::select! {
            _ = heard.changed() => {}
            () = tokio::time::sleep(RESULT_POLL) => {}
            () = cancel.cancelled() => return Err(ProtocolError::internal("request cancelled")),
        }
    }
}

/// 2025-11-25 `tasks/list` with a shared store: the caller's tasks of every instance in
/// creation order, after creation time `after` (microseconds), at most `limit`; and whether
/// more follow.
///
/// # Errors
/// The store could not be read.
pub(crate) async fn list(
    link: &StoreLink,
    caller: &Owner,
    after: Option<u64>,
    limit: usize,
) -> Result<(Vec<StoredTask>, bool), ProtocolError> {
    let Some(session) = caller.session_id() else { return Ok((Vec::new(), false)) };
    let mut mine: Vec<StoredTask> = link
        .list_tasks(&format!("session:{session}"))
        .await?
        .iter()
        .filter_map(|bytes| serde_json::from_slice::<StoredTask>(bytes).ok())
        .filter(|r| r.permits(caller) && after.is_none_or(|a| r.created_us > a))
        .collect();
    mine.sort_by(|a, b| a.created_us.cmp(&b.created_us).then_with(|| a.id.cmp(&b.id)));
    let more = mine.len() > limit;
    mine.truncate(limit);
    Ok((mine, more))
}
