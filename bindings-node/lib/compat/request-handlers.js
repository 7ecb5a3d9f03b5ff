/**
 * `server.server.setRequestHandler(schema, handler)`, the official SDK's low-level escape
 * hatch, over the engine: the handlers live in one table, and one middleware (added to the
 * engine the first time a handler is set) answers the requests whose method has a handler,
 * before the engine's own method logic, passing the others on. So a server that lists its
 * tools or serves a method of its own through low-level handlers, beside what it registers on
 * `McpServer`, moves over as it is. `initialize` stays the engine's (the handshake).
 */
'use strict';

const { ErrorCode, McpError } = require('../errors');

/** The method name a request schema stands for (zod 3 or 4: `shape.method` is a literal). */
function methodOf(schema) {
  const literal = schema && schema.shape && schema.shape.method;
  const method = literal && (literal.value ?? (literal._def && literal._def.value));
  if (typeof method !== 'string') {
    throw new TypeError('mcpforge: setRequestHandler takes a request schema whose `method` is a literal (e.g. ListToolsRequestSchema)');
  }
  return method;
}

/** The SDK's `extra` argument of a request handler, from a middleware context. */
function extraOf(context) {
  return {
    signal: context.signal,
    sessionId: context.sessionId,
    authInfo: context.authInfo,
    requestId: context.requestId,
    _meta: context._meta,
  };
}

class RequestHandlers {
  #engine;
  #handlers = new Map();
  #installed = false;

  /** @param {object} engine the mcpforge `Server` the handlers answer for */
  constructor(engine) {
    this.#engine = engine;
  }

  /** Sets (or replaces) the handler of `schema`'s method. */
  set(schema, handler) {
    const method = methodOf(schema);
    if (method === 'initialize') throw new Error('mcpforge: the engine answers initialize itself (the handshake)');
    if (typeof handler !== 'function') throw new TypeError(`mcpforge: the handler of ${method} must be a function`);
    this.#handlers.set(method, { schema, handler });
    if (!this.#installed) {
      this.#installed = true;
      this.#engine.use((context, next) => this.#answer(context, next));
    }
  }

  /** Removes the handler of `method`; the engine answers it again. */
  remove(method) {
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
    const result = await entry.handler(request, extraOf(context));
    return result === undefined || result === null ? {} : result;
  }
}

module.exports = { RequestHandlers, methodOf };
