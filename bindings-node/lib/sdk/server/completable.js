/**
 * `mcpforge/server/completable.js`: `completable()` for prompt arguments, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/server/completable.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { completable } = require('../../index.js');
const { COMPLETABLE_SYMBOL, McpZodTypeKind, getCompleter, isCompletable, unwrapCompletable } = require('../../compat/completable.js');

module.exports = { completable, COMPLETABLE_SYMBOL, McpZodTypeKind, getCompleter, isCompletable, unwrapCompletable };
