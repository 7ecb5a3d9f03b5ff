//! Streamable HTTP safety checks over real sockets: DNS-rebinding protection (`Host` and
//! `Origin` allow-lists, 403), loopback names accepted, the body cap (413, and the server keeps
//! serving), and malformed JSON (400/-32700).

use crate::http_client;

use std::net::SocketAddr;

use http_client::{Request, Response, WAIT, send};
use mcpforge::{HttpOptions, MemoryClient, Server, Tool, ToolError};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

struct Served {
    server: Server,
    addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

impl Served {
    async fn start(options: HttpOptions) -> Served {
        let server =
            Server::builder("http-security", "1.0.0")
                .tool(
                    Tool::new("echo")
                        .input_schema(json!({ "type": "object", "properties": { "text": { "type": "string" } } })),
                    |args: Value| async move {
                        Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().len().to_string())
                    },
                )
                .build()
                .expect("build");
        let options = HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options };
        let http = server.bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Served { server, addr, run: tokio::spawn(http.run()) }
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

/// A conformant 2026 `server/discover` request.
fn discover() -> Request {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "server/discover",
        "params": { "_meta": MemoryClient::modern_meta(json!({})) }
    });
    Request::post_json(&body).header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "server/discover")
}

/// A 2026 `tools/call` of `echo` with `text` (the result is its length).
fn echo(text: &str) -> Request {
    let body = json!({
        "jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": { "name": "echo", "arguments": { "text": text }, "_meta": MemoryClient::modern_meta(json!({})) }
    });
    Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "echo")
}

fn forbidden() -> Value {
    let message = "Invalid request: Forbidden: Host or Origin not allowed";
    json!({ "jsonrpc": "2.0", "error": { "code": -32600, "message": message } })
}

fn assert_forbidden(response: &Response) {
    assert_eq!(response.status, 403, "{}", response.text());
    assert_eq!(response.json(), forbidden());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_host_is_403() {
    let s = Served::start(HttpOptions::default()).await;
    assert_forbidden(&s.send(&discover().header("Host", "evil.example.com")).await);
    assert_forbidden(&s.send(&discover().header("Host", &format!("evil.example.com:{}", s.addr.port()))).await);
    // Every route and method is covered, not only the MCP POST.
    assert_forbidden(&s.send(&Request::new("GET", "/mcp").header("Host", "evil.example.com")).await);
    assert_forbidden(&s.send(&Request::new("GET", "/healthz").header("Host", "evil.example.com")).await);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_origin_is_403() {
    let s = Served::start(HttpOptions::default()).await;
    assert_forbidden(&s.send(&discover().header("Origin", "http://evil.example.com")).await);
    assert_forbidden(&s.send(&discover().header("Origin", "http://localhost.evil.example.com")).await);
    assert_forbidden(&s.send(&discover().header("Origin", "null")).await);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_host_and_origin_are_served() {
    let s = Served::start(HttpOptions::default()).await;
    let port = s.addr.port();
    let cases = [
        (format!("127.0.0.1:{port}"), None),
        (format!("localhost:{port}"), Some("http://localhost:5173".to_owned())),
        ("localhost".to_owned(), Some(format!("http://127.0.0.1:{port}"))),
        (format!("[::1]:{port}"), Some("https://[::1]".to_owned())),
    ];
    for (host, origin) in cases {
        let mut request = discover().header("Host", &host);
        if let Some(o) = &origin {
            request = request.header("Origin", o);
        }
        let response = s.send(&request).await;
        assert_eq!(response.status, 200, "Host {host}, Origin {origin:?}: {}", response.text());
        assert_eq!(response.json()["result"]["resultType"], json!("complete"));
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_over_the_cap_is_413_and_the_server_keeps_serving() {
    let s = Served::start(HttpOptions { max_body: 4096, ..HttpOptions::default() }).await;
    // Just under the cap: served.
    let fits = "a".repeat(3000);
    let response = s.send(&echo(&fits)).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["result"]["content"][0]["text"], json!("3000"));

    let too_big = "a".repeat(64 * 1024);
    let response = s.send(&echo(&too_big)).await;
    assert_eq!(response.status, 413, "{}", response.text());

    // Later requests are served as before.
    for _ in 0..3 {
        let response = s.send(&echo("ok")).await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json()["result"]["content"][0]["text"], json!("2"));
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_400_parse_error() {
    let s = Served::start(HttpOptions::default()).await;
    for bad in [&b"{\"jsonrpc\":\"2.0\",\"id\":1,"[..], b"not json", b"", b"{\"a\":1}}"] {
        let request = discover().body(bad.to_vec());
        let response = s.send(&request).await;
        assert_eq!(response.status, 400, "{:?}: {}", String::from_utf8_lossy(bad), response.text());
        assert_eq!(response.header("content-type"), Some("application/json"));
        let body = response.json();
        assert_eq!(body["jsonrpc"], json!("2.0"));
        assert_eq!(body["error"]["code"], json!(-32700), "{body}");
        assert!(body["error"]["message"].as_str().unwrap().starts_with("Parse error: "), "{body}");
        // The id could not be read, so there is none.
        assert!(body.get("id").is_none_or(Value::is_null), "{body}");
    }
    s.stop().await;
}
