//! Benchmark peer: echo, add and slow written with rmcp, the official Rust SDK, the way its
//! own tests and examples write servers (tool macros, the multi-thread tokio runtime,
//! `StreamableHttpService` with its default session manager behind axum).
//!
//! No arguments: serve stdio. `--http HOST:PORT`: serve Streamable HTTP at `/mcp`.
//! `slow` blocks for 10 ms on tokio's blocking pool, like the mcpforge Rust subject.

use std::time::Duration;

use axum::serve::ListenerExt;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{Implementation, ServerCapabilities, ServerConfig};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ServerHandler, ServiceExt, schemars, tool, tool_handler, tool_router};

/// Arguments of `echo`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct EchoArgs {
    /// The text to send back.
    text: String,
}

/// Arguments of `add`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct AddArgs {
    /// First addend.
    a: f64,
    /// Second addend.
    b: f64,
}

/// The server: its tools are the methods below.
#[derive(Clone)]
struct Bench {
    #[allow(dead_code)] // read by the code #[tool_handler] generates
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl Bench {
    fn new() -> Self {
        Bench { tool_router: Self::tool_router() }
    }

    #[tool(description = "Echo the text back")]
    async fn echo(&self, Parameters(EchoArgs { text }): Parameters<EchoArgs>) -> String {
        text
    }

    #[tool(description = "Add two numbers")]
    async fn add(&self, Parameters(AddArgs { a, b }): Parameters<AddArgs>) -> String {
        (a + b).to_string()
    }

    #[tool(description = "Block for 10 ms, then answer `done`")]
    async fn slow(&self) -> String {
        let _ = tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(10))).await;
        "done".to_owned()
    }
}

#[tool_handler]
impl ServerHandler for Bench {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("rmcp-bench", "0"))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {
            let service = Bench::new().serve(rmcp::transport::stdio()).await?;
            service.waiting().await?;
        }
        [flag, addr] if flag == "--http" => {
            let service = StreamableHttpService::new(
                || Ok(Bench::new()),
                LocalSessionManager::default().into(),
                StreamableHttpServerConfig::default(),
            );
            let router = axum::Router::new().nest_service("/mcp", service);
            // TCP_NODELAY, as HTTP servers are deployed: without it each SSE response waits
            // for the client's delayed ACK (about 40 ms), which would measure the kernel.
            let listener = tokio::net::TcpListener::bind(addr.as_str()).await?.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, router).await?;
        }
        _ => return Err("usage: rmcp_server [--http HOST:PORT]".into()),
    }
    Ok(())
}
