/** The ES module form of `mcpforge/client/websocket.js`. */
import entry from './websocket.js';

export const { WebSocketClientTransport } = entry;
