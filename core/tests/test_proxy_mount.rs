//! Composition: servers of the same process mounted into one proxy under prefixes, next to
//! the proxy's own tools. Two mounted servers with clashing names are both served, each
//! under its prefix; calls, reads (listed resources and templates), prompts and completions
//! reach the server that owns them under its own names; its resource updates and list
//! changes reach the downstream client renamed; a mount detached takes its items away and
//! leaves the rest serving. The client speaks Streamable HTTP to the
//! proxy on 127.0.0.1; every wait is bounded.

use crate::proxy_harness::{Gateway, WAIT, eventually, text};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mcpforge::handler::BoxFuture;
use mcpforge::proxy::{Mode, Upstream};
use mcpforge::{
    CompleteRequest, CompletionHandler, CompletionOutput, CompletionRef, GetPromptResult, Prompt, PromptMessage,
    ProtocolError, RequestContext, Resource, ResourceContents, ResourceTemplate, Server, Tool, ToolError,
};
use serde_json::{Map, Value, json};

/// Completes with what it was asked about, so the test sees the name the upstream got.
struct Echo;

impl CompletionHandler for Echo {
    fn complete(
        &self,
        _ctx: RequestContext,
        request: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let said = match request.reference {
            CompletionRef::Prompt { name } => name,
            CompletionRef::Resource { uri } => uri,
        };
        Box::pin(async move { Ok(CompletionOutput::Values(vec![said])) })
    }
}

/// A server named `name` with a tool `forecast`, a prompt `brief`, a resource
/// `data://city/home`, a template `data://city/{name}` and completions: the same names in
/// every server made here.
fn city_server(name: &'static str) -> Server {
    let read = move |_ctx: RequestContext, uri: String| async move {
        Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, format!("{name} home"))])
    };
    let read_template = move |_ctx: RequestContext, uri: String, vars: BTreeMap<String, String>| async move {
        let city = vars.get("name").cloned().unwrap_or_default();
        Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, format!("{name} on {city}"))])
    };
    let prompt = move |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
        Ok::<_, ToolError>(GetPromptResult::new(vec![PromptMessage::user(format!("{name} brief"))]))
    };
    Server::builder(name, "1.0.0")
        .tool(
            Tool::new("forecast")
                .input_schema(json!({ "type": "object", "properties": { "city": { "type": "string" } } })),
            move |args: Value| async move {
                Ok::<_, ToolError>(format!("{name}: {}", args["city"].as_str().unwrap_or("?")))
            },
        )
        .resource(Resource::new("data://city/home", "home"), read)
        .resource_template(ResourceTemplate::new("data://city/{name}", "city"), read_template)
        .prompt(Prompt::new("brief"), prompt)
        .completion(None, Arc::new(Echo))
        .enable_resources()
        .build()
        .expect("builds")
}

