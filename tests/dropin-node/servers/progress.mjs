// Progress notifications sent with extra.sendNotification and the request's progress token.
// script: {"tools": [["count", {"to": 3}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'progress', version: '1.0.0' });

server.registerTool('count', { inputSchema: { to: z.number().int() } }, async ({ to }, extra) => {
  const progressToken = extra._meta?.progressToken;
  for (let i = 1; i <= to; i++) {
    if (progressToken !== undefined) {
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: i, total: to, message: `step ${i}` } });
    }
  }
  // The official client handles a notification a microtask later than a response: a
  // progress notification read in the same chunk as the result would be dropped.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { content: [{ type: 'text', text: `counted to ${to}, token given: ${progressToken !== undefined}` }] };
});

await server.connect(new StdioServerTransport());
