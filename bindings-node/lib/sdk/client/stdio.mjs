/** The ES module form of `mcpforge/client/stdio.js`. */
import entry from './stdio.js';

export const { StdioClientTransport } = entry;
