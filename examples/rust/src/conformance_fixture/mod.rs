//! The conformance fixture: one server exposing every tool, resource and prompt the official
//! MCP conformance suite (`@modelcontextprotocol/conformance`) calls, with the names,
//! arguments, schemas and texts it checks, plus the result-vocabulary tools, resources,
//! prompts and completion of [`shapes`] that the cross-language tests call, and the app and
//! skills of [`apps_skills`].
//!
//! The same handlers serve 2025-11-25 sessions and the stateless 2026-07-28 wire: client
//! input (`ctx.elicit`, `ctx.sample`, `ctx.ask`, ...) becomes a server->client request on a
//! session and an `input_required` result (with a sealed `requestState`) on the 2026 wire.
//! The binary `conformance` serves it; the tests in `tests/conformance_fixture.rs` drive it
//! through the in-memory client.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use mcpforge::{
    BoxFuture, CacheScope, CallToolResult, CompleteRequest, CompletionHandler, CompletionOutput, CompletionRef,
    Content, CreateMessageRequest, ElicitRequest, ElicitResult, GetPromptResult, HandlerError, InputRequest,
    ListRootsResult, LogLevel, Prompt, PromptArgument, PromptMessage, ProtocolError, RequestContext, Resource,
    ResourceContents, ResourceTemplate, Role, Server, ServerBuilder, TaskSupport, Tool, ToolError,
};
use serde_json::{Value, json};

pub mod apps_skills;
mod rounds;
pub mod shapes;
pub mod traced;

use rounds::{mrtr_tools, task_tools};

/// `serverInfo.name` of the fixture.
pub const SERVER_NAME: &str = "mcp-conformance-test-server";

/// A 1x1 transparent PNG, base64.
pub const PNG_1X1: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
/// A 44-byte WAV file with no samples (a valid, silent WAV), base64.
pub const WAV_EMPTY: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";

/// Text of `test_simple_text`.
pub const SIMPLE_TEXT: &str = "This is a simple text response for testing.";
/// Text of the `isError` result of `test_error_handling`.
pub const ERROR_TEXT: &str = "This tool intentionally returns an error for testing";
/// Text of `test://static-text`.
pub const STATIC_TEXT: &str = "This is the content of the static text resource.";
/// The three log messages of `test_tool_with_logging`, in order.
pub const LOG_MESSAGES: [&str; 3] = ["Tool execution started", "Tool processing data", "Tool execution completed"];
/// Pause between the log messages and between the progress notifications.
pub const STEP_DELAY: Duration = Duration::from_millis(50);
/// How long `test_reconnection` works before answering (the HTTP layer closes the POST
/// stream in between and the client resumes it).
pub const RECONNECTION_DELAY: Duration = Duration::from_millis(300);
/// Cache lifetime advertised on 2026-07-28 list and read results (`ttlMs: 300000`, as the
/// reference server).
pub const CACHE_TTL: Duration = Duration::from_secs(300);
/// Values offered for `test_prompt_with_arguments`'s `arg1` (filtered by prefix).
pub const ARG1_COMPLETIONS: [&str; 3] = ["test", "testing", "tested"];

/// A no-argument input schema. Lenient like the reference server's: unknown arguments are
/// ignored, never refused.
fn no_args() -> Value {
    json!({ "type": "object", "properties": {} })
}

/// An object schema of required string properties.
fn strings_schema(names: &[&str]) -> Value {
    let properties: serde_json::Map<String, Value> =
        names.iter().map(|n| ((*n).to_owned(), json!({ "type": "string" }))).collect();
    json!({ "type": "object", "properties": properties, "required": names })
}

/// The elicitation `user_name` of the MRTR fixtures: "What is your name?" with a string `name`.
fn name_request(message: &str) -> InputRequest {
    InputRequest::Elicit(ElicitRequest::form(message, strings_schema(&["name"])))
}

/// The sampling request `capital_question`.
fn capital_request() -> InputRequest {
    InputRequest::Sample(CreateMessageRequest::user_text("What is the capital of France?", 100))
}

/// The elicitation `confirm`: a boolean `ok`.
fn confirm_request() -> InputRequest {
    InputRequest::Elicit(ElicitRequest::form(
        "Please confirm",
        json!({ "type": "object", "properties": { "ok": { "type": "boolean" } }, "required": ["ok"] }),
    ))
}

