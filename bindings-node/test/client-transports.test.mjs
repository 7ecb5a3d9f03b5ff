/**
 * The `Client` over its other transports: a real child on stdio (this package's test
 * server, with arguments, environment, working directory and stderr; and the repository's
 * quickstart example), Streamable HTTP and WebSocket to an mcpforge listener on 127.0.0.1, and the official
 * TypeScript SDK's `McpServer` as a child, when the end-to-end project has the SDK
 * (`make node-setup`). On each: calls, progress, an abort reaching the server's handler with
 * its reason, and the server's error as an `McpError`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client, McpError, StdioClientTransport, StreamableHTTPClientTransport, WebSocketClientTransport } from '../lib/index.mjs';
import { clientTarget } from './fixtures/client-target.mjs';
import { deferred, within } from './helpers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const TARGET = join(HERE, 'fixtures', 'client-target.mjs');
const SDK_SERVER = join(HERE, 'fixtures', 'sdk-server.mjs');
const E2E_SDK = join(ROOT, 'target', 'node', 'e2e', 'node_modules', '@modelcontextprotocol', 'sdk');

/** Calls, progress, an abort and an error, on a client connected to the client-target server. */
async function exercise(client, reasons) {
  const { tools } = await client.listTools();
  assert.equal(tools.length, 31);
  assert.deepEqual((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).structuredContent, { sum: 3 });
  const progress = [];
  const stepped = await client.callTool({ name: 'steps', arguments: { steps: 3 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
  assert.equal(stepped.content[0].text, '3 steps');
  assert.deepEqual(progress, [1, 2, 3]);
  const controller = new AbortController();
  const waiting = client.callTool({ name: 'wait', arguments: {} }, undefined, { signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 50));
  controller.abort('stop over the wire');
  await assert.rejects(waiting, (e) => e === 'stop over the wire');
  assert.deepEqual(await within(reasons(), 10_000, 'the abort to reach the server'), ['stop over the wire']);
  await assert.rejects(client.callTool({ name: 'refuse', arguments: {} }), (e) => e instanceof McpError && e.code === -32050 && e.data.retry === 'tomorrow');
}

/** The `reasons` tool polled until it has one (bounded). */
function polledReasons(client) {
  return async () => {
    for (let i = 0; i < 200; i += 1) {
      const { content } = await client.callTool({ name: 'reasons', arguments: {} });
      const { reasons } = JSON.parse(content[0].text);
      if (reasons.length) return reasons;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return [];
  };
}

test('over stdio to a child: arguments, environment, working directory, stderr, every feature', async () => {
  const cwd = tmpdir();
  const transport = new StdioClientTransport({ command: process.execPath, args: [TARGET], env: { CLIENT_TEST_MARK: 'marked' }, cwd });
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    assert.deepEqual(client.getServerVersion(), { name: 'client-target', version: '2.1.0' });
    const where = await client.callTool({ name: 'whereami', arguments: {} });
    assert.deepEqual(JSON.parse(where.content[0].text), { cwd, mark: 'marked' });
    await exercise(client, polledReasons(client));
    assert.match(transport.stderrText(), /client-target: serving stdio/);
  } finally {
    await client.close();
  }
  await assert.rejects(client.ping(), (e) => e instanceof McpError && e.code === -32000);
});

test("over stdio to the repository's quickstart example", async () => {
  const client = new Client({ name: 'quickstart-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [join(ROOT, 'examples', 'node', 'quickstart.mjs')] }));
  try {
    assert.equal(client.getServerVersion().name, 'mcpforge-quickstart');
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['add', 'current_time', 'echo']);
    assert.equal((await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })).content[0].text, '42');
    const invalid = await client.callTool({ name: 'add', arguments: { a: 'x' } });
    assert.equal(invalid.isError, true, 'invalid arguments are a tool error (2025-11-25)');
  } finally {
    await client.close();
  }
});

test('a command that does not exist fails to connect with a clear error, and the client may connect again', async () => {
  const client = new Client({ name: 'c', version: '1' });
  await assert.rejects(client.connect(new StdioClientTransport({ command: join(tmpdir(), 'no-such-mcp-server') })), /no-such-mcp-server/);
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [TARGET] }));
  try {
    assert.deepEqual(await client.ping(), {});
  } finally {
    await client.close();
  }
});

/** The client-target server listening on 127.0.0.1 (with `http` options added): `{ target, url, stop() }`. */
async function listening(http = {}) {
  const target = clientTarget();
  const ready = deferred();
  const done = target.server.listen({ handleSignals: false, http: { host: '127.0.0.1', port: 0, quiet: true, onListening: ready.resolve, ...http } });
  const { port } = await within(ready.promise, 10_000, 'the listener');
  const stop = async () => {
    await target.server.close();
    await within(done, 10_000, 'listen() to return');
  };
  return { target, url: new URL(`http://127.0.0.1:${port}/mcp`), stop };
}

