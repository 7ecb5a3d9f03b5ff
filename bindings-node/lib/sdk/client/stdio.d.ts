/** Types of `mcpforge/client/stdio.js`. */
export { StdioClientTransport } from '../../index.js';
