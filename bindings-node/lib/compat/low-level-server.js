/**
 * `Server` of the official SDK's `server/index.js`: the low-level server a program builds
 * from request handlers (`setRequestHandler(ListToolsRequestSchema, ...)`), over the engine.
 * It is the same object as an `McpServer`'s `server` (./protocol-server.js): made here, it
 * makes the `McpServer` it belongs to around itself, which owns the engine, the transports
 * (`connect`, `close`) and what `options.capabilities` declares.
 */
'use strict';

const { ProtocolServer } = require('./protocol-server');
const { McpServer } = require('./mcp-server');

class Server extends ProtocolServer {
  /**
   * @param {{ name: string, version: string }} serverInfo
   * @param {object} [options] the SDK's `ServerOptions` (`capabilities`, `instructions`) and
   *   any option of mcpforge's `Server`, as `McpServer` takes them
   */
  constructor(serverInfo, options = {}) {
    super();
    // The McpServer ties itself to this object (`BIND`), which then acts through it.
    new McpServer(serverInfo, options, this);
  }
}

module.exports = { Server };
