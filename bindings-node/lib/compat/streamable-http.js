/**
 * `StreamableHTTPServerTransport` and `WebStandardStreamableHTTPServerTransport`: the official
 * SDK's Streamable HTTP transports over the engine's hosted-request path. A transport owns
 * one mounted engine application (`NativeHttpApp`) of the server it is connected to, and
 * `handleRequest` hands it each request; the engine answers (sessions, SSE, resumption, the
 * 2026 wire). What the transport adds is the SDK's session bookkeeping:
 *
 * - stateful (`sessionIdGenerator` given): the `initialize` it handles opens an engine
 *   session named by the generator; `sessionId` is that id, `onsessioninitialized(id)` runs
 *   before the client sees it, a second `initialize` is refused (400) as in the SDK, and a
 *   `DELETE` of the session runs `onsessionclosed(id)` and closes the transport (`onclose`);
 *   so does the engine ending the session itself (idle expiry, a session bound making
 *   room, shutdown), so that the application's cleanup in those callbacks runs. The
 *   sessions of every transport of the process count against one bound (`maxSessions`
 *   in all, a tenth per client unless `maxSessionsPerClient` says otherwise): each
 *   transport has an engine application of its own, whose own bounds would count one;
 * - stateless (`sessionIdGenerator: undefined`): the engine keeps no sessions
 *   (`sessionless`), every request stands alone;
 * - a request the engine refuses is told to `onerror` (./refusals.js), and a body handed to
 *   `handleRequest` is the request (`parsedWins` in ../mount.js), both as in the SDK;
 * - `send` (./transport-send.js), `closeSSEStream` and `closeStandaloneSSEStream`
 *   (./stream-control.js) reach the engine's streams.
 */
'use strict';

const { ErrorCode } = require('../errors');
const mount = require('../mount');
const { ATTACH, DETACH } = require('./attach');
const sdkOptions = require('./sdk-options');
const refusals = require('./refusals');
const { sendMessage } = require('./transport-send');
const streamControl = require('./stream-control');
const { VERSIONS, isStateless } = require('../versions');

/**
 * Reads what a POST body (`body`, its text) tells the server: an `initialize`'s params go to
 * `handshake.initialized`; its notifications are kept in `heard.notifications`, told once
 * the engine took them (its 202). Only a body that may hold an `initialize` or a
 * notification the server listens for (`handshake.listening()`) is parsed.
 */
function handshakeOf(body, handshake, heard) {
  if (!body.includes('initialize') && !body.includes('notifications/') && !handshake.listening?.()) return;
  let messages;
  try {
    messages = [].concat(JSON.parse(body));
  } catch {
    return;
  }
  for (const m of messages) {
    if (m && m.method === 'initialize' && m.id !== undefined) handshake.initialized?.(m.params);
    if (m && typeof m.method === 'string' && m.id === undefined) heard.notifications.push(m);
  }
}

/** The path every transport request is handed to the engine at (the application routes; the SDK's transport ignores paths). */
const ENGINE_PATH = '/mcp';

/**
 * The engine's mount options for the SDK's transport options, translated by the engine's
 * table (./sdk-options.js): no sessions without a generator; the `Host`/`Origin` checks
 * only with `enableDnsRebindingProtection` (the SDK's transport checks nothing otherwise,
 * leaving it to middleware), then both, against its lists with ports dropped (without
 * `allowedHosts` the loopback names, without `allowedOrigins` the hosts' origins); no HTTP+SSE endpoints;
 * the SDK's keep-alive and body cap; mcpforge's own mount options (`auth`, `maxSessions`,
 * ...) as given. The requests go to the engine at `ENGINE_PATH`, whatever path the
 * application routes to the transport.
 */
function engineOptions(options) {
  return { ...sdkOptions.engineOptions('typescript-transport', options), path: ENGINE_PATH };
}

/** The value of header `name` in an engine answer's head (a flat list, name then value). */
function headerOf(head, name) {
  for (let i = 0; i + 1 < head.headers.length; i += 2) if (head.headers[i] === name) return head.headers[i + 1];
  return undefined;
}

/** The `_meta` key naming a 2026-07-28 request's protocol version. */
const MODERN_META = 'io.modelcontextprotocol/protocolVersion';

/** True when the JSON body (bytes) holds an `initialize` request (cheap test first). */
function holdsInitialize(body) {
  if (!body.includes('"initialize"')) return false;
  try {
    const parsed = JSON.parse(body);
    return [].concat(parsed).some((m) => m && m.method === 'initialize');
  } catch {
    return false;
  }
}

