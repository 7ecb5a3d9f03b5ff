/**
 * In-process tests as the official TypeScript SDK's users write them: an `McpServer`
 * connected to one end of the SDK's `InMemoryTransport.createLinkedPair()`, the official
 * `Client` on the other. The same server, built once on the official SDK and once on
 * mcpforge, must answer the client the same: listing, a call, an error, elicitation (a
 * server request the client answers), low-level request handlers beside the high-level
 * registrations, and closing from either side.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer as OfficialMcpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitRequestSchema, ListResourcesRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpServer as ForgeMcpServer } from 'mcpforge/server/mcp.js';
import { z } from 'zod';

const IMPLEMENTATIONS = { official: OfficialMcpServer, mcpforge: ForgeMcpServer };

/** A method of the application's own, served by a low-level handler. */
const StatsRequestSchema = z.object({ method: z.literal('acme/stats'), params: z.object({ n: z.number() }) });
const StatsResultSchema = z.object({ count: z.number(), aborted: z.boolean() });

/** The server under test, on implementation `McpServer`. */
function build(McpServer) {
  const server = new McpServer({ name: 'in-memory', version: '1.0.0' });
  server.registerTool('add', { description: 'Adds', inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  server.registerTool('confirm', { inputSchema: { what: z.string() } }, async ({ what }) => {
    const answer = await server.server.elicitInput({
      message: `Really ${what}?`,
      requestedSchema: { type: 'object', properties: { sure: { type: 'boolean' } }, required: ['sure'] },
    });
    return { content: [{ type: 'text', text: `${answer.action}: ${JSON.stringify(answer.content)}` }] };
  });
  return server;
}

/** Connects the official client to `server` through a linked in-memory pair. */
async function connect(server) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'in-memory-test', version: '1.0.0' }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, (request) => ({
    action: 'accept',
    content: { sure: request.params.message.startsWith('Really') },
  }));
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return client;
}

/** What the client sees of the server, comparable across implementations. */
async function transcript(client) {
  const { tools } = await client.listTools();
  const seen = { tools: tools.map((t) => [t.name, t.description ?? null, Object.keys(t.inputSchema.properties ?? {})]) };
  seen.add = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
  seen.wrong = await client.callTool({ name: 'add', arguments: { a: 'two', b: 40 } });
  seen.confirm = await client.callTool({ name: 'confirm', arguments: { what: 'delete' } });
  seen.version = client.getServerVersion().name;
  return seen;
}

test('an McpServer serves the official client over InMemoryTransport as the official one does', async () => {
  const seen = {};
  for (const [name, McpServer] of Object.entries(IMPLEMENTATIONS)) {
    const server = build(McpServer);
    const client = await connect(server);
    seen[name] = await transcript(client);
    await client.close();
    await server.close();
  }
  assert.deepEqual(seen.mcpforge.tools, seen.official.tools);
  assert.deepEqual(seen.mcpforge.add.content, [{ type: 'text', text: '42' }]);
  assert.deepEqual(seen.mcpforge.add.content, seen.official.add.content);
  assert.equal(seen.mcpforge.wrong.isError, true);
  assert.equal(seen.official.wrong.isError, true);
  assert.deepEqual(seen.mcpforge.confirm.content, [{ type: 'text', text: 'accept: {"sure":true}' }]);
  assert.deepEqual(seen.mcpforge.confirm.content, seen.official.confirm.content);
  assert.equal(seen.mcpforge.version, 'in-memory');
});

test('closing either side ends the in-memory connection and calls onclose', async () => {
  // The client closes: the server sees its transport close.
  const server = build(ForgeMcpServer);
  const serverClosed = new Promise((resolve) => {
    server.server.onclose = resolve;
  });
  const client = await connect(server);
  await client.close();
  await serverClosed;
  assert.equal(server.isConnected(), false);
  await server.close();

  // The server closes: the client's transport closes too.
  const other = build(ForgeMcpServer);
  const second = await connect(other);
  const clientClosed = new Promise((resolve) => {
    second.onclose = resolve;
  });
  await other.close();
  await clientClosed;
});

