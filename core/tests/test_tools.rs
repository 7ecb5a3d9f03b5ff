//! Tools: `tools/list` pass-through (schemas, annotations, version shaping), `tools/call`
//! results (content types, plain return values, structured output and its validation),
//! tool and protocol errors, panics, registration errors and `typed_tool`.

use mcpforge::{
    CallToolResult, Content, Json, MemoryClient, ProtocolError, RequestContext, ResourceContents, Server, Tool,
    ToolAnnotations, ToolError,
};
use serde_json::{Value, json};

const NAME: &str = "tools-test";
const VERSION: &str = "1.0.0";

fn server_info() -> Value {
    json!({ "name": NAME, "version": VERSION })
}

/// A legacy session at `version`, after the handshake.
async fn legacy(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    let init = client.initialize(version, json!({})).await.expect("initialize");
    assert_eq!(init["protocolVersion"], json!(version));
    client
}

/// `_meta` of a 2026-07-28 request with no client capabilities.
fn modern_meta() -> Value {
    MemoryClient::modern_meta(json!({}))
}

/// Sends a request with an explicit id and returns the whole response.
async fn raw(client: &MemoryClient, id: i64, method: &str, params: Value) -> Value {
    client.request_with_id(json!(id), method, params).await
}

fn error_response(id: i64, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// The 2020-12 schema of the conformance suite's `json_schema_2020_12_tool`.
fn conformance_2020_12_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {
                    "street": { "type": "string" },
                    "city": { "type": "string" }
                }
            }
        },
        "properties": {
            "name": { "type": "string" },
            "address": { "$ref": "#/$defs/address" },
            "contactMethod": { "type": "string", "enum": ["phone", "email"] },
            "phone": { "type": "string" },
            "email": { "type": "string" }
        },
        "allOf": [
            { "anyOf": [ { "required": ["phone"] }, { "required": ["email"] } ] }
        ],
        "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
        "then": { "required": ["phone"] },
        "else": { "required": ["email"] },
        "additionalProperties": false
    })
}

fn echo_server() -> Server {
    Server::builder(NAME, VERSION)
        .tool(
            Tool::new("json_schema_2020_12_tool")
                .description("Tool with JSON Schema 2020-12 features")
                .input_schema(conformance_2020_12_schema()),
            |args: Value| async move { Ok::<_, ToolError>(format!("ok: {args}")) },
        )
        .build()
        .expect("build")
}

