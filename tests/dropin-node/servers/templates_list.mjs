// A resource template whose list callback enumerates the resources it stands for.
// script: {"resources": ["notes://shopping", "notes://todo"]}
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'templates-list', version: '1.0.0' });

const NOTES = { shopping: 'milk, eggs', todo: 'write tests' };

server.registerResource('readme', 'notes://readme', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: 'notes' }] }));

server.registerResource(
  'note',
  new ResourceTemplate('notes://{name}', {
    list: async () => ({ resources: Object.keys(NOTES).map((name) => ({ uri: `notes://${name}`, name })) }),
  }),
  { description: 'A note', mimeType: 'text/plain' },
  async (uri, { name }) => ({ contents: [{ uri: uri.href, text: NOTES[name] ?? '' }] }),
);

await server.connect(new StdioServerTransport());
