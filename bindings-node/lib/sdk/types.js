/**
 * `mcpforge/types.js`: every name of the official SDK's `@modelcontextprotocol/sdk/types.js`
 * (replacing that prefix with `mcpforge/` is the migration): mcpforge's own error codes,
 * `McpError`, protocol versions and message predicates (../compat/types.js), and the SDK's
 * other names, its own objects when it is installed (../compat/official-types.js).
 */
'use strict';

const own = require('../compat/types.js');
const official = require('../compat/official-types.js');

module.exports = { ...official, ...own };