#[tokio::test]
async fn list_passes_2020_12_schema_through_verbatim_on_2025_11_25() {
    let server = echo_server();
    let client = legacy(&server, "2025-11-25").await;
    let result = client.request("tools/list", json!({})).await.expect("tools/list");
    assert_eq!(
        result,
        json!({
            "tools": [{
                "name": "json_schema_2020_12_tool",
                "description": "Tool with JSON Schema 2020-12 features",
                "inputSchema": conformance_2020_12_schema()
            }]
        })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn list_passes_2020_12_schema_through_verbatim_on_2026() {
    let server = echo_server();
    let client = server.connect_memory();
    let result = client.request_modern("tools/list", json!({}), json!({})).await.expect("tools/list");
    assert_eq!(
        result,
        json!({
            "tools": [{
                "name": "json_schema_2020_12_tool",
                "description": "Tool with JSON Schema 2020-12 features",
                "inputSchema": conformance_2020_12_schema()
            }],
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() },
            "ttlMs": 0,
            "cacheScope": "public"
        })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn the_2020_12_schema_is_enforced_with_its_conditionals() {
    let server = echo_server();
    let client = legacy(&server, "2025-11-25").await;
    // Valid: email given, no contactMethod (so `else` requires email).
    let ok = client
        .call_tool("json_schema_2020_12_tool", json!({ "name": "A", "email": "a@example.com" }))
        .await
        .expect("call");
    assert_eq!(ok, json!({ "content": [{ "type": "text", "text": r#"ok: {"email":"a@example.com","name":"A"}"# }] }));
    // `if contactMethod == phone then required phone` is violated.
    let bad = client
        .call_tool("json_schema_2020_12_tool", json!({ "contactMethod": "phone", "email": "a@example.com" }))
        .await
        .expect("call");
    assert_eq!(bad["isError"], json!(true));
    let text = bad["content"][0]["text"].as_str().expect("text");
    assert!(text.starts_with("Invalid arguments for tool json_schema_2020_12_tool: "), "{text}");
    assert!(text.contains("phone"), "{text}");
    // additionalProperties: false.
    let extra = client
        .call_tool("json_schema_2020_12_tool", json!({ "email": "a@example.com", "nickname": "x" }))
        .await
        .expect("call");
    assert_eq!(extra["isError"], json!(true));
    // The `$ref` into `$defs.address` is resolved.
    let bad_ref = client
        .call_tool("json_schema_2020_12_tool", json!({ "email": "a@example.com", "address": { "city": 7 } }))
        .await
        .expect("call");
    assert_eq!(bad_ref["isError"], json!(true));
    assert!(bad_ref["content"][0]["text"].as_str().unwrap().contains("/address/city"), "{bad_ref}");
    client.close().await.expect("close");
}

fn annotated_server() -> Server {
    Server::builder(NAME, VERSION)
        .tool(
            Tool::new("delete_file")
                .title("Delete a file")
                .description("Deletes a file")
                .input_schema(
                    json!({ "type": "object", "properties": { "path": { "type": "string" } }, "required": ["path"] }),
                )
                .output_schema(json!({ "type": "object", "properties": { "deleted": { "type": "boolean" } } }))
                .annotations(ToolAnnotations {
                    title: Some("Delete".into()),
                    read_only_hint: Some(false),
                    destructive_hint: Some(true),
                    idempotent_hint: Some(true),
                    open_world_hint: Some(false),
                })
                .icons(vec![json!({ "src": "https://example.com/icon.png", "mimeType": "image/png" })]),
            |_args: Value| async move { Ok::<_, ToolError>(json!({ "deleted": true })) },
        )
        .build()
        .expect("build")
}

#[tokio::test]
async fn annotations_title_icons_and_output_schema_are_listed_per_version() {
    let server = annotated_server();
    let input = json!({ "type": "object", "properties": { "path": { "type": "string" } }, "required": ["path"] });
    let output = json!({ "type": "object", "properties": { "deleted": { "type": "boolean" } } });
    let annotations = json!({
        "title": "Delete",
        "readOnlyHint": false,
        "destructiveHint": true,
        "idempotentHint": true,
        "openWorldHint": false
    });
    let icons = json!([{ "src": "https://example.com/icon.png", "mimeType": "image/png" }]);

    let expected = [
        (
            "2025-11-25",
            json!({ "name": "delete_file", "title": "Delete a file", "description": "Deletes a file",
            "inputSchema": input, "outputSchema": output, "annotations": annotations, "icons": icons }),
        ),
        (
            "2025-06-18",
            json!({ "name": "delete_file", "title": "Delete a file", "description": "Deletes a file",
            "inputSchema": input, "outputSchema": output, "annotations": annotations }),
        ),
        (
            "2025-03-26",
            json!({ "name": "delete_file", "description": "Deletes a file",
            "inputSchema": input, "annotations": annotations }),
        ),
        ("2024-11-05", json!({ "name": "delete_file", "description": "Deletes a file", "inputSchema": input })),
    ];
    for (version, tool) in expected {
        let client = legacy(&server, version).await;
        let result = client.request("tools/list", json!({})).await.expect("tools/list");
        assert_eq!(result, json!({ "tools": [tool] }), "version {version}");
        client.close().await.expect("close");
    }

    let client = server.connect_memory();
    let result = client.request_modern("tools/list", json!({}), json!({})).await.expect("tools/list");
    assert_eq!(
        result["tools"],
        json!([{ "name": "delete_file", "title": "Delete a file", "description": "Deletes a file",
            "inputSchema": input, "outputSchema": output, "annotations": annotations, "icons": icons }])
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn call_without_arguments_key_passes_an_empty_object() {
    let server = Server::builder(NAME, VERSION)
        .tool(Tool::new("no_args"), |args: Value| async move { Ok::<_, ToolError>(format!("got {args}")) })
        .build()
        .expect("build");
    let client = legacy(&server, "2025-11-25").await;
    let r = client.request("tools/call", json!({ "name": "no_args" })).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "got {}" }] }));
    let r = client.request("tools/call", json!({ "name": "no_args", "arguments": null })).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "got {}" }] }));
    // 2026 wire, also without `arguments`.
    let r = client.request_modern("tools/call", json!({ "name": "no_args" }), json!({})).await.expect("call");
    assert_eq!(
        r,
        json!({
            "content": [{ "type": "text", "text": "got {}" }],
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
        })
    );
    client.close().await.expect("close");
}

fn every_content() -> Vec<Content> {
    vec![
        Content::text("hello"),
        Content::image("iVBORw0KGgo=", "image/png"),
        Content::audio("UklGRg==", "audio/wav"),
        Content::ResourceLink {
            uri: "test://linked".into(),
            name: "linked".into(),
            title: Some("Linked".into()),
            description: Some("A linked resource".into()),
            mime_type: Some("text/plain".into()),
            size: Some(42),
            annotations: Some(json!({ "audience": ["user"], "priority": 0.5 })),
            meta: Some(json!({ "x": 1 })),
        },
        Content::embedded(ResourceContents::text("test://embedded-text", Some("text/plain"), "embedded text")),
        Content::embedded(ResourceContents::blob("test://embedded-blob", Some("application/octet-stream"), "AAEC")),
    ]
}

fn content_server() -> Server {
    Server::builder(NAME, VERSION)
        .tool(
            Tool::new("mixed"),
            |_args: Value| async move { Ok::<_, ToolError>(CallToolResult::success(every_content())) },
        )
        .build()
        .expect("build")
}

