//! Protocol versions: negotiation, per-version shaping of capabilities, server info,
//! definitions, content and errors, the 2026-07-28 wire (`server/discover`, `_meta`,
//! `resultType`, caching, -32022) and serving both eras on one connection.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use mcpforge::handler::BoxFuture;
use mcpforge::{
    CacheScope, CallToolResult, CompleteRequest, CompletionHandler, CompletionOutput, Content, GetPromptResult,
    HandlerError, MemoryClient, Prompt, PromptArgument, PromptMessage, ProtocolError, ProtocolVersion, RequestContext,
    Resource, ResourceContents, ResourceTemplate, Role, Server, Tool, ToolAnnotations, ToolError,
};
use serde_json::{Value, json};

const LEGACY: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
const ALL_VERSIONS: [&str; 5] = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
const SERVER_INFO_KEY: &str = "io.modelcontextprotocol/serverInfo";

/// Suggests colors for any argument.
struct Colors;

impl CompletionHandler for Colors {
    fn complete(
        &self,
        _ctx: RequestContext,
        req: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        Box::pin(async move {
            let all = ["red", "green", "blue"];
            Ok(CompletionOutput::Values(
                all.iter().filter(|c| c.starts_with(&req.value)).map(|c| (*c).to_owned()).collect(),
            ))
        })
    }
}

/// The tool whose definition carries every optional field.
fn shaped_tool() -> Tool {
    let tool = Tool::new("shaped")
        .title("Shaped Tool")
        .description("Has every field")
        .input_schema(json!({ "type": "object", "properties": { "q": { "type": "string" } } }))
        .output_schema(json!({ "type": "object", "properties": { "n": { "type": "integer" } } }))
        .annotations(ToolAnnotations { read_only_hint: Some(true), ..Default::default() })
        .icons(vec![json!({ "src": "https://example.com/icon.png", "mimeType": "image/png" })]);
    Tool { meta: Some(json!({ "example.com/k": "v" })), ..tool }
}

/// The content every version shapes differently.
fn media_result() -> CallToolResult {
    CallToolResult {
        content: vec![
            Content::audio("UklGRg==", "audio/wav"),
            Content::resource_link("file:///docs/report.pdf", "report"),
            Content::Text { text: "plain".into(), annotations: None, meta: Some(json!({ "m": 1 })) },
        ],
        structured_content: Some(json!({ "answer": 42 })),
        is_error: false,
        meta: None,
    }
}

fn add_schema() -> Value {
    json!({
        "type": "object",
        "properties": { "a": { "type": "integer" }, "b": { "type": "integer" } },
        "required": ["a", "b"]
    })
}

/// Tools, a resource, a template, a prompt, a completion provider, titled server info.
fn full_builder() -> mcpforge::ServerBuilder {
    Server::builder("versions-test", "2.0.0")
        .title("Versions Test")
        .description("Exercises version shaping")
        .website_url("https://example.com/mcpforge")
        .instructions("Use the tools.")
        .tool(shaped_tool(), |_: Value| async { Ok::<_, ToolError>(json!({ "n": 1 })) })
        .tool(
            Tool::new("arrayout").output_schema(json!({ "type": "array", "items": { "type": "integer" } })),
            |_: Value| async { Ok::<_, ToolError>(json!([1, 2])) },
        )
        .tool(Tool::new("media"), |_: Value| async { Ok::<_, ToolError>(media_result()) })
        .tool(Tool::new("add").input_schema(add_schema()), |args: Value| async move {
            Ok::<_, ToolError>((args["a"].as_i64().unwrap_or(0) + args["b"].as_i64().unwrap_or(0)).to_string())
        })
        .resource(
            Resource::new("file:///docs/readme.txt", "readme").title("Readme").mime_type("text/plain"),
            |_ctx: RequestContext, uri: String| async move {
                Ok::<_, ToolError>(vec![ResourceContents::text(uri, Some("text/plain"), "hello")])
            },
        )
        .resource_template(
            ResourceTemplate::new("file:///notes/{id}", "note"),
            |_ctx: RequestContext, uri: String, vars: BTreeMap<String, String>| async move {
                let contents: Result<Vec<ResourceContents>, HandlerError> = match vars["id"].as_str() {
                    "missing" => Err(ProtocolError::resource_not_found(&uri).into()),
                    "empty" => Ok(Vec::new()),
                    "meta" => Ok(vec![ResourceContents {
                        meta: Some(json!({ "example.com/etag": "e1" })),
                        ..ResourceContents::text(uri, None, "with meta")
                    }]),
                    id => Ok(vec![ResourceContents::text(uri, None, format!("note {id}"))]),
                };
                contents
            },
        )
        .prompt(
            Prompt::new("greet")
                .title("Greeting")
                .argument(PromptArgument { title: Some("Name".into()), ..PromptArgument::required("name", "Who") }),
            |_ctx: RequestContext, args: BTreeMap<String, String>| async move {
                Ok::<_, ToolError>(GetPromptResult::new(vec![PromptMessage::user(format!("Hello {}", args["name"]))]))
            },
        )
        .prompt(Prompt::new("media_prompt"), |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
            Ok::<_, ToolError>(GetPromptResult::new(vec![
                PromptMessage { role: Role::User, content: Content::audio("UklGRg==", "audio/wav") },
                PromptMessage {
                    role: Role::Assistant,
                    content: Content::resource_link("file:///docs/report.pdf", "report"),
                },
            ]))
        })
        .completion(None, Arc::new(Colors))
}

fn full_server() -> Server {
    full_builder().cache(Duration::from_secs(300), CacheScope::Public).build().expect("server builds")
}

/// One tool, nothing else (no prompts, resources or completions).
fn tools_only() -> Server {
    Server::builder("tools-only", "0.1.0")
        .tool(Tool::new("noop"), |_: Value| async { Ok::<_, ToolError>("done") })
        .build()
        .expect("server builds")
}

