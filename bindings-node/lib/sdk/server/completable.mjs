/** The ES module form of `mcpforge/server/completable.js`. */
import entry from './completable.js';

export const { completable, COMPLETABLE_SYMBOL, McpZodTypeKind, getCompleter, isCompletable, unwrapCompletable } = entry;
