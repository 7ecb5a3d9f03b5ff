/**
 * A client's `notifications/cancelled` aborts the handler's `signal` with the reason the
 * client gave, as the official SDK's server aborts it, over a message transport of another
 * package and over the SDK's Streamable HTTP transport; without a reason, the signal's is
 * mcpforge's `AbortError`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { McpServer, WebStandardStreamableHTTPServerTransport } from '../lib/index.mjs';
import { ACCEPT, INIT, deferred, linkedClient, within } from './helpers.mjs';

/** A server whose `wait` tool resolves `started` and settles with its signal's reason once aborted. */
function waitingServer() {
  const mcp = new McpServer({ name: 's', version: '0' });
  let started = deferred();
  let aborted = deferred();
  mcp.registerTool('wait', { inputSchema: z.object({}) }, async (_args, extra) => {
    const signal = extra.signal;
    const reasonSeen = aborted;
    started.resolve();
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    reasonSeen.resolve(signal.reason);
    return { content: [] };
  });
  return {
    mcp,
    /** Resolves once the tool started; then `reason()` resolves to its signal's reason. */
    started: () => within(started.promise, 10_000, 'the tool to start'),
    reason: () => within(aborted.promise, 10_000, 'the abort'),
    again: () => {
      started = deferred();
      aborted = deferred();
    },
  };
}

const CALL = (id) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'wait', arguments: {} } });
const CANCEL = (requestId, reason) => ({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, ...(reason && { reason }) } });

test("the handler's signal carries the client's cancellation reason over a message transport", async () => {
  const server = waitingServer();
  const client = await linkedClient(server.mcp);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: INIT.params });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });

    client.send(CALL(2));
    await server.started();
    client.send(CANCEL(2, 'Error: user cancelled the export'));
    assert.equal(await server.reason(), 'Error: user cancelled the export');

    // Without a reason, mcpforge's own.
    server.again();
    client.send(CALL(3));
    await server.started();
    client.send(CANCEL(3));
    const reason = await server.reason();
    assert.equal(reason.name, 'AbortError');

    client.send({ jsonrpc: '2.0', id: 4, method: 'ping' });
    assert.deepEqual((await client.next((m) => m.id === 4, 'the ping answer')).result, {});
  } finally {
    await server.mcp.close();
  }
});

test("the handler's signal carries the client's cancellation reason over Streamable HTTP", async () => {
  const server = waitingServer();
  const web = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'c-1' });
  await server.mcp.connect(web);
  const post = (body, session) =>
    new Request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2025-11-25', ...(session && { 'mcp-session-id': session }) },
      body: JSON.stringify(body),
    });
  try {
    const opened = await web.handleRequest(post(INIT));
    await opened.text();
    const session = opened.headers.get('mcp-session-id');
    assert.equal((await web.handleRequest(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session))).status, 202);
    const call = web.handleRequest(post(CALL(2), session));
    await server.started();
    const cancelled = await web.handleRequest(post(CANCEL(2, 'user cancelled the export'), session));
    assert.equal(cancelled.status, 202);
    assert.equal(await server.reason(), 'user cancelled the export');
    await (await within(call, 10_000, 'the call answer')).text();
  } finally {
    await within(server.mcp.close(), 10_000, 'close()');
  }
});

test("what the request was stays readable from the handler's abort listener", async () => {
  const mcp = new McpServer({ name: 's', version: '0' });
  const heard = deferred();
  mcp.registerTool('wait', { inputSchema: z.object({}) }, (_args, extra) =>
    new Promise((_resolve, reject) => {
      extra.signal.addEventListener('abort', () => {
        // The SDK's handlers read the request after its cancellation (its id, to report it).
        try {
          heard.resolve({ requestId: extra.requestId, reason: String(extra.signal.reason) });
        } catch (e) {
          heard.resolve({ error: e.message });
        }
        reject(new Error('cancelled'));
      });
    }),
  );
  const client = await linkedClient(mcp);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: INIT.params });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send(CALL(7));
    client.send({ jsonrpc: '2.0', id: 8, method: 'ping' });
    await client.next((m) => m.id === 8, 'the ping answer');
    client.send(CANCEL(7, 'user cancelled'));
    assert.deepEqual(await within(heard.promise, 10_000, 'the abort listener'), { requestId: 7, reason: 'user cancelled' });
  } finally {
    await mcp.close();
  }
});
