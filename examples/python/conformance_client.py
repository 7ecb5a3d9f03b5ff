"""The Python client's side of the official MCP conformance suite: ``conformance client
--command "python conformance_client.py"`` starts a test server per scenario and runs this
program with the server's URL as its last argument, the scenario's name in
``MCP_CONFORMANCE_SCENARIO``, the protocol version to speak in
``MCP_CONFORMANCE_PROTOCOL_VERSION`` and, for some scenarios, data in
``MCP_CONFORMANCE_CONTEXT`` (JSON). Each scenario is an ordinary use of
``mcpforge.client.Client``; the suite judges what went over the wire. The ``auth/*``
scenarios put the server behind an authorization server: the client authorizes with an
``OAuthClientProvider`` (its metadata document URL, or the pre-registered credentials the
context gives, else dynamic registration; the user's consent played by following the
redirects), then lists the tools and calls one. It mirrors
examples/rust/src/bin/conformance_client.rs. Exit status: 0 when the scenario's requests
succeeded, 1 when one failed, 2 on a usage error.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any, Dict, List, Optional

from mcpforge.client import Client, OAuthClientProvider

# The suite's Client ID Metadata Document URL: the client id it expects where the
# authorization server accepts such documents (it is never fetched).
METADATA_DOCUMENT = "https://conformance-test.local/client-metadata.json"
NAME = "mcpforge-conformance-client"


def oauth(context: Dict[str, Any]) -> OAuthClientProvider:
    """The OAuth provider of the ``auth/*`` scenarios: the suite's metadata document URL,
    the context's credentials as pre-registered ones, consent given by following the
    authorization server's redirects."""
    return OAuthClientProvider(
        follow_redirects=True,
        client_name=NAME,
        client_metadata_url=METADATA_DOCUMENT,
        client_id=context.get("client_id"),
        client_secret=context.get("client_secret"),
    )


def sample_arguments(schema: Dict[str, Any]) -> Dict[str, Any]:
    """Arguments for a tool's required properties: a sample value of each declared type."""
    samples = {"integer": 1, "number": 1, "boolean": True, "object": {}, "array": []}
    properties = schema.get("properties") or {}
    return {name: samples.get((properties.get(name) or {}).get("type"), "sample") for name in schema.get("required") or []}


async def call_listed(client: Client, name: str) -> None:
    """Lists the tools and calls ``name`` without arguments."""
    tools = (await client.list_tools()).tools
    if not any(t.name == name for t in tools):
        raise RuntimeError(f"the server does not list the tool {name}")
    await client.call_tool(name, {})


async def every_feature(client: Client) -> None:
    """Every list, and every tool, resource and prompt in them used once."""
    for tool in (await client.list_tools()).tools:
        await client.call_tool(tool.name, sample_arguments(tool.inputSchema))
    for resource in (await client.list_resources()).resources:
        await client.read_resource(resource.uri)
    for prompt in (await client.list_prompts()).prompts:
        await client.get_prompt(prompt.name, {})


async def run(client: Client, scenario: str, context: Dict[str, Any]) -> None:
    if scenario.startswith("auth/"):
        # Every auth scenario's server has one tool; the second request shows the token
        # (or its step-up, or a migration to another authorization server) holds.
        await client.list_tools()
        await client.call_tool("test-tool", {})
    elif scenario in ("initialize", "request-metadata", "json-schema-ref-no-deref"):
        await client.list_tools()
    elif scenario == "tools_call":
        await client.list_tools()
        await client.call_tool("add_numbers", {"a": 2, "b": 3})
    elif scenario == "elicitation-sep1034-client-defaults":
        await call_listed(client, "test_client_elicitation_defaults")
    elif scenario == "sse-retry":
        await call_listed(client, "test_reconnection")
    elif scenario == "http-standard-headers":
        await every_feature(client)
    elif scenario == "http-custom-headers":
        await client.list_tools()
        for call in context.get("toolCalls") or []:
            await client.call_tool(call.get("name", ""), call.get("arguments") or {})
    elif scenario == "http-invalid-tool-headers":
        # The client leaves out the tools with invalid annotations; every tool kept is called.
        for tool in (await client.list_tools()).tools:
            await client.call_tool(tool.name, sample_arguments(tool.inputSchema))
    elif scenario == "json-schema-2020-12-preservation":
        tools = (await client.list_tools()).tools
        focal = next((t for t in tools if t.name == "json_schema_2020_12_tool"), None)
        if focal is None:
            raise RuntimeError("the server does not list the tool json_schema_2020_12_tool")
        await client.call_tool("json_schema_echo", {"schema": focal.inputSchema})
    elif scenario == "sep-2322-client-request-state":
        await client.list_tools()
        # Side by side: each call's input rounds stay its own.
        names = ["test_mrtr_echo_state", "test_mrtr_no_state", "test_mrtr_unrelated", "test_mrtr_no_result_type"]
        await asyncio.gather(*(client.call_tool(name, {}) for name in names))
    else:
        raise RuntimeError(f"unknown scenario {scenario}")


async def sampled(_context: Any, _params: Any) -> Dict[str, Any]:
    return {"role": "assistant", "model": "fixed", "content": {"type": "text", "text": "a sampled answer"}}


async def elicited(_context: Any, _params: Any) -> Dict[str, Any]:
    # Accepted with no fields, so the schema's defaults apply.
    return {"action": "accept", "content": {}}


async def roots(_context: Any) -> List[Dict[str, str]]:
    return [{"uri": "file:///conformance", "name": "conformance"}]


async def main(url: str, scenario: str, version: str, context: Dict[str, Any]) -> int:
    auth: Optional[OAuthClientProvider] = oauth(context) if scenario.startswith("auth/") else None
    client = Client(
        url,
        auth=auth,
        mode=version or "legacy",
        read_timeout_seconds=20,
        client_info={"name": NAME, "version": "1.0.0"},
        sampling_callback=sampled,
        elicitation_callback=elicited,
        list_roots_callback=roots,
    )
    try:
        async with client:
            await run(client, scenario, context)
    except Exception as e:
        print(f"{scenario}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    scenario = os.environ.get("MCP_CONFORMANCE_SCENARIO", "")
    if len(sys.argv) < 2 or not scenario:
        print("usage: MCP_CONFORMANCE_SCENARIO=<name> conformance_client.py <server-url>", file=sys.stderr)
        sys.exit(2)
    try:
        context = json.loads(os.environ.get("MCP_CONFORMANCE_CONTEXT") or "null") or {}
    except ValueError:
        context = {}
    version = os.environ.get("MCP_CONFORMANCE_PROTOCOL_VERSION", "")
    sys.exit(asyncio.run(main(sys.argv[-1], scenario, version, context)))
