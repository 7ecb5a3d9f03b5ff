//! A benchmark-only server with one tool, `slow`, whose handler blocks for 10 ms, served over
//! stdio (or Streamable HTTP with `--http HOST:PORT`).
//!
//! The slow-handler workload of `make bench-peers` (see docs/BENCHMARKS.md) sends 64 calls
//! at once to find out whether a framework runs blocking handlers side by side or one after
//! the other. Every subject's `slow` tool does the same thing the way its language does
//! blocking work: here the sleep runs on tokio's blocking pool (`spawn_blocking`), as the
//! quickstart recommends for handlers that block, so the one runtime thread stays free.

use std::time::Duration;

use mcpforge::{Server, Tool, ToolError};
use serde_json::Value;

/// How long one call of `slow` blocks.
const SLEEP: Duration = Duration::from_millis(10);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    mcpforge::telemetry::init_logging();
    let server = Server::builder("mcpforge-bench-slow", env!("CARGO_PKG_VERSION"))
        .tool(Tool::new("slow").description("Block for 10 ms, then answer `done`"), |_: Value| async move {
            tokio::task::spawn_blocking(|| std::thread::sleep(SLEEP))
                .await
                .map_err(|e| ToolError::new(format!("the blocking task failed: {e}")))?;
            Ok::<_, ToolError>("done")
        })
        .build()?;
    match mcpforge_examples::cli::http_address()? {
        Some(addr) => server.serve_http(mcpforge::HttpOptions::new(addr)).await?,
        None => server.serve_stdio().await?,
    }
    Ok(())
}
