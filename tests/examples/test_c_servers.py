"""The official Python MCP client (PyPI `mcp`) drives the real-world C example servers,
examples/c/sysinfo_server.c and examples/c/sqlite_server.c (built by `make c-real-examples`),
over stdio on both wires (the stateless 2026-07-28 one through `mcp.Client`, the 2025-11-25
handshake through `ClientSession`) and over Streamable HTTP.

sysinfo_server: the tool and resource listings; every tool with good and bad input, checked
against what this process reads from the same machine (uname, /proc, statvfs); `calculate`
with exact values and every kind of malformed expression, and arguments quoted in errors
cut on a character boundary; `cpu_usage` progress, and its
cancellation seen in the server's log; the resources; the same over HTTP.

sqlite_server: listings; `list_tables`, `get_table_schema`, `execute_select` (bound parameters
of every JSON type, blobs, invalid UTF-8, row limits) and `execute_aggregation` with exact
answers over the sample database, checked against Python's own sqlite3 where a value is
computed; every kind of write, ATTACH, PRAGMA, transaction control and multi-statement text
refused, with the database file unchanged; the functions that reach past the data
(fts3_tokenizer, load_extension) refused; results and values bounded in size; long names
in errors cut on a character boundary; unknown tables and bad identifiers; the table
resources, the template and its completion; `--init`; the query time limit and cancellation;
HTTP; the hooks (an audit line per tool call on stderr, per-tool metrics on the --metrics
side port).

Each server also runs one short stdio session under valgrind, whose exit status must show no
memory errors and no definite or indirect leaks. Every test runs under a deadline and every
request under a read timeout; conftest.py checks that no process outlives its test.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import anyio
import mcp.client.stdio
import mcp.types as types
import pytest
from mcp import MCPError
from support import HANDSHAKE, MODERN, REPO_ROOT, START_BOUND, WIRES, free_port, http_server, not_found_code, over_http, over_stdio, Peer, resource_json, run, structured, text_of, tool_error

SAMPLE_SQL = REPO_ROOT / "examples" / "data" / "sample.sql"

# Bounds, not expectations: a healthy run takes milliseconds (seconds under valgrind).
VALGRIND_DEADLINE = 300.0
VALGRIND_REQUEST_TIMEOUT = 120.0
LOG_WAIT = 20.0


# ---------------------------------------------------------------------------------------------
# Driving a server
# ---------------------------------------------------------------------------------------------


async def wait_for_log(errlog: TextIO, text: str) -> None:
    """Waits (bounded) until the server's stderr holds `text`."""
    with anyio.fail_after(LOG_WAIT):
        while text not in Path(errlog.name).read_text(encoding="utf-8"):
            await anyio.sleep(0.02)


async def cancel_once_running(peer: Peer, tool: str, arguments: dict[str, Any]) -> None:
    """Calls a long-running tool and cancels the call (the client sends
    notifications/cancelled) as soon as its first progress notification arrives."""
    running = anyio.Event()

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        running.set()

    finished = False
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:

            async def cancel() -> None:
                await running.wait()
                scope.cancel()

            tg.start_soon(cancel)
            await peer.call_tool(tool, arguments, progress_callback=on_progress)
            finished = True
    assert scope.cancelled_caught and not finished


@contextmanager
def valgrind_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> Iterator[list[str]]:
    """Yields `command` wrapped to run under valgrind (errors and definite or indirect leaks
    give exit status 99, written to a file by the wrapping shell), and after the block checks
    that status. The client's stdio transport waits only 2 s for a server to exit after
    stdin closes; the leak check takes longer, so that bound is raised for this test."""
    status = tmp_path / "valgrind-status"
    monkeypatch.setattr(mcp.client.stdio, "PROCESS_TERMINATION_TIMEOUT", VALGRIND_REQUEST_TIMEOUT)
    script = (
        "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "
        '--show-leak-kinds=definite,indirect --show-possibly-lost=no "$@"; echo $? > "$STATUS_FILE"'
    )
    yield ["env", f"STATUS_FILE={status}", "sh", "-c", script, "valgrind", *command]
    assert status.read_text().strip() == "0", "valgrind found memory errors or leaks (see the server's stderr)"


# ---------------------------------------------------------------------------------------------
# Reading results
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# sysinfo_server
# ---------------------------------------------------------------------------------------------

SYSINFO_TOOLS = ["system_info", "memory_info", "cpu_info", "disk_usage", "process_list", "cpu_usage", "calculate"]


