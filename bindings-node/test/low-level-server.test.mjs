/**
 * The official SDK's low-level `Server` (`mcpforge/server/index.js`): a server made only of
 * request handlers (the shape of published servers written before `McpServer`) advertises
 * what `options.capabilities` declares and answers through its handlers; it is the same
 * kind of object as an `McpServer`'s `server`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { Server } from '../lib/sdk/server/index.mjs';
import { McpServer } from '../lib/index.mjs';
import { linkedClient } from './helpers.mjs';

const ListTools = z.object({ method: z.literal('tools/list'), params: z.object({ cursor: z.string().optional() }).optional() });
const CallTool = z.object({ method: z.literal('tools/call'), params: z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()).optional() }) });

test('a server of request handlers lists and calls its tools through them', async () => {
  const server = new Server({ name: 'low-level', version: '1.2.3' }, { capabilities: { tools: {} }, instructions: 'handlers only' });
  server.setRequestHandler(ListTools, async () => ({ tools: [{ name: 'add', inputSchema: { type: 'object', properties: { a: { type: 'number' } } } }] }));
  server.setRequestHandler(CallTool, async (request) => ({ content: [{ type: 'text', text: `${request.params.name}:${request.params.arguments.a + 1}` }] }));
  const initialized = new Promise((resolve) => {
    server.oninitialized = resolve;
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '9' } } });
    const init = (await client.next((m) => m.id === 1, 'the initialize answer')).result;
    assert.deepEqual(init.serverInfo, { name: 'low-level', version: '1.2.3' });
    assert.equal(init.instructions, 'handlers only');
    assert.ok(init.capabilities.tools, JSON.stringify(init.capabilities));
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await initialized;
    assert.deepEqual(server.getClientVersion(), { name: 'c', version: '9' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    assert.deepEqual((await client.next((m) => m.id === 2, 'tools/list')).result.tools.map((t) => t.name), ['add']);
    client.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'add', arguments: { a: 41 } } });
    assert.deepEqual((await client.next((m) => m.id === 3, 'tools/call')).result.content, [{ type: 'text', text: 'add:42' }]);
    assert.ok(server.transport);
  } finally {
    await server.close();
  }
  assert.equal(server.transport, undefined);
});

test("an McpServer's server is a low-level server of the same kind", () => {
  const mcp = new McpServer({ name: 'm', version: '1' });
  assert.equal(Object.getPrototypeOf(Server.prototype), Object.getPrototypeOf(mcp.server));
  assert.equal(typeof mcp.server.setRequestHandler, 'function');
  assert.equal(typeof mcp.server.setNotificationHandler, 'function');
});
