/**
 * A low-level request handler (`setRequestHandler`) that throws answers a JSON-RPC error, as
 * the SDK's protocol layer answers it: -32603 with the error's message (or the error's own
 * integer `code`), even for `tools/call`, whose `McpServer` tools answer `isError` results.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { Server } from '../lib/sdk/server/index.mjs';
import { linkedClient } from './helpers.mjs';

const CallTool = z.object({ method: z.literal('tools/call'), params: z.object({ name: z.string() }).passthrough() });
const ListPrompts = z.object({ method: z.literal('prompts/list'), params: z.object({}).passthrough().optional() });

test('a throwing low-level handler answers a JSON-RPC error with its message', async () => {
  const server = new Server({ name: 's', version: '0' }, { capabilities: { tools: {}, prompts: {} } });
  server.setRequestHandler(CallTool, () => {
    throw new Error('handler exploded');
  });
  server.setRequestHandler(ListPrompts, async () => {
    throw Object.assign(new Error('not today'), { code: -32042 });
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '0' } } });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'any', arguments: {} } });
    const call = await client.next((m) => m.id === 2, 'tools/call');
    assert.equal(call.result, undefined, JSON.stringify(call));
    assert.equal(call.error.code, -32603);
    assert.match(call.error.message, /handler exploded/);
    client.send({ jsonrpc: '2.0', id: 3, method: 'prompts/list' });
    const list = await client.next((m) => m.id === 3, 'prompts/list');
    assert.equal(list.error.code, -32042);
    assert.match(list.error.message, /not today/);
  } finally {
    await server.close();
  }
});
