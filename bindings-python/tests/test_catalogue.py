"""Per-client catalogues from Python (``@server.catalogue``) through the real engine, on
both wires: lists per client, hidden tools, prompts and resources refused as unknown ones
are, a hook reading a table that changes while serving, sync and async hooks, a hook that
raises (nothing of that kind is shown, the error hook hears of it), and removing the hook."""

from __future__ import annotations

import threading
from typing import Any, Dict, Iterable, List, Optional, Set

import pytest
from conftest import run

from mcpforge import ErrorInfo, ProtocolError, Server
from mcpforge.middleware import MiddlewareContext
from mcpforge.testing import HANDSHAKE, MODERN

WIRES = [HANDSHAKE, MODERN]
ADMIN = {"name": "admin-console", "version": "1"}
VIEWER = {"name": "viewer", "version": "1"}
HIDDEN = {"tools": {"drop_table"}, "resources": {"db://secrets"}, "resource_templates": {"audit://{day}"}, "prompts": {"incident"}}
EVERYTHING = {
    "tools": ["echo", "drop_table"],
    "resources": ["db://public", "db://secrets"],
    "resource_templates": ["notes://{topic}", "audit://{day}"],
    "prompts": ["greet", "incident"],
}


def served() -> Server:
    server = Server("catalogued")

    @server.tool()
    def echo(text: str) -> str:
        return text

    @server.tool()
    def drop_table(table: str) -> str:
        return f"dropped {table}"

    @server.resource("db://public")
    def public() -> str:
        return "public rows"

    @server.resource("db://secrets")
    def secrets() -> str:
        return "secret rows"

    @server.resource("notes://{topic}")
    def note(topic: str) -> str:
        return f"notes on {topic}"

    @server.resource("audit://{day}")
    def audit(day: str) -> str:
        return f"audit of {day}"

    @server.prompt()
    def greet() -> str:
        return "hello"

    @server.prompt()
    def incident(severity: str) -> str:
        return f"incident {severity}"

    return server


def by_role(request: MiddlewareContext, kind: str) -> Optional[Iterable[str]]:
    if (request.client_info or {}).get("name") == "admin-console":
        return None
    return [key for key in EVERYTHING[kind] if key not in HIDDEN[kind]]


def names(items: List[Dict[str, Any]], key: str) -> List[str]:
    return [item[key] for item in items]


@pytest.mark.parametrize("wire", WIRES)
def test_lists_hold_what_each_client_may_see(wire: str) -> None:
    server = served()
    server.catalogue(by_role)

    async def body() -> None:
        async with server.test_client(wire=wire, client_info=VIEWER) as viewer:
            assert names(await viewer.list_tools(), "name") == ["echo"]
            assert names(await viewer.list_resources(), "uri") == ["db://public"]
            assert names(await viewer.list_resource_templates(), "uriTemplate") == ["notes://{topic}"]
            assert names(await viewer.list_prompts(), "name") == ["greet"]
        async with server.test_client(wire=wire, client_info=ADMIN) as admin:
            assert names(await admin.list_tools(), "name") == ["echo", "drop_table"]
            assert names(await admin.list_prompts(), "name") == ["greet", "incident"]

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_hidden_items_are_refused_as_unknown(wire: str) -> None:
    server = served()
    server.catalogue(by_role)

    async def body() -> None:
        async with server.test_client(wire=wire, client_info=VIEWER) as viewer:
            with pytest.raises(ProtocolError) as hidden:
                await viewer.call_tool("drop_table", {})  # its missing argument is never checked
            with pytest.raises(ProtocolError) as missing:
                await viewer.call_tool("no_such_tool", {})
            assert hidden.value.code == missing.value.code
            assert str(hidden.value) == str(missing.value).replace("no_such_tool", "drop_table")
            with pytest.raises(ProtocolError) as absent:
                await viewer.read_resource("db://nothing")
            for uri in ("db://secrets", "audit://monday"):
                with pytest.raises(ProtocolError) as unread:
                    await viewer.read_resource(uri)
                assert unread.value.code == absent.value.code  # -32002, or -32602 on 2026-07-28
                assert str(unread.value) == str(absent.value).replace("db://nothing", uri)
            assert (await viewer.read_resource("notes://rust"))[0]["text"] == "notes on rust"
            with pytest.raises(ProtocolError, match="incident"):
                await viewer.get_prompt("incident")
        async with server.test_client(wire=wire, client_info=ADMIN) as admin:
            assert (await admin.call_tool("drop_table", {"table": "t"})).content[0]["text"] == "dropped t"
            assert (await admin.read_resource("audit://monday"))[0]["text"] == "audit of monday"

    run(body)


def test_an_async_hook_reads_a_table_that_changes() -> None:
    server = served()
    grants: Set[str] = {"echo"}

    @server.catalogue
    async def granted(request: MiddlewareContext, kind: str) -> Optional[Iterable[str]]:
        return sorted(grants) if kind == "tools" else None

    async def body() -> None:
        async with server.test_client() as client:
            assert names(await client.list_tools(), "name") == ["echo"]
            grants.add("drop_table")
            assert names(await client.list_tools(), "name") == ["echo", "drop_table"]
            assert (await client.call_tool("drop_table", {"table": "x"})).content[0]["text"] == "dropped x"
            server.catalogue(None)
            grants.clear()
            assert names(await client.list_tools(), "name") == ["echo", "drop_table"], "no hook: everything"

    run(body)


def test_a_failing_hook_shows_nothing_and_is_reported() -> None:
    server = served()
    reported: List[ErrorInfo] = []
    heard = threading.Event()

    @server.on_error
    def hook(exception: BaseException, info: ErrorInfo) -> None:
        reported.append(info)
        heard.set()

    @server.catalogue
    def broken(request: MiddlewareContext, kind: str) -> Optional[Iterable[str]]:
        if kind == "tools":
            raise RuntimeError("the grants database is down")
        return None

    async def body() -> None:
        async with server.test_client() as client:
            assert await client.list_tools() == []
            with pytest.raises(ProtocolError):
                await client.call_tool("echo", {"text": "x"})
            assert names(await client.list_prompts(), "name") == ["greet", "incident"]

    run(body)
    assert heard.wait(5)
    assert reported[0].kind == "catalogue"


def test_what_a_hook_must_return() -> None:
    server = served()
    server.catalogue(lambda request, kind: "echo")  # a string is not a list of names

    async def body() -> None:
        async with server.test_client() as client:
            assert await client.list_tools() == []

    run(body)
    with pytest.raises(TypeError):
        server.catalogue("not callable")  # type: ignore[arg-type]
