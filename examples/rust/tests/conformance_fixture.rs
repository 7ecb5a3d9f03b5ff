//! The conformance fixture against the assertions of the official MCP conformance suite, on
//! both wires: a 2025-11-25 session (initialize first; client input as server->client
//! requests) and the stateless 2026-07-28 wire (per-request `_meta`; client input through
//! `input_required` results and retries). Driven through `mcpforge::MemoryClient`, so the
//! HTTP-only checks (status codes, headers, SSE resumption) are out of scope here.

use std::time::Duration;

use mcpforge::{MemoryClient, ProtocolError, Server};
use mcpforge_examples::conformance_fixture::{
    self, ARG1_COMPLETIONS, ERROR_TEXT, LOG_MESSAGES, PNG_1X1, SERVER_NAME, SIMPLE_TEXT, STATIC_TEXT, WAV_EMPTY,
};
use serde_json::{Map, Value, json};

/// Upper bound for any single wait (a request, a notification).
const WAIT: Duration = Duration::from_secs(10);
/// How long to look for messages that must not arrive.
const QUIET: Duration = Duration::from_millis(300);
const LEGACY: &str = "2025-11-25";
const MODERN: &str = "2026-07-28";
const SERVER_INFO_KEY: &str = "io.modelcontextprotocol/serverInfo";
const SUBSCRIPTION_ID_KEY: &str = "io.modelcontextprotocol/subscriptionId";

/// Every tool §5 of the conformance notes requires.
const REQUIRED_TOOLS: &[&str] = &[
    "test_simple_text",
    "test_image_content",
    "test_audio_content",
    "test_embedded_resource",
    "test_multiple_content_types",
    "test_tool_with_logging",
    "test_error_handling",
    "test_tool_with_progress",
    "test_sampling",
    "test_elicitation",
    "test_elicitation_sep1034_defaults",
    "test_elicitation_sep1330_enums",
    "json_schema_2020_12_tool",
    "test_reconnection",
    "test_missing_capability",
    "test_streaming_elicitation",
    "test_logging_tool",
    "test_trigger_tool_change",
    "test_trigger_prompt_change",
    "test_input_required_result_elicitation",
    "test_input_required_result_sampling",
    "test_input_required_result_list_roots",
    "test_input_required_result_request_state",
    "test_input_required_result_multiple_inputs",
    "test_input_required_result_multi_round",
    "test_input_required_result_tampered_state",
    "test_input_required_result_capabilities",
];

/// Every prompt the suite gets.
const REQUIRED_PROMPTS: &[&str] = &[
    "test_simple_prompt",
    "test_prompt_with_arguments",
    "test_prompt_with_embedded_resource",
    "test_prompt_with_image",
    "test_input_required_result_prompt",
];

/// The result vocabulary's prompts (tests/results), listed after the suite's.
const SHAPE_PROMPTS: &[&str] = &["shape_prompt_text", "shape_prompt_list", "shape_prompt_result", "shape_prompt_none"];

/// The wire a request travels on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// A 2025-11-25 session.
    Legacy,
    /// Stateless 2026-07-28 requests with the harness's default client capabilities.
    Modern,
}

const BOTH: [Wire; 2] = [Wire::Legacy, Wire::Modern];

/// The harness's client capabilities (stateful `initialize` and stateless default `_meta`).
fn harness_caps() -> Value {
    json!({ "sampling": {}, "elicitation": {}, "roots": { "listChanged": true } })
}

/// The harness's mock sampling answer.
fn sampling_answer(text: &str) -> Value {
    json!({ "role": "assistant", "content": { "type": "text", "text": text }, "model": "test-model", "stopReason": "endTurn" })
}

/// The harness's mock elicitation answer.
fn accept(content: Value) -> Value {
    json!({ "action": "accept", "content": content })
}

/// The harness's mock roots answer.
fn roots_answer() -> Value {
    json!({ "roots": [{ "uri": "file:///test/root", "name": "Test Root" }] })
}

/// Answers server->client requests like the harness: accepted forms filled per property,
/// a canned model reply, one root.
fn mock_client(method: &str, params: &Value) -> Result<Value, ProtocolError> {
    match method {
        "sampling/createMessage" => Ok(sampling_answer("mock model reply")),
        "roots/list" => Ok(roots_answer()),
        "elicitation/create" => {
            let mut content = Map::new();
            let props = params.pointer("/requestedSchema/properties").and_then(Value::as_object);
            for (name, schema) in props.into_iter().flatten() {
                let value = match (name.as_str(), schema.get("type").and_then(Value::as_str)) {
                    ("name", _) => json!("Alice"),
                    ("color", _) => json!("blue"),
                    ("email", _) => json!("alice@example.com"),
                    (_, Some("boolean")) => json!(true),
                    (_, Some("integer" | "number")) => json!(1),
                    (_, Some("array")) => json!([]),
                    _ => schema.get("default").cloned().unwrap_or_else(|| json!("value")),
                };
                content.insert(name.clone(), value);
            }
            Ok(accept(Value::Object(content)))
        }
        _ => Err(ProtocolError::method_not_found(method)),
    }
}

fn server() -> Server {
    conformance_fixture::build_server()
}

/// A client on a fresh server, initialized at 2025-11-25 for [`Wire::Legacy`] (with the
/// harness's capabilities and mock answers), untouched for [`Wire::Modern`].
async fn connect(wire: Wire) -> MemoryClient {
    let client = server().connect_memory();
    if wire == Wire::Legacy {
        let init = bounded(client.initialize(LEGACY, harness_caps())).await.expect("initialize");
        assert_eq!(init["protocolVersion"], LEGACY);
        client.on_request(mock_client);
    }
    client
}

/// Awaits `fut`, failing the test after [`WAIT`].
async fn bounded<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, fut).await.expect("timed out")
}

/// `params` with the 2026-07-28 `_meta` (protocol version, `caps`, client info) merged into
/// any `_meta` it already has.
fn with_modern_meta(mut params: Value, caps: Value) -> Value {
    let Value::Object(meta) = MemoryClient::modern_meta(caps) else { unreachable!("_meta is an object") };
    let target = params.as_object_mut().expect("params are an object").entry("_meta").or_insert_with(|| json!({}));
    target.as_object_mut().expect("_meta is an object").extend(meta);
    params
}

/// Sends `method` on `wire` (2026: with the harness's default capabilities).
async fn send(client: &MemoryClient, wire: Wire, method: &str, params: Value) -> Result<Value, ProtocolError> {
    let params = match wire {
        Wire::Legacy => params,
        Wire::Modern => with_modern_meta(params, harness_caps()),
    };
    bounded(client.request(method, params)).await
}

