/**
 * What runs around or beside the handlers: middleware (`Server.use`), the catalogue hook
 * (`Server.catalogue`), the initialize hook (`Server.onInitialize`) and the error hook
 * (`Server.onError`, the `logger` option).
 */

import type { Context } from './context.js';
import type { AuthInfo } from './http.js';
import type { Awaitable } from './schema.js';

/** What threw an unexpected error. */
export interface ErrorInfo {
  kind: 'tool' | 'resource' | 'resource template' | 'resource list' | 'prompt' | 'completion' | 'middleware' | 'catalogue' | 'initialize hook';
  /** The tool's or prompt's name, the resource's URI or template; undefined for the others. */
  name?: string;
}

/** The error hook: `error` is what was thrown (its stack intact). A returned promise is not awaited. */
export type ErrorHook = (error: unknown, info: ErrorInfo) => void | Promise<void>;

/** Where the stacks of unexpected handler errors go (console, pino, winston...). */
export interface ErrorLogger {
  error(...args: unknown[]): void;
}

/** The kinds of registered items a catalogue hook decides about. */
export type CatalogueKind = 'tools' | 'resources' | 'resource_templates' | 'prompts';

/**
 * Says which registered items of `kind` the request may see: `null`/`undefined` for all, or
 * the names (tools, prompts), URIs (resources) or URI templates (templates).
 */
export type CatalogueHook = (
  context: MiddlewareContext,
  kind: CatalogueKind,
) => Iterable<string> | null | undefined | Promise<Iterable<string> | null | undefined>;

/** One client's `initialize`, as the initialize hook sees it. */
export interface Handshake {
  /** What the client sent: `protocolVersion`, `capabilities`, `clientInfo`, ... */
  params: { protocolVersion?: string; capabilities?: { [key: string]: unknown }; clientInfo?: { [key: string]: unknown }; [key: string]: unknown };
  /** The answer the engine would send: `protocolVersion`, `capabilities`, `serverInfo`, `instructions`. */
  answer: { [key: string]: unknown };
  /** True for an `initialize` sent again on an initialized session. */
  repeated: boolean;
  /** The caller's grant (HTTP bearer authorization), when there is one. */
  authInfo?: AuthInfo;
}

/**
 * Decides the answer to a client's `initialize`: a result object, or `undefined` for the
 * engine's `answer`; throw an `McpError` to refuse the handshake.
 */
export type InitializeHook = (
  handshake: Handshake,
) => { [key: string]: unknown } | undefined | Promise<{ [key: string]: unknown } | undefined>;

/** One request as middleware sees it (see `Server.use`). */
export declare class MiddlewareContext {
  /** The JSON-RPC method (`tools/call`, `tools/list`, ...). */
  readonly method: string;
  /** The tool or prompt name, the resource URI, or the prompt or template of a completion. */
  readonly name: string | undefined;
  /** The request's parameters: what the rest of the chain receives. */
  params: { [key: string]: unknown };
  /** The arguments of a `tools/call` or `prompts/get` (change in place, or assign). */
  arguments: { [key: string]: unknown } | undefined;
  /** The request's `_meta`. */
  readonly _meta: { [key: string]: unknown } | undefined;
  readonly protocolVersion: string;
  /** True on the stateless 2026-07-28 wire. */
  readonly isModern: boolean;
  readonly authInfo: AuthInfo | undefined;
  readonly clientInfo: { name: string; version: string; [key: string]: unknown } | undefined;
  readonly sessionId: string | undefined;
  readonly requestId: string | number;
  /** Aborted when the request is cancelled (by the client, a timeout or shutdown). */
  readonly signal: AbortSignal;
  /** The request's context, as a handler's: log, report progress, ask the client, notify. */
  readonly ctx: Context;
}

/** The method's result object, as on the wire. */
export type MiddlewareResult = { [key: string]: unknown };

/**
 * A middleware: returns `await next()` (possibly changed), a result of its own, or throws
 * `ToolError` / `McpError` to answer without going on.
 */
export type Middleware = (
  context: MiddlewareContext,
  next: (context?: MiddlewareContext) => Promise<MiddlewareResult>,
) => Awaitable<MiddlewareResult>;
