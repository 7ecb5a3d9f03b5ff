// What a handler's extra argument carries over stdio: request id, signal, _meta, session, request info and auth.
// script: {"tools": [["inspect", {}], ["inspect_args", {"x": 1}]], "resources": ["extra://info"], "prompts": [["extra", {}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'extra-fields', version: '1.0.0' });

const describe = (extra) =>
  JSON.stringify({
    requestId: typeof extra.requestId,
    aborted: extra.signal.aborted,
    hasSignal: extra.signal instanceof AbortSignal,
    progressToken: typeof extra._meta?.progressToken,
    sessionId: extra.sessionId ?? null,
    requestInfo: extra.requestInfo ?? null,
    authInfo: extra.authInfo ?? null,
    sendNotification: typeof extra.sendNotification,
    sendRequest: typeof extra.sendRequest,
  });

server.registerTool('inspect', {}, async (extra) => ({ content: [{ type: 'text', text: describe(extra) }] }));
server.registerTool('inspect_args', { inputSchema: { x: z.number() } }, async ({ x }, extra) => ({
  content: [{ type: 'text', text: `${x} ${describe(extra)}` }],
}));
server.registerResource('info', 'extra://info', {}, (uri, extra) => ({ contents: [{ uri: uri.href, text: describe(extra) }] }));
server.registerPrompt('extra', {}, (extra) => ({ messages: [{ role: 'user', content: { type: 'text', text: describe(extra) } }] }));

await server.connect(new StdioServerTransport());
