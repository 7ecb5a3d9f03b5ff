/**
 * A low-level server's own `initialize` handler (`setRequestHandler(InitializeRequestSchema)`)
 * answers the handshake of a connection whose messages pass through JavaScript, as on the
 * SDK: the client gets the handler's result (or its error), and the engine serves the
 * session at the version the handler answered.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { Server } from '../lib/sdk/server/index.mjs';
import { linkedClient } from './helpers.mjs';

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
