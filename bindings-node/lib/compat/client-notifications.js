/**
 * What the SDK's server does with a notification from its client, once the engine has taken
 * it in, on every transport (a connection whose messages pass through JavaScript, and the
 * Streamable HTTP transports, whose bodies are read for it): the handler of
 * `setNotificationHandler` for its method runs, and `oninitialized` for
 * `notifications/initialized`. As in the SDK, a handler's failure reaches `onerror` as
 * "Uncaught error in notification handler", and so does a progress notification of the
 * wrong shape; one of the right shape is for a token nothing asked progress for (the
 * engine's requests to the client carry none), told as the SDK's server tells it.
 */
'use strict';

/** The SDK's report of `error`, thrown by a notification handler. */
function uncaught(error) {
  return new Error(`Uncaught error in notification handler: ${error}`, { cause: error });
}

/** The report of a client's `notifications/progress` no request of this server asked for. */
function strayProgress(message) {
  const p = message.params;
  const token = p?.progressToken;
  if ((typeof token !== 'string' && typeof token !== 'number') || typeof p.progress !== 'number') {
    return uncaught(new TypeError(`invalid progress notification params: ${JSON.stringify(p)}`));
  }
  return new Error(`Received a progress notification for an unknown token: ${JSON.stringify(message)}`);
}

/**
 * Runs what the application set for the client notification `message`: `handlers` (by
 * method), `initialized` (the current `oninitialized`, or undefined); failures go to
 * `onerror(error)`. Anything but a notification is ignored.
 */
function runNotified(message, handlers, initialized, onerror) {
  if (!message || message.id !== undefined || typeof message.method !== 'string') return;
  const run = (fn, ...args) => {
    try {
      Promise.resolve(fn(...args)).catch((e) => onerror(uncaught(e)));
    } catch (e) {
      onerror(uncaught(e));
    }
  };
  const handler = handlers.get(message.method);
  if (handler) run(handler, { method: message.method, params: message.params });
  else if (message.method === 'notifications/progress') onerror(strayProgress(message));
  if (message.method === 'notifications/initialized' && typeof initialized === 'function') run(initialized);
}

module.exports = { runNotified };
