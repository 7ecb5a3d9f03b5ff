//! Scopes required per tool (`Tool::required_scopes`), on top of the server's, over real
//! sockets: a grant without a tool's scopes does not see it in `tools/list` (2026 wire and
//! legacy sessions, with a catalogue hook too), and its call is refused with 403
//! `insufficient_scope` and a challenge naming every scope the call needs (alone, in a
//! 2025-03-26 batch, and on the 2024-11-05 HTTP+SSE transport) without the handler running;
//! the scopes are never listed, must be scope tokens, and are not checked for a request
//! without a grant.

use crate::http_client;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http_client::{Request, Response, WAIT, open, send};
use mcpforge::{
    AuthError, AuthInfo, AuthOptions, CatalogueKind as Kind, Error, HttpOptions, MemoryClient, MiddlewareRequest,
    Server, ServerBuilder, Tool, ToolError, Visible,
};
use serde_json::{Value, json};

const RESOURCE: &str = "http://localhost:3000/mcp";
const METADATA_URL: &str = "http://localhost:3000/.well-known/oauth-protected-resource/mcp";

/// Grants only the server-wide scope.
const BASIC: &str = "tok-basic";
/// Grants reading files.
const READER: &str = "tok-reader";
/// Grants reading and writing files.
const WRITER: &str = "tok-writer";

async fn verify(token: String) -> Result<AuthInfo, AuthError> {
    let scopes: &[&str] = match token.as_str() {
        BASIC => &["mcp:tools"],
        READER => &["mcp:tools", "files:read"],
        WRITER => &["mcp:tools", "files:read", "files:write"],
        _ => return Err(AuthError::Invalid("unknown token".into())),
    };
    Ok(AuthInfo::new(token.trim_start_matches("tok-"), scopes.iter().copied()))
}

/// `public` needs nothing more than the server's scope, `read_files` `files:read`,
/// `write_files` both file scopes; `ran` counts the handlers that ran.
fn builder(ran: &Arc<AtomicUsize>) -> ServerBuilder {
    let tool = |name: &'static str| {
        let ran = ran.clone();
        move |_: Value| {
            ran.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ToolError>(format!("{name} ran")) }
        }
    };
    Server::builder("tool-scopes", "1.0.0")
        .tool(Tool::new("public"), tool("public"))
        .tool(Tool::new("read_files").required_scopes(["files:read"]), tool("read_files"))
        .tool(Tool::new("write_files").required_scopes(["files:read", "files:write"]), tool("write_files"))
}

struct Served {
    server: Server,
    addr: SocketAddr,
    ran: Arc<AtomicUsize>,
    run: tokio::task::JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    async fn start(build: impl FnOnce(ServerBuilder) -> ServerBuilder) -> Served {
        let ran = Arc::new(AtomicUsize::new(0));
        let server = build(builder(&ran)).build().expect("build");
        let auth = AuthOptions { required_scopes: vec!["mcp:tools".into()], ..AuthOptions::new(RESOURCE, verify) };
        let options =
            HttpOptions { auth: Some(auth), legacy_sse: true, ..HttpOptions::new("127.0.0.1:0".parse().unwrap()) };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("address");
        Served { server, addr, ran, run: tokio::spawn(http.run()) }
    }

    async fn send(&self, request: &Request, token: &str) -> Response {
        send(self.addr, &request.clone().header("Authorization", &format!("Bearer {token}"))).await
    }

