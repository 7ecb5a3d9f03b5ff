//! A handler's own `input_required` result (`RequestContext::hand_back_input_required`, what
//! the official SDKs' handlers return): on the 2026-07-28 wire its requests reach the client
//! as the handler chose them, whatever the client declared, with the handler's state sealed
//! and given back on the retry; on a legacy session the request fails with -32603
//! `Handler returned an invalid result` and nothing is sent to the client.

use std::collections::BTreeMap;

use mcpforge::{
    ElicitRequest, GetPromptResult, HandlerError, InputRequest, MemoryClient, Prompt, PromptMessage, RequestContext,
    ResourceContents, ResourceTemplate, Server, Tool,
};
use serde_json::{Value, json};

fn who() -> InputRequest {
    InputRequest::Elicit(ElicitRequest::form(
        "Who?",
        json!({ "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] }),
    ))
}

/// What a handler says on each round: asks `who` (state `"round one"`) until it has the answer.
fn round(ctx: &RequestContext) -> Result<String, HandlerError> {
    match ctx.input_responses().get("who") {
        None => Err(ctx.hand_back_input_required(vec![("who".into(), who())], Some(json!("round one")))),
        Some(answer) => {
            Ok(format!("{} (state={})", answer["content"]["name"], ctx.request_state().unwrap_or(&Value::Null)))
        }
    }
}

fn server() -> Server {
    Server::builder("handed-back", "1.0.0")
        .tool(Tool::new("greet"), |ctx: RequestContext, _: Value| async move { round(&ctx) })
        .prompt(Prompt::new("brief"), |ctx: RequestContext, _: BTreeMap<String, String>| async move {
            Ok::<_, HandlerError>(GetPromptResult::new(vec![PromptMessage::user(round(&ctx)?)]))
        })
        .resource_template(
            ResourceTemplate::new("ask://{topic}", "ask"),
            |ctx: RequestContext, uri: String, _| async move {
                Ok::<_, HandlerError>(vec![ResourceContents::text(uri, Some("text/plain"), round(&ctx)?)])
            },
        )
        .build()
        .expect("server builds")
}

/// A 2026-07-28 request whose client declared no capability at all.
async fn modern(client: &MemoryClient, method: &str, mut params: Value) -> Value {
    params["_meta"] = MemoryClient::modern_meta(json!({}));
    client.request_raw(method, params).await
}

#[tokio::test]
async fn modern_requests_go_out_as_given_and_the_state_comes_back() {
    let server = server();
    let client = server.connect_memory();
    for (method, params) in [
        ("tools/call", json!({ "name": "greet", "arguments": {} })),
        ("prompts/get", json!({ "name": "brief" })),
        ("resources/read", json!({ "uri": "ask://owls" })),
    ] {
        let first = modern(&client, method, params.clone()).await;
        let result = &first["result"];
        assert_eq!(result["resultType"], "input_required", "{method}: {first}");
        assert_eq!(result["inputRequests"]["who"]["method"], "elicitation/create", "{method}: {first}");
        let state = result["requestState"].as_str().expect("a sealed requestState");
        assert!(state.starts_with("v1.") && !state.contains("round one"), "{method}: sealed, not as given: {state}");

        let mut retry = params.clone();
        retry["inputResponses"] = json!({ "who": { "action": "accept", "content": { "name": "Ada" } } });
        retry["requestState"] = json!(state);
        let done = modern(&client, method, retry).await;
        assert_eq!(done["result"]["resultType"], "complete", "{method}: {done}");
        assert!(done.to_string().contains(r#"\"Ada\" (state=\"round one\")"#), "{method}: {done}");
    }
}

#[tokio::test]
async fn legacy_sessions_get_an_invalid_result_error_and_no_request() {
    let server = server();
    let mut client = server.connect_memory();
    client.initialize("2025-11-25", json!({ "elicitation": {} })).await.expect("initialize succeeds");
    client.on_request(|_, _| Ok(json!({ "action": "accept", "content": { "name": "Ada" } })));
    let invalid = json!({ "code": -32603, "message": "Handler returned an invalid result" });
    for (method, params) in [
        ("tools/call", json!({ "name": "greet", "arguments": {} })),
        ("prompts/get", json!({ "name": "brief" })),
        ("resources/read", json!({ "uri": "ask://owls" })),
    ] {
        let response = client.request_raw(method, params).await;
        assert_eq!(response["error"], invalid, "{method}: {response}");
    }
    assert!(client.drain_messages().is_empty(), "no request reached the client");
}
