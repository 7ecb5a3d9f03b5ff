/** Types of `mcpforge/v2/server.js`: the same API as the 1.x `McpServer`, listed and refused as SDK 2.x does. */
export { McpServer, ResourceTemplate } from '../../index.js';