/// A 2026-07-28 request with explicit client capabilities.
async fn modern(client: &MemoryClient, method: &str, params: Value, caps: Value) -> Result<Value, ProtocolError> {
    bounded(client.request(method, with_modern_meta(params, caps))).await
}

/// A 2026-07-28 `tools/call` with `arguments: {}` plus `extra` top-level params.
async fn call_modern(client: &MemoryClient, name: &str, extra: Value) -> Result<Value, ProtocolError> {
    let mut params = json!({ "name": name, "arguments": {} });
    if let (Some(p), Value::Object(extra)) = (params.as_object_mut(), extra) {
        p.extend(extra);
    }
    modern(client, "tools/call", params, harness_caps()).await
}

/// The text of content block `i`.
fn text(result: &Value, i: usize) -> &str {
    result["content"][i]["text"].as_str().unwrap_or_else(|| panic!("content[{i}] has no text: {result}"))
}

/// The content `test_elicitation` reports ("User response: action=accept, content=<json>").
fn elicited_content(result: &Value) -> Value {
    let t = text(result, 0);
    let json = t.strip_prefix("User response: action=accept, content=").unwrap_or_else(|| panic!("{t}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {t}"))
}

/// Asserts a complete result: `resultType: "complete"` and the server's identity on 2026.
fn assert_complete(result: &Value, wire: Wire) {
    match wire {
        Wire::Legacy => assert!(result.get("resultType").is_none(), "legacy result with resultType: {result}"),
        Wire::Modern => {
            assert_eq!(result["resultType"], "complete", "{result}");
            assert_eq!(result["_meta"][SERVER_INFO_KEY]["name"], SERVER_NAME, "{result}");
        }
    }
}

/// Asserts an `input_required` result and returns its `inputRequests` and `requestState`.
fn input_required(result: &Value) -> (&Map<String, Value>, &str) {
    assert_eq!(result["resultType"], "input_required", "{result}");
    let requests = result["inputRequests"].as_object().unwrap_or_else(|| panic!("no inputRequests: {result}"));
    let state = result["requestState"].as_str().unwrap_or_else(|| panic!("no string requestState: {result}"));
    (requests, state)
}

/// Every message received so far, after letting in-flight ones arrive for `QUIET`.
async fn settle(client: &mut MemoryClient) -> Vec<Value> {
    tokio::time::sleep(QUIET).await;
    client.drain_messages()
}

fn methods(messages: &[Value]) -> Vec<&str> {
    messages.iter().filter_map(|m| m["method"].as_str()).collect()
}

// ---------------------------------------------------------------------------------------
// Lifecycle, discovery, stateless errors

#[tokio::test]
async fn legacy_initialize_ping_and_set_level() {
    let client = server().connect_memory();
    let init = bounded(client.initialize(LEGACY, harness_caps())).await.unwrap();
    assert_eq!(init["protocolVersion"], LEGACY);
    assert_eq!(init["serverInfo"]["name"], SERVER_NAME);
    let caps = &init["capabilities"];
    assert_eq!(caps["resources"]["subscribe"], true);
    for cap in ["tools", "prompts", "logging", "completions"] {
        assert!(caps[cap].is_object(), "capability {cap} missing: {caps}");
    }
    assert_eq!(send(&client, Wire::Legacy, "ping", Value::Null).await.unwrap(), json!({}));
    let set = send(&client, Wire::Legacy, "logging/setLevel", json!({ "level": "info" })).await.unwrap();
    assert_eq!(set, json!({}));
}

