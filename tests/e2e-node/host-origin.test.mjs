/**
 * DNS-rebinding protection on the official SDK's serving paths, served by mcpforge: forged
 * `Host` and `Origin` headers (a rebinding attacker's name, loopback names with more after
 * them, user info, `Origin: null`, upper case, no `Host` at all) are each refused 403 with
 * one line of JSON-RPC error, and loopback requests, with and without an `Origin`, are
 * served. The paths: `createMcpExpressApp()` (Host and Origin, loopback names, or
 * `allowedHosts`), `StreamableHTTPServerTransport` with `enableDnsRebindingProtection: true`
 * (both, loopback names without lists), `createMcpHandler` through `toNodeHandler` (the
 * engine's loopback defaults). The transport without that switch checks nothing, as the
 * SDK's: that open default is shown served, as docs/SECURITY.md says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import express from 'express';
import { McpServer } from 'mcpforge/server/mcp.js';
import { createMcpExpressApp } from 'mcpforge/server/express.js';
import { StreamableHTTPServerTransport } from 'mcpforge/server/streamableHttp.js';
import { createMcpHandler, toNodeHandler } from 'mcpforge';
import { serveApp, within } from './helpers.mjs';

const WAIT_MS = 20_000;
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'forger', version: '1.0.0' } },
});

/** `LOOPBACK` stands for the server's own `127.0.0.1:<port>`. */
const LOOPBACK = '127.0.0.1:PORT';

/** The forged forms: a `Host` (`null`: none, over HTTP/1.0) and an `Origin` (`undefined`: none). */
const FORGED = [
  { host: 'evil.com' },
  { host: 'evil.com:PORT' },
  { host: '127.0.0.1.evil.com' },
  { host: 'localhost.evil.com:PORT' },
  { host: '[::1].evil' },
  { host: 'localhost:1@evil.com' },
  { host: 'EVIL.COM' },
  { host: null },
  { host: LOOPBACK, origin: 'http://evil.com' },
  { host: LOOPBACK, origin: 'null' },
  { host: LOOPBACK, origin: 'http://127.0.0.1.evil.com:PORT' },
  { host: LOOPBACK, origin: 'http://localhost:1@evil.com' },
  { host: LOOPBACK, origin: 'HTTP://EVIL.COM' },
];

/** Loopback requests a local client or a page on the server's own origin sends. */
const LEGITIMATE = [
  { host: LOOPBACK },
  { host: 'localhost:PORT', origin: 'http://localhost:PORT' },
  { host: '[::1]:PORT', origin: 'http://[::1]:PORT' },
  { host: 'LOCALHOST:PORT', origin: 'HTTP://LOCALHOST:5173' },
  { host: LOOPBACK, origin: 'https://127.0.0.1' },
];

/** A server answering `initialize`. */
function mcpServer() {
  return new McpServer({ name: 'host-origin', version: '1.0.0' });
}

/** The body of an HTTP/1.x answer `text` (head included), its chunked encoding undone. */
function bodyOf(text) {
  const split = text.indexOf('\r\n\r\n');
  const [head, raw] = [text.slice(0, split), text.slice(split + 4)];
  if (!/^transfer-encoding: chunked$/im.test(head)) return raw;
  let body = '';
  let rest = raw;
  for (let size = parseInt(rest, 16); size > 0; size = parseInt(rest, 16)) {
    const start = rest.indexOf('\r\n') + 2;
    body += rest.slice(start, start + size);
    rest = rest.slice(start + size + 2);
  }
  return body;
}

/**
 * POSTs `initialize` to `/mcp` on `port` over a connection of its own with exactly the
 * headers of `form` (`PORT` replaced by `port`): `{ status, body, message }`, where
 * `message` is the JSON-RPC message answered (as JSON or in an SSE event).
 */