#[tokio::test]
async fn every_content_type_on_2025_11_25() {
    let server = content_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.call_tool("mixed", json!({})).await.expect("call");
    assert_eq!(
        r,
        json!({
            "content": [
                { "type": "text", "text": "hello" },
                { "type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png" },
                { "type": "audio", "data": "UklGRg==", "mimeType": "audio/wav" },
                {
                    "type": "resource_link", "uri": "test://linked", "name": "linked", "title": "Linked",
                    "description": "A linked resource", "mimeType": "text/plain", "size": 42,
                    "annotations": { "audience": ["user"], "priority": 0.5 }, "_meta": { "x": 1 }
                },
                { "type": "resource", "resource": { "uri": "test://embedded-text", "mimeType": "text/plain", "text": "embedded text" } },
                { "type": "resource", "resource": { "uri": "test://embedded-blob", "mimeType": "application/octet-stream", "blob": "AAEC" } }
            ]
        })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn content_the_version_cannot_carry_is_downgraded_to_text() {
    let server = content_server();
    let client = legacy(&server, "2024-11-05").await;
    let r = client.call_tool("mixed", json!({})).await.expect("call");
    let content = r["content"].as_array().expect("content");
    assert_eq!(content.len(), 6);
    assert_eq!(
        content[2],
        json!({ "type": "text", "text": "[audio content (audio/wav) not supported by protocol 2024-11-05]" })
    );
    assert_eq!(content[3], json!({ "type": "text", "text": "linked: test://linked" }));
    assert_eq!(content[1], json!({ "type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png" }));
    client.close().await.expect("close");

    let client = legacy(&server, "2025-03-26").await;
    let r = client.call_tool("mixed", json!({})).await.expect("call");
    assert_eq!(r["content"][2], json!({ "type": "audio", "data": "UklGRg==", "mimeType": "audio/wav" }));
    assert_eq!(r["content"][3], json!({ "type": "text", "text": "linked: test://linked" }));
    client.close().await.expect("close");
}

#[derive(serde::Serialize)]
struct Point {
    x: i64,
    y: i64,
}

fn plain_values_server() -> Server {
    let point_schema = json!({
        "type": "object",
        "properties": { "x": { "type": "integer" }, "y": { "type": "integer" } },
        "required": ["x", "y"]
    });
    Server::builder(NAME, VERSION)
        .tool(Tool::new("string"), |_a: Value| async move { Ok::<_, ToolError>(String::from("just text")) })
        .tool(Tool::new("str"), |_a: Value| async move { Ok::<_, ToolError>("static text") })
        .tool(Tool::new("value"), |_a: Value| async move { Ok::<_, ToolError>(json!({ "a": 1, "b": [true] })) })
        .tool(Tool::new("value_string"), |_a: Value| async move { Ok::<_, ToolError>(json!("a json string")) })
        .tool(Tool::new("structured").output_schema(point_schema.clone()), |_a: Value| async move {
            Ok::<_, ToolError>(json!({ "x": 1, "y": 2 }))
        })
        .tool(Tool::new("json").output_schema(point_schema), |_a: Value| async move {
            Ok::<_, ToolError>(Json(Point { x: 3, y: 4 }))
        })
        .tool(Tool::new("json_no_schema"), |_a: Value| async move { Ok::<_, ToolError>(Json(Point { x: 5, y: 6 })) })
        .tool(
            Tool::new("string_structured").output_schema(json!({
                "type": "object",
                "properties": { "result": { "type": "string" } },
                "required": ["result"]
            })),
            |_a: Value| async move { Ok::<_, ToolError>(String::from("checked text")) },
        )
        .build()
        .expect("build")
}

#[tokio::test]
async fn plain_return_values_become_results() {
    let server = plain_values_server();
    let client = legacy(&server, "2025-11-25").await;
    let call = |name: &'static str| {
        let client = &client;
        async move { client.call_tool(name, json!({})).await.expect(name) }
    };
    assert_eq!(call("string").await, json!({ "content": [{ "type": "text", "text": "just text" }] }));
    assert_eq!(call("str").await, json!({ "content": [{ "type": "text", "text": "static text" }] }));
    // A Value without outputSchema: JSON text only, no structuredContent.
    assert_eq!(call("value").await, json!({ "content": [{ "type": "text", "text": r#"{"a":1,"b":[true]}"# }] }));
    // A JSON string value is its text.
    assert_eq!(call("value_string").await, json!({ "content": [{ "type": "text", "text": "a json string" }] }));
    // With an outputSchema: structuredContent plus a text mirror.
    assert_eq!(
        call("structured").await,
        json!({ "content": [{ "type": "text", "text": r#"{"x":1,"y":2}"# }], "structuredContent": { "x": 1, "y": 2 } })
    );
    assert_eq!(
        call("json").await,
        json!({ "content": [{ "type": "text", "text": r#"{"x":3,"y":4}"# }], "structuredContent": { "x": 3, "y": 4 } })
    );
    // A string under an outputSchema is structured too (not the one-text-block fast path).
    assert_eq!(
        call("string_structured").await,
        json!({ "content": [{ "type": "text", "text": "checked text" }], "structuredContent": { "result": "checked text" } })
    );
    // `Json<T>` asks for structured output even without an outputSchema.
    assert_eq!(
        call("json_no_schema").await,
        json!({ "content": [{ "type": "text", "text": r#"{"x":5,"y":6}"# }], "structuredContent": { "x": 5, "y": 6 } })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn structured_content_is_dropped_before_2025_06_18_and_kept_on_2026() {
    let server = plain_values_server();
    let client = legacy(&server, "2025-03-26").await;
    let r = client.call_tool("structured", json!({})).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": r#"{"x":1,"y":2}"# }] }));
    let r = client
        .request_modern("tools/call", json!({ "name": "structured", "arguments": {} }), json!({}))
        .await
        .expect("call");
    assert_eq!(
        r,
        json!({
            "content": [{ "type": "text", "text": r#"{"x":1,"y":2}"# }],
            "structuredContent": { "x": 1, "y": 2 },
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
        })
    );
    client.close().await.expect("close");
}

fn output_validation_server() -> Server {
    output_validation_builder().build().expect("build")
}

fn output_validation_builder() -> mcpforge::ServerBuilder {
    let schema = json!({
        "type": "object",
        "properties": { "count": { "type": "integer" } },
        "required": ["count"],
        "additionalProperties": false
    });
    Server::builder(NAME, VERSION)
        .tool(Tool::new("wrong_type").output_schema(schema.clone()), |_a: Value| async move {
            Ok::<_, ToolError>(json!({ "count": "three" }))
        })
        .tool(Tool::new("no_structured").output_schema(schema.clone()), |_a: Value| async move {
            Ok::<_, ToolError>(CallToolResult::text("forgot the structured part"))
        })
        .tool(Tool::new("error_result").output_schema(schema.clone()), |_a: Value| async move {
            let mut r = CallToolResult::error("it failed");
            r.structured_content = Some(json!({ "reason": "not a count" }));
            Ok::<_, ToolError>(r)
        })
        .tool(Tool::new("tool_error").output_schema(schema), |_a: Value| async move {
            Err::<String, _>(ToolError {
                message: "failed hard".into(),
                data: Some(json!({ "ignored": true })),
                refusal: None,
            })
        })
}

#[tokio::test]
async fn with_invalid_output_result_a_mismatch_is_an_error_result() {
    let server = output_validation_builder().invalid_output_result(true).build().expect("build");
    let client = legacy(&server, "2025-11-25").await;
    for name in ["wrong_type", "no_structured"] {
        let r = client.call_tool(name, json!({})).await.expect("call");
        let text = format!("tool {name} returned output that does not match its outputSchema");
        assert_eq!(r, json!({ "content": [{ "type": "text", "text": text }], "isError": true }), "{name}");
    }
    client.close().await.expect("close");
}

#[tokio::test]
async fn output_that_violates_the_output_schema_is_an_internal_error() {
    let server = output_validation_server();
    let client = legacy(&server, "2025-11-25").await;
    let resp = raw(&client, 10, "tools/call", json!({ "name": "wrong_type", "arguments": {} })).await;
    assert_eq!(resp["id"], json!(10));
    assert_eq!(resp["error"]["code"], json!(-32603));
    let msg = resp["error"]["message"].as_str().expect("message");
    assert!(
        msg.starts_with(
            "Internal error: tool wrong_type returned output that does not match its outputSchema: /count: "
        ),
        "{msg}"
    );
    assert!(resp.get("result").is_none());

    let resp = raw(&client, 11, "tools/call", json!({ "name": "no_structured", "arguments": {} })).await;
    assert_eq!(
        resp,
        error_response(
            11,
            -32603,
            "Internal error: tool no_structured returned output that does not match its outputSchema: the result has no structuredContent"
        )
    );

    // Same on the 2026 wire.
    let resp =
        raw(&client, 12, "tools/call", json!({ "name": "wrong_type", "arguments": {}, "_meta": modern_meta() })).await;
    assert_eq!(resp["error"]["code"], json!(-32603));
    client.close().await.expect("close");
}

#[tokio::test]
async fn error_results_are_not_validated_against_the_output_schema() {
    let server = output_validation_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.call_tool("error_result", json!({})).await.expect("call");
    assert_eq!(
        r,
        json!({
            "content": [{ "type": "text", "text": "it failed" }],
            "structuredContent": { "reason": "not a count" },
            "isError": true
        })
    );
    // A ToolError on a tool with an outputSchema: message only (its data would not match).
    let r = client.call_tool("tool_error", json!({})).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "failed hard" }], "isError": true }));
    client.close().await.expect("close");
}

fn error_server() -> Server {
    Server::builder(NAME, VERSION)
        .tool(Tool::new("tool_error"), |_a: Value| async move { Err::<String, _>(ToolError::new("disk is full")) })
        .tool(Tool::new("tool_error_data"), |_a: Value| async move {
            Err::<String, _>(ToolError {
                message: "quota exceeded".into(),
                data: Some(json!({ "quota": 10 })),
                refusal: None,
            })
        })
        .tool(
            Tool::new("string_error"),
            |_a: Value| async move { Err::<String, _>(String::from("plain string error")) },
        )
        .tool(Tool::new("protocol_error"), |_a: Value| async move {
            Err::<String, _>(ProtocolError::new(4001, "custom failure").with_data(json!({ "why": "testing" })))
        })
        .tool(Tool::new("invalid_params"), |_a: Value| async move {
            Err::<String, _>(ProtocolError::invalid_params("handler says no"))
        })
        .tool(Tool::new("panics").input_schema(json!({ "type": "object" })), |args: Value| async move {
            if args.get("boom").is_some() {
                panic!("tool exploded");
            }
            Ok::<_, ToolError>("survived")
        })
        .tool(
            Tool::new("needs_int").input_schema(json!({
                "type": "object",
                "properties": { "n": { "type": "integer" } },
                "required": ["n"]
            })),
            |args: Value| async move { Ok::<_, ToolError>(format!("n={}", args["n"])) },
        )
        .build()
        .expect("build")
}

#[tokio::test]
async fn tool_error_becomes_an_is_error_result() {
    let server = error_server();
    let client = legacy(&server, "2025-11-25").await;
    let r = client.call_tool("tool_error", json!({})).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "disk is full" }], "isError": true }));
    let r = client.call_tool("string_error", json!({})).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "plain string error" }], "isError": true }));
    // Data of a ToolError travels as structuredContent (tool without outputSchema).
    let r = client.call_tool("tool_error_data", json!({})).await.expect("call");
    assert_eq!(
        r,
        json!({ "content": [{ "type": "text", "text": "quota exceeded" }], "structuredContent": { "quota": 10 }, "isError": true })
    );
    client.close().await.expect("close");

    // Before 2025-06-18 there is no structuredContent.
    let client = legacy(&server, "2025-03-26").await;
    let r = client.call_tool("tool_error_data", json!({})).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "quota exceeded" }], "isError": true }));
    client.close().await.expect("close");
}

#[tokio::test]
async fn protocol_error_from_a_handler_is_that_json_rpc_error() {
    let server = error_server();
    let client = legacy(&server, "2025-11-25").await;
    let resp = raw(&client, 7, "tools/call", json!({ "name": "protocol_error", "arguments": {} })).await;
    assert_eq!(
        resp,
        json!({ "jsonrpc": "2.0", "id": 7, "error": { "code": 4001, "message": "custom failure", "data": { "why": "testing" } } })
    );
    let resp = raw(&client, 8, "tools/call", json!({ "name": "invalid_params", "arguments": {} })).await;
    assert_eq!(resp, error_response(8, -32602, "Invalid params: handler says no"));
    // The same on the 2026 wire.
    let resp =
        raw(&client, 9, "tools/call", json!({ "name": "protocol_error", "arguments": {}, "_meta": modern_meta() }))
            .await;
    assert_eq!(
        resp,
        json!({ "jsonrpc": "2.0", "id": 9, "error": { "code": 4001, "message": "custom failure", "data": { "why": "testing" } } })
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn unknown_tool_and_bad_arguments_are_invalid_params() {
    let server = error_server();
    let client = legacy(&server, "2025-11-25").await;
    let resp = raw(&client, 1, "tools/call", json!({ "name": "nope", "arguments": {} })).await;
    assert_eq!(resp, error_response(1, -32602, "Invalid params: Unknown tool: nope"));
    for (id, args) in [(2, json!([1, 2])), (3, json!("text")), (4, json!(5)), (5, json!(true))] {
        let resp = raw(&client, id, "tools/call", json!({ "name": "needs_int", "arguments": args })).await;
        assert_eq!(resp, error_response(id, -32602, "Invalid params: `arguments` must be an object"));
    }
    let resp = raw(&client, 6, "tools/call", json!({ "arguments": {} })).await;
    assert_eq!(resp, error_response(6, -32602, "Invalid params: `name` must be a string"));
    // 2026: the same codes.
    let resp = raw(&client, 7, "tools/call", json!({ "name": "nope", "_meta": modern_meta() })).await;
    assert_eq!(resp, error_response(7, -32602, "Invalid params: Unknown tool: nope"));
    let resp =
        raw(&client, 8, "tools/call", json!({ "name": "needs_int", "arguments": [], "_meta": modern_meta() })).await;
    assert_eq!(resp, error_response(8, -32602, "Invalid params: `arguments` must be an object"));
    client.close().await.expect("close");
}

#[tokio::test]
async fn unknown_tool_is_an_error_result_when_the_server_answers_so() {
    let server = Server::builder(NAME, VERSION)
        .unknown_tool_result(true)
        .tool(Tool::new("hidden"), |_a: Value| async move { Ok::<_, ToolError>("never") })
        .build()
        .unwrap();
    assert!(server.disable_tool("hidden"));
    let client = legacy(&server, "2025-11-25").await;
    for name in ["nope", "hidden"] {
        let r = client.call_tool(name, json!({})).await.expect("a result, not an error");
        let text = format!("Unknown tool: {name}");
        assert_eq!(r, json!({ "content": [{ "type": "text", "text": text }], "isError": true }));
    }
    // 2026: the same result, with the modern wire's fields.
    let r = client.request("tools/call", json!({ "name": "nope", "_meta": modern_meta() })).await.expect("result");
    assert_eq!(r["isError"], json!(true));
    assert_eq!(r["content"][0]["text"], json!("Unknown tool: nope"));
    client.close().await.expect("close");
}

#[tokio::test]
async fn input_schema_violations_per_version() {
    let server = error_server();
    // 2025-11-25: an isError result the model can read.
    let client = legacy(&server, "2025-11-25").await;
    let r = client.call_tool("needs_int", json!({ "n": "seven" })).await.expect("call");
    assert_eq!(r["isError"], json!(true));
    let text = r["content"][0]["text"].as_str().expect("text");
    assert!(text.starts_with("Invalid arguments for tool needs_int: /n: "), "{text}");
    assert_eq!(r.as_object().unwrap().len(), 2, "{r}");
    let r = client.call_tool("needs_int", json!({ "n": 7 })).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "n=7" }] }));
    client.close().await.expect("close");

    // 2025-06-18: a -32602 error with the violations as data.
    let client = legacy(&server, "2025-06-18").await;
    let resp = raw(&client, 3, "tools/call", json!({ "name": "needs_int", "arguments": {} })).await;
    assert_eq!(resp["error"]["code"], json!(-32602));
    let msg = resp["error"]["message"].as_str().expect("message");
    assert!(msg.starts_with("Invalid params: invalid arguments for tool needs_int: "), "{msg}");
    assert!(msg.contains("required"), "{msg}");
    let errors = resp["error"]["data"]["errors"].as_array().expect("data.errors");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], json!(""));
    client.close().await.expect("close");

    // 2026: isError result.
    let client = server.connect_memory();
    let r = client
        .request_modern("tools/call", json!({ "name": "needs_int", "arguments": { "n": 1.5 } }), json!({}))
        .await
        .expect("call");
    assert_eq!(r["isError"], json!(true));
    assert_eq!(r["resultType"], json!("complete"));
    client.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_fails_only_its_request() {
    let server = error_server();
    let client = legacy(&server, "2025-11-25").await;
    let resp = raw(&client, 20, "tools/call", json!({ "name": "panics", "arguments": { "boom": 1 } })).await;
    assert_eq!(resp, error_response(20, -32603, "Internal error: the handler failed unexpectedly"));
    // The server keeps serving, on this connection and on others.
    let r = client.call_tool("panics", json!({})).await.expect("call after panic");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "survived" }] }));
    let resp = raw(&client, 21, "tools/call", json!({ "name": "panics", "arguments": { "boom": 2 } })).await;
    assert_eq!(resp["error"]["code"], json!(-32603));
    let r = client.call_tool("tool_error", json!({})).await.expect("call after second panic");
    assert_eq!(r["isError"], json!(true));
    let other = legacy(&server, "2025-06-18").await;
    let r = other.call_tool("panics", json!({})).await.expect("other connection");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "survived" }] }));
    // On the 2026 wire too.
    let resp =
        raw(&client, 22, "tools/call", json!({ "name": "panics", "arguments": { "boom": 3 }, "_meta": modern_meta() }))
            .await;
    assert_eq!(resp, error_response(22, -32603, "Internal error: the handler failed unexpectedly"));
    other.close().await.expect("close");
    client.close().await.expect("close");
}

