/** Types of `mcpforge/server/stdio.js`. */
export { StdioServerTransport } from '../../index.js';
