/**
 * The catalogue hook: `server.catalogue(hook)` lets `hook(context, kind)` say, per request,
 * which registered items it may see. `context` is a `MiddlewareContext` (`authInfo`,
 * `clientInfo`, `sessionId`, `_meta`, `method`, `name`; not the arguments), `kind` one of
 * `'tools'`, `'resources'`, `'resource_templates'`, `'prompts'`. The hook returns (or resolves
 * to) `null`/`undefined` for everything, or an iterable of names (tools, prompts), URIs
 * (resources) or URI templates as registered (templates). The engine asks it at most once per
 * kind and request, and only when one is set.
 */
'use strict';

const { MiddlewareContext } = require('./middleware');
const { source } = require('./error-policy');

/** The names `value` holds, checked: `null` for everything, else an array of strings. */
function visibleKeys(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value[Symbol.iterator] !== 'function') {
    throw new TypeError(`a catalogue hook returns null or an iterable of names, not ${typeof value}`);
  }
  const keys = [...value];
  for (const key of keys) {
    if (typeof key !== 'string') throw new TypeError(`a catalogue hook returns names as strings, not ${typeof key}`);
  }
  return keys;
}

/**
 * The handler-table entry running `hook`, as `run(payload, ctx, call, done)`
 * (lib/dispatch.js). A throw (or a wrong answer) is logged and reported to the error hook
 * through `errors`; the engine then shows nothing of that kind for that request.
 */
function catalogueHandler(hook, errors) {
  return (payload, _ctx, call, done) => {
    const { request, kind } = JSON.parse(payload);
    Promise.resolve()
      .then(() => hook(new MiddlewareContext(request), kind))
      .then((value) => call.respond('json', JSON.stringify(visibleKeys(value))))
      .catch((e) => {
        errors.report(e, source('catalogue'));
        call.toolError(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      })
      .finally(done);
  };
}

module.exports = { catalogueHandler };
