/**
 * `mcpServer.server`: the part of the official SDK's low-level `Server` that applications on
 * the high-level API touch, over the engine. Client input (`elicitInput`, `createMessage`,
 * `listRoots`), log messages and what the client declared belong to the request being
 * served: inside a handler they use its context (found through the handler scope every
 * `McpServer` handler runs in, ./handler-scope.js), so they work on both wires.
 * List-changed and resource-updated notifications, and log messages, go to every client of
 * the server, as the official `Server` sends them: with no request they belong to.
 */
'use strict';

const notifications = require('../notifications');
const { RequestHandlers, methodOf } = require('./request-handlers');
const { SessionPeer } = require('./session-peer');
const { runNotified } = require('./client-notifications');
const { elicitationProblems } = require('./elicitation-check');
const { assertClientSupports, asSdkReadsThem, assertToolResultsMatch } = require('./client-support');
const { asProtocolError } = require('./failures');
const { ErrorCode, McpError } = require('../errors');
const { EXTENSION, SUBSCRIPTIONS, LIST_CHANGES, SOLE_CALL } = require('../server');
const { scopeContext, followCallbacks } = require('./handler-scope');
const { isSchemaObject } = require('../schema');
const { isStateless } = require('../versions');
const { ExperimentalServerTasks } = require('./tasks');

/**
 * The current handler's context while its request is in progress, else undefined (outside
 * handlers, and in work a handler left behind, such as a timer, which inherits its scope
 * after it answered).
 */
function currentContext() {
  const ctx = scopeContext();
  return ctx && !ctx.finished ? ctx : undefined;
}

/**
 * The request `what` asks the client of: the current handler's, else (code the handler scope
 * does not follow, such as a timer's callback; see ./handler-scope.js) the one call of
 * `engine` in flight. The handlers that start from then on are followed through such
 * callbacks too.
 */
function requireContext(what, engine) {
  let ctx = currentContext();
  if (!ctx) {
    followCallbacks();
    ctx = engine[SOLE_CALL]();
  }
  if (!ctx) {
    throw new Error(`mcpforge: ${what} asks the client of a request: call it from inside a tool, resource or prompt handler`);
  }
  return ctx;
}

/** The hook `McpServer` ties its low-level server to itself with. */
const BIND = Symbol('mcpforge.protocolServer.bind');
/** Whether the application wants to see the client's notifications (see the method). */
const WANTS_MESSAGES = Symbol('mcpforge.protocolServer.wantsMessages');
/** The `SessionPeer` of a connection whose messages pass through JavaScript (see the method). */
const SESSION_PEER = Symbol('mcpforge.protocolServer.sessionPeer');
/** The client sent a notification on a transport the engine reads (see the method). */
const CLIENT_NOTIFIED = Symbol('mcpforge.protocolServer.clientNotified');

/**
 * The client answered a server->client request with a JSON-RPC error: the SDK rejects with
 * an `McpError` carrying the client's code, message and data; other failures pass as they are.
 */
function clientRefusal(error) {
  const r = error?.refusal;
  if (r && Number.isInteger(r.code)) throw new McpError(r.code, r.message, r.data === null ? undefined : r.data);
  throw error;
}

class ProtocolServer {
  #owner;
  #engine;
  #logging;
  #requestHandlers;
  #flush;
  #client;
  #peer;
  #notificationHandlers = new Map();

  /**
   * Made by `McpServer` (which then calls `[BIND]`), or by the low-level `Server`
   * (./low-level-server.js), which makes its `McpServer` around it.
   */
  constructor() {
    /** The SDK's experimental API: `tasks` (client requests as response streams; ./tasks.js). */
    this.experimental = { tasks: new ExperimentalServerTasks(this) };
    /** Called when the server's connection closes. */
    this.onclose = undefined;
    /** Called with errors the application should hear about. */
    this.onerror = undefined;
    /** Called once the client sent `notifications/initialized`. */
    this.oninitialized = undefined;
  }

