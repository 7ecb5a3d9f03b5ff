// Prompt, resource and template handles: disable, update and remove while serving (a disabled
// template stays listed and readable on the official SDK 1.x, so this program only updates one).
// script: {"tools": [["change", {}]], "relist": true, "resources": ["info://a", "info://b", "items://1"], "prompts": [["first", {}], ["second", {}]]}
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'handles-prompts-resources', version: '1.0.0' });

const message = (t) => ({ messages: [{ role: 'user', content: { type: 'text', text: t } }] });
const first = server.registerPrompt('first', { description: 'First' }, () => message('first'));
const second = server.registerPrompt('second', { description: 'Second' }, () => message('second'));
const a = server.registerResource('a', 'info://a', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: 'a' }] }));
const b = server.registerResource('b', 'info://b', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'b' }] }));
const items = server.registerResource('items', new ResourceTemplate('items://{id}', { list: undefined }), {}, (uri, { id }) => ({
  contents: [{ uri: uri.href, text: `item ${id}` }],
}));

server.registerTool('change', {}, () => {
  first.update({ description: 'First, updated', callback: () => message('first, updated') });
  second.disable();
  a.update({ metadata: { mimeType: 'text/markdown', description: 'A, updated' }, callback: (uri) => ({ contents: [{ uri: uri.href, text: '# a' }] }) });
  b.remove();
  items.update({ metadata: { description: 'Items, updated' } });
  return { content: [{ type: 'text', text: 'changed' }] };
});

await server.connect(new StdioServerTransport());
