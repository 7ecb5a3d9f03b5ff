//! Middleware around every request: the order of the chain, a middleware that denies
//! (a tool error or a JSON-RPC error, the handler never running), argument rewrites (still
//! validated against the tool's schema), what a middleware sees before and after the call
//! on both wires, answers a middleware makes itself on the 2026-07-28 wire, a panicking
//! middleware, and middleware added and removed while serving.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mcpforge::{Answer, MemoryClient, MiddlewareRequest, Next, ProtocolError, Server, Tool, ToolError};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, JsonSchema)]
struct AddArgs {
    a: i64,
    b: i64,
}

/// A server with `add` (counting its runs in `runs`) and `secret`.
fn builder(runs: Arc<AtomicUsize>) -> mcpforge::ServerBuilder {
    Server::builder("middleware-test", "1.0.0")
        .typed_tool::<AddArgs, _>("add", "Adds two integers", move |args: AddArgs| {
            runs.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ToolError>((args.a + args.b).to_string()) }
        })
        .tool(Tool::new("secret").description("Nobody may call it"), |_args: Value| async move {
            Ok::<_, ToolError>("the secret".to_owned())
        })
}

async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    client
}

type Log = Arc<Mutex<Vec<String>>>;

/// A middleware that writes `<label>-in <method>` and `<label>-out <method>` to `log`.
fn recorder(
    label: &'static str,
    log: Log,
) -> impl Fn(MiddlewareRequest, Next) -> mcpforge::BoxFuture<'static, mcpforge::MiddlewareResult> {
    move |req: MiddlewareRequest, next: Next| {
        let log = log.clone();
        Box::pin(async move {
            let method = req.method().to_owned();
            log.lock().unwrap().push(format!("{label}-in {method}"));
            let answer = next.run(req).await;
            log.lock().unwrap().push(format!("{label}-out {method}"));
            answer
        })
    }
}

#[tokio::test]
async fn the_first_middleware_is_the_outermost_and_every_request_passes() {
    let log: Log = Arc::default();
    let server = builder(Arc::default())
        .middleware(recorder("a", log.clone()))
        .middleware(recorder("b", log.clone()))
        .build()
        .expect("build");
    let client = legacy(&server).await;
    let r = client.call_tool("add", json!({ "a": 1, "b": 2 })).await.expect("call");
    assert_eq!(r["content"][0]["text"], "3");
    client.request("tools/list", json!({})).await.expect("list");
    client.request("ping", json!({})).await.expect("ping");
    let seen = log.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "a-in tools/call",
            "b-in tools/call",
            "b-out tools/call",
            "a-out tools/call",
            "a-in tools/list",
            "b-in tools/list",
            "b-out tools/list",
            "a-out tools/list",
            "a-in ping",
            "b-in ping",
            "b-out ping",
            "a-out ping",
        ]
    );
    client.close().await.expect("close");
}

#[tokio::test]
async fn a_middleware_denies_with_a_tool_error_or_a_protocol_error_and_the_handler_never_runs() {
    let runs = Arc::new(AtomicUsize::new(0));
    let server = builder(runs.clone())
        .middleware(|req: MiddlewareRequest, next: Next| async move {
            match (req.method(), req.name()) {
                ("tools/call", Some("secret")) => Ok(Answer::tool_error("secret is not for you")),
                ("tools/call", Some("add")) if req.arguments().and_then(|a| a.get("a")) == Some(&json!(666)) => {
                    Err(ProtocolError::new(-32001, "denied by policy").with_data(json!({ "rule": "no-666" })))
                }
                _ => next.run(req).await,
            }
        })
        .build()
        .expect("build");
    let client = legacy(&server).await;
    let r = client.call_tool("secret", json!({})).await.expect("call");
    assert_eq!(r, json!({ "content": [{ "type": "text", "text": "secret is not for you" }], "isError": true }));
    let e = client.call_tool("add", json!({ "a": 666, "b": 1 })).await.expect_err("denied");
    assert_eq!((e.code, e.message.as_str()), (-32001, "denied by policy"));
    assert_eq!(e.data, Some(json!({ "rule": "no-666" })));
    assert_eq!(runs.load(Ordering::SeqCst), 0, "a denied call never reaches the handler");
    let r = client.call_tool("add", json!({ "a": 1, "b": 1 })).await.expect("call");
    assert_eq!(r["content"][0]["text"], "2");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    client.close().await.expect("close");
}

