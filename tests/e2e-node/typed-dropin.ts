/**
 * A typed server written on the official TypeScript SDK's API and moved to mcpforge by its
 * imports, checked by `tsc --strict --noEmit` against the installed package (`make
 * node-test`); it is type-checked, not run. Handler arguments are inferred from zod schemas
 * (raw shapes and z.object), `structuredContent` from `outputSchema`, prompt arguments from
 * `argsSchema`; `extra` is typed. The `@ts-expect-error` lines prove that misusing an
 * inferred type is an error, and `notAny` that no handler argument is `any`.
 */
import { randomUUID } from 'node:crypto';
import { McpServer, ResourceTemplate } from 'mcpforge/server/mcp.js';
import type { TaskHandlerExtra } from 'mcpforge';
import { StdioServerTransport } from 'mcpforge/server/stdio.js';
import { StreamableHTTPServerTransport } from 'mcpforge/server/streamableHttp.js';
import { completable } from 'mcpforge/server/completable.js';
import { isInitializeRequest } from 'mcpforge/types.js';
import { z } from 'zod';

/** Compiles only for a value whose type is not `any`. */
function notAny<T>(value: 0 extends 1 & T ? never : T): T {
  return value;
}

const server = new McpServer({ name: 'typed-dropin', version: '1.0.0' }, { capabilities: { logging: {} } });

server.registerTool(
  'add',
  { description: 'Add two numbers', inputSchema: { a: z.number(), b: z.number().optional() } },
  async (args, extra) => {
    notAny(args);
    notAny(extra);
    const sum: number = args.a + (args.b ?? 0);
    // @ts-expect-error `a` is a number, not a string
    const wrong: string = args.a;
    // @ts-expect-error `b` is optional: it may be undefined
    const b: number = args.b;
    // @ts-expect-error there is no argument `c`
    void args.c;
    const session: string | undefined = extra.sessionId;
    const trace = extra.requestInfo?.headers['x-trace'];
    extra.signal.throwIfAborted();
    return { content: [{ type: 'text', text: `${sum} ${wrong} ${b} ${session} ${String(trace)}` }] };
  },
);

server.registerTool(
  'search',
  {
    inputSchema: z.object({ query: z.string(), limit: z.number().int().default(10) }),
    outputSchema: { hits: z.array(z.string()), total: z.number() },
  },
  async ({ query, limit }) => {
    notAny(query);
    const upper: string = query.toUpperCase();
    const count: number = limit;
    return { content: [], structuredContent: { hits: [upper], total: count } };
  },
);

server.registerTool('shape', { outputSchema: { total: z.number() } }, async () =>
  // @ts-expect-error `total` must be a number
  ({ content: [], structuredContent: { total: 'many' } }),
);

// @ts-expect-error a tool without an inputSchema is called with `extra` only
server.registerTool('noargs', {}, async (args: { x: number }, extra: unknown) => ({ content: [{ type: 'text', text: `${args.x} ${String(extra)}` }] }));

server.registerTool('ping', { description: 'No arguments' }, async (extra) => {
  notAny(extra);
  await server.server.sendLoggingMessage({ level: 'info', data: `request ${String(extra.requestId)}` });
  return { content: [{ type: 'text', text: 'pong' }] };
});

server.tool('legacy', 'The older form', { n: z.number() }, async ({ n }) => {
  notAny(n);
  // @ts-expect-error `n` is a number
  n.toUpperCase();
  return { content: [{ type: 'text', text: String(n * 2) }] };
});

server.registerPrompt(
  'review',
  { argsSchema: { code: z.string(), language: completable(z.string(), (value) => ['typescript', 'rust'].filter((l) => l.startsWith(value))) } },
  ({ code, language }, extra) => {
    notAny(code);
    notAny(extra);
    // @ts-expect-error prompt arguments are strings
    const n: number = language;
    return { messages: [{ role: 'user', content: { type: 'text', text: `Review this ${language} (${n}): ${code}` } }] };
  },
);

server.registerResource(
  'note',
  new ResourceTemplate('notes://{name}', {
    list: async () => ({ resources: [{ uri: 'notes://todo', name: 'todo' }] }),
    complete: { name: (value) => ['todo', 'shopping'].filter((n) => n.startsWith(value)) },
  }),
  { mimeType: 'text/plain' },
  async (uri, variables, extra) => {
    notAny(variables);
    notAny(extra);
    return { contents: [{ uri: uri.href, text: String(variables.name) }] };
  },
);

// @ts-expect-error a template's list answers { resources }
new ResourceTemplate('bad://{x}', { list: async () => ({ items: [] }) });

/** The SDK's HTTP example pattern: a map of transports by session id. */
export async function handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: unknown): Promise<void> {
  const transports: { [id: string]: StreamableHTTPServerTransport } = {};
  const id = req.headers['mcp-session-id'];
  if (typeof id === 'string' && transports[id]) return transports[id].handleRequest(req, res, body);
  if (!isInitializeRequest(body)) return;
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (sessionId) => {
      transports[sessionId] = transport;
    },
  });
  transport.onclose = () => {
    if (transport.sessionId) delete transports[transport.sessionId];
  };
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

export async function serveStdio(): Promise<void> {
  await server.connect(new StdioServerTransport());
}

// A tool that runs as a task over the application's task store (the SDK's experimental API).
server.experimental.tasks.registerToolTask(
  'slow-sum',
  { description: 'Adds, as a task', inputSchema: { a: z.number(), b: z.number() } },
  {
    async createTask({ a, b }: { a: number; b: number }, extra: TaskHandlerExtra) {
      const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl, pollInterval: 100 });
      await extra.taskStore.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text: String(a + b) }] });
      return { task };
    },
    getTask: (_args: unknown, extra: TaskHandlerExtra) => extra.taskStore.getTask(notAny(extra.taskId ?? '')),
    getTaskResult: (_args: unknown, extra: TaskHandlerExtra) => extra.taskStore.getTaskResult(extra.taskId ?? ''),
  },
);

export async function askFromATask(): Promise<string | undefined> {
  for await (const message of server.server.experimental.tasks.elicitInputStream({ message: 'Name?', requestedSchema: { type: 'object', properties: {} } })) {
    if (message.type === 'result') return message.result.action;
  }
  return undefined;
}
