"""MCP Apps and skills in four languages, driven by the official Python client: the
conformance fixtures of Rust, C, Python and Node each register the app
`ui://conformance/app.html` linked from the tool `test_app_tool`, and serve the skills of
examples/data/skills. Over stdio, on both wires, the client lists the tools and sees the
link in `_meta.ui`, reads the app with its MIME type and sandbox settings, lists the skills,
gets one, reads its `skill://` files (checking each against the digest and size the entry
gives), lists its directory, and is refused an unknown skill with -32602."""

from __future__ import annotations

import hashlib
from typing import Any, Literal, TextIO

import pytest
from mcp import MCPError, types
from pydantic import ConfigDict
from support import LANGUAGES, MODERN, REPO_ROOT, WIRES, Peer, fixture_command, over_stdio, run

APP_URI = "ui://conformance/app.html"
APP_MIME = "text/html;profile=mcp-app"
SKILLS = REPO_ROOT / "examples" / "data" / "skills"
SKILL_URI = "skill://csv-report/SKILL.md"
FILES = ["SKILL.md", "references/columns.md", "scripts/summarise.py"]


class UriParams(types.RequestParams):
    uri: str


class SkillsList(types.Request[types.PaginatedRequestParams | None, Literal["skills/list"]]):
    method: Literal["skills/list"] = "skills/list"
    params: types.PaginatedRequestParams | None = None


class SkillsGet(types.Request[UriParams, Literal["skills/get"]]):
    method: Literal["skills/get"] = "skills/get"


class DirectoryRead(types.Request[UriParams, Literal["resources/directory/read"]]):
    method: Literal["resources/directory/read"] = "resources/directory/read"


class Open(types.Result):
    """A result whose fields are kept as sent."""

    model_config = ConfigDict(extra="allow")


def session(peer: Peer) -> Any:
    """The `ClientSession` under either kind of client (`mcp.Client` holds one)."""
    return peer.session if hasattr(peer, "session") else peer


async def ask(peer: Peer, request: types.Request[Any, Any]) -> dict[str, Any]:
    result = await session(peer).send_request(request, Open)
    return result.model_dump(mode="json", by_alias=True, exclude_none=True)


async def read_text(peer: Peer, uri: str) -> types.TextResourceContents:
    result = await peer.read_resource(uri)
    (contents,) = result.contents
    assert isinstance(contents, types.TextResourceContents), contents
    return contents


async def check_app(peer: Peer) -> None:
    tools = {t.name: t for t in (await peer.list_tools()).tools}
    meta = tools["test_app_tool"].meta or {}
    assert meta["ui"]["resourceUri"] == APP_URI
    listed = {str(r.uri): r for r in (await peer.list_resources()).resources}
    assert listed[APP_URI].mime_type == APP_MIME
    app = await read_text(peer, APP_URI)
    assert app.mime_type == APP_MIME
    assert app.text.startswith("<!doctype html>")
    ui = (app.meta or {})["ui"]
    assert ui["csp"] == {"connectDomains": ["https://api.example.com"]}
    assert ui["prefersBorder"] is True
    called = await peer.call_tool("test_app_tool", {})
    assert [c.text for c in called.content if isinstance(c, types.TextContent)] == ["shown in the app"]


async def check_skills(peer: Peer, wire: str) -> None:
    listed = await ask(peer, SkillsList())
    (entry,) = [s for s in listed["skills"] if s["uri"] == SKILL_URI]
    assert entry["frontmatter"]["name"] == "csv-report"
    assert entry["frontmatter"]["metadata"] == {"version": "1.0"}
    if wire == MODERN:
        assert "ttlMs" in listed and "cacheScope" in listed
    got = await ask(peer, SkillsGet(params=UriParams(uri=SKILL_URI)))
    assert got["skill"] == entry
    assert [f["uri"] for f in entry["resources"]] == [f"skill://csv-report/{p}" for p in FILES]
    for listed_file, path in zip(entry["resources"], FILES):
        contents = await read_text(peer, listed_file["uri"])
        data = contents.text.encode()
        assert data == (SKILLS / "csv-report" / path).read_bytes()
        assert listed_file["size"] == len(data)
        assert listed_file["digest"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert (await read_text(peer, SKILL_URI)).mime_type == "text/markdown"
    root = await ask(peer, DirectoryRead(params=UriParams(uri="skill://csv-report")))
    children = {c["name"]: c["mimeType"] for c in root["resources"]}
    assert children == {"SKILL.md": "text/markdown", "references": "inode/directory", "scripts": "inode/directory"}
    with pytest.raises(MCPError) as unknown:
        await ask(peer, SkillsGet(params=UriParams(uri="skill://no-such-skill/SKILL.md")))
    assert unknown.value.code == types.INVALID_PARAMS


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_apps_and_skills_through_the_official_client(language: str, wire: str, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(fixture_command(language), wire, errlog) as peer:
            await check_app(peer)
            await check_skills(peer, wire)

    run(body)


def test_the_skills_directory_is_what_the_fixtures_serve() -> None:
    """The files the test compares with exist (a fixture serving none would fail above)."""
    assert sorted(str(p.relative_to(SKILLS / "csv-report")) for p in (SKILLS / "csv-report").rglob("*") if p.is_file()) == sorted(FILES)
