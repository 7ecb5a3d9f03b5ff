//! Rate limits: a client's burst then the `RATE_LIMITED` error with its retry hint, on both
//! wires; tool limits per client; recovery once the bucket refilled; the JSON option form;
//! and, over HTTP with bearer tokens, one bucket per authenticated subject on the 2026 wire.

mod http_client;

use std::net::SocketAddr;
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
