//! The HTTP listener's connections driven by a binding (`HttpServer::run_driven`): each
//! accepted connection, and the requests it carries, run on the binding's executor, its
//! socket opened by the binding's opener; an opener that gives a socket back leaves it to
//! the engine (still on the executor); with WebSocket on, the runtime serves every
//! connection.

use crate::http_client;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http_client::{Request, WAIT, send};
use mcpforge::transport::http::OpenSocket;
use mcpforge::{Executor, HttpDriver, HttpIo, HttpOptions, MemoryClient, Server, Task, Tool, ToolError};
use serde_json::{Value, json};

/// The name of the executor's thread.
const DRIVEN: &str = "driven-by-binding";

/// An executor with one thread of its own (a single-threaded runtime), counting its tasks.
struct OneThread {
    runtime: tokio::runtime::Handle,
    tasks: AtomicUsize,
}

impl OneThread {
    /// The executor, and the sender that stops its thread when dropped.
    fn start() -> (Arc<OneThread>, tokio::sync::oneshot::Sender<()>) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name(DRIVEN.into())
            .spawn(move || {
                let _ = runtime.block_on(stopped);
            })
            .expect("thread");
        (Arc::new(OneThread { runtime: handle, tasks: AtomicUsize::new(0) }), stop)
    }
}

impl Executor for OneThread {
    fn spawn(&self, task: Task) {
        self.tasks.fetch_add(1, Ordering::SeqCst);
        self.runtime.spawn(task);
    }
}

/// An opener that counts the sockets it opens (as the runtime's sockets, registered with
/// the executor's runtime), or gives every socket back when `give_back`.
fn opener(opened: Arc<AtomicUsize>, give_back: bool) -> OpenSocket {
    Arc::new(move |fd| {
        if give_back {
            return Err(fd);
        }
        opened.fetch_add(1, Ordering::SeqCst);
        let socket = tokio::net::TcpStream::from_std(std::net::TcpStream::from(fd)).expect("a socket");
        Ok(Box::new(socket) as Box<dyn HttpIo>)
    })
}

/// A server whose `where` tool answers the name of the thread it runs on.
fn server() -> Server {
    Server::builder("http-driven", "1.0.0")
        .tool(Tool::new("where"), |_: Value| async move {
            Ok::<_, ToolError>(std::thread::current().name().unwrap_or("unnamed").to_owned())
        })
        .build()
        .expect("build")
}

/// A 2026-07-28 `tools/call` of `where`.
fn call_where() -> Request {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": "where", "arguments": {}, "_meta": MemoryClient::modern_meta(json!({})) }
    });
    Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "where")
}

/// Serves `options` driven by a [`OneThread`] executor and `open`; runs two calls, each on a
/// connection of its own; gives the threads they ran on and how many tasks the executor got.
async fn two_calls(options: HttpOptions, give_back: bool) -> (Vec<String>, usize, usize) {
    let (executor, stop) = OneThread::start();
    let opened = Arc::new(AtomicUsize::new(0));
    let server = server();
    let http = server.bind_http(HttpOptions { bind: "127.0.0.1:0".parse().unwrap(), ..options }).await.expect("bind");
    let addr = http.local_addr().expect("address");
    let driver = HttpDriver { executor: executor.clone(), open_socket: opener(opened.clone(), give_back) };
    let run = tokio::spawn(http.run_driven(Some(driver)));
    let mut threads = Vec::new();
    for _ in 0..2 {
        let response = send(addr, &call_where()).await;
        assert_eq!(response.status, 200, "{}", response.text());
        threads.push(response.json()["result"]["content"][0]["text"].as_str().expect("text").to_owned());
    }
    server.shutdown();
    tokio::time::timeout(WAIT, run).await.expect("run() returns after shutdown").expect("task").expect("run");
    drop(stop);
    (threads, executor.tasks.load(Ordering::SeqCst), opened.load(Ordering::SeqCst))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binding_executor_runs_each_connection_and_its_requests() {
    let (threads, tasks, opened) = two_calls(HttpOptions::default(), false).await;
    assert_eq!(threads, [DRIVEN, DRIVEN], "the handlers ran on the executor's thread");
    assert_eq!(opened, 2, "the binding opened each connection's socket");
    // Each connection and each of its requests.
    assert!(tasks >= 4, "{tasks} tasks on the executor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_the_opener_gives_back_is_served_by_the_engine_on_the_executor() {
    let (threads, tasks, opened) = two_calls(HttpOptions::default(), true).await;
    assert_eq!(threads, [DRIVEN, DRIVEN]);
    assert_eq!(opened, 0);
    assert!(tasks >= 4, "{tasks} tasks on the executor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_websocket_on_the_runtime_serves_every_connection() {
    let (threads, tasks, opened) = two_calls(HttpOptions { websocket: true, ..HttpOptions::default() }, false).await;
    assert!(threads.iter().all(|t| t != DRIVEN), "{threads:?}");
    assert_eq!((tasks, opened), (0, 0));
}
