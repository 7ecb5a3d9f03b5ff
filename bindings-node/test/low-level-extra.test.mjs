/**
 * A low-level request handler's `extra` acts on its own request, as the official SDK's does:
 * `extra.sendNotification` sends log messages and progress with the request,
 * `extra.sendRequest` asks that request's client (here `roots/list`) and resolves to the
 * answer, `extra.signal` aborts with the reason the client gave; and a plain middleware has
 * the request's `Context` as `context.ctx`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { Server } from '../lib/sdk/server/index.mjs';
import { deferred, linkedClient, withServer, within } from './helpers.mjs';

const CallTool = z.object({ method: z.literal('tools/call'), params: z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()).optional() }) });
const Roots = z.object({ roots: z.array(z.object({ uri: z.string() })) });

test("a low-level handler's extra notifies and asks on its own request", async () => {
  const server = new Server({ name: 'low-level', version: '1' }, { capabilities: { tools: {}, logging: {} } });
  server.setRequestHandler(CallTool, async (_request, extra) => {
    await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'working', logger: 'll' } });
    await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: 'tok', progress: 1, total: 2 } });
    const { roots } = await extra.sendRequest({ method: 'roots/list', params: {} }, Roots);
    return { content: [{ type: 'text', text: `${roots.length} roots` }] };
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { roots: {} }, clientInfo: { name: 'c', version: '1' } } });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'any', arguments: {}, _meta: { progressToken: 'tok' } } });
    const log = await client.next((m) => m.method === 'notifications/message', 'the log message');
    assert.deepEqual(log.params, { level: 'info', data: 'working', logger: 'll' });
    const progress = await client.next((m) => m.method === 'notifications/progress', 'the progress');
    assert.deepEqual(progress.params, { progressToken: 'tok', progress: 1, total: 2 });
    const ask = await client.next((m) => m.method === 'roots/list' && m.id !== undefined, 'the roots request');
    client.send({ jsonrpc: '2.0', id: ask.id, result: { roots: [{ uri: 'file:///a' }, { uri: 'file:///b' }] } });
    const answer = await client.next((m) => m.id === 2, 'the tools/call answer');
    assert.deepEqual(answer.result, { content: [{ type: 'text', text: '2 roots' }] });
  } finally {
    await server.close();
  }
});

test("a 2.x low-level handler's ctx.mcpReq logs and asks on its own request", async () => {
  const server = new Server({ name: 'low-level', version: '1' }, { capabilities: { tools: {}, logging: {} } });
  server.setRequestHandler('tools/call', async (request, ctx) => {
    await ctx.mcpReq.log('info', `calling ${request.params.name}`, 'v2');
    const { roots } = await ctx.mcpReq.send({ method: 'roots/list', params: {} }, Roots);
    return { content: [{ type: 'text', text: `${ctx.mcpReq.method} saw ${roots.length} roots` }] };
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { roots: {} }, clientInfo: { name: 'c', version: '1' } } });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'any', arguments: {} } });
    const log = await client.next((m) => m.method === 'notifications/message', 'the log message');
    assert.deepEqual(log.params, { level: 'info', data: 'calling any', logger: 'v2' });
    const ask = await client.next((m) => m.method === 'roots/list' && m.id !== undefined, 'the roots request');
    client.send({ jsonrpc: '2.0', id: ask.id, result: { roots: [{ uri: 'file:///a' }] } });
    const answer = await client.next((m) => m.id === 2, 'the tools/call answer');
    assert.deepEqual(answer.result, { content: [{ type: 'text', text: 'tools/call saw 1 roots' }] });
  } finally {
    await server.close();
  }
});

test("a low-level handler's extra.signal aborts with the client's reason", async () => {
  const server = new Server({ name: 'low-level', version: '1' }, { capabilities: { tools: {} } });
  const aborted = deferred();
  server.setRequestHandler(CallTool, async (_request, extra) => {
    extra.signal.addEventListener('abort', () => aborted.resolve(extra.signal.reason));
    await within(aborted.promise, 20_000, 'the abort');
    return { content: [] };
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'slow', arguments: {} } });
    // Cancel until the handler has seen it (the request may not have reached it yet).
    let reason;
    for (let i = 0; i < 100 && reason === undefined; i += 1) {
      client.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2, reason: 'the user gave up' } });
      reason = await Promise.race([aborted.promise, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    assert.equal(reason, 'the user gave up');
  } finally {
    await server.close();
  }
});

test('a middleware logs on the request it sees', async () => {
  await withServer(
    (server) => {
      server.tool('echo', { description: 'Echoes', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (args) => args.text);
      server.use(async (context, next) => {
        context.ctx.log('info', `before ${context.name}`);
        return next();
      });
    },
    async (_server, client) => {
      const result = await client.callTool('echo', { text: 'hi' });
      assert.equal(result.content[0].text, 'hi');
      const message = await within(client.nextMessage(5000), 6000, 'the log message');
      assert.equal(message?.method, 'notifications/message');
      assert.equal(message.params.data, 'before echo');
    },
  );
});

test("a low-level handler's extra sends a notification of the application's own method on its request", async () => {
  const server = new Server({ name: 'low-level', version: '1' }, { capabilities: { tools: {} } });
  server.setRequestHandler(CallTool, async (_request, extra) => {
    await extra.sendNotification({ method: 'notifications/_app/event', params: { n: 1 } });
    await extra.sendNotification({ method: 'notifications/_app/bare' });
    return { content: [] };
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'any', arguments: {} } });
    const event = await client.next((m) => m.method === 'notifications/_app/event', 'the notification');
    assert.deepEqual(event.params, { n: 1 });
    await client.next((m) => m.method === 'notifications/_app/bare', 'the notification without params');
    const answer = await client.next((m) => m.id === 2, 'the tools/call answer');
    assert.deepEqual(answer.result, { content: [] });
  } finally {
    await server.close();
  }
});
