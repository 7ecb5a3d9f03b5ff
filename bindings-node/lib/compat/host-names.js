/**
 * The host names DNS-rebinding protection compares, read from a `Host` header or an `Origin`
 * strictly: `host[:port]` with no user info, path or anything after an IPv6 address's
 * brackets, names lower-cased, ports ignored. A value of any other form has no name, so it
 * matches no allowed one (`localhost:1@evil.com`, `[::1].evil.com`, `Origin: null`). Used by
 * the `localhostHostValidation`/`localhostOriginValidation` guards (./serving-v2.js, and
 * `createMcpExpressApp` through them) and by `SSEServerTransport` (./sse.js).
 */
'use strict';

/** The names a loopback `Host` may carry. */
const LOOPBACK = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

/** `host[:port]`: a name (no user info, path or brackets) or an IPv6 address in brackets, then digits. */
const AUTHORITY = /^(\[[0-9a-f:.]+\]|[^[\]:@/?#\s]+)(?::\d*)?$/i;

/**
 * The host name (lower case, IPv6 in brackets) of `authority` (`127.0.0.1:3000`, `[::1]:80`);
 * undefined when it is no bare `host[:port]`.
 */
function hostName(authority) {
  const match = AUTHORITY.exec(String(authority).trim());
  return match ? match[1].toLowerCase() : undefined;
}

/** The host name of an `Origin` (`http` or `https` only; `null` and other schemes have none). */
function originHostName(origin) {
  const match = /^https?:\/\/(.*)$/i.exec(String(origin).trim());
  return match ? hostName(match[1]) : undefined;
}

/** The set of allowed names, as `hostName` gives them (`LocalHost:3000` is `localhost`). */
function namesOf(allowed) {
  return new Set(allowed.map((name) => hostName(name) ?? String(name)));
}

/** True when the `Host` header `host` is present and names one of `names` (a `namesOf` set). */
function hostAllowed(host, names) {
  return host !== undefined && names.has(hostName(host));
}

/** True when the `Origin` header `origin` is an `http`/`https` origin on one of `names`. */
function originAllowed(origin, names) {
  return names.has(originHostName(origin));
}

module.exports = { LOOPBACK, namesOf, hostAllowed, originAllowed };
