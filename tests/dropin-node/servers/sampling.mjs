// Sampling through server.server.createMessage from inside a tool.
// script: {"tools": [["summarize", {"text": "A long text about the protocol."}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'sampling', version: '1.0.0' });

server.registerTool('summarize', { inputSchema: { text: z.string() } }, async ({ text }) => {
  const response = await server.server.createMessage({
    messages: [{ role: 'user', content: { type: 'text', text: `Summarize: ${text}` } }],
    maxTokens: 100,
    systemPrompt: 'Be brief.',
  });
  const summary = response.content.type === 'text' ? response.content.text : 'no text';
  return { content: [{ type: 'text', text: `${summary} (${response.model}, ${response.stopReason})` }] };
});

await server.connect(new StdioServerTransport());