fn build_error(builder: mcpforge::ServerBuilder) -> String {
    match builder.build() {
        Ok(_) => panic!("build should fail"),
        Err(e) => e.to_string(),
    }
}

async fn nothing(_a: Value) -> Result<String, ToolError> {
    Ok(String::new())
}

#[tokio::test]
async fn registration_rejects_bad_tool_names() {
    let names_rule = "names must be 1-128 characters of A-Z, a-z, 0-9, `_`, `-`, `.`, `/`";
    let err = build_error(Server::builder(NAME, VERSION).tool(Tool::new("has space"), nothing));
    assert_eq!(err, format!("invalid definition of tool `has space`: {names_rule}"));
    let err = build_error(Server::builder(NAME, VERSION).tool(Tool::new(""), nothing));
    assert_eq!(err, format!("invalid definition of tool ``: {names_rule}"));
    let long = "a".repeat(129);
    let err = build_error(Server::builder(NAME, VERSION).tool(Tool::new(long.clone()), nothing));
    assert_eq!(err, format!("invalid definition of tool `{long}`: {names_rule}"));
    let err = build_error(Server::builder(NAME, VERSION).tool(Tool::new("naïve"), nothing));
    assert_eq!(err, format!("invalid definition of tool `naïve`: {names_rule}"));
    // The boundary: 128 characters and every allowed character class.
    let ok = Server::builder(NAME, VERSION)
        .tool(Tool::new("a".repeat(128)), nothing)
        .tool(Tool::new("Az09_-.x"), nothing)
        .build();
    assert!(ok.is_ok());
}

