//! The client's fallback to the 2024-11-05 HTTP+SSE transport: given the `/sse` URL of a
//! server that has no Streamable HTTP endpoint there, the POST of `initialize` is refused and
//! the client opens the event stream instead, then lists, calls and answers the server's own
//! request (`roots/list`) through it; with the fallback off it fails naming the status. A
//! hostile server cannot send the messages to another origin, and a stream that ends fails
//! the requests still waiting at once.

use std::time::Duration;

use mcpforge::client::transport::HttpTransport;
use mcpforge::client::{Client, ClientError};
use mcpforge::{HandlerError, HttpOptions, RequestContext, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const WAIT: Duration = Duration::from_secs(10);

/// A server with an `echo` tool and a `roots` tool that asks the client for its roots.
fn server() -> Server {
    Server::builder("legacy-test", "1.0.0")
        .tool(
            Tool::new("echo").input_schema(json!({ "type": "object", "properties": { "text": { "type": "string" } } })),
            |args: Value| async move { Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned()) },
        )
        .tool(Tool::new("roots"), |ctx: RequestContext, _: Value| async move {
            let roots = ctx.list_roots().await?;
            Ok::<_, HandlerError>(roots.roots.iter().map(|r| r.uri.clone()).collect::<Vec<_>>().join(","))
        })
        .build()
        .expect("a valid server")
}

async fn connect(url: String, fallback: bool) -> Result<Client, ClientError> {
    let client = Client::builder("legacy-client", "1")
        .timeout(WAIT)
        .on_request("roots/list", |_| async { Ok(json!({ "roots": [{ "uri": "file:///work" }] })) })
        .capabilities(json!({ "roots": {} }))
        .connect(HttpTransport::new(url).legacy_fallback(fallback));
    tokio::time::timeout(WAIT, client).await.expect("connecting ends in time")
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_client_falls_back_to_http_sse_and_serves_the_servers_requests() {
    let server = server();
    let options = HttpOptions { bind: "127.0.0.1:0".parse().expect("an address"), ..HttpOptions::default() };
    let http = server.bind_http(options).await.expect("bind");
    let addr = http.local_addr().expect("local address");
    let run = tokio::spawn(http.run());

    let client = connect(format!("http://{addr}/sse"), true).await.expect("connects through HTTP+SSE");
    let names: Vec<Value> =
        client.list_tools().await.expect("tools/list").into_iter().map(|t| t["name"].clone()).collect();
    assert_eq!(names, vec![json!("echo"), json!("roots")]);
    let calls = (0..8).map(|i| client.call_tool("echo", json!({ "text": format!("call {i}") })));
    for (i, result) in futures_util::future::join_all(calls).await.into_iter().enumerate() {
        assert_eq!(text(&result.expect("the call")), format!("call {i}"));
    }
    let roots = client.call_tool("roots", json!({})).await.expect("a call that asks the client");
    assert_eq!(text(&roots), "file:///work");
    client.close().await;

    let refused = connect(format!("http://{addr}/sse"), false).await.expect_err("no Streamable HTTP at /sse");
    assert!(refused.to_string().contains("405"), "{refused}");
    server.shutdown();
    let _ = tokio::time::timeout(WAIT, run).await;
}

/// Reads one HTTP request head (and drops its body, whose length it is told).
async fn read_request(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.expect("read") == 0 {
            break;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0usize);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.expect("the body");
    format!("{head}{}", String::from_utf8_lossy(&body))
}

/// A hostile HTTP+SSE server: refuses the POST of `initialize` (404), opens the stream with
/// `endpoint`, answers `initialize` on it, takes two more messages and then ends the stream
/// (`close_after_post`) or keeps it open.
async fn hostile(endpoint: &'static str, close_after_post: bool) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/sse", listener.local_addr().expect("address"));
    let task = tokio::spawn(async move {
        let (mut post, _) = listener.accept().await.expect("the POST");
        read_request(&mut post).await;
        post.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await
            .expect("write");
        let (mut stream, _) = listener.accept().await.expect("the GET");
        assert!(read_request(&mut stream).await.starts_with("GET /sse"));
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
        stream.write_all(head.as_bytes()).await.expect("write");
        stream.write_all(format!("event: endpoint\ndata: {endpoint}\n\n").as_bytes()).await.expect("write");
        // initialize (answered on the stream), notifications/initialized, then one request.
        for answer in [true, false, false] {
            let Ok(Ok((mut post, _))) = tokio::time::timeout(WAIT, listener.accept()).await else { return };
            let request = read_request(&mut post).await;
            post.write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await
                .expect("write");
            let body: Value =
                request.split("\r\n\r\n").nth(1).and_then(|b| serde_json::from_str(b).ok()).unwrap_or_default();
            if answer && body["method"] == "initialize" {
                let reply = json!({ "jsonrpc": "2.0", "id": body["id"], "result": {
                    "protocolVersion": "2024-11-05", "capabilities": { "tools": {} },
                    "serverInfo": { "name": "hostile", "version": "1" } } });
                stream.write_all(format!("event: message\ndata: {reply}\n\n").as_bytes()).await.expect("write");
            }
        }
        if close_after_post {
            drop(stream);
        } else {
            tokio::time::sleep(WAIT).await;
        }
    });
    (url, task)
}

#[tokio::test]
async fn an_endpoint_on_another_origin_is_refused() {
    let (url, task) = hostile("http://127.0.0.2:9/messages", false).await;
    let refused = connect(url, true).await.expect_err("another origin");
    assert!(refused.to_string().contains("another origin"), "{refused}");
    task.abort();
}

#[tokio::test]
async fn a_stream_that_ends_fails_the_waiting_request_at_once() {
    let (url, task) = hostile("messages?session=1", true).await;
    let client = connect(url, true).await.expect("the handshake through the hostile server");
    assert_eq!(client.session().protocol_version.as_str(), "2024-11-05");
    // Not the request timeout: the error names the stream's end.
    let failed = client.call_tool("echo", json!({})).await.expect_err("the stream ended");
    assert!(failed.to_string().contains("closed the HTTP+SSE stream"), "{failed}");
    task.abort();
}
