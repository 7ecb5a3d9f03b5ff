//! The conformance fixture's multi-round-trip tools (SEP-2322: `input_required` results,
//! `requestState`, client capabilities per round) and its task tools (the Tasks extension and
//! 2025-11-25 task-augmented calls).

use super::*;

/// The multi-round-trip tools (SEP-2322) with the input keys the suite answers.
pub(super) fn mrtr_tools(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::new("test_input_required_result_elicitation")
                .description("Asks for the user's name (`user_name`), then greets them")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let answer = ctx.ask("user_name", name_request("What is your name?")).await?;
                let name = accepted_field(&answer, "name").unwrap_or_else(|| "stranger".to_owned());
                Ok::<_, HandlerError>(format!("Hello, {name}!"))
            },
        )
        .tool(
            Tool::new("test_input_required_result_sampling")
                .description("Asks the client's model a question (`capital_question`)")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let answer = ctx.ask("capital_question", capital_request()).await?;
                Ok::<_, HandlerError>(format!("Sampling response: {}", sampled_text(&answer)))
            },
        )
        .tool(
            Tool::new("test_input_required_result_list_roots")
                .description("Asks for the client's roots (`client_roots`)")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let answer = ctx.ask("client_roots", InputRequest::ListRoots).await?;
                Ok::<_, HandlerError>(format!("Client roots: {}", root_uris(&answer)?))
            },
        )
        .tool(
            Tool::new("test_input_required_result_request_state")
                .description("Asks for a confirmation (`confirm`) carrying its own request state (low-level API)")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move { request_state_round(&ctx) },
        )
        .tool(
            Tool::new("test_input_required_result_multiple_inputs")
                .description("Asks for a name, a model greeting and the roots in one round")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let answers = ctx
                    .ask_all(vec![
                        ("user_name".to_owned(), name_request("What is your name?")),
                        (
                            "greeting".to_owned(),
                            InputRequest::Sample(CreateMessageRequest::user_text("Generate a greeting", 50)),
                        ),
                        ("client_roots".to_owned(), InputRequest::ListRoots),
                    ])
                    .await?;
                let [name, greeting, roots] = answers.as_slice() else {
                    return Err(ProtocolError::internal("expected three answers").into());
                };
                let name = accepted_field(name, "name").unwrap_or_else(|| "stranger".to_owned());
                Ok::<_, HandlerError>(format!(
                    "Name: {name}; greeting: {}; roots: {}",
                    sampled_text(greeting),
                    root_uris(roots)?
                ))
            },
        )
        .tool(
            Tool::new("test_input_required_result_multi_round")
                .description("Asks for a name (`step1`), then a favorite color (`step2`), in two rounds")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let first = ctx.ask("step1", name_request("Step 1: What is your name?")).await?;
                let name = accepted_field(&first, "name").unwrap_or_else(|| "stranger".to_owned());
                let color_request = InputRequest::Elicit(ElicitRequest::form(
                    "Step 2: What is your favorite color?",
                    strings_schema(&["color"]),
                ));
                let second = ctx.ask("step2", color_request).await?;
                let color = accepted_field(&second, "color").unwrap_or_else(|| "no color".to_owned());
                Ok::<_, HandlerError>(format!("{name} likes {color}"))
            },
        )
        .tool(
            Tool::new("test_input_required_result_tampered_state")
                .description("Asks for a confirmation; its sealed request state refuses tampering")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move {
                let answer = ctx.ask("confirm", confirm_request()).await?;
                let ok = accepted_field(&answer, "ok").unwrap_or_else(|| "false".to_owned());
                Ok::<_, HandlerError>(format!("Signed state verified (ok: {ok})"))
            },
        )
        .tool(
            Tool::new("test_input_required_result_capabilities")
                .description("Asks only for the kinds of input the client declared")
                .input_schema(no_args()),
            |ctx: RequestContext, _: Value| async move { capabilities_round(&ctx).await },
        )
}

