/**
 * `server.setNotificationHandler(schema, handler)` hands the handler the notification as the
 * schema parses it (keys the schema does not name stripped), and a notification the schema
 * refuses goes to `onerror`, as in the official SDK.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { Server } from '../lib/sdk/server/index.mjs';
import { deferred, linkedClient, within } from './helpers.mjs';

const XEvent = z.object({ method: z.literal('x-e2e/event'), params: z.object({ kind: z.string(), id: z.number() }) });

test('a notification handler gets the parsed notification; a refused one goes to onerror', async () => {
  const server = new Server({ name: 's', version: '0' }, { capabilities: {} });
  const got = deferred();
  const failed = deferred();
  server.setNotificationHandler(XEvent, (n) => got.resolve(n));
  server.onerror = (e) => failed.resolve(e);
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '0' } } });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', method: 'x-e2e/event', params: { kind: 'k', id: 42, extra: 'stripped' } });
    assert.deepEqual(await within(got.promise, 10_000, 'the notification'), { method: 'x-e2e/event', params: { kind: 'k', id: 42 } });
    client.send({ jsonrpc: '2.0', method: 'x-e2e/event', params: { kind: 'k' } });
    const error = await within(failed.promise, 10_000, 'the refusal');
    assert.match(String(error.message), /id/);
  } finally {
    await server.close();
  }
});
