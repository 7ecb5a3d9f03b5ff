/**
 * The initialize hook: `server.onInitialize(hook)` lets `hook(handshake)` see each client's
 * `initialize` and decide the answer, on every transport (stdio, Streamable HTTP with or
 * without sessions, HTTP+SSE, linked transports). `handshake` holds `params` (what the client
 * sent: `protocolVersion`, `capabilities`, `clientInfo`), `answer` (what the engine would
 * answer), `repeated` (an `initialize` sent again on a session) and `authInfo` (the caller's
 * grant, when there is one). The hook returns (or resolves to) the result object to answer,
 * or `undefined` for the engine's answer. It throws an `McpError` to refuse the handshake
 * with that error; any other throw is logged, goes to the error hook and answers an internal
 * error (-32603, its text masked under `maskErrorDetails`). The session is served at the
 * `protocolVersion` the answer names when the server serves it (core/src/initialize_hook.rs).
 */
'use strict';

const { ErrorCode, isMcpError } = require('./errors');
const { ErrorPolicy, source } = require('./error-policy');

/**
 * The handler-table entry running `hook`, as `run(payload, ctx, call, done)`
 * (lib/dispatch.js); `errors` is the server's error policy.
 */
function initializeHookHandler(hook, errors) {
  return (payload, _ctx, call, done) => {
    const handshake = JSON.parse(payload);
    Promise.resolve()
      .then(() => hook(handshake))
      .then((answer) => {
        const result = answer === undefined || answer === null ? handshake.answer : answer;
        if (typeof result !== 'object' || Array.isArray(result)) {
          throw new TypeError(`an initialize hook returns a result object, not ${Array.isArray(result) ? 'an array' : typeof result}`);
        }
        call.respond('json', JSON.stringify(result));
      })
      .catch((e) => {
        if (isMcpError(e)) {
          call.protocolError(e.code, e.message, e.data === undefined ? undefined : JSON.stringify(e.data));
          return;
        }
        if (ErrorPolicy.unexpected(e)) errors.report(e, source('initialize hook'));
        const text = e instanceof Error ? e.message : String(e);
        call.protocolError(ErrorCode.InternalError, errors.visible(text));
      })
      .finally(done);
  };
}

module.exports = { initializeHookHandler };
