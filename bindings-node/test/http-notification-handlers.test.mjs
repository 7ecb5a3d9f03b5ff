/**
 * The client's notifications reach the handlers of the low-level server's
 * `setNotificationHandler` over the SDK's Streamable HTTP transports (whose messages the
 * engine reads), stateful and stateless, parsed by the handler's schema, as over the other
 * transports; a handler's failure goes to `onerror` in the SDK's words.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { WebStandardStreamableHTTPServerTransport } from '../lib/index.mjs';
import { Server } from '../lib/sdk/server/index.mjs';
import { ACCEPT, INIT, deferred, within } from './helpers.mjs';

const XEvent = z.object({ method: z.literal('x-e2e/event'), params: z.object({ kind: z.string(), id: z.number() }) });

/** A web POST of `body` (sent as JSON), on `session` (2025-11-25) when given. */
function webPost(body, session) {
  const headers = { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2025-11-25' };
  if (session) headers['mcp-session-id'] = session;
  return new Request('http://127.0.0.1/mcp', { method: 'POST', headers, body: JSON.stringify(body) });
}

/** Runs `fn(send)` against a low-level server over a web transport with `options`; resolves to what the handlers saw. */
async function notifying(options, fn) {
  const server = new Server({ name: 's', version: '0' }, { capabilities: {} });
  const seen = [];
  const errors = [];
  let heard = deferred();
  server.onerror = (e) => {
    errors.push(e.message);
    heard.resolve();
    heard = deferred();
  };
  server.setNotificationHandler(XEvent, (n) => {
    seen.push(n);
    heard.resolve();
    heard = deferred();
    if (n.params.kind === 'fail') throw new Error('the handler failed');
  });
  const web = new WebStandardStreamableHTTPServerTransport(options);
  await server.connect(web);
  try {
    const opened = await web.handleRequest(webPost(INIT));
    assert.equal(opened.status, 200);
    await opened.text();
    const session = opened.headers.get('mcp-session-id') ?? undefined;
    const send = async (notification, what) => {
      const waited = heard.promise;
      const answer = await web.handleRequest(webPost({ jsonrpc: '2.0', ...notification }, session));
      assert.equal(answer.status, 202);
      await within(waited, 10_000, what);
    };
    await fn(send);
  } finally {
    await within(server.close(), 10_000, 'close()');
  }
  return { seen, errors };
}

for (const [mode, options] of [
  ['stateful', { sessionIdGenerator: () => 'n-1' }],
  ['stateless', { sessionIdGenerator: undefined }],
]) {
  test(`a notification handler runs for the client's notification over Streamable HTTP (${mode})`, async () => {
    const { seen, errors } = await notifying(options, async (send) => {
      await send({ method: 'x-e2e/event', params: { kind: 'k', id: 42, extra: 'stripped' } }, 'the handler');
      await send({ method: 'x-e2e/event', params: { kind: 'fail', id: 1 } }, 'the failing handler');
    });
    assert.deepEqual(seen, [
      { method: 'x-e2e/event', params: { kind: 'k', id: 42 } },
      { method: 'x-e2e/event', params: { kind: 'fail', id: 1 } },
    ]);
    // Each report is awaited after the handler ran: give the rejection a turn to reach onerror.
    await within(new Promise((resolve) => setImmediate(resolve)), 1_000, 'a turn of the loop');
    assert.deepEqual(errors, ['Uncaught error in notification handler: Error: the handler failed']);
  });
}
