/**
 * A server nobody holds any more is freed by the garbage collector, even when its handlers
 * reach the server itself (the official SDK's per-session servers, whose tools call
 * `server.sendLoggingMessage`): the engine holds the function it calls handlers through
 * only weakly. A mounted application keeps its server alive while it is held.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Server } from '../lib/index.mjs';
import { modernCall } from './helpers.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Collects garbage until `done()` or 50 rounds have passed (each after a turn of the event loop). */
async function collectUntil(done) {
  for (let round = 0; round < 50 && !done(); round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
  }
  return done();
}

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
  assert.ok(await collectUntil(() => freed === servers), `${freed} of ${servers} servers were freed`);
});

test('a mounted application keeps its server alive and serving', async () => {
  let freed = false;
  const registry = new FinalizationRegistry(() => (freed = true));
  const handler = (() => {
    const server = selfReachingServer();
    registry.register(server, 'mounted');
    return server.fetchHandler();
  })();
  await collectUntil(() => freed);
  assert.equal(freed, false, 'the server of a held application was freed');
  const { headers, body } = modernCall('name');
  const response = await handler(new Request('http://localhost/mcp', { method: 'POST', headers: { ...headers, host: 'localhost' }, body }));
  assert.equal(response.status, 200);
  assert.match(await response.text(), /Server/);
});
