/**
 * The packed npm package, installed into this scratch project with `npm install`: it loads
 * with `require` and with `import` (the same objects), and serves a tool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
