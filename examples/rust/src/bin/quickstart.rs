//! The quickstart server: `echo`, `add` and `current_time`, served over stdio.
//!
//! Run it under any MCP client (`command: quickstart`), or pipe JSON-RPC into it;
//! `quickstart --http 127.0.0.1:3000` serves Streamable HTTP at `/mcp` instead, and
//! `--auth JSON` after it checks bearer tokens as the HTTP options' `auth` member says
//! (docs/auth.md), e.g. with the built-in `jwt` verifier.

use mcpforge::{Server, Tool, ToolAnnotations, ToolError};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// Arguments of `echo`.
#[derive(Deserialize, JsonSchema)]
struct EchoArgs {
    /// The text to send back.
    text: String,
}

/// Arguments of `add`.
#[derive(Deserialize, JsonSchema)]
struct AddArgs {
    /// First addend.
    a: f64,
    /// Second addend.
    b: f64,
}

// One stdio connection needs one thread: a current-thread runtime is the leanest choice
// (one thread, the smallest memory footprint). The multi-thread default works as well;
// handlers that burn CPU should use `tokio::task::spawn_blocking` on either.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    mcpforge::telemetry::init_logging();
    let read_only = ToolAnnotations { read_only_hint: Some(true), ..ToolAnnotations::default() };
    let server = Server::builder("mcpforge-quickstart", env!("CARGO_PKG_VERSION"))
        .instructions("Tools to echo text, add numbers and tell the time.")
        .typed_tool::<EchoArgs, _>("echo", "Echo the text back", |args: EchoArgs| async move {
            Ok::<_, ToolError>(args.text)
        })
        .typed_tool::<AddArgs, _>("add", "Add two numbers", |args: AddArgs| async move {
            Ok::<_, ToolError>((args.a + args.b).to_string())
        })
        .tool(
            Tool::new("current_time").description("The current time in UTC (RFC 3339)").annotations(read_only),
            |_: Value| async move {
                let now = time::OffsetDateTime::now_utc();
                now.format(&time::format_description::well_known::Rfc3339).map_err(|e| ToolError::new(e.to_string()))
            },
        )
        .build()?;
    match mcpforge_examples::cli::http_options()? {
        Some(options) => server.serve_http(options).await?,
        None => server.serve_stdio().await?,
    }
    Ok(())
}
