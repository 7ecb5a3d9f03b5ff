/**
 * The `Client` against an mcpforge server in this process (`InProcessClientTransport`):
 * every method, the server's requests answered by the client's handlers, progress,
 * notifications, an `AbortSignal` reaching the server's handler with its reason, a timeout,
 * and the server's error as an `McpError` with its code and data.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { Client, InProcessClientTransport, McpError, McpServer } from '../lib/index.mjs';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, LoggingMessageNotificationSchema } from '../lib/sdk/types.mjs';
import { clientTarget } from './fixtures/client-target.mjs';
import { within } from './helpers.mjs';

const CAPABILITIES = { sampling: {}, elicitation: {}, roots: { listChanged: true } };

/** Runs `fn(client, target)` with a client connected in process; closes both after. */
async function connected(fn, setup = () => {}, options = {}) {
  const target = clientTarget();
  const client = new Client({ name: 'client-test', version: '1.0.0' }, { capabilities: CAPABILITIES, ...options });
  setup(client);
  await client.connect(new InProcessClientTransport(target.server));
  try {
    await fn(client, target);
  } finally {
    await client.close();
    await target.server.close();
  }
}

test('every method of the client, on a server in process', async () => {
  await connected(async (client) => {
    assert.deepEqual(client.getServerVersion(), { name: 'client-target', version: '2.1.0' });
    assert.equal(client.getInstructions(), 'Call echo first.');
    assert.ok(client.getServerCapabilities().tools, 'the tools capability');
    assert.equal(client.getProtocolVersion(), '2025-11-25');
    assert.deepEqual(await client.ping(), {});

    const { tools } = await client.listTools();
    assert.equal(tools.length, 31, 'every page of 8 followed');
    const echoed = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    assert.deepEqual(echoed.content, [{ type: 'text', text: 'hi' }]);
    const added = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    assert.deepEqual(added.structuredContent, { sum: 5 });

    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri), ['file:///readme.md']);
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate), ['users://{id}/profile']);
    const read = await client.readResource({ uri: 'users://7/profile' });
    assert.equal(read.contents[0].text, '{"id":"7"}');
    assert.deepEqual(await client.subscribeResource({ uri: 'file:///readme.md' }), {});
    assert.deepEqual(await client.unsubscribeResource({ uri: 'file:///readme.md' }), {});

    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name), ['review']);
    const prompt = await client.getPrompt({ name: 'review', arguments: { code: 'x = 1' } });
    assert.equal(prompt.messages[0].content.text, 'Review: x = 1');
    const done = await client.complete({ ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'code', value: 'ja' } });
    assert.deepEqual(done.completion.values, ['javascript', 'java']);
    assert.deepEqual(await client.setLoggingLevel('debug'), {});
    await client.sendRootsListChanged();
  });
});

test("the server's requests are answered by the client's handlers", async () => {
  const seen = [];
  await connected(async (client) => {
    const result = await client.callTool({ name: 'ask', arguments: {} });
    const { sampled, elicited, roots } = JSON.parse(result.content[0].text);
    assert.equal(sampled.content.text, 'a sample');
    assert.deepEqual(elicited, { action: 'accept', content: { name: 'Ada' } });
    assert.deepEqual(roots.roots, [{ uri: 'file:///work', name: 'work' }]);
    assert.deepEqual(seen, ['sampling/createMessage', 'elicitation/create', 'roots/list']);
  }, (client) => {
    client.setRequestHandler(CreateMessageRequestSchema, (request) => {
      seen.push(request.method);
      return { role: 'assistant', model: 'm', content: { type: 'text', text: 'a sample' } };
    });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      seen.push(request.method);
      return { action: 'accept', content: { name: 'Ada' } };
    });
    client.setRequestHandler(ListRootsRequestSchema, (request) => {
      seen.push(request.method);
      return { roots: [{ uri: 'file:///work', name: 'work' }] };
    });
  });
});

test('a handler for a capability the client did not declare is refused, as by the SDK', () => {
  const client = new Client({ name: 'c', version: '1' });
  assert.throws(() => client.setRequestHandler(CreateMessageRequestSchema, () => ({})), /does not support sampling/);
});

