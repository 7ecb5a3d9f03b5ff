/**
 * `createMcpExpressApp(options)`, the official SDK's helper from `server/express.js`: an
 * Express application that parses JSON bodies and, for a server bound to a loopback name
 * (the default `127.0.0.1`), refuses requests whose `Host` is not a loopback name (DNS
 * rebinding protection), or checks `Host` against `allowedHosts` when given. Wherever it
 * checks `Host`, it also refuses an `Origin` (when one is sent) that is not on one of the
 * same names, which the SDK's helper does not: a page on another site cannot use a
 * browser to reach the server. Express is the application's own (an optional peer
 * dependency of this package).
 */
'use strict';

const { localhostHostValidation, localhostOriginValidation } = require('./serving-v2');

/** The addresses whose server gets the loopback Host check by default. */
const LOOPBACK_BINDS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Express middleware refusing (403) a request whose `Host` is not among `allowed`, or whose
 * `Origin`, when present, is not on one of them (all loopback names when not given).
 */
function hostAndOriginCheck(allowed) {
  const validHost = localhostHostValidation(allowed);
  const validOrigin = localhostOriginValidation(allowed);
  return (req, res, next) => {
    if (validHost(req, res) && validOrigin(req, res)) next();
  };
}

/** The application's Express, or a clear error when it has none. */
function express() {
  try {
    return require('express');
  } catch {
    throw new Error('mcpforge: createMcpExpressApp needs the package express (npm install express)');
  }
}

/**
 * An Express application ready for MCP routes. `options.host` is the address the server
 * binds (default `127.0.0.1`); `options.allowedHosts` the `Host` names to accept (and the
 * names an `Origin` may be on).
 */
function createMcpExpressApp(options = {}) {
  const { host = '127.0.0.1', allowedHosts } = options;
  const make = express();
  const app = make();
  if (allowedHosts) app.use(hostAndOriginCheck(allowedHosts));
  else if (LOOPBACK_BINDS.has(host)) app.use(hostAndOriginCheck());
  else if (host === '0.0.0.0' || host === '::') {
    console.warn(`mcpforge: binding ${host} with no Host check: give allowedHosts, or protect the server with authorization`);
  }
  // After the Host and Origin checks: a refused request's body is never read.
  app.use(make.json());
  return app;
}

module.exports = { createMcpExpressApp };
