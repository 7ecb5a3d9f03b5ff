/** The ES module form of `mcpforge/client/index.js`. */
import entry from './index.js';

export const { Client } = entry;