test("a handler's McpError reaches the server as its error", async () => {
  await connected(async (client) => {
    const result = await client.callTool({ name: 'ask', arguments: {} });
    assert.equal(result.isError, true, 'the tool failed on the refusal');
    assert.match(result.content[0].text, /no model here/);
  }, (client) => {
    client.setRequestHandler('sampling/createMessage', () => {
      throw new McpError(-32600, 'no model here');
    });
  });
});

test('progress reaches onprogress, and log messages their handler', async () => {
  const logged = [];
  await connected(async (client) => {
    await client.setLoggingLevel('info');
    const progress = [];
    const result = await client.callTool({ name: 'steps', arguments: { steps: 4 } }, undefined, { onprogress: (p) => progress.push(p) });
    assert.equal(result.content[0].text, '4 steps');
    assert.deepEqual(progress.map((p) => [p.progress, p.total, p.message]), [[1, 4, 'step 1'], [2, 4, 'step 2'], [3, 4, 'step 3'], [4, 4, 'step 4']]);
    assert.deepEqual(logged.map((n) => n.params.data.step), [1, 2, 3, 4]);
  }, (client) => {
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logged.push(n));
  });
});

test("aborting a call rejects it with the signal's reason and cancels the server's handler with it", async () => {
  await connected(async (client, target) => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, undefined, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort('the user pressed stop');
    await assert.rejects(call, (e) => e === 'the user pressed stop');
    await within(target.aborted(), 10_000, 'the handler to be aborted');
    assert.deepEqual(target.reasons, ['the user pressed stop']);
    assert.deepEqual((await client.callTool({ name: 'echo', arguments: { text: 'on' } })).content[0].text, 'on', 'the client goes on');
  });
});

test('a timeout rejects with RequestTimeout and cancels the call on the server', async () => {
  await connected(async (client, target) => {
    const call = client.callTool({ name: 'wait', arguments: {} }, undefined, { timeout: 100 });
    await assert.rejects(call, (e) => e instanceof McpError && e.code === -32001 && e.data.timeout >= 100);
    await within(target.aborted(), 10_000, 'the handler to be aborted');
    assert.deepEqual(target.reasons, ['the request timed out']);
  });
});

test("the server's error is an McpError with its code and data", async () => {
  await connected(async (client) => {
    await assert.rejects(client.callTool({ name: 'refuse', arguments: {} }), (e) => e instanceof McpError && e.code === -32050 && e.data.retry === 'tomorrow');
    await assert.rejects(client.callTool({ name: 'nope', arguments: {} }), (e) => e instanceof McpError && e.code === -32602);
    await assert.rejects(client.readResource({ uri: 'file:///missing' }), (e) => e instanceof McpError && e.code === -32002);
  });
});

test('calls on a closed client reject with ConnectionClosed', async () => {
  const target = clientTarget();
  const client = new Client({ name: 'c', version: '1' });
  await client.connect(new InProcessClientTransport(target.server));
  let closed = false;
  client.onclose = () => (closed = true);
  await client.close();
  assert.ok(closed, 'onclose ran');
  await assert.rejects(client.ping(), (e) => e instanceof McpError && e.code === -32000);
  await target.server.close();
});

test("the client is where a program switching from the SDK imports it", async () => {
  const { Client: FromIndex } = await import('mcpforge/client/index.js');
  const { StdioClientTransport } = await import('mcpforge/client/stdio.js');
  const { StreamableHTTPClientTransport } = await import('mcpforge/client/streamableHttp.js');
  const mcpforge = await import('mcpforge');
  assert.equal(FromIndex, Client);
  assert.equal(StdioClientTransport, mcpforge.StdioClientTransport);
  assert.equal(StreamableHTTPClientTransport, mcpforge.StreamableHTTPClientTransport);
  const required = (await import('node:module')).createRequire(import.meta.url)('mcpforge/client/index.js');
  assert.equal(required.Client, Client);
});

test("an McpServer of the drop-in layer, in process", async () => {
  const mcp = new McpServer({ name: 'drop-in', version: '3.0.0' });
  mcp.registerTool('double', { inputSchema: { n: z.number() } }, ({ n }) => ({ content: [{ type: 'text', text: String(2 * n) }] }));
  const client = new Client({ name: 'c', version: '1' });
  await client.connect(new InProcessClientTransport(mcp));
  try {
    assert.equal(client.getServerVersion().name, 'drop-in');
    assert.equal((await client.callTool({ name: 'double', arguments: { n: 21 } })).content[0].text, '42');
  } finally {
    await client.close();
    await mcp.close();
  }
});
