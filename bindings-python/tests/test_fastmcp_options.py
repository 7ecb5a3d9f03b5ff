"""FastMCP's per-component options on ``Server`` (and so on ``MCPServer``/``FastMCP``): ``tags``
sent in ``_meta`` under ``_fastmcp`` and matched by the server's ``include_tags`` and
``exclude_tags``; ``enabled`` and ``enable_*``/``disable_*`` (not listed, answered as unknown,
the list-changed notification on each change); ``exclude_args`` (out of the schema, always
the default). Through the in-memory client and over a real stdio process."""

from __future__ import annotations

import json
import os
import select
import subprocess
import textwrap
import time
from pathlib import Path
from typing import IO, Any, Callable, Dict, List, Optional

import pytest
from conftest import asgi_request, python_process, run

from mcpforge import Context, FastMCP, MCPServer, ProtocolError, Server

WAIT = 20.0
UNKNOWN_PARAMS = -32602
RESOURCE_NOT_FOUND = -32002


def names(items: List[Dict[str, Any]]) -> List[str]:
    return sorted(item["name"] for item in items)


# ----- tags in _meta ---------------------------------------------------------------------------


def test_tags_are_sent_in_meta_as_fastmcp_2_does() -> None:
    server = Server("tags")

    @server.tool(tags={"search", "catalog"}, meta={"version": "1.2", "_fastmcp": {"origin": "local"}})
    def find(query: str) -> str:
        return query

    @server.tool()
    def plain() -> str:
        return "plain"

    @server.prompt(tags=["writing"])
    def review(code: str) -> str:
        return f"Review {code}"

    @server.resource("memo://readme", tags={"docs"})
    def readme() -> str:
        return "read me"

    @server.resource("memo://notes/{name}", tags={"docs", "notes"})
    def note(name: str) -> str:
        return name

    async def body() -> None:
        async with server.test_client() as client:
            tools = {t["name"]: t for t in await client.list_tools()}
            assert tools["find"]["_meta"] == {"version": "1.2", "_fastmcp": {"origin": "local", "tags": ["catalog", "search"]}}
            assert "_meta" not in tools["plain"]  # no tags, no meta: the definition is unchanged
            (prompt,) = await client.list_prompts()
            assert prompt["_meta"] == {"_fastmcp": {"tags": ["writing"]}}
            (resource,) = await client.list_resources()
            assert resource["_meta"] == {"_fastmcp": {"tags": ["docs"]}}
            (template,) = await client.list_resource_templates()
            assert template["_meta"] == {"_fastmcp": {"tags": ["docs", "notes"]}}

    run(body)
    assert server.tools["find"]["_meta"]["_fastmcp"]["tags"] == ["catalog", "search"]


def test_tags_must_be_a_collection_of_strings() -> None:
    server = Server("bad-tags")
    with pytest.raises(TypeError, match="not a single string"):
        server.add_tool(lambda: "x", name="x", tags="db")
    with pytest.raises(TypeError, match="must be strings"):
        server.add_tool(lambda: "x", name="x", tags={1})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="include_tags"):
        Server("bad-filter", include_tags="public")
    assert server.tools == {}


# ----- include_tags / exclude_tags ---------------------------------------------------------------


def filtered_server(cls: Callable[..., Server] = Server) -> Server:
    server = cls("filtered", include_tags={"public"}, exclude_tags={"beta"})
    for name, tags in (("pub", {"public"}), ("pub_beta", {"public", "beta"}), ("internal", {"internal"}), ("untagged", None)):
        server.add_tool(lambda: "called", name=name, tags=tags)
    server.add_prompt(lambda: "hello", name="greet", tags={"public"})
    server.add_prompt(lambda: "hidden", name="secret_prompt", tags={"internal"})
    server.add_resource(lambda: "open", "memo://open", tags={"public"})
    server.add_resource(lambda: "beta", "memo://beta", tags={"public", "beta"})
    server.add_resource(lambda name: name, "memo://hidden/{name}", tags={"internal"})
    return server


