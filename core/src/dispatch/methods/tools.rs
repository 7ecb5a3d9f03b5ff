//! `tools/call`: lookup, argument validation against the compiled input schema, the Tasks
//! interception, the handler's rounds, and the result checked against the output schema and
//! shaped for the version.

use crate::protocol::method::Method;
use std::future::Future;

use serde_json::{Map, Value, json};

use crate::catalogue::Kind;
use crate::context::InputState;
use crate::dispatch::call::{Call, Reply};
use crate::dispatch::mrtr;
use crate::dispatch::reply::finish;
use crate::dispatch::rounds::{Rounds, RunSpec, run_rounds};
use crate::dispatch::tool_result::finish_tool_call;
use crate::error::{ProtocolError, codes, typescript_sdk_text};
use crate::handler::Arguments;
use crate::protocol::CallToolResult;
use crate::protocol::params::{InputParams, ItemParams};
use crate::registry::ToolEntry;
use crate::schema;
use crate::tasks::call::{Intercept, TaskCall, intercept};

/// A validated `tools/call`, ready to run. Built by synchronous code so the request's
/// future holds only this across its await.
struct ToolCall {
    /// The tool name as JSON (bound into a 2026 `requestState` with the arguments).
    name: Value,
    args: Arguments,
    params: Map<String, Value>,
    input: InputState,
}

/// Replaces each argument sent as text where the parameter's schema is not a plain string
/// (`{"type": "string"}`), as the official Python SDK reads arguments before its pydantic
/// validation (`ServerBuilder::json_text_arguments`): JSON text holding an array, an object, a
/// boolean or null becomes that value (its `pre_parse_json`), and text holding a number
/// becomes that number where the parameter takes numbers and no string (pydantic's lax mode:
/// `"5"` for an `int`; `int | str` keeps the text, as pydantic's union does).
fn read_json_text(args: &mut Value, input_schema: &Value) {
    let (Some(args), Some(properties)) =
        (args.as_object_mut(), input_schema.get("properties").and_then(Value::as_object))
    else {
        return;
    };
    for (key, value) in args.iter_mut() {
        let Value::String(text) = value else { continue };
        let Some(property) = properties.get(key) else { continue };
        if property.get("type").and_then(Value::as_str) == Some("string") {
            continue;
        }
        match serde_json::from_str(text) {
            Ok(parsed @ (Value::Array(_) | Value::Object(_) | Value::Bool(_) | Value::Null)) => *value = parsed,
            Ok(Value::Number(number)) => {
                if let Some(number) = lax_number(&number, property) {
                    *value = number;
                }
            }
            _ => {}
        }
    }
}

/// `number` as a parameter of schema `property` takes it from text, as pydantic's lax mode
/// reads it: any number where the parameter takes numbers, an integer (`"5.0"` too) where it
/// takes integers; None where it takes a string too, or neither.
fn lax_number(number: &serde_json::Number, property: &Value) -> Option<Value> {
    let mut types = Vec::new();
    json_types(property, &mut types);
    if types.contains(&"string") {
        return None;
    }
    if types.contains(&"number") {
        return Some(Value::Number(number.clone()));
    }
    if !types.contains(&"integer") {
        return None;
    }
    if number.is_i64() || number.is_u64() {
        return Some(Value::Number(number.clone()));
    }
    // The bound keeps the conversion exact: a float past 2^53 is not an integer pydantic reads.
    let float = number.as_f64()?;
    (float.fract() == 0.0 && float.abs() < 9_007_199_254_740_992.0).then(|| json!(float as i64))
}

/// The JSON types a schema names: its `type` (a name or a list of names) and those of its
/// `anyOf` and `oneOf` branches.
fn json_types<'a>(schema: &'a Value, out: &mut Vec<&'a str>) {
    match schema.get("type") {
        Some(Value::String(name)) => out.push(name),
        Some(Value::Array(names)) => out.extend(names.iter().filter_map(Value::as_str)),
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        for branch in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            json_types(branch, out);
        }
    }
}

/// Validates the arguments of a call of `tool`. `Ok(Err(bytes))`: the arguments failed the
/// schema on a version that reports that as an `isError` result.
fn prepare_tool_call(
    call: &Call<'_>,
    tool: &ToolEntry,
    name: String,
    mut params: Map<String, Value>,
) -> Result<Result<ToolCall, Vec<u8>>, ProtocolError> {
    let (shared, era) = (call.shared, &call.era);
    let mut args = ItemParams::tool_arguments(&mut params)?;
    if shared.json_text_arguments {
        read_json_text(&mut args, &tool.def.input_schema);
    }
    let name_str = name.as_str();
    if let Err(violations) = tool.input.validate(&args) {
        let detail = schema::describe(&violations);
        if shared.typescript_sdk_errors {
            let message = format!("Input validation error: Invalid arguments for tool {name_str}: {detail}");
            let r = CallToolResult::error(typescript_sdk_text(codes::INVALID_PARAMS, message));
            return finish(shared, era.is_modern(), false, &r).map(Err);
        }
        if era.version().input_errors_are_tool_results() {
            let r = CallToolResult::error(format!("Invalid arguments for tool {name_str}: {detail}"));
            return finish(shared, era.is_modern(), false, &r).map(Err);
        }
        let errors: Vec<Value> = violations.iter().map(|v| json!({ "path": v.path, "message": v.message })).collect();
        return Err(ProtocolError::invalid_params(format!("invalid arguments for tool {name_str}: {detail}"))
            .with_data(json!({ "errors": errors })));
    }
    let name = Value::String(name);
    let input = if era.is_modern() {
        let input = InputParams::take(&mut params);
        mrtr::read_input(&shared.sealer, Method::ToolsCall.as_str(), &[&name, &args], call.peer.subject(), input)?
    } else {
        InputState::default()
    };
    Ok(Ok(ToolCall { name, args: Arguments::new(args), params, input }))
}