#[tokio::test]
async fn modern_discover_identifies_server_and_capabilities() {
    let client = connect(Wire::Modern).await;
    let d = modern(&client, "server/discover", json!({}), json!({})).await.unwrap();
    let versions: Vec<&str> = d["supportedVersions"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(versions.contains(&MODERN) && versions.contains(&LEGACY), "{versions:?}");
    for cap in ["tools", "prompts", "resources"] {
        assert!(d["capabilities"][cap].is_object(), "capability {cap} missing: {d}");
    }
    assert_complete(&d, Wire::Modern);
    assert_eq!(d["ttlMs"], 300_000);
    assert_eq!(d["cacheScope"], "public");
    // clientInfo is optional.
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    let d = bounded(client.request("server/discover", json!({ "_meta": meta }))).await.unwrap();
    assert_eq!(d["resultType"], "complete");
}

#[tokio::test]
async fn modern_invalid_meta_and_versions_are_rejected_with_the_request_id() {
    let client = connect(Wire::Modern).await;
    let cases = [
        (101, json!({})),
        (102, json!({ "_meta": { "io.modelcontextprotocol/clientCapabilities": {} } })),
        (104, json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": MODERN } })),
    ];
    for (id, params) in cases {
        let resp = bounded(client.request_with_id(json!(id), "server/discover", params)).await;
        assert_eq!(resp["id"], id, "{resp}");
        assert_eq!(resp["error"]["code"], -32602, "{resp}");
    }
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "v999.0.0",
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    let resp = bounded(client.request_with_id(json!(301), "server/discover", json!({ "_meta": meta }))).await;
    assert_eq!(resp["id"], 301);
    assert_eq!(resp["error"]["code"], -32022, "{resp}");
    assert_eq!(resp["error"]["data"]["requested"], "v999.0.0");
    let supported = resp["error"]["data"]["supported"].as_array().unwrap();
    assert!(supported.contains(&json!(MODERN)), "{resp}");
}

#[tokio::test]
async fn modern_removed_methods_are_method_not_found() {
    let client = connect(Wire::Modern).await;
    let removed = [
        (
            "initialize",
            json!({ "protocolVersion": LEGACY, "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }),
        ),
        ("ping", json!({})),
        ("logging/setLevel", json!({ "level": "info" })),
        ("resources/subscribe", json!({ "uri": "test://watched-resource" })),
        ("resources/unsubscribe", json!({ "uri": "test://watched-resource" })),
        ("unknown/method", json!({})),
    ];
    for (i, (method, params)) in removed.into_iter().enumerate() {
        let id = 500 + i as i64;
        let resp = bounded(client.request_with_id(json!(id), method, with_modern_meta(params, json!({})))).await;
        assert_eq!(resp["id"], id, "{method}: {resp}");
        assert_eq!(resp["error"]["code"], -32601, "{method}: {resp}");
    }
}

// ---------------------------------------------------------------------------------------
// Tools: listing and content shapes

#[tokio::test]
async fn tools_list_is_complete_ordered_and_verbatim_on_both_wires() {
    for wire in BOTH {
        let client = connect(wire).await;
        let list = send(&client, wire, "tools/list", json!({})).await.unwrap();
        assert!(list.get("nextCursor").is_none(), "{wire:?}: every tool on one page");
        let tools = list["tools"].as_array().unwrap();
        let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
        for required in REQUIRED_TOOLS {
            assert!(names.contains(required), "{wire:?}: {required} not listed");
        }
        assert_eq!(names[0], "test_simple_text", "{wire:?}: the header scenario calls the first tool with {{}}");
        assert_eq!(names[1], "test_custom_header");
        for t in tools {
            let name = t["name"].as_str().unwrap();
            assert!(
                (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c)),
                "{name}"
            );
            assert!(t["description"].as_str().is_some_and(|d| !d.is_empty()), "{wire:?}: {name} has no description");
            assert_eq!(t["inputSchema"]["type"], "object", "{wire:?}: {name}");
        }
        assert_eq!(tools[1]["inputSchema"], conformance_fixture::custom_header_schema());
        assert_eq!(tools[1]["inputSchema"]["properties"]["region"]["x-mcp-header"], "Region");
        let schema_tool = tools.iter().find(|t| t["name"] == "json_schema_2020_12_tool").unwrap();
        assert_eq!(schema_tool["inputSchema"], conformance_fixture::json_schema_2020_12(), "{wire:?}");
        if wire == Wire::Modern {
            assert_complete(&list, wire);
            assert_eq!(list["ttlMs"], 300_000);
            assert_eq!(list["cacheScope"], "public");
        }
    }
}

#[tokio::test]
async fn content_tools_return_the_checked_shapes_on_both_wires() {
    for wire in BOTH {
        let client = connect(wire).await;
        // Called without an `arguments` key, as the suite does.
        let r = send(&client, wire, "tools/call", json!({ "name": "test_simple_text" })).await.unwrap();
        assert_complete(&r, wire);
        assert_eq!(r["content"], json!([{ "type": "text", "text": SIMPLE_TEXT }]), "{wire:?}");
        let r =
            send(&client, wire, "tools/call", json!({ "name": "test_simple_text", "arguments": {} })).await.unwrap();
        assert_eq!(text(&r, 0), SIMPLE_TEXT);

        let r = send(&client, wire, "tools/call", json!({ "name": "test_image_content" })).await.unwrap();
        assert_eq!(r["content"], json!([{ "type": "image", "data": PNG_1X1, "mimeType": "image/png" }]));

        let r = send(&client, wire, "tools/call", json!({ "name": "test_audio_content" })).await.unwrap();
        assert_eq!(r["content"], json!([{ "type": "audio", "data": WAV_EMPTY, "mimeType": "audio/wav" }]));

        let r = send(&client, wire, "tools/call", json!({ "name": "test_embedded_resource" })).await.unwrap();
        assert_eq!(
            r["content"],
            json!([{ "type": "resource", "resource": {
                "uri": "test://embedded-resource", "mimeType": "text/plain", "text": "This is an embedded resource content."
            } }])
        );

        let r = send(&client, wire, "tools/call", json!({ "name": "test_multiple_content_types" })).await.unwrap();
        assert_eq!(
            r["content"],
            json!([
                { "type": "text", "text": "Multiple content types test:" },
                { "type": "image", "data": PNG_1X1, "mimeType": "image/png" },
                { "type": "resource", "resource": {
                    "uri": "test://mixed-content-resource", "mimeType": "application/json", "text": "{\"test\":\"data\",\"value\":123}"
                } }
            ])
        );

        let r = send(&client, wire, "tools/call", json!({ "name": "test_error_handling" })).await.unwrap();
        assert_complete(&r, wire);
        assert_eq!(r["isError"], true);
        assert_eq!(r["content"], json!([{ "type": "text", "text": ERROR_TEXT }]));
    }
}

#[tokio::test]
async fn schema_header_and_reconnection_tools_answer_on_both_wires() {
    for wire in BOTH {
        let client = connect(wire).await;
        let args = json!({ "name": "Ann", "contactMethod": "email", "email": "ann@example.com" });
        let r = send(&client, wire, "tools/call", json!({ "name": "json_schema_2020_12_tool", "arguments": args }))
            .await
            .unwrap();
        assert_ne!(r["isError"], true, "{wire:?}: {r}");
        let r = send(
            &client,
            wire,
            "tools/call",
            json!({ "name": "test_custom_header", "arguments": { "region": "Hello" } }),
        )
        .await
        .unwrap();
        assert_eq!(text(&r, 0), "Region: Hello");
        let r = send(&client, wire, "tools/call", json!({ "name": "test_reconnection" })).await.unwrap();
        assert_complete(&r, wire);
        assert_eq!(text(&r, 0), "Reconnection test completed");
    }
}

// ---------------------------------------------------------------------------------------
// Logging and progress

#[tokio::test]
async fn legacy_logging_tool_sends_three_info_messages_after_set_level_debug() {
    let mut client = connect(Wire::Legacy).await;
    send(&client, Wire::Legacy, "logging/setLevel", json!({ "level": "debug" })).await.unwrap();
    let r = send(&client, Wire::Legacy, "tools/call", json!({ "name": "test_tool_with_logging", "arguments": {} }))
        .await
        .unwrap();
    assert_eq!(text(&r, 0), "Logging test completed");
    let logs: Vec<Value> = settle(&mut client)
        .await
        .into_iter()
        .filter(|m| m["method"] == "notifications/message")
        .map(|m| m["params"].clone())
        .collect();
    let expected: Vec<Value> =
        LOG_MESSAGES.iter().map(|m| json!({ "level": "info", "data": m, "logger": "conformance" })).collect();
    assert_eq!(logs, expected);
}

#[tokio::test]
async fn progress_tool_reports_0_50_100_in_order_on_both_wires() {
    for wire in BOTH {
        let mut client = connect(wire).await;
        let params = json!({ "name": "test_tool_with_progress", "arguments": {}, "_meta": { "progressToken": "progress-test-1" } });
        let r = send(&client, wire, "tools/call", params).await.unwrap();
        assert_complete(&r, wire);
        assert_eq!(text(&r, 0), "Progress test completed");
        // Notifications precede the response on the stream: all are in by now.
        let progress: Vec<Value> = client
            .drain_messages()
            .into_iter()
            .filter(|m| m["method"] == "notifications/progress")
            .map(|m| m["params"].clone())
            .collect();
        assert_eq!(progress.len(), 3, "{wire:?}: {progress:?}");
        for (p, expected) in progress.iter().zip([0.0, 50.0, 100.0]) {
            assert_eq!(p["progressToken"], "progress-test-1");
            assert_eq!(p["progress"].as_f64(), Some(expected), "{wire:?}: {p}");
            assert_eq!(p["total"].as_f64(), Some(100.0));
        }
        // Without a token: no progress at all.
        send(&client, wire, "tools/call", json!({ "name": "test_tool_with_progress" })).await.unwrap();
        assert!(!methods(&settle(&mut client).await).contains(&"notifications/progress"), "{wire:?}");
    }
}

#[tokio::test]
async fn modern_logging_tool_is_silent_without_log_level() {
    let mut client = connect(Wire::Modern).await;
    let r = call_modern(&client, "test_logging_tool", json!({})).await.unwrap();
    assert_complete(&r, Wire::Modern);
    assert_eq!(text(&r, 0), "Logging tool completed");
    assert!(settle(&mut client).await.is_empty(), "no notifications/message without a logLevel");
    let r =
        call_modern(&client, "test_logging_tool", json!({ "_meta": { "io.modelcontextprotocol/logLevel": "info" } }))
            .await
            .unwrap();
    assert_complete(&r, Wire::Modern);
    assert_eq!(methods(&settle(&mut client).await), ["notifications/message"]);
}

// ---------------------------------------------------------------------------------------
// Sampling and elicitation on a 2025-11-25 session

/// Calls a tool on a legacy session and returns its result and the server->client requests
/// it made (answered by [`mock_client`]).
async fn legacy_call_with_requests(name: &str, arguments: Value) -> (Value, Vec<Value>) {
    let mut client = connect(Wire::Legacy).await;
    let r = send(&client, Wire::Legacy, "tools/call", json!({ "name": name, "arguments": arguments })).await.unwrap();
    let requests = client.drain_messages().into_iter().filter(|m| m.get("id").is_some() && m.get("method").is_some());
    (r, requests.collect())
}

#[tokio::test]
async fn legacy_sampling_sends_create_message_and_reports_the_reply() {
    let (r, requests) = legacy_call_with_requests("test_sampling", json!({ "prompt": "Say hi" })).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["method"], "sampling/createMessage");
    assert_eq!(
        requests[0]["params"],
        json!({ "messages": [{ "role": "user", "content": { "type": "text", "text": "Say hi" } }], "maxTokens": 100 })
    );
    assert_eq!(r["content"], json!([{ "type": "text", "text": "LLM response: mock model reply" }]));
}

#[tokio::test]
async fn legacy_elicitation_sends_the_message_and_username_email_schema() {
    let (r, requests) = legacy_call_with_requests("test_elicitation", json!({ "message": "Who are you?" })).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["method"], "elicitation/create");
    assert_eq!(requests[0]["params"]["message"], "Who are you?");
    assert_eq!(
        requests[0]["params"]["requestedSchema"],
        json!({
            "type": "object",
            "properties": { "username": { "type": "string" }, "email": { "type": "string" } },
            "required": ["username", "email"]
        })
    );
    assert_eq!(elicited_content(&r), json!({ "username": "value", "email": "alice@example.com" }));
}

#[tokio::test]
async fn legacy_sep1034_defaults_schema_has_every_default() {
    let (r, requests) = legacy_call_with_requests("test_elicitation_sep1034_defaults", json!({})).await;
    assert_eq!(requests.len(), 1);
    let props = &requests[0]["params"]["requestedSchema"]["properties"];
    assert_eq!(props["name"], json!({ "type": "string", "default": "John Doe" }));
    assert_eq!(props["age"], json!({ "type": "integer", "default": 30 }));
    assert_eq!(props["score"], json!({ "type": "number", "default": 95.5 }));
    assert_eq!(props["status"]["default"], "active");
    assert!(props["status"]["enum"].as_array().unwrap().contains(&json!("active")));
    assert_eq!(props["verified"], json!({ "type": "boolean", "default": true }));
    assert!(text(&r, 0).starts_with("Elicitation completed: action=accept"), "{r}");
}

#[tokio::test]
async fn legacy_sep1330_enums_schema_has_the_five_forms() {
    let (r, requests) = legacy_call_with_requests("test_elicitation_sep1330_enums", json!({})).await;
    assert_eq!(requests.len(), 1);
    let props = &requests[0]["params"]["requestedSchema"]["properties"];
    assert_eq!(props["untitledSingle"], json!({ "type": "string", "enum": ["option1", "option2", "option3"] }));
    assert_eq!(props["titledSingle"]["type"], "string");
    assert_eq!(props["titledSingle"]["oneOf"][0], json!({ "const": "value1", "title": "First Option" }));
    assert_eq!(props["legacyEnum"]["enum"], json!(["opt1", "opt2", "opt3"]));
    assert_eq!(props["legacyEnum"]["enumNames"], json!(["Option One", "Option Two", "Option Three"]));
    assert_eq!(
        props["untitledMulti"],
        json!({ "type": "array", "items": { "type": "string", "enum": ["option1", "option2", "option3"] } })
    );
    assert_eq!(props["titledMulti"]["type"], "array");
    assert_eq!(props["titledMulti"]["items"]["anyOf"][0], json!({ "const": "value1", "title": "First Choice" }));
    assert!(text(&r, 0).starts_with("Elicitation completed: action=accept"), "{r}");
}

#[tokio::test]
async fn legacy_mrtr_tools_run_through_server_requests() {
    let (r, requests) = legacy_call_with_requests("test_input_required_result_request_state", json!({})).await;
    assert_eq!(methods(&requests), ["elicitation/create"]);
    assert_eq!(requests[0]["params"]["message"], "Please confirm");
    assert_eq!(text(&r, 0), "state-ok: confirmed=true");

    let (r, requests) = legacy_call_with_requests("test_input_required_result_multiple_inputs", json!({})).await;
    assert_eq!(methods(&requests), ["elicitation/create", "sampling/createMessage", "roots/list"]);
    assert_eq!(text(&r, 0), "Name: Alice; greeting: mock model reply; roots: file:///test/root");

    let (r, requests) = legacy_call_with_requests("test_input_required_result_multi_round", json!({})).await;
    assert_eq!(methods(&requests), ["elicitation/create", "elicitation/create"]);
    assert_eq!(text(&r, 0), "Alice likes blue");

    let (r, requests) = legacy_call_with_requests("test_input_required_result_capabilities", json!({})).await;
    assert_eq!(methods(&requests), ["elicitation/create", "sampling/createMessage", "roots/list"]);
    assert_eq!(text(&r, 0), "Answered: user_name, capital_question, client_roots");
}

#[tokio::test]
async fn legacy_missing_client_capability_is_a_tool_error() {
    let client = server().connect_memory();
    bounded(client.initialize(LEGACY, json!({}))).await.unwrap();
    let r =
        send(&client, Wire::Legacy, "tools/call", json!({ "name": "test_sampling", "arguments": { "prompt": "x" } }))
            .await
            .unwrap();
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(&r, 0).contains("sampling"), "{r}");
}