async def assert_unknown_tool(client: Any, cls: Callable[..., Server], name: str) -> None:
    """A call of ``name`` is answered as for an unknown tool: -32602 from ``Server``, an
    ``isError`` result from the drop-in classes (as the official SDK answers)."""
    if cls is Server:
        with pytest.raises(ProtocolError, match=f"Unknown tool: {name}") as e:
            await client.call_tool(name)
        assert e.value.code == UNKNOWN_PARAMS
    else:
        result = await client.call_tool(name)
        assert result.is_error and result.text == f"Unknown tool: {name}"


@pytest.mark.parametrize("cls", [Server, MCPServer, FastMCP])
def test_include_and_exclude_tags_choose_what_is_served(cls: Callable[..., Server]) -> None:
    server = filtered_server(cls)
    assert server.include_tags == {"public"} and server.exclude_tags == {"beta"}

    async def body() -> None:
        async with server.test_client() as client:
            assert names(await client.list_tools()) == ["pub"]
            assert (await client.call_tool("pub")).text == "called"
            for name in ("pub_beta", "internal", "untagged"):
                await assert_unknown_tool(client, cls, name)
            assert names(await client.list_prompts()) == ["greet"]
            with pytest.raises(ProtocolError, match="Unknown prompt"):
                await client.get_prompt("secret_prompt")
            assert [r["uri"] for r in await client.list_resources()] == ["memo://open"]
            with pytest.raises(ProtocolError) as e:
                await client.read_resource("memo://beta")
            # The compatibility classes answer an unknown resource as the official SDK (-32602).
            assert e.value.code == (RESOURCE_NOT_FOUND if cls is Server else UNKNOWN_PARAMS)
            assert await client.list_resource_templates() == []  # the only template is excluded

    run(body)
    # Still registered, so the name is taken and the server can say why it is not served.
    assert sorted(server.tools) == ["internal", "pub", "pub_beta", "untagged"]
    if cls is Server:
        with pytest.raises(ValueError, match="already registered"):
            server.add_tool(lambda: "again", name="internal")
    else:  # the official SDK keeps the first tool (test_sdk_duplicates.py)
        assert server.add_tool(lambda: "again", name="internal") is server.tools["internal"]
    with pytest.raises(ValueError, match="excluded by the server's include_tags/exclude_tags"):
        server.enable_tool("internal")
    with pytest.raises(ValueError, match="excluded"):
        server.enable_resource("memo://hidden/{name}")
    assert server.remove_tool("internal") is True and "internal" not in server.tools


def test_exclude_tags_alone_keeps_untagged_components() -> None:
    server = Server("exclude-only", exclude_tags=["admin"])
    server.add_tool(lambda: "a", name="untagged")
    server.add_tool(lambda: "b", name="admin_only", tags={"admin", "ops"})
    server.add_tool(lambda: "c", name="ops", tags={"ops"})

    async def body() -> None:
        async with server.test_client() as client:
            assert names(await client.list_tools()) == ["ops", "untagged"]

    run(body)


# ----- enabled, enable_* / disable_* -------------------------------------------------------------


def test_disable_and_enable_a_tool_while_serving() -> None:
    server = Server("toggle")

    @server.tool()
    def stays() -> str:
        return "here"

    @server.tool(tags={"flaky"})
    def comes_and_goes(n: int) -> int:
        return n * 2

    async def body() -> None:
        async with server.test_client() as client:
            assert names(await client.list_tools()) == ["comes_and_goes", "stays"]
            server.disable_tool("comes_and_goes")
            await client.collected("notifications/tools/list_changed", 1)
            assert names(await client.list_tools()) == ["stays"]
            with pytest.raises(ProtocolError, match="Unknown tool: comes_and_goes") as e:
                await client.call_tool("comes_and_goes", {"n": 2})
            assert e.value.code == UNKNOWN_PARAMS
            server.disable_tool("comes_and_goes")  # already disabled: nothing changes
            server.enable_tool("comes_and_goes")
            await client.collected("notifications/tools/list_changed", 2)
            listed = {t["name"]: t for t in await client.list_tools()}
            assert sorted(listed) == ["comes_and_goes", "stays"]
            assert listed["comes_and_goes"]["_meta"] == {"_fastmcp": {"tags": ["flaky"]}}
            assert (await client.call_tool("comes_and_goes", {"n": 21})).structured_content == {"result": 42}

    run(body)


