/**
 * `Client`: an MCP client on the mcpforge engine, with the shape of the official TypeScript
 * SDK's `Client`:
 *
 *   const client = new Client({ name: 'app', version: '1.0.0' }, { capabilities: {} });
 *   await client.connect(new StdioClientTransport({ command: 'node', args: ['server.mjs'] }));
 *   const { tools } = await client.listTools();
 *   const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
 *   await client.close();
 *
 * The engine (`mcpforge::client::Client`, through `NativeClient`) does the protocol: the
 * handshake, ids, progress tokens, timeouts, `notifications/cancelled`, pagination (a list
 * without a cursor comes back whole), the `outputSchema` check of `callTool`. This module
 * keeps the calls' promises, routes what the engine hands back (./outcomes.js reads it), and
 * runs the application's handlers for what the server asks and tells.
 */
'use strict';

const native = require('../native');
const { ErrorCode, McpError } = require('../errors');
const { methodOf } = require('../method-of');
const { REACH, BIND } = require('./transports');
const { readItem, failureOf, notConnected, refusalOf, CONNECTION_CLOSED } = require('./outcomes');
const { ExperimentalClientTasks } = require('./tasks');

/** The official SDK's default request timeout. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** What the server may ask of a client, by the capability that lets it. */
const ASKS = { sampling: 'sampling/createMessage', elicitation: 'elicitation/create', roots: 'roots/list' };

/** The capability a request handler for `method` needs declared (the SDK's check). */
const NEEDS = Object.fromEntries(Object.entries(ASKS).map(([cap, method]) => [method, cap]));

/** `resultSchema.parse`, when `resultSchema` is a schema that can parse (a zod schema). */
function parserOf(resultSchema) {
  try {
    const parse = resultSchema?.parse;
    return typeof parse === 'function' ? parse.bind(resultSchema) : undefined;
  } catch {
    // A stand-in for an SDK name that is not installed: nothing to parse with.
    return undefined;
  }
}

class Client {
  #info;
  #capabilities;
  #options;
  #native;
  #transport;
  #session;
  #seq = 1;
  /** Calls waiting, by sequence number: `{ resolve, reject, token, parse, cleanup }`. */
  #pending = new Map();
  /** `onprogress` of the calls that asked for it, by progress token. */
  #progress = new Map();
  #requestHandlers = new Map();
  #notificationHandlers = new Map();
  /** Aborted on close: the `extra.signal` of the server's requests being answered. */
  #closing = new AbortController();
  /** Keeps Node running while calls are in flight (the engine's handles do not): ref'd then, unref'd else. */
  #keepAlive;
  #closed = false;
  /** Answers the engine's OAuth questions (`oauth/...`), for a transport with an `authProvider`. */
  #oauth;

  /**
   * `info`: `{ name, version }` (the client's `Implementation`); `options.capabilities`:
   * what it declares (`sampling`, `elicitation`, `roots`; answered by the handlers of
   * `setRequestHandler`). mcpforge's own options: `protocol` (`'auto'`, `'stateless'` for
   * the 2026-07-28 wire, or the handshake version to offer; default the newest handshake),
   * `timeout` (the default of each call, in ms; 60 s).
   */
  constructor(info, options = {}) {
    if (!info || typeof info.name !== 'string') throw new TypeError('mcpforge: new Client({ name, version }, options)');
    this.#info = { name: info.name, version: String(info.version ?? '0.0.0') };
    this.#capabilities = options.capabilities ?? {};
    this.#options = options;
    /** Called once the connection is closed (`close()`). */
    this.onclose = undefined;
    /** Called with errors that belong to no call (a notification handler that threw). */
    this.onerror = undefined;
    /** Experimental APIs: `tasks` (tools called as tasks, `tasks/*`). */
    this.experimental = { tasks: new ExperimentalClientTasks(this) };
  }

