/**
 * Middleware: `server.use(fn)` puts `async (context, next) => ...` around every request the
 * engine routes (`tools/call`, `resources/read`, `prompts/get`, the lists, `ping`, ...; not
 * `initialize`). The first one added is the outermost. The whole chain is one handler the
 * engine calls once per request, and only when a middleware is registered; its innermost
 * `next` hands the request's (possibly changed) parameters back to the engine.
 *
 * A middleware reads the request (`context.method`, `name`, `arguments`, `params`, `_meta`,
 * `protocolVersion`, `authInfo`, `clientInfo`, `sessionId`, `requestId`, `signal`), may change
 * `context.arguments` (the engine validates them against the tool's schema again), and
 * either returns `await next()` (the method's result object; possibly changed) or answers
 * itself: a result object, `throw new ToolError(message)` (a `tools/call` gets an `isError`
 * result) or `throw new McpError(code, message)` (that JSON-RPC error). What `next()` rejects
 * with is an `McpError` carrying the request's JSON-RPC error.
 *
 * `context.ctx` is the request's `Context`, as a handler's second argument: a middleware that
 * answers a request itself logs, reports progress, asks the client (on legacy sessions: on
 * 2026-07-28 an ask from middleware is an error) and sends notifications with it
 * (`sendNotification`, `sendRequest`); nothing it sends follows the response.
 */
'use strict';

const { ErrorCode, McpError, ToolError, InputRequiredError, isMcpError } = require('./errors');
const { ErrorPolicy, source } = require('./error-policy');
const { isStateless } = require('./versions');

const WITH_ARGUMENTS = new Set(['tools/call', 'prompts/get']);

/**
 * One request as middleware sees it, made from the engine's JSON form of the request
 * (`id`, `method`, `name`, `params`, `protocolVersion`, `authInfo`, `clientInfo`,
 * `sessionId`; docs/architecture.md, Middleware), which every language reads.
 */
class MiddlewareContext {
  constructor(request, ctx) {
    /** The request's `Context` (log, progress, client input, notifications), if any. */
    this.ctx = ctx;
    /** Aborted when the request is cancelled (by the client, a timeout or shutdown). */
    this.signal = ctx?.signal;
    /** The JSON-RPC method. */
    this.method = request.method;
    /** The tool or prompt name, the resource URI, or the prompt or template of a completion. */
    this.name = request.name ?? undefined;
    /** The request's parameters: what the rest of the chain receives. */
    this.params = request.params ?? {};
    /** The protocol version the request is served in. */
    this.protocolVersion = request.protocolVersion;
    /** What the caller's bearer token grants (HTTP with a token verifier). */
    this.authInfo = request.authInfo ?? undefined;
    /** The client's `Implementation` (`name`, `version`, ...). */
    this.clientInfo = request.clientInfo ?? undefined;
    /** The legacy session's id; undefined on stdio and on the 2026-07-28 wire. */
    this.sessionId = request.sessionId ?? undefined;
    /** The request id, as the client sent it. */
    this.requestId = request.id;
  }

  /** The arguments of a `tools/call` or `prompts/get` (an object to change in place). */
  get arguments() {
    if (!WITH_ARGUMENTS.has(this.method)) return undefined;
    const args = this.params.arguments;
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      this.params.arguments = {};
    }
    return this.params.arguments;
  }

  set arguments(value) {
    if (!WITH_ARGUMENTS.has(this.method)) throw new TypeError(`mcpforge: ${this.method} has no arguments`);
    this.params.arguments = value;
  }

  /** The request's `_meta` (progress token, trace context, ...). */
  get _meta() {
    const meta = this.params._meta;
    return meta !== null && typeof meta === 'object' ? meta : undefined;
  }

  /** True on the stateless 2026-07-28 wire. */
  get isModern() {
    return isStateless(this.protocolVersion);
  }
}

/**
 * The handler-table entry running `middlewares` (outermost first) for one request, as
 * `run(payload, ctx, call, done)` (lib/dispatch.js). `errors` logs unexpected throws.
 */
function chainHandler(middlewares, errors) {
  const chain = [...middlewares];
  return (payload, ctx, call, done) => {
    const context = new MiddlewareContext(JSON.parse(payload), ctx);
    const engine = async (c) => {
      const answer = JSON.parse(await call.next(JSON.stringify(c.params)));
      if (answer.error) throw new McpError(answer.error.code, answer.error.message, answer.error.data);
      return answer.result;
    };
    const link = (i) => {
      if (i === chain.length) return engine;
      const rest = link(i + 1);
      return (c = context) => chain[i](c, (next = c) => rest(next));
    };
    Promise.resolve()
      .then(() => link(0)(context))
      .then(
        (result) => {
          if (result === null || typeof result !== 'object') {
            throw new TypeError(`a middleware resolved to ${result === null ? 'null' : typeof result}; return what next() resolved to`);
          }
          call.respond('result', JSON.stringify(result));
        },
      )
      .catch((e) => answerFailure(call, e, errors))
      .finally(done);
  };
}

/** Answers `call` for a chain that threw `e`. */
function answerFailure(call, e, errors) {
  if (e instanceof ToolError) {
    call.toolError(e.message, e.data === undefined ? undefined : JSON.stringify(e.data));
  } else if (isMcpError(e)) {
    call.protocolError(e.code, e.message, e.data === undefined ? undefined : JSON.stringify(e.data));
  } else if (e instanceof InputRequiredError) {
    call.protocolError(ErrorCode.InternalError, 'a middleware cannot ask the client for input');
  } else {
    if (ErrorPolicy.unexpected(e)) errors.report(e, source('middleware'));
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    call.toolError(errors.visible(text));
  }
}

module.exports = { MiddlewareContext, chainHandler };