    /// A 2026 request as `token`'s holder.
    async fn modern(&self, method: &str, mut params: Value, token: &str) -> Response {
        params["_meta"] = MemoryClient::modern_meta(json!({}));
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let mut r = Request::post_json(&body).header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method);
        if let Some(name) = body["params"]["name"].as_str() {
            r = r.header("Mcp-Name", name);
        }
        self.send(&r, token).await
    }

    /// A legacy session on `version` opened by `token`'s holder: its id.
    async fn session(&self, version: &str, token: &str) -> String {
        let init = json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": { "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } } });
        let r = self.send(&Request::post_json(&init), token).await;
        assert_eq!(r.status, 200, "{}", r.text());
        r.header("mcp-session-id").expect("a session id").to_owned()
    }

    /// A legacy POST of `body` on `session`.
    async fn legacy(&self, session: &str, version: &str, body: &Value, token: &str) -> Response {
        let r = Request::post_json(body).header("Mcp-Session-Id", session).header("MCP-Protocol-Version", version);
        self.send(&r, token).await
    }

    fn ran(&self) -> usize {
        self.ran.load(Ordering::SeqCst)
    }

    async fn stop(self) {
        self.server.shutdown();
        tokio::time::timeout(WAIT, self.run).await.expect("stops").expect("task").expect("run");
    }
}

/// The JSON-RPC message of a response (JSON or SSE).
fn message(r: &Response) -> Value {
    assert_eq!(r.status, 200, "{}", r.text());
    if r.header("content-type") == Some("text/event-stream") { r.sse_messages().pop().unwrap() } else { r.json() }
}

fn listed(r: &Response) -> Vec<String> {
    let m = message(r);
    let tools = m["result"]["tools"].as_array().unwrap_or_else(|| panic!("a tool list: {m}"));
    for t in tools {
        assert!(t.get("requiredScopes").is_none(), "required scopes are never listed: {t}");
    }
    tools.iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
}