// ---------------------------------------------------------------------------------------
// 2026-07-28: sampling and elicitation through input_required

#[tokio::test]
async fn modern_sampling_and_elicitation_tools_use_input_required() {
    let client = connect(Wire::Modern).await;
    let args = json!({ "prompt": "Say hi" });
    let r1 = call_modern(&client, "test_sampling", json!({ "arguments": args })).await.unwrap();
    let (requests, state) = input_required(&r1);
    assert_eq!(requests.len(), 1);
    let (key, req) = requests.iter().next().unwrap();
    assert_eq!(req["method"], "sampling/createMessage");
    assert_eq!(req["params"]["maxTokens"], 100);
    let retry =
        json!({ "arguments": args, "inputResponses": { key.clone(): sampling_answer("hi!") }, "requestState": state });
    let r2 = call_modern(&client, "test_sampling", retry).await.unwrap();
    assert_complete(&r2, Wire::Modern);
    assert_eq!(text(&r2, 0), "LLM response: hi!");

    let args = json!({ "message": "Who are you?" });
    let r1 = call_modern(&client, "test_elicitation", json!({ "arguments": args })).await.unwrap();
    let (requests, state) = input_required(&r1);
    let (key, req) = requests.iter().next().unwrap();
    assert_eq!(req["method"], "elicitation/create");
    assert_eq!(req["params"]["message"], "Who are you?");
    let answer = accept(json!({ "username": "ann", "email": "ann@example.com" }));
    let retry = json!({ "arguments": args, "inputResponses": { key.clone(): answer }, "requestState": state });
    let r2 = call_modern(&client, "test_elicitation", retry).await.unwrap();
    assert_eq!(elicited_content(&r2), json!({ "username": "ann", "email": "ann@example.com" }));
}

