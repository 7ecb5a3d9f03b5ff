"""The conformance fixture in Python: every tool, resource and prompt the official MCP
conformance suite calls, with the names, arguments, schemas and texts it checks. It mirrors
examples/rust/src/conformance_fixture.rs (the Rust fixture) handler for handler.

The same handlers serve 2025-11-25 sessions and the stateless 2026-07-28 wire: client input
(``ctx.elicit``, ``ctx.sample``, ``ctx.ask``, ...) becomes a server->client request on a
session and an ``input_required`` result on the 2026 wire. Plain and ``async`` handlers are
mixed on purpose, so the suite exercises both paths of the binding.

    python examples/python/conformance_fixture.py                   serve stdio
    python examples/python/conformance_fixture.py --http HOST:PORT  serve Streamable HTTP
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any, Dict, List, Optional

import mcpforge
from mcpforge import (
    Audio,
    CallToolResult,
    Context,
    Elicit,
    EmbeddedResource,
    Image,
    ListRoots,
    Message,
    ProtocolError,
    ResourceContents,
    Sample,
    Server,
    Text,
    ToolError,
)

SERVER_NAME = "mcp-conformance-test-server"
PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
WAV_EMPTY = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA="
SIMPLE_TEXT = "This is a simple text response for testing."
ERROR_TEXT = "This tool intentionally returns an error for testing"
STATIC_TEXT = "This is the content of the static text resource."
LOG_MESSAGES = ["Tool execution started", "Tool processing data", "Tool execution completed"]
STEP_DELAY = 0.05
RECONNECTION_DELAY = 0.3
CACHE_TTL = 300.0
ARG1_COMPLETIONS = ["test", "testing", "tested"]
FAILING_JOB_DELAY = 1.0
FAILING_JOB_TEXT = "failing_job failed on purpose"
PROTOCOL_ERROR_TEXT = "protocol_error_job failed on purpose"
SLOW_COMPUTE_MAX = 600.0
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

NO_ARGS: Dict[str, Any] = {"type": "object", "properties": {}}

server = Server(
    SERVER_NAME,
    version=mcpforge.__version__,
    title="MCP conformance test server",
    description="Every fixture of the official MCP conformance suite, on mcpforge",
    instructions="A conformance fixture: the tools, resources and prompts the MCP conformance suite calls.",
    cache_ttl=CACHE_TTL,
)
tool = server.tool


def strings_schema(names: List[str]) -> Dict[str, Any]:
    """An object schema of required string properties."""
    return {"type": "object", "properties": {n: {"type": "string"} for n in names}, "required": names}


def name_request(message: str) -> Elicit:
    """The elicitation ``user_name`` of the multi-round-trip fixtures."""
    return Elicit(message, strings_schema(["name"]))


def capital_request() -> Sample:
    """The sampling request ``capital_question``."""
    return Sample("What is the capital of France?", max_tokens=100)


def confirm_request() -> Elicit:
    """The elicitation ``confirm``: a boolean ``ok``."""
    return Elicit("Please confirm", {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]})


def compact(value: Any) -> str:
    """JSON text as the Rust fixture prints it (compact, keys sorted)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def accepted_field(answer: Dict[str, Any], field: str) -> Optional[str]:
    """The field ``field`` of an accepted elicitation answer, as text."""
    if answer.get("action") != "accept":
        return None
    value = (answer.get("content") or {}).get(field)
    if value is None:
        return None
    return value if isinstance(value, str) else compact(value)


def sampled_text(answer: Dict[str, Any]) -> str:
    """The text of a sampling answer."""
    content = answer.get("content")
    text = content.get("text") if isinstance(content, dict) else None
    return text if isinstance(text, str) else "(no text)"


def root_uris(answer: Dict[str, Any]) -> str:
    """The root URIs of a ``roots/list`` answer, comma-separated."""
    roots = answer.get("roots")
    if not isinstance(roots, list) or not all(isinstance(r, dict) and isinstance(r.get("uri"), str) for r in roots):
        raise ProtocolError(INVALID_PARAMS, f"Invalid params: input response `client_roots`: {compact(answer)}")
    return ", ".join(r["uri"] for r in roots)


