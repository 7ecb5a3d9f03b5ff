/**
 * The connection-level side of the SDK's low-level `Server` on a connection whose messages
 * pass through JavaScript (a linked connection, ./linked-transport.js): what the client
 * notifies reaches the handlers of `setNotificationHandler` and `oninitialized` (after the
 * engine took the notification), and requests to the client that belong to no request being
 * served (`listRoots()` in `oninitialized`, as published servers call it) go out with ids of
 * their own, their answers taken here and never handed to the engine. Notifications the
 * engine does not send itself (an application's own methods, elicitation completions) are
 * written to the client from here.
 */
'use strict';

const { McpError } = require('../errors');
const { ErrorCode } = require('./types');

/** How long a request to the client waits for its answer (the official SDK's default). */
const REQUEST_TIMEOUT_MS = 60_000;
/** The prefix of the ids of requests sent from here (the engine's own ids are numbers). */
const ID_PREFIX = 'mcpforge-session-';

class SessionPeer {
  #send;
  #handlers;
  #initialized;
  #onerror;
  #requestHandlers;
  #pending = new Map();
  #next = 0;

  /**
   * @param {(message: object) => void} send writes one message to the client
   * @param {Map<string, Function>} handlers the notification handlers, by method
   * @param {() => (Function | undefined)} initialized the current `oninitialized`
   * @param {(error: Error) => void} onerror where a failing handler's error goes
   * @param {object} [requestHandlers] the server's request handlers (./request-handlers.js),
   *   whose `initialize` handler, if any, answers the handshake
   */
  constructor(send, handlers, initialized, onerror, requestHandlers = undefined) {
    this.#send = send;
    this.#handlers = handlers;
    this.#initialized = initialized;
    this.#onerror = onerror;
    this.#requestHandlers = requestHandlers;
  }

  /** True when the application answers the handshake itself (its `initialize` handler). */
  answersInitialize() {
    return Boolean(this.#requestHandlers?.answersInitialize());
  }

  /** The application's answer to the `initialize` request `message`: `{ result }` or `{ error }`. */
  answerInitialize(message) {
    return this.#requestHandlers.answerInitialize(message);
  }

  /** True when `message` answers a request of this peer (it is then settled, not passed on). */
  consume(message) {
    if (!message || message.method !== undefined || typeof message.id !== 'string' || !message.id.startsWith(ID_PREFIX)) return false;
    const pending = this.#pending.get(message.id);
    if (!pending) return true;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error) pending.reject(new McpError(message.error.code, message.error.message, message.error.data));
    else pending.resolve(message.result);
    return true;
  }

  /** Runs what the application set for a client notification the engine has taken in. */
  notified(message) {
    if (!message || message.id !== undefined || typeof message.method !== 'string') return;
    const run = (fn, ...args) => {
      try {
        Promise.resolve(fn(...args)).catch((e) => this.#onerror(e));
      } catch (e) {
        this.#onerror(e);
      }
    };
    const handler = this.#handlers.get(message.method);
    if (handler) run(handler, { method: message.method, params: message.params });
    const initialized = message.method === 'notifications/initialized' ? this.#initialized() : undefined;
    if (typeof initialized === 'function') run(initialized);
  }

  /** Sends the notification `{ method, params }` to the client. */
  notify(method, params) {
    this.#send(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  /**
   * Sends `{ method, params }` to the client; resolves to its result, bounded in time: the
   * SDK's `options.timeout` (60 s by default) and `options.signal`, either of which cancels
   * the request (`notifications/cancelled` with the reason) and rejects it with an
   * `McpError` (-32001), as the SDK's `request` does.
   */
  request(method, params, options = {}) {
    this.#next += 1;
    const id = `${ID_PREFIX}${this.#next}`;
    const timeout = Number.isFinite(options?.timeout) ? options.timeout : REQUEST_TIMEOUT_MS;
    const signal = options?.signal;
    if (signal?.aborted) {
      const reason = signal.reason;
      return Promise.reject(reason instanceof McpError ? reason : new McpError(ErrorCode.RequestTimeout, String(reason)));
    }
    return new Promise((resolve, reject) => {
      const cancel = (reason) => {
        if (!this.#pending.delete(id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(reason?.message ?? reason) } });
        reject(reason instanceof McpError ? reason : new McpError(ErrorCode.RequestTimeout, String(reason)));
      };
      const onAbort = () => cancel(signal.reason);
      const timer = setTimeout(() => cancel(new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout })), timeout);
      const settle = (fn) => (value) => {
        signal?.removeEventListener('abort', onAbort);
        fn(value);
      };
      this.#pending.set(id, { resolve: settle(resolve), reject: settle(reject), timer });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#send(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    });
  }

  /** Fails every request still waiting (the connection ended). */
  close() {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'));
      this.#pending.delete(id);
    }
  }
}

module.exports = { SessionPeer };
