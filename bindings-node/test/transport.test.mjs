/**
 * The official SDK's HTTP serving API over the engine (lib/compat/streamable-http.js,
 * lib/compat/serving-v2.js): `StreamableHTTPServerTransport` stateful (the session named by
 * `sessionIdGenerator`, `onsessioninitialized`, a second `initialize` refused, DELETE through
 * `onsessionclosed` and `onclose`) and stateless, `WebStandardStreamableHTTPServerTransport`
 * (reading the `Request`'s own body rather than a `parsedBody`), `createMcpHandler` with `toNodeHandler` and the localhost guards; handlers see
 * `extra.sessionId` and `extra.requestInfo`; the SDK's option names go through the engine's
 * table (unknown ones refused); the client's address counts each client apart;
 * log messages sent outside any handler reach every session.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import {
  ErrorCode,
  McpServer,
  Server,
  StreamableHTTPServerTransport,
  WebStandardStreamableHTTPServerTransport,
  createMcpHandler,
  toNodeHandler,
  localhostHostValidation,
  localhostOriginValidation,
} from '../lib/index.mjs';
import { ACCEPT, INIT, deferred, messageOf, modernCall, postFrom, within } from './helpers.mjs';

const WHOAMI = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } };

/** A web POST of `body` (an object, sent as JSON, or raw text) to `path`, on `session` (2025-11-25) when given, with `extra` headers. */
function webPost(body, session, { path = '/mcp', extra = {} } = {}) {
  return new Request(`http://127.0.0.1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...extra, ...(session && { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** An `McpServer` whose `whoami` tool answers the session id and the `x-trace` header it sees. */
function whoamiServer() {
  const mcp = new McpServer({ name: 'transport', version: '1.0.0' });
  mcp.registerTool('whoami', {}, async (extra) => ({
    content: [{ type: 'text', text: JSON.stringify({ session: extra.sessionId ?? null, trace: extra.requestInfo?.headers['x-trace'] ?? null }) }],
  }));
  return mcp;
}

/** A `node:http` server on a free loopback port calling `handle(req, res)`; `{ url, close }`. */
async function listen(handle) {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/mcp`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** POSTs `body` (in `session`, when given) and returns `{ status, session, message }`. */
async function post(url, body, session) {
  const headers = { 'content-type': 'application/json', accept: ACCEPT, 'x-trace': 'unit' };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await r.text();
  const data = text.split('\n').filter((l) => l.startsWith('data: ')).pop();
  return { status: r.status, session: r.headers.get('mcp-session-id'), message: text ? JSON.parse(data ? data.slice(6) : text) : null };
}

const seenBy = (message) => JSON.parse(message.result.content[0].text);

test('a stateful transport serves the session its generator names, once, until DELETE', async () => {
  const events = [];
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => 'session-one',
    onsessioninitialized: (id) => events.push(['opened', id]),
    onsessionclosed: (id) => events.push(['closed', id]),
  });
  transport.onclose = () => events.push(['onclose']);
  const mcp = whoamiServer();
  await mcp.connect(transport);
  const site = await listen((req, res) => transport.handleRequest(req, res));
  try {
    const opened = await post(site.url, INIT);
    assert.equal(opened.status, 200);
    assert.equal(opened.session, 'session-one');
    assert.equal(transport.sessionId, 'session-one');
    assert.deepEqual(events, [['opened', 'session-one']]);
    assert.deepEqual(seenBy((await post(site.url, WHOAMI, 'session-one')).message), { session: 'session-one', trace: 'unit' });
    const again = await post(site.url, INIT);
    assert.equal(again.status, 400, 'a second initialize is refused, as by the official SDK');
    assert.match(again.message.error.message, /already initialized/);

    const deleted = await fetch(site.url, { method: 'DELETE', headers: { 'mcp-session-id': 'session-one' } });
    assert.equal(deleted.status, 200);
    const deadline = Date.now() + 10_000;
    while (!events.some(([e]) => e === 'onclose') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(events, [['opened', 'session-one'], ['closed', 'session-one'], ['onclose']]);
    assert.equal(mcp.isConnected(), false);
  } finally {
    await site.close();
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('a stateless transport keeps no session: every request stands alone', async () => {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const mcp = whoamiServer();
  await mcp.connect(transport);
  const site = await listen((req, res) => transport.handleRequest(req, res));
  try {
    const opened = await post(site.url, INIT);
    assert.equal(opened.status, 200);
    assert.equal(opened.session, null);
    assert.equal(transport.sessionId, undefined);
    assert.deepEqual(seenBy((await post(site.url, WHOAMI)).message), { session: null, trace: 'unit' });
  } finally {
    await site.close();
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('a transport not connected answers 500; the web-standard transport answers Requests', async () => {
  const loose = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const site = await listen((req, res) => loose.handleRequest(req, res));
  try {
    assert.equal((await post(site.url, INIT)).status, 500);
  } finally {
    await site.close();
  }
  const web = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'web-1' });
  const mcp = whoamiServer();
  await mcp.connect(web);
  try {
    const request = (body, session) => webPost(body, session, { path: '/anywhere', extra: { 'x-trace': 'web' } });
    const opened = await web.handleRequest(request(INIT));
    assert.equal(opened.headers.get('mcp-session-id'), 'web-1');
    await opened.text();
    const answer = await web.handleRequest(request(WHOAMI, 'web-1'));
    assert.deepEqual(seenBy(messageOf(await answer.text())), { session: 'web-1', trace: 'web' });
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('a closed transport answers 404 Session not found, as the SDK\'s: the client starts over', async () => {
  const web = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'gone-1' });
  const mcp = whoamiServer();
  await mcp.connect(web);
  const request = webPost;
  try {
    await (await web.handleRequest(request(INIT))).text();
    await web.close();
    const answer = await web.handleRequest(request(WHOAMI, 'gone-1'));
    assert.equal(answer.status, 404);
    assert.deepEqual((await answer.json()).error, { code: -32001, message: 'Session not found' });
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('a transport closed while onsessioninitialized runs answers the initialize 404, not the session', async () => {
  let release;
  const parked = new Promise((resolve) => {
    release = resolve;
  });
  const started = deferred();
  const web = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => 'parked-1',
    onsessioninitialized: () => {
      started.resolve();
      return parked;
    },
  });
  const errors = [];
  web.onerror = (e) => errors.push(e.message);
  const mcp = whoamiServer();
  await mcp.connect(web);
  try {
    const pending = web.handleRequest(
      new Request('http://127.0.0.1/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: JSON.stringify(INIT) }),
    );
    await within(started.promise, 10_000, 'onsessioninitialized');
    await web.close();
    release();
    const answer = await within(pending, 10_000, 'the answer');
    assert.equal(answer.status, 404);
    assert.equal(answer.headers.get('mcp-session-id'), null);
    assert.deepEqual(errors, [], 'no callback failed');
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('the web-standard transport keeps the client\'s bytes when they say what parsedBody says (ids beyond 2^53 intact)', async () => {
  const web = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const mcp = whoamiServer();
  await mcp.connect(web);
  try {
    const { headers, body } = modernCall('whoami', {}, 1);
    const text = body.replace('"id":1,', '"id":9007199254740993,');
    const request = new Request('http://127.0.0.1/mcp', { method: 'POST', headers, body: text });
    const answer = await web.handleRequest(request, { parsedBody: JSON.parse(text) });
    const answered = await answer.text();
    assert.ok(answered.includes('"id":9007199254740993'), answered);
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('a body handed to handleRequest is the request, as in the SDK, whatever the client sent', async () => {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const mcp = whoamiServer();
  await mcp.connect(transport);
  let handed;
  const site = await listen((req, res) => transport.handleRequest(req, res, handed));
  const send = (text) => fetch(site.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2025-11-25' }, body: text });
  try {
    handed = { ...WHOAMI, id: 'handed' };
    const overEmpty = await (await send('')).text();
    assert.ok(overEmpty.includes('"id":"handed"'), overEmpty);
    const overOther = await (await send(JSON.stringify({ ...WHOAMI, id: 'sent' }))).text();
    assert.ok(overOther.includes('"id":"handed"') && !overOther.includes('"sent"'), overOther);
  } finally {
    await site.close();
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('requests the transport refuses are told to onerror with the error the client reads', async () => {
  const web = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'told-1' });
  const errors = [];
  web.onerror = (e) => errors.push(e.message);
  const mcp = whoamiServer();
  await mcp.connect(web);
  const request = webPost;
  try {
    await (await web.handleRequest(request(JSON.stringify(INIT)))).text();
    assert.deepEqual(errors, [], 'an answered request is no error');
    for (const [body, session] of [['not json', 'told-1'], [JSON.stringify(WHOAMI), 'no-such-session'], [JSON.stringify(INIT)]]) {
      const answer = await web.handleRequest(request(body, session));
      const read = JSON.parse(await answer.text());
      assert.ok(answer.status >= 400, `${body}: ${answer.status}`);
      assert.equal(errors.at(-1), read.error.message);
    }
    assert.equal(errors.length, 3);
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('with enableDnsRebindingProtection, the SDK\'s allowedOrigins (with their ports) admit their origins', async () => {
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableDnsRebindingProtection: true,
    allowedHosts: ['127.0.0.1'],
    allowedOrigins: ['http://localhost:5173'],
  });
  const mcp = whoamiServer();
  await mcp.connect(transport);
  const site = await listen((req, res) => transport.handleRequest(req, res));
  const from = (origin) =>
    fetch(site.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, origin }, body: JSON.stringify(INIT) });
  try {
    assert.equal((await from('http://localhost:5173')).status, 200, 'the allowed origin');
    assert.equal((await from('https://evil.example')).status, 403, 'another origin');
  } finally {
    await site.close();
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('the SDK\'s option names go through the engine\'s table: engine-decided ones are accepted, unknown names refused', async () => {
  /** An event store holding a reference to itself: no JSON form, as a real store's client. */
  class Store {
    constructor() {
      this.self = this;
    }
  }
  const accepted = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    eventStore: new Store(),
    retryInterval: 1000,
    keepAliveMs: 5000,
    maxRequestBodySize: 1 << 20,
  });
  const mcp = whoamiServer();
  await mcp.connect(accepted);
  const site = await listen((req, res) => accepted.handleRequest(req, res));
  try {
    assert.equal((await post(site.url, INIT)).status, 200);
    const typo = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonRespnse: true });
    await assert.rejects(whoamiServer().connect(typo), /unknown field `enableJsonRespnse`/);
    const wrong = new StreamableHTTPServerTransport({ enableDnsRebindingProtection: true, allowedHosts: 'localhost' });
    await assert.rejects(whoamiServer().connect(wrong), /allowedHosts must be a list of strings/);
    assert.throws(() => createMcpHandler(() => whoamiServer(), { responseMode: 'json', legacy: true, colour: 'blue' }), /unknown field `colour`/);
  } finally {
    await site.close();
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('an application callback that throws is answered 500 and reported to onerror; the transport goes on', async () => {
  const reported = [];
  let generated = 0;
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => {
      generated += 1;
      if (generated === 1) throw new Error('no id today');
      return 'session-two';
    },
    onsessioninitialized: () => {
      throw new Error('the session store is down');
    },
  });
  transport.onerror = (e) => reported.push(e.message);
  const mcp = whoamiServer();
  await mcp.connect(transport);
  // handleRequest must not reject: a plain node:http server would crash on the rejection.
  const rejected = [];
  const server = http.createServer((req, res) => {
    transport.handleRequest(req, res).catch((e) => {
      rejected.push(e.message);
      res.destroy();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/mcp`;
  try {
    for (const why of ['no id today', 'the session store is down']) {
      const failed = await within(post(url, INIT).catch((e) => ({ status: `no answer (${e.message})` })), 10_000, why);
      assert.equal(failed.status, 500, why);
      assert.equal(failed.message.error.code, -32603, why);
      assert.doesNotMatch(JSON.stringify(failed.message), /no id today|store is down/, 'the error text stays on the server');
    }
    assert.deepEqual(rejected, []);
    assert.deepEqual(reported, ['no id today', 'the session store is down']);
    // The session opened before the callback failed is served.
    assert.deepEqual(seenBy((await post(url, WHOAMI, 'session-two')).message), { session: 'session-two', trace: 'unit' });
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await within(mcp.close(), 10_000, 'close()');
  }

  const web = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => 'web-2',
    onsessioninitialized: () => {
      throw new Error('the session store is down');
    },
  });
  const webMcp = whoamiServer();
  await webMcp.connect(web);
  try {
    const request = new Request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT },
      body: JSON.stringify(INIT),
    });
    const answer = await within(web.handleRequest(request), 10_000, 'the web answer');
    assert.equal(answer.status, 500);
    assert.equal((await answer.json()).error.code, -32603);
  } finally {
    await within(webMcp.close(), 10_000, 'close()');
  }
});

test('createMcpHandler serves its factory through toNodeHandler behind the localhost guards', async () => {
  let built = 0;
  const handler = createMcpHandler(() => {
    built += 1;
    return whoamiServer();
  });
  const node = toNodeHandler(handler);
  const validHost = localhostHostValidation();
  const validOrigin = localhostOriginValidation();
  const site = await listen(async (req, res) => {
    if (validHost(req, res) && validOrigin(req, res)) await node(req, res);
  });
  try {
    const opened = await post(site.url, INIT);
    assert.equal(opened.status, 200);
    assert.deepEqual(seenBy((await post(site.url, WHOAMI, opened.session)).message), { session: opened.session, trace: 'unit' });
    const foreign = await fetch(site.url, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(foreign.status, 403);
    assert.equal(built, 1, 'the engine keeps sessions: the factory is called once');
    assert.throws(() => toNodeHandler({ fetch() {} }), /createMcpHandler/);
  } finally {
    await site.close();
    await within(handler.close(), 10_000, 'handler.close()');
  }
});

/** An `McpServer` like `whoamiServer` whose clients may each make `requests` requests an hour. */
function limitedServer(requests) {
  const mcp = new McpServer({ name: 'limited', version: '1.0.0' }, { rateLimits: { perClient: { requests, perMs: 3_600_000 } } });
  mcp.registerTool('whoami', {}, async () => ({ content: [{ type: 'text', text: 'me' }] }));
  return mcp;
}

/** How many of `calls` calls of `whoami` through `send(call)` are answered; the others are rate limited. */
async function answered(calls, send) {
  let passed = 0;
  for (let i = 0; i < calls; i++) {
    const message = await send(modernCall('whoami', {}, i));
    if (message.result) passed += 1;
    else assert.equal(message.error.code, ErrorCode.RateLimited, JSON.stringify(message));
  }
  return passed;
}

test('the transports count clients by their address: the rate limit of requests without a session is per client', async () => {
  // node:http: the socket's peer, 127.0.0.2 being another client on this host.
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const mcp = limitedServer(3);
  await mcp.connect(transport);
  const site = await listen((req, res) => transport.handleRequest(req, res));
  const over = (from) => async (call) => (await postFrom(site.url, from, call.headers, call.body)).message;
  // Web-standard: the address the application hands over with the Request.
  const web = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const webMcp = limitedServer(3);
  await webMcp.connect(web);
  const handler = createMcpHandler(() => limitedServer(3));
  const request = (call) => new Request('http://127.0.0.1/mcp', { method: 'POST', body: call.body, headers: { host: '127.0.0.1', ...call.headers } });
  try {
    assert.equal(await answered(5, over('127.0.0.1')), 3);
    assert.equal(await answered(1, over('127.0.0.2')), 1, 'another address has its own bucket');
    const viaWeb = (clientAddress) => async (call) => (await web.handleRequest(request(call), { clientAddress })).json();
    assert.equal(await answered(5, viaWeb('127.0.0.1')), 3);
    assert.equal(await answered(1, viaWeb('127.0.0.2')), 1, 'another address has its own bucket');
    const viaHandler = (clientAddress) => async (call) => (await handler.fetch(request(call), { clientAddress })).json();
    assert.equal(await answered(5, viaHandler({ address: '127.0.0.1', port: 1 })), 3);
    assert.equal(await answered(1, viaHandler({ address: '127.0.0.2', port: 1 })), 1, 'another address has its own bucket');
  } finally {
    await site.close();
    await within(mcp.close(), 10_000, 'close()');
    await within(webMcp.close(), 10_000, 'close()');
    await within(handler.close(), 10_000, 'handler.close()');
  }
});

test('log messages sent outside any handler reach every session its level lets through', async () => {
  const server = new Server({ name: 'broadcast', version: '1.0.0' });
  server.tool('noop', {}, () => 'ok');
  const loud = await server.testClient();
  const quiet = await server.testClient();
  try {
    await quiet.request('logging/setLevel', { level: 'error' });
    await loud.listTools();
    server.log('info', { n: 1 }, 'app');
    server.log('error', { n: 2 });
    assert.deepEqual(await loud.nextMessage(5_000), { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: { n: 1 }, logger: 'app' } });
    assert.deepEqual((await loud.nextMessage(5_000)).params, { level: 'error', data: { n: 2 } });
    assert.deepEqual((await quiet.nextMessage(5_000)).params, { level: 'error', data: { n: 2 } });

    const mcp = new McpServer({ name: 'sdk', version: '1.0.0' }, { capabilities: { logging: {} } });
    mcp.registerTool('noop', {}, async () => ({ content: [] }));
    const client = await mcp.engine.testClient();
    try {
      await client.listTools();
      await mcp.server.sendLoggingMessage({ level: 'notice', data: 'outside' });
      assert.deepEqual((await client.nextMessage(5_000)).params, { level: 'notice', data: 'outside' });
    } finally {
      await within(mcp.close(), 10_000, 'close()');
    }
  } finally {
    await within(server.close(), 10_000, 'close()');
  }
});

test('a throwing onsessionclosed rejects the DELETE\'s handleRequest and closes the transport, as the SDK\'s', async () => {
  for (const Transport of [WebStandardStreamableHTTPServerTransport, StreamableHTTPServerTransport]) {
    let closes = 0;
    const transport = new Transport({
      sessionIdGenerator: () => 'closing',
      onsessionclosed: () => {
        throw new Error('session registry unavailable');
      },
    });
    transport.onclose = () => {
      closes += 1;
    };
    const mcp = whoamiServer();
    await mcp.connect(transport);
    const served = Transport === WebStandardStreamableHTTPServerTransport ? undefined : await listen((req, res) => transport.handleRequest(req, res));
    try {
      const headers = { 'mcp-session-id': 'closing', 'mcp-protocol-version': '2025-11-25' };
      if (served) {
        assert.equal((await post(served.url, INIT)).session, 'closing');
        // listen() answers a rejected handleRequest 500 with the error's text.
        const answer = await within(fetch(served.url, { method: 'DELETE', headers }), 10_000, 'the DELETE');
        assert.equal(answer.status, 500);
        assert.match(await answer.text(), /session registry unavailable/);
      } else {
        const init = await transport.handleRequest(webPost(INIT));
        assert.equal(init.headers.get('mcp-session-id'), 'closing');
        const deleted = transport.handleRequest(new Request('http://127.0.0.1/mcp', { method: 'DELETE', headers }));
        await assert.rejects(within(deleted, 10_000, 'the DELETE'), { message: 'session registry unavailable' });
        assert.equal((await transport.handleRequest(webPost(WHOAMI, 'closing'))).status, 404);
      }
      assert.equal(closes, 1, Transport.name);
    } finally {
      await served?.close();
      await within(mcp.close(), 10_000, 'close()');
    }
  }
});

test('over the Streamable HTTP transports, oninitialized runs and the client\'s declarations are known outside handlers', async () => {
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'hs' });
  const mcp = whoamiServer();
  const initialized = deferred();
  mcp.server.oninitialized = () => initialized.resolve(mcp.server.getClientCapabilities());
  await mcp.connect(transport);
  try {
    assert.equal(mcp.server.getClientCapabilities(), undefined);
    const init = { ...INIT, params: { ...INIT.params, capabilities: { roots: { listChanged: true } } } };
    assert.equal((await transport.handleRequest(webPost(init))).status, 200);
    assert.deepEqual(mcp.server.getClientVersion(), INIT.params.clientInfo);
    const notified = await transport.handleRequest(webPost({ jsonrpc: '2.0', method: 'notifications/initialized' }, 'hs'));
    assert.equal(notified.status, 202);
    assert.deepEqual(await within(initialized.promise, 10_000, 'oninitialized'), { roots: { listChanged: true } });
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});
