/** The ES module form of `mcpforge/server/sse.js`. */
import entry from './sse.js';

export const { SSEServerTransport } = entry;
