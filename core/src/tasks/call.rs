//! `tools/call` as a task: deciding whether a call becomes a task (or must be refused),
//! creating it and answering with the task handle.
//!
//! - 2026-07-28: a tool with task support called by a request that declares the Tasks
//!   extension becomes a task (the server decides; a legacy `task` param changes nothing).
//!   `Required` without the extension is -32021. A tool with [`crate::Tool::defer_task`]
//!   first runs inside the request — its asks are multi-round-trip asks, resolved before
//!   any task exists — and becomes a task when it calls `RequestContext::start_task`.
//! - 2025-11-25 (when tasks are advertised): `params.task` asks for a task; on a tool that
//!   forbids tasks it is -32601, and so is a `Required` tool called without it.
//! - Everything else runs as an ordinary call.

use crate::protocol::method::Method;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Map, Value};

use super::instances;
use super::runner::{self, Launch};
use super::store::Owner;
use super::{advertised, client_declares, missing_extension, wire};
use crate::context::{InputState, TaskMode};
use crate::dispatch::call::{Era, Peer};
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::mrtr;
use crate::dispatch::reply::finish_value;
use crate::dispatch::rounds::context;
use crate::dispatch::shared::ServerShared;
use crate::dispatch::tool_result::finish_tool_call;
use crate::error::{HandlerError, ProtocolError, codes, typescript_sdk_text};
use crate::handler::Arguments;
use crate::jsonrpc::RequestId;
use crate::protocol::{ProtocolVersion, TaskSupport};
use crate::registry::{Snapshot, ToolEntry};
use crate::sync::lock;

/// A validated `tools/call`, as the router prepared it.
pub(crate) struct TaskCall<'a> {
    pub shared: &'a Arc<ServerShared>,
    pub peer: &'a Peer,
    pub era: &'a Era,
    pub id: &'a RequestId,
    pub tool: &'a Arc<ToolEntry>,
    /// The tool name and arguments (a 2026 `requestState` is bound to them).
    pub name: &'a Value,
    pub args: &'a Arguments,
    /// The remaining params (`_meta`, a 2025-11-25 `task`).
    pub params: &'a Map<String, Value>,
    pub cancel: &'a RequestToken,
    pub snap: &'a Snapshot,
    /// The authenticated caller, if any: tasks are bound to it.
    pub subject: Option<&'a str>,
}

/// What became of the call.
pub(crate) enum Intercept {
    /// Not a task: run it as an ordinary call with this input.
    Sync(InputState),
    /// Answered: the task handle, or (deferred tools) an `input_required` or final result.
    Reply(Vec<u8>),
}

/// How the call runs.
enum Plan {
    Sync,
    /// A task created now; `ttl`: the lifetime a 2025-11-25 client asked for.
    Task {
        ttl: Option<Duration>,
    },
    /// 2026, [`crate::Tool::defer_task`]: the handler runs in the request until `start_task`.
    Deferred,
    /// Answered with an `isError` result of this text (`typescript_sdk_errors`).
    Refused(String),
}

fn plan(call: &TaskCall<'_>) -> Result<Plan, ProtocolError> {
    let def = &call.tool.def;
    let support = def.task_support_level();
    match call.era {
        Era::Modern(meta) => {
            if support == TaskSupport::Forbidden {
                return Ok(Plan::Sync);
            }
            if !client_declares(&meta.client_capabilities) {
                return match support {
                    TaskSupport::Required => Err(missing_extension()),
                    _ => Ok(Plan::Sync),
                };
            }
            Ok(if def.defer_task { Plan::Deferred } else { Plan::Task { ttl: None } })
        }
        Era::Legacy(session) => {
            // Servers that do not advertise tasks ignore task-augmentation (2025-11-25), and
            // older versions have no tasks: a `Required` tool then simply runs.
            if session.version != ProtocolVersion::V2025_11_25 || !advertised(call.shared, call.snap) {
                return Ok(Plan::Sync);
            }
            let not_found = |what: &str| {
                ProtocolError::new(codes::METHOD_NOT_FOUND, format!("Method not found: tool {} {what}", def.name))
            };
            match (call.params.get("task"), support) {
                (None | Some(Value::Null), TaskSupport::Required) if call.shared.typescript_sdk_errors => {
                    let message = format!("Tool {} requires task augmentation (taskSupport: 'required')", def.name);
                    Ok(Plan::Refused(typescript_sdk_text(codes::METHOD_NOT_FOUND, message)))
                }
                (None | Some(Value::Null), TaskSupport::Required) => {
                    Err(not_found("must be called as a task (params.task)"))
                }
                (None | Some(Value::Null), _) => Ok(Plan::Sync),
                (Some(Value::Object(_)), TaskSupport::Forbidden) => Err(not_found("does not support tasks")),
                (Some(Value::Object(t)), _) => {
                    let ttl = t.get("ttl").and_then(Value::as_u64).filter(|&ms| ms > 0).map(Duration::from_millis);
                    Ok(Plan::Task { ttl })
                }
                (Some(_), _) => Err(ProtocolError::invalid_params("`task` must be an object")),
            }
        }
    }
}

