/**
 * The session bounds of the engine hold through the official SDK's stateful pattern
 * (flood-app.mjs: Express, a map of `StreamableHTTPServerTransport`s by session id, one
 * `McpServer` and transport per `initialize`), where every transport has an engine
 * application of its own: a flood of `initialize` from one address stays at the per-client
 * bound across transports (its oldest sessions ended, their transports closed and let go,
 * another client's session untouched), and sessions the engine ends when idle close their
 * transports (`onsessionclosed`, then `onclose`), so the application's map empties.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { withHttpProcess } from './helpers.mjs';
import { clientFrom, flood, initialize, ping, stats } from './flood-client.mjs';

const APP = fileURLToPath(new URL('./flood-app.mjs', import.meta.url));
const WAIT_MS = 30_000;

/** Starts flood-app.mjs with `flags`, runs `body(url)`, then stops it with SIGTERM. */
function withApp(flags, body) {
  return withHttpProcess([APP, '127.0.0.1:0', ...flags], body);
}

/** Polls flood-app's `/stats` (every 100 ms, for at most `WAIT_MS`) until `done(stats)`; resolves the last stats. */
async function statsWhen(url, done, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const now = await stats(url);
    if (done(now)) return now;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ ...now, ids: undefined })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a flood of initialize from one address through SDK transports stays at its per-client bound', async () => {
  // maxSessions 50: a tenth, 5, per client, counted across every transport of the process.
  await withApp(['--max-sessions', '50', '--keep-first', '2'], async (url) => {
    const [flooder, other] = [clientFrom('127.0.0.1'), clientFrom('127.0.0.2')];
    try {
      const bystander = await initialize(url, other);
      const ids = await flood(url, flooder, 40, 1);
      const settled = await statsWhen(url, (s) => s.live === 6, 'the map to hold the bound');
      // The last five of the flood and the other client's one are live; the rest were ended.
      assert.deepEqual(new Set(settled.ids), new Set([bystander, ...ids.slice(-5)]));
      assert.equal(settled.sessionClosed, 35, 'onsessionclosed ran for every ended session');
      assert.equal(settled.closed, 35, 'onclose ran for every ended session');
      for (const id of ids.slice(-5)) assert.equal(await ping(url, id, flooder), 200);
      assert.equal(await ping(url, bystander, other), 200, "another client's session is untouched");
      // The first sessions were ended by the engine: their transports answer 404, and the
      // application, whose map let them go, 400.
      for (const [i, id] of ids.slice(0, 2).entries()) {
        assert.equal(await ping(new URL(`/early/${i}`, url), id, flooder), 404);
        assert.equal(await ping(url, id, flooder), 400);
      }
    } finally {
      flooder.destroy();
      other.destroy();
    }
  });
});

test('sessions the engine ends when idle close their SDK transports and the map empties', async () => {
  await withApp(['--idle-ms', '1000'], async (url) => {
    const agent = clientFrom('127.0.0.1');
    try {
      const ids = await flood(url, agent, 20, 4);
      assert.equal((await stats(url)).live, 20);
      const after = await statsWhen(url, (s) => s.live === 0, 'the map to empty');
      assert.equal(after.sessionClosed, 20, 'onsessionclosed ran for every expired session');
      assert.equal(after.closed, 20, 'onclose ran for every expired session');
      assert.equal(await ping(url, ids[0], agent), 400);
    } finally {
      agent.destroy();
    }
  });
});
