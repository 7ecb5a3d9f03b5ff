/**
 * `McpServer.connect` over a message transport of another package (an object with
 * `start()`, `send()`, `close()`): a notification a synchronous call queues (a handle's
 * change, a list change, a log message) is sent before that call returns, as the official
 * SDK's reaches an in-memory client within the same tick; a notification followed by more
 * messages lets the loop turn before the next one goes out, so a client that handles
 * notifications a microtask later still sees a request's progress before its response;
 * `extra.sendNotification` works when destructured; handlers read the transport's
 * `sessionId`. A client notification is taken in before the transport's call returns;
 * outside handlers, `server.getClientCapabilities()` is what that client declared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { McpServer } from '../lib/index.mjs';
import { collectGarbage, within } from './helpers.mjs';

/**
 * The server's end of an in-process pair, written here: what the server sends is kept in
 * `sent` (each with how many earlier notifications a microtask had handled by then), and
 * `request()` hands a client request in and resolves to its response.
 */
function pair() {
  const sent = [];
  const handled = [];
  const waiting = new Map();
  const transport = {
    async start() {},
    async send(message) {
      sent.push({ message, handledBefore: handled.length });
      if (message.id === undefined) queueMicrotask(() => handled.push(message));
      else waiting.get(message.id)?.(message);
    },
    async close() {
      transport.onclose?.();
    },
  };
  let nextId = 1;
  const request = (method, params = {}) => {
    const id = nextId++;
    const answered = new Promise((resolve) => waiting.set(id, resolve));
    transport.onmessage({ jsonrpc: '2.0', id, method, params });
    return within(answered, 10_000, method);
  };
  const notifications = () => sent.filter((s) => s.message.id === undefined).map((s) => s.message.method);
  return { transport, sent, request, notifications };
}

/** Connects `mcp` to a new pair (its `sessionId` given) and completes the handshake. */
async function connected(mcp, sessionId) {
  const p = pair();
  if (sessionId !== undefined) p.transport.sessionId = sessionId;
  await mcp.connect(p.transport);
  await p.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } });
  p.transport.onmessage({ jsonrpc: '2.0', method: 'notifications/initialized' });
  await p.request('ping');
  return p;
}

test('list changes a call queues are sent before the call returns', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' }, { capabilities: { logging: {} } });
  const tool = mcp.registerTool('a', {}, () => ({ content: [] }));
  mcp.registerPrompt('p', {}, () => ({ messages: [] }));
  const p = await connected(mcp);
  try {
    assert.deepEqual(p.notifications(), []);
    tool.update({ description: 'changed' });
    assert.deepEqual(p.notifications(), ['notifications/tools/list_changed']);
    mcp.registerResource('r', 'test://r', {}, () => ({ contents: [] }));
    assert.deepEqual(p.notifications().at(-1), 'notifications/resources/list_changed');
    mcp.sendPromptListChanged();
    assert.deepEqual(p.notifications().at(-1), 'notifications/prompts/list_changed');
    tool.remove();
    assert.deepEqual(p.notifications().at(-1), 'notifications/tools/list_changed');
    await mcp.server.sendLoggingMessage({ level: 'info', data: 'hello' });
    assert.deepEqual(p.sent.at(-1).message.params, { level: 'info', data: 'hello' });
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('progress sent by a destructured sendNotification reaches the client before the response', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('steps', { inputSchema: { n: z.number() } }, async ({ n }, { sendNotification, _meta }) => {
    for (let i = 1; i <= n; i++) {
      await sendNotification({ method: 'notifications/progress', params: { progressToken: _meta.progressToken, progress: i, total: n } });
    }
    return { content: [{ type: 'text', text: 'done' }] };
  });
  const p = await connected(mcp);
  try {
    const response = await p.request('tools/call', { name: 'steps', arguments: { n: 3 }, _meta: { progressToken: 'tok' } });
    assert.deepEqual(response.result.content, [{ type: 'text', text: 'done' }]);
    const call = p.sent.slice(p.sent.findIndex((s) => s.message.method === 'notifications/progress'));
    assert.deepEqual(
      call.map((s) => s.message.params?.progress ?? 'response'),
      [1, 2, 3, 'response'],
    );
    // Each notification was handled (a microtask after it was sent) before the response went out.
    assert.equal(call.at(-1).handledBefore, p.notifications().length);
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test("handlers read the transport's sessionId as theirs", async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('who', {}, (extra) => ({ content: [{ type: 'text', text: String(extra.sessionId) }] }));
  const p = await connected(mcp, 'session-7');
  try {
    const response = await p.request('tools/call', { name: 'who', arguments: {} });
    assert.deepEqual(response.result.content, [{ type: 'text', text: 'session-7' }]);
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('notifications/initialized is taken before the transport call returns', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('a', {}, () => ({ content: [] }));
  const p = pair();
  await mcp.connect(p.transport);
  try {
    await p.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } });
    p.transport.onmessage({ jsonrpc: '2.0', method: 'notifications/initialized' });
    // No turn of the loop between: the session is initialized already, so it hears of this.
    mcp.sendToolListChanged();
    assert.deepEqual(p.notifications(), ['notifications/tools/list_changed']);
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test("outside a handler, server.getClientCapabilities() is what the transport's client declared", async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  const p = pair();
  await mcp.connect(p.transport);
  try {
    assert.equal(mcp.server.getClientCapabilities(), undefined);
    const capabilities = { extensions: { 'com.example/x': { streaming: true } } };
    await p.request('initialize', { protocolVersion: '2025-06-18', capabilities, clientInfo: { name: 'c', version: '7' } });
    assert.deepEqual(mcp.server.getClientCapabilities(), capabilities);
    assert.deepEqual(mcp.server.getClientVersion(), { name: 'c', version: '7' });
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
  assert.equal(mcp.server.getClientCapabilities(), undefined);
});

test('a server held only through its transport keeps serving', async () => {
  // Nothing but the transport (and the client behind it) holds the server.
  const p = await (async () => {
    const mcp = new McpServer({ name: 't', version: '1.0.0' });
    mcp.registerTool('hi', {}, () => ({ content: [{ type: 'text', text: 'hi' }] }));
    return connected(mcp);
  })();
  await collectGarbage();
  const answer = await p.request('tools/call', { name: 'hi', arguments: {} });
  assert.equal(answer.result.content[0].text, 'hi');
  await p.transport.close();
});
