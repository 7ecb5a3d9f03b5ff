/**
 * The official TypeScript SDK's experimental tool tasks, as its own Streamable HTTP example
 * writes them: `server.experimental.tasks.registerToolTask(...)` with `createTask`,
 * `getTask` and `getTaskResult` over the `taskStore` given to `McpServer` (the SDK's
 * `InMemoryTaskStore`), the task's work asking the user through
 * `server.server.experimental.tasks.elicitInputStream`. The same server, built once on the
 * official SDK and once on mcpforge, connected to the official client over the SDK's
 * `InMemoryTransport`, must give the client the same: the `tasks` capability it declared,
 * the tool listed as task-only, a task-augmented call streamed to the same result (with the
 * user's answer in it), and a call of a task-optional tool without a task answered with the
 * result.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { InMemoryTaskMessageQueue, InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { McpServer as OfficialMcpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpServer as ForgeMcpServer } from 'mcpforge/server/mcp.js';
import { z } from 'zod';

const IMPLEMENTATIONS = { official: OfficialMcpServer, mcpforge: ForgeMcpServer };
const CAPABILITIES = { tasks: { requests: { tools: { call: {} } } } };
/** How often the application's tasks say to look at them (short: the test waits on it). */
const POLL_MS = 20;
/** The most stream messages one call may yield before the test gives up. */
const MAX_MESSAGES = 1000;

/** The application's task handlers: `work(args, store, taskId)` finishes the task in the background. */
function taskHandlers(taskStore, work) {
  return {
    async createTask(args, extra) {
      const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl, pollInterval: POLL_MS });
      work(args, taskStore, task.taskId);
      return { task };
    },
    getTask: (_args, { taskId, taskStore: store }) => store.getTask(taskId),
    getTaskResult: (_args, { taskId, taskStore: store }) => store.getTaskResult(taskId),
  };
}

/** The server under test, on implementation `McpServer`. */
function build(McpServer) {
  const taskStore = new InMemoryTaskStore();
  const server = new McpServer(
    { name: 'tasks', version: '1.0.0' },
    { capabilities: CAPABILITIES, taskStore, taskMessageQueue: new InMemoryTaskMessageQueue() },
  );
  server.experimental.tasks.registerToolTask(
    'collect',
    { description: 'Asks for a name, as a task', inputSchema: { topic: z.string() } },
    taskHandlers(taskStore, ({ topic }, store, taskId) => {
      (async () => {
        let text;
        try {
          const stream = server.server.experimental.tasks.elicitInputStream({
            message: `Your name, for ${topic}?`,
            requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
          });
          for await (const message of stream) {
            if (message.type === 'result') text = `${message.result.action}: ${message.result.content?.name}`;
            else if (message.type === 'error') throw message.error;
          }
          await store.storeTaskResult(taskId, 'completed', { content: [{ type: 'text', text }] });
        } catch (error) {
          await store.storeTaskResult(taskId, 'failed', { content: [{ type: 'text', text: `Error: ${error}` }], isError: true });
        }
      })();
    }),
  );
  server.experimental.tasks.registerToolTask(
    'double',
    { description: 'Doubles, as a task or not', inputSchema: { n: z.number() }, execution: { taskSupport: 'optional' } },
    taskHandlers(taskStore, ({ n }, store, taskId) => {
      setTimeout(() => store.storeTaskResult(taskId, 'completed', { content: [{ type: 'text', text: String(2 * n) }] }), POLL_MS);
    }),
  );
  return server;
}

/** Connects the official client (answering elicitation with a fixed name) to `server`. */
async function connect(server) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'tasks-test', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
  client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { name: 'Ada' } }));
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return client;
}

/** The kinds of message a task-augmented call of `name` streams, and its result. */
async function callAsTask(client, name, args) {
  const kinds = new Set();
  let result;
  let count = 0;
  for await (const message of client.experimental.tasks.callToolStream({ name, arguments: args })) {
    kinds.add(message.type);
    if (message.type === 'result') result = message.result;
    if (message.type === 'error') throw message.error;
    if (++count > MAX_MESSAGES) throw new Error(`more than ${MAX_MESSAGES} messages for one call`);
  }
  return { kinds: [...kinds].sort(), content: result?.content };
}

/** What the client sees of the server, comparable across implementations. */
async function transcript(client) {
  const seen = { tasks: client.getServerCapabilities().tasks };
  const { tools } = await client.listTools();
  seen.tools = tools.map((t) => [t.name, t.execution?.taskSupport ?? null]);
  seen.collect = await callAsTask(client, 'collect', { topic: 'the register' });
  seen.plain = (await client.callTool({ name: 'double', arguments: { n: 21 } })).content;
  return seen;
}

test('registerToolTask with the application task store serves task calls as the official McpServer does', async () => {
  const seen = {};
  for (const [name, McpServer] of Object.entries(IMPLEMENTATIONS)) {
    const server = build(McpServer);
    const client = await connect(server);
    try {
      seen[name] = await transcript(client);
    } finally {
      await client.close();
      await server.close();
    }
  }
  assert.deepEqual(seen.mcpforge.tasks, CAPABILITIES.tasks, 'the tasks capability as the application declared it');
  assert.deepEqual(seen.mcpforge.tools, [
    ['collect', 'required'],
    ['double', 'optional'],
  ]);
  assert.deepEqual(seen.mcpforge.collect.content, [{ type: 'text', text: 'accept: Ada' }]);
  assert.ok(seen.mcpforge.collect.kinds.includes('taskCreated'), 'the call was answered with a task');
  assert.deepEqual(seen.mcpforge.plain, [{ type: 'text', text: '42' }]);
  assert.deepEqual(seen.mcpforge, seen.official);
});

test('a task tool refuses taskSupport forbidden, as the official one does', () => {
  for (const McpServer of Object.values(IMPLEMENTATIONS)) {
    const server = new McpServer({ name: 'tasks', version: '1.0.0' }, { capabilities: CAPABILITIES, taskStore: new InMemoryTaskStore() });
    assert.throws(
      () => server.experimental.tasks.registerToolTask('no', { execution: { taskSupport: 'forbidden' } }, taskHandlers(undefined, () => {})),
      /Cannot register task-based tool 'no' with taskSupport 'forbidden'/,
    );
  }
});
