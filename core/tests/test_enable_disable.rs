//! Disabling and enabling registered items while serving (`Server::disable_tool`,
//! `enable_tool`, ... and `set_enabled`): a disabled tool, resource, resource template or
//! prompt is out of its list and answered exactly as an unknown one, on a legacy session
//! and on the 2026-07-28 wire alike; enabling puts it back in its place; every change of
//! state is a `list_changed` notification (none when nothing changed); the name stays
//! taken while disabled and is freed by removing; completions of a disabled prompt or
//! template fall back as for an unknown reference.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use mcpforge::handler::BoxFuture;
use mcpforge::{
    CatalogueKind, CompleteRequest, CompletionHandler, CompletionOutput, CompletionRef, Error, GetPromptResult, Limits,
    MemoryClient, Prompt, PromptArgument, PromptMessage, ProtocolError, RequestContext, Resource, ResourceContents,
    ResourceTemplate, Server, Tool, ToolError,
};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(5);
const SUB_KEY: &str = "io.modelcontextprotocol/subscriptionId";

/// Completes with the words it was made with.
struct Words(&'static [&'static str]);

impl CompletionHandler for Words {
    fn complete(
        &self,
        _ctx: RequestContext,
        _req: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let words = self.0.iter().map(|w| (*w).to_owned()).collect();
        Box::pin(async move { Ok(CompletionOutput::Values(words)) })
    }
}

fn server_with(limits: Limits) -> Server {
    let text = |t: &'static str| move |_args: Value| async move { Ok::<_, ToolError>(t.to_owned()) };
    let read = |_ctx: RequestContext, uri: String| async move {
        Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, "concrete")])
    };
    let read_template = |_ctx: RequestContext, uri: String, _vars: BTreeMap<String, String>| async move {
        Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, "templated")])
    };
    let prompt = |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
        Ok::<_, ToolError>(GetPromptResult::new(vec![PromptMessage::user("hi")]))
    };
    let guarded = Tool::new("deploy").input_schema(json!({
        "type": "object", "properties": { "env": { "type": "string" } }, "required": ["env"]
    }));
    Server::builder("toggle-test", "1.0.0")
        .limits(limits)
        .tool(Tool::new("alpha"), text("alpha"))
        .tool(guarded, text("deployed"))
        .tool(Tool::new("gamma"), text("gamma"))
        .resource(Resource::new("notes://readme", "readme"), read)
        .resource(Resource::new("db://secret", "secret"), read)
        .listed_resource_template(
            ResourceTemplate::new("notes://{id}", "note"),
            read_template,
            |_ctx: RequestContext| async { Ok::<_, ToolError>(vec![Resource::new("notes://1", "first note")]) },
        )
        .prompt(Prompt::new("greet"), prompt)
        .prompt(Prompt::new("incident").argument(PromptArgument::required("severity", "How bad")), prompt)
        .completion(Some(CompletionRef::Prompt { name: "incident".into() }), Arc::new(Words(&["sev1", "sev2"])))
        .completion(Some(CompletionRef::Resource { uri: "notes://{id}".into() }), Arc::new(Words(&["1", "2"])))
        .completion(None, Arc::new(Words(&["fallback"])))
        .build()
        .expect("build")
}

fn server() -> Server {
    server_with(Limits::default())
}

/// A legacy session, initialized and ready (the ping proves `initialized` was handled).
async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    client.request("ping", json!({})).await.expect("ping");
    client
}

fn names(list: &Value, field: &str, key: &str) -> Vec<String> {
    list[field].as_array().expect(field).iter().map(|t| t[key].as_str().expect(key).to_owned()).collect()
}

async fn next(client: &mut MemoryClient) -> Value {
    client.next_message(WAIT).await.expect("a message within the timeout")
}

fn plain(method: &str) -> Value {
    json!({ "jsonrpc": "2.0", "method": method })
}

fn tagged(method: &str, id: Value) -> Value {
    json!({ "jsonrpc": "2.0", "method": method, "params": { "_meta": { SUB_KEY: id } } })
}

/// Sends `method` with `params` on the wire the client speaks: plain on a legacy session,
/// with the per-request `_meta` when `modern`.
async fn ask(client: &MemoryClient, modern: bool, method: &str, params: Value) -> Result<Value, ProtocolError> {
    if modern { client.request_modern(method, params, json!({})).await } else { client.request(method, params).await }
}

/// The error of `method` for `disabled` and for `missing` (never registered), with the
/// names swapped so the two can be compared.
async fn both_errors(
    client: &MemoryClient,
    modern: bool,
    method: &str,
    params: impl Fn(&str) -> Value,
    disabled: &str,
    missing: &str,
) -> (ProtocolError, ProtocolError) {
    let a = ask(client, modern, method, params(disabled)).await.expect_err("the disabled item is refused");
    let mut b = ask(client, modern, method, params(missing)).await.expect_err("the missing item is refused");
    b.message = b.message.replace(missing, disabled);
    (a, b)
}