fn names(listed: &[Value], key: &str) -> Vec<String> {
    let mut names: Vec<String> = listed.iter().filter_map(|d| d[key].as_str().map(str::to_owned)).collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_with_the_same_names_are_served_under_their_prefixes() {
    let own = Server::builder("parent", "1.0.0")
        .tool(Tool::new("hello"), |_: Value| async { Ok::<_, ToolError>("parent says hello") });
    let upstreams = vec![
        Upstream::server("weather", city_server("weather")).prefix("weather").mode(Mode::Shared),
        Upstream::server("news", city_server("news")).prefix("news"),
    ];
    let gateway = Gateway::start_with(own, upstreams).await;
    let client = gateway.client("composer").await;

    let tools = client.list_tools().await.expect("tools");
    assert_eq!(names(&tools, "name"), ["hello", "news_forecast", "weather_forecast"]);
    let called = client.call_tool("weather_forecast", json!({ "city": "Lyon" })).await.expect("called");
    assert_eq!(text(&called), "weather: Lyon");
    let called = client.call_tool("news_forecast", json!({ "city": "Oslo" })).await.expect("called");
    assert_eq!(text(&called), "news: Oslo");
    assert_eq!(text(&client.call_tool("hello", json!({})).await.expect("own tool")), "parent says hello");
    let unknown = client.call_tool("forecast", json!({})).await;
    assert!(unknown.is_err() || called_failed(&unknown), "an unprefixed name is no tool: {unknown:?}");

    let resources = client.list_resources().await.expect("resources");
    assert_eq!(names(&resources, "uri"), ["data://news/city/home", "data://weather/city/home"]);
    let templates = client.list_resource_templates().await.expect("templates");
    assert_eq!(names(&templates, "uriTemplate"), ["data://news/city/{name}", "data://weather/city/{name}"]);
    let read = client.read_resource("data://weather/city/home").await.expect("read");
    assert_eq!(read["contents"][0], json!({ "uri": "data://weather/city/home", "text": "weather home" }));
    let read = client.read_resource("data://news/city/paris").await.expect("template read");
    assert_eq!(read["contents"][0]["uri"], "data://news/city/paris", "the URI as the client named it");
    assert_eq!(read["contents"][0]["text"], "news on paris");
    assert!(client.read_resource("data://city/home").await.is_err(), "the upstream's own URI is not served");

    let prompts = client.list_prompts().await.expect("prompts");
    assert_eq!(names(&prompts, "name"), ["news_brief", "weather_brief"]);
    let got = client.get_prompt("news_brief", Map::new()).await.expect("prompt");
    assert_eq!(got["messages"][0]["content"]["text"], "news brief");

    // A completion reaches its owner under the owner's own names.
    let argument = json!({ "name": "x", "value": "" });
    let prompt_ref = json!({ "type": "ref/prompt", "name": "weather_brief" });
    let done = client.complete(prompt_ref, argument.clone(), None).await.expect("completed");
    assert_eq!(done["completion"]["values"], json!(["brief"]));
    let template_ref = json!({ "type": "ref/resource", "uri": "data://news/city/{name}" });
    let done = client.complete(template_ref, argument, None).await.expect("completed");
    assert_eq!(done["completion"]["values"], json!(["data://city/{name}"]));
}

/// The params of the next `notifications/resources/updated` the client hears (bounded).
async fn next_update(heard: &mut tokio::sync::mpsc::Receiver<mcpforge::client::Notification>) -> Value {
    let wait = async {
        loop {
            let n = heard.recv().await.expect("open");
            if n.method == "notifications/resources/updated" {
                return n.params;
            }
        }
    };
    tokio::time::timeout(WAIT, wait).await.expect("the update within the bound")
}

/// Whether a tool call's answer is an error result.
fn called_failed(result: &Result<Value, mcpforge::client::ClientError>) -> bool {
    matches!(result, Ok(r) if r["isError"] == true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mounted_server_s_changes_and_updates_reach_the_client_renamed() {
    let weather = city_server("weather");
    let upstream = Upstream::server("weather", weather.clone()).prefix("weather").mode(Mode::Shared);
    let gateway = Gateway::start_with(Server::builder("parent", "1.0.0"), vec![upstream]).await;
    let client = gateway.client("watcher").await;
    let mut heard = client.notifications().expect("notifications");

    client.subscribe("data://weather/city/home").await.expect("subscribed");
    weather.notify_resource_updated("data://city/home");
    assert_eq!(next_update(&mut heard).await["uri"], "data://weather/city/home");

    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    weather
        .add_tool(Tool::new("alerts"), move |_: Value| {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, ToolError>("none") }
        })
        .expect("added");
    let listed = || async { names(&client.list_tools().await.expect("tools"), "name") };
    let deadline = tokio::time::Instant::now() + WAIT;
    while !listed().await.contains(&"weather_alerts".to_owned()) {
        assert!(tokio::time::Instant::now() < deadline, "the new tool was not mirrored in time");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(text(&client.call_tool("weather_alerts", json!({})).await.expect("called")), "none");
    eventually("the upstream's tool ran", || calls.load(Ordering::SeqCst) == 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serving_server_mounts_and_keeps_the_relay_when_its_middleware_is_replaced() {
    let parent = Server::builder("parent", "1.0.0").build().expect("builds");
    let options = mcpforge::HttpOptions { bind: "127.0.0.1:0".parse().expect("an address"), ..Default::default() };
    let http = parent.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("local address");
    let run = tokio::spawn(http.run());

    let weather = city_server("weather");
    let upstream = Upstream::server("weather", weather.clone()).prefix("weather").mode(Mode::Shared);
    let _mounted = tokio::time::timeout(WAIT, parent.mount(upstream)).await.expect("mounted in time");
    // The application's chain replaced after the mount (as the bindings do): the relay stays.
    let passed = Arc::new(AtomicUsize::new(0));
    let counted = passed.clone();
    parent.set_middleware(move |req: mcpforge::middleware::Request, next: mcpforge::middleware::Next| {
        counted.fetch_add(1, Ordering::SeqCst);
        next.run(req)
    });

    let transport = mcpforge::client::transport::HttpTransport::new(format!("http://{addr}/mcp"));
    let client = mcpforge::client::Client::builder("late", "1.0.0").connect(transport);
    let client = tokio::time::timeout(WAIT, client).await.expect("in time").expect("connects");
    let called = client.call_tool("weather_forecast", json!({ "city": "Lyon" })).await.expect("called");
    assert_eq!(text(&called), "weather: Lyon");
    assert!(passed.load(Ordering::SeqCst) > 0, "the application's middleware saw the call");

    let mut heard = client.notifications().expect("notifications");
    client.subscribe("data://weather/city/home").await.expect("subscribed");
    weather.notify_resource_updated("data://city/home");
    // It comes only if the subscription reached the mounted server.
    assert_eq!(next_update(&mut heard).await["uri"], "data://weather/city/home");
    parent.shutdown();
    run.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upstream_s_items_are_listed_in_its_order() {
    // Neither sorted nor in any order a hash map keeps.
    let order = ["zeta", "alpha", "mu", "beta", "omega", "delta", "kappa", "gamma", "iota", "eta", "chi", "pi"];
    let upstream = order.iter().fold(Server::builder("ordered", "1.0.0"), |builder, name| {
        let read = |_ctx: RequestContext, uri: String| async move {
            Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, "text")])
        };
        builder
            .tool(Tool::new(*name), |_: Value| async { Ok::<_, ToolError>("done") })
            .resource(Resource::new(format!("data://{name}"), *name), read)
    });
    let gateway = Gateway::start(vec![Upstream::server("ordered", upstream.build().expect("built"))]).await;
    let client = gateway.client("reader").await;
    let listed = |items: Vec<Value>, key: &str| -> Vec<String> {
        items.iter().filter_map(|d| d[key].as_str().map(str::to_owned)).collect()
    };
    assert_eq!(listed(client.list_tools().await.expect("tools"), "name"), order);
    let uris: Vec<String> = order.iter().map(|name| format!("data://{name}")).collect();
    assert_eq!(listed(client.list_resources().await.expect("resources"), "uri"), uris);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detached_mount_leaves_the_others_and_the_session_serving() {
    let parent = Server::builder("parent", "1.0.0")
        .tool(Tool::new("hello"), |_: Value| async { Ok::<_, ToolError>("parent says hello") })
        .build()
        .expect("builds");
    let options = mcpforge::HttpOptions { bind: "127.0.0.1:0".parse().expect("an address"), ..Default::default() };
    let http = parent.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("local address");
    let run = tokio::spawn(http.run());
    let mount = |name: &'static str| {
        let upstream = Upstream::server(name, city_server(name)).prefix(name).mode(Mode::Shared);
        tokio::time::timeout(WAIT, parent.mount(upstream))
    };
    let weather = mount("weather").await.expect("mounted in time");
    let _news = mount("news").await.expect("mounted in time");

    let transport = mcpforge::client::transport::HttpTransport::new(format!("http://{addr}/mcp"));
    let client = mcpforge::client::Client::builder("stays", "1.0.0").connect(transport);
    let client = tokio::time::timeout(WAIT, client).await.expect("in time").expect("connects");
    let mut heard = client.notifications().expect("notifications");
    let tools = client.list_tools().await.expect("tools");
    assert_eq!(names(&tools, "name"), ["hello", "news_forecast", "weather_forecast"]);

    weather.detach();
    let changed = async {
        loop {
            if heard.recv().await.expect("open").method == "notifications/tools/list_changed" {
                return;
            }
        }
    };
    tokio::time::timeout(WAIT, changed).await.expect("tools/list_changed within the bound");
    let tools = client.list_tools().await.expect("tools");
    assert_eq!(names(&tools, "name"), ["hello", "news_forecast"]);
    let resources = client.list_resources().await.expect("resources");
    assert_eq!(names(&resources, "uri"), ["data://news/city/home"]);
    let gone = client.call_tool("weather_forecast", json!({})).await;
    assert!(gone.is_err() || called_failed(&gone), "a detached tool is no tool: {gone:?}");
    let called = client.call_tool("news_forecast", json!({ "city": "Oslo" })).await.expect("the session serves on");
    assert_eq!(text(&called), "news: Oslo");
    // Subscriptions and log levels are relayed to the mounts that remain only.
    let level = tokio::time::timeout(WAIT, client.set_logging_level(mcpforge::LogLevel::Info));
    level.await.expect("in time, not waiting for the detached upstream").expect("the level set");
    parent.shutdown();
    run.abort();
}
