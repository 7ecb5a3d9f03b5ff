/**
 * The quickstart server: `echo`, `add` and `current_time` (the same tools, arguments and
 * results as the Rust quickstart), served over stdio.
 *
 * Run it under any MCP client (`command: node`, `args: [quickstart.mjs]`), or
 * `node quickstart.mjs --http 127.0.0.1:3000` to serve Streamable HTTP at /mcp.
 */
import { createRequire } from 'node:module';
import { Server } from 'mcpforge';
import { serve } from './cli.mjs';

const { version } = createRequire(import.meta.url)('mcpforge/package.json');

const server = new Server({
  name: 'mcpforge-quickstart',
  version,
  instructions: 'Tools to echo text, add numbers and tell the time.',
});

server.tool(
  'echo',
  {
    description: 'Echo the text back',
    inputSchema: {
      type: 'object',
      properties: { text: { type: 'string', description: 'The text to send back.' } },
      required: ['text'],
    },
  },
  ({ text }) => text,
);

server.tool(
  'add',
  {
    description: 'Add two numbers',
    inputSchema: {
      type: 'object',
      properties: {
        a: { type: 'number', description: 'First addend.' },
        b: { type: 'number', description: 'Second addend.' },
      },
      required: ['a', 'b'],
    },
  },
  ({ a, b }) => String(a + b),
);

server.tool(
  'current_time',
  {
    description: 'The current time in UTC (RFC 3339)',
    inputSchema: { type: 'object', additionalProperties: false },
    annotations: { readOnlyHint: true },
  },
  () => new Date().toISOString(),
);

await serve(server);
