/**
 * The Node drop-in test: each program in servers/ is written on the official TypeScript
 * SDK's documented high-level API (`McpServer`, `ResourceTemplate`, `completable`,
 * `StdioServerTransport`, zod) and run twice over stdio: on the official SDK, and on mcpforge
 * with only the `@modelcontextprotocol/sdk/` import prefix rewritten to `mcpforge/`. The
 * official client lists everything, then follows the program's script (a `// script: {...}`
 * line: tools to call, resources to read, prompts to get, completions to ask for), answering
 * elicitation and sampling with the same canned answers; the transcripts must be equal.
 *
 * Before comparing, `normalise` takes out what may legitimately differ, each rule named in
 * DIFFERENCES (docs/node.md, "Migrating from the official TypeScript SDK", explains each).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVERS = join(HERE, 'servers');
const PROGRAMS = readdirSync(SERVERS).filter((f) => f.endsWith('.mjs')).sort();
const OFFICIAL_PREFIX = '@modelcontextprotocol/sdk/';
const MCPFORGE_PREFIX = 'mcpforge/';
/** Every request the client sends is bounded by this (a debug build on a busy machine). */
const REQUEST_TIMEOUT_MS = 20_000;

export const DIFFERENCES = {
  'unknown tool':
    'calling an unknown tool is an isError result "MCP error -32602: Tool x not found" on both, a disabled one "MCP error -32602: Tool x disabled" on both; the two are compared as one kind of answer',
  'unknown prompt': 'getting a disabled prompt is -32602 on both; the official SDK says "Prompt x disabled", mcpforge "Prompt x not found", as both say of a prompt that is not registered',
  'invalid arguments':
    "tool arguments that fail the input schema are an isError result on both, prompt arguments a -32602 error on both; the text differs where the engine's JSON Schema check answers before zod runs (a missing required argument, a wrong type)",
  'resource not found':
    'an unknown resource is -32602 "MCP error -32602: Resource x not found" on both; the official SDK says "Resource x disabled" of a disabled one, mcpforge "not found"',
  'handler errors':
    "an Error thrown by a resource reader or prompt (not an McpError) is -32603 with the error's message on the official SDK; mcpforge answers it as the engine answers a failed handler, with the same message",
  'key order':
    'objects that cross the engine (what the client answers to elicitation, sampling and roots) reach handlers with their keys sorted, not in wire order; servers/elicitation.mjs prints the answer in sorted order',
  'list changed':
    'mcpforge tells clients a list changed on every registration change, the official SDK on each handle call: the test checks that mcpforge sends at least the kinds the official SDK sends',
};

