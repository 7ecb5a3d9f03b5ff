/**
 * The official TypeScript SDK client drives the Node conformance fixture mounted in
 * applications with routes of their own (mounted.mjs): Express through `httpHandler()` and
 * Hono through `fetchHandler()`. The application's route answers, the fixture's tools are
 * listed and called, and SIGTERM stops the application. (`make conformance` also runs the
 * official suite against both.) Both refuse a request without `Host` as the engine's
 * listener does, and behind `express.json()` a raw body a `verify` hook kept is what the
 * engine reads, so a request id beyond 2^53 comes back unchanged. Both count clients by their
 * address (Express: the socket's peer; Hono: the address the route hands over), so the rate
 * limit of requests without a session is kept per client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve as serveHono } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from 'mcpforge';
import { startHttp, within } from './helpers.mjs';

const MOUNTED = fileURLToPath(new URL('./mounted.mjs', import.meta.url));

for (const mode of ['express', 'hono']) {
  test(`the official client drives the fixture mounted in ${mode}`, async () => {
    const { child: app, url, exited } = await startHttp([MOUNTED, `--${mode}`, '127.0.0.1:0'], /serving at (\S+)/, 'the application');
    try {
      const hello = await fetch(new URL('/hello', url));
      assert.equal(await hello.text(), 'the application route');
      const client = new Client({ name: 'e2e-node', version: '1.0.0' });
      await within(client.connect(new StreamableHTTPClientTransport(new URL(url))), 20_000, 'connect');
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'test_simple_text'));
        const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
        assert.deepEqual(result.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);
        const logged = [];
        client.setNotificationHandler(
          (await import('@modelcontextprotocol/sdk/types.js')).LoggingMessageNotificationSchema,
          (n) => logged.push(n.params.data),
        );
        await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
        assert.equal(logged.length, 3, 'log notifications streamed before the result');
      } finally {
        await client.close();
      }
      app.kill('SIGTERM');
      const { code } = await within(exited, 20_000, 'the application to stop on SIGTERM');
      assert.equal(code, 0);
    } finally {
      if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
    }
  });
}

/** The text of a 2026-07-28 `tools/call` of `name` whose JSON-RPC id is `id` (written as is). */
function modernCallText(name, id) {
  const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const params = JSON.stringify({ name, arguments: {}, _meta: meta });
  return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":${params}}`;
}

/** The headers of that call, `Name: value` lines without `Host`. */
function modernCallHeaders(name, body) {
  return [
    'Content-Type: application/json',
    'Accept: application/json, text/event-stream',
    'MCP-Protocol-Version: 2026-07-28',
    'Mcp-Method: tools/call',
    `Mcp-Name: ${name}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
}

/** Sends `head` and `body` over a new connection to `url`'s port and reads until the server closes: the answer's text. */
function exchange(url, head, body) {
  const { hostname, port } = new URL(url);
  const answer = new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
  });
  return within(answer, 20_000, 'the answer');
}

for (const mode of ['express', 'hono']) {
  test(`mounted in ${mode}, an HTTP/1.0 request without Host is refused (403)`, async () => {
    const { child: app, url } = await startHttp([MOUNTED, `--${mode}`, '127.0.0.1:0'], /serving at (\S+)/, 'the application');
    try {
      const body = modernCallText('test_simple_text', 1);
      const answer = await exchange(url, ['POST /mcp HTTP/1.0', ...modernCallHeaders('test_simple_text', body)], body);
      assert.match(answer, /^HTTP\/1\.[01] 403 /, answer);
      // The same request with a loopback Host is served.
      const served = await exchange(url, ['POST /mcp HTTP/1.0', `Host: ${new URL(url).host}`, ...modernCallHeaders('test_simple_text', body)], body);
      assert.match(served, /^HTTP\/1\.[01] 200 /, served);
    } finally {
      app.kill('SIGKILL');
    }
  });
}

test('behind express.json(), the raw body a verify hook kept is what the engine reads (ids beyond 2^53 intact)', async () => {
  const server = new Server({ name: 'big-ids', version: '1.0.0' });
  server.tool('hello', {}, () => 'hello');
  const app = express();
  app.use(express.json({ verify: (req, _res, raw) => { req.rawBody = raw; } }));
  app.all('/mcp', server.httpHandler());
  const listener = await new Promise((resolve) => {
    const l = app.listen(0, '127.0.0.1', () => resolve(l));
  });
  try {
    const url = `http://127.0.0.1:${listener.address().port}/mcp`;
    const body = modernCallText('hello', '9007199254740993');
    const answer = await exchange(url, ['POST /mcp HTTP/1.0', `Host: ${new URL(url).host}`, ...modernCallHeaders('hello', body)], body);
    assert.match(answer, /^HTTP\/1\.[01] 200 /, answer);
    assert.ok(answer.includes('"id":9007199254740993'), answer);
  } finally {
    listener.close();
    await server.close();
  }
});

/** The JSON-RPC answer to `body` POSTed to `url` over a connection from the local address `from`. */
function answerFrom(url, from, body) {
  const headers = Object.fromEntries(modernCallHeaders('hello', body).map((line) => line.split(': ')));
  const answer = new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers, localAddress: from, agent: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
  return within(answer, 20_000, 'the answer');
}

/** Listens with Express (`httpHandler()`) or Hono (`fetchHandler()`, the address from `c.env.incoming`); `{ url, close }`. */
async function mountedIn(mode, server) {
  if (mode === 'express') {
    const app = express();
    app.all('/mcp', server.httpHandler());
    const listener = await new Promise((resolve) => {
      const l = app.listen(0, '127.0.0.1', () => resolve(l));
    });
    return { url: `http://127.0.0.1:${listener.address().port}/mcp`, close: () => listener.close() };
  }
  const app = new Hono();
  const mcp = server.fetchHandler();
  app.all('/mcp', (c) => mcp(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress }));
  let listener;
  const port = await new Promise((resolve) => {
    listener = serveHono({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  return { url: `http://127.0.0.1:${port}/mcp`, close: () => listener.close() };
}

for (const mode of ['express', 'hono']) {
  test(`mounted in ${mode}, the rate limit of requests without a session is kept per client address`, async () => {
    const server = new Server({ name: 'per-client', version: '1.0.0', rateLimits: { perClient: { requests: 3, perMs: 3_600_000 } } });
    server.tool('hello', {}, () => 'hello');
    const site = await mountedIn(mode, server);
    try {
      const results = [];
      for (let id = 1; id <= 5; id++) results.push(await answerFrom(site.url, '127.0.0.1', modernCallText('hello', id)));
      assert.equal(results.filter((r) => r.result).length, 3, JSON.stringify(results));
      // Another client on this host (another loopback address) has a bucket of its own.
      const other = await answerFrom(site.url, '127.0.0.2', modernCallText('hello', 6));
      assert.ok(other.result, JSON.stringify(other));
    } finally {
      site.close();
      await server.close();
    }
  });
}
