/**
 * `mcpforge/server/sse.js`: the HTTP+SSE transport, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/server/sse.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { SSEServerTransport } = require('../../index.js');

module.exports = { SSEServerTransport };
