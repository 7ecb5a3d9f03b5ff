/** The ES module form of `mcpforge/server/index.js`. */
import entry from './index.js';

export const { Server } = entry;
