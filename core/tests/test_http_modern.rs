//! Streamable HTTP, 2026-07-28 wire, over real sockets: `server/discover`, JSON and SSE
//! responses (progress, `_meta` log opt-in), `_meta` and header validation with their exact
//! status codes and errors (-32602, -32020, -32022, removed methods 404/-32601, `Mcp-Method`,
//! `Mcp-Name`, `Mcp-Param-*`), unknown tools, MRTR over HTTP, `subscriptions/listen` streams
//! (ack, tagged notifications, keep-alives, the final result on shutdown), notification POSTs,
//! GET/DELETE refusals, and client disconnects cancelling the request.

use crate::http_client;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_client::{Request, Response, WAIT, open, send, send_only};
use mcpforge::{
    ElicitAction, ElicitRequest, HandlerError, HttpOptions, LogLevel, MemoryClient, RequestContext, Server,
    ServerBuilder, Tool, ToolError,
};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const VERSION: &str = "2026-07-28";
const SUB_KEY: &str = "io.modelcontextprotocol/subscriptionId";
const INFO_KEY: &str = "io.modelcontextprotocol/serverInfo";
const ALL_VERSIONS: [&str; 5] = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

fn server_info() -> Value {
    json!({ "name": "http-modern", "version": "1.0.0" })
}

/// The `_meta` every 2026 result carries.
fn result_meta() -> Value {
    json!({ INFO_KEY: server_info() })
}

fn name_schema() -> Value {
    json!({ "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] })
}

/// Tools: `echo` (text), `steps` (progress 1..3 then "done"), `logs` (an info and a debug
/// log, then "logged"), `regional` (argument `region` mirrored in `Mcp-Param-Region`),
/// `greet` (asks for a name by elicitation).
fn builder() -> ServerBuilder {
    Server::builder("http-modern", "1.0.0")
        .tool(
            Tool::new("echo").input_schema(
                json!({ "type": "object", "properties": { "text": { "type": "string" } }, "required": ["text"] }),
            ),
            |args: Value| async move { Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned()) },
        )
        .tool(Tool::new("steps"), |ctx: RequestContext, _: Value| async move {
            for i in 1..=3 {
                ctx.report_progress(f64::from(i), Some(3.0), Some(&format!("step {i}")));
            }
            Ok::<_, ToolError>("done")
        })
        .tool(Tool::new("logs"), |ctx: RequestContext, _: Value| async move {
            ctx.log(LogLevel::Info, json!("hello"), Some("test"));
            ctx.log(LogLevel::Debug, json!("detail"), Some("test"));
            Ok::<_, ToolError>("logged")
        })
        .tool(
            Tool::new("regional").input_schema(json!({
                "type": "object",
                "properties": { "region": { "type": "string", "x-mcp-header": "Region" } },
                "required": ["region"]
            })),
            |args: Value| async move {
                Ok::<_, ToolError>(format!("region={}", args["region"].as_str().unwrap_or("?")))
            },
        )
        .tool(Tool::new("greet"), |ctx: RequestContext, _: Value| async move {
            let answer = ctx.elicit(ElicitRequest::form("What is your name?", name_schema())).await?;
            let name = answer.content.as_ref().and_then(|c| c.get("name")).and_then(Value::as_str);
            Ok::<_, HandlerError>(match (answer.action, name) {
                (ElicitAction::Accept, Some(n)) => format!("Hello, {n}!"),
                (action, _) => format!("No name ({action:?})"),
            })
        })
}

/// A running HTTP server.
struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    async fn start(server: Server, options: HttpOptions) -> Served {
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()) }
    }

    async fn new() -> Served {
        Served::start(builder().build().expect("build"), HttpOptions::default()).await
    }

    async fn send(&self, request: &Request) -> Response {
        send(self.addr, request).await
    }

    /// Shuts the server down and waits for `run()` to return.
    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

