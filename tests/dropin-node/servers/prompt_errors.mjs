// Prompt and resource failures: McpError thrown, bad arguments, a missing prompt.
// script: {"prompts": [["strict", {"count": "not a number"}], ["strict", {"count": "5"}], ["guarded", {}], ["absent", {}]], "resources": ["guarded://x"]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const server = new McpServer({ name: 'prompt-errors', version: '1.0.0' });

server.registerPrompt('strict', { argsSchema: { count: z.string().regex(/^\d+$/) } }, ({ count }) => ({
  messages: [{ role: 'user', content: { type: 'text', text: `count ${count}` } }],
}));

server.registerPrompt('guarded', {}, () => {
  throw new McpError(ErrorCode.InvalidRequest, 'this prompt is guarded');
});

server.registerResource('guarded', 'guarded://x', {}, () => {
  throw new McpError(ErrorCode.InvalidParams, 'no access to guarded://x');
});

await server.connect(new StdioServerTransport());
