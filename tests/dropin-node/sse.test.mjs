/**
 * The 2024-11-05 HTTP+SSE transport as the official SDK's examples serve it: an Express
 * application whose `GET /sse` makes an `SSEServerTransport('/messages', res)`, keeps it by
 * `sessionId` and connects a new `McpServer` to it, and whose `POST /messages` hands the
 * body to that transport. Built once on the official SDK and once on mcpforge (only the
 * imports differ), it must answer the official `SSEClientTransport` client the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import express from 'express';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { McpServer as OfficialMcpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport as OfficialSSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { McpServer as ForgeMcpServer } from 'mcpforge/server/mcp.js';
import { SSEServerTransport as ForgeSSEServerTransport } from 'mcpforge/server/sse.js';
import { z } from 'zod';

const IMPLEMENTATIONS = {
  official: { McpServer: OfficialMcpServer, SSEServerTransport: OfficialSSEServerTransport },
  mcpforge: { McpServer: ForgeMcpServer, SSEServerTransport: ForgeSSEServerTransport },
};

/** The SDK's example application on one implementation; resolves to its URL and a stop function. */
async function serve({ McpServer, SSEServerTransport }) {
  const transports = {};
  const servers = [];
  const app = express();
  app.get('/sse', async (_req, res) => {
    const transport = new SSEServerTransport('/messages', res);
    transports[transport.sessionId] = transport;
    res.on('close', () => delete transports[transport.sessionId]);
    const server = new McpServer({ name: 'sse-app', version: '1.0.0' });
    server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
    servers.push(server);
    await server.connect(transport);
  });
  app.post('/messages', express.json(), async (req, res) => {
    const transport = transports[req.query.sessionId];
    if (!transport) return res.status(400).send('No transport for that sessionId');
    await transport.handlePostMessage(req, res, req.body);
  });
  const listener = await new Promise((resolve) => {
    const l = app.listen(0, '127.0.0.1', () => resolve(l));
  });
  const stop = async () => {
    await Promise.allSettled(servers.map((s) => s.close()));
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  };
  return { url: new URL(`http://127.0.0.1:${listener.address().port}/sse`), stop, transports };
}

test('an McpServer behind SSEServerTransport answers the official SSE client as the official one does', async () => {
  const seen = {};
  for (const [name, implementation] of Object.entries(IMPLEMENTATIONS)) {
    const app = await serve(implementation);
    try {
      const client = new Client({ name: 'sse-test', version: '1.0.0' });
      await client.connect(new SSEClientTransport(app.url));
      const { tools } = await client.listTools();
      seen[name] = {
        tools: tools.map((t) => t.name),
        echo: await client.callTool({ name: 'echo', arguments: { text: 'over SSE' } }),
        wrong: (await client.callTool({ name: 'echo', arguments: { text: 3 } })).isError,
        sessions: Object.keys(app.transports).length,
      };
      await client.close();
    } finally {
      await app.stop();
    }
  }
  assert.deepEqual(seen.mcpforge.tools, ['echo']);
  assert.deepEqual(seen.mcpforge.echo.content, [{ type: 'text', text: 'over SSE' }]);
  assert.deepEqual(seen.mcpforge, seen.official);
});

test('SSEServerTransport refuses what is not a message', async () => {
  const app = await serve(IMPLEMENTATIONS.mcpforge);
  try {
    const controller = new AbortController();
    const stream = await fetch(app.url, { signal: controller.signal });
    const reader = stream.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const endpoint = /data: (\S+)/.exec(first)[1];
    assert.match(endpoint, /^\/messages\?sessionId=[0-9a-f-]{36}$/);
    const post = (body, type = 'application/json') =>
      fetch(new URL(endpoint, app.url), { method: 'POST', headers: { 'content-type': type }, body });
    assert.equal((await post(JSON.stringify({ not: 'a message' }))).status, 400);
    assert.equal((await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }))).status, 202);
    assert.equal((await post('{"jsonrpc":"2.0"}', 'text/plain')).status, 400);
    controller.abort();
  } finally {
    await app.stop();
  }
});
