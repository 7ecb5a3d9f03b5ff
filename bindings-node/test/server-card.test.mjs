/**
 * The server card (SEP-2127) of a Node server over a real listener on 127.0.0.1: the
 * identity of the `Server` options, the remote at the bound port, the `serverCard` option of
 * `listen({ http })` (a configured name, the anonymous catalogue), `ETag` revalidation, and
 * `serverCard: false` turning it off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '../lib/index.mjs';
import { deferred, within } from './helpers.mjs';

async function serving(http) {
  const server = new Server({
    name: 'node card',
    version: '3.2.1',
    title: 'Node Card',
    description: 'A card served from Node.',
  });
  server.tool('add', { description: 'Add two numbers' }, ({ a, b }) => a + b);
  const ready = deferred();
  const done = server.listen({ handleSignals: false, http: { host: '127.0.0.1', port: 0, quiet: true, ...http, onListening: ready.resolve } });
  done.catch(ready.reject);
  const address = await within(ready.promise, 10_000, 'the listener');
  const base = `http://127.0.0.1:${address.port}`;
  const close = async () => {
    await within(server.close(), 10_000, 'close()');
    await within(done, 10_000, 'listen() to return');
  };
  return { base, address, close };
}

test('the card carries the identity, the remote and the catalogue the options ask for', async () => {
  const { base, address, close } = await serving({ serverCard: { name: 'com.example/node-card', catalogue: true } });
  try {
    const response = await fetch(`${base}/mcp/server-card`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const card = await response.json();
    assert.equal(card.$schema, 'https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json');
    assert.deepEqual([card.name, card.version, card.title], ['com.example/node-card', '3.2.1', 'Node Card']);
    assert.equal(card.description, 'A card served from Node.');
    assert.equal(card.remotes[0].url, address.url);
    assert.deepEqual(card.tools.map((t) => t.name), ['add']);
    const etag = response.headers.get('etag');
    const again = await fetch(`${base}/.well-known/mcp/server-card`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  } finally {
    await close();
  }
});

test('serverCard: false turns the card off', async () => {
  const { base, close } = await serving({ serverCard: false });
  try {
    assert.equal((await fetch(`${base}/mcp/server-card`)).status, 404);
    assert.equal((await fetch(`${base}/.well-known/mcp/server-card.json`)).status, 404);
  } finally {
    await close();
  }
});
