"""Published Python servers, as installed from the package index, on the official SDK and on
mcpforge through the stand-in, driven by the official client: the transcripts must be the
same by meaning.

Each server of SERVERS is a console script installed with its pinned release in its own
environment (scripts/setup-real-servers.sh), next to the official `mcp` package and the
mcpforge wheel (or a module of one: python-sdk's everything server, from the pinned source
distribution). It runs twice: as installed (`mcp-server-time ...`), and as installed under
the stand-in (`mcpforge sdk -- mcp-server-time ...`), which serves the official server
classes with mcpforge's and changes nothing else; over stdio, or over Streamable HTTP on
127.0.0.1 for a server that serves only that (`listen`). The official client talks to both
on the 2025-11-25 handshake wire and on the stateless 2026-07-28 wire, and records what it
sees (`transcript`): the capabilities, every list, the calls and prompts of the server's
script (including refusals and failures), and every notification, in order; for a server
that asks the client (`asks`), the client answers the same way every time (`client_answers`).

Before comparing, `volatile` takes out what changes from one run to the next: the times of
the time server, and the folders each run gets for itself. What still differs is listed in
DIFFERENCES with its reason (docs/CONFORMANCE.md repeats them); nothing else may.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, types
from mcp.shared.exceptions import MCPError
from support import HANDSHAKE, MODERN, REPO_ROOT, START_BOUND, free_port, local_http_server, over_http, over_stdio, run, stop_process

BIN = Path(sys.executable).parent
# Servers written for the official SDK 1.x live in a venv of their own, with that release.
BIN_1X = BIN.parent.parent / "venv-py1" / "bin"

# A commit's identity and time (git's own format, which GitPython reads too), so that the git server's repositories (made anew for each
# run) and the commits it makes have the same hashes in every run.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "1767323045 +0000",
    "GIT_COMMITTER_DATE": "1767323045 +0000",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

PAGE = b"""<!doctype html><html><head><title>Tides</title></head><body>
<nav>menu</nav><article><h1>Tides</h1><p>The sea rises and falls twice a day.</p>
<p>The moon pulls the water; the sun helps a little.</p><ul><li>spring tides</li><li>neap tides</li></ul>
</article></body></html>"""


class Site(BaseHTTPRequestHandler):
    """What the fetch server fetches: a page, plain text, a robots.txt that keeps it out of
    /private, and 404 for anything else."""

    ROUTES = {
        "/page.html": ("text/html; charset=utf-8", PAGE),
        "/plain.txt": ("text/plain", b"just text\n" * 40),
        "/robots.txt": ("text/plain", b"User-agent: *\nDisallow: /private\n"),
        "/private/secret.html": ("text/html", b"<p>secret</p>"),
    }

    def do_GET(self) -> None:
        kind, body = self.ROUTES.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in self.ROUTES else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Run:
    """What one run of a server gets: its own folder, the site's address, and the text that
    stands for each of them in the transcripts."""

    folder: Path
    site: str
    env: dict[str, str] = field(default_factory=dict)

    def placeholders(self) -> dict[str, str]:
        return {str(self.folder): "<folder>", self.site: "<site>"}


def git_repository(run: Run) -> Path:
    """A repository with one commit, a change not staged and a new file staged."""
    repo = run.folder / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, check=True, capture_output=True, timeout=30)

    git("init", "-q", "-b", "main")
    (repo / "notes.txt").write_text("one\ntwo\n")
    git("add", "notes.txt")
    git("commit", "-q", "-m", "first notes")
    (repo / "notes.txt").write_text("one\ntwo\nthree\n")
    (repo / "todo.txt").write_text("tidy up\n")
    git("add", "todo.txt")
    return repo


@dataclass
class Server:
    """A published server: its console script and arguments for a run, what to prepare, and
    its script (tool calls and prompts, each with arguments)."""

    command: Callable[[Run], list[str]]
    calls: Callable[[Run], list[tuple[str, dict[str, Any]]]]
    prompts: Callable[[Run], list[tuple[str, dict[str, Any]]]] = lambda run: []
    env: dict[str, str] = field(default_factory=dict)
    bin: Path = BIN  # where its console script (and that venv's mcpforge) is
    wires: tuple[str, ...] = (HANDSHAKE, MODERN)  # 1.x servers speak the handshake only
    reads: Callable[[Run], list[str]] = lambda run: []
    subscribes: tuple[str, ...] = ()  # resources the client subscribes to first
    # A server that serves Streamable HTTP only: the arguments that make it listen on a port
    # of 127.0.0.1 (the client then connects to its /mcp).
    listen: Callable[[int], list[str]] | None = None
    complete: tuple[str, str] | None = None  # a template to ask a completion of, and its variable
    asks: bool = False  # the client answers elicitation, sampling and roots (`client_answers`)


def _time_calls(run: Run) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("get_current_time", {"timezone": "Europe/Warsaw"}),
        ("convert_time", {"source_timezone": "America/New_York", "time": "16:30", "target_timezone": "Asia/Tokyo"}),
        ("get_current_time", {"timezone": "Mars/Olympus"}),
        ("convert_time", {"source_timezone": "UTC", "time": "25:61", "target_timezone": "UTC"}),
        ("get_current_time", {"timezone": ""}),
        ("get_current_time", {}),
        ("no_such_tool", {}),
    ]


def _git_calls(run: Run) -> list[tuple[str, dict[str, Any]]]:
    repo = str(run.folder / "repo")
    return [
        ("git_status", {"repo_path": repo}),
        ("git_diff_unstaged", {"repo_path": repo}),
        ("git_diff_staged", {"repo_path": repo}),
        ("git_log", {"repo_path": repo, "max_count": 5}),
        ("git_branch", {"repo_path": repo, "branch_type": "local"}),
        ("git_create_branch", {"repo_path": repo, "branch_name": "feature"}),
        ("git_checkout", {"repo_path": repo, "branch_name": "feature"}),
        ("git_add", {"repo_path": repo, "files": ["notes.txt"]}),
        ("git_commit", {"repo_path": repo, "message": "third line"}),
        ("git_log", {"repo_path": repo, "max_count": 5}),
        ("git_show", {"repo_path": repo, "revision": "HEAD"}),
        ("git_diff", {"repo_path": repo, "target": "main"}),
        ("git_reset", {"repo_path": repo}),
        ("git_show", {"repo_path": repo, "revision": "no-such-revision"}),
        ("git_checkout", {"repo_path": repo, "branch_name": "--orphan"}),
        ("git_add", {"repo_path": repo, "files": ["../outside.txt"]}),
        ("git_status", {"repo_path": str(run.folder)}),
        ("git_status", {}),
        ("no_such_tool", {"repo_path": repo}),
    ]


def _fetch_calls(run: Run) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("fetch", {"url": f"{run.site}/page.html"}),
        ("fetch", {"url": f"{run.site}/page.html", "raw": True}),
        ("fetch", {"url": f"{run.site}/plain.txt", "max_length": 50, "start_index": 20}),
        ("fetch", {"url": f"{run.site}/missing"}),
        ("fetch", {"url": f"{run.site}/private/secret.html"}),
        ("fetch", {"url": "not a url"}),
        ("fetch", {"url": f"{run.site}/page.html", "max_length": 0}),
        ("fetch", {}),
    ]


def _sqlite_calls(run: Run) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("list_tables", {}),
        ("create_table", {"query": "CREATE TABLE fruit (id INTEGER PRIMARY KEY, name TEXT, price REAL)"}),
        ("write_query", {"query": "INSERT INTO fruit (name, price) VALUES ('apple', 1.5), ('pear', 2)"}),
        ("read_query", {"query": "SELECT name, price FROM fruit ORDER BY name"}),
        ("describe_table", {"table_name": "fruit"}),
        ("append_insight", {"insight": "pears cost more"}),
        ("read_query", {"query": "DELETE FROM fruit"}),
        ("write_query", {"query": "SELECT * FROM fruit"}),
        ("create_table", {"query": "DROP TABLE fruit"}),
        ("read_query", {"query": "SELECT * FROM nowhere"}),
        ("read_query", {}),
        ("no_such_tool", {}),
    ]


def _fetch_prompts(run: Run) -> list[tuple[str, dict[str, Any]]]:
    return [("fetch", {"url": f"{run.site}/private/secret.html"}), ("fetch", {}), ("no_such_prompt", {})]


# python-sdk's own servers, from the pinned release's source distribution
# (scripts/setup-real-servers.sh unpacks each into a folder of its own here): modules the
# venv's Python runs. The everything server (the conformance suite's) serves Streamable HTTP
# only; the examples on the 2.x low-level `Server` serve stdio.
SDK_SERVERS = BIN.parent.parent / "python-sdk"


def sdk_example(folder: str, module: str, calls: Callable[[Run], list[tuple[str, dict[str, Any]]]] = lambda run: [], **more: Any) -> Server:
    """One of python-sdk's example servers, run as `python -m MODULE`."""
    return Server(lambda run: ["python", "-m", module], calls, env={"PYTHONPATH": str(SDK_SERVERS / folder)}, **more)


