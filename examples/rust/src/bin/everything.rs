//! The `everything` server: at least one of every feature the engine offers, served over
//! stdio. Tools with annotations, structured output, every content type, progress,
//! logging, cancellation, client input (elicitation, sampling, roots), a tool that runs as a
//! task, list changes and resource updates; concrete and templated resources; a prompt with completions.
//! `everything --http 127.0.0.1:3000` serves Streamable HTTP at `/mcp` instead of stdio, with
//! Prometheus request metrics at `/metrics` (the scale-out tests count each instance's calls
//! there).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcpforge::{
    BoxFuture, CompleteRequest, CompletionHandler, CompletionOutput, CompletionRef, Content, CreateMessageRequest,
    ElicitAction, ElicitRequest, GetPromptResult, HandlerError, Json, LogLevel, Prompt, PromptArgument, PromptMessage,
    ProtocolError, RequestContext, Resource, ResourceContents, ResourceTemplate, Role, Server, TaskSupport, Tool,
    ToolAnnotations, ToolError,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A 1x1 transparent PNG.
const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
/// A 44-byte WAV header with no samples (a valid, silent WAV file).
const WAV_EMPTY: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";

const LANGUAGES: &[&str] = &["c", "cpp", "go", "java", "javascript", "python", "rust", "typescript"];

/// Arguments of `echo`.
#[derive(Deserialize, JsonSchema)]
struct EchoArgs {
    /// The text to send back.
    text: String,
}

/// Arguments of `weather`.
#[derive(Deserialize, JsonSchema)]
struct WeatherArgs {
    /// City name.
    city: String,
}

/// Structured output of `weather`.
#[derive(Serialize)]
struct Weather {
    city: String,
    temperature_c: f64,
    conditions: String,
}

/// Arguments of `count`.
#[derive(Deserialize, JsonSchema)]
struct CountArgs {
    /// How many steps to count (1-100).
    #[schemars(range(min = 1, max = 100))]
    steps: u32,
    /// Milliseconds per step (default 100).
    delay_ms: Option<u64>,
}

/// Arguments of `summarize`.
#[derive(Deserialize, JsonSchema)]
struct SummarizeArgs {
    /// Text for the client's model to summarize.
    text: String,
}

/// Arguments of `write_note`.
#[derive(Deserialize, JsonSchema)]
struct NoteArgs {
    /// Note name (letters, digits, `-`, `_`).
    name: String,
    /// Note text.
    text: String,
}

type Notes = Arc<Mutex<BTreeMap<String, String>>>;

/// Completes `code_review`'s `language` argument and the note names of `memo://notes/{name}`.
struct Completer {
    notes: Notes,
}

impl CompletionHandler for Completer {
    fn complete(
        &self,
        _ctx: RequestContext,
        req: CompleteRequest,
    ) -> BoxFuture<'static, Result<CompletionOutput, ProtocolError>> {
        let values: Vec<String> = match (&req.reference, req.argument.as_str()) {
            (CompletionRef::Prompt { .. }, "language") => {
                LANGUAGES.iter().filter(|l| l.starts_with(&req.value)).map(|l| (*l).to_owned()).collect()
            }
            (CompletionRef::Resource { .. }, "name") => {
                let notes = self.notes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                notes.keys().filter(|k| k.starts_with(&req.value)).cloned().collect()
            }
            _ => Vec::new(),
        };
        Box::pin(async move { Ok(CompletionOutput::Values(values)) })
    }
}

