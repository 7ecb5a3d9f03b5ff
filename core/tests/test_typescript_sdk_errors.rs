//! `ServerBuilder::typescript_sdk_errors`: what the engine refuses, worded as the official
//! TypeScript SDK's `McpServer` words it. Unknown tools, arguments failing the input schema
//! (on every version) and a task-only tool called without a task are `isError` results;
//! unknown prompts and resources are -32602 with the SDK's text. Off, the engine's own
//! answers stay.

use std::collections::BTreeMap;

use mcpforge::{
    GetPromptResult, MemoryClient, Prompt, PromptArgument, PromptMessage, ProtocolError, RequestContext, Resource,
    ResourceContents, Server, TaskSupport, Tool, ToolError,
};
use serde_json::{Value, json};

async fn prompt(_ctx: RequestContext, _args: BTreeMap<String, String>) -> Result<GetPromptResult, ProtocolError> {
    Ok(GetPromptResult::new(vec![PromptMessage::user("hi")]))
}

async fn read(_ctx: RequestContext, uri: String) -> Result<Vec<ResourceContents>, ProtocolError> {
    Ok(vec![ResourceContents::text(uri, None, "text")])
}

fn server(on: bool) -> Server {
    let needs_int = json!({ "type": "object", "properties": { "n": { "type": "integer" } }, "required": ["n"] });
    Server::builder("ts-errors", "1.0.0")
        .typescript_sdk_errors(on)
        .tool(Tool::new("needs_int").input_schema(needs_int), |_a: Value| async move { Ok::<_, ToolError>("ran") })
        .tool(Tool::new("task_only").task_support(TaskSupport::Required), |_a: Value| async move {
            Ok::<_, ToolError>("ran")
        })
        .prompt(Prompt::new("p"), prompt)
        .prompt(Prompt::new("review").argument(PromptArgument::required("language", "the language")), prompt)
        .resource(Resource::new("test://r", "r"), read)
        .build()
        .expect("build")
}

async fn client(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize(version, json!({})).await.expect("initialize");
    client
}

fn error_result(text: &str) -> Value {
    json!({ "content": [{ "type": "text", "text": text }], "isError": true })
}

#[tokio::test]
async fn tools_refusals_are_error_results_in_the_sdk_words() {
    let server = server(true);
    let c = client(&server, "2025-11-25").await;
    let r = c.call_tool("nope", json!({})).await.expect("a result, not an error");
    assert_eq!(r, error_result("MCP error -32602: Tool nope not found"));
    let r = c.call_tool("task_only", json!({})).await.expect("a result, not an error");
    let text = "MCP error -32601: Tool task_only requires task augmentation (taskSupport: 'required')";
    assert_eq!(r, error_result(text));
    c.close().await.expect("close");
    // A version whose invalid arguments are otherwise -32602 errors: a result too.
    let c = client(&server, "2025-03-26").await;
    let r = c.call_tool("needs_int", json!({ "n": "seven" })).await.expect("a result, not an error");
    assert_eq!(r["isError"], json!(true));
    let text = r["content"][0]["text"].as_str().expect("text");
    assert!(
        text.starts_with("MCP error -32602: Input validation error: Invalid arguments for tool needs_int: "),
        "{text}"
    );
    c.close().await.expect("close");
}

#[tokio::test]
async fn unknown_prompts_and_resources_are_invalid_params_in_the_sdk_words() {
    let server = server(true);
    let c = client(&server, "2025-11-25").await;
    let e = c.request("prompts/get", json!({ "name": "nope" })).await.expect_err("an error");
    assert_eq!((e.code, e.message.as_str()), (-32602, "MCP error -32602: Prompt nope not found"));
    let e = c.request("resources/read", json!({ "uri": "test://nope" })).await.expect_err("an error");
    assert_eq!((e.code, e.message.as_str()), (-32602, "MCP error -32602: Resource test://nope not found"));
    c.close().await.expect("close");
}

#[tokio::test]
async fn a_disabled_tool_is_named_disabled_in_the_sdk_words() {
    let server = server(true);
    assert!(server.disable_tool("needs_int"));
    let c = client(&server, "2025-11-25").await;
    let r = c.call_tool("needs_int", json!({ "n": 1 })).await.expect("a result, not an error");
    assert_eq!(r, error_result("MCP error -32602: Tool needs_int disabled"));
    c.close().await.expect("close");
    // Off, a disabled tool is answered as one that was never registered.
    let server = server_off_disabled();
    let c = client(&server, "2025-11-25").await;
    let e = c.call_tool("needs_int", json!({ "n": 1 })).await.expect_err("an error");
    assert_eq!((e.code, e.message.as_str()), (-32602, "Invalid params: Unknown tool: needs_int"));
    c.close().await.expect("close");
}

fn server_off_disabled() -> Server {
    let server = server(false);
    assert!(server.disable_tool("needs_int"));
    server
}

#[tokio::test]
async fn missing_prompt_arguments_are_invalid_arguments_in_the_sdk_words() {
    let server = server(true);
    let c = client(&server, "2025-11-25").await;
    let e = c.request("prompts/get", json!({ "name": "review", "arguments": {} })).await.expect_err("an error");
    let text = "MCP error -32602: Invalid arguments for prompt review: missing required `language`";
    assert_eq!((e.code, e.message.as_str()), (-32602, text));
    c.close().await.expect("close");
}

#[tokio::test]
async fn off_the_engine_answers_its_own_way() {
    let server = server(false);
    let c = client(&server, "2025-11-25").await;
    let e = c.call_tool("nope", json!({})).await.expect_err("an error");
    assert_eq!((e.code, e.message.as_str()), (-32602, "Invalid params: Unknown tool: nope"));
    let e = c.request("prompts/get", json!({ "name": "nope" })).await.expect_err("an error");
    assert_eq!(e.code, -32602);
    let e = c.request("resources/read", json!({ "uri": "test://nope" })).await.expect_err("an error");
    assert_eq!(e.code, -32002);
    c.close().await.expect("close");
}
