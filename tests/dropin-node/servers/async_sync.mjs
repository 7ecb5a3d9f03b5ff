// Synchronous and asynchronous callbacks, concurrent calls, and a tool whose schema is {}.
// script: {"tools": [["sync", {}], ["later", {"ms": 20}], ["empty_shape", {}], ["sync", {"ignored": true}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'async-sync', version: '1.0.0' });

server.registerTool('sync', {}, () => ({ content: [{ type: 'text', text: 'sync' }] }));
server.registerTool('later', { inputSchema: { ms: z.number() } }, async ({ ms }) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { content: [{ type: 'text', text: `after ${ms} ms` }] };
});
server.tool('empty_shape', {}, async (args, extra) => ({
  content: [{ type: 'text', text: `args ${JSON.stringify(args)} extra ${typeof extra.requestId}` }],
}));

await server.connect(new StdioServerTransport());
