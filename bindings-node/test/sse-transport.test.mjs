/**
 * The official SDK's HTTP+SSE `SSEServerTransport` (lib/compat/sse.js) as an application
 * drives it: the event stream opened on the GET's response, POSTed messages handed to
 * `onmessage` with the request that carried them (`requestInfo`, `authInfo`), and the
 * refusals (no stream yet, a content type other than JSON, a malformed message, a forged
 * `Host` or `Origin` under DNS rebinding protection), each
 * answered with the SDK's status and text and told to `onerror`; an `McpServer`'s handlers
 * see that request as `extra.requestInfo` and `extra.authInfo`.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { McpServer, SSEServerTransport } from '../lib/index.mjs';
import { within } from './helpers.mjs';

/** A response that records its status, writes and end text. */
function recorder() {
  const res = new EventEmitter();
  Object.assign(res, { status: undefined, writes: [], ended: undefined });
  res.writeHead = (status) => {
    res.status = status;
    return res;
  };
  res.write = (chunk) => res.writes.push(String(chunk)) > 0;
  res.end = (text) => {
    res.ended = text;
    return res;
  };
  return res;
}

/** A POST request carrying `body` (text), whose stream emits it once read. */
function postOf(body, headers, extra = {}) {
  const req = new EventEmitter();
  Object.assign(req, { url: '/messages?sessionId=s', headers, ...extra });
  req.destroy = () => {};
  setImmediate(() => {
    if (body !== undefined) req.emit('data', Buffer.from(body));
    req.emit('end');
  });
  return req;
}

/** A started transport (made with `options`) whose `onmessage` and `onerror` calls are recorded. */
async function started(options) {
  const transport = new SSEServerTransport('/messages', recorder(), options);
  const seen = { messages: [], errors: [] };
  transport.onmessage = (message, extra) => seen.messages.push([message, extra]);
  transport.onerror = (error) => seen.errors.push(error.message);
  await transport.start();
  return { transport, seen };
}

const PING = { jsonrpc: '2.0', id: 7, method: 'ping' };

test('a POSTed message reaches onmessage with the request that carried it, answered 202', async () => {
  const { transport, seen } = await started();
  const res = recorder();
  const headers = { host: 'example.test:8080', 'content-type': 'application/json; charset=utf-8' };
  await transport.handlePostMessage(postOf(JSON.stringify(PING), headers, { auth: { token: 't1' } }), res);
  assert.equal(res.status, 202);
  assert.equal(res.ended, 'Accepted');
  assert.equal(seen.messages.length, 1);
  const [message, extra] = seen.messages[0];
  assert.deepEqual(message, PING);
  assert.deepEqual(extra.authInfo, { token: 't1' });
  assert.equal(extra.requestInfo.headers, headers);
  assert.equal(extra.requestInfo.url.href, 'http://example.test:8080/messages?sessionId=s');
  assert.deepEqual(seen.errors, []);
});

test('a POST before the stream is open is answered 500 and rejected', async () => {
  const transport = new SSEServerTransport('/messages', recorder());
  const res = recorder();
  await assert.rejects(transport.handlePostMessage(postOf(JSON.stringify(PING), { 'content-type': 'application/json' }), res), /SSE connection not established/);
  assert.equal(res.status, 500);
  assert.equal(res.ended, 'SSE connection not established');
});

test('a content type other than JSON is refused 400, even with a parsed body, and told to onerror', async () => {
  const { transport, seen } = await started();
  const res = recorder();
  await transport.handlePostMessage(postOf(undefined, { 'content-type': 'text/plain' }), res, PING);
  assert.equal(res.status, 400);
  assert.equal(res.ended, 'Error: Unsupported content-type: text/plain');
  assert.deepEqual(seen.errors, ['Unsupported content-type: text/plain']);
  assert.deepEqual(seen.messages, []);
});

test('a body that is not a JSON-RPC message is refused 400 naming the body', async () => {
  const { transport, seen } = await started();
  const res = recorder();
  const body = JSON.stringify({ method: 'ping', id: 1 });
  await transport.handlePostMessage(postOf(body, { 'content-type': 'application/json' }), res);
  assert.equal(res.status, 400);
  assert.equal(res.ended, `Invalid message: ${body}`);
  assert.deepEqual(seen.messages, []);
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0], /Invalid JSON-RPC message/);
});