#[tokio::test]
async fn lenient_tool_names_accepts_any_name_on_the_builder_and_while_serving() {
    let server = Server::builder(NAME, VERSION)
        .lenient_tool_names(true)
        .tool(Tool::new("test (new api)"), |_a: Value| async move { Ok::<_, ToolError>("spaced") })
        .build()
        .expect("build");
    server.add_tool(Tool::new("naïve, too"), nothing).expect("add_tool");
    let client = legacy(&server, "2025-11-25").await;
    let listed = client.request("tools/list", json!({})).await.expect("tools/list");
    let mut names: Vec<&str> =
        listed["tools"].as_array().expect("tools").iter().filter_map(|t| t["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["naïve, too", "test (new api)"]);
    let r = client.call_tool("test (new api)", json!({})).await.expect("call");
    assert_eq!(r["content"][0]["text"], json!("spaced"));
    client.close().await.expect("close");
    // Off (the default), a running server refuses the name too.
    let strict = Server::builder(NAME, VERSION).build().expect("build");
    assert!(matches!(strict.add_tool(Tool::new("has space"), nothing), Err(mcpforge::Error::InvalidDefinition { .. })));
}

#[tokio::test]
async fn registration_rejects_input_schemas_that_are_not_objects() {
    for schema in [json!({ "type": "string" }), json!({ "properties": {} }), json!({ "type": ["object", "null"] })] {
        let err =
            build_error(Server::builder(NAME, VERSION).tool(Tool::new("t").input_schema(schema.clone()), nothing));
        assert_eq!(
            err,
            "invalid definition of tool `t`: inputSchema: inputSchema must have `\"type\": \"object\"` at its root",
            "{schema}"
        );
    }
}

#[tokio::test]
async fn registration_rejects_unsupported_dialects() {
    let err = build_error(Server::builder(NAME, VERSION).tool(
        Tool::new("t").input_schema(json!({ "$schema": "https://example.com/my-dialect", "type": "object" })),
        nothing,
    ));
    assert!(
        err.starts_with(
            "invalid definition of tool `t`: inputSchema: JSON Schema dialect not supported: `https://example.com/my-dialect`"
        ),
        "{err}"
    );
    // Also for outputSchema.
    let err = build_error(Server::builder(NAME, VERSION).tool(
        Tool::new("t").output_schema(json!({ "$schema": "http://json-schema.org/draft-03/schema#", "type": "object" })),
        nothing,
    ));
    assert!(
        err.starts_with("invalid definition of tool `t`: outputSchema: JSON Schema dialect not supported"),
        "{err}"
    );
    // Declared supported dialects are accepted.
    let ok = Server::builder(NAME, VERSION)
        .tool(
            Tool::new("d7")
                .input_schema(json!({ "$schema": "http://json-schema.org/draft-07/schema#", "type": "object" })),
            nothing,
        )
        .tool(
            Tool::new("d2020")
                .input_schema(json!({ "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object" })),
            nothing,
        )
        .build();
    assert!(ok.is_ok(), "{:?}", ok.err());
}

#[tokio::test]
async fn registration_rejects_remote_refs_and_invalid_schemas() {
    let err = build_error(Server::builder(NAME, VERSION).tool(
        Tool::new("remote").input_schema(json!({
            "type": "object",
            "properties": { "a": { "$ref": "https://example.com/schemas/a.json" } }
        })),
        nothing,
    ));
    assert!(err.starts_with("invalid definition of tool `remote`: inputSchema: "), "{err}");
    assert!(err.contains("https://example.com/schemas/a.json"), "{err}");
    assert!(err.contains("remote `$ref`s are never fetched"), "{err}");

    let err = build_error(
        Server::builder(NAME, VERSION)
            .tool(Tool::new("invalid").input_schema(json!({ "type": "object", "minProperties": "two" })), nothing),
    );
    assert!(err.starts_with("invalid definition of tool `invalid`: inputSchema: "), "{err}");

    let err = build_error(
        Server::builder(NAME, VERSION).tool(Tool::new("bad_output").output_schema(json!({ "type": 12 })), nothing),
    );
    assert!(err.starts_with("invalid definition of tool `bad_output`: outputSchema: "), "{err}");
}

#[tokio::test]
async fn registration_rejects_duplicate_tools() {
    let err = build_error(
        Server::builder(NAME, VERSION)
            .tool(Tool::new("twice"), nothing)
            .tool(Tool::new("other"), nothing)
            .tool(Tool::new("twice").description("again"), nothing),
    );
    assert_eq!(err, "duplicate tool `twice`");
}

#[tokio::test]
async fn add_tool_at_runtime_rejects_invalid_definitions() {
    let server = Server::builder(NAME, VERSION).enable_tools().build().expect("build");
    let err = server.add_tool(Tool::new("bad name"), nothing).expect_err("bad name");
    assert!(err.to_string().starts_with("invalid definition of tool `bad name`"), "{err}");
    let err = server.add_tool(Tool::new("t").input_schema(json!({ "type": "array" })), nothing).expect_err("schema");
    assert!(err.to_string().contains("inputSchema must have"), "{err}");
    let client = legacy(&server, "2025-11-25").await;
    assert_eq!(client.request("tools/list", json!({})).await.expect("list"), json!({ "tools": [] }));
    client.close().await.expect("close");
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct AddArgs {
    /// The first addend.
    a: i64,
    /// The second addend.
    b: i64,
}

#[tokio::test]
async fn typed_tool_derives_its_schema_and_validates() {
    let server = Server::builder(NAME, VERSION)
        .typed_tool::<AddArgs, _>("add", "Adds two integers", |args: AddArgs| async move {
            Ok::<_, ToolError>((args.a + args.b).to_string())
        })
        .build()
        .expect("build");
    let client = legacy(&server, "2025-11-25").await;
    let list = client.request("tools/list", json!({})).await.expect("list");
    let tool = &list["tools"][0];
    assert_eq!(tool["name"], json!("add"));
    assert_eq!(tool["description"], json!("Adds two integers"));
    let schema = &tool["inputSchema"];
    assert_eq!(schema["type"], json!("object"));
    assert_eq!(schema["properties"]["a"]["type"], json!("integer"));
    assert_eq!(schema["properties"]["b"]["type"], json!("integer"));
    assert_eq!(schema["properties"]["a"]["description"], json!("The first addend."));
    let mut required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    required.sort_unstable();
    assert_eq!(required, ["a", "b"]);

    let r = client.call_tool("add", json!({ "a": 2, "b": 40 })).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "42" }] }));
    let r = client.call_tool("add", json!({ "a": 2 })).await.expect("call");
    assert_eq!(r["isError"], json!(true));
    let text = r["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("Invalid arguments for tool add: "), "{text}");
    assert!(text.contains("\"b\""), "{text}");
    let r = client.call_tool("add", json!({ "a": "2", "b": 1 })).await.expect("call");
    assert_eq!(r["isError"], json!(true));
    assert!(r["content"][0]["text"].as_str().unwrap().contains("/a"), "{r}");
    client.close().await.expect("close");
}

