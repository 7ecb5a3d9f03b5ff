/** Types of `mcpforge/client/index.js`. */
export { Client } from '../../index.js';
