/**
 * What a client sends that answers nothing, over a message transport of another package, as
 * the official SDK's server reports it to `onerror`: a response to no request the server
 * sent ("Received a response for an unknown message ID"), and a progress notification of the
 * wrong shape ("Uncaught error in notification handler"). The answers to the server's own
 * requests are not reported, and the server keeps serving.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { McpServer } from '../lib/index.mjs';
import { deferred, linkedClient, within } from './helpers.mjs';

const INITIALIZE = { protocolVersion: '2025-11-25', capabilities: { roots: {} }, clientInfo: { name: 'c', version: '0' } };

/** A server whose `onerror` resolves `errors.next` each time, with a tool that asks for the roots. */
function serverWithErrors() {
  const mcp = new McpServer({ name: 's', version: '0' });
  const errors = [];
  let waiter = deferred();
  mcp.server.onerror = (e) => {
    errors.push(e.message);
    waiter.resolve(e);
    waiter = deferred();
  };
  mcp.registerTool('roots', { inputSchema: z.object({}) }, async () => ({
    content: [{ type: 'text', text: JSON.stringify(await mcp.server.listRoots()) }],
  }));
  return { mcp, errors, nextError: (what) => within(waiter.promise, 10_000, what) };
}

async function initialized(client) {
  client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: INITIALIZE });
  await client.next((m) => m.id === 1, 'the initialize answer');
  client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

test('a response to no request of the server goes to onerror, naming its id', async () => {
  const { mcp, errors, nextError } = serverWithErrors();
  const client = await linkedClient(mcp);
  try {
    await initialized(client);
    // The answer to the server's own request is the engine's: not reported.
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'roots', arguments: {} } });
    const ask = await client.next((m) => m.method === 'roots/list', 'the roots/list request');
    client.send({ jsonrpc: '2.0', id: ask.id, result: { roots: [{ uri: 'file:///a' }] } });
    const answer = await client.next((m) => m.id === 2, 'the tool answer');
    assert.deepEqual(JSON.parse(answer.result.content[0].text), { roots: [{ uri: 'file:///a' }] });
    assert.deepEqual(errors, []);

    const reported = nextError('the unknown-id report');
    client.send({ jsonrpc: '2.0', id: 99999, result: {} });
    assert.match((await reported).message, /^Received a response for an unknown message ID: .*99999/);
    // A second answer to the request already answered is as unknown.
    const again = nextError('the second report');
    client.send({ jsonrpc: '2.0', id: ask.id, result: { roots: [] } });
    assert.match((await again).message, /unknown message ID/);

    client.send({ jsonrpc: '2.0', id: 3, method: 'ping' });
    assert.deepEqual((await client.next((m) => m.id === 3, 'the ping answer')).result, {});
    assert.equal(errors.length, 2);
  } finally {
    await mcp.close();
  }
});

test('a progress notification of the wrong shape goes to onerror as an uncaught handler error', async () => {
  const { mcp, nextError } = serverWithErrors();
  const client = await linkedClient(mcp);
  try {
    await initialized(client);
    const bad = nextError('the bad progress report');
    client.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 'not-a-number' } });
    assert.match((await bad).message, /^Uncaught error in notification handler: /);
    const stray = nextError('the unknown token report');
    client.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } });
    assert.match((await stray).message, /^Received a progress notification for an unknown token: /);
    client.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    assert.deepEqual((await client.next((m) => m.id === 2, 'the ping answer')).result, {});
  } finally {
    await mcp.close();
  }
});
