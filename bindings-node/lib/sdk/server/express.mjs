/** The ES module form of `mcpforge/server/express.js`. */
import entry from './express.js';

export const { createMcpExpressApp } = entry;