#[tokio::test]
async fn handlers_with_context_see_the_request() {
    let server = Server::builder(NAME, VERSION)
        .tool(Tool::new("whoami"), |ctx: RequestContext, _args: Value| async move {
            Ok::<_, ToolError>(json!({
                "id": ctx.request_id().to_value(),
                "version": ctx.protocol_version().as_str(),
                "caps": ctx.client_capabilities(),
            }))
        })
        .build()
        .expect("build");
    let client = server.connect_memory();
    client.initialize("2025-06-18", json!({ "roots": {} })).await.expect("init");
    let resp = raw(&client, 55, "tools/call", json!({ "name": "whoami" })).await;
    let text = resp["result"]["content"][0]["text"].as_str().expect("text");
    let seen: Value = serde_json::from_str(text).expect("json");
    assert_eq!(seen, json!({ "id": 55, "version": "2025-06-18", "caps": { "roots": {} } }));
    let resp = client
        .request_with_id(
            json!("m-1"),
            "tools/call",
            json!({ "name": "whoami", "_meta": MemoryClient::modern_meta(json!({ "sampling": {} })) }),
        )
        .await;
    let text = resp["result"]["content"][0]["text"].as_str().expect("text");
    let seen: Value = serde_json::from_str(text).expect("json");
    assert_eq!(seen, json!({ "id": "m-1", "version": "2026-07-28", "caps": { "sampling": {} } }));
    client.close().await.expect("close");
}

