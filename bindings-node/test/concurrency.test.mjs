/**
 * Many async handlers run at once: each waits on a barrier that opens only when every call
 * has started, so the test passes only if all of them are in flight together.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer, barrier, within, text } from './helpers.mjs';

const CALLS = 64;

test(`${CALLS} concurrent async handlers are all in flight at once`, async () => {
  const gate = barrier(CALLS);
  await withServer(
    (s) =>
      s.tool('wait', { inputSchema: { type: 'object', properties: { i: { type: 'integer' } } } }, async ({ i }) => {
        await within(gate.arrive(), 10_000, 'every call to start');
        return `done ${i}`;
      }),
    async (_s, c) => {
      const results = await Promise.all(Array.from({ length: CALLS }, (_, i) => c.callTool('wait', { i })));
      assert.equal(gate.arrived, CALLS);
      assert.deepEqual(results.map(text), Array.from({ length: CALLS }, (_, i) => `done ${i}`));
    },
  );
});

test('a slow handler does not delay a fast one', async () => {
  const release = barrier(2);
  await withServer(
    (s) => {
      s.tool('slow', {}, async () => {
        await within(release.arrive(), 10_000, 'the fast call');
        return 'slow';
      });
      s.tool('fast', {}, () => 'fast');
    },
    async (_s, c) => {
      const slow = c.callTool('slow', {});
      assert.equal(text(await c.callTool('fast', {})), 'fast');
      release.arrive();
      assert.equal(text(await slow), 'slow');
    },
  );
});
