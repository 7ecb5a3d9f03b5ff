//! Per-client catalogues (`ServerBuilder::catalogue`, `Server::set_catalogue`): lists hold
//! what the hook lets the request see, on both wires, paginated over the visible items;
//! calls, reads, prompts, subscriptions and completions of hidden items are answered
//! exactly as for items that do not exist (arguments of a hidden tool or prompt are not
//! even checked); the hook is asked at request time, so a change in what it reads shows in
//! the next list; and without a hook everything registered is visible.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use mcpforge::handler::BoxFuture;
use mcpforge::{
    CatalogueKind, CompleteRequest, CompletionHandler, CompletionOutput, GetPromptResult, Limits, MemoryClient,
    MiddlewareRequest, Prompt, PromptArgument, PromptMessage, ProtocolError, RequestContext, Resource,
    ResourceContents, ResourceTemplate, Server, Tool, ToolError, Visible,
};
use serde_json::{Value, json};

/// The items only an admin client sees, by kind.
const ADMIN_ONLY: [(CatalogueKind, &str); 4] = [
    (CatalogueKind::Tools, "drop_table"),
    (CatalogueKind::Resources, "db://secrets"),
    (CatalogueKind::ResourceTemplates, "audit://{day}"),
    (CatalogueKind::Prompts, "incident"),
];

/// The client's name, from `initialize` (legacy) or the request's `_meta` (2026-07-28).
fn client_name(req: &MiddlewareRequest) -> String {
    req.client_info().and_then(|c| c["name"].as_str()).unwrap_or_default().to_owned()
}

/// Admins see everything; anyone else sees what is not admin-only.
fn by_role(req: &MiddlewareRequest, kind: CatalogueKind) -> impl Future<Output = Visible> + Send + use<> {
    let admin = client_name(req) == "admin-console";
    async move {
        if admin {
            return Visible::All;
        }
        let every: &[&str] = match kind {
            CatalogueKind::Tools => &["echo", "drop_table", "t1", "t2", "t3", "t4"],
            CatalogueKind::Resources => &["db://public", "db://secrets"],
            CatalogueKind::ResourceTemplates => &["notes://{id}", "audit://{day}"],
            CatalogueKind::Prompts => &["greet", "incident"],
        };
        let hidden: HashSet<&str> = ADMIN_ONLY.iter().filter(|(k, _)| *k == kind).map(|(_, n)| *n).collect();
        Visible::only(every.iter().filter(|n| !hidden.contains(**n)).map(|n| (*n).to_owned()))
    }
}

struct Words;

impl CompletionHandler for Words {
    fn complete(
        &self,
        _ctx: RequestContext,
        _req: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        Box::pin(async move { Ok(CompletionOutput::Values(vec!["alpha".into(), "beta".into()])) })
    }
}

fn builder() -> mcpforge::ServerBuilder {
    let text = |t: &'static str| move |_args: Value| async move { Ok::<_, ToolError>(t.to_owned()) };
    let mut b = Server::builder("catalogue-test", "1.0.0").tool(Tool::new("echo"), text("echo")).tool(
        Tool::new("drop_table").input_schema(json!({
            "type": "object", "properties": { "table": { "type": "string" } }, "required": ["table"]
        })),
        text("dropped"),
    );
    for name in ["t1", "t2", "t3", "t4"] {
        b = b.tool(Tool::new(name), text("t"));
    }
    let read = |_ctx: RequestContext, uri: String| async move {
        Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, "contents")])
    };
    let read_template = |_ctx: RequestContext, uri: String, _vars: BTreeMap<String, String>| async move {
        Ok::<_, ToolError>(vec![ResourceContents::text(uri, None, "templated")])
    };
    let prompt = |_ctx: RequestContext, _args: BTreeMap<String, String>| async move {
        Ok::<_, ToolError>(GetPromptResult::new(vec![PromptMessage::user("hi")]))
    };
    b.resource(Resource::new("db://public", "public"), read)
        .resource(Resource::new("db://secrets", "secrets"), read)
        .listed_resource_template(
            ResourceTemplate::new("notes://{id}", "note"),
            read_template,
            |_ctx: RequestContext| async { Ok::<_, ToolError>(vec![Resource::new("notes://1", "first note")]) },
        )
        .listed_resource_template(
            ResourceTemplate::new("audit://{day}", "audit"),
            read_template,
            |_ctx: RequestContext| async { Ok::<_, ToolError>(vec![Resource::new("audit://monday", "monday")]) },
        )
        .prompt(Prompt::new("greet"), prompt)
        .prompt(Prompt::new("incident").argument(PromptArgument::required("severity", "How bad")), prompt)
        .completion(None, Arc::new(Words))
}

/// A legacy session whose `initialize` names the client `name`.
async fn legacy(server: &Server, name: &str) -> MemoryClient {
    let client = server.connect_memory();
    let params = json!({
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": name, "version": "1" },
    });
    client.request("initialize", params).await.expect("initialize");
    client.notify("notifications/initialized", json!({})).await.expect("initialized");
    client
}

