/**
 * Streamable HTTP over a real socket on 127.0.0.1: the 2026-07-28 wire, and the bearer
 * token verifier hook (401 without or with a bad token, 403 for missing scopes, the grant
 * visible to handlers as `ctx.authInfo`), the engine's own JWT verifier configured by
 * options alone, a tool's own `requiredScopes` (hidden from the list, its call 403), and
 * `listen()` returning once `close()` stopped it; where it listens goes to stderr unless
 * `quiet`.
 */
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '../lib/index.mjs';
import { MODERN_META, deferred, modernCall, within } from './helpers.mjs';

function post(url, name, token) {
  const { headers, body } = modernCall(name);
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(url, { method: 'POST', headers, body });
}

async function listening(server, http) {
  const ready = deferred();
  const done = server.listen({ handleSignals: false, http: { host: '127.0.0.1', port: 0, ...http, onListening: ready.resolve } });
  done.catch(ready.reject);
  return { address: await within(ready.promise, 10_000, 'the listener'), done };
}

test('tools are served over Streamable HTTP and listen() returns after close()', async () => {
  const server = new Server({ name: 'http', version: '1.0.0' });
  server.tool('hello', {}, () => 'hello over http');
  const { address, done } = await listening(server, {});
  try {
    assert.equal(server.address.port, address.port);
    const response = await post(address.url, 'hello');
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.result.content[0].text, 'hello over http');
  } finally {
    await within(server.close(), 10_000, 'close()');
  }
  await within(done, 10_000, 'listen() to return');
});

test('quiet: true keeps where the server listens unsaid', async () => {
  const server = new Server({ name: 'quiet', version: '1.0.0' });
  const written = [];
  const write = process.stderr.write;
  process.stderr.write = (chunk, ...rest) => {
    written.push(String(chunk));
    return write.call(process.stderr, chunk, ...rest);
  };
  try {
    const { address } = await listening(server, { quiet: true });
    const other = new Server({ name: 'loud', version: '1.0.0' });
    const loud = await listening(other, {});
    await within(other.close(), 10_000, 'close()');
    await within(server.close(), 10_000, 'close()');
    const said = written.filter((w) => w.startsWith('mcpforge: serving MCP on '));
    assert.deepEqual(said, [`mcpforge: serving MCP on ${loud.address.url} (Ctrl-C to stop)\n`], address.url);
  } finally {
    process.stderr.write = write;
  }
});

test('the token verifier decides who may call, and handlers and middleware see the grant', async () => {
  const server = new Server({ name: 'auth', version: '1.0.0' });
  server.tool('whoami', {}, (_args, ctx) => `${ctx.authInfo.subject} ${ctx.authInfo.scopes.join(',')} ${ctx.authInfo.extra.tenant}`);
  const grants = [];
  server.use(async (context, next) => {
    grants.push(context.authInfo);
    return next();
  });
  const verified = [];
  const verifier = async (token) => {
    verified.push(token);
    if (token === 'good') return { subject: 'ada', scopes: ['mcp'], clientId: 'cli', extra: { tenant: 't1' } };
    if (token === 'weak') throw Object.assign(new Error('needs mcp'), { requiredScopes: ['mcp'] });
    throw new Error('unknown token');
  };
  const { address } = await listening(server, {
    auth: { verifier, resource: 'http://127.0.0.1/mcp', authorizationServers: ['https://auth.example'], requiredScopes: [] },
  });
  try {
    const anonymous = await post(address.url, 'whoami');
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate'), /Bearer/);
    assert.equal((await post(address.url, 'whoami', 'bad')).status, 401);
    assert.equal((await post(address.url, 'whoami', 'weak')).status, 403);
    const ok = await post(address.url, 'whoami', 'good');
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).result.content[0].text, 'ada mcp t1');
    assert.deepEqual(verified, ['bad', 'weak', 'good']);
    // The engine's JSON form of the request: the grant as the verifier gave it.
    assert.deepEqual(grants, [{ subject: 'ada', scopes: ['mcp'], clientId: 'cli', extra: { tenant: 't1' } }]);
  } finally {
    await within(server.close(), 10_000, 'close()');
  }
});

