//! The server the client tests talk to (in memory and over HTTP): a tool of each kind the
//! client must handle (plain, structured, progress, waiting to be cancelled, asking the
//! client for input, logging), 25 tools in all for pagination, a resource and a template
//! with subscriptions, and a prompt with completions.

#![allow(dead_code, reason = "each test file uses a different part of the server")]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mcpforge::client::{Client, ClientBuilder, Protocol};
use mcpforge::{
    BoxFuture, CompleteRequest, CompletionHandler, CompletionOutput, CompletionRef, CreateMessageRequest,
    ElicitRequest, GetPromptResult, HandlerError, Json, Limits, LogLevel, Prompt, PromptArgument, PromptMessage,
    ProtocolError, RequestContext, Resource, ResourceContents, ResourceTemplate, Server, Tool, ToolError,
};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How many filler tools the server lists besides the named ones.
pub const FILLER_TOOLS: usize = 20;
/// How many tools the server lists in all.
pub const TOOLS: usize = 9 + FILLER_TOOLS;
/// The server's page size: lists take several pages.
pub const PAGE_SIZE: usize = 7;

/// The server, and what its `wait` tool reports: the reason it ended, once per call.
pub struct TestServer {
    pub server: Server,
    pub ended: mpsc::UnboundedReceiver<String>,
}

struct Languages;

impl CompletionHandler for Languages {
    fn complete(
        &self,
        _ctx: RequestContext,
        req: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let values = ["rust", "ruby", "python"].iter().filter(|l| l.starts_with(&req.value)).map(|l| (*l).to_owned());
        let values = values.collect();
        Box::pin(async move { Ok(CompletionOutput::Values(values)) })
    }
}

/// Builds the test server.
pub fn test_server() -> TestServer {
    let (ended_tx, ended) = mpsc::unbounded_channel();
    let mut builder = Server::builder("client-test-server", "1.0.0")
        .limits(Limits { page_size: PAGE_SIZE, ..Limits::default() })
        .resource_subscriptions(true)
        .tool(Tool::new("echo").input_schema(json!({ "type": "object", "properties": { "text": { "type": "string" } } })), |args: Value| async move {
            Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned())
        })
        .tool(
            Tool::new("add")
                .input_schema(json!({ "type": "object", "properties": { "a": { "type": "number" }, "b": { "type": "number" } } }))
                .output_schema(json!({ "type": "object", "properties": { "sum": { "type": "number" } }, "required": ["sum"] })),
            |args: Value| async move {
                let sum = args["a"].as_f64().unwrap_or(0.0) + args["b"].as_f64().unwrap_or(0.0);
                Ok::<_, ToolError>(Json(json!({ "sum": sum })))
            },
        )
        .tool(
            Tool::new("steps").input_schema(json!({ "type": "object", "properties": { "steps": { "type": "integer" }, "ms": { "type": "integer" } } })),
            |ctx: RequestContext, args: Value| async move {
                let steps = args["steps"].as_u64().unwrap_or(1);
                for i in 1..=steps {
                    tokio::time::sleep(Duration::from_millis(args["ms"].as_u64().unwrap_or(10))).await;
                    ctx.report_progress(i as f64, Some(steps as f64), None);
                    ctx.log(LogLevel::Info, json!({ "step": i }), Some("steps"));
                }
                Ok::<_, ToolError>(format!("{steps} steps"))
            },
        )
        .tool(Tool::new("wait"), move |ctx: RequestContext, _: Value| {
            let ended = ended_tx.clone();
            async move {
                tokio::select! {
                    () = ctx.cancelled() => { let _ = ended.send("cancelled".to_owned()); }
                    () = tokio::time::sleep(Duration::from_secs(60)) => { let _ = ended.send("finished".to_owned()); }
                }
                Ok::<_, ToolError>("waited")
            }
        })
        .tool(
            Tool::new("region").input_schema(json!({ "type": "object", "properties": {
                "region": { "type": "string", "x-mcp-header": "Region" },
                "zone": { "type": "integer", "x-mcp-header": "Zone" } } })),
            |args: Value| async move { Ok::<_, ToolError>(format!("{} {}", args["region"], args["zone"])) },
        )
        .tool(Tool::new("ask"), |ctx: RequestContext, _: Value| async move {
            let schema = json!({ "type": "object", "properties": { "name": { "type": "string" } } });
            let answer = ctx.elicit(ElicitRequest::form("Your name?", schema)).await?;
            Ok::<_, HandlerError>(json!(answer.content).to_string())
        })
        .tool(Tool::new("ask_url"), |ctx: RequestContext, _: Value| async move {
            let answer = ctx.elicit(ElicitRequest::url("Sign in", "https://example.com/login", "e-1")).await?;
            Ok::<_, HandlerError>(format!("{:?}", answer.action))
        })
        .tool(Tool::new("sample"), |ctx: RequestContext, _: Value| async move {
            let reply = ctx.sample(CreateMessageRequest::user_text("Say hi", 10)).await?;
            Ok::<_, HandlerError>(reply.text().unwrap_or("(none)").to_owned())
        })
        .tool(Tool::new("roots"), |ctx: RequestContext, _: Value| async move {
            let roots = ctx.list_roots().await?;
            Ok::<_, HandlerError>(roots.roots.into_iter().map(|r| r.uri).collect::<Vec<_>>().join(","))
        })
        .resource(Resource::new("file:///a.txt", "a"), |_ctx: RequestContext, uri: String| async move {
            Ok::<_, HandlerError>(vec![ResourceContents::text(uri, Some("text/plain"), "contents of a")])
        })
        .resource_template(
            ResourceTemplate::new("file:///t/{id}", "t"),
            |_ctx: RequestContext, uri: String, vars: BTreeMap<String, String>| async move {
                Ok::<_, HandlerError>(vec![ResourceContents::text(uri, None, vars["id"].clone())])
            },
        )
        .prompt(
            Prompt::new("greet").argument(PromptArgument::required("name", "Who")),
            |_ctx: RequestContext, args: BTreeMap<String, String>| async move {
                Ok::<_, HandlerError>(GetPromptResult::new(vec![PromptMessage::user(format!("Hello, {}!", args["name"]))]))
            },
        )
        .completion(Some(CompletionRef::Prompt { name: "greet".into() }), Arc::new(Languages));
    for i in 0..FILLER_TOOLS {
        builder = builder.tool(Tool::new(format!("filler-{i:02}")), |_: Value| async { Ok::<_, ToolError>("ok") });
    }
    TestServer { server: builder.build().expect("a valid server"), ended }
}

