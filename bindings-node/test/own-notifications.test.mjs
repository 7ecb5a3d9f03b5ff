/**
 * Notifications the engine does not send itself reach the client of a connection whose
 * messages pass through JavaScript, as from the SDK's `Server`: an application's own method
 * (`server.notification({ method: 'myorg/heartbeat' })`) and the completion of a URL-mode
 * elicitation (`createElicitationCompletionNotifier`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Server } from '../lib/sdk/server/index.mjs';
import { linkedClient } from './helpers.mjs';

async function connected(capabilities) {
  const server = new Server({ name: 's', version: '0' }, { capabilities: {} });
  const client = await linkedClient(server);
  client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'c', version: '0' } } });
  await client.next((m) => m.id === 1, 'the initialize answer');
  client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { server, client };
}

test("an application's own notification reaches the client", async () => {
  const { server, client } = await connected({});
  try {
    await server.notification({ method: 'myorg/heartbeat', params: { seq: 7 } });
    const got = await client.next((m) => m.method === 'myorg/heartbeat', 'the heartbeat');
    assert.deepEqual(got, { jsonrpc: '2.0', method: 'myorg/heartbeat', params: { seq: 7 } });
  } finally {
    await server.close();
  }
});

test('an elicitation completion reaches a client that declared URL elicitation', async () => {
  const { server, client } = await connected({ elicitation: { url: {} } });
  try {
    const calls = [];
    const notification = server.notification.bind(server);
    server.notification = (n, options) => {
      calls.push([n, options]);
      return notification(n, options);
    };
    await server.createElicitationCompletionNotifier('e-1', { relatedRequestId: 42 })();
    const got = await client.next((m) => m.method === 'notifications/elicitation/complete', 'the completion');
    assert.deepEqual(got.params, { elicitationId: 'e-1' });
    // Sent through notification() with the options given, as the SDK's notifier sends it.
    assert.deepEqual(calls, [[{ method: 'notifications/elicitation/complete', params: { elicitationId: 'e-1' } }, { relatedRequestId: 42 }]]);
  } finally {
    await server.close();
  }
});

test('a client without URL elicitation is refused a completion notifier, in the SDK words', async () => {
  const { server } = await connected({ elicitation: { form: {} } });
  try {
    assert.throws(() => server.createElicitationCompletionNotifier('e-2'), {
      message: 'Client does not support URL elicitation (required for notifications/elicitation/complete)',
    });
  } finally {
    await server.close();
  }
});
