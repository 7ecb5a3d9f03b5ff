/** Types of `mcpforge/client/websocket.js`. */
export { WebSocketClientTransport } from '../../index.js';
