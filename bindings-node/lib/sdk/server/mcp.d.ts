/** Types of `mcpforge/server/mcp.js`. */
export { McpServer, ResourceTemplate } from '../../index.js';
