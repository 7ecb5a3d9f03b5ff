//! Polling a task (2026-07-28, and `tasks/get` on 2025-11-25): how long to wait between
//! reads (the server's suggested interval, kept within [`POLL_BOUNDS`]; [`DEFAULT_POLL`]
//! without one) and the task's states one by one ([`TaskStates`], [`Client::next_task_state`]),
//! so that `wait_task` and the bindings that hand every state to their callers poll alike.

use std::time::Duration;

use serde_json::{Value, json};

use super::Client;
use super::error::ClientError;
use super::peer::CallOptions;
use crate::protocol::method::Method;

/// How often a task is polled when the server suggests no interval.
pub const DEFAULT_POLL: Duration = Duration::from_millis(500);
/// The bounds put on the server's suggestion: a server asking for 0 ms cannot make the
/// client spin, one asking for an hour cannot make it sleep past its timeout unnoticed.
pub const POLL_BOUNDS: (Duration, Duration) = (Duration::from_millis(10), Duration::from_secs(30));

/// The name a binding sends through its request path for [`Client::next_task_state`]
/// (params `{ "taskId", "after" }`, `after` the state read last); not an MCP method.
pub const NEXT_TASK_STATE: &str = "mcpforge/nextTaskState";

/// The states a task does not leave.
const TERMINAL: [&str; 3] = ["completed", "failed", "cancelled"];

/// The task state inside a result: 2025-11-25 wraps it in `task`, 2026-07-28 is flat.
pub(super) fn task_of(result: &Value) -> &Value {
    result.get("task").unwrap_or(result)
}

/// The interval the server suggests polling at, within [`POLL_BOUNDS`].
#[must_use]
pub fn poll_interval(task: &Value) -> Duration {
    let suggested = task.get("pollIntervalMs").or_else(|| task.get("pollInterval")).and_then(Value::as_u64);
    suggested.map_or(DEFAULT_POLL, Duration::from_millis).clamp(POLL_BOUNDS.0, POLL_BOUNDS.1)
}

/// Whether `task`'s status is one it does not leave (`completed`, `failed`, `cancelled`).
#[must_use]
pub fn is_terminal(task: &Value) -> bool {
    task.get("status").and_then(Value::as_str).is_some_and(|s| TERMINAL.contains(&s))
}

/// A task's states as they are read, until one it does not leave ([`Client::task_states`]).
#[derive(Debug)]
pub struct TaskStates<'c> {
    client: &'c Client,
    id: String,
    last: Option<Value>,
}

impl TaskStates<'_> {
    /// The next state: read at once the first time when the stream began without one, else
    /// after the interval the last state suggests. None once a state was terminal.
    pub async fn next(&mut self) -> Option<Result<Value, ClientError>> {
        if self.last.as_ref().is_some_and(is_terminal) {
            return None;
        }
        let read = self.client.next_task_state(&self.id, self.last.as_ref()).await;
        if let Ok(state) = &read {
            self.last = Some(state.clone());
        }
        Some(read)
    }
}

impl Client {
    /// The states of the task `id`, each read with `tasks/get`; `after` is the state already
    /// known (the one `call_tool_as_task` gave), whose suggested interval the first read
    /// waits.
    #[must_use]
    pub fn task_states(&self, id: &str, after: Option<Value>) -> TaskStates<'_> {
        TaskStates { client: self, id: id.to_owned(), last: after }
    }

    /// One poll of the task `id`: waits the interval `after` (the state read last) suggests,
    /// none without one, then reads the task's state with `tasks/get` (within the client's
    /// call options).
    pub async fn next_task_state(&self, id: &str, after: Option<&Value>) -> Result<Value, ClientError> {
        self.next_task_state_with(id, after, self.call).await
    }

    /// [`Client::next_task_state`] within `call`.
    pub async fn next_task_state_with(
        &self,
        id: &str,
        after: Option<&Value>,
        call: CallOptions,
    ) -> Result<Value, ClientError> {
        if let Some(after) = after {
            tokio::time::sleep(poll_interval(after)).await;
        }
        let got = self.request_with(Method::TasksGet.as_str(), json!({ "taskId": id }), call).await?;
        Ok(task_of(&got).clone())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::{is_terminal, poll_interval};

    #[test]
    fn the_suggested_poll_interval_is_kept_within_bounds() {
        assert_eq!(poll_interval(&json!({ "pollInterval": 250 })), Duration::from_millis(250));
        assert_eq!(poll_interval(&json!({ "pollIntervalMs": 0 })), Duration::from_millis(10));
        assert_eq!(poll_interval(&json!({ "pollIntervalMs": 3_600_000 })), Duration::from_secs(30));
        assert_eq!(poll_interval(&json!({})), Duration::from_millis(500));
    }

    #[test]
    fn terminal_states_are_the_three_ends() {
        assert!(is_terminal(&json!({ "status": "failed" })));
        assert!(!is_terminal(&json!({ "status": "input_required" })));
        assert!(!is_terminal(&json!({})));
    }
}
