"""`mcpforge package` against real servers: what it reads from the server (name, version,
title, description, website, icons, tools) and what the command line adds land in a
server.json that passes the MCP Registry's published schema (checked here again with the
`jsonschema` package, against the schema file whose SHA-256 is pinned), and in an .mcpb
bundle that the official MCPB command line (`mcpb unpack`, `mcpb validate`, pinned by
tests/cli/package-lock.json) accepts; the bundled program is then started from the unpacked
bundle as a host would and answers a call."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from typing import Any, TextIO

import jsonschema
import pytest
from support import REPO_ROOT, http_server
from cli_support import BOUND, QUICKSTART, mcpforge, ok

SCHEMA = REPO_ROOT / "cli" / "schemas" / "server.schema.json"
# The registry's 2025-12-11 schema as its validator embeds it
# (internal/validators/schemas/2025-12-11.json in modelcontextprotocol/registry), less the
# `examples` annotation of `registryBaseUrl` (docs/cli.md says why).
SCHEMA_SHA256 = "0b4be4361970364224dfdd890aebf1a261f1efd598168ac17c2ef69b0cb62e87"
MCPB = REPO_ROOT / "target" / "node" / "cli" / "node_modules" / ".bin" / "mcpb"


def png() -> bytes:
    """A 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")


WEATHER = """
from mcpforge import Server

server = Server(
    "io.github.example/weather",
    version="2.1.0",
    title="Weather",
    description="Forecasts for any city",
    website_url="https://example.com/weather",
    icons=[
        {"src": "https://example.com/weather.png", "mimeType": "image/png", "sizes": ["48x48"]},
        {"src": "data:image/png;base64,%s", "mimeType": "image/png"},
    ],
)


@server.tool()
def forecast(city: str) -> str:
    \"\"\"Tomorrow's forecast for a city.\"\"\"
    return f"sunny in {city}"
"""


def registry_valid(document: Any) -> None:
    """`document` passes the pinned registry schema (formats checked too)."""
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256, "the schema is the published one"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)


