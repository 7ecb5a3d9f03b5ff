"""The official MCP client drives examples/python/production_server.py over Streamable HTTP
with bearer tokens from its configuration file and from MCP_TOKENS, on both wires.

Checked: a missing and a wrong token get 401 with a WWW-Authenticate challenge, and the
right tokens (file and environment) work; /healthz and /readyz answer without a token,
/metrics only with one; `health_check`, `tool_metrics` (the engine's per-tool metrics) and the audit
middleware's JSON log lines; a token limited to some tools sees and calls only those (the
catalogue hook), and the configured rate limit refuses its burst with a retry hint; SIGTERM
while `run_job` is in flight: the call still completes, then the server exits 0; the
circuit breaker around `call_dependency` (a local HTTP dependency this test serves) opens
after the configured failures, fails fast without touching the dependency, goes half-open
after its cooldown and closes on a successful trial; given a certificate (MCP_TLS_CERT and
MCP_TLS_KEY) it serves HTTPS and names its https URL in the challenge; bad configuration
stops the server.
The configuration tools (test_py_production_config.py) are driven apart."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, TextIO

import anyio
import httpx2
import pytest
from mcp import Client, ClientSession, MCPError
from mcp.client.streamable_http import streamable_http_client
from support import MODERN, REPO_ROOT, REQUEST_TIMEOUT, WIRES, certificates, http_server, local_http_server, Peer, run, structured, tool_error

SCRIPT = REPO_ROOT / "examples" / "python" / "production_server.py"
FILE_TOKEN, ENV_TOKEN = "alice-token-0123456789", "bob-token-9876543210"
LIMITED_TOKEN = "carol-token-5555555555"
BOUND = 20.0


class Dependency(BaseHTTPRequestHandler):
    """A dependency that answers 200 with a JSON body, or 503 while `failing` is set."""

    def do_GET(self) -> None:
        server: Any = self.server
        server.hits += 1
        status = 503 if server.failing.is_set() else 200
        body = json.dumps({"hits": server.hits}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def dependency() -> Iterator[Any]:
    with local_http_server(Dependency) as httpd:
        httpd.hits, httpd.failing = 0, threading.Event()
        yield httpd


@pytest.fixture
def config(tmp_path: Path, dependency: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({
        "tokens": [{"subject": "alice", "token": FILE_TOKEN},
                   {"subject": "carol", "token": LIMITED_TOKEN, "tools": ["health_check"]}],
        "log_file": str(tmp_path / "server.log"),
        "shutdown_grace_seconds": 30,
        "dependency": {"url": f"http://127.0.0.1:{dependency.server_address[1]}/status", "timeout_seconds": 5,
                       "failure_threshold": 2, "cooldown_seconds": 60},
    }))
    monkeypatch.setenv("MCP_TOKENS", f"bob:{ENV_TOKEN}")
    monkeypatch.setenv("MCP_DEPENDENCY_COOLDOWN_SECONDS", "1")  # the environment overrides the file
    return path


def logs(config: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (config.parent / "server.log").read_text().splitlines()]


@asynccontextmanager
async def authorized(url: str, wire: str, token: str) -> AsyncIterator[Peer]:
    """The official client on `wire`, sending `Authorization: Bearer token`."""
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=REQUEST_TIMEOUT) as http:
        transport = streamable_http_client(url, http_client=http)
        if wire == MODERN:
            async with Client(transport, read_timeout_seconds=REQUEST_TIMEOUT) as client:
                yield client
        else:
            async with transport as (read, write), ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT) as session:
                await session.initialize()
                yield session


def raw(url: str, token: str | None = None, method: str = "GET", host: str | None = None) -> tuple[int, Any, str]:
    """One plain HTTP request (a POST sends initialize): (status, headers (case-insensitive), body)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if host is not None:
        headers["Host"] = host
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
    data = json.dumps(initialize).encode() if method == "POST" else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=BOUND) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def command(config: Path) -> list[str]:
    return [sys.executable, str(SCRIPT), "--config", str(config)]


