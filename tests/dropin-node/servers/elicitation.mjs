// Elicitation through server.server.elicitInput from inside a tool.
// script: {"tools": [["book_table", {"date": "2025-12-24"}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'elicitation', version: '1.0.0' });

server.registerTool('book_table', { inputSchema: { date: z.string() } }, async ({ date }) => {
  const answer = await server.server.elicitInput({
    message: `No table free on ${date}. Another date?`,
    requestedSchema: {
      type: 'object',
      properties: {
        checkAlternative: { type: 'boolean', title: 'Check another date' },
        alternativeDate: { type: 'string', title: 'Date' },
        seating: { type: 'string', enum: ['indoor', 'outdoor'] },
        guests: { type: 'integer', minimum: 1 },
      },
      required: ['checkAlternative'],
    },
  });
  if (answer.action !== 'accept') return { content: [{ type: 'text', text: 'no booking' }] };
  // Sorted: the answer's keys reach the handler in wire order on the official SDK, sorted on
  // mcpforge ("key order").
  const fields = Object.keys(answer.content).sort().map((k) => `${k}=${answer.content[k]}`);
  return { content: [{ type: 'text', text: `booked: ${fields.join(', ')}` }] };
});

await server.connect(new StdioServerTransport());
