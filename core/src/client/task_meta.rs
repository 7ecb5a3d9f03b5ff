//! The client's words for tasks that need no connection: what a tool call asked as a task
//! gave ([`TaskStart`]), and which 2026-07-28 requests declare the Tasks extension
//! (`io.modelcontextprotocol/tasks`) in their `_meta` client capabilities: the `tasks/*`
//! requests, a listen stream naming tasks, and a `tools/call` asked as a task.

use serde_json::{Value, json};

use crate::protocol::method::Method;
use crate::tasks::EXTENSION_ID;

/// What a tool call made as a task gave.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskStart {
    /// The server made a task: its state (`taskId`, `status`, `pollInterval`, ...).
    Task(Value),
    /// The server ran the call at once (a 2026-07-28 server decides): its result.
    Done(Value),
}

/// Whether a 2026-07-28 request needs the Tasks extension declared (`tasks/*`, a listen
/// stream naming tasks, a tool call asked as a task); a `tools/call` asked as a task loses the 2025-11-25 `task` param, which that wire does not read.
pub(crate) fn wants_extension(method: &str, params: &mut Value) -> bool {
    if method == Method::ToolsCall.as_str() {
        return params.as_object_mut().and_then(|p| p.remove("task")).is_some();
    }
    if method == Method::SubscriptionsListen.as_str() {
        return params.pointer("/notifications/taskIds").and_then(Value::as_array).is_some_and(|ids| !ids.is_empty());
    }
    method.starts_with("tasks/")
}

/// `capabilities` with the Tasks extension declared.
pub(crate) fn with_extension(capabilities: &Value) -> Value {
    let mut capabilities = if capabilities.is_object() { capabilities.clone() } else { json!({}) };
    let extensions = &mut capabilities["extensions"];
    if !extensions.is_object() {
        *extensions = json!({});
    }
    extensions[EXTENSION_ID] = json!({});
    capabilities
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{EXTENSION_ID, wants_extension, with_extension};

    #[test]
    fn a_task_call_loses_its_legacy_param_and_declares_the_extension() {
        let mut params = json!({ "name": "t", "task": { "ttl": 5 } });
        assert!(wants_extension("tools/call", &mut params));
        assert_eq!(params, json!({ "name": "t" }));
        let mut plain = json!({ "name": "t" });
        assert!(!wants_extension("tools/call", &mut plain));
        assert!(wants_extension("tasks/get", &mut json!({})));
        assert!(wants_extension("subscriptions/listen", &mut json!({ "notifications": { "taskIds": ["a"] } })));
        assert!(!wants_extension("subscriptions/listen", &mut json!({ "notifications": { "taskIds": [] } })));
    }

    #[test]
    fn the_extension_joins_the_declared_ones() {
        let caps = with_extension(&json!({ "sampling": {}, "extensions": { "other": {} } }));
        assert_eq!(caps, json!({ "sampling": {}, "extensions": { "other": {}, EXTENSION_ID: {} } }));
    }
}
