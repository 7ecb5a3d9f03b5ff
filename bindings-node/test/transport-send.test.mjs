/**
 * `transport.send(notification, { relatedRequestId })` of the official SDK's Streamable HTTP
 * transports (lib/compat/transport-send.js over the engine's `notifySession`): a
 * notification the application sends goes to the transport's session on its GET stream, or
 * with the request it names from inside that request's handler; messages other than
 * notifications are refused, since the engine sends answers itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { McpServer, WebStandardStreamableHTTPServerTransport } from '../lib/index.mjs';
import { INIT, within } from './helpers.mjs';

const note = (data) => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data } });

/** A `Request` to the transport (`session`: its id, when opened). */
function request(method, body, session) {
  const headers = { accept: method === 'GET' ? 'text/event-stream' : 'application/json, text/event-stream', 'content-type': 'application/json' };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  return new Request('http://127.0.0.1/mcp', { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** The JSON-RPC messages of `reader`'s events (not the empty priming one), read until `last(message)` holds (at most 20 reads). */
async function readUntil(reader, last) {
  const seen = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < 20; i += 1) {
    const { value, done } = await within(reader.read(), 10_000, 'an event');
    if (done) break;
    for (const line of decoder.decode(value).split('\n').filter((l) => l.length > 6 && l.startsWith('data: '))) {
      const message = JSON.parse(line.slice(6));
      seen.push(message);
      if (last(message)) return seen;
    }
  }
  return seen;
}

test('transport.send puts a notification on the session\'s GET stream; other messages are refused', async () => {
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'sent-1' });
  await assert.rejects(transport.send(note('early')), /Not connected/);
  const mcp = new McpServer({ name: 'send', version: '1.0.0' });
  await mcp.connect(transport);
  try {
    await (await transport.handleRequest(request('POST', INIT))).text();
    const stream = await transport.handleRequest(request('GET', undefined, 'sent-1'));
    assert.equal(stream.status, 200);
    const reader = stream.body.getReader();
    await transport.send(note('first'));
    await transport.send(note('second'));
    const seen = await readUntil(reader, (m) => m.params?.data === 'second');
    assert.deepEqual(seen.map((m) => m.params.data), ['first', 'second']);
    await assert.rejects(transport.send({ jsonrpc: '2.0', id: 9, result: {} }), /takes notifications/);
    await reader.cancel();
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('transport.send with relatedRequestId, from that request\'s handler, goes with the request', async () => {
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'sent-2' });
  const mcp = new McpServer({ name: 'send', version: '1.0.0' }, { capabilities: { logging: {} } });
  mcp.registerTool('tell', {}, async (extra) => {
    await transport.send(note('with the call'), { relatedRequestId: extra.requestId });
    return { content: [{ type: 'text', text: 'told' }] };
  });
  await mcp.connect(transport);
  try {
    await (await transport.handleRequest(request('POST', INIT))).text();
    const call = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'tell', arguments: {} } };
    const answer = await transport.handleRequest(request('POST', call, 'sent-2'));
    const seen = await readUntil(answer.body.getReader(), (m) => m.id === 5);
    assert.deepEqual(seen.map((m) => m.params?.data ?? m.result.content[0].text), ['with the call', 'told']);
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test("server.notification() of an application's own method and an elicitation completion reach the session's GET stream", async () => {
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'own-1' });
  const mcp = new McpServer({ name: 'send', version: '1.0.0' });
  await mcp.connect(transport);
  try {
    const init = { ...INIT, params: { ...INIT.params, capabilities: { elicitation: { url: {} } } } };
    await (await transport.handleRequest(request('POST', init))).text();
    const stream = await transport.handleRequest(request('GET', undefined, 'own-1'));
    const reader = stream.body.getReader();
    await mcp.server.notification({ method: 'myorg/heartbeat', params: { seq: 1 } });
    await mcp.server.createElicitationCompletionNotifier('e-9')();
    const seen = await readUntil(reader, (m) => m.method === 'notifications/elicitation/complete');
    assert.deepEqual(seen, [
      { jsonrpc: '2.0', method: 'myorg/heartbeat', params: { seq: 1 } },
      { jsonrpc: '2.0', method: 'notifications/elicitation/complete', params: { elicitationId: 'e-9' } },
    ]);
    await reader.cancel();
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});
