/**
 * The `Client`'s subscriptions and tasks over Streamable HTTP to an mcpforge listener on
 * 127.0.0.1, on both wires: `subscribeResource` (a listen stream on 2026-07-28,
 * `resources/subscribe` on a 2025-11-25 session) brings the resource's updates to the
 * notification handler and `unsubscribeResource` stops them; through
 * `client.experimental.tasks`, a tool called as a task gives its result, is cancelled, and
 * asks for input answered by the client's elicitation handler.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { Client, Server, StreamableHTTPClientTransport } from '../lib/index.mjs';
import { deferred, within } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { SUBSCRIPTIONS } = require('../lib/internal-hooks.js');

const WATCHED = 'memo://watched';
const MARKER = 'memo://marker';

/** The test server: two subscribable resources; `quick`, `gated` and `asks` may run as tasks. */
function makeServer(gate) {
  const server = new Server({ name: 'listen-test', version: '1.0.0' });
  server[SUBSCRIPTIONS](true);
  server.resource('watched', WATCHED, { mimeType: 'text/plain' }, () => 'now');
  server.resource('marker', MARKER, { mimeType: 'text/plain' }, () => 'marker');
  const optional = { execution: { taskSupport: 'optional' } };
  server.tool('quick', { ...optional, inputSchema: { type: 'object', properties: { n: { type: 'integer' } } } }, ({ n }) => `quick ${n}`);
  server.tool('gated', optional, async () => {
    await gate.promise;
    return 'released';
  });
  server.tool('asks', optional, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } });
    return `name=${answer.content.name}`;
  });
  return server;
}

async function listening(server) {
  const ready = deferred();
  const done = server.listen({ handleSignals: false, http: { host: '127.0.0.1', port: 0, quiet: true, onListening: ready.resolve } });
  const { port } = await within(ready.promise, 10_000, 'the listener');
  const stop = async () => {
    await server.close();
    await within(done, 10_000, 'listen() to return');
  };
  return { url: new URL(`http://127.0.0.1:${port}/mcp`), stop };
}

for (const protocol of ['2025-11-25', 'stateless']) {
  test(`subscriptions and a task over Streamable HTTP (${protocol})`, async () => {
    const gate = deferred();
    const server = makeServer(gate);
    const { url, stop } = await listening(server);
    const client = new Client({ name: 'listen-test', version: '1.0.0' }, { protocol, capabilities: { elicitation: {} } });
    client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { name: 'Ada' } }));
    const updates = [];
    let updated = deferred();
    client.setNotificationHandler('notifications/resources/updated', ({ params }) => {
      updates.push(params.uri);
      updated.resolve();
    });
    const nextUpdate = async () => {
      await within(updated.promise, 10_000, 'an update');
      updated = deferred();
      if (updates.length > 1) updated.resolve();
      return updates.shift();
    };
    try {
      await client.connect(new StreamableHTTPClientTransport(url));
      await client.subscribeResource({ uri: WATCHED });
      server.notifyResourceUpdated(WATCHED);
      assert.equal(await nextUpdate(), WATCHED);
      await client.subscribeResource({ uri: MARKER });
      await client.unsubscribeResource({ uri: WATCHED });
      server.notifyResourceUpdated(WATCHED);
      server.notifyResourceUpdated(MARKER);
      assert.equal(await nextUpdate(), MARKER, 'no update of a resource unsubscribed');

      const { tasks } = client.experimental;
      const quick = [];
      for await (const message of tasks.callToolStream({ name: 'quick', arguments: { n: 7 } })) quick.push(message);
      assert.equal(quick[0].type, 'taskCreated', JSON.stringify(quick));
      assert.equal(quick.at(-1).type, 'result', JSON.stringify(quick));
      assert.equal(quick.at(-1).result.content[0].text, 'quick 7');

      const started = await client.request({ method: 'tools/call', params: { name: 'gated', arguments: {}, task: {} } });
      const task = started.task ?? started;
      assert.equal((await tasks.getTask(task.taskId)).status, 'working');
      await tasks.cancelTask(task.taskId);
      assert.equal((await tasks.getTask(task.taskId)).status, 'cancelled');

      const released = tasks.callToolStream({ name: 'gated', arguments: {} });
      const created = await released.next();
      assert.equal(created.value.type, 'taskCreated');
      gate.resolve();
      let last;
      for await (const message of released) last = message;
      assert.equal(last.type, 'result', JSON.stringify(last));
      assert.equal(last.result.content[0].text, 'released');

      let asked;
      for await (const message of tasks.callToolStream({ name: 'asks', arguments: {} })) asked = message;
      assert.equal(asked.type, 'result', JSON.stringify(asked));
      assert.equal(asked.result.content[0].text, 'name=Ada');
      if (protocol !== 'stateless') assert.ok((await tasks.listTasks()).tasks.length >= 4);
    } finally {
      await client.close();
      await stop();
    }
  });
}
