/** The ES module form of `mcpforge/server/streamableHttp.js`. */
import entry from './streamableHttp.js';

export const { StreamableHTTPServerTransport } = entry;
