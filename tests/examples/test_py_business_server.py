"""The official MCP client drives the Python business server (examples/python/business), a
package on mcpforge's low-level API, installed with pip into a scratch virtual environment
and started by its console script (`business-server`), over stdio on both wires.

Checked: its tools (customers, orders, the input schema's refusals, unknown ids), its
resources (`business://...`, the data provider's `custom://data/users|products|orders`, the
record templates, an unknown record), its prompt, and `send_email` against an SMTP sink
this test serves on 127.0.0.1: the message arrives with its headers, and a recipient or
subject carrying CR/LF (a header injection) is refused before anything is sent. The data
file holds what the session created."""

from __future__ import annotations

import json
import shutil
import socketserver
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any, TextIO

import pytest
from mcp import MCPError, types
from support import REPO_ROOT, WIRES, local_http_server, over_stdio, resource_json, run, structured, tool_error

PACKAGE = REPO_ROOT / "examples" / "python" / "business"
BOUND = 120.0


@pytest.fixture(scope="module")
def business_server(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed by pip (no index, no build isolation) into a fresh venv that sees
    this interpreter's packages (mcpforge, mcp, setuptools) through a .pth file; its console script."""
    scratch = tmp_path_factory.mktemp("business-venv")
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=BOUND,
                   stdin=subprocess.DEVNULL)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, timeout=BOUND, capture_output=True, text=True).stdout.strip())
    (site / "parent-environment.pth").write_text(sysconfig.get_path("purelib") + "\n")
    source = scratch / "business"
    shutil.copytree(PACKAGE, source)  # pip builds in the source tree: keep the repository clean
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                           "--no-build-isolation", "--disable-pip-version-check", str(source)],
                          timeout=BOUND, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    script = venv / "bin" / "business-server"
    assert script.exists()
    return script


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for one client: greets, accepts every command, keeps each
    message's envelope and data in the server's `messages`."""

    timeout = 10

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: Any = self.server
        self.reply("220 sink ESMTP")
        envelope: dict[str, Any] = {"from": None, "to": []}
        while line := self.rfile.readline(4096):
            command = line.decode("ascii", "replace").rstrip("\r\n")
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                envelope = {"from": command[10:].strip("<>"), "to": []}
                self.reply("250 ok")
            elif verb == "RCPT":
                envelope["to"].append(command[8:].strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline(65536)) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                server.messages.append({**envelope, "message": message_from_bytes(data)})
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp() -> Iterator[Any]:
    """The sink on a free port of 127.0.0.1 (a ThreadingHTTPServer runs any stream handler)."""
    with local_http_server(SmtpSink) as sink:  # type: ignore[arg-type]
        sink.messages = []
        yield sink


@pytest.mark.parametrize("wire", WIRES)
def test_business_package(wire: str, business_server: Path, smtp: Any, tmp_path: Path, errlog: TextIO) -> None:
    data = tmp_path / "shop.json"
    command = [str(business_server), "--data", str(data), "--smtp-host", "127.0.0.1", "--smtp-port",
               str(smtp.server_address[1]), "--mail-from", "shop@example.com"]

    async def body() -> None:
        async with over_stdio(command, wire, errlog) as peer:
            assert sorted(t.name for t in (await peer.list_tools()).tools) == [
                "create_customer", "get_customer", "get_order", "list_customers", "list_orders", "place_order", "send_email"]
            ada = structured(await peer.call_tool("create_customer", {"name": " Ada Lovelace ", "email": "ada@example.com"}))
            assert ada["id"] == 1 and ada["name"] == "Ada Lovelace" and ada["created_at"].endswith("Z")
            assert tool_error(await peer.call_tool("create_customer", {"name": "Ada", "email": "ADA@example.com"})) == (
                "A customer with email ADA@example.com already exists (id 1)")
            assert tool_error(await peer.call_tool("create_customer", {"name": "X", "email": "nope"})) == "Invalid email address: nope"
            assert tool_error(await peer.call_tool("get_customer", {"customer_id": 0})).startswith("Input validation error")
            order = structured(await peer.call_tool("place_order", {"customer_id": 1, "items": [
                {"name": "Mouse", "quantity": 2, "unit_price": 29.99}, {"name": "Desk", "quantity": 1, "unit_price": 299.99}]}))
            assert order["amount"] == 359.97 and order["customer_id"] == 1
            assert structured(await peer.call_tool("place_order", {"customer_id": 1, "amount": 10}))["amount"] == 10
            assert tool_error(await peer.call_tool("place_order", {"customer_id": 7, "amount": 10})) == "Unknown customer: 7"
            assert tool_error(await peer.call_tool("place_order", {"customer_id": 1})) == (
                "Give either items or amount (exactly one of them)")
            assert structured(await peer.call_tool("get_order", {"order_id": 1})) == order
            assert len(structured(await peer.call_tool("list_orders", {"customer_id": 1}))["orders"]) == 2
            assert tool_error(await peer.call_tool("get_order", {"order_id": 9})) == "Unknown order: 9"

            uris = sorted(str(r.uri) for r in (await peer.list_resources()).resources)
            assert uris == ["business://customers", "business://orders", "custom://data/orders", "custom://data/products",
                            "custom://data/users"]
            templates = sorted(t.uri_template for t in (await peer.list_resource_templates()).resource_templates)
            assert templates == ["business://customers/{id}", "business://orders/{id}"]
            users = resource_json(await peer.read_resource("custom://data/users"), "custom://data/users")
            assert users == [ada]
            products = resource_json(await peer.read_resource("custom://data/products"), "custom://data/products")
            assert [p["name"] for p in products] == ["Laptop", "Mouse", "Desk", "Notebook"]
            orders = resource_json(await peer.read_resource("custom://data/orders"), "custom://data/orders")
            assert [o["id"] for o in orders] == [1, 2]
            one = resource_json(await peer.read_resource("business://customers/1"), "business://customers/1")
            assert one["email"] == "ada@example.com" and [o["id"] for o in one["orders"]] == [1, 2]
            with pytest.raises(MCPError) as missing:
                await peer.read_resource("business://customers/42")
            assert "business://customers/42" in missing.value.message

            prompt = await peer.get_prompt("customer_followup", {"customer_id": "1"})
            content = prompt.messages[0].content
            assert isinstance(content, types.TextContent) and "Ada Lovelace <ada@example.com>" in content.text
            with pytest.raises(MCPError):
                await peer.get_prompt("customer_followup", {"customer_id": "42"})

            sent = structured(await peer.call_tool("send_email", {"to": "ada@example.com", "subject": "Your order",
                                                                  "body": "Thank you, Ada.\n.\nA line with a dot."}))
            assert sent["sent"] is True and sent["to"] == "ada@example.com" and sent["message_id"].endswith("@example.com>")
            for args, message in [
                ({"to": "ada@example.com\r\nBcc: eve@example.com", "subject": "x", "body": "x"},
                 "The recipient must not contain line breaks or control characters"),
                ({"to": "ada@example.com", "subject": "Hi\nBcc: eve@example.com", "body": "x"},
                 "The subject must not contain line breaks or control characters"),
                ({"to": "ada@example.com, eve@example.com", "subject": "x", "body": "x"}, "Invalid recipient address"),
                ({"to": "ada@example.com", "subject": "x" * 201, "body": "x"}, "The subject is longer than 200 characters"),
            ]:
                assert tool_error(await peer.call_tool("send_email", args)).startswith(message), args

    run(body)
    assert len(smtp.messages) == 1  # the refused ones never reached the SMTP server
    mail = smtp.messages[0]
    assert mail["from"] == "shop@example.com" and mail["to"] == ["ada@example.com"]
    assert mail["message"]["Subject"] == "Your order" and mail["message"]["To"] == "ada@example.com"
    assert mail["message"]["Bcc"] is None
    assert mail["message"].get_payload(decode=True).decode().replace("\r\n", "\n") == "Thank you, Ada.\n.\nA line with a dot.\n"
    saved = json.loads(data.read_text())
    assert [c["email"] for c in saved["customers"]] == ["ada@example.com"] and len(saved["orders"]) == 2


def test_business_without_smtp_server(business_server: Path, errlog: TextIO) -> None:

    async def body() -> None:
        async with over_stdio([str(business_server)], WIRES[0], errlog) as peer:
            assert tool_error(await peer.call_tool("send_email", {"to": "a@example.com", "subject": "s", "body": "b"})) == (
                "No SMTP server is configured (--smtp-host)")
            assert structured(await peer.call_tool("list_customers", {})) == {"customers": []}

    run(body)
