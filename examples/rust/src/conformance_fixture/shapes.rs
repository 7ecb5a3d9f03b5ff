//! The result vocabulary (`shape_*`): tools, `shape://` resources, prompts and a completion
//! provider that each return one kind of value, so that a test can check that the same value
//! gives the same result in Rust, C, Python and Node (tests/results). They are not part of
//! the conformance suite.

use std::collections::BTreeMap;
use std::sync::Arc;

use mcpforge::{
    BoxFuture, CallToolResult, CompleteRequest, CompletionHandler, CompletionOutput, CompletionRef, Content,
    GetPromptResult, HandlerError, Prompt, PromptArgument, PromptMessage, ProtocolError, RequestContext, Resource,
    ResourceContents, ResourceOutput, ServerBuilder, Tool, ToolError, ToolOutput,
};
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
        "shape_bytes_png" => "Result vocabulary: returns the bytes of a PNG image",
        "shape_bytes_wav" => "Result vocabulary: returns the bytes of a WAV clip",
        "shape_bytes_other" => "Result vocabulary: returns bytes of no known type",
        "shape_bytes_empty" => "Result vocabulary: returns no bytes",
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
        .tool(plain("shape_bytes_png"), move |_: Value| ok(SHAPE_PNG.to_vec().into()))
        .tool(plain("shape_bytes_wav"), move |_: Value| ok(SHAPE_WAV.to_vec().into()))
        .tool(plain("shape_bytes_other"), move |_: Value| ok(SHAPE_BYTES.as_slice().into()))
        .tool(plain("shape_bytes_empty"), move |_: Value| ok(Vec::<u8>::new().into()))
}

/// The first bytes of a PNG image (`shape_bytes_png`).
pub const SHAPE_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
/// The first bytes of a WAV clip (`shape_bytes_wav`).
pub const SHAPE_WAV: &[u8] = b"RIFF$\0\0\0WAVEfmt ";

/// The bytes the `shape://bytes` resources and `shape_bytes_other` return (base64 `AP9oaQ==`).
pub const SHAPE_BYTES: [u8; 4] = [0x00, 0xff, b'h', b'i'];

/// A resource without a registered MIME type, described by what it returns.
fn shape_resource(uri: &str, returns: &str) -> Resource {
    let name = format!("shape_{}", uri.trim_start_matches("shape://").replace('-', "_"));
    Resource::new(uri, name).description(format!("Result vocabulary: returns {returns}"))
}

/// Registers every `shape://` resource: each reader returns one kind of value.
pub fn shape_resources(builder: ServerBuilder) -> ServerBuilder {
    builder
        .resource(shape_resource("shape://text", "the text hello"), |_: RequestContext, _uri: String| async move {
            Ok::<_, HandlerError>("hello")
        })
        .resource(
            shape_resource("shape://typed-text", "markdown text").mime_type("text/markdown"),
            |_: RequestContext, _uri: String| async move { Ok::<_, HandlerError>("# hello") },
        )
        .resource(shape_resource("shape://bytes", "bytes"), |_: RequestContext, _uri: String| async move {
            Ok::<_, HandlerError>(ResourceOutput::bytes(&SHAPE_BYTES))
        })
        .resource(
            shape_resource("shape://typed-bytes", "PNG bytes").mime_type("image/png"),
            |_: RequestContext, _uri: String| async move { Ok::<_, HandlerError>(ResourceOutput::bytes(&SHAPE_BYTES)) },
        )
        .resource(shape_resource("shape://json", "an object"), |_: RequestContext, _uri: String| async move {
            Ok::<_, HandlerError>(json!({ "a": 1, "b": [true, null] }))
        })
        .resource(shape_resource("shape://list", "a list"), |_: RequestContext, _uri: String| async move {
            Ok::<_, HandlerError>(json!([1, "two"]))
        })
        .resource(
            shape_resource("shape://contents", "contents, the first without a URI"),
            |_: RequestContext, _uri: String| async move {
                Ok::<_, HandlerError>(vec![
                    ResourceContents::text("", Some("text/csv"), "a,b"),
                    ResourceContents::blob("shape://contents/part", Some("image/png"), "aGk="),
                ])
            },
        )
        .resource(shape_resource("shape://none", "nothing (not found)"), |_: RequestContext, _uri: String| async move {
            Ok::<_, HandlerError>(Value::Null)
        })
}

/// Registers the `shape_prompt_*` prompts and the completion of `shape_prompt_text`'s
/// arguments.
pub fn shape_prompts(builder: ServerBuilder) -> ServerBuilder {
    builder
        .prompt(
            Prompt::new("shape_prompt_text").description("Result vocabulary: renders the text hello").argument(
                PromptArgument::optional("word", "A word (the result vocabulary's completion suggests some)"),
            ),
            |_: RequestContext, _args: BTreeMap<String, String>| async move { Ok::<_, HandlerError>("hello") },
        )
        .prompt(
            Prompt::new("shape_prompt_list").description("Result vocabulary: renders a list of messages"),
            |_: RequestContext, _args: BTreeMap<String, String>| async move {
                Ok::<_, HandlerError>(json!([
                    "hello",
                    { "role": "assistant", "content": "hi there" },
                    { "type": "image", "data": "aGk=", "mimeType": "image/png" }
                ]))
            },
        )
        .prompt(
            Prompt::new("shape_prompt_result").description("Result vocabulary: renders a whole result"),
            |_: RequestContext, _args: BTreeMap<String, String>| async move {
                let mut result = GetPromptResult::new(vec![PromptMessage::assistant("done")]);
                result.description = Some("A whole result".to_owned());
                Ok::<_, HandlerError>(result)
            },
        )
        .prompt(
            Prompt::new("shape_prompt_none").description("Result vocabulary: renders nothing (an error)"),
            |_: RequestContext, _args: BTreeMap<String, String>| async move { Ok::<_, HandlerError>(Value::Null) },
        )
        .completion(Some(CompletionRef::Prompt { name: "shape_prompt_text".into() }), Arc::new(ShapeCompleter))
}

/// Completes `shape_prompt_text`'s arguments, by argument name: `word` with words, `mixed`
/// with a string, numbers and a boolean, `many` with 150 numbers (the engine sends 100),
/// any other with nothing.
struct ShapeCompleter;

impl CompletionHandler for ShapeCompleter {
    fn complete(
        &self,
        _ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let output: CompletionOutput = match request.argument.as_str() {
            "word" => vec!["hello".to_owned(), "help".to_owned(), "helm".to_owned()].into(),
            "mixed" => json!(["a", 1, 2.5, true]).into(),
            "many" => Value::from((0..150).collect::<Vec<i32>>()).into(),
            _ => Value::Null.into(),
        };
        Box::pin(async move { Ok(output) })
    }
}
