/**
 * The official SDK's API on mcpforge (lib/compat): McpServer handlers called as the SDK
 * calls them, failures worded as it words them with their stacks logged (or masked), handles
 * that disable, enable, update and remove, completable prompt arguments and template
 * completion, server.server's client input from inside a handler, and the protocol version
 * constants (the engine's).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { McpServer, ResourceTemplate, completable, McpError, ErrorCode, Server } from '../lib/index.mjs';
import { within, text, stdioClient } from './helpers.mjs';
import { fileURLToPath } from 'node:url';
import * as sdkCompletable from '../lib/sdk/server/completable.mjs';
import { createRequire } from 'node:module';

const { currentContext } = createRequire(import.meta.url)('../lib/compat/protocol-server.js');
const TOOLS_FIXTURE = fileURLToPath(new URL('./fixtures/tools-on-initialized.mjs', import.meta.url));

/** A logger collecting what it is given. */
function collector() {
  const lines = [];
  return { lines, error: (...args) => lines.push(args.join(' ')) };
}

/** Runs `fn(mcp, client)` with a connected test client on `mcp`'s engine; closes both. */
async function withMcp(mcp, fn, clientOptions) {
  const client = await mcp.engine.testClient(clientOptions);
  try {
    return await fn(client);
  } finally {
    await within(mcp.close(), 10_000, 'close()');
  }
}

test('tools are called as the SDK calls them: (args, extra) with a schema, (extra) without', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('add', { inputSchema: { a: z.number(), b: z.number().default(10) } }, ({ a, b }, extra) => ({
    content: [{ type: 'text', text: `${a + b} ${typeof extra.requestId}` }],
  }));
  mcp.registerTool('bare', {}, (extra) => ({ content: [{ type: 'text', text: `${extra.signal instanceof AbortSignal}` }] }));
  mcp.tool('old', 'Older form', { s: z.string() }, { readOnlyHint: true }, ({ s }) => ({ content: [{ type: 'text', text: s }] }));
  await withMcp(mcp, async (client) => {
    assert.match(text(await client.callTool('add', { a: 1 })), /^11 (string|number)$/);
    assert.equal(text(await client.callTool('bare', {})), 'true');
    assert.equal(text(await client.callTool('old', { s: 'x' })), 'x');
    const { tools } = await client.listTools();
    const old = tools.find((t) => t.name === 'old');
    assert.deepEqual(old.annotations, { readOnlyHint: true });
    assert.equal(old.description, 'Older form');
    assert.throws(() => mcp.registerTool('add', {}, () => ({ content: [] })), /Tool add is already registered/);
  });
});

test('an unexpected throw is logged with its stack and answered with its message, or masked', async () => {
  for (const maskErrorDetails of [false, true]) {
    const logger = collector();
    const mcp = new McpServer({ name: 't', version: '1.0.0' }, { logger, maskErrorDetails });
    mcp.registerTool('boom', {}, function explodingTool() {
      throw new TypeError('secret detail');
    });
    mcp.registerTool('refuse', {}, () => {
      throw new McpError(ErrorCode.InvalidRequest, 'not here');
    });
    mcp.registerPrompt('bad', {}, function failingPrompt() {
      throw new Error('prompt detail');
    });
    await withMcp(mcp, async (client) => {
      const result = await client.callTool('boom', {});
      assert.equal(result.isError, true);
      assert.equal(text(result), maskErrorDetails ? 'the handler failed' : 'secret detail');
      const refused = await client.callTool('refuse', {});
      assert.equal(text(refused), 'MCP error -32600: not here'); // expected errors are never masked
      await assert.rejects(client.getPrompt('bad', {}), (e) => e.message.includes(maskErrorDetails ? 'the handler failed' : 'prompt detail'));
    });
    assert.equal(logger.lines.length, 2, logger.lines.join('\n'));
    assert.match(logger.lines[0], /tool `boom` threw: TypeError: secret detail\n\s+at .*explodingTool/);
    assert.match(logger.lines[1], /prompt `bad` threw: Error: prompt detail\n\s+at .*failingPrompt/);
  }
});