#[tokio::test]
async fn rewritten_arguments_reach_the_handler_and_are_still_validated() {
    let server = builder(Arc::default())
        .middleware(|mut req: MiddlewareRequest, next: Next| async move {
            if let Some(args) = req.arguments_mut() {
                match args.get("b") {
                    // A default filled in by policy.
                    None => {
                        args.insert("b".into(), json!(100));
                    }
                    // A rewrite the schema refuses: the engine still checks.
                    Some(b) if b == &json!(-1) => {
                        args.insert("b".into(), json!("not a number"));
                    }
                    Some(_) => {}
                }
            }
            next.run(req).await
        })
        .build()
        .expect("build");
    let client = legacy(&server).await;
    let r = client.call_tool("add", json!({ "a": 1 })).await.expect("call");
    assert_eq!(r["content"][0]["text"], "101");
    let r = client.request("tools/call", json!({ "name": "add" })).await.expect("call without arguments");
    assert_eq!(r["isError"], true, "no `a`: {r}");
    let r = client.call_tool("add", json!({ "a": 1, "b": -1 })).await.expect("call");
    assert_eq!(r["isError"], true, "{r}");
    assert!(r["content"][0]["text"].as_str().unwrap().starts_with("Invalid arguments for tool add"), "{r}");
    client.close().await.expect("close");
}

/// What one middleware saw of one request.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    method: String,
    name: Option<String>,
    version: String,
    modern: bool,
    client: Option<Value>,
    trace: Option<Value>,
    result: Result<Value, i64>,
    tool_error: bool,
}