def _everything_calls(run: Run) -> list[tuple[str, dict[str, Any]]]:
    simple = [
        "test_simple_text", "test_image_content", "test_audio_content", "test_embedded_resource",
        "test_multiple_content_types", "test_tool_with_logging", "test_error_handling",
        "test_missing_capability", "test_logging_tool",
        "test_elicitation_sep1034_defaults", "test_elicitation_sep1330_enums", "test_streaming_elicitation",
        "test_input_required_result_elicitation", "test_input_required_result_sampling",
        "test_input_required_result_list_roots", "test_input_required_result_request_state",
        "test_input_required_result_multiple_inputs", "test_input_required_result_multi_round",
        "test_trigger_tool_change", "test_trigger_prompt_change",
    ]
    return [
        *[(name, {}) for name in simple],
        ("test_sampling", {"prompt": "Say hello"}),
        ("test_elicitation", {"message": "What is your name?"}),
        ("test_x_mcp_header", {"region": "eu-west"}),
        # Its input schema is set through the official tool manager (`parameters`).
        ("json_schema_2020_12_tool", {"name": "Ada", "contactMethod": "email", "email": "ada@example.com"}),
        ("test_sampling", {}),
        ("no_such_tool", {}),
    ]


def _everything_prompts(run: Run) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("test_simple_prompt", {}),
        ("test_prompt_with_arguments", {"arg1": "one", "arg2": "two"}),
        ("test_prompt_with_embedded_resource", {"resourceUri": "test://static-text"}),
        ("test_prompt_with_image", {}),
        ("test_input_required_result_prompt", {}),
        ("test_prompt_with_arguments", {"arg1": "one"}),
        ("no_such_prompt", {}),
    ]