fn names(list: &Value, field: &str, key: &str) -> Vec<String> {
    list[field].as_array().expect(field).iter().map(|t| t[key].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn lists_hold_what_the_client_may_see() {
    let server = builder().catalogue(by_role).build().unwrap();
    let viewer = legacy(&server, "viewer").await;
    let admin = legacy(&server, "admin-console").await;

    let tools = viewer.request("tools/list", json!({})).await.unwrap();
    assert_eq!(names(&tools, "tools", "name"), ["echo", "t1", "t2", "t3", "t4"]);
    let tools = admin.request("tools/list", json!({})).await.unwrap();
    assert_eq!(names(&tools, "tools", "name"), ["echo", "drop_table", "t1", "t2", "t3", "t4"]);

    let resources = viewer.request("resources/list", json!({})).await.unwrap();
    assert_eq!(names(&resources, "resources", "uri"), ["db://public", "notes://1"], "no secrets, no audit listing");
    let resources = admin.request("resources/list", json!({})).await.unwrap();
    assert_eq!(names(&resources, "resources", "uri"), ["db://public", "db://secrets", "notes://1", "audit://monday"]);
    let templates = viewer.request("resources/templates/list", json!({})).await.unwrap();
    assert_eq!(names(&templates, "resourceTemplates", "uriTemplate"), ["notes://{id}"]);
    let prompts = viewer.request("prompts/list", json!({})).await.unwrap();
    assert_eq!(names(&prompts, "prompts", "name"), ["greet"]);
}

#[tokio::test]
async fn hidden_items_are_refused_exactly_as_missing_ones() {
    let server = builder().catalogue(by_role).build().unwrap();
    let viewer = legacy(&server, "viewer").await;
    let admin = legacy(&server, "admin-console").await;

    // A hidden tool, even with arguments its schema refuses, reads as a missing tool.
    let hidden = viewer.call_tool("drop_table", json!({})).await.unwrap_err();
    let missing = viewer.call_tool("no_such_tool", json!({})).await.unwrap_err();
    assert_eq!((hidden.code, missing.code), (-32602, -32602));
    assert_eq!(hidden.message, missing.message.replace("no_such_tool", "drop_table"));
    assert_eq!(hidden.data, missing.data);
    assert_eq!(admin.call_tool("drop_table", json!({ "table": "t" })).await.unwrap()["content"][0]["text"], "dropped");

    // Resources: concrete, through a template, and subscriptions.
    for uri in ["db://secrets", "audit://monday"] {
        let e = viewer.request("resources/read", json!({ "uri": uri })).await.unwrap_err();
        let missing = viewer.request("resources/read", json!({ "uri": "db://nothing" })).await.unwrap_err();
        assert_eq!((e.code, e.message), (-32002, missing.message.replace("db://nothing", uri)));
        assert!(admin.request("resources/read", json!({ "uri": uri })).await.is_ok(), "{uri}");
    }
    assert_eq!(
        viewer.request("resources/read", json!({ "uri": "notes://7" })).await.unwrap()["contents"][0]["text"],
        "templated"
    );

    // A hidden prompt, even without its required argument, reads as a missing prompt.
    let e = viewer.request("prompts/get", json!({ "name": "incident" })).await.unwrap_err();
    let missing = viewer.request("prompts/get", json!({ "name": "nothing" })).await.unwrap_err();
    assert_eq!((e.code, e.message), (missing.code, missing.message.replace("nothing", "incident")));
    let got = admin.request("prompts/get", json!({ "name": "incident", "arguments": { "severity": "high" } })).await;
    assert!(got.is_ok());

    // Completions of hidden references complete to nothing, as unknown ones do.
    let complete = |r: Value| json!({ "ref": r, "argument": { "name": "x", "value": "" } });
    let values = |v: Value| v["completion"]["values"].as_array().unwrap().len();
    let hidden_prompt = complete(json!({ "type": "ref/prompt", "name": "incident" }));
    assert_eq!(values(viewer.request("completion/complete", hidden_prompt.clone()).await.unwrap()), 0);
    assert_eq!(values(admin.request("completion/complete", hidden_prompt).await.unwrap()), 2);
    let hidden_template = complete(json!({ "type": "ref/resource", "uri": "audit://{day}" }));
    assert_eq!(values(viewer.request("completion/complete", hidden_template).await.unwrap()), 0);
    let shown = complete(json!({ "type": "ref/prompt", "name": "greet" }));
    assert_eq!(values(viewer.request("completion/complete", shown).await.unwrap()), 2);
}

#[tokio::test]
async fn subscriptions_need_a_visible_resource() {
    let server = builder().catalogue(by_role).build().unwrap();
    let viewer = legacy(&server, "viewer").await;
    let e = viewer.request("resources/subscribe", json!({ "uri": "db://secrets" })).await.unwrap_err();
    assert_eq!(e.code, -32002);
    let e = viewer.request("resources/subscribe", json!({ "uri": "audit://monday" })).await.unwrap_err();
    assert_eq!(e.code, -32002);
    viewer.request("resources/subscribe", json!({ "uri": "db://public" })).await.unwrap();
    viewer.request("resources/subscribe", json!({ "uri": "notes://3" })).await.unwrap();
}

#[tokio::test]
async fn the_modern_wire_is_decided_by_the_requests_own_meta() {
    let server = builder().catalogue(by_role).build().unwrap();
    let client = server.connect_memory();
    let mut meta = MemoryClient::modern_meta(json!({}));
    let list = |meta: &Value| json!({ "_meta": meta });
    let tools = client.request("tools/list", list(&meta)).await.unwrap();
    assert!(!names(&tools, "tools", "name").contains(&"drop_table".to_owned()));
    let call = |meta: &Value| json!({ "_meta": meta, "name": "drop_table", "arguments": { "table": "t" } });
    assert!(client.request("tools/call", call(&meta)).await.unwrap_err().message.ends_with("Unknown tool: drop_table"));
    meta["io.modelcontextprotocol/clientInfo"]["name"] = json!("admin-console");
    let tools = client.request("tools/list", list(&meta)).await.unwrap();
    assert!(names(&tools, "tools", "name").contains(&"drop_table".to_owned()));
    assert!(client.request("tools/call", call(&meta)).await.is_ok());
}

#[tokio::test]
async fn pages_run_over_the_visible_items() {
    let limits = Limits { page_size: 2, ..Limits::default() };
    let server = builder().limits(limits).catalogue(by_role).build().unwrap();
    let viewer = legacy(&server, "viewer").await;
    let mut seen = Vec::new();
    let mut params = json!({});
    loop {
        let page = viewer.request("tools/list", params.clone()).await.unwrap();
        let got = names(&page, "tools", "name");
        assert!(got.len() <= 2);
        seen.extend(got);
        match page.get("nextCursor").and_then(Value::as_str) {
            Some(cursor) => params = json!({ "cursor": cursor }),
            None => break,
        }
    }
    assert_eq!(seen, ["echo", "t1", "t2", "t3", "t4"]);
}

#[tokio::test]
async fn the_hook_is_asked_at_request_time_and_can_be_replaced() {
    // A "database" of the tools each client may use, changed while the server runs.
    let grants: Arc<Mutex<HashSet<String>>> = Arc::new(Mutex::new(["echo".to_owned()].into()));
    let server = builder().build().unwrap();
    let viewer = legacy(&server, "viewer").await;
    let everything = names(&viewer.request("tools/list", json!({})).await.unwrap(), "tools", "name");
    assert_eq!(everything.len(), 6, "no hook: everything registered is visible");

    let db = grants.clone();
    server.set_catalogue(move |_req: &MiddlewareRequest, kind: CatalogueKind| {
        let visible = match kind {
            CatalogueKind::Tools => Visible::Only(db.lock().unwrap().clone()),
            _ => Visible::All,
        };
        async move { visible }
    });
    assert_eq!(names(&viewer.request("tools/list", json!({})).await.unwrap(), "tools", "name"), ["echo"]);
    assert!(viewer.call_tool("t1", json!({})).await.is_err());
    grants.lock().unwrap().insert("t1".to_owned());
    assert_eq!(names(&viewer.request("tools/list", json!({})).await.unwrap(), "tools", "name"), ["echo", "t1"]);
    assert!(viewer.call_tool("t1", json!({})).await.is_ok());

    server.clear_catalogue();
    assert_eq!(names(&viewer.request("tools/list", json!({})).await.unwrap(), "tools", "name").len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_listen_honors_only_visible_resources() {
    let server = builder().catalogue(by_role).build().unwrap();
    let mut viewer = server.connect_memory();
    let wanted = ["db://secrets", "audit://monday", "db://nothing", "db://public", "notes://3"];
    let listen = json!({
        "jsonrpc": "2.0", "id": "L", "method": "subscriptions/listen",
        "params": { "_meta": MemoryClient::modern_meta(json!({})), "notifications": { "resourceSubscriptions": wanted } },
    });
    viewer.send_raw(&listen.to_string()).await.unwrap();
    let wait = std::time::Duration::from_secs(5);
    let ack = viewer.next_message(wait).await.expect("the acknowledgement");
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    // Hidden and unknown URIs are dropped alike from the honored subset.
    assert_eq!(ack["params"]["notifications"], json!({ "resourceSubscriptions": ["db://public", "notes://3"] }));
    for uri in ["db://secrets", "audit://monday", "db://public"] {
        server.notify_resource_updated(uri);
    }
    let update = viewer.next_message(wait).await.expect("the visible resource's update");
    assert_eq!(update["params"]["uri"], "db://public", "{update}");
    assert_eq!(viewer.drain_messages(), Vec::<Value>::new(), "no update of a hidden resource");
    viewer.close().await.unwrap();
}