def test_a_tool_can_disable_another_from_its_handler() -> None:
    server = Server("self-service")

    @server.tool()
    def beta() -> str:
        return "beta"

    @server.tool()
    async def turn_beta(on: bool, ctx: Context) -> str:
        (ctx.server.enable_tool if on else ctx.server.disable_tool)("beta")
        return "on" if on else "off"

    async def body() -> None:
        async with server.test_client() as client:
            assert (await client.call_tool("turn_beta", {"on": False})).text == "off"
            await client.collected("notifications/tools/list_changed", 1)
            assert names(await client.list_tools()) == ["turn_beta"]
            assert (await client.call_tool("turn_beta", {"on": True})).text == "on"
            await client.collected("notifications/tools/list_changed", 2)
            assert (await client.call_tool("beta")).text == "beta"

    run(body)


def test_components_registered_disabled_are_served_once_enabled() -> None:
    server = Server("later")

    @server.tool()
    def always() -> str:
        return "always"

    @server.tool(enabled=False)
    def later() -> str:
        return "later"

    @server.prompt()
    def hello() -> str:
        return "hello"

    @server.prompt(enabled=False)
    def draft() -> str:
        return "draft"

    @server.resource("memo://always")
    def always_there() -> str:
        return "always"

    @server.resource("memo://draft", enabled=False)
    def draft_memo() -> str:
        return "draft memo"

    @server.resource("memo://pages/{n}", enabled=False)
    def page(n: int) -> str:
        return f"page {n}"

    async def body() -> None:
        async with server.test_client() as client:
            assert names(await client.list_tools()) == ["always"]
            assert names(await client.list_prompts()) == ["hello"]
            assert [r["uri"] for r in await client.list_resources()] == ["memo://always"]
            with pytest.raises(ProtocolError, match="Unknown prompt: draft"):
                await client.get_prompt("draft")
            for uri in ("memo://draft", "memo://pages/3"):
                with pytest.raises(ProtocolError) as e:
                    await client.read_resource(uri)
                assert e.value.code == RESOURCE_NOT_FOUND

            server.enable_tool("later")
            await client.collected("notifications/tools/list_changed", 1)
            assert (await client.call_tool("later")).text == "later"

            server.enable_prompt("draft")
            await client.collected("notifications/prompts/list_changed", 1)
            assert names(await client.list_prompts()) == ["draft", "hello"]
            assert (await client.get_prompt("draft"))["messages"][0]["content"]["text"] == "draft"

            server.enable_resource("memo://draft")
            await client.collected("notifications/resources/list_changed", 1)
            server.enable_resource("memo://pages/{n}")
            await client.collected("notifications/resources/list_changed", 2)
            assert sorted(r["uri"] for r in await client.list_resources()) == ["memo://always", "memo://draft"]
            assert [t["uriTemplate"] for t in await client.list_resource_templates()] == ["memo://pages/{n}"]
            assert (await client.read_resource("memo://pages/3"))[0]["text"] == "page 3"

            server.disable_prompt("hello")
            await client.collected("notifications/prompts/list_changed", 2)
            assert names(await client.list_prompts()) == ["draft"]
            server.disable_resource("memo://always")
            await client.collected("notifications/resources/list_changed", 3)
            assert [r["uri"] for r in await client.list_resources()] == ["memo://draft"]

    run(body)
    assert sorted(server.prompts) == ["draft", "hello"]  # disabled ones stay registered


def test_enable_and_disable_name_registered_components() -> None:
    server = MCPServer("names")
    server.add_tool(lambda: "x", name="x", enabled=False)
    for call in (server.enable_tool, server.disable_tool, server.enable_prompt, server.disable_prompt, server.enable_resource, server.disable_resource):
        with pytest.raises(ValueError, match="is registered"):
            call("nope")
    # Removing a disabled tool removes it (MCPServer's unknown-name check sees it).
    assert server.remove_tool("x") is True
    with pytest.raises(ValueError, match="no tool 'x' is registered"):
        server.enable_tool("x")