SERVERS: dict[str, Server] = {
    "time": Server(lambda run: ["mcp-server-time", "--local-timezone", "Europe/Lisbon"], _time_calls),
    "git": Server(lambda run: ["mcp-server-git", "--repository", str(git_repository(run))], _git_calls, env=GIT_ENV),
    "fetch": Server(lambda run: ["mcp-server-fetch", "--allow-private-ips"], _fetch_calls, _fetch_prompts),
    "sqlite": Server(
        lambda run: ["mcp-server-sqlite", "--db-path", str(run.folder / "shop.db")],
        _sqlite_calls,
        lambda run: [("mcp-demo", {"topic": "fruit"}), ("mcp-demo", {}), ("no_such_prompt", {})],
        bin=BIN_1X,
        wires=(HANDSHAKE,),
        reads=lambda run: ["memo://insights", "memo://nothing", "other://insights"],
    ),
    # One of ours, on the 1.x low-level API: what sqlite does not use (subscriptions,
    # templates, completion).
    "lowlevel-notes": Server(
        lambda run: [str(Path(__file__).parent / "servers" / "lowlevel_notes.py")],
        lambda run: [("edit", {"name": "a", "text": "changed"}), ("edit", {"name": "b", "text": "changed too"})],
        bin=BIN_1X,
        wires=(HANDSHAKE,),
        reads=lambda run: ["note://a", "note://b"],
        subscribes=("note://a",),
        complete=("note://{name}", "name"),
    ),
    "everything": Server(
        lambda run: ["python", "-m", "mcp_everything_server"],
        _everything_calls,
        _everything_prompts,
        env={"PYTHONPATH": str(SDK_SERVERS / "everything-server")},
        reads=lambda run: ["test://static-text", "test://static-binary", "test://template/7/data", "test://watched-resource", "test://nothing"],
        subscribes=("test://watched-resource",),
        listen=lambda port: ["--port", str(port), "--log-level", "WARNING"],
        complete=("test://template/{id}/data", "id"),
        asks=True,
    ),
    # python-sdk's examples on the 2.x low-level `Server` (handlers given to the constructor).
    "sdk-simple-tool": sdk_example(
        "simple-tool", "mcp_simple_tool",
        lambda run: [("fetch", {"url": f"{run.site}/plain.txt"}), ("fetch", {"url": f"{run.site}/missing"}), ("fetch", {}), ("other", {})],
    ),
    "sdk-simple-prompt": sdk_example(
        "simple-prompt", "mcp_simple_prompt",
        prompts=lambda run: [("simple", {}), ("simple", {"context": "tides", "topic": "the moon"}), ("other", {})],
    ),
    "sdk-simple-resource": sdk_example(
        "simple-resource", "mcp_simple_resource",
        reads=lambda run: ["file:///greeting.txt", "file:///about.txt", "file:///nothing.txt", "http://example.com/x"],
    ),
    "sdk-simple-pagination": sdk_example(
        "simple-pagination", "mcp_simple_pagination",
        lambda run: [("tool_3", {"input": "x"})],
        prompts=lambda run: [("prompt_2", {"arg": "y"}), ("prompt_99", {})],
        reads=lambda run: ["file:///path/to/resource_4.txt", "file:///nothing"],
    ),
    "sdk-structured-output": sdk_example(
        "structured-output-lowlevel", "mcp_structured_output_lowlevel",
        # Its weather is random (whatever the arguments): what is compared is its schemas and
        # an unknown tool.
        lambda run: [("no_such_tool", {})],
    ),
    # Without --allow-private-ips the server refuses the loopback site.
    "fetch-guarded": Server(lambda run: ["mcp-server-fetch"], lambda run: _fetch_calls(run)[:1], lambda run: _fetch_prompts(run)[:1]),
}

