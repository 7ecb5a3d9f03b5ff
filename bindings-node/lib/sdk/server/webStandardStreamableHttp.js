/**
 * `mcpforge/server/webStandardStreamableHttp.js`: the Streamable HTTP transport for web-standard runtimes, under the
 * path of the official SDK's `@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js` (replacing that prefix
 * with `mcpforge/` is the migration).
 */
'use strict';

const { WebStandardStreamableHTTPServerTransport } = require('../../index.js');

module.exports = { WebStandardStreamableHTTPServerTransport };
