/** The ES module form of `mcpforge/v2/server.js`. */
import entry from './server.js';

export const { McpServer, ResourceTemplate } = entry;
