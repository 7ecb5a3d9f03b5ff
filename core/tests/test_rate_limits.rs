//! Rate limits: a client's burst then the `RATE_LIMITED` error with its retry hint, on both
//! wires; tool limits per client; recovery once the bucket refilled; the JSON option form;
//! over HTTP with bearer tokens, one bucket per authenticated subject on the 2026 wire;
//! tool names that are not registered tools neither take buckets nor free a drained one;
//! a client that comes after deleted ones never inherits their buckets; and without
//! sessions, one bucket per client address.

use crate::http_client;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_client::{Request, send};
use mcpforge::error::codes;
use mcpforge::{
    AuthError, AuthInfo, AuthOptions, HttpOptions, MemoryClient, ProtocolError, Rate, RateLimits, Server,
    ServerBuilder, Tool, ToolError,
};
use serde_json::{Value, json};

fn tools(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(Tool::new("echo"), |args: Value| async move {
            Ok::<_, ToolError>(args["text"].as_str().unwrap_or("").to_owned())
        })
        .tool(Tool::new("search"), |_: Value| async move { Ok::<_, ToolError>("found".to_owned()) })
}

async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    client
}

fn refused(result: Result<Value, ProtocolError>) -> ProtocolError {
    let e = result.expect_err("over the limit");
    assert_eq!(e.code, codes::RATE_LIMITED, "{e:?}");
    e
}

#[tokio::test]
async fn a_client_over_its_limit_gets_a_retry_hint_and_recovers() {
    let limits = RateLimits { per_client: Some(Rate::new(3, Duration::from_millis(600))), ..RateLimits::default() };
    let server = tools(Server::builder("limited", "1.0.0")).rate_limits(limits).build().expect("build");
    let client = legacy(&server).await;
    for _ in 0..3 {
        client.call_tool("echo", json!({ "text": "hi" })).await.expect("within the burst");
    }
    let e = refused(client.call_tool("echo", json!({ "text": "hi" })).await);
    let data = e.data.expect("data");
    assert_eq!(data["scope"], "client");
    let retry = data["retryAfterMs"].as_u64().expect("retryAfterMs");
    assert!((1..=200).contains(&retry), "one token comes back every 200 ms, got {retry}");
    assert!(e.message.contains("retry after"), "{}", e.message);
    // ping is never limited; another connection has its own bucket.
    client.request("ping", json!({})).await.expect("ping");
    legacy(&server).await.call_tool("echo", json!({ "text": "other" })).await.expect("another client");
    // After the hint, the call goes through.
    tokio::time::sleep(Duration::from_millis(retry + 20)).await;
    client.call_tool("echo", json!({ "text": "again" })).await.expect("recovered");
}

#[tokio::test]
async fn a_tool_limit_is_per_client_and_applies_on_the_2026_wire() {
    let server = tools(Server::builder("limited", "1.0.0"))
        .rate_limits(RateLimits {
            tools: [("search".to_owned(), Rate::new(1, Duration::from_secs(60)))].into(),
            ..RateLimits::default()
        })
        .build()
        .expect("build");
    let client = server.connect_memory();
    let call = |name: &str| {
        let mut params = json!({ "name": name, "arguments": {} });
        params["_meta"] = MemoryClient::modern_meta(json!({}));
        params
    };
    client.request("tools/call", call("search")).await.expect("the first search");
    let e = refused(client.request("tools/call", call("search")).await);
    assert_eq!(
        e.data.as_ref().map(|d| (d["scope"].clone(), d["tool"].clone())),
        Some((json!("tool"), json!("search")))
    );
    // Other tools are not limited.
    for _ in 0..5 {
        client.request("tools/call", call("echo")).await.expect("echo is not limited");
    }
}

#[tokio::test]
async fn the_json_form_configures_limits_and_refuses_a_zero_rate() {
    let options = json!({ "rateLimits": { "perClient": { "requests": 1, "perMs": 60000 }, "tools": { "*": { "requests": 5, "per_ms": 1000, "burst": 2 } } } });
    let server = tools(ServerBuilder::from_json("limited", "1.0.0", options).expect("options")).build().expect("build");
    let client = legacy(&server).await;
    client.call_tool("echo", json!({ "text": "once" })).await.expect("first");
    refused(client.call_tool("echo", json!({ "text": "twice" })).await);

    let zero = json!({ "rate_limits": { "per_client": { "requests": 0, "per_ms": 1000 } } });
    let built = ServerBuilder::from_json("limited", "1.0.0", zero).expect("parsed").build();
    assert!(built.is_err(), "a zero rate is a configuration error");
    let unknown = json!({ "rate_limits": { "per_clients": { "requests": 1, "per_ms": 1000 } } });
    assert!(ServerBuilder::from_json("limited", "1.0.0", unknown).is_err(), "a typo is refused");
}

/// Two tokens, two subjects.
async fn verify(token: String) -> Result<AuthInfo, AuthError> {
    match token.as_str() {
        "token-alice" => Ok(AuthInfo::new("alice", ["mcp"])),
        "token-bob" => Ok(AuthInfo::new("bob", ["mcp"])),
        _ => Err(AuthError::Invalid("unknown token".into())),
    }
}

