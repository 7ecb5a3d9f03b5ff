/**
 * A request `mcpServer.server` sends to the client outside any request being served (its
 * own id, ./lib/compat/session-peer.js) takes the SDK's `options`: `timeout` and `signal`
 * cancel it (`notifications/cancelled` with the reason) and reject it with an `McpError`
 * -32001, as the SDK's `request` does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionPeer } from '../lib/compat/session-peer.js';
import { McpError } from '../lib/index.mjs';
import { within } from './helpers.mjs';

function peer() {
  const sent = [];
  return { sent, peer: new SessionPeer((m) => sent.push(m), new Map(), () => undefined, () => {}) };
}

test('a timeout cancels the request and rejects it -32001', async () => {
  const { sent, peer: p } = peer();
  const error = await within(p.request('sampling/createMessage', { messages: [], maxTokens: 1 }, { timeout: 0 }).catch((e) => e), 5_000, 'the timeout');
  assert.ok(error instanceof McpError);
  assert.equal(error.code, -32001);
  assert.deepEqual(error.data, { timeout: 0 });
  assert.equal(sent[0].method, 'sampling/createMessage');
  assert.deepEqual(sent[1], { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: sent[0].id, reason: 'Request timed out' } });
});

test('an abort cancels the request with its reason; an aborted signal sends nothing', async () => {
  const { sent, peer: p } = peer();
  const controller = new AbortController();
  const asked = p.request('roots/list', undefined, { signal: controller.signal }).catch((e) => e);
  controller.abort('Cancelled by test');
  const error = await within(asked, 5_000, 'the abort');
  assert.ok(error instanceof McpError);
  assert.equal(error.code, -32001);
  assert.match(error.message, /Cancelled by test/);
  assert.deepEqual(sent[1].params, { requestId: sent[0].id, reason: 'Cancelled by test' });
  // A late answer is taken and dropped.
  assert.equal(p.consume({ jsonrpc: '2.0', id: sent[0].id, result: { roots: [] } }), true);
  const before = sent.length;
  await assert.rejects(p.request('roots/list', undefined, { signal: controller.signal }), { code: -32001 });
  assert.equal(sent.length, before);
});
