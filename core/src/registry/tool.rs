//! A registered tool: its definition, its compiled schemas and its handler.

use std::sync::Arc;

use serde_json::Value;

use super::catalog::Listed;
use crate::error::Error;
use crate::handler::ToolHandler;
use crate::protocol::header_params::{HeaderParam, header_params};
use crate::protocol::{ProtocolVersion, Tool, shaping};
use crate::schema::CompiledSchema;

pub(crate) struct ToolEntry {
    pub def: Tool,
    pub input: CompiledSchema,
    pub output: Option<CompiledSchema>,
    pub handler: Arc<dyn ToolHandler>,
    /// Arguments mirrored in `Mcp-Param-*` headers (2026 HTTP), from `x-mcp-header`.
    pub header_params: Vec<HeaderParam>,
    json: Value,
}

/// Tool names: 1–128 characters of `A-Z a-z 0-9 _ - . /`.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c));
    if name.is_empty() || name.len() > 128 || !ok_chars {
        return Err("names must be 1-128 characters of A-Z, a-z, 0-9, `_`, `-`, `.`, `/`".into());
    }
    Ok(())
}

/// A required scope: an RFC 6749 §3.3 scope token (visible ASCII but `"` and `\`), so a
/// challenge names it as given.
fn check_scope(scope: &str) -> Result<(), String> {
    let ok = !scope.is_empty() && scope.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    if !ok {
        return Err(format!("requiredScopes: `{scope}` is not a scope (visible ASCII without spaces, `\"` or `\\`)"));
    }
    Ok(())
}

impl ToolEntry {
    /// The entry for `def`, its name checked when `check_names` (see [`check_name`]).
    pub fn checked(mut def: Tool, handler: Arc<dyn ToolHandler>, check_names: bool) -> Result<ToolEntry, Error> {
        let name = def.name.clone();
        let invalid = |reason: String| Error::InvalidDefinition { what: "tool", name: name.clone(), reason };
        def.link_ui().map_err(invalid)?;
        if check_names {
            check_name(&def.name).map_err(invalid)?;
        }
        def.required_scopes.iter().try_for_each(|s| check_scope(s)).map_err(invalid)?;
        let input =
            CompiledSchema::compile_input(&def.input_schema).map_err(|e| invalid(format!("inputSchema: {e}")))?;
        let output = def
            .output_schema
            .as_ref()
            .map(|s| CompiledSchema::compile(s).map_err(|e| invalid(format!("outputSchema: {e}"))))
            .transpose()?;
        let header_params = header_params(&def.input_schema).map_err(|e| invalid(format!("x-mcp-header: {e}")))?;
        let json = serde_json::to_value(&def).map_err(|e| invalid(e.to_string()))?;
        Ok(ToolEntry { def, input, output, handler, header_params, json })
    }
}

impl Listed for ToolEntry {
    fn key(&self) -> &str {
        &self.def.name
    }

    fn list_json(&self, version: ProtocolVersion) -> Value {
        let mut v = self.json.clone();
        if let Some(obj) = v.as_object_mut() {
            shaping::tool(obj, version);
            // Object-rooted output schemas only before 2026-07-28.
            if !version.is_modern()
                && obj.get("outputSchema").is_some_and(|s| s.get("type") != Some(&Value::from("object")))
            {
                obj.remove("outputSchema");
            }
        }
        v
    }
}
