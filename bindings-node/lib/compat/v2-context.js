/**
 * The handler context of the official TypeScript SDK 2.x (`@modelcontextprotocol/server`)
 * on mcpforge's `Context`: a 2.x handler receives `ctx` and reaches the request through
 * `ctx.mcpReq` (`id`, `_meta`, `signal`, `log`, `notify`, `send`, `elicitInput`,
 * `requestSampling`, `inputResponses`, `requestState()`) and the HTTP request through
 * `ctx.http` (`authInfo`, `headers`), where a 1.x handler's `extra` has the same things
 * flat (`extra.requestId`, `extra.sendNotification`, ...), as mcpforge's `Context` does. The
 * two views are getters over the same context, so one `McpServer` serves handlers written
 * for either release. Installed once, on `Context.prototype`, when this module is loaded.
 * A low-level request handler (`server.setRequestHandler`) runs as engine middleware, whose
 * context knows what the request is but cannot send: `middlewareView` is its 2.x view.
 */
'use strict';

const { Context } = require('../context');

/** The `ctx.mcpReq` of one context, made once and kept with it. */
const views = new WeakMap();

/** The 2.x `ctx.mcpReq` view of `ctx`. */
function mcpReq(ctx) {
  return {
    id: ctx.requestId,
    _meta: ctx.meta,
    signal: ctx.signal,
    inputResponses: ctx.inputResponses,
    requestState: () => ctx.requestState,
    ...sends(ctx),
  };
}

Object.defineProperties(Context.prototype, {
  /** The 2.x SDK's `ctx.mcpReq`: what the request is, and what it may send. */
  mcpReq: {
    configurable: true,
    get() {
      let view = views.get(this);
      if (view === undefined) {
        view = mcpReq(this);
        views.set(this, view);
      }
      return view;
    },
  },
  /** The 2.x SDK's `ctx.http`: the caller's `authInfo` and the HTTP headers; undefined off HTTP. */
  http: {
    configurable: true,
    get() {
      const info = this.requestInfo;
      const authInfo = this.authInfo;
      if (info === undefined && authInfo === undefined) return undefined;
      return { authInfo, headers: info?.headers };
    },
  },
});

/**
 * What a 2.x `ctx.mcpReq` sends and asks on its request, read from `ctx` only when called
 * (the handler may never use them).
 */
function sends(ctx) {
  return {
    log: async (level, data, logger) => ctx.log(level, data, logger),
    notify: (notification) => ctx.sendNotification(notification),
    send: (request, schema, options) => ctx.sendRequest(request, schema, options),
    elicitInput: (params) => ctx.elicit(params),
    requestSampling: (params) => ctx.sample(params),
  };
}

/**
 * The 2.x `ctx.mcpReq` and `ctx.http` of a low-level handler, from its middleware context:
 * what the request is (`id`, `method`, `_meta`, `signal`), the caller's `authInfo`, and, with
 * the request's `Context` (`context.ctx`), what it sends and asks on this request.
 */
function middlewareView(context) {
  const { authInfo, ctx } = context;
  const request = { id: context.requestId, method: context.method, _meta: context._meta, signal: context.signal };
  return {
    mcpReq: ctx ? { ...request, ...sends(ctx) } : request,
    http: authInfo === undefined ? undefined : { authInfo },
  };
}

module.exports = { mcpReq, middlewareView };
