/**
 * The one link between `McpServer.connect(transport)` and this package's transports: the
 * native `Server`'s transport hook (`ATTACH`, `isTransport`: ../server.js), which a
 * transport implements as `[ATTACH](server, closed)` (start serving `server`, an mcpforge
 * `Server`, resolving once started), and `[DETACH]()` (stop), which `McpServer.close` calls.
 * Transports of other packages have neither and are refused with a clear error.
 */
'use strict';

const { ATTACH, isTransport } = require('../server');

const DETACH = Symbol.for('mcpforge.transport.detach');

module.exports = { ATTACH, DETACH, isTransport };
