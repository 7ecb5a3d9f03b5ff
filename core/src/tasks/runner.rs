//! Running a task: the tool's handler in a spawned tokio task, detached from the request
//! that created it, stopped by the task's own cancellation token (`tasks/cancel`, expiry,
//! server shutdown), its outcome stored in the task.
//!
//! Client input: on 2026-07-28 a run that stops at unanswered asks parks the task in
//! `input_required`; when `tasks/update` has answered them all, the handler runs again from
//! the start with every answer so far (the replay rule of multi round-trip requests). On
//! 2025-11-25 the asks are server->client requests on the session (see
//! `RequestContext::ask_session`), and only the low-level `ctx.input_required` form needs a
//! new run here.

use crate::protocol::method::Method;
use std::sync::Arc;

use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use super::publish;
use super::store::{Task, TaskStatus};
use crate::auth::AuthInfo;
use crate::context::{InputState, RequestContext, TaskMode};
use crate::dispatch::call::{Era, Peer};
use crate::dispatch::guard::catch_unwind;
use crate::dispatch::rounds::context;
use crate::dispatch::shared::ServerShared;
use crate::dispatch::tool_result::finish_tool_call;
use crate::error::{HandlerError, ProtocolError, ToolError, codes};
use crate::error_hook::{self, Failure, FailureKind};
use crate::handler::{Arguments, ToolOutput};
use crate::jsonrpc::RequestId;
use crate::registry::ToolEntry;
use crate::sync::lock;

/// Runs of a handler one task may go through (rounds of client input) before it fails.
const MAX_ROUNDS: usize = 16;

/// Everything a task's run needs, owned (the request that created it is gone).
pub(crate) struct Launch {
    pub shared: Arc<ServerShared>,
    pub task: Arc<Task>,
    pub tool: Arc<ToolEntry>,
    pub args: Arguments,
    /// The creating request's era: its session, or its `_meta` (client capabilities).
    pub era: Era,
    /// The creating request's id and params (`_meta`, progress token).
    pub id: RequestId,
    pub params: Map<String, Value>,
    pub auth: Option<Arc<AuthInfo>>,
    /// The HTTP request that created the task, if one did.
    pub http: Option<Arc<crate::request_info::HttpRequestInfo>>,
    /// Answers gathered before the task existed (multi round-trip asks of a deferred tool).
    pub answers: Map<String, Value>,
    pub app_state: Option<Value>,
}

/// Starts the task's handler in the background.
pub(crate) fn spawn(launch: Launch) {
    tokio::spawn(run(launch));
}

/// Builds a handler context in `mode` (the context is fresh, so it is not shared yet).
pub(crate) fn with_mode(mut ctx: RequestContext, mode: TaskMode) -> RequestContext {
    if let Some(inner) = Arc::get_mut(&mut ctx.inner) {
        inner.task = mode;
    }
    ctx
}

