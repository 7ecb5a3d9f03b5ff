/**
 * `mcpforge/server/streamableHttp.js`: the Streamable HTTP transport for Node, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/server/streamableHttp.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { StreamableHTTPServerTransport } = require('../../index.js');

module.exports = { StreamableHTTPServerTransport };
