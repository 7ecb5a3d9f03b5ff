/**
 * Shared helpers of the binding's tests: servers with a test client that are always
 * closed, a barrier to prove concurrency without timing, and bounded waits.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { Server } from '../lib/index.mjs';
import v8 from 'node:v8';
import vm from 'node:vm';

/** A `{ promise, resolve, reject }` triple. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rejects after `ms` unless `promise` settles first (every wait in the tests is bounded). */
export async function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A barrier for `n` parties: `arrive()` resolves once all `n` have arrived. */
export function barrier(n) {
  let count = 0;
  const all = deferred();
  return {
    arrive() {
      count += 1;
      if (count === n) all.resolve();
      return all.promise;
    },
    get arrived() {
      return count;
    },
  };
}

/**
 * Runs `fn(server, client)` with a fresh server configured by `setup(server)` and a
 * connected test client; closes both afterwards, also on failure.
 */
export async function withServer(setup, fn, clientOptions = {}, serverOptions = {}) {
  const server = new Server({ name: 'test', version: '1.0.0', ...serverOptions });
  setup(server);
  const client = await server.testClient(clientOptions);
  try {
    return await fn(server, client);
  } finally {
    await within(server.close(), 10_000, 'server.close()');
  }
}

/** The text of the first content block of a tool result. */
export function text(result) {
  return result.content[0].text;
}

export const OBJECT_AB = {
  type: 'object',
  properties: { a: { type: 'number' }, b: { type: 'number' } },
  required: ['a', 'b'],
};

/** The `_meta` every 2026-07-28 request carries. */
export const MODERN_META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

/** `{ headers, body }` (fields of a `fetch` init) of a 2026-07-28 `tools/call` of `name`. */
export function modernCall(name, args = {}, id = 1) {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': name,
  };
  return { headers, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, _meta: MODERN_META } }) };
}

/**
 * POSTs `body` with `headers` to `url` over a connection of its own from the local address
 * `from` (`127.0.0.2`: another client on the same host); resolves to `{ status, session,
 * message }`, `message` being the JSON answer or the last message of an event stream.
 */
export function postFrom(url, from, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers, localAddress: from, agent: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: response.statusCode, session: response.headers['mcp-session-id'], message: messageOf(text) });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The JSON-RPC message of an answer's body: the JSON itself, or an event stream's last message. */
export function messageOf(text) {
  const data = text.split('\n').filter((l) => l.startsWith('data: ')).pop();
  return text ? JSON.parse(data ? data.slice(6) : text) : null;
}

/** The voluntary context switches of every thread of process `pid` so far (Linux, from /proc). */
export function voluntarySwitches(pid) {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
    if (m) total += Number(m[1]);
  }
  return total;
}

/** The `Accept` header a Streamable HTTP client sends with every POST. */
export const ACCEPT = 'application/json, text/event-stream';

/** An `initialize` request asking for the session wire (2025-11-25), id 0. */
export const INIT = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

/**
 * Collects garbage after a turn of the event loop, until `done()` or 50 rounds have passed
 * (`done` defaults to never: 10 rounds then); resolves `done()`'s last answer.
 */
export async function collectGarbage(done) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const rounds = done ? 50 : 10;
  for (let round = 0; round < rounds && !done?.(); round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
  }
  return done?.();
}

/**
 * A client end written here: `next(predicate)` resolves to the next message the server sent
 * that matches, `send(message)` hands one to the server, `unclaimed()` lists what the server
 * sent that no `next` took.
 */
export function clientEnd(deliver) {
  const seen = [];
  const waiting = [];
  const receive = (message) => {
    const i = waiting.findIndex((w) => w.match(message));
    if (i === -1) seen.push(message);
    else waiting.splice(i, 1)[0].resolve(message);
  };
  const next = (match, what) => {
    const i = seen.findIndex(match);
    if (i !== -1) return Promise.resolve(seen.splice(i, 1)[0]);
    const d = deferred();
    waiting.push({ match, resolve: d.resolve });
    return within(d.promise, 20_000, what);
  };
  return { receive, next, send: deliver, unclaimed: () => [...seen] };
}

/**
 * Connects `mcp` (an `McpServer`) to a message transport written here and resolves to the
 * `clientEnd` that plays its client.
 */
export async function linkedClient(mcp) {
  const transport = {
    async start() {},
    async send(message) {
      client.receive(message);
    },
    async close() {
      transport.onclose?.();
    },
  };
  const client = clientEnd((message) => transport.onmessage(message));
  await mcp.connect(transport);
  return client;
}

/**
 * Starts `node fixture ...args`, a server over the process's stdio, and returns the
 * `clientEnd` that plays its client, with `stop()`: ends its stdin and resolves once it
 * exited with code 0 (killed and rejected after 20 seconds, or on another code, with its
 * stderr).
 */
export function stdioClient(fixture, args = []) {
  const child = spawn(process.execPath, [fixture, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const client = clientEnd((message) => child.stdin.write(`${JSON.stringify(message)}\n`));
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buffered += d;
    let newline;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      client.receive(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
    }
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    child.stdin.end();
    const code = await within(exited, 20_000, 'the server to exit').catch((e) => {
      child.kill('SIGKILL');
      throw e;
    });
    if (code !== 0) throw new Error(`the server exited with ${code}: ${stderr}`);
  };
  return { ...client, stop };
}
