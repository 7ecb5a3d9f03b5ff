/**
 * `mcpforge/client/streamableHttp.js`: the Streamable HTTP client transport on the mcpforge engine, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/client/streamableHttp.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { StreamableHTTPClientTransport } = require('../../index.js');

module.exports = { StreamableHTTPClientTransport };
