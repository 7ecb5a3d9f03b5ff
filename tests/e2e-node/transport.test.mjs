/**
 * The official TypeScript SDK client drives an Express 5 application written like the SDK's
 * own examples, on `StreamableHTTPServerTransport` imported from mcpforge
 * (transport-app.mjs): with a map of transports by session id (each session's id comes from
 * the application's `sessionIdGenerator` and reaches `onsessioninitialized`, the handlers'
 * `extra.sessionId` and the client alike; GET streams carry log messages sent outside any
 * handler; DELETE ends the session through `onsessionclosed` and `onclose`), and stateless
 * (a new server and transport for every request), log messages as the official transport
 * delivers them (`server.sendLoggingMessage` to the session's GET stream, so never on a
 * stateless server; `extra.sendNotification` with the request, so never with
 * `enableJsonResponse`), on an application made by
 * `createMcpExpressApp` (its Host and Origin checks refuse other names). Both answer the application's own route,
 * tools with zod arguments, request headers in `extra.requestInfo`, and a resource
 * template's `list`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { withHttpProcess, within } from './helpers.mjs';

const APP = fileURLToPath(new URL('./transport-app.mjs', import.meta.url));
const WAIT_MS = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Starts the application in `mode`, runs `body(url)`, then stops it with SIGTERM. */
function withApp(mode, body) {
  return withHttpProcess([APP, `--${mode}`, '127.0.0.1:0'], body);
}

/** A connected official client whose requests carry `x-trace: e2e`. */
async function connect(url) {
  const client = new Client({ name: 'e2e-transport', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'x-trace': 'e2e' } } });
  await within(client.connect(transport), WAIT_MS, 'connect');
  return { client, transport };
}

const text = (result) => result.content[0].text;

/** The status and body of a POST to `url` carrying the `Host` header `host`. */
function postWithHost(url, host) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (res) => {
      let data = '';
      res.on('data', (chunk) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What every mode answers the same way. */
async function commonAnswers(client, url) {
  assert.equal(await (await fetch(new URL('/hello', url))).text(), 'the application route');
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), ['announce', 'chatty', 'greet', 'whoami']);
  assert.equal(text(await client.callTool({ name: 'greet', arguments: { name: 'Ada' } })), 'Hello, Ada!');
  const { resources } = await client.listResources();
  assert.deepEqual(
    resources.map((r) => [r.uri, r.mimeType]),
    [
      ['notes://shopping', 'text/plain'],
      ['notes://todo', 'text/plain'],
    ],
  );
  const read = await client.readResource({ uri: 'notes://todo' });
  assert.equal(read.contents[0].text, 'write tests');
  // createMcpExpressApp's Host check: a rebinding attacker's name is refused before the
  // body is read; the loopback names pass it (here to the transport, which answers).
  const refused = await postWithHost(url, 'evil.example:80');
  assert.equal(refused.status, 403);
  assert.match(JSON.parse(refused.body).error.message, /^Invalid Host header: evil\.example:80$/);
  assert.notEqual((await postWithHost(url, `localhost:${new URL(url).port}`)).status, 403);
}

test('the SDK example pattern: a map of transports by session id', async () => {
  await withApp('sessions', async (url) => {
    const { client, transport } = await connect(url);
    const logged = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logged.push(n.params.data));
    try {
      await commonAnswers(client, url);
      const sessionId = transport.sessionId;
      assert.match(sessionId, UUID, 'the id comes from the application sessionIdGenerator');
      const seen = await (await fetch(new URL('/sessions', url))).json();
      assert.deepEqual(seen, { opened: [sessionId], closed: [], live: [sessionId] });
      const who = JSON.parse(text(await client.callTool({ name: 'whoami', arguments: {} })));
      assert.deepEqual(who, { sessionId, trace: 'e2e' });

      // A log message sent outside any handler reaches the session on its GET stream.
      assert.equal(text(await client.callTool({ name: 'announce', arguments: {} })), 'will announce');
      const deadline = Date.now() + WAIT_MS;
      while (!logged.includes('announced later') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(logged, ['announced later'], 'the log message sent outside a handler');

      // A handler's server.sendLoggingMessage belongs to no request: it too comes on the GET
      // stream; extra.sendNotification's comes with the request.
      logged.length = 0;
      assert.equal(text(await client.callTool({ name: 'chatty', arguments: {} })), 'logged');
      assert.ok(logged.includes('with the request'), 'the request log message came with the request');
      const until = Date.now() + WAIT_MS;
      while (!logged.includes('from the server') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(logged.sort(), ['from the server', 'with the request']);

      await transport.terminateSession();
      const after = await (await fetch(new URL('/sessions', url))).json();
      assert.deepEqual(after, { opened: [sessionId], closed: [sessionId], live: [] }, 'onsessionclosed, then onclose');
    } finally {
      await client.close();
    }
    // A second client gets a session of its own.
    const second = await connect(url);
    try {
      assert.notEqual(second.transport.sessionId, undefined);
      assert.equal(text(await second.client.callTool({ name: 'greet', arguments: { name: 'Bo' } })), 'Hello, Bo!');
    } finally {
      await second.client.close();
    }
  });
});

test('the stateless pattern: a new server and transport for every request', async () => {
  await withApp('stateless', async (url) => {
    const { client, transport } = await connect(url);
    try {
      assert.equal(transport.sessionId, undefined, 'no session id is given out');
      await commonAnswers(client, url);
      const who = JSON.parse(text(await client.callTool({ name: 'whoami', arguments: {} })));
      assert.deepEqual(who, { sessionId: null, trace: 'e2e' });
      // No session, so no stream for a log message of no request: the official transport
      // drops server.sendLoggingMessage's; extra.sendNotification's comes with the request.
      const logged = [];
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logged.push(n.params.data));
      assert.equal(text(await client.callTool({ name: 'chatty', arguments: {} })), 'logged');
      assert.deepEqual(logged, ['with the request']);
      const seen = await (await fetch(new URL('/sessions', url))).json();
      assert.deepEqual(seen, { opened: [], closed: [], live: [] });
    } finally {
      await client.close();
    }
  });
});

test('JSON responses: what a request sends before its result is dropped, as the official transport drops it', async () => {
  await withApp('json', async (url) => {
    const { client } = await connect(url);
    const logged = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logged.push(n.params.data));
    try {
      assert.equal(text(await client.callTool({ name: 'greet', arguments: { name: 'Ada' } })), 'Hello, Ada!');
      assert.equal(text(await client.callTool({ name: 'chatty', arguments: {} })), 'logged');
      // The server's log message comes on the GET stream; the request's has no stream.
      const until = Date.now() + WAIT_MS;
      while (!logged.includes('from the server') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(logged, ['from the server']);
    } finally {
      await client.close();
    }
  });
});