# What still differs, each with its reason (docs/CONFORMANCE.md lists them): a rule takes
# it out of both transcripts before they are compared, and says where it applies.
DIFFERENCES = {
    "logging capability": "the official MCPServer sends log messages without claiming the logging capability "
    "(and answers logging/setLevel with method-not-found); mcpforge claims it, as the specification asks of a "
    "server that sends them",
    "argument errors": "arguments that fail the tool's input schema are an isError result on both, worded by "
    "pydantic on the official SDK and by the engine's JSON Schema check on mcpforge",
    "low-level claims": "the official 1.x low-level server claims resources.subscribe false even with a "
    "subscription handler; mcpforge claims the subscriptions it serves",
    "prompt errors": "an unknown prompt and a prompt missing a required argument are answered with error code 0 "
    "(the official low-level server's code for an exception it does not map) on the official SDK, and with -32602 "
    "on mcpforge, which the specification gives for both (server/prompts, Error Handling); on 2026-07-28 the "
    "official SDK answers -32603 `Internal server error`",
    "unknown method wording": "a method the server does not serve is -32601 on both, worded `Method not found` "
    "with the method as data on the official SDK and `Method not found: METHOD` on mcpforge",
    "asks mid-call on 2026-07-28": "a tool that asks the client mid-call (ctx.elicit, ctx.session.create_message) "
    "fails on the stateless 2026-07-28 wire on the official SDK (no back-channel); mcpforge asks through an "
    "input_required result and runs the tool again with the answer, so the tool completes",
}


