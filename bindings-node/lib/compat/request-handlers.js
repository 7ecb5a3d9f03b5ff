/**
 * `server.server.setRequestHandler(schema, handler)`, the official SDK's low-level escape
 * hatch, over the engine: the handlers live in one table, and one middleware (added to the
 * engine the first time a handler is set) answers the requests whose method has a handler,
 * before the engine's own method logic, passing the others on. So a server that lists its
 * tools or serves a method of its own through low-level handlers, beside what it registers on
 * `McpServer`, moves over as it is. A handler for `initialize` becomes the engine's initialize
 * hook (core/src/initialize_hook.rs): it answers the handshake on every transport, and the
 * engine serves the session at the version it answered. Once
 * subscriptions are declared (`registerCapabilities`), a subscription the application's
 * handler accepted is recorded by the engine too (its answer stays the application's), so
 * `sendResourceUpdated` reaches the subscriber, as the official server's does.
 */
'use strict';

const { ErrorCode, McpError, isMcpError } = require('../errors');
const { middlewareView } = require('./v2-context');
const { methodOf } = require('../method-of');

/** The methods whose accepted requests the engine records once subscriptions are declared. */
const SUBSCRIPTION_METHODS = new Set(['resources/subscribe', 'resources/unsubscribe']);

/**
 * The SDK's `extra` argument of a request handler (1.x, and 2.x's `ctx` view), from a
 * middleware context: the request's `Context` gives `sendNotification` (progress and log
 * messages go with this request) and `sendRequest` (elicitation, sampling, roots asked of this
 * request's client).
 */
function extraOf(context) {
  const ctx = context.ctx;
  return {
    ...middlewareView(context),
    signal: ctx ? abortsWithReason(ctx) : context.signal,
    sendNotification: ctx?.sendNotification,
    sendRequest: ctx?.sendRequest,
    sessionId: context.sessionId,
    authInfo: context.authInfo,
    requestId: context.requestId,
    _meta: context._meta,
  };
}

/**
 * A signal that aborts when `ctx`'s does, with the reason the client gave (the SDK's
 * `extra.signal.reason`), or the context's `AbortError` without one.
 */
function abortsWithReason(ctx) {
  const controller = new AbortController();
  const abort = () => controller.abort(ctx.cancelReason ?? ctx.signal.reason);
  if (ctx.signal.aborted) abort();
  else ctx.signal.addEventListener('abort', abort, { once: true });
  return controller.signal;
}

/**
 * What a handler's throw answers, as the SDK's protocol layer answers it: an `McpError` as
 * it is, any other error that JSON-RPC error with its message and its integer `code`, or
 * -32603 (internal error) without one. Thrown, never an `isError` tool result.
 */
function asJsonRpcError(error) {
  if (isMcpError(error)) throw error;
  const code = Number.isSafeInteger(error?.code) ? error.code : ErrorCode.InternalError;
  throw new McpError(code, error?.message ?? 'Internal error');
}

/**
 * The application's answer to the handshake `handshake` (the engine's initialize hook): its
 * `initialize` handler called as the SDK calls it; what it throws is answered as the SDK's
 * protocol layer answers it.
 */
async function answerInitialize(schema, handler, handshake) {
  let request = { method: 'initialize', params: handshake.params };
  if (typeof schema.safeParse === 'function') {
    const parsed = schema.safeParse(request);
    if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `Invalid params: ${parsed.error.message}`);
    request = parsed.data;
  }
  const extra = { signal: new AbortController().signal, authInfo: handshake.authInfo, _meta: handshake.params?._meta };
  try {
    return await handler(request, extra);
  } catch (error) {
    return asJsonRpcError(error);
  }
}

class RequestHandlers {
  #engine;
  #handlers = new Map();
  #installed = false;
  #recordSubscriptions = false;

  /** @param {object} engine the mcpforge `Server` the handlers answer for */
  constructor(engine) {
    this.#engine = engine;
  }

  /**
   * Sets (or replaces) the handler of `schema`'s method. One for `initialize` answers the
   * handshake (the engine's initialize hook), with the SDK's arguments: the request parsed
   * by `schema`, and an `extra` with `signal`, `authInfo` and `_meta`.
   */
  set(schema, handler) {
    const method = methodOf(schema);
    if (typeof handler !== 'function') throw new TypeError(`mcpforge: the handler of ${method} must be a function`);
    if (method === 'initialize') {
      this.#engine.onInitialize((handshake) => answerInitialize(schema, handler, handshake));
      return;
    }
    this.#handlers.set(method, { schema, handler });
    if (!this.#installed) {
      this.#installed = true;
      this.#engine.use((context, next) => this.#answer(context, next));
    }
  }

  /** Has the engine record the subscriptions the application's handlers accept from now on. */
  recordSubscriptions() {
    this.#recordSubscriptions = true;
  }

  /** Removes the handler of `method`; the engine answers it again. */
  remove(method) {
    if (method === 'initialize') this.#engine.onInitialize(null);
    this.#handlers.delete(method);
  }

  /** Throws when `method` already has a handler (the SDK's `assertCanSetRequestHandler`). */
  assertCanSet(method) {
    if (this.#handlers.has(method)) {
      throw new Error(`A request handler for ${method} already exists, which would be overridden`);
    }
  }

  async #answer(context, next) {
    const entry = this.#handlers.get(context.method);
    if (!entry) return next();
    let request = { method: context.method, params: context.params };
    if (typeof entry.schema.safeParse === 'function') {
      const parsed = entry.schema.safeParse(request);
      if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `Invalid params: ${parsed.error.message}`);
      request = parsed.data;
    }
    let result;
    try {
      result = await entry.handler(request, extraOf(context));
    } catch (error) {
      asJsonRpcError(error);
    }
    // The engine's bounds on what a session keeps still apply: a refusal of its own fails the request.
    if (this.#recordSubscriptions && SUBSCRIPTION_METHODS.has(context.method)) await next();
    return result === undefined || result === null ? {} : result;
  }
}

module.exports = { RequestHandlers, methodOf };