def describe_elicitation(answer: mcpforge.ElicitResult) -> str:
    """How an elicitation was answered, as the reference server reports it."""
    content = "null" if answer.content is None else compact(answer.content)
    return f"action={answer.action}, content={content}"


SEP1034_DEFAULTS_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "default": "John Doe"},
        "age": {"type": "integer", "default": 30},
        "score": {"type": "number", "default": 95.5},
        "status": {"type": "string", "enum": ["active", "inactive", "pending"], "default": "active"},
        "verified": {"type": "boolean", "default": True},
    },
    "required": ["name", "age", "score", "status", "verified"],
}

SEP1330_ENUMS_SCHEMA = {
    "type": "object",
    "properties": {
        "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
        "titledSingle": {
            "type": "string",
            "oneOf": [
                {"const": "value1", "title": "First Option"},
                {"const": "value2", "title": "Second Option"},
                {"const": "value3", "title": "Third Option"},
            ],
        },
        "legacyEnum": {
            "type": "string",
            "enum": ["opt1", "opt2", "opt3"],
            "enumNames": ["Option One", "Option Two", "Option Three"],
        },
        "untitledMulti": {"type": "array", "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
        "titledMulti": {
            "type": "array",
            "items": {
                "anyOf": [
                    {"const": "value1", "title": "First Choice"},
                    {"const": "value2", "title": "Second Choice"},
                    {"const": "value3", "title": "Third Choice"},
                ]
            },
        },
    },
    "required": ["untitledSingle", "titledSingle", "legacyEnum", "untitledMulti", "titledMulti"],
}

JSON_SCHEMA_2020_12 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {
        "address": {
            "$anchor": "addressDef",
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        }
    },
    "properties": {
        "name": {"type": "string"},
        "address": {"$ref": "#/$defs/address"},
        "contactMethod": {"type": "string", "enum": ["phone", "email"]},
        "phone": {"type": "string"},
        "email": {"type": "string"},
    },
    "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then": {"required": ["phone"]},
    "else": {"required": ["email"]},
    "additionalProperties": False,
}

CUSTOM_HEADER_SCHEMA = {
    "type": "object",
    "properties": {"region": {"type": "string", "description": "Deployment region", "x-mcp-header": "Region"}},
    "required": ["region"],
}


# ----- tools: first the no-argument one the header-validation scenario calls ------------------


@tool("test_simple_text", description="Returns a simple text response", input_schema=NO_ARGS)
def simple_text() -> str:
    return SIMPLE_TEXT


@tool("test_custom_header", description="Echoes `region`, which also travels in the Mcp-Param-Region header", input_schema=CUSTOM_HEADER_SCHEMA)
def custom_header(region: str = "") -> str:
    return f"Region: {region}"


# ----- content ----------------------------------------------------------------------------------


@tool("test_image_content", description="Returns one PNG image", input_schema=NO_ARGS)
def image_content() -> Image:
    return Image(base64.b64decode(PNG_1X1), mime_type="image/png")


@tool("test_audio_content", description="Returns one WAV audio clip", input_schema=NO_ARGS)
def audio_content() -> Audio:
    return Audio(base64.b64decode(WAV_EMPTY), mime_type="audio/wav")


@tool("test_embedded_resource", description="Returns an embedded text resource", input_schema=NO_ARGS)
def embedded_resource() -> EmbeddedResource:
    return EmbeddedResource("test://embedded-resource", text="This is an embedded resource content.", mime_type="text/plain")


@tool("test_multiple_content_types", description="Returns text, an image and an embedded resource", input_schema=NO_ARGS)
async def multiple_content_types() -> CallToolResult:
    return CallToolResult(
        [
            Text("Multiple content types test:"),
            Image(base64.b64decode(PNG_1X1), mime_type="image/png"),
            EmbeddedResource("test://mixed-content-resource", text='{"test":"data","value":123}', mime_type="application/json"),
        ]
    )