def meaning(event: Any) -> Any:
    """An event with what only differs in writing taken out: JSON held in a text block is
    parsed (a client reads the value, not the key order or the indentation)."""
    if isinstance(event, dict):
        if event.get("type") == "text" and isinstance(event.get("text"), str):
            try:
                return {**event, "text": json.loads(event["text"])}
            except ValueError:
                return event
        return {k: meaning(v) for k, v in event.items()}
    if isinstance(event, list):
        return [meaning(v) for v in event]
    return event


def without_differences(event: Any) -> Any:
    """An event with the DIFFERENCES taken out."""
    capabilities = event.get("capabilities")
    if isinstance(capabilities, dict):
        capabilities.pop("logging", None)  # "logging capability"
        capabilities.get("resources", {}).pop("subscribe", None)  # "low-level claims"
    error = event.get("error")
    if "prompt" in event and isinstance(error, dict) and error.get("code") in (0, -32602, -32603):
        event["error"] = "<prompt error>"  # "prompt errors"
    if isinstance(error, dict) and error.get("code") == -32601:
        event["error"] = "<method not found>"  # "unknown method wording"
    for kind in ("tools", "prompts", "resources", "resource_templates"):
        listed = event.get(kind)
        if isinstance(listed, dict) and isinstance(listed.get("error"), dict) and listed["error"].get("code") == -32601:
            listed["error"] = "<method not found>"  # "unknown method wording"
    result = event.get("result")
    if isinstance(result, dict) and result.get("isError") and "call" in event:
        text = " ".join(b.get("text", "") for b in result.get("content", []) if isinstance(b.get("text"), str))
        if "validation error for" in text or "Invalid arguments for tool" in text:
            result["content"] = "<argument error>"  # "argument errors"
    return event

_TIMES = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")
_DAYS = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def volatile(text: str, run: Run) -> str:
    """The transcript's JSON text with this run's folder and site, and the clock's times and
    weekdays, replaced by placeholders."""
    for value, placeholder in sorted(run.placeholders().items(), key=lambda kv: -len(kv[0])):
        text = text.replace(value, placeholder)
    return _DAYS.sub("<day>", _TIMES.sub("<time>", text))


def dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def outcome(answer: Any) -> Any:
    return {"result": dump(answer)}


def error_of(e: Exception) -> dict[str, Any]:
    """A refusal as recorded: the official error's `ErrorData`, or an error with its fields
    (mcpforge's `McpError`)."""
    error: Any = getattr(e, "error", e)
    return {"error": {"code": error.code, "message": error.message, "data": error.data}}


@dataclass(frozen=True)
class Driver:
    """The client that drives a run: how it connects over stdio and over HTTP (as
    `over_stdio` and `over_http` of support.py), what it raises for a server's refusal, and
    the types of the notifications it hands to `message_handler`. The official client unless
    told otherwise (tests/clients drives the same servers with mcpforge's)."""

    stdio: Callable[..., Any] = over_stdio
    http: Callable[..., Any] = over_http
    errors: tuple[type[Exception], ...] = (MCPError,)
    notifications: tuple[type, ...] = (types.ServerNotification,)


OFFICIAL = Driver()