/// The full server info, as 2026-07-28 results carry it.
fn full_info() -> Value {
    json!({
        "name": "versions-test",
        "version": "2.0.0",
        "title": "Versions Test",
        "description": "Exercises version shaping",
        "websiteUrl": "https://example.com/mcpforge"
    })
}

/// Adds the 2026-07-28 `_meta` (no client capabilities) to `params`.
fn modern(mut params: Value) -> Value {
    params["_meta"] = MemoryClient::modern_meta(json!({}));
    params
}

fn meta_for_version(version: &str) -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": version,
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

/// A client with a legacy session at `version` (asserting it was echoed).
async fn session(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    let init = client.initialize(version, json!({})).await.expect("initialize succeeds");
    assert_eq!(init["protocolVersion"], version);
    client
}

/// Expects an error response with exactly this error object and the request's id.
fn assert_error(resp: &Value, code: i64, message: &str, data: Option<Value>) {
    let mut expected = json!({ "code": code, "message": message });
    if let Some(d) = data {
        expected["data"] = d;
    }
    assert_eq!(resp["error"], expected, "response {resp}");
    assert!(resp.get("result").is_none(), "{resp}");
    assert!(resp["id"].is_i64() || resp["id"].is_string(), "the id is echoed: {resp}");
}

/// The capabilities `full_server` advertises at `version`.
fn full_capabilities(version: &str) -> Value {
    let mut caps = json!({
        "tools": { "listChanged": true },
        "resources": { "subscribe": true, "listChanged": true },
        "prompts": { "listChanged": true },
        "logging": {}
    });
    if version != "2024-11-05" {
        caps["completions"] = json!({});
    }
    caps
}

/// `serverInfo` of `full_server` at a legacy `version`.
fn legacy_info(version: &str) -> Value {
    match version {
        "2024-11-05" | "2025-03-26" => json!({ "name": "versions-test", "version": "2.0.0" }),
        "2025-06-18" => json!({ "name": "versions-test", "version": "2.0.0", "title": "Versions Test" }),
        _ => full_info(),
    }
}

// ---------------------------------------------------------------------------------------
// Legacy handshake

