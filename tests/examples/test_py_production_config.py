"""The official MCP client drives what examples/python/production_server.py adds around its
configuration and health, over Streamable HTTP with a bearer token.

Checked: `get_config` and `config://app` show the configuration in force (file, then MCP_*
variables) and never a token; `set_config` changes a live setting, saves it atomically
(the other settings and the tokens kept, the environment's overrides not written) and
refuses unknown keys, keys read at start-up only and values of the wrong type or range;
`system_info` describes this machine and the server's process; `health_check` reports the
resident memory and turns `degraded` once the recent error rate passes the configured
threshold, then recovers; the log file rotates at its size; `batch_process` fetches through
a pool of at most `batch.concurrency` keep-alive connections to a local HTTP service, an
item that exceeds its deadline fails alone, and items outside the configured base URL
(another port, another path, `..`, another host) are refused without being requested."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, TextIO

import anyio
import pytest
from support import MODERN, http_server, local_http_server, resource_json, run, structured, tool_error
from test_py_production_server import FILE_TOKEN, authorized, command

BOUND = 20.0


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("MCP_TOKENS", "bob:bob-token-9876543210")
    monkeypatch.setenv("MCP_DEPENDENCY_COOLDOWN_SECONDS", "7")
    return {"tokens": [{"subject": "alice", "token": FILE_TOKEN}, {"subject": "carol", "token": "carol-token-1", "tools": ["health_check"]}],
            "log_file": str(tmp_path / "server.log"), "dependency": {"cooldown_seconds": 60}}


def write(tmp_path: Path, settings: dict[str, Any]) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(settings))
    return path


def test_config_tools_resource_and_system_info(tmp_path: Path, settings: dict[str, Any], errlog: TextIO, child_pids: Any) -> None:
    path = write(tmp_path, settings)
    with http_server(command(path), errlog) as url:
        (server_pid,) = child_pids()
        port = int(url.rsplit(":", 1)[1].split("/")[0])

        async def body() -> None:
            async with authorized(url, MODERN, FILE_TOKEN) as peer:
                shown = structured(await peer.call_tool("get_config", {}))
                assert shown["host"] == "127.0.0.1" and shown["port"] == port and shown["file"] == str(path)
                assert shown["tokens"] == [{"subject": "alice"}, {"subject": "bob"}, {"subject": "carol", "tools": ["health_check"]}]
                assert shown["dependency"]["cooldown_seconds"] == 7  # the environment's
                assert shown["health"] == {"window_seconds": 60.0, "error_rate_threshold": 0.5, "min_calls": 10}
                assert FILE_TOKEN not in json.dumps(shown) and "carol-token-1" not in json.dumps(shown)
                assert resource_json(await peer.read_resource("config://app"), "config://app") == shown

                info = structured(await peer.call_tool("system_info", {}))
                assert info["hostname"] == os.uname().nodename and info["cpu_count"] == os.cpu_count()
                assert info["process"]["pid"] == server_pid and info["process"]["rss_bytes"] > 1024 * 1024
                assert info["memory"]["total_bytes"] >= info["memory"]["available_bytes"] > 0
                health = structured(await peer.call_tool("health_check", {}))
                assert health["memory"]["rss_bytes"] > 1024 * 1024 and health["errors"]["degraded"] is False

                changed = structured(await peer.call_tool("set_config", {"key": "log_level", "value": "DEBUG", "save": True}))
                assert changed["value"] == "DEBUG" and changed["saved"] is True and changed["config"]["log_level"] == "DEBUG"
                live = structured(await peer.call_tool("set_config", {"key": "health.min_calls", "value": 3}))
                assert live["saved"] is False and live["config"]["health"]["min_calls"] == 3
                for key, value, message in [
                    ("port", 9, "port is read at start-up only; change it in the file and restart"),
                    ("tokens", [], "tokens is read at start-up only"),
                    ("nope", 1, "unknown setting: nope"),
                    ("log_level", "LOUD", "log_level must be one of DEBUG, INFO"),
                    ("health.error_rate_threshold", 2, "health.error_rate_threshold must be above 0 and at most 1"),
                    ("health.min_calls", "3", 'health.min_calls must be a JSON integer, not "3"'),
                ]:
                    assert tool_error(await peer.call_tool("set_config", {"key": key, "value": value, "save": True})).startswith(
                        message), key

        run(body)
    saved = json.loads(path.read_text())
    assert saved == {**settings, "log_level": "DEBUG"}  # the tokens kept, the environment's cooldown not written
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".config.json")] == []  # no temporary file left


def test_health_degrades_on_error_rate_and_log_rotates(tmp_path: Path, settings: dict[str, Any], errlog: TextIO) -> None:
    path = write(tmp_path, {**settings, "health": {"window_seconds": 30, "error_rate_threshold": 0.5, "min_calls": 3},
                            "log_max_bytes": 2000, "log_backups": 2})
    with http_server(command(path), errlog) as url:

        async def body() -> None:
            async with authorized(url, MODERN, FILE_TOKEN) as peer:
                assert structured(await peer.call_tool("health_check", {}))["status"] == "ok"
                for _ in range(3):  # refused by the input schema: tool errors
                    tool_error(await peer.call_tool("run_job", {"seconds": 0}))
                health = structured(await peer.call_tool("health_check", {}))
                assert health["status"] == "degraded" and health["errors"]["calls"] == 4 and health["errors"]["errors"] == 3
                assert health["reasons"] == ["error rate 75% over the last 30 s is above 50%"]
                with anyio.fail_after(BOUND):  # successful calls bring the rate down
                    while structured(await peer.call_tool("health_check", {}))["status"] != "ok":
                        pass
                health = structured(await peer.call_tool("health_check", {}))
                assert health["reasons"] == [] and health["errors"]["error_rate"] <= 0.5
                for _ in range(20):  # enough log lines to rotate the 2000-byte file more than twice
                    await peer.call_tool("tool_metrics", {})

        run(body)
    logs = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("server.log"))
    assert logs == ["server.log", "server.log.1", "server.log.2"]
    assert all(p.stat().st_size <= 2000 for p in tmp_path.iterdir() if p.name.startswith("server.log."))


class Service(BaseHTTPRequestHandler):
    """A keep-alive HTTP/1.1 service: /api/items/N answers {"id": N}; /api/slow waits until
    released; every request and connection is counted, and the most in flight at once (the
slow one only while it is the newest)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        server: Any = self.server
        counted = self.path != "/api/slow"  # still waiting after its client gave up: not in flight
        with server.lock:
            server.paths.append(self.path)
            server.connections.add(self.client_address)
            server.active += counted
            server.most = max(server.most, server.active + (not counted))
        try:
            if self.path == "/api/slow":
                server.release.wait(BOUND)
            body = json.dumps({"id": int(self.path.rsplit("/", 1)[1])} if self.path.startswith("/api/items/") else {"path": self.path}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the slow item's client gave up waiting
        finally:
            with server.lock:
                server.active -= counted

    def log_message(self, format: str, *args: Any) -> None:
        pass


def service() -> Iterator[Any]:
    with local_http_server(Service) as httpd:
        httpd.lock, httpd.paths, httpd.connections, httpd.active, httpd.most = threading.Lock(), [], set(), 0, 0
        httpd.release = threading.Event()
        try:
            yield httpd
        finally:
            httpd.release.set()


@pytest.fixture
def api() -> Iterator[Any]:
    yield from service()


@pytest.fixture
def other() -> Iterator[Any]:
    yield from service()


def test_batch_process_pool_deadline_and_allowed_base(tmp_path: Path, settings: dict[str, Any], api: Any, other: Any,
                                                      errlog: TextIO) -> None:
    base = f"http://127.0.0.1:{api.server_address[1]}/api"
    path = write(tmp_path, {**settings, "batch": {"base_url": base, "concurrency": 2, "timeout_seconds": 1}})
    items = [f"/items/{n}" for n in range(8)] + [f"{base}/items/8"]
    refused = [f"http://127.0.0.1:{other.server_address[1]}/api/items/1", f"http://127.0.0.1:{api.server_address[1]}/secret",
               "/../secret", "//evil.example/api/x", "items/1", f"{base}/items/1\r\nX-Injected: 1"]
    with http_server(command(path), errlog) as url:

        async def body() -> None:
            async with authorized(url, MODERN, FILE_TOKEN) as peer:
                done = structured(await peer.call_tool("batch_process", {"items": [*items, "/slow", *refused]}))
                assert (done["total"], done["succeeded"], done["failed"], done["refused"]) == (16, 9, 1, 6)
                assert done["base_url"] == base and done["concurrency"] == 2
                assert [r["body"] for r in done["results"][:9]] == [{"id": n} for n in range(9)]
                slow = done["results"][9]
                assert slow["item"] == "/slow" and slow["ok"] is False and "TimeoutError" in slow["error"]
                assert all(r["refused"] and "error" in r for r in done["results"][10:])
                wide = structured(await peer.call_tool("batch_process", {"items": ["/items/1"] * 4, "concurrency": 32}))
                assert wide["concurrency"] == 2 and wide["succeeded"] == 4
                assert "Invalid arguments for tool batch_process" in tool_error(await peer.call_tool("batch_process", {"items": []}))

        run(body)
    assert other.paths == []  # the refused items never left the server
    assert sorted(api.paths) == sorted([f"/api/items/{n}" for n in range(9)] + ["/api/slow"] + ["/api/items/1"] * 4)
    assert api.most <= 2  # batch.concurrency
    assert len(api.connections) <= 3  # kept alive and reused: two, and one to replace the timed-out one


def test_batch_process_needs_a_base_url(tmp_path: Path, settings: dict[str, Any], errlog: TextIO) -> None:
    with http_server(command(write(tmp_path, settings)), errlog) as url:

        async def body() -> None:
            async with authorized(url, MODERN, FILE_TOKEN) as peer:
                assert tool_error(await peer.call_tool("batch_process", {"items": ["/x"]})) == (
                    "no batch service is configured (batch.base_url or MCP_BATCH_BASE_URL)")

        run(body)
