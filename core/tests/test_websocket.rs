//! MCP over WebSocket on the HTTP listener: both eras on one socket, the same `Host`/`Origin`
//! checks, bearer authorization and size limit as HTTP, and off unless asked for.

mod http_client;
mod wire;

use std::net::SocketAddr;

use futures_util::{SinkExt as _, StreamExt as _};
use mcpforge::{AuthError, AuthInfo, AuthOptions, HttpOptions, MemoryClient, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

fn server() -> Server {
    Server::builder("ws-test", "1.0.0")
        .limits(mcpforge::Limits { max_message_size: 4096, ..mcpforge::Limits::default() })
        .tool(Tool::new("whoami"), |ctx: RequestContext, _: Value| async move {
            let who = ctx.auth().and_then(|a| a.subject.clone()).unwrap_or_else(|| "anonymous".into());
            Ok::<_, ToolError>(who)
        })
        .build()
        .expect("a valid server")
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
async fn open_sockets_count_against_the_connection_limit() {
    let s = server();
    let addr = listen(&s, HttpOptions { max_connections: 2, ..ws_options() }).await;
    let mut first = wire::websocket(addr).await;
    let mut second = wire::websocket(addr).await;
    // Both places are held by open sockets, which are busy (never evicted as idle): a third
    // connection is refused.
    assert_eq!(try_upgrade(addr, &[("Sec-WebSocket-Protocol", "mcp")]).await.err(), Some(503));
    let call = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": { "name": "whoami", "_meta": MemoryClient::modern_meta(json!({})) } });
    assert_eq!(roundtrip(&mut first, call.clone()).await["result"]["content"][0]["text"], "anonymous");
    // A closed socket gives its place back.
    second.close(None).await.expect("close");
    drop(second);
    let mut third = None;
    for _ in 0..100 {
        if let Ok(ws) = try_upgrade(addr, &[("Sec-WebSocket-Protocol", "mcp")]).await {
            third = Some(ws);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut third = third.expect("a place once a socket closed");
    assert_eq!(roundtrip(&mut third, call).await["result"]["content"][0]["text"], "anonymous");
    s.shutdown();
}