#[tokio::test]
async fn tools_methods_are_gated_by_the_capability() {
    let server = Server::builder(NAME, VERSION).logging(false).build().expect("build");
    let client = server.connect_memory();
    let init = client.initialize("2025-11-25", json!({})).await.expect("init");
    assert_eq!(init["capabilities"], json!({}));
    let resp = raw(&client, 1, "tools/list", json!({})).await;
    assert_eq!(resp, error_response(1, -32601, "Method not found: tools/list"));
    let resp = raw(&client, 2, "tools/call", json!({ "name": "x" })).await;
    assert_eq!(resp, error_response(2, -32601, "Method not found: tools/call"));
    client.close().await.expect("close");
}

#[tokio::test]
async fn unexpected_arguments_are_named_in_the_error() {
    let server = Server::builder(NAME, VERSION)
        .tool(Tool::new("no_args"), |_a: Value| async move { Ok::<_, ToolError>("ran") })
        .tool(
            Tool::new("nested").input_schema(json!({
                "type": "object",
                "properties": { "opts": { "type": "object", "additionalProperties": false } }
            })),
            |_a: Value| async move { Ok::<_, ToolError>("ran") },
        )
        .build()
        .expect("build");
    let client = legacy(&server, "2025-11-25").await;
    let r = client.call_tool("no_args", json!({ "surprise": 1 })).await.expect("call");
    assert_eq!(
        r,
        json!({
            "content": [{ "type": "text", "text": "Invalid arguments for tool no_args: Additional properties are not allowed ('surprise' was unexpected)" }],
            "isError": true
        })
    );
    let r = client.call_tool("nested", json!({ "opts": { "x": 1, "y": 2 } })).await.expect("call");
    assert_eq!(
        r["content"][0]["text"],
        json!(
            "Invalid arguments for tool nested: /opts: Additional properties are not allowed ('x', 'y' were unexpected)"
        )
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn non_object_structured_content_is_only_sent_on_2026() {
    let server = Server::builder(NAME, VERSION)
        .tool(
            Tool::new("list").output_schema(json!({ "type": "array", "items": { "type": "integer" } })),
            |_a: Value| async move { Ok::<_, ToolError>(json!([1, 2, 3])) },
        )
        .tool(Tool::new("error_data"), |_a: Value| async move {
            Err::<String, _>(ToolError { message: "bad".into(), data: Some(json!("not an object")), refusal: None })
        })
        .build()
        .expect("build");
    // 2025 schemas allow only object `structuredContent` (and object-rooted output schemas):
    // the text mirror carries the value.
    let client = legacy(&server, "2025-11-25").await;
    let list = client.request("tools/list", json!({})).await.expect("list");
    assert!(list["tools"][0].get("outputSchema").is_none(), "{list}");
    let r = client.call_tool("list", json!({})).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "[1,2,3]" }] }));
    let r = client.call_tool("error_data", json!({})).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "bad" }], "isError": true }));
    // 2026: any JSON value.
    let r = client.request_modern("tools/call", json!({ "name": "list" }), json!({})).await.expect("call");
    assert_eq!(r["structuredContent"], json!([1, 2, 3]));
    assert_eq!(r["content"], json!([{ "type": "text", "text": "[1,2,3]" }]));
    let list = client.request_modern("tools/list", json!({}), json!({})).await.expect("list");
    assert_eq!(list["tools"][0]["outputSchema"], json!({ "type": "array", "items": { "type": "integer" } }));
    client.close().await.expect("close");
}
