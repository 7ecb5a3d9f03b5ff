/** The ES module form of `mcpforge/client/streamableHttp.js`. */
import entry from './streamableHttp.js';

export const { StreamableHTTPClientTransport } = entry;
