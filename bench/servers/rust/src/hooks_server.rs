//! A soak subject: an mcpforge server over Streamable HTTP and WebSocket with every production
//! hook on, for `mcpforge-hostile mixed` (`make soak-hostile`, docs/SECURITY.md). Its Python
//! twin is bench/servers/python/hooks_server.py.
//!
//! - tools: `echo` (the steady client's), `secret` (registered, hidden from every client by
//!   the catalogue hook) and `fail` (an internal error, which reaches the error hook);
//! - one middleware that only passes each request on;
//! - an error hook that counts failures (it keeps nothing else; the count is printed on
//!   stderr when the server stops);
//! - metrics on (`/metrics`);
//! - rate limits: per client, per tool for `echo`, and `*` for every other tool;
//! - bearer authorization: the tokens `steady` and `hostile`, each its own subject;
//! - OpenTelemetry export when the standard variables ask for it
//!   (`OTEL_EXPORTER_OTLP_ENDPOINT`; the soak points it at a collector that never answers).
//!
//! ```text
//! hooks_server [--max-sessions N] --http HOST:PORT
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use mcpforge::{
    AuthError, AuthInfo, AuthOptions, CatalogueKind, Failure, HandlerError, HttpOptions, MiddlewareRequest, Next,
    ProtocolError, Rate, RateLimits, Server, Tool, ToolError, Visible,
};
use serde_json::{Value, json};

const USAGE: &str = "usage: hooks_server [--max-sessions N] --http HOST:PORT";

/// The bearer tokens this server accepts; each is its own subject.
const TOKENS: [&str; 2] = ["steady", "hostile"];

/// What the command line asks for.
struct Args {
    addr: SocketAddr,
    max_sessions: Option<usize>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut addr, mut max_sessions) = (None, None);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--http" => addr = Some(value.parse().map_err(|e| format!("--http {value}: {e}"))?),
            "--max-sessions" => max_sessions = Some(value.parse().map_err(|e| format!("--max-sessions {value}: {e}"))?),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(Args { addr: addr.ok_or("--http HOST:PORT is required")?, max_sessions })
}

/// Rates generous enough for the soak's steady client (20 calls a second), tight enough
/// that a flood is refused.
fn rate_limits() -> RateLimits {
    let minute = Duration::from_secs(60);
    RateLimits {
        per_client: Some(Rate::new(6_000, minute).with_burst(600)),
        tools: [
            ("echo".to_owned(), Rate::new(3_000, minute).with_burst(300)),
            ("*".to_owned(), Rate::new(600, minute).with_burst(60)),
        ]
        .into(),
    }
}

fn build(failures: Arc<AtomicU64>) -> Result<Server, mcpforge::Error> {
    let echo = Tool::new("echo").description("Echo the text back").input_schema(json!({
        "type": "object", "properties": { "text": { "type": "string" } }, "required": ["text"]
    }));
    Server::builder("mcpforge-hooks-rust", "0")
        .tool(
            echo,
            |args: Value| async move { Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned()) },
        )
        .tool(Tool::new("secret").description("Hidden by the catalogue"), |_: Value| async move {
            Ok::<_, ToolError>("never shown".to_owned())
        })
        .tool(Tool::new("fail").description("Fails unexpectedly"), |_: Value| async move {
            Err::<String, HandlerError>(ProtocolError::internal("the fail tool failed").into())
        })
        .middleware(|req: MiddlewareRequest, next: Next| async move { next.run(req).await })
        .catalogue(|_: &MiddlewareRequest, kind: CatalogueKind| async move {
            match kind {
                CatalogueKind::Tools => Visible::only(["echo", "fail"]),
                _ => Visible::All,
            }
        })
        .on_error(move |_: &Failure<'_>| {
            failures.fetch_add(1, Ordering::Relaxed);
        })
        .mask_error_details(true)
        .metrics(true)
        .rate_limits(rate_limits())
        .build()
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("hooks_server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    mcpforge::telemetry::init_logging();
    let failures = Arc::new(AtomicU64::new(0));
    let server = match build(failures.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hooks_server: {e}");
            return ExitCode::from(2);
        }
    };
    let verify = |token: String| async move {
        match TOKENS.iter().find(|t| **t == token) {
            Some(subject) => Ok(AuthInfo::new(*subject, ["mcp"])),
            None => Err(AuthError::Invalid("unknown token".into())),
        }
    };
    let mut options = HttpOptions {
        websocket: true,
        metrics: true,
        auth: Some(AuthOptions::new(format!("http://{}/mcp", args.addr), verify)),
        ..HttpOptions::new(args.addr)
    };
    if let Some(n) = args.max_sessions {
        options.max_sessions = n;
    }
    let served = server.serve_http(options).await;
    eprintln!("hooks_server: {} failures reported to the error hook", failures.load(Ordering::Relaxed));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hooks_server: {e}");
            ExitCode::from(1)
        }
    }
}
