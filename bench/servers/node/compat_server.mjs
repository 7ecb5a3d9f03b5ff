/**
 * The official TypeScript SDK's benchmark peer (bench/peers/ts_sdk_server.mjs, SDK 2.x) moved
 * to mcpforge by changing its imports: the same `build()` factory with the same tools (echo,
 * add, slow), served by the engine. `make bench-peers` measures it as:
 *
 *   (no arguments)              stdio, through the SDK 2.x `serveStdio(factory)`
 *   --http HOST:PORT            Streamable HTTP on mcpforge's own listener
 *   --handler --http HOST:PORT  the peer's own HTTP code unchanged: `createMcpHandler(factory)`
 *                               behind `node:http` with the localhost Host/Origin guards
 *   --express --http HOST:PORT  Express 5 with the SDK 1.x transport API: a
 *                               `StreamableHTTPServerTransport` per session in a map by
 *                               session id; requests without a session (the 2026-07-28 wire)
 *                               go to one long-lived transport
 *
 * `slow` waits 10 ms with `await setTimeout(10)`, as in the peer.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

import express from "express";
import { localhostHostValidation, localhostOriginValidation, toNodeHandler } from "mcpforge"; // was "@modelcontextprotocol/node"
import { createMcpHandler, McpServer } from "mcpforge"; // was "@modelcontextprotocol/server"
import { serveStdio } from "mcpforge"; // was "@modelcontextprotocol/server/stdio"
import { StreamableHTTPServerTransport } from "mcpforge/server/streamableHttp.js";
import { isInitializeRequest } from "mcpforge/types.js";
import * as z from "zod";

/** One text content block. */
const text = (value) => ({ content: [{ type: "text", text: value }] });

/** A server with the three tools (the SDK asks for a factory, called per connection or request). */
function build() {
  const server = new McpServer({ name: "ts-sdk-bench", version: "0" });
  server.registerTool(
    "echo",
    { description: "Echo the text back", inputSchema: z.object({ text: z.string() }) },
    async ({ text: value }) => text(value),
  );
  server.registerTool(
    "add",
    { description: "Add two numbers", inputSchema: z.object({ a: z.number(), b: z.number() }) },
    async ({ a, b }) => text(String(a + b)),
  );
  server.registerTool("slow", { description: "Wait 10 ms, then answer `done`" }, async () => {
    await sleep(10);
    return text("done");
  });
  return server;
}

/** Express with a transport per session, as the SDK 1.x examples serve HTTP. */
async function expressApp() {
  const app = express();
  app.use(express.json());
  const transports = new Map();
  const front = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
  await build().connect(front);
  app.all("/mcp", async (req, res) => {
    const sessionId = req.headers["mcp-session-id"];
    let transport = sessionId === undefined ? front : transports.get(sessionId);
    if (sessionId === undefined && isInitializeRequest(req.body)) {
      const opened = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, opened),
      });
      opened.onclose = () => transports.delete(opened.sessionId);
      await build().connect(opened);
      transport = opened;
    }
    if (!transport) {
      res.status(404).json({ jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null });
      return;
    }
    await transport.handleRequest(req, res, req.body);
  });
  return app;
}

const args = process.argv.slice(2);
const at = args.indexOf("--http");
const address = at >= 0 ? args[at + 1] : undefined;
if (at < 0 && args.length === 0) {
  serveStdio(build);
} else if (address) {
  const separator = address.lastIndexOf(":");
  const host = address.slice(0, separator);
  const port = Number(address.slice(separator + 1));
  if (args.includes("--handler")) {
    const handler = toNodeHandler(createMcpHandler(build));
    const validHost = localhostHostValidation();
    const validOrigin = localhostOriginValidation();
    createServer((req, res) => {
      if (validHost(req, res) && validOrigin(req, res)) {
        handler(req, res);
      }
    }).listen(port, host);
  } else if (args.includes("--express")) {
    (await expressApp()).listen(port, host);
  } else {
    await build().engine.listen({ http: { host, port } });
  }
} else {
  console.error("usage: compat_server.mjs [--handler | --express] [--http HOST:PORT]");
  process.exit(2);
}
