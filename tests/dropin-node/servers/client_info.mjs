// What the client declared, read with server.server.getClientVersion/getClientCapabilities in a tool.
// script: {"tools": [["who", {}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'client-info', version: '1.0.0' });

server.registerTool('who', {}, async () => {
  const client = server.server.getClientVersion();
  const capabilities = server.server.getClientCapabilities();
  return {
    content: [{ type: 'text', text: `${client?.name} ${client?.version} elicitation=${Boolean(capabilities?.elicitation)} sampling=${Boolean(capabilities?.sampling)}` }],
  };
});

await server.connect(new StdioServerTransport());
