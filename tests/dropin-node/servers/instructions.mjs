// Server options: instructions and declared capabilities with nothing registered of a kind.
// script: {"tools": [["hello", {}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer(
  { name: 'instructions', version: '2.0.0' },
  { instructions: 'Call hello first.', capabilities: { prompts: {}, resources: {} } },
);

server.registerTool('hello', { title: 'Hello' }, async () => ({ content: [{ type: 'text', text: 'hello' }] }));

await server.connect(new StdioServerTransport());
