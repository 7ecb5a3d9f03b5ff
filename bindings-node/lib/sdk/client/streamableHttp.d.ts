/** Types of `mcpforge/client/streamableHttp.js`. */
export { StreamableHTTPClientTransport } from '../../index.js';
