/**
 * The handler table of one server and the function the addon calls on the JS thread:
 * `dispatch(handlerId, payload, callId)` runs a handler with a fresh `Context` and answers
 * the call; `dispatch(ABORT_HANDLER, payload, callId)` aborts that call's `AbortSignal`
 * (`payload`: JSON `{ reason, request }`, the reason the client gave when it cancelled the
 * request, null for none, and the request's description, kept by the call's `Context`);
 * `dispatch(RELEASE_HANDLER, '', handlerId)` forgets a handler the engine let go of (removed or
 * replaced, with no call of it left to start), so registering and removing in a loop keeps
 * the table small.
 */
'use strict';

const { Call } = require('./call');
const { Context } = require('./context');
const { ErrorCode } = require('./errors');

/** The handler ids of an abort and of a release, as the addon exports them. */
const { ABORT_HANDLER, RELEASE_HANDLER } = require('./native');

class HandlerTable {
  #handlers = new Map();
  #calls = new Map();
  #next = 1;

  /**
   * Registers `run(payload, ctx, call, done)`: it starts the handler and answers `call`
   * (through `settle` in results.js), calling `done` once answered. Returns the handler id.
   */
  add(run) {
    const id = this.#next++;
    this.#handlers.set(id, run);
    return id;
  }

  /** Forgets a handler (calls already running finish). */
  delete(id) {
    this.#handlers.delete(id);
  }

  /** The context of the one call in flight, or undefined when there is none or more than one. */
  sole() {
    if (this.#calls.size !== 1) return undefined;
    return this.#calls.values().next().value;
  }

  /** The function handed to the addon. */
  dispatcher(server) {
    return (handlerId, payload, id) => {
      if (handlerId === ABORT_HANDLER) {
        const ctx = this.#calls.get(id);
        if (ctx !== undefined) {
          const { reason, request } = JSON.parse(payload);
          ctx._abort(reason ?? '', request ?? undefined);
        }
        return;
      }
      if (handlerId === RELEASE_HANDLER) {
        this.#handlers.delete(id);
        return;
      }
      const call = new Call(id);
      const run = this.#handlers.get(handlerId);
      if (run === undefined) {
        call.protocolError(ErrorCode.InternalError, 'Internal error: the handler was removed');
        return;
      }
      const ctx = new Context(call, server);
      this.#calls.set(id, ctx);
      run(payload, ctx, call, () => {
        this.#calls.delete(id);
        ctx._finish();
      });
    };
  }
}

/**
 * The function handed to the engine for a server's `dispatch` (a `HandlerTable`'s
 * `dispatcher`): it holds `dispatch` weakly, so the server must hold it. The engine keeps
 * the function it is given for as long as the engine lives, and the engine lives as long
 * as the server's JavaScript object does: a strong hold would close a cycle through native
 * code, which the garbage collector cannot see, and no server (nor what its handlers
 * reach) would ever be freed. Once the server is unreachable, nothing can route a call to
 * it any more (every way in, a listener, a mount, a transport, holds the server).
 */
function weakDispatch(dispatch) {
  const held = new WeakRef(dispatch);
  return (handlerId, payload, id) => held.deref()?.(handlerId, payload, id);
}

module.exports = { HandlerTable, weakDispatch };