  /**
   * @internal Ties this server to what it acts through, once.
   * @param {object} owner the `McpServer` (for `connect`/`close`/`transport`)
   * @param {object} engine its mcpforge `Server`
   * @param {boolean} logging whether the `logging` capability was declared (log messages are
   *   sent only then, as in the official SDK)
   * @param {{ flush: () => void, client: () => object | undefined }} linked `flush()` sends
   *   at once what the engine queued for a transport of another package (after each
   *   notification sent from here); `client()` is the `initialize` params of that
   *   transport's client, if any; `peer()` the `SessionPeer` of the connection when its
   *   messages pass through JavaScript (./session-peer.js)
   */
  [BIND](owner, engine, logging, { flush, client, peer }) {
    if (this.#owner) throw new Error('mcpforge: this server already belongs to an McpServer');
    this.#owner = owner;
    this.#flush = flush;
    this.#client = client;
    this.#peer = peer;
    this.#engine = engine;
    this.#logging = logging;
    this.#requestHandlers = new RequestHandlers(engine);
  }

  /**
   * True when the application wants to see what the client notifies (a notification
   * handler, `oninitialized`): a transport whose messages the engine reads itself then
   * passes them through JavaScript (./stdio.js).
   */
  [WANTS_MESSAGES]() {
    return this.#notificationHandlers.size > 0 || typeof this.oninitialized === 'function';
  }

  /** The `SessionPeer` of a connection whose messages pass through JavaScript, writing with `send`. */
  [SESSION_PEER](send) {
    return new SessionPeer(send, this.#notificationHandlers, () => this.oninitialized, (e) => this.#reportError(e));
  }

  /**
   * Runs what the application set for a client notification (its notification handler,
   * `oninitialized`) on a transport whose messages the engine reads (the Streamable HTTP
   * transports), failures going to `onerror` (./client-notifications.js).
   */
  [CLIENT_NOTIFIED](message) {
    runNotified(message, this.#notificationHandlers, this.oninitialized, (e) => this.#reportError(e));
  }

  #reportError(error) {
    if (typeof this.onerror === 'function') this.onerror(error);
    else console.error('mcpforge: a notification handler failed:', error);
  }

  /**
   * Runs `handler(notification)` for each client notification of `schema`'s method (its
   * `shape.method` literal, as `setRequestHandler`), on connections whose messages pass
   * through JavaScript: a transport of another package, or stdio once one is set before
   * `connect`. The engine still takes the notification in first. The handler gets it as
   * `schema` parses it.
   */
  setNotificationHandler(schema, handler) {
    if (typeof handler !== 'function') throw new TypeError('mcpforge: a notification handler must be a function');
    // As the SDK: the handler gets the notification as the schema parses it (unknown keys
    // stripped); a notification the schema refuses goes to `onerror`.
    const parse = typeof schema.parse === 'function' ? (n) => schema.parse(n) : (n) => n;
    this.#notificationHandlers.set(methodOf(schema), (notification) => handler(parse(notification)));
  }

  /** Removes the notification handler of `method`. */
  removeNotificationHandler(method) {
    this.#notificationHandlers.delete(method);
  }

  /**
   * The `SessionPeer` a request to the client goes through when no request is being served
   * (no handler's context, no call in flight: in `oninitialized`, a notification handler),
   * on a connection whose messages pass through JavaScript; else undefined.
   */
  #idlePeer() {
    if (currentContext()) return undefined;
    const peer = this.#peer?.();
    return peer && !this.#engine[SOLE_CALL]() ? peer : undefined;
  }

  /**
   * Sends the request `method` to the client: from a handler through its context (so it
   * goes with that request on every wire); when no request is being served, on a
   * connection whose messages pass through JavaScript, as a request of its own, as the
   * official `Server` sends it; else through the one call in flight (see `requireContext`).
   * What the client's capabilities do not allow is refused first (./client-support.js) on
   * the handshake wires. The SDK's request `options` (`timeout`, `signal`) bound a request
   * of its own (./session-peer.js); one that goes with a request being served is bounded by
   * that request.
   */
  #ask(what, method, params, viaContext, options) {
    // The 2026-07-28 wire has its own refusal for a missing capability, which the engine sends.
    if (!isStateless(currentContext()?.protocolVersion)) {
      try {
        assertClientSupports(this.getClientCapabilities(), method, params);
      } catch (refusal) {
        return Promise.reject(refusal);
      }
    }
    const peer = this.#idlePeer();
    if (peer) return peer.request(method, params, options);
    return viaContext(currentContext() ?? requireContext(what, this.#engine)).catch(clientRefusal);
  }

  /**
   * Sends a request `{ method, params }` to the client (elicitation, sampling, roots, ping)
   * and resolves to its result, parsed by `resultSchema` (a zod schema) when given.
   */
  async request(request, resultSchema, options) {
    const { method, params } = request || {};
    const peer = this.#idlePeer();
    const result = peer ? await peer.request(method, params, options) : await notifications.sendRequest(request, currentContext() ?? requireContext('request', this.#engine)).catch(clientRefusal);
    return resultSchema && typeof resultSchema.parse === 'function' ? resultSchema.parse(result) : result;
  }

  /** Pings the client (a connection whose messages pass through JavaScript). */
  ping() {
    const peer = this.#peer?.();
    if (!peer) return Promise.reject(new Error('mcpforge: ping() needs a connection whose messages pass through JavaScript (a transport of another package, or stdio with a notification handler)'));
    return peer.request('ping');
  }

  /** The transport the server is connected to, if any. */
  get transport() {
    return this.#owner.transport;
  }

  /** Connects to a transport (as `McpServer.connect`). */
  connect(transport) {
    return this.#owner.connect(transport);
  }

  /** Closes the server (as `McpServer.close`). */
  close() {
    return this.#owner.close();
  }

  /**
   * The capabilities the client declared: of the request being served, or outside a handler
   * those the client of a transport of another package sent in `initialize`.
   */
  getClientCapabilities() {
    return asSdkReadsThem(currentContext()?.clientCapabilities ?? this.#client()?.capabilities);
  }

  /** The client's `Implementation` info (of the request being served, or as `getClientCapabilities`). */
  getClientVersion() {
    return currentContext()?.clientInfo ?? this.#client()?.clientInfo;
  }

  /**
   * Sends `notifications/message` with `{ level, data, logger }` when the `logging`
   * capability was declared and the client's level lets it through. As in the official SDK
   * it belongs to no request, even inside a handler: it goes to the session (its GET stream
   * on Streamable HTTP, waiting for one while none is open; the connection on stdio), so a
   * stateless server's never reaches the client, nor does a session's that never opens a
   * GET stream (the official JSON-response example's). `extra.sendNotification` is the way
   * to send one with the request. On the 2026-07-28 wire, which carries log messages only
   * inside requests, a handler's belongs to its request.
   */
  async sendLoggingMessage(params) {
    if (!this.#logging) return;
    const ctx = currentContext();
    if (ctx && isStateless(ctx.protocolVersion)) ctx.log(params.level, params.data, params.logger);
    else this.#engine.log(params.level, params.data, params.logger);
    this.#flush();
  }

  /**
   * Sends a notification in its wire form `{ method, params }`. A method the engine does not
   * send itself (an application's own, such as `myorg/heartbeat`) is written to the client
   * directly on a connection whose messages pass through JavaScript, and to the session of
   * a Streamable HTTP transport (./transport-send.js). The SDK's options
   * (`relatedRequestId`) are taken and left to the engine, which knows the request.
   */
  async notification(notification, _options) {
    if (notification && notification.method === 'notifications/message') return this.sendLoggingMessage(notification.params || {});
    if (notification && !notifications.ENGINE_SENT.has(notification.method)) {
      const peer = this.#peer?.();
      if (peer) return peer.notify(notification.method, notification.params);
      // The SDK's Streamable HTTP transports send it to their session (its GET stream).
      if (typeof this.transport?.send === 'function') return this.transport.send({ jsonrpc: '2.0', ...notification });
    }
    notifications.sendNotification(notification, currentContext(), this.#engine);
    this.#flush();
  }

  /**
   * The SDK's `createElicitationCompletionNotifier(elicitationId)`: a function that tells the
   * client the URL-mode elicitation `elicitationId` finished
   * (`notifications/elicitation/complete`). Throws, in the SDK's words, when the client did
   * not declare URL elicitation; sent as `notification()` sends an application's own.
   */
  createElicitationCompletionNotifier(elicitationId, options) {
    if (!this.getClientCapabilities()?.elicitation?.url) {
      throw new Error('Client does not support URL elicitation (required for notifications/elicitation/complete)');
    }
    // Through `notification()` with the options given, as the SDK's notifier sends it.
    return () => this.notification({ method: 'notifications/elicitation/complete', params: { elicitationId } }, options);
  }

  /**
   * Asks the user through the client (`elicitation/create`). An accepted form answer whose
   * content does not fit `requestedSchema` is refused as the official SDK refuses it:
   * `McpError` -32602 naming the problems.
   */
  elicitInput(params, options) {
    // A form request without `mode` goes out as `mode: 'form'`, as the SDK sends it.
    if (params && params.mode === undefined && params.url === undefined) params = { ...params, mode: 'form' };
    return this.#ask('elicitInput', 'elicitation/create', params, (ctx) => ctx.elicit(params), options)
      .then((result) => {
        // A zod schema (mcpforge's own `ctx.elicit` takes those) is the engine's to convert: not checked here.
        const schema = params && params.mode !== 'url' && !isSchemaObject(params.requestedSchema) ? params.requestedSchema : undefined;
        const problems = result?.action === 'accept' && result.content && schema ? elicitationProblems(schema, result.content) : undefined;
        if (problems) {
          throw asProtocolError(new McpError(ErrorCode.InvalidParams, `Elicitation response content does not match requested schema: ${problems}`));
        }
        return result;
      });
  }

  /**
   * Asks the client's model (`sampling/createMessage`); tool results that do not answer the
   * previous message's tool uses are refused first, as by the SDK.
   */
  createMessage(params, options) {
    try {
      assertToolResultsMatch(params?.messages);
    } catch (refusal) {
      return Promise.reject(refusal);
    }
    return this.#ask('createMessage', 'sampling/createMessage', params, (ctx) => ctx.sample(params), options);
  }

  /** Asks the client for its roots (`roots/list`). */
  listRoots(params, options) {
    return this.#ask('listRoots', 'roots/list', params, (ctx) => ctx.listRoots(), options);
  }

  /** Tells clients the tool list changed. */
  sendToolListChanged() {
    this.#engine.notifyToolsChanged();
    this.#flush();
  }

  /** Tells clients the prompt list changed. */
  sendPromptListChanged() {
    this.#engine.notifyPromptsChanged();
    this.#flush();
  }

  /** Tells clients the resource list changed. */
  sendResourceListChanged() {
    this.#engine.notifyResourcesChanged();
    this.#flush();
  }

  /** Tells subscribers that the resource `params.uri` changed. */
  sendResourceUpdated(params) {
    this.#engine.notifyResourceUpdated(String(params.uri));
    this.#flush();
  }

  /**
   * Answers the requests of `schema`'s method with `handler(request, extra)`, before the
   * engine's own logic for that method (compat/request-handlers.js); an `initialize` handler
   * answers the handshake on a connection whose messages pass through JavaScript.
   */
  setRequestHandler(schema, handler) {
    this.#requestHandlers.set(schema, handler);
  }

  /**
   * Declares capabilities, as the SDK's `registerCapabilities`: `logging` turns on log
   * messages, `extensions` and `resources.subscribe` are advertised to the clients that
   * initialize from then on (the engine then serves `resources/subscribe`, and records the
   * subscriptions a low-level handler accepted, so `sendResourceUpdated` reaches them), and
   * a list's `listChanged` says whether its changes are advertised and told; the
   * engine advertises the others from what is registered, and answers the methods of a
   * low-level handler whatever it advertises.
   */
  registerCapabilities(capabilities) {
    if (capabilities && capabilities.logging) this.#logging = true;
    if (capabilities?.resources?.subscribe) {
      this.#engine[SUBSCRIPTIONS](true);
      this.#requestHandlers.recordSubscriptions();
    }
    for (const [id, settings] of Object.entries(capabilities?.extensions ?? {})) this.#engine[EXTENSION](id, settings);
    for (const list of ['tools', 'prompts', 'resources']) {
      const on = capabilities?.[list]?.listChanged;
      if (typeof on === 'boolean') this.#engine[LIST_CHANGES](list, on);
    }
  }

  /** Lets the engine answer `method` again. */
  removeRequestHandler(method) {
    this.#requestHandlers.remove(method);
  }

  /** Throws when `method` already has a request handler. */
  assertCanSetRequestHandler(method) {
    this.#requestHandlers.assertCanSet(method);
  }
}

module.exports = { ProtocolServer, BIND, WANTS_MESSAGES, SESSION_PEER, CLIENT_NOTIFIED, currentContext };