async fn run(launch: Launch) {
    let Launch { shared, task, tool, args, era, id, params, auth, http, mut answers, mut app_state } = launch;
    // 2026 tasks send no progress or log messages; 2025-11-25 ones send them (tagged with
    // the task) and their server->client requests on the session.
    let out = match &era {
        Era::Legacy(session) => session.out.clone(),
        Era::Modern(_) => crate::dispatch::Outbox::discard(),
    };
    let session = match &era {
        Era::Legacy(s) => Some(s.clone()),
        Era::Modern(_) => None,
    };
    let peer = Peer {
        session,
        out,
        stopping: Arc::new(CancellationToken::new()),
        auth,
        http,
        client: None,
        conn: 0,
        revealed: None,
        deadline: crate::deadline::Deadline::Own,
    };
    let token = Arc::new(crate::context::Cancel::from(task.cancel.clone()));
    for _ in 0..MAX_ROUNDS {
        let input = InputState::new(answers.clone(), app_state.clone());
        let ctx = context(&shared, &peer, &era, &id, Some(&params), &token, input);
        let ctx = with_mode(ctx, TaskMode::Running(task.clone()));
        let handler = tool.handler.call(ctx.clone(), args.clone());
        let outcome = tokio::select! {
            biased;
            r = catch_unwind(handler) => r,
            () = token.cancelled() => {
                ctx.finish();
                stopped(&shared, &task);
                return;
            }
        };
        ctx.finish();
        let output = match outcome {
            Ok(output) => output,
            Err(panic) => {
                let hook = shared.registry.snapshot().error_hook.clone();
                let failure = Failure {
                    kind: FailureKind::Panic,
                    method: Method::ToolsCall.as_str(),
                    name: Some(&tool.def.name),
                    id: &id,
                    message: &panic,
                    data: None,
                };
                error_hook::report(hook.as_deref(), &failure);
                let e = ProtocolError::internal("the handler failed unexpectedly");
                return settle(&shared, &era, &tool, &task, Err(e.into()));
            }
        };
        let state = &ctx.inner.input;
        let pending = std::mem::take(&mut *lock(&state.pending));
        if pending.is_empty() {
            return settle(&shared, &era, &tool, &task, output);
        }
        // The low-level form (`ctx.input_required`) skips the check `ask_all` makes: never
        // ask a client for what it did not declare.
        let missing = pending.iter().find_map(|(_, r)| r.missing_capability(ctx.client_capabilities()).map(|m| (m, r)));
        if let Some((missing, ask)) = missing {
            let failure: HandlerError = match &era {
                Era::Modern(_) => ProtocolError::missing_client_capability(missing).into(),
                Era::Legacy(_) => ToolError::new(format!(
                    "the client did not declare the capability `{missing}` needed for {}",
                    ask.method()
                ))
                .into(),
            };
            return settle(&shared, &era, &tool, &task, Err(failure));
        }
        app_state = lock(&state.next_state).take();
        match &era {
            Era::Modern(_) => {
                if task.park(pending) {
                    publish(&shared, &task);
                }
                match task.wait_answers().await {
                    Some(all) => answers = all,
                    None => return stopped(&shared, &task),
                }
            }
            Era::Legacy(session) => {
                let got = Box::pin(ctx.ask_session(session, &pending)).await;
                if token.is_cancelled() {
                    return stopped(&shared, &task);
                }
                match got {
                    Ok(got) => answers.extend(pending.into_iter().map(|(k, _)| k).zip(got)),
                    Err(e) => return settle(&shared, &era, &tool, &task, Err(e)),
                }
            }
        }
    }
    tracing::warn!(task = %task.id, "too many rounds of client input");
    let e = ProtocolError::internal("too many rounds of client input");
    settle(&shared, &era, &tool, &task, Err(e.into()));
}

/// The token tripped: cancelled (a no-op if `tasks/cancel` already said so, or the task
/// expired and is gone).
fn stopped(shared: &ServerShared, task: &Task) {
    if task.cancel() {
        publish(shared, task);
    }
}

/// Stores the handler's outcome: the result `tools/call` would have returned (`completed`;
/// on 2025-11-25 an `isError` result is `failed`), or its JSON-RPC error (`failed`).
fn settle(shared: &ServerShared, era: &Era, tool: &ToolEntry, task: &Task, output: Result<ToolOutput, HandlerError>) {
    if task.cancel.is_cancelled() {
        return stopped(shared, task);
    }
    let applied = match finish_tool_call(shared, era, tool, output) {
        Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(result) => {
                let is_error = result.get("isError").and_then(Value::as_bool).unwrap_or(false);
                let status = if is_error && !task.modern { TaskStatus::Failed } else { TaskStatus::Completed };
                task.finish(status, Some(result), None)
            }
            Err(e) => task.finish(TaskStatus::Failed, None, Some(ProtocolError::internal(e))),
        },
        Err(mut e) => {
            if task.modern && (e.code == codes::RESOURCE_NOT_FOUND || e.code == codes::URL_ELICITATION_REQUIRED) {
                // 2026-07-28 servers must not emit the legacy codes.
                e.code = codes::INVALID_PARAMS;
            }
            task.finish(TaskStatus::Failed, None, Some(e))
        }
    };
    if applied {
        publish(shared, task);
    }
}
