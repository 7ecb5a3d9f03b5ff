//! The Rust client over Streamable HTTP to the engine's listener on 127.0.0.1: a legacy
//! session (requests, server requests answered on a POST's event stream, a resource update
//! on the GET stream, DELETE on close), the stateless wire (client input as
//! `inputRequests`), and a timed-out call cancelling the server's handler on both.

use crate::client_server;
use crate::http_client;

use std::time::Duration;

use client_server::{Served, text};
use http_client::{in_session, send};
use mcpforge::ProtocolVersion;
use mcpforge::client::transport::HttpTransport;
use mcpforge::client::{Client, ClientBuilder, ClientError, Protocol};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(10);

fn answering(protocol: Protocol) -> ClientBuilder {
    client_server::answering("http-test", protocol, Duration::from_millis(500))
}

/// The same calls on either wire.
async fn calls(client: &Client) {
    client_server::calls(client, "over HTTP").await;
    // Arguments annotated with `x-mcp-header` travel in `Mcp-Param-*` headers too (required
    // on the stateless wire), encoded when not plain ASCII.
    let region = client.call_tool("region", json!({ "region": " Zürich ", "zone": 7 })).await.expect("region");
    assert_eq!(text(&region), r#"" Zürich " 7"#);
}

/// A timed-out `wait` ends with its handler cancelled on the server.
async fn timeout_cancels(client: &Client, served: &mut Served) {
    let outcome = client.call_tool("wait", json!({})).await;
    assert!(matches!(outcome, Err(ClientError::Timeout { .. })), "{outcome:?}");
    let ended = tokio::time::timeout(WAIT, served.test.ended.recv()).await.expect("the handler ended");
    assert_eq!(ended.as_deref(), Some("cancelled"));
}

#[tokio::test]
async fn a_legacy_session_over_http() {
    let mut served = Served::start(false).await;
    let transport = HttpTransport::new(served.url("http"));
    let session = transport.session_id();
    let client =
        answering(Protocol::Handshake(ProtocolVersion::LATEST_LEGACY)).connect(transport).await.expect("connects");
    let id = session.get().expect("the server gave a session");
    let mut notifications = client.notifications().expect("the channel");
    calls(&client).await;
    client.ping().await.expect("ping");
    client.subscribe("file:///a.txt").await.expect("subscribe");
    served.test.server.notify_resource_updated("file:///a.txt");
    let updated = loop {
        let n = tokio::time::timeout(WAIT, notifications.recv()).await.expect("in time").expect("open");
        if n.method == "notifications/resources/updated" {
            break n;
        }
    };
    assert_eq!(updated.params["uri"], "file:///a.txt", "delivered on the GET stream");
    timeout_cancels(&client, &mut served).await;
    client.close().await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    let after = send(served.addr, &in_session(&id, ProtocolVersion::LATEST_LEGACY.as_str(), &ping)).await;
    assert_eq!(after.status, 404, "the session was deleted: {}", after.text());
    served.stop().await;
}

#[tokio::test]
async fn the_stateless_wire_over_http() {
    let mut served = Served::start(false).await;
    let transport = HttpTransport::new(served.url("http"));
    let session = transport.session_id();
    let client = answering(Protocol::Auto).connect(transport).await.expect("connects");
    assert_eq!(client.session().protocol_version, ProtocolVersion::V2026_07_28);
    calls(&client).await;
    timeout_cancels(&client, &mut served).await;
    assert_eq!(session.get(), None, "no session on the stateless wire");
    client.close().await;
    served.stop().await;
}

#[tokio::test]
async fn an_http_error_without_a_json_rpc_body_fails_the_request() {
    let served = Served::start(false).await;
    let wrong = format!("http://{}/elsewhere", served.addr);
    let refused = Client::builder("http-test", "1.0.0").connect(HttpTransport::new(wrong)).await;
    let error = refused.expect_err("no MCP endpoint there");
    assert!(matches!(&error, ClientError::Server(e) if e.message.contains("HTTP 404")), "{error}");
    served.stop().await;
}

/// A request goes to the server in origin form (`POST /mcp?x=1 HTTP/1.1`, RFC 9112 §3.2.1),
/// not with the whole URL, which is for proxies: servers that join the `Host` header and the
/// request target (Node's `req.url`) would read `http://hosthttp://host/mcp`.
#[tokio::test]
async fn requests_name_their_target_in_origin_form() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let first_line = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("a connection");
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
            let n = stream.read(&mut buf).await.expect("read");
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
        String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned()
    });
    let url = format!("http://{addr}/mcp?x=1");
    let refused =
        tokio::time::timeout(WAIT, Client::builder("http-test", "1.0.0").connect(HttpTransport::new(url))).await;
    assert!(refused.expect("answered in time").is_err(), "the listener answers 404");
    let line = tokio::time::timeout(WAIT, first_line).await.expect("a request in time").expect("the listener");
    assert_eq!(line, "POST /mcp?x=1 HTTP/1.1");
}
