/**
 * The official SDK's Streamable HTTP transports tell the application of every request they
 * refuse (a body that is not JSON, a wrong `Accept` or `Content-Type`, an unknown session, a
 * second `initialize`, ...) through `transport.onerror`, besides answering the client. The
 * engine decides and words those refusals here: this module turns the answer it wrote into
 * the `Error` the transport reports, with the message of its JSON-RPC error body (or the
 * HTTP status when the body has none).
 */
'use strict';

/** The message of a JSON-RPC error body (bytes or text), or undefined. */
function errorMessage(body) {
  if (!body || body.length === 0) return undefined;
  try {
    const parsed = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : String(body));
    const message = parsed?.error?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `Error` for an engine answer `head` (`{ status, body? }`) that refused its request
 * (status 400 and above), else undefined. A streamed answer (no `body`) refused nothing.
 */
function refusalOf(head) {
  if (!head || head.status < 400 || head.body == null) return undefined;
  return new Error(errorMessage(head.body) ?? `HTTP ${head.status}`);
}

/** Hands `error` to `transport.onerror` when the application set one (a throwing one is ignored). */
function tell(transport, error) {
  if (typeof transport.onerror !== 'function') return;
  try {
    transport.onerror(error);
  } catch {
    // The request is answered whatever the application's callback does.
  }
}

module.exports = { refusalOf, tell };
