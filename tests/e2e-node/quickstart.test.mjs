/**
 * End to end: the official TypeScript SDK client drives examples/node/quickstart.mjs (run
 * from this scratch project, where the packed `mcpforge` is installed) over stdio and over
 * Streamable HTTP, and checks the three tools the Rust quickstart has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttp, within } from './helpers.mjs';

const QUICKSTART = fileURLToPath(new URL('./examples/quickstart.mjs', import.meta.url));
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

async function exercise(client) {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name), ['echo', 'add', 'current_time']);
  assert.deepEqual(tools.find((t) => t.name === 'add').inputSchema.required, ['a', 'b']);
  assert.equal(tools.find((t) => t.name === 'current_time').annotations.readOnlyHint, true);
  const echo = await client.callTool({ name: 'echo', arguments: { text: 'hello, mcp' } });
  assert.deepEqual(echo.content, [{ type: 'text', text: 'hello, mcp' }]);
  const add = await client.callTool({ name: 'add', arguments: { a: 2, b: 3.5 } });
  assert.deepEqual(add.content, [{ type: 'text', text: '5.5' }]);
  const bad = await client.callTool({ name: 'add', arguments: { a: 'two' } });
  assert.equal(bad.isError, true);
  const time = await client.callTool({ name: 'current_time', arguments: {} });
  assert.match(time.content[0].text, RFC3339);
  assert.ok(!Number.isNaN(Date.parse(time.content[0].text)));
  assert.equal(client.getServerVersion().name, 'mcpforge-quickstart');
  assert.equal(client.getInstructions(), 'Tools to echo text, add numbers and tell the time.');
}

test('the official client drives the quickstart over stdio', async () => {
  const transport = new StdioClientTransport({ command: process.execPath, args: [QUICKSTART], stderr: 'pipe' });
  const client = new Client({ name: 'e2e-node', version: '1.0.0' });
  await within(client.connect(transport), 20_000, 'connect over stdio');
  try {
    await exercise(client);
  } finally {
    await client.close();
  }
});

test('the official client drives the quickstart over Streamable HTTP', async () => {
  const { child: server, url, exited } = await startHttp([QUICKSTART, '--http', '127.0.0.1:0'], /serving MCP on (\S+)/, 'the quickstart');
  try {
    const client = new Client({ name: 'e2e-node', version: '1.0.0' });
    await within(client.connect(new StreamableHTTPClientTransport(new URL(url))), 20_000, 'connect over HTTP');
    try {
      await exercise(client);
    } finally {
      await client.close();
    }
    server.kill('SIGTERM');
    const { code } = await within(exited, 20_000, 'the quickstart to stop on SIGTERM');
    assert.equal(code, 0);
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
});
