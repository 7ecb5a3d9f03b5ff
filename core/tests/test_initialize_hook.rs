//! The initialize hook (`ServerBuilder::on_initialize`, `Server::set_initialize_hook`): the
//! application sees each client's `initialize` params with the engine's answer and decides
//! the answer, the same way in memory, on stdio-like links and over Streamable HTTP (with
//! sessions and without); the session is served at the version the answer names when the
//! server serves it; an error of the hook is the client's answer and opens no session; a
//! repeated handshake is shown to the hook; removing the hook brings the engine's answer back.

use crate::http_client;

use std::sync::{Arc, Mutex};

use http_client::{Request, Response, WAIT, in_session, send};
use mcpforge::{Handshake, HttpOptions, ProtocolError, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};

/// What the hook saw of each handshake: the client's params, the engine's answer, whether
/// it was repeated.
type Seen = Arc<Mutex<Vec<Handshake>>>;

/// A server with a `version` tool (the session's protocol version) whose hook records each
/// handshake and answers with its own server name and the older version 2025-03-26.
fn shaping_server(seen: &Seen) -> Server {
    let seen = seen.clone();
    Server::builder("engine-name", "1.0.0")
        .tool(Tool::new("version"), |ctx: RequestContext, _: Value| async move {
            Ok::<_, ToolError>(ctx.protocol_version().as_str().to_owned())
        })
        .on_initialize(move |handshake: Handshake| {
            let mut answer = handshake.answer.clone();
            seen.lock().unwrap().push(handshake);
            async move {
                answer["protocolVersion"] = json!("2025-03-26");
                answer["serverInfo"] = json!({ "name": "shaped", "version": "9.9.9" });
                answer["capabilities"]["experimental"] = json!({ "mine": {} });
                Ok(answer)
            }
        })
        .build()
        .expect("build")
}

fn hello(version: &str) -> Value {
    json!({ "protocolVersion": version, "capabilities": { "roots": {} }, "clientInfo": { "name": "c", "version": "0" } })
}

/// The first JSON-RPC message of an HTTP answer (a JSON body or an SSE stream).
fn message(response: &Response) -> Value {
    if response.header("content-type").is_some_and(|t| t.starts_with("text/event-stream")) {
        response.sse_messages().into_iter().next().expect("one message on the stream")
    } else {
        response.json()
    }
}

#[tokio::test]
async fn in_memory_the_hook_sees_the_client_and_shapes_the_answer() {
    let seen = Seen::default();
    let server = shaping_server(&seen);
    let client = server.connect_memory();
    let answer = client.request("initialize", hello("2025-11-25")).await.expect("initialize");
    assert_eq!(answer["serverInfo"], json!({ "name": "shaped", "version": "9.9.9" }));
    assert_eq!(answer["protocolVersion"], json!("2025-03-26"));
    assert_eq!(answer["capabilities"]["experimental"], json!({ "mine": {} }));
    assert!(answer["capabilities"]["tools"].is_object(), "the engine's capabilities are kept: {answer}");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(Value::Object(seen[0].params.clone()), hello("2025-11-25"));
        assert_eq!(seen[0].answer["serverInfo"]["name"], json!("engine-name"));
        assert_eq!(seen[0].answer["protocolVersion"], json!("2025-11-25"));
        assert!(!seen[0].repeated);
    }
    // The session is served at the version the hook answered.
    let _ = client.notify("notifications/initialized", json!({})).await;
    let called = client.request("tools/call", json!({ "name": "version", "arguments": {} })).await.expect("call");
    assert_eq!(called["content"][0]["text"], json!("2025-03-26"));
    // A repeated handshake at the session's version reaches the hook too.
    let again = client.request("initialize", hello("2025-03-26")).await.expect("initialize again");
    assert_eq!(again["serverInfo"]["name"], json!("shaped"));
    assert!(seen.lock().unwrap()[1].repeated);
}

#[tokio::test]
async fn an_error_of_the_hook_answers_the_handshake_and_opens_no_session() {
    let repeated = Arc::new(Mutex::new(Vec::new()));
    let seen = repeated.clone();
    let server = Server::builder("s", "1.0.0")
        .on_initialize(move |h: Handshake| {
            seen.lock().unwrap().push(h.repeated);
            async move { Err(ProtocolError::new(-32602, "1999-01-01 is not for us")) }
        })
        .build()
        .expect("build");
    let client = server.connect_memory();
    let refused = client.request("initialize", hello("2025-11-25")).await.expect_err("refused");
    assert_eq!((refused.code, refused.message.as_str()), (-32602, "1999-01-01 is not for us"));
    // No session was opened: the next handshake is a first one again.
    let _ = client.request("initialize", hello("2025-06-18")).await.expect_err("refused again");
    assert_eq!(*repeated.lock().unwrap(), [false, false]);
}

#[tokio::test]
async fn an_answer_that_is_not_an_object_is_an_internal_error() {
    let server = Server::builder("s", "1.0.0")
        .on_initialize(|_: Handshake| async move { Ok(json!("hello")) })
        .build()
        .expect("build");
    let refused = server.connect_memory().request("initialize", hello("2025-11-25")).await.expect_err("refused");
    assert_eq!(refused.code, -32603);
}

#[tokio::test]
async fn a_hook_set_and_cleared_on_a_running_server() {
    let server = Server::builder("engine-name", "1.0.0").build().expect("build");
    server.set_initialize_hook(|h: Handshake| async move {
        let mut answer = h.answer;
        answer["instructions"] = json!("read the docs");
        Ok(answer)
    });
    let shaped = server.connect_memory().request("initialize", hello("2025-11-25")).await.expect("initialize");
    assert_eq!(shaped["instructions"], json!("read the docs"));
    server.clear_initialize_hook();
    let plain = server.connect_memory().request("initialize", hello("2025-11-25")).await.expect("initialize");
    assert_eq!(plain.get("instructions"), None);
    assert_eq!(plain["serverInfo"]["name"], json!("engine-name"));
}

/// Over Streamable HTTP (sessions, then none) the hook answers as it does in memory.
#[tokio::test]
async fn over_streamable_http_the_hook_shapes_the_answer() {
    for sessionless in [false, true] {
        let seen = Seen::default();
        let server = shaping_server(&seen);
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), sessionless, ..HttpOptions::default() };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        let run = tokio::spawn(http.run());
        let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello("2025-11-25") });
        let response = send(addr, &Request::post_json(&init)).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let answer = message(&response);
        assert_eq!(answer["result"]["serverInfo"], json!({ "name": "shaped", "version": "9.9.9" }), "{answer}");
        assert_eq!(answer["result"]["protocolVersion"], json!("2025-03-26"));
        assert_eq!(Value::Object(seen.lock().unwrap()[0].params.clone()), hello("2025-11-25"));
        if !sessionless {
            let id = response.header("mcp-session-id").expect("a session id").to_owned();
            let call = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "version", "arguments": {} } });
            let called = message(&send(addr, &in_session(&id, "2025-03-26", &call)).await);
            assert_eq!(called["result"]["content"][0]["text"], json!("2025-03-26"), "{called}");
        }
        server.shutdown();
        tokio::time::timeout(WAIT, run).await.expect("run ends").expect("run task").expect("run result");
    }
}