/// The field `field` of an accepted elicitation answer, as text.
fn accepted_field(answer: &Value, field: &str) -> Option<String> {
    if answer.get("action").and_then(Value::as_str) != Some("accept") {
        return None;
    }
    match answer.get("content")?.get(field)? {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The text of a sampling answer.
fn sampled_text(answer: &Value) -> String {
    answer.get("content").and_then(|c| c.get("text")).and_then(Value::as_str).unwrap_or("(no text)").to_owned()
}

/// The root URIs of a `roots/list` answer, comma-separated.
fn root_uris(answer: &Value) -> Result<String, HandlerError> {
    let roots: ListRootsResult = serde_json::from_value(answer.clone())
        .map_err(|e| ProtocolError::invalid_params(format!("input response `client_roots`: {e}")))?;
    Ok(roots.roots.into_iter().map(|r| r.uri).collect::<Vec<_>>().join(", "))
}

/// How an elicitation was answered, as the reference server reports it.
fn describe_elicitation(answer: &ElicitResult) -> String {
    let action = serde_json::to_value(answer.action).unwrap_or(Value::Null);
    let content = answer.content.as_ref().map_or(Value::Null, |c| Value::Object(c.clone()));
    format!("action={}, content={content}", action.as_str().unwrap_or("unknown"))
}

/// The elicitation schema of `test_elicitation_sep1034_defaults`: one default per primitive type.
pub fn sep1034_defaults_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": { "type": "string", "default": "John Doe" },
            "age": { "type": "integer", "default": 30 },
            "score": { "type": "number", "default": 95.5 },
            "status": { "type": "string", "enum": ["active", "inactive", "pending"], "default": "active" },
            "verified": { "type": "boolean", "default": true }
        },
        "required": ["name", "age", "score", "status", "verified"]
    })
}

/// The elicitation schema of `test_elicitation_sep1330_enums`: the five enum forms.
pub fn sep1330_enums_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "untitledSingle": { "type": "string", "enum": ["option1", "option2", "option3"] },
            "titledSingle": {
                "type": "string",
                "oneOf": [
                    { "const": "value1", "title": "First Option" },
                    { "const": "value2", "title": "Second Option" },
                    { "const": "value3", "title": "Third Option" }
                ]
            },
            "legacyEnum": {
                "type": "string",
                "enum": ["opt1", "opt2", "opt3"],
                "enumNames": ["Option One", "Option Two", "Option Three"]
            },
            "untitledMulti": {
                "type": "array",
                "items": { "type": "string", "enum": ["option1", "option2", "option3"] }
            },
            "titledMulti": {
                "type": "array",
                "items": {
                    "anyOf": [
                        { "const": "value1", "title": "First Choice" },
                        { "const": "value2", "title": "Second Choice" },
                        { "const": "value3", "title": "Third Choice" }
                    ]
                }
            }
        },
        "required": ["untitledSingle", "titledSingle", "legacyEnum", "untitledMulti", "titledMulti"]
    })
}

/// The input schema of `json_schema_2020_12_tool`, exactly as the suite expects it back.
pub fn json_schema_2020_12() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": { "street": { "type": "string" }, "city": { "type": "string" } }
            }
        },
        "properties": {
            "name": { "type": "string" },
            "address": { "$ref": "#/$defs/address" },
            "contactMethod": { "type": "string", "enum": ["phone", "email"] },
            "phone": { "type": "string" },
            "email": { "type": "string" }
        },
        "allOf": [ { "anyOf": [ { "required": ["phone"] }, { "required": ["email"] } ] } ],
        "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
        "then": { "required": ["phone"] },
        "else": { "required": ["email"] },
        "additionalProperties": false
    })
}

/// The input schema of `test_custom_header`: `region` travels in the `Mcp-Param-Region` header.
pub fn custom_header_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "region": { "type": "string", "description": "Deployment region", "x-mcp-header": "Region" }
        },
        "required": ["region"]
    })
}

/// The content tools: every content type the suite checks, and the error result.
fn content_tools(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::new("test_image_content").description("Returns one PNG image").input_schema(no_args()),
            |_: Value| async move {
                Ok::<_, ToolError>(CallToolResult::success(vec![Content::image(PNG_1X1, "image/png")]))
            },
        )
        .tool(
            Tool::new("test_audio_content").description("Returns one WAV audio clip").input_schema(no_args()),
            |_: Value| async move {
                Ok::<_, ToolError>(CallToolResult::success(vec![Content::audio(WAV_EMPTY, "audio/wav")]))
            },
        )
        .tool(
            Tool::new("test_embedded_resource")
                .description("Returns an embedded text resource")
                .input_schema(no_args()),
            |_: Value| async move {
                Ok::<_, ToolError>(CallToolResult::success(vec![Content::embedded(ResourceContents::text(
                    "test://embedded-resource",
                    Some("text/plain"),
                    "This is an embedded resource content.",
                ))]))
            },
        )
        .tool(
            Tool::new("test_multiple_content_types")
                .description("Returns text, an image and an embedded resource")
                .input_schema(no_args()),
            |_: Value| async move {
                Ok::<_, ToolError>(CallToolResult::success(vec![
                    Content::text("Multiple content types test:"),
                    Content::image(PNG_1X1, "image/png"),
                    Content::embedded(ResourceContents::text(
                        "test://mixed-content-resource",
                        Some("application/json"),
                        r#"{"test":"data","value":123}"#,
                    )),
                ]))
            },
        )
        .tool(
            Tool::new("test_error_handling").description("Always returns an isError result").input_schema(no_args()),
            |_: Value| async move { Err::<String, _>(ToolError::new(ERROR_TEXT)) },
        )
}

