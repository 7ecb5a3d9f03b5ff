//! Tasks: a `tools/call` answered with a task handle instead of a result, the work running
//! in the background, the client polling for its outcome.
//!
//! Two wires, one engine:
//! - 2026-07-28, the Tasks extension `io.modelcontextprotocol/tasks`: negotiated per request
//!   (`_meta` client capabilities `extensions`); the server decides to create a task and
//!   answers a flat `CreateTaskResult` (`resultType: "task"`); `tasks/get` inlines the
//!   result or error, `tasks/update` delivers client input, `tasks/cancel` acknowledges;
//!   `notifications/tasks` go to `subscriptions/listen` streams that listed the task.
//! - 2025-11-25, the experimental core tasks: the client asks for a task with
//!   `params.task`, on tools whose `execution.taskSupport` allows it; `tasks/get`,
//!   `tasks/result` (blocks until the task ends), `tasks/list`, `tasks/cancel`.
//!
//! A task runs its tool's handler in a spawned tokio task with its own cancellation token.
//! Client input inside a task: on 2026-07-28 an unanswered ask parks the task in
//! `input_required` (the asks listed in `tasks/get`), and once `tasks/update` has answered
//! every outstanding ask the handler runs again from the start with all answers so far —
//! the same replay rule as multi round-trip requests, so handlers need no task-specific
//! code; on 2025-11-25 the asks are server->client requests of the session, tagged with the
//! task, and the task shows `input_required` while they wait.
//!
//! With a shared store, every instance answers for every task (`instances`).

pub(crate) mod call;
pub(crate) mod instances;
pub(crate) mod methods;
pub(crate) mod runner;
pub(crate) mod store;
pub(crate) mod wire;

use serde_json::{Map, Value, json};

pub use store::TaskStatus;

use crate::dispatch::shared::ServerShared;
use crate::error::ProtocolError;
use crate::protocol::meta::CLIENT_CAPABILITIES_KEY;
use crate::protocol::params::ListenParams;
use crate::protocol::{ProtocolVersion, TaskSupport};
use crate::registry::Snapshot;

/// The extension identifier of the 2026-07-28 Tasks extension.
pub const EXTENSION_ID: &str = "io.modelcontextprotocol/tasks";

pub use crate::protocol::meta::RELATED_TASK_KEY;

pub use store::TaskOptions;

/// True when the server offers tasks: configured with `ServerBuilder::tasks`, or some tool
/// may run as a task.
pub(crate) fn advertised(shared: &ServerShared, snap: &Snapshot) -> bool {
    shared.tasks.always_advertised() || snap.tools.iter().any(|t| t.def.task_support_level() != TaskSupport::Forbidden)
}

/// Adds the task capability for `version` to a capabilities object: the extension on
/// 2026-07-28, `tasks` on 2025-11-25, nothing on older versions.
pub(crate) fn advertise(
    shared: &ServerShared,
    snap: &Snapshot,
    version: ProtocolVersion,
    caps: &mut Map<String, Value>,
) {
    if !advertised(shared, snap) {
        return;
    }
    if version.is_modern() {
        let extensions = caps.entry("extensions").or_insert_with(|| json!({}));
        if let Some(e) = extensions.as_object_mut() {
            e.entry(EXTENSION_ID).or_insert_with(|| json!({}));
        }
    } else if version == ProtocolVersion::V2025_11_25 {
        let announced = match shared.tasks.capability() {
            Some(declared) => Value::Object(declared.clone()),
            None => json!({ "list": {}, "cancel": {}, "requests": { "tools": { "call": {} } } }),
        };
        caps.insert("tasks".into(), announced);
    }
}

/// True when client capabilities declare the Tasks extension.
pub(crate) fn client_declares(caps: &Value) -> bool {
    caps.get("extensions").and_then(|e| e.get(EXTENSION_ID)).is_some_and(|v| !v.is_null())
}

/// -32021 naming the Tasks extension.
pub(crate) fn missing_extension() -> ProtocolError {
    ProtocolError::missing_client_capability(json!({ "extensions": { EXTENSION_ID: {} } }))
}

/// Most task ids one listen stream may list (each may be a look-up in a shared store).
const MAX_LISTENED_TASKS: usize = 256;

/// `subscriptions/listen`: the `notifications.taskIds` the stream gets `notifications/tasks`
/// for — the listed tasks the caller may see. Listing tasks without declaring the extension
/// is -32021.
pub(crate) async fn listen_task_ids(
    shared: &ServerShared,
    snap: &Snapshot,
    params: &Map<String, Value>,
    wanted: &ListenParams<'_>,
    subject: Option<&str>,
) -> Result<Vec<String>, ProtocolError> {
    if !wanted.asks_for_tasks() {
        return Ok(Vec::new());
    }
    let caps = params.get("_meta").and_then(|m| m.get(CLIENT_CAPABILITIES_KEY)).unwrap_or(&Value::Null);
    if !client_declares(caps) {
        return Err(missing_extension());
    }
    let listed = wanted.task_ids()?;
    if listed.len() > MAX_LISTENED_TASKS {
        return Err(ProtocolError::invalid_params(format!("at most {MAX_LISTENED_TASKS} `taskIds` per stream")));
    }
    if !advertised(shared, snap) {
        return Ok(Vec::new());
    }
    let owner = store::Owner::modern(subject);
    let mut accepted: Vec<String> = Vec::new();
    for id in listed.iter().filter_map(Value::as_str) {
        if !accepted.iter().any(|a| a == id) && instances::find(shared, id, &owner).await.is_ok() {
            accepted.push(id.to_owned());
        }
    }
    Ok(accepted)
}

/// Tells listen streams about a 2026 task's new state.
pub(crate) fn publish(shared: &ServerShared, task: &store::Task) {
    if task.modern {
        shared.hub.task_changed(&task.id, || Value::Object(wire::detailed(task)));
    }
}
