/** Types of `mcpforge/server/express.js`. */
export { createMcpExpressApp } from '../../index.js';
export type { CreateMcpExpressAppOptions } from '../../index.js';