/// Tools that stream notifications or take time: logging, progress, reconnection.
fn streaming_tools(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::new("test_tool_with_logging")
                .description("Sends three info log messages, 50 ms apart, then answers")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                for (i, message) in LOG_MESSAGES.iter().enumerate() {
                    if i > 0 {
                        tokio::time::sleep(STEP_DELAY).await;
                    }
                    ctx.log(LogLevel::Info, *message, Some("conformance"));
                }
                Ok::<_, ToolError>("Logging test completed")
            },
        )
        .tool(
            Tool::new("test_tool_with_progress")
                .description("Reports progress 0, 50 and 100 of 100, 50 ms apart, then answers")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                for (i, step) in [0.0, 50.0, 100.0].into_iter().enumerate() {
                    if i > 0 {
                        tokio::time::sleep(STEP_DELAY).await;
                    }
                    ctx.report_progress(step, Some(100.0), Some(&format!("Completed step {i} of 3")));
                }
                Ok::<_, ToolError>("Progress test completed")
            },
        )
        .tool(
            Tool::new("test_reconnection")
                .description("Works briefly before answering (the HTTP layer tests stream resumption meanwhile)")
                .input_schema(no_args()),
            |_: Value| async move {
                tokio::time::sleep(RECONNECTION_DELAY).await;
                Ok::<_, ToolError>("Reconnection test completed")
            },
        )
}

/// Tools that ask the client for input with the high-level API (`elicit`, `sample`).
fn client_input_tools(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::new("test_sampling").description("Asks the client's model to answer a prompt").input_schema(json!({
                "type": "object",
                "properties": { "prompt": { "type": "string", "description": "The prompt to send to the model" } },
                "required": ["prompt"]
            })),
            |ctx: RequestContext, args: Value| async move {
                let prompt = args.get("prompt").and_then(Value::as_str).unwrap_or_default();
                let reply = ctx.sample(CreateMessageRequest::user_text(prompt, 100)).await?;
                Ok::<_, HandlerError>(format!("LLM response: {}", reply.text().unwrap_or("(no text)")))
            },
        )
        .tool(
            Tool::new("test_elicitation").description("Asks the user for a username and an email").input_schema(
                json!({
                    "type": "object",
                    "properties": { "message": { "type": "string", "description": "The message shown to the user" } },
                    "required": ["message"]
                }),
            ),
            |ctx: RequestContext, args: Value| async move {
                let message = args.get("message").and_then(Value::as_str).unwrap_or_default();
                let answer = ctx.elicit(ElicitRequest::form(message, strings_schema(&["username", "email"]))).await?;
                Ok::<_, HandlerError>(format!("User response: {}", describe_elicitation(&answer)))
            },
        )
        .tool(
            Tool::new("test_elicitation_sep1034_defaults")
                .description("Elicits a form whose fields carry defaults (SEP-1034)")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let request =
                    ElicitRequest::form("Please review and update the form fields", sep1034_defaults_schema());
                let answer = ctx.elicit(request).await?;
                Ok::<_, HandlerError>(format!("Elicitation completed: {}", describe_elicitation(&answer)))
            },
        )
        .tool(
            Tool::new("test_elicitation_sep1330_enums")
                .description("Elicits a form with the five enum forms (SEP-1330)")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let answer = ctx.elicit(ElicitRequest::form("Please select options", sep1330_enums_schema())).await?;
                Ok::<_, HandlerError>(format!("Elicitation completed: {}", describe_elicitation(&answer)))
            },
        )
        .tool(
            Tool::new("json_schema_2020_12_tool")
                .description("Declares a JSON Schema 2020-12 input schema (passed through verbatim)")
                .input_schema(json_schema_2020_12()),
            |args: Value| async move { Ok::<_, ToolError>(format!("Received: {args}")) },
        )
}

