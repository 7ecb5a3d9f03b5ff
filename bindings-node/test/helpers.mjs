/**
 * Shared helpers of the binding's tests: servers with a test client that are always
 * closed, a barrier to prove concurrency without timing, and bounded waits.
 */
import { Server } from '../lib/index.mjs';

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
