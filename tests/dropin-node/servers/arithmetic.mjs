// Tools with zod raw-shape input schemas, called with good and bad arguments.
// script: {"tools": [["add", {"a": 2, "b": 3}], ["multiply", {"a": 4, "b": 2.5}], ["add", {"a": "two", "b": 3}], ["add", {"a": 1}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'arithmetic', version: '1.0.0' });

server.registerTool('add', { description: 'Add two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
  content: [{ type: 'text', text: String(a + b) }],
}));

server.registerTool(
  'multiply',
  { title: 'Multiply', description: 'Multiply two numbers', inputSchema: { a: z.number().describe('first factor'), b: z.number().describe('second factor') } },
  ({ a, b }) => ({ content: [{ type: 'text', text: `${a} x ${b} = ${a * b}` }] }),
);

await server.connect(new StdioServerTransport());
