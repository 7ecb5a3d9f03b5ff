/**
 * The server's tools, called through mcpforge's in-process test client (real JSON-RPC to the
 * real engine, no process and no socket).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { server } from '../src/server.js';

after(() => server.close());

test('greet answers with the name', async () => {
  const client = await server.testClient();
  const tools = await client.listTools();
  assert.deepEqual(
    tools.tools.map((tool) => tool.name),
    ['greet'],
  );
  const result = await client.callTool('greet', { name: 'Ada' });
  assert.equal(result.isError, undefined);
  assert.equal(result.content[0].text, 'Hello, Ada!');
});
