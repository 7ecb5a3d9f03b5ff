//! Bearer authorization on the HTTP transport, over real sockets: the 401 challenge with
//! `resource_metadata` (missing, foreign-scheme, malformed and refused tokens, on every MCP
//! route), 403 `insufficient_scope` (required scopes, and a verifier's step-up), the grant
//! reaching handlers through `RequestContext::auth` on both eras, RFC 9728 protected-resource
//! metadata (root and path-inserted, public), public health routes, legacy and 2024-11-05
//! HTTP+SSE sessions bound to their subject (the whole identity: issuer, subject and
//! client), 2026 `requestState` bound to its subject, and tokens never appearing in logs.

mod http_client;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use http_client::{Request, Response, WAIT, open, send};
use mcpforge::{
    AuthError, AuthInfo, AuthOptions, ElicitRequest, HandlerError, HttpOptions, MemoryClient, RequestContext, Server,
    Tool, ToolError,
};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

const RESOURCE: &str = "http://localhost:3000/mcp";
const METADATA_URL: &str = "http://localhost:3000/.well-known/oauth-protected-resource/mcp";
const MODERN: &str = "2026-07-28";

// Tokens are long and unique so the log check cannot match anything else.
const ALICE: &str = "tok-alice-3f9c1d7e0b5a4c2e8d6f";
const BOB: &str = "tok-bob-8a2e4c6d1f3b5a7c9e0d";
const CAROL_NO_SCOPE: &str = "tok-carol-5d7f9b1c3e5a7c9e1f3b";
const NEEDS_STEP_UP: &str = "tok-stepup-2c4e6a8b0d2f4a6c8e0b";
const REVOKED: &str = "tok-revoked-9e7c5a3b1d9f7e5c3a1b";
// Service tokens (client credentials) without a subject, of two clients.
const SERVICE_A: &str = "tok-service-a-1b3d5f7a9c1e3b5d";
const SERVICE_B: &str = "tok-service-b-2c4e6a8b0d2f4a6c";
// Alice's subject and client, from another issuer.
const ALICE_ELSEWHERE: &str = "tok-alice-elsewhere-7d9f1b3c5e7a";

/// The application's verifier: a fixed table of tokens.
async fn verify(token: String) -> Result<AuthInfo, AuthError> {
    let grant = |subject: &str, scopes: &[&str]| AuthInfo {
        client_id: Some(format!("client-of-{subject}")),
        extra: json!({ "tenant": "acme" }),
        ..AuthInfo::new(subject, scopes.iter().copied())
    };
    match token.as_str() {
        ALICE => Ok(grant("alice", &["mcp:tools", "files:read"])),
        BOB => Ok(grant("bob", &["mcp:tools"])),
        CAROL_NO_SCOPE => Ok(grant("carol", &["files:read"])),
        NEEDS_STEP_UP => Err(AuthError::InsufficientScope { required: vec!["mcp:tools".into(), "files:write".into()] }),
        SERVICE_A | SERVICE_B => Ok(AuthInfo {
            scopes: vec!["mcp:tools".into()],
            client_id: Some(if token == SERVICE_A { "service-a" } else { "service-b" }.into()),
            ..AuthInfo::default()
        }),
        ALICE_ELSEWHERE => {
            Ok(AuthInfo { extra: json!({ "iss": "https://other-issuer.example" }), ..grant("alice", &["mcp:tools"]) })
        }
        _ => Err(AuthError::Invalid("unknown or revoked token".into())),
    }
}

fn auth_options() -> AuthOptions {
    AuthOptions {
        authorization_servers: vec!["https://auth.example.com".into()],
        scopes_supported: vec!["mcp:tools".into(), "files:read".into()],
        required_scopes: vec!["mcp:tools".into()],
        resource_name: Some("Auth test server".into()),
        ..AuthOptions::new(RESOURCE, verify)
    }
}