@tool("test_error_handling", description="Always returns an isError result", input_schema=NO_ARGS)
def error_handling() -> str:
    raise ToolError(ERROR_TEXT)


# ----- notifications and time -------------------------------------------------------------------


@tool("test_tool_with_logging", description="Sends three info log messages, 50 ms apart, then answers", input_schema=NO_ARGS)
async def tool_with_logging(ctx: Context) -> str:
    for i, message in enumerate(LOG_MESSAGES):
        if i > 0:
            await asyncio.sleep(STEP_DELAY)
        await ctx.info(message, logger="conformance")
    return "Logging test completed"


@tool("test_tool_with_progress", description="Reports progress 0, 50 and 100 of 100, 50 ms apart, then answers", input_schema=NO_ARGS)
def tool_with_progress(ctx: Context) -> str:
    for i, step in enumerate([0, 50, 100]):
        if i > 0:
            time.sleep(STEP_DELAY)
        ctx.report_progress(step, 100, f"Completed step {i} of 3")
    return "Progress test completed"


@tool(
    "test_reconnection",
    description="Works briefly before answering (the HTTP layer tests stream resumption meanwhile)",
    input_schema=NO_ARGS,
)
async def reconnection() -> str:
    await asyncio.sleep(RECONNECTION_DELAY)
    return "Reconnection test completed"


# ----- client input, high-level -----------------------------------------------------------------


@tool("test_sampling", description="Asks the client's model to answer a prompt")
def sampling(prompt: Annotated[str, "The prompt to send to the model"], ctx: Context) -> str:
    reply = ctx.sample(prompt, max_tokens=100)
    return f"LLM response: {reply.text or '(no text)'}"


@tool("test_elicitation", description="Asks the user for a username and an email")
async def elicitation(message: Annotated[str, "The message shown to the user"], ctx: Context) -> str:
    answer = await ctx.elicit(message, strings_schema(["username", "email"]))
    return f"User response: {describe_elicitation(answer)}"


@tool("test_elicitation_sep1034_defaults", description="Elicits a form whose fields carry defaults (SEP-1034)", input_schema=NO_ARGS)
def elicitation_defaults(ctx: Context) -> str:
    answer = ctx.elicit("Please review and update the form fields", SEP1034_DEFAULTS_SCHEMA)
    return f"Elicitation completed: {describe_elicitation(answer)}"


@tool("test_elicitation_sep1330_enums", description="Elicits a form with the five enum forms (SEP-1330)", input_schema=NO_ARGS)
async def elicitation_enums(ctx: Context) -> str:
    answer = await ctx.elicit("Please select options", SEP1330_ENUMS_SCHEMA)
    return f"Elicitation completed: {describe_elicitation(answer)}"


@tool(
    "json_schema_2020_12_tool",
    description="Declares a JSON Schema 2020-12 input schema (passed through verbatim)",
    input_schema=JSON_SCHEMA_2020_12,
)
def json_schema_2020_12_tool(**arguments: Any) -> str:
    return f"Received: {compact(arguments)}"


# ----- the 2026-07-28 diagnostics of the server-stateless scenario -------------------------------


@tool("test_missing_capability", description="Needs the client's sampling capability (-32021 when it is not declared)", input_schema=NO_ARGS)
async def missing_capability(ctx: Context) -> str:
    reply = await ctx.sample("Requires the sampling capability", max_tokens=10)
    return f"Sampling answered: {reply.text or '(no text)'}"


@tool(
    "test_streaming_elicitation",
    description="Asks for a name through the response (input_required on 2026-07-28, never a server request)",
    input_schema=NO_ARGS,
)
def streaming_elicitation(ctx: Context) -> str:
    ctx.report_progress(0, 1, "asking for a name")
    answer = ctx.elicit("What is your name?", strings_schema(["name"]))
    name = (answer.content or {}).get("name")
    return f"Streaming elicitation completed (name: {name if isinstance(name, str) else 'unknown'})"


