//! A benchmark-only mcpforge server: `echo` and `add` as in the quickstart, and with `--noop`
//! one middleware that only passes each request on. `make bench-middleware` runs it both ways
//! to measure what one no-op middleware costs (docs/BENCHMARKS.md). Serves stdio.

use mcpforge::{MiddlewareRequest, Next, Server, Tool, ToolError};
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let noop = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--noop") => true,
        Some(_) => return Err("usage: middleware_server [--noop]".into()),
    };
    let echo = Tool::new("echo").description("Echo the text back").input_schema(json!({
        "type": "object", "properties": { "text": { "type": "string" } }, "required": ["text"]
    }));
    let add = Tool::new("add").description("Add two numbers").input_schema(json!({
        "type": "object", "properties": { "a": { "type": "number" }, "b": { "type": "number" } }, "required": ["a", "b"]
    }));
    let mut builder = Server::builder("mcpforge-bench-middleware-rust", "0")
        .tool(
            echo,
            |args: Value| async move { Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned()) },
        )
        .tool(add, |args: Value| async move {
            let sum = args["a"].as_f64().unwrap_or_default() + args["b"].as_f64().unwrap_or_default();
            Ok::<_, ToolError>(sum.to_string())
        });
    if noop {
        builder = builder.middleware(|req: MiddlewareRequest, next: Next| async move { next.run(req).await });
    }
    builder.build()?.serve_stdio().await?;
    Ok(())
}