/// A 2026 `tools/call` of `echo` with `token`.
async fn modern_echo(addr: SocketAddr, token: &str, id: u64) -> Value {
    let mut params = json!({ "name": "echo", "arguments": { "text": "x" } });
    params["_meta"] = MemoryClient::modern_meta(json!({}));
    let body = json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params });
    let request = Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "echo")
        .header("Authorization", &format!("Bearer {token}"));
    send(addr, &request).await.json()
}

#[tokio::test]
async fn over_stateless_http_each_subject_has_its_own_bucket() {
    let server = tools(Server::builder("limited", "1.0.0"))
        .rate_limits(RateLimits { per_client: Some(Rate::new(2, Duration::from_secs(60))), ..RateLimits::default() })
        .build()
        .expect("build");
    let options = HttpOptions {
        bind: "127.0.0.1:0".parse().unwrap(),
        auth: Some(AuthOptions::new("http://localhost/mcp", verify)),
        ..HttpOptions::default()
    };
    let http = server.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("address");
    let run = tokio::spawn(http.run());
    assert!(modern_echo(addr, "token-alice", 1).await.get("result").is_some());
    assert!(modern_echo(addr, "token-alice", 2).await.get("result").is_some());
    let over = modern_echo(addr, "token-alice", 3).await;
    assert_eq!(over["error"]["code"], codes::RATE_LIMITED, "{over}");
    // Bob comes through the same stateless connection, but counts as himself.
    assert!(modern_echo(addr, "token-bob", 4).await.get("result").is_some());
    server.shutdown();
    tokio::time::timeout(Duration::from_secs(10), run).await.expect("stops").expect("task").expect("run");
}

/// Serves `server` over HTTP on 127.0.0.1 with `options`: its address and the serving task.
async fn serve_http(
    server: &Server,
    options: HttpOptions,
) -> (SocketAddr, tokio::task::JoinHandle<Result<(), mcpforge::Error>>) {
    let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
    let http = server.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("address");
    (addr, tokio::spawn(http.run()))
}

async fn stop_http(server: &Server, run: tokio::task::JoinHandle<Result<(), mcpforge::Error>>) {
    server.shutdown();
    tokio::time::timeout(Duration::from_secs(10), run).await.expect("stops").expect("task").expect("run");
}

/// One hour: a bucket drained in a test does not refill during it.
const HOUR: Duration = Duration::from_secs(3600);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_tool_names_take_no_bucket_and_never_free_a_drained_one() {
    let limits = RateLimits {
        tools: [("search".to_owned(), Rate::new(2, HOUR)), ("*".to_owned(), Rate::new(2, HOUR))].into(),
        ..RateLimits::default()
    };
    let server = tools(Server::builder("limited", "1.0.0")).rate_limits(limits).build().expect("build");
    let client = Arc::new(legacy(&server).await);
    client.call_tool("search", json!({})).await.expect("first");
    client.call_tool("search", json!({})).await.expect("second");
    refused(client.call_tool("search", json!({})).await);
    // 70,000 calls naming tools that do not exist (more than the bucket table holds), 100
    // at a time: each is refused as unknown, none as rate limited.
    for round in 0..700 {
        let mut calls = tokio::task::JoinSet::new();
        for n in 0..100 {
            let client = client.clone();
            calls.spawn(async move { client.call_tool(&format!("junk-{round}-{n}"), json!({})).await });
        }
        while let Some(answer) = calls.join_next().await {
            let e = answer.expect("task").expect_err("no such tool");
            assert_eq!(e.code, codes::INVALID_PARAMS, "{e:?}");
        }
    }
    // The drained tool is still drained.
    let e = refused(client.call_tool("search", json!({})).await);
    assert_eq!(e.data.expect("data")["tool"], "search");
}

/// A legacy `tools/call` of `echo` on session `session`.
fn legacy_echo(id: u64, session: &str) -> Request {
    let body =
        json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": "echo", "arguments": {} } });
    Request::post_json(&body)
        .header("Mcp-Session-Id", session)
        .header("MCP-Protocol-Version", "2025-11-25")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "echo")
}

/// Opens a legacy session over HTTP: its id.
async fn open_session(addr: SocketAddr) -> String {
    let body = json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } } });
    let answer = send(addr, &Request::post_json(&body).header("Mcp-Method", "initialize")).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.header("mcp-session-id").expect("a session id").to_owned()
}