test('the plain Server logs unexpected throws too, and refuses a logger without error()', async () => {
  const logger = collector();
  const server = new Server({ name: 't', version: '1.0.0', logger });
  server.tool('boom', {}, function boomTool() {
    throw new RangeError('out of range');
  });
  const client = await server.testClient();
  try {
    assert.equal(text(await client.callTool('boom', {})), 'RangeError: out of range');
  } finally {
    await server.close();
  }
  assert.equal(logger.lines.length, 1);
  assert.match(logger.lines[0], /at boomTool/);
  assert.throws(() => new Server({ name: 't', logger: {} }), /error\(\.\.\.\) method/);
});

test('handles disable, enable, update and remove, and clients are told', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  // One of each kind stays: the engine serves a list method only while something of its kind is registered.
  mcp.registerTool('keep', {}, () => ({ content: [] }));
  mcp.registerPrompt('keep', {}, () => ({ messages: [] }));
  const tool = mcp.registerTool('a', { description: 'A' }, () => ({ content: [{ type: 'text', text: 'a' }] }));
  const prompt = mcp.registerPrompt('p', {}, () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'p' } }] }));
  const resource = mcp.registerResource('r', 'mem://r', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'r' }] }));
  await withMcp(mcp, async (client) => {
    const names = async () => (await client.listTools()).tools.map((t) => t.name).filter((n) => n !== 'keep');
    tool.disable();
    assert.equal(tool.enabled, false);
    assert.deepEqual(await names(), []);
    tool.enable();
    assert.deepEqual(await names(), ['a']);
    tool.update({ name: 'b', description: 'B', paramsSchema: { n: z.number() }, callback: ({ n }) => ({ content: [{ type: 'text', text: `b${n}` }] }) });
    assert.deepEqual(await names(), ['b']);
    assert.equal(text(await client.callTool('b', { n: 2 })), 'b2');
    tool.remove();
    assert.deepEqual(await names(), []);
    prompt.disable();
    assert.deepEqual((await client.listPrompts()).prompts.map((p) => p.name), ['keep']);
    resource.update({ uri: 'mem://s' });
    assert.deepEqual((await client.listResources()).resources.map((r) => r.uri), ['mem://s']);
    const methods = (await client.drainMessages()).map((m) => m.method);
    for (const kind of ['tools', 'prompts', 'resources']) assert.ok(methods.includes(`notifications/${kind}/list_changed`), kind);
  });
});

/**
 * How many `notifications/tools/list_changed` the four registrations of
 * fixtures/tools-on-initialized.mjs send over stdio (`args` given to it): the first is waited
 * for (a debounced one comes a turn later), then the others are counted up to the answer of
 * a ping sent after it (undebounced, all four go out together).
 */
async function toolListChanges(args) {
  const client = stdioClient(TOOLS_FIXTURE, args);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const changed = (m) => m.method === 'notifications/tools/list_changed';
    await client.next(changed, 'the first list_changed');
    // Messages are handled in order, and what the server sent first is read first.
    client.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    await client.next((m) => m.id === 2, 'the ping answer');
    return 1 + client.unclaimed().filter(changed).length;
  } finally {
    await client.stop();
  }
}

test('each registration sends its own list_changed, unless debouncedNotificationMethods names it', async () => {
  assert.equal(await toolListChanges([]), 4);
  assert.equal(await toolListChanges(['--debounce']), 1);
});

test('completable prompt arguments and template variables complete as the SDK answers', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerPrompt(
    'greet',
    { argsSchema: { lang: completable(z.string(), (v, ctx) => ['en', 'eo', 'es'].filter((l) => l.startsWith(v) && l !== ctx?.arguments?.not)) } },
    ({ lang }) => ({ messages: [{ role: 'user', content: { type: 'text', text: lang } }] }),
  );
  const many = Array.from({ length: 150 }, (_, i) => `v${i}`);
  mcp.registerResource('t', new ResourceTemplate('t://{id}', { list: undefined, complete: { id: () => many } }), {}, (uri, { id }) => ({
    contents: [{ uri: uri.href, text: id }],
  }));
  await withMcp(mcp, async (client) => {
    const prompt = await client.complete({ type: 'ref/prompt', name: 'greet' }, { name: 'lang', value: 'e' }, { arguments: { not: 'eo' } });
    assert.deepEqual(prompt.completion, { values: ['en', 'es'], total: 2, hasMore: false });
    const template = await client.complete({ type: 'ref/resource', uri: 't://{id}' }, { name: 'id', value: '' });
    assert.equal(template.completion.values.length, 100);
    assert.equal(template.completion.total, 150);
    assert.equal(template.completion.hasMore, true);
    assert.equal((await client.readResource('t://7')).contents[0].text, '7');
  });
});