def test_production_auth_probes_and_tools(config: Path, errlog: TextIO) -> None:
    with http_server(command(config), errlog) as url:
        base = url.removesuffix("/mcp")
        for token in (None, "wrong-token", FILE_TOKEN[:-1]):
            status, headers, _ = raw(url, token, "POST")
            assert status == 401, token
            assert headers["WWW-Authenticate"].startswith("Bearer") and "resource_metadata=" in headers["WWW-Authenticate"]
        assert raw(base + "/healthz")[::2] == (200, "ok")
        assert raw(base + "/readyz")[::2] == (200, "ready")
        assert raw(url, FILE_TOKEN, "POST", host="attacker.example")[0] == 403  # DNS-rebinding protection
        status, _, answer = raw(url, ENV_TOKEN, "POST")
        assert status == 200 and '"serverInfo"' in answer

        async def body() -> None:
            for wire, token, subject in [(WIRES[0], FILE_TOKEN, "alice"), (WIRES[1], ENV_TOKEN, "bob")]:
                async with authorized(url, wire, token) as peer:
                    tools = sorted(t.name for t in (await peer.list_tools()).tools)
                    assert tools == ["batch_process", "call_dependency", "get_config", "health_check", "run_job",
                                     "set_config", "system_info", "tool_metrics"]
                    health = structured(await peer.call_tool("health_check", {}))
                    assert health["status"] == "ok" and health["in_flight"] == 1  # itself
                    assert health["dependency"] == {"configured": True, "state": "closed", "consecutive_failures": 0,
                                                    "failure_threshold": 2, "cooldown_seconds": 1.0}
                    job = structured(await peer.call_tool("run_job", {"seconds": 0.1}))
                    assert job == {"seconds": 0.1, "completed": True, "subject": subject}
                    assert "Invalid arguments for tool run_job" in tool_error(await peer.call_tool("run_job", {"seconds": 0}))
            async with authorized(url, WIRES[0], FILE_TOKEN) as peer:
                metrics = structured(await peer.call_tool("tool_metrics", {}))
                assert metrics["in_flight"] == 1  # itself
                # run_job: two jobs and two calls its schema refused (tool errors).
                assert {k: (v["calls"], v["errors"]) for k, v in metrics["tools"].items()} == {
                    "health_check": (2, 0), "run_job": (4, 2)}
                assert all(v["total_seconds"] >= 0 for v in metrics["tools"].values())

        run(body)
        assert raw(base + "/metrics")[0] == 401
        status, headers, text = raw(base + "/metrics", FILE_TOKEN)
        assert status == 200 and 'method="tools/call"' in text
    entries = logs(config)
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    calls = [(e["tool"], e["ok"], e["subject"]) for e in entries if e["message"] == "tool call"]
    assert calls == [("health_check", True, "alice"), ("run_job", True, "alice"), ("run_job", False, "alice"),
                     ("health_check", True, "bob"), ("run_job", True, "bob"), ("run_job", False, "bob"),
                     ("tool_metrics", True, "alice")]
    assert sum(e["message"] == "token refused" for e in entries) == 2  # wrong tokens; a missing one never reaches the verifier
    assert entries[-1]["message"] == "stopped" and entries[-1]["metrics"]["tools"]["run_job"]["calls"] == 4


@pytest.mark.parametrize("wire", WIRES)
def test_production_catalogue_and_rate_limit(config: Path, errlog: TextIO, wire: str) -> None:
    """carol's token names only health_check: that is all she lists and calls; the rate limit
    on health_check (4 a minute) then refuses her fifth call with a retry hint."""
    settings = json.loads(config.read_text())
    settings["rate_limits"] = {"tools": {"health_check": {"requests": 4, "per": 60}}}
    config.write_text(json.dumps(settings))
    with http_server(command(config), errlog) as url:

        async def body() -> None:
            async with authorized(url, wire, LIMITED_TOKEN) as peer:
                assert [t.name for t in (await peer.list_tools()).tools] == ["health_check"]
                with pytest.raises(MCPError) as hidden:
                    await peer.call_tool("run_job", {"seconds": 0.1})
                assert "Unknown tool: run_job" in str(hidden.value)
                for _ in range(3):  # the listing did not count: only health_check's calls do
                    assert structured(await peer.call_tool("health_check", {}))["status"] == "ok"
                with pytest.raises(MCPError) as limited:
                    await peer.call_tool("health_check", {})
                    await peer.call_tool("health_check", {})
                assert limited.value.code == -32029
                assert limited.value.data["retryAfterMs"] > 0

        run(body)
    assert not any(e["message"] == "job started" for e in logs(config))


def call_tool_2026(url: str, token: str, name: str, arguments: dict[str, Any]) -> tuple[int, Any]:
    """One stateless (2026-07-28) tools/call as plain HTTP: (status, JSON answer). Used where
    the server goes away mid-test: the official client's background listen stream would end
    with the server and fail the client along with the call being observed."""
    meta = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}
    body = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": name, "arguments": arguments, "_meta": meta}}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": name})
    with urllib.request.urlopen(request, timeout=BOUND) as response:
        return response.status, json.loads(response.read())


def test_production_sigterm_lets_an_in_flight_call_finish(config: Path, errlog: TextIO, child_pids: Any) -> None:
    with http_server(command(config), errlog) as url:
        (server_pid,) = child_pids()
        answers: list[tuple[int, Any]] = []
        caller = threading.Thread(target=lambda: answers.append(call_tool_2026(url, FILE_TOKEN, "run_job", {"seconds": 2})))
        caller.start()
        deadline = time.monotonic() + BOUND
        while not any(e["message"] == "job started" for e in logs(config)):  # the job is running
            assert time.monotonic() < deadline and caller.is_alive(), "the job did not start"
            time.sleep(0.02)
        os.kill(server_pid, signal.SIGTERM)
        caller.join(BOUND)
        assert not caller.is_alive() and len(answers) == 1
        status, answer = answers[0]
        assert status == 200 and answer["result"]["structuredContent"] == {"seconds": 2, "completed": True, "subject": "alice"}
    messages = [e["message"] for e in logs(config)]
    assert messages.index("job started") < messages.index("SIGTERM: shutting down gracefully") < messages.index("job finished")
    assert messages.index("job finished") < messages.index("stopped")
    assert next(e for e in logs(config) if e["message"].startswith("SIGTERM"))["in_flight"] == 1