/// The 2026-07-28 diagnostic tools of the `server-stateless` scenario.
fn stateless_diagnostic_tools(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::new("test_missing_capability")
                .description("Needs the client's sampling capability (-32021 when it is not declared)")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let reply = ctx.sample(CreateMessageRequest::user_text("Requires the sampling capability", 10)).await?;
                Ok::<_, HandlerError>(format!("Sampling answered: {}", reply.text().unwrap_or("(no text)")))
            },
        )
        .tool(
            Tool::new("test_streaming_elicitation")
                .description(
                    "Asks for a name through the response (input_required on 2026-07-28, never a server request)",
                )
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                ctx.report_progress(0.0, Some(1.0), Some("asking for a name"));
                let answer = ctx.elicit(ElicitRequest::form("What is your name?", strings_schema(&["name"]))).await?;
                let name = answer.content.as_ref().and_then(|c| c.get("name")).and_then(Value::as_str);
                Ok::<_, HandlerError>(format!("Streaming elicitation completed (name: {})", name.unwrap_or("unknown")))
            },
        )
        .tool(
            Tool::new("test_logging_tool")
                .description("Logs one info message (sent only when the request asked for logs)")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                ctx.log(LogLevel::Info, "test_logging_tool ran", Some("conformance"));
                Ok::<_, ToolError>("Logging tool completed")
            },
        )
        .tool(
            Tool::new("test_trigger_tool_change")
                .description("Announces that the tool list changed")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                ctx.server().notify_tools_changed();
                Ok::<_, ToolError>("Tool list change notified")
            },
        )
        .tool(
            Tool::new("test_trigger_prompt_change")
                .description("Announces that the prompt list changed")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                ctx.server().notify_prompts_changed();
                Ok::<_, ToolError>("Prompt list change notified")
            },
        )
}

/// Every tool, `test_simple_text` first (the header-validation scenario calls the first
/// listed tool with `{}`), then the `x-mcp-header` tool; the task tools last.
fn tools(builder: ServerBuilder) -> ServerBuilder {
    let builder = builder
        .tool(
            Tool::new("test_simple_text").description("Returns a simple text response").input_schema(no_args()),
            |_: Value| async move { Ok::<_, ToolError>(SIMPLE_TEXT) },
        )
        .tool(
            Tool::new("test_custom_header")
                .description("Echoes `region`, which also travels in the Mcp-Param-Region header")
                .input_schema(custom_header_schema()),
            |args: Value| async move {
                let region = args.get("region").and_then(Value::as_str).unwrap_or_default().to_owned();
                Ok::<_, ToolError>(format!("Region: {region}"))
            },
        );
    let builder = streaming_tools(content_tools(builder));
    task_tools(mrtr_tools(stateless_diagnostic_tools(client_input_tools(builder))))
}

/// A text resource reader.
fn text_contents(uri: String, mime_type: &str, text: impl Into<String>) -> Result<Vec<ResourceContents>, HandlerError> {
    Ok(vec![ResourceContents::text(uri, Some(mime_type), text)])
}

fn resources(builder: ServerBuilder) -> ServerBuilder {
    builder
        .resource(
            Resource::new("test://static-text", "Static Text Resource")
                .description("A static text resource for testing")
                .mime_type("text/plain"),
            |_ctx: RequestContext, uri: String| async move { text_contents(uri, "text/plain", STATIC_TEXT) },
        )
        .resource(
            Resource::new("test://static-binary", "Static Binary Resource")
                .description("A static binary resource (a PNG image) for testing")
                .mime_type("image/png"),
            |_ctx: RequestContext, uri: String| async move {
                Ok::<_, HandlerError>(vec![ResourceContents::blob(uri, Some("image/png"), PNG_1X1)])
            },
        )
        .resource(
            Resource::new("test://watched-resource", "Watched Resource")
                .description("A resource clients can subscribe to")
                .mime_type("text/plain"),
            |_ctx: RequestContext, uri: String| async move {
                text_contents(uri, "text/plain", "This is a watched resource content.")
            },
        )
        .resource(
            Resource::new("test://example-resource", "Example Resource")
                .description("The resource test_prompt_with_embedded_resource is called with")
                .mime_type("text/plain"),
            |_ctx: RequestContext, uri: String| async move {
                text_contents(uri, "text/plain", "Embedded resource content for testing.")
            },
        )
        .resource_template(
            ResourceTemplate::new("test://template/{id}/data", "Template Resource")
                .description("A resource template with an `id` parameter")
                .mime_type("application/json"),
            |_ctx: RequestContext, uri: String, vars: BTreeMap<String, String>| async move {
                let id = vars.get("id").cloned().unwrap_or_default();
                let body = json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") });
                text_contents(uri, "application/json", body.to_string())
            },
        )
}