/// The 2026 `_meta` (empty client capabilities) with `extra` keys merged in.
fn meta_with(extra: Value) -> Value {
    let mut meta = MemoryClient::modern_meta(json!({}));
    if let (Some(m), Some(extra)) = (meta.as_object_mut(), extra.as_object()) {
        m.extend(extra.clone());
    }
    meta
}

/// A 2026 request body: `params` plus `_meta` (merged with any `_meta` keys in `params`).
fn body(id: Value, method: &str, mut params: Value) -> Value {
    let extra = params.get("_meta").cloned().unwrap_or_else(|| json!({}));
    params["_meta"] = meta_with(extra);
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
}

/// A POST of `body` with the headers a conformant 2026 client sends for it.
fn post(body: &Value) -> Request {
    let method = body["method"].as_str().expect("a method");
    let mut request = Request::post_json(body).header("MCP-Protocol-Version", VERSION).header("Mcp-Method", method);
    let name = match method {
        "tools/call" | "prompts/get" => body["params"]["name"].as_str(),
        "resources/read" => body["params"]["uri"].as_str(),
        _ => None,
    };
    if let Some(name) = name {
        request = request.header("Mcp-Name", name);
    }
    request
}

/// A conformant 2026 request.
fn request(id: Value, method: &str, params: Value) -> Request {
    post(&body(id, method, params))
}

fn call(id: Value, tool: &str, arguments: Value) -> Request {
    request(id, "tools/call", json!({ "name": tool, "arguments": arguments }))
}

fn text_result(id: Value, text: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "result": { "content": [{ "type": "text", "text": text }], "resultType": "complete", "_meta": result_meta() }
    })
}