/// The JSON-RPC answer of an HTTP response, JSON or SSE.
fn answer_of(response: &http_client::Response) -> Value {
    if response.header("content-type").is_some_and(|c| c.starts_with("text/event-stream")) {
        response.sse_messages().into_iter().find(|m| m.get("id").is_some()).expect("an answer")
    } else {
        response.json()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_client_never_inherits_the_bucket_of_a_deleted_one() {
    let limits = RateLimits { per_client: Some(Rate::new(1, HOUR)), ..RateLimits::default() };
    let server = tools(Server::builder("limited", "1.0.0")).rate_limits(limits).build().expect("build");
    let (addr, run) = serve_http(&server, HttpOptions::default()).await;
    // Sessions that use up their bucket, then are deleted.
    for n in 0..30 {
        let id = open_session(addr).await;
        assert!(answer_of(&send(addr, &legacy_echo(1, &id)).await).get("result").is_some(), "session {n}");
        let over = answer_of(&send(addr, &legacy_echo(2, &id)).await);
        assert_eq!(over["error"]["code"], codes::RATE_LIMITED, "{over}");
        let deleted = send(addr, &Request::new("DELETE", "/mcp").header("Mcp-Session-Id", &id)).await;
        assert_eq!(deleted.status, 200);
    }
    // Each new session's first call passes.
    for n in 0..30 {
        let id = open_session(addr).await;
        let first = answer_of(&send(addr, &legacy_echo(1, &id)).await);
        assert!(first.get("result").is_some(), "new session {n} refused on its first call: {first}");
    }

    // The same for connections (2026 requests over a connection of their own).
    let call = || {
        let mut params = json!({ "name": "echo", "arguments": {} });
        params["_meta"] = MemoryClient::modern_meta(json!({}));
        params
    };
    for _ in 0..30 {
        let client = server.connect_memory();
        client.request("tools/call", call()).await.expect("first call");
        refused(client.request("tools/call", call()).await);
        client.close().await.expect("close");
    }
    for n in 0..30 {
        let client = server.connect_memory();
        let first = client.request("tools/call", call()).await;
        assert!(first.is_ok(), "new connection {n} refused on its first call: {first:?}");
        client.close().await.expect("close");
    }
    stop_http(&server, run).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_sessions_each_client_address_has_its_own_bucket() {
    let limits = RateLimits { per_client: Some(Rate::new(5, HOUR)), ..RateLimits::default() };
    let server = tools(Server::builder("limited", "1.0.0")).rate_limits(limits).build().expect("build");
    let (addr, run) = serve_http(&server, HttpOptions { sessionless: true, ..HttpOptions::default() }).await;
    let echo = |id: u64| {
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": "echo", "arguments": {} } });
        Request::post_json(&body)
            .header("MCP-Protocol-Version", "2025-11-25")
            .header("Mcp-Method", "tools/call")
            .header("Mcp-Name", "echo")
    };
    let mut passed = 0;
    for id in 0..40 {
        let answer = answer_of(&send(addr, &echo(id).from("127.0.0.1")).await);
        if answer.get("result").is_some() {
            passed += 1;
        } else {
            assert_eq!(answer["error"]["code"], codes::RATE_LIMITED, "{answer}");
        }
    }
    assert_eq!(passed, 5, "a 5-call limit lets exactly 5 of 40 through");
    // Another address is another client; so is it on the 2026 wire.
    assert!(answer_of(&send(addr, &echo(41).from("127.0.0.2")).await).get("result").is_some());
    let mut params = json!({ "name": "echo", "arguments": {} });
    params["_meta"] = MemoryClient::modern_meta(json!({}));
    let modern = Request::post_json(&json!({ "jsonrpc": "2.0", "id": 42, "method": "tools/call", "params": params }))
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "echo");
    assert!(answer_of(&send(addr, &modern.clone().from("127.0.0.3")).await).get("result").is_some());
    let over = answer_of(&send(addr, &modern.from("127.0.0.1")).await);
    assert_eq!(over["error"]["code"], codes::RATE_LIMITED, "the first address is still over its limit: {over}");
    stop_http(&server, run).await;
}

/// A mounted app whose host does not give the client's address: requests without a session
/// still count, together, against one bucket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mounted_app_without_addresses_still_limits_sessionless_requests() {
    let limits = RateLimits { per_client: Some(Rate::new(5, HOUR)), ..RateLimits::default() };
    let server = tools(Server::builder("limited", "1.0.0")).rate_limits(limits).build().expect("build");
    let mcp = server.http_app(HttpOptions { sessionless: true, ..HttpOptions::default() });
    let mut passed = 0;
    for id in 0..40 {
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": "echo", "arguments": {} } });
        let headers = [
            ("Host", "127.0.0.1:8000"),
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
            ("Mcp-Method", "tools/call"),
            ("Mcp-Name", "echo"),
        ]
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
        .collect();
        let request = mcpforge::transport::http::HostRequest {
            method: "POST".into(),
            target: "/mcp".into(),
            headers,
            body: body.to_string().into_bytes(),
            remote: None,
        };
        let mut response = mcp.handle_hosted(request).await.expect("handed over");
        let answer: Value = serde_json::from_slice(&response.read_whole().await).expect("JSON");
        if answer.get("result").is_some() {
            passed += 1;
        } else {
            assert_eq!(answer["error"]["code"], codes::RATE_LIMITED, "{answer}");
        }
    }
    assert_eq!(passed, 5);
}
