/**
 * A client that answers `createMessage` / `listRoots` / `elicitInput` with a JSON-RPC error:
 * the server's call rejects with an `McpError` carrying the client's code, message and data,
 * as the official SDK's does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { McpServer } from '../lib/sdk/server/mcp.mjs';
import { linkedClient } from './helpers.mjs';

const ASKS = {
  sampling: ['sampling/createMessage', (s) => s.server.createMessage({ messages: [], maxTokens: 1 })],
  roots: ['roots/list', (s) => s.server.listRoots()],
  form: ['elicitation/create', (s) => s.server.elicitInput({ message: 'name?', requestedSchema: { type: 'object', properties: {} } })],
};

for (const [name, [method, ask]] of Object.entries(ASKS)) {
  test(`the client's error answer to ${method} keeps its code and data`, async () => {
    const server = new McpServer({ name: 's', version: '0' });
    server.registerTool('ask', {}, async () => {
      try {
        await ask(server);
        return { content: [{ type: 'text', text: 'answered' }] };
      } catch (e) {
        const seen = { name: e.name, code: e.code, data: e.data, message: e.message };
        return { content: [{ type: 'text', text: JSON.stringify(seen) }] };
      }
    });
    const client = await linkedClient(server);
    try {
      const capabilities = { sampling: {}, roots: {}, elicitation: { form: {} } };
      client.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'c', version: '0' } } });
      await client.next((m) => m.id === 0, 'the initialize answer');
      client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      client.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ask', arguments: {} } });
      const request = await client.next((m) => m.method === method, name);
      client.send({ jsonrpc: '2.0', id: request.id, error: { code: -1, message: 'User rejected the request', data: { why: 'no' } } });
      const seen = JSON.parse((await client.next((m) => m.id === 1, 'the tool result')).result.content[0].text);
      assert.equal(seen.name, 'McpError');
      assert.equal(seen.code, -1);
      assert.deepEqual(seen.data, { why: 'no' });
      assert.match(seen.message, /User rejected the request/);
    } finally {
      await server.close();
    }
  });
}
