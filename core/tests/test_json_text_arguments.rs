//! `ServerBuilder::json_text_arguments`: JSON text sent for a tool parameter that is not a
//! plain string is read as the array, object, boolean or null it holds before validation, and
//! text holding a number as that number where the parameter takes numbers and no string
//! (pydantic's lax mode); text for a string parameter, and text holding a string, stay text;
//! off, the schema check refuses such text.

use mcpforge::{MemoryClient, Server, Tool, ToolError};
use serde_json::{Value, json};

/// A server with `echo`, whose `items` is an array, `config` an object-or-string, `label`
/// a string, `count` an integer, `ratio` a number, `limit` an optional integer (as pydantic
/// writes `Optional[int]`) and `either` an integer-or-string; it answers the arguments it got.
fn server(on: bool) -> Server {
    let schema = json!({
        "type": "object",
        "properties": {
            "items": { "type": "array", "items": { "type": "integer" } },
            "config": { "anyOf": [{ "type": "object" }, { "type": "string" }] },
            "label": { "type": "string" },
            "count": { "type": "integer" },
            "ratio": { "type": "number" },
            "limit": { "anyOf": [{ "type": "integer" }, { "type": "null" }] },
            "either": { "anyOf": [{ "type": "integer" }, { "type": "string" }] }
        }
    });
    Server::builder("json-text", "1.0.0")
        .json_text_arguments(on)
        .tool(Tool::new("echo").input_schema(schema), |args: Value| async move { Ok::<_, ToolError>(args.to_string()) })
        .build()
        .expect("build")
}

async fn session(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    client
}

/// The arguments the tool received, or the text of the `isError` result.
async fn call(client: &MemoryClient, arguments: Value) -> (bool, Value) {
    let r = client.call_tool("echo", arguments).await.expect("call");
    let text = r["content"][0]["text"].as_str().expect("text").to_string();
    let refused = r["isError"] == json!(true);
    (refused, if refused { Value::String(text) } else { serde_json::from_str(&text).expect("json") })
}

#[tokio::test]
async fn json_text_for_a_parameter_that_is_not_a_string_is_read_as_its_value() {
    let server = server(true);
    let client = session(&server).await;
    let sent = json!({ "items": "[1, 2, 3]", "config": "{\"a\": 1}", "label": "[\"kept\"]" });
    let got = call(&client, sent).await;
    assert_eq!(got, (false, json!({ "items": [1, 2, 3], "config": { "a": 1 }, "label": "[\"kept\"]" })));
    // A string inside the text stays text.
    let got = call(&client, json!({ "config": "\"quoted\"" })).await;
    assert_eq!(got, (false, json!({ "config": "\"quoted\"" })));
    let (refused, text) = call(&client, json!({ "items": "[1, " })).await;
    assert!(refused, "{text}");
    client.close().await.expect("close");
}

#[tokio::test]
async fn number_text_for_a_number_parameter_is_read_as_the_number() {
    let server = server(true);
    let client = session(&server).await;
    let sent = json!({ "count": "5", "ratio": "2.5", "limit": "7", "label": "5", "either": "5" });
    let got = call(&client, sent).await;
    assert_eq!(got, (false, json!({ "count": 5, "ratio": 2.5, "limit": 7, "label": "5", "either": "5" })));
    let got = call(&client, json!({ "count": "5.0", "ratio": "3" })).await;
    assert_eq!(got, (false, json!({ "count": 5, "ratio": 3 })));
    // Text that is not an integer stays text, which the integer schema refuses.
    for text in ["5.5", "five", "1e400"] {
        let (refused, detail) = call(&client, json!({ "count": text })).await;
        assert!(refused, "{text}: {detail}");
    }
    client.close().await.expect("close");
}

#[tokio::test]
async fn without_the_option_json_text_is_refused_by_the_schema() {
    let server = server(false);
    let client = session(&server).await;
    let (refused, text) = call(&client, json!({ "items": "[1, 2, 3]" })).await;
    assert!(refused);
    assert!(text.as_str().expect("text").contains("is not of type \"array\""), "{text}");
    let (refused, _) = call(&client, json!({ "count": "5" })).await;
    assert!(refused);
    client.close().await.expect("close");
}