test('completion references without a provider are answered as the SDK answers them', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  const answer = () => ({ messages: [] });
  mcp.registerPrompt('greet', { argsSchema: { lang: completable(z.string(), () => ['en']) } }, answer);
  mcp.registerPrompt('plain', { argsSchema: { x: z.string() } }, answer);
  mcp.registerResource('r', 'mem://r', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'r' }] }));
  await withMcp(mcp, async (client) => {
    const unknown = (what) => (e) => e.code === -32602 && e.message.includes(what);
    await assert.rejects(client.complete({ type: 'ref/prompt', name: 'nope' }, { name: 'x', value: '' }), unknown('Prompt nope not found'));
    await assert.rejects(client.complete({ type: 'ref/resource', uri: 'mem://none/{x}' }, { name: 'x', value: '' }), unknown('Resource template mem://none/{x} not found'));
    const none = { values: [], hasMore: false };
    assert.deepEqual((await client.complete({ type: 'ref/prompt', name: 'plain' }, { name: 'x', value: '' })).completion, none);
    assert.deepEqual((await client.complete({ type: 'ref/resource', uri: 'mem://r' }, { name: 'x', value: '' })).completion, none);
    assert.deepEqual((await client.complete({ type: 'ref/prompt', name: 'greet' }, { name: 'lang', value: '' })).completion.values, ['en']);
  });
});

test('server/completable.js has the official helpers: getCompleter, isCompletable, the symbol mark', () => {
  const complete = (v) => [v];
  const schema = sdkCompletable.completable(z.string(), complete);
  assert.equal(sdkCompletable.getCompleter(schema), complete);
  assert.equal(sdkCompletable.isCompletable(schema), true);
  assert.equal(sdkCompletable.isCompletable(z.string()), false);
  assert.equal(sdkCompletable.getCompleter(z.string()), undefined);
  assert.equal(sdkCompletable.unwrapCompletable(schema), schema);
  assert.equal(sdkCompletable.COMPLETABLE_SYMBOL, Symbol.for('mcp.completable'));
  assert.equal(schema[sdkCompletable.COMPLETABLE_SYMBOL].complete, complete);
  assert.ok(!Object.keys(schema).includes(String(sdkCompletable.COMPLETABLE_SYMBOL)));
  assert.equal(sdkCompletable.McpZodTypeKind.Completable, 'McpCompletable');
});

// Before any test that makes the handler scope follow callbacks (./handler-scope.js), so that
// on Node 20 and 22 its promise hooks are what is checked.
test('each handler finds its own request through awaits, among calls in flight together', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('mine', { inputSchema: { wait: z.number() } }, async ({ wait }, extra) => {
    const seen = [currentContext() === extra];
    await new Promise((resolve) => setTimeout(resolve, wait));
    seen.push(currentContext() === extra);
    await Promise.resolve();
    seen.push(await (async () => currentContext() === extra)());
    return { content: [{ type: 'text', text: seen.join(' ') }] };
  });
  await withMcp(mcp, async (client) => {
    const waits = [30, 5, 20, 0, 10, 25];
    const results = await Promise.all(waits.map((wait) => client.callTool('mine', { wait })));
    assert.deepEqual(results.map(text), waits.map(() => 'true true true'));
  });
  assert.equal(currentContext(), undefined, 'no handler scope outside handlers');
});

test('server.server asks from a callback the handler scope does not follow, with one call in flight', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('later', {}, () =>
    new Promise((resolve, reject) => {
      setTimeout(() => mcp.server.elicitInput({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }).then(
        (answer) => resolve({ content: [{ type: 'text', text: answer.content.name }] }),
        reject,
      ), 20);
    }),
  );
  await withMcp(
    mcp,
    async (client) => {
      assert.equal(text(await client.callTool('later', {})), 'Ada');
      // Two calls in flight: no sole call to fall back on, so each ask finds its request only
      // because handlers are now followed through callbacks.
      const both = await Promise.all([client.callTool('later', {}), client.callTool('later', {})]);
      assert.deepEqual(both.map(text), ['Ada', 'Ada'], 'followed through the callback from then on');
    },
    { capabilities: { elicitation: {} }, responses: { 'elicitation/create': { action: 'accept', content: { name: 'Ada' } } } },
  );
});

