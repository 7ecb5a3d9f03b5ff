/**
 * Rate limits (`new Server({ rateLimits })`) through the real engine, on both wires: a
 * client's burst, then `ErrorCode.RateLimited` with its retry hint and recovery after it; a
 * tool limit that leaves other tools alone; and what the option refuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, Server } from '../lib/index.mjs';
import { withServer, text } from './helpers.mjs';

const WIRES = ['2025-11-25', '2026-07-28'];

const TEXT = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };

function tools(server) {
  server.tool('echo', { inputSchema: TEXT }, ({ text: value }) => value);
  server.tool('search', { inputSchema: TEXT }, ({ text: value }) => `found ${value}`);
}

/** Asserts that `promise` is refused by a rate limit; returns the error's data. */
async function refused(promise) {
  let data;
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, ErrorCode.RateLimited);
    data = e.data;
    return true;
  });
  return data;
}

for (const protocolVersion of WIRES) {
  test(`a client over its limit gets a retry hint and recovers (${protocolVersion})`, async () => {
    await withServer(
      tools,
      async (_server, c) => {
        await sleep(250); // the handshake's own requests count too: let them refill
        for (let i = 0; i < 3; i++) assert.equal(text(await c.callTool('echo', { text: 'hi' })), 'hi');
        const data = await refused(c.callTool('echo', { text: 'hi' }));
        assert.equal(data.scope, 'client');
        assert.ok(data.retryAfterMs >= 1 && data.retryAfterMs <= 200, `retry after ${data.retryAfterMs} ms`);
        await sleep(data.retryAfterMs + 20);
        assert.equal(text(await c.callTool('echo', { text: 'again' })), 'again');
      },
      { protocolVersion },
      { rateLimits: { perClient: { requests: 3, perMs: 600 } } },
    );
  });

  test(`a tool limit leaves other tools alone (${protocolVersion})`, async () => {
    await withServer(
      tools,
      async (_server, c) => {
        await c.callTool('search', { text: 'a' });
        const data = await refused(c.callTool('search', { text: 'b' }));
        assert.equal(data.tool, 'search');
        for (let i = 0; i < 5; i++) assert.equal(text(await c.callTool('echo', { text: `${i}` })), `${i}`);
      },
      { protocolVersion },
      { rateLimits: { tools: { search: { requests: 1, perMs: 60_000 } } } },
    );
  });
}

test('bad rate limits are refused', () => {
  assert.throws(() => new Server({ name: 't', rateLimits: { perClient: { requests: 0, perMs: 1000 } } }), /rate limit/);
  assert.throws(() => new Server({ name: 't', rateLimits: { perClients: { requests: 1, perMs: 1000 } } }), /perClients/);
});
