/**
 * Benchmark peer: echo, add and slow written with the official TypeScript SDK 1.x
 * (`@modelcontextprotocol/sdk`), the release line most Node MCP servers run and the one the
 * mcpforge drop-in replaces. It is written the way that SDK's own guides serve: one
 * `McpServer` connected to a `StdioServerTransport` for stdio, and for HTTP an Express app from
 * `createMcpExpressApp()` (Host header guard for localhost, JSON body parser) with a
 * `StreamableHTTPServerTransport` and a server per session, kept in a map by session id.
 *
 * SDK 1.x speaks the session wire (protocol versions up to 2025-11-25) only, so it is measured
 * on the session HTTP workloads and not on the 2026-07-28 ones.
 *
 * The drop-in subject of `make bench-peers` (mcpforge-node-sdk1) is this same file with each
 * import of `@modelcontextprotocol/sdk/...` replaced by `mcpforge/...` and nothing else
 * changed; scripts/bench-peers-bindings.sh makes it. Keep every SDK import on one line of the
 * form `from "@modelcontextprotocol/sdk/PATH"` so that the rewrite finds it.
 *
 * No arguments: serve stdio. `--http HOST:PORT`: serve Streamable HTTP at `/mcp`.
 * `slow` waits 10 ms with `await setTimeout(10)`.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";

/** A result holding one text block. */
const reply = (value) => ({ content: [{ type: "text", text: value }] });

/** A new server with the three benchmark tools. */
function makeServer() {
  const server = new McpServer({ name: "ts-sdk1-bench", version: "0" });
  server.registerTool("echo", { description: "Echo the text back", inputSchema: { text: z.string() } },
    async ({ text }) => reply(text));
  server.registerTool("add", { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => reply(String(a + b)));
  server.registerTool("slow", { description: "Wait 10 ms, then answer `done`" }, async () => {
    await sleep(10);
    return reply("done");
  });
  return server;
}

/** Streamable HTTP at `/mcp`: a transport and a server per session. */
function serveHttp(host, port) {
  const app = createMcpExpressApp({ host });
  const sessions = new Map();
  app.all("/mcp", async (req, res) => {
    const id = req.headers["mcp-session-id"];
    let transport = id === undefined ? undefined : sessions.get(id);
    if (transport === undefined && id === undefined && req.method === "POST" && isInitializeRequest(req.body)) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (opened) => sessions.set(opened, transport),
      });
      transport.onclose = () => sessions.delete(transport.sessionId);
      await makeServer().connect(transport);
    }
    if (transport === undefined) {
      res.status(id === undefined ? 400 : 404).json({
        jsonrpc: "2.0",
        error: { code: -32000, message: id === undefined ? "No session: initialize first" : "Unknown session" },
        id: null,
      });
      return;
    }
    await transport.handleRequest(req, res, req.body);
  });
  app.listen(port, host);
}

const [flag, address] = process.argv.slice(2);
if (flag === undefined) {
  await makeServer().connect(new StdioServerTransport());
} else if (flag === "--http" && address) {
  const separator = address.lastIndexOf(":");
  serveHttp(address.slice(0, separator), Number(address.slice(separator + 1)));
} else {
  console.error("usage: ts_sdk1_server.mjs [--http HOST:PORT]");
  process.exit(2);
}