def test_production_circuit_breaker_opens_and_recovers(config: Path, dependency: Any, errlog: TextIO) -> None:
    with http_server(command(config), errlog) as url:

        async def body() -> None:
            async with authorized(url, MODERN, FILE_TOKEN) as peer:
                ok = structured(await peer.call_tool("call_dependency", {}))
                assert ok == {"data": {"hits": 1}, "breaker": "closed"}
                dependency.failing.set()
                assert tool_error(await peer.call_tool("call_dependency", {})) == (
                    "the dependency answered HTTP 503 (breaker: closed)")
                assert tool_error(await peer.call_tool("call_dependency", {})) == (
                    "the dependency answered HTTP 503 (breaker: open)")
                fast = tool_error(await peer.call_tool("call_dependency", {}))
                assert fast.startswith("the circuit breaker for dependency is open; retry in ")
                assert dependency.hits == 3  # open: the dependency was not called
                health = structured(await peer.call_tool("health_check", {}))
                assert health["status"] == "degraded" and health["dependency"]["state"] in ("open", "half_open")
                assert health["dependency"]["consecutive_failures"] == 2
                dependency.failing.clear()
                with anyio.fail_after(BOUND):  # the cooldown (1 s) passes: one trial call may go through
                    while structured(await peer.call_tool("health_check", {}))["dependency"]["state"] != "half_open":
                        await anyio.sleep(0.05)
                recovered = structured(await peer.call_tool("call_dependency", {}))
                assert recovered == {"data": {"hits": 4}, "breaker": "closed"}
                health = structured(await peer.call_tool("health_check", {}))
                assert health["status"] == "ok" and health["dependency"]["consecutive_failures"] == 0
                metrics = structured(await peer.call_tool("tool_metrics", {}))["tools"]["call_dependency"]
                assert (metrics["calls"], metrics["errors"]) == (5, 3)

        run(body)
    messages = [e["message"] for e in logs(config)]
    assert messages.count("circuit opened") == 1 and messages.count("circuit closed") == 1


def test_production_serves_https_with_a_certificate(config: Path, errlog: TextIO, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ca, cert, key = certificates(tmp_path)
    monkeypatch.setenv("MCP_TLS_CERT", str(cert))
    monkeypatch.setenv("MCP_TLS_KEY", str(key))
    with http_server(command(config), errlog, ca=ca) as url:
        assert url.startswith("https://")
        context = ssl.create_default_context(cafile=str(ca))
        request = urllib.request.Request(url, data=b"{}", headers={"Content-Type": "application/json"}, method="POST")
        try:
            urllib.request.urlopen(request, timeout=BOUND, context=context)
            raise AssertionError("a call without a token is refused")
        except urllib.error.HTTPError as e:
            assert e.code == 401
            assert f"{url.removesuffix('/mcp')}/.well-known/oauth-protected-resource" in e.headers["WWW-Authenticate"]


def test_production_refuses_bad_configuration(tmp_path: Path) -> None:
    def start(text: str | None, **env: str) -> subprocess.CompletedProcess[str]:
        args = [sys.executable, str(SCRIPT)]
        if text is not None:
            (tmp_path / "c.json").write_text(text)
            args += ["--config", str(tmp_path / "c.json")]
        return subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *args], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=BOUND, check=False)

    for text, env, message in [
        (None, {}, "no tokens configured"),
        ("{}", {"MCP_TOKENS": "justatoken"}, "every token needs a subject and a token"),
        ('{"tokens": [{"subject": "a", "token": "t"}], "colour": "blue"}', {}, "unknown settings: colour"),
        ('{"tokens": [{"subject": "a", "token": "t"}], "dependency": {"failure_threshold": 0}}', {},
         "dependency.failure_threshold must be positive"),
        ('{"tokens": [{"subject": "a", "token": "t"}], "dependency": {"colour": 1}}', {}, "unknown settings: dependency.colour"),
        ('{"tokens": [{"subject": "a", "token": "t"}], "health": {"error_rate_threshold": 2}}', {},
         "health.error_rate_threshold must be above 0 and at most 1"),
        ('{"tokens": [{"subject": "a", "token": "t"}], "port": "80"}', {}, "port must be a JSON integer"),
        ('{"tokens": [{"subject": "a", "token": "t"}], "batch": {"base_url": "ftp://x"}}', {}, "batch.base_url must be an http(s) URL"),
        ("{", {}, "bad configuration"),
        ('{"tokens": [{"subject": "a", "token": "t"}], "allowed_hosts": "x"}', {}, "allowed_hosts"),
        (None, {"MCP_TOKENS": "a:t", "MCP_PORT": "eighty"}, "bad configuration"),
        (None, {"MCP_TOKENS": "a:t", "MCP_TLS_CERT": "cert.pem"}, "tls.cert and tls.key go together"),
    ]:
        done = start(text, **env)
        assert done.returncode == 2 and message in done.stderr, (text, env, done.stderr)
