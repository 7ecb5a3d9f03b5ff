/**
 * The official TypeScript SDK's serving options (`StreamableHTTPServerTransport`'s,
 * `createMcpHandler`'s) handed to the engine, whose table (core/src/sdk_options.rs) says
 * what each official name becomes: an engine option (`maxRequestBodySize` is `maxBody`), the
 * `Host`/`Origin` checks (`enableDnsRebindingProtection`, `allowedHosts`, `allowedOrigins`),
 * whether sessions are kept (`sessionIdGenerator`), or nothing, when the engine decides by
 * itself (`enableJsonResponse`, `eventStore`, ...). Names that are no official ones
 * (mcpforge's mount options) pass through, and the engine refuses unknown ones as for
 * `httpHandler()`.
 */
'use strict';

const native = require('../native');

/** True for a value JSON writes as it is: no function, no class instance. */
function hasJsonForm(value) {
  if (value === null || typeof value !== 'object') return typeof value !== 'function';
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The engine's mount options for the options of the SDK API `api` (`'typescript-transport'`
 * or `'typescript-handler'`). What stays here is what only JavaScript has: an option whose
 * value has no JSON form (the `sessionIdGenerator` function and the session callbacks the
 * transport runs itself, an `eventStore` object) goes to the engine as `true`, since its
 * table only needs to know that it was given; and `auth`, mcpforge's own option carrying
 * the token verifier function, goes to the mount as it is.
 */
function engineOptions(api, options) {
  const { auth, ...rest } = options || {};
  const json = JSON.stringify(rest, function given(key, value) {
    if (this !== rest || value === undefined || hasJsonForm(value)) return value;
    return true;
  });
  const translated = JSON.parse(native.sdkOptions(api, json));
  return auth === undefined ? translated : { ...translated, auth };
}

module.exports = { engineOptions };
