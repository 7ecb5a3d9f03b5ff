/**
 * A body `express.json()` already parsed, handed to mcpforge (the SDK's
 * `StreamableHTTPServerTransport`, and `httpHandler()`): nested 100,000 deep it is refused
 * as JSON the engine does not take (400, -32700) with nothing on stderr, where writing it
 * back with `JSON.stringify` overflowed the stack (500, a stack trace); larger than the
 * engine's `maxBody` it is refused 413 with only about `maxBody` of it written back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { Server } from 'mcpforge';
import { McpServer } from 'mcpforge/server/mcp.js';
import { StreamableHTTPServerTransport } from 'mcpforge/server/streamableHttp.js';
import { serveApp, within } from './helpers.mjs';

const WAIT_MS = 20_000;
const DEPTH = 100_000;
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** A `ping` whose params nest `DEPTH` arrays deep (about 200 KB). */
const DEEP = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}}`;

/** Runs `body()` with what is written to stderr meanwhile collected; resolves with that text. */
async function stderrDuring(body) {
  const write = process.stderr.write;
  let written = '';
  process.stderr.write = (chunk, ...rest) => {
    written += chunk;
    return write.call(process.stderr, chunk, ...rest);
  };
  try {
    await body();
  } finally {
    process.stderr.write = write;
  }
  return written;
}

/** The JSON-RPC message of an answer, sent as JSON or as the data of an SSE event. */
async function messageOf(answer) {
  const text = await answer.text();
  const line = text.split(/\r?\n/).find((l) => /^(data: )?\{/.test(l));
  return JSON.parse(line.replace(/^data: /, ''));
}

/** An Express application with `express.json()` whose `/mcp` a stateless transport serves, given `parsed(req)` as its body; runs `body(url)`. */
async function withTransport(parsed, body) {
  const server = new McpServer({ name: 'parsed-body', version: '1.0.0' });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await server.connect(transport);
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  app.post('/mcp', (req, res) => transport.handleRequest(req, res, parsed(req)));
  await serveApp(app, server, ({ url }) => body(url));
}

/** Asserts a POST of `DEEP` to `url` is answered 400, -32700, with nothing on stderr, and the next request served. */
async function assertDeepRefused(url) {
  let answer;
  const stderr = await stderrDuring(async () => {
    answer = await within(fetch(url, { method: 'POST', headers: HEADERS, body: DEEP }), WAIT_MS, 'the answer');
  });
  assert.equal(answer.status, 400);
  assert.equal((await messageOf(answer)).error.code, -32700);
  assert.equal(stderr, '', 'nothing on stderr');
}

test('behind express.json(), a body nested 100,000 deep is refused 400 -32700 by the transport', async () => {
  await withTransport((req) => req.body, assertDeepRefused);
});

test('behind express.json(), a body nested 100,000 deep is refused 400 -32700 by httpHandler()', async () => {
  const server = new Server({ name: 'parsed-body', version: '1.0.0' });
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  app.all('/mcp', server.httpHandler());
  await serveApp(app, server, ({ url }) => assertDeepRefused(url));
});

test('a parsed body over maxBody (4 MiB) is refused 413, written back only up to the cap', async () => {
  // 8,192 items of 1 KiB each (8 MiB of JSON); each counts when it is written.
  const ITEMS = 8192;
  let written = 0;
  const item = { toJSON: () => (written++, 'x'.repeat(1024)) };
  const big = { jsonrpc: '2.0', id: 1, method: 'ping', params: { items: Array.from({ length: ITEMS }, () => item) } };
  await withTransport(
    () => big,
    async (url) => {
      const answer = await within(fetch(url, { method: 'POST', headers: HEADERS, body: '{}' }), WAIT_MS, 'the answer');
      assert.equal(answer.status, 413);
      await answer.arrayBuffer();
      assert.ok(written > 0 && written <= ITEMS / 2 + 1, `about 4 MiB of 8 were written back: ${written} items of ${ITEMS}`);
    },
  );
});
