/**
 * Subscriptions a published server keeps itself (server-memory's shape): it declares them
 * with `registerCapabilities({ resources: { subscribe: true } })` and answers
 * `resources/subscribe` with a low-level handler; the client is told `resources.subscribe`,
 * and `sendResourceUpdated` reaches a client that subscribed, not one that unsubscribed;
 * declared in the constructor's `capabilities` instead, they are advertised too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { McpServer } from '../lib/index.mjs';
import { linkedClient } from './helpers.mjs';

const Subscribe = z.object({ method: z.literal('resources/subscribe'), params: z.object({ uri: z.string() }) });
const Unsubscribe = z.object({ method: z.literal('resources/unsubscribe'), params: z.object({ uri: z.string() }) });
const URI = 'memory://graph';

test('registerCapabilities subscribe is advertised and sendResourceUpdated reaches the subscriber', async () => {
  const mcp = new McpServer({ name: 'memory-like', version: '1' });
  mcp.registerResource('graph', URI, { mimeType: 'application/json' }, async (uri) => ({ contents: [{ uri: uri.href, text: '{}' }] }));
  const subscribers = new Set();
  mcp.server.registerCapabilities({ resources: { subscribe: true } });
  mcp.server.setRequestHandler(Subscribe, async (request) => {
    subscribers.add(request.params.uri);
    return {};
  });
  mcp.server.setRequestHandler(Unsubscribe, async (request) => {
    subscribers.delete(request.params.uri);
    return {};
  });
  const client = await linkedClient(mcp);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    const init = await client.next((m) => m.id === 1, 'the initialize answer');
    assert.equal(init.result.capabilities.resources.subscribe, true);
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: URI } });
    assert.deepEqual((await client.next((m) => m.id === 2, 'the subscribe answer')).result, {});
    assert.deepEqual([...subscribers], [URI]);
    mcp.server.sendResourceUpdated({ uri: URI });
    const updated = await client.next((m) => m.method === 'notifications/resources/updated', 'the update');
    assert.deepEqual(updated.params, { uri: URI });
    client.send({ jsonrpc: '2.0', id: 3, method: 'resources/unsubscribe', params: { uri: URI } });
    await client.next((m) => m.id === 3, 'the unsubscribe answer');
    mcp.server.sendResourceUpdated({ uri: URI });
    // A request after it: its answer comes after any notification sent before it.
    client.send({ jsonrpc: '2.0', id: 4, method: 'ping' });
    await client.next((m) => m.id === 4, 'the ping answer');
    assert.deepEqual(client.unclaimed().filter((m) => m.method === 'notifications/resources/updated'), []);
  } finally {
    await mcp.close();
  }
});

test('subscriptions declared in the constructor are advertised as the SDK advertises them', async () => {
  const mcp = new McpServer({ name: 'everything-like', version: '1' }, { capabilities: { resources: { subscribe: true } } });
  mcp.registerResource('graph', URI, {}, async (uri) => ({ contents: [{ uri: uri.href, text: '{}' }] }));
  const client = await linkedClient(mcp);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    const init = await client.next((m) => m.id === 1, 'the initialize answer');
    assert.deepEqual(init.result.capabilities.resources, { subscribe: true, listChanged: true });
  } finally {
    await mcp.close();
  }
});