const tmp = mkdtempSync(join(HERE, '.rewritten-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The program's script: the JSON after `// script:`. */
function scriptOf(source) {
  const line = source.split('\n').find((l) => l.startsWith('// script:'));
  assert.ok(line, 'every program has a `// script: {...}` line');
  return JSON.parse(line.slice('// script:'.length));
}

/** The file serving `program` on `engine`: the program itself, or its copy with the import prefix rewritten. */
function programFile(program, engine) {
  const path = join(SERVERS, program);
  if (engine === 'official') return path;
  const source = readFileSync(path, 'utf8');
  assert.ok(source.includes(`'${OFFICIAL_PREFIX}`), `${program} imports the official SDK`);
  const rewritten = join(tmp, program);
  writeFileSync(rewritten, source.replaceAll(`'${OFFICIAL_PREFIX}`, `'${MCPFORGE_PREFIX}`));
  return rewritten;
}

/** Listed items in an order that does not depend on registration. */
function definitions(items) {
  return [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The error of a failed request, with "resource not found" and "unknown tool" taken out. */
function errorOf(e) {
  const message = String(e.message).replace(/^(MCP error -?\d+: )+/, '');
  const notFound = /^(?:Resource (\S+) not found|Resource not found: (\S+))$/.exec(message);
  if (notFound) return { error: 'resource not found', uri: notFound[1] ?? notFound[2] };
  const unknown = /^(?:(Tool|Prompt) (\S+) (?:not found|disabled)|Invalid params: Unknown (tool|prompt): (\S+))$/.exec(message);
  if (unknown) return { error: `unknown ${(unknown[1] ?? unknown[3]).toLowerCase()}`, name: unknown[2] ?? unknown[4] };
  if (e.code === -32602 && /^(Invalid arguments for prompt |Invalid params: Missing required argument)/.test(message)) {
    return { error: 'invalid prompt arguments' }; // "invalid arguments"
  }
  if (e.code === -32603) return { error: 'handler failed', message }; // "handler errors"
  return { error: { code: e.code, message } };
}

/** A tool result with "unknown tool" and "invalid arguments" taken out. */
function toolResult(name, result) {
  const text = result.isError && result.content?.[0]?.type === 'text' ? result.content[0].text : undefined;
  if (text !== undefined && /^MCP error -32602: Tool \S+ (not found|disabled)$/.test(text)) return { error: 'unknown tool', name };
  if (text !== undefined && /Input validation error|Invalid arguments for tool|invalid arguments/i.test(text)) {
    return { isError: true, content: 'invalid arguments' };
  }
  return result;
}

/** The answer a scripted user gives to one elicited field. */
function cannedValue(schema) {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  return { string: 'Ada', integer: 2, number: 1.5, boolean: true }[schema.type] ?? 'Ada';
}

/** Drives the server in `file` through `script`; resolves to its transcript. */
async function transcript(file, script) {
  const events = [];
  const listChanged = new Set();
  const client = new Client({ name: 'dropin', version: '1.0.0' }, { capabilities: { elicitation: {}, sampling: {} } });
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    events.push({ log: n.params });
  });
  client.fallbackNotificationHandler = async (n) => {
    if (n.method.endsWith('/list_changed')) listChanged.add(n.method);
  };
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    const schema = request.params.requestedSchema ?? {};
    events.push({ elicit: request.params.message, schema });
    const content = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, cannedValue(s)]));
    return { action: 'accept', content };
  });
  client.setRequestHandler(CreateMessageRequestSchema, (request) => {
    events.push({ sample: request.params });
    return { role: 'assistant', content: { type: 'text', text: 'a summary' }, model: 'test-model', stopReason: 'endTurn' };
  });
  const transport = new StdioClientTransport({ command: process.execPath, args: [file], stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d) => {
    stderr += d;
  });
  const options = { timeout: REQUEST_TIMEOUT_MS };
  const listing = async (method, field) => {
    try {
      return definitions((await client[method]({}, options))[field]);
    } catch (e) {
      assert.equal(e.code, -32601, `${method}: ${e.message}`);
      return [];
    }
  };
  try {
    await client.connect(transport, options);
    try {
      await client.setLoggingLevel('debug', options);
    } catch (e) {
      assert.equal(e.code, -32601, e.message); // servers without the logging capability
    }
    events.push({ tools: await listing('listTools', 'tools') });
    events.push({ resources: await listing('listResources', 'resources') });
    events.push({ templates: await listing('listResourceTemplates', 'resourceTemplates') });
    events.push({ prompts: await listing('listPrompts', 'prompts') });
    for (const [name, args] of script.tools ?? []) {
      const onprogress = (p) => events.push({ progress: [p.progress, p.total, p.message] });
      try {
        const result = toolResult(name, await client.callTool({ name, arguments: args }, undefined, { ...options, onprogress }));
        events.push(result.error ? { call: name, ...result } : { call: name, result });
      } catch (e) {
        events.push({ call: name, ...errorOf(e) });
      }
    }
    if (script.relist) {
      events.push({ 'tools again': await listing('listTools', 'tools') });
      events.push({ 'resources again': await listing('listResources', 'resources') });
      events.push({ 'prompts again': await listing('listPrompts', 'prompts') });
    }
    for (const uri of script.resources ?? []) {
      try {
        events.push({ read: uri, result: await client.readResource({ uri }, options) });
      } catch (e) {
        events.push({ read: uri, ...errorOf(e) });
      }
    }
    for (const [name, args] of script.prompts ?? []) {
      try {
        events.push({ prompt: name, result: await client.getPrompt({ name, arguments: args }, options) });
      } catch (e) {
        events.push({ prompt: name, ...errorOf(e) });
      }
    }
    for (const [ref, argument, value, context] of script.completions ?? []) {
      const params = { ref, argument: { name: argument, value }, ...(context ? { context: { arguments: context } } : {}) };
      try {
        events.push({ complete: [ref, argument, value], result: await client.complete(params, options) });
      } catch (e) {
        events.push({ complete: [ref, argument, value], ...errorOf(e) });
      }
    }
  } catch (e) {
    e.message += `\nserver stderr:\n${stderr}`;
    throw e;
  } finally {
    await client.close();
  }
  return { events, listChanged: [...listChanged].sort() };
}

test('every program imports the official SDK and only its prefix changes', () => {
  assert.ok(PROGRAMS.length >= 20, `${PROGRAMS.length} programs`);
  for (const program of PROGRAMS) {
    const original = readFileSync(join(SERVERS, program), 'utf8').split('\n');
    const changed = readFileSync(programFile(program, 'mcpforge'), 'utf8').split('\n');
    assert.equal(original.length, changed.length);
    const differing = original.filter((line, i) => line !== changed[i]);
    assert.ok(differing.length > 0 && differing.every((l) => l.startsWith('import ') && l.includes(OFFICIAL_PREFIX)), program);
  }
});

for (const program of PROGRAMS) {
  test(`${program}: the same answers on the official SDK and on mcpforge`, { timeout: 90_000 }, async () => {
    const script = scriptOf(readFileSync(join(SERVERS, program), 'utf8'));
    const official = await transcript(programFile(program, 'official'), script);
    const mine = await transcript(programFile(program, 'mcpforge'), script);
    for (const kind of official.listChanged) assert.ok(mine.listChanged.includes(kind), `"list changed": ${kind}`);
    const n = Math.max(official.events.length, mine.events.length);
    for (let i = 0; i < n; i++) {
      const show = (t) => JSON.stringify(t.events[i]);
      assert.deepEqual(mine.events[i], official.events[i], `${program}, event ${i}\nofficial: ${show(official)}\nmcpforge: ${show(mine)}`);
    }
  });
}