#[tokio::test]
async fn modern_missing_capability_is_32021_and_declared_sampling_asks() {
    let client = connect(Wire::Modern).await;
    let params = json!({ "name": "test_missing_capability", "arguments": {} });
    let resp =
        bounded(client.request_with_id(json!(401), "tools/call", with_modern_meta(params.clone(), json!({})))).await;
    assert_eq!(resp["id"], 401);
    assert_eq!(resp["error"]["code"], -32021, "{resp}");
    assert_eq!(resp["error"]["data"]["requiredCapabilities"], json!({ "sampling": {} }));
    let r = modern(&client, "tools/call", params, json!({ "sampling": {} })).await.unwrap();
    let (requests, _) = input_required(&r);
    assert_eq!(requests.values().next().unwrap()["method"], "sampling/createMessage");
}

#[tokio::test]
async fn modern_streaming_elicitation_sends_no_server_request() {
    let mut client = connect(Wire::Modern).await;
    let params = json!({ "name": "test_streaming_elicitation", "arguments": {}, "_meta": { "progressToken": 7 } });
    let r = modern(&client, "tools/call", params, json!({ "elicitation": {} })).await.unwrap();
    let (requests, _) = input_required(&r);
    assert_eq!(requests.values().next().unwrap()["method"], "elicitation/create");
    let messages = settle(&mut client).await;
    assert!(
        messages
            .iter()
            .all(|m| m["method"].as_str().is_some_and(|x| x.starts_with("notifications/")) && m.get("id").is_none()),
        "only notifications may precede the result: {messages:?}"
    );
}

// ---------------------------------------------------------------------------------------
// 2026-07-28: the input-required-result-* scenarios

