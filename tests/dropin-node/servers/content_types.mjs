// Tool results with image, audio, embedded resource and resource link content.
// script: {"tools": [["media", {}], ["link", {"name": "report"}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'content-types', version: '1.0.0' });

const PIXEL = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]).toString('base64');

server.registerTool('media', { description: 'Image and audio' }, async () => ({
  content: [
    { type: 'image', data: PIXEL, mimeType: 'image/png' },
    { type: 'audio', data: PIXEL, mimeType: 'audio/wav' },
    { type: 'text', text: 'caption', annotations: { audience: ['user'], priority: 1 } },
  ],
}));

server.registerTool('link', { inputSchema: { name: z.string() } }, async ({ name }) => ({
  content: [
    { type: 'resource_link', uri: `file:///${name}.txt`, name, mimeType: 'text/plain', description: 'the file' },
    { type: 'resource', resource: { uri: `file:///${name}.txt`, mimeType: 'text/plain', text: 'contents' } },
  ],
}));

await server.connect(new StdioServerTransport());