@tool("test_logging_tool", description="Logs one info message (sent only when the request asked for logs)", input_schema=NO_ARGS)
def logging_tool(ctx: Context) -> str:
    ctx.info("test_logging_tool ran", logger="conformance")
    return "Logging tool completed"


@tool("test_trigger_tool_change", description="Announces that the tool list changed", input_schema=NO_ARGS)
def trigger_tool_change() -> str:
    server.notify_tools_changed()
    return "Tool list change notified"


@tool("test_trigger_prompt_change", description="Announces that the prompt list changed", input_schema=NO_ARGS)
def trigger_prompt_change() -> str:
    server.notify_prompts_changed()
    return "Prompt list change notified"


# ----- multi-round-trip requests (SEP-2322) -----------------------------------------------------


@tool("test_input_required_result_elicitation", description="Asks for the user's name (`user_name`), then greets them", input_schema=NO_ARGS)
def mrtr_elicitation(ctx: Context) -> str:
    answer = ctx.ask("user_name", name_request("What is your name?"))
    return f"Hello, {accepted_field(answer, 'name') or 'stranger'}!"


@tool("test_input_required_result_sampling", description="Asks the client's model a question (`capital_question`)", input_schema=NO_ARGS)
async def mrtr_sampling(ctx: Context) -> str:
    answer = await ctx.ask("capital_question", capital_request())
    return f"Sampling response: {sampled_text(answer)}"


@tool("test_input_required_result_list_roots", description="Asks for the client's roots (`client_roots`)", input_schema=NO_ARGS)
def mrtr_list_roots(ctx: Context) -> str:
    answer = ctx.ask("client_roots", ListRoots())
    return f"Client roots: {root_uris(answer)}"


CONFIRM_STATE = {"step": "confirm"}


@tool(
    "test_input_required_result_request_state",
    description="Asks for a confirmation (`confirm`) carrying its own request state (low-level API)",
    input_schema=NO_ARGS,
)
def mrtr_request_state(ctx: Context) -> str:
    """The low-level form: the first run stops with ``input_required`` carrying
    ``CONFIRM_STATE``; the retry checks that state came back and answers ``state-ok``."""
    state = ctx.request_state
    if state is None:
        raise ctx.input_required([("confirm", confirm_request())], CONFIRM_STATE)
    if state != CONFIRM_STATE:
        raise ProtocolError(INVALID_PARAMS, "Invalid params: requestState does not carry the confirmation step")
    answer = ctx.input_responses.get("confirm")
    if answer is None:
        raise ctx.input_required([("confirm", confirm_request())], CONFIRM_STATE)
    if not isinstance(answer, dict) or answer.get("action") not in ("accept", "decline", "cancel"):
        raise ProtocolError(INVALID_PARAMS, f"Invalid params: malformed input response for elicitation/create: {compact(answer)}")
    return f"state-ok: confirmed={accepted_field(answer, 'ok') or 'false'}"


@tool(
    "test_input_required_result_multiple_inputs",
    description="Asks for a name, a model greeting and the roots in one round",
    input_schema=NO_ARGS,
)
async def mrtr_multiple_inputs(ctx: Context) -> str:
    name, greeting, roots = await ctx.ask_all(
        [
            ("user_name", name_request("What is your name?")),
            ("greeting", Sample("Generate a greeting", max_tokens=50)),
            ("client_roots", ListRoots()),
        ]
    )
    who = accepted_field(name, "name") or "stranger"
    return f"Name: {who}; greeting: {sampled_text(greeting)}; roots: {root_uris(roots)}"


@tool(
    "test_input_required_result_multi_round",
    description="Asks for a name (`step1`), then a favorite color (`step2`), in two rounds",
    input_schema=NO_ARGS,
)
def mrtr_multi_round(ctx: Context) -> str:
    first = ctx.ask("step1", name_request("Step 1: What is your name?"))
    name = accepted_field(first, "name") or "stranger"
    second = ctx.ask("step2", Elicit("Step 2: What is your favorite color?", strings_schema(["color"])))
    return f"{name} likes {accepted_field(second, 'color') or 'no color'}"