/// `whoami` returns what `ctx.auth()` shows, as JSON text; `greet` asks for a name
/// (elicitation), then answers with the subject and the name.
fn server() -> Server {
    Server::builder("http-auth", "1.0.0")
        .tool(Tool::new("whoami"), |ctx: RequestContext, _: Value| async move {
            tracing::info!("whoami ran");
            let shown = match ctx.auth() {
                Some(a) => json!({
                    "subject": a.subject, "scopes": a.scopes, "client_id": a.client_id, "extra": a.extra
                }),
                None => Value::Null,
            };
            Ok::<_, ToolError>(shown.to_string())
        })
        .tool(Tool::new("greet"), |ctx: RequestContext, _: Value| async move {
            let schema = json!({ "type": "object", "properties": { "name": { "type": "string" } } });
            let answer = ctx.elicit(ElicitRequest::form("Name?", schema)).await?;
            let name = answer.content.as_ref().and_then(|c| c.get("name")).and_then(Value::as_str).unwrap_or("?");
            let subject = ctx.auth().and_then(|a| a.subject.clone()).unwrap_or_default();
            Ok::<_, HandlerError>(format!("{subject}: hello {name}"))
        })
        .build()
        .expect("build")
}

struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    async fn start(options: HttpOptions) -> Served {
        let server = server();
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()) }
    }

    async fn new() -> Served {
        Served::start(HttpOptions { auth: Some(auth_options()), ..HttpOptions::default() }).await
    }

    async fn send(&self, request: &Request) -> Response {
        send(self.addr, request).await
    }

    async fn stop(self) {
        self.server.shutdown();
        let result = tokio::time::timeout(WAIT, self.run).await.expect("run() returns after shutdown");
        result.expect("run task").expect("run() result");
    }
}

fn bearer(request: Request, token: &str) -> Request {
    request.header("Authorization", &format!("Bearer {token}"))
}

/// A 2026 request with the headers a conformant client sends.
fn modern(id: Value, method: &str, mut params: Value) -> Request {
    let mut meta = MemoryClient::modern_meta(json!({ "elicitation": {} }));
    if let (Some(m), Some(extra)) = (meta.as_object_mut(), params.get("_meta").and_then(Value::as_object)) {
        m.extend(extra.clone());
    }
    params["_meta"] = meta;
    let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
    let mut r = Request::post_json(&body).header("MCP-Protocol-Version", MODERN).header("Mcp-Method", method);
    if let Some(name) = body["params"]["name"].as_str() {
        r = r.header("Mcp-Name", name);
    }
    r
}

fn legacy(session: Option<&str>, body: &Value) -> Request {
    let r = Request::post_json(body);
    match session {
        Some(s) => r.header("Mcp-Session-Id", s).header("MCP-Protocol-Version", "2025-06-18"),
        None => r,
    }
}

fn initialize_body() -> Value {
    json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": { "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    })
}

/// Opens a legacy session as the holder of `token`; returns its id.
async fn open_session(s: &Served, token: &str) -> String {
    let r = s.send(&bearer(legacy(None, &initialize_body()), token)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.header("mcp-session-id").expect("a session id").to_owned()
}

/// The text of a tool result in a JSON-RPC response body (JSON or SSE).
fn tool_text(response: &Response) -> String {
    let message = if response.header("content-type") == Some("text/event-stream") {
        response.sse_messages().pop().expect("a response message")
    } else {
        response.json()
    };
    message["result"]["content"][0]["text"].as_str().unwrap_or_else(|| panic!("no text result: {message}")).to_owned()
}

fn challenge(error: Option<&str>, scope: &str, description: Option<&str>) -> String {
    let mut c = String::from("Bearer ");
    if let Some(e) = error {
        c.push_str(&format!("error=\"{e}\", "));
    }
    c.push_str(&format!("scope=\"{scope}\", resource_metadata=\"{METADATA_URL}\""));
    if let Some(d) = description {
        c.push_str(&format!(", error_description=\"{d}\""));
    }
    c
}

fn assert_refused(r: &Response, status: u16, www_authenticate: &str, body: Value) {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(r.header("www-authenticate"), Some(www_authenticate));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), body);
}

