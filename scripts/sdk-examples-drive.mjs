/**
 * The official TypeScript SDK's client driving one of the SDK's example servers, for
 * `scripts/sdk-node-examples.mjs`: it connects over the transport the example serves
 * (Streamable HTTP, HTTP+SSE or stdio), lists tools, resources, templates and prompts, calls
 * every tool with arguments valid for its input schema, reads every resource, gets every
 * prompt, and returns the transcript with what legitimately differs between two servers
 * (session ids, timestamps, random ids, serverInfo, the schema dialect) normalised away.
 *
 * The SDK is loaded from the scratch project the harness names (`loadSdk`), so this module
 * imports nothing from it statically.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Every request the client sends is bounded by this (a debug build on a busy machine). */
const REQUEST_TIMEOUT_MS = 20_000;

/** The official SDK's client modules, from the scratch project `project`. */
export async function loadSdk(project) {
  const dist = join(project, 'node_modules', '@modelcontextprotocol', 'sdk', 'dist', 'esm');
  const load = (module) => import(pathToFileURL(join(dist, module)).href);
  const [client, streamable, sse, stdio, types] = await Promise.all(
    ['client/index.js', 'client/streamableHttp.js', 'client/sse.js', 'client/stdio.js', 'types.js'].map(load),
  );
  return {
    Client: client.Client,
    StreamableHTTPClientTransport: streamable.StreamableHTTPClientTransport,
    SSEClientTransport: sse.SSEClientTransport,
    StdioClientTransport: stdio.StdioClientTransport,
    types,
  };
}

/**
 * A value valid for JSON Schema `schema`: its default, const or first enum member, else one
 * built from its type (every property of an object, one item of an array).
 */
export function sample(schema, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 8) return 'example';
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && alternatives.length) {
    return sample(alternatives.find((s) => s.type !== 'null') ?? alternatives[0], depth + 1);
  }
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'string':
      return sampleString(schema);
    case 'integer':
    case 'number': {
      let n = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      if (schema.maximum !== undefined && n > schema.maximum) n = schema.maximum;
      return n;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const items = Math.max(1, schema.minItems ?? 1);
      return Array.from({ length: items }, () => sample(schema.items ?? {}, depth + 1));
    }
    default: {
      const out = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) out[key] = sample(property, depth + 1);
      return out;
    }
  }
}

function sampleString(schema) {
  const byFormat = { email: 'user@example.com', date: '2025-01-02', 'date-time': '2025-01-02T03:04:05Z', uri: 'https://example.com/x' };
  const text = byFormat[schema.format] ?? 'example';
  const padded = text.padEnd(schema.minLength ?? 0, 'x');
  return schema.maxLength === undefined ? padded : padded.slice(0, schema.maxLength);
}

/** What legitimately differs between two servers' answers, as [pattern, replacement]. */
const VOLATILE = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b1[6-9]\d{11}\b/g, '<epoch-ms>'],
  [/\b(127\.0\.0\.1|localhost):\d+/g, '<host>'],
];

/** `text` with session ids, timestamps and loopback ports replaced by placeholders. */
export function scrub(text) {
  return VOLATILE.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), String(text));
}

/** `value` with the keys of its objects sorted (the order keys travel in is not part of JSON's meaning). */
export function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

/**
 * `text` whose tail from its first `{` is a JSON object (a tool that prints an object it got,
 * e.g. an elicitation answer) with that object's keys sorted: objects that cross mcpforge's
 * engine reach handlers with sorted keys (docs/node.md, "key order").
 */
function sortJsonTail(text) {
  const start = text.indexOf('{');
  if (start < 0) return text;
  try {
    return `${text.slice(0, start)}${JSON.stringify(sortKeys(JSON.parse(text.slice(start))), null, 2)}`;
  } catch {
    return text;
  }
}

/**
 * A JSON value with its strings scrubbed and, in schemas (`inputSchema`, `outputSchema`,
 * `requestedSchema`), the dialect taken out: `$schema`, and `additionalProperties: false`
 * of input objects (zod writes draft-07 for the official SDK, 2020-12 for mcpforge).
 */
export function normalise(value, input = false) {
  if (typeof value === 'string') return scrub(sortJsonTail(value));
  if (Array.isArray(value)) return value.map((v) => normalise(v, input));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$schema' || (input && k === 'additionalProperties' && v === false)) continue;
    out[k] = normalise(v, input || k === 'inputSchema' || k === 'requestedSchema');
  }
  return out;
}

/**
 * A request's outcome: its result, or the JSON-RPC error (code and scrubbed message). The
 * message of -32601 is compared without the method the engine names after it ("Method not
 * found: prompts/list"; the official SDK's stops at "Method not found").
 */