@tool(
    "test_input_required_result_tampered_state",
    description="Asks for a confirmation; its sealed request state refuses tampering",
    input_schema=NO_ARGS,
)
async def mrtr_tampered_state(ctx: Context) -> str:
    answer = await ctx.ask("confirm", confirm_request())
    return f"Signed state verified (ok: {accepted_field(answer, 'ok') or 'false'})"


def _declared(caps: Dict[str, Any], method: str) -> bool:
    """Whether the client declared what a form elicitation, sampling or roots request needs."""
    if method == "elicitation/create":
        el = caps.get("elicitation")
        return isinstance(el, dict) and ("form" in el or "url" not in el)
    if method == "sampling/createMessage":
        return "sampling" in caps
    return "roots" in caps


@tool(
    "test_input_required_result_capabilities",
    description="Asks only for the kinds of input the client declared",
    input_schema=NO_ARGS,
)
def mrtr_capabilities(ctx: Context) -> str:
    caps = ctx.client_capabilities
    candidates = [("user_name", name_request("What is your name?")), ("capital_question", capital_request()), ("client_roots", ListRoots())]
    asks = [(key, ask) for key, ask in candidates if _declared(caps, ask.method)]
    if not asks:
        return "The client declared no input capability; nothing to ask"
    ctx.ask_all(asks)
    return f"Answered: {', '.join(key for key, _ in asks)}"


# ----- the Tasks extension ----------------------------------------------------------------------


def task_input_request(message: str) -> Elicit:
    """An elicitation form: a ``name`` string and a ``confirm`` boolean, neither required."""
    return Elicit(message, {"type": "object", "properties": {"name": {"type": "string"}, "confirm": {"type": "boolean"}}})


@tool("greet", description="Greets `name` (always synchronous)")
def greet(name: Annotated[str, "Who to greet"] = "stranger") -> str:
    return f"Hello, {name}!"


@tool(
    "slow_compute",
    description="Works for `seconds` seconds, then answers with `label` (a task when possible)",
    input_schema={
        "type": "object",
        "properties": {
            "seconds": {"type": "number", "minimum": 0, "description": "How long to work"},
            "label": {"type": "string", "description": "Echoed in the result"},
        },
    },
    task_support="optional",
)
async def slow_compute(seconds: float = 0, label: str = "compute") -> str:
    await asyncio.sleep(min(max(float(seconds), 0.0), SLOW_COMPUTE_MAX))
    return f"Computed {label} in {number_text(seconds)} s"


