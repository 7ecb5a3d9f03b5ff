/**
 * `mcpforge/client/stdio.js`: the stdio client transport on the mcpforge engine, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/client/stdio.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { StdioClientTransport } = require('../../index.js');

module.exports = { StdioClientTransport };