/// Runs the call as a task when it should be one; refuses it when it must be one and
/// cannot; otherwise hands it back. The task paths are boxed: their futures are large, and
/// held inline they would make every tool call's future large too (over the allocator's
/// small-block cache, which costs each call a slower allocation).
pub(crate) async fn intercept(call: TaskCall<'_>, input: InputState) -> Result<Intercept, ProtocolError> {
    match plan(&call)? {
        Plan::Sync => Ok(Intercept::Sync(input)),
        Plan::Task { ttl } => Box::pin(create(&call, ttl, input.answers, input.app_state)).await.map(Intercept::Reply),
        Plan::Deferred => Box::pin(deferred(&call, input)).await.map(Intercept::Reply),
        Plan::Refused(text) => {
            let result = crate::protocol::CallToolResult::error(text);
            crate::dispatch::reply::finish(call.shared, call.era.is_modern(), false, &result).map(Intercept::Reply)
        }
    }
}

/// Creates the task (stored before the handle is returned, in the shared store too when
/// there is one), starts its handler, and answers with the handle.
async fn create(
    call: &TaskCall<'_>,
    ttl: Option<Duration>,
    answers: Map<String, Value>,
    app_state: Option<Value>,
) -> Result<Vec<u8>, ProtocolError> {
    let (owner, modern) = match call.era {
        Era::Legacy(session) => (Owner::session(call.subject, session), false),
        Era::Modern(_) => (Owner::modern(call.subject), true),
    };
    let task = call.shared.tasks.create(owner, modern, ttl, &call.shared.shutdown)?;
    instances::created(call.shared, &task).await?;
    let handle = wire::created(&task);
    runner::spawn(Launch {
        shared: call.shared.clone(),
        task,
        tool: call.tool.clone(),
        args: call.args.clone(),
        era: call.era.clone(),
        id: call.id.clone(),
        params: call.params.clone(),
        auth: call.peer.auth.clone(),
        // The run outlives the request: a copy, not the transport's buffer.
        http: call.peer.http.as_deref().map(|h| std::sync::Arc::new(h.detached())),
        answers,
        app_state,
    });
    finish_value(call.shared, modern, false, handle)
}

/// A deferred tool's run inside the request: it ends with `start_task` (the task is created
/// with the answers gathered so far), at an unanswered ask (`input_required`), or with its
/// result (a task-capable tool may answer at once).
async fn deferred(call: &TaskCall<'_>, input: InputState) -> Result<Vec<u8>, ProtocolError> {
    let ctx = context(call.shared, call.peer, call.era, call.id, Some(call.params), call.cancel, input);
    let ctx = runner::with_mode(ctx, TaskMode::Deferred(AtomicBool::new(false)));
    let output = call.tool.handler.call(ctx.clone(), call.args.clone()).await;
    ctx.finish();
    let state = &ctx.inner.input;
    if matches!(&ctx.inner.task, TaskMode::Deferred(start) if start.load(Ordering::Acquire)) {
        lock(&state.pending).clear();
        return create(call, None, state.answers.clone(), state.app_state.clone()).await;
    }
    let asked = !lock(&state.pending).is_empty();
    if !asked && !matches!(output, Err(HandlerError::InputRequired)) {
        return finish_tool_call(call.shared, call.era, call.tool, output);
    }
    // As for any 2026 call: never ask for what the client did not declare.
    let missing = lock(&state.pending).iter().find_map(|(_, r)| r.missing_capability(ctx.client_capabilities()));
    if let Some(missing) = missing {
        return Err(ProtocolError::missing_client_capability(missing));
    }
    let result = mrtr::input_required(
        &call.shared.sealer,
        Method::ToolsCall.as_str(),
        &[call.name, call.args.value()],
        call.subject,
        state,
    );
    finish_value(call.shared, true, false, result)
}
