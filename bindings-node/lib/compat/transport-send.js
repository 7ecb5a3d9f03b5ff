/**
 * `transport.send(message, { relatedRequestId })` of the official SDK's Streamable HTTP
 * transports, for an application that sends a server notification itself. The engine sends
 * its own messages (answers, its requests to the client), so what a transport takes here is
 * a notification: with `relatedRequestId`, called from the handler of that request, it goes
 * with the request (as `extra.sendNotification` sends it); otherwise to the transport's
 * session, on its GET stream (queued by the engine while none is open). A stateless
 * transport has no session to send to: the notification is dropped, as the SDK drops one
 * that has no stream.
 */
'use strict';

const { NOTIFY_SESSION } = require('../server');
const { currentContext } = require('./protocol-server');
const { sendNotification } = require('../notifications');

/** True for a JSON-RPC notification (a method, no id). */
function isNotification(message) {
  return message !== null && typeof message === 'object' && typeof message.method === 'string' && message.id === undefined;
}

/**
 * Sends `message` for a transport whose session bookkeeping is `book` (`engine()`, the
 * mcpforge `Server` once connected; `sessionId`).
 */
async function sendMessage(book, message, options) {
  const engine = book.engine();
  if (!engine) throw new Error('Not connected');
  if (!isNotification(message)) {
    throw new Error('mcpforge: transport.send takes notifications: the engine sends the answers and its own requests to the client');
  }
  const related = options?.relatedRequestId;
  const ctx = related === undefined ? undefined : currentContext();
  if (ctx && String(ctx.requestId) === String(related)) {
    sendNotification(message, ctx, engine, (params) => engine.log(params.level, params.data, params.logger));
    return;
  }
  const sessionId = book.sessionId;
  if (sessionId !== undefined) engine[NOTIFY_SESSION](sessionId, message);
}

module.exports = { sendMessage };