/// The application state `test_input_required_result_request_state` carries between rounds.
fn confirm_state() -> Value {
    json!({ "step": "confirm" })
}

/// `test_input_required_result_request_state`, on the low-level API: the first run stops
/// with `input_required` carrying [`confirm_state`]; the retry checks that state came back
/// (the engine verified its seal) and answers `state-ok`. An answer without the echoed
/// state starts over.
fn request_state_round(ctx: &RequestContext) -> Result<String, HandlerError> {
    let ask = || ctx.input_required(vec![("confirm".to_owned(), confirm_request())], Some(confirm_state()));
    match ctx.request_state() {
        None => return Err(ask()),
        Some(state) if *state != confirm_state() => {
            return Err(ProtocolError::invalid_params("requestState does not carry the confirmation step").into());
        }
        Some(_) => {}
    }
    let Some(answer) = ctx.input_responses().get("confirm") else { return Err(ask()) };
    confirm_request().check_answer(answer)?;
    let ok = accepted_field(answer, "ok").unwrap_or_else(|| "false".to_owned());
    Ok(format!("state-ok: confirmed={ok}"))
}

/// `test_input_required_result_capabilities`: one ask per declared kind of client input
/// (elicitation `user_name`, sampling `capital_question`, roots `client_roots`), none for
/// what the client did not declare.
async fn capabilities_round(ctx: &RequestContext) -> Result<String, HandlerError> {
    let caps = ctx.client_capabilities();
    let asks: Vec<(String, InputRequest)> = [
        ("user_name", name_request("What is your name?")),
        ("capital_question", capital_request()),
        ("client_roots", InputRequest::ListRoots),
    ]
    .into_iter()
    .filter(|(_, req)| req.missing_capability(caps).is_none())
    .map(|(key, req)| (key.to_owned(), req))
    .collect();
    if asks.is_empty() {
        return Ok("The client declared no input capability; nothing to ask".to_owned());
    }
    let keys: Vec<String> = asks.iter().map(|(k, _)| k.clone()).collect();
    ctx.ask_all(asks).await?;
    Ok(format!("Answered: {}", keys.join(", ")))
}

/// How long `failing_job` works before failing.
pub const FAILING_JOB_DELAY: Duration = Duration::from_secs(1);
/// The text of `failing_job`'s `isError` result.
pub const FAILING_JOB_TEXT: &str = "failing_job failed on purpose";
/// The message of `protocol_error_job`'s JSON-RPC error.
pub const PROTOCOL_ERROR_TEXT: &str = "protocol_error_job failed on purpose";
/// The longest `slow_compute` sleeps, whatever `seconds` says.
pub const SLOW_COMPUTE_MAX: Duration = Duration::from_secs(600);

/// An elicitation form: a `name` string and a `confirm` boolean, neither required.
fn task_input_request(message: impl Into<String>) -> InputRequest {
    InputRequest::Elicit(ElicitRequest::form(
        message,
        json!({
            "type": "object",
            "properties": { "name": { "type": "string" }, "confirm": { "type": "boolean" } }
        }),
    ))
}

