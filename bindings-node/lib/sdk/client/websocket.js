/**
 * `mcpforge/client/websocket.js`: the WebSocket client transport on the mcpforge engine, under the path of the official SDK's
 * `@modelcontextprotocol/sdk/client/websocket.js` (replacing that prefix with `mcpforge/` is the migration).
 */
'use strict';

const { WebSocketClientTransport } = require('../../index.js');

module.exports = { WebSocketClientTransport };
