/**
 * Benchmark peer: echo, add and slow written with the official TypeScript SDK (v2:
 * `@modelcontextprotocol/server`, with `@modelcontextprotocol/node` for plain `node:http`),
 * the way its documentation serves both protocol eras: `serveStdio(factory)` for stdio and
 * `createMcpHandler(factory)` behind `node:http` with the localhost Host/Origin guards.
 *
 * No arguments: serve stdio. `--http HOST:PORT`: serve Streamable HTTP at `/mcp`.
 * `slow` waits 10 ms with `await setTimeout(10)`: JavaScript has no blocking sleep that
 * leaves the event loop free, so this is how a Node handler waits in any framework.
 */
import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

import { localhostHostValidation, localhostOriginValidation, toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
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

const [flag, address] = process.argv.slice(2);
if (flag === undefined) {
  serveStdio(build);
} else if (flag === "--http" && address) {
  const separator = address.lastIndexOf(":");
  const host = address.slice(0, separator);
  const port = Number(address.slice(separator + 1));
  const handler = toNodeHandler(createMcpHandler(build));
  const validHost = localhostHostValidation();
  const validOrigin = localhostOriginValidation();
  createServer((req, res) => {
    if (validHost(req, res) && validOrigin(req, res)) {
      handler(req, res);
    }
  }).listen(port, host);
} else {
  console.error("usage: ts_sdk_server.mjs [--http HOST:PORT]");
  process.exit(2);
}
