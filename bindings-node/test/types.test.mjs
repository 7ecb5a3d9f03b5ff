/**
 * `mcpforge/types.js` exports every name of the official SDK's `types.js`
 * (lib/compat/official-types.js): without the SDK installed, a request schema is a method
 * marker a low-level server's `setRequestHandler` takes, a constant has the SDK's value,
 * any other name says on use that it needs the SDK; with the SDK installed beside mcpforge,
 * each name is the SDK's own object.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as types from '../lib/sdk/types.mjs';
import { Server } from '../lib/sdk/server/index.mjs';
import { linkedClient } from './helpers.mjs';

const require = createRequire(import.meta.url);
const bindings = join(dirname(fileURLToPath(import.meta.url)), '..');
const E2E = join(bindings, '..', 'target', 'node', 'e2e', 'node_modules');
const SDK = join(E2E, '@modelcontextprotocol', 'sdk');
const table = require('../lib/compat/sdk-types.json');

test('every name of the official types.js is exported, by import and by require', () => {
  const cjs = require('../lib/sdk/types.js');
  for (const name of table.names) {
    assert.ok(name in types, `import lacks ${name}`);
    assert.ok(name in cjs, `require lacks ${name}`);
  }
  assert.equal(Object.keys(cjs).length, table.names.length + 11);
  // Checked against the installed SDK too, when there is one.
  if (existsSync(SDK)) {
    for (const name of Object.keys(require(join(SDK, 'dist', 'cjs', 'types.js')))) assert.ok(name in types, `lacks ${name}`);
  }
});

test('without the SDK: a low-level server answers through CallToolRequestSchema and ListToolsRequestSchema', async () => {
  const { CallToolRequestSchema, ListToolsRequestSchema, JSONRPC_VERSION, CallToolResultSchema } = types;
  assert.equal(JSONRPC_VERSION, '2.0');
  assert.throws(() => CallToolResultSchema.parse({}), /CallToolResultSchema is the official SDK's: install @modelcontextprotocol\/sdk/);
  const server = new Server({ name: 'low-level', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'echo', inputSchema: { type: 'object' } }] }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => ({ content: [{ type: 'text', text: request.params.arguments.text }] }));
  const client = await linkedClient(server);
  try {
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    await client.next((m) => m.id === 1, 'the initialize answer');
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    assert.deepEqual((await client.next((m) => m.id === 2, 'tools/list')).result.tools.map((t) => t.name), ['echo']);
    client.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } });
    assert.deepEqual((await client.next((m) => m.id === 3, 'tools/call')).result.content, [{ type: 'text', text: 'hi' }]);
  } finally {
    await server.close();
  }
});

test('with the SDK installed beside mcpforge, each name is its own object', { skip: !existsSync(SDK) && 'no official SDK (make node-setup)' }, () => {
  // A tree as npm lays it out: mcpforge, the SDK and zod side by side (links kept as paths).
  const root = mkdtempSync(join(tmpdir(), 'mcpforge-types-'));
  try {
    const modules = join(root, 'node_modules');
    mkdirSync(join(modules, '@modelcontextprotocol'), { recursive: true });
    symlinkSync(bindings, join(modules, 'mcpforge'), 'dir');
    symlinkSync(SDK, join(modules, '@modelcontextprotocol', 'sdk'), 'dir');
    symlinkSync(join(E2E, 'zod'), join(modules, 'zod'), 'dir');
    const probe = join(root, 'probe.mjs');
    writeFileSync(
      probe,
      [
        "import * as ours from 'mcpforge/types.js';",
        "import * as official from '@modelcontextprotocol/sdk/types.js';",
        "import { createRequire } from 'node:module';",
        "const cjs = createRequire(import.meta.url)('@modelcontextprotocol/sdk/types.js');",
        // mcpforge loads the SDK by require: its CommonJS objects.
        `const own = new Set(${JSON.stringify(Object.keys(require('../lib/compat/types.js')))});`,
        'const other = Object.keys(official).filter((n) => !own.has(n) && ours[n] !== cjs[n] && ours[n] !== official[n]);',
        "console.log(JSON.stringify({ other, parses: ours.CallToolRequestSchema.safeParse({ method: 'tools/call', params: { name: 'x' } }).success }));",
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['--preserve-symlinks', probe], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const { other, parses } = JSON.parse(run.stdout);
    // Every name but mcpforge's own eleven is the SDK's object.
    assert.deepEqual(other, []);
    assert.equal(parses, true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
