/**
 * The stand-in for `@modelcontextprotocol/sdk` (bindings-node/sdk-standin): generated from
 * the official SDK of the end-to-end scratch project (`make node-setup`) into a temporary
 * tree laid out as npm installs it under an `overrides` entry (the stand-in as
 * `@modelcontextprotocol/sdk`, the official SDK under its alias, `mcpforge`), then loaded
 * as a published server loads it: every subpath of the official `exports` resolves, by
 * `import` and by `require`; the server modules are mcpforge's; `types.js` offers every
 * name of the official one, its zod schemas the official objects themselves.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate, ALIAS } from '../sdk-standin/generate.mjs';
import { linkedClient } from './helpers.mjs';

const bindings = join(dirname(fileURLToPath(import.meta.url)), '..');
const SDK = join(bindings, '..', 'target', 'node', 'e2e', 'node_modules', '@modelcontextprotocol', 'sdk');
assert.ok(existsSync(join(SDK, 'package.json')), `the official SDK is not installed at ${SDK}: run \`make node-setup\``);

const root = mkdtempSync(join(tmpdir(), 'mcpforge-standin-'));
after(() => rmSync(root, { recursive: true, force: true }));
const modules = join(root, 'node_modules');
mkdirSync(join(modules, '@modelcontextprotocol'), { recursive: true });
renameSync(generate(SDK, join(root, 'out')), join(modules, '@modelcontextprotocol', 'sdk'));
symlinkSync(SDK, join(modules, ALIAS), 'dir');
symlinkSync(bindings, join(modules, 'mcpforge'), 'dir');
writeFileSync(join(root, 'package.json'), '{"name":"app","private":true,"type":"module"}\n');

/** Loads `specifier` from inside the application's tree, by `import` and by `require`. */
const appRequire = createRequire(join(root, 'app.js'));
async function load(specifier) {
  // ESM resolution from the application's folder: a module file there imports it.
  const probe = join(root, `probe-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(probe, `export * as ns from '${specifier}';\n`);
  const esm = (await import(pathToFileURL(probe).href)).ns;
  return { esm, cjs: appRequire(specifier) };
}

const official = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8'));

/** `load(specifier)`, or the error it fails with. */
async function attempt(specifier) {
  try {
    return await load(specifier);
  } catch (error) {
    return { error };
  }
}

test('every subpath of the official exports resolves in the stand-in, by import and require, with every official name', async () => {
  const subpaths = Object.keys(official.exports).filter((p) => !p.includes('*'));
  subpaths.push('./server/index.js', './server/mcp.js', './server/stdio.js', './server/streamableHttp.js', './server/sse.js', './server/express.js');
  subpaths.push('./types.js', './client/index.js', './client/stdio.js', './shared/protocol.js', './inMemory.js', './server/auth/router.js');
  let loaded = 0;
  for (const subpath of subpaths) {
    const specifier = `@modelcontextprotocol/sdk${subpath.slice(1)}`;
    const upstream = await attempt(`${ALIAS}${subpath.slice(1)}`);
    const standin = await attempt(specifier);
    if (upstream.error) {
      // Fails alike on the official SDK: its `.` names dist/esm/index.js, a file 1.32.2 does
      // not ship; `./validation/cfworker` needs an optional peer the tree does not have.
      assert.ok(standin.error, `${specifier} loads in the stand-in but not in the official SDK`);
      continue;
    }
    assert.ifError(standin.error);
    for (const name of Object.keys(upstream.esm)) assert.ok(name in standin.esm, `${specifier} (import) lacks ${name}`);
    for (const name of Object.keys(upstream.cjs)) assert.ok(name in standin.cjs, `${specifier} (require) lacks ${name}`);
    loaded += 1;
  }
  assert.ok(loaded >= subpaths.length - 2, `${loaded} of ${subpaths.length} subpaths load`);
});

test("the server modules are mcpforge's, the client the official SDK's", async () => {
  const ours = await import('../lib/sdk/server/mcp.mjs');
  const { esm, cjs } = await load('@modelcontextprotocol/sdk/server/mcp.js');
  assert.equal(esm.McpServer, ours.McpServer);
  assert.equal(cjs.McpServer, ours.McpServer);
  const stdio = await load('@modelcontextprotocol/sdk/server/stdio.js');
  assert.equal(stdio.esm.StdioServerTransport, (await import('../lib/sdk/server/stdio.mjs')).StdioServerTransport);
  const lowLevel = await load('@modelcontextprotocol/sdk/server/index.js');
  assert.equal(lowLevel.esm.Server, (await import('../lib/sdk/server/index.mjs')).Server);
  assert.equal(lowLevel.cjs.Server, lowLevel.esm.Server);
  const client = await load('@modelcontextprotocol/sdk/client/index.js');
  assert.equal(client.esm.Client, (await import(pathToFileURL(join(SDK, 'dist', 'esm', 'client', 'index.js')).href)).Client);
});

test("a client's refusal is an McpError of the stand-in's types.js, by import and require", async () => {
  const { McpServer } = (await load('@modelcontextprotocol/sdk/server/mcp.js')).esm;
  const types = await load('@modelcontextprotocol/sdk/types.js');
  const server = new McpServer({ name: 's', version: '0' });
  server.registerTool('roots', {}, async () => {
    try {
      await server.server.listRoots();
      return { content: [{ type: 'text', text: 'answered' }] };
    } catch (e) {
      const seen = { esm: e instanceof types.esm.McpError, cjs: e instanceof types.cjs.McpError, code: e.code };
      return { content: [{ type: 'text', text: JSON.stringify(seen) }] };
    }
  });
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { roots: {} }, clientInfo: { name: 'c', version: '0' } } });
    await client.next((m) => m.id === 0, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'roots', arguments: {} } });
    const ask = await client.next((m) => m.method === 'roots/list', 'the roots request');
    client.send({ jsonrpc: '2.0', id: ask.id, error: { code: -32603, message: 'roots provider crashed' } });
    const seen = JSON.parse((await client.next((m) => m.id === 1, 'the tool result')).result.content[0].text);
    assert.deepEqual(seen, { esm: true, cjs: true, code: -32603 });
  } finally {
    await server.close();
  }
});

test('types.js offers every name of the official types.js; its schemas are the official ones', async () => {
  const upstream = await import(pathToFileURL(join(SDK, 'dist', 'esm', 'types.js')).href);
  const { esm, cjs } = await load('@modelcontextprotocol/sdk/types.js');
  const names = Object.keys(upstream);
  assert.ok(names.length >= 171, `the official types.js exports ${names.length} names`);
  for (const name of names) {
    assert.ok(name in esm, `import: ${name} is missing`);
    assert.ok(name in cjs, `require: ${name} is missing`);
  }
  assert.equal(esm.CallToolRequestSchema, upstream.CallToolRequestSchema);
  assert.equal(esm.McpError, (await import('../lib/sdk/types.mjs')).McpError);
  // A low-level server's usual first line loads.
  const probe = join(root, 'low-level.mjs');
  writeFileSync(probe, "import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';\nexport const methods = [CallToolRequestSchema.shape.method.value, ListToolsRequestSchema.shape.method.value];\n");
  assert.deepEqual((await import(pathToFileURL(probe).href)).methods, ['tools/call', 'tools/list']);
});