/** A JWT signed with HS256 (the shared-secret algorithm the test can make with node:crypto). */
function hs256(claims, secret) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signing = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}

test('auth with jwt options needs no verifier: the engine checks the token', async () => {
  const server = new Server({ name: 'jwt', version: '1.0.0' });
  server.tool('whoami', {}, (_args, ctx) => `${ctx.authInfo.subject} ${ctx.authInfo.scopes.join(',')} ${ctx.authInfo.clientId}`);
  const secret = 'a-shared-secret-of-at-least-32-bytes';
  const { address } = await listening(server, {
    auth: { resource: 'http://127.0.0.1/mcp', requiredScopes: ['mcp'], jwt: { issuer: 'https://as.example', sharedSecret: secret } },
  });
  try {
    const claims = { iss: 'https://as.example', aud: 'http://127.0.0.1/mcp', sub: 'ada', scope: 'mcp', client_id: 'app', exp: Math.floor(Date.now() / 1000) + 300 };
    const ok = await post(address.url, 'whoami', hs256(claims, secret));
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).result.content[0].text, 'ada mcp app');
    for (const bad of [hs256({ ...claims, iss: 'https://other.example' }, secret), hs256(claims, 'x'.repeat(40))]) {
      const refused = await post(address.url, 'whoami', bad);
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('www-authenticate'), /error="invalid_token"/);
    }
  } finally {
    await within(server.close(), 10_000, 'close()');
  }
});

test('a tool\'s requiredScopes hide it from tokens without them and refuse their calls with 403', async () => {
  const server = new Server({ name: 'scoped', version: '1.0.0' });
  const ran = [];
  server.tool('read', {}, () => 'read');
  server.tool('write', { requiredScopes: ['files:write'] }, () => {
    ran.push('write');
    return 'written';
  });
  assert.throws(() => server.tool('spaced', { requiredScopes: ['files write'] }, () => ''), /requiredScopes/);
  const secret = 'a-shared-secret-of-at-least-32-bytes';
  const { address } = await listening(server, {
    auth: { resource: 'http://127.0.0.1/mcp', requiredScopes: ['mcp'], jwt: { issuer: 'https://as.example', sharedSecret: secret } },
  });
  try {
    const claims = { iss: 'https://as.example', aud: 'http://127.0.0.1/mcp', sub: 'ada', scope: 'mcp', exp: Math.floor(Date.now() / 1000) + 300 };
    const [reader, writer] = [hs256(claims, secret), hs256({ ...claims, scope: 'mcp files:write' }, secret)];
    const names = async (token) => {
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/list',
        authorization: `Bearer ${token}`,
      };
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: MODERN_META } });
      const response = await fetch(address.url, { method: 'POST', headers, body });
      assert.equal(response.status, 200);
      return (await response.json()).result.tools.map((t) => t.name);
    };
    assert.deepEqual(await names(reader), ['read']);
    assert.deepEqual(await names(writer), ['read', 'write']);
    const refused = await post(address.url, 'write', reader);
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get('www-authenticate'), /^Bearer error="insufficient_scope", scope="mcp files:write", resource_metadata=/);
    assert.deepEqual(ran, []);
    const ok = await post(address.url, 'write', writer);
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).result.content[0].text, 'written');
  } finally {
    await within(server.close(), 10_000, 'close()');
  }
});

test('a port that is taken rejects listen() with a clear error', async () => {
  const first = new Server({ name: 'a', version: '1' });
  const { address } = await listening(first, {});
  const second = new Server({ name: 'b', version: '1' });
  try {
    await assert.rejects(second.listen({ handleSignals: false, http: { host: '127.0.0.1', port: address.port } }), /address|in use|bind/i);
  } finally {
    await within(first.close(), 10_000, 'close()');
    await second.close();
  }
});
