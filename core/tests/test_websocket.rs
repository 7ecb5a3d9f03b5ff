//! MCP over WebSocket on the HTTP listener: both eras on one socket, the same `Host`/`Origin`
//! checks, bearer authorization (at the upgrade and on every message, a tool's own scopes
//! included) and size limit as HTTP, idle sockets timed out and evicted like idle HTTP
//! connections, and off unless asked for.

use crate::http_client;
use crate::wire;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use http_client::{Request, send};
use mcpforge::{AuthError, AuthInfo, AuthOptions, HttpOptions, MemoryClient, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

fn server() -> Server {
    held_server(Arc::default()).0
}

/// The test server, whose `hold` tool waits until `release` is notified; the semaphore counts
/// the `hold` calls that started.
fn held_server(release: Arc<tokio::sync::Notify>) -> (Server, Arc<tokio::sync::Semaphore>) {
    let started = Arc::new(tokio::sync::Semaphore::new(0));
    let begun = started.clone();
    let server = Server::builder("ws-test", "1.0.0")
        .limits(mcpforge::Limits { max_message_size: 4096, ..mcpforge::Limits::default() })
        .tool(Tool::new("whoami"), |ctx: RequestContext, _: Value| async move {
            let who = ctx.auth().and_then(|a| a.subject.clone()).unwrap_or_else(|| "anonymous".into());
            Ok::<_, ToolError>(who)
        })
        .tool(Tool::new("hold"), move |_: Value| {
            let (release, begun) = (release.clone(), begun.clone());
            async move {
                let released = release.notified();
                begun.add_permits(1);
                released.await;
                Ok::<_, ToolError>("released")
            }
        })
        .build()
        .expect("a valid server");
    (server, started)
}

/// A 2026 `tools/call` of `name` with request id `id`.
fn call(id: u64, name: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": { "name": name, "_meta": MemoryClient::modern_meta(json!({})) } })
}

/// The close frame's code the server ends the socket with (`None`: closed without one).
async fn close_code(ws: &mut Socket) -> Option<u16> {
    loop {
        match tokio::time::timeout(wire::WAIT, ws.next()).await.expect("the server closes the socket in time") {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            _ => return None,
        }
    }
}

/// A legacy `initialize` POSTed on a connection of its own: its HTTP status.
async fn post_initialize(addr: SocketAddr) -> u16 {
    let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": { "protocolVersion": "2025-06-18", "capabilities": {},
                                   "clientInfo": { "name": "t", "version": "1" } } });
    send(addr, &Request::post_json(&init)).await.status
}

async fn listen(server: &Server, options: HttpOptions) -> SocketAddr {
    let listener = server.bind_http(options).await.expect("bind");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(listener.run());
    addr
}

fn ws_options() -> HttpOptions {
    HttpOptions { websocket: true, ..HttpOptions::new("127.0.0.1:0".parse().unwrap()) }
}

async fn roundtrip(ws: &mut Socket, msg: Value) -> Value {
    ws.send(Message::Text(msg.to_string().into())).await.expect("send");
    loop {
        let frame = tokio::time::timeout(wire::WAIT, ws.next()).await.expect("an answer in time");
        if let Some(Ok(Message::Text(t))) = frame {
            let v: Value = serde_json::from_str(t.as_str()).expect("JSON");
            if v.get("id") == msg.get("id") {
                return v;
            }
        } else {
            panic!("the socket ended: {frame:?}");
        }
    }
}

/// The upgrade attempt with extra headers: the HTTP status of a refusal, or the socket.
async fn try_upgrade(addr: SocketAddr, headers: &[(&str, &str)]) -> Result<Socket, u16> {
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut request = format!("ws://{addr}/mcp").into_client_request().unwrap();
    for (name, value) in headers {
        let name = tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes()).unwrap();
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    match tokio_tungstenite::client_async(request, tcp).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("unexpected upgrade failure: {e}"),
    }
}