#[tokio::test]
async fn mrtr_basic_elicitation_and_result_type() {
    let client = connect(Wire::Modern).await;
    let r1 = call_modern(&client, "test_input_required_result_elicitation", json!({})).await.unwrap();
    let (requests, state) = input_required(&r1);
    assert_eq!(
        Value::Object(requests.clone()),
        json!({ "user_name": { "method": "elicitation/create", "params": {
            "message": "What is your name?",
            "requestedSchema": { "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] }
        } } })
    );
    let retry = json!({ "inputResponses": { "user_name": accept(json!({ "name": "Alice" })) }, "requestState": state });
    let r2 = call_modern(&client, "test_input_required_result_elicitation", retry).await.unwrap();
    assert_complete(&r2, Wire::Modern);
    assert_eq!(r2["content"], json!([{ "type": "text", "text": "Hello, Alice!" }]));
}

#[tokio::test]
async fn mrtr_basic_sampling() {
    let client = connect(Wire::Modern).await;
    let r1 = call_modern(&client, "test_input_required_result_sampling", json!({})).await.unwrap();
    let (requests, state) = input_required(&r1);
    assert_eq!(
        Value::Object(requests.clone()),
        json!({ "capital_question": { "method": "sampling/createMessage", "params": {
            "messages": [{ "role": "user", "content": { "type": "text", "text": "What is the capital of France?" } }],
            "maxTokens": 100
        } } })
    );
    let answer = sampling_answer("The capital of France is Paris.");
    let retry = json!({ "inputResponses": { "capital_question": answer }, "requestState": state });
    let r2 = call_modern(&client, "test_input_required_result_sampling", retry).await.unwrap();
    assert_complete(&r2, Wire::Modern);
    assert_eq!(text(&r2, 0), "Sampling response: The capital of France is Paris.");
}

#[tokio::test]
async fn mrtr_basic_list_roots() {
    let client = connect(Wire::Modern).await;
    let r1 = call_modern(&client, "test_input_required_result_list_roots", json!({})).await.unwrap();
    let (requests, state) = input_required(&r1);
    assert_eq!(Value::Object(requests.clone()), json!({ "client_roots": { "method": "roots/list", "params": {} } }));
    let retry = json!({ "inputResponses": { "client_roots": roots_answer() }, "requestState": state });
    let r2 = call_modern(&client, "test_input_required_result_list_roots", retry).await.unwrap();
    assert_complete(&r2, Wire::Modern);
    assert_eq!(text(&r2, 0), "Client roots: file:///test/root");
}

#[tokio::test]
async fn mrtr_request_state_round_trips_through_the_low_level_api() {
    let client = connect(Wire::Modern).await;
    let tool = "test_input_required_result_request_state";
    let r1 = call_modern(&client, tool, json!({})).await.unwrap();
    let (requests, state) = input_required(&r1);
    assert_eq!(
        Value::Object(requests.clone()),
        json!({ "confirm": { "method": "elicitation/create", "params": {
            "message": "Please confirm",
            "requestedSchema": { "type": "object", "properties": { "ok": { "type": "boolean" } }, "required": ["ok"] }
        } } })
    );
    let answer = json!({ "confirm": accept(json!({ "ok": true })) });
    let r2 = call_modern(&client, tool, json!({ "inputResponses": answer, "requestState": state })).await.unwrap();
    assert_complete(&r2, Wire::Modern);
    assert_eq!(text(&r2, 0), "state-ok: confirmed=true");
    // Without the echoed state the answer alone does not complete: the tool asks again.
    let r3 = call_modern(&client, tool, json!({ "inputResponses": answer })).await.unwrap();
    assert!(input_required(&r3).0.contains_key("confirm"));
}

#[tokio::test]
async fn mrtr_multiple_inputs_in_one_round() {
    let client = connect(Wire::Modern).await;
    let tool = "test_input_required_result_multiple_inputs";
    let r1 = call_modern(&client, tool, json!({})).await.unwrap();
    let (requests, state) = input_required(&r1);
    let mut keys: Vec<(&str, &str)> =
        requests.iter().map(|(k, v)| (k.as_str(), v["method"].as_str().unwrap())).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [("client_roots", "roots/list"), ("greeting", "sampling/createMessage"), ("user_name", "elicitation/create")]
    );
    assert_eq!(requests["greeting"]["params"]["maxTokens"], 50);
    assert_eq!(requests["greeting"]["params"]["messages"][0]["content"]["text"], "Generate a greeting");
    let answers = json!({
        "user_name": accept(json!({ "name": "Alice" })),
        "greeting": sampling_answer("Hello there!"),
        "client_roots": roots_answer()
    });
    let r2 = call_modern(&client, tool, json!({ "inputResponses": answers, "requestState": state })).await.unwrap();
    assert_complete(&r2, Wire::Modern);
    assert_eq!(text(&r2, 0), "Name: Alice; greeting: Hello there!; roots: file:///test/root");
}

#[tokio::test]
async fn mrtr_multi_round_changes_request_state_each_round() {
    let client = connect(Wire::Modern).await;
    let tool = "test_input_required_result_multi_round";
    let r1 = call_modern(&client, tool, json!({})).await.unwrap();
    let (requests, state1) = input_required(&r1);
    assert_eq!(requests.keys().collect::<Vec<_>>(), ["step1"]);
    assert_eq!(requests["step1"]["params"]["message"], "Step 1: What is your name?");
    let retry = json!({ "inputResponses": { "step1": accept(json!({ "name": "Alice" })) }, "requestState": state1 });
    let r2 = call_modern(&client, tool, retry).await.unwrap();
    let (requests, state2) = input_required(&r2);
    assert_eq!(requests.keys().collect::<Vec<_>>(), ["step2"]);
    assert_eq!(requests["step2"]["params"]["message"], "Step 2: What is your favorite color?");
    assert_eq!(requests["step2"]["params"]["requestedSchema"]["required"], json!(["color"]));
    assert_ne!(state1, state2);
    let retry = json!({ "inputResponses": { "step2": accept(json!({ "color": "blue" })) }, "requestState": state2 });
    let r3 = call_modern(&client, tool, retry).await.unwrap();
    assert_complete(&r3, Wire::Modern);
    assert_eq!(text(&r3, 0), "Alice likes blue");
}

#[tokio::test]
async fn mrtr_missing_input_response_asks_again() {
    let client = connect(Wire::Modern).await;
    let extra = json!({ "inputResponses": { "wrong_key": accept(json!({ "data": "wrong" })) } });
    let r = call_modern(&client, "test_input_required_result_elicitation", extra).await.unwrap();
    let (requests, _) = input_required(&r);
    assert_eq!(requests.keys().collect::<Vec<_>>(), ["user_name"]);
}

#[tokio::test]
async fn mrtr_tampered_state_is_a_json_rpc_error() {
    let client = connect(Wire::Modern).await;
    let tool = "test_input_required_result_tampered_state";
    let r1 = call_modern(&client, tool, json!({})).await.unwrap();
    let (requests, state) = input_required(&r1);
    let key = requests.keys().next().unwrap().clone();
    let tampered = json!({ "inputResponses": { key.clone(): accept(json!({ "ok": true })) }, "requestState": format!("{state}-TAMPERED") });
    let err = call_modern(&client, tool, tampered).await.unwrap_err();
    assert_eq!(err.code, -32602, "{err}");
    // The untampered state still completes.
    let good = json!({ "inputResponses": { key: accept(json!({ "ok": true })) }, "requestState": state });
    let r2 = call_modern(&client, tool, good).await.unwrap();
    assert_eq!(text(&r2, 0), "Signed state verified (ok: true)");
}

#[tokio::test]
async fn mrtr_capability_check_asks_only_for_declared_inputs() {
    let client = connect(Wire::Modern).await;
    let params = json!({ "name": "test_input_required_result_capabilities", "arguments": {} });
    let r = modern(&client, "tools/call", params.clone(), json!({ "sampling": {} })).await.unwrap();
    let (requests, state) = input_required(&r);
    assert_eq!(requests.keys().collect::<Vec<_>>(), ["capital_question"]);
    assert_eq!(requests["capital_question"]["method"], "sampling/createMessage");
    let mut retry = params.clone();
    retry["inputResponses"] = json!({ "capital_question": sampling_answer("Paris") });
    retry["requestState"] = json!(state);
    let r2 = modern(&client, "tools/call", retry, json!({ "sampling": {} })).await.unwrap();
    assert_eq!(text(&r2, 0), "Answered: capital_question");
    // Every kind declared: three asks. None declared: nothing to ask.
    let r = modern(&client, "tools/call", params.clone(), harness_caps()).await.unwrap();
    assert_eq!(input_required(&r).0.len(), 3);
    let r = modern(&client, "tools/call", params, json!({})).await.unwrap();
    assert_complete(&r, Wire::Modern);
}

