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
const { runNotified } = require('./client-notifications');

/** How long a request to the client waits for its answer (the official SDK's default). */
const REQUEST_TIMEOUT_MS = 60_000;
/** The prefix of the ids of requests sent from here (the engine's own ids are numbers). */
const ID_PREFIX = 'mcpforge-session-';
/**
 * How many of the engine's requests to the client wait for an answer here at most (the
 * oldest is forgotten past it: its late answer is then told to `onerror` as unknown).
 */
const ASKED_KEPT = 4096;

/** The key of a JSON-RPC id (`1` and `"1"` apart). */
const idKey = (id) => JSON.stringify(id);

/** True for a JSON-RPC response (an id, no method). */
const isResponse = (message) => Boolean(message) && message.method === undefined && message.id !== undefined;

class SessionPeer {
  #send;
  #handlers;
  #initialized;
  #onerror;
  #pending = new Map();
  #next = 0;
  /** The ids of the engine's requests to the client not answered yet (see `sent`). */
  #asked = new Set();

  /**
   * @param {(message: object) => void} send writes one message to the client
   * @param {Map<string, Function>} handlers the notification handlers, by method
   * @param {() => (Function | undefined)} initialized the current `oninitialized`
   * @param {(error: Error) => void} onerror where a failing handler's error goes
   */
  constructor(send, handlers, initialized, onerror) {
    this.#send = send;
    this.#handlers = handlers;
    this.#initialized = initialized;
    this.#onerror = onerror;
  }

  /**
   * Notes a message the engine sends to the client: its requests wait for an answer (a
   * cancelled one no longer does), so that an answer to none of them can be told apart.
   */
  sent(message) {
    if (!message) return;
    if (typeof message.method === 'string' && message.id !== undefined) {
      if (this.#asked.size >= ASKED_KEPT) this.#asked.delete(this.#asked.values().next().value);
      this.#asked.add(idKey(message.id));
    } else if (message.method === 'notifications/cancelled') {
      this.#asked.delete(idKey(message.params?.requestId));
    }
  }

  /**
   * True when `message` is a response that is not the engine's to take: the answer to a
   * request of this peer (settled here), or to no request waiting for one, which the SDK's
   * server tells `onerror` ("Received a response for an unknown message ID") and drops.
   */
  consume(message) {
    if (!isResponse(message)) return false;
    if (this.#asked.delete(idKey(message.id))) return false;
    const pending = typeof message.id === 'string' && message.id.startsWith(ID_PREFIX) ? this.#pending.get(message.id) : undefined;
    if (!pending) {
      this.#onerror(new Error(`Received a response for an unknown message ID: ${JSON.stringify(message)}`));
      return true;
    }
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error) pending.reject(new McpError(message.error.code, message.error.message, message.error.data));
    else pending.resolve(message.result);
    return true;
  }

  /** Runs what the application set for a client notification the engine has taken in (./client-notifications.js). */
  notified(message) {
    runNotified(message, this.#handlers, this.#initialized(), this.#onerror);
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
