// Tool failures: an isError result, a thrown Error, a thrown McpError, a missing tool.
// script: {"tools": [["divide", {"a": 1, "b": 0}], ["divide", {"a": 6, "b": 3}], ["explode", {}], ["forbidden", {}], ["nonexistent", {}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const server = new McpServer({ name: 'tool-errors', version: '1.0.0' });

server.registerTool('divide', { inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => {
  if (b === 0) return { content: [{ type: 'text', text: 'cannot divide by zero' }], isError: true };
  return { content: [{ type: 'text', text: String(a / b) }] };
});

server.registerTool('explode', { description: 'Always throws' }, async () => {
  throw new Error('the tool exploded');
});

server.registerTool('forbidden', {}, () => {
  throw new McpError(ErrorCode.InvalidRequest, 'not allowed here');
});

await server.connect(new StdioServerTransport());
