/**
 * The serving entry points of the official TypeScript SDK 2.x (`@modelcontextprotocol/server`
 * and `@modelcontextprotocol/node`), over the engine: `createMcpHandler(factory)` (a handler
 * with `fetch` and `close`), `toNodeHandler(handler)` for `node:http` and Node frameworks,
 * `serveStdio(factory)`, and the `localhostHostValidation()` / `localhostOriginValidation()`
 * guards. The SDK calls its factory for every request; the engine keeps sessions and state
 * itself, so here the factory is called once and that one server serves every request.
 */
'use strict';

const mount = require('../mount');
const { engineOptions } = require('./sdk-options');
const { StdioServerTransport } = require('./stdio');
const { LOOPBACK, namesOf, hostAllowed, originAllowed } = require('./host-names');

/** The mcpforge `Server` behind what a factory returned (an `McpServer` or a `Server`). */
function engineOf(server, what) {
  const engine = server && (server.engine ?? server);
  if (!engine || typeof engine[mount.MOUNT] !== 'function') {
    throw new TypeError(`mcpforge: the ${what} factory must return an McpServer or Server of this package`);
  }
  return engine;
}

const NODE = Symbol('mcpforge.nodeHandler');

/** The engine's path of a handler given none (the engine's default mount path). */
const ENGINE_PATH = '/mcp';

/**
 * A handler serving the server `factory()` builds (called once, with an empty request
 * context): `handler.fetch(request, { clientAddress }?)` answers a web `Request` (the
 * client's address as for `fetchHandler`), `handler.close()` stops the
 * server. `options` are mcpforge's mount options (`path`, `allowedHosts`, `auth`, ...);
 * the SDK's `responseMode` and `legacy` are accepted and left to the engine (its table of the
 * SDK's names, ./sdk-options.js), which picks JSON or SSE per answer and serves every
 * protocol version.
 */
function createMcpHandler(factory, options = {}) {
  if (typeof factory !== 'function') throw new TypeError('mcpforge: createMcpHandler(factory) takes a function returning a server');
  const mountOptions = engineOptions('typescript-handler', options);
  const engine = engineOf(factory({}), 'createMcpHandler');
  const app = engine[mount.MOUNT](mountOptions);
  // As the SDK's, the handler serves whatever path the application routes to it (a router
  // mounted at `/mcp` hands it `/`): every request goes to the engine at its mount path.
  const path = mountOptions.path ?? ENGINE_PATH;
  const search = (url) => {
    const at = url.indexOf('?');
    return at === -1 ? '' : url.slice(at);
  };
  return {
    fetch: (request, options) => mount.serveFetch(app, request, { target: path + search(request.url) }, undefined, options?.clientAddress),
    close: () => engine.close(),
    [NODE]: (req, res, parsedBody) => mount.serveNode(app, req, res, parsedBody, { target: path + search(req.url ?? '') }),
  };
}

/** The Node handler `(req, res, parsedBody?)` of a handler made by `createMcpHandler`. */
function toNodeHandler(handler) {
  const node = handler && handler[NODE];
  if (!node) throw new TypeError('mcpforge: toNodeHandler takes a handler made by createMcpHandler');
  return node;
}

/**
 * Serves the server `factory()` builds over stdio, as the SDK 2.x `serveStdio` does: on
 * `options.transport` when given (a `StdioServerTransport` of this package), else on the
 * process's stdin and stdout. Returns at once the SDK's handle, `{ close() }`; a failure to
 * start goes to `options.onerror` (else it is thrown by `close()`). The SDK's `legacy` and
 * `maxSubscriptions` are accepted; the engine serves every protocol version.
 */
function serveStdio(factory, options = {}) {
  if (typeof factory !== 'function') throw new TypeError('mcpforge: serveStdio(factory) takes a function returning a server');
  const server = factory({});
  engineOf(server, 'serveStdio');
  const serving = server.connect(options.transport ?? new StdioServerTransport());
  const failed = serving.then(
    () => undefined,
    (error) => {
      if (typeof options.onerror !== 'function') return error;
      options.onerror(error);
      return undefined;
    },
  );
  return {
    async close() {
      const error = await failed;
      if (error !== undefined) throw error;
      await server.close();
    },
  };
}

/** Answers 403 with a JSON-RPC error; false (the request was refused). */
function forbid(res, message) {
  mount.jsonRpcError(res, 403, message);
  return false;
}

/**
 * A guard `(req, res) => boolean` that refuses (403) a request whose `Host` is missing or
 * not among `allowed` (default: the loopback names), the DNS-rebinding protection of a server
 * bound to localhost. Ports are ignored.
 */
function localhostHostValidation(allowed = LOOPBACK) {
  const names = namesOf(allowed);
  return (req, res) => {
    const host = req.headers.host;
    return hostAllowed(host, names) ? true : forbid(res, `Invalid Host header: ${host ?? '(none)'}`);
  };
}

/**
 * A guard `(req, res) => boolean` that refuses (403) a request whose `Origin`, when present,
 * is not an `http` or `https` origin on one of `allowed` (default: the loopback names; ports
 * are ignored). Browsers send it; other clients need not. `Origin: null` is refused.
 */
function localhostOriginValidation(allowed = LOOPBACK) {
  const names = namesOf(allowed);
  return (req, res) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return originAllowed(origin, names) ? true : forbid(res, `Invalid Origin header: ${origin}`);
  };
}

module.exports = { createMcpHandler, toNodeHandler, serveStdio, localhostHostValidation, localhostOriginValidation };
