// Elicitation answers that do not fit the requested schema: server.server.elicitInput refuses
// them with McpError -32602 naming every problem, worded as the official SDK's validator words
// them (the test client's canned answer is "Ada" for strings, 2 for integers).
// script: {"tools": [["register", {}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'elicitation-invalid', version: '1.0.0' });

server.registerTool('register', {}, async () => {
  try {
    const answer = await server.server.elicitInput({
      message: 'Your details?',
      requestedSchema: {
        type: 'object',
        properties: {
          code: { type: 'string', maxLength: 2 },
          guests: { type: 'integer', maximum: 1 },
          email: { type: 'string', format: 'email' },
          name: { type: 'string', minLength: 1 },
        },
        required: ['name', 'phone'],
      },
    });
    return { content: [{ type: 'text', text: `accepted: ${answer.action}` }] };
  } catch (error) {
    return { content: [{ type: 'text', text: `${error.code} ${error.message}` }] };
  }
});

await server.connect(new StdioServerTransport());