/** The handshake and every feature through the transport `connectVia(url)` makes, to a listener with `http` options. */
async function overListener(http, connectVia) {
  const { target, url, stop } = await listening(http);
  const client = new Client({ name: 'listener-test', version: '1.0.0' });
  try {
    await client.connect(connectVia(url));
    assert.equal(client.getProtocolVersion(), '2025-11-25');
    await exercise(client, async () => {
      await within(target.aborted(), 10_000, 'the abort');
      return target.reasons;
    });
  } finally {
    await client.close();
    await stop();
  }
}

test('over Streamable HTTP to an mcpforge listener on 127.0.0.1', async () => {
  await overListener({}, (url) => new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'x-test': 'yes' } } }));
});

test('over WebSocket to an mcpforge listener on 127.0.0.1', async () => {
  await overListener({ websocket: true }, (url) => new WebSocketClientTransport(new URL(`ws://${url.host}/mcp`)));
});

test('a WebSocketClientTransport takes only ws:// and wss:// URLs', () => {
  assert.throws(() => new WebSocketClientTransport('http://127.0.0.1/mcp'), /ws:\/\/ or wss:\/\//);
});

test('over Streamable HTTP on the stateless 2026-07-28 wire', async () => {
  const { url, stop } = await listening();
  const client = new Client({ name: 'http-test', version: '1.0.0' }, { protocol: 'auto' });
  try {
    await client.connect(new StreamableHTTPClientTransport(url));
    assert.equal(client.getProtocolVersion(), '2026-07-28');
    assert.equal((await client.callTool({ name: 'echo', arguments: { text: 'modern' } })).content[0].text, 'modern');
  } finally {
    await client.close();
    await stop();
  }
});

test("the official TypeScript SDK's McpServer over stdio", { skip: !existsSync(E2E_SDK) && 'the SDK is not installed (make node-setup)' }, async () => {
  const client = new Client({ name: 'sdk-test', version: '1.0.0' }, { capabilities: { elicitation: {} } });
  client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { name: 'Ada' } }));
  const updated = updates(client);
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [SDK_SERVER, E2E_SDK] }));
  try {
    assert.equal(client.getServerVersion().name, 'sdk-server');
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['add', 'greet', 'refuse', 'steps', 'touch', 'wait']);
    assert.deepEqual((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).structuredContent, { sum: 3 });
    assert.equal((await client.callTool({ name: 'greet', arguments: {} })).content[0].text, 'Hello, Ada');
    const progress = [];
    await client.callTool({ name: 'steps', arguments: { steps: 2 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    assert.deepEqual(progress, [1, 2]);
    const controller = new AbortController();
    const waiting = client.callTool({ name: 'wait', arguments: {} }, undefined, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort('stop the SDK');
    await assert.rejects(waiting, (e) => e === 'stop the SDK');
    const reasons = await polledSdkReasons(client);
    assert.deepEqual(reasons, ['stop the SDK']);
    // The SDK's McpServer turns a tool's McpError into an `isError` result; its own errors are JSON-RPC errors.
    const refused = await client.callTool({ name: 'refuse', arguments: {} });
    assert.equal(refused.isError, true);
    assert.match(refused.content[0].text, /not today/);
    await assert.rejects(client.getPrompt({ name: 'none' }), (e) => e instanceof McpError && e.code === -32601);
    // A subscription: the update of a subscribed resource comes, none once unsubscribed
    // (stdio keeps the order: the marker's update comes after the one that must not).
    await client.subscribeResource({ uri: 'test://reasons' });
    await client.callTool({ name: 'touch', arguments: { uri: 'test://reasons' } });
    assert.equal(await within(updated.next(), 10_000, 'an update'), 'test://reasons');
    await client.unsubscribeResource({ uri: 'test://reasons' });
    await client.subscribeResource({ uri: 'test://marker' });
    await client.callTool({ name: 'touch', arguments: { uri: 'test://reasons' } });
    await client.callTool({ name: 'touch', arguments: { uri: 'test://marker' } });
    assert.equal(await within(updated.next(), 10_000, 'the marker'), 'test://marker');
  } finally {
    await client.close();
  }
});

/** The URIs of the `notifications/resources/updated` the client gets, one by one: `next()`. */
function updates(client) {
  const arrived = [];
  let waiting;
  client.setNotificationHandler('notifications/resources/updated', ({ params }) => {
    arrived.push(params.uri);
    waiting?.();
  });
  return {
    async next() {
      while (!arrived.length) await new Promise((resolve) => { waiting = resolve; });
      return arrived.shift();
    },
  };
}

/** The SDK server's `wait` tool reports the reasons through `greet`'s sibling resource. */
async function polledSdkReasons(client) {
  for (let i = 0; i < 200; i += 1) {
    const read = await client.readResource({ uri: 'test://reasons' });
    const reasons = JSON.parse(read.contents[0].text);
    if (reasons.length) return reasons;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return [];
}
