//! The server's tools, called through mcpforge's in-process client (real JSON-RPC to the real
//! engine, no process and no socket).

use serde_json::json;

#[tokio::test]
async fn greet_answers_with_the_name() {
    let server = {{crate}}::server().expect("the server builds");
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    let tools = client.request("tools/list", json!({})).await.expect("tools/list");
    assert_eq!(tools["tools"][0]["name"], "greet");
    let result = client.call_tool("greet", json!({ "name": "Ada" })).await.expect("tools/call");
    assert_eq!(result["content"][0]["text"], "Hello, Ada!");
    assert_ne!(result["isError"], true);
}
