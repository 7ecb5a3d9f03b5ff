// Prompts with and without arguments, messages of both roles, a missing required argument.
// script: {"prompts": [["review", {"code": "let x = 1"}], ["review", {"code": "x", "language": "python"}], ["hello", {}], ["review", {}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'prompts-basic', version: '1.0.0' });

server.registerPrompt(
  'review',
  { title: 'Code review', description: 'Review some code', argsSchema: { code: z.string().describe('the code'), language: z.string().optional() } },
  ({ code, language }) => ({
    description: 'A review',
    messages: [
      { role: 'user', content: { type: 'text', text: `Review this ${language ?? 'javascript'} code:\n${code}` } },
      { role: 'assistant', content: { type: 'text', text: 'Sure, here is my review.' } },
    ],
  }),
);

server.registerPrompt('hello', { description: 'Says hello' }, () => ({
  messages: [{ role: 'user', content: { type: 'text', text: 'hello' } }],
}));

await server.connect(new StdioServerTransport());
