"""The official MCP client drives examples/python/prompt_server.py over stdio on both wires
and over Streamable HTTP: the prompt listing with its arguments, `code_review` with every
argument and with defaults, completions of the language and the focus (and of an argument
without completions), and the errors for a missing argument, an unknown focus and empty
code, after which the server still answers."""

from __future__ import annotations

import sys
from typing import TextIO

import mcp.types as types
import pytest
from mcp import MCPError
from support import REPO_ROOT, WIRES, http_server, over_http, over_stdio, Peer, run

SERVER = [sys.executable, str(REPO_ROOT / "examples" / "python" / "prompt_server.py")]
REF = types.PromptReference(type="ref/prompt", name="code_review")


def only_text(result: types.GetPromptResult) -> str:
    assert len(result.messages) == 1 and result.messages[0].role == "user"
    content = result.messages[0].content
    assert isinstance(content, types.TextContent)
    return content.text


async def check_prompts(peer: Peer) -> None:
    prompts = (await peer.list_prompts()).prompts
    assert [p.name for p in prompts] == ["code_review"]
    review = prompts[0]
    assert review.title == "Code review" and review.description
    assert [(a.name, a.required) for a in review.arguments or []] == [("code", True), ("language", False), ("focus", False)]

    code = "def add(a, b):\n    return a - b"
    text = only_text(await peer.get_prompt("code_review", {"code": code, "language": "python", "focus": "testing"}))
    assert "Concentrate on testing: what is untested" in text
    assert text.endswith(f"```python\n{code}\n```")
    default = only_text(await peer.get_prompt("code_review", {"code": "SELECT 1"}))
    assert "senior python reviewer" in default and "Concentrate on general" in default
    fenced = only_text(await peer.get_prompt("code_review", {"code": "x = '```'", "language": "rust", "focus": "security"}))
    assert fenced.endswith("````rust\nx = '```'\n````") and "Concentrate on security" in fenced

    for arguments, message in [
        ({"code": "x", "focus": "vibes"}, "unknown focus 'vibes' (one of: general, security, performance, readability, "
                                          "testing, error-handling, concurrency)"),
        ({"code": "   "}, "the code to review is empty"),
    ]:
        with pytest.raises(MCPError) as refused:
            await peer.get_prompt("code_review", arguments)
        assert refused.value.code == types.INVALID_PARAMS and message in refused.value.message
    with pytest.raises(MCPError) as missing:
        await peer.get_prompt("code_review", {"language": "go"})
    assert missing.value.code == types.INVALID_PARAMS and "code" in missing.value.message

    for argument, typed, expected in [
        ("language", "py", ["python"]),
        ("language", "c", ["c", "c++", "c#", "css"]),
        ("language", "Ja", ["java", "javascript"]),
        ("language", "cobol", []),
        ("focus", "", ["general", "security", "performance", "readability", "testing", "error-handling", "concurrency"]),
        ("focus", "per", ["performance"]),
        ("code", "def", []),
    ]:
        completion = await peer.complete(REF, {"name": argument, "value": typed})
        assert completion.completion.values == expected, (argument, typed)
    assert "Concentrate on concurrency" in only_text(await peer.get_prompt("code_review", {"code": "go f()", "focus": "concurrency"}))


@pytest.mark.parametrize("wire", WIRES)
def test_prompts_over_stdio(wire: str, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio(SERVER, wire, errlog) as peer:
            await check_prompts(peer)

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_prompts_over_http(wire: str, errlog: TextIO) -> None:
    with http_server(SERVER, errlog) as url:

        async def body() -> None:
            async with over_http(url, wire) as peer:
                await check_prompts(peer)

        run(body)