// ---- 401 ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_token_is_401_with_the_resource_metadata_challenge_on_every_mcp_route() {
    let s = Served::new().await;
    let expected = challenge(None, "mcp:tools", None);
    let body = json!({ "error": "invalid_request", "error_description": "Missing bearer token" });
    let requests = [
        modern(json!(1), "tools/list", json!({})),
        legacy(None, &initialize_body()),
        Request::new("GET", "/mcp").header("Mcp-Session-Id", "whatever"),
        Request::new("DELETE", "/mcp").header("Mcp-Session-Id", "whatever"),
        Request::new("GET", "/sse"),
        Request::new("POST", "/messages?sessionId=x").body(b"{}".to_vec()),
        // Another scheme is no bearer token.
        modern(json!(2), "tools/list", json!({})).header("Authorization", "Basic YWxpY2U6c2VjcmV0"),
        // A token in the query string is not accepted.
        Request::new("GET", &format!("/sse?access_token={ALICE}")),
    ];
    for request in &requests {
        let r = s.send(request).await;
        assert_refused(&r, 401, &expected, body.clone());
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_required_scopes_the_challenge_has_no_scope() {
    let options = AuthOptions { required_scopes: vec![], ..auth_options() };
    let s = Served::start(HttpOptions { auth: Some(options), ..HttpOptions::default() }).await;
    let r = s.send(&modern(json!(1), "tools/list", json!({}))).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some(format!("Bearer resource_metadata=\"{METADATA_URL}\"").as_str()));
    // Carol's token is enough now.
    let r = s.send(&bearer(modern(json!(2), "tools/call", json!({ "name": "whoami" })), CAROL_NO_SCOPE)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_and_malformed_tokens_are_401_invalid_token() {
    let s = Served::new().await;
    let r = s.send(&bearer(modern(json!(1), "tools/list", json!({})), REVOKED)).await;
    assert_refused(
        &r,
        401,
        &challenge(Some("invalid_token"), "mcp:tools", Some("unknown or revoked token")),
        json!({ "error": "invalid_token", "error_description": "unknown or revoked token" }),
    );
    for malformed in ["Bearer two words", "Bearer ===", "Bearer tok\"en"] {
        let request = modern(json!(2), "tools/list", json!({})).header("Authorization", malformed);
        let r = s.send(&request).await;
        assert_refused(
            &r,
            401,
            &challenge(Some("invalid_token"), "mcp:tools", Some("malformed bearer token")),
            json!({ "error": "invalid_token", "error_description": "malformed bearer token" }),
        );
    }
    s.stop().await;
}

// ---- 403 ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insufficient_scope_is_403_with_every_scope_needed() {
    let s = Served::new().await;
    // A valid token without the required scope.
    let r = s.send(&bearer(modern(json!(1), "tools/list", json!({})), CAROL_NO_SCOPE)).await;
    assert_refused(
        &r,
        403,
        &challenge(Some("insufficient_scope"), "mcp:tools", None),
        json!({ "error": "insufficient_scope", "error_description": "Requires scopes: mcp:tools" }),
    );
    // The verifier's own step-up demand.
    let r = s.send(&bearer(legacy(None, &initialize_body()), NEEDS_STEP_UP)).await;
    assert_refused(
        &r,
        403,
        &challenge(Some("insufficient_scope"), "mcp:tools files:write", None),
        json!({ "error": "insufficient_scope", "error_description": "Requires scopes: mcp:tools files:write" }),
    );
    s.stop().await;
}

// ---- the grant reaches handlers ----------------------------------------------------------

fn alice_grant() -> Value {
    json!({
        "subject": "alice",
        "scopes": ["mcp:tools", "files:read"],
        "client_id": "client-of-alice",
        "extra": { "tenant": "acme" }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_token_reaches_handlers_on_the_2026_wire() {
    let s = Served::new().await;
    let r = s.send(&bearer(modern(json!(1), "tools/call", json!({ "name": "whoami" })), ALICE)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let shown: Value = serde_json::from_str(&tool_text(&r)).unwrap();
    assert_eq!(shown, alice_grant());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_token_reaches_handlers_in_a_legacy_session() {
    let s = Served::new().await;
    let session = open_session(&s, ALICE).await;
    let call = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": "whoami" } });
    let r = s.send(&bearer(legacy(Some(&session), &call), ALICE)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let shown: Value = serde_json::from_str(&tool_text(&r)).unwrap();
    assert_eq!(shown, alice_grant());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_auth_handlers_see_none() {
    let s = Served::start(HttpOptions::default()).await;
    let r = s.send(&modern(json!(1), "tools/call", json!({ "name": "whoami" }))).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(tool_text(&r), "null");
    // No metadata either.
    let r = s.send(&Request::new("GET", "/.well-known/oauth-protected-resource/mcp")).await;
    assert_eq!(r.status, 404);
    s.stop().await;
}

// ---- metadata and public routes ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protected_resource_metadata_is_public_at_both_locations() {
    let s = Served::new().await;
    let expected = json!({
        "resource": RESOURCE,
        "authorization_servers": ["https://auth.example.com"],
        "scopes_supported": ["mcp:tools", "files:read"],
        "bearer_methods_supported": ["header"],
        "resource_name": "Auth test server"
    });
    for path in ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"] {
        let r = s.send(&Request::new("GET", path)).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.json(), expected);
    }
    // Health routes stay public too.
    assert_eq!(s.send(&Request::new("GET", "/healthz")).await.status, 200);
    assert_eq!(s.send(&Request::new("GET", "/readyz")).await.status, 200);
    // The Host/Origin check still comes first.
    let r = s
        .send(&Request::new("GET", "/.well-known/oauth-protected-resource").header("Origin", "http://evil.example"))
        .await;
    assert_eq!(r.status, 403);
    s.stop().await;
}

// ---- binding to the subject --------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_session_belongs_to_its_subject() {
    let s = Served::new().await;
    let session = open_session(&s, ALICE).await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let not_found = json!({ "jsonrpc": "2.0", "error": { "code": -32600, "message": "Invalid request: unknown or ended session" } });

    // Bob, with a perfectly good token, cannot use, stream, answer into or end Alice's session.
    let r = s.send(&bearer(legacy(Some(&session), &list), BOB)).await;
    assert_eq!((r.status, r.json()), (404, not_found.clone()));
    let get = Request::new("GET", "/mcp").header("Mcp-Session-Id", &session).header("Accept", "text/event-stream");
    let r = s.send(&bearer(get.clone(), BOB)).await;
    assert_eq!(r.status, 404);
    let answer = json!({ "jsonrpc": "2.0", "id": 7, "result": {} });
    assert_eq!(s.send(&bearer(legacy(Some(&session), &answer), BOB)).await.status, 404);
    let delete = Request::new("DELETE", "/mcp").header("Mcp-Session-Id", &session);
    assert_eq!(s.send(&bearer(delete.clone(), BOB)).await.status, 404);

    // Alice still can (Bob's DELETE did not end it).
    let r = s.send(&bearer(legacy(Some(&session), &list), ALICE)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["result"]["tools"].is_array());
    assert_eq!(s.send(&bearer(delete.clone(), ALICE)).await.status, 200);
    assert_eq!(s.send(&bearer(delete, ALICE)).await.status, 404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_session_belongs_to_the_whole_identity_issuer_subject_and_client() {
    let s = Served::new().await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    // Two service tokens without a subject, of two clients; one subject of two issuers.
    for (owner, other) in [(SERVICE_A, SERVICE_B), (ALICE, ALICE_ELSEWHERE)] {
        let session = open_session(&s, owner).await;
        let r = s.send(&bearer(legacy(Some(&session), &list), other)).await;
        assert_eq!(r.status, 404, "{owner} opened it: {}", r.text());
        let r = s.send(&bearer(legacy(Some(&session), &list), owner)).await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2024_sse_session_belongs_to_its_subject() {
    let s = Served::new().await;
    let mut stream = open(s.addr, &bearer(Request::new("GET", "/sse"), ALICE)).await;
    assert_eq!(stream.status, 200);
    let reference = stream.next_event().await.expect("the endpoint event").data.expect("endpoint data");
    assert!(reference.starts_with("messages?sessionId="), "relative to /sse: {reference}");
    let endpoint = format!("/{reference}");
    let init = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    });
    let post = |token: &str, body: &Value| bearer(Request::post_json(body), token);
    let mut as_bob = post(BOB, &init);
    as_bob.path = endpoint.clone();
    assert_eq!(s.send(&as_bob).await.status, 404);
    let mut as_alice = post(ALICE, &init);
    as_alice.path = endpoint.clone();
    assert_eq!(s.send(&as_alice).await.status, 202);
    let result = stream.next_message().await.expect("the initialize result");
    assert_eq!(result["id"], 1);
    assert_eq!(result["result"]["protocolVersion"], "2024-11-05");

    // Handlers on this session see the poster's grant.
    let call = json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "whoami" } });
    let mut as_alice = post(ALICE, &call);
    as_alice.path = endpoint.clone();
    assert_eq!(s.send(&as_alice).await.status, 202);
    let result = stream.next_message().await.expect("the tool result");
    let shown: Value = serde_json::from_str(result["result"]["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(shown, alice_grant());
    drop(stream);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_request_state_belongs_to_its_subject() {
    let s = Served::new().await;
    let first = s.send(&bearer(modern(json!(1), "tools/call", json!({ "name": "greet" })), ALICE)).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    assert_eq!(first["result"]["resultType"], "input_required");
    let state = first["result"]["requestState"].as_str().expect("a requestState").to_owned();
    let retry = json!({
        "name": "greet",
        "inputResponses": { "elicitation-0": { "action": "accept", "content": { "name": "Ada" } } },
        "requestState": state
    });

    // Bob replaying Alice's state is refused as a state for another request.
    let r = s.send(&bearer(modern(json!(2), "tools/call", retry.clone()), BOB)).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["error"],
        json!({ "code": -32602, "message": "Invalid params: invalid requestState: it belongs to a different request" })
    );
    // Alice's retry completes.
    let r = s.send(&bearer(modern(json!(3), "tools/call", retry), ALICE)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(tool_text(&r), "alice: hello Ada");
    s.stop().await;
}

// ---- logs --------------------------------------------------------------------------------

/// Everything logged in this test binary (one global subscriber, installed once).
fn captured_logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_span_events(
                tracing_subscriber::fmt::format::FmtSpan::NEW | tracing_subscriber::fmt::format::FmtSpan::CLOSE,
            )
            .with_writer(move || Capture(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
        logs
    })
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_never_appear_in_logs() {
    let logs = captured_logs();
    let s = Served::new().await;
    let call = |id: i64, token: &str| bearer(modern(json!(id), "tools/call", json!({ "name": "whoami" })), token);
    assert_eq!(s.send(&call(1, ALICE)).await.status, 200);
    assert_eq!(s.send(&call(2, REVOKED)).await.status, 401);
    assert_eq!(s.send(&call(3, CAROL_NO_SCOPE)).await.status, 403);
    assert_eq!(s.send(&call(4, NEEDS_STEP_UP)).await.status, 403);
    let session = open_session(&s, BOB).await;
    let list = json!({ "jsonrpc": "2.0", "id": 5, "method": "tools/list" });
    assert_eq!(s.send(&bearer(legacy(Some(&session), &list), ALICE)).await.status, 404);
    s.stop().await;

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    // The capture works: the request span (method, id and what the request names: never
    // arguments or headers) and the tool's event.
    assert!(
        text.contains("mcp.request{otel.kind=\"server\" mcp.method.name=\"tools/call\" jsonrpc.request.id=1}"),
        "no request span in the logs:\n{text}"
    );
    assert!(text.contains("whoami ran"), "no handler event in the logs:\n{text}");
    assert!(text.contains("request refused (bearer authorization)"), "no refusal event in the logs:\n{text}");
    for token in [ALICE, BOB, CAROL_NO_SCOPE, NEEDS_STEP_UP, REVOKED] {
        assert!(!text.contains(token), "a token was logged:\n{text}");
    }
    // Nor the secret-looking parts of them.
    assert!(!text.contains("3f9c1d7e0b5a"), "a token fragment was logged");
}