/// The answer to a call of a tool that is not registered, or that the request may not see:
/// the error -32602, or an `isError` result with the same text when the server answers so.
/// In the TypeScript SDK's words, a tool the request may see but that is disabled is named
/// so (`Tool x disabled`), as that SDK's `McpServer` answers; `hidden` keeps a tool the
/// request may not see answered as a missing one.
fn answer_unknown_tool(call: &Call<'_>, name: &str, hidden: bool) -> Reply {
    if call.shared.typescript_sdk_errors {
        let disabled = !hidden && call.snap.is_enabled(Kind::Tools, name) == Some(false);
        let state = if disabled { "disabled" } else { "not found" };
        let text = typescript_sdk_text(codes::INVALID_PARAMS, format!("Tool {name} {state}"));
        return finish(call.shared, call.era.is_modern(), false, &CallToolResult::error(text));
    }
    let text = format!("Unknown tool: {name}");
    if call.shared.unknown_tool_result {
        return finish(call.shared, call.era.is_modern(), false, &CallToolResult::error(text));
    }
    Err(ProtocolError::invalid_params(text))
}

/// Answers `tools/call`. An `async` block capturing `call` rather than an `async fn`, which
/// would keep `call` twice in its future (as taken and as moved into its body): the future
/// is boxed for every call, and at 1,072 bytes (920 as a block) it was a chunk of the C
/// allocator's large bins (1,024 bytes and up), several times slower to allocate than a
/// small one.
#[allow(clippy::manual_async_fn, reason = "an `async fn` keeps its arguments twice in its future")]
pub(crate) fn call_tool(mut call: Call<'_>) -> impl Future<Output = Reply> + Send + '_ {
    async move {
        let ItemParams { name, rest: params } = ItemParams::take(call.take_params(), "name")?;
        let name_str = name.as_str();
        // Before anything else: a hidden tool answers exactly as a missing one would.
        if !call.sight.shows(Kind::Tools, name_str).await {
            return answer_unknown_tool(&call, name_str, true);
        }
        // The one lookup of the call.
        let Some(tool) = call.snap.tools.get(name_str).cloned() else {
            return answer_unknown_tool(&call, name_str, false);
        };
        let (shared, peer) = (call.shared, call.peer);
        peer.reveal(name_str);
        // A grant without the tool's scopes (the HTTP endpoint refused those calls with 403
        // already; this answers a WebSocket's, or a name a middleware changed).
        call.sight.permits(&tool)?;
        // The tool's rate limit, only for a registered tool the caller may see: a made-up name
        // takes no bucket (and was refused above as unknown).
        if let Some(limiter) = shared.rate_limiter.as_ref().filter(|l| l.limits_tools()) {
            limiter.check_tool(peer.client_key(), name_str)?;
        }
        let ToolCall { name, args, params, input } = match prepare_tool_call(&call, &tool, name, params)? {
            Ok(prepared) => prepared,
            Err(done) => return Ok(done),
        };
        let (era, id, cancel) = (&call.era, &call.req.id, call.cancel);
        // The Tasks extension (2026) / task-augmented calls (2025-11-25): run as a task, or refuse.
        let task = TaskCall {
            shared,
            peer,
            era,
            id,
            tool: &tool,
            name: &name,
            args: &args,
            params: &params,
            cancel,
            snap: &call.snap,
            subject: peer.subject(),
        };
        let input = match intercept(task, input).await? {
            Intercept::Sync(input) => input,
            Intercept::Reply(bytes) => return Ok(bytes),
        };
        let bind = [&name, args.value()];
        let spec =
            RunSpec { shared, peer, era, id, params: &params, cancel, method: Method::ToolsCall.as_str(), bind: &bind };
        let handler = &tool.handler;
        let rounds = run_rounds(spec, input, |ctx| handler.call(ctx, args.clone())).await?;
        match rounds {
            Rounds::InputRequired(bytes) => Ok(bytes),
            Rounds::Done(output) => finish_tool_call(shared, era, &tool, output),
        }
    }
}
