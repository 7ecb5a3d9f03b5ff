/**
 * The packed npm packages (the main package and this platform's addon package), installed
 * into this scratch project with `npm install`: the main package carries no addon and loads
 * the platform package's, with `require` and with `import` (the same objects), and serves a
 * tool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as esm from 'mcpforge';

const require = createRequire(import.meta.url);

test('require and import load the installed package', () => {
  const cjs = require('mcpforge');
  assert.equal(esm.Server, cjs.Server);
  assert.equal(esm.McpError, cjs.McpError);
  assert.match(require('mcpforge/package.json').version, /^\d+\.\d+\.\d+/);
  assert.ok(require.resolve('mcpforge').includes('node_modules'));
});

test('the addon comes from the platform package, listed as an optional dependency', () => {
  const mainDir = dirname(require.resolve('mcpforge/package.json'));
  const { platformName, SUPPORTED } = require(join(mainDir, 'lib', 'platform.js'));
  const name = `mcpforge-${platformName()}`;
  const main = require('mcpforge/package.json');
  assert.deepEqual(Object.keys(main.optionalDependencies).sort(), SUPPORTED.map((p) => `mcpforge-${p}`).sort());
  assert.equal(main.optionalDependencies[name], main.version);
  assert.deepEqual(readdirSync(mainDir).filter((f) => f.endsWith('.node')), []);
  const addon = require.resolve(name);
  assert.ok(addon.endsWith(`mcpforge.${platformName()}.node`), addon);
  assert.equal(require(`${name}/package.json`).version, main.version);
});

test('the installed package serves a tool', async () => {
  const server = new esm.Server({ name: 'packed', version: '1.0.0' });
  server.tool('double', { inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } }, ({ n }) => n * 2);
  const client = await server.testClient();
  try {
    assert.equal((await client.callTool('double', { n: 21 })).content[0].text, '42');
  } finally {
    await server.close();
  }
});
