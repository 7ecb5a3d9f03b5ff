/**
 * The handler scope of the drop-in: the context of the `McpServer` handler whose request the
 * running code serves, so that `mcpServer.server.elicitInput()` and its kind, which take no
 * request, find one (compat/protocol-server.js).
 *
 * Where `AsyncLocalStorage` is cheap (Node 24 and later, where it rides on the engine's own
 * async context), the scope is one, and follows a handler through everything it starts.
 * On Node 20 and 22 an `AsyncLocalStorage` makes the process run Node's promise hooks for every
 * promise it makes, which cost the drop-in 11-20 % of its CPU per call; there the
 * scope follows a handler through its promises and awaits with three small promise hooks of
 * its own. Those do not follow a callback of a timer or an event the handler set up: when code
 * that needs a request finds none (`followCallbacks`), the process switches to
 * `AsyncLocalStorage` for the handlers that start from then on.
 */
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');
const { promiseHooks } = require('node:v8');

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** The scope of every handler started since `followCallbacks()` (or always, where cheap). */
let storage = NODE_MAJOR >= 24 || !promiseHooks ? new AsyncLocalStorage() : undefined;

/** The key under which a promise made inside a handler keeps that handler's context. */
const CONTEXT = Symbol('mcpforge.handlerContext');
/** The context of the handler running now, as the promise hooks follow it. */
let current;
/** The contexts `current` had outside the promise reactions running now (innermost last). */
const outer = [];
let hooked = false;

/** Starts the promise hooks (once, when the first handler runs). */
function hook() {
  hooked = true;
  promiseHooks.createHook({
    init(promise) {
      if (current !== undefined) promise[CONTEXT] = current;
    },
    before(promise) {
      outer.push(current);
      current = promise[CONTEXT];
    },
    after() {
      current = outer.pop();
    },
  });
}

/** Runs `fn(a, b)` with `ctx` as the current handler context. */
function inHandler(ctx, fn, a, b) {
  if (storage !== undefined) return storage.run(ctx, fn, a, b);
  if (!hooked) hook();
  const previous = current;
  current = ctx;
  try {
    return fn(a, b);
  } finally {
    current = previous;
  }
}

/** The context of the handler the running code serves, if one is known. */
function scopeContext() {
  return storage?.getStore() ?? current;
}

/**
 * From now on, follows each handler that starts through callbacks too (`AsyncLocalStorage`):
 * called when code that needs a request found none. Handlers already running keep the
 * promise hooks.
 */
function followCallbacks() {
  if (storage === undefined) storage = new AsyncLocalStorage();
}

module.exports = { inHandler, scopeContext, followCallbacks };