test('server.server asks the client of the request being served, and refuses outside handlers', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('ask', {}, async () => {
    const answer = await mcp.server.elicitInput({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } });
    return { content: [{ type: 'text', text: `${answer.content.name} ${mcp.server.getClientVersion()?.name}` }] };
  });
  await withMcp(
    mcp,
    async (client) => {
      assert.equal(text(await client.callTool('ask', {})), 'Ada mcpforge-test-client');
    },
    { capabilities: { elicitation: {} }, responses: { 'elicitation/create': { action: 'accept', content: { name: 'Ada' } } } },
  );
  assert.throws(() => mcp.server.elicitInput({ message: 'x' }), /from inside a tool, resource or prompt handler/);
});

test('the protocol version constants are the engine\'s: the latest handshake version first, the stateless wire apart', async () => {
  const { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } = await import('../lib/sdk/types.mjs');
  assert.equal(LATEST_PROTOCOL_VERSION, '2025-11-25');
  assert.deepEqual(SUPPORTED_PROTOCOL_VERSIONS, ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']);
  assert.ok(Object.isFrozen(SUPPORTED_PROTOCOL_VERSIONS));
  const mcp = new McpServer({ name: 'versions', version: '1.0.0' });
  await withMcp(mcp, async (client) => {
    assert.equal(client.initializeResult.protocolVersion, LATEST_PROTOCOL_VERSION, 'the test client offers the latest by default');
  });
});

test('resources are advertised without subscribe and resources/subscribe is unknown, as on the official McpServer', async () => {
  const mcp = new McpServer({ name: 'subs', version: '1.0.0' });
  mcp.registerResource('r', 'mem://r', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'r' }] }));
  await withMcp(mcp, async (client) => {
    assert.deepEqual(client.initializeResult.capabilities.resources, { listChanged: true });
    for (const method of ['resources/subscribe', 'resources/unsubscribe']) {
      await assert.rejects(client.request(method, { uri: 'mem://r' }), (e) => e.code === -32601, method);
    }
    assert.equal((await client.readResource('mem://r')).contents[0].text, 'r');
  });
  // mcpforge's own Server keeps serving subscriptions.
  const own = new Server({ name: 'own', version: '1.0.0' });
  own.resource('r', 'mem://r', () => 'r');
  const client = await own.testClient();
  try {
    assert.deepEqual(client.initializeResult.capabilities.resources, { subscribe: true, listChanged: true });
    assert.deepEqual(await client.request('resources/subscribe', { uri: 'mem://r' }), {});
  } finally {
    await client.close();
  }
});

test('server.server.elicitInput refuses an accepted answer that does not fit requestedSchema, as the SDK words it', async () => {
  const requestedSchema = {
    type: 'object',
    properties: { name: { type: 'string', minLength: 1 }, age: { type: 'integer', minimum: 18 }, size: { type: 'string', enum: ['s', 'm'] } },
    required: ['name'],
  };
  const cases = [
    [{ name: 'Ada', age: 36, size: 's' }, '{"age":36,"name":"Ada","size":"s"}'],
    [
      { age: 17.5, size: 'xl' },
      "MCP error -32602: Elicitation response content does not match requested schema: data must have required property 'name', data/age must be integer, data/age must be >= 18, data/size must be equal to one of the allowed values",
    ],
  ];
  for (const [content, expected] of cases) {
    const mcp = new McpServer({ name: 't', version: '1.0.0' });
    mcp.registerTool('ask', {}, async () => {
      const answer = await mcp.server.elicitInput({ message: 'Who?', requestedSchema });
      return { content: [{ type: 'text', text: JSON.stringify(answer.content) }] };
    });
    await withMcp(
      mcp,
      async (client) => {
        const result = await client.callTool('ask', {});
        assert.equal(text(result), expected);
        assert.equal(result.isError, expected.startsWith('MCP error') ? true : undefined);
      },
      { capabilities: { elicitation: {} }, responses: { 'elicitation/create': { action: 'accept', content } } },
    );
  }
});

