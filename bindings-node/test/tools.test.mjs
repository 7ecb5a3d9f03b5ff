/**
 * Tools: registration and listing, how returned values map to results (text, JSON,
 * structured output, full results), what thrown errors become, values that cannot be
 * mapped, bad arguments, and live changes (add/remove while connected).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { McpError, ToolError, ErrorCode, Server } from '../lib/index.mjs';
import { withServer, text, OBJECT_AB } from './helpers.mjs';

function tools(server) {
  server.tool('add', { description: 'Add', inputSchema: OBJECT_AB }, ({ a, b }) => a + b);
  server.tool('echo', { inputSchema: { type: 'object', properties: { s: { type: 'string' } } } }, async ({ s }) => s);
  server.tool('full', {}, () => ({ content: [{ type: 'text', text: 'x' }, { type: 'text', text: 'y' }] }));
  server.tool('nothing', {}, () => undefined);
  server.tool(
    'structured',
    {
      inputSchema: OBJECT_AB,
      outputSchema: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] },
    },
    ({ a, b }) => ({ sum: a + b }),
  );
  server.tool('bad_structured', { outputSchema: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] } }, () => ({ total: 1 }));
  server.tool('object_without_schema', {}, () => ({ k: [1, 2] }));
  server.tool('throws', {}, () => {
    throw new Error('plain failure');
  });
  server.tool('throws_type', {}, () => {
    throw new TypeError('bad type');
  });
  server.tool('rejects', {}, async () => {
    throw new Error('async failure');
  });
  server.tool('throws_string', {}, () => {
    throw 'just a string';
  });
  server.tool('tool_error', {}, () => {
    throw new ToolError('with data', { reason: 'r' });
  });
  server.tool('mcp_error', {}, () => {
    throw new McpError(ErrorCode.InvalidParams, 'no such thing', { detail: 1 });
  });
  server.tool('returns_function', {}, () => () => 1);
  server.tool('returns_bigint', {}, () => 10n);
  server.tool('returns_circular', {}, () => {
    const o = {};
    o.self = o;
    return o;
  });
  server.tool('bad_result', {}, () => ({ content: [{ type: 'nope' }] }));
}

test('tools are listed with their schemas', async () => {
  await withServer(tools, async (_s, c) => {
    const { tools: listed } = await c.listTools();
    const add = listed.find((t) => t.name === 'add');
    assert.deepEqual(add.inputSchema, OBJECT_AB);
    assert.equal(add.description, 'Add');
    assert.deepEqual(listed.find((t) => t.name === 'full').inputSchema, { type: 'object', properties: {} });
    assert.ok(listed.find((t) => t.name === 'structured').outputSchema);
  });
});

test('plain values map to content; full results pass through', async () => {
  await withServer(tools, async (_s, c) => {
    assert.equal(text(await c.callTool('add', { a: 1, b: 2 })), '3');
    assert.equal(text(await c.callTool('echo', { s: 'hi' })), 'hi');
    assert.deepEqual((await c.callTool('full', {})).content.map((b) => b.text), ['x', 'y']);
    assert.deepEqual((await c.callTool('nothing', {})).content, []);
    assert.deepEqual(JSON.parse(text(await c.callTool('object_without_schema', {}))), { k: [1, 2] });
  });
});

test('a result of one text block is answered as written, its other fields kept', async () => {
  const block = (extra = {}) => ({ content: [{ type: 'text', text: 't', ...extra }] });
  const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
  const setup = (server) => {
    server.tool('one', {}, () => block());
    server.tool('annotated', {}, () => block({ annotations: { priority: 1 } }));
    server.tool('with_fields', {}, () => ({ ...block(), isError: true, _meta: { k: 1 } }));
    server.tool('missing_field', {}, () => ({ ...block(), structuredContent: undefined }));
    server.tool('with_schema', { outputSchema: schema }, () => ({ ...block(), structuredContent: { n: 1 } }));
    server.tool('schema_unfilled', { outputSchema: schema }, () => block());
  };
  await withServer(setup, async (_s, c) => {
    assert.deepEqual(await c.callTool('one', {}), block());
    assert.deepEqual(await c.callTool('missing_field', {}), block());
    assert.deepEqual(await c.callTool('annotated', {}), block({ annotations: { priority: 1 } }));
    assert.deepEqual(await c.callTool('with_fields', {}), { ...block(), isError: true, _meta: { k: 1 } });
    assert.deepEqual(await c.callTool('with_schema', {}), { ...block(), structuredContent: { n: 1 } });
    // Under an output schema a text block alone is still no structured result.
    await assert.rejects(c.callTool('schema_unfilled', {}), (e) => e.code === ErrorCode.InternalError);
  });
});

test('structured output with an outputSchema is validated', async () => {
  await withServer(tools, async (_s, c) => {
    const r = await c.callTool('structured', { a: 2, b: 3 });
    assert.deepEqual(r.structuredContent, { sum: 5 });
    assert.deepEqual(JSON.parse(text(r)), { sum: 5 });
    await assert.rejects(c.callTool('bad_structured', {}), (e) => {
      assert.equal(e.code, ErrorCode.InternalError);
      assert.match(e.message, /does not match its outputSchema/);
      return true;
    });
  });
});

test('thrown errors and rejections become tool errors with the message', async () => {
  await withServer(tools, async (_s, c) => {
    for (const [name, message] of [
      ['throws', 'plain failure'],
      ['throws_type', 'TypeError: bad type'],
      ['rejects', 'async failure'],
      ['throws_string', 'just a string'],
      ['tool_error', 'with data'],
    ]) {
      const r = await c.callTool(name, {});
      assert.equal(r.isError, true, name);
      assert.equal(text(r), message, name);
    }
    assert.deepEqual((await c.callTool('tool_error', {})).structuredContent, { reason: 'r' });
  });
});

test('McpError becomes a JSON-RPC error with its code and data', async () => {
  await withServer(tools, async (_s, c) => {
    await assert.rejects(c.callTool('mcp_error', {}), (e) => {
      assert.equal(e.code, ErrorCode.InvalidParams);
      assert.equal(e.message, 'no such thing');
      assert.deepEqual(e.data, { detail: 1 });
      return true;
    });
  });
});

test('values that cannot be mapped are clear tool errors, and the server keeps serving', async () => {
  await withServer(tools, async (_s, c) => {
    const fn = await c.callTool('returns_function', {});
    assert.equal(fn.isError, true);
    assert.match(text(fn), /returns_function.*function.*cannot be converted to JSON/);
    const big = await c.callTool('returns_bigint', {});
    assert.equal(big.isError, true);
    assert.match(text(big), /returns_bigint.*cannot be converted to JSON.*BigInt/);
    const circ = await c.callTool('returns_circular', {});
    assert.equal(circ.isError, true);
    assert.match(text(circ), /circular/i);
    const bad = await c.callTool('bad_result', {});
    assert.equal(bad.isError, true);
    assert.match(text(bad), /bad_result|tool handler returned a value of the wrong shape/);
    assert.equal(text(await c.callTool('add', { a: 1, b: 1 })), '2');
  });
});

test('bad arguments are refused before the handler runs', async () => {
  let ran = 0;
  await withServer(
    (s) => s.tool('add', { inputSchema: OBJECT_AB }, ({ a, b }) => {
      ran += 1;
      return a + b;
    }),
    async (_s, c) => {
      const r = await c.callTool('add', { a: 'one' });
      assert.equal(r.isError, true);
      assert.match(text(r), /Invalid arguments for tool add/);
      await assert.rejects(c.callTool('missing', {}), (e) => e.code === ErrorCode.InvalidParams);
      assert.equal(ran, 0);
      assert.equal(text(await c.callTool('add', { a: 1, b: 2 })), '3');
    },
  );
});

test('invalid registrations throw at once', () => {
  const server = new Server({ name: 't', version: '1' });
  assert.throws(() => server.tool('x', {}, 'not a function'), /handler must be a function/);
  assert.throws(() => server.tool('x', { inputSchema: { type: 'object', properties: { a: { type: 12 } } } }, () => 1), /invalid/i);
  assert.throws(() => new Server({}), /needs a name/);
  return server.close();
});

test('tools added and removed while connected are seen by the client', async () => {
  await withServer(
    (s) => s.tool('first', {}, () => 'one'),
    async (server, c) => {
      const second = server.tool('second', {}, () => 'two');
      assert.deepEqual((await c.listTools()).tools.map((t) => t.name).sort(), ['first', 'second']);
      assert.equal(text(await c.callTool('second', {})), 'two');
      assert.equal(second.remove(), true);
      assert.deepEqual((await c.listTools()).tools.map((t) => t.name), ['first']);
      const changed = (await c.drainMessages()).filter((m) => m.method === 'notifications/tools/list_changed');
      assert.ok(changed.length >= 1);
    },
  );
});

/**
 * Registers a tool, a prompt and a listed template named `looped` whose handlers only the
 * registration holds; returns weak references to the handlers (made here, not in the
 * caller's async frame, which could keep the last ones alive).
 */
