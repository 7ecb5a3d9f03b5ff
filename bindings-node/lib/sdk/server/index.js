/**
 * `mcpforge/server/index.js`: the low-level `Server` (request handlers over the engine), under the path of the official SDK's
 * `@modelcontextprotocol/sdk/server/index.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { Server } = require('../../compat/low-level-server.js');

module.exports = { Server };
