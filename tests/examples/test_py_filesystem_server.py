"""The official MCP client drives examples/python/filesystem_server.py over stdio on both
wires and over Streamable HTTP, on a scratch base directory holding files, a subdirectory,
a symlink that stays inside and symlinks that escape: `list_files` (flat and recursive),
`read_file`, `create_file` (new, nested, refusing to overwrite unless asked) and the
`file:///{+path}` resources, with every escape refused (`..`, absolute paths, escaping
symlinks for reading, listing and writing, oversized files and content) and the files
outside left untouched. Every kind of error (and every answer) speaks only of paths
relative to the base: neither the base directory as given, nor its resolved form, nor
where an escaping symlink leads ever appears."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, TextIO

import mcp.types as types
import pytest
from mcp import MCPError
from support import REPO_ROOT, WIRES, http_server, not_found_code, over_http, over_stdio, Peer, run, structured, text_of, tool_error

SCRIPT = REPO_ROOT / "examples" / "python" / "filesystem_server.py"
MAX_BYTES = 64


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """base/ (served) with notes.txt, docs/guide.md, data.bin, big.txt, an inside link and
    escaping links; outside/secret.txt next to it."""
    base, outside = tmp_path / "base", tmp_path / "outside"
    (base / "docs").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret")
    (base / "notes.txt").write_text("hello\nworld\n")
    (base / "docs" / "guide.md").write_text("# Guide\n")
    (base / "data.bin").write_bytes(b"\xff\x00\xfe")
    (base / "big.txt").write_text("x" * (MAX_BYTES + 1))
    (base / "inside-link.txt").symlink_to("notes.txt")
    (base / "escape.txt").symlink_to(outside / "secret.txt")
    (base / "escape-dir").symlink_to(outside)
    return base


def command(base: Path) -> list[str]:
    return [sys.executable, str(SCRIPT), "--max-bytes", str(MAX_BYTES), str(base)]


async def check_listing(peer: Peer) -> None:
    tools = {t.name: t for t in (await peer.list_tools()).tools}
    assert sorted(tools) == ["create_file", "list_files", "read_file"]
    assert tools["read_file"].annotations.read_only_hint is True
    assert tools["create_file"].input_schema["required"] == ["path", "content"]
    templates = (await peer.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == ["file:///{+path}"]


async def check_reading(peer: Peer, base: Path) -> None:
    top = structured(await peer.call_tool("list_files", {}))
    assert top["directory"] == "."
    assert [(e["path"], e["type"], e["size"]) for e in top["entries"]] == [
        ("big.txt", "file", MAX_BYTES + 1), ("data.bin", "file", 3), ("docs", "directory", None),
        ("escape-dir", "symlink", None), ("escape.txt", "symlink", None), ("inside-link.txt", "symlink", None),
        ("notes.txt", "file", 12),
    ]
    docs = structured(await peer.call_tool("list_files", {"path": "docs"}))
    assert docs == {"directory": "docs", "entries": [{"path": "docs/guide.md", "type": "file", "size": 8}]}
    deep = structured(await peer.call_tool("list_files", {"path": ".", "recursive": True}))
    assert "docs/guide.md" in [e["path"] for e in deep["entries"]]
    assert not any("secret" in e["path"] for e in deep["entries"])  # escaping links are not followed

    assert text_of(await peer.call_tool("read_file", {"path": "notes.txt"})) == "hello\nworld\n"
    assert text_of(await peer.call_tool("read_file", {"path": "./docs//guide.md"})) == "# Guide\n"
    assert text_of(await peer.call_tool("read_file", {"path": "inside-link.txt"})) == "hello\nworld\n"
    secret = str(base.parent / "outside" / "secret.txt")
    for tool, args, message in [
        ("read_file", {"path": "../outside/secret.txt"}, "'..' is not allowed in paths: '../outside/secret.txt'"),
        ("read_file", {"path": "docs/../../outside/secret.txt"}, "'..' is not allowed in paths"),
        ("read_file", {"path": secret}, "absolute paths are not allowed (give a path relative to the base directory)"),
        ("read_file", {"path": "escape.txt"}, "'escape.txt' resolves outside the base directory (through a symbolic link)"),
        ("read_file", {"path": "escape-dir/secret.txt"}, "resolves outside the base directory"),
        ("list_files", {"path": "escape-dir"}, "resolves outside the base directory"),
        ("list_files", {"path": "/"}, "absolute paths are not allowed"),
        ("read_file", {"path": "big.txt"}, f"'big.txt' is {MAX_BYTES + 1} bytes, more than the {MAX_BYTES}-byte limit"),
        ("read_file", {"path": "data.bin"}, "'data.bin' is not UTF-8 text"),
        ("read_file", {"path": "missing.txt"}, "no such file: 'missing.txt'"),
        ("read_file", {"path": "docs"}, "not a regular file: 'docs'"),
        ("list_files", {"path": "notes.txt"}, "not a directory: 'notes.txt'"),
        ("read_file", {"path": ""}, "the path is empty"),
    ]:
        assert message in tool_error(await peer.call_tool(tool, args)), (tool, args)


async def check_writing(peer: Peer, base: Path) -> None:
    made = structured(await peer.call_tool("create_file", {"path": "new/dir/file.txt", "content": "ünïcode"}))
    assert made == {"path": "new/dir/file.txt", "bytes": 9, "overwritten": False}
    assert (base / "new" / "dir" / "file.txt").read_text() == "ünïcode"
    assert tool_error(await peer.call_tool("create_file", {"path": "notes.txt", "content": "x"})) == (
        "'notes.txt' already exists (pass overwrite: true to replace it)"
    )
    assert (base / "notes.txt").read_text() == "hello\nworld\n"
    replaced = structured(await peer.call_tool("create_file", {"path": "notes.txt", "content": "new", "overwrite": True}))
    assert replaced["overwritten"] is True and (base / "notes.txt").read_text() == "new"
    for args, message in [
        ({"path": "../evil.txt", "content": "x"}, "'..' is not allowed"),
        ({"path": str(base.parent / "evil.txt"), "content": "x"}, "absolute paths are not allowed"),
        ({"path": "escape-dir/evil.txt", "content": "x"}, "resolves outside the base directory"),
        ({"path": "escape.txt", "content": "x", "overwrite": True}, "resolves outside the base directory"),
        ({"path": "docs", "content": "x"}, "'docs' is a directory"),
        ({"path": "huge.txt", "content": "y" * (MAX_BYTES + 1)}, f"more than the {MAX_BYTES}-byte limit"),
    ]:
        assert message in tool_error(await peer.call_tool("create_file", args)), args
    assert not (base.parent / "evil.txt").exists() and not (base.parent / "outside" / "evil.txt").exists()
    assert (base.parent / "outside" / "secret.txt").read_text() == "top secret"
    assert not (base / "huge.txt").exists()


async def check_resources(peer: Peer, wire: str) -> None:
    text = (await peer.read_resource("file:///docs/guide.md")).contents
    assert len(text) == 1 and isinstance(text[0], types.TextResourceContents) and text[0].text == "# Guide\n"
    blob = (await peer.read_resource("file:///data.bin")).contents
    assert len(blob) == 1 and isinstance(blob[0], types.BlobResourceContents) and blob[0].blob == "/wD+"
    with pytest.raises(MCPError) as missing:
        await peer.read_resource("file:///nothing.txt")
    assert missing.value.code == not_found_code(wire)
    for uri, message in [("file:///escape.txt", "resolves outside the base directory"),
                         ("file:///big.txt", "more than the")]:
        with pytest.raises(MCPError) as refused:
            await peer.read_resource(uri)
        assert refused.value.code == types.INVALID_PARAMS and message in refused.value.message, uri
    # The engine's template matching already refuses traversal and absolute paths.
    for uri in ["file:///../outside/secret.txt", "file:////etc/passwd", "file:///%2e%2e/outside/secret.txt"]:
        with pytest.raises(MCPError):
            await peer.read_resource(uri)


@pytest.mark.parametrize("wire", WIRES)
def test_filesystem_over_stdio(wire: str, tree: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(command(tree), wire, errlog) as peer:
            await check_listing(peer)
            await check_reading(peer, tree)
            await check_resources(peer, wire)
            await check_writing(peer, tree)

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_filesystem_over_http(wire: str, tree: Path, errlog: TextIO) -> None:
    with http_server(command(tree), errlog) as url:

        async def body() -> None:
            async with over_http(url, wire) as peer:
                await check_listing(peer)
                await check_reading(peer, tree)
                await check_writing(peer, tree)

        run(body)


def test_filesystem_errors_never_show_the_base(tree: Path, tmp_path: Path, errlog: TextIO) -> None:
    """The server is given the base through a symlink, so its path as given and its resolved
    form differ; neither, nor the directory outside, may appear in any answer."""
    given = tmp_path / "served"
    given.symlink_to(tree)
    (tree / "loop").symlink_to("loop")
    (tree / "dangling").symlink_to(tmp_path / "outside" / "nothing")
    long_name = "n" * 300
    calls: list[tuple[str, dict[str, Any], str]] = [
        ("read_file", {"path": "missing.txt"}, "no such file: 'missing.txt'"),
        ("read_file", {"path": "../outside/secret.txt"}, "'..' is not allowed in paths"),
        ("read_file", {"path": "docs/../../.."}, "'..' is not allowed in paths"),
        ("read_file", {"path": "/etc/passwd"}, "absolute paths are not allowed"),
        ("read_file", {"path": str(tree / "notes.txt")}, "absolute paths are not allowed"),
        ("read_file", {"path": str(given / "notes.txt")}, "absolute paths are not allowed"),
        ("read_file", {"path": "escape.txt"}, "'escape.txt' resolves outside the base directory"),
        ("read_file", {"path": "escape-dir/secret.txt"}, "resolves outside the base directory"),
        ("read_file", {"path": "dangling"}, "'dangling' resolves outside the base directory"),
        ("list_files", {"path": "escape-dir"}, "resolves outside the base directory"),
        ("read_file", {"path": "docs"}, "not a regular file: 'docs'"),
        ("list_files", {"path": "notes.txt"}, "not a directory: 'notes.txt'"),
        ("read_file", {"path": "big.txt"}, "more than the"),
        ("read_file", {"path": "data.bin"}, "'data.bin' is not UTF-8 text"),
        ("read_file", {"path": "loop"}, "cannot access 'loop': "),
        ("list_files", {"path": "loop/x"}, "cannot access 'loop/x': "),
        ("read_file", {"path": long_name}, f"cannot access '{long_name}': File name too long"),
        ("read_file", {"path": "x\0"}, "the path is empty or contains a NUL character"),
        ("create_file", {"path": "notes.txt/inner.txt", "content": "x"}, "cannot access 'notes.txt/inner.txt': "),
        ("create_file", {"path": f"docs/{long_name}", "content": "x"}, "File name too long"),
        ("create_file", {"path": "loop", "content": "x"}, "cannot access 'loop': "),
        ("create_file", {"path": "docs", "content": "x"}, "'docs' is a directory"),
        ("create_file", {"path": "notes.txt", "content": "x"}, "'notes.txt' already exists"),
        ("create_file", {"path": "dangling", "content": "x", "overwrite": True}, "resolves outside the base directory"),
        ("create_file", {"path": "huge.txt", "content": "y" * (MAX_BYTES + 1)}, "more than the"),
    ]
    hidden = {str(given), str(tree), str(tree.resolve()), str(tmp_path / "outside"), str(tmp_path.resolve())}

    def check(text: str, what: Any) -> None:
        assert not any(h in text for h in hidden), (what, text)

    async def body() -> None:
        async with over_stdio(command(given), WIRES[0], errlog) as peer:
            for tool, args, message in calls:
                error = tool_error(await peer.call_tool(tool, args))
                assert message in error, (tool, args, error)
                check(error, (tool, args))
            listing = await peer.call_tool("list_files", {"recursive": True})
            check(text_of(listing), "list_files")
            for uri in ["file:///loop", "file:///escape.txt", "file:///dangling", "file:///big.txt", f"file:///{long_name}"]:
                with pytest.raises(MCPError) as refused:
                    await peer.read_resource(uri)
                check(refused.value.message, uri)

    run(body)
    assert (tmp_path / "outside").iterdir() and not (tmp_path / "outside" / "nothing").exists()


def test_filesystem_refuses_a_missing_base(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "nope")], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=30, check=False)
    assert done.returncode == 2 and "is not a directory" in done.stderr
    assert os.listdir(tmp_path) == []