function registerLooped(server, i) {
  const tool = () => `tool ${i}`;
  const prompt = () => `prompt ${i}`;
  const read = (uri) => ({ contents: [{ uri: uri.href, text: 'x' }] });
  const list = () => [{ uri: 'loop://x', name: 'x' }];
  server.tool('looped', {}, tool);
  server.prompt('looped', {}, prompt);
  server.resourceTemplate('looped', 'loop://{x}', { list }, read);
  return [tool, prompt, read, list].map((f) => new WeakRef(f));
}

test('a removed tool, prompt or template lets go of its handlers (add and remove in a loop grow nothing)', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const server = new Server({ name: 'released', version: '1.0.0' });
  const client = await server.testClient();
  try {
    const handlers = [];
    for (let i = 0; i < 3; i++) {
      handlers.push(...registerLooped(server, i));
      assert.equal(text(await client.callTool('looped', {})), `tool ${i}`, 'served before it is removed');
      assert.equal(server.removeTool('looped'), true);
      assert.equal(server.removePrompt('looped'), true);
      assert.equal(server.removeResourceTemplate('loop://{x}'), true);
    }
    const held = () => handlers.map((w, i) => (w.deref() === undefined ? -1 : i)).filter((i) => i >= 0);
    const deadline = Date.now() + 5_000;
    while (held().length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
    }
    assert.deepEqual(held(), [], 'handlers of removed registrations are still held');
  } finally {
    await client.close();
    await server.close();
  }
});

test('server options are read by the engine, and a mistyped one throws', async () => {
  await withServer(
    (server) => server.tool('noop', {}, () => 'ok'),
    async (_, client) => {
      assert.equal(client.initializeResult.protocolVersion, '2025-06-18');
      assert.equal(client.initializeResult.serverInfo.title, 'Options');
      assert.deepEqual(client.initializeResult.capabilities.experimental, { x: {} });
      assert.ok(client.initializeResult.capabilities.prompts, 'enablePrompts advertises prompts');
    },
    { protocolVersion: '2025-11-25' },
    {
      title: 'Options',
      protocolVersions: ['2025-06-18'],
      limits: { maxQueuedMessages: 16, requestTimeoutMs: null },
      experimental: { x: {} },
      enablePrompts: true,
    },
  );
  assert.throws(() => new Server({ name: 't', limits: { maxInflight: 1 } }), /unknown field `maxInflight`/);
  const twice = new Server({ name: 't' });
  twice.tool('once', {}, () => 'a');
  assert.throws(() => twice.tool('once', {}, () => 'b'), /duplicate tool `once`/);
  await twice.close();
  assert.throws(() => new Server({ name: 't', protocolVersions: ['1999-01-01'] }), /unknown protocol version/);
});