def number_text(x: float) -> str:
    """A number as the Rust fixture prints an f64 (no fraction for integral values)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@tool(
    "failing_job",
    description="Works for a second, then fails with a tool error (runs only as a task)",
    input_schema=NO_ARGS,
    task_support="required",
)
async def failing_job() -> str:
    await asyncio.sleep(FAILING_JOB_DELAY)
    raise ToolError(FAILING_JOB_TEXT)


@tool("protocol_error_job", description="Fails with a JSON-RPC error (a failed task)", input_schema=NO_ARGS, task_support="optional")
async def protocol_error_job() -> str:
    await asyncio.sleep(STEP_DELAY)
    raise ProtocolError(INTERNAL_ERROR, f"Internal error: {PROTOCOL_ERROR_TEXT}")


@tool(
    "confirm_delete",
    description="Asks the user to confirm deleting `filename` (waits for input as a task)",
    task_support="optional",
)
def confirm_delete(ctx: Context, filename: Annotated[str, "The file to delete"] = "the file") -> str:
    answer = ctx.elicit(
        f"Delete {filename}?",
        {"type": "object", "properties": {"confirm": {"type": "boolean"}}, "required": ["confirm"]},
    )
    confirmed = answer.accepted and (answer.content or {}).get("confirm") is True
    return f"Deleted {filename}" if confirmed else f"Kept {filename}"


@tool(
    "multi_input",
    description="Asks for two inputs at once (`first`, `second`; waits for both as a task)",
    input_schema=NO_ARGS,
    task_support="optional",
)
def multi_input(ctx: Context) -> str:
    answers = ctx.ask_all([("first", task_input_request("First input?")), ("second", task_input_request("Second input?"))])
    names = [accepted_field(a, "name") or "(none)" for a in answers]
    return f"Inputs received: {', '.join(names)}"


@tool(
    "test_tool_with_task",
    description="Asks for the user's name (`user_name`) in the request, then greets them as a task",
    input_schema=NO_ARGS,
    task_support="required",
    defer_task=True,
)
async def tool_with_task(ctx: Context) -> str:
    answer = await ctx.ask("user_name", name_request("What is your name?"))
    name = accepted_field(answer, "name") or "stranger"
    ctx.start_task()
    await asyncio.sleep(STEP_DELAY)
    return f"Hello, {name}! (task {ctx.task_id})" if ctx.task_id else f"Hello, {name}!"


# ----- resources --------------------------------------------------------------------------------


@server.resource("test://static-text", name="Static Text Resource", description="A static text resource for testing", mime_type="text/plain")
def static_text() -> str:
    return STATIC_TEXT


@server.resource(
    "test://static-binary",
    name="Static Binary Resource",
    description="A static binary resource (a PNG image) for testing",
    mime_type="image/png",
)
def static_binary() -> ResourceContents:
    return ResourceContents(blob=base64.b64decode(PNG_1X1), mime_type="image/png")


@server.resource("test://watched-resource", name="Watched Resource", description="A resource clients can subscribe to", mime_type="text/plain")
def watched_resource() -> str:
    return "This is a watched resource content."


@server.resource(
    "test://example-resource",
    name="Example Resource",
    description="The resource test_prompt_with_embedded_resource is called with",
    mime_type="text/plain",
)
async def example_resource() -> str:
    return "Embedded resource content for testing."


@server.resource(
    "test://template/{id}/data",
    name="Template Resource",
    description="A resource template with an `id` parameter",
    mime_type="application/json",
)
def template_resource(id: str) -> str:
    return compact({"id": id, "templateTest": True, "data": f"Data for ID: {id}"})


# ----- prompts ----------------------------------------------------------------------------------


@server.prompt("test_simple_prompt", description="A simple prompt without arguments")
def simple_prompt() -> str:
    return "This is a simple prompt for testing."


@server.prompt("test_prompt_with_arguments", description="A prompt with two required arguments")
def prompt_with_arguments(arg1: Annotated[str, "First test argument"], arg2: Annotated[str, "Second test argument"]) -> str:
    return f"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'"


@server.prompt("test_prompt_with_embedded_resource", description="A prompt embedding the resource it is given")
def prompt_with_embedded_resource(resourceUri: Annotated[str, "URI of the resource to embed"]) -> List[Message]:  # noqa: N803 - the argument's wire name
    return [
        Message(EmbeddedResource(resourceUri, text="Embedded resource content for testing.", mime_type="text/plain")),
        Message("Please process the embedded resource above."),
    ]


@server.prompt("test_prompt_with_image", description="A prompt with an image")
async def prompt_with_image() -> List[Message]:
    return [Message(Image(base64.b64decode(PNG_1X1), mime_type="image/png")), Message("Please analyze the image above.")]


@server.prompt("test_input_required_result_prompt", description="Asks the user for context (`user_context`) before rendering")
def input_required_prompt(ctx: Context) -> str:
    answer = ctx.ask("user_context", Elicit("What context should the prompt use?", strings_schema(["context"])))
    return f"Answer using this context: {accepted_field(answer, 'context') or 'no context'}"


@server.completion(prompt="test_prompt_with_arguments")
def complete_arg1(argument: str, value: str) -> List[str]:
    """Completes ``arg1`` from ``ARG1_COMPLETIONS`` by prefix."""
    return [v for v in ARG1_COMPLETIONS if v.startswith(value)] if argument == "arg1" else []


# ----- distributed tracing ------------------------------------------------------------------
# tests/telemetry checks that the request's span continues the client's trace in every
# language (not part of the conformance suite).


@tool("trace_context", description="Tracing: returns the traceparent of the request's span (empty when none)")
def trace_context(ctx: Context) -> Any:
    found = ctx.trace_context
    return found.traceparent if found is not None else ""


# ----- result vocabulary --------------------------------------------------------------------
# The shape_* tools, shape:// resources, shape_prompt_* prompts and their completion return
# one kind of value each; tests/results checks that the same value gives the same result in
# every language (not part of the conformance suite).

SHAPE_OBJECT_SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
SHAPE_TEXT_SCHEMA = {"type": "object", "properties": {"result": {"type": "string"}}, "required": ["result"]}


@tool("shape_text", description="Result vocabulary: returns the text hello")
def shape_text() -> Any:
    return "hello"


@tool("shape_number", description="Result vocabulary: returns the number 42")
def shape_number() -> Any:
    return 42


@tool("shape_object", description="Result vocabulary: returns an object")
def shape_object() -> Any:
    return {"a": 1, "b": [True, None]}


@tool("shape_list", description="Result vocabulary: returns a list")
def shape_list() -> Any:
    return [1, "two"]


@tool("shape_empty", description="Result vocabulary: returns nothing")
def shape_empty() -> Any:
    return None


@tool("shape_content", description="Result vocabulary: returns an image and a text block")
def shape_content() -> Any:
    return [Image(b"hi", mime_type="image/png"), Text("caption")]


@tool("shape_result", description="Result vocabulary: returns a full result")
def shape_result() -> Any:
    return CallToolResult(["done"], structured_content={"ok": True})


@tool("shape_typed_object", output_schema=SHAPE_OBJECT_SCHEMA, description="Result vocabulary: returns an object under its output schema")
def shape_typed_object() -> Any:
    return {"a": 1}


@tool("shape_typed_text", output_schema=SHAPE_TEXT_SCHEMA, description="Result vocabulary: returns text under a wrapped output schema")
def shape_typed_text() -> Any:
    return "hello"


@tool("shape_typed_list", description="Result vocabulary: returns a list under a wrapped output schema")
def shape_typed_list() -> List[int]:
    return [1, 2]


@tool("shape_tool_error", description="Result vocabulary: fails with a tool error")
def shape_tool_error() -> Any:
    raise ToolError("nope")


# The first bytes of a PNG image and of a WAV clip, bytes of no known type and no bytes: as
# bytes, a bytearray and a memoryview.
@tool("shape_bytes_png", description="Result vocabulary: returns the bytes of a PNG image")
def shape_bytes_png() -> Any:
    return bytes.fromhex("89504e470d0a1a0a0000000d49484452")


@tool("shape_bytes_wav", description="Result vocabulary: returns the bytes of a WAV clip")
def shape_bytes_wav() -> Any:
    return bytearray(b"RIFF$\x00\x00\x00WAVEfmt ")


@tool("shape_bytes_other", description="Result vocabulary: returns bytes of no known type")
def shape_bytes_other() -> Any:
    return memoryview(SHAPE_BYTES)


@tool("shape_bytes_empty", description="Result vocabulary: returns no bytes")
def shape_bytes_empty() -> Any:
    return b""


SHAPE_BYTES = b"\x00\xffhi"


@server.resource("shape://text", name="shape_text", description="Result vocabulary: returns the text hello")
def shape_resource_text() -> Any:
    return "hello"


@server.resource("shape://typed-text", name="shape_typed_text", description="Result vocabulary: returns markdown text", mime_type="text/markdown")
def shape_resource_typed_text() -> Any:
    return "# hello"


@server.resource("shape://bytes", name="shape_bytes", description="Result vocabulary: returns bytes")
def shape_resource_bytes() -> Any:
    return SHAPE_BYTES


@server.resource("shape://typed-bytes", name="shape_typed_bytes", description="Result vocabulary: returns PNG bytes", mime_type="image/png")
def shape_resource_typed_bytes() -> Any:
    return SHAPE_BYTES


@server.resource("shape://json", name="shape_json", description="Result vocabulary: returns an object")
def shape_resource_json() -> Any:
    return {"a": 1, "b": [True, None]}


@server.resource("shape://list", name="shape_list", description="Result vocabulary: returns a list")
def shape_resource_list() -> Any:
    return [1, "two"]


@server.resource("shape://contents", name="shape_contents", description="Result vocabulary: returns contents, the first without a URI")
def shape_resource_contents() -> Any:
    return [ResourceContents(text="a,b", mime_type="text/csv"), ResourceContents("shape://contents/part", blob=b"hi", mime_type="image/png")]


@server.resource("shape://none", name="shape_none", description="Result vocabulary: returns nothing (not found)")
def shape_resource_none() -> Any:
    return None


@server.prompt("shape_prompt_text", description="Result vocabulary: renders the text hello")
def shape_prompt_text(word: Annotated[str, "A word (the result vocabulary's completion suggests some)"] = "") -> Any:
    return "hello"


@server.prompt("shape_prompt_list", description="Result vocabulary: renders a list of messages")
def shape_prompt_list() -> Any:
    return ["hello", {"role": "assistant", "content": "hi there"}, Image(b"hi", mime_type="image/png")]


@server.prompt("shape_prompt_result", description="Result vocabulary: renders a whole result")
def shape_prompt_result() -> Any:
    return {"description": "A whole result", "messages": [{"role": "assistant", "content": {"type": "text", "text": "done"}}]}


@server.prompt("shape_prompt_none", description="Result vocabulary: renders nothing (an error)")
def shape_prompt_none() -> Any:
    return None


@server.completion(prompt="shape_prompt_text")
def shape_complete(argument: str) -> Any:
    """Completes by argument name: words, mixed values, 150 numbers (100 are sent), or nothing."""
    if argument == "word":
        return ["hello", "help", "helm"]
    if argument == "mixed":
        return ["a", 1, 2.5, True]
    if argument == "many":
        return list(range(150))
    return None



# MCP Apps and skills, as in every language's fixture (tests/apps_skills).
APP_URI = "ui://conformance/app.html"
APP_HTML = '<!doctype html><html><body><p id="result">waiting</p></body></html>'
SKILLS_DIR = Path(__file__).resolve().parent.parent / "data" / "skills"
server.add_app(
    APP_URI,
    APP_HTML,
    name="conformance app",
    csp={"connect_domains": ["https://api.example.com"]},
    prefers_border=True,
)


@server.tool(description="MCP Apps: answers a text that its app shows", ui=APP_URI)
def test_app_tool() -> str:
    return "shown in the app"


server.skills_dir(SKILLS_DIR)

def serve_asgi(host: str, port: int) -> None:
    """The same server mounted in a Starlette application, next to a route of the
    application's own, served by uvicorn (the suite's HTTP checks then go through ASGI)."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route

    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("the application's own route")

    app = Starlette(routes=[Route("/hello", hello), Mount("/", app=server.asgi_app())])
    uvicorn.run(app, host=host, port=port, log_level="warning")


def main(argv: List[str]) -> int:
    if len(argv) == 2 and argv[0] in ("--http", "--asgi") and ":" in argv[1]:
        host, _, port = argv[1].rpartition(":")
        address = (host.strip("[]"), int(port))
    elif argv:
        print("usage: conformance_fixture.py [--http HOST:PORT | --asgi HOST:PORT]", file=sys.stderr)
        return 2
    try:
        if not argv:
            server.run()
        elif argv[0] == "--asgi":
            serve_asgi(*address)
        else:
            server.run("http", host=address[0], port=address[1], websocket=True)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
