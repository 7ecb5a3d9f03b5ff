//! `tools/call`: lookup, argument validation against the compiled input schema, the Tasks
//! interception, the handler's rounds, and the result checked against the output schema and
//! shaped for the version.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::catalogue::Kind;
use crate::context::InputState;
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::mrtr;
use crate::dispatch::reply::{finish, finish_sized, finish_value};
use crate::dispatch::rounds::{Rounds, RunSpec, run_rounds};
use crate::dispatch::router::{Era, Peer, Reply};
use crate::dispatch::shared::ServerShared;
use crate::dispatch::visibility::Sight;
use crate::error::{HandlerError, ProtocolError};
use crate::handler::{Arguments, Structured, ToolOutput};
use crate::jsonrpc::IncomingRequest;
use crate::protocol::{CallToolResult, shaping};
use crate::registry::{Snapshot, ToolEntry};
use crate::schema;

/// A validated `tools/call`, ready to run. Built by synchronous code so the request's
/// future holds only this across its await.
struct ToolCall {
    tool: Arc<ToolEntry>,
    /// The tool name as JSON (bound into a 2026 `requestState` with the arguments).
    name: Value,
    args: Arguments,
    params: Map<String, Value>,
    input: InputState,
}

/// Looks the tool up and validates its arguments. `Ok(Err(bytes))`: the arguments failed
/// the schema on a version that reports that as an `isError` result.
fn prepare_tool_call(
    shared: &ServerShared,
    era: &Era,
    params: Option<Map<String, Value>>,
    snap: &Snapshot,
    subject: Option<&str>,
) -> Result<Result<ToolCall, Vec<u8>>, ProtocolError> {
    let mut params = params.unwrap_or_default();
    let name = match params.remove("name") {
        Some(n @ Value::String(_)) => n,
        _ => return Err(ProtocolError::invalid_params("`name` must be a string")),
    };
    let name_str = name.as_str().unwrap_or_default();
    let tool = snap.tools.get(name_str).cloned().ok_or_else(|| unknown_tool(name_str))?;
    let args = match params.remove("arguments") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(a @ Value::Object(_)) => a,
        Some(_) => return Err(ProtocolError::invalid_params("`arguments` must be an object")),
    };
    if let Err(violations) = tool.input.validate(&args) {
        let detail = schema::describe(&violations);
        if era.version().input_errors_are_tool_results() {
            let r = CallToolResult::error(format!("Invalid arguments for tool {name_str}: {detail}"));
            return finish(shared, era.is_modern(), false, &r).map(Err);
        }
        let errors: Vec<Value> = violations.iter().map(|v| json!({ "path": v.path, "message": v.message })).collect();
        return Err(ProtocolError::invalid_params(format!("invalid arguments for tool {name_str}: {detail}"))
            .with_data(json!({ "errors": errors })));
    }
    let input = if era.is_modern() {
        mrtr::read_input(&shared.sealer, "tools/call", &[&name, &args], subject, &mut params)?
    } else {
        InputState::default()
    };
    Ok(Ok(ToolCall { tool, name, args: Arguments::new(args), params, input }))
}

/// The error for a tool that is not registered, or that the request may not see.
fn unknown_tool(name: &str) -> ProtocolError {
    ProtocolError::invalid_params(format!("Unknown tool: {name}"))
}

pub(crate) async fn call_tool(
    shared: &Arc<ServerShared>,
    peer: &Peer,
    era: &Era,
    req: IncomingRequest,
    cancel: &RequestToken,
    snap: &Snapshot,
    sight: &Sight,
) -> Reply {
    // Before anything else: a hidden tool answers exactly as a missing one would.
    if let Some(name) = req.params.as_ref().and_then(|p| p.get("name")).and_then(Value::as_str) {
        if !sight.shows(Kind::Tools, name).await {
            return Err(unknown_tool(name));
        }
        if snap.tools.get(name).is_some() {
            peer.reveal(name);
        }
        // The tool's rate limit, only for a registered tool the caller may see: a made-up
        // name takes no bucket (and is refused below as unknown).
        if let Some(limiter) = shared.rate_limiter.as_ref().filter(|l| l.limits_tools())
            && snap.tools.get(name).is_some()
        {
            limiter.check_tool(peer.client_key(), name)?;
        }
    }
    let IncomingRequest { id, params, .. } = req;
    let ToolCall { tool, name, args, params, input } =
        match prepare_tool_call(shared, era, params, snap, peer.subject())? {
            Ok(call) => call,
            Err(done) => return Ok(done),
        };
    // The Tasks extension (2026) / task-augmented calls (2025-11-25): run as a task, or refuse.
    let call = crate::tasks::call::TaskCall {
        shared,
        peer,
        era,
        id: &id,
        tool: &tool,
        name: &name,
        args: &args,
        params: &params,
        cancel,
        snap,
        subject: peer.subject(),
    };
    let input = match crate::tasks::call::intercept(call, input).await? {
        crate::tasks::call::Intercept::Sync(input) => input,
        crate::tasks::call::Intercept::Reply(bytes) => return Ok(bytes),
    };
    let bind = [&name, args.value()];
    let spec = RunSpec { shared, peer, era, id: &id, params: &params, cancel, method: "tools/call", bind: &bind };
    let handler = &tool.handler;
    let rounds = run_rounds(spec, input, |ctx| handler.call(ctx, args.clone())).await?;
    match rounds {
        Rounds::InputRequired(bytes) => Ok(bytes),
        Rounds::Done(output) => finish_tool_call(shared, era, &tool, output),
    }
}

/// Turns a finished tool run into the serialized result: plain values mapped, tool errors
/// as `isError` results, structured output checked against the `outputSchema`, then shaped
/// for the version.
pub(crate) fn finish_tool_call(
    shared: &ServerShared,
    era: &Era,
    tool: &ToolEntry,
    output: Result<ToolOutput, HandlerError>,
) -> Reply {
    let name = &tool.def.name;
    let mut result = match output {
        Ok(out) => out.into_result(Structured::of(tool.def.output_schema.as_ref())).map_err(|e| {
            tracing::error!(tool = %name, error = %e, "tool result could not be read");
            ProtocolError::internal(format!("tool {name} returned a result that could not be read: {e}"))
        })?,
        Err(HandlerError::Tool(e)) => {
            let mut r = CallToolResult::error(e.message);
            if tool.output.is_none() {
                r.structured_content = e.data;
            }
            r
        }
        Err(HandlerError::Protocol(p)) => return Err(p),
        Err(HandlerError::InputRequired) => {
            return Err(ProtocolError::internal("client input was required but could not be requested"));
        }
    };
    if let (false, Some(schema)) = (result.is_error, &tool.output) {
        let checked = match &result.structured_content {
            Some(sc) => schema.validate(sc).map_err(|v| schema::describe(&v)),
            None => Err("the result has no structuredContent".to_owned()),
        };
        if let Err(detail) = checked {
            tracing::error!(tool = %name, %detail, "tool output does not match its outputSchema");
            return Err(ProtocolError::internal(format!(
                "tool {name} returned output that does not match its outputSchema: {detail}"
            )));
        }
    }
    shaping::call_result(&mut result, era.version());
    if result.meta.is_some() {
        let v = serde_json::to_value(&result).map_err(ProtocolError::internal)?;
        return finish_value(shared, era.is_modern(), false, v);
    }
    finish_sized(shared, era.is_modern(), false, &result, result.size_hint())
}
