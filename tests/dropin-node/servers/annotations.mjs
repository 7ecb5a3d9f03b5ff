// Tool titles, annotations, icons and _meta as listed.
// script: {"tools": [["delete_file", {"path": "/tmp/x"}], ["search", {"query": "mcp"}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'annotations', version: '1.0.0' });

server.registerTool(
  'delete_file',
  {
    title: 'Delete a file',
    description: 'Deletes a file (pretend)',
    inputSchema: { path: z.string() },
    annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    _meta: { 'example.com/owner': 'files' },
  },
  async ({ path }) => ({ content: [{ type: 'text', text: `deleted ${path}` }] }),
);

server.registerTool(
  'search',
  { title: 'Search', inputSchema: { query: z.string() }, annotations: { readOnlyHint: true, title: 'Web search' } },
  async ({ query }) => ({ content: [{ type: 'text', text: `results for ${query}` }] }),
);

await server.connect(new StdioServerTransport());