/// Everything a client sees of the disabled items, on either wire: not listed, refused as
/// unknown (a tool's arguments are not even checked), not read through a disabled template.
async fn disabled_items_read_as_unknown(client: &MemoryClient, modern: bool) {
    let tools = ask(client, modern, "tools/list", json!({})).await.unwrap();
    assert_eq!(names(&tools, "tools", "name"), ["alpha", "gamma"]);
    let call = |name: &str| json!({ "name": name, "arguments": {} });
    let (disabled, missing) = both_errors(client, modern, "tools/call", call, "deploy", "no_such").await;
    assert_eq!((disabled.code, &disabled.message, &disabled.data), (missing.code, &missing.message, &missing.data));

    let resources = ask(client, modern, "resources/list", json!({})).await.unwrap();
    assert_eq!(names(&resources, "resources", "uri"), ["notes://readme"], "no secret, no listed note");
    let templates = ask(client, modern, "resources/templates/list", json!({})).await.unwrap();
    assert_eq!(names(&templates, "resourceTemplates", "uriTemplate"), Vec::<String>::new());
    let read = |uri: &str| json!({ "uri": uri });
    for uri in ["db://secret", "notes://7"] {
        let (disabled, missing) = both_errors(client, modern, "resources/read", read, uri, "db://nothing").await;
        assert_eq!((disabled.code, &disabled.message), (missing.code, &missing.message));
    }

    let prompts = ask(client, modern, "prompts/list", json!({})).await.unwrap();
    assert_eq!(names(&prompts, "prompts", "name"), ["greet"]);
    let get = |name: &str| json!({ "name": name });
    let (disabled, missing) = both_errors(client, modern, "prompts/get", get, "incident", "nothing").await;
    assert_eq!((disabled.code, &disabled.message), (missing.code, &missing.message));

    // Completions of a disabled prompt or template go to the fallback, as an unknown one's.
    let complete = |r: Value| json!({ "ref": r, "argument": { "name": "x", "value": "" } });
    for r in
        [json!({ "type": "ref/prompt", "name": "incident" }), json!({ "type": "ref/resource", "uri": "notes://{id}" })]
    {
        let got = ask(client, modern, "completion/complete", complete(r)).await.unwrap();
        assert_eq!(got["completion"]["values"], json!(["fallback"]), "{got}");
    }
}

