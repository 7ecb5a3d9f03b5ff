//! Real stdio: the example binaries (`quickstart`, `everything`) driven over OS pipes —
//! handshake, listing and calls, `server/discover`, server->client requests, a tool that
//! prints to stdout and runs a printing child (the protocol stream stays clean), oversized
//! and malformed lines, EOF in the middle of a request, and SIGTERM (over stdio and over HTTP).

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Once;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(10);

const MODERN: &str = "2026-07-28";

/// The path of an example binary, building the examples once if it is missing.
fn example_bin(name: &str) -> PathBuf {
    static BUILD: Once = Once::new();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf();
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    };
    let path = target.join("debug").join(name);
    if !path.exists() {
        BUILD.call_once(|| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = std::process::Command::new(cargo)
                .args(["build", "-p", "mcpforge-examples", "--bins"])
                .current_dir(&workspace)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the examples failed");
        });
    }
    assert!(path.exists(), "missing example binary {} (cargo build -p mcpforge-examples)", path.display());
    path
}

/// A running example server. Dropping it kills the process (also when a test fails).
struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: mpsc::UnboundedReceiver<String>,
    stderr: Option<JoinHandle<String>>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

impl Proc {
    fn spawn(name: &str) -> Proc {
        Proc::spawn_with(name, &[])
    }

    fn spawn_with(name: &str, args: &[&str]) -> Proc {
        let mut child = Command::new(example_bin(name))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("MCPFORGE_LOG")
            .env_remove("MCPFORGE_STATE_KEY")
            .kill_on_drop(true)
            .spawn()
            .expect("the example starts");
        let stdin = child.stdin.take();
        let out = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let (tx, stdout) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = BufReader::new(out).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = tokio::spawn(async move {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s).await;
            s
        });
        Proc { child, stdin, stdout, stderr: Some(stderr) }
    }

    async fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).await.expect("the server reads its stdin");
        stdin.flush().await.expect("flush");
    }

    async fn send(&mut self, msg: Value) {
        self.send_bytes(format!("{msg}\n").as_bytes()).await;
    }

    /// The next line on the server's stdout, which must be one JSON-RPC message.
    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(WAIT, self.stdout.recv())
            .await
            .expect("the server wrote within the timeout")
            .expect("stdout is open");
        let msg: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON on stdout ({e}): {line:?}"));
        assert_eq!(msg["jsonrpc"], "2.0", "not JSON-RPC on stdout: {line}");
        msg
    }

    async fn request(&mut self, id: Value, method: &str, params: Value) -> Value {
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })).await;
        let msg = self.recv().await;
        assert_eq!(msg["id"], id, "{msg}");
        msg
    }

    async fn initialize(&mut self, version: &str, caps: Value) -> Value {
        let params = json!({ "protocolVersion": version, "capabilities": caps, "clientInfo": { "name": "pipe-test", "version": "1" } });
        let resp = self.request(json!(0), "initialize", params).await;
        self.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" })).await;
        resp
    }

    /// Closes the server's stdin (EOF).
    fn close_stdin(&mut self) {
        drop(self.stdin.take());
    }

    /// Waits for stdout to end (after every line was taken) and for the exit status.
    async fn wait_exit(&mut self) -> ExitStatus {
        let end = tokio::time::timeout(WAIT, self.stdout.recv()).await.expect("stdout ended within the timeout");
        assert_eq!(end, None, "unexpected output before the end of stdout");
        tokio::time::timeout(WAIT, self.child.wait()).await.expect("the server exited in time").expect("wait")
    }

    /// Everything the server wrote to stderr (call after it exited).
    async fn stderr(&mut self) -> String {
        let task = self.stderr.take().expect("stderr taken once");
        tokio::time::timeout(WAIT, task).await.expect("stderr closed").expect("no panic")
    }
}

fn modern_meta(caps: Value) -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": caps,
        "io.modelcontextprotocol/clientInfo": { "name": "pipe-test", "version": "1" }
    })
}

fn quickstart_info() -> Value {
    json!({ "name": "mcpforge-quickstart", "version": env!("CARGO_PKG_VERSION") })
}

fn everything_info() -> Value {
    json!({
        "name": "mcpforge-everything",
        "version": env!("CARGO_PKG_VERSION"),
        "title": "mcpforge everything",
        "description": "Every feature of the engine in one server"
    })
}

fn text_result(id: Value, text: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": { "content": [{ "type": "text", "text": text }] } })
}

