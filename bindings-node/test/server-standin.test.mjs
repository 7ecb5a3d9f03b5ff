/**
 * The stand-in for the official TypeScript SDK 2.x server package, `@modelcontextprotocol/server`
 * (bindings-node/sdk-standin/generate-server.mjs): generated from the official package of the
 * end-to-end scratch project (`make node-setup`) into a tree laid out as npm installs it under
 * an `overrides` entry (the stand-in as `@modelcontextprotocol/server`, the official package
 * under its alias, `mcpforge`). A server written as the 2.x documentation writes one
 * (fixtures/v2-server.mjs) runs, unedited, once in a tree with the official package and once
 * in the stand-in's; the official 1.x client drives both the same way over stdio, and the two
 * transcripts (every list, calls, a read, a prompt, the errors, the log notification) must be
 * the same.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateServer, ALIAS } from '../sdk-standin/generate-server.mjs';

const bindings = join(dirname(fileURLToPath(import.meta.url)), '..');
const E2E = join(bindings, '..', 'target', 'node', 'e2e', 'node_modules');
const OFFICIAL = join(E2E, '@modelcontextprotocol', 'server');
assert.ok(existsSync(join(OFFICIAL, 'package.json')), `the official server package is not installed at ${OFFICIAL}: run \`make node-setup\``);
const FIXTURE = join(bindings, 'test', 'fixtures', 'v2-server.mjs');
const LOW_LEVEL = join(bindings, 'test', 'fixtures', 'v2-low-level-server.mjs');
/** How long one request may take, and one whole session. */
const REQUEST_MS = 20_000;
const SESSION_MS = 60_000;

const { Client } = await import(pathToFileURL(join(E2E, '@modelcontextprotocol', 'sdk', 'dist', 'esm', 'client', 'index.js')).href);
const { StdioClientTransport } = await import(pathToFileURL(join(E2E, '@modelcontextprotocol', 'sdk', 'dist', 'esm', 'client', 'stdio.js')).href);
const { LoggingMessageNotificationSchema } = await import(pathToFileURL(join(E2E, '@modelcontextprotocol', 'sdk', 'dist', 'esm', 'types.js')).href);