/// Completes `test_prompt_with_arguments`'s `arg1` from [`ARG1_COMPLETIONS`].
struct Arg1Completer;

impl CompletionHandler for Arg1Completer {
    fn complete(
        &self,
        _ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let values = if request.argument == "arg1" {
            ARG1_COMPLETIONS.iter().filter(|v| v.starts_with(&request.value)).map(|v| (*v).to_owned()).collect()
        } else {
            Vec::new()
        };
        Box::pin(async move { Ok(CompletionOutput::Values(values)) })
    }
}

fn prompts(builder: ServerBuilder) -> ServerBuilder {
    builder
        .prompt(
            Prompt::new("test_simple_prompt").description("A simple prompt without arguments"),
            |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
                Ok::<_, HandlerError>(GetPromptResult::new(vec![PromptMessage::user(
                    "This is a simple prompt for testing.",
                )]))
            },
        )
        .prompt(
            Prompt::new("test_prompt_with_arguments")
                .description("A prompt with two required arguments")
                .argument(PromptArgument::required("arg1", "First test argument"))
                .argument(PromptArgument::required("arg2", "Second test argument")),
            |_ctx: RequestContext, args: BTreeMap<String, String>| async move {
                let arg = |k: &str| args.get(k).cloned().unwrap_or_default();
                Ok::<_, HandlerError>(GetPromptResult::new(vec![PromptMessage::user(format!(
                    "Prompt with arguments: arg1='{}', arg2='{}'",
                    arg("arg1"),
                    arg("arg2")
                ))]))
            },
        )
        .prompt(
            Prompt::new("test_prompt_with_embedded_resource")
                .description("A prompt embedding the resource it is given")
                .argument(PromptArgument::required("resourceUri", "URI of the resource to embed")),
            |_ctx: RequestContext, args: BTreeMap<String, String>| async move {
                let uri = args.get("resourceUri").cloned().unwrap_or_default();
                Ok::<_, HandlerError>(GetPromptResult::new(vec![
                    PromptMessage {
                        role: Role::User,
                        content: Content::embedded(ResourceContents::text(
                            uri,
                            Some("text/plain"),
                            "Embedded resource content for testing.",
                        )),
                    },
                    PromptMessage::user("Please process the embedded resource above."),
                ]))
            },
        )
        .prompt(
            Prompt::new("test_prompt_with_image").description("A prompt with an image"),
            |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
                Ok::<_, HandlerError>(GetPromptResult::new(vec![
                    PromptMessage { role: Role::User, content: Content::image(PNG_1X1, "image/png") },
                    PromptMessage::user("Please analyze the image above."),
                ]))
            },
        )
        .prompt(
            Prompt::new("test_input_required_result_prompt")
                .description("Asks the user for context (`user_context`) before rendering"),
            |ctx: RequestContext, _args: BTreeMap<String, String>| async move {
                let request = InputRequest::Elicit(ElicitRequest::form(
                    "What context should the prompt use?",
                    strings_schema(&["context"]),
                ));
                let answer = ctx.ask("user_context", request).await?;
                let context = accepted_field(&answer, "context").unwrap_or_else(|| "no context".to_owned());
                Ok::<_, HandlerError>(GetPromptResult::new(vec![PromptMessage::user(format!(
                    "Answer using this context: {context}"
                ))]))
            },
        )
        .completion(Some(CompletionRef::Prompt { name: "test_prompt_with_arguments".into() }), Arc::new(Arg1Completer))
}

/// The fixture's builder: every tool, resource, prompt and completion registered, public
/// caching of 300 s; add to it or call [`ServerBuilder::build`].
pub fn builder() -> ServerBuilder {
    let builder = Server::builder(SERVER_NAME, env!("CARGO_PKG_VERSION"))
        .title("MCP conformance test server")
        .description("Every fixture of the official MCP conformance suite, on mcpforge")
        .instructions("A conformance fixture: the tools, resources and prompts the MCP conformance suite calls.")
        .cache(CACHE_TTL, CacheScope::Public);
    let builder = resources(traced::trace_tool(shapes::shape_tools(tools(builder))));
    apps_skills::apps_and_skills(shapes::shape_prompts(prompts(shapes::shape_resources(builder))))
}

/// Builds the conformance server.
///
/// # Panics
///
/// Never in practice: only if a fixture definition were invalid, which the tests rule out.
pub fn build_server() -> Server {
    builder().build().expect("the conformance fixture definitions are valid")
}