async function outcome(promise) {
  try {
    return { result: await promise };
  } catch (error) {
    const message = scrub(error?.message ?? error);
    return { error: { code: error?.code ?? null, message: error?.code === -32601 ? message.replace(/(Method not found): .*$/, '$1') : message } };
  }
}

/** The answers the client gives to the server's requests: elicitation accepted with sample content, sampling with one fixed text. */
function answerServerRequests(client, types) {
  client.setRequestHandler(types.ElicitRequestSchema, async (request) => {
    const schema = request.params.requestedSchema;
    return schema ? { action: 'accept', content: sample(schema) } : { action: 'accept' };
  });
  client.setRequestHandler(types.CreateMessageRequestSchema, async () => ({
    role: 'assistant',
    model: 'canned',
    content: { type: 'text', text: 'A canned summary.' },
  }));
}

/** The connected client's transport for `target` (`{ transport, url }` or `{ transport: 'stdio', command, args, cwd }`). */
function transportFor(sdk, target) {
  if (target.transport === 'stdio') {
    return new sdk.StdioClientTransport({ command: target.command, args: target.args, cwd: target.cwd, stderr: 'pipe' });
  }
  const url = new URL(target.url);
  return target.transport === 'sse' ? new sdk.SSEClientTransport(url) : new sdk.StreamableHTTPClientTransport(url);
}

/**
 * Drives the example served at `target` with the official client; `args` overrides the
 * generated arguments per tool (`{ tool: {...} }`), `skipTools` names tools not called (with
 * why, in the harness). Returns the normalised transcript.
 */
export async function drive(sdk, target, { args = {}, skipTools = [] } = {}) {
  const client = new sdk.Client(
    { name: 'sdk-examples-driver', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} }, sampling: {} } },
  );
  answerServerRequests(client, sdk.types);
  const notifications = [];
  client.fallbackNotificationHandler = async (n) => notifications.push(n);
  const options = { timeout: REQUEST_TIMEOUT_MS };
  const transcript = [];
  const record = (step, value) => transcript.push({ step, ...normalise(value) });
  const transport = transportFor(sdk, target);
  await client.connect(transport, options);
  // Progress is taken off the wire as it arrives: the client drops a progress notification
  // that it handles after the call's answer, which depends on how the bytes were chunked.
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (message?.method === 'notifications/progress') notifications.push(message);
    deliver?.(message, extra);
  };
  try {
    // serverInfo (name, version, icons) is the example's own on both: left out.
    record('initialize', {
      capabilities: client.getServerCapabilities(),
      instructions: client.getInstructions() ?? null,
    });
    const tools = await outcome(client.listTools({}, options));
    record('tools/list', tools);
    const resources = await outcome(client.listResources({}, options));
    record('resources/list', resources);
    record('resources/templates/list', await outcome(client.listResourceTemplates({}, options)));
    const prompts = await outcome(client.listPrompts({}, options));
    record('prompts/list', prompts);
    for (const tool of tools.result?.tools ?? []) {
      if (skipTools.includes(tool.name)) continue;
      const params = { name: tool.name, arguments: args[tool.name] ?? sample(tool.inputSchema) };
      // With `onprogress` the client sends a progress token, so the tool may report progress.
      const call = await outcome(client.callTool(params, undefined, { ...options, onprogress: () => {} }));
      record(`tools/call ${tool.name}`, call);
    }
    for (const resource of resources.result?.resources ?? []) {
      record(`resources/read ${resource.uri}`, await outcome(client.readResource({ uri: resource.uri }, options)));
    }
    for (const prompt of prompts.result?.prompts ?? []) {
      const promptArgs = Object.fromEntries((prompt.arguments ?? []).map((a) => [a.name, 'example']));
      record(`prompts/get ${prompt.name}`, await outcome(client.getPrompt({ name: prompt.name, arguments: promptArgs }, options)));
    }
    // One more round trip: what the server sent before answering it has arrived.
    await outcome(client.ping(options));
  } finally {
    await client.close().catch(() => {});
  }
  record('notifications', { received: summariseNotifications(notifications) });
  return transcript;
}

/**
 * The notifications, sorted (those on different streams arrive in no set order): list-changed
 * ones once per kind (how often a server announces a change is its own choice), the others
 * each with their parameters.
 */
function summariseNotifications(notifications) {
  const kinds = new Set();
  const others = [];
  for (const n of notifications) {
    if (n.method.endsWith('/list_changed')) kinds.add(n.method);
    else {
      // A progress token is the request's id, which is the client's own numbering.
      const { progressToken: _, ...params } = n.params ?? {};
      others.push(sortKeys({ method: n.method, params }));
    }
  }
  const all = [...[...kinds].map((method) => ({ method })), ...others];
  return all.map((n) => [JSON.stringify(n), n]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, n]) => n);
}
