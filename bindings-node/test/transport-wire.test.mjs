/**
 * What the official SDK's `StreamableHTTPServerTransport` puts on the wire, as the engine
 * answers for it (the options its table sets): every request answered with an SSE stream
 * that ends after the response (JSON only with `enableJsonResponse`), a priming event only
 * when an `eventStore` is given, with the `retry:` hint only from `retryInterval`; and its
 * refusals (media types, requests before `initialize`, sessions, protocol versions) in its
 * statuses, codes and words.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { McpServer, StreamableHTTPServerTransport } from '../lib/index.mjs';
import { ACCEPT, INIT, within } from './helpers.mjs';

const ECHO = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: {} } };

/** A stateful transport with `options` over an `McpServer` with an `echo` tool, served on a loopback port. */
async function serve(options) {
  const mcp = new McpServer({ name: 'wire', version: '1.0.0' });
  mcp.registerTool('echo', {}, async () => ({ content: [{ type: 'text', text: 'echoed' }] }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => 'wire-session', ...options });
  await mcp.connect(transport);
  const server = http.createServer((req, res) => transport.handleRequest(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/mcp`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await within(mcp.close(), 10_000, 'close()');
    },
  };
}

/** POSTs `body` and reads the whole answer (the stream must end): `{ status, type, text }`. */
async function post(url, body, session) {
  const headers = { 'content-type': 'application/json', accept: ACCEPT };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: r.status, type: r.headers.get('content-type'), text: await within(r.text(), 10_000, 'the answer to end') };
}

/** The SSE events of `text`, each as its field lines. */
function events(text) {
  return text
    .split('\n\n')
    .filter((e) => e.trim() && !e.startsWith(':'))
    .map((e) => e.split('\n'));
}

test('every request is answered with an SSE stream that ends after its response, unprimed without an event store', async () => {
  const site = await serve({});
  try {
    const opened = await post(site.url, INIT);
    assert.equal(opened.status, 200);
    assert.equal(opened.type, 'text/event-stream', 'initialize too is streamed, as by the official transport');
    assert.equal(JSON.parse(events(opened.text)[0].find((l) => l.startsWith('data: ')).slice(6)).id, 0);
    const called = await post(site.url, ECHO, 'wire-session');
    assert.equal(called.type, 'text/event-stream');
    const [first, ...rest] = events(called.text);
    assert.equal(rest.length, 0, 'one event, the response: no priming event');
    assert.ok(!first.some((l) => l.startsWith('retry:')), 'no retry hint');
    assert.ok(first.includes('event: message'), 'events are named, as by the official transport');
    assert.equal(JSON.parse(first.find((l) => l.startsWith('data: ')).slice(6)).result.content[0].text, 'echoed');
  } finally {
    await site.close();
  }
});

test('with an event store the stream opens with a priming event, carrying retryInterval when given', async () => {
  const eventStore = { storeEvent: async () => 'unused', replayEventsAfter: async () => 'unused' };
  for (const [retryInterval, retry] of [[2500, ['retry: 2500']], [undefined, []]]) {
    const site = await serve({ eventStore, retryInterval });
    try {
      await post(site.url, INIT);
      const called = await post(site.url, ECHO, 'wire-session');
      const [priming, response] = events(called.text);
      assert.ok(priming[0].startsWith('id: '), `a priming event with an id: ${priming}`);
      assert.deepEqual(priming.filter((l) => l.startsWith('retry:')), retry);
      assert.equal(priming.filter((l) => l.startsWith('data:')).join(), 'data: ', 'with empty data');
      assert.equal(JSON.parse(response.find((l) => l.startsWith('data: ')).slice(6)).id, 7);
    } finally {
      await site.close();
    }
  }
});

test('enableJsonResponse answers JSON', async () => {
  const site = await serve({ enableJsonResponse: true });
  try {
    const opened = await post(site.url, INIT);
    assert.equal(opened.type, 'application/json');
    const called = await post(site.url, ECHO, 'wire-session');
    assert.equal(called.type, 'application/json');
    assert.equal(JSON.parse(called.text).result.content[0].text, 'echoed');
  } finally {
    await site.close();
  }
});

test('refusals are the SDK transport\'s: media types, no initialize yet, sessions, versions, in its words', async () => {
  const site = await serve({});
  try {
    const send = (method, headers, body) =>
      fetch(site.url, { method, headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, body: body && JSON.stringify(body) });
    const refused = async (r) => [r.status, (await r.json()).error];
    // Before any initialize, a stateful transport serves nothing else.
    const early = await refused(await send('POST', {}, ECHO));
    assert.deepEqual(early, [400, { code: -32000, message: 'Bad Request: Server not initialized' }]);
    assert.deepEqual((await refused(await send('POST', { accept: 'application/json' }, INIT)))[0], 406);
    assert.deepEqual((await refused(await send('POST', { 'content-type': 'text/plain' }, INIT)))[0], 415);
    await post(site.url, INIT);
    const session = { 'mcp-session-id': 'wire-session', 'mcp-protocol-version': '2025-11-25' };
    const [status, error] = await refused(await send('GET', { ...session, accept: 'application/json' }));
    assert.equal(status, 406);
    assert.match(error.message, /text\/event-stream/);
    assert.deepEqual(await refused(await send('POST', { ...session, 'mcp-session-id': 'other' }, ECHO)), [404, { code: -32001, message: 'Session not found' }]);
    const [vStatus, vError] = await refused(await send('DELETE', { ...session, 'mcp-protocol-version': '1999-01-01' }));
    assert.equal(vStatus, 400);
    assert.match(vError.message, /^Bad Request: Unsupported protocol version: 1999-01-01 \(supported versions: /);
  } finally {
    await site.close();
  }
});

test('a 2026-07-28 request needs no initialize: the engine answers it, a malformed one with its id', async () => {
  const site = await serve({});
  try {
    // Named by its header only, its `_meta` missing: the engine's refusal, not the
    // transport's "not initialized" (a conformance check of the 2026 wire).
    const headers = { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2026-07-28' };
    const r = await fetch(site.url, { method: 'POST', headers, body: JSON.stringify({ ...ECHO, id: 101 }) });
    assert.equal(r.headers.get('content-type'), 'application/json', 'the 2026 wire answers a lone result as JSON');
    const answer = await r.json();
    assert.equal(answer.id, 101, `the request's id: ${JSON.stringify(answer)}`);
    assert.equal(answer.error?.code, -32602);
  } finally {
    await site.close();
  }
});

