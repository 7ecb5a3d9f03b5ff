/**
 * An MCP Apps server written as the official MCP Apps library's documentation writes one:
 * `registerAppResource` and `registerAppTool` from `@modelcontextprotocol/ext-apps/server`
 * on an `McpServer`, here mcpforge's drop-in one, over stdio (ext-apps.test.mjs drives it).
 */
import { McpServer } from 'mcpforge/server/mcp.js';
import { StdioServerTransport } from 'mcpforge/server/stdio.js';
import { registerAppResource, registerAppTool, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';

const URI = 'ui://clock/app.html';
const HTML = '<!doctype html><html><body><p id="time">--:--</p></body></html>';

const server = new McpServer({ name: 'ext-apps-clock', version: '1.0.0' });
registerAppResource(server, 'Clock', URI, { description: 'Shows the time' }, async () => ({
  contents: [{ uri: URI, mimeType: RESOURCE_MIME_TYPE, text: HTML, _meta: { ui: { csp: { connectDomains: [] }, prefersBorder: true } } }],
}));
registerAppTool(
  server,
  'get_time',
  { title: 'Get time', description: 'The current time, shown in the clock app', inputSchema: {}, _meta: { ui: { resourceUri: URI } } },
  async () => ({ content: [{ type: 'text', text: new Date().toISOString() }] }),
);
registerAppTool(
  server,
  'tick',
  { description: 'Called by the clock app only', inputSchema: {}, _meta: { ui: { resourceUri: URI, visibility: ['app'] } } },
  async () => ({ content: [{ type: 'text', text: 'tick' }] }),
);
await server.connect(new StdioServerTransport());
