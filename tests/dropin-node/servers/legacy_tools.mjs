// The older tool() overloads: name only, description, params shape, annotations.
// script: {"tools": [["ping", {}], ["echo", {"text": "hi"}], ["shout", {"text": "hey"}], ["status", {}], ["repeat", {"text": "ab", "n": 2}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'legacy-tools', version: '1.0.0' });

server.tool('ping', async () => ({ content: [{ type: 'text', text: 'pong' }] }));
server.tool('echo', 'Echoes the text', { text: z.string() }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
server.tool('shout', { text: z.string() }, { title: 'Shout', readOnlyHint: true }, async ({ text }) => ({
  content: [{ type: 'text', text: text.toUpperCase() }],
}));
server.tool('status', 'Reports status', { readOnlyHint: true }, async (extra) => ({
  content: [{ type: 'text', text: `ok (${typeof extra.signal})` }],
}));
server.tool('repeat', 'Repeats', { text: z.string(), n: z.number().int() }, { idempotentHint: true }, ({ text, n }) => ({
  content: [{ type: 'text', text: text.repeat(n) }],
}));

await server.connect(new StdioServerTransport());