/// The text of a tool result's first content block.
pub fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

/// The test server on the engine's HTTP listener on 127.0.0.1 (serving WebSocket too when
/// asked).
pub struct Served {
    pub test: TestServer,
    pub addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    pub async fn start(websocket: bool) -> Served {
        let test = test_server();
        let bind = "127.0.0.1:0".parse().expect("an address");
        let options = mcpforge::HttpOptions { bind, websocket, ..mcpforge::HttpOptions::default() };
        let http = test.server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { test, addr, run: tokio::spawn(http.run()) }
    }

    /// The MCP endpoint's URL with `scheme` (`http`, `ws`).
    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}/mcp", self.addr)
    }

    pub async fn stop(self) {
        self.test.server.shutdown();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.run).await;
    }
}

/// A client on `protocol` answering sampling, elicitation and roots, each call bounded by
/// `timeout`.
pub fn answering(name: &str, protocol: Protocol, timeout: Duration) -> ClientBuilder {
    Client::builder(name, "1.0.0")
        .protocol(protocol)
        .on_sampling(|_| async {
            Ok(json!({ "role": "assistant", "content": { "type": "text", "text": "sampled" }, "model": "m" }))
        })
        .on_elicitation(|_| async { Ok(json!({ "action": "accept", "content": { "name": "Ada" } })) })
        .roots(vec![json!({ "uri": "file:///r" })])
        .timeout(timeout)
}

/// Lists, calls and the server's requests answered (as `answering` answers them), the same
/// over every transport; `echo` says `said` back.
pub async fn calls(client: &Client, said: &str) {
    assert_eq!(client.list_tools().await.expect("tools/list").len(), TOOLS);
    assert_eq!(text(&client.call_tool("echo", json!({ "text": said })).await.expect("echo")), said);
    let added = client.call_tool("add", json!({ "a": 1, "b": 2 })).await.expect("add");
    assert_eq!(added["structuredContent"]["sum"], 3.0);
    assert_eq!(text(&client.call_tool("sample", json!({})).await.expect("sampling")), "sampled");
    assert_eq!(text(&client.call_tool("ask", json!({})).await.expect("elicitation")), r#"{"name":"Ada"}"#);
    assert_eq!(text(&client.call_tool("roots", json!({})).await.expect("roots")), "file:///r");
    let read = client.read_resource("file:///a.txt").await.expect("read");
    assert_eq!(read["contents"][0]["text"], "contents of a");
}