/// The Tasks extension tools (SEP-2663 scenarios): a synchronous one, and tools that run as
/// tasks when the client supports them (on 2025-11-25 when it asks with `params.task`).
pub(super) fn task_tools(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::new("greet").description("Greets `name` (always synchronous)").input_schema(json!({
                "type": "object",
                "properties": { "name": { "type": "string", "description": "Who to greet" } }
            })),
            |args: Value| async move {
                let name = args.get("name").and_then(Value::as_str).unwrap_or("stranger").to_owned();
                Ok::<_, ToolError>(format!("Hello, {name}!"))
            },
        )
        .tool(
            Tool::new("slow_compute")
                .description("Works for `seconds` seconds, then answers with `label` (a task when possible)")
                .input_schema(json!({
                    "type": "object",
                    "properties": {
                        "seconds": { "type": "number", "minimum": 0, "description": "How long to work" },
                        "label": { "type": "string", "description": "Echoed in the result" }
                    }
                }))
                .task_support(TaskSupport::Optional),
            |args: Value| async move {
                let seconds = args.get("seconds").and_then(Value::as_f64).unwrap_or(0.0);
                let label = args.get("label").and_then(Value::as_str).unwrap_or("compute").to_owned();
                let work = Duration::try_from_secs_f64(seconds).unwrap_or_default().min(SLOW_COMPUTE_MAX);
                tokio::time::sleep(work).await;
                Ok::<_, ToolError>(format!("Computed {label} in {seconds} s"))
            },
        )
        .tool(
            Tool::new("failing_job")
                .description("Works for a second, then fails with a tool error (runs only as a task)")
                .input_schema(no_args())
                .task_support(TaskSupport::Required),
            |_: Value| async move {
                tokio::time::sleep(FAILING_JOB_DELAY).await;
                Err::<String, _>(ToolError::new(FAILING_JOB_TEXT))
            },
        )
        .tool(
            Tool::new("protocol_error_job")
                .description("Fails with a JSON-RPC error (a failed task)")
                .input_schema(no_args())
                .task_support(TaskSupport::Optional),
            |_: Value| async move {
                tokio::time::sleep(STEP_DELAY).await;
                Err::<String, _>(HandlerError::from(ProtocolError::internal(PROTOCOL_ERROR_TEXT)))
            },
        )
        .tool(
            Tool::new("confirm_delete")
                .description("Asks the user to confirm deleting `filename` (waits for input as a task)")
                .input_schema(json!({
                    "type": "object",
                    "properties": { "filename": { "type": "string", "description": "The file to delete" } }
                }))
                .task_support(TaskSupport::Optional),
            |ctx: RequestContext, args: Value| async move {
                let filename = args.get("filename").and_then(Value::as_str).unwrap_or("the file").to_owned();
                let request = ElicitRequest::form(
                    format!("Delete {filename}?"),
                    json!({ "type": "object", "properties": { "confirm": { "type": "boolean" } }, "required": ["confirm"] }),
                );
                let answer = serde_json::to_value(ctx.elicit(request).await?)?;
                let confirmed = accepted_field(&answer, "confirm").is_some_and(|c| c == "true");
                Ok::<_, HandlerError>(if confirmed { format!("Deleted {filename}") } else { format!("Kept {filename}") })
            },
        )
        .tool(
            Tool::new("multi_input")
                .description("Asks for two inputs at once (`first`, `second`; waits for both as a task)")
                .input_schema(no_args())
                .task_support(TaskSupport::Optional),
            |ctx: RequestContext, _: Value| async move {
                let answers = ctx
                    .ask_all(vec![
                        ("first".to_owned(), task_input_request("First input?")),
                        ("second".to_owned(), task_input_request("Second input?")),
                    ])
                    .await?;
                let names: Vec<String> =
                    answers.iter().map(|a| accepted_field(a, "name").unwrap_or_else(|| "(none)".to_owned())).collect();
                Ok::<_, HandlerError>(format!("Inputs received: {}", names.join(", ")))
            },
        )
        .tool(
            Tool::new("test_tool_with_task")
                .description("Asks for the user's name (`user_name`) in the request, then greets them as a task")
                .input_schema(no_args())
                .task_support(TaskSupport::Required)
                .defer_task(),
            |ctx: RequestContext, _: Value| async move {
                let answer = ctx.ask("user_name", name_request("What is your name?")).await?;
                let name = accepted_field(&answer, "name").unwrap_or_else(|| "stranger".to_owned());
                ctx.start_task()?;
                tokio::time::sleep(STEP_DELAY).await;
                Ok::<_, HandlerError>(match ctx.task_id() {
                    Some(task) => format!("Hello, {name}! (task {task})"),
                    None => format!("Hello, {name}!"),
                })
            },
        )
}