/// A 403 whose challenge and body name exactly `scopes`.
fn assert_scope_refused(r: &Response, scopes: &str) {
    assert_eq!(r.status, 403, "{}", r.text());
    let challenge =
        format!("Bearer error=\"insufficient_scope\", scope=\"{scopes}\", resource_metadata=\"{METADATA_URL}\"");
    assert_eq!(r.header("www-authenticate"), Some(challenge.as_str()));
    assert_eq!(
        r.json(),
        json!({ "error": "insufficient_scope", "error_description": format!("Requires scopes: {scopes}") })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_list_holds_the_tools_whose_scopes_the_grant_has() {
    let s = Served::start(|b| b).await;
    let list = |token| s.modern("tools/list", json!({}), token);
    assert_eq!(listed(&list(BASIC).await), ["public"]);
    assert_eq!(listed(&list(READER).await), ["public", "read_files"]);
    assert_eq!(listed(&list(WRITER).await), ["public", "read_files", "write_files"]);
    // A legacy session sees the same.
    let session = s.session("2025-06-18", READER).await;
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    assert_eq!(listed(&s.legacy(&session, "2025-06-18", &body, READER).await), ["public", "read_files"]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_without_the_tools_scopes_is_403_naming_every_scope_it_needs() {
    let s = Served::start(|b| b).await;
    let call = |name: &str, token| s.modern("tools/call", json!({ "name": name, "arguments": {} }), token);
    // The server's scope, then the tool's: all the call needs, in one challenge.
    assert_scope_refused(&call("write_files", READER).await, "mcp:tools files:read files:write");
    assert_scope_refused(&call("write_files", BASIC).await, "mcp:tools files:read files:write");
    assert_scope_refused(&call("read_files", BASIC).await, "mcp:tools files:read");
    assert_eq!(s.ran(), 0, "no refused handler ran");
    // With the scopes, the calls run.
    assert_eq!(message(&call("write_files", WRITER).await)["result"]["content"][0]["text"], "write_files ran");
    assert_eq!(message(&call("read_files", READER).await)["result"]["content"][0]["text"], "read_files ran");
    assert_eq!(message(&call("public", BASIC).await)["result"]["content"][0]["text"], "public ran");
    assert_eq!(s.ran(), 3);
    // A name that is not registered is no scope question.
    let unknown = message(&call("nothing_here", BASIC).await);
    assert!(unknown["error"]["message"].as_str().unwrap().contains("Unknown tool"), "{unknown}");
    // The server-wide scope is still checked first, for every request.
    let r = s.modern("tools/list", json!({}), "tok-nobody").await;
    assert_eq!(r.status, 401);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_sessions_batches_and_http_sse_are_refused_alike() {
    let s = Served::start(|b| b).await;
    let call = |id: u64, name: &str| json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": { "name": name, "arguments": {} } });
    let session = s.session("2025-11-25", READER).await;
    assert_scope_refused(
        &s.legacy(&session, "2025-11-25", &call(1, "write_files"), READER).await,
        "mcp:tools files:read files:write",
    );
    let ok = s.legacy(&session, "2025-11-25", &call(2, "read_files"), READER).await;
    assert_eq!(message(&ok)["result"]["content"][0]["text"], "read_files ran");
    // A 2025-03-26 batch is refused whole when one of its calls lacks scopes.
    let batched = s.session("2025-03-26", BASIC).await;
    let batch = json!([call(1, "public"), call(2, "read_files"), call(3, "write_files")]);
    assert_scope_refused(&s.legacy(&batched, "2025-03-26", &batch, BASIC).await, "mcp:tools files:read files:write");
    assert_eq!(s.ran(), 1, "nothing of the refused batch ran");
    let r = s.legacy(&batched, "2025-03-26", &json!([call(4, "public")]), BASIC).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // The 2024-11-05 transport: the POST of the message is refused.
    let sse = Request::new("GET", "/sse").header("Authorization", &format!("Bearer {READER}"));
    let mut stream = open(s.addr, &sse).await;
    let endpoint = stream.next_event().await.expect("the endpoint event").data.expect("endpoint data");
    let post = |body: &Value| {
        Request::new("POST", &format!("/{endpoint}"))
            .header("Content-Type", "application/json")
            .body(body.to_string().into_bytes())
    };
    assert_scope_refused(&s.send(&post(&call(5, "write_files")), READER).await, "mcp:tools files:read files:write");
    assert_eq!(s.send(&post(&call(6, "read_files")), READER).await.status, 202);
    drop(stream);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scopes_hide_tools_alongside_a_catalogue_hook() {
    // The hook hides `public` from everyone; the scopes hide what the grant lacks.
    let hook = |_: &MiddlewareRequest, kind: Kind| async move {
        match kind {
            Kind::Tools => Visible::only(["read_files", "write_files"]),
            _ => Visible::All,
        }
    };
    let s = Served::start(|b| b.catalogue(hook)).await;
    assert_eq!(listed(&s.modern("tools/list", json!({}), BASIC).await), Vec::<String>::new());
    assert_eq!(listed(&s.modern("tools/list", json!({}), READER).await), ["read_files"]);
    assert_eq!(listed(&s.modern("tools/list", json!({}), WRITER).await), ["read_files", "write_files"]);
    s.stop().await;
}

#[tokio::test]
async fn without_a_grant_the_scopes_are_not_checked() {
    let ran = Arc::new(AtomicUsize::new(0));
    let server = builder(&ran).build().unwrap();
    let client = server.connect_memory();
    let list = client.request_modern("tools/list", json!({}), json!({})).await.unwrap();
    let names: Vec<&str> = list["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["public", "read_files", "write_files"]);
    let result = client.request_modern("tools/call", json!({ "name": "write_files" }), json!({})).await.unwrap();
    assert_eq!(result["content"][0]["text"], "write_files ran");
}

#[test]
fn scopes_are_read_from_definitions_never_listed_and_must_be_scope_tokens() {
    let tool: Tool = serde_json::from_value(json!({
        "name": "t", "inputSchema": { "type": "object" }, "requiredScopes": ["files:write", "admin"]
    }))
    .unwrap();
    assert_eq!(tool.required_scopes, ["files:write", "admin"]);
    assert!(serde_json::to_value(&tool).unwrap().get("requiredScopes").is_none());
    for bad in ["two words", "", "quo\"te", "back\\slash", "é"] {
        let built = Server::builder("s", "1")
            .tool(Tool::new("t").required_scopes([bad]), |_: Value| async { Ok::<_, ToolError>("") })
            .build();
        match built {
            Err(Error::InvalidDefinition { reason, .. }) => assert!(reason.contains("requiredScopes"), "{reason}"),
            other => panic!("{bad:?} should be refused: {:?}", other.map(|_| ())),
        }
    }
}
