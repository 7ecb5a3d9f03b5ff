"""The host floor of the ASGI subject: a Starlette app under uvicorn, served the way
``mcpforge-python-asgi`` is, answering each MCP request at ``/mcp`` from a constant table
instead of a server (no validation, no sessions kept, no tools). Whatever uvicorn and
Starlette cost per request is all it measures: an ASGI app can get close to this figure,
never past it. HTTP only::

    python host_floor.py --http HOST:PORT

It knows just what the load generator sends: ``server/discover``, ``initialize`` (a fresh
session id in the answer), notifications (202) and ``tools/call`` of ``echo``.
"""

from __future__ import annotations

import json
import sys
import uuid

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

VERSION = "2026-07-28"
SERVER = {"name": "uvicorn-floor", "version": "0"}


def answer(request: dict) -> tuple[dict, dict[str, str]]:
    """The JSON-RPC answer to one parsed request, and the headers that go with it."""
    method, params = request.get("method"), request.get("params") or {}
    reply = {"jsonrpc": "2.0", "id": request.get("id")}
    if method == "server/discover":
        return {**reply, "result": {"supportedVersions": [VERSION], "capabilities": {"tools": {}}, "serverInfo": SERVER}}, {}
    if method == "initialize":
        result = {"protocolVersion": params.get("protocolVersion"), "capabilities": {"tools": {}}, "serverInfo": SERVER}
        return {**reply, "result": result}, {"mcp-session-id": uuid.uuid4().hex}
    if method == "tools/call":
        text = str((params.get("arguments") or {}).get("text", ""))
        return {**reply, "result": {"content": [{"type": "text", "text": text}]}}, {}
    return {**reply, "error": {"code": -32601, "message": "Method not found"}}, {}


async def mcp(request: Request) -> Response:
    """One POST or DELETE at /mcp."""
    if request.method == "DELETE":
        return Response(status_code=200)
    body = json.loads(await request.body())
    if "id" not in body:
        return Response(status_code=202)
    reply, headers = answer(body)
    return Response(json.dumps(reply), media_type="application/json", headers=headers)


def main() -> None:
    """Serves until killed."""
    if "--http" not in sys.argv:
        sys.exit("usage: host_floor.py --http HOST:PORT")
    host, _, port = sys.argv[sys.argv.index("--http") + 1].rpartition(":")
    app = Starlette(routes=[Route("/mcp", mcp, methods=["POST", "DELETE"])])
    uvicorn.run(app, host=host, port=int(port), log_level="warning")


if __name__ == "__main__":
    main()
