/**
 * The shared store from Node: two servers given the same Redis (a `redis-server` the test
 * starts on a free loopback port, without persistence) share their legacy sessions, so a
 * session opened on one is served by the other. Configured with `listen({ http: {
 * sharedStore } })` (two servers in this process), then with the environment variable
 * MCPFORGE_SHARED_STORE (two server processes). Skipped with a note when no `redis-server`
 * is installed, unless MCPFORGE_REQUIRE_REDIS is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from '../lib/index.mjs';
import { deferred, within } from './helpers.mjs';

const VERSION = '2025-11-25';
const WAIT = 20_000;
const fixture = fileURLToPath(new URL('./fixtures/shared-store.mjs', import.meta.url));

function redisBinary() {
  const dirs = [...(process.env.PATH || '').split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/sbin'];
  return dirs.map((d) => path.join(d, 'redis-server')).find((p) => existsSync(p));
}

const REDIS = redisBinary();
if (!REDIS && process.env.MCPFORGE_REQUIRE_REDIS) {
  throw new Error('MCPFORGE_REQUIRE_REDIS is set but no redis-server is installed');
}
const skip = REDIS ? false : 'no redis-server installed: the shared-store tests need one';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Whether something on 127.0.0.1:`port` answers a Redis PING. */
function pong(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** Sends `signal` to `child`; resolves `{ code, sig }` once it has exited (bounded by `WAIT`). */
async function stop(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve({ code, sig })));
  child.kill(signal);
  try {
    return await within(exited, WAIT, 'a child process to exit');
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

/** Runs `fn(url)` with a `redis-server` on a free port of 127.0.0.1; stops it afterwards. */
async function withRedis(fn) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'mcpforge-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const redis = spawn(REDIS, args, { stdio: 'ignore' });
  try {
    const deadline = Date.now() + WAIT;
    while (!(await pong(port))) {
      assert.equal(redis.exitCode, null, 'redis-server exited');
      assert.ok(Date.now() < deadline, 'redis-server did not answer in time');
      await new Promise((r) => setTimeout(r, 50));
    }
    return await fn(`redis://127.0.0.1:${port}/0`);
  } finally {
    await stop(redis);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** POSTs a JSON-RPC message of the 2025-11-25 wire; `{ status, session, message }`. */
async function post(url, body, session) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': VERSION });
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(WAIT) });
  const text = await response.text();
  const data = text.split('\n').filter((l) => l.startsWith('data:') && l.slice(5).trim());
  let message;
  if (data.length) message = JSON.parse(data[data.length - 1].slice(5));
  else if (response.headers.get('content-type')?.startsWith('application/json')) message = JSON.parse(text);
  else message = text;
  return { status: response.status, session: response.headers.get('mcp-session-id'), message };
}

/** Waits (at most `WAIT`) until `/readyz` answers 200: the store answers. */
async function ready(base) {
  const deadline = Date.now() + WAIT;
  while ((await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(WAIT) })).status !== 200) {
    assert.ok(Date.now() < deadline, `${base} not ready within ${WAIT} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens a legacy session on `a` (base URLs), calls `echo` in it on `b`. */
async function aSessionMovesBetween(a, b) {
  await ready(a);
  await ready(b);
  const init = {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 't', version: '1' } },
  };
  const opened = await post(`${a}/mcp`, init);
  assert.equal(opened.status, 200, JSON.stringify(opened.message));
  assert.ok(opened.session, 'a session id');
  const initialized = await post(`${a}/mcp`, { jsonrpc: '2.0', method: 'notifications/initialized' }, opened.session);
  assert.equal(initialized.status, 202);
  const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'via b' } } };
  const reply = await post(`${b}/mcp`, call, opened.session);
  assert.equal(reply.status, 200, JSON.stringify(reply.message));
  assert.deepEqual(reply.message.result.content, [{ type: 'text', text: 'via b' }]);
  // A session nobody opened stays unknown.
  assert.equal((await post(`${b}/mcp`, call, 'no-such-session')).status, 404);
}

function echoServer() {
  const server = new Server({ name: 'shared', version: '1.0.0' });
  server.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }, ({ text }) => text);
  return server;
}

test('the sharedStore option shares legacy sessions between servers', { skip }, async () => {
  await withRedis(async (url) => {
    const servers = [echoServer(), echoServer()];
    try {
      const bases = [];
      for (const server of servers) {
        const ready = deferred();
        const done = server.listen({ handleSignals: false, http: { host: '127.0.0.1', port: 0, sharedStore: url, onListening: ready.resolve } });
        done.catch(ready.reject);
        bases.push(`http://127.0.0.1:${(await within(ready.promise, WAIT, 'the listener')).port}`);
      }
      await aSessionMovesBetween(bases[0], bases[1]);
    } finally {
      for (const server of servers) await within(server.close(), WAIT, 'close()');
    }
  });
});

test('a shared store that is not a Redis URL rejects listen()', async () => {
  const server = echoServer();
  try {
    await assert.rejects(
      within(server.listen({ handleSignals: false, http: { host: '127.0.0.1', port: 0, sharedStore: 'postgres://127.0.0.1/0' } }), WAIT, 'listen()'),
      /shared store/,
    );
  } finally {
    await server.close();
  }
});

test('MCPFORGE_SHARED_STORE shares legacy sessions between server processes', { skip }, async () => {
  await withRedis(async (url) => {
    const env = { ...process.env, MCPFORGE_SHARED_STORE: url };
    const children = [];
    try {
      const ports = [];
      for (let i = 0; i < 2; i++) {
        const child = spawn(process.execPath, [fixture], { env, stdio: ['ignore', 'pipe', 'inherit'] });
        children.push(child);
        const bound = deferred();
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /listening (\d+)\n/.exec(out);
          if (m) bound.resolve(Number(m[1]));
        });
        child.once('exit', (code, sig) => bound.reject(new Error(`the server exited (${code ?? sig})`)));
        ports.push(await within(bound.promise, WAIT, 'a server process to listen'));
      }
      await aSessionMovesBetween(`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`);
      // SIGTERM: a graceful end.
      for (const child of children) assert.deepEqual(await stop(child, 'SIGTERM'), { code: 0, sig: null });
    } finally {
      for (const child of children) await stop(child);
    }
  });
});