test('a tool name outside the recommended form is registered with a warning, as on the official McpServer', async () => {
  const warned = [];
  const warn = console.warn;
  console.warn = (...args) => warned.push(args.join(' '));
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  try {
    mcp.registerTool('test (new api)', {}, () => ({ content: [{ type: 'text', text: 'spaced' }] }));
    mcp.registerTool('-dashed', {}, () => ({ content: [{ type: 'text', text: 'dashed' }] }));
    mcp.registerTool('plain_name', {}, () => ({ content: [{ type: 'text', text: 'plain' }] }));
  } finally {
    console.warn = warn;
  }
  assert.ok(warned.some((l) => l.includes('Tool name contains spaces')));
  assert.ok(warned.some((l) => l.includes('Tool name contains invalid characters: " ", "(", ")"')));
  assert.ok(warned.some((l) => l.includes('Tool name starts or ends with a dash')));
  assert.ok(!warned.some((l) => l.includes('"plain_name"')));
  await withMcp(mcp, async (client) => {
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['-dashed', 'plain_name', 'test (new api)']);
    assert.equal(text(await client.callTool('test (new api)', {})), 'spaced');
  });
  // mcpforge's own Server keeps refusing such names.
  const server = new Server({ name: 't', version: '1.0.0' });
  assert.throws(() => server.tool('test (new api)', {}, () => 'x'), /names must be 1-128 characters/);
});

test('output failing the outputSchema is an isError result worded as the official McpServer words it', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  const outputSchema = { processed: z.string(), timestamp: z.string() };
  mcp.registerTool('none', { outputSchema }, () => ({ content: [{ type: 'text', text: 'no structured' }] }));
  mcp.registerTool('wrong', { outputSchema }, () => ({ content: [], structuredContent: { processed: 'x', extra: 1 } }));
  mcp.registerTool('right', { outputSchema }, () => ({ content: [], structuredContent: { processed: 'x', timestamp: 't' } }));
  mcp.registerTool('failed', { outputSchema }, () => ({ content: [{ type: 'text', text: 'it failed' }], isError: true }));
  await withMcp(mcp, async (client) => {
    const none = await client.callTool('none', {});
    assert.equal(none.isError, true);
    assert.equal(text(none), 'Output validation error: Tool none has an output schema but no structured content was provided');
    const wrong = await client.callTool('wrong', {});
    assert.equal(wrong.isError, true);
    assert.match(text(wrong), /^Output validation error: Invalid structured content for tool wrong: .*timestamp/s);
    assert.deepEqual((await client.callTool('right', {})).structuredContent, { processed: 'x', timestamp: 't' });
    assert.equal(text(await client.callTool('failed', {})), 'it failed');
  });
});

test('refusals read as the SDK words them (typescriptSdkErrors); a plain Server keeps its own', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerTool('even', { inputSchema: { n: z.number().refine((n) => n % 2 === 0, 'must be even') } }, ({ n }) => ({
    content: [{ type: 'text', text: String(n) }],
  }));
  mcp.registerPrompt('p', {}, () => ({ messages: [] }));
  mcp.registerResource('r', 'test://r', {}, () => ({ contents: [] }));
  await withMcp(mcp, async (client) => {
    const unknown = await client.callTool('nope', {});
    assert.equal(unknown.isError, true);
    assert.equal(text(unknown), 'MCP error -32602: Tool nope not found');
    // The engine's JSON Schema check and zod's own refusal are worded alike.
    assert.match(text(await client.callTool('even', { n: 'x' })), /^MCP error -32602: Input validation error: Invalid arguments for tool even: /);
    const odd = await client.callTool('even', { n: 3 });
    assert.match(text(odd), /^MCP error -32602: Input validation error: Invalid arguments for tool even: .*must be even/);
    await assert.rejects(client.getPrompt('nope'), (e) => e.code === -32602 && /^MCP error -32602: Prompt nope not found$/.test(e.message));
    await assert.rejects(client.readResource('test://nope'), (e) => e.code === -32602 && /Resource test:\/\/nope not found$/.test(e.message));
  });
  const server = new Server({ name: 'plain', version: '1.0.0' });
  server.tool('even', { inputSchema: { n: z.number().refine((n) => n % 2 === 0, 'must be even') } }, ({ n }) => String(n));
  const client = await server.testClient();
  try {
    assert.match(text(await client.callTool('even', { n: 3 })), /^Invalid arguments for tool even: .*must be even/);
    await assert.rejects(client.callTool('nope', {}), /Unknown tool: nope/);
  } finally {
    await server.close();
  }
});