#[tokio::test]
async fn a_middleware_sees_the_request_and_its_outcome_on_both_wires() {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let took: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (sink, times) = (seen.clone(), took.clone());
    let server = builder(Arc::default())
        .tool(Tool::new("fails"), |_args: Value| async move { Err::<String, _>(ToolError::new("it broke")) })
        .tool(Tool::new("sleepy"), |_args: Value| async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            Ok::<_, ToolError>("rested".to_owned())
        })
        .middleware(move |req: MiddlewareRequest, next: Next| {
            let (sink, times) = (sink.clone(), times.clone());
            async move {
                let method = req.method().to_owned();
                let name = req.name().map(str::to_owned);
                let version = req.protocol_version().as_str().to_owned();
                let modern = req.is_modern();
                let client = req.client_info().cloned();
                let trace = req.meta().and_then(|m| m.get("traceparent")).cloned();
                let started = Instant::now();
                let answer = next.run(req).await;
                times.lock().unwrap().push(started.elapsed());
                let (result, tool_error) = match &answer {
                    Ok(a) => (Ok(a.to_json()), a.is_tool_error()),
                    Err(e) => (Err(e.code), false),
                };
                sink.lock().unwrap().push(Seen { method, name, version, modern, client, trace, result, tool_error });
                answer
            }
        })
        .build()
        .expect("build");
    let client = legacy(&server).await;
    client.call_tool("add", json!({ "a": 2, "b": 3 })).await.expect("call");
    client.call_tool("fails", json!({})).await.expect("call");
    client.call_tool("sleepy", json!({})).await.expect("call");
    client.call_tool("nope", json!({})).await.expect_err("unknown");
    let mut params = json!({ "name": "add", "arguments": { "a": 1, "b": 1 } });
    params["_meta"] = MemoryClient::modern_meta(json!({}));
    params["_meta"]["traceparent"] = json!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    let modern = client.request("tools/call", params).await.expect("modern call");
    assert_eq!(modern["content"][0]["text"], "2");

    let seen = seen.lock().unwrap().clone();
    let legacy_client = Some(json!({ "name": "mcpforge-memory-client", "version": env!("CARGO_PKG_VERSION") }));
    assert_eq!(seen.len(), 5, "{seen:#?}");
    assert_eq!(seen[0].method, "tools/call");
    assert_eq!(seen[0].name.as_deref(), Some("add"));
    assert_eq!((seen[0].version.as_str(), seen[0].modern), ("2025-11-25", false));
    assert!(seen[0].client.as_ref().is_some_and(|c| c["name"].is_string()), "{:?}", seen[0].client);
    assert_eq!(seen[0].result, Ok(json!({ "content": [{ "type": "text", "text": "5" }] })));
    assert!(!seen[0].tool_error);
    assert_eq!(seen[1].result, Ok(json!({ "content": [{ "type": "text", "text": "it broke" }], "isError": true })));
    assert!(seen[1].tool_error);
    assert_eq!(seen[3].result, Err(-32602), "an unknown tool's error is seen by the middleware");
    let last = &seen[4];
    assert_eq!((last.version.as_str(), last.modern), ("2026-07-28", true));
    assert_eq!(last.client, legacy_client, "the 2026 request's own client info");
    assert_eq!(last.trace, Some(json!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
    assert_eq!(last.result.as_ref().map(|r| r["resultType"].clone()), Ok(json!("complete")));
    assert!(took.lock().unwrap()[2] >= Duration::from_millis(30), "the duration covers the handler");
    client.close().await.expect("close");
}

#[tokio::test]
async fn an_answer_made_by_a_middleware_is_finished_for_its_era() {
    let server = builder(Arc::default())
        .middleware(|req: MiddlewareRequest, next: Next| async move {
            match req.method() {
                "tools/list" => Ok(Answer::result(json!({ "tools": [] }))),
                "prompts/list" => Ok(Answer::result(json!({ "prompts": [], "ttlMs": 5 }))),
                "tools/call" => Ok(Answer::result(json!({ "content": [] }))),
                _ => next.run(req).await,
            }
        })
        .build()
        .expect("build");
    let client = legacy(&server).await;
    assert_eq!(client.request("tools/list", json!({})).await.expect("list"), json!({ "tools": [] }));
    let modern = client.request_modern("tools/list", json!({}), json!({})).await.expect("modern list");
    assert_eq!(modern["tools"], json!([]));
    assert_eq!(modern["resultType"], "complete");
    assert_eq!(modern["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "middleware-test", "{modern}");
    // A list is cacheable on the 2026 wire: the cache fields are added (the answer's own kept).
    let routed = client.request_modern("server/discover", json!({}), json!({})).await.expect("routed discovery");
    assert!(routed["ttlMs"].is_u64() && routed["cacheScope"].is_string(), "{routed}");
    assert_eq!((&modern["ttlMs"], &modern["cacheScope"]), (&routed["ttlMs"], &routed["cacheScope"]), "{modern}");
    let own = client.request_modern("prompts/list", json!({}), json!({})).await.expect("own ttl");
    assert_eq!((own["ttlMs"].clone(), own["cacheScope"].clone()), (json!(5), routed["cacheScope"].clone()), "{own}");
    let call = client.request_modern("tools/call", json!({ "name": "add" }), json!({})).await.expect("call");
    assert!(call.get("ttlMs").is_none() && call.get("cacheScope").is_none(), "a call is not cacheable: {call}");
    client.close().await.expect("close");
}

#[tokio::test]
async fn a_panicking_middleware_fails_its_request_and_the_server_goes_on() {
    let server = builder(Arc::default())
        .middleware(|req: MiddlewareRequest, next: Next| async move {
            if req.name() == Some("secret") {
                panic!("middleware bug");
            }
            next.run(req).await
        })
        .build()
        .expect("build");
    let client = legacy(&server).await;
    let e = client.call_tool("secret", json!({})).await.expect_err("panicked");
    assert_eq!(e.code, -32603);
    let r = client.call_tool("add", json!({ "a": 1, "b": 1 })).await.expect("the server still serves");
    assert_eq!(r["content"][0]["text"], "2");
    client.close().await.expect("close");
}

#[tokio::test]
async fn middleware_added_and_cleared_while_serving_applies_to_later_requests() {
    let server = builder(Arc::default()).build().expect("build");
    let client = legacy(&server).await;
    assert_eq!(client.call_tool("secret", json!({})).await.expect("call")["content"][0]["text"], "the secret");
    server.add_middleware(|req: MiddlewareRequest, next: Next| async move {
        if req.name() == Some("secret") { Ok(Answer::tool_error("closed")) } else { next.run(req).await }
    });
    assert_eq!(client.call_tool("secret", json!({})).await.expect("call")["isError"], true);
    assert_eq!(client.call_tool("add", json!({ "a": 1, "b": 1 })).await.expect("call")["content"][0]["text"], "2");
    server.clear_middleware();
    assert_eq!(client.call_tool("secret", json!({})).await.expect("call")["content"][0]["text"], "the secret");
    client.close().await.expect("close");
}
