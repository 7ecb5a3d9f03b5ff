// Fixed resources: text, JSON and a blob, with metadata; an unknown URI.
// script: {"resources": ["file:///readme.md", "config://app", "data://logo", "file:///missing.md"]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'resources-static', version: '1.0.0' });

server.registerResource('readme', 'file:///readme.md', { title: 'Read me', description: 'The read-me', mimeType: 'text/markdown' }, async (uri) => ({
  contents: [{ uri: uri.href, text: '# Hello' }],
}));

server.registerResource('config', 'config://app', { mimeType: 'application/json' }, (uri) => ({
  contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ debug: false }) }],
}));

server.registerResource('logo', 'data://logo', { mimeType: 'image/png', annotations: { audience: ['user'], priority: 0.5 } }, (uri) => ({
  contents: [{ uri: uri.href, mimeType: 'image/png', blob: Buffer.from([137, 80, 78, 71]).toString('base64') }],
}));

await server.connect(new StdioServerTransport());
