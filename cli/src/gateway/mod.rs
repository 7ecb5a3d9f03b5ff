//! `mcpforge gateway`: MCP servers (commands run as children, or URLs) behind one endpoint,
//! served over Streamable HTTP (`--http HOST:PORT`) or stdio, with the engine's auth, limits,
//! rate limits and metrics (the library's `mcpforge::proxy`); `--stdio URL`, the other way round, a
//! remote Streamable HTTP server served over stdio, signing in with OAuth when it asks
//! (docs/gateway.md).

mod bridge;
mod config;
mod paths;
mod reload;
mod signin;

use std::future::Future;

use mcpforge::{HttpOptions, ServerBuilder};
use serde_json::Value;

use crate::args::GatewayArgs;
use crate::failure::Failure;

/// The name the gateway gives itself to its clients and its upstreams.
const NAME: &str = "mcpforge-gateway";

/// Runs `mcpforge gateway` until its clients are gone (stdio) or a signal stops it (HTTP).
pub(crate) fn run(args: GatewayArgs) -> Result<i32, Failure> {
    let config = match &args.stdio {
        Some(url) => bridge::config(url, &args.headers)?,
        None => config::parse(&args).map_err(Failure::usage)?,
    };
    block_on(serve(config))
}

/// Serves `config`'s upstreams until stdin closes or, over HTTP, a signal.
async fn serve(config: config::Config) -> Result<i32, Failure> {
    let builder = ServerBuilder::from_json(NAME, env!("CARGO_PKG_VERSION"), config.server.clone())
        .map_err(|e| Failure::usage(format!("the \"server\" options: {e}")))?;
    // The server (its lists declared, as `Proxy::start` declares them), every upstream
    // mounted on it one by one: a reload takes each out alone.
    let server = builder.enable_tools().enable_resources().enable_prompts().build();
    let server = server.map_err(|e| Failure::usage(format!("the \"server\" options: {e}")))?;
    let mounted = reload::Mounted::start(server.clone(), config.upstreams.clone()).await;
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let follower = tokio::spawn(reload::follow(config.file.clone(), config.default, config.fixed, mounted, stopped));
    let served = match config.http {
        Some(http) => {
            let options = HttpOptions::from_json(with_signals(http), None)
                .map_err(|e| Failure::usage(format!("the \"http\" options: {e}")))?;
            let listener = server.bind_http(options.clone()).await.map_err(|e| Failure::new(e.to_string()))?;
            let (listener, _alone) =
                paths::mount(listener, &server, config.file.is_none(), &config.upstreams, &config.server, &options)
                    .await?;
            listener.run().await
        }
        None => server.serve_stdio().await,
    };
    let _ = stop.send(());
    if let Ok(mounted) = follower.await {
        mounted.close();
    }
    served.map(|()| 0).map_err(|e| Failure::new(e.to_string()))
}

/// The HTTP options with SIGINT and SIGTERM stopping the server, unless they say otherwise.
fn with_signals(mut http: Value) -> Value {
    if http.get("handleSignals").is_none() && http.get("handle_signals").is_none() {
        http["handleSignals"] = Value::Bool(true);
    }
    http
}

/// Runs `work` on a runtime of worker threads, the engine's logging on stderr.
fn block_on<F>(work: F) -> Result<i32, Failure>
where
    F: Future<Output = Result<i32, Failure>>,
{
    mcpforge::telemetry::init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(work)
}
