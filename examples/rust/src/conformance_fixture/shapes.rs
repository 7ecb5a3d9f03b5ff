//! The result-vocabulary tools (`shape_*`): each returns one kind of value, so that a test
//! can check that the same value gives the same `CallToolResult` in Rust, C, Python and
//! Node (tests/results). They are not part of the conformance suite.

use mcpforge::{CallToolResult, Content, ServerBuilder, Tool, ToolError, ToolOutput};
use serde_json::{Value, json};

/// The output schema of `shape_typed_object`.
pub fn object_schema() -> Value {
    json!({ "type": "object", "properties": { "a": { "type": "integer" } }, "required": ["a"] })
}

/// The wrapped output schema `{"result": <inner>}` of the other `shape_typed_*` tools.
pub fn wrapped_schema(inner: Value) -> Value {
    json!({ "type": "object", "properties": { "result": inner }, "required": ["result"] })
}

/// A tool without arguments, described by the shape of what it returns.
fn plain(name: &str) -> Tool {
    let description = match name {
        "shape_text" => "Result vocabulary: returns the text hello",
        "shape_number" => "Result vocabulary: returns the number 42",
        "shape_object" => "Result vocabulary: returns an object",
        "shape_list" => "Result vocabulary: returns a list",
        "shape_empty" => "Result vocabulary: returns nothing",
        "shape_content" => "Result vocabulary: returns an image and a text block",
        "shape_result" => "Result vocabulary: returns a full result",
        "shape_typed_object" => "Result vocabulary: returns an object under its output schema",
        "shape_typed_text" => "Result vocabulary: returns text under a wrapped output schema",
        "shape_typed_list" => "Result vocabulary: returns a list under a wrapped output schema",
        "shape_tool_error" => "Result vocabulary: fails with a tool error",
        _ => "Result vocabulary",
    };
    Tool::new(name).description(description).input_schema(json!({ "type": "object" }))
}

/// Registers every `shape_*` tool.
pub fn shape_tools(builder: ServerBuilder) -> ServerBuilder {
    let ok = |out: ToolOutput| async move { Ok::<_, ToolError>(out) };
    builder
        .tool(plain("shape_text"), move |_: Value| ok("hello".into()))
        .tool(plain("shape_number"), move |_: Value| ok(json!(42).into()))
        .tool(plain("shape_object"), move |_: Value| ok(json!({ "a": 1, "b": [true, null] }).into()))
        .tool(plain("shape_list"), move |_: Value| ok(json!([1, "two"]).into()))
        .tool(plain("shape_empty"), move |_: Value| ok(ToolOutput::Empty))
        .tool(plain("shape_content"), move |_: Value| {
            ok(vec![Content::image("aGk=", "image/png"), Content::text("caption")].into())
        })
        .tool(plain("shape_result"), move |_: Value| {
            let mut r = CallToolResult::text("done");
            r.structured_content = Some(json!({ "ok": true }));
            ok(r.into())
        })
        .tool(plain("shape_typed_object").output_schema(object_schema()), move |_: Value| ok(json!({ "a": 1 }).into()))
        .tool(plain("shape_typed_text").output_schema(wrapped_schema(json!({ "type": "string" }))), move |_: Value| {
            ok("hello".into())
        })
        .tool(
            plain("shape_typed_list")
                .output_schema(wrapped_schema(json!({ "type": "array", "items": { "type": "integer" } }))),
            move |_: Value| ok(json!([1, 2]).into()),
        )
        .tool(plain("shape_tool_error"), |_: Value| async move { Err::<String, _>(ToolError::new("nope")) })
}