#[tokio::test]
async fn mrtr_extra_input_responses_are_ignored() {
    let client = connect(Wire::Modern).await;
    let extra = json!({ "inputResponses": {
        "user_name": accept(json!({ "name": "Alice" })),
        "unknown_extra_key": accept(json!({ "foo": "bar" })),
        "another_unexpected": accept(json!({ "baz": 123 }))
    } });
    let r = call_modern(&client, "test_input_required_result_elicitation", extra).await.unwrap();
    assert_complete(&r, Wire::Modern);
    assert_eq!(text(&r, 0), "Hello, Alice!");
}

#[tokio::test]
async fn mrtr_invalid_input_responses_never_complete() {
    let client = connect(Wire::Modern).await;
    let tool = "test_input_required_result_elicitation";
    match call_modern(&client, tool, json!({ "inputResponses": { "user_name": 12345 } })).await {
        Err(e) => assert_eq!(e.code, -32602, "{e}"),
        Ok(r) => assert_eq!(r["resultType"], "input_required", "{r}"),
    }
    match call_modern(&client, tool, json!({ "inputResponses": null })).await {
        Err(e) => assert_eq!(e.code, -32602, "{e}"),
        Ok(r) => assert_eq!(r["resultType"], "input_required", "{r}"),
    }
}

#[tokio::test]
async fn mrtr_list_methods_never_require_input() {
    let client = connect(Wire::Modern).await;
    for method in ["tools/list", "prompts/list"] {
        let r = modern(&client, method, json!({}), harness_caps()).await.unwrap();
        assert_eq!(r["resultType"], "complete", "{method}");
    }
}

#[tokio::test]
async fn mrtr_prompt_asks_for_user_context() {
    let client = connect(Wire::Modern).await;
    let r1 = send(&client, Wire::Modern, "prompts/get", json!({ "name": "test_input_required_result_prompt" }))
        .await
        .unwrap();
    let (requests, state) = input_required(&r1);
    assert_eq!(requests["user_context"]["method"], "elicitation/create");
    assert_eq!(requests["user_context"]["params"]["message"], "What context should the prompt use?");
    assert_eq!(
        requests["user_context"]["params"]["requestedSchema"],
        json!({ "type": "object", "properties": { "context": { "type": "string" } }, "required": ["context"] })
    );
    let retry = json!({
        "name": "test_input_required_result_prompt",
        "inputResponses": { "user_context": accept(json!({ "context": "test context" })) },
        "requestState": state
    });
    let r2 = send(&client, Wire::Modern, "prompts/get", retry).await.unwrap();
    assert_complete(&r2, Wire::Modern);
    assert_eq!(
        r2["messages"],
        json!([{ "role": "user", "content": { "type": "text", "text": "Answer using this context: test context" } }])
    );
}

// ---------------------------------------------------------------------------------------
// Resources

