//! A notes server whose policy lives in middleware, not in its tools: every request is
//! audited (one JSON line on stderr: method, name, outcome, milliseconds; never the
//! arguments), note text is cleaned of control characters before any tool sees it, and
//! with `AUDITED_READ_ONLY=1` in the environment the tools that write are refused.
//!
//! `audited` serves stdio; `audited --http 127.0.0.1:3000` serves Streamable HTTP at `/mcp`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use mcpforge::{Answer, MiddlewareRequest, Next, Server, ToolError};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// At most this many notes are kept (the oldest goes first).
const MAX_NOTES: usize = 1000;
/// The tools that change the notes.
const WRITES: &[&str] = &["note_add", "note_clear"];

/// Arguments of `note_add`.
#[derive(Deserialize, JsonSchema)]
struct AddArgs {
    /// The note's text (at most 1,000 characters).
    #[schemars(length(max = 1000))]
    text: String,
}

/// One audit line per request. Only what the engine vouches for is written: the method and
/// the name as JSON strings (so a name holding a newline cannot forge a line), never the
/// arguments, which may hold anything a model was steered into sending.
async fn audit(req: MiddlewareRequest, next: Next) -> mcpforge::MiddlewareResult {
    let method = req.method().to_owned();
    let name = req.name().map(str::to_owned);
    let started = Instant::now();
    let answer = next.run(req).await;
    let outcome = match &answer {
        Ok(a) if a.is_tool_error() => "tool_error".to_owned(),
        Ok(_) => "ok".to_owned(),
        Err(e) => format!("error {}", e.code),
    };
    let line = json!({
        "audit": method, "name": name, "outcome": outcome, "ms": started.elapsed().as_secs_f64() * 1000.0,
    });
    eprintln!("{line}");
    answer
}

/// Control characters (other than newlines and tabs) removed from a note's text.
async fn clean_text(mut req: MiddlewareRequest, next: Next) -> mcpforge::MiddlewareResult {
    if req.name() == Some("note_add")
        && let Some(Value::String(text)) = req.arguments_mut().and_then(|a| a.get_mut("text"))
    {
        text.retain(|c| !c.is_control() || c == '\n' || c == '\t');
    }
    next.run(req).await
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    mcpforge::telemetry::init_logging();
    let read_only = std::env::var("AUDITED_READ_ONLY").is_ok_and(|v| v == "1");
    let notes: Arc<Mutex<Vec<String>>> = Arc::default();
    let (add_to, list_from, clear) = (notes.clone(), notes.clone(), notes);
    let mut builder = Server::builder("mcpforge-audited", env!("CARGO_PKG_VERSION"))
        .instructions("Notes: add, list and clear them.")
        .middleware(audit)
        .middleware(clean_text);
    if read_only {
        builder = builder.middleware(|req: MiddlewareRequest, next: Next| async move {
            if req.method() == "tools/call" && req.name().is_some_and(|n| WRITES.contains(&n)) {
                return Ok(Answer::tool_error("this server is read-only: notes cannot be changed"));
            }
            next.run(req).await
        });
    }
    let server = builder
        .typed_tool::<AddArgs, _>("note_add", "Add a note", move |args: AddArgs| {
            let notes = add_to.clone();
            async move {
                let mut notes = notes.lock().map_err(|_| ToolError::new("the notes are unavailable"))?;
                if notes.len() == MAX_NOTES {
                    notes.remove(0);
                }
                notes.push(args.text);
                Ok::<_, ToolError>(format!("{} notes", notes.len()))
            }
        })
        .tool(mcpforge::Tool::new("note_list").description("Every note, oldest first"), move |_: Value| {
            let notes = list_from.clone();
            async move {
                let notes = notes.lock().map_err(|_| ToolError::new("the notes are unavailable"))?;
                Ok::<_, ToolError>(json!({ "notes": *notes }))
            }
        })
        .tool(mcpforge::Tool::new("note_clear").description("Remove every note"), move |_: Value| {
            let notes = clear.clone();
            async move {
                notes.lock().map_err(|_| ToolError::new("the notes are unavailable"))?.clear();
                Ok::<_, ToolError>("cleared".to_owned())
            }
        })
        .build()?;
    match mcpforge_examples::cli::http_address()? {
        Some(addr) => server.serve_http(mcpforge::HttpOptions::new(addr)).await?,
        None => server.serve_stdio().await?,
    }
    Ok(())
}
