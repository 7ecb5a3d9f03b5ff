/**
 * `mcpforge/client/index.js`: the `Client` on the mcpforge engine, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/client/index.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { Client } = require('../../index.js');

module.exports = { Client };
