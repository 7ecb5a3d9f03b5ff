/**
 * The connection-level side of the SDK's low-level `Server` (`mcpServer.server`): what the
 * client notifies reaches `oninitialized` and the handlers of `setNotificationHandler`, and
 * `listRoots()` called there (no request being served, as the published filesystem server
 * calls it) goes to the client as a request of its own whose answer comes back to it; over
 * a message transport of another package and over the process's own stdio.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { McpServer } from '../lib/index.mjs';
import { SessionPeer } from '../lib/compat/session-peer.js';
import { deferred, linkedClient, stdioClient, within } from './helpers.mjs';

const fixture = fileURLToPath(new URL('./fixtures/roots-on-initialized.mjs', import.meta.url));
const initialize = { protocolVersion: '2025-06-18', capabilities: { roots: { listChanged: true } }, clientInfo: { name: 'c', version: '1' } };
const RootsListChanged = z.object({ method: z.literal('notifications/roots/list_changed') });

/**
 * Initializes through `client`, then answers the `roots/list` the server sends after
 * `notifications/initialized` with one root; resolves to that request.
 */
async function handshake(client) {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: initialize });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const first = await client.next((m) => m.method === 'roots/list', 'roots/list after initialized');
    client.send({ jsonrpc: '2.0', id: first.id, result: { roots: [{ uri: 'file:///a' }] } });
  return first;
}

test('oninitialized and a notification handler ask the client for its roots over a message transport', async () => {
  const mcp = new McpServer({ name: 's', version: '1' });
  const asked = [];
  const changed = deferred();
  const errors = [];
  mcp.server.onerror = (e) => errors.push(e.message);
  mcp.server.setNotificationHandler(RootsListChanged, async (notification) => {
    asked.push(notification.method);
    try {
      changed.resolve((await mcp.server.listRoots()).roots);
    } catch (e) {
      changed.reject(e);
      throw e;
    }
  });
  const initialized = deferred();
  mcp.server.oninitialized = async () => {
    asked.push('initialized');
    initialized.resolve((await mcp.server.listRoots()).roots);
  };
  const client = await linkedClient(mcp);
  try {
    const first = await handshake(client);
    assert.deepEqual(await within(initialized.promise, 20_000, 'oninitialized'), [{ uri: 'file:///a' }]);
    client.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    const second = await client.next((m) => m.method === 'roots/list', 'roots/list after list_changed');
    assert.notEqual(second.id, first.id);
    client.send({ jsonrpc: '2.0', id: second.id, error: { code: -32603, message: 'no roots today' } });
    await assert.rejects(within(changed.promise, 20_000, 'the handler'), /no roots today/);
    assert.deepEqual(asked, ['initialized', 'notifications/roots/list_changed']);
    // A handler's failure goes to `onerror`, in the SDK's words.
    await within(new Promise((resolve) => setImmediate(resolve)), 1_000, 'a turn of the loop');
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^Uncaught error in notification handler: .*no roots today/);
    // The server still serves.
    client.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    assert.deepEqual((await client.next((m) => m.id === 2, 'the ping answer')).result, {});
  } finally {
    await mcp.close();
  }
});

test("on the process's stdio, oninitialized reads the client's roots and a list change reads them again", async () => {
  const client = stdioClient(fixture);
  const toolNames = async (id) => {
    client.send({ jsonrpc: '2.0', id, method: 'tools/list' });
    return (await client.next((m) => m.id === id, 'tools/list')).result.tools.map((t) => t.name);
  };
  try {
    const first = await handshake(client);
    await client.next((m) => m.method === 'notifications/tools/list_changed', 'the tool list change');
    assert.deepEqual(await toolNames(2), ['roots-1']);
    client.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    const second = await client.next((m) => m.method === 'roots/list', 'roots/list after list_changed');
    client.send({ jsonrpc: '2.0', id: second.id, result: { roots: [{ uri: 'file:///a' }, { uri: 'file:///b' }] } });
    await client.next((m) => m.method === 'notifications/tools/list_changed', 'the second tool list change');
    assert.deepEqual(await toolNames(3), ['roots-2']);
  } finally {
    await client.stop();
  }
});

test('a request to the client outside any request fails with -32001 after 60 seconds, and the peer goes on', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const sent = [];
  const peer = new SessionPeer((message) => sent.push(message), new Map(), () => undefined, () => {});
  const waiting = peer.request('roots/list');
  t.mock.timers.tick(59_999);
  const second = peer.request('ping');
  t.mock.timers.tick(1);
  await assert.rejects(waiting, (e) => e.code === -32001);
  // The late answer of the first is taken and dropped; the second is still answered.
  assert.equal(peer.consume({ jsonrpc: '2.0', id: sent[0].id, result: { roots: [] } }), true);
  assert.equal(peer.consume({ jsonrpc: '2.0', id: sent[1].id, result: {} }), true);
  assert.deepEqual(await second, {});
  peer.close();
});