def test_a_component_registered_disabled_is_in_the_engine_disabled() -> None:
    """The engine keeps whether a component is enabled: one registered with
    ``enabled=False`` is checked by the engine at once, and while serving it is disabled
    for every client on either wire, then enabled for all of them by one call."""
    server = Server("engine-owned")
    with pytest.raises(ValueError, match="names must be"):
        server.add_tool(lambda: "x", name="no spaces", enabled=False)
    assert "no spaces" not in server.tools

    async def body() -> None:
        async with server.test_client() as legacy, server.test_client(wire="2026-07-28") as modern:
            server.add_tool(lambda: "late", name="late", enabled=False)
            for client in (legacy, modern):
                assert names(await client.list_tools()) == []
                with pytest.raises(ProtocolError, match="Unknown tool: late"):
                    await client.call_tool("late")
            server.enable_tool("late")
            for client in (legacy, modern):
                assert (await client.call_tool("late")).text == "late"
            server.disable_tool("late")
            assert server.remove_tool("late") is True
            server.add_tool(lambda: "again", name="late")  # the name is free again, and enabled
            assert (await modern.call_tool("late")).text == "again"

    run(body)


# ----- exclude_args ------------------------------------------------------------------------------


def test_excluded_args_are_not_in_the_schema_and_keep_their_defaults() -> None:
    server = Server("excluded")

    @server.tool(exclude_args=["api_key", "user_id"])
    def lookup(query: str, limit: int = 5, api_key: str = "server-key", user_id: Optional[int] = None) -> Dict[str, Any]:
        return {"query": query, "limit": limit, "api_key": api_key, "user_id": user_id}

    @server.tool(exclude_args=["token"])
    async def forward(path: str, token: str = "server-token", **rest: Any) -> Dict[str, Any]:
        return {"path": path, "token": token, "rest": rest}

    schema = server.tools["lookup"]["inputSchema"]
    assert sorted(schema["properties"]) == ["limit", "query"] and schema["required"] == ["query"]
    assert sorted(server.tools["forward"]["inputSchema"]["properties"]) == ["path"]

    async def body() -> None:
        async with server.test_client() as client:
            (listed,) = [t for t in await client.list_tools() if t["name"] == "lookup"]
            assert sorted(listed["inputSchema"]["properties"]) == ["limit", "query"]
            result = await client.call_tool("lookup", {"query": "q"})
            assert result.structured_content == {"query": "q", "limit": 5, "api_key": "server-key", "user_id": None}
            # A client that sends an excluded argument anyway does not set it.
            result = await client.call_tool("lookup", {"query": "q", "api_key": "stolen", "user_id": 7})
            assert result.structured_content == {"query": "q", "limit": 5, "api_key": "server-key", "user_id": None}
            result = await client.call_tool("forward", {"path": "/a", "token": "stolen", "extra": 1})
            assert result.structured_content == {"path": "/a", "token": "server-token", "rest": {"extra": 1}}

    run(body)


def test_exclude_args_are_checked_at_registration() -> None:
    server = Server("checked")

    def needs(query: str, api_key: str) -> str:
        return query + api_key

    with pytest.raises(ValueError, match="'api_key' of .*needs must have a default value"):
        server.add_tool(needs, exclude_args=["api_key"])
    with pytest.raises(ValueError, match="has no parameter 'apikey'"):
        server.add_tool(needs, exclude_args=["apikey"])
    with pytest.raises(ValueError, match="variadic"):
        server.add_tool(lambda **kw: "x", name="kw", exclude_args=["kw"])
    with pytest.raises(TypeError, match="not a single string"):
        server.add_tool(needs, exclude_args="api_key")
    with pytest.raises(ValueError, match="must have a default value"):

        @server.tool(exclude_args=["api_key"])
        def decorated(api_key: str) -> str:
            return api_key

    assert server.tools == {}


# ----- over a real stdio process -----------------------------------------------------------------