test('batches are taken on a 2025-11-25 session, answered on one stream; a batched initialize is refused', async () => {
  const site = await serve({});
  try {
    const refused = await post(site.url, [INIT, { ...INIT, id: 1 }]);
    assert.equal(refused.status, 400);
    assert.deepEqual(JSON.parse(refused.text).error, { code: -32600, message: 'Invalid Request: Only one initialization request is allowed' });
    await post(site.url, INIT);
    const answered = await post(site.url, [ECHO, { ...ECHO, id: 8 }], 'wire-session');
    assert.equal(answered.type, 'text/event-stream');
    const ids = events(answered.text)
      .flatMap((e) => [].concat(JSON.parse(e.find((l) => l.startsWith('data: ')).slice(6))))
      .map((m) => m.id)
      .sort();
    assert.deepEqual(ids, [7, 8]);
    const notes = await post(site.url, [{ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }], 'wire-session');
    assert.equal(notes.status, 202);
  } finally {
    await site.close();
  }
});

test('a stateless transport answers a GET with a stream, as the SDK\'s does', async () => {
  const mcp = new McpServer({ name: 'wire', version: '1.0.0' });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await mcp.connect(transport);
  const server = http.createServer((req, res) => transport.handleRequest(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const controller = new AbortController();
  try {
    const r = await fetch(`http://127.0.0.1:${server.address().port}/mcp`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
  } finally {
    controller.abort();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await within(mcp.close(), 10_000, 'close()');
  }
});