#[tokio::test]
async fn one_socket_serves_the_2026_wire_and_a_legacy_session() {
    let s = server();
    let addr = listen(&s, ws_options()).await;
    let mut ws = wire::websocket(addr).await;
    let meta = MemoryClient::modern_meta(json!({}));
    let modern = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                         "params": { "name": "whoami", "_meta": meta } });
    let answer = roundtrip(&mut ws, modern).await;
    assert_eq!(answer["result"]["content"][0]["text"], "anonymous");
    assert_eq!(answer["result"]["resultType"], "complete");
    let init = json!({ "jsonrpc": "2.0", "id": 2, "method": "initialize",
                       "params": { "protocolVersion": "2025-06-18", "capabilities": {},
                                   "clientInfo": { "name": "t", "version": "1" } } });
    assert_eq!(roundtrip(&mut ws, init).await["result"]["protocolVersion"], "2025-06-18");
    let list = roundtrip(&mut ws, json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/list" })).await;
    assert_eq!(list["result"]["tools"][0]["name"], "whoami");
    let garbage = ws.send(Message::Text("{not json".into())).await;
    assert!(garbage.is_ok());
    let ping = roundtrip(&mut ws, json!({ "jsonrpc": "2.0", "id": 4, "method": "ping" })).await;
    assert_eq!(ping["result"], json!({}), "the socket keeps serving after bad input");
    s.shutdown();
}

#[tokio::test]
async fn websocket_is_off_unless_enabled() {
    let s = server();
    let addr = listen(&s, HttpOptions::new("127.0.0.1:0".parse().unwrap())).await;
    assert_eq!(try_upgrade(addr, &[]).await.err(), Some(405));
    s.shutdown();
}

#[tokio::test]
async fn host_and_origin_are_checked_before_the_upgrade() {
    let s = server();
    let addr = listen(&s, ws_options()).await;
    assert_eq!(try_upgrade(addr, &[("Origin", "https://evil.example")]).await.err(), Some(403));
    assert_eq!(try_upgrade(addr, &[("Host", "evil.example")]).await.err(), Some(403));
    assert!(try_upgrade(addr, &[("Origin", "http://localhost")]).await.is_ok());
    s.shutdown();
}

#[tokio::test]
async fn bearer_tokens_are_required_and_reach_the_handler() {
    let s = server();
    let verify = |token: String| async move {
        match token.as_str() {
            "good" => Ok(AuthInfo::new("alice", ["mcp"])),
            _ => Err(AuthError::Invalid("unknown token".into())),
        }
    };
    let options = HttpOptions { auth: Some(AuthOptions::new("http://127.0.0.1/mcp", verify)), ..ws_options() };
    let addr = listen(&s, options).await;
    assert_eq!(try_upgrade(addr, &[]).await.err(), Some(401));
    assert_eq!(try_upgrade(addr, &[("Authorization", "Bearer bad")]).await.err(), Some(401));
    let mut ws = try_upgrade(addr, &[("Authorization", "Bearer good")]).await.expect("a valid token upgrades");
    let meta = MemoryClient::modern_meta(json!({}));
    let call =
        json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": "whoami", "_meta": meta } });
    assert_eq!(roundtrip(&mut ws, call).await["result"]["content"][0]["text"], "alice");
    s.shutdown();
}

