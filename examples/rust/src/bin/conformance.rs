//! The conformance server: every fixture the official MCP conformance suite
//! (`@modelcontextprotocol/conformance`) calls, served by mcpforge on both wires (2025-11-25
//! sessions and stateless 2026-07-28 requests). The fixtures live in
//! `mcpforge_examples::conformance_fixture`.
//!
//! ```text
//! conformance                   serve over stdio
//! conformance --http HOST:PORT  serve Streamable HTTP (what the suite connects to)
//! ```

use std::process::ExitCode;

use mcpforge::Server;
use mcpforge_examples::conformance_fixture::build_server;

const USAGE: &str = "usage: conformance [--http HOST:PORT]";

/// Serves `server` over Streamable HTTP (and WebSocket) at `addr`.
async fn serve_http(server: &Server, addr: &str) -> Result<(), Box<dyn std::error::Error>> {
    let addr: std::net::SocketAddr = addr.parse()?;
    // WebSocket too: the cross-language WebSocket tests drive the fixtures.
    server.serve_http(mcpforge::HttpOptions { websocket: true, ..mcpforge::HttpOptions::new(addr) }).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    mcpforge::telemetry::init_logging();
    let server = build_server();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let served = match args.as_slice() {
        [] => server.serve_stdio().await.map_err(Into::into),
        [flag, addr] if flag == "--http" => serve_http(&server, addr).await,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("conformance: {e}");
            ExitCode::from(2)
        }
    }
}
