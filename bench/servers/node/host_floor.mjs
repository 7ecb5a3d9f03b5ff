/**
 * The host floor of the Express-mounted subject: Express 5 with `express.json()`, the same
 * middleware the mounted server runs behind, answering each MCP request at `/mcp` from a
 * constant table instead of a server (no validation, no sessions kept, no tools). Whatever
 * Express costs per request is all it measures: a server mounted in Express can get close
 * to this figure, never past it. HTTP only:
 *
 *   node host_floor.mjs --http HOST:PORT
 *
 * It knows just what the load generator sends: `server/discover`, `initialize` (a fresh
 * session id in the answer), notifications (202) and `tools/call` of `echo`.
 */
import { randomUUID } from "node:crypto";

import express from "express";

const VERSION = "2026-07-28";
const SERVER = { name: "express-floor", version: "0" };

/** The JSON-RPC answer to one parsed request; `res` takes the session header. */
function answer(request, res) {
  const reply = (result) => ({ jsonrpc: "2.0", id: request.id, result });
  switch (request.method) {
    case "server/discover":
      return reply({ supportedVersions: [VERSION], capabilities: { tools: {} }, serverInfo: SERVER });
    case "initialize":
      res.set("mcp-session-id", randomUUID());
      return reply({ protocolVersion: request.params?.protocolVersion, capabilities: { tools: {} }, serverInfo: SERVER });
    case "tools/call":
      return reply({ content: [{ type: "text", text: String(request.params?.arguments?.text ?? "") }] });
    default:
      return { jsonrpc: "2.0", id: request.id ?? null, error: { code: -32601, message: "Method not found" } };
  }
}

const args = process.argv.slice(2);
const address = args[args.indexOf("--http") + 1];
if (!args.includes("--http") || !address) {
  console.error("usage: host_floor.mjs --http HOST:PORT");
  process.exit(2);
}
const separator = address.lastIndexOf(":");
const app = express();
app.use(express.json());
app.post("/mcp", (req, res) => {
  if (req.body?.id === undefined) {
    res.status(202).end();
  } else {
    res.json(answer(req.body, res));
  }
});
app.delete("/mcp", (_req, res) => res.status(200).end());
app.listen(Number(address.slice(separator + 1)), address.slice(0, separator));