#[tokio::test]
async fn resources_list_and_read_on_both_wires() {
    for wire in BOTH {
        let client = connect(wire).await;
        let list = send(&client, wire, "resources/list", json!({})).await.unwrap();
        let resources = list["resources"].as_array().unwrap();
        let uris: Vec<&str> = resources.iter().map(|r| r["uri"].as_str().unwrap()).collect();
        assert_eq!(
            uris,
            [
                "test://static-text",
                "test://static-binary",
                "test://watched-resource",
                "test://example-resource",
                // The result vocabulary's (tests/results), after the suite's.
                "shape://text",
                "shape://typed-text",
                "shape://bytes",
                "shape://typed-bytes",
                "shape://json",
                "shape://list",
                "shape://contents",
                "shape://none",
                // MCP Apps and skills (tests/apps_skills).
                "ui://conformance/app.html",
                "skill://csv-report/SKILL.md",
                "skill://csv-report/references/columns.md",
                "skill://csv-report/scripts/summarise.py",
            ]
        );
        for r in resources.iter().filter(|r| r["uri"].as_str().is_some_and(|u| u.starts_with("test://"))) {
            for field in ["name", "description", "mimeType"] {
                assert!(r[field].as_str().is_some_and(|s| !s.is_empty()), "{wire:?}: {field} of {r}");
            }
        }
        let r = send(&client, wire, "resources/read", json!({ "uri": "test://static-text" })).await.unwrap();
        assert_eq!(
            r["contents"],
            json!([{ "uri": "test://static-text", "mimeType": "text/plain", "text": STATIC_TEXT }])
        );
        let r = send(&client, wire, "resources/read", json!({ "uri": "test://static-binary" })).await.unwrap();
        assert_eq!(r["contents"], json!([{ "uri": "test://static-binary", "mimeType": "image/png", "blob": PNG_1X1 }]));
        let templates = send(&client, wire, "resources/templates/list", json!({})).await.unwrap();
        assert_eq!(templates["resourceTemplates"][0]["uriTemplate"], "test://template/{id}/data");
        assert_eq!(templates["resourceTemplates"][0]["mimeType"], "application/json");
        let r = send(&client, wire, "resources/read", json!({ "uri": "test://template/123/data" })).await.unwrap();
        assert_eq!(r["contents"][0]["uri"], "test://template/123/data");
        assert_eq!(r["contents"][0]["mimeType"], "application/json");
        let body: Value = serde_json::from_str(r["contents"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(body, json!({ "id": "123", "templateTest": true, "data": "Data for ID: 123" }));
        if wire == Wire::Modern {
            for result in [&list, &templates, &r] {
                assert_complete(result, wire);
                assert_eq!(result["ttlMs"], 300_000);
                assert_eq!(result["cacheScope"], "public");
            }
        }
    }
}

#[tokio::test]
async fn unknown_resource_is_an_error_with_the_uri_on_both_wires() {
    let uri = "test://nonexistent-resource-for-conformance-testing";
    for (wire, code) in [(Wire::Legacy, -32002), (Wire::Modern, -32602)] {
        let client = connect(wire).await;
        let err = send(&client, wire, "resources/read", json!({ "uri": uri })).await.unwrap_err();
        assert_eq!(err.code, code, "{wire:?}: {err}");
        assert_eq!(err.data, Some(json!({ "uri": uri })), "{wire:?}");
    }
}

#[tokio::test]
async fn legacy_subscribe_and_unsubscribe_return_empty_objects() {
    let client = connect(Wire::Legacy).await;
    for method in ["resources/subscribe", "resources/unsubscribe"] {
        let r = send(&client, Wire::Legacy, method, json!({ "uri": "test://watched-resource" })).await.unwrap();
        assert_eq!(r, json!({}), "{method}");
    }
}

// ---------------------------------------------------------------------------------------
// Prompts and completion

#[tokio::test]
async fn prompts_list_and_get_on_both_wires() {
    for wire in BOTH {
        let client = connect(wire).await;
        let list = send(&client, wire, "prompts/list", json!({})).await.unwrap();
        let prompts = list["prompts"].as_array().unwrap();
        let names: Vec<&str> = prompts.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, [REQUIRED_PROMPTS, SHAPE_PROMPTS].concat());
        assert!(prompts.iter().all(|p| p["description"].as_str().is_some_and(|d| !d.is_empty())));
        assert_eq!(
            prompts[1]["arguments"],
            json!([
                { "name": "arg1", "description": "First test argument", "required": true },
                { "name": "arg2", "description": "Second test argument", "required": true }
            ])
        );

        let r = send(&client, wire, "prompts/get", json!({ "name": "test_simple_prompt" })).await.unwrap();
        assert_complete(&r, wire);
        assert_eq!(
            r["messages"],
            json!([{ "role": "user", "content": { "type": "text", "text": "This is a simple prompt for testing." } }])
        );

        let args = json!({ "name": "test_prompt_with_arguments", "arguments": { "arg1": "testValue1", "arg2": "testValue2" } });
        let r = send(&client, wire, "prompts/get", args).await.unwrap();
        assert_eq!(r["messages"][0]["content"]["text"], "Prompt with arguments: arg1='testValue1', arg2='testValue2'");

        let args = json!({ "name": "test_prompt_with_embedded_resource", "arguments": { "resourceUri": "test://example-resource" } });
        let r = send(&client, wire, "prompts/get", args).await.unwrap();
        assert_eq!(
            r["messages"],
            json!([
                { "role": "user", "content": { "type": "resource", "resource": {
                    "uri": "test://example-resource", "mimeType": "text/plain", "text": "Embedded resource content for testing."
                } } },
                { "role": "user", "content": { "type": "text", "text": "Please process the embedded resource above." } }
            ])
        );

        let r = send(&client, wire, "prompts/get", json!({ "name": "test_prompt_with_image" })).await.unwrap();
        assert_eq!(r["messages"][0]["content"], json!({ "type": "image", "data": PNG_1X1, "mimeType": "image/png" }));
        assert_eq!(r["messages"][1]["content"]["text"], "Please analyze the image above.");

        let err = send(
            &client,
            wire,
            "prompts/get",
            json!({ "name": "test_prompt_with_arguments", "arguments": { "arg1": "x" } }),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, -32602, "{wire:?}: arg2 is required");
    }
}

#[tokio::test]
async fn completion_of_arg1_on_both_wires() {
    for wire in BOTH {
        let client = connect(wire).await;
        let complete = |value: &str| {
            json!({
                "ref": { "type": "ref/prompt", "name": "test_prompt_with_arguments" },
                "argument": { "name": "arg1", "value": value }
            })
        };
        let r = send(&client, wire, "completion/complete", complete("test")).await.unwrap();
        assert_eq!(r["completion"]["values"], json!(ARG1_COMPLETIONS), "{wire:?}");
        let r = send(&client, wire, "completion/complete", complete("testi")).await.unwrap();
        assert_eq!(r["completion"]["values"], json!(["testing"]), "{wire:?}");
        let r = send(&client, wire, "completion/complete", complete("zzz")).await.unwrap();
        assert_eq!(r["completion"]["values"], json!([]), "{wire:?}");
    }
}

// ---------------------------------------------------------------------------------------
// List-change triggers

#[tokio::test]
async fn legacy_triggers_send_list_changed() {
    let mut client = connect(Wire::Legacy).await;
    for (tool, notification) in [
        ("test_trigger_tool_change", "notifications/tools/list_changed"),
        ("test_trigger_prompt_change", "notifications/prompts/list_changed"),
    ] {
        let r = send(&client, Wire::Legacy, "tools/call", json!({ "name": tool, "arguments": {} })).await.unwrap();
        assert_ne!(r["isError"], true, "{r}");
        assert_eq!(methods(&settle(&mut client).await), [notification], "{tool}");
    }
}

/// The next message with `method`, skipping nothing else silently: any other message is
/// returned in the second element.
async fn next_with_method(client: &mut MemoryClient, method: &str) -> (Option<Value>, Vec<Value>) {
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut others = Vec::new();
    while let Some(m) = client.next_message(deadline.saturating_duration_since(tokio::time::Instant::now())).await {
        if m["method"] == method {
            return (Some(m), others);
        }
        others.push(m);
    }
    (None, others)
}

#[tokio::test]
async fn modern_listen_stream_gets_only_the_lists_it_asked_for() {
    let mut client = connect(Wire::Modern).await;
    let listen = json!({
        "jsonrpc": "2.0",
        "id": "listen-1",
        "method": "subscriptions/listen",
        "params": with_modern_meta(json!({ "notifications": { "promptsListChanged": true } }), json!({}))
    });
    bounded(client.send_raw(&listen.to_string())).await.unwrap();
    let (ack, others) = next_with_method(&mut client, "notifications/subscriptions/acknowledged").await;
    let ack = ack.expect("acknowledgement");
    assert!(others.is_empty(), "{others:?}");
    assert_eq!(ack["params"]["_meta"][SUBSCRIPTION_ID_KEY], "listen-1");
    assert_eq!(ack["params"]["notifications"], json!({ "promptsListChanged": true }));

    call_modern(&client, "test_trigger_tool_change", json!({})).await.unwrap();
    call_modern(&client, "test_trigger_prompt_change", json!({})).await.unwrap();
    let (changed, others) = next_with_method(&mut client, "notifications/prompts/list_changed").await;
    let changed = changed.expect("prompts/list_changed on the listen stream");
    assert_eq!(changed["params"]["_meta"][SUBSCRIPTION_ID_KEY], "listen-1");
    assert!(others.is_empty(), "the stream only wanted prompt changes: {others:?}");

    bounded(client.notify("notifications/cancelled", json!({ "requestId": "listen-1" }))).await.unwrap();
    let rest = settle(&mut client).await;
    assert!(!methods(&rest).contains(&"notifications/tools/list_changed"), "{rest:?}");
}