fn quickstart_tools() -> Value {
    json!([
        {
            "name": "echo",
            "description": "Echo the text back",
            "inputSchema": {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "EchoArgs",
                "description": "Arguments of `echo`.",
                "type": "object",
                "properties": { "text": { "description": "The text to send back.", "type": "string" } },
                "required": ["text"]
            }
        },
        {
            "name": "add",
            "description": "Add two numbers",
            "inputSchema": {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "AddArgs",
                "description": "Arguments of `add`.",
                "type": "object",
                "properties": {
                    "a": { "description": "First addend.", "format": "double", "type": "number" },
                    "b": { "description": "Second addend.", "format": "double", "type": "number" }
                },
                "required": ["a", "b"]
            }
        },
        {
            "name": "current_time",
            "description": "The current time in UTC (RFC 3339)",
            "inputSchema": { "type": "object", "additionalProperties": false },
            "annotations": { "readOnlyHint": true }
        }
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quickstart_handshake_list_and_calls() {
    let mut p = Proc::spawn("quickstart");
    let init = p.initialize("2025-11-25", json!({})).await;
    assert_eq!(
        init,
        json!({
            "jsonrpc": "2.0",
            "id": 0,
            "result": {
                "protocolVersion": "2025-11-25",
                "capabilities": { "logging": {}, "tools": { "listChanged": true } },
                "serverInfo": quickstart_info(),
                "instructions": "Tools to echo text, add numbers and tell the time."
            }
        })
    );
    assert_eq!(
        p.request(json!(1), "tools/list", json!({})).await,
        json!({ "jsonrpc": "2.0", "id": 1, "result": { "tools": quickstart_tools() } })
    );
    assert_eq!(
        p.request(json!(2), "tools/call", json!({ "name": "echo", "arguments": { "text": "héllo, wörld ✓" } })).await,
        text_result(json!(2), "héllo, wörld ✓")
    );
    assert_eq!(
        p.request(json!("three"), "tools/call", json!({ "name": "add", "arguments": { "a": 2, "b": 40.5 } })).await,
        text_result(json!("three"), "42.5")
    );
    let now = p.request(json!(4), "tools/call", json!({ "name": "current_time" })).await;
    let t = now["result"]["content"][0]["text"].as_str().expect("a text block").to_owned();
    assert!(t.len() >= 20 && t.as_bytes()[4] == b'-' && t.as_bytes()[10] == b'T' && t.ends_with('Z'), "{t}");
    let bad = p.request(json!(5), "tools/call", json!({ "name": "add", "arguments": { "a": "two", "b": 1 } })).await;
    assert_eq!(bad["result"]["isError"], true, "{bad}");
    assert!(bad["result"]["content"][0]["text"].as_str().unwrap().starts_with("Invalid arguments for tool add: "));
    assert_eq!(
        p.request(json!(6), "tools/call", json!({ "name": "nope" })).await,
        json!({ "jsonrpc": "2.0", "id": 6, "error": { "code": -32602, "message": "Invalid params: Unknown tool: nope" } })
    );
    p.close_stdin();
    assert!(p.wait_exit().await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_discover_over_the_pipe() {
    let mut p = Proc::spawn("quickstart");
    assert_eq!(
        p.request(json!("d"), "server/discover", json!({ "_meta": modern_meta(json!({})) })).await,
        json!({
            "jsonrpc": "2.0",
            "id": "d",
            "result": {
                "supportedVersions": ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"],
                "capabilities": { "logging": {}, "tools": { "listChanged": true } },
                "instructions": "Tools to echo text, add numbers and tell the time.",
                "resultType": "complete",
                "_meta": { "io.modelcontextprotocol/serverInfo": quickstart_info() },
                "ttlMs": 0,
                "cacheScope": "public"
            }
        })
    );
    let mut meta = modern_meta(json!({}));
    meta["io.modelcontextprotocol/protocolVersion"] = json!("2099-01-01");
    assert_eq!(
        p.request(json!("v"), "server/discover", json!({ "_meta": meta })).await,
        json!({
            "jsonrpc": "2.0",
            "id": "v",
            "error": {
                "code": -32022,
                "message": "Unsupported protocol version: 2099-01-01",
                "data": {
                    "supported": ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"],
                    "requested": "2099-01-01"
                }
            }
        })
    );
    // A 2026 call without any handshake.
    let params = json!({ "name": "echo", "arguments": { "text": "hi" }, "_meta": modern_meta(json!({})) });
    assert_eq!(
        p.request(json!(3), "tools/call", params).await["result"],
        json!({
            "content": [{ "type": "text", "text": "hi" }],
            "resultType": "complete",
            "_meta": { "io.modelcontextprotocol/serverInfo": quickstart_info() }
        })
    );
    p.close_stdin();
    assert!(p.wait_exit().await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prints_to_stdout_and_from_child_processes_go_to_stderr() {
    let mut p = Proc::spawn("everything");
    p.initialize("2025-11-25", json!({})).await;
    for i in 0..3 {
        assert_eq!(
            p.request(json!(i), "tools/call", json!({ "name": "noisy" })).await,
            text_result(json!(i), "printed; child exited with 0")
        );
    }
    assert_eq!(
        p.request(json!(9), "tools/call", json!({ "name": "echo", "arguments": { "text": "still clean" } })).await,
        text_result(json!(9), "still clean")
    );
    p.close_stdin();
    // `wait_exit` checks that nothing else reached stdout; `recv` checked every line was
    // JSON-RPC.
    assert!(p.wait_exit().await.success());
    let stderr = p.stderr().await;
    assert_eq!(stderr.matches("a stray print from a tool\n").count(), 3, "{stderr}");
    assert_eq!(stderr.matches("a child process writing to stdout\n").count(), 3, "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_line_is_refused_and_the_next_request_works() {
    const MAX: usize = 8 * 1024 * 1024;
    let mut p = Proc::spawn("quickstart");
    p.initialize("2025-11-25", json!({})).await;
    let head = r#"{"jsonrpc":"2.0","id":"big","method":"ping","params":{"pad":""#;
    let tail = r#""}}"#;
    let pad = MAX + 1000 - head.len() - tail.len();
    let mut line = Vec::with_capacity(MAX + 1001);
    line.extend_from_slice(head.as_bytes());
    line.resize(head.len() + pad, b'x');
    line.extend_from_slice(tail.as_bytes());
    let len = line.len();
    line.push(b'\n');
    p.send_bytes(&line).await;
    assert_eq!(
        p.recv().await,
        json!({
            "jsonrpc": "2.0",
            "error": {
                "code": -32600,
                "message": format!("Invalid request: message of {len} bytes exceeds the limit of {MAX} bytes"),
                "data": { "maxMessageSize": MAX }
            }
        })
    );
    assert_eq!(p.request(json!(2), "ping", json!({})).await, json!({ "jsonrpc": "2.0", "id": 2, "result": {} }));
    // Just under the limit is fine.
    let mut line = Vec::with_capacity(MAX);
    line.extend_from_slice(head.replace("big", "fits").as_bytes());
    line.resize(MAX - tail.len(), b'y');
    line.extend_from_slice(tail.as_bytes());
    assert_eq!(line.len(), MAX);
    line.push(b'\n');
    p.send_bytes(&line).await;
    assert_eq!(p.recv().await, json!({ "jsonrpc": "2.0", "id": "fits", "result": {} }));
    p.close_stdin();
    assert!(p.wait_exit().await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_a_parse_error_and_serving_goes_on() {
    let mut p = Proc::spawn("everything");
    // Before any session: no id member.
    p.send_bytes(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n").await;
    let err = p.recv().await;
    assert_eq!(err.get("id"), None, "{err}");
    assert_eq!(err["error"]["code"], -32700);
    assert!(err["error"]["message"].as_str().unwrap().starts_with("Parse error: "), "{err}");
    // On a 2025-06-18 session: `"id": null`.
    p.initialize("2025-06-18", json!({})).await;
    p.send_bytes(b"this is not json\n").await;
    let err = p.recv().await;
    assert_eq!(err["id"], Value::Null);
    assert!(err.as_object().unwrap().contains_key("id"), "{err}");
    assert_eq!(err["error"]["code"], -32700);
    assert_eq!(
        p.request(json!(1), "tools/call", json!({ "name": "echo", "arguments": { "text": "alive" } })).await,
        text_result(json!(1), "alive")
    );
    p.close_stdin();
    assert!(p.wait_exit().await.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eof_mid_request_still_answers_then_exits_zero() {
    let mut p = Proc::spawn("everything");
    let meta = {
        let mut m = modern_meta(json!({}));
        m["progressToken"] = json!("c");
        m
    };
    p.send(json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": "count", "arguments": { "steps": 3, "delay_ms": 50 }, "_meta": meta }
    }))
    .await;
    p.close_stdin();
    for i in 1..=3 {
        assert_eq!(
            p.recv().await,
            json!({
                "jsonrpc": "2.0",
                "method": "notifications/progress",
                "params": { "progressToken": "c", "progress": f64::from(i), "total": 3.0, "message": format!("step {i}") }
            })
        );
    }
    assert_eq!(
        p.recv().await,
        json!({
            "jsonrpc": "2.0",
            "id": 1,
            "result": {
                "content": [{ "type": "text", "text": "counted to 3" }],
                "resultType": "complete",
                "_meta": { "io.modelcontextprotocol/serverInfo": everything_info() }
            }
        })
    );
    assert!(p.wait_exit().await.success());
}

fn sigterm(p: &Proc) {
    let pid = p.child.id().expect("the server is running");
    let pid = libc::pid_t::try_from(pid).expect("a valid pid");
    // SAFETY: kill(2) with a pid we own (our child) and a standard signal.
    let r = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(r, 0, "kill failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_idle_exits_zero() {
    let mut p = Proc::spawn("everything");
    // A round trip first: the server is serving (its signal handlers are installed).
    let discover = p.request(json!(1), "server/discover", json!({ "_meta": modern_meta(json!({})) })).await;
    assert_eq!(discover["result"]["resultType"], "complete");
    sigterm(&p);
    let status = p.wait_exit().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_request_lets_it_finish_then_exits_zero() {
    let mut p = Proc::spawn("everything");
    p.initialize("2025-11-25", json!({})).await;
    p.send(json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": { "name": "count", "arguments": { "steps": 2, "delay_ms": 50 }, "_meta": { "progressToken": 1 } }
    }))
    .await;
    let progress = |i: u32| {
        json!({
            "jsonrpc": "2.0",
            "method": "notifications/progress",
            "params": { "progressToken": 1, "progress": f64::from(i), "total": 2.0, "message": format!("step {i}") }
        })
    };
    // No `logging/setLevel`: every log message is sent.
    let log = |i: u32| {
        json!({
            "jsonrpc": "2.0",
            "method": "notifications/message",
            "params": { "level": "info", "data": { "step": i }, "logger": "count" }
        })
    };
    // The first progress report proves the request is running.
    assert_eq!(p.recv().await, progress(1));
    sigterm(&p);
    assert_eq!(p.recv().await, log(1));
    assert_eq!(p.recv().await, progress(2));
    assert_eq!(p.recv().await, log(2));
    assert_eq!(p.recv().await, text_result(json!(7), "counted to 2"));
    let status = p.wait_exit().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_over_http_lets_a_running_request_finish_then_exits_zero() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut p = Proc::spawn_with("everything", &["--http", &addr]);
    let started = tokio::time::Instant::now();
    let mut tcp = loop {
        match tokio::net::TcpStream::connect(&addr).await {
            Ok(tcp) => break tcp,
            Err(_) if started.elapsed() < WAIT => tokio::time::sleep(Duration::from_millis(20)).await,
            Err(e) => panic!("the server did not listen: {e}"),
        }
    };
    let body = json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": { "name": "count", "arguments": { "steps": 2, "delay_ms": 200 }, "_meta": modern_meta(json!({})) }
    })
    .to_string();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: {MODERN}\r\n\
         Mcp-Method: tools/call\r\nMcp-Name: count\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    sigterm(&p);
    let mut response = String::new();
    tokio::time::timeout(WAIT, tcp.read_to_string(&mut response)).await.expect("an answer in time").unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("counted to 2"), "the running request finished: {response}");
    let status = p.wait_exit().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_requests_and_client_answers_over_pipes() {
    let mut p = Proc::spawn("everything");
    p.initialize("2025-11-25", json!({ "elicitation": {}, "roots": {} })).await;
    p.send(json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": { "name": "ask_name" } })).await;
    let ask = p.recv().await;
    assert_eq!(
        ask,
        json!({
            "jsonrpc": "2.0",
            "id": 1,
            "method": "elicitation/create",
            "params": {
                "message": "What is your name?",
                "requestedSchema": { "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] }
            }
        })
    );
    p.send(json!({ "jsonrpc": "2.0", "id": 1, "result": { "action": "accept", "content": { "name": "Ada" } } })).await;
    assert_eq!(p.recv().await, text_result(json!(1), "Hello, Ada!"));

    p.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": { "name": "roots" } })).await;
    let ask = p.recv().await;
    assert_eq!(ask, json!({ "jsonrpc": "2.0", "id": 2, "method": "roots/list", "params": {} }));
    p.send(
        json!({ "jsonrpc": "2.0", "id": 2, "result": { "roots": [{ "uri": "file:///a" }, { "uri": "file:///b" }] } }),
    )
    .await;
    assert_eq!(p.recv().await, text_result(json!(2), "file:///a\nfile:///b"));
    p.close_stdin();
    assert!(p.wait_exit().await.success());
}
