/**
 * Request metrics from Node (`new Server({ metrics: true })`): the snapshot `metrics()` and
 * the Prometheus text `metricsText()` after real calls through the engine (by tool, outcome
 * and resource template), and a server without metrics, which has neither.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '../lib/index.mjs';
import { withServer, text } from './helpers.mjs';

const TEXT = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

function tools(server) {
  server.tool('echo', { inputSchema: TEXT }, ({ text: value }) => value);
  server.tool('lookup', { inputSchema: TEXT }, ({ text: city }) => {
    throw new Error(`no such city: ${city}`);
  });
  server.resourceTemplate('notes', 'notes://{topic}', {}, (uri, { topic }) => ({
    contents: [{ uri: uri.href, text: `notes on ${topic}` }],
  }));
}

/** The series of `method` and `name` in a snapshot. */
function series(snapshot, method, name) {
  const found = snapshot.series.filter((s) => s.method === method && s.name === name);
  assert.equal(found.length, 1, `${method} ${name}: ${JSON.stringify(snapshot.series)}`);
  return found[0];
}

test('metrics() counts calls by tool and outcome, resources by their template', async () => {
  await withServer(
    tools,
    async (server, c) => {
      for (const word of ['a', 'b']) assert.equal(text(await c.callTool('echo', { text: word })), word);
      assert.equal((await c.callTool('lookup', { text: 'Atlantis' })).isError, true);
      await assert.rejects(c.callTool('missing', {}));
      await c.readResource('notes://rust');
      const snapshot = server.metrics();
      const echo = series(snapshot, 'tools/call', 'echo');
      assert.equal(echo.outcomes.ok, 2);
      assert.equal(echo.count, 2);
      assert.equal(echo.inFlight, 0);
      assert.deepEqual(echo.buckets.at(-1), { le: '+Inf', count: 2 });
      const counts = echo.buckets.map((b) => b.count);
      assert.deepEqual(counts, [...counts].sort((x, y) => x - y), 'buckets are cumulative');
      assert.equal(series(snapshot, 'tools/call', 'lookup').outcomes.tool_error, 1);
      assert.equal(series(snapshot, 'tools/call', 'unknown').outcomes.error, 1);
      assert.equal(series(snapshot, 'resources/read', 'notes://{topic}').outcomes.ok, 1);
    },
    {},
    { metrics: true, logger: { error() {} } },
  );
});

test('metricsText() is the Prometheus exposition of the same figures', async () => {
  await withServer(
    tools,
    async (server, c) => {
      await c.callTool('echo', { text: 'x' });
      await c.callTool('lookup', { text: 'Ys' });
      const page = server.metricsText();
      assert.match(page, /^# TYPE mcpforge_requests_total counter$/m);
      assert.match(page, /^mcpforge_requests_total\{method="tools\/call",name="echo",outcome="ok"\} 1$/m);
      assert.match(page, /^mcpforge_requests_total\{method="tools\/call",name="lookup",outcome="tool_error"\} 1$/m);
      assert.match(page, /^mcpforge_request_duration_seconds_bucket\{method="tools\/call",name="echo",le="\+Inf"\} 1$/m);
    },
    {},
    { metrics: true, logger: { error() {} } },
  );
});

test('a server without metrics has none, and a bad metricsAddress is refused', () => {
  const plain = new Server({ name: 'plain' });
  assert.equal(plain.metrics(), null);
  assert.equal(plain.metricsText(), null);
  assert.throws(() => new Server({ name: 'bad', metricsAddress: 'not an address' }), /metrics_address/);
});
