/**
 * The server and its tools. Importing this file serves nothing: `bin/{{name}}.js` serves it,
 * and the tests call it in process.
 */
import { Server } from 'mcpforge';

export const server = new Server({ name: '{{name}}', version: '0.1.0', description: '{{description}}' });

server.tool(
  'greet',
  {
    description: 'Greet someone by name.',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string', description: 'Who to greet.' } },
      required: ['name'],
    },
  },
  ({ name }) => `Hello, ${name}!`,
);
