"""MCP Apps and skills through the Python API and the real engine: an app with static HTML
and one read by a function, a tool linked with ``ui=`` (and ``ui_visibility``), skills
given in code (text and bytes) and read from a directory, and what the engine refuses
raised as ``ValueError``."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from conftest import run

from mcpforge import Server
from mcpforge.testing import HANDSHAKE, MODERN

APP_MIME = "text/html;profile=mcp-app"
SKILL_MD = "---\nname: greeter\ndescription: Greets people by name\n---\nSay hello.\n"


def server(skills: Path) -> Server:
    s = Server("apps")
    s.add_app("ui://greet/view.html", "<p>hi</p>", name="view", csp={"connect_domains": ["https://a.example"]}, permissions=["camera"])

    @s.app("ui://greet/live.html", prefers_border=False)
    def live(uri: str) -> str:
        return f"<p>{uri}</p>"

    @s.tool(ui="ui://greet/view.html", ui_visibility=["app"])
    def greet(name: str) -> str:
        return f"hello {name}"

    s.add_skill(SKILL_MD, {"references/names.txt": "ada\n", "logo.bin": b"\x00\xff"})
    s.skills_dir(skills)
    return s


def skills_dir(tmp_path: Path) -> Path:
    (tmp_path / "counter" / "scripts").mkdir(parents=True)
    (tmp_path / "counter" / "SKILL.md").write_text("---\nname: counter\ndescription: Counts things\n---\n")
    (tmp_path / "counter" / "scripts" / "count.py").write_text("print(3)\n")
    return tmp_path


@pytest.mark.parametrize("wire", [HANDSHAKE, MODERN])
def test_apps_and_skills(wire: str, tmp_path: Path) -> None:
    async def body() -> None:
        async with server(skills_dir(tmp_path)).test_client(wire=wire) as client:
            (tool,) = await client.list_tools()
            assert tool["_meta"]["ui"] == {"resourceUri": "ui://greet/view.html", "visibility": ["app"]}
            (view,) = await client.read_resource("ui://greet/view.html")
            assert view["mimeType"] == APP_MIME and view["text"] == "<p>hi</p>"
            assert view["_meta"]["ui"] == {"csp": {"connectDomains": ["https://a.example"]}, "permissions": {"camera": {}}}
            (live,) = await client.read_resource("ui://greet/live.html")
            assert live["text"] == "<p>ui://greet/live.html</p>" and live["_meta"]["ui"] == {"prefersBorder": False}

            listed = await client.request("skills/list")
            assert [s["frontmatter"]["name"] for s in listed["skills"]] == ["counter", "greeter"]
            got = await client.request("skills/get", {"uri": "skill://greeter/SKILL.md"})
            sizes = {f["uri"]: f["size"] for f in got["skill"]["resources"]}
            assert sizes == {"skill://greeter/SKILL.md": len(SKILL_MD), "skill://greeter/references/names.txt": 4, "skill://greeter/logo.bin": 2}
            (logo,) = await client.read_resource("skill://greeter/logo.bin")
            assert base64.b64decode(logo["blob"]) == b"\x00\xff"
            (script,) = await client.read_resource("skill://counter/scripts/count.py")
            assert script["text"] == "print(3)\n"

    run(body)


def test_refusals_are_value_errors(tmp_path: Path) -> None:
    s = Server("refusals")
    with pytest.raises(ValueError, match="ui://"):
        s.add_app("https://not-an-app", "<p></p>")
    with pytest.raises(ValueError, match="permission"):
        s.add_app("ui://x", "<p></p>", permissions=["usb"])
    with pytest.raises(ValueError, match="name"):
        s.add_skill("---\nname: Not Valid\ndescription: d\n---\n")
    with pytest.raises(ValueError, match="skills directory"):
        s.skills_dir(tmp_path / "absent")
    s.add_skill(SKILL_MD)
    with pytest.raises(ValueError, match="greeter"):
        s.add_skill(SKILL_MD)
    assert s.remove_skill("greeter") and not s.remove_skill("greeter")
