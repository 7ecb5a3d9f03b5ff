// Registering tools, prompts and resources while connected, from inside a tool (the kinds
// are registered before connecting: the official SDK cannot add a capability once connected).
// script: {"tools": [["install", {}], ["installed", {"word": "hi"}]], "relist": true, "resources": ["dyn://thing"], "prompts": [["later", {}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'dynamic', version: '1.0.0' });

server.registerPrompt('first', {}, () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'first' } }] }));
server.registerResource('base', 'dyn://base', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'base' }] }));

server.registerTool('install', { description: 'Adds more' }, async () => {
  server.registerTool('installed', { inputSchema: { word: z.string() } }, ({ word }) => ({ content: [{ type: 'text', text: `${word}!` }] }));
  server.registerPrompt('later', { description: 'Added later' }, () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'later' } }] }));
  server.registerResource('thing', 'dyn://thing', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: 'thing' }] }));
  server.sendToolListChanged();
  return { content: [{ type: 'text', text: 'installed' }] };
});

await server.connect(new StdioServerTransport());
