/** The ES module form of `mcpforge/server/stdio.js`. */
import entry from './stdio.js';

export const { StdioServerTransport } = entry;
