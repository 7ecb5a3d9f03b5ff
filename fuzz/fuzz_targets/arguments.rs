//! The argument validator: a tool call's arguments (the input after its first byte, JSON)
//! checked against one of several realistic tool input schemas (the first byte picks it),
//! compiled once as the server compiles them (`CompiledSchema::compile_input`). Validation
//! agrees with the yes/no check, reports one to ten violations whose paths point into the
//! arguments, and the arguments' JSON text (as the bindings receive it) reads back to them
//! and holds no NUL byte.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use mcpforge::Arguments;
use mcpforge::schema::CompiledSchema;
use mcpforge_fuzz::same_json;
use serde_json::{Value, json};

/// Input schemas of the kinds tools declare: the keywords they use, nesting, `$ref`,
/// composition, conditionals, patterns and formats, several dialects.
static SCHEMAS: LazyLock<Vec<CompiledSchema>> = LazyLock::new(|| {
    [
        json!({
            "type": "object",
            "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[a-z][a-z0-9_-]*$" },
                "count": { "type": "integer", "minimum": 0, "maximum": 1000, "multipleOf": 5 },
                "ratio": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 },
                "tags": { "type": "array", "items": { "type": "string" }, "uniqueItems": true, "maxItems": 8 },
                "mode": { "enum": ["fast", "safe", null, 3] },
                "dryRun": { "type": "boolean", "default": false }
            },
            "required": ["name"],
            "additionalProperties": false
        }),
        json!({
            "type": "object",
            "$defs": {
                "point": {
                    "type": "object",
                    "properties": { "x": { "type": "number" }, "y": { "type": "number" } },
                    "required": ["x", "y"]
                },
                "tree": {
                    "type": "object",
                    "properties": { "value": { "type": "integer" }, "children": { "type": "array", "items": { "$ref": "#/$defs/tree" } } }
                }
            },
            "properties": {
                "path": { "type": "array", "items": { "$ref": "#/$defs/point" }, "minItems": 1, "prefixItems": [{ "const": { "x": 0, "y": 0 } }] },
                "shape": {
                    "oneOf": [
                        { "type": "object", "properties": { "kind": { "const": "circle" }, "r": { "type": "number", "minimum": 0 } }, "required": ["kind", "r"] },
                        { "type": "object", "properties": { "kind": { "const": "rect" }, "w": { "type": "number" }, "h": { "type": "number" } }, "required": ["kind", "w", "h"] }
                    ]
                },
                "tree": { "$ref": "#/$defs/tree" },
                "any": { "anyOf": [{ "type": "string", "maxLength": 3 }, { "type": "integer" }], "not": { "const": 13 } }
            },
            "if": { "properties": { "shape": { "properties": { "kind": { "const": "rect" } } } } },
            "then": { "required": ["path"] },
            "else": { "maxProperties": 3 },
            "dependentRequired": { "tree": ["any"] },
            "unevaluatedProperties": false
        }),
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "email": { "type": "string", "format": "email" },
                "when": { "type": "string", "format": "date-time" },
                "site": { "type": "string", "format": "uri" },
                "addr": { "type": "string", "format": "ipv4" },
                "expr": { "type": "string", "format": "regex" }
            },
            "patternProperties": { "^x-": { "type": "string" }, "^[0-9]+$": { "type": "integer" } },
            "dependencies": { "email": ["when"], "site": { "required": ["addr"] } },
            "propertyNames": { "maxLength": 16 },
            "additionalProperties": { "type": ["string", "number"] }
        }),
        json!({
            "type": "object",
            "properties": {
                "inner": { "type": "object", "additionalProperties": false },
                "list": { "type": "array", "items": { "type": "object", "additionalProperties": false, "properties": { "a": true } }, "contains": { "required": ["a"] }, "maxContains": 2 }
            },
            "additionalProperties": false
        }),
        json!({ "type": "object" }),
    ]
    .iter()
    .map(|s| CompiledSchema::compile_input(s).expect("the fuzzing schemas compile"))
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let [pick, json @ ..] = data else { return };
    let Ok(arguments) = serde_json::from_slice::<Value>(json) else { return };
    let schema = &SCHEMAS[usize::from(*pick) % SCHEMAS.len()];
    match schema.validate(&arguments) {
        Ok(()) => assert!(schema.is_valid(&arguments)),
        Err(violations) => {
            assert!(!schema.is_valid(&arguments));
            assert!((1..=10).contains(&violations.len()));
            for v in &violations {
                assert!(arguments.pointer(&v.path).is_some(), "{} is not in the arguments", v.path);
                assert!(!v.message.is_empty());
            }
        }
    }
    let args = Arguments::new(arguments.clone());
    let text: Value = serde_json::from_str(args.json_text()).expect("the arguments' text is JSON");
    assert!(same_json(&text, &arguments));
    assert_eq!(args.json_c_str().to_bytes().len(), args.json_text().len());
});
