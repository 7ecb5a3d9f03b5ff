/**
 * The MCP endpoint mounted in an HTTP server the application runs: `httpHandler()` inside a
 * `node:http` server next to the application's own route (a 2026-07-28 call as JSON, a
 * legacy session whose progress streams as SSE before the result, a body already parsed,
 * the Host check, the body cap, a client that goes away cancelling its call), and
 * `fetchHandler()` answering web `Request`s in process (refused without `Host`). A raw body
 * a parser kept is read rather than the parsed one. The client's address (the socket's peer,
 * or the one handed to a fetch handler) keeps the per-client bounds per client. `close()`
 * drains them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { ErrorCode, Server } from '../lib/index.mjs';
import { ACCEPT, INIT, MODERN_META as META, deferred, modernCall, postFrom, within } from './helpers.mjs';


/** A server with `echo`, `steps` (progress 1..3 then "done") and `wait` (until cancelled). */
function makeServer(events) {
  const server = new Server({ name: 'mounted', version: '1.0.0' });
  server.tool('echo', { type: 'object', properties: { text: { type: 'string' } } }, ({ text }) => text);
  server.tool('steps', {}, async (_args, ctx) => {
    for (let i = 1; i <= 3; i++) ctx.reportProgress(i, 3);
    return 'done';
  });
  server.tool('wait', {}, (_args, ctx) => {
    events.started.resolve();
    return new Promise((resolve) => {
      ctx.signal.addEventListener('abort', () => {
        events.cancelled.resolve();
        resolve('cancelled');
      });
    });
  });
  return server;
}

/**
 * A node:http server: `/hello` is the application's, `/mcp` the MCP endpoint. `parse`: how a
 * body parser in front of the handler read the body: not at all (`false`), parsed and handed
 * over as `parsedBody` (`'argument'`), or parsed into `req.body` with its bytes kept in
 * `req.rawBody`, as an `express.json({ verify })` hook does (`'verify'`).
 */