#[tokio::test]
async fn a_message_over_the_size_limit_closes_the_socket_with_1009() {
    let s = server();
    let addr = listen(&s, ws_options()).await;
    let mut ws = wire::websocket(addr).await;
    let huge = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping", "params": { "pad": "x".repeat(8192) } });
    ws.send(Message::Text(huge.to_string().into())).await.expect("send");
    let close = loop {
        match tokio::time::timeout(wire::WAIT, ws.next()).await.expect("the server answers") {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("no close frame: {other:?}"),
        }
    };
    assert_eq!(close.map(|f| u16::from(f.code)), Some(1009));
    s.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_are_closed_after_the_idle_timeout_and_pings_do_not_keep_them() {
    let s = server();
    let options = HttpOptions { max_connections: 16, idle_timeout: Duration::from_millis(300), ..ws_options() };
    let addr = listen(&s, options).await;
    let mut sockets = Vec::new();
    for _ in 0..16 {
        sockets.push(wire::websocket(addr).await);
    }
    // One of them answered a request first: idle from its answer on.
    let answered = roundtrip(&mut sockets[1], call(1, "whoami")).await;
    assert_eq!(answered["result"]["content"][0]["text"], "anonymous");
    // Another sends WebSocket pings all along: control frames are not requests.
    let (mut pinger, mut pinger_in) = sockets.remove(0).split();
    let pinging = tokio::spawn(async move {
        for _ in 0..300 {
            if pinger.send(Message::Ping(vec![1].into())).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let pinger_close = loop {
        match tokio::time::timeout(wire::WAIT, pinger_in.next()).await.expect("the pinging socket is closed in time") {
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            _ => break None,
        }
    };
    pinging.abort();
    assert_eq!(pinger_close, Some(1001), "a socket that only pings is closed as idle, with a close frame");
    for ws in &mut sockets {
        assert_eq!(close_code(ws).await, Some(1001), "an idle socket is closed with 1001 (going away)");
    }
    // Their places are free: a new HTTP client is served.
    assert_eq!(post_initialize(addr).await, 200);
    s.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_make_room_for_a_new_client_and_busy_ones_stay() {
    let release = Arc::new(tokio::sync::Notify::new());
    let (s, started) = held_server(release.clone());
    let addr = listen(&s, HttpOptions { max_connections: 3, ..ws_options() }).await;
    // One socket has a request in flight; the other two are idle.
    let mut busy = wire::websocket(addr).await;
    busy.send(Message::Text(call(7, "hold").to_string().into())).await.expect("send");
    tokio::time::timeout(wire::WAIT, started.acquire()).await.expect("the call starts").expect("semaphore").forget();
    let mut older = wire::websocket(addr).await;
    let mut newer = wire::websocket(addr).await;
    // The listener is full: the newcomer is admitted by closing the socket idle the longest.
    assert_eq!(post_initialize(addr).await, 200, "an idle socket made room");
    assert_eq!(close_code(&mut older).await, Some(1001), "the socket idle the longest was closed");
    assert_eq!(roundtrip(&mut newer, call(8, "whoami")).await["result"]["content"][0]["text"], "anonymous");
    // The busy socket was never taken: its call finishes and is answered on it.
    release.notify_waiters();
    let answer = loop {
        let frame = tokio::time::timeout(wire::WAIT, busy.next()).await.expect("an answer in time");
        let Some(Ok(Message::Text(t))) = frame else { panic!("the busy socket ended: {frame:?}") };
        let v: Value = serde_json::from_str(t.as_str()).expect("JSON");
        if v["id"] == 7 {
            break v;
        }
    };
    assert_eq!(answer["result"]["content"][0]["text"], "released");
    s.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_sockets_count_against_the_connection_limit() {
    let release = Arc::new(tokio::sync::Notify::new());
    let (s, started) = held_server(release.clone());
    let addr = listen(&s, HttpOptions { max_connections: 2, ..ws_options() }).await;
    let mut first = wire::websocket(addr).await;
    let mut second = wire::websocket(addr).await;
    for ws in [&mut first, &mut second] {
        ws.send(Message::Text(call(1, "hold").to_string().into())).await.expect("send");
    }
    let both = tokio::time::timeout(wire::WAIT, started.acquire_many(2)).await.expect("both calls start");
    both.expect("semaphore").forget();
    // Both places are held by sockets with a request in flight: a third connection is refused.
    assert_eq!(try_upgrade(addr, &[("Sec-WebSocket-Protocol", "mcp")]).await.err(), Some(503));
    release.notify_waiters();
    for ws in [&mut first, &mut second] {
        let frame = tokio::time::timeout(wire::WAIT, ws.next()).await.expect("an answer in time");
        assert!(matches!(frame, Some(Ok(Message::Text(_)))), "the held call is answered: {frame:?}");
    }
    // A closed socket gives its place back.
    second.close(None).await.expect("close");
    drop(second);
    let mut third = None;
    for _ in 0..100 {
        if let Ok(ws) = try_upgrade(addr, &[("Sec-WebSocket-Protocol", "mcp")]).await {
            third = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut third = third.expect("a place once a socket closed");
    assert_eq!(roundtrip(&mut third, call(2, "whoami")).await["result"]["content"][0]["text"], "anonymous");
    s.shutdown();
}

#[tokio::test]
async fn a_token_revoked_after_the_upgrade_is_refused_on_the_next_message() {
    let s = server();
    let revoked: Arc<Mutex<HashSet<String>>> = Arc::default();
    let list = revoked.clone();
    let verify = move |token: String| {
        let refused = list.lock().unwrap().contains(&token);
        async move {
            match token.as_str() {
                "good" | "other" if !refused => Ok(AuthInfo::new("alice", ["mcp"])),
                _ => Err(AuthError::Invalid("the token was revoked".into())),
            }
        }
    };
    let options = HttpOptions { auth: Some(AuthOptions::new("http://127.0.0.1/mcp", verify)), ..ws_options() };
    let addr = listen(&s, options).await;
    let mut ws = try_upgrade(addr, &[("Authorization", "Bearer good")]).await.expect("a valid token upgrades");
    let mut bystander = try_upgrade(addr, &[("Authorization", "Bearer other")]).await.expect("upgrades");
    assert_eq!(roundtrip(&mut ws, call(1, "whoami")).await["result"]["content"][0]["text"], "alice");
    revoked.lock().unwrap().insert("good".into());
    // The next request on the open socket is refused with an error naming the reason…
    let refused = roundtrip(&mut ws, call(2, "whoami")).await;
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("bearer token") && message.contains("revoked"), "{refused}");
    assert_eq!(refused["error"]["data"]["httpStatus"], 401, "{refused}");
    // …and the socket is closed with 1008 (policy violation).
    assert_eq!(close_code(&mut ws).await, Some(1008));
    // A socket whose token is still valid goes on.
    assert_eq!(roundtrip(&mut bystander, call(3, "whoami")).await["result"]["content"][0]["text"], "alice");
    s.shutdown();
}

#[tokio::test]
async fn a_tool_whose_scopes_the_grant_lacks_is_hidden_and_its_call_refused_in_band() {
    let s = server();
    s.add_tool(Tool::new("admin").required_scopes(["admin"]), |_: Value| async { Ok::<_, ToolError>("done") })
        .expect("a scoped tool");
    let verify = |token: String| async move {
        match token.as_str() {
            "admin" => Ok(AuthInfo::new("root", ["mcp", "admin"])),
            _ => Ok(AuthInfo::new("alice", ["mcp"])),
        }
    };
    let options = HttpOptions { auth: Some(AuthOptions::new("http://127.0.0.1/mcp", verify)), ..ws_options() };
    let addr = listen(&s, options).await;
    let mut ws = try_upgrade(addr, &[("Authorization", "Bearer plain")]).await.expect("upgrades");
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list",
                       "params": { "_meta": MemoryClient::modern_meta(json!({})) } });
    let names = |answer: Value| -> Vec<String> {
        answer["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names(roundtrip(&mut ws, list.clone()).await), ["whoami", "hold"]);
    // No HTTP status to answer with: the call's error says what the 403 would have.
    let refused = roundtrip(&mut ws, call(2, "admin")).await;
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    assert_eq!(
        refused["error"]["data"],
        json!({ "httpStatus": 403, "error": "insufficient_scope", "scope": "admin" }),
        "{refused}"
    );
    // The socket goes on serving.
    assert_eq!(roundtrip(&mut ws, call(3, "whoami")).await["result"]["content"][0]["text"], "alice");
    let mut root = try_upgrade(addr, &[("Authorization", "Bearer admin")]).await.expect("upgrades");
    assert_eq!(names(roundtrip(&mut root, list).await), ["whoami", "hold", "admin"]);
    assert_eq!(roundtrip(&mut root, call(4, "admin")).await["result"]["content"][0]["text"], "done");
    s.shutdown();
}