def client_answers(run: Run) -> dict[str, Any]:
    """The client's answers to what a server asks it, the same in every run: a form filled
    with each field's default (else a fixed value of its type, the first of an enum), a fixed
    sampled message, and the run's folder as its one root."""

    def value(field: dict[str, Any]) -> Any:
        if "default" in field:
            return field["default"]
        if field.get("type") == "array":
            return [value(field.get("items", {}))]
        choices = field.get("enum") or [o.get("const") for o in field.get("oneOf", field.get("anyOf", []))]
        if choices:
            return choices[0]
        return {"string": "Ada", "integer": 7, "number": 1.5, "boolean": True}.get(field.get("type"), "Ada")

    async def elicit(context: Any, params: Any) -> types.ElicitResult:
        schema = getattr(params, "requested_schema", None) or {}
        fields = schema.get("properties", {})
        return types.ElicitResult(action="accept", content={name: value(f) for name, f in fields.items()})

    async def sample(context: Any, params: Any) -> types.CreateMessageResult:
        return types.CreateMessageResult(role="assistant", content=types.TextContent(type="text", text="Hello from the client"), model="fixed-model")

    async def roots(context: Any) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=run.folder.as_uri(), name="run")])

    return {"elicitation_callback": elicit, "sampling_callback": sample, "list_roots_callback": roots}


@asynccontextmanager
async def connected(
    server: Server, command: list[str], wire: str, errlog: Any, env: dict[str, str], callbacks: dict[str, Any], driver: Driver = OFFICIAL
) -> AsyncIterator[Any]:
    """The official client connected to `command` on `wire`: over stdio, or (a server with
    `listen`) over Streamable HTTP to the process listening on a free port of 127.0.0.1, stopped
    when the block ends."""
    if server.listen is None:
        async with driver.stdio(command, wire, errlog, env=env, callbacks=callbacks) as peer:
            yield peer
        return
    port = free_port()
    async with served([*command, *server.listen(port)], port, errlog, env):
        async with driver.http(f"http://127.0.0.1:{port}/mcp", wire, callbacks) as peer:
            yield peer


@asynccontextmanager
async def served(command: list[str], port: int, errlog: Any, env: dict[str, str]) -> AsyncIterator[None]:
    """`command` started, until it listens on 127.0.0.1:`port` (at most START_BOUND), and
    stopped when the block ends."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=errlog, stderr=errlog, env=env, cwd=str(REPO_ROOT))
    try:
        deadline = time.monotonic() + START_BOUND
        while not listening(port):
            assert proc.poll() is None, f"the server exited with {proc.returncode}"
            assert time.monotonic() < deadline, "the server did not listen in time"
            await anyio.sleep(0.05)
        yield
    finally:
        stop_process(proc, START_BOUND)


def listening(port: int) -> bool:
    """True when something accepts connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


# How many pages of one list a transcript reads at most.
PAGES = 20


async def listed(peer: Any, kind: str, cursor: str | None) -> Any:
    """One page of a list, from `cursor` (the first page for None)."""
    if isinstance(peer, ClientSession):  # the handshake wire's session takes the params
        params = types.PaginatedRequestParams(cursor=cursor) if cursor is not None else None
        return await getattr(peer, f"list_{kind}")(params=params)
    return await getattr(peer, f"list_{kind}")(cursor=cursor)