/** What both transports share: options, the engine application, the session's life. */
class SessionBookkeeping {
  #options;
  #app;
  #closed;
  #server;
  #sessionId;
  #ended = false;
  #announced = false;
  /** The outcome of `onsessionclosed` once it ran (see `#tellSessionClosed`). */
  #sessionClosedTold;
  #owner;
  /** What the connected `McpServer` is told of the client (`initialized`, `notified`). */
  #handshake = {};

  constructor(owner, options) {
    this.#owner = owner;
    this.#options = options;
  }

  get sessionId() {
    return this.#sessionId;
  }

  /**
   * Connects to `server` (an mcpforge `Server`); `closed()` tells its `McpServer`, and
   * `handshake` what the client sent in `initialize` (`initialized(params)`) and each
   * notification it sent (`notified(message)`), as the SDK's server hears them: its
   * `getClientCapabilities()`, `oninitialized` and notification handlers.
   */
  attach(server, closed, handshake = {}) {
    this.#handshake = handshake;
    if (this.#app) throw new Error('mcpforge: this transport is already connected to a server');
    if (this.#ended) throw new Error('mcpforge: this transport was closed; create a new one');
    // One application per transport: its sessions count against the process's bounds.
    this.#app = server[mount.MOUNT](engineOptions(this.#options), { sharedSessions: true });
    this.#server = server;
    this.#closed = closed;
  }

  /** True once the transport was closed. */
  get ended() {
    return this.#ended;
  }

  /** The mcpforge `Server` connected to, if any. */
  engine() {
    return this.#app ? this.#server : undefined;
  }

  /** The engine application, or a refusal when not connected. */
  app() {
    return this.#app;
  }

  /**
   * What the SDK's stateful transport refuses before the engine sees the request, as it does:
   * a second `initialize` (400), and any other POST, GET or DELETE before the first (400,
   * -32000) but one on the 2026 wire, which needs no session: its `_meta` or its
   * `MCP-Protocol-Version` header (`version`) names a stateless version (the engine then
   * answers even a request whose `_meta` is wrong, with that request's id).
   */
  #refusal(method, body, version) {
    const initialize = method === 'POST' && holdsInitialize(body);
    if (this.#sessionId && initialize) return { status: 400, message: 'Invalid Request: Server already initialized' };
    const served = method === 'POST' || method === 'GET' || method === 'DELETE';
    const modern = body.includes(MODERN_META) || (VERSIONS.all.includes(version) && isStateless(version));
    if (!this.#sessionId && served && !initialize && !modern) {
      return { status: 400, code: -32000, message: 'Bad Request: Server not initialized' };
    }
    return undefined;
  }

  /** The hooks of one request (see `serveNode` in ../mount.js). */
  hooks(method) {
    const stateful = typeof this.#options.sessionIdGenerator === 'function';
    // The notifications this request's body carries (see `handshakeOf`).
    const heard = { notifications: [] };
    return {
      target: ENGINE_PATH,
      // As in the SDK, a body handed to `handleRequest` is the request.
      parsedWins: true,
      // The generator runs for an `initialize` only, as in the SDK.
      sessionId: (body) =>
        stateful && method === 'POST' && !this.#sessionId && holdsInitialize(body) ? String(this.#options.sessionIdGenerator()) : undefined,
      refuse: (body, version) => {
        // Closed while the body was read: its session is gone.
        if (this.#ended) return GONE;
        const refusal = stateful ? this.#refusal(method, body, version) : undefined;
        if (refusal) refusals.tell(this.#owner, new Error(refusal.message));
        else if (method === 'POST') handshakeOf(body, this.#handshake, heard);
        return refusal;
      },
      onHead: async (head) => {
        if (head.status === 202) for (const m of heard.notifications) this.#handshake.notified?.(m);
        const refused = refusals.refusalOf(head);
        if (refused) refusals.tell(this.#owner, refused);
        const opened = head.status === 200 && headerOf(head, 'mcp-session-id');
        if (stateful && opened && !this.#sessionId) {
          this.#sessionId = opened;
          // False when a bound ended the session already (a client flooding in parallel).
          const watched = this.#app?.watchSession(opened, () => this.#engineEnded());
          if (this.#options.eventStore) streamControl.offer(this.#server, opened, this.#owner);
          await this.#options.onsessioninitialized?.(opened);
          // Closed while the callback ran: the session is gone, its answer is not handed out.
          if (this.#ended) throw CLOSED_MEANWHILE;
          if (!watched) this.#engineEnded();
        }
        if (method === 'DELETE' && head.status === 200 && this.#sessionId) {
          // As the SDK's transport: a throwing callback rejects `handleRequest`, which closes
          // the transport first (`SessionClosedFailed`).
          await this.#tellSessionClosed().catch((e) => {
            throw new SessionClosedFailed(e);
          });
          // As the SDK does: the transport is closed before the client reads the answer.
          this.#announceClosed();
        }
      },
      onEnd: async (head) => {
        if (method === 'DELETE' && head.status === 200 && this.#sessionId) await this.#owner.close();
      },
    };
  }

  /**
   * Runs `onsessionclosed(id)` once, whether a DELETE or the engine ended the session (both
   * happen for a DELETE, in either order); every caller gets its outcome, so a DELETE sees a
   * callback that threw.
   */
  #tellSessionClosed() {
    this.#sessionClosedTold ??= Promise.resolve().then(() => this.#options.onsessionclosed?.(this.#sessionId));
    return this.#sessionClosedTold;
  }

  /**
   * The engine ended the session (its idle timeout, a session bound making room for
   * another, shutdown, a DELETE): unless the transport was closed first (its `close()` ran
   * `onclose` already, as the SDK's does), the server closed the session, so
   * `onsessionclosed(id)` runs as on the SDK's DELETE, then the transport closes
   * (`onclose`), and the application's map lets it go. A callback that throws is reported
   * to `onerror`.
   */
  #engineEnded() {
    if (this.#ended) return;
    this.#tellSessionClosed()
      .catch((e) => reportFailure(this.#owner, e))
      .then(() => this.#owner.close())
      .catch((e) => reportFailure(this.#owner, e));
  }

  /** Stops the engine application (its sessions end); runs `onclose` once. */
  async close() {
    if (!this.#ended) {
      this.#ended = true;
      const app = this.#app;
      this.#app = undefined;
      if (this.#sessionId !== undefined) streamControl.withdraw(this.#server, this.#sessionId);
      if (app) {
        await app.close();
        this.#server[mount.RELEASE](app);
      }
    }
    this.#announceClosed();
  }

  /** Runs the close callbacks (`onclose` included) once. */
  #announceClosed() {
    if (this.#announced) return;
    this.#announced = true;
    if (this.#closed) this.#closed();
    if (typeof this.#owner.onclose === 'function') this.#owner.onclose();
  }
}

const NOT_CONNECTED = 'mcpforge: the transport is not connected: call server.connect(transport) first';

/** What a closed transport answers, as the SDK's: its session is gone (404, -32001), the client starts a new one. */
const GONE = { status: 404, message: 'Session not found', code: -32001 };

/** Thrown from a request's hooks when the transport closed while they awaited the application. */
const CLOSED_MEANWHILE = new Error('the transport closed while the request was served');

/** The answer to a request that finds the transport without its engine application: `GONE` once closed, else 500. */
function unserved(book) {
  return book.ended ? GONE : { status: 500, message: NOT_CONNECTED };
}

/** `onsessionclosed` threw on a DELETE: `handleRequest` closes the transport and rejects with `error`. */
class SessionClosedFailed {
  constructor(error) {
    this.error = error;
  }
}

/**
 * What `handleRequest` does with `e`, thrown while `transport` served a request: a throwing
 * `onsessionclosed` closes the transport and rejects with its error, as the SDK's does;
 * anything else is answered (`answer(status, message, code)`).
 */
async function settleFailure(transport, e, answer) {
  if (e instanceof SessionClosedFailed) {
    await transport.close();
    throw e.error;
  }
  if (e === CLOSED_MEANWHILE) return answer(GONE.status, GONE.message, GONE.code);
  reportFailure(transport, e);
  return answer(500, CALLBACK_FAILED, ErrorCode.InternalError);
}

/** What a client reads when an application callback failed while its request was served (the error's text stays on the server). */
const CALLBACK_FAILED = 'Internal error: the server could not handle the request';

/**
 * Reports `error`, which an application callback (`sessionIdGenerator`,
 * `onsessioninitialized`, `onsessionclosed`, `onclose`) threw while a request was served, to
 * the transport's `onerror` (stderr without one). Like the official SDK's transport,
 * `handleRequest` then answers the client instead of rejecting: a rejection would end a
 * plain `node:http` server.
 */
function reportFailure(transport, error) {
  try {
    if (typeof transport.onerror === 'function') {
      transport.onerror(error);
      return;
    }
  } catch {
    // A failing onerror falls back to stderr.
  }
  console.error('mcpforge: a callback of the Streamable HTTP transport threw:', error);
}

/**
 * What both of the SDK's Streamable HTTP transports share: the session bookkeeping, the
 * SDK's callbacks and its lifecycle (`start`, `close`, attaching to a server). Each
 * subclass answers requests in its own runtime's terms.
 */
class TransportBase {
  /** @internal The session bookkeeping (subclasses read it in `handleRequest`). */
  _book;

  /**
   * @param {object} [options] the SDK's options: `sessionIdGenerator` (undefined:
   *   stateless), `onsessioninitialized(id)`, `onsessionclosed(id)`, `allowedHosts`,
   *   `allowedOrigins`, `enableDnsRebindingProtection`, `keepAliveMs`,
   *   `maxRequestBodySize` (`enableJsonResponse`, `eventStore`, `retryInterval` are accepted
   *   and left to the engine), and mcpforge's mount options (`auth`, `maxSessions`,
   *   `sessionIdleTimeoutMs`, ...)
   */
  constructor(options = {}) {
    this._book = new SessionBookkeeping(this, options || {});
    /** Called once the transport closed. */
    this.onclose = undefined;
    /** Called with transport errors. */
    this.onerror = undefined;
    /** Messages are the engine's: set for the SDK's API, never called. */
    this.onmessage = undefined;
  }

  /** The id of the session this transport serves (stateful mode, once initialized). */
  get sessionId() {
    return this._book.sessionId;
  }

  /** @internal */
  async [ATTACH](server, closed, session = {}) {
    this._book.attach(server, closed, session);
  }

  /** @internal */
  [DETACH]() {
    return this._book.close();
  }

  /** The engine starts serving when the server connects; nothing to do. */
  async start() {}

  /**
   * Ends the connection of the SSE stream answering `requestId` while the request runs on;
   * the client resumes it with `Last-Event-ID` (./stream-control.js).
   */
  closeSSEStream(requestId) {
    streamControl.closeStream(this._book, requestId);
  }

  /** Ends the connection of the session's GET stream; the client resumes it. */
  closeStandaloneSSEStream() {
    streamControl.closeStream(this._book);
  }

  /**
   * Sends a server notification: with the request `options.relatedRequestId` from inside
   * its handler, else to the session (./transport-send.js).
   */
  send(message, options) {
    return sendMessage(this._book, message, options);
  }

  /** Ends the session and stops serving (`onclose` runs). */
  close() {
    return this._book.close();
  }
}

/** The official SDK's Streamable HTTP transport for Node (`node:http`, Express). */
class StreamableHTTPServerTransport extends TransportBase {
  /**
   * Answers one request: POST (messages), GET (the session's SSE stream), DELETE (ends the
   * session). `parsedBody`: the body a parser (`express.json()`) already read, used when
   * neither `req.rawBody` nor the unread stream has the client's bytes (see ../mount.js).
   */
  async handleRequest(req, res, parsedBody) {
    const app = this._book.app();
    if (!app) {
      const { status, message, code } = unserved(this._book);
      mount.jsonRpcError(res, status, message, code);
      return;
    }
    try {
      await mount.serveNode(app, req, res, parsedBody, this._book.hooks(req.method));
    } catch (e) {
      await settleFailure(this, e, (status, message, code) => {
        if (!res.headersSent) mount.jsonRpcError(res, status, message, code);
        else if (!res.writableEnded) res.destroy();
      });
    }
  }
}

/** The official SDK's Streamable HTTP transport for web-standard runtimes (`Request` in, `Response` out). */
class WebStandardStreamableHTTPServerTransport extends TransportBase {
  /**
   * Answers one request; `options.parsedBody`: the body already read, used when the
   * request's own was; `options.clientAddress`: the client's address, which a `Request` does
   * not carry (as for `fetchHandler`), by which the per-client bounds count the client.
   */
  async handleRequest(request, options = {}) {
    const app = this._book.app();
    if (!app) {
      const { status, message, code } = unserved(this._book);
      return mount.jsonRpcErrorResponse(status, message, code);
    }
    try {
      return await mount.serveFetch(app, request, this._book.hooks(request.method), options?.parsedBody, options?.clientAddress);
    } catch (e) {
      return settleFailure(this, e, mount.jsonRpcErrorResponse);
    }
  }
}

module.exports = { StreamableHTTPServerTransport, WebStandardStreamableHTTPServerTransport };
