/**
 * HTTP connections served on Node's event loop (src/loop_io.rs `LoopSocket`, the engine's
 * `HttpDriver`): a sequential request on a kept-alive connection wakes the server about
 * once, a body that arrives in pieces is read as it comes, an answer larger than the socket
 * takes is written as the client reads it, a client that goes away aborts its handler,
 * the listener's header and idle timeouts close connections, a close lets a request in
 * flight finish, and a worker thread serving HTTP can be terminated with connections open.
 * `engineThreads` puts the engine's threads back in charge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { deferred, modernCall, voluntarySwitches, within } from './helpers.mjs';

const fixture = fileURLToPath(new URL('./fixtures/http-loop.mjs', import.meta.url));

/** The fixture server started with `args`, once it said its URL. */
async function start(args = []) {
  const child = spawn(process.execPath, [fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const said = deferred();
  const heard = new Map();
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    for (const [word, d] of heard) if (stderr.includes(word)) d.resolve();
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
    if (stdout.includes('\n')) said.resolve(stdout.split('\n')[0]);
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  exited.then((how) => said.reject(new Error(`the server exited (${how}): ${stderr}`)));
  const url = await within(said.promise, 20_000, 'the server to listen');
  /** Resolves once the server wrote `word` on stderr. */
  const hears = (word) => {
    if (stderr.includes(word)) return Promise.resolve();
    const d = deferred();
    heard.set(word, d);
    return within(d.promise, 20_000, `the server to say ${word}`);
  };
  const stop = async () => {
    child.kill('SIGTERM');
    try {
      return await within(exited, 20_000, 'the server to exit');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };
  return { child, url, hears, stop, stderr: () => stderr };
}

/** POSTs a 2026 call of `name` over `agent`; resolves to `{ status, body }`. */
function call(url, agent, name, args, id = 1) {
  const { headers, body } = modernCall(name, args, id);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers, agent }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(Buffer.concat(chunks)) }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Voluntary context switches per sequential echo request on one kept-alive connection. */
async function switchesPerRequest(args) {
  const server = await start(args);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    let id = 1;
    const sequential = async (n) => {
      for (let i = 0; i < n; i++, id++) {
        const { status, body } = await call(server.url, agent, 'echo', { text: `t${id}` }, id);
        assert.equal(status, 200);
        assert.equal(body.result.content[0].text, `t${id}`);
      }
    };
    await sequential(50);
    const before = voluntarySwitches(server.child.pid);
    const requests = 400;
    await sequential(requests);
    return (voluntarySwitches(server.child.pid) - before) / requests;
  } finally {
    agent.destroy();
    assert.equal(await server.stop(), 0, server.stderr());
  }
}

const linux = { skip: !existsSync('/proc/self/task') };

test('a sequential request on a kept-alive connection wakes the server about once', linux, async () => {
  const perRequest = await switchesPerRequest([]);
  // Accepted by an engine thread, then read, handled, answered and written on the
  // JavaScript thread: a request wakes that thread once.
  assert.ok(perRequest < 2, `${perRequest.toFixed(2)} voluntary context switches per request`);
});

test('engineThreads serves HTTP from the engine threads, crossing per call', linux, async () => {
  const perRequest = await switchesPerRequest(['engine-threads']);
  // Read by an engine thread, handled on the JavaScript thread, answered by an engine
  // thread: each crossing wakes a thread.
  assert.ok(perRequest > 2, `${perRequest.toFixed(2)} voluntary context switches per request`);
});

/** The bytes of a 2026 call of `name` to `url` (closing the connection after it if `close`). */
function rawRequest(url, name, args, close) {
  const { headers, body } = modernCall(name, args);
  const { pathname } = new URL(url);
  const fields = { host: '127.0.0.1', ...(close ? { connection: 'close' } : {}), 'content-length': Buffer.byteLength(body), ...headers };
  const head = [`POST ${pathname} HTTP/1.1`, ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return `${head}\r\n\r\n${body}`;
}

test('a request whose head and body arrive in pieces is answered', async () => {
  const server = await start();
  try {
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.setNoDelay(true);
    let answer = '';
    socket.setEncoding('utf8').on('data', (d) => {
      answer += d;
    });
    const ended = new Promise((resolve) => socket.on('close', resolve));
    const request = rawRequest(server.url, 'echo', { text: 'in pieces' }, true);
    const bodyAt = request.indexOf('\r\n\r\n') + 4;
    const pieces = [request.slice(0, 20), request.slice(20, bodyAt), request.slice(bodyAt, bodyAt + 30), request.slice(bodyAt + 30)];
    for (const piece of pieces) {
      socket.write(piece);
      // Each piece in a packet of its own, so the server reads it and waits for the next.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await within(ended, 20_000, 'the answer');
    assert.match(answer, /^HTTP\/1\.1 200/);
    assert.match(answer, /"text":"in pieces"/);
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
});

test('an answer larger than the socket takes is written as the client reads it', async () => {
  const server = await start();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const { headers, body } = modernCall('big', { size: 8 * 1024 * 1024 });
    const got = await new Promise((resolve, reject) => {
      const request = http.request(server.url, { method: 'POST', headers, agent }, (response) => {
        // Not read for a while: the server's writes wait for the socket to drain.
        response.pause();
        let length = 0;
        response.on('data', (c) => {
          length += c.length;
        });
        response.on('end', () => resolve({ status: response.statusCode, length }));
        response.on('error', reject);
        setTimeout(() => response.resume(), 500);
      });
      request.on('error', reject);
      request.end(body);
    });
    assert.equal(got.status, 200);
    assert.ok(got.length > 8 * 1024 * 1024, `${got.length} bytes`);
    // The connection still serves the next request.
    const next = await call(server.url, agent, 'echo', { text: 'next' }, 2);
    assert.equal(next.body.result.content[0].text, 'next');
  } finally {
    agent.destroy();
    assert.equal(await server.stop(), 0, server.stderr());
  }
});

test('a client that goes away aborts its handler', async () => {
  const server = await start();
  try {
    const { headers, body } = modernCall('hold', { ms: 60_000 });
    const request = http.request(server.url, { method: 'POST', headers, agent: false });
    request.on('error', () => {});
    request.end(body);
    await server.hears('holding');
    request.destroy();
    await server.hears('aborted');
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
});

test('a connection silent past the header timeout, or idle past the idle timeout, is closed', async () => {
  const server = await start(['short-timeouts']);
  try {
    const { port } = new URL(server.url);
    // Never sends a request head.
    const silent = net.connect(Number(port), '127.0.0.1');
    silent.on('error', () => {});
    await within(new Promise((resolve) => silent.on('close', resolve)), 20_000, 'the silent connection to be closed');
    // Answered once (kept alive), then left idle.
    const idle = net.connect(Number(port), '127.0.0.1');
    idle.on('error', () => {});
    const answered = deferred();
    let answer = '';
    idle.setEncoding('utf8').on('data', (d) => {
      answer += d;
      if (answer.includes('"text":"once"')) answered.resolve();
    });
    const closed = new Promise((resolve) => idle.on('close', resolve));
    idle.write(rawRequest(server.url, 'echo', { text: 'once' }, false));
    await within(answered.promise, 20_000, 'the answer');
    await within(closed, 20_000, 'the idle connection to be closed');
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
});

test('closing lets a request in flight finish, then listen() returns', async () => {
  const server = await start();
  try {
    const answered = call(server.url, false, 'hold', { ms: 300 });
    await server.hears('holding');
    // SIGTERM closes the server: the request in flight is answered first.
    const exited = server.stop();
    const { status, body } = await within(answered, 20_000, 'the answer');
    assert.equal(status, 200);
    assert.equal(body.result.content[0].text, 'held');
    assert.equal(await exited, 0, server.stderr());
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('a worker thread serving HTTP is terminated with a connection open', async () => {
  const server = await start(['worker']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const { status, body } = await call(server.url, agent, 'echo', { text: 'from a worker' });
    assert.equal(status, 200);
    assert.equal(body.result.content[0].text, 'from a worker');
    // The kept-alive connection is still open when the worker goes.
    assert.equal(await server.stop(), 0, server.stderr());
  } finally {
    agent.destroy();
  }
});