def meminfo_kib(field: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == field:
            return int(value.split()[0])
    raise AssertionError(f"{field} not in /proc/meminfo")


def cpuinfo_lines() -> list[str]:
    return Path("/proc/cpuinfo").read_text().splitlines()


async def check_sysinfo_listing(peer: Peer) -> None:
    tools = (await peer.list_tools()).tools
    assert [t.name for t in tools] == SYSINFO_TOOLS
    for tool in tools:
        assert tool.annotations is not None and tool.annotations.read_only_hint is True, tool.name
        assert tool.description and tool.title, tool.name
    calculate = next(t for t in tools if t.name == "calculate")
    assert calculate.input_schema["required"] == ["expression"]
    resources = (await peer.list_resources()).resources
    assert sorted(str(r.uri) for r in resources) == ["sysinfo://memory", "sysinfo://system"]
    assert all(r.mime_type == "application/json" for r in resources)


async def check_system_info(peer: Peer) -> None:
    info = structured(await peer.call_tool("system_info", {}))
    uname = os.uname()
    assert info["hostname"] == socket.gethostname()
    assert (info["os"], info["kernel"], info["architecture"]) == (uname.sysname, uname.release, uname.machine)
    assert info["cpu_count"] == os.cpu_count()
    assert 0 < info["uptime_seconds"] <= float(Path("/proc/uptime").read_text().split()[0])
    assert sorted(info["load_average"]) == ["15m", "1m", "5m"]
    assert all(v >= 0 for v in info["load_average"].values())


async def check_memory_and_cpu_info(peer: Peer) -> None:
    memory = structured(await peer.call_tool("memory_info", {}))
    assert memory["total_bytes"] == meminfo_kib("MemTotal") * 1024
    assert memory["swap_total_bytes"] == meminfo_kib("SwapTotal") * 1024
    assert 0 <= memory["available_bytes"] <= memory["total_bytes"]
    assert 0 <= memory["used_percent"] <= 100
    cpu = structured(await peer.call_tool("cpu_info", {}))
    assert cpu["logical_cpus"] == sum(1 for line in cpuinfo_lines() if line.startswith("processor"))
    models = [line.split(":", 1)[1].strip() for line in cpuinfo_lines() if line.startswith("model name")]
    assert cpu["model"] == (models[0] if models else None)
    assert cpu["online_cpus"] == os.cpu_count()


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_lists_its_tools_and_resources(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            await check_sysinfo_listing(peer)

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_reports_this_machine(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            await check_system_info(peer)
            await check_memory_and_cpu_info(peer)

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_disk_usage(wire: str, sysinfo_server: Path, errlog: TextIO, tmp_path: Path) -> None:
    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            for args, path in [({}, "/"), ({"path": "/"}, "/"), ({"path": str(tmp_path)}, str(tmp_path))]:
                usage = structured(await peer.call_tool("disk_usage", args))
                vfs = os.statvfs(path)
                assert usage["path"] == path
                assert usage["total_bytes"] == vfs.f_frsize * vfs.f_blocks
                assert 0 <= usage["available_bytes"] <= usage["free_bytes"] <= usage["total_bytes"]
                assert usage["used_bytes"] == usage["total_bytes"] - usage["free_bytes"]
                assert 0 <= usage["used_percent"] <= 100
            missing = tmp_path / "no such dir"
            assert tool_error(await peer.call_tool("disk_usage", {"path": "etc"})) == (
                'path must be absolute (start with /), got "etc"'
            )
            assert tool_error(await peer.call_tool("disk_usage", {"path": str(missing)})) == (
                f'cannot read the file system of "{missing}": No such file or directory'
            )
            assert "Invalid arguments for tool disk_usage" in tool_error(
                await peer.call_tool("disk_usage", {"path": 42})
            )
            assert "Invalid arguments for tool disk_usage" in tool_error(await peer.call_tool("disk_usage", {"path": ""}))

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_process_list(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            by_memory = structured(await peer.call_tool("process_list", {"limit": 3}))
            assert by_memory["sorted_by"] == "memory" and by_memory["total_processes"] >= 2
            processes = by_memory["processes"]
            assert len(processes) == 3
            assert [p["rss_bytes"] for p in processes] == sorted((p["rss_bytes"] for p in processes), reverse=True)
            for p in processes:
                assert sorted(p) == ["cpu_time_seconds", "name", "pid", "rss_bytes", "state", "threads"]
                assert p["pid"] > 0 and p["threads"] >= 1 and len(p["state"]) == 1
            # This test process is alive throughout: with every process listed, it is there.
            everything = structured(await peer.call_tool("process_list", {"limit": 100, "sort_by": "cpu_time"}))
            times = [p["cpu_time_seconds"] for p in everything["processes"]]
            assert times == sorted(times, reverse=True)
            if everything["total_processes"] <= 100:
                assert os.getpid() in {p["pid"] for p in everything["processes"]}
            for bad in [{"limit": 0}, {"limit": 101}, {"sort_by": "name"}, {"limit": "3"}]:
                assert "Invalid arguments for tool process_list" in tool_error(await peer.call_tool("process_list", bad))

    run(body)


CALCULATIONS = [
    ("2*(3+4)", "14"),
    ("1.5 + 2.25", "3.75"),
    ("10 / 4", "2.5"),
    ("-(3 - 10) % 4", "3"),
    ("0.1 + 0.2", "0.30000000000000004"),
    ("--2", "2"),
    ("2 * -3", "-6"),
    ("1e3 / 8", "125"),
    (".5 * 4", "2"),
    ("7 % 2.5", "2"),
    (" ( ( 1 ) ) ", "1"),
    ("-0", "0"),
    ("2 - 3 - 4", "-5"),
    ("2 / 4 * 8", "4"),
    ("1 / 3", "0.3333333333333333"),
]

CALCULATION_ERRORS = [
    ("1/0", 'cannot evaluate "1/0": division by zero at position 2'),
    ("5 % (2 - 2)", 'cannot evaluate "5 % (2 - 2)": modulo by zero at position 3'),
    ("2*(3+4", 'cannot evaluate "2*(3+4": expected \')\' at position 7'),
    ("2 +", 'cannot evaluate "2 +": unexpected end of expression at position 4'),
    ("abs(2)", 'cannot evaluate "abs(2)": unexpected \'a\' at position 1'),
    ("__import__('os')", "cannot evaluate \"__import__('os')\": unexpected '_' at position 1"),
    ("1 2", 'cannot evaluate "1 2": unexpected \'2\' at position 3'),
    ("1e", 'cannot evaluate "1e": malformed exponent at position 1'),
    ("1e999", 'cannot evaluate "1e999": the result is too large at position 6'),
    ("2 ** 3", "cannot evaluate \"2 ** 3\": unexpected '*' at position 4"),
    ("nan", "cannot evaluate \"nan\": unexpected 'n' at position 1"),
    ("(" * 300 + "1" + ")" * 300, None),  # nested too deeply
]


def quoted_prefix(text: str, limit: int = 200) -> str:
    """The longest prefix of `text` of at most `limit` UTF-8 bytes that ends on a character."""
    return text.encode()[:limit].decode("utf-8", "ignore")


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_errors_cut_on_a_character_boundary(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    """An argument quoted in an error is cut to 200 bytes; a cut inside a multibyte
    character would make the answer invalid JSON (an internal error instead of the message)."""

    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            for expression, where in [("1" + "é" * 150, "unexpected byte 0xc3 at position 2"),
                                      ("€" * 100, "unexpected byte 0xe2 at position 1"),
                                      ("12" + "😀" * 60, "unexpected byte 0xf0 at position 3"),
                                      ("2 *" + "é" * 300, "unexpected byte 0xc3 at position 4")]:
                shown = quoted_prefix(expression)
                assert len(shown.encode()) < 200 and len(expression.encode()) > 200
                error = tool_error(await peer.call_tool("calculate", {"expression": expression}))
                assert error == f'cannot evaluate "{shown}": {where}', expression
            relative = "x" + "é" * 150
            assert tool_error(await peer.call_tool("disk_usage", {"path": relative})) == (
                f'path must be absolute (start with /), got "{quoted_prefix(relative)}"')
            missing = "/" + "€" * 80  # one name, shorter than NAME_MAX
            assert tool_error(await peer.call_tool("disk_usage", {"path": missing})) == (
                f'cannot read the file system of "{quoted_prefix(missing)}": No such file or directory')
            assert text_of(await peer.call_tool("calculate", {"expression": "6 * 7"})) == "42"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_calculate(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            for expression, value in CALCULATIONS:
                assert text_of(await peer.call_tool("calculate", {"expression": expression})) == value, expression
            for expression, message in CALCULATION_ERRORS:
                error = tool_error(await peer.call_tool("calculate", {"expression": expression}))
                assert error == message if message else "nested too deeply" in error, expression
            for bad in [{}, {"expression": ""}, {"expression": 2}, {"expression": "1" * 1001}]:
                assert "Invalid arguments for tool calculate" in tool_error(await peer.call_tool("calculate", bad))
            # The server keeps serving after every refusal.
            assert text_of(await peer.call_tool("calculate", {"expression": "6 * 7"})) == "42"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_cpu_usage_reports_progress(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            usage = structured(await peer.call_tool("cpu_usage", {"interval_ms": 200}, progress_callback=on_progress))
            assert usage["interval_ms"] == 200
            assert 0 <= usage["overall_percent"] <= 100
            assert len(usage["per_cpu_percent"]) == os.cpu_count()
            assert all(0 <= p <= 100 for p in usage["per_cpu_percent"])
            # Progress notifications precede the response on the wire; one more round trip
            # lets the client deliver the last of them.
            assert text_of(await peer.call_tool("calculate", {"expression": "1"})) == "1"
            assert progress == [(float(i), 10.0, f"sampled {20 * i} of 200 ms") for i in range(1, 11)]
            assert "Invalid arguments for tool cpu_usage" in tool_error(
                await peer.call_tool("cpu_usage", {"interval_ms": 50})
            )

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_cpu_usage_stops_when_cancelled(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            # 10 s of sampling: never finishes before the cancel.
            await cancel_once_running(peer, "cpu_usage", {"interval_ms": 10000})
            # The worker saw the cancellation and stopped sampling early.
            await wait_for_log(errlog, "sysinfo_server: cpu_usage cancelled after")
            assert text_of(await peer.call_tool("calculate", {"expression": "2+2"})) == "4"

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_resources(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([str(sysinfo_server)], wire, errlog) as peer:
            memory = resource_json(await peer.read_resource("sysinfo://memory"), "sysinfo://memory")
            assert memory["total_bytes"] == meminfo_kib("MemTotal") * 1024
            system = resource_json(await peer.read_resource("sysinfo://system"), "sysinfo://system")
            assert system["hostname"] == socket.gethostname() and system["kernel"] == os.uname().release
            with pytest.raises(MCPError) as missing:
                await peer.read_resource("sysinfo://disks")
            assert missing.value.code == not_found_code(wire)

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sysinfo_over_http(wire: str, sysinfo_server: Path, errlog: TextIO) -> None:
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    with http_server([str(sysinfo_server)], errlog) as url:

        async def body() -> None:
            async with over_http(url, wire) as peer:
                await check_sysinfo_listing(peer)
                await check_system_info(peer)
                await check_memory_and_cpu_info(peer)
                assert text_of(await peer.call_tool("calculate", {"expression": "2*(3+4)"})) == "14"
                assert "division by zero" in tool_error(await peer.call_tool("calculate", {"expression": "1/0"}))
                usage = structured(await peer.call_tool("cpu_usage", {"interval_ms": 100}, progress_callback=on_progress))
                assert len(usage["per_cpu_percent"]) == os.cpu_count()
                memory = resource_json(await peer.read_resource("sysinfo://memory"), "sysinfo://memory")
                assert memory["total_bytes"] == meminfo_kib("MemTotal") * 1024
                # The progress notifications came before cpu_usage's response, and a round trip since.
                assert progress == [float(i) for i in range(1, 11)]

        run(body)


def test_sysinfo_refuses_a_bad_command_line(sysinfo_server: Path) -> None:
    for args in (["--http"], ["--verbose"], ["--http", "127.0.0.1:1", "extra"]):
        done = subprocess.run([str(sysinfo_server), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=START_BOUND, check=False)
        assert done.returncode == 2 and done.stderr == "usage: sysinfo_server [--http HOST:PORT]\n", args


def test_sysinfo_under_valgrind(sysinfo_server: Path, errlog: TextIO, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with valgrind_status(tmp_path, monkeypatch, [str(sysinfo_server)]) as command:

        async def body() -> None:
            async with over_stdio(command, HANDSHAKE, errlog, timeout=VALGRIND_REQUEST_TIMEOUT) as peer:
                assert [t.name for t in (await peer.list_tools()).tools] == SYSINFO_TOOLS
                for name in ["system_info", "memory_info", "cpu_info", "disk_usage"]:
                    structured(await peer.call_tool(name, {}))
                structured(await peer.call_tool("process_list", {"limit": 5}))
                structured(await peer.call_tool("cpu_usage", {"interval_ms": 100}))
                assert text_of(await peer.call_tool("calculate", {"expression": "2*(3+4)"})) == "14"
                tool_error(await peer.call_tool("calculate", {"expression": "(1/0"}))
                tool_error(await peer.call_tool("disk_usage", {"path": "/no/such/path"}))
                resource_json(await peer.read_resource("sysinfo://system"), "sysinfo://system")
                # A cancelled call frees its responder on the worker thread.
                await cancel_once_running(peer, "cpu_usage", {"interval_ms": 10000})
                await wait_for_log(errlog, "cpu_usage cancelled after")
                # A call still running when stdin closes is answered before the exit.
                assert text_of(await peer.call_tool("calculate", {"expression": "1+1"})) == "2"

        run(body, VALGRIND_DEADLINE)


# ---------------------------------------------------------------------------------------------
# sqlite_server
# ---------------------------------------------------------------------------------------------

SQLITE_TOOLS = ["list_tables", "get_table_schema", "execute_select", "execute_aggregation"]
TABLES = ["customers", "orders", "products"]
TEMPLATE = "database://tables/{name}"
READ_ONLY_REFUSAL = "refused: this server is read-only and runs SELECT statements only ({} is not allowed)"


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def oracle(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[list[Any]]:
    """The rows Python's own sqlite3 module reads for `sql`, as JSON would carry them."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return [list(row) for row in conn.execute(sql, params)]


def rows_of(result: types.CallToolResult) -> list[list[Any]]:
    answer = structured(result)
    assert answer["truncated"] is False
    assert answer["row_count"] == len(answer["rows"])
    return answer["rows"]


def sqlite_command(server: Path, db: Path, *options: str) -> list[str]:
    return [str(server), *options, str(db)]


async def check_sqlite_listing(peer: Peer) -> None:
    tools = (await peer.list_tools()).tools
    assert [t.name for t in tools] == SQLITE_TOOLS
    assert all(t.annotations is not None and t.annotations.read_only_hint is True for t in tools)
    resources = (await peer.list_resources()).resources
    assert [(str(r.uri), r.name) for r in resources] == [(f"database://tables/{t}", t) for t in TABLES]
    templates = (await peer.list_resource_templates()).resource_templates
    assert [(t.uri_template, t.mime_type) for t in templates] == [(TEMPLATE, "application/json")]


async def check_sqlite_queries(peer: Peer, db: Path) -> None:
    tables = structured(await peer.call_tool("list_tables", {}))
    assert tables == {"tables": [{"name": t, "type": "table"} for t in TABLES]}
    products = await peer.call_tool(
        "execute_select",
        {"sql": "SELECT name, price FROM products WHERE category = ? ORDER BY price", "params": ["Audio"]},
    )
    assert rows_of(products) == [["Bluetooth Speaker", 49.95], ["Noise-cancelling Headphones", 199]]
    by_status = await peer.call_tool(
        "execute_aggregation", {"table": "orders", "function": "SUM", "column": "quantity", "group_by": "status"}
    )
    assert structured(by_status)["result"]["rows"] == [["cancelled", 2], ["delivered", 32], ["pending", 7], ["shipped", 5]]


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_lists_its_tools_and_resources(wire: str, sqlite_server: Path, sample_db: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(sqlite_command(sqlite_server, sample_db), wire, errlog) as peer:
            await check_sqlite_listing(peer)
            await check_sqlite_queries(peer, sample_db)

    run(body)


def test_sqlite_audits_calls_and_serves_metrics(sqlite_server: Path, sample_db: Path, errlog: TextIO) -> None:
    """The hooks: one JSON audit line per tool call on stderr (outcome included, never the
    SQL), and per-tool metrics on the --metrics side port while serving stdio."""
    port = free_port()

    async def body() -> None:
        command = sqlite_command(sqlite_server, sample_db, "--metrics", f"127.0.0.1:{port}")
        async with over_stdio(command, MODERN, errlog) as peer:
            await peer.call_tool("list_tables", {})
            refused = await peer.call_tool("execute_select", {"sql": "DELETE FROM orders"})
            assert refused.is_error
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=START_BOUND) as response:
                page = response.read().decode()
            assert 'mcpforge_requests_total{method="tools/call",name="list_tables",outcome="ok"} 1' in page
            assert 'mcpforge_requests_total{method="tools/call",name="execute_select",outcome="tool_error"} 1' in page

    run(body)
    errlog.seek(0)
    audit = [json.loads(line) for line in errlog.read().splitlines() if line.startswith('{"event":"tool call"')]
    assert [(a["tool"], a["ok"], a["error_code"]) for a in audit] == [("list_tables", True, 0), ("execute_select", False, 0)]
    assert all(a["duration_us"] >= 0 and "DELETE" not in json.dumps(a) for a in audit)


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_table_schema(wire: str, sqlite_server: Path, sample_db: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(sqlite_command(sqlite_server, sample_db), wire, errlog) as peer:
            schema = structured(await peer.call_tool("get_table_schema", {"table": "orders"}))
            assert schema["name"] == "orders" and schema["type"] == "table" and schema["row_count"] == 30
            assert [(c["name"], c["type"], c["not_null"], c["primary_key_position"]) for c in schema["columns"]] == [
                ("id", "INTEGER", 0, 1),
                ("customer_id", "INTEGER", 1, 0),
                ("product_id", "INTEGER", 1, 0),
                ("quantity", "INTEGER", 1, 0),
                ("ordered_on", "TEXT", 1, 0),
                ("status", "TEXT", 1, 0),
            ]
            assert sorted((f["column"], f["references_table"], f["references_column"]) for f in schema["foreign_keys"]) == [
                ("customer_id", "customers", "id"),
                ("product_id", "products", "id"),
            ]
            assert schema["sql"] == oracle(sample_db, "SELECT sql FROM sqlite_schema WHERE name = 'orders'")[0][0]
            products = structured(await peer.call_tool("get_table_schema", {"table": "products"}))
            assert [c["default"] for c in products["columns"] if c["name"] == "stock"] == ["0"]
            for table in ["nope", "orders; DROP TABLE orders", "ORDERS ", "sqlite_schema"]:
                assert tool_error(await peer.call_tool("get_table_schema", {"table": table})) == (
                    f'unknown table "{table}"; the tables are: customers, orders, products'
                )
            # A long name is cut to 128 bytes on a character boundary (never inside one).
            for table, shown in [("x" + "é" * 100, "x" + "é" * 63), ("€" * 60, "€" * 42), ("x" + "😀" * 40, "x" + "😀" * 31)]:
                assert tool_error(await peer.call_tool("get_table_schema", {"table": table})) == (
                    f'unknown table "{shown}"; the tables are: customers, orders, products'
                )
                message = tool_error(await peer.call_tool("execute_aggregation", {"table": "orders", "function": "SUM",
                                                                                    "column": table}))
                assert message.startswith(f'unknown column "{shown}" in table "orders"; its columns are: id, '), message
            assert "Invalid arguments for tool get_table_schema" in tool_error(
                await peer.call_tool("get_table_schema", {})
            )

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_execute_select(wire: str, sqlite_server: Path, sample_db: Path, errlog: TextIO) -> None:
    revenue_sql = (
        "SELECT c.country, round(sum(o.quantity * p.price), 2) AS revenue FROM orders o "
        "JOIN customers c ON c.id = o.customer_id JOIN products p ON p.id = o.product_id "
        "WHERE o.status = ? GROUP BY c.country ORDER BY revenue DESC"
    )

    async def body() -> None:
        async with over_stdio(sqlite_command(sqlite_server, sample_db), wire, errlog) as peer:
            revenue = await peer.call_tool("execute_select", {"sql": revenue_sql, "params": ["delivered"]})
            assert structured(revenue)["columns"] == ["country", "revenue"]
            assert rows_of(revenue) == oracle(sample_db, revenue_sql, ("delivered",))
            count = await peer.call_tool("execute_select", {"sql": "SELECT count(*) AS n FROM orders"})
            assert rows_of(count) == [[30]]
            # Every JSON type binds; a statement with comments and a trailing ';' is one statement.
            typed = await peer.call_tool(
                "execute_select",
                {"sql": "/* types */ SELECT ?, ?, ?, ?, ?, typeof(?) -- done\n;", "params": ["é \"q\"", 2, 2.5, True, None, 7.0]},
            )
            assert rows_of(typed) == [["é \"q\"", 2, 2.5, 1, None, "real"]]
            blob = await peer.call_tool("execute_select", {"sql": "SELECT x'00ff10' AS b, CAST(x'ff41' AS TEXT) AS t"})
            assert rows_of(blob) == [[{"base64": "AP8Q"}, "\ufffdA"]]
            cte = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT sum(i) FROM n"
            assert rows_of(await peer.call_tool("execute_select", {"sql": cte})) == [[15]]
            # Row limits: the default (100), and max_rows, with `truncated` saying there is more.
            limited = structured(await peer.call_tool("execute_select", {"sql": "SELECT id FROM orders ORDER BY id", "max_rows": 5}))
            assert limited["rows"] == [[1], [2], [3], [4], [5]] and limited["truncated"] is True
            many = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) SELECT i FROM n"
            default = structured(await peer.call_tool("execute_select", {"sql": many}))
            assert default["row_count"] == 100 and default["truncated"] is True and default["rows"][-1] == [100]
            exact = structured(await peer.call_tool("execute_select", {"sql": "SELECT id FROM products", "max_rows": 10}))
            assert exact["row_count"] == 10 and exact["truncated"] is False
            # Bad input: tool errors (or the engine's schema check), and the server goes on.
            for args, message in [
                ({"sql": "SELECT * FROM products WHERE id = ?"}, "the statement has 1 parameter but 0 were given"),
                ({"sql": "SELECT ?", "params": [1, 2]}, "the statement has 1 parameter but 2 were given"),
                ({"sql": "SELEC 1"}, 'invalid SQL: near "SELEC": syntax error'),
                ({"sql": "SELECT * FROM nope"}, "invalid SQL: no such table: nope"),
                ({"sql": "   -- nothing"}, "refused: the text holds no statement"),
            ]:
                assert tool_error(await peer.call_tool("execute_select", args)) == message, args
            for bad in [{}, {"sql": ""}, {"sql": "SELECT ?", "params": [{"a": 1}]}, {"sql": "SELECT 1", "max_rows": 0}]:
                assert "Invalid arguments for tool execute_select" in tool_error(await peer.call_tool("execute_select", bad))

    run(body)


REFUSED = [
    ("INSERT INTO products (name, category, price) VALUES ('x', 'y', 1)", READ_ONLY_REFUSAL.format("INSERT")),
    ("UPDATE products SET price = 0", READ_ONLY_REFUSAL.format("UPDATE")),
    ("DELETE FROM orders", READ_ONLY_REFUSAL.format("DELETE")),
    ("WITH x AS (SELECT 1) INSERT INTO products (name, category, price) SELECT 'x', 'y', 1 FROM x",
     READ_ONLY_REFUSAL.format("INSERT")),
    ("REPLACE INTO products (id, name, category, price) VALUES (1, 'x', 'y', 1)", READ_ONLY_REFUSAL.format("INSERT")),
    ("DROP TABLE orders", READ_ONLY_REFUSAL.format("changing the schema")),
    ("CREATE TABLE t (x)", READ_ONLY_REFUSAL.format("changing the schema")),
    ("CREATE TEMP VIEW v AS SELECT 1", READ_ONLY_REFUSAL.format("changing the schema")),
    ("ATTACH DATABASE 'other.db' AS other", READ_ONLY_REFUSAL.format("ATTACH")),
    ("DETACH DATABASE main", READ_ONLY_REFUSAL.format("DETACH")),
    ("PRAGMA user_version = 5", READ_ONLY_REFUSAL.format("PRAGMA")),
    ("PRAGMA journal_mode = DELETE", READ_ONLY_REFUSAL.format("PRAGMA")),
    ("PRAGMA table_info(orders)", READ_ONLY_REFUSAL.format("PRAGMA")),
    ("SELECT * FROM pragma_table_info('orders')", None),  # refused while it runs
    ("BEGIN", READ_ONLY_REFUSAL.format("transaction control")),
    ("SAVEPOINT s", READ_ONLY_REFUSAL.format("transaction control")),
    ("VACUUM INTO 'copy.db'", "refused: the statement would write to the database"),  # sqlite3_stmt_readonly
    ("ANALYZE", READ_ONLY_REFUSAL.format("changing the schema")),  # it would create sqlite_stat1
    ("ALTER TABLE orders RENAME TO o", READ_ONLY_REFUSAL.format("changing the schema")),
    ("SELECT 1; SELECT 2", "refused: send exactly one statement (found more after the first ';')"),
    ("SELECT * FROM orders; DROP TABLE orders", "refused: send exactly one statement (found more after the first ';')"),
    ("SELECT 1; ATTACH 'x.db' AS x", "refused: send exactly one statement (found more after the first ';')"),
    ("EXPLAIN SELECT 1", "refused: EXPLAIN is not a query; send a SELECT statement"),
    # Functions that reach past the data: a heap address, code loading.
    ("SELECT load_extension('libm')", "refused: the function load_extension() is not allowed on this server"),
    ("SELECT fts3_tokenizer('simple')", "refused: the function fts3_tokenizer() is not allowed on this server"),
    ("SELECT hex(FTS3_TOKENIZER('porter'))", "refused: the function fts3_tokenizer() is not allowed on this server"),
    ("SELECT fts3_tokenizer('x', x'0000000000000000')", "refused: the function fts3_tokenizer() is not allowed on this server"),
    ("SELECT name FROM products WHERE name = fts3_tokenizer('simple')",
     "refused: the function fts3_tokenizer() is not allowed on this server"),
]


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_refuses_anything_but_one_read(wire: str, sqlite_server: Path, tmp_path: Path, errlog: TextIO) -> None:
    db = tmp_path / "shop.db"
    subprocess.run(sqlite_command(sqlite_server, db, "--init", str(SAMPLE_SQL)), stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=START_BOUND, check=True)
    before = file_digest(db)

    async def body() -> None:
        async with over_stdio(sqlite_command(sqlite_server, db), wire, errlog) as peer:
            for sql, message in REFUSED:
                error = tool_error(await peer.call_tool("execute_select", {"sql": sql}))
                if message is None:
                    assert error.startswith(("refused: ", "the query failed: not authorized")), (sql, error)
                else:
                    assert error == message, sql
            assert rows_of(await peer.call_tool("execute_select", {"sql": "SELECT count(*) FROM orders"})) == [[30]]

    run(body)
    assert file_digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server-stderr.log", "shop.db"]


def test_sqlite_bounds_results(sqlite_server: Path, sample_db: Path, errlog: TextIO) -> None:
    """No string or blob past 1 MiB is built, and a result stops growing past about 512 KiB."""
    series = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "

    async def body() -> None:
        async with over_stdio(sqlite_command(sqlite_server, sample_db), HANDSHAKE, errlog) as peer:
            for sql in ["SELECT zeroblob(100000000)", "SELECT length(zeroblob(2000000))", "SELECT hex(randomblob(600000))"]:
                assert tool_error(await peer.call_tool("execute_select", {"sql": sql})) == (
                    "the query failed: string or blob too big"), sql
            wide = structured(await peer.call_tool("execute_select", {
                "sql": series + "SELECT i, hex(zeroblob(5000)) FROM n", "max_rows": 1000}))
            assert wide["truncated"] is True and 50 <= wide["row_count"] < 60
            assert 512 * 1024 < len(json.dumps(wide)) < 600 * 1024
            assert rows_of(await peer.call_tool("execute_select", {"sql": "SELECT 1"})) == [[1]]

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_execute_aggregation(wire: str, sqlite_server: Path, sample_db: Path, errlog: TextIO) -> None:
    async def aggregate(peer: Peer, **args: Any) -> dict[str, Any]:
        answer = structured(await peer.call_tool("execute_aggregation", args))
        assert answer["result"]["truncated"] is False
        return answer

    async def body() -> None:
        async with over_stdio(sqlite_command(sqlite_server, sample_db), wire, errlog) as peer:
            count = await aggregate(peer, table="orders", function="COUNT")
            assert count["sql"] == 'SELECT COUNT(*) AS value FROM "orders"'
            assert count["result"]["columns"] == ["value"] and count["result"]["rows"] == [[30]]
            assert (await aggregate(peer, table="products", function="MAX", column="price"))["result"]["rows"] == [[279]]
            assert (await aggregate(peer, table="products", function="MIN", column="price"))["result"]["rows"] == [[24.99]]
            assert (await aggregate(peer, table="orders", function="SUM", column="quantity"))["result"]["rows"] == [[46]]
            avg = await aggregate(peer, table="products", function="AVG", column="price", group_by="category")
            assert avg["result"]["columns"] == ["category", "value"]
            assert avg["result"]["rows"] == oracle(
                sample_db, "SELECT category, AVG(price) FROM products GROUP BY category ORDER BY category"
            )
            per_city = await aggregate(peer, table="customers", function="COUNT", column="id", group_by="city")
            assert per_city["result"]["rows"][:2] == [["Amsterdam", 2], ["Boston", 2]]
            limited = structured(
                await peer.call_tool("execute_aggregation", {"table": "customers", "function": "COUNT", "group_by": "name", "max_rows": 3})
            )
            assert limited["result"]["row_count"] == 3 and limited["result"]["truncated"] is True
            columns = "id, customer_id, product_id, quantity, ordered_on, status"
            for args, message in [
                ({"table": "nope", "function": "COUNT"}, 'unknown table "nope"; the tables are: customers, orders, products'),
                ({"table": "orders", "function": "SUM", "column": "price"},
                 f'unknown column "price" in table "orders"; its columns are: {columns}'),
                ({"table": "orders", "function": "SUM", "column": 'quantity") FROM orders; --'},
                 f'unknown column "quantity") FROM orders; --" in table "orders"; its columns are: {columns}'),
                ({"table": "orders", "function": "COUNT", "group_by": "1; DROP TABLE orders"},
                 f'unknown column "1; DROP TABLE orders" in table "orders"; its columns are: {columns}'),
                ({"table": "orders", "function": "AVG"}, "AVG needs a column"),
            ]:
                assert tool_error(await peer.call_tool("execute_aggregation", args)) == message, args
            for bad in [{"table": "orders", "function": "MEDIAN", "column": "quantity"}, {"table": "orders"},
                        {"table": "orders", "function": "count"}]:
                assert "Invalid arguments for tool execute_aggregation" in tool_error(
                    await peer.call_tool("execute_aggregation", bad)
                )

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_table_resources_and_completion(wire: str, sqlite_server: Path, tmp_path: Path, errlog: TextIO) -> None:
    # A table whose name needs percent-encoding is not listed, but the template reaches it.
    script = tmp_path / "odd.sql"
    script.write_text(
        SAMPLE_SQL.read_text() + '\nCREATE TABLE "order items" (sku TEXT, "note ""quoted""" TEXT);\n'
        "INSERT INTO \"order items\" VALUES ('A-1', 'first'), ('B-2', NULL);\n"
    )
    db = tmp_path / "odd.db"

    async def body() -> None:
        async with over_stdio(sqlite_command(sqlite_server, db, "--init", str(script)), wire, errlog) as peer:
            listed = [str(r.uri) for r in (await peer.list_resources()).resources]
            assert listed == [f"database://tables/{t}" for t in TABLES]
            orders = resource_json(await peer.read_resource("database://tables/orders"), "database://tables/orders")
            assert orders["schema"]["name"] == "orders" and orders["schema"]["row_count"] == 30
            assert orders["first_rows"]["columns"] == ["id", "customer_id", "product_id", "quantity", "ordered_on", "status"]
            assert orders["first_rows"]["rows"] == oracle(db, "SELECT * FROM orders LIMIT 5")
            uri = "database://tables/order%20items"
            odd = resource_json(await peer.read_resource(uri), uri)
            assert odd["schema"]["name"] == "order items" and odd["schema"]["row_count"] == 2
            assert odd["first_rows"] == {
                "columns": ["sku", 'note "quoted"'], "rows": [["A-1", "first"], ["B-2", None]], "row_count": 2, "truncated": False,
            }
            odd_count = await peer.call_tool("execute_aggregation", {"table": "order items", "function": "COUNT", "column": 'note "quoted"'})
            assert structured(odd_count)["result"]["rows"] == [[1]]
            with pytest.raises(MCPError) as missing:
                await peer.read_resource("database://tables/nope")
            assert missing.value.code == not_found_code(wire)
            ref = types.ResourceTemplateReference(type="ref/resource", uri=TEMPLATE)
            for typed, expected in [("", ["customers", "order items", "orders", "products"]), ("or", ["order items", "orders"]),
                                    ("c", ["customers"]), ("x", [])]:
                completion = await peer.complete(ref, {"name": "name", "value": typed})
                assert completion.completion.values == expected, typed

    run(body)


def test_sqlite_init_creates_once_and_refuses_a_bad_script(sqlite_server: Path, tmp_path: Path) -> None:
    def start(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(sqlite_server), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=START_BOUND, check=False)

    db = tmp_path / "new.db"
    created = start("--init", str(SAMPLE_SQL), str(db))
    assert created.returncode == 0 and f"created {db} from {SAMPLE_SQL}" in created.stderr
    assert oracle(db, "SELECT count(*) FROM customers") == [[12]]
    digest = file_digest(db)
    # An existing database is used as it is: the script does not run again.
    broken = tmp_path / "broken.sql"
    broken.write_text("CREATE TABLE a (x);\nINSERT INTO nope VALUES (1);\n")
    again = start("--init", str(broken), str(db))
    assert again.returncode == 0 and "created" not in again.stderr and file_digest(db) == digest
    # A failing script leaves no database (nor its temporary file) behind.
    other = tmp_path / "other.db"
    failed = start("--init", str(broken), str(other))
    assert failed.returncode == 1 and "no such table: nope" in failed.stderr
    assert not other.exists() and not list(tmp_path.glob("other.db.init-*"))
    missing_script = start("--init", str(tmp_path / "none.sql"), str(other))
    assert missing_script.returncode == 1 and "cannot read" in missing_script.stderr and not other.exists()
    # Without --init the database must exist, and must be a database.
    absent = start(str(other))
    assert absent.returncode == 1 and f"cannot open {other}" in absent.stderr and not other.exists()
    not_db = tmp_path / "text.db"
    not_db.write_text("hello")
    garbage = start(str(not_db))
    assert garbage.returncode == 1 and "file is not a database" in garbage.stderr
    for args in ([], ["--init"], ["--timeout-ms", "0", str(db)], ["--bogus", str(db)], [str(db), str(db)]):
        usage = start(*args)
        assert usage.returncode == 2 and usage.stderr.startswith("usage: sqlite_server"), args


INFINITE = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_time_limit_and_cancellation(wire: str, sqlite_server: Path, sample_db: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(sqlite_command(sqlite_server, sample_db, "--timeout-ms", "300"), wire, errlog) as peer:
            assert tool_error(await peer.call_tool("execute_select", {"sql": INFINITE})) == (
                "the query interrupted: it ran longer than the 300 ms time limit"
            )
            assert rows_of(await peer.call_tool("execute_select", {"sql": "SELECT 1"})) == [[1]]
        async with over_stdio(sqlite_command(sqlite_server, sample_db), wire, errlog) as peer:
            await cancel_once_running(peer, "execute_select", {"sql": INFINITE})
            await wait_for_log(errlog, "sqlite_server: query interrupted (cancelled)")
            # Both workers are free again.
            for _ in range(3):
                assert rows_of(await peer.call_tool("execute_select", {"sql": "SELECT 2"})) == [[2]]

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_over_http(wire: str, sqlite_server: Path, sample_db: Path, errlog: TextIO) -> None:
    with http_server(sqlite_command(sqlite_server, sample_db), errlog) as url:

        async def body() -> None:
            async with over_http(url, wire) as peer:
                await check_sqlite_listing(peer)
                await check_sqlite_queries(peer, sample_db)
                assert tool_error(await peer.call_tool("execute_select", {"sql": "DELETE FROM orders"})) == (
                    READ_ONLY_REFUSAL.format("DELETE")
                )
                orders = resource_json(await peer.read_resource("database://tables/orders"), "database://tables/orders")
                assert orders["schema"]["row_count"] == 30

        run(body)


def test_sqlite_under_valgrind(
    sqlite_server: Path, sample_db: Path, errlog: TextIO, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with valgrind_status(tmp_path, monkeypatch, sqlite_command(sqlite_server, sample_db, "--timeout-ms", "2000")) as command:

        async def body() -> None:
            async with over_stdio(command, HANDSHAKE, errlog, timeout=VALGRIND_REQUEST_TIMEOUT) as peer:
                await check_sqlite_listing(peer)
                await check_sqlite_queries(peer, sample_db)
                assert structured(await peer.call_tool("get_table_schema", {"table": "orders"}))["row_count"] == 30
                tool_error(await peer.call_tool("get_table_schema", {"table": "nope"}))
                typed = await peer.call_tool("execute_select", {"sql": "SELECT ?, ?, ?, x'00'", "params": ["a", 1.5, None]})
                assert rows_of(typed) == [["a", 1.5, None, {"base64": "AA=="}]]
                for sql, _ in REFUSED[:3] + REFUSED[-5:]:
                    tool_error(await peer.call_tool("execute_select", {"sql": sql}))
                tool_error(await peer.call_tool("execute_select", {"sql": INFINITE}))
                tool_error(await peer.call_tool("execute_aggregation", {"table": "orders", "function": "SUM", "column": "x"}))
                resource_json(await peer.read_resource("database://tables/products"), "database://tables/products")
                with pytest.raises(MCPError):
                    await peer.read_resource("database://tables/nope")
                ref = types.ResourceTemplateReference(type="ref/resource", uri=TEMPLATE)
                assert (await peer.complete(ref, {"name": "name", "value": "p"})).completion.values == ["products"]

        run(body, VALGRIND_DEADLINE)