function send(port, form) {
  const fill = (text) => text.replaceAll('PORT', String(port));
  const head = [`POST /mcp ${form.host === null ? 'HTTP/1.0' : 'HTTP/1.1'}`];
  if (form.host !== null) head.push(`Host: ${fill(form.host)}`);
  if (form.origin !== undefined) head.push(`Origin: ${fill(form.origin)}`);
  head.push(
    'Content-Type: application/json',
    'Accept: application/json, text/event-stream',
    `Content-Length: ${Buffer.byteLength(INITIALIZE)}`,
    'Connection: close',
  );
  const answer = new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(`${head.join('\r\n')}\r\n\r\n${INITIALIZE}`);
  });
  return within(answer, WAIT_MS, `the answer to ${JSON.stringify(form)}`).then((text) => {
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]);
    const body = bodyOf(text);
    const line = body.split(/\r?\n/).find((l) => /^(data: )?\{/.test(l));
    return { status, body, message: line && JSON.parse(line.replace(/^data: /, '')) };
  });
}

/** Asserts every forged form is refused 403 (one line of JSON-RPC error) and every legitimate one served. */
async function assertGuarded(port) {
  for (const form of FORGED) {
    const { status, body, message } = await send(port, form);
    assert.equal(status, 403, `${JSON.stringify(form)} is refused: ${body}`);
    assert.equal(body.trim().split('\n').length, 1, `one line: ${body}`);
    assert.match(message.error.message, /Host|Origin/, JSON.stringify(form));
  }
  await assertServed(port, LEGITIMATE);
}

/** Asserts each of `forms` is answered 200 with the `initialize` result. */
async function assertServed(port, forms) {
  for (const form of forms) {
    const { status, body, message } = await send(port, form);
    assert.equal(status, 200, `${JSON.stringify(form)} is served: ${body}`);
    assert.equal(message.result.serverInfo.name, 'host-origin');
  }
}

/** Serves `app` with `/mcp` a stateless transport made with `options`, connected to a server; runs `body(port)`. */
async function withTransport(app, options, body) {
  const server = mcpServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, ...options });
  await server.connect(transport);
  app.post('/mcp', (req, res) => transport.handleRequest(req, res, req.body));
  await serveApp(app, server, ({ port }) => body(port));
}

test('createMcpExpressApp() refuses every forged Host and Origin and serves loopback requests', async () => {
  await withTransport(createMcpExpressApp(), {}, assertGuarded);
});

test('createMcpExpressApp({ allowedHosts }) checks Origin against the same names', async () => {
  await withTransport(createMcpExpressApp({ host: '0.0.0.0', allowedHosts: ['app.example'] }), {}, async (port) => {
    await assertServed(port, [{ host: 'app.example:PORT' }, { host: 'app.example', origin: 'https://app.example' }]);
    for (const origin of ['http://evil.com', 'null', 'http://app.example.evil.com', 'http://localhost:PORT']) {
      assert.equal((await send(port, { host: 'app.example', origin })).status, 403, origin);
    }
    assert.equal((await send(port, { host: LOOPBACK })).status, 403, 'a Host not listed');
  });
});

test('StreamableHTTPServerTransport with enableDnsRebindingProtection refuses every forged Host and Origin', async () => {
  const app = express();
  app.use(express.json());
  await withTransport(app, { enableDnsRebindingProtection: true }, assertGuarded);
});

test('StreamableHTTPServerTransport with allowedHosts only checks Origin against their names', async () => {
  const app = express();
  app.use(express.json());
  await withTransport(app, { enableDnsRebindingProtection: true, allowedHosts: ['app.example'] }, async (port) => {
    await assertServed(port, [{ host: 'app.example:PORT', origin: 'http://app.example:PORT' }]);
    assert.equal((await send(port, { host: 'app.example', origin: 'http://evil.com' })).status, 403);
    assert.equal((await send(port, { host: 'evil.com' })).status, 403);
  });
});

test('StreamableHTTPServerTransport without the switch checks neither, as the SDK (documented open default)', async () => {
  const app = express();
  app.use(express.json());
  await withTransport(app, {}, (port) => assertServed(port, FORGED.filter((form) => form.host !== null)));
});

test('createMcpHandler through toNodeHandler refuses every forged Host and Origin', async () => {
  const handler = createMcpHandler(mcpServer);
  const app = express();
  app.all('/mcp', toNodeHandler(handler));
  await serveApp(app, handler, ({ port }) => assertGuarded(port));
});