const root = mkdtempSync(join(tmpdir(), 'mcpforge-server-standin-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A folder with the fixture and a node_modules holding `packages` (`{ name: path }`, linked). */
function tree(name, packages) {
  const dir = join(root, name);
  for (const [pkg, path] of Object.entries(packages)) {
    mkdirSync(dirname(join(dir, 'node_modules', pkg)), { recursive: true });
    symlinkSync(path, join(dir, 'node_modules', pkg), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), '{"name":"app","private":true,"type":"module"}\n');
  copyFileSync(FIXTURE, join(dir, 'server.mjs'));
  copyFileSync(LOW_LEVEL, join(dir, 'low-level.mjs'));
  return dir;
}

const official = tree('official', { '@modelcontextprotocol/server': OFFICIAL, zod: join(E2E, 'zod') });
const standin = tree('standin', { [ALIAS]: OFFICIAL, mcpforge: bindings, zod: join(E2E, 'zod') });
mkdirSync(join(standin, 'node_modules', '@modelcontextprotocol'));
renameSync(generateServer(OFFICIAL, join(root, 'out')), join(standin, 'node_modules', '@modelcontextprotocol', 'server'));

/** Rejects after `ms` unless `promise` settles first. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A request's outcome as recorded: its result, or its error's code and message. */
async function outcome(promise) {
  try {
    return { result: await promise };
  } catch (e) {
    return { error: { code: e.code ?? null, message: String(e.message) } };
  }
}

/**
 * Runs `script(client)` against `file` (with `args`) served from `dir`, the official client
 * connected over stdio; its result, with the log messages the client received as `logs`.
 */
async function session(dir, file, args, script) {
  const client = new Client({ name: 'standin-test', version: '1.0.0' });
  const logs = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
  const transport = new StdioClientTransport({ command: process.execPath, args: [file, ...args], cwd: dir, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => (stderr += chunk));
  try {
    await client.connect(transport, { timeout: REQUEST_MS });
    return { ...(await script(client)), logs };
  } catch (e) {
    throw new Error(`${e.message}\nserver stderr:\n${stderr}`);
  } finally {
    await client.close();
  }
}

/** The transcript of one scripted session with the fixture served from `dir` (`args`: its arguments). */
function transcript(dir, args = []) {
  const opts = { timeout: REQUEST_MS };
  return session(dir, 'server.mjs', args, async (client) => ({
    server: client.getServerVersion(),
    instructions: client.getInstructions() ?? null,
    tools: await outcome(client.listTools({}, opts)),
    add: await outcome(client.callTool({ name: 'add', arguments: { a: 2, b: 40 } }, undefined, opts)),
    addBadArguments: await outcome(client.callTool({ name: 'add', arguments: { a: 'two' } }, undefined, opts)),
    lookup: await outcome(client.callTool({ name: 'lookup', arguments: { name: 'ada' } }, undefined, opts)),
    observed: await outcome(client.callTool({ name: 'observed', arguments: {} }, undefined, opts)),
    fail: await outcome(client.callTool({ name: 'fail', arguments: {} }, undefined, opts)),
    unknownTool: await outcome(client.callTool({ name: 'nope', arguments: {} }, undefined, opts)),
    setLevel: await outcome(client.setLoggingLevel('info', opts)),
    shout: await outcome(client.callTool({ name: 'shout', arguments: { text: 'hi' } }, undefined, opts)),
    resources: await outcome(client.listResources({}, opts)),
    templates: await outcome(client.listResourceTemplates({}, opts)),
    readme: await outcome(client.readResource({ uri: 'docs://readme' }, opts)),
    user: await outcome(client.readResource({ uri: 'users://ada' }, opts)),
    nobody: await outcome(client.readResource({ uri: 'users://nobody' }, opts)),
    prompts: await outcome(client.listPrompts({}, opts)),
    review: await outcome(client.getPrompt({ name: 'review', arguments: { code: 'x = 1' } }, opts)),
    reviewMissing: await outcome(client.getPrompt({ name: 'review', arguments: {} }, opts)),
  }));
}

/**
 * The refusals whose words are the engine's, not the official package's (docs/node.md, "No
 * edit", the 2.x differences): the engine's JSON Schema check words invalid arguments, where
 * the package words zod's issues, and names an unknown tool its own way. Their code, their
 * kind (error or `isError` result) and the name they are about must still be the same.
 */
const ENGINE_WORDED = { addBadArguments: 'add', unknownTool: 'nope', reviewMissing: 'review' };

/** `outcome` with the text of an engine-worded refusal replaced by what it is about. */
function worded(step, outcome) {
  const about = ENGINE_WORDED[step];
  if (about === undefined) return outcome;
  const named = (text) => (String(text).includes(about) ? `(a refusal about ${about})` : text);
  if (outcome.error) return { error: { ...outcome.error, message: named(outcome.error.message) } };
  const content = outcome.result.content.map((block) => ({ ...block, text: named(block.text) }));
  return { result: { ...outcome.result, content } };
}

/** Runs the fixture with `args` on both sides and compares the transcripts. */
async function compareSides(args) {
  const want = await within(transcript(official, args), SESSION_MS, 'the official session');
  const got = await within(transcript(standin, args), SESSION_MS, 'the stand-in session');
  assert.equal(want.add.result.structuredContent.sum, 42, 'the official session ran');
  for (const step of Object.keys(want)) assert.deepEqual(worded(step, got[step]), worded(step, want[step]), `step ${step}`);
}

test('a 2.x server runs unedited on the stand-in: it loads mcpforge, and answers as on the official package', async () => {
  const ours = await import(pathToFileURL(join(standin, 'node_modules', '@modelcontextprotocol', 'server', 'dist', 'index.mjs')).href);
  assert.equal(ours.McpServer, (await import('../lib/sdk/v2/server.mjs')).McpServer, "the stand-in's McpServer is mcpforge's");
  await compareSides([]);
});

test('served by serveStdio on a transport that wraps the stdio one, it answers the same', async () => {
  await compareSides(['--observed']);
});

test('a 2.x low-level server (handlers set by method name) runs unedited on the stand-in and answers the same', async () => {
  const opts = { timeout: REQUEST_MS };
  const script = async (client) => ({
    tools: await outcome(client.listTools({}, opts)),
    hello: await outcome(client.callTool({ name: 'hello', arguments: { who: 'ada' } }, undefined, opts)),
    unknown: await outcome(client.callTool({ name: 'nope', arguments: {} }, undefined, opts)),
  });
  const want = await within(session(official, 'low-level.mjs', [], script), SESSION_MS, 'the official session');
  const got = await within(session(standin, 'low-level.mjs', [], script), SESSION_MS, 'the stand-in session');
  assert.match(want.hello.result.content[0].text, /tools\/call, id number/, 'the official session ran');
  assert.deepEqual(got, want);
});

/** Every name `specifier` offers when imported from inside `dir` (an ES module there imports it). */
let probes = 0;
async function importFrom(dir, specifier) {
  const probe = join(dir, `probe-${(probes += 1)}.mjs`);
  writeFileSync(probe, `export * as ns from '${specifier}';\n`);
  return (await import(pathToFileURL(probe).href)).ns;
}

test('every entry of the official exports map resolves in the stand-in, by import and require, with every official name', async () => {
  const pkg = JSON.parse(readFileSync(join(OFFICIAL, 'package.json'), 'utf8'));
  const requireIn = (dir) => createRequire(join(dir, 'app.js'));
  let loaded = 0;
  for (const subpath of Object.keys(pkg.exports)) {
    const specifier = `@modelcontextprotocol/server${subpath.slice(1)}`;
    let upstream;
    try {
      upstream = { esm: await importFrom(official, specifier), cjs: requireIn(official)(specifier) };
    } catch {
      continue; // fails alike on the official package: an optional peer it needs is absent
    }
    const esm = await importFrom(standin, specifier);
    const cjs = requireIn(standin)(specifier);
    for (const name of Object.keys(upstream.esm)) assert.ok(name in esm, `${specifier} (import) lacks ${name}`);
    for (const name of Object.keys(upstream.cjs)) assert.ok(name in cjs, `${specifier} (require) lacks ${name}`);
    loaded += 1;
  }
  assert.ok(loaded >= 4, `${loaded} of ${Object.keys(pkg.exports).length} entries load`);
  const ours = createRequire(import.meta.url)('../lib/index.js');
  assert.equal(requireIn(standin)('@modelcontextprotocol/server/stdio').serveStdio, ours.serveStdio);
  assert.equal((await importFrom(standin, '@modelcontextprotocol/server')).createMcpHandler, ours.createMcpHandler);
});

test("createMcpHandler serves whatever path the application routes to it, as the SDK's does", async () => {
  const { McpServer } = await import('../lib/sdk/v2/server.mjs');
  const { createMcpHandler } = createRequire(import.meta.url)('../lib/index.js');
  const handler = createMcpHandler(() => new McpServer({ name: 'routed', version: '1.0.0' }));
  try {
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    // A router mounted at `/mcp` (Express) hands the handler the path under it: `/`.
    for (const url of ['http://127.0.0.1/', 'http://127.0.0.1/elsewhere?x=1']) {
      const request = new Request(url, {
        method: 'POST',
        headers: { host: '127.0.0.1', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(initialize),
      });
      const response = await handler.fetch(request);
      const text = await response.text();
      assert.equal(response.status, 200, `${url}: ${text}`);
      assert.match(text, /"serverInfo":\{"name":"routed"/);
    }
  } finally {
    await handler.close();
  }
});
