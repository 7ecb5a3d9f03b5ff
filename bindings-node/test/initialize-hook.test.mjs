/**
 * The initialize hook of mcpforge's own API (`server.onInitialize(hook)`): the hook sees the
 * client's `initialize` params and the engine's answer and decides the answer; `undefined`
 * keeps the engine's; an `McpError` refuses the handshake with its code; another throw
 * answers an internal error and reaches the error hook; `null` removes the hook.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { McpError, Server } from '../lib/index.mjs';
import { within } from './helpers.mjs';

const CLIENT = { name: 'hooked-client', version: '3' };

/** Runs `fn(server)` on a new server, closed afterwards. */
async function withHooked(fn, options = {}) {
  const server = new Server({ name: 'engine-name', version: '1.0.0', ...options });
  try {
    return await fn(server);
  } finally {
    await within(server.close(), 10_000, 'server.close()');
  }
}

test('the hook sees the client and the engine answer, and shapes the answer', async () => {
  await withHooked(async (server) => {
    const seen = [];
    server.onInitialize((handshake) => {
      seen.push(handshake);
      return { ...handshake.answer, serverInfo: { name: 'shaped', version: '2' }, instructions: 'be brief' };
    });
    const client = await server.testClient({ protocolVersion: '2025-06-18', clientInfo: CLIENT });
    assert.deepEqual(client.initializeResult.serverInfo, { name: 'shaped', version: '2' });
    assert.equal(client.initializeResult.instructions, 'be brief');
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0].params.clientInfo, CLIENT);
    assert.equal(seen[0].answer.protocolVersion, '2025-06-18');
    assert.equal(seen[0].answer.serverInfo.name, 'engine-name');
    assert.equal(seen[0].repeated, false);
  });
});

test("undefined keeps the engine's answer; null removes the hook", async () => {
  await withHooked(async (server) => {
    let calls = 0;
    server.onInitialize(() => {
      calls += 1;
    });
    const first = await server.testClient();
    assert.equal(first.initializeResult.serverInfo.name, 'engine-name');
    server.onInitialize(null);
    await server.testClient();
    assert.equal(calls, 1);
  });
});

test('an McpError refuses the handshake; another throw is an internal error told to the error hook', async () => {
  const failures = [];
  await withHooked(
    async (server) => {
      server.onInitialize(() => {
        throw new McpError(-32602, 'not this version');
      });
      await assert.rejects(server.testClient(), (e) => e.code === -32602 && /not this version/.test(e.message));
      server.onInitialize(() => {
        throw new Error('the hook broke');
      });
      await assert.rejects(server.testClient(), (e) => e.code === -32603 && /the hook broke/.test(e.message));
      assert.deepEqual(failures, [{ message: 'the hook broke', kind: 'initialize hook' }]);
    },
    { onError: (e, info) => failures.push({ message: e.message, kind: info.kind }), logger: { error() {} } },
  );
});
