//! `ValueContent::PerItem` tools on the wire: a returned list written as one content block
//! per item (an object indented) and nothing as no block, with or without an `outputSchema`,
//! beside the default mirror; the option itself is never listed.

use mcpforge::{MemoryClient, Server, Tool, ToolError, ValueContent};
use serde_json::{Value, json};

const NAME: &str = "value-content-test";
const VERSION: &str = "1.0.0";

/// A legacy session at `version`, after the handshake.
async fn legacy(server: &Server, version: &str) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize(version, json!({})).await.expect("initialize");
    client
}

#[tokio::test]
async fn a_per_item_tool_writes_one_block_per_list_item_and_none_for_null() {
    let wrapped =
        |schema: Value| json!({ "type": "object", "properties": { "result": schema }, "required": ["result"] });
    let server = Server::builder(NAME, VERSION)
        .tool(Tool::new("mirror_list"), |_a: Value| async move { Ok::<_, ToolError>(json!(["a", {"b": 1}, 2])) })
        .tool(Tool::new("item_list").value_content(ValueContent::PerItem), |_a: Value| async move {
            Ok::<_, ToolError>(json!(["a", {"b": 1}, [2, null]]))
        })
        .tool(
            Tool::new("item_numbers")
                .value_content(ValueContent::PerItem)
                .output_schema(wrapped(json!({"type": "array"}))),
            |_a: Value| async move { Ok::<_, ToolError>(json!([1, 2])) },
        )
        .tool(
            Tool::new("item_null").value_content(ValueContent::PerItem).output_schema(wrapped(json!({"type": "null"}))),
            |_a: Value| async move { Ok::<_, ToolError>(Value::Null) },
        )
        .tool(
            Tool::new("item_object").value_content(ValueContent::PerItem).output_schema(json!({"type": "object"})),
            |_a: Value| async move { Ok::<_, ToolError>(json!({"a": 1})) },
        )
        .build()
        .expect("build");
    let client = legacy(&server, "2025-11-25").await;
    let call = |name: &'static str| {
        let client = &client;
        async move { client.call_tool(name, json!({})).await.expect(name) }
    };
    let text = |t: &str| json!({ "type": "text", "text": t });
    // The default: one block mirroring the JSON.
    assert_eq!(call("mirror_list").await, json!({ "content": [text(r#"["a",{"b":1},2]"#)] }));
    // Per item: nested arrays flattened, a null item left out, an object indented.
    assert_eq!(call("item_list").await, json!({ "content": [text("a"), text("{\n  \"b\": 1\n}"), text("2")] }));
    assert_eq!(
        call("item_numbers").await,
        json!({ "content": [text("1"), text("2")], "structuredContent": { "result": [1, 2] } })
    );
    assert_eq!(call("item_null").await, json!({ "content": [], "structuredContent": { "result": null } }));
    assert_eq!(
        call("item_object").await,
        json!({ "content": [text("{\n  \"a\": 1\n}")], "structuredContent": { "a": 1 } })
    );
    // Engine-side only: never listed.
    let listed = client.request("tools/list", json!({})).await.expect("list");
    assert!(!listed.to_string().contains("valueContent"), "{listed}");
    client.close().await.expect("close");
}