fn lock(notes: &Notes) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
    notes.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn tools(builder: mcpforge::ServerBuilder, notes: &Notes) -> mcpforge::ServerBuilder {
    let read_only = ToolAnnotations { read_only_hint: Some(true), open_world_hint: Some(false), ..Default::default() };
    let notes_w = notes.clone();
    builder
        .tool(
            Tool::new("echo")
                .title("Echo")
                .description("Echo the text back")
                .input_schema(mcpforge::sugar::schema_for::<EchoArgs>())
                .annotations(read_only.clone()),
            |args: EchoArgs| async move { Ok::<_, ToolError>(args.text) },
        )
        .tool(
            Tool::new("weather")
                .description("Current weather for a city (structured output)")
                .input_schema(mcpforge::sugar::schema_for::<WeatherArgs>())
                .output_schema(json!({
                    "type": "object",
                    "properties": {
                        "city": { "type": "string" },
                        "temperature_c": { "type": "number" },
                        "conditions": { "type": "string" }
                    },
                    "required": ["city", "temperature_c", "conditions"]
                })),
            |args: WeatherArgs| async move {
                // Deterministic "weather" so the example needs no network.
                let t = args.city.bytes().map(f64::from).sum::<f64>() % 35.0;
                Ok::<_, ToolError>(Json(Weather { city: args.city, temperature_c: t, conditions: "clear".into() }))
            },
        )
        .tool(Tool::new("media").description("Returns one block of every content type"), |_: Value| async move {
            Ok::<_, ToolError>(mcpforge::CallToolResult::success(vec![
                Content::text("Every content type:"),
                Content::image(PNG_1X1, "image/png"),
                Content::audio(WAV_EMPTY, "audio/wav"),
                Content::resource_link("memo://notes", "notes"),
                Content::embedded(ResourceContents::text("memo://embedded", Some("text/plain"), "embedded text")),
            ]))
        })
        .tool(
            Tool::new("count")
                .description("Counts slowly, reporting progress and logging each step; stops when cancelled")
                .input_schema(mcpforge::sugar::schema_for::<CountArgs>()),
            |ctx: RequestContext, args: CountArgs| async move {
                let delay = Duration::from_millis(args.delay_ms.unwrap_or(100));
                for i in 1..=args.steps {
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = ctx.cancelled() => return Err(ToolError::new(format!("cancelled at step {i}"))),
                    }
                    ctx.report_progress(f64::from(i), Some(f64::from(args.steps)), Some(&format!("step {i}")));
                    ctx.log(LogLevel::Info, json!({ "step": i }), Some("count"));
                }
                Ok(format!("counted to {}", args.steps))
            },
        )
        .tool(Tool::new("fail").description("Always fails with a tool error"), |_: Value| async move {
            Err::<String, _>(ToolError::new("this tool always fails"))
        })
        .tool(
            Tool::new("ask_name").description("Asks the user for their name (elicitation)"),
            |ctx: RequestContext, _: Value| async move {
                let schema =
                    json!({ "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] });
                let answer = ctx.elicit(ElicitRequest::form("What is your name?", schema)).await?;
                let name = answer.content.as_ref().and_then(|c| c.get("name")).and_then(Value::as_str);
                Ok::<_, HandlerError>(match (answer.action, name) {
                    (ElicitAction::Accept, Some(n)) => format!("Hello, {n}!"),
                    (action, _) => format!("No name given ({action:?})"),
                })
            },
        )
        .tool(
            Tool::new("approve_job")
                .description("Asks for approval of job `label`, then works for `ms` milliseconds (runs as a task when the client asks)")
                .input_schema(json!({
                    "type": "object",
                    "properties": {
                        "label": { "type": "string", "maxLength": 64, "description": "The job's name" },
                        "ms": { "type": "integer", "minimum": 0, "maximum": 5000, "description": "How long the job works" }
                    }
                }))
                .task_support(TaskSupport::Optional),
            |ctx: RequestContext, args: Value| async move {
                let label = args.get("label").and_then(Value::as_str).unwrap_or("job").to_owned();
                let work = Duration::from_millis(args.get("ms").and_then(Value::as_u64).unwrap_or(0).min(5000));
                let schema = json!({ "type": "object", "properties": { "approve": { "type": "boolean" } }, "required": ["approve"] });
                let answer = ctx.elicit(ElicitRequest::form(format!("Run job {label}?"), schema)).await?;
                let approved = answer.action == ElicitAction::Accept
                    && answer.content.as_ref().and_then(|c| c.get("approve")).and_then(Value::as_bool) == Some(true);
                if !approved {
                    return Ok::<_, HandlerError>(format!("Job {label} declined"));
                }
                tokio::time::sleep(work).await;
                Ok(format!("Job {label} done"))
            },
        )
        .tool(
            Tool::new("background_job")
                .description("Works for `ms` milliseconds, then answers (runs as a task when the client asks)")
                .input_schema(json!({
                    "type": "object",
                    "properties": {
                        "ms": { "type": "integer", "minimum": 0, "maximum": 60000, "description": "How long the job works" }
                    }
                }))
                .task_support(TaskSupport::Optional),
            |args: Value| async move {
                let ms = args.get("ms").and_then(Value::as_u64).unwrap_or(0).min(60_000);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok::<_, ToolError>(format!("Worked {ms} ms"))
            },
        )
        .tool(
            Tool::new("summarize")
                .description("Asks the client's model to summarize text (sampling)")
                .input_schema(mcpforge::sugar::schema_for::<SummarizeArgs>()),
            |ctx: RequestContext, args: SummarizeArgs| async move {
                let req = CreateMessageRequest::user_text(format!("Summarize in one sentence:\n{}", args.text), 200);
                let reply = ctx.sample(req).await?;
                Ok::<_, HandlerError>(reply.text().unwrap_or("(no text)").to_owned())
            },
        )
        .tool(Tool::new("roots").description("Lists the client's roots"), |ctx: RequestContext, _: Value| async move {
            let roots = ctx.list_roots().await?;
            let uris: Vec<String> = roots.roots.into_iter().map(|r| r.uri).collect();
            Ok::<_, HandlerError>(if uris.is_empty() { "no roots".to_owned() } else { uris.join("\n") })
        })
        .tool(
            Tool::new("write_note")
                .description("Writes a note (notifies subscribers of memo://notes/{name})")
                .input_schema(mcpforge::sugar::schema_for::<NoteArgs>()),
            move |ctx: RequestContext, args: NoteArgs| {
                let notes = notes_w.clone();
                async move {
                    if args.name.is_empty()
                        || !args.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    {
                        return Err(ToolError::new("note names use letters, digits, `-` and `_`"));
                    }
                    let is_new = lock(&notes).insert(args.name.clone(), args.text).is_none();
                    let uri = format!("memo://notes/{}", args.name);
                    ctx.server().notify_resource_updated(&uri);
                    if is_new {
                        ctx.server().notify_resources_changed();
                    }
                    Ok(format!("saved {uri}"))
                }
            },
        )
        .tool(
            Tool::new("toggle_bonus_tool").description("Adds or removes the `bonus` tool (list_changed)"),
            |ctx: RequestContext, _: Value| async move {
                let server = ctx.server();
                if server.remove_tool("bonus") {
                    return Ok::<_, HandlerError>("removed bonus".to_owned());
                }
                let bonus = Tool::new("bonus").description("A tool that comes and goes");
                server
                    .add_tool(bonus, |_: Value| async move { Ok::<_, ToolError>("bonus!") })
                    .map_err(|e| ToolError::new(e.to_string()))?;
                Ok("added bonus".to_owned())
            },
        )
        .tool(
            Tool::new("noisy")
                .description("Prints to stdout and runs a child process that prints: the stream survives"),
            |_: Value| async move {
                println!("a stray print from a tool");
                let child = std::process::Command::new("echo").arg("a child process writing to stdout").status();
                Ok::<_, ToolError>(format!(
                    "printed; child exited with {}",
                    child.map_or(-1, |s| s.code().unwrap_or(-1))
                ))
            },
        )
}

fn resources(builder: mcpforge::ServerBuilder, notes: &Notes) -> mcpforge::ServerBuilder {
    let list_notes = notes.clone();
    let read_note = notes.clone();
    builder
        .resource(
            Resource::new("memo://notes", "notes").description("Index of all notes").mime_type("text/plain"),
            move |_ctx: RequestContext, uri: String| {
                let notes = list_notes.clone();
                async move {
                    let index = lock(&notes).keys().map(|k| format!("memo://notes/{k}")).collect::<Vec<_>>().join("\n");
                    Ok::<_, HandlerError>(vec![ResourceContents::text(uri, Some("text/plain"), index)])
                }
            },
        )
        .resource(
            Resource::new("memo://logo.png", "logo").description("A tiny PNG").mime_type("image/png"),
            |_ctx: RequestContext, uri: String| async move {
                Ok::<_, HandlerError>(vec![ResourceContents::blob(uri, Some("image/png"), PNG_1X1)])
            },
        )
        .resource_template(
            ResourceTemplate::new("memo://notes/{name}", "note")
                .description("One note by name")
                .mime_type("text/plain"),
            move |_ctx: RequestContext, uri: String, vars: BTreeMap<String, String>| {
                let notes = read_note.clone();
                async move {
                    let name = vars.get("name").cloned().unwrap_or_default();
                    match lock(&notes).get(&name) {
                        Some(text) => Ok(vec![ResourceContents::text(uri, Some("text/plain"), text.clone())]),
                        None => Err(HandlerError::from(ProtocolError::resource_not_found(&uri))),
                    }
                }
            },
        )
}

fn prompts(builder: mcpforge::ServerBuilder, notes: &Notes) -> mcpforge::ServerBuilder {
    let completer = Arc::new(Completer { notes: notes.clone() });
    builder
        .prompt(
            Prompt::new("code_review")
                .description("Review a piece of code")
                .argument(PromptArgument::required("code", "The code to review"))
                .argument(PromptArgument::optional("language", "Its programming language")),
            |_ctx: RequestContext, args: BTreeMap<String, String>| async move {
                let code = args.get("code").cloned().unwrap_or_default();
                let lang = args.get("language").map_or("the code", String::as_str).to_owned();
                Ok::<_, HandlerError>(GetPromptResult::new(vec![
                    PromptMessage::user(format!("Please review this {lang} for bugs and style:\n\n{code}")),
                    PromptMessage {
                        role: Role::Assistant,
                        content: Content::text("I will look for correctness first."),
                    },
                ]))
            },
        )
        .completion(Some(CompletionRef::Prompt { name: "code_review".into() }), completer.clone())
        .completion(Some(CompletionRef::Resource { uri: "memo://notes/{name}".into() }), completer)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    mcpforge::telemetry::init_logging();
    let notes: Notes =
        Arc::new(Mutex::new(BTreeMap::from([("welcome".to_owned(), "Hello from mcpforge.".to_owned())])));
    let builder = Server::builder("mcpforge-everything", env!("CARGO_PKG_VERSION"))
        .title("mcpforge everything")
        .description("Every feature of the engine in one server")
        .instructions("A showcase server: tools, resources, prompts and completions.");
    let builder = prompts(resources(tools(builder, &notes), &notes), &notes);
    let server = builder.build()?;
    match mcpforge_examples::cli::http_address()? {
        Some(addr) => {
            server.serve_http(mcpforge::HttpOptions { metrics: true, ..mcpforge::HttpOptions::new(addr) }).await?
        }
        None => server.serve_stdio().await?,
    }
    Ok(())
}
