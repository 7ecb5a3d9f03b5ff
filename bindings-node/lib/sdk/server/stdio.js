/**
 * `mcpforge/server/stdio.js`: the stdio transport, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/server/stdio.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { StdioServerTransport } = require('../../index.js');

module.exports = { StdioServerTransport };
