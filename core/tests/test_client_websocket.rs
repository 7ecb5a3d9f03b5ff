//! The Rust client over WebSocket on 127.0.0.1: a session with the engine's own listener on
//! either wire (lists, calls, a server notification, the server's requests answered), a
//! message over the client's size limit closing the socket, and against a scripted socket
//! server: the close handshake, pings answered, a binary frame refused, the server closing
//! the socket mid-call failing the call at once, and a server that does not choose the
//! `mcp` subprotocol refused.

use crate::client_server;

use std::time::Duration;

use client_server::Served;
use futures_util::{SinkExt as _, StreamExt as _};
use mcpforge::ProtocolVersion;
use mcpforge::client::transport::{Trust, WebSocketTransport, for_url};
use mcpforge::client::{Client, ClientBuilder, ClientError, Protocol};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;

const WAIT: Duration = Duration::from_secs(10);

fn answering(protocol: Protocol) -> ClientBuilder {
    client_server::answering("ws-test", protocol, WAIT)
}

#[tokio::test]
async fn a_legacy_session_over_websocket() {
    let served = Served::start(true).await;
    let transport = for_url(&served.url("ws"), &[], Trust::default()).expect("a WebSocket URL");
    let client =
        answering(Protocol::Handshake(ProtocolVersion::LATEST_LEGACY)).connect(transport).await.expect("connects");
    assert_eq!(client.session().protocol_version, ProtocolVersion::LATEST_LEGACY);
    let mut notifications = client.notifications().expect("the channel");
    client_server::calls(&client, "over a socket").await;
    client.ping().await.expect("ping");
    client.subscribe("file:///a.txt").await.expect("subscribe");
    served.test.server.notify_resource_updated("file:///a.txt");
    let updated = loop {
        let n = tokio::time::timeout(WAIT, notifications.recv()).await.expect("in time").expect("open");
        if n.method == "notifications/resources/updated" {
            break n;
        }
    };
    assert_eq!(updated.params["uri"], "file:///a.txt");
    client.close().await;
    served.stop().await;
}

#[tokio::test]
async fn the_stateless_wire_over_websocket() {
    let served = Served::start(true).await;
    let client = answering(Protocol::Auto).connect(WebSocketTransport::new(served.url("ws"))).await.expect("connects");
    assert_eq!(client.session().protocol_version, ProtocolVersion::V2026_07_28);
    client_server::calls(&client, "over a socket").await;
    client.close().await;
    served.stop().await;
}

#[tokio::test]
async fn a_message_over_the_clients_limit_closes_the_socket() {
    let served = Served::start(true).await;
    let transport = WebSocketTransport::new(served.url("ws")).max_message(2048);
    let client = answering(Protocol::Handshake(ProtocolVersion::LATEST_LEGACY)).connect(transport).await.expect("ok");
    let long = "x".repeat(4096);
    let outcome = tokio::time::timeout(WAIT, client.call_tool("echo", json!({ "text": long }))).await;
    let error = outcome.expect("the call ends in time").expect_err("the answer is over the limit");
    assert!(matches!(error, ClientError::Closed), "{error}");
    tokio::time::timeout(WAIT, client.closed()).await.expect("the connection is closed");
    assert!(matches!(client.ping().await, Err(ClientError::Closed)), "later calls fail at once");
    served.stop().await;
}

#[tokio::test]
async fn an_address_that_is_no_websocket_endpoint_is_refused() {
    let served = Served::start(true).await;
    let wrong = format!("ws://{}/elsewhere", served.addr);
    let error = Client::builder("ws-test", "1").connect(WebSocketTransport::new(wrong)).await.expect_err("no socket");
    assert!(error.to_string().contains("refused the WebSocket upgrade"), "{error}");
    let error = for_url("ftp://127.0.0.1/mcp", &[], Trust::default()).err().expect("not a server URL");
    assert!(error.to_string().contains("ws://"), "{error}");
    served.stop().await;
}

/// What the scripted server answers the upgrade with.
#[derive(Clone, Copy)]
enum Chooses {
    Mcp,
    Other,
    Nothing,
}

/// A WebSocket server on 127.0.0.1 that answers `initialize` (2025-06-18) and then plays
/// `script` with the socket; its task returns what the script returns.
async fn scripted<F, Fut>(chooses: Chooses, script: F) -> (String, JoinHandle<Option<String>>)
where
    F: FnOnce(tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Option<String>> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/", listener.local_addr().expect("address"));
    let task = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.ok()?;
        #[allow(clippy::result_large_err, reason = "the callback type is tungstenite's")]
        let choose = move |request: &Request, mut response: Response| {
            let asked = request.headers().get("sec-websocket-protocol").cloned();
            assert_eq!(asked.as_ref().and_then(|v| v.to_str().ok()), Some("mcp"), "the client asks for mcp");
            let chosen = match chooses {
                Chooses::Mcp => Some("mcp"),
                Chooses::Other => Some("graphql-ws"),
                Chooses::Nothing => None,
            };
            if let Some(chosen) = chosen {
                response.headers_mut().insert("sec-websocket-protocol", HeaderValue::from_static(chosen));
            }
            Ok(response)
        };
        let mut ws = tokio_tungstenite::accept_hdr_async(stream, choose).await.ok()?;
        let init = next_json(&mut ws).await?;
        let result = json!({ "protocolVersion": "2025-06-18", "capabilities": { "tools": {} },
                             "serverInfo": { "name": "scripted", "version": "1" } });
        ws.send(answer(&init, result)).await.ok()?;
        let initialized = next_json(&mut ws).await?;
        assert_eq!(initialized["method"], "notifications/initialized");
        script(ws).await
    });
    (url, task)
}

