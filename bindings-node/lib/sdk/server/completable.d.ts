/** Types of `mcpforge/server/completable.js`. */
export { completable } from '../../index.js';
import type { CompleteCallback } from '../../types/compat.js';

/** The symbol under which `completable()` marks a schema, as the official SDK does. */
export declare const COMPLETABLE_SYMBOL: unique symbol;
/** The official SDK's legacy kind name of a completable schema. */
export declare const McpZodTypeKind: { readonly Completable: 'McpCompletable' };
/** True when `completable()` marked `schema` (or the schema it wraps, for `.optional()`). */
export declare function isCompletable(schema: unknown): boolean;
/** The completion callback `completable()` set on `schema` itself, if any. */
export declare function getCompleter(schema: unknown): CompleteCallback | undefined;
/** `schema` itself (`completable()` returns the schema unchanged). */
export declare function unwrapCompletable<T>(schema: T): T;
