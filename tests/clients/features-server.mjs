// A server on the official TypeScript SDK's `McpServer` (the SDK of the end-to-end scratch
// project, target/node/e2e: `make node-setup`), over stdio, that does what the published
// servers leave out, so that tests/clients/features.test.mjs can drive each feature with the
// mcpforge Node client: structured output (and a tool whose structured content breaks the
// output schema it is listed with), resources with subscriptions and update notifications, a
// prompt with completion, the logging level and log messages, progress, a slow tool to time
// out, sampling, elicitation in form and URL mode, roots and their `list_changed`, and
// list-changed notifications.
//
// What a tool cannot see otherwise (a cancellation's reason, `notifications/roots/list_changed`)
// is kept and read back with the tool `seen`. Every argument is bounded by its schema.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SDK = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'node', 'e2e', 'node_modules', '@modelcontextprotocol', 'sdk');
const load = (path) => import(pathToFileURL(join(SDK, 'dist', 'esm', path)).href);
const { McpServer, ResourceTemplate } = await load('server/mcp.js');
const { StdioServerTransport } = await load('server/stdio.js');
const { completable } = await load('server/completable.js');
const types = await load('types.js');
const { z } = createRequire(join(SDK, 'package.json'))('zod');

/** What the server keeps of what the client told it, at most KEPT entries. */
const KEPT = 64;
const observed = [];
const keep = (entry) => {
  if (observed.length < KEPT) observed.push(entry);
};
const subscribed = new Set();
const text = (t) => ({ content: [{ type: 'text', text: t }] });
const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

const mcp = new McpServer(
  { name: 'features', version: '1.0.0' },
  { capabilities: { logging: {}, resources: { subscribe: true } }, instructions: 'Exercises the client.' },
);
const weather = { city: z.string().max(64), celsius: z.number() };

mcp.registerTool('weather', { description: 'A structured result', inputSchema: { city: z.string().max(64) }, outputSchema: weather }, ({ city }) => ({
  ...text(`${city}: 21.5`),
  structuredContent: { city, celsius: 21.5 },
}));
// Listed with Weather's output schema (below); its structured content breaks it.
mcp.registerTool('liar', { description: 'Breaks its output schema' }, () => ({ ...text('{}'), structuredContent: { celsius: 'hot' } }));
mcp.registerTool(
  'slow',
  { description: 'Progress, `steps` times `delay` ms apart', inputSchema: { steps: z.number().int().min(0).max(20), delay: z.number().min(0).max(1000) } },
  async ({ steps, delay }, extra) => {
    const progressToken = extra._meta?.progressToken;
    for (let step = 1; step <= steps; step += 1) {
      await sleep(delay, extra.signal);
      if (progressToken !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: step, total: steps, message: `step ${step}` } });
      }
    }
    return text(`done in ${steps} steps`);
  },
);
mcp.registerTool('sleepy', { description: 'Sleeps (at most 10 s)', inputSchema: { ms: z.number().min(0).max(10_000) } }, async ({ ms }, extra) => {
  extra.signal.addEventListener('abort', () => keep({ cancelled: String(extra.signal.reason?.message ?? extra.signal.reason) }));
  await sleep(ms, extra.signal);
  return text('woke up');
});
mcp.registerTool('shout', { description: 'A log message at each level' }, async (extra) => {
  for (const level of ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']) {
    await mcp.sendLoggingMessage({ level, logger: 'features', data: { said: level } }, extra.sessionId);
  }
  return text('sent');
});
mcp.registerTool('ask_sampling', { description: "Asks the client's model", inputSchema: { prompt: z.string().max(256) } }, async ({ prompt }) => {
  const answer = await mcp.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 16 });
  return text(`${answer.model}: ${answer.content.text}`);
});
mcp.registerTool('ask_form', { description: 'Asks for a name' }, async () => {
  const answer = await mcp.server.elicitInput({
    message: 'What is your name?',
    requestedSchema: { type: 'object', properties: { name: { type: 'string', description: 'Who you are' } }, required: ['name'] },
  });
  return text(`${answer.action}: ${answer.content?.name ?? '-'}`);
});
mcp.registerTool('ask_url', { description: 'Sends the user to a URL' }, async () => {
  const answer = await mcp.server.elicitInput({ mode: 'url', message: 'Sign in, please', url: 'https://example.com/sign-in', elicitationId: 'sign-in-1' });
  return text(answer.action);
});
mcp.registerTool('ask_roots', { description: "The client's roots" }, async () => {
  const { roots } = await mcp.server.listRoots();
  return text(JSON.stringify(roots.map((r) => r.uri)));
});
mcp.registerTool('grow', { description: 'Adds a tool; the lists changed' }, () => {
  mcp.registerTool('grown', { description: 'Added at run time' }, () => text('grown'));
  mcp.sendPromptListChanged();
  mcp.sendResourceListChanged();
  return text('grown');
});
mcp.registerTool('touch', { description: 'Says a subscribed resource changed', inputSchema: { uri: z.string().max(256) } }, async ({ uri }) => {
  if (!subscribed.has(uri)) return text('false');
  await mcp.server.sendResourceUpdated({ uri });
  return text('true');
});
mcp.registerTool('seen', { description: 'What the server kept' }, () => text(JSON.stringify(observed)));

mcp.registerResource('note-a', 'note://a', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: 'the first note' }] }));
const names = ['alpha', 'alfred', 'beta'];
mcp.registerResource(
  'note',
  new ResourceTemplate('note://{name}', { list: undefined, complete: { name: (value) => names.filter((n) => n.startsWith(value)) } }),
  { mimeType: 'text/plain' },
  (uri, { name }) => ({ contents: [{ uri: uri.href, text: `a note called ${String(name).slice(0, 64)}` }] }),
);
mcp.registerPrompt(
  'greet',
  { description: 'Greets someone', argsSchema: { name: completable(z.string().max(64), (value) => names.filter((n) => n.startsWith(value))), style: z.string().max(64).optional() } },
  ({ name, style }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}, ${style ?? 'plain'}.` } }] }),
);

mcp.server.setRequestHandler(types.SubscribeRequestSchema, ({ params }) => {
  if (subscribed.size < KEPT) subscribed.add(params.uri);
  return {};
});
mcp.server.setRequestHandler(types.UnsubscribeRequestSchema, ({ params }) => {
  subscribed.delete(params.uri);
  return {};
});
mcp.server.setNotificationHandler(types.RootsListChangedNotificationSchema, () => keep({ method: 'notifications/roots/list_changed' }));

// `liar` is listed with Weather's output schema, which McpServer would hold its own result to.
const listTools = mcp.server._requestHandlers.get('tools/list');
mcp.server._requestHandlers.set('tools/list', async (request, extra) => {
  const listed = await listTools(request, extra);
  const schema = listed.tools.find((t) => t.name === 'weather')?.outputSchema;
  return { ...listed, tools: listed.tools.map((t) => (t.name === 'liar' ? { ...t, outputSchema: schema } : t)) };
});

await mcp.connect(new StdioServerTransport());
