/**
 * `mcpforge/server/mcp.js`: the high-level server (`McpServer`, `ResourceTemplate`), under the path of the official SDK's
 * `@modelcontextprotocol/sdk/server/mcp.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { McpServer, ResourceTemplate } = require('../../index.js');

module.exports = { McpServer, ResourceTemplate };