/// Disables one item of each kind, checking what each change returns and that the client
/// hears of it (`heard` makes the notification of a list as the client receives it; each
/// is awaited before the next change, as equal notifications still queued are sent once).
async fn disable_one_of_each(server: &Server, client: &mut MemoryClient, heard: impl Fn(&str) -> Value) {
    assert!(server.disable_tool("deploy"));
    assert_eq!(next(client).await, heard("notifications/tools/list_changed"));
    assert!(server.disable_resource("db://secret"));
    assert_eq!(next(client).await, heard("notifications/resources/list_changed"));
    assert!(server.disable_resource_template("notes://{id}"));
    assert_eq!(next(client).await, heard("notifications/resources/list_changed"));
    assert!(server.disable_prompt("incident"));
    assert_eq!(next(client).await, heard("notifications/prompts/list_changed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_session_sees_disabled_items_as_unknown_and_hears_each_change() {
    let server = server();
    let mut client = legacy(&server).await;
    // Fill the page caches first: a change must not be served from them.
    for method in ["tools/list", "resources/list", "resources/templates/list", "prompts/list"] {
        client.request(method, json!({})).await.unwrap();
    }
    disable_one_of_each(&server, &mut client, plain).await;
    disabled_items_read_as_unknown(&client, false).await;

    // Nothing changes: no notification, and the answer still says the item is registered.
    assert!(server.disable_tool("deploy"));
    assert!(server.enable_tool("alpha"));
    assert!(!server.disable_tool("no_such") && !server.enable_prompt("no_such"));
    assert!(!server.disable_resource("notes://{id}"), "a template is not a concrete resource");
    assert_eq!(client.drain_messages(), Vec::<Value>::new());

    // Enabled again: back in its place, answering as before.
    assert!(server.enable_tool("deploy"));
    assert_eq!(next(&mut client).await, plain("notifications/tools/list_changed"));
    let tools = client.request("tools/list", json!({})).await.unwrap();
    assert_eq!(names(&tools, "tools", "name"), ["alpha", "deploy", "gamma"]);
    let r = client.call_tool("deploy", json!({ "env": "prod" })).await.unwrap();
    assert_eq!(r["content"][0]["text"], "deployed");
    assert!(server.enable_resource_template("notes://{id}"));
    assert_eq!(next(&mut client).await, plain("notifications/resources/list_changed"));
    let read = client.request("resources/read", json!({ "uri": "notes://7" })).await.unwrap();
    assert_eq!(read["contents"][0]["text"], "templated");
    let resources = client.request("resources/list", json!({})).await.unwrap();
    assert_eq!(names(&resources, "resources", "uri"), ["notes://readme", "notes://1"]);
    assert!(server.enable_prompt("incident"));
    assert_eq!(next(&mut client).await, plain("notifications/prompts/list_changed"));
    let complete =
        json!({ "ref": { "type": "ref/prompt", "name": "incident" }, "argument": { "name": "severity", "value": "" } });
    let got = client.request("completion/complete", complete).await.unwrap();
    assert_eq!(got["completion"]["values"], json!(["sev1", "sev2"]));
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_2026_wire_sees_the_same_and_listen_streams_hear_each_change() {
    let server = server();
    let mut client = server.connect_memory();
    let listen = json!({
        "jsonrpc": "2.0", "id": "L", "method": "subscriptions/listen",
        "params": {
            "_meta": MemoryClient::modern_meta(json!({})),
            "notifications": { "toolsListChanged": true, "promptsListChanged": true, "resourcesListChanged": true },
        },
    });
    client.send_raw(&listen.to_string()).await.unwrap();
    assert_eq!(next(&mut client).await["method"], "notifications/subscriptions/acknowledged");

    disable_one_of_each(&server, &mut client, |m| tagged(m, json!("L"))).await;
    disabled_items_read_as_unknown(&client, true).await;

    assert!(server.enable_resource("db://secret"));
    assert_eq!(next(&mut client).await, tagged("notifications/resources/list_changed", json!("L")));
    let read = client.request_modern("resources/read", json!({ "uri": "db://secret" }), json!({})).await.unwrap();
    assert_eq!(read["contents"][0]["text"], "concrete");
    assert_eq!(client.drain_messages(), Vec::<Value>::new());
    client.close().await.unwrap();
}

#[tokio::test]
async fn a_disabled_name_stays_taken_until_removed() {
    let server = server();
    let client = legacy(&server).await;
    assert!(server.disable_tool("gamma"));
    assert_eq!(server.is_enabled(CatalogueKind::Tools, "gamma"), Some(false));
    assert_eq!(server.is_enabled(CatalogueKind::Tools, "alpha"), Some(true));
    assert_eq!(server.is_enabled(CatalogueKind::Tools, "no_such"), None);
    let again = server.add_tool(Tool::new("gamma"), |_args: Value| async { Ok::<_, ToolError>("new".to_owned()) });
    assert!(matches!(again, Err(Error::Duplicate { what: "tool", .. })), "{again:?}");

    // Removing a disabled item removes it: the name is free, and a new one is enabled.
    assert!(server.remove_tool("gamma"));
    assert_eq!(server.is_enabled(CatalogueKind::Tools, "gamma"), None);
    assert!(!server.enable_tool("gamma"));
    server.add_tool(Tool::new("gamma"), |_args: Value| async { Ok::<_, ToolError>("new".to_owned()) }).unwrap();
    assert_eq!(client.call_tool("gamma", json!({})).await.unwrap()["content"][0]["text"], "new");

    // A disabled prompt removed and added again has its completion provider back.
    assert!(server.disable_prompt("incident"));
    assert!(server.remove_prompt("incident"));
    let prompt = |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
        Ok::<_, ToolError>(GetPromptResult::new(vec![PromptMessage::user("again")]))
    };
    server.add_prompt(Prompt::new("incident"), prompt).unwrap();
    let complete =
        json!({ "ref": { "type": "ref/prompt", "name": "incident" }, "argument": { "name": "x", "value": "" } });
    let got = client.request("completion/complete", complete).await.unwrap();
    assert_eq!(got["completion"]["values"], json!(["sev1", "sev2"]));
}

#[tokio::test]
async fn a_disabled_resource_leaves_its_uri_to_a_matching_template() {
    let server = server();
    let client = legacy(&server).await;
    assert!(server.set_enabled(CatalogueKind::Resources, "notes://readme", false));
    let read = client.request("resources/read", json!({ "uri": "notes://readme" })).await.unwrap();
    assert_eq!(read["contents"][0]["text"], "templated", "notes://{{id}} matches it");
    assert!(server.set_enabled(CatalogueKind::Resources, "notes://readme", true));
    let read = client.request("resources/read", json!({ "uri": "notes://readme" })).await.unwrap();
    assert_eq!(read["contents"][0]["text"], "concrete");
}

#[tokio::test]
async fn pages_run_over_the_enabled_items() {
    let server = server_with(Limits { page_size: 2, ..Limits::default() });
    let client = legacy(&server).await;
    assert!(server.disable_tool("alpha"));
    let page = client.request("tools/list", json!({})).await.unwrap();
    assert_eq!(names(&page, "tools", "name"), ["deploy", "gamma"]);
    assert!(page.get("nextCursor").is_none(), "{page}");
    assert!(server.enable_tool("alpha"));
    let page = client.request("tools/list", json!({})).await.unwrap();
    assert_eq!(names(&page, "tools", "name"), ["alpha", "deploy"]);
    let cursor = page["nextCursor"].as_str().expect("a second page").to_owned();
    let rest = client.request("tools/list", json!({ "cursor": cursor })).await.unwrap();
    assert_eq!(names(&rest, "tools", "name"), ["gamma"]);
}