async function hostServer(handler, parse = false) {
  const host = http.createServer(async (req, res) => {
    if (req.url === '/hello') {
      res.end('the application route');
    } else if (parse) {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const raw = Buffer.concat(chunks);
      if (parse === 'verify') {
        req.rawBody = raw;
        req.body = JSON.parse(raw);
        await handler(req, res);
      } else {
        await handler(req, res, JSON.parse(raw));
      }
    } else {
      await handler(req, res);
    }
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  return { host, url: `http://127.0.0.1:${host.address().port}` };
}

test('httpHandler serves MCP inside a node:http server', async () => {
  const events = { started: deferred(), cancelled: deferred() };
  const server = makeServer(events);
  const { host, url } = await hostServer(server.httpHandler());
  try {
    assert.equal(await (await fetch(`${url}/hello`)).text(), 'the application route');

    const call = modernCall('echo', { text: 'mounted' });
    const answer = await fetch(`${url}/mcp`, { method: 'POST', ...call });
    assert.equal(answer.status, 200);
    assert.equal((await answer.json()).result.content[0].text, 'mounted');

    // A legacy session: the progress notifications stream (SSE) before the result.
    const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const opened = await fetch(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: JSON.stringify(init) });
    const session = opened.headers.get('mcp-session-id');
    assert.ok(session);
    const inSession = { 'content-type': 'application/json', accept: ACCEPT, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
    const initialized = await fetch(`${url}/mcp`, { method: 'POST', headers: inSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    assert.equal(initialized.status, 202);
    const steps = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'steps', arguments: {}, _meta: { progressToken: 'p' } } };
    const streamed = await fetch(`${url}/mcp`, { method: 'POST', headers: inSession, body: JSON.stringify(steps) });
    assert.equal(streamed.headers.get('content-type'), 'text/event-stream');
    const messages = (await streamed.text())
      .split('\n')
      .filter((l) => l.startsWith('data: ') && l.length > 6) // the priming event has no data
      .map((l) => JSON.parse(l.slice(6)));
    assert.deepEqual(
      messages.map((m) => m.method ?? 'result'),
      ['notifications/progress', 'notifications/progress', 'notifications/progress', 'result'],
    );

    // The engine's checks: a foreign Host, a body over the cap.
    const foreign = await new Promise((resolve, reject) => {
      const req = http.request(`${url}/mcp`, { method: 'POST', headers: { ...call.headers, host: 'evil.example' } }, resolve);
      req.on('error', reject);
      req.end(call.body);
    });
    assert.equal(foreign.statusCode, 403);
    foreign.resume();
    const huge = await fetch(`${url}/mcp`, { method: 'POST', headers: call.headers, body: 'x'.repeat(4 * 1024 * 1024 + 10) });
    assert.equal(huge.status, 413);

    // A client that goes away cancels its call.
    const controller = new AbortController();
    const waiting = fetch(`${url}/mcp`, { method: 'POST', ...modernCall('wait', {}), signal: controller.signal }).catch(() => 'aborted');
    await within(events.started.promise, 10_000, 'the call starting');
    controller.abort();
    assert.equal(await waiting, 'aborted');
    await within(events.cancelled.promise, 10_000, 'the call being cancelled');
  } finally {
    await server.close();
    host.close();
  }
});

test('httpHandler takes a body a parser already read', async () => {
  const server = makeServer({ started: deferred(), cancelled: deferred() });
  const { host, url } = await hostServer(server.httpHandler(), 'argument');
  try {
    const answer = await fetch(`${url}/mcp`, { method: 'POST', ...modernCall('echo', { text: 'parsed' }) });
    assert.equal((await answer.json()).result.content[0].text, 'parsed');
  } finally {
    await server.close();
    host.close();
  }
});

/** A 2026-07-28 call of `echo` whose JSON-RPC id is 2^53 + 1, which a JavaScript number cannot hold. */
function bigIdCall() {
  const call = modernCall('echo', { text: 'big' });
  return { ...call, body: call.body.replace('"id":1,', '"id":9007199254740993,') };
}

test('httpHandler reads the raw body a parser kept (req.rawBody): ids beyond 2^53 come back intact', async () => {
  const server = makeServer({ started: deferred(), cancelled: deferred() });
  const { host, url } = await hostServer(server.httpHandler(), 'verify');
  try {
    const answer = await fetch(`${url}/mcp`, { method: 'POST', ...bigIdCall() });
    const text = await answer.text();
    assert.ok(text.includes('"id":9007199254740993'), text);
  } finally {
    await server.close();
    host.close();
  }
});

/**
 * A web `Request` for `path` on 127.0.0.1 with `init`, its `Host` header set as a server
 * runtime's requests carry it (a `Request` built in process has none of its own).
 */
function webRequest(path, init) {
  return new Request(`http://127.0.0.1${path}`, { ...init, headers: { host: '127.0.0.1', ...init.headers } });
}

test('fetchHandler answers web Requests under its path', async () => {
  const events = { started: deferred(), cancelled: deferred() };
  const server = makeServer(events);
  const handle = server.fetchHandler({ path: '/api/mcp' });
  try {
    const call = modernCall('echo', { text: 'fetched' });
    const answer = await handle(webRequest('/api/mcp', { method: 'POST', ...call }));
    assert.equal(answer.status, 200);
    assert.equal((await answer.json()).result.content[0].text, 'fetched');

    const elsewhere = await handle(webRequest('/mcp', { method: 'POST', ...call }));
    assert.equal(elsewhere.status, 404);

    // The engine checks the Host header, not the URL a framework made up without one.
    const hostless = await handle(new Request('http://127.0.0.1/api/mcp', { method: 'POST', ...call }));
    assert.equal(hostless.status, 403);

    const big = await handle(webRequest('/api/mcp', { method: 'POST', ...bigIdCall() }));
    assert.ok((await big.text()).includes('"id":9007199254740993'));

    const notification = await handle(
      webRequest('/api/mcp', { method: 'POST', headers: call.headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized', params: { _meta: META } }) }),
    );
    assert.ok(notification.status === 202 || notification.status === 200 || notification.status === 204, String(notification.status));

    // Aborting the request's signal cancels the call.
    const controller = new AbortController();
    const pending = handle(webRequest('/api/mcp', { method: 'POST', ...modernCall('wait', {}), signal: controller.signal }));
    await within(events.started.promise, 10_000, 'the call starting');
    controller.abort();
    await within(events.cancelled.promise, 10_000, 'the call being cancelled');
    await pending.catch(() => {});
  } finally {
    await server.close();
  }
});

const PING = { jsonrpc: '2.0', id: 1, method: 'ping' };
/** Two clients on this host: their connections come from different loopback addresses. */
const [A, B] = ['127.0.0.1', '127.0.0.2'];

test('httpHandler counts clients by their address: a flood of initialize ends only its own sessions', async () => {
  const server = makeServer({ started: deferred(), cancelled: deferred() });
  const { host, url } = await hostServer(server.httpHandler({ maxSessions: 6, maxSessionsPerClient: 2 }));
  const headers = (session) => ({
    'content-type': 'application/json',
    accept: ACCEPT,
    ...(session && { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' }),
  });
  const open = async (from) => (await postFrom(`${url}/mcp`, from, headers(), JSON.stringify(INIT))).session;
  const ping = async (session, from) => (await postFrom(`${url}/mcp`, from, headers(session), JSON.stringify(PING))).status;
  try {
    const mine = await open(A);
    const flood = [];
    for (let i = 0; i < 20; i++) flood.push(await open(B));
    assert.equal(await ping(mine, A), 200, "another client's flood ended a session");
    for (const session of flood.slice(-2)) assert.equal(await ping(session, B), 200, "the flooder's newest sessions are live");
    for (const session of flood.slice(0, -2)) assert.equal(await ping(session, B), 404, "the flooder's older sessions were ended");
  } finally {
    await server.close();
    host.close();
  }
});

/** `calls` calls of `echo` through `send(call)`; the number answered, the others refused by the rate limit. */
async function passedOf(calls, send) {
  let passed = 0;
  for (let i = 0; i < calls; i++) {
    const message = await send(modernCall('echo', { text: 'hi' }));
    if (message.result) passed += 1;
    else assert.equal(message.error.code, ErrorCode.RateLimited, JSON.stringify(message));
  }
  return passed;
}

test('the rate limit of requests without a session is kept per client address in both handlers', async () => {
  const server = makeServer({ started: deferred(), cancelled: deferred() });
  const limited = new Server({ name: 'limited', version: '1.0.0', rateLimits: { perClient: { requests: 5, perMs: 3_600_000 } } });
  limited.tool('echo', { type: 'object', properties: { text: { type: 'string' } } }, ({ text }) => text);
  const { host, url } = await hostServer(limited.httpHandler());
  const handle = limited.fetchHandler({ path: '/web' });
  try {
    // node:http: the socket's peer.
    const overHttp = (from) => (call) => postFrom(`${url}/mcp`, from, call.headers, call.body).then((r) => r.message);
    assert.equal(await passedOf(8, overHttp(A)), 5);
    assert.equal(await passedOf(1, overHttp(B)), 1, 'another address has its own bucket');
    // fetch: the address the application hands over (a string, or Bun's `requestIP` shape).
    const overFetch = (clientAddress) => async (call) =>
      (await handle(webRequest('/web', { method: 'POST', ...call }), { clientAddress })).json();
    assert.equal(await passedOf(8, overFetch('127.0.0.3')), 5);
    assert.equal(await passedOf(1, overFetch({ address: '::ffff:127.0.0.4', port: 4000 })), 1, 'another address has its own bucket');
    // Without one (or with something that is not an IP address), every such client shares a bucket.
    assert.equal(await passedOf(4, overFetch(undefined)), 4);
    assert.equal(await passedOf(2, overFetch('not an address')), 1);
  } finally {
    await limited.close();
    await server.close();
    host.close();
  }
});
