//! `mcpforge-gateway`: MCP servers (commands run as children, or URLs) behind one endpoint,
//! served over Streamable HTTP (`--http HOST:PORT`) or stdio, with the engine's auth,
//! limits, rate limits and metrics. `mcpforge-gateway --http 127.0.0.1:3000 --mode shared --
//! COMMAND ARGS` serves one; `--config FILE` reads several from an `mcpServers` file
//! (docs/gateway.md).

use mcpforge::proxy::Proxy;
use mcpforge::{HttpOptions, ServerBuilder};
use mcpforge_examples::gateway_config::parse;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    mcpforge::telemetry::init_logging();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = parse(&args)?;
    let builder = ServerBuilder::from_json("mcpforge-gateway", env!("CARGO_PKG_VERSION"), config.server)?;
    let proxy = Proxy::start(builder, config.upstreams).await?;
    match config.http {
        Some(mut http) => {
            if http.get("handleSignals").is_none() && http.get("handle_signals").is_none() {
                http["handleSignals"] = serde_json::Value::Bool(true);
            }
            proxy.server().serve_http(HttpOptions::from_json(http, None)?).await?;
        }
        None => proxy.server().serve_stdio().await?,
    }
    proxy.close();
    Ok(())
}