async def transcript(
    server: Server, run: Run, wire: str, stand_in: bool, errlog: Any, driver: Driver = OFFICIAL, connect: Callable[..., Any] = connected
) -> list[Any]:
    """What the client (`driver`, the official one by default) sees of one run (see the
    module documentation); `connect` (with `connected`'s parameters) is how the client
    reaches the command."""
    events: list[Any] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, Exception):
            events.append({"client error": repr(message)})
        elif isinstance(message, driver.notifications):
            events.append({"notification": dump(message)})

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        events.append({"log": dump(params)})

    program, *args = server.command(run)
    # A file the venv's Python runs, or a console script of the venv.
    command = [program, *args] if program.endswith(".py") else [str(server.bin / program), *args]
    if stand_in:
        command = [str(server.bin / "mcpforge"), "sdk", "--", *command]
    elif program.endswith(".py"):
        command = [str(server.bin / "python"), *command]
    env = {**os.environ, **server.env, **run.env}
    callbacks = {"message_handler": on_message, "logging_callback": on_log, **(client_answers(run) if server.asks else {})}
    async with connect(server, command, wire, errlog, env, callbacks, driver) as peer:
        handshake = peer.initialize_result if isinstance(peer, ClientSession) else peer  # the session keeps what initialize said
        events.append({"server": dump(handshake.server_info)})
        events.append({"capabilities": dump(peer.server_capabilities)})
        events.append({"instructions": handshake.instructions})
        for kind in ("tools", "prompts", "resources", "resource_templates"):
            cursor = None
            for _ in range(PAGES):  # each page, cursors followed
                try:
                    page = await listed(peer, kind, cursor)
                except driver.errors as e:
                    events.append({kind: error_of(e)})
                    break
                events.append({kind: dump(page)})
                cursor = page.next_cursor
                if cursor is None:
                    break
        for uri in server.subscribes:
            try:
                events.append({"subscribe": uri, **outcome(await peer.subscribe_resource(uri))})
            except driver.errors as e:  # 2026-07-28 has no resources/subscribe
                events.append({"subscribe": uri, **error_of(e)})
        if server.complete is not None:
            template, variable = server.complete
            reference = types.ResourceTemplateReference(type="ref/resource", uri=template)
            events.append({"complete": dump(await peer.complete(reference, {"name": variable, "value": "a"}))})
        for name, arguments in server.calls(run):
            try:
                events.append({"call": name, **outcome(await peer.call_tool(name, arguments))})
            except driver.errors as e:
                events.append({"call": name, **error_of(e)})
        for uri in server.reads(run):
            try:
                events.append({"read": uri, **outcome(await peer.read_resource(uri))})
            except driver.errors as e:
                events.append({"read": uri, **error_of(e)})
        for name, arguments in server.prompts(run):
            try:
                events.append({"prompt": name, **outcome(await peer.get_prompt(name, arguments))})
            except driver.errors as e:
                events.append({"prompt": name, **error_of(e)})
    return [json.loads(volatile(json.dumps(e, sort_keys=True), run)) for e in events]


def apart(a: Any, b: Any, path: str = "") -> list[str]:
    """Where `a` (the official run's) and `b` (mcpforge's) differ: each path with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in apart(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in apart(x, y, f"{path}[{i}]")]
    if a == b:
        return []
    return [f"{path or '.'}\n  official: {json.dumps(a, sort_keys=True)[:600]}\n  mcpforge: {json.dumps(b, sort_keys=True)[:600]}"]


@contextmanager
def runs(tmp_path: Path) -> Iterator[tuple[Run, Run]]:
    """A run for each implementation, each with a folder of its own, sharing one site."""
    with local_http_server(Site) as httpd:
        site = f"http://127.0.0.1:{httpd.server_address[1]}"
        folders = [tmp_path / "official", tmp_path / "mcpforge"]
        for folder in folders:
            folder.mkdir()
        try:
            yield Run(folders[0], site), Run(folders[1], site)
        finally:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(("name", "wire"), [(name, wire) for name in sorted(SERVERS) for wire in SERVERS[name].wires])
def test_the_same_by_meaning(name: str, wire: str, tmp_path: Path, errlog: Any) -> None:
    server = SERVERS[name]
    seen: dict[str, list[Any]] = {}

    async def body() -> None:
        with runs(tmp_path) as (official_run, mcpforge_run):
            seen["official"] = await transcript(server, official_run, wire, False, errlog)
            seen["mcpforge"] = await transcript(server, mcpforge_run, wire, True, errlog)

    run(body, deadline=120)
    official, mine = ([without_differences(meaning(e)) for e in seen[side]] for side in ("official", "mcpforge"))
    for a, b in zip(official, mine):
        if "no back-channel for server-initiated requests" in json.dumps(a.get("result")):
            a["result"] = b["result"] = "<asked mid-call>"  # "asks mid-call on 2026-07-28"
    differences = [f"event {i}: {where}" for i, (a, b) in enumerate(zip(official, mine)) for where in apart(a, b)]
    assert not differences, f"{name} on {wire}:\n" + "\n".join(differences)
    assert len(official) == len(mine), f"{name} on {wire}: {len(official)} events on the official SDK, {len(mine)} on mcpforge"


@pytest.mark.parametrize(
    ("bin_dir", "probe", "official", "mcpforge"),
    [
        (BIN, "import mcp_server_time.server as s\nprint(s.MCPServer.__module__)", "mcp.server.mcpserver.server", "mcpforge.sdk.mcpserver"),
        (BIN_1X, "import mcp_server_sqlite.server as s\nprint(s.Server.__module__)", "mcp.server.lowlevel.server", "mcpforge.sdk.lowlevel"),
        (BIN, "import mcp_simple_prompt.server as s\nprint(s.Server.__module__)", "mcp.server.lowlevel.server", "mcpforge.sdk.lowlevel2"),
    ],
)
def test_the_stand_in_is_what_serves(bin_dir: Path, probe: str, official: str, mcpforge: str, tmp_path: Path) -> None:
    """The runs compared above differ in what serves them: the published server's own module
    reads mcpforge's class under the stand-in, the official one without it."""
    script = tmp_path / "probe.py"
    script.write_text(probe + "\n")
    env = {**os.environ, "PYTHONPATH": str(SDK_SERVERS / "simple-prompt")}
    plain = subprocess.run([str(bin_dir / "python"), str(script)], capture_output=True, text=True, timeout=60, env=env)
    stand_in = subprocess.run([str(bin_dir / "mcpforge"), "sdk", "--", str(script)], capture_output=True, text=True, timeout=60, env=env)
    assert plain.stdout.strip() == official, plain.stderr
    assert stand_in.stdout.strip() == mcpforge, stand_in.stderr


