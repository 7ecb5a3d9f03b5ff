/**
 * The one link between `McpServer.connect(transport)` and this package's transports: a
 * transport implements `[ATTACH](server)` (start serving `server`, an mcpforge `Server`,
 * resolving once started) and `[DETACH]()` (stop). Transports of other packages have
 * neither and are refused with a clear error.
 */
'use strict';

const ATTACH = Symbol.for('mcpforge.transport.attach');
const DETACH = Symbol.for('mcpforge.transport.detach');

/** True when `transport` is one of this package's transports. */
function isTransport(transport) {
  return transport !== null && typeof transport === 'object' && typeof transport[ATTACH] === 'function';
}

module.exports = { ATTACH, DETACH, isTransport };
