/**
 * A low-level server's own `initialize` handler (`setRequestHandler(InitializeRequestSchema)`)
 * answers the handshake on every transport, as on the SDK: over a connection whose messages
 * pass through JavaScript and over the Streamable HTTP transports, whose messages the engine
 * reads (stateful and stateless). The client gets the handler's result (or its error), and
 * the engine serves the session at the version the handler answered.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { WebStandardStreamableHTTPServerTransport } from '../lib/index.mjs';
import { Server } from '../lib/sdk/server/index.mjs';
import { ACCEPT, linkedClient, within } from './helpers.mjs';

const Initialize = z.object({ method: z.literal('initialize'), params: z.object({ protocolVersion: z.string() }).passthrough() });
const PARAMS = { protocolVersion: '2025-11-25', capabilities: { roots: {} }, clientInfo: { name: 'c', version: '0' } };

test("the application's initialize handler answers the handshake; the engine follows its version", async () => {
  const seen = [];
  const server = new Server({ name: 'engine-name', version: '9' }, { capabilities: {} });
  server.setRequestHandler(Initialize, async (request) => {
    seen.push(request.params);
    return { protocolVersion: '2025-06-18', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'mine', version: '1.2.3' } };
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: PARAMS });
    const answer = await client.next((m) => m.id === 1, 'the initialize answer');
    assert.deepEqual(answer.result, { protocolVersion: '2025-06-18', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'mine', version: '1.2.3' } });
    assert.deepEqual(seen, [PARAMS]);
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    assert.deepEqual((await client.next((m) => m.id === 2, 'ping')).result, {});
  } finally {
    await server.close();
  }
});

test('an initialize handler that throws answers the handshake with its error', async () => {
  const server = new Server({ name: 's', version: '0' }, { capabilities: {} });
  server.setRequestHandler(Initialize, () => {
    throw Object.assign(new Error('Unsupported protocol version'), { code: -32602 });
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: PARAMS });
    const answer = await client.next((m) => m.id === 1, 'the initialize answer');
    assert.deepEqual(answer.error, { code: -32602, message: 'Unsupported protocol version' });
  } finally {
    await server.close();
  }
});

/** A web POST of `body` (sent as JSON) to `/mcp`. */
function webPost(body) {
  const headers = { 'content-type': 'application/json', accept: ACCEPT };
  return new Request('http://127.0.0.1/mcp', { method: 'POST', headers, body: JSON.stringify(body) });
}

/** The JSON-RPC message of a web answer: its JSON body, or the first event of its SSE stream. */
async function messageOf(response) {
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return JSON.parse(text);
  const data = text.split('\n').find((line) => line.startsWith('data: ') && line.length > 6);
  return JSON.parse(data.slice(6));
}

for (const [mode, options] of [
  ['stateful', { sessionIdGenerator: () => 'i-1' }],
  ['stateless', { sessionIdGenerator: undefined }],
]) {
  test(`the application's initialize handler answers the handshake over Streamable HTTP (${mode})`, async () => {
    const seen = [];
    const server = new Server({ name: 'engine-name', version: '9' }, { capabilities: {} });
    server.setRequestHandler(Initialize, async (request) => {
      seen.push(request.params);
      return { protocolVersion: '2025-06-18', capabilities: { logging: {} }, serverInfo: { name: 'mine', version: '1.2.3' } };
    });
    const web = new WebStandardStreamableHTTPServerTransport(options);
    await server.connect(web);
    try {
      const answer = await messageOf(await web.handleRequest(webPost({ jsonrpc: '2.0', id: 1, method: 'initialize', params: PARAMS })));
      assert.deepEqual(answer.result, { protocolVersion: '2025-06-18', capabilities: { logging: {} }, serverInfo: { name: 'mine', version: '1.2.3' } });
      assert.deepEqual(seen, [PARAMS]);
    } finally {
      await within(server.close(), 10_000, 'close()');
    }
  });
}

test("an initialize handler's refusal over Streamable HTTP is the client's answer", async () => {
  const server = new Server({ name: 's', version: '0' }, { capabilities: {} });
  server.setRequestHandler(Initialize, () => {
    throw Object.assign(new Error('Unsupported protocol version'), { code: -32602 });
  });
  const web = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'i-2' });
  await server.connect(web);
  try {
    const answer = await messageOf(await web.handleRequest(webPost({ jsonrpc: '2.0', id: 1, method: 'initialize', params: PARAMS })));
    assert.deepEqual(answer.error, { code: -32602, message: 'Unsupported protocol version' });
  } finally {
    await within(server.close(), 10_000, 'close()');
  }
});
