/**
 * `completable(schema, complete)`: marks a prompt argument's zod schema with a completion
 * callback `(value, context?) => string[] | Promise<string[]>`, as in the official SDK. The
 * schema itself is returned unchanged (its JSON Schema and parsing stay the same); the
 * callback is kept aside and found again through `completerOf`, also under `.optional()`.
 */
'use strict';

const completers = new WeakMap();

/**
 * Marks `schema` as completable with `complete(value, { arguments })`.
 * @template T
 * @param {T} schema a zod schema (or any schema object)
 * @param {(value: string, context?: { arguments?: Record<string, string> }) => string[] | Promise<string[]>} complete
 * @returns {T}
 */
function completable(schema, complete) {
  if (schema === null || typeof schema !== 'object') throw new TypeError('mcpforge: completable() takes a schema object');
  if (typeof complete !== 'function') throw new TypeError('mcpforge: completable() takes a completion function');
  completers.set(schema, complete);
  // Marked as the official SDK marks it, for code that looks for the mark itself.
  if (!Object.prototype.hasOwnProperty.call(schema, COMPLETABLE_SYMBOL) && Object.isExtensible(schema)) {
    Object.defineProperty(schema, COMPLETABLE_SYMBOL, { value: { complete }, enumerable: false });
  }
  return schema;
}

/** The mark `completable()` leaves on a schema, under the official SDK's symbol. */
const COMPLETABLE_SYMBOL = Symbol.for('mcp.completable');

/** The completion callback set on `schema` itself (the official `getCompleter`). */
function getCompleter(schema) {
  return schema !== null && typeof schema === 'object' ? completers.get(schema) : undefined;
}

/** `schema` itself: completable() returns the schema unchanged (the official `unwrapCompletable`). */
function unwrapCompletable(schema) {
  return schema;
}

/** The official SDK's legacy kind name of a completable schema. */
const McpZodTypeKind = Object.freeze({ Completable: 'McpCompletable' });

/** The completion callback of `schema` (or of the schema it wraps, for `.optional()`). */
function completerOf(schema) {
  for (let s = schema, depth = 0; s && typeof s === 'object' && depth < 4; depth++) {
    const found = completers.get(s);
    if (found) return found;
    const def = s._zod?.def ?? s._def;
    s = def && def.innerType;
  }
  return undefined;
}

/** True when `schema` has a completion callback. */
function isCompletable(schema) {
  return completerOf(schema) !== undefined;
}

module.exports = { completable, completerOf, isCompletable, getCompleter, unwrapCompletable, COMPLETABLE_SYMBOL, McpZodTypeKind };