  /** Connects through `transport` (a client transport of this package) and completes the handshake. */
  async connect(transport) {
    if (this.#native) throw new Error('mcpforge: the client is already connected');
    if (!transport || typeof transport[REACH] !== 'function') {
      throw new TypeError('mcpforge: connect() takes a StdioClientTransport, StreamableHTTPClientTransport, WebSocketClientTransport or InProcessClientTransport of this package');
    }
    const { reach, server, oauth } = await transport[REACH]();
    const declared = Object.entries(ASKS).filter(([cap]) => this.#capabilities[cap]).map(([, method]) => method);
    const own = [...this.#requestHandlers.keys()].filter((m) => !NEEDS[m]);
    const setup = {
      name: this.#info.name,
      version: this.#info.version,
      capabilities: this.#capabilities,
      asks: [...declared, ...own],
      notifications: [...this.#notificationHandlers.keys()],
      protocol: this.#options.protocol,
      timeoutMs: this.#options.timeout,
    };
    const client = new native.NativeClient((count, items) => this.#deliver(items));
    this.#native = client;
    this.#oauth = oauth;
    try {
      this.#session = JSON.parse(await client.connect(JSON.stringify(reach), JSON.stringify(setup), server));
    } catch (e) {
      // Not connected: the client may connect again (through another transport).
      this.#native = undefined;
      throw e;
    }
    transport[BIND](this);
    this.#transport = transport;
    this.#keepAlive = setInterval(() => {}, 1 << 30);
    this.#keepAlive.unref();
  }

  /** The server's capabilities, once connected. */
  getServerCapabilities() {
    return this.#session?.capabilities;
  }

  /** The server's `serverInfo` (`{ name, version }`), once connected. */
  getServerVersion() {
    return this.#session?.serverInfo ?? undefined;
  }

  /** The server's instructions, once connected. */
  getInstructions() {
    return this.#session?.instructions ?? undefined;
  }

  /** The protocol version the connection speaks (mcpforge's). */
  getProtocolVersion() {
    return this.#session?.protocolVersion;
  }

  /** The transport the client is connected through. */
  get transport() {
    return this.#transport;
  }

  /** What is kept of a stdio child's stderr (mcpforge's; see `StdioClientTransport.stderrText`). */
  stderrText() {
    return this.#native ? this.#native.stderr() : '';
  }

  /**
   * Sends `{ method, params }` and resolves to its result (parsed by `resultSchema` when it
   * is a zod schema). `options`: `signal` (aborting it cancels the request on the server
   * with its reason), `timeout` (ms, default 60 s), `onprogress(progress)`,
   * `resetTimeoutOnProgress`, `maxTotalTimeout` (ms), as the SDK's `RequestOptions`.
   */
  request(request, resultSchema, options = {}) {
    const parse = parserOf(resultSchema);
    return this.#send(request.method, request.params, options, parse);
  }

  #send(method, params, options = {}, parse = undefined) {
    if (!this.#native || this.#closed) return Promise.reject(notConnected());
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const seq = this.#seq++;
    let sent = params ?? {};
    let token;
    if (typeof options.onprogress === 'function') {
      token = `p${seq}`;
      sent = { ...sent, _meta: { ...(sent._meta ?? {}), progressToken: token } };
      this.#progress.set(token, options.onprogress);
    }
    return new Promise((resolve, reject) => {
      const call = { resolve, reject, token, parse, cleanup: undefined };
      if (signal) {
        const abort = () => {
          this.#native.stop(seq, String(signal.reason));
          this.#settle(seq, undefined, signal.reason);
        };
        signal.addEventListener('abort', abort, { once: true });
        call.cleanup = () => signal.removeEventListener('abort', abort);
      }
      if (this.#pending.size === 0) this.#keepAlive?.ref();
      this.#pending.set(seq, call);
      const timeout = options.timeout ?? this.#options.timeout ?? DEFAULT_TIMEOUT_MS;
      const reset = Boolean(options.resetTimeoutOnProgress);
      this.#native.request(seq, method, JSON.stringify(sent), timeout, reset, options.maxTotalTimeout ?? 0, Boolean(signal));
    });
  }

  /** Settles call `seq` with `result`, or with `error` when it is given. */
  #settle(seq, result, error) {
    const call = this.#pending.get(seq);
    if (!call) return;
    this.#pending.delete(seq);
    if (this.#pending.size === 0) this.#keepAlive?.unref();
    if (call.token !== undefined) this.#progress.delete(call.token);
    call.cleanup?.();
    if (error !== undefined) {
      call.reject(error);
      return;
    }
    try {
      call.resolve(call.parse ? call.parse(result) : result);
    } catch (e) {
      call.reject(e);
    }
  }

  /** Handles what the engine handed over (`items`: one per line): outcomes, notifications, server requests, in order. */
  #deliver(items) {
    if (!items) return;
    for (const text of items.split('\n')) {
      const item = readItem(text);
      if (item.kind === 'result') this.#settle(item.seq, JSON.parse(item.json));
      else if (item.kind === 'error') this.#settle(item.seq, undefined, failureOf(item.json));
      else if (item.kind === 'notification') this.#notified(item.method, JSON.parse(item.json));
      else this.#asked(item.key, item.method, JSON.parse(item.json));
    }
  }

  #notified(method, params) {
    const notification = params === null ? { method } : { method, params };
    if (method === 'notifications/progress') {
      const { progressToken, ...progress } = params ?? {};
      const onprogress = this.#progress.get(progressToken);
      if (onprogress) this.#guard(() => onprogress(progress));
    }
    const handler = this.#notificationHandlers.get(method) ?? this.fallbackNotificationHandler;
    if (handler) this.#guard(() => handler(notification));
  }

  /** Runs `fn`, its failure (thrown or rejected) going to `onerror`. */
  #guard(fn) {
    const report = (e) => (typeof this.onerror === 'function' ? this.onerror(e) : console.error('mcpforge: a client handler failed:', e));
    try {
      Promise.resolve(fn()).catch(report);
    } catch (e) {
      report(e);
    }
  }

  async #asked(key, method, params) {
    const oauth = method.startsWith('oauth/') ? this.#oauth : undefined;
    const handler = this.#requestHandlers.get(method) ?? this.fallbackRequestHandler;
    let ok = false;
    let answer;
    try {
      if (oauth) {
        answer = await oauth.answer(method, params);
      } else {
        if (!handler) throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
        const request = params === null ? { method } : { method, params };
        answer = await handler(request, { signal: this.#closing.signal });
      }
      ok = true;
    } catch (e) {
      answer = refusalOf(e);
    }
    // The OAuth questions are answered while closing too: ending an HTTP session sends a
    // request that carries the token.
    if (!this.#closed || oauth) this.#native.answer(key, ok, JSON.stringify(answer ?? (oauth && ok ? null : {})));
  }

  /**
   * Answers the server's requests of `schema`'s method (an SDK request schema from
   * `mcpforge/types.js`, or the method name) with `handler(request, extra)`; its result is the
   * answer, an `McpError` it throws the error. Sampling, elicitation and roots need their
   * capability declared, as in the SDK. Set handlers before `connect` (the methods the client
   * answers are fixed then; those of a declared capability are always answered).
   */
  setRequestHandler(schema, handler) {
    const method = methodOf(schema);
    const cap = NEEDS[method];
    if (cap && !this.#capabilities[cap]) {
      throw new Error(`Client does not support ${cap} capability (required for ${method})`);
    }
    this.#requestHandlers.set(method, handler);
  }

  /** Stops answering `schema`'s method with a handler of the application. */
  removeRequestHandler(schema) {
    this.#requestHandlers.delete(methodOf(schema));
  }

  /** Calls `handler(notification)` for the server's notifications of `schema`'s method. */
  setNotificationHandler(schema, handler) {
    this.#notificationHandlers.set(methodOf(schema), handler);
  }

  /** Stops calling a handler for `schema`'s method. */
  removeNotificationHandler(schema) {
    this.#notificationHandlers.delete(methodOf(schema));
  }

  /** Sends a notification `{ method, params }`. */
  async notification(notification) {
    if (!this.#native || this.#closed) throw notConnected();
    const { method, params } = notification;
    await this.#native.notify(method, params === undefined ? undefined : JSON.stringify(params));
  }

  /** `ping`. */
  ping(options) {
    return this.#send('ping', {}, options);
  }

  /** `completion/complete`. */
  complete(params, options) {
    return this.#send('completion/complete', params, options);
  }

  /** The level of log messages the server sends (`logging/setLevel`; on 2026-07-28 each request's `_meta`). */
  async setLoggingLevel(level) {
    if (!this.#native || this.#closed) throw notConnected();
    await this.#native.setLoggingLevel(String(level));
    return {};
  }

  /** `prompts/get`. */
  getPrompt(params, options) {
    return this.#send('prompts/get', params, options);
  }

  /** `prompts/list`: every page, unless `params.cursor` asks for one. */
  listPrompts(params, options) {
    return this.#send('prompts/list', params, options);
  }

  /** `resources/list`: every page, unless `params.cursor` asks for one. */
  listResources(params, options) {
    return this.#send('resources/list', params, options);
  }

  /** `resources/templates/list`: every page, unless `params.cursor` asks for one. */
  listResourceTemplates(params, options) {
    return this.#send('resources/templates/list', params, options);
  }

  /** `resources/read`. */
  readResource(params, options) {
    return this.#send('resources/read', params, options);
  }

  /**
   * `notifications/resources/updated` for `params.uri` from now on: `resources/subscribe`
   * on a handshake session; on 2026-07-28 the client's own `subscriptions/listen` stream,
   * opened again with the URI added.
   */
  subscribeResource(params, options) {
    return this.#send('resources/subscribe', params, options);
  }

  /** No more updates of `params.uri` (`resources/unsubscribe`, or the listen stream without it). */
  unsubscribeResource(params, options) {
    return this.#send('resources/unsubscribe', params, options);
  }

  /**
   * `tools/call` (`{ name, arguments, _meta }`). A tool's failure is a result with `isError`;
   * a result whose `structuredContent` breaks the tool's `outputSchema` (known from
   * `listTools`) rejects with an `McpError`.
   */
  callTool(params, resultSchema, options) {
    return this.#send('tools/call', params, options, parserOf(resultSchema));
  }

  /** `tools/list`: every page, unless `params.cursor` asks for one (then the `outputSchema`s are not kept). */
  listTools(params, options) {
    return this.#send('tools/list', params, options);
  }

  /** Tells the server the client's roots changed (`notifications/roots/list_changed`). */
  sendRootsListChanged() {
    return this.notification({ method: 'notifications/roots/list_changed' });
  }

  /** Ends the connection (a stdio child is closed, then killed; an HTTP session deleted); calls still waiting reject. */
  async close() {
    if (this.#closed || !this.#native) return;
    this.#closed = true;
    this.#closing.abort(new McpError(CONNECTION_CLOSED, 'Connection closed'));
    await this.#native.close();
    this.#deliver(this.#native.take());
    clearInterval(this.#keepAlive);
    for (const seq of [...this.#pending.keys()]) this.#settle(seq, undefined, new McpError(CONNECTION_CLOSED, 'Connection closed'));
    if (typeof this.onclose === 'function') this.onclose();
  }
}

module.exports = { Client };
