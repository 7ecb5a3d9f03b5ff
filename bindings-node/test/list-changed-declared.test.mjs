/**
 * `listChanged` as the application declares it, per list, as the SDK advertises it: the
 * low-level `Server` advertises (and the engine tells) list changes only for the lists it
 * declares `listChanged: true`, until a registration claims it; the 2.x `McpServer` keeps a
 * declared `listChanged: false`; and a list named in `debouncedNotificationMethods` is told
 * once for the changes of one turn of the loop (with the other lists changed in that turn).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { McpServer } from '../lib/sdk/server/mcp.mjs';
import { Server } from '../lib/sdk/server/index.mjs';
import { linkedClient } from './helpers.mjs';
import v2 from '../lib/sdk/v2/server.js';

const PARAMS = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '0' } };
const ListTools = z.object({ method: z.literal('tools/list') });
const ListPrompts = z.object({ method: z.literal('prompts/list') });
const ListResources = z.object({ method: z.literal('resources/list') });

/** Initializes `client`; resolves to the server's capabilities. */
async function handshake(client) {
  client.send({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: PARAMS });
  const answer = await client.next((m) => m.id === 'init', 'the initialize answer');
  client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return answer.result.capabilities;
}

/** The list-changed notifications sent so far: everything queued before a ping's answer. */
async function changesSoFar(client, id) {
  client.send({ jsonrpc: '2.0', id, method: 'ping' });
  await client.next((m) => m.id === id, 'the ping answer');
  return client.unclaimed().filter((m) => /list_changed$/.test(m.method ?? '')).map((m) => m.method);
}

test('the low-level Server advertises and tells only the lists declared listChanged: true', async () => {
  const server = new Server({ name: 's', version: '0' }, { capabilities: { tools: { listChanged: true }, prompts: {}, resources: {} } });
  server.setRequestHandler(ListTools, () => ({ tools: [] }));
  server.setRequestHandler(ListPrompts, () => ({ prompts: [] }));
  server.setRequestHandler(ListResources, () => ({ resources: [] }));
  const client = await linkedClient(server);
  try {
    const caps = await handshake(client);
    assert.equal(caps.tools.listChanged, true);
    assert.ok(!caps.prompts.listChanged, JSON.stringify(caps));
    assert.ok(!caps.resources.listChanged, JSON.stringify(caps));
    await server.sendPromptListChanged();
    await server.sendResourceListChanged();
    await server.sendToolListChanged();
    assert.deepEqual(await changesSoFar(client, 1), ['notifications/tools/list_changed']);
  } finally {
    await server.close();
  }
});

test("an SDK 2.x McpServer keeps a declared listChanged: false", async () => {
  const mcp = new v2.McpServer({ name: 's', version: '0' }, { capabilities: { tools: { listChanged: false } } });
  mcp.registerTool('first', { inputSchema: z.object({}) }, () => ({ content: [] }));
  const client = await linkedClient(mcp);
  try {
    const caps = await handshake(client);
    assert.equal(caps.tools.listChanged, false);
    mcp.registerTool('second', { inputSchema: z.object({}) }, () => ({ content: [] }));
    assert.deepEqual(await changesSoFar(client, 1), []);
  } finally {
    await mcp.close();
  }
});

test('a debounced list is told once for the changes of one turn of the loop', async () => {
  const mcp = new McpServer({ name: 's', version: '0' }, { debouncedNotificationMethods: ['notifications/tools/list_changed'] });
  mcp.registerTool('seed', { inputSchema: z.object({}) }, () => ({ content: [] }));
  mcp.registerPrompt('seed', { description: '' }, () => ({ messages: [] }));
  const client = await linkedClient(mcp);
  try {
    await handshake(client);
    const before = (await changesSoFar(client, 1)).length;
    for (const name of ['a', 'b', 'c']) {
      mcp.registerTool(name, { inputSchema: z.object({}) }, () => ({ content: [] }));
      mcp.registerPrompt(name, { description: '' }, () => ({ messages: [] }));
    }
    // The held changes are told a microtask later: let the loop turn before the round trip.
    await new Promise((resolve) => setImmediate(resolve));
    const told = (await changesSoFar(client, 2)).slice(before);
    assert.deepEqual(told.filter((m) => m.startsWith('notifications/tools')), ['notifications/tools/list_changed']);
    // The hold covers every list of that turn: the prompts changed with them are told once too.
    assert.deepEqual(told.filter((m) => m.startsWith('notifications/prompts')), ['notifications/prompts/list_changed']);
  } finally {
    await mcp.close();
  }
});