SERVER = '''
from typing import Any, Dict
from mcpforge import Context, FastMCP

mcp = FastMCP("options", exclude_tags={"internal"})


@mcp.tool(tags={"public"})
def pub(n: int) -> int:
    """Doubles n."""
    return n * 2


@mcp.tool(tags={"internal"})
def internal() -> str:
    return "never served"


@mcp.tool(exclude_args=["secret"])
def whoami(name: str, secret: str = "from-the-server") -> Dict[str, Any]:
    return {"name": name, "secret": secret}


@mcp.tool()
def toggle(on: bool, ctx: Context) -> str:
    (ctx.fastmcp.enable_tool if on else ctx.fastmcp.disable_tool)("pub")
    return "on" if on else "off"


if __name__ == "__main__":
    mcp.run()
'''


class StdioSession:
    """A server process over its stdin/stdout that keeps the notifications it reads."""

    def __init__(self, script: Path, stderr: IO[str]) -> None:
        self.proc = python_process(script, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.next_id = 1
        self.notifications: List[Dict[str, Any]] = []
        self.buffer = b""

    def send(self, message: Dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def read(self, deadline: float) -> Dict[str, Any]:
        assert self.proc.stdout is not None
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise AssertionError(f"no message in time (got {self.buffer!r})")
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"the stream ended (got {self.buffer!r})")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        message: Dict[str, Any] = json.loads(line)
        assert message.get("jsonrpc") == "2.0", message
        return message

    def request(self, method: str, params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params or {}})
        deadline = time.monotonic() + WAIT
        while True:
            message = self.read(deadline)
            if message.get("id") == rid:
                return message
            self.notifications.append(message)

    def tool_names(self) -> List[str]:
        return names(self.request("tools/list")["result"]["tools"])

    def call(self, name: str, arguments: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        return self.request("tools/call", {"name": name, "arguments": arguments or {}})

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(WAIT)


def test_options_over_stdio(tmp_path: Path) -> None:
    script = tmp_path / "options_server.py"
    script.write_text(textwrap.dedent(SERVER))
    with open(tmp_path / "stderr.log", "w+", encoding="utf-8") as stderr:
        session = StdioSession(script, stderr)
        try:
            init = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
            # As the official FastMCP: list changes are neither claimed nor sent on this version.
            assert session.request("initialize", init)["result"]["capabilities"]["tools"]["listChanged"] is False
            session.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

            tools = {t["name"]: t for t in session.request("tools/list")["result"]["tools"]}
            assert sorted(tools) == ["pub", "toggle", "whoami"]
            assert tools["pub"]["_meta"] == {"_fastmcp": {"tags": ["public"]}}
            assert list(tools["whoami"]["inputSchema"]["properties"]) == ["name"]
            answer = session.call("whoami", {"name": "ada", "secret": "guess"})["result"]
            # typing's Dict[str, Any] is wrapped, as the official SDK reads it (test_schema.py).
            assert answer["structuredContent"] == {"result": {"name": "ada", "secret": "from-the-server"}}
            assert session.call("internal")["result"] == {"content": [{"type": "text", "text": "Unknown tool: internal"}], "isError": True}

            assert session.call("toggle", {"on": False})["result"]["content"][0]["text"] == "off"
            assert session.tool_names() == ["toggle", "whoami"]
            assert session.call("pub", {"n": 1})["result"]["isError"] is True

            assert session.call("toggle", {"on": True})["result"]["content"][0]["text"] == "on"
            assert session.tool_names() == ["pub", "toggle", "whoami"]
            assert session.call("pub", {"n": 4})["result"]["structuredContent"] == {"result": 8}
            assert [n for n in session.notifications if n.get("method", "").endswith("list_changed")] == []

            assert session.proc.stdin is not None
            session.proc.stdin.close()  # EOF: the server ends by itself
            assert session.proc.wait(WAIT) == 0
        finally:
            session.stop()
        stderr.seek(0)
        assert "Traceback" not in stderr.read()


# ----- FastMCP(max_request_body_size=...) ----------------------------------------------------


def test_fastmcp_max_request_body_size_caps_the_http_apps_bodies() -> None:
    path = "/messages/?session_id=12345678123456781234567812345678"
    capped = FastMCP("capped", max_request_body_size=8)
    assert capped.settings.max_request_body_size == 8
    assert asgi_request(capped.sse_app(), "POST", path, b"123456789")[0] == 413
    assert asgi_request(FastMCP("default").sse_app(), "POST", path, b"123456789")[0] != 413
