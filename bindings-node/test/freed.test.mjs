/**
 * A server nobody holds any more is freed by the garbage collector, even when its handlers
 * reach the server itself (the official SDK's per-session servers, whose tools call
 * `server.sendLoggingMessage`): the engine holds the function it calls handlers through
 * only weakly. A mounted application keeps its server alive while it is held.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '../lib/index.mjs';
import { collectGarbage, modernCall } from './helpers.mjs';

/** A server whose tool reaches the server (as a handler calling it does). */
function selfReachingServer() {
  const server = new Server({ name: 'freed', version: '1.0.0' });
  server.tool('name', { description: 'The server name' }, () => server.constructor.name);
  return server;
}

test('a server nobody holds is freed although its handlers reach it', async () => {
  let freed = 0;
  const registry = new FinalizationRegistry(() => (freed += 1));
  const servers = 5;
  for (let i = 0; i < servers; i += 1) registry.register(selfReachingServer(), i);
  assert.ok(await collectGarbage(() => freed === servers), `${freed} of ${servers} servers were freed`);
});

test('a mounted application keeps its server alive and serving', async () => {
  let freed = false;
  const registry = new FinalizationRegistry(() => (freed = true));
  const handler = (() => {
    const server = selfReachingServer();
    registry.register(server, 'mounted');
    return server.fetchHandler();
  })();
  await collectGarbage(() => freed);
  assert.equal(freed, false, 'the server of a held application was freed');
  const { headers, body } = modernCall('name');
  const response = await handler(new Request('http://localhost/mcp', { method: 'POST', headers: { ...headers, host: 'localhost' }, body }));
  assert.equal(response.status, 200);
  assert.match(await response.text(), /Server/);
});