test('a union or transformed zod input is listed as an empty object and checked by zod alone', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  const contact = z.union([z.object({ email: z.string().email() }), z.object({ phone: z.string() })]);
  mcp.registerTool('contact', { inputSchema: contact }, (args) => ({ content: [{ type: 'text', text: args.email ?? args.phone }] }));
  const counted = z.preprocess((v) => ({ ...v, n: Number(v.n) }), z.object({ n: z.number() }).transform((o) => o.n * 2));
  mcp.registerTool('double', { inputSchema: counted }, (n) => ({ content: [{ type: 'text', text: String(n) }] }));
  await withMcp(mcp, async (client) => {
    const { tools } = await client.listTools();
    for (const tool of tools) assert.deepEqual(tool.inputSchema, { type: 'object', properties: {} }, tool.name);
    assert.equal(text(await client.callTool('contact', { phone: '+1 555' })), '+1 555');
    assert.equal(text(await client.callTool('double', { n: '21' })), '42');
    const wrong = await client.callTool('contact', { email: 'not an address' });
    assert.equal(wrong.isError, true);
    assert.match(text(wrong), /^MCP error -32602: Input validation error: Invalid arguments for tool contact: /);
  });
});

test('a plain JSON Schema as a tool schema is refused, as the SDK refuses it', () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  const jsonSchema = { type: 'object', properties: { id: { type: 'string' } } };
  assert.throws(() => mcp.registerTool('a', { inputSchema: jsonSchema }, () => ({ content: [] })), /unrecognized object/);
  assert.throws(() => mcp.registerTool('b', { outputSchema: jsonSchema }, () => ({ content: [] })), /unrecognized object/);
  assert.throws(() => mcp.tool('c', 'described', jsonSchema, () => ({ content: [] })), /unrecognized object/);
  mcp.registerTool('d', { inputSchema: {} }, () => ({ content: [] }));
});

test("a ResourceTemplate keeps a template object of another package as given", async () => {
  /** A URI template object as the official SDK's `UriTemplate` is (its text, its variables). */
  class OtherTemplate {
    constructor(text) {
      this.text = text;
      this.variableNames = ['id'];
    }
    toString() {
      return this.text;
    }
  }
  const other = new OtherTemplate('test://items/{id}');
  const template = new ResourceTemplate(other, { list: undefined });
  assert.equal(template.uriTemplate, other);
  const mcp = new McpServer({ name: 't', version: '1.0.0' });
  mcp.registerResource('item', template, {}, (uri, { id }) => ({ contents: [{ uri: uri.href, text: `item ${id}` }] }));
  await withMcp(mcp, async (client) => {
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate), ['test://items/{id}']);
    assert.equal((await client.readResource('test://items/7')).contents[0].text, 'item 7');
  });
});

test('extensions registered after construction are advertised on every version; a plain Server waits for 2026', async () => {
  const mcp = new McpServer({ name: 't', version: '1.0.0' }, { capabilities: { extensions: { 'com.example/a': {} } } });
  mcp.server.registerCapabilities({ extensions: { 'com.example/b': { listChanged: true } } });
  await withMcp(mcp, async (client) => {
    assert.deepEqual(client.initializeResult.capabilities.extensions, { 'com.example/a': {}, 'com.example/b': { listChanged: true } });
  }, { protocolVersion: '2025-11-25' });
  const server = new Server({ name: 'plain', version: '1.0.0', extensions: { 'com.example/a': {} } });
  const client = await server.testClient({ protocolVersion: '2025-11-25' });
  try {
    assert.equal(client.initializeResult.capabilities.extensions, undefined);
  } finally {
    await server.close();
  }
});
