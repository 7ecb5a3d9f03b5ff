//! Client input (elicitation, sampling, roots) on both wires: server->client requests on
//! legacy sessions (answers, missing capabilities, refusals, cancellation while waiting) and
//! multi round-trip requests on 2026-07-28 (`input_required`, sealed `requestState`,
//! several rounds, `ask_all`, missing/extra/malformed answers, tampering, -32021), the
//! low-level API on both wires, MRTR on prompts and resources, and shared state keys.

use std::collections::BTreeMap;
use std::time::Duration;

use mcpforge::{
    CreateMessageRequest, ElicitAction, ElicitRequest, GetPromptResult, HandlerError, InputRequest, Limits,
    MemoryClient, Prompt, PromptArgument, PromptMessage, ProtocolError, RequestContext, Resource, ResourceContents,
    Server, ServerBuilder, Tool,
};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf};
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(5);

fn server_info() -> Value {
    json!({ "name": "input-test", "version": "1.0.0" })
}

fn all_caps() -> Value {
    json!({ "elicitation": {}, "sampling": {}, "roots": {} })
}

fn name_schema() -> Value {
    json!({ "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] })
}

fn name_request() -> ElicitRequest {
    ElicitRequest::form("What is your name?", name_schema())
}

fn capital_request() -> CreateMessageRequest {
    CreateMessageRequest::user_text("What is the capital of France?", 10)
}

/// The wire form of [`name_request`].
fn name_params() -> Value {
    json!({ "message": "What is your name?", "requestedSchema": name_schema() })
}

/// The wire form of [`capital_request`].
fn capital_params() -> Value {
    json!({
        "messages": [{ "role": "user", "content": { "type": "text", "text": "What is the capital of France?" } }],
        "maxTokens": 10
    })
}

fn ada() -> Value {
    json!({ "action": "accept", "content": { "name": "Ada" } })
}

fn paris() -> Value {
    json!({ "role": "assistant", "content": { "type": "text", "text": "Paris" }, "model": "test-model", "stopReason": "endTurn" })
}

fn some_roots() -> Value {
    json!({ "roots": [{ "uri": "file:///work", "name": "work" }, { "uri": "file:///tmp" }] })
}

fn greeting(action: ElicitAction, content: Option<&serde_json::Map<String, Value>>) -> String {
    match (action, content.and_then(|c| c.get("name")).and_then(Value::as_str)) {
        (ElicitAction::Accept, Some(n)) => format!("Hello, {n}!"),
        (action, _) => format!("No name ({action:?})"),
    }
}

/// The low-level tool: three runs. It asks for `confirm` (state `{"step":1}`), then for
/// `model` (state `{"step":2}`), then reports what it got.
async fn low_level(ctx: RequestContext, args: Value) -> Result<String, HandlerError> {
    let answers = ctx.input_responses();
    let state = ctx.request_state().cloned().unwrap_or(Value::Null);
    let Some(confirm) = answers.get("confirm") else {
        let ask = InputRequest::Elicit(ElicitRequest::form(
            "Proceed?",
            json!({ "type": "object", "properties": { "ok": { "type": "boolean" } } }),
        ));
        return Err(ctx.input_required(vec![("confirm".into(), ask)], Some(json!({ "step": 1, "args": args }))));
    };
    let Some(model) = answers.get("model") else {
        let ask = InputRequest::Sample(capital_request());
        return Err(ctx.input_required(vec![("model".into(), ask)], Some(json!({ "step": 2, "prev": state }))));
    };
    Ok(format!("confirm={} model={} state={}", confirm["action"], model["content"]["text"], state))
}

fn builder() -> ServerBuilder {
    Server::builder("input-test", "1.0.0")
        .tool(Tool::new("greet"), |ctx: RequestContext, _: Value| async move {
            let answer = ctx.elicit(name_request()).await?;
            Ok::<_, HandlerError>(greeting(answer.action, answer.content.as_ref()))
        })
        .tool(Tool::new("capital"), |ctx: RequestContext, _: Value| async move {
            let reply = ctx.sample(capital_request()).await?;
            Ok::<_, HandlerError>(format!("capital: {}", reply.text().unwrap_or("?")))
        })
        .tool(Tool::new("roots"), |ctx: RequestContext, _: Value| async move {
            let roots = ctx.list_roots().await?;
            Ok::<_, HandlerError>(roots.roots.into_iter().map(|r| r.uri).collect::<Vec<_>>().join(","))
        })
        .tool(
            Tool::new("two_step")
                .input_schema(json!({ "type": "object", "properties": { "n": { "type": "integer" } } })),
            |ctx: RequestContext, _: Value| async move {
                let who = ctx.elicit(name_request()).await?;
                let reply = ctx.sample(capital_request()).await?;
                Ok::<_, HandlerError>(format!(
                    "{} / {}",
                    greeting(who.action, who.content.as_ref()),
                    reply.text().unwrap_or("?")
                ))
            },
        )
        .tool(Tool::new("ask_all"), |ctx: RequestContext, _: Value| async move {
            let answers = ctx
                .ask_all(vec![
                    ("name".into(), InputRequest::Elicit(name_request())),
                    ("capital".into(), InputRequest::Sample(capital_request())),
                    ("roots".into(), InputRequest::ListRoots),
                ])
                .await?;
            Ok::<_, HandlerError>(format!(
                "{} / {} / {}",
                answers[0]["content"]["name"].as_str().unwrap_or("?"),
                answers[1]["content"]["text"].as_str().unwrap_or("?"),
                answers[2]["roots"].as_array().map_or(0, Vec::len)
            ))
        })
        .tool(
            Tool::new("low_level")
                .input_schema(json!({ "type": "object", "properties": { "n": { "type": "integer" } } })),
            low_level,
        )
        .tool(Tool::new("retry_later"), |ctx: RequestContext, _: Value| async move {
            match ctx.request_state() {
                None => Err(ctx.input_required(Vec::new(), Some(json!("later")))),
                Some(s) => Ok(format!("resumed with {s}")),
            }
        })
        .prompt(
            Prompt::new("essay").argument(PromptArgument::required("length", "How long")),
            |ctx: RequestContext, args: BTreeMap<String, String>| async move {
                let topic = ctx
                    .ask(
                        "topic",
                        InputRequest::Elicit(ElicitRequest::form(
                            "Topic?",
                            json!({ "type": "object", "properties": { "topic": { "type": "string" } } }),
                        )),
                    )
                    .await?;
                let topic = topic["content"]["topic"].as_str().unwrap_or("nothing").to_owned();
                Ok::<_, HandlerError>(GetPromptResult::new(vec![PromptMessage::user(format!(
                    "Write a {} essay about {topic}",
                    args["length"]
                ))]))
            },
        )
        .resource(Resource::new("vault://section", "section"), |ctx: RequestContext, uri: String| async move {
            let roots = ctx.list_roots().await?;
            let first = roots.roots.first().map_or("none".to_owned(), |r| r.uri.clone());
            Ok::<_, HandlerError>(vec![ResourceContents::text(uri, Some("text/plain"), format!("first root {first}"))])
        })
}

fn server() -> Server {
    builder().build().expect("server builds")
}

/// Answers every client-input method with the canned answers above.
fn answer_everything(method: &str, _params: &Value) -> Result<Value, ProtocolError> {
    match method {
        "elicitation/create" => Ok(ada()),
        "sampling/createMessage" => Ok(paris()),
        "roots/list" => Ok(some_roots()),
        other => Err(ProtocolError::method_not_found(other)),
    }
}

async fn legacy(server: &Server, caps: Value) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", caps).await.expect("initialize succeeds");
    client
}

async fn next(client: &mut MemoryClient) -> Value {
    client.next_message(WAIT).await.expect("the server sent a message within the timeout")
}

fn text(t: &str) -> Value {
    json!({ "content": [{ "type": "text", "text": t }] })
}

fn tool_error(t: &str) -> Value {
    json!({ "content": [{ "type": "text", "text": t }], "isError": true })
}

fn modern_text(t: &str) -> Value {
    json!({
        "content": [{ "type": "text", "text": t }],
        "resultType": "complete",
        "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
    })
}

fn server_request(id: i64, method: &str, params: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
}

// ---------------------------------------------------------------------------------------
// Legacy sessions: server->client requests.

#[tokio::test]
async fn legacy_elicit_sample_and_roots_are_requests_to_the_client() {
    let server = server();
    let mut client = legacy(&server, all_caps()).await;
    client.on_request(answer_everything);

    assert_eq!(client.call_tool("greet", json!({})).await, Ok(text("Hello, Ada!")));
    assert_eq!(next(&mut client).await, server_request(1, "elicitation/create", name_params()));

    assert_eq!(client.call_tool("capital", json!({})).await, Ok(text("capital: Paris")));
    assert_eq!(next(&mut client).await, server_request(2, "sampling/createMessage", capital_params()));

    assert_eq!(client.call_tool("roots", json!({})).await, Ok(text("file:///work,file:///tmp")));
    assert_eq!(next(&mut client).await, server_request(3, "roots/list", json!({})));
    assert!(client.drain_messages().is_empty());
}

#[tokio::test]
async fn legacy_sequential_and_grouped_asks() {
    let server = server();
    let mut client = legacy(&server, all_caps()).await;
    client.on_request(answer_everything);

    assert_eq!(client.call_tool("two_step", json!({})).await, Ok(text("Hello, Ada! / Paris")));
    assert_eq!(next(&mut client).await, server_request(1, "elicitation/create", name_params()));
    assert_eq!(next(&mut client).await, server_request(2, "sampling/createMessage", capital_params()));

    assert_eq!(client.call_tool("ask_all", json!({})).await, Ok(text("Ada / Paris / 2")));
    assert_eq!(next(&mut client).await, server_request(3, "elicitation/create", name_params()));
    assert_eq!(next(&mut client).await, server_request(4, "sampling/createMessage", capital_params()));
    assert_eq!(next(&mut client).await, server_request(5, "roots/list", json!({})));
    assert!(client.drain_messages().is_empty());
}

#[tokio::test]
async fn legacy_declined_elicitation_reaches_the_handler() {
    let server = server();
    let client = legacy(&server, all_caps()).await;
    client.on_request(|_, _| Ok(json!({ "action": "decline" })));
    assert_eq!(client.call_tool("greet", json!({})).await, Ok(text("No name (Decline)")));
}

#[tokio::test]
async fn legacy_missing_capability_is_a_tool_error_and_nothing_is_sent() {
    let server = server();
    let mut client = legacy(&server, json!({})).await;
    client.on_request(answer_everything);
    for (tool, message) in [
        (
            "greet",
            "the client did not declare the capability `{\"elicitation\":{\"form\":{}}}` needed for elicitation/create",
        ),
        ("capital", "the client did not declare the capability `{\"sampling\":{}}` needed for sampling/createMessage"),
        ("roots", "the client did not declare the capability `{\"roots\":{}}` needed for roots/list"),
        (
            "ask_all",
            "the client did not declare the capability `{\"elicitation\":{\"form\":{}}}` needed for elicitation/create",
        ),
    ] {
        assert_eq!(client.call_tool(tool, json!({})).await, Ok(tool_error(message)), "{tool}");
    }
    assert!(client.drain_messages().is_empty(), "no request went to the client");

    // A client declaring only sampling can be sampled, but not asked to elicit.
    let mut client = legacy(&server, json!({ "sampling": {} })).await;
    client.on_request(answer_everything);
    assert_eq!(client.call_tool("capital", json!({})).await, Ok(text("capital: Paris")));
    assert_eq!(next(&mut client).await, server_request(1, "sampling/createMessage", capital_params()));
    assert_eq!(
        client.call_tool("two_step", json!({})).await,
        Ok(tool_error(
            "the client did not declare the capability `{\"elicitation\":{\"form\":{}}}` needed for elicitation/create"
        ))
    );
    assert!(client.drain_messages().is_empty());
}

#[tokio::test]
async fn legacy_client_error_answer_is_a_tool_error() {
    let server = server();
    let client = legacy(&server, all_caps()).await;
    client.on_request(|_, _| Err(ProtocolError::new(-1, "User rejected the request")));
    assert_eq!(
        client.call_tool("greet", json!({})).await,
        Ok(tool_error("the client refused elicitation/create: User rejected the request"))
    );
    assert_eq!(
        client.call_tool("roots", json!({})).await,
        Ok(tool_error("the client refused roots/list: User rejected the request"))
    );
}

#[tokio::test]
async fn legacy_client_error_answer_keeps_the_clients_code_and_data() {
    // The tool reports the client's own error, which the refusal carries as sent.
    let server = Server::builder("refusal-test", "1.0.0")
        .tool(Tool::new("roots"), |ctx: RequestContext, _: Value| async move {
            match ctx.list_roots().await {
                Err(HandlerError::Tool(e)) => {
                    Ok::<_, HandlerError>(serde_json::to_string(&e.refusal).unwrap_or_default())
                }
                other => Ok(format!("unexpected: {other:?}")),
            }
        })
        .build()
        .expect("server builds");
    let client = legacy(&server, all_caps()).await;
    client.on_request(|_, _| {
        Err(ProtocolError { code: -1, message: "User rejected the request".into(), data: Some(json!({ "why": "no" })) })
    });
    assert_eq!(
        client.call_tool("roots", json!({})).await,
        Ok(text(r#"{"code":-1,"message":"User rejected the request","data":{"why":"no"}}"#))
    );
}

#[tokio::test]
async fn legacy_malformed_client_answer_is_invalid_params() {
    let server = server();
    let client = legacy(&server, all_caps()).await;
    client.on_request(|_, _| Ok(json!({ "unexpected": true })));
    let resp = client.request_raw("tools/call", json!({ "name": "greet", "arguments": {} })).await;
    assert_eq!(
        resp["error"],
        json!({
            "code": -32602,
            "message": "Invalid params: malformed input response for elicitation/create: {\"unexpected\":true}"
        })
    );
}

#[tokio::test]
async fn legacy_low_level_api_is_run_again_with_the_answers() {
    let server = server();
    let mut client = legacy(&server, all_caps()).await;
    client.on_request(answer_everything);
    assert_eq!(
        client.call_tool("low_level", json!({ "n": 1 })).await,
        Ok(text("confirm=\"accept\" model=\"Paris\" state={\"prev\":{\"args\":{\"n\":1},\"step\":1},\"step\":2}"))
    );
    let confirm_params = json!({
        "message": "Proceed?",
        "requestedSchema": { "type": "object", "properties": { "ok": { "type": "boolean" } } }
    });
    assert_eq!(next(&mut client).await, server_request(1, "elicitation/create", confirm_params));
    assert_eq!(next(&mut client).await, server_request(2, "sampling/createMessage", capital_params()));
    assert!(client.drain_messages().is_empty());
}

#[tokio::test]
async fn legacy_low_level_api_respects_client_capabilities() {
    let server = server();
    let mut client = legacy(&server, json!({ "sampling": {} })).await;
    client.on_request(answer_everything);
    assert_eq!(
        client.call_tool("low_level", json!({})).await,
        Ok(tool_error(
            "the client did not declare the capability `{\"elicitation\":{\"form\":{}}}` needed for elicitation/create"
        ))
    );
    assert!(client.drain_messages().is_empty(), "no undeclared request went to the client");
}

#[tokio::test]
async fn legacy_prompts_and_resources_can_ask_too() {
    let server = server();
    let mut client = legacy(&server, all_caps()).await;
    client.on_request(|method, _| match method {
        "elicitation/create" => Ok(json!({ "action": "accept", "content": { "topic": "owls" } })),
        other => answer_everything(other, &Value::Null),
    });
    assert_eq!(
        client.request("prompts/get", json!({ "name": "essay", "arguments": { "length": "short" } })).await,
        Ok(
            json!({ "messages": [{ "role": "user", "content": { "type": "text", "text": "Write a short essay about owls" } }] })
        )
    );
    assert_eq!(next(&mut client).await["method"], "elicitation/create");
    assert_eq!(
        client.request("resources/read", json!({ "uri": "vault://section" })).await,
        Ok(
            json!({ "contents": [{ "uri": "vault://section", "mimeType": "text/plain", "text": "first root file:///work" }] })
        )
    );
    assert_eq!(next(&mut client).await, server_request(2, "roots/list", json!({})));
}

/// A client on its own pipe, for exchanges the memory client cannot hold open (a
/// server->client request left unanswered).
struct RawClient {
    write: WriteHalf<DuplexStream>,
    rx: mpsc::UnboundedReceiver<Value>,
}

impl RawClient {
    fn connect(server: &Server) -> RawClient {
        let (client_end, server_end) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = server.clone();
        tokio::spawn(async move { server.serve_io(server_read, server_write).await });
        let (read, write) = tokio::io::split(client_end);
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = BufReader::new(read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let v = serde_json::from_str(&line).unwrap_or_else(|_| json!({ "unparseable": line }));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        RawClient { write, rx }
    }

    async fn send(&mut self, msg: Value) {
        self.write.write_all(format!("{msg}\n").as_bytes()).await.expect("the pipe is open");
        self.write.flush().await.expect("the pipe is open");
    }

    async fn recv(&mut self) -> Value {
        tokio::time::timeout(WAIT, self.rx.recv()).await.expect("a message within the timeout").expect("open")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn legacy_cancellation_while_waiting_for_the_client_cancels_the_server_request() {
    let server = server();
    let mut client = RawClient::connect(&server);
    client
        .send(json!({
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": { "protocolVersion": "2025-11-25", "capabilities": all_caps(), "clientInfo": { "name": "raw", "version": "1" } }
        }))
        .await;
    assert_eq!(client.recv().await["id"], 0);
    client.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })).await;
    client.send(json!({ "jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": { "name": "greet" } })).await;
    assert_eq!(client.recv().await, server_request(1, "elicitation/create", name_params()));
    client.send(json!({ "jsonrpc": "2.0", "method": "notifications/cancelled", "params": { "requestId": 7 } })).await;
    assert_eq!(
        client.recv().await,
        json!({
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": { "requestId": 1, "reason": "request cancelled" }
        })
    );
    // A late answer to the cancelled server request is ignored, and request 7 gets no
    // response: the next message is the ping's.
    client.send(json!({ "jsonrpc": "2.0", "id": 1, "result": ada() })).await;
    client.send(json!({ "jsonrpc": "2.0", "id": "probe", "method": "ping" })).await;
    assert_eq!(client.recv().await, json!({ "jsonrpc": "2.0", "id": "probe", "result": {} }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn legacy_timeout_while_waiting_for_the_client_cancels_the_server_request() {
    let server = builder()
        .limits(Limits { request_timeout: Some(Duration::from_millis(200)), ..Limits::default() })
        .build()
        .expect("server builds");
    let mut client = RawClient::connect(&server);
    client
        .send(json!({
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": { "protocolVersion": "2025-06-18", "capabilities": all_caps(), "clientInfo": { "name": "raw", "version": "1" } }
        }))
        .await;
    assert_eq!(client.recv().await["id"], 0);
    client.send(json!({ "jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": { "name": "roots" } })).await;
    assert_eq!(client.recv().await, server_request(1, "roots/list", json!({})));
    // No answer: the request times out, and the server withdraws its own request first.
    assert_eq!(
        client.recv().await,
        json!({
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": { "requestId": 1, "reason": "request cancelled" }
        })
    );
    assert_eq!(
        client.recv().await,
        json!({
            "jsonrpc": "2.0",
            "id": 8,
            "error": {
                "code": -32603,
                "message": "Internal error: request timed out after 200 ms",
                "data": { "timeoutMs": 200 }
            }
        })
    );
}

// ---------------------------------------------------------------------------------------
// 2026-07-28: multi round-trip requests.

/// Sends a 2026 request and returns the whole response.
async fn modern(client: &MemoryClient, method: &str, mut params: Value, caps: Value) -> Value {
    params["_meta"] = MemoryClient::modern_meta(caps);
    client.request_raw(method, params).await
}

/// Checks an `input_required` result and returns its `requestState`.
fn expect_input_required(resp: &Value, input_requests: Value) -> String {
    let mut result = resp["result"].clone();
    let state = result["requestState"].as_str().expect("a string requestState").to_owned();
    assert!(!state.is_empty());
    result.as_object_mut().unwrap().remove("requestState");
    assert_eq!(
        result,
        json!({
            "resultType": "input_required",
            "inputRequests": input_requests,
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
        }),
        "{resp}"
    );
    state
}

fn elicit_entry() -> Value {
    json!({ "method": "elicitation/create", "params": name_params() })
}

fn sample_entry() -> Value {
    json!({ "method": "sampling/createMessage", "params": capital_params() })
}

fn retry(tool: &str, arguments: Value, responses: Value, state: &str) -> Value {
    json!({ "name": tool, "arguments": arguments, "inputResponses": responses, "requestState": state })
}

fn error(resp: &Value) -> &Value {
    assert!(resp.get("result").is_none(), "{resp}");
    &resp["error"]
}

#[tokio::test]
async fn modern_first_call_is_input_required_and_the_retry_completes() {
    let server = server();
    let client = server.connect_memory();
    let caps = json!({ "elicitation": {} });
    let first = modern(&client, "tools/call", json!({ "name": "greet", "arguments": {} }), caps.clone()).await;
    let state = expect_input_required(&first, json!({ "elicitation-0": elicit_entry() }));
    let done =
        modern(&client, "tools/call", retry("greet", json!({}), json!({ "elicitation-0": ada() }), &state), caps).await;
    assert_eq!(done["result"], modern_text("Hello, Ada!"));
}

#[tokio::test]
async fn modern_retry_without_arguments_member_matches_empty_arguments() {
    let server = server();
    let client = server.connect_memory();
    let caps = json!({ "elicitation": {} });
    let first = modern(&client, "tools/call", json!({ "name": "greet" }), caps.clone()).await;
    let state = expect_input_required(&first, json!({ "elicitation-0": elicit_entry() }));
    let params = json!({ "name": "greet", "inputResponses": { "elicitation-0": ada() }, "requestState": state });
    assert_eq!(modern(&client, "tools/call", params, caps).await["result"], modern_text("Hello, Ada!"));
}

#[tokio::test]
async fn modern_two_asks_in_sequence_take_two_rounds() {
    let server = server();
    let client = server.connect_memory();
    let caps = all_caps();
    let args = json!({ "n": 3 });
    let r1 = modern(&client, "tools/call", json!({ "name": "two_step", "arguments": args }), caps.clone()).await;
    let s1 = expect_input_required(&r1, json!({ "elicitation-0": elicit_entry() }));
    let r2 = modern(
        &client,
        "tools/call",
        retry("two_step", args.clone(), json!({ "elicitation-0": ada() }), &s1),
        caps.clone(),
    )
    .await;
    let s2 = expect_input_required(&r2, json!({ "sampling-1": sample_entry() }));
    assert_ne!(s1, s2);
    // The second state carries the first answer: the client only sends the new one.
    let r3 = modern(
        &client,
        "tools/call",
        retry("two_step", args.clone(), json!({ "sampling-1": paris() }), &s2),
        caps.clone(),
    )
    .await;
    assert_eq!(r3["result"], modern_text("Hello, Ada! / Paris"));
    // Sending both answers again works as well (the carried one wins for the old key).
    let both = json!({ "elicitation-0": { "action": "decline" }, "sampling-1": paris() });
    let r3b = modern(&client, "tools/call", retry("two_step", args, both, &s2), caps).await;
    assert_eq!(r3b["result"], modern_text("Hello, Ada! / Paris"));
}

#[tokio::test]
async fn modern_ask_all_is_one_round_with_three_requests() {
    let server = server();
    let client = server.connect_memory();
    let caps = all_caps();
    let r1 = modern(&client, "tools/call", json!({ "name": "ask_all", "arguments": {} }), caps.clone()).await;
    let s1 = expect_input_required(
        &r1,
        json!({
            "name": elicit_entry(),
            "capital": sample_entry(),
            "roots": { "method": "roots/list", "params": {} }
        }),
    );
    let answers = json!({ "name": ada(), "capital": paris(), "roots": some_roots() });
    let r2 = modern(&client, "tools/call", retry("ask_all", json!({}), answers, &s1), caps).await;
    assert_eq!(r2["result"], modern_text("Ada / Paris / 2"));
}

#[tokio::test]
async fn modern_partial_answers_ask_again_for_the_rest() {
    let server = server();
    let client = server.connect_memory();
    let caps = all_caps();
    let r1 = modern(&client, "tools/call", json!({ "name": "ask_all", "arguments": {} }), caps.clone()).await;
    let all =
        json!({ "name": elicit_entry(), "capital": sample_entry(), "roots": { "method": "roots/list", "params": {} } });
    let s1 = expect_input_required(&r1, all);
    let r2 =
        modern(&client, "tools/call", retry("ask_all", json!({}), json!({ "capital": paris() }), &s1), caps.clone())
            .await;
    let s2 = expect_input_required(
        &r2,
        json!({ "name": elicit_entry(), "roots": { "method": "roots/list", "params": {} } }),
    );
    let r3 = modern(
        &client,
        "tools/call",
        retry("ask_all", json!({}), json!({ "name": ada(), "roots": { "roots": [] } }), &s2),
        caps,
    )
    .await;
    assert_eq!(r3["result"], modern_text("Ada / Paris / 0"));
}

#[tokio::test]
async fn modern_missing_answer_asks_again_and_extra_keys_are_ignored() {
    let server = server();
    let client = server.connect_memory();
    let caps = json!({ "elicitation": {} });
    let first = modern(&client, "tools/call", json!({ "name": "greet", "arguments": {} }), caps.clone()).await;
    let state = expect_input_required(&first, json!({ "elicitation-0": elicit_entry() }));

    // Wrong key: asked again.
    let wrong = modern(
        &client,
        "tools/call",
        retry("greet", json!({}), json!({ "elicitation-1": ada() }), &state),
        caps.clone(),
    )
    .await;
    expect_input_required(&wrong, json!({ "elicitation-0": elicit_entry() }));
    // No answers at all, or a non-object: asked again.
    for responses in [json!({}), json!(null), json!([ada()])] {
        let again = modern(&client, "tools/call", retry("greet", json!({}), responses, &state), caps.clone()).await;
        expect_input_required(&again, json!({ "elicitation-0": elicit_entry() }));
    }
    // Extra unknown keys next to the right one: ignored.
    let extra = json!({ "elicitation-0": ada(), "bogus": 12345, "sampling-9": paris() });
    let done = modern(&client, "tools/call", retry("greet", json!({}), extra, &state), caps).await;
    assert_eq!(done["result"], modern_text("Hello, Ada!"));
}

#[tokio::test]
async fn modern_malformed_answer_is_invalid_params() {
    let server = server();
    let client = server.connect_memory();
    let caps = all_caps();
    let first = modern(&client, "tools/call", json!({ "name": "greet", "arguments": {} }), caps.clone()).await;
    let state = expect_input_required(&first, json!({ "elicitation-0": elicit_entry() }));
    for (bad, shown) in [
        (json!(12345), "12345"),
        (json!({ "action": "maybe" }), "{\"action\":\"maybe\"}"),
        (json!("accept"), "\"accept\""),
    ] {
        let resp = modern(
            &client,
            "tools/call",
            retry("greet", json!({}), json!({ "elicitation-0": bad }), &state),
            caps.clone(),
        )
        .await;
        assert_eq!(
            error(&resp),
            &json!({
                "code": -32602,
                "message": format!("Invalid params: malformed input response for elicitation/create: {shown}")
            })
        );
    }
    // A sampling answer missing `model` is malformed too.
    let first = modern(&client, "tools/call", json!({ "name": "capital", "arguments": {} }), caps.clone()).await;
    let state = expect_input_required(&first, json!({ "sampling-0": sample_entry() }));
    let bad = json!({ "role": "assistant", "content": { "type": "text", "text": "Paris" } });
    let resp =
        modern(&client, "tools/call", retry("capital", json!({}), json!({ "sampling-0": bad }), &state), caps).await;
    assert_eq!(error(&resp)["code"], -32602);
}

#[tokio::test]
async fn modern_tampered_or_foreign_state_is_invalid_params() {
    let server = server();
    let client = server.connect_memory();
    let caps = all_caps();
    let first =
        modern(&client, "tools/call", json!({ "name": "two_step", "arguments": { "n": 1 } }), caps.clone()).await;
    let state = expect_input_required(&first, json!({ "elicitation-0": elicit_entry() }));
    let answers = json!({ "elicitation-0": ada() });

    let tampered = format!("{state}-TAMPERED");
    let resp =
        modern(&client, "tools/call", retry("two_step", json!({ "n": 1 }), answers.clone(), &tampered), caps.clone())
            .await;
    assert_eq!(
        error(&resp),
        &json!({ "code": -32602, "message": "Invalid params: invalid requestState: requestState failed its integrity check" })
    );
    for garbage in ["", "not-a-state", "a.b"] {
        let resp =
            modern(&client, "tools/call", retry("two_step", json!({ "n": 1 }), answers.clone(), garbage), caps.clone())
                .await;
        assert_eq!(error(&resp)["code"], -32602, "{garbage:?}");
    }
    let resp = modern(
        &client,
        "tools/call",
        json!({ "name": "two_step", "arguments": { "n": 1 }, "inputResponses": answers.clone(), "requestState": 42 }),
        caps.clone(),
    )
    .await;
    assert_eq!(error(&resp), &json!({ "code": -32602, "message": "Invalid params: requestState must be a string" }));

    let foreign =
        json!({ "code": -32602, "message": "Invalid params: invalid requestState: it belongs to a different request" });
    // Same tool, other arguments.
    let resp =
        modern(&client, "tools/call", retry("two_step", json!({ "n": 2 }), answers.clone(), &state), caps.clone())
            .await;
    assert_eq!(error(&resp), &foreign);
    // Another tool that asks the same thing.
    let resp = modern(&client, "tools/call", retry("greet", json!({}), answers.clone(), &state), caps.clone()).await;
    assert_eq!(error(&resp), &foreign);
    // Another method.
    let resp = modern(
        &client,
        "prompts/get",
        json!({ "name": "essay", "arguments": { "length": "short" }, "inputResponses": answers, "requestState": state }),
        caps,
    )
    .await;
    assert_eq!(error(&resp), &foreign);
}

#[tokio::test]
async fn modern_expired_state_is_invalid_params() {
    let server = builder()
        .limits(Limits { request_state_ttl: Duration::ZERO, ..Limits::default() })
        .build()
        .expect("server builds");
    let client = server.connect_memory();
    let caps = json!({ "elicitation": {} });
    let first = modern(&client, "tools/call", json!({ "name": "greet", "arguments": {} }), caps.clone()).await;
    let state = expect_input_required(&first, json!({ "elicitation-0": elicit_entry() }));
    tokio::time::sleep(Duration::from_millis(20)).await;
    let resp =
        modern(&client, "tools/call", retry("greet", json!({}), json!({ "elicitation-0": ada() }), &state), caps).await;
    assert_eq!(
        error(&resp),
        &json!({ "code": -32602, "message": "Invalid params: invalid requestState: requestState has expired" })
    );
}

#[tokio::test]
async fn modern_missing_client_capability_is_32021() {
    let server = server();
    let client = server.connect_memory();
    let sampling_only = json!({ "sampling": {} });
    for tool in ["greet", "two_step", "ask_all"] {
        let resp = modern(&client, "tools/call", json!({ "name": tool, "arguments": {} }), sampling_only.clone()).await;
        assert_eq!(
            error(&resp),
            &json!({
                "code": -32021,
                "message": "Missing required client capability",
                "data": { "requiredCapabilities": { "elicitation": { "form": {} } } }
            }),
            "{tool}"
        );
    }
    // What the client did declare can be asked.
    let resp = modern(&client, "tools/call", json!({ "name": "capital", "arguments": {} }), sampling_only).await;
    expect_input_required(&resp, json!({ "sampling-0": sample_entry() }));
    let resp = modern(&client, "tools/call", json!({ "name": "roots", "arguments": {} }), json!({})).await;
    assert_eq!(
        error(&resp),
        &json!({
            "code": -32021,
            "message": "Missing required client capability",
            "data": { "requiredCapabilities": { "roots": {} } }
        })
    );
    // A URL-only elicitation capability does not cover form mode.
    let resp = modern(
        &client,
        "tools/call",
        json!({ "name": "greet", "arguments": {} }),
        json!({ "elicitation": { "url": {} } }),
    )
    .await;
    assert_eq!(error(&resp)["data"], json!({ "requiredCapabilities": { "elicitation": { "form": {} } } }));
}

#[tokio::test]
async fn modern_capabilities_are_per_request() {
    // A capability declared on an earlier request does not carry over to the retry.
    let server = server();
    let client = server.connect_memory();
    let first =
        modern(&client, "tools/call", json!({ "name": "two_step", "arguments": {} }), json!({ "elicitation": {} }))
            .await;
    let state = expect_input_required(&first, json!({ "elicitation-0": elicit_entry() }));
    let resp = modern(
        &client,
        "tools/call",
        retry("two_step", json!({}), json!({ "elicitation-0": ada() }), &state),
        json!({ "elicitation": {} }),
    )
    .await;
    assert_eq!(
        error(&resp),
        &json!({
            "code": -32021,
            "message": "Missing required client capability",
            "data": { "requiredCapabilities": { "sampling": {} } }
        })
    );
}

#[tokio::test]
async fn modern_low_level_api_carries_state_across_rounds() {
    let server = server();
    let client = server.connect_memory();
    let caps = all_caps();
    let args = json!({ "n": 5 });
    let r1 = modern(&client, "tools/call", json!({ "name": "low_level", "arguments": args }), caps.clone()).await;
    let confirm = json!({
        "method": "elicitation/create",
        "params": {
            "message": "Proceed?",
            "requestedSchema": { "type": "object", "properties": { "ok": { "type": "boolean" } } }
        }
    });
    let s1 = expect_input_required(&r1, json!({ "confirm": confirm }));
    let answer = json!({ "action": "accept", "content": { "ok": true } });
    let r2 = modern(
        &client,
        "tools/call",
        retry("low_level", args.clone(), json!({ "confirm": answer }), &s1),
        caps.clone(),
    )
    .await;
    let s2 = expect_input_required(&r2, json!({ "model": sample_entry() }));
    let r3 = modern(&client, "tools/call", retry("low_level", args, json!({ "model": paris() }), &s2), caps).await;
    assert_eq!(
        r3["result"],
        modern_text("confirm=\"accept\" model=\"Paris\" state={\"prev\":{\"args\":{\"n\":5},\"step\":1},\"step\":2}")
    );
}

#[tokio::test]
async fn modern_low_level_api_respects_client_capabilities() {
    let server = server();
    let client = server.connect_memory();
    let resp =
        modern(&client, "tools/call", json!({ "name": "low_level", "arguments": {} }), json!({ "sampling": {} })).await;
    assert_eq!(
        error(&resp),
        &json!({
            "code": -32021,
            "message": "Missing required client capability",
            "data": { "requiredCapabilities": { "elicitation": { "form": {} } } }
        })
    );
}

#[tokio::test]
async fn modern_request_state_only_round() {
    let server = server();
    let client = server.connect_memory();
    let r1 = modern(&client, "tools/call", json!({ "name": "retry_later", "arguments": {} }), json!({})).await;
    let mut result = r1["result"].clone();
    let state = result["requestState"].as_str().expect("a requestState").to_owned();
    result.as_object_mut().unwrap().remove("requestState");
    assert_eq!(
        result,
        json!({ "resultType": "input_required", "_meta": { "io.modelcontextprotocol/serverInfo": server_info() } })
    );
    let params = json!({ "name": "retry_later", "arguments": {}, "requestState": state });
    let r2 = modern(&client, "tools/call", params, json!({})).await;
    assert_eq!(r2["result"], modern_text("resumed with \"later\""));
}

#[tokio::test]
async fn modern_mrtr_on_prompts_get() {
    let server = server();
    let client = server.connect_memory();
    let caps = json!({ "elicitation": {} });
    let params = json!({ "name": "essay", "arguments": { "length": "long" } });
    let r1 = modern(&client, "prompts/get", params.clone(), caps.clone()).await;
    let topic = json!({
        "method": "elicitation/create",
        "params": { "message": "Topic?", "requestedSchema": { "type": "object", "properties": { "topic": { "type": "string" } } } }
    });
    let state = expect_input_required(&r1, json!({ "topic": topic }));
    let mut retry = params;
    retry["inputResponses"] = json!({ "topic": { "action": "accept", "content": { "topic": "rivers" } } });
    retry["requestState"] = json!(state);
    let r2 = modern(&client, "prompts/get", retry.clone(), caps.clone()).await;
    assert_eq!(
        r2["result"],
        json!({
            "messages": [{ "role": "user", "content": { "type": "text", "text": "Write a long essay about rivers" } }],
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() }
        })
    );
    // The state is bound to the prompt's arguments.
    retry["arguments"] = json!({ "length": "short" });
    let r3 = modern(&client, "prompts/get", retry, caps).await;
    assert_eq!(error(&r3)["code"], -32602);
}

#[tokio::test]
async fn modern_mrtr_on_resources_read() {
    let server = server();
    let client = server.connect_memory();
    let caps = json!({ "roots": {} });
    let r1 = modern(&client, "resources/read", json!({ "uri": "vault://section" }), caps.clone()).await;
    // Interim results are not cacheable: no ttlMs / cacheScope.
    let state = expect_input_required(&r1, json!({ "roots-0": { "method": "roots/list", "params": {} } }));
    let retry =
        json!({ "uri": "vault://section", "inputResponses": { "roots-0": some_roots() }, "requestState": state });
    let r2 = modern(&client, "resources/read", retry, caps).await;
    assert_eq!(
        r2["result"],
        json!({
            "contents": [{ "uri": "vault://section", "mimeType": "text/plain", "text": "first root file:///work" }],
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": server_info() },
            "ttlMs": 0,
            "cacheScope": "public"
        })
    );
    let resp = modern(&client, "resources/read", json!({ "uri": "vault://section" }), json!({})).await;
    assert_eq!(error(&resp)["code"], -32021);
}

#[tokio::test]
async fn state_minted_by_one_instance_is_accepted_by_another_with_the_same_key() {
    let a = builder().state_key(b"shared secret").build().expect("server builds");
    let b = builder().state_key(b"shared secret").build().expect("server builds");
    let c = builder().state_key(b"another secret").build().expect("server builds");
    let d = server();
    let (ca, cb, cc, cd) = (a.connect_memory(), b.connect_memory(), c.connect_memory(), d.connect_memory());
    let caps = all_caps();
    let r1 = modern(&ca, "tools/call", json!({ "name": "two_step", "arguments": {} }), caps.clone()).await;
    let s1 = expect_input_required(&r1, json!({ "elicitation-0": elicit_entry() }));
    // Round two on instance B, round three back on A.
    let r2 =
        modern(&cb, "tools/call", retry("two_step", json!({}), json!({ "elicitation-0": ada() }), &s1), caps.clone())
            .await;
    let s2 = expect_input_required(&r2, json!({ "sampling-1": sample_entry() }));
    let r3 =
        modern(&ca, "tools/call", retry("two_step", json!({}), json!({ "sampling-1": paris() }), &s2), caps.clone())
            .await;
    assert_eq!(r3["result"], modern_text("Hello, Ada! / Paris"));
    // A different key, or a random per-process key, refuses it.
    let integrity = json!({ "code": -32602, "message": "Invalid params: invalid requestState: requestState failed its integrity check" });
    for other in [&cc, &cd] {
        let resp = modern(
            other,
            "tools/call",
            retry("two_step", json!({}), json!({ "sampling-1": paris() }), &s2),
            caps.clone(),
        )
        .await;
        assert_eq!(error(&resp), &integrity);
    }
}

#[tokio::test]
async fn modern_and_legacy_asks_coexist_on_one_connection() {
    // A legacy session's client capabilities do not leak into 2026 requests on the same
    // connection, and 2026 requests never produce server->client requests.
    let server = server();
    let mut client = legacy(&server, all_caps()).await;
    client.on_request(answer_everything);
    let resp = modern(&client, "tools/call", json!({ "name": "greet", "arguments": {} }), json!({})).await;
    assert_eq!(error(&resp)["code"], -32021);
    let resp =
        modern(&client, "tools/call", json!({ "name": "greet", "arguments": {} }), json!({ "elicitation": {} })).await;
    expect_input_required(&resp, json!({ "elicitation-0": elicit_entry() }));
    assert!(client.drain_messages().is_empty(), "no server->client request on the 2026 wire");
    assert_eq!(client.call_tool("greet", json!({})).await, Ok(text("Hello, Ada!")));
}

// ---------------------------------------------------------------------------------------
// The test client of every binding: `request_answering` answers for the caller.

/// Sends a 2026 request through `request_answering`, with the memory client's `_meta`.
async fn answering(client: &MemoryClient, id: i64, method: &str, mut params: Value, caps: Value) -> Value {
    params["_meta"] = MemoryClient::modern_meta(caps);
    client.request_answering(json!(id), method, params).await
}

#[tokio::test]
async fn the_answering_client_takes_as_many_rounds_as_the_server_asks_for() {
    let server = server();
    let client = server.connect_memory();
    client.on_request(answer_everything);
    let done = answering(&client, 7, "tools/call", json!({ "name": "two_step", "arguments": { "n": 3 } }), all_caps());
    let done = done.await;
    assert_eq!(done["id"], 7, "every round keeps the caller's id: {done}");
    assert_eq!(done["result"], modern_text("Hello, Ada! / Paris"));
    // The low-level tool reads the answers and the state of the round before.
    let low = answering(&client, 8, "tools/call", json!({ "name": "low_level", "arguments": { "n": 1 } }), all_caps());
    let text = low.await["result"]["content"][0]["text"].as_str().expect("a text result").to_owned();
    assert!(text.starts_with("confirm=\"accept\" model=\"Paris\" state={\"prev\":"), "{text}");
    // A prompt that asks, and a request that never asks, through the same call.
    let essay = answering(
        &client,
        9,
        "prompts/get",
        json!({ "name": "essay", "arguments": { "length": "short" } }),
        all_caps(),
    );
    assert_eq!(essay.await["result"]["messages"][0]["content"]["text"], "Write a short essay about nothing");
    let listed = answering(&client, 10, "tools/list", json!({}), all_caps()).await;
    assert!(listed["result"]["tools"].is_array(), "{listed}");
}

#[tokio::test]
async fn the_answering_client_leaves_unanswerable_asks_and_bounds_the_rounds() {
    let server = server();
    let client = server.connect_memory();
    // No responder: the `input_required` result comes back for the caller to answer.
    let asked = answering(&client, 1, "tools/call", json!({ "name": "greet", "arguments": {} }), all_caps()).await;
    assert_eq!(asked["result"]["resultType"], "input_required", "{asked}");
    // A responder that refuses: the request ends with its error.
    client.on_request(|method, _| Err(ProtocolError::method_not_found(method)));
    let refused = answering(&client, 4, "tools/call", json!({ "name": "greet", "arguments": {} }), all_caps()).await;
    assert_eq!(refused["id"], 4);
    assert_eq!(error(&refused)["code"], -32601, "{refused}");
    // A request that resumes on its second round, and one that asks on every round.
    client.on_request(answer_everything);
    let resumed = answering(&client, 2, "tools/call", json!({ "name": "retry_later", "arguments": {} }), all_caps());
    assert_eq!(resumed.await["result"], modern_text("resumed with \"later\""));
    let endless = Server::builder("endless", "1.0.0")
        .tool(Tool::new("forever"), |ctx: RequestContext, _: Value| async move {
            Err::<String, _>(ctx.input_required(vec![("again".into(), InputRequest::ListRoots)], None))
        })
        .build()
        .expect("server builds");
    let client = endless.connect_memory();
    client.on_request(answer_everything);
    let stopped = answering(&client, 3, "tools/call", json!({ "name": "forever", "arguments": {} }), all_caps()).await;
    let message = error(&stopped)["message"].as_str().unwrap_or_default().to_owned();
    assert_eq!(message, "tools/call: too many rounds of client input", "{stopped}");
}
