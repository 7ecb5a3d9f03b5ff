//! Tasks from the client's side: `tools/call` answered with a task instead of a result, and
//! the `tasks/*` requests that follow it, on both wires. On 2025-11-25 a task is asked for
//! with the `task` param, its outcome waited for with `tasks/result` (the server's questions
//! come meanwhile as ordinary server requests, answered by the client's handlers). On
//! 2026-07-28 (the Tasks extension, declared in the `_meta` of the requests that need it)
//! the server decides, and the client polls `tasks/get` at the interval the server
//! suggests (`task_poll`), answering a task's `inputRequests` with its handlers through `tasks/update`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::Client;
use super::answer::answer_inputs;
use super::error::ClientError;
use super::peer::CallOptions;
use super::task_meta::TaskStart;
use super::task_poll::{poll_interval, task_of};
use crate::error::ProtocolError;
use crate::protocol::method::Method;

/// The task's id, or a protocol error naming `what` answered without one.
fn task_id<'a>(task: &'a Value, what: &str) -> Result<&'a str, ClientError> {
    task.get("taskId").and_then(Value::as_str).ok_or_else(|| ClientError::Protocol(format!("{what} without a taskId")))
}

impl Client {
    /// `tools/call` as a task (`ttl`: how long the server keeps it after it ends, when the
    /// caller has a wish). On 2025-11-25 the tool must allow tasks; on 2026-07-28 the server
    /// may as well answer at once ([`TaskStart::Done`]).
    pub async fn call_tool_as_task(
        &self,
        name: &str,
        arguments: Value,
        ttl: Option<Duration>,
    ) -> Result<TaskStart, ClientError> {
        let task =
            ttl.map_or_else(|| json!({}), |ttl| json!({ "ttl": u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX) }));
        let params = json!({ "name": name, "arguments": arguments, "task": task });
        let result = self.request(Method::ToolsCall.as_str(), params).await?;
        let is_task = result.get("resultType").and_then(Value::as_str) == Some("task")
            || result.get("task").is_some_and(Value::is_object);
        if !is_task {
            self.check_tool_result(name, &result)?;
            return Ok(TaskStart::Done(result));
        }
        let task = task_of(&result).clone();
        task_id(&task, "a task")?;
        Ok(TaskStart::Task(task))
    }

    /// Calls a tool as a task and waits for its result ([`Client::wait_task`]), within the
    /// client's call options.
    pub async fn call_tool_task(&self, name: &str, arguments: Value) -> Result<Value, ClientError> {
        let result = match self.call_tool_as_task(name, arguments, None).await? {
            TaskStart::Done(result) => result,
            TaskStart::Task(task) => self.wait_task(&task, self.call).await?,
        };
        self.check_tool_result(name, &result)?;
        Ok(result)
    }

    /// `tasks/get`: the task's state (on 2026-07-28 with its `result` or `error` once it
    /// ended, and the `inputRequests` it waits for).
    pub async fn get_task(&self, task_id: &str) -> Result<Value, ClientError> {
        let got = self.request(Method::TasksGet.as_str(), json!({ "taskId": task_id })).await?;
        Ok(task_of(&got).clone())
    }

    /// `tasks/result` (2025-11-25): waits until the task ends, then gives what `tools/call`
    /// would have (its result, or its error as [`ClientError::Server`]).
    pub async fn task_result(&self, task_id: &str, call: CallOptions) -> Result<Value, ClientError> {
        self.request_with(Method::TasksResult.as_str(), json!({ "taskId": task_id }), call).await
    }

    /// `tasks/list` (2025-11-25), every page.
    pub async fn list_tasks(&self) -> Result<Vec<Value>, ClientError> {
        self.list_all(Method::TasksList, "tasks").await
    }

    /// `tasks/cancel`: the cancelled task on 2025-11-25 (an error for one already ended), an
    /// empty acknowledgement on 2026-07-28.
    pub async fn cancel_task(&self, task_id: &str) -> Result<Value, ClientError> {
        self.request(Method::TasksCancel.as_str(), json!({ "taskId": task_id })).await
    }

    /// `tasks/update` (2026-07-28): answers to the task's `inputRequests`, by key.
    pub async fn update_task(&self, task_id: &str, responses: Map<String, Value>) -> Result<(), ClientError> {
        let params = json!({ "taskId": task_id, "inputResponses": responses });
        self.request(Method::TasksUpdate.as_str(), params).await.map(drop)
    }

    /// Waits for a task's result, at most `call.max_total` in all. On 2025-11-25 with
    /// `tasks/result`; on 2026-07-28 polling `tasks/get` at the server's suggested
    /// interval and answering its `inputRequests` with the client's handlers (each once).
    /// A failed task is its error ([`ClientError::Server`]); a cancelled one a protocol error.
    pub async fn wait_task(&self, task: &Value, call: CallOptions) -> Result<Value, ClientError> {
        let id = task_id(task, "a task")?.to_owned();
        let started = Instant::now();
        let timed_out = || ClientError::Timeout { method: Method::TasksGet.as_str().into(), after: started.elapsed() };
        if !self.is_stateless() {
            let left = CallOptions { timeout: call.max_total, reset_on_progress: false, ..call };
            return self.task_result(&id, left).await;
        }
        let mut answered: HashSet<String> = HashSet::new();
        let mut state = task.clone();
        loop {
            match state.get("status").and_then(Value::as_str).unwrap_or_default() {
                "completed" | "failed" => return outcome(&state),
                "cancelled" => return Err(ClientError::Protocol(format!("task {id} was cancelled"))),
                "input_required" => self.answer_task(&id, &state, &mut answered).await?,
                _ => {}
            }
            let pause = poll_interval(&state);
            if started.elapsed() + pause >= call.max_total {
                return Err(timed_out());
            }
            let left = call.max_total.saturating_sub(started.elapsed() + pause);
            let once = CallOptions { timeout: call.timeout.min(left), reset_on_progress: false, max_total: left };
            state = self.next_task_state_with(&id, Some(&state), once).await?;
        }
    }

    /// Answers the asks of a task in `input_required` not answered yet.
    async fn answer_task(&self, id: &str, state: &Value, answered: &mut HashSet<String>) -> Result<(), ClientError> {
        let asks: Map<String, Value> = match state.get("inputRequests") {
            Some(Value::Object(asks)) => {
                asks.iter().filter(|(k, _)| !answered.contains(*k)).map(|(k, v)| (k.clone(), v.clone())).collect()
            }
            _ => return Ok(()),
        };
        if asks.is_empty() {
            return Ok(());
        }
        answered.extend(asks.keys().cloned());
        let responses = answer_inputs(&self.peer.answers, asks).await.map_err(ClientError::Server)?;
        self.update_task(id, responses).await
    }
}

/// An ended 2026-07-28 task's outcome, as `tasks/get` inlines it.
fn outcome(state: &Value) -> Result<Value, ClientError> {
    if let Some(error) = state.get("error") {
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(crate::error::codes::INTERNAL_ERROR);
        let message = error.get("message").and_then(Value::as_str).unwrap_or("the task failed");
        let mut e = ProtocolError::new(code, message);
        e.data = error.get("data").cloned();
        return Err(ClientError::Server(e));
    }
    state.get("result").cloned().ok_or_else(|| ClientError::Protocol("an ended task without its result".into()))
}