fn error_body(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// Asserts a JSON response with this status and body.
fn assert_json(response: &Response, status: u16, expected: &Value) {
    assert_eq!(response.status, status, "body: {}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(&response.json(), expected);
}

fn progress(token: Value, i: u32) -> Value {
    json!({
        "jsonrpc": "2.0",
        "method": "notifications/progress",
        "params": { "progressToken": token, "progress": f64::from(i), "total": 3.0, "message": format!("step {i}") }
    })
}

// ---- discovery and plain calls ---------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_discover_answers_json() {
    let s = Served::new().await;
    let response = s.send(&request(json!(1), "server/discover", json!({}))).await;
    assert_json(
        &response,
        200,
        &json!({
            "jsonrpc": "2.0",
            "id": 1,
            "result": {
                "supportedVersions": ALL_VERSIONS,
                "capabilities": { "tools": { "listChanged": true }, "logging": {} },
                "resultType": "complete",
                "_meta": result_meta(),
                "ttlMs": 0,
                "cacheScope": "public"
            }
        }),
    );
    // The 2026 wire never mints or echoes a session.
    assert_eq!(response.header("mcp-session-id"), None);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_call_without_notifications_is_json() {
    let s = Served::new().await;
    let response = s.send(&call(json!("c-1"), "echo", json!({ "text": "hi" }))).await;
    assert_json(&response, 200, &text_result(json!("c-1"), "hi"));
    // A session id sent by an old client is ignored, not echoed.
    let response =
        s.send(&call(json!(2), "echo", json!({ "text": "x" })).header("Mcp-Session-Id", "not-a-session")).await;
    assert_json(&response, 200, &text_result(json!(2), "x"));
    assert_eq!(response.header("mcp-session-id"), None);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_call_with_progress_streams_notifications_before_the_result() {
    let s = Served::new().await;
    let mut stream =
        open(s.addr, &request(json!(7), "tools/call", json!({ "name": "steps", "_meta": { "progressToken": "p" } })))
            .await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    assert_eq!(stream.header("cache-control"), Some("no-cache"));
    assert_eq!(stream.header("x-accel-buffering"), Some("no"));
    let mut events = Vec::new();
    while let Some(e) = stream.next_event().await {
        events.push(e);
    }
    // No resumability on the 2026 wire: no event ids, no retry hints.
    assert!(events.iter().all(|e| e.id.is_none() && e.retry.is_none()), "{events:?}");
    let messages: Vec<Value> = events.iter().filter_map(|e| e.json()).collect();
    assert_eq!(
        messages,
        vec![progress(json!("p"), 1), progress(json!("p"), 2), progress(json!("p"), 3), text_result(json!(7), "done")]
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_notifications_only_with_a_meta_log_level() {
    let s = Served::new().await;
    // No logLevel: no log messages, so a plain JSON answer.
    let response = s.send(&call(json!(1), "logs", json!({}))).await;
    assert_json(&response, 200, &text_result(json!(1), "logged"));

    // logLevel info: the info message (not the debug one) on the request's SSE stream, first.
    let params = json!({ "name": "logs", "arguments": {}, "_meta": { "io.modelcontextprotocol/logLevel": "info" } });
    let response = s.send(&request(json!(2), "tools/call", params)).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(
        response.sse_messages(),
        vec![
            json!({
                "jsonrpc": "2.0",
                "method": "notifications/message",
                "params": { "level": "info", "logger": "test", "data": "hello" }
            }),
            text_result(json!(2), "logged")
        ]
    );

    // logLevel error: both messages filtered out, JSON again.
    let params = json!({ "name": "logs", "arguments": {}, "_meta": { "io.modelcontextprotocol/logLevel": "error" } });
    assert_json(&s.send(&request(json!(3), "tools/call", params)).await, 200, &text_result(json!(3), "logged"));
    s.stop().await;
}

// ---- _meta and version checks ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_meta_fields_are_400_invalid_params_with_the_id() {
    let s = Served::new().await;
    // server/discover with no _meta at all (conformance: params {} -> 400 + -32602).
    let bare = json!({ "jsonrpc": "2.0", "id": "d", "method": "server/discover", "params": {} });
    let response = s
        .send(
            &Request::post_json(&bare).header("MCP-Protocol-Version", VERSION).header("Mcp-Method", "server/discover"),
        )
        .await;
    assert_json(&response, 400, &error_body(json!("d"), -32602, "Invalid params: missing params._meta"));

    // A version but no client capabilities.
    let partial = json!({
        "jsonrpc": "2.0", "id": 5, "method": "tools/list",
        "params": { "_meta": { "io.modelcontextprotocol/protocolVersion": VERSION } }
    });
    let response = s.send(&post(&partial)).await;
    assert_json(
        &response,
        400,
        &error_body(
            json!(5),
            -32602,
            "Invalid params: missing _meta[\"io.modelcontextprotocol/clientCapabilities\"] (an object)",
        ),
    );

    // Capabilities but no version (the header makes it modern).
    let partial = json!({
        "jsonrpc": "2.0", "id": 6, "method": "tools/list",
        "params": { "_meta": { "io.modelcontextprotocol/clientCapabilities": {} } }
    });
    let response = s.send(&post(&partial)).await;
    assert_json(
        &response,
        400,
        &error_body(json!(6), -32602, "Invalid params: missing _meta[\"io.modelcontextprotocol/protocolVersion\"]"),
    );

    // A clientInfo is optional.
    let mut no_info = body(json!(8), "tools/list", json!({}));
    no_info["params"]["_meta"].as_object_mut().unwrap().remove("io.modelcontextprotocol/clientInfo");
    assert_eq!(s.send(&post(&no_info)).await.status, 200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocol_version_header_must_match_meta_and_be_present() {
    let s = Served::new().await;
    // Header 2026-07-28, _meta v999.0.0: the mismatch is reported before the version.
    let mismatched =
        body(json!(1), "tools/list", json!({ "_meta": { "io.modelcontextprotocol/protocolVersion": "v999.0.0" } }));
    let response = s.send(&post(&mismatched)).await;
    assert_json(
        &response,
        400,
        &error_body(
            json!(1),
            -32020,
            "Header mismatch: MCP-Protocol-Version `2026-07-28` differs from _meta protocolVersion `v999.0.0`",
        ),
    );

    // Header missing while the body carries modern _meta: a validation failure, not legacy.
    let response = s.send(&request(json!(2), "tools/list", json!({})).without_header("MCP-Protocol-Version")).await;
    assert_json(
        &response,
        400,
        &error_body(json!(2), -32020, "Header mismatch: MCP-Protocol-Version header is required"),
    );

    // Both v999.0.0: unsupported version, with what is supported and what was asked.
    let response = s
        .send(&post(&mismatched).without_header("MCP-Protocol-Version").header("MCP-Protocol-Version", "v999.0.0"))
        .await;
    assert_json(
        &response,
        400,
        &json!({
            "jsonrpc": "2.0",
            "id": 1,
            "error": {
                "code": -32022,
                "message": "Unsupported protocol version: v999.0.0",
                "data": { "supported": ALL_VERSIONS, "requested": "v999.0.0" }
            }
        }),
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_methods_are_404_method_not_found() {
    let s = Served::new().await;
    let cases = [
        (
            "initialize",
            json!({ "protocolVersion": VERSION, "capabilities": {}, "clientInfo": { "name": "c", "version": "1" } }),
        ),
        ("ping", json!({})),
        ("logging/setLevel", json!({ "level": "info" })),
        ("resources/subscribe", json!({ "uri": "test://x" })),
        ("resources/unsubscribe", json!({ "uri": "test://x" })),
    ];
    for (i, (method, params)) in cases.into_iter().enumerate() {
        let response = s.send(&request(json!(i), method, params)).await;
        assert_json(&response, 404, &error_body(json!(i), -32601, &format!("Method not found: {method}")));
    }
    // An unknown method too.
    let response = s.send(&request(json!("u"), "tools/frobnicate", json!({}))).await;
    assert_json(&response, 404, &error_body(json!("u"), -32601, "Method not found: tools/frobnicate"));
    s.stop().await;
}

// ---- metadata headers ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_method_header_is_required_and_case_sensitive() {
    let s = Served::new().await;
    let list = || request(json!(1), "tools/list", json!({}));

    let response = s.send(&list().without_header("Mcp-Method")).await;
    assert_json(
        &response,
        400,
        &error_body(json!(1), -32020, "Header mismatch: required header Mcp-Method is missing"),
    );

    let response = s.send(&list().without_header("Mcp-Method").header("Mcp-Method", "tools/call")).await;
    assert_json(
        &response,
        400,
        &error_body(
            json!(1),
            -32020,
            "Header mismatch: Mcp-Method header \"tools/call\" does not match the request method \"tools/list\" \
             (values are case-sensitive)",
        ),
    );

    let response = s.send(&list().without_header("Mcp-Method").header("Mcp-Method", "TOOLS/LIST")).await;
    assert_json(
        &response,
        400,
        &error_body(
            json!(1),
            -32020,
            "Header mismatch: Mcp-Method header \"TOOLS/LIST\" does not match the request method \"tools/list\" \
             (values are case-sensitive)",
        ),
    );

    // The header name itself is case-insensitive.
    let response = s.send(&list().without_header("Mcp-Method").header("MCP-METHOD", "tools/list")).await;
    assert_eq!(response.status, 200, "{}", response.text());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_name_header_is_required_and_compared_after_trimming() {
    let s = Served::new().await;
    let echo = || call(json!(1), "echo", json!({ "text": "hi" }));

    let response = s.send(&echo().without_header("Mcp-Name")).await;
    assert_json(&response, 400, &error_body(json!(1), -32020, "Header mismatch: required header Mcp-Name is missing"));

    let response = s.send(&echo().without_header("Mcp-Name").header("Mcp-Name", "steps")).await;
    assert_json(
        &response,
        400,
        &error_body(json!(1), -32020, "Header mismatch: Mcp-Name header \"steps\" does not match params.name \"echo\""),
    );

    // Optional whitespace around the value is not part of it (conformance: "  tool  ").
    let response = s.send(&echo().without_header("Mcp-Name").header("Mcp-Name", "  echo  ")).await;
    assert_json(&response, 200, &text_result(json!(1), "hi"));
    let response = s.send(&echo().without_header("Mcp-Name").header("Mcp-Name", "\techo \t")).await;
    assert_json(&response, 200, &text_result(json!(1), "hi"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_param_headers_of_x_mcp_header_arguments() {
    let s = Served::new().await;
    let regional = |region: &str| call(json!(1), "regional", json!({ "region": region }));

    // Plain value.
    let response = s.send(&regional("eu-west").header("Mcp-Param-Region", "eu-west")).await;
    assert_json(&response, 200, &text_result(json!(1), "region=eu-west"));

    // Non-ASCII travels in the base64 sentinel (base64("café") = "Y2Fmw6k=").
    let response = s.send(&regional("café").header("Mcp-Param-Region", "=?base64?Y2Fmw6k=?=")).await;
    assert_json(&response, 200, &text_result(json!(1), "region=café"));

    // Invalid base64 (missing padding) is refused.
    let response = s.send(&regional("café").header("Mcp-Param-Region", "=?base64?Y2Fmw6k?=")).await;
    assert_eq!(response.status, 400, "{}", response.text());
    let error = &response.json()["error"];
    assert_eq!(response.json()["id"], json!(1));
    assert_eq!(error["code"], json!(-32020));
    assert!(error["message"].as_str().unwrap().starts_with("Header mismatch: header Mcp-Param-Region: invalid base64"));

    // A value that differs from the argument is refused.
    let response = s.send(&regional("eu-west").header("Mcp-Param-Region", "us-east")).await;
    assert_json(
        &response,
        400,
        &error_body(
            json!(1),
            -32020,
            "Header mismatch: header Mcp-Param-Region value \"us-east\" does not match argument \"region\" \"eu-west\"",
        ),
    );

    // The argument is present but its header is missing.
    let response = s.send(&regional("eu-west")).await;
    assert_json(
        &response,
        400,
        &error_body(json!(1), -32020, "Header mismatch: required header Mcp-Param-Region is missing"),
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tool_is_200_invalid_params() {
    let s = Served::new().await;
    let response = s.send(&call(json!(3), "nope", json!({}))).await;
    assert_json(&response, 200, &error_body(json!(3), -32602, "Invalid params: Unknown tool: nope"));
    s.stop().await;
}

// ---- MRTR ------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_required_over_http_then_the_retry_completes() {
    let s = Served::new().await;
    let caps = json!({ "io.modelcontextprotocol/clientCapabilities": { "elicitation": {} } });
    let first = s.send(&request(json!(1), "tools/call", json!({ "name": "greet", "_meta": caps.clone() }))).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("content-type"), Some("application/json"));
    let mut first = first.json();
    let state = first["result"]["requestState"].as_str().expect("a requestState").to_owned();
    first["result"].as_object_mut().unwrap().remove("requestState");
    assert_eq!(
        first,
        json!({
            "jsonrpc": "2.0",
            "id": 1,
            "result": {
                "resultType": "input_required",
                "inputRequests": {
                    "elicitation-0": {
                        "method": "elicitation/create",
                        "params": { "message": "What is your name?", "requestedSchema": name_schema() }
                    }
                },
                "_meta": result_meta()
            }
        })
    );

    // The retry: a new id, the same call, the answers and the state.
    let retry = json!({
        "name": "greet",
        "_meta": caps,
        "inputResponses": { "elicitation-0": { "action": "accept", "content": { "name": "Ada" } } },
        "requestState": state
    });
    let response = s.send(&request(json!(2), "tools/call", retry)).await;
    assert_json(&response, 200, &text_result(json!(2), "Hello, Ada!"));
    s.stop().await;
}

// ---- subscriptions/listen --------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_acks_streams_tagged_changes_keeps_alive_and_ends_on_shutdown() {
    let options = HttpOptions { sse_keepalive: Duration::from_millis(100), ..HttpOptions::default() };
    let s = Served::start(builder().build().expect("build"), options).await;
    let filter = json!({ "toolsListChanged": true, "promptsListChanged": true });
    let mut stream =
        open(s.addr, &request(json!("L"), "subscriptions/listen", json!({ "notifications": filter }))).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));

    // The acknowledgement is the very first event; prompts are not served, so not honored.
    let first = stream.next_event().await.expect("the acknowledgement");
    assert_eq!(
        first.json(),
        Some(json!({
            "jsonrpc": "2.0",
            "method": "notifications/subscriptions/acknowledged",
            "params": { "_meta": { SUB_KEY: "L" }, "notifications": { "toolsListChanged": true } }
        }))
    );

    s.server.add_tool(Tool::new("added"), |_: Value| async move { Ok::<_, ToolError>("new") }).expect("add tool");
    assert_eq!(
        stream.next_message().await,
        Some(json!({
            "jsonrpc": "2.0",
            "method": "notifications/tools/list_changed",
            "params": { "_meta": { SUB_KEY: "L" } }
        }))
    );

    // Keep-alive comments while nothing happens.
    let mut keepalives = 0;
    for _ in 0..100 {
        let e = stream.next_event().await.expect("the stream stays open");
        assert!(e.is_comment_only(), "only keep-alives while idle: {e:?}");
        assert_eq!(e.comments, vec!["keepalive".to_owned()]);
        keepalives += 1;
        if keepalives == 2 {
            break;
        }
    }
    assert_eq!(keepalives, 2);

    // Shutdown ends the stream with the listen's final result, and nothing after it.
    s.server.shutdown();
    assert_eq!(
        stream.next_message().await,
        Some(json!({
            "jsonrpc": "2.0",
            "id": "L",
            "result": { "resultType": "complete", "_meta": { SUB_KEY: "L", INFO_KEY: server_info() } }
        }))
    );
    assert_eq!(stream.rest_messages().await, Vec::<Value>::new());
    let result = tokio::time::timeout(WAIT, s.run).await.expect("run() returns");
    result.expect("run task").expect("run() result");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zero_keepalive_interval_sends_no_keepalives_and_the_stream_still_works() {
    // `keepAliveMs: 0` in the official TypeScript SDK's transport options means none; it
    // once panicked the stream's task (a zero tokio interval).
    let options = HttpOptions { sse_keepalive: Duration::ZERO, ..HttpOptions::default() };
    let s = Served::start(builder().build().expect("build"), options).await;
    let filter = json!({ "toolsListChanged": true });
    let mut stream =
        open(s.addr, &request(json!("L"), "subscriptions/listen", json!({ "notifications": filter }))).await;
    assert_eq!(stream.status, 200);
    let first = stream.next_event().await.expect("the acknowledgement");
    assert!(!first.is_comment_only(), "the acknowledgement comes first: {first:?}");
    s.server.add_tool(Tool::new("added"), |_: Value| async move { Ok::<_, ToolError>("new") }).expect("add tool");
    let next = stream.next_event().await.expect("the stream stays open");
    assert!(next.comments.is_empty(), "no keep-alive comment: {next:?}");
    assert_eq!(next.json().and_then(|m| m.get("method").cloned()), Some(json!("notifications/tools/list_changed")));
    s.server.shutdown();
    let result = tokio::time::timeout(WAIT, s.run).await.expect("run() returns");
    result.expect("run task").expect("run() result");
}

// ---- other methods and shapes ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_post_is_202_and_get_delete_without_session_are_405() {
    let s = Served::new().await;
    let note = json!({
        "jsonrpc": "2.0", "method": "notifications/progress", "params": { "progressToken": 1, "progress": 1 }
    });
    let response = s.send(&Request::post_json(&note).header("MCP-Protocol-Version", VERSION)).await;
    assert_eq!(response.status, 202);
    assert!(response.body.is_empty(), "{}", response.text());

    let get = Request::new("GET", "/mcp").header("Accept", "text/event-stream").header("MCP-Protocol-Version", VERSION);
    let response = s.send(&get).await;
    assert_eq!(response.status, 405);
    let response = s.send(&Request::new("DELETE", "/mcp").header("MCP-Protocol-Version", VERSION)).await;
    assert_eq!(response.status, 405);
    s.stop().await;
}

// ---- disconnect = cancellation ---------------------------------------------------------

/// Channels of a tool that waits for its cancellation.
struct CancelProbe {
    started: oneshot::Receiver<()>,
    observed: oneshot::Receiver<()>,
}

/// Registers `waits`: it optionally reports progress (which makes the response SSE), signals
/// that it started, then waits for `ctx.cancelled()` and signals that it saw it.
fn with_cancel_probe(builder: ServerBuilder, report_progress: bool) -> (ServerBuilder, CancelProbe) {
    let (started_tx, started) = oneshot::channel();
    let (observed_tx, observed) = oneshot::channel();
    let started_tx = Arc::new(Mutex::new(Some(started_tx)));
    let observed_tx = Arc::new(Mutex::new(Some(observed_tx)));
    let builder = builder.tool(Tool::new("waits"), move |ctx: RequestContext, _: Value| {
        let started = started_tx.lock().unwrap().take();
        let observed = observed_tx.lock().unwrap().take();
        async move {
            if report_progress {
                ctx.report_progress(1.0, None, None);
            }
            if let Some(s) = started {
                let _ = s.send(());
            }
            ctx.cancelled().await;
            if let Some(o) = observed {
                let _ = o.send(());
            }
            Ok::<_, ToolError>("cancelled")
        }
    });
    (builder, CancelProbe { started, observed })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_cancels_a_json_mode_call() {
    let (b, probe) = with_cancel_probe(builder(), false);
    let s = Served::start(b.build().expect("build"), HttpOptions::default()).await;
    // Nothing is sent before the result, so not even a response head arrives: drop the
    // connection once the handler runs.
    let connection = send_only(s.addr, &call(json!(1), "waits", json!({}))).await;
    tokio::time::timeout(WAIT, probe.started).await.expect("the handler starts").expect("started");
    drop(connection);
    tokio::time::timeout(WAIT, probe.observed)
        .await
        .expect("the handler observes the cancellation after the disconnect")
        .expect("observed");
    // The server goes on serving.
    assert_json(
        &s.send(&call(json!(2), "echo", json!({ "text": "still here" }))).await,
        200,
        &text_result(json!(2), "still here"),
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_cancels_an_sse_mode_call() {
    let (b, probe) = with_cancel_probe(builder(), true);
    let s = Served::start(b.build().expect("build"), HttpOptions::default()).await;
    let params = json!({ "name": "waits", "arguments": {}, "_meta": { "progressToken": "w" } });
    let mut stream = open(s.addr, &request(json!(1), "tools/call", params)).await;
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    assert_eq!(
        stream.next_message().await,
        Some(json!({
            "jsonrpc": "2.0", "method": "notifications/progress", "params": { "progressToken": "w", "progress": 1.0 }
        }))
    );
    tokio::time::timeout(WAIT, probe.started).await.expect("the handler started").expect("started");
    drop(stream);
    tokio::time::timeout(WAIT, probe.observed)
        .await
        .expect("the handler observes the cancellation after the disconnect")
        .expect("observed");
    s.stop().await;
}
