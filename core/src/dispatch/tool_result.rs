//! A finished tool run turned into its serialized result: plain values mapped, tool errors
//! as `isError` results, structured output checked against the tool's `outputSchema` (a
//! mismatch is -32603, or an `isError` result with `invalid_output_result`), then
//! shaped for the version. Shared by `tools/call` and the tasks that run a tool.

use crate::dispatch::call::{Era, Reply};
use crate::dispatch::reply::{finish_sized, finish_text, finish_value};
use crate::dispatch::shared::ServerShared;
use crate::error::{HandlerError, ProtocolError};
use crate::handler::{Structured, ToolOutput};
use crate::protocol::{CallToolResult, shaping};
use crate::registry::ToolEntry;
use crate::schema;

/// Turns a finished tool run into the serialized result: plain values mapped, tool errors
/// as `isError` results, structured output checked against the `outputSchema`, then shaped
/// for the version.
pub(crate) fn finish_tool_call(
    shared: &ServerShared,
    era: &Era,
    tool: &ToolEntry,
    output: Result<ToolOutput, HandlerError>,
) -> Reply {
    // One text block with no schema to check it against and nothing to shape for any
    // version: written straight into the result's bytes.
    if let Ok(ToolOutput::Text(text)) = &output
        && tool.output.is_none()
        && tool.def.output_schema.is_none()
    {
        return finish_text(shared, era.is_modern(), text);
    }
    let name = &tool.def.name;
    let mut result = match output {
        Ok(out) => out.into_result_as(Structured::of_tool(&tool.def), tool.def.value_content).map_err(|e| {
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
            if !shared.invalid_output_result {
                return Err(ProtocolError::internal(format!(
                    "tool {name} returned output that does not match its outputSchema: {detail}"
                )));
            }
            result = CallToolResult::error(format!("tool {name} returned output that does not match its outputSchema"));
        }
    }
    shaping::call_result(&mut result, era.version());
    if result.meta.is_some() {
        let v = serde_json::to_value(&result).map_err(ProtocolError::internal)?;
        return finish_value(shared, era.is_modern(), false, v);
    }
    finish_sized(shared, era.is_modern(), false, &result, result.size_hint())
}
