// A tool whose input schema is a z.object with optional fields, defaults and enums.
// script: {"tools": [["greet", {"name": "Ada"}], ["greet", {"name": "Alan", "greeting": "Hi", "times": 2}], ["greet", {"name": "Bob", "style": "loud"}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'zod-object', version: '1.0.0' });

const GreetInput = z.object({
  name: z.string().describe('who to greet'),
  greeting: z.string().optional(),
  times: z.number().int().min(1).max(3).default(1),
  style: z.enum(['plain', 'loud']).default('plain'),
});

server.registerTool('greet', { description: 'Greets someone', inputSchema: GreetInput }, async ({ name, greeting, times, style }) => {
  const line = `${greeting ?? 'Hello'}, ${name}`;
  const text = Array(times).fill(style === 'loud' ? line.toUpperCase() : line).join(' / ');
  return { content: [{ type: 'text', text }] };
});

await server.connect(new StdioServerTransport());