/// The next text frame, read as JSON (`None` when the socket ends first).
async fn next_json(ws: &mut tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>) -> Option<Value> {
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await.ok()?? {
            Ok(Message::Text(t)) => return serde_json::from_str(t.as_str()).ok(),
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            _ => return None,
        }
    }
}

fn answer(request: &Value, result: Value) -> Message {
    Message::Text(json!({ "jsonrpc": "2.0", "id": request["id"], "result": result }).to_string().into())
}

fn handshake_client() -> ClientBuilder {
    Client::builder("ws-test", "1.0.0").protocol(Protocol::Handshake(ProtocolVersion::V2025_06_18)).timeout(WAIT * 6)
}

#[tokio::test]
async fn pings_are_answered_and_closing_sends_a_close_frame() {
    let (url, server) = scripted(Chooses::Mcp, |mut ws| async move {
        ws.send(Message::Ping(b"are you there".to_vec().into())).await.ok()?;
        let pong = loop {
            match tokio::time::timeout(WAIT, ws.next()).await.ok()?? {
                Ok(Message::Pong(p)) => break p,
                Ok(Message::Text(t)) => {
                    let ping: Value = serde_json::from_str(t.as_str()).ok()?;
                    ws.send(answer(&ping, json!({}))).await.ok()?;
                }
                _ => return None,
            }
        };
        assert_eq!(&pong[..], b"are you there");
        match tokio::time::timeout(WAIT, ws.next()).await.ok()?? {
            Ok(Message::Close(frame)) => Some(format!("close {:?}", frame.map(|f| u16::from(f.code)))),
            other => Some(format!("{other:?}")),
        }
    })
    .await;
    let client = handshake_client().connect(WebSocketTransport::new(url)).await.expect("connects");
    client.ping().await.expect("a JSON-RPC ping beside the socket's own");
    client.close().await;
    let seen = tokio::time::timeout(WAIT, server).await.expect("the server ends").expect("no panic");
    assert_eq!(seen.as_deref(), Some("close Some(1000)"), "a normal close frame");
}

#[tokio::test]
async fn the_server_closing_the_socket_mid_call_fails_the_call_at_once() {
    let (url, server) = scripted(Chooses::Mcp, |mut ws| async move {
        let call = next_json(&mut ws).await?;
        ws.close(None).await.ok()?;
        // The client answers the close frame (the handshake completes).
        let answered = matches!(tokio::time::timeout(WAIT, ws.next()).await, Ok(Some(Ok(Message::Close(_)))));
        Some(format!("{} answered {answered}", call["method"].as_str()?))
    })
    .await;
    let client = handshake_client().connect(WebSocketTransport::new(url)).await.expect("connects");
    // The client would wait a minute for the answer: it fails when the socket closes instead.
    let outcome = tokio::time::timeout(WAIT, client.call_tool("slow", json!({}))).await;
    let error = outcome.expect("the call fails in time").expect_err("no answer");
    assert!(matches!(error, ClientError::Closed), "{error}");
    assert!(client.is_closed());
    let seen = tokio::time::timeout(WAIT, server).await.expect("the server ends").expect("no panic");
    assert_eq!(seen.as_deref(), Some("tools/call answered true"));
}

#[tokio::test]
async fn a_binary_frame_is_refused_with_its_close_code() {
    let (url, server) = scripted(Chooses::Mcp, |mut ws| async move {
        let call = next_json(&mut ws).await?;
        let message = json!({ "jsonrpc": "2.0", "id": call["id"], "result": {} }).to_string();
        ws.send(Message::Binary(message.into_bytes().into())).await.ok()?;
        match tokio::time::timeout(WAIT, ws.next()).await.ok()?? {
            Ok(Message::Close(frame)) => frame.map(|f| format!("{} {}", u16::from(f.code), f.reason)),
            other => Some(format!("{other:?}")),
        }
    })
    .await;
    let client = handshake_client().connect(WebSocketTransport::new(url)).await.expect("connects");
    let outcome = tokio::time::timeout(WAIT, client.list_tools()).await.expect("the call ends in time");
    assert!(matches!(outcome, Err(ClientError::Closed)), "{outcome:?}");
    let seen = tokio::time::timeout(WAIT, server).await.expect("the server ends").expect("no panic");
    assert_eq!(seen.as_deref(), Some("1003 MCP messages are text frames"));
}

#[tokio::test]
async fn a_server_that_does_not_choose_mcp_is_refused() {
    for chooses in [Chooses::Other, Chooses::Nothing] {
        let (url, server) = scripted(chooses, |_| async { None }).await;
        let error = handshake_client().connect(WebSocketTransport::new(url)).await.expect_err("refused");
        assert!(
            matches!(&error, ClientError::Transport(m) if m.contains("did not accept the \"mcp\" subprotocol")),
            "{error}"
        );
        let _ = tokio::time::timeout(WAIT, server).await.expect("the server ends");
    }
}