def mcpb(*args: str, cwd: Path) -> str:
    """Runs the official MCPB command line; its output."""
    result = subprocess.run([str(MCPB), *args], capture_output=True, text=True, timeout=BOUND, cwd=cwd, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"mcpb {args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def unpacked_and_valid(bundle: Path, into: Path) -> Any:
    """Unpacks `bundle` with `mcpb unpack`, checks it with `mcpb validate`; its manifest."""
    mcpb("unpack", str(bundle), str(into), cwd=bundle.parent)
    assert "validation passes" in mcpb("validate", str(into), cwd=bundle.parent)
    return json.loads((into / "manifest.json").read_text(encoding="utf-8"))


def test_a_python_file_published_on_pypi(tmp_path: Path) -> None:
    import base64

    server = tmp_path / "weather.py"
    server.write_text(WEATHER % base64.b64encode(png()).decode(), encoding="utf-8")
    out = tmp_path / "out"
    said = ok(
        mcpforge(
            "package", str(server), "--out", str(out), "--pypi", "weather-mcp",
            "--env", "WEATHER_API_KEY=The forecast service's key", "--env", "UNITS",
            "--repository", "https://github.com/example/weather",
        )
    )
    assert "server.json (io.github.example/weather 2.1.0, 1 tools)" in said
    document = json.loads((out / "server.json").read_text(encoding="utf-8"))
    registry_valid(document)
    assert document["$schema"] == "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
    assert (document["name"], document["version"], document["title"]) == ("io.github.example/weather", "2.1.0", "Weather")
    assert document["description"] == "Forecasts for any city"
    assert document["websiteUrl"] == "https://example.com/weather"
    assert document["icons"] == [{"src": "https://example.com/weather.png", "mimeType": "image/png", "sizes": ["48x48"]}]
    assert document["repository"] == {"url": "https://github.com/example/weather", "source": "github"}
    [package] = document["packages"]
    assert package["registryType"] == "pypi" and package["identifier"] == "weather-mcp" and package["version"] == "2.1.0"
    assert package["runtimeHint"] == "uvx" and package["transport"] == {"type": "stdio"}
    assert package["environmentVariables"] == [
        {"name": "WEATHER_API_KEY", "description": "The forecast service's key", "isRequired": True, "isSecret": True},
        {"name": "UNITS", "description": "The UNITS environment variable", "isRequired": True, "isSecret": False},
    ]

    manifest = unpacked_and_valid(out / "weather-2.1.0.mcpb", tmp_path / "unpacked")
    assert manifest["manifest_version"] == "0.3"
    assert (manifest["name"], manifest["display_name"], manifest["version"]) == ("weather", "Weather", "2.1.0")
    assert manifest["author"] == {"name": "example"}
    assert manifest["tools"] == [{"name": "forecast", "description": "Tomorrow's forecast for a city."}]
    assert manifest["server"]["mcp_config"]["command"] == "uvx"
    assert manifest["server"]["mcp_config"]["args"] == ["weather-mcp==2.1.0"]
    assert manifest["server"]["mcp_config"]["env"] == {
        "WEATHER_API_KEY": "${user_config.weather_api_key}",
        "UNITS": "${user_config.units}",
    }
    assert manifest["user_config"]["weather_api_key"]["sensitive"] is True
    assert manifest["icon"] == "icon.png" and (tmp_path / "unpacked" / "icon.png").read_bytes() == png()


def test_a_program_is_carried_and_runs_from_the_bundle(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok(
        mcpforge(
            "package", "--out", str(out), "--registry-name", "io.github.example/quick", "--description", "Echo, add, time",
            "--bundle-url", "https://example.com/quick.mcpb", "--", str(QUICKSTART),
        )
    )
    bundle = out / "quick-0.1.0.mcpb"
    document = json.loads((out / "server.json").read_text(encoding="utf-8"))
    registry_valid(document)
    [package] = document["packages"]
    assert package["registryType"] == "mcpb" and package["identifier"] == "https://example.com/quick.mcpb"
    assert package["fileSha256"] == hashlib.sha256(bundle.read_bytes()).hexdigest()

    with zipfile.ZipFile(bundle) as archive:
        mode = archive.getinfo("server/quickstart").external_attr >> 16
    assert mode & stat.S_IXUSR, "the program stays executable"
    unpacked = tmp_path / "unpacked"
    manifest = unpacked_and_valid(bundle, unpacked)
    assert manifest["server"]["type"] == "binary" and manifest["server"]["entry_point"] == "server/quickstart"
    assert [t["name"] for t in manifest["tools"]] == ["echo", "add", "current_time"]
    # Started as a host starts it: the manifest's command with ${__dirname} the bundle's directory.
    config = manifest["server"]["mcp_config"]
    command = [part.replace("${__dirname}", str(unpacked)) for part in [config["command"], *config["args"]]]
    (unpacked / "server" / "quickstart").chmod(0o755)  # mcpb unpack does not keep modes
    assert ok(mcpforge("call", "echo", "text=from the bundle", "--", *command)) == "from the bundle\n"


def test_a_url_is_a_remote(tmp_path: Path, errlog: TextIO) -> None:
    out = tmp_path / "out"
    with http_server([str(QUICKSTART)], errlog) as url:
        result = mcpforge(
            "package", url, "--out", str(out), "--registry-name", "io.github.example/remote",
            "--description", "Served over HTTP", via="python",
        )
    ok(result)
    assert "a remote server has no .mcpb bundle" in result.stderr
    document = json.loads((out / "server.json").read_text(encoding="utf-8"))
    registry_valid(document)
    assert document["remotes"] == [{"type": "streamable-http", "url": url}]
    assert sorted(p.name for p in out.iterdir()) == ["server.json"]


@pytest.mark.parametrize(
    "args,said",
    [
        ([], "is not a registry name: give --registry-name"),
        (["--registry-name", "quick"], "not NAMESPACE/NAME"),
        (["--registry-name", "io.github.example/quick", "--description", "x" * 101], "the registry takes 1 to 100"),
        (["--registry-name", "io.github.example/quick", "--description", "d", "--env", "NOT A NAME"], "NAME[=DESCRIPTION]"),
        (["--registry-name", "io.github.example/quick"], "the server gives no description"),
    ],
)
def test_what_the_registry_would_refuse_is_refused(args: list[str], said: str, tmp_path: Path) -> None:
    result = mcpforge("package", "--out", str(tmp_path), *args, "--", str(QUICKSTART), via="node")
    assert result.returncode == 2 and said in result.stderr, result
    assert list(tmp_path.iterdir()) == [], "nothing is written"


def test_the_schema_file_is_the_published_one() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert os.access(MCPB, os.X_OK), "scripts/setup-node.sh installs the MCPB command line"
