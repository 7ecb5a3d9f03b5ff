/** The ES module form of `mcpforge/server/mcp.js`. */
import entry from './mcp.js';

export const { McpServer, ResourceTemplate } = entry;
