/**
 * How the `Client`'s outcomes reach JavaScript on stdio, where the child's pipes are read on
 * this thread's event loop: the answers one read brings are handed over in one delivery,
 * each to its own call and in the order they came; notifications keep their place before
 * the result of the call that sent them; and closing with calls in flight settles every one
 * of them, none lost.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client, McpError, StdioClientTransport } from '../lib/index.mjs';
import native from '../lib/native.js';
import { deferred, within } from './helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const TARGET = join(HERE, 'fixtures', 'client-target.mjs');
const BURST = 100;

/** The native client on the client-target child, recording every delivery. */
async function nativeClient() {
  const deliveries = [];
  let arrived = deferred();
  const client = new native.NativeClient((count, items) => {
    if (count === 0) return;
    deliveries.push(items.split('\n'));
    arrived.resolve();
  });
  await client.connect(JSON.stringify({ kind: 'stdio', command: process.execPath, args: [TARGET] }), JSON.stringify({ name: 'delivery-test', version: '1.0.0' }));
  const next = () => {
    arrived = deferred();
    return arrived.promise;
  };
  return { client, deliveries, next };
}

test('a burst of answers is handed over in fewer deliveries than answers, each once, to its own call', async () => {
  const { client, deliveries, next } = await nativeClient();
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    for (let seq = 1; seq <= BURST; seq += 1) {
      client.request(seq, 'tools/call', JSON.stringify({ name: 'echo', arguments: { text: `call ${seq}` } }), 10_000, false, 0, false);
    }
    for (let i = 0; i < BURST && deliveries.flat().length < BURST; i += 1) await within(next(), 10_000, 'the next delivery');
    const items = deliveries.flat();
    assert.equal(items.length, BURST);
    const seen = new Map();
    for (const item of items) {
      const space = item.indexOf(' ');
      assert.equal(item[0], 'r', item);
      const seq = Number(item.slice(1, space));
      assert.ok(!seen.has(seq), `call ${seq} answered twice`);
      seen.set(seq, JSON.parse(item.slice(space + 1)).content[0].text);
    }
    for (let seq = 1; seq <= BURST; seq += 1) assert.equal(seen.get(seq), `call ${seq}`);
    assert.ok(deliveries.length < BURST, `${deliveries.length} deliveries for ${BURST} answers`);
  } finally {
    clearInterval(keepAlive);
    await client.close();
  }
});

test("a call's notifications arrive before its result, in the order sent", async () => {
  const client = new Client({ name: 'delivery-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [TARGET] }));
  try {
    const seen = [];
    client.setNotificationHandler('notifications/message', (n) => seen.push(`log ${n.params.data.step}`));
    const results = await Promise.all(
      [4, 6].map((steps) => client
        .callTool({ name: 'steps', arguments: { steps } }, undefined, { onprogress: (p) => seen.push(`progress ${steps}:${p.progress}`) })
        .then((r) => {
          seen.push(`result ${steps}`);
          return r.content[0].text;
        })),
    );
    assert.deepEqual(results, ['4 steps', '6 steps']);
    for (const steps of [4, 6]) {
      const mine = seen.filter((s) => s.startsWith(`progress ${steps}:`)).map((s) => Number(s.split(':')[1]));
      assert.deepEqual(mine, Array.from({ length: steps }, (_, i) => i + 1));
      assert.ok(seen.indexOf(`result ${steps}`) > seen.lastIndexOf(`progress ${steps}:${steps}`), seen.join(', '));
    }
    assert.equal(seen.filter((s) => s.startsWith('log ')).length, 10);
  } finally {
    await client.close();
  }
});

test('closing with calls in flight settles every call: answered, or rejected as closed', async () => {
  const client = new Client({ name: 'delivery-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [TARGET] }));
  const calls = [];
  for (let i = 0; i < BURST; i += 1) {
    calls.push(client.callTool({ name: i % 2 ? 'wait' : 'echo', arguments: { text: `call ${i}` } }).then(
      (r) => ({ ok: r.content[0].text }),
      (e) => ({ error: e }),
    ));
  }
  await client.close();
  const settled = await within(Promise.all(calls), 10_000, 'every call to settle');
  assert.equal(settled.length, BURST);
  settled.forEach((outcome, i) => {
    if (outcome.ok !== undefined) {
      assert.equal(i % 2, 0, `call ${i} waits until aborted`);
      assert.equal(outcome.ok, `call ${i}`);
    } else {
      assert.ok(outcome.error instanceof McpError && outcome.error.code === -32000, String(outcome.error));
    }
  });
  assert.ok(settled.filter((o, i) => i % 2 === 1).every((o) => o.error), 'every waiting call rejected');
});
