// Log messages through server.sendLoggingMessage and extra.sendNotification, at several levels.
// script: {"tools": [["work", {"steps": 2}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'logging', version: '1.0.0' }, { capabilities: { logging: {} } });

server.registerTool('work', { inputSchema: { steps: z.number().int() } }, async ({ steps }, extra) => {
  await server.sendLoggingMessage({ level: 'info', data: 'starting' });
  for (let i = 1; i <= steps; i++) {
    await extra.sendNotification({ method: 'notifications/message', params: { level: 'debug', logger: 'worker', data: { step: i } } });
  }
  await server.server.sendLoggingMessage({ level: 'warning', data: 'done, with a warning' });
  return { content: [{ type: 'text', text: `did ${steps} steps` }] };
});

await server.connect(new StdioServerTransport());
