/**
 * Polling over SSE (SEP-1699) as the official SDK's Streamable HTTP transports offer it:
 * `transport.closeSSEStream(requestId)` and `transport.closeStandaloneSSEStream()` end the
 * connection of a request's stream (or of the session's GET stream) while the request runs
 * on and the engine keeps the stream's events; the client, told by the priming event how
 * long to wait, comes back with `Last-Event-ID` and resumes. A handler gets the same as
 * `extra.closeSSEStream` / `extra.closeStandaloneSSEStream` when its transport was given
 * an `eventStore` (the SDK's condition) and the session speaks 2025-11-25 or later.
 */
'use strict';

const { STREAM_CONTROL } = require('../context');

/** The sessions of an engine whose transports offer polling to handlers: id -> transport. */
const SESSIONS = Symbol('mcpforge.pollingSessions');

/** The first protocol version with priming events, so clients that can resume. */
const RESUMABLE_FROM = '2025-11-25';

/**
 * Ends a stream's connection for the transport whose bookkeeping is `book` (`app()`,
 * `sessionId`): the stream answering `requestId`, or the GET stream without one. False when
 * there is no such session or stream connection.
 */
function closeStream(book, requestId) {
  const app = book.app();
  const sessionId = book.sessionId;
  if (!app || sessionId === undefined) return false;
  return app.closeSseStream(String(sessionId), requestId === undefined ? undefined : JSON.stringify(requestId));
}

/** The stream controls a handler's context `ctx` gets, or undefined. */
function controlsFor(sessions, ctx) {
  const transport = ctx.sessionId === undefined ? undefined : sessions.get(ctx.sessionId);
  if (!transport || !(String(ctx.protocolVersion) >= RESUMABLE_FROM)) return undefined;
  const requestId = ctx.requestId;
  return {
    closeSSEStream: () => {
      transport.closeSSEStream(requestId);
    },
    closeStandaloneSSEStream: () => {
      transport.closeStandaloneSSEStream();
    },
  };
}

/** Offers polling to the handlers of session `sessionId` of `engine`, served by `transport`. */
function offer(engine, sessionId, transport) {
  let sessions = engine[SESSIONS];
  if (!sessions) {
    sessions = new Map();
    engine[SESSIONS] = sessions;
    engine[STREAM_CONTROL] = (ctx) => controlsFor(sessions, ctx);
  }
  sessions.set(sessionId, transport);
}

/** Stops offering it (the session's transport closed). */
function withdraw(engine, sessionId) {
  engine?.[SESSIONS]?.delete(sessionId);
}

module.exports = { closeStream, offer, withdraw };
