/**
 * Polling over SSE with the official SDK's Streamable HTTP transport
 * (lib/compat/stream-control.js over the engine's `closeSseStream`): a handler given
 * `extra.closeSSEStream` (its transport has an `eventStore`) ends its stream's connection,
 * the request runs on, and the client resumes the stream with `Last-Event-ID` to read the
 * result; without an `eventStore` a handler gets no such callback, as with the SDK.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { McpServer, WebStandardStreamableHTTPServerTransport } from '../lib/index.mjs';
import { INIT, deferred, within } from './helpers.mjs';

const CALL = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'poll', arguments: {} } };

/** A `Request` to the transport in `session` (`lastEventId`: a GET resuming a stream). */
function request(method, body, session, lastEventId) {
  const headers = { accept: method === 'GET' ? 'text/event-stream' : 'application/json, text/event-stream', 'content-type': 'application/json' };
  if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
  if (lastEventId) headers['last-event-id'] = lastEventId;
  return new Request('http://127.0.0.1/mcp', { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** A server whose `poll` tool reports whether it got `closeSSEStream`, calls it, and answers once released. */
async function pollingServer(options) {
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => 'poll-1', ...options });
  const mcp = new McpServer({ name: 'poll', version: '1.0.0' });
  const offered = deferred();
  const release = deferred();
  mcp.registerTool('poll', {}, async (extra) => {
    offered.resolve(typeof extra.closeSSEStream === 'function');
    extra.closeSSEStream?.();
    await release.promise;
    return { content: [{ type: 'text', text: 'polled' }] };
  });
  await mcp.connect(transport);
  await (await transport.handleRequest(request('POST', INIT))).text();
  return { transport, mcp, offered: offered.promise, release: release.resolve };
}

test('a handler ends its stream\'s connection; the client resumes it and reads the result', async () => {
  const { transport, mcp, offered, release } = await pollingServer({ eventStore: {} });
  try {
    const answer = await transport.handleRequest(request('POST', CALL, 'poll-1'));
    assert.equal(await within(offered, 10_000, 'the tool'), true);
    const cut = await within(answer.text(), 10_000, 'the end of the closed stream');
    assert.ok(!cut.includes('polled'), cut);
    const lastEventId = /^id: (.+)$/m.exec(cut)?.[1];
    assert.ok(lastEventId, cut);
    release();
    const resumed = await transport.handleRequest(request('GET', undefined, 'poll-1', lastEventId));
    assert.equal(resumed.status, 200);
    assert.ok((await within(resumed.text(), 10_000, 'the resumed stream')).includes('"text":"polled"'));
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});

test('without an eventStore a handler gets no closeSSEStream, as with the SDK', async () => {
  const { transport, mcp, offered, release } = await pollingServer({});
  try {
    release();
    const answer = await transport.handleRequest(request('POST', CALL, 'poll-1'));
    assert.equal(await within(offered, 10_000, 'the tool'), false);
    assert.ok((await answer.text()).includes('"text":"polled"'));
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
});
