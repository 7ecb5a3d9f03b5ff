// The older prompt() and resource() overloads.
// script: {"prompts": [["plain", {}], ["described", {}], ["with-args", {"topic": "zod"}], ["full", {"topic": "mcp"}]], "resources": ["memo://one", "memo://two", "memo://items/9"]}
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'legacy-prompts-resources', version: '1.0.0' });

const text = (t) => ({ messages: [{ role: 'user', content: { type: 'text', text: t } }] });
server.prompt('plain', () => text('plain'));
server.prompt('described', 'A described prompt', () => text('described'));
server.prompt('with-args', { topic: z.string() }, ({ topic }) => text(`about ${topic}`));
server.prompt('full', 'Everything', { topic: z.string().describe('the topic') }, ({ topic }) => text(`all about ${topic}`));

server.resource('one', 'memo://one', (uri) => ({ contents: [{ uri: uri.href, text: 'first' }] }));
server.resource('two', 'memo://two', { mimeType: 'text/plain', description: 'Second' }, (uri) => ({ contents: [{ uri: uri.href, text: 'second' }] }));
server.resource('item', new ResourceTemplate('memo://items/{id}', { list: undefined }), (uri, { id }) => ({
  contents: [{ uri: uri.href, text: `item ${id}` }],
}));

await server.connect(new StdioServerTransport());
