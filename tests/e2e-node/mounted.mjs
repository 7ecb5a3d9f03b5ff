/**
 * The Node conformance fixture (examples/node/conformance.mjs) mounted in an application
 * that has routes of its own (`GET /hello`), for the end-to-end tests and the conformance
 * suite:
 *
 *   node mounted.mjs --express 127.0.0.1:PORT   Express 5, `server.httpHandler()` at /mcp
 *   node mounted.mjs --hono 127.0.0.1:PORT      Hono on @hono/node-server, `server.fetchHandler()`
 *
 * SIGTERM or SIGINT closes the HTTP server and drains the MCP server.
 */
import { serve as serveHono } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { server } from './examples/conformance.mjs';

const [mode, address] = process.argv.slice(2);
const match = /^\[?([^\]]*)\]?:(\d+)$/.exec(address ?? '');
if (!['--express', '--hono'].includes(mode) || !match) {
  process.stderr.write('usage: mounted.mjs --express|--hono HOST:PORT\n');
  process.exit(2);
}
const [, host, port] = match;

const announce = (address) =>
  process.stderr.write(`mounted (${mode.slice(2)}): serving at http://${host}:${address.port}/mcp\n`);

let listener;
if (mode === '--express') {
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
  app.all('/mcp', (c) => mcp(c.req.raw));
  listener = serveHono({ fetch: app.fetch, port: Number(port), hostname: host }, announce);
}

const stop = async () => {
  listener.close();
  await server.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
