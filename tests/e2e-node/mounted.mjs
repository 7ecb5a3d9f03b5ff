/**
 * The Node conformance fixture (examples/node/conformance.mjs) mounted in an application
 * that has routes of its own (`GET /hello`), for the end-to-end tests and the conformance
 * suite:
 *
 *   node mounted.mjs --express 127.0.0.1:PORT   Express 5, `server.httpHandler()` at /mcp
 *   node mounted.mjs --hono 127.0.0.1:PORT      Hono on @hono/node-server, `server.fetchHandler()`
 *   node mounted.mjs --express-transport 127.0.0.1:PORT
 *       Express 5 with the official SDK's transport API: each `initialize` gets a new
 *       `StreamableHTTPServerTransport` (its session id from `randomUUID`) kept in a map by
 *       session id, later requests find theirs by `mcp-session-id` (an unknown id: 404);
 *       requests without one (the 2026-07-28 wire) go to one long-lived transport. Every
 *       transport is connected to the fixture's one server, which keeps tasks and
 *       multi-round-trip state across them.
 *
 * SIGTERM or SIGINT closes the HTTP server and drains the MCP server.
 */
import { randomUUID } from 'node:crypto';
import { serve as serveHono } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { StreamableHTTPServerTransport } from 'mcpforge/server/streamableHttp.js';
import { isInitializeRequest } from 'mcpforge/types.js';
import { server } from './examples/conformance.mjs';

const [mode, address] = process.argv.slice(2);
const match = /^\[?([^\]]*)\]?:(\d+)$/.exec(address ?? '');
if (!['--express', '--hono', '--express-transport'].includes(mode) || !match) {
  process.stderr.write('usage: mounted.mjs --express|--hono|--express-transport HOST:PORT\n');
  process.exit(2);
}
const [, host, port] = match;

const announce = (address) =>
  process.stderr.write(`mounted (${mode.slice(2)}): serving at http://${host}:${address.port}/mcp\n`);

/** The JSON a raw body holds, or undefined (the engine answers malformed JSON itself). */
function parsed(body) {
  try {
    return Buffer.isBuffer(body) && body.length > 0 ? JSON.parse(body) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The DNS-rebinding protection of every transport: the official SDK's transport checks
 * `Host` and `Origin` only when asked to, against the lists it is given.
 */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const GUARD = {
  enableDnsRebindingProtection: true,
  allowedHosts: LOOPBACK,
  allowedOrigins: LOOPBACK.flatMap((h) => [`http://${h}`, `https://${h}`]),
};

/** Express with a map of `StreamableHTTPServerTransport`s by session id (the SDK's example pattern). */
async function transportApp() {
  const app = express();
  app.get('/hello', (_req, res) => res.send('the application route'));
  // The raw body: the engine reads it, so malformed JSON gets its JSON-RPC parse error.
  app.use('/mcp', express.raw({ type: () => true, limit: '4mb' }));
  const transports = new Map();
  // Requests that belong to no session (the 2026-07-28 wire, refusals) are the engine's to answer.
  const front = new StreamableHTTPServerTransport({ ...GUARD, sessionIdGenerator: () => randomUUID() });
  await server.connect(front);
  app.all('/mcp', async (req, res) => {
    const sessionId = req.headers['mcp-session-id'];
    let transport = sessionId === undefined ? front : transports.get(sessionId);
    if (sessionId === undefined && req.method === 'POST' && isInitializeRequest(parsed(req.body))) {
      const opened = new StreamableHTTPServerTransport({
        ...GUARD,
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, opened),
      });
      opened.onclose = () => transports.delete(opened.sessionId);
      await server.connect(opened);
      transport = opened;
    }
    if (!transport) {
      res.status(404).json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
      return;
    }
    await transport.handleRequest(req, res, req.body);
  });
  return app;
}

let listener;
if (mode === '--express-transport') {
  const app = await transportApp();
  listener = app.listen(Number(port), host, () => announce(listener.address()));
} else if (mode === '--express') {
  const app = express();
  app.get('/hello', (_req, res) => res.send('the application route'));
  // No body parser in front: the engine reads the body itself, so malformed JSON gets its
  // JSON-RPC parse error (a handler behind `express.json()` takes `req.body` instead).
  app.all('/mcp', server.httpHandler());
  listener = app.listen(Number(port), host, () => announce(listener.address()));
} else {
  const app = new Hono();
  app.get('/hello', (c) => c.text('the application route'));
  const mcp = server.fetchHandler();
  // A web Request has no client address: @hono/node-server gives the socket as `c.env.incoming`.
  app.all('/mcp', (c) => mcp(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress }));
  listener = serveHono({ fetch: app.fetch, port: Number(port), hostname: host }, announce);
}

const stop = async () => {
  listener.close();
  await server.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