test('connect() refuses what is not a transport, naming what it takes', async () => {
  const server = new ForgeMcpServer({ name: 'refuses', version: '1.0.0' });
  await assert.rejects(server.connect({ send() {} }), /start\(\), send\(\) and close\(\)/);
  await server.close();
});

test('low-level request handlers beside McpServer registrations answer as on the official SDK', async () => {
  const seen = {};
  for (const [name, McpServer] of Object.entries(IMPLEMENTATIONS)) {
    const server = build(McpServer);
    server.server.registerCapabilities({ resources: {} });
    server.server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [{ uri: 'memo://a', name: 'a' }] }));
    server.server.setRequestHandler(StatsRequestSchema, (request, extra) => ({
      count: request.params.n + 1,
      aborted: extra.signal.aborted,
    }));
    assert.throws(() => server.server.assertCanSetRequestHandler('acme/stats'), /already exists/);
    const client = await connect(server);
    seen[name] = {
      resources: await client.listResources(),
      stats: await client.request({ method: 'acme/stats', params: { n: 41 } }, StatsResultSchema),
      add: await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } }),
      bad: await client.request({ method: 'acme/stats', params: { n: 'x' } }, StatsResultSchema).catch((e) => e.code),
    };
    server.server.removeRequestHandler('acme/stats');
    seen[name].removed = await client.request({ method: 'acme/stats', params: { n: 1 } }, StatsResultSchema).catch((e) => e.code);
    await client.close();
    await server.close();
  }
  assert.deepEqual(seen.mcpforge.resources.resources, [{ uri: 'memo://a', name: 'a' }]);
  assert.deepEqual(seen.mcpforge.resources.resources, seen.official.resources.resources);
  assert.deepEqual(seen.mcpforge.stats, { count: 42, aborted: false });
  assert.deepEqual(seen.mcpforge.stats, seen.official.stats);
  assert.deepEqual(seen.mcpforge.add.content, seen.official.add.content);
  // Parameters the handler's schema refuses: invalid params (-32602) on mcpforge, an internal
  // error (-32603) on the official SDK (docs/node.md, differences).
  assert.equal(seen.mcpforge.bad, -32602);
  assert.equal(seen.official.bad, -32603);
  assert.equal(seen.mcpforge.removed, -32601);
  assert.equal(seen.official.removed, -32601);
});

test('StdioServerTransport on streams of its own serves the official client', async () => {
  const { PassThrough } = await import('node:stream');
  const { StdioServerTransport } = await import('mcpforge/server/stdio.js');
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // The client's side: a transport of the SDK's shape over the other ends of the streams.
  const clientSide = {
    async start() {
      let buffered = '';
      toClient.on('data', (chunk) => {
        buffered += chunk;
        for (let i = buffered.indexOf('\n'); i !== -1; i = buffered.indexOf('\n')) {
          const line = buffered.slice(0, i);
          buffered = buffered.slice(i + 1);
          this.onmessage?.(JSON.parse(line));
        }
      });
    },
    async send(message) {
      toServer.write(`${JSON.stringify(message)}\n`);
    },
    async close() {
      toServer.end();
      this.onclose?.();
    },
  };
  const server = build(ForgeMcpServer);
  const client = new Client({ name: 'streams-test', version: '1.0.0' });
  await Promise.all([server.connect(new StdioServerTransport(toServer, toClient)), client.connect(clientSide)]);
  const added = await client.callTool({ name: 'add', arguments: { a: 20, b: 22 } });
  assert.deepEqual(added.content, [{ type: 'text', text: '42' }]);
  const closed = new Promise((resolve) => {
    server.server.onclose = resolve;
  });
  await client.close();
  await closed;
  await server.close();
});
