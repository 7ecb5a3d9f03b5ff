// A resource template with variable completion and no list callback.
// script: {"resources": ["users://42/profile", "users://ada/profile"], "completions": [[{"type": "ref/resource", "uri": "users://{userId}/profile"}, "userId", "4"], [{"type": "ref/resource", "uri": "users://{userId}/profile"}, "userId", ""], [{"type": "ref/resource", "uri": "users://{userId}/profile"}, "other", "x"]]}
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'templates-complete', version: '1.0.0' });

const IDS = ['41', '42', '7', 'ada'];

server.registerResource(
  'user-profile',
  new ResourceTemplate('users://{userId}/profile', {
    list: undefined,
    complete: { userId: (value) => IDS.filter((id) => id.startsWith(value)) },
  }),
  { title: 'User profile', mimeType: 'application/json' },
  async (uri, { userId }) => ({ contents: [{ uri: uri.href, text: JSON.stringify({ id: userId }) }] }),
);

await server.connect(new StdioServerTransport());
