/**
 * The reasons clients give in `notifications/cancelled`, kept between the transport that
 * reads the notification (a connection whose messages pass through JavaScript, the SDK's
 * Streamable HTTP transports) and the handler whose request it cancels: the engine cancels
 * the call without the reason, and the handler's `signal.reason` is then the client's, as
 * the official SDK's server aborts it. Internal.
 */
'use strict';

/** Where a server keeps the reasons not taken yet. */
const REASONS = Symbol('mcpforge.cancelReasons');
/** How many reasons a server keeps at most (the oldest is forgotten past it). */
const REASONS_KEPT = 1024;

/** The key of request `requestId` of session `sessionId` (none: the connection's own). */
const keyOf = (sessionId, requestId) => `${sessionId ?? ''}\n${JSON.stringify(requestId)}`;

/**
 * Notes the reason of `message` when it is a client's `notifications/cancelled` giving one,
 * for the request it names on session `sessionId` of `server` (the mcpforge `Server`).
 * Call it before the engine takes the message in.
 */
function noteCancelled(server, sessionId, message) {
  const params = message?.method === 'notifications/cancelled' && message.id === undefined ? message.params : undefined;
  if (typeof params?.reason !== 'string' || params.requestId === undefined) return;
  server[REASONS] ??= new Map();
  const reasons = server[REASONS];
  if (reasons.size >= REASONS_KEPT) reasons.delete(reasons.keys().next().value);
  reasons.set(keyOf(sessionId, params.requestId), params.reason);
}

/** The reason noted for request `requestId` of session `sessionId`, forgotten once taken; else undefined. */
function takeCancelReason(server, sessionId, requestId) {
  const reasons = server?.[REASONS];
  if (!reasons) return undefined;
  const key = keyOf(sessionId, requestId);
  const reason = reasons.get(key);
  reasons.delete(key);
  return reason;
}

module.exports = { noteCancelled, takeCancelReason };
