/**
 * `mcpforge/server/express.js`: `createMcpExpressApp`, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/server/express.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { createMcpExpressApp } = require('../../index.js');

module.exports = { createMcpExpressApp };
