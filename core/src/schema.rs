//! JSON Schema: each tool schema is compiled once at registration (the `jsonschema` crate),
//! with the dialect its `$schema` declares (2020-12 when absent), never fetching a remote
//! `$ref`; validation reports readable violations.

use jsonschema::{Draft, Validator};
use serde_json::Value;

/// A schema compiled once and reused for every call.
pub struct CompiledSchema {
    validator: Validator,
}

impl std::fmt::Debug for CompiledSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledSchema").finish_non_exhaustive()
    }
}

/// One way an instance fails its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the instance (empty for the root).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

/// At most this many violations are reported per validation.
const MAX_VIOLATIONS: usize = 10;

/// Maps a `$schema` URI to a dialect the engine supports; `Err` names the unsupported one.
fn dialect(schema: &Value) -> Result<Draft, String> {
    let Some(uri) = schema.get("$schema") else {
        return Ok(Draft::Draft202012);
    };
    let Some(uri) = uri.as_str() else {
        return Err("`$schema` must be a string".into());
    };
    let norm = uri.trim_end_matches('#').trim_start_matches("https://").trim_start_matches("http://");
    match norm {
        "json-schema.org/draft/2020-12/schema" => Ok(Draft::Draft202012),
        "json-schema.org/draft/2019-09/schema" => Ok(Draft::Draft201909),
        "json-schema.org/draft-07/schema" => Ok(Draft::Draft7),
        "json-schema.org/draft-06/schema" => Ok(Draft::Draft6),
        "json-schema.org/draft-04/schema" => Ok(Draft::Draft4),
        _ => Err(format!(
            "JSON Schema dialect not supported: `{uri}` (supported: 2020-12 (default), 2019-09, draft-07, draft-06, draft-04)"
        )),
    }
}

impl CompiledSchema {
    /// Compiles a schema. Errors (as readable text) on an unsupported `$schema` dialect, a
    /// schema that is invalid in its dialect (the validator checks it against its
    /// metaschema while compiling), or a `$ref` that is not local to the document.
    pub fn compile(schema: &Value) -> Result<CompiledSchema, String> {
        let draft = dialect(schema)?;
        if !schema.is_object() && !schema.is_boolean() {
            return Err("a schema must be an object or a boolean".into());
        }
        let validator = jsonschema::options()
            .with_draft(draft)
            .build(schema)
            .map_err(|e| format!("schema does not compile: {e} (remote `$ref`s are never fetched)"))?;
        Ok(CompiledSchema { validator })
    }

    /// Compiles a tool's `inputSchema`, which must describe an object (`type: "object"`).
    pub fn compile_input(schema: &Value) -> Result<CompiledSchema, String> {
        match schema.get("type") {
            Some(Value::String(t)) if t == "object" => {}
            _ => return Err("inputSchema must have `\"type\": \"object\"` at its root".into()),
        }
        Self::compile(schema)
    }

    /// True when `instance` conforms.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }

    /// Validates `instance`; on failure returns up to ten violations.
    pub fn validate(&self, instance: &Value) -> Result<(), Vec<Violation>> {
        if self.validator.is_valid(instance) {
            return Ok(());
        }
        Err(self
            .validator
            .iter_errors(instance)
            .take(MAX_VIOLATIONS)
            .map(|e| {
                let path = e.instance_path().to_string();
                let message = match e.kind() {
                    // The validator reports `additionalProperties: false` without `properties`
                    // as "False schema does not allow <value>"; name the properties instead.
                    jsonschema::error::ValidationErrorKind::FalseSchema
                        if e.schema_path().as_str().ends_with("/additionalProperties") =>
                    {
                        unexpected_properties(instance, &path).unwrap_or_else(|| e.to_string())
                    }
                    _ => e.to_string(),
                };
                Violation { path, message }
            })
            .collect())
    }
}

/// "Additional properties are not allowed ('a', 'b' were unexpected)" for the object at
/// `path`, all of whose properties are disallowed.
fn unexpected_properties(instance: &Value, path: &str) -> Option<String> {
    let keys: Vec<String> = instance.pointer(path)?.as_object()?.keys().map(|k| format!("'{k}'")).collect();
    let verb = if keys.len() == 1 { "was" } else { "were" };
    Some(format!("Additional properties are not allowed ({} {verb} unexpected)", keys.join(", ")))
}

/// Joins violations into one readable line.
pub fn describe(violations: &[Violation]) -> String {
    violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn defaults_to_2020_12_and_validates() {
        let s = CompiledSchema::compile_input(&json!({
            "type": "object",
            "properties": { "a": { "type": "integer" } },
            "required": ["a"],
            "dependentRequired": { "a": ["b"] }
        }))
        .unwrap();
        assert!(s.is_valid(&json!({ "a": 1, "b": 2 })));
        // `dependentRequired` is a 2019-09+ keyword: it is enforced under the 2020-12 default.
        assert!(!s.is_valid(&json!({ "a": 1 })));
        let errs = s.validate(&json!({ "a": "x", "b": 1 })).unwrap_err();
        assert_eq!(errs[0].path, "/a");
        assert!(s.validate(&json!({})).unwrap_err()[0].message.contains("required"));
    }

    #[test]
    fn honours_draft_07_and_refuses_unknown_dialects() {
        let d7 = json!({ "$schema": "http://json-schema.org/draft-07/schema#", "type": "object" });
        assert!(CompiledSchema::compile_input(&d7).is_ok());
        let bad = json!({ "$schema": "https://example.com/my-dialect", "type": "object" });
        let err = CompiledSchema::compile_input(&bad).unwrap_err();
        assert!(err.contains("dialect not supported"), "{err}");
    }

    #[test]
    fn refuses_remote_refs_and_non_object_inputs() {
        let remote = json!({ "type": "object", "properties": { "a": { "$ref": "https://example.com/s.json" } } });
        assert!(CompiledSchema::compile_input(&remote).is_err());
        assert!(CompiledSchema::compile_input(&json!({ "type": "string" })).is_err());
        let local = json!({
            "type": "object",
            "$defs": { "n": { "type": "number" } },
            "properties": { "a": { "$ref": "#/$defs/n" } }
        });
        let s = CompiledSchema::compile_input(&local).unwrap();
        assert!(!s.is_valid(&json!({ "a": "x" })));
    }
}