IN_PROCESS = '''
import asyncio
from mcp import Client
from mcp.server.mcpserver import MCPServer

mcp = MCPServer("in-process")


@mcp.tool()
def add(a: int, b: int) -> int:
    return a + b


async def main() -> None:
    async with Client(mcp) as client:
        result = await client.call_tool("add", {"a": 2, "b": 3})
        print(type(mcp).__module__, result.structured_content)


asyncio.run(main())
'''


def test_the_official_client_connects_in_process_under_the_stand_in(tmp_path: Path) -> None:
    """`Client(server)` (tests and notebooks written for the official SDK) reaches mcpforge's
    server through its `_lowlevel_server`, as the official client unwraps an `MCPServer`."""
    script = tmp_path / "in_process.py"
    script.write_text(IN_PROCESS)
    plain = subprocess.run([str(BIN / "python"), str(script)], capture_output=True, text=True, timeout=60)
    stand_in = subprocess.run([str(BIN / "mcpforge"), "sdk", "--", str(script)], capture_output=True, text=True, timeout=60)
    assert plain.stdout.split() == ["mcp.server.mcpserver.server", "{'result':", "5}"], plain.stderr
    assert stand_in.stdout.split() == ["mcpforge.sdk.mcpserver", "{'result':", "5}"], stand_in.stderr


@pytest.mark.parametrize("how", ["file", "module"])
def test_a_program_imports_its_own_modules_under_the_stand_in(how: str, tmp_path: Path) -> None:
    """A program's own folder (a file's) or the current one (`-m`) comes first on `sys.path`, as
    `python FILE` and `python -m` put it, so that a server split into modules starts."""
    (tmp_path / "helpers_of_mine.py").write_text("NAME = 'from a sibling'\n")
    (tmp_path / "main_of_mine.py").write_text("from helpers_of_mine import NAME\nprint(NAME)\n")
    target = [str(tmp_path / "main_of_mine.py")] if how == "file" else ["-m", "main_of_mine"]
    cwd = REPO_ROOT if how == "file" else tmp_path
    done = subprocess.run([str(BIN / "mcpforge"), "sdk", "--", *target], capture_output=True, text=True, timeout=60, cwd=cwd)
    assert (done.returncode, done.stdout.strip()) == (0, "from a sibling"), done.stderr