#[tokio::test]
async fn initialize_echoes_each_supported_version_with_shaped_result() {
    let server = full_server();
    for version in LEGACY {
        let client = server.connect_memory();
        let result = client.initialize(version, json!({})).await.unwrap();
        assert_eq!(
            result,
            json!({
                "protocolVersion": version,
                "capabilities": full_capabilities(version),
                "serverInfo": legacy_info(version),
                "instructions": "Use the tools."
            }),
            "initialize at {version}"
        );
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn unknown_versions_negotiate_the_newest_legacy_version() {
    let server = full_server();
    for requested in ["1999-01-01", "2026-07-28", "2025-11-26", "", "latest"] {
        let client = server.connect_memory();
        let result = client.initialize(requested, json!({})).await.unwrap();
        assert_eq!(result["protocolVersion"], "2025-11-25", "requested {requested:?}");
        assert_eq!(result["capabilities"], full_capabilities("2025-11-25"));
        assert_eq!(result["serverInfo"], full_info());
        // The session really is 2025-11-25: icons are listed.
        let tools = client.request("tools/list", json!({})).await.unwrap();
        assert!(tools["tools"][0].get("icons").is_some(), "{tools}");
        assert!(tools.get("resultType").is_none());
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn negotiation_picks_from_the_configured_versions() {
    let server = Server::builder("subset", "1.0.0")
        .protocol_versions(&[ProtocolVersion::V2024_11_05, ProtocolVersion::V2025_06_18])
        .tool(Tool::new("noop"), |_: Value| async { Ok::<_, ToolError>("done") })
        .build()
        .unwrap();
    for (requested, negotiated) in [
        ("2024-11-05", "2024-11-05"),
        ("2025-06-18", "2025-06-18"),
        ("2025-03-26", "2025-06-18"),
        ("2025-11-25", "2025-06-18"),
        ("2026-07-28", "2025-06-18"),
        ("1999-01-01", "2025-06-18"),
    ] {
        let client = server.connect_memory();
        let result = client.initialize(requested, json!({})).await.unwrap();
        assert_eq!(result["protocolVersion"], negotiated, "requested {requested}");
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn initialize_without_a_version_is_invalid_params_and_opens_no_session() {
    let server = full_server();
    let client = server.connect_memory();
    for params in [json!({}), json!({ "protocolVersion": 20250618, "capabilities": {} }), Value::Null] {
        let resp = client.request_raw("initialize", params).await;
        assert_error(&resp, -32602, "Invalid params: initialize needs a string `protocolVersion`", None);
    }
    assert_eq!(client.request_raw("tools/list", json!({})).await["error"]["code"], -32600);
    // A correct handshake still works afterwards.
    assert_eq!(client.initialize("2025-06-18", json!({})).await.unwrap()["protocolVersion"], "2025-06-18");
    client.close().await.unwrap();
}

#[tokio::test]
async fn requests_before_initialize_are_invalid_requests_except_ping() {
    let server = full_server();
    let client = server.connect_memory();
    let message = "Invalid request: no session: send `initialize` first, or put the protocol version in \
                   `params._meta` (2026-07-28)";
    for (method, params) in [
        ("tools/list", json!({})),
        ("tools/call", json!({ "name": "add", "arguments": { "a": 1, "b": 2 } })),
        ("resources/list", Value::Null),
        ("resources/read", json!({ "uri": "file:///docs/readme.txt" })),
        ("prompts/list", json!({})),
        (
            "completion/complete",
            json!({ "ref": { "type": "ref/prompt", "name": "greet" }, "argument": { "name": "name", "value": "" } }),
        ),
        ("logging/setLevel", json!({ "level": "info" })),
        ("no/such/method", json!({})),
    ] {
        let resp = client.request_raw(method, params).await;
        assert_error(&resp, -32600, message, None);
    }
    assert_eq!(
        client.request_with_id(json!("early"), "ping", Value::Null).await,
        json!({ "jsonrpc": "2.0", "id": "early", "result": {} })
    );
    assert_eq!(client.request("ping", json!({})).await.unwrap(), json!({}));
    // `notifications/initialized` alone does not open a session.
    client.notify("notifications/initialized", json!({})).await.unwrap();
    assert_eq!(client.request_raw("tools/list", json!({})).await["error"]["code"], -32600);
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_second_initialize_is_answered_again_for_the_same_version_and_refused_for_another() {
    let server = full_server();
    let client = session(&server, "2025-06-18").await;
    let init = |version: &str| json!({ "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } });
    // The official SDKs answer a repeated handshake (their test helpers initialize first).
    let again = client.request("initialize", init("2025-06-18")).await.expect("answered again");
    assert_eq!(again["protocolVersion"], "2025-06-18");
    assert!(again["serverInfo"].is_object() && again["capabilities"].is_object(), "{again}");
    let resp = client.request_raw("initialize", init("2025-11-25")).await;
    assert_error(
        &resp,
        -32600,
        "Invalid request: the session is already initialized with protocol version 2025-06-18",
        None,
    );
    // Still a 2025-06-18 session: titles but no icons.
    let tools = client.request("tools/list", json!({})).await.unwrap();
    let shaped = &tools["tools"][0];
    assert_eq!(shaped["title"], "Shaped Tool");
    assert!(shaped.get("icons").is_none(), "{shaped}");
    client.close().await.unwrap();
}

#[tokio::test]
async fn ping_on_a_legacy_session_is_an_empty_result() {
    let server = full_server();
    for version in LEGACY {
        let client = session(&server, version).await;
        assert_eq!(client.request("ping", Value::Null).await.unwrap(), json!({}), "{version}");
        client.close().await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// Capabilities and gating

#[tokio::test]
async fn completions_capability_follows_the_version_and_the_registry() {
    let server = full_server();
    for version in LEGACY {
        let client = server.connect_memory();
        let init = client.initialize(version, json!({})).await.unwrap();
        assert_eq!(init["capabilities"].get("completions").is_some(), version != "2024-11-05", "{version}");
        assert_eq!(init["capabilities"], full_capabilities(version));
        // Completion works in every version when a provider is registered (2024-11-05 had no gate).
        let done = client
            .request(
                "completion/complete",
                json!({ "ref": { "type": "ref/prompt", "name": "greet" }, "argument": { "name": "name", "value": "gr" } }),
            )
            .await
            .unwrap();
        assert_eq!(done, json!({ "completion": { "values": ["green"] } }), "{version}");
        client.close().await.unwrap();
    }
    // Without a provider: no capability, and the method is gated from 2025-03-26 on.
    let bare = tools_only();
    for version in LEGACY {
        let client = bare.connect_memory();
        let init = client.initialize(version, json!({})).await.unwrap();
        assert_eq!(init["capabilities"], json!({ "tools": { "listChanged": true }, "logging": {} }), "{version}");
        let params = json!({ "ref": { "type": "ref/prompt", "name": "x" }, "argument": { "name": "a", "value": "" } });
        let resp = client.request_raw("completion/complete", params).await;
        if version == "2024-11-05" {
            assert_eq!(resp["result"], json!({ "completion": { "values": [] } }), "{resp}");
        } else {
            assert_error(&resp, -32601, "Method not found: completion/complete", None);
        }
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn capabilities_carry_experimental_everywhere_and_extensions_only_on_2026() {
    let server = Server::builder("caps", "1.0.0")
        .logging(false)
        .experimental(json!({ "example.com/feature": { "on": true } }))
        .extension("io.example/ext", json!({ "level": 2 }))
        .enable_prompts()
        .build()
        .unwrap();
    for version in LEGACY {
        let client = server.connect_memory();
        let init = client.initialize(version, json!({})).await.unwrap();
        assert_eq!(
            init["capabilities"],
            json!({ "prompts": { "listChanged": true }, "experimental": { "example.com/feature": { "on": true } } }),
            "{version}"
        );
        // Advertised with nothing registered: an empty list, not an error.
        assert_eq!(client.request("prompts/list", json!({})).await.unwrap(), json!({ "prompts": [] }));
        // Logging is off: setLevel is gated.
        let resp = client.request_raw("logging/setLevel", json!({ "level": "info" })).await;
        assert_error(&resp, -32601, "Method not found: logging/setLevel", None);
        client.close().await.unwrap();
    }
    let client = server.connect_memory();
    let discover = client.request_modern("server/discover", json!({}), json!({})).await.unwrap();
    assert_eq!(
        discover["capabilities"],
        json!({
            "prompts": { "listChanged": true },
            "experimental": { "example.com/feature": { "on": true } },
            "extensions": { "io.example/ext": { "level": 2 } }
        })
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn unadvertised_capabilities_are_method_not_found_on_both_eras() {
    let server = tools_only();
    let client = session(&server, "2025-11-25").await;
    for (method, params) in [
        ("prompts/list", json!({})),
        ("prompts/get", json!({ "name": "x" })),
        ("resources/list", json!({})),
        ("resources/templates/list", json!({})),
        ("resources/read", json!({ "uri": "file:///x" })),
        ("resources/subscribe", json!({ "uri": "file:///x" })),
    ] {
        let legacy = client.request_raw(method, params.clone()).await;
        assert_error(&legacy, -32601, &format!("Method not found: {method}"), None);
        if method != "resources/subscribe" {
            let modern_resp = client.request_raw(method, modern(params)).await;
            assert_error(&modern_resp, -32601, &format!("Method not found: {method}"), None);
        }
    }
    let modern_completion = client
        .request_raw(
            "completion/complete",
            modern(json!({ "ref": { "type": "ref/prompt", "name": "x" }, "argument": { "name": "a", "value": "" } })),
        )
        .await;
    assert_error(&modern_completion, -32601, "Method not found: completion/complete", None);
    client.close().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Definition and content shaping

#[tokio::test]
async fn tool_definitions_are_shaped_per_version() {
    let server = full_server();
    let input = json!({ "type": "object", "properties": { "q": { "type": "string" } } });
    let expected = |version: &str| {
        let mut t = json!({ "name": "shaped", "description": "Has every field", "inputSchema": input });
        if version >= "2025-03-26" {
            t["annotations"] = json!({ "readOnlyHint": true });
        }
        if version >= "2025-06-18" {
            t["title"] = json!("Shaped Tool");
            t["outputSchema"] = json!({ "type": "object", "properties": { "n": { "type": "integer" } } });
            t["_meta"] = json!({ "example.com/k": "v" });
        }
        if version >= "2025-11-25" {
            t["icons"] = json!([{ "src": "https://example.com/icon.png", "mimeType": "image/png" }]);
        }
        t
    };
    let default_input = json!({ "type": "object", "additionalProperties": false });
    for version in LEGACY {
        let client = session(&server, version).await;
        let tools = client.request("tools/list", json!({})).await.unwrap();
        assert_eq!(tools.as_object().unwrap().len(), 1, "only `tools` (no cursor, no 2026 fields): {tools}");
        assert_eq!(tools["tools"][0], expected(version), "{version}");
        // Array-rooted output schemas exist only on the 2026 wire.
        assert_eq!(tools["tools"][1], json!({ "name": "arrayout", "inputSchema": default_input }), "{version}");
        assert_eq!(tools["tools"].as_array().unwrap().len(), 4);
        client.close().await.unwrap();
    }
    let client = server.connect_memory();
    let tools = client.request_modern("tools/list", json!({}), json!({})).await.unwrap();
    assert_eq!(tools["tools"][0], expected("2026-07-28"));
    assert_eq!(
        tools["tools"][1],
        json!({
            "name": "arrayout",
            "inputSchema": default_input,
            "outputSchema": { "type": "array", "items": { "type": "integer" } }
        })
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn other_definitions_drop_titles_before_2025_06_18() {
    let server = full_server();
    for version in LEGACY {
        let client = session(&server, version).await;
        let resources = client.request("resources/list", json!({})).await.unwrap();
        let prompts = client.request("prompts/list", json!({})).await.unwrap();
        let templates = client.request("resources/templates/list", json!({})).await.unwrap();
        let (mut resource, mut prompt) = (
            json!({ "uri": "file:///docs/readme.txt", "name": "readme", "mimeType": "text/plain" }),
            json!({ "name": "greet", "arguments": [{ "name": "name", "description": "Who", "required": true }] }),
        );
        if version >= "2025-06-18" {
            resource["title"] = json!("Readme");
            prompt["title"] = json!("Greeting");
            prompt["arguments"][0]["title"] = json!("Name");
        }
        assert_eq!(resources, json!({ "resources": [resource] }), "{version}");
        assert_eq!(prompts, json!({ "prompts": [prompt, { "name": "media_prompt" }] }), "{version}");
        assert_eq!(
            templates,
            json!({ "resourceTemplates": [{ "uriTemplate": "file:///notes/{id}", "name": "note" }] }),
            "{version}"
        );
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn tool_result_content_is_shaped_per_version() {
    let server = full_server();
    let audio = json!({ "type": "audio", "data": "UklGRg==", "mimeType": "audio/wav" });
    let link = json!({ "type": "resource_link", "uri": "file:///docs/report.pdf", "name": "report" });
    let link_as_text = json!({ "type": "text", "text": "report: file:///docs/report.pdf" });
    let plain_with_meta = json!({ "type": "text", "text": "plain", "_meta": { "m": 1 } });
    let plain = json!({ "type": "text", "text": "plain" });
    let expected: [(&str, Value); 4] = [
        (
            "2024-11-05",
            json!({ "content": [
                { "type": "text", "text": "[audio content (audio/wav) not supported by protocol 2024-11-05]" },
                link_as_text, plain
            ] }),
        ),
        ("2025-03-26", json!({ "content": [audio, link_as_text, plain] })),
        ("2025-06-18", json!({ "content": [audio, link, plain_with_meta], "structuredContent": { "answer": 42 } })),
        ("2025-11-25", json!({ "content": [audio, link, plain_with_meta], "structuredContent": { "answer": 42 } })),
    ];
    for (version, want) in expected {
        let client = session(&server, version).await;
        assert_eq!(client.call_tool("media", json!({})).await.unwrap(), want, "{version}");
        client.close().await.unwrap();
    }
    let client = server.connect_memory();
    let got = client.request_modern("tools/call", json!({ "name": "media" }), json!({})).await.unwrap();
    assert_eq!(
        got,
        json!({
            "content": [audio, link, plain_with_meta],
            "structuredContent": { "answer": 42 },
            "resultType": "complete",
            "_meta": { SERVER_INFO_KEY: full_info() }
        })
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn argument_schema_failures_are_errors_before_2025_11_25_and_results_after() {
    let server = full_server();
    let bad_args = json!({ "a": "x" });
    for version in ["2024-11-05", "2025-03-26", "2025-06-18"] {
        let client = session(&server, version).await;
        let resp = client.request_raw("tools/call", json!({ "name": "add", "arguments": bad_args })).await;
        let err = &resp["error"];
        assert_eq!(err["code"], -32602, "{version}: {resp}");
        let message = err["message"].as_str().unwrap();
        assert!(message.starts_with("Invalid params: invalid arguments for tool add: "), "{message}");
        let errors = err["data"]["errors"].as_array().unwrap_or_else(|| panic!("data.errors: {resp}"));
        let mut paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
        paths.sort_unstable();
        assert_eq!(paths, ["", "/a"], "{resp}");
        for e in errors {
            assert_eq!(e.as_object().unwrap().len(), 2, "{e}");
            assert!(!e["message"].as_str().unwrap().is_empty());
        }
        assert_eq!(err.as_object().unwrap().len(), 3, "code, message, data: {resp}");
        assert_eq!(err["data"].as_object().unwrap().len(), 1);
        // Valid arguments run the tool.
        assert_eq!(
            client.call_tool("add", json!({ "a": 2, "b": 3 })).await.unwrap(),
            json!({ "content": [{ "type": "text", "text": "5" }] })
        );
        client.close().await.unwrap();
    }
    let check_result = |r: &Value| {
        assert_eq!(r["isError"], true, "{r}");
        let content = r["content"].as_array().unwrap();
        assert_eq!(content.len(), 1);
        assert_eq!(content[0]["type"], "text");
        let text = content[0]["text"].as_str().unwrap();
        assert!(text.starts_with("Invalid arguments for tool add: "), "{text}");
        assert!(text.contains("\"b\" is a required property"), "{text}");
        assert!(r.get("structuredContent").is_none());
    };
    let client = session(&server, "2025-11-25").await;
    let r = client.call_tool("add", bad_args.clone()).await.unwrap();
    check_result(&r);
    assert_eq!(r.as_object().unwrap().len(), 2, "content + isError only: {r}");
    client.close().await.unwrap();

    let client = server.connect_memory();
    let r =
        client.request_modern("tools/call", json!({ "name": "add", "arguments": bad_args }), json!({})).await.unwrap();
    check_result(&r);
    assert_eq!(r["resultType"], "complete");
    assert_eq!(r["_meta"], json!({ SERVER_INFO_KEY: full_info() }));
    assert_eq!(r.as_object().unwrap().len(), 4, "{r}");
    client.close().await.unwrap();
}

#[tokio::test]
async fn malformed_tool_calls_are_invalid_params_in_every_version() {
    let server = full_server();
    let legacy = session(&server, "2025-11-25").await;
    for (params, message) in [
        (json!({ "name": "nope" }), "Invalid params: Unknown tool: nope"),
        (json!({ "arguments": {} }), "Invalid params: `name` must be a string"),
        (json!({ "name": "add", "arguments": [1, 2] }), "Invalid params: `arguments` must be an object"),
    ] {
        let resp = legacy.request_raw("tools/call", params.clone()).await;
        assert_error(&resp, -32602, message, None);
        let resp = legacy.request_raw("tools/call", modern(params)).await;
        assert_error(&resp, -32602, message, None);
    }
    legacy.close().await.unwrap();
}

#[tokio::test]
async fn resource_not_found_code_depends_on_the_era() {
    let server = full_server();
    for version in LEGACY {
        let client = session(&server, version).await;
        let resp = client.request_raw("resources/read", json!({ "uri": "file:///missing.txt" })).await;
        assert_error(
            &resp,
            -32002,
            "Resource not found: file:///missing.txt",
            Some(json!({ "uri": "file:///missing.txt" })),
        );
        client.close().await.unwrap();
    }
    let client = server.connect_memory();
    let resp = client.request_raw("resources/read", modern(json!({ "uri": "file:///missing.txt" }))).await;
    assert_error(
        &resp,
        -32602,
        "Resource not found: file:///missing.txt",
        Some(json!({ "uri": "file:///missing.txt" })),
    );
    client.close().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// server/discover and the 2026-07-28 request checks

#[tokio::test]
async fn discover_result_is_exact() {
    let client = full_server().connect_memory();
    let resp = client.request_raw("server/discover", modern(json!({}))).await;
    assert_eq!(
        resp["result"],
        json!({
            "supportedVersions": ALL_VERSIONS,
            "capabilities": full_capabilities("2026-07-28"),
            "instructions": "Use the tools.",
            "resultType": "complete",
            "ttlMs": 300000,
            "cacheScope": "public",
            "_meta": { SERVER_INFO_KEY: full_info() }
        }),
        "{resp}"
    );
    // Defaults: ttlMs 0; a private scope is configurable.
    let server = Server::builder("defaults", "1.0.0").build().unwrap();
    let client2 = server.connect_memory();
    let r = client2.request_modern("server/discover", json!({}), json!({})).await.unwrap();
    assert_eq!(
        r,
        json!({
            "supportedVersions": ALL_VERSIONS,
            "capabilities": { "logging": {} },
            "resultType": "complete",
            "ttlMs": 0,
            "cacheScope": "public",
            "_meta": { SERVER_INFO_KEY: { "name": "defaults", "version": "1.0.0" } }
        })
    );
    let private = Server::builder("p", "1").cache(Duration::from_millis(1500), CacheScope::Private).build().unwrap();
    let client3 = private.connect_memory();
    let r = client3.request_modern("server/discover", json!({}), json!({})).await.unwrap();
    assert_eq!((r["ttlMs"].clone(), r["cacheScope"].clone()), (json!(1500), json!("private")));
    client.close().await.unwrap();
    client2.close().await.unwrap();
    client3.close().await.unwrap();
}

#[tokio::test]
async fn missing_meta_fields_are_invalid_params() {
    let client = full_server().connect_memory();
    let missing_meta = "Invalid params: missing params._meta";
    let missing_version = "Invalid params: missing _meta[\"io.modelcontextprotocol/protocolVersion\"]";
    let missing_caps = "Invalid params: missing _meta[\"io.modelcontextprotocol/clientCapabilities\"] (an object)";
    let cases = [
        ("server/discover", Value::Null, missing_meta),
        ("server/discover", json!({}), missing_meta),
        ("server/discover", json!({ "_meta": "2026-07-28" }), missing_meta),
        ("server/discover", json!({ "_meta": {} }), missing_version),
        ("server/discover", json!({ "_meta": { "io.modelcontextprotocol/clientCapabilities": {} } }), missing_version),
        (
            "server/discover",
            json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": 20260728, "io.modelcontextprotocol/clientCapabilities": {} } }),
            missing_version,
        ),
        (
            "server/discover",
            json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } }),
            missing_caps,
        ),
        (
            "server/discover",
            json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": [] } }),
            missing_caps,
        ),
        // Missing fields are reported before the version is checked.
        (
            "server/discover",
            json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": "v999.0.0" } }),
            missing_caps,
        ),
        // Any request naming a version in `_meta` is held to the same rules.
        ("tools/list", json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } }), missing_caps),
        ("subscriptions/listen", json!({}), missing_meta),
        ("subscriptions/listen", json!({ "notifications": {} }), missing_meta),
    ];
    for (method, params, message) in cases {
        let resp = client.request_raw(method, params.clone()).await;
        assert_error(&resp, -32602, message, None);
        assert!(resp.get("result").is_none(), "{method} {params}");
    }
    // An invalid log level in `_meta` is invalid params too.
    let mut meta = MemoryClient::modern_meta(json!({}));
    meta["io.modelcontextprotocol/logLevel"] = json!("loud");
    let resp = client.request_raw("tools/list", json!({ "_meta": meta })).await;
    assert_error(&resp, -32602, "Invalid params: invalid log level \"loud\"", None);
    // clientInfo is optional.
    let resp = client.request_raw("server/discover", json!({ "_meta": meta_for_version("2026-07-28") })).await;
    assert_eq!(resp["result"]["resultType"], "complete", "{resp}");
    client.close().await.unwrap();
}

#[tokio::test]
async fn unsupported_modern_versions_are_32022_with_supported_and_requested() {
    let server = full_server();
    let client = server.connect_memory();
    for requested in ["v999.0.0", "2025-06-18", "2025-11-25", "2024-11-05", "2026-07-29", ""] {
        for method in ["server/discover", "tools/list", "no/such/method", "initialize", "ping"] {
            let resp = client.request_raw(method, json!({ "_meta": meta_for_version(requested) })).await;
            assert_error(
                &resp,
                -32022,
                &format!("Unsupported protocol version: {requested}"),
                Some(json!({ "supported": ALL_VERSIONS, "requested": requested })),
            );
        }
    }
    // Same inside a legacy session: a modern-shaped request is judged by its own `_meta`.
    let legacy = session(&server, "2025-06-18").await;
    let resp = legacy.request_raw("tools/list", json!({ "_meta": meta_for_version("2025-06-18") })).await;
    assert_error(
        &resp,
        -32022,
        "Unsupported protocol version: 2025-06-18",
        Some(json!({ "supported": ALL_VERSIONS, "requested": "2025-06-18" })),
    );
    client.close().await.unwrap();
    legacy.close().await.unwrap();
}

#[tokio::test]
async fn legacy_only_methods_are_method_not_found_when_modern_shaped() {
    let server = full_server();
    let client = server.connect_memory();
    for (method, params) in [
        (
            "initialize",
            json!({ "protocolVersion": "2026-07-28", "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }),
        ),
        ("ping", json!({})),
        ("logging/setLevel", json!({ "level": "debug" })),
        ("resources/subscribe", json!({ "uri": "file:///docs/readme.txt" })),
        ("resources/unsubscribe", json!({ "uri": "file:///docs/readme.txt" })),
        ("tasks/list", json!({})),
        ("tasks/result", json!({ "taskId": "t" })),
        ("no/such/method", json!({})),
    ] {
        let resp = client.request_raw(method, modern(params)).await;
        assert_error(&resp, -32601, &format!("Method not found: {method}"), None);
    }
    // The modern-shaped initialize opened no session.
    assert_eq!(client.request_raw("tools/list", json!({})).await["error"]["code"], -32600);
    client.close().await.unwrap();
}

#[tokio::test]
async fn every_2026_result_has_result_type_and_server_info_and_lists_have_caching() {
    let server = full_server();
    let calls: Vec<(&str, Value, bool)> = vec![
        ("server/discover", json!({}), true),
        ("tools/list", json!({}), true),
        ("tools/call", json!({ "name": "add", "arguments": { "a": 1, "b": 2 } }), false),
        ("tools/call", json!({ "name": "add", "arguments": {} }), false),
        ("tools/call", json!({ "name": "media" }), false),
        ("tools/call", json!({ "name": "shaped" }), false),
        ("resources/list", json!({}), true),
        ("resources/templates/list", json!({}), true),
        ("resources/read", json!({ "uri": "file:///docs/readme.txt" }), true),
        ("resources/read", json!({ "uri": "file:///notes/7" }), true),
        ("prompts/list", json!({}), true),
        ("prompts/get", json!({ "name": "greet", "arguments": { "name": "Ada" } }), false),
        (
            "completion/complete",
            json!({ "ref": { "type": "ref/prompt", "name": "greet" }, "argument": { "name": "name", "value": "b" } }),
            false,
        ),
    ];
    let client = server.connect_memory();
    for (method, params, cacheable) in &calls {
        let r =
            client.request_modern(method, params.clone(), json!({})).await.unwrap_or_else(|e| panic!("{method}: {e}"));
        assert_eq!(r["resultType"], "complete", "{method}: {r}");
        assert_eq!(r["_meta"][SERVER_INFO_KEY], full_info(), "{method}: {r}");
        if *cacheable {
            assert_eq!(r["ttlMs"], 300000, "{method}: {r}");
            assert_eq!(r["cacheScope"], "public", "{method}: {r}");
        } else {
            assert!(r.get("ttlMs").is_none() && r.get("cacheScope").is_none(), "{method} is not cacheable: {r}");
        }
    }
    // Spot-check whole results.
    let read = client.request_modern("resources/read", json!({ "uri": "file:///notes/7" }), json!({})).await.unwrap();
    assert_eq!(
        read,
        json!({
            "contents": [{ "uri": "file:///notes/7", "text": "note 7" }],
            "resultType": "complete",
            "_meta": { SERVER_INFO_KEY: full_info() },
            "ttlMs": 300000,
            "cacheScope": "public"
        })
    );
    let prompt = client
        .request_modern("prompts/get", json!({ "name": "greet", "arguments": { "name": "Ada" } }), json!({}))
        .await
        .unwrap();
    assert_eq!(
        prompt,
        json!({
            "messages": [{ "role": "user", "content": { "type": "text", "text": "Hello Ada" } }],
            "resultType": "complete",
            "_meta": { SERVER_INFO_KEY: full_info() }
        })
    );
    client.close().await.unwrap();

    // Legacy results never carry the 2026 fields.
    for version in LEGACY {
        let client = session(&server, version).await;
        for (method, params, _) in calls.iter().skip(1) {
            let resp = client.request_raw(method, params.clone()).await;
            if resp.get("error").is_some() {
                // Only the argument-schema failure is an error, before 2025-11-25.
                assert_eq!(params["arguments"], json!({}), "{version} {method}: {resp}");
                assert!(version < "2025-11-25");
                assert!(resp["error"].get("resultType").is_none());
                continue;
            }
            let r = &resp["result"];
            for key in ["resultType", "ttlMs", "cacheScope"] {
                assert!(r.get(key).is_none(), "{version} {method} has {key}: {r}");
            }
            assert!(r.get("_meta").is_none(), "{version} {method} has _meta: {r}");
        }
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn tool_result_meta_is_merged_with_the_server_info_on_2026() {
    let server = Server::builder("meta", "1.0.0")
        .tool(Tool::new("traced"), |_: Value| async {
            Ok::<_, ToolError>(CallToolResult {
                meta: Some(json!({ "example.com/trace": "abc" })),
                ..CallToolResult::text("ok")
            })
        })
        .build()
        .unwrap();
    let client = server.connect_memory();
    let r = client.request_modern("tools/call", json!({ "name": "traced" }), json!({})).await.unwrap();
    assert_eq!(
        r,
        json!({
            "content": [{ "type": "text", "text": "ok" }],
            "resultType": "complete",
            "_meta": { "example.com/trace": "abc", SERVER_INFO_KEY: { "name": "meta", "version": "1.0.0" } }
        })
    );
    let legacy = session(&server, "2025-06-18").await;
    assert_eq!(
        legacy.call_tool("traced", json!({})).await.unwrap(),
        json!({ "content": [{ "type": "text", "text": "ok" }], "_meta": { "example.com/trace": "abc" } })
    );
    client.close().await.unwrap();
    legacy.close().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Both eras on one connection, and single-era servers

#[tokio::test]
async fn modern_and_legacy_requests_share_one_connection() {
    let server = full_server();
    let client = server.connect_memory();
    // Modern before any handshake.
    let d = client.request_modern("server/discover", json!({}), json!({})).await.unwrap();
    assert_eq!(d["supportedVersions"], json!(ALL_VERSIONS));
    let init = client.initialize("2024-11-05", json!({})).await.unwrap();
    assert_eq!(init["protocolVersion"], "2024-11-05");
    for _ in 0..2 {
        // Legacy: 2024-11-05 shapes.
        let legacy = client.request("tools/list", json!({})).await.unwrap();
        assert_eq!(
            legacy["tools"][0],
            json!({
                "name": "shaped",
                "description": "Has every field",
                "inputSchema": { "type": "object", "properties": { "q": { "type": "string" } } }
            })
        );
        assert!(legacy.get("resultType").is_none());
        // Modern on the same connection: full 2026 shapes, independent of the session.
        let m = client.request_modern("tools/list", json!({}), json!({})).await.unwrap();
        assert_eq!(m["tools"][0]["icons"][0]["src"], "https://example.com/icon.png");
        assert_eq!(m["resultType"], "complete");
        assert_eq!(m["ttlMs"], 300000);
        // Content: legacy downgrades audio, modern keeps it.
        let lc = client.call_tool("media", json!({})).await.unwrap();
        assert_eq!(lc["content"][0]["type"], "text");
        assert!(lc.get("structuredContent").is_none());
        let mc = client.request_modern("tools/call", json!({ "name": "media" }), json!({})).await.unwrap();
        assert_eq!(mc["content"][0]["type"], "audio");
        assert_eq!(mc["structuredContent"], json!({ "answer": 42 }));
        // Error codes per era.
        let le = client.request_raw("resources/read", json!({ "uri": "file:///gone" })).await;
        assert_eq!(le["error"]["code"], -32002);
        let me = client.request_raw("resources/read", modern(json!({ "uri": "file:///gone" }))).await;
        assert_eq!(me["error"]["code"], -32602);
        // Legacy-only methods: fine on the session, -32601 modern-shaped.
        assert_eq!(client.request("ping", json!({})).await.unwrap(), json!({}));
        assert_eq!(client.request_raw("ping", modern(json!({}))).await["error"]["code"], -32601);
        assert_eq!(client.request("logging/setLevel", json!({ "level": "error" })).await.unwrap(), json!({}));
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn modern_only_server_refuses_initialize_with_supported_versions() {
    let server = Server::builder("modern-only", "1.0.0")
        .protocol_versions(&[ProtocolVersion::V2026_07_28])
        .tool(Tool::new("noop"), |_: Value| async { Ok::<_, ToolError>("done") })
        .build()
        .unwrap();
    let client = server.connect_memory();
    for version in ["2025-11-25", "2024-11-05", "2026-07-28"] {
        let resp = client
            .request_raw(
                "initialize",
                json!({ "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }),
            )
            .await;
        assert_error(
            &resp,
            -32601,
            "This server does not support the initialize handshake; use server/discover",
            Some(json!({ "supported": ["2026-07-28"] })),
        );
    }
    assert_eq!(client.request_raw("tools/list", json!({})).await["error"]["code"], -32600, "no session");
    let d = client.request_modern("server/discover", json!({}), json!({})).await.unwrap();
    assert_eq!(d["supportedVersions"], json!(["2026-07-28"]));
    assert_eq!(d["capabilities"], json!({ "tools": { "listChanged": true }, "logging": {} }));
    let resp = client.request_raw("tools/list", json!({ "_meta": meta_for_version("2025-11-25") })).await;
    assert_error(
        &resp,
        -32022,
        "Unsupported protocol version: 2025-11-25",
        Some(json!({ "supported": ["2026-07-28"], "requested": "2025-11-25" })),
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn legacy_only_server_answers_discover_with_32022() {
    let server = Server::builder("legacy-only", "1.0.0")
        .protocol_versions(&[ProtocolVersion::V2025_06_18, ProtocolVersion::V2025_11_25])
        .tool(Tool::new("noop"), |_: Value| async { Ok::<_, ToolError>("done") })
        .build()
        .unwrap();
    let client = server.connect_memory();
    let supported = json!({ "supported": ["2025-11-25", "2025-06-18"], "requested": "2026-07-28" });
    for method in ["server/discover", "tools/list", "tools/call"] {
        let resp = client.request_raw(method, modern(json!({ "name": "noop" }))).await;
        assert_error(&resp, -32022, "Unsupported protocol version: 2026-07-28", Some(supported.clone()));
    }
    // The handshake still works.
    assert_eq!(client.initialize("2025-06-18", json!({})).await.unwrap()["protocolVersion"], "2025-06-18");
    assert_eq!(
        client.call_tool("noop", json!({})).await.unwrap(),
        json!({ "content": [{ "type": "text", "text": "done" }] })
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn prompt_content_is_shaped_per_version() {
    let server = full_server();
    let audio = json!({ "type": "audio", "data": "UklGRg==", "mimeType": "audio/wav" });
    let link = json!({ "type": "resource_link", "uri": "file:///docs/report.pdf", "name": "report" });
    let link_as_text = json!({ "type": "text", "text": "report: file:///docs/report.pdf" });
    let old_audio =
        json!({ "type": "text", "text": "[audio content (audio/wav) not supported by protocol 2024-11-05]" });
    for (version, first, second) in [
        ("2024-11-05", &old_audio, &link_as_text),
        ("2025-03-26", &audio, &link_as_text),
        ("2025-06-18", &audio, &link),
        ("2025-11-25", &audio, &link),
    ] {
        let client = session(&server, version).await;
        let r = client.request("prompts/get", json!({ "name": "media_prompt" })).await.unwrap();
        assert_eq!(
            r,
            json!({ "messages": [{ "role": "user", "content": first }, { "role": "assistant", "content": second }] }),
            "{version}"
        );
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn resource_contents_meta_is_dropped_before_2025_06_18() {
    let server = full_server();
    for version in LEGACY {
        let client = session(&server, version).await;
        let r = client.request("resources/read", json!({ "uri": "file:///notes/meta" })).await.unwrap();
        let mut contents = json!({ "uri": "file:///notes/meta", "text": "with meta" });
        if version >= "2025-06-18" {
            contents["_meta"] = json!({ "example.com/etag": "e1" });
        }
        assert_eq!(r, json!({ "contents": [contents] }), "{version}");
        client.close().await.unwrap();
    }
}

#[tokio::test]
async fn handler_reported_not_found_and_empty_contents_follow_the_era() {
    let server = full_server();
    let legacy = session(&server, "2025-11-25").await;
    for uri in ["file:///notes/missing", "file:///notes/empty"] {
        let data = Some(json!({ "uri": uri }));
        let message = format!("Resource not found: {uri}");
        let resp = legacy.request_raw("resources/read", json!({ "uri": uri })).await;
        assert_error(&resp, -32002, &message, data.clone());
        let resp = legacy.request_raw("resources/read", modern(json!({ "uri": uri }))).await;
        assert_error(&resp, -32602, &message, data);
    }
    legacy.close().await.unwrap();
}

#[tokio::test]
async fn initialize_takes_effect_for_requests_pipelined_behind_it() {
    let server = full_server();
    for version in ["2024-11-05", "2025-11-25"] {
        let mut client = server.connect_memory();
        let lines = [
            json!({
                "jsonrpc": "2.0", "id": "init", "method": "initialize",
                "params": { "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }
            }),
            json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }),
            json!({ "jsonrpc": "2.0", "id": "list", "method": "tools/list" }),
        ];
        let joined = lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
        client.send_raw(&joined).await.unwrap();
        let wait = Duration::from_secs(5);
        let first = client.next_message(wait).await.expect("initialize answered");
        assert_eq!(first["id"], "init", "initialize is answered first: {first}");
        assert_eq!(first["result"]["protocolVersion"], version);
        let second = client.next_message(wait).await.expect("tools/list answered");
        assert_eq!(second["id"], "list");
        let shaped = &second["result"]["tools"][0];
        assert_eq!(shaped["name"], "shaped", "{second}");
        assert_eq!(shaped.get("icons").is_some(), version == "2025-11-25", "{second}");
        client.close().await.unwrap();
    }
}

/// What `initialize` makes a session keep of the client (its `clientInfo` and
/// `capabilities`, also in a shared store's record) is bounded: 16 KiB each, -32602 past it.
#[tokio::test]
async fn initialize_keeps_a_bounded_client_description() {
    let server = tools_only();
    let big = "x".repeat(64 * 1024);
    for params in [
        json!({ "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": big, "version": "1" } }),
        json!({ "protocolVersion": "2025-11-25", "capabilities": { "experimental": { "x": big } }, "clientInfo": { "name": "c", "version": "1" } }),
    ] {
        let client = server.connect_memory();
        let e = client.request("initialize", params).await.unwrap_err();
        assert_eq!(e.code, -32602, "{e:?}");
        client.close().await.unwrap();
    }
    let client = server.connect_memory();
    let fine = json!({ "protocolVersion": "2025-11-25", "capabilities": { "roots": {} }, "clientInfo": { "name": "x".repeat(8 * 1024), "version": "1" } });
    client.request("initialize", fine).await.expect("within the bound");
    client.close().await.unwrap();
}