/** The status a POST of `PING` with `host` and `origin` (each left out when undefined) gets from `transport`. */
async function statusWith(transport, host, origin) {
  const headers = { 'content-type': 'application/json' };
  if (host !== undefined) headers.host = host;
  if (origin !== undefined) headers.origin = origin;
  const res = recorder();
  await transport.handlePostMessage(postOf(JSON.stringify(PING), headers), res);
  return res.status;
}

test('with enableDnsRebindingProtection and no lists, Host and Origin must be on loopback names', async () => {
  const { transport, seen } = await started({ enableDnsRebindingProtection: true });
  const forged = [
    ['evil.com'],
    ['evil.com:3000'],
    ['127.0.0.1.evil.com'],
    ['localhost.evil.com'],
    ['[::1].evil'],
    ['localhost:1@evil.com'],
    ['EVIL.COM'],
    [undefined],
    ['127.0.0.1:3000', 'http://evil.com'],
    ['127.0.0.1:3000', 'null'],
    ['127.0.0.1:3000', 'http://127.0.0.1.evil.com'],
    ['127.0.0.1:3000', 'http://localhost:1@evil.com'],
    ['127.0.0.1:3000', 'HTTP://EVIL.COM'],
  ];
  for (const [host, origin] of forged) assert.equal(await statusWith(transport, host, origin), 403, `${host} ${origin}`);
  assert.equal(seen.errors.length, forged.length, 'each refusal is told to onerror');
  for (const [host, origin] of [['127.0.0.1:3000'], ['localhost:3000', 'http://localhost:3000'], ['[::1]:3000', 'https://[::1]']]) {
    assert.equal(await statusWith(transport, host, origin), 202, `${host} ${origin}`);
  }
  assert.equal(seen.messages.length, 3);
});

test('with allowedHosts alone, an Origin must be on one of those hosts; without the switch nothing is checked', async () => {
  const { transport } = await started({ enableDnsRebindingProtection: true, allowedHosts: ['app.example:3000'] });
  assert.equal(await statusWith(transport, 'app.example:3000', 'https://app.example'), 202);
  assert.equal(await statusWith(transport, 'app.example:3000', 'http://evil.com'), 403);
  assert.equal(await statusWith(transport, 'app.example:3000', 'http://localhost:3000'), 403);
  assert.equal(await statusWith(transport, 'app.example', undefined), 403, 'the SDK matches the listed Host exactly');
  const { transport: open } = await started();
  assert.equal(await statusWith(open, 'evil.com', 'http://evil.com'), 202, 'the SDK\'s open default');
});

test('an McpServer over the transport: handlers see the POST that carried their request', async () => {
  const stream = recorder();
  const answered = new Promise((resolve) => {
    const write = stream.write;
    stream.write = (chunk) => {
      if (String(chunk).includes('"id":2')) resolve(String(chunk));
      return write(chunk);
    };
  });
  const transport = new SSEServerTransport('/messages', stream);
  const mcp = new McpServer({ name: 'sse', version: '1.0.0' });
  mcp.registerTool('seen', {}, async (extra) => ({
    content: [{ type: 'text', text: JSON.stringify({ url: extra.requestInfo?.url, trace: extra.requestInfo?.headers['x-trace'], auth: extra.authInfo }) }],
  }));
  await mcp.connect(transport);
  try {
    const headers = { host: '127.0.0.1:9', 'content-type': 'application/json', 'x-trace': 't-7' };
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'c', version: '1' } } };
    const call = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'seen', arguments: {} } };
    for (const message of [initialize, { jsonrpc: '2.0', method: 'notifications/initialized' }, call]) {
      const res = recorder();
      await transport.handlePostMessage(postOf(JSON.stringify(message), headers, { auth: { token: 'tok-1' } }), res);
      assert.equal(res.status, 202);
    }
    const event = await within(answered, 10_000, 'the tool result');
    const result = JSON.parse(event.split('\n').find((l) => l.startsWith('data: ')).slice(6));
    assert.deepEqual(JSON.parse(result.result.content[0].text), {
      url: 'http://127.0.0.1:9/messages?sessionId=s',
      trace: 't-7',
      auth: { token: 'tok-1' },
    });
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});
