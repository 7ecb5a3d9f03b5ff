// Tools with output schemas returning structuredContent next to the text.
// script: {"tools": [["weather", {"city": "Paris"}], ["stats", {"values": [1, 2, 3, 4]}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'structured', version: '1.0.0' });

server.registerTool(
  'weather',
  {
    description: 'Weather of a city',
    inputSchema: { city: z.string() },
    outputSchema: { city: z.string(), temperature: z.number(), conditions: z.enum(['sunny', 'cloudy', 'rainy']) },
  },
  async ({ city }) => {
    const output = { city, temperature: 21.5, conditions: 'sunny' };
    return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
  },
);

server.registerTool(
  'stats',
  {
    description: 'Statistics of numbers',
    inputSchema: z.object({ values: z.array(z.number()) }),
    outputSchema: z.object({ count: z.number(), mean: z.number() }),
  },
  ({ values }) => {
    const output = { count: values.length, mean: values.reduce((s, v) => s + v, 0) / values.length };
    return { content: [{ type: 'text', text: `mean ${output.mean}` }], structuredContent: output };
  },
);

await server.connect(new StdioServerTransport());
